// Request dispatch of `micdoctor ui` (routes.hpp).
#include "ui/app/routes.hpp"

#include <nlohmann/json.hpp>

#include "checks/check_catalog.hpp"
#include "ui/app/page_assets.hpp"

namespace micdoctor::ui {
namespace {

HttpResponse asset(std::string_view body, const char* content_type) {
  HttpResponse response;
  response.content_type = content_type;
  response.body = std::string(body);
  return response;
}

HttpResponse wrong_method(const char* allowed) {
  HttpResponse response = error_response(405, std::string("This address only answers ") + allowed + ".");
  response.headers.emplace_back("Allow", allowed);
  return response;
}

bool is_read(const HttpRequest& request) { return request.method == "GET" || request.method == "HEAD"; }

// {"fix": "source.unmute"}: the fix id, or an error response.
HttpResponse parse_fix_body(const HttpRequest& request, std::string& fix_id) {
  if (request.content_type.rfind("application/json", 0) != 0) {
    return error_response(415, "The request must be JSON (Content-Type: application/json).");
  }
  const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("fix") || !body["fix"].is_string()) {
    return error_response(400, "The request must say which fix to apply, as {\"fix\": \"FIX_ID\"}.");
  }
  fix_id = body["fix"].get<std::string>();
  if (!fix_from_id(fix_id)) return error_response(400, "micdoctor has no fix by that name.");
  return HttpResponse{};
}

// "/api/picture/waveform.svg" -> "waveform"; "" when it is not one.
std::string picture_name(const std::string& path) {
  constexpr std::string_view prefix = "/api/picture/";
  constexpr std::string_view suffix = ".svg";
  if (path.size() <= prefix.size() + suffix.size() || path.rfind(prefix, 0) != 0 ||
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return {};
  }
  std::string name = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  for (const char c : name) {
    if (c < 'a' || c > 'z') return {};
  }
  return name;
}

}  // namespace

HttpResponse error_response(int status, const std::string& words) {
  return json_response(status, nlohmann::json{{"error", words}}.dump(-1, ' ', false,
                                                                     nlohmann::json::error_handler_t::replace));
}

HttpResponse json_response(int status, std::string json) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(json);
  return response;
}

HttpResponse route(const HttpRequest& request, UiActions& actions) {
  const std::string& path = request.path;
  // The changes: POST only.
  if (path == "/api/fix" || path == "/api/undo" || path == "/api/test") {
    if (request.method != "POST") return wrong_method("POST");
    if (path == "/api/undo") return actions.undo();
    if (path == "/api/test") return actions.start_test();
    std::string fix_id;
    HttpResponse refused = parse_fix_body(request, fix_id);
    if (refused.status != 200) return refused;
    return actions.fix(fix_id);
  }
  // Everything else only reads.
  const bool known = path == "/" || path == "/index.html" || path == "/app.js" || path == "/app.css" ||
                     path == "/icon.svg" || path == "/favicon.ico" || path == "/api/state" || path == "/report.html" ||
                     path == "/report.md" || !picture_name(path).empty();
  if (!known) return error_response(404, "There is nothing at this address.");
  if (!is_read(request)) return wrong_method("GET, HEAD");
  if (path == "/" || path == "/index.html") return asset(page_html(), "text/html; charset=utf-8");
  if (path == "/app.js") return asset(page_script(), "text/javascript; charset=utf-8");
  if (path == "/app.css") return asset(page_style(), "text/css; charset=utf-8");
  if (path == "/icon.svg" || path == "/favicon.ico") return asset(page_icon(), "image/svg+xml");
  if (path == "/api/state") return actions.state();
  if (path == "/report.html") return actions.report(true);
  if (path == "/report.md") return actions.report(false);
  return actions.picture(picture_name(path));
}

}  // namespace micdoctor::ui
