#pragma once
// Which request does what (the ROUTES of docs/ui.md): the page's files, the
// API, the reports. Pure dispatch over UiActions, so every route, method and
// malformed body is tested without a server or a sound system.
#include <string>

#include "ui/server/http_types.hpp"

namespace micdoctor::ui {

// What the routes ask of the application (ui_app.cpp: the live system).
class UiActions {
 public:
  virtual ~UiActions() = default;
  virtual HttpResponse state() = 0;                             // GET /api/state
  virtual HttpResponse fix(const std::string& fix_id) = 0;      // POST /api/fix (a known fix id)
  virtual HttpResponse undo() = 0;                              // POST /api/undo
  virtual HttpResponse start_test() = 0;                        // POST /api/test
  virtual HttpResponse report(bool html) = 0;                   // GET /report.html, /report.md
  virtual HttpResponse picture(const std::string& name) = 0;    // GET /api/picture/NAME.svg
};

HttpResponse route(const HttpRequest& request, UiActions& actions);

// {"error": words}: what went wrong, for a person.
HttpResponse error_response(int status, const std::string& words);
HttpResponse json_response(int status, std::string json);

}  // namespace micdoctor::ui
