// CONTRACT STUB (issue 16): replaced by the ui/app helper.
#include "ui/app/ui_app.hpp"

namespace micdoctor::ui {
namespace {

class PlaceholderApp final : public Application {
 public:
  HttpResponse handle(const HttpRequest& request) override {
    HttpResponse response;
    if (request.path != "/") {
      response.status = 404;
      response.body = R"({"error":"not found"})";
      return response;
    }
    response.content_type = "text/html; charset=utf-8";
    response.body = "<!doctype html><html lang=\"en\"><title>micdoctor</title><p>micdoctor</p></html>";
    return response;
  }
  std::vector<std::pair<std::string, std::string>> events_for_new_page() override { return {}; }
  void on_open_pages(int) override {}
};

}  // namespace

std::unique_ptr<Application> make_ui_application(EventPublisher&, const UiAppOptions&) {
  return std::make_unique<PlaceholderApp>();
}

}  // namespace micdoctor::ui
