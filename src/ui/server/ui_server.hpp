#pragma once
// `micdoctor ui`'s local web server: HTTP/1.1 on Boost.Beast, bound to
// 127.0.0.1 only. Every request passes the RequestGuard before anything
// reaches the application; GET /events is the server's own (Server-Sent
// Events); the application's handle() runs on worker threads, so a fix that
// takes seconds never stalls the event streams or other requests. The
// process's lifetime follows the open pages (see ServerLimits).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ui/server/http_types.hpp"
#include "ui/server/request_guard.hpp"

namespace micdoctor::ui {

struct ServerLimits {
  // Exit this long after the last page's event stream closed...
  std::chrono::milliseconds after_last_page{std::chrono::seconds(30)};
  // ...or this long after the start when no page ever opened one.
  std::chrono::milliseconds without_any_page{std::chrono::minutes(10)};
  // Slowloris: once a request's first byte came, its headers must be complete
  // within header_timeout and the whole request (the body too) within
  // read_timeout. A connection waiting for its next request also gets
  // read_timeout (browsers keep idle connections open).
  std::chrono::milliseconds header_timeout{std::chrono::seconds(2)};
  std::chrono::milliseconds read_timeout{std::chrono::seconds(15)};
  std::chrono::milliseconds keep_alive_comment{std::chrono::seconds(15)};
  std::size_t max_connections = 64;
  std::size_t header_limit = std::size_t{16} * 1024;
  // Events waiting for a page: a page this far behind is dropped (it
  // reconnects and is brought up to date).
  std::size_t max_queued_events = 512;
  int worker_threads = 4;
};

// Test-only: MICDOCTOR_UI_TEST_LIFETIME_MS="AFTER_LAST_PAGE,WITHOUT_ANY_PAGE"
// (milliseconds) shortens the two lifetime timers so the tests need not wait
// 30 s or 10 min. Read once, before any thread starts. Not for users.
void apply_test_lifetime(ServerLimits& limits);

class UiServer final : public EventPublisher {
 public:
  // Listens on 127.0.0.1:port (0: a free port the system picks). nullptr
  // with the reason in `error` when the port is taken or not allowed.
  static std::unique_ptr<UiServer> listen(std::uint16_t port, const ServerLimits& limits, std::string& error);
  ~UiServer() override;
  UiServer(const UiServer&) = delete;
  UiServer& operator=(const UiServer&) = delete;

  std::uint16_t port() const;

  // Serves on the calling thread until the lifetime ends, SIGINT/SIGTERM or
  // stop(); the worker threads are joined before it returns.
  void run(Application& application, const RequestGuard& guard);

  // Ends run() soon; safe from any thread (not from a POSIX signal handler).
  void stop();

  // Ends run() (as stop() does) soon after `flag` becomes true: for a
  // Windows console control handler, which may only set a flag. The server
  // looks at it every 100 ms; call before run(); `flag` must outlive run().
  void stop_when_set(const std::atomic<bool>& flag);

  void publish(const std::string& event, const std::string& data) override;

  struct Impl;

 private:
  explicit UiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One Server-Sent Event: "event: NAME\ndata: DATA\n\n", with line breaks in
// the name removed and in the data split into data: lines.
std::string format_event(const std::string& event, const std::string& data);

}  // namespace micdoctor::ui
