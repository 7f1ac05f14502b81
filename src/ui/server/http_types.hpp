#pragma once
// What `micdoctor ui`'s local web server (ui/server) and the application it
// serves (ui/app) hand each other. The server owns the network and the
// security rules (loopback, the secret, Host and Origin, body limits, the
// event streams, when to exit); the application owns what the pages show and
// do. Neither knows the other's insides.
#include <string>
#include <utility>
#include <vector>

namespace micdoctor::ui {

// A request that passed every check of the server (secret, Host, Origin,
// size). The key= parameter of the secret is never passed on.
struct HttpRequest {
  std::string method;  // "GET", "HEAD" or "POST" (the server answers 405 to anything else)
  std::string path;    // "/api/state": decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::string content_type;
  std::string body;  // at most kMaxRequestBody bytes (the server answers 413 to more)
};

inline constexpr std::size_t kMaxRequestBody = std::size_t{64} * 1024;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  // Extra headers (Content-Disposition for a saved report, Allow for a 405).
  // The server adds the security headers itself (CSP, no-store, nosniff...).
  std::vector<std::pair<std::string, std::string>> headers;
};

// Server-Sent Events to every open page. Safe to call from any thread; never
// blocks on a slow page (the server drops a page that falls too far behind;
// the page reconnects and is brought up to date by events_for_new_page).
class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // `event` is the SSE event name, `data` one line of JSON (no newlines).
  virtual void publish(const std::string& event, const std::string& data) = 0;
};

// The application behind the server.
class Application {
 public:
  virtual ~Application() = default;
  // Every request but GET /events. May be called from several threads at
  // once and may take seconds (a fix re-reads the system). A GET never
  // changes anything: every change is a POST, and a change path answers 405
  // to any other method.
  virtual HttpResponse handle(const HttpRequest& request) = 0;
  // A page opened its event stream (GET /events): the events that bring it
  // up to date, sent to that page only, before anything published later.
  virtual std::vector<std::pair<std::string, std::string>> events_for_new_page() = 0;
  // How many pages have their event stream open, whenever that changes: the
  // application may watch the system only while somebody looks.
  virtual void on_open_pages(int count) = 0;
};

}  // namespace micdoctor::ui
