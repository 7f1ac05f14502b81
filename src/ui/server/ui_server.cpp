#include "ui/server/ui_server.hpp"

// Boost 1.74's Asio uses std::exchange without including <utility> under C++20.
#include <utility>
// Asio after <utility>.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <optional>
#include <set>
#include <vector>

#ifdef _WIN32
#include <winsock2.h>
#endif

namespace micdoctor::ui {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class EventStream;

}  // namespace

struct UiServer::Impl {
  // Declared first, destroyed last: sessions destroyed with the io_context's
  // pending handlers still count themselves out.
  std::atomic<std::size_t> connections{0};
  ServerLimits limits;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer lifetime{io};
  asio::steady_timer keep_alive{io};
  asio::signal_set signals{io};
  asio::steady_timer stop_flag_poll{io};
  const std::atomic<bool>* stop_flag = nullptr;
  Application* application = nullptr;
  const RequestGuard* guard = nullptr;
  std::optional<asio::thread_pool> workers;
  // on_open_pages calls, in order, off the network thread.
  std::optional<asio::strand<asio::thread_pool::executor_type>> page_count_calls;
  // Only touched on the network thread.
  std::set<std::shared_ptr<EventStream>> streams;
  int open_pages = 0;
  bool stopping = false;

  void accept();
  void stream_opened(const std::shared_ptr<EventStream>& stream);
  void stream_closed(const std::shared_ptr<EventStream>& stream);
  void broadcast(const std::string& message);
  void arm_lifetime(std::chrono::milliseconds after);
  void arm_keep_alive();
  void poll_stop_flag();
  void shut_down();
};

namespace {

using Impl = UiServer::Impl;

void close_socket(beast::tcp_stream& stream) {
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream.socket().close(ignored);
}

std::string header_block(int status, std::string_view reason, std::string_view content_type) {
  std::string text = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  text += "Content-Type: " + std::string(content_type) + "\r\n";
  for (const auto& [name, value] : security_headers()) {
    text += name;
    text += ": ";
    text += value;
    text += "\r\n";
  }
  return text;
}

// GET /events: the page's stream. Owns the connection after the request.
class EventStream : public std::enable_shared_from_this<EventStream> {
 public:
  EventStream(Impl& server, beast::tcp_stream stream) : server_(server), stream_(std::move(stream)) {
    ++server_.connections;
  }
  ~EventStream() { --server_.connections; }
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  void start() {
    stream_.expires_never();
    server_.stream_opened(shared_from_this());
    watch_for_close();
    // The application brings the page up to date, before anything published later.
    asio::post(*server_.workers, [self = shared_from_this()] {
      std::vector<std::pair<std::string, std::string>> first;
      try {
        first = self->server_.application->events_for_new_page();
      } catch (...) {  // NOLINT(bugprone-empty-catch): the page still gets what is published later
      }
      asio::post(self->server_.io, [self, first = std::move(first)] { self->begin(first); });
    });
  }

  void enqueue(const std::string& message) {
    if (closed_) return;
    if (queue_.size() >= server_.limits.max_queued_events) {
      close();  // too far behind: it reconnects and is brought up to date
      return;
    }
    queue_.push_back(message);
    if (ready_ && !writing_) write_next();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    close_socket(stream_);
    server_.stream_closed(shared_from_this());
  }

 private:
  void begin(const std::vector<std::pair<std::string, std::string>>& first) {
    if (closed_) return;
    std::deque<std::string> published = std::move(queue_);
    queue_.clear();
    queue_.push_back(header_block(200, "OK", "text/event-stream; charset=utf-8") + "Connection: keep-alive\r\n\r\n");
    for (const auto& [event, data] : first) queue_.push_back(format_event(event, data));
    for (auto& message : published) queue_.push_back(std::move(message));
    ready_ = true;
    write_next();
  }

  void write_next() {
    if (closed_ || queue_.empty()) return;
    writing_ = true;
    asio::async_write(stream_, asio::buffer(queue_.front()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec) {
                          self->close();
                          return;
                        }
                        self->queue_.pop_front();
                        self->write_next();
                      });
  }

  // The page sends nothing after its request: a read that completes means it closed.
  void watch_for_close() {
    stream_.async_read_some(asio::buffer(probe_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->close();
        return;
      }
      self->watch_for_close();
    });
  }

  Impl& server_;
  beast::tcp_stream stream_;
  std::deque<std::string> queue_;
  std::array<char, 64> probe_{};
  bool ready_ = false;
  bool writing_ = false;
  bool closed_ = false;
};

std::optional<std::string_view> single_header(const http::request_header<>& header, http::field field,
                                              bool duplicate_as_empty) {
  const auto range = header.equal_range(field);
  const auto count = std::distance(range.first, range.second);
  if (count == 0) return std::nullopt;
  if (count > 1) return duplicate_as_empty ? std::optional<std::string_view>(std::string_view{}) : std::nullopt;
  const auto value = range.first->value();
  return std::string_view(value.data(), value.size());
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Impl& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) { ++server_.connections; }
  ~HttpSession() { --server_.connections; }
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.limits.header_limit));
    parser_->body_limit(kMaxRequestBody);
    if (buffer_.size() > 0) return read_header();  // the next request came with the last one
    // Waiting for a request to begin: an idle keep-alive connection or a
    // browser's preconnect may wait this long.
    stream_.expires_after(server_.limits.read_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = shared_from_this()](beast::error_code ec, std::size_t received) {
                              if (ec) return close_socket(self->stream_);
                              self->buffer_.commit(received);
                              self->read_header();
                            });
  }

 private:
  static constexpr std::size_t kFirstRead = 1024;

  // The request has begun: its headers have header_timeout, the whole of it
  // read_timeout, so a client that trickles its headers is cut off early.
  void read_header() {
    request_started_ = std::chrono::steady_clock::now();
    stream_.expires_at(request_started_ + std::min(server_.limits.header_timeout, server_.limits.read_timeout));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == http::error::header_limit) return send_plain(431, "micdoctor: the request's headers are too large.\n");
    if (ec == http::error::body_limit) return send_plain(413, "micdoctor: the request's body is too large.\n");
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      return close_socket(stream_);
    }
    if (ec) return send_plain(400, "micdoctor: bad request.\n");
    const auto& header = parser_->get();
    const std::string method(header.method_string());
    const std::string target(header.target());
    std::string cookies;
    const auto cookie_fields = header.equal_range(http::field::cookie);
    for (auto field = cookie_fields.first; field != cookie_fields.second; ++field) {
      if (!cookies.empty()) cookies += "; ";
      cookies += std::string(field->value());
    }
    GuardRequest request;
    request.method = method;
    request.target = target;
    request.host = single_header(header, http::field::host, false);
    request.origin = single_header(header, http::field::origin, true);
    const auto fetch_site = header.find("Sec-Fetch-Site");
    if (fetch_site != header.end()) request.sec_fetch_site = std::string_view(fetch_site->value().data(), fetch_site->value().size());
    request.cookie = cookies;
    GuardVerdict verdict = server_.guard->check(request);
    head_ = method == "HEAD";
    if (verdict.kind != GuardVerdict::Kind::pass) {
      return send(verdict.status, "text/plain; charset=utf-8", verdict.message, verdict.headers, false, true);
    }
    if (verdict.path == "/events") {
      if (method != "GET") return send(405, "text/plain; charset=utf-8", "GET only.\n", {{"Allow", "GET"}}, false, true);
      auto stream = std::make_shared<EventStream>(server_, std::move(stream_));
      stream->start();
      return;
    }
    if (const auto length = parser_->content_length(); length && *length > kMaxRequestBody) {
      return send_plain(413, "micdoctor: the request's body is too large.\n");
    }
    request_.method = method;
    request_.path = std::move(verdict.path);
    request_.query = std::move(verdict.query);
    request_.content_type = std::string(header[http::field::content_type]);
    keep_alive_ = header.keep_alive();
    stream_.expires_at(request_started_ + server_.limits.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code read_error, std::size_t) { self->on_body(read_error); });
  }

  void on_body(beast::error_code ec) {
    if (ec == http::error::body_limit) return send_plain(413, "micdoctor: the request's body is too large.\n");
    if (ec) return close_socket(stream_);
    request_.body = parser_->release().body();
    stream_.expires_never();  // the application may take seconds
    asio::post(*server_.workers, [self = shared_from_this()] {
      HttpResponse response;
      try {
        response = self->server_.application->handle(self->request_);
      } catch (...) {
        response = HttpResponse{};
        response.status = 500;
        response.body = R"({"error":"internal error"})";
      }
      asio::post(self->server_.io, [self, response = std::move(response)] {
        self->send(response.status, response.content_type, response.body, response.headers, self->keep_alive_);
      });
    });
  }

  void send_plain(int status, const std::string& message) {
    send(status, "text/plain; charset=utf-8", message, {}, false);
  }

  // extra: the guard's own headers (Location, Set-Cookie, Allow) when
  // from_guard, else the application's, which may not set the server's.
  void send(int status, const std::string& content_type, const std::string& body, const HeaderList& extra,
            bool keep_alive, bool from_guard = false) {
    auto response = std::make_shared<http::response<http::string_body>>();
    const bool valid_status = status >= 100 && status <= 599;
    response->result(static_cast<unsigned>(valid_status ? status : 500));
    response->version(11);
    const bool safe_type = content_type.find_first_of("\r\n") == std::string::npos && !content_type.empty();
    response->set(http::field::content_type, safe_type ? content_type : "application/octet-stream");
    for (const auto& [name, value] : security_headers()) response->set(name, value);
    for (const auto& [name, value] : extra) {
      if (from_guard || application_header_allowed(name, value)) response->insert(name, value);
    }
    response->keep_alive(keep_alive);
    if (head_) {
      response->content_length(body.size());
    } else {
      response->body() = body;
      response->prepare_payload();
    }
    stream_.expires_after(server_.limits.read_timeout);
    http::async_write(stream_, *response, [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
      if (ec || !response->keep_alive()) return close_socket(self->stream_);
      self->read_request();
    });
  }

  Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  std::chrono::steady_clock::time_point request_started_;
  bool keep_alive_ = false;
  bool head_ = false;
};

}  // namespace

void Impl::accept() {
  acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
    if (stopping || !acceptor.is_open()) return;
    if (!ec) {
      if (connections.load() >= limits.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);  // over the cap: refused at once
      } else {
        std::make_shared<HttpSession>(*this, std::move(socket))->read_request();
      }
    }
    accept();
  });
}

void Impl::stream_opened(const std::shared_ptr<EventStream>& stream) {
  streams.insert(stream);
  ++open_pages;
  lifetime.cancel();
  asio::post(*page_count_calls, [this, count = open_pages] {
    try {
      application->on_open_pages(count);
    } catch (...) {  // NOLINT(bugprone-empty-catch): never across the thread's edge
    }
  });
}

void Impl::stream_closed(const std::shared_ptr<EventStream>& stream) {
  if (streams.erase(stream) == 0) return;
  --open_pages;
  asio::post(*page_count_calls, [this, count = open_pages] {
    try {
      application->on_open_pages(count);
    } catch (...) {  // NOLINT(bugprone-empty-catch): never across the thread's edge
    }
  });
  if (open_pages == 0 && !stopping) arm_lifetime(limits.after_last_page);
}

void Impl::broadcast(const std::string& message) {
  const std::vector<std::shared_ptr<EventStream>> open(streams.begin(), streams.end());
  for (const auto& stream : open) stream->enqueue(message);
}

void Impl::arm_lifetime(std::chrono::milliseconds after) {
  lifetime.expires_after(after);
  lifetime.async_wait([this](beast::error_code ec) {
    if (!ec && open_pages == 0) shut_down();
  });
}

void Impl::arm_keep_alive() {
  keep_alive.expires_after(limits.keep_alive_comment);
  keep_alive.async_wait([this](beast::error_code ec) {
    if (ec || stopping) return;
    broadcast(": keep-alive\n\n");
    arm_keep_alive();
  });
}

void Impl::poll_stop_flag() {
  if (stop_flag == nullptr) return;
  if (stop_flag->load()) return shut_down();
  stop_flag_poll.expires_after(std::chrono::milliseconds(100));
  stop_flag_poll.async_wait([this](beast::error_code ec) {
    if (!ec && !stopping) poll_stop_flag();
  });
}

void Impl::shut_down() {
  if (stopping) return;
  stopping = true;
  beast::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  lifetime.cancel();
  keep_alive.cancel();
  stop_flag_poll.cancel();
  const std::vector<std::shared_ptr<EventStream>> open(streams.begin(), streams.end());
  for (const auto& stream : open) stream->close();
  io.stop();
}

std::string format_event(const std::string& event, const std::string& data) {
  std::string name;
  for (const char c : event) {
    if (c != '\r' && c != '\n') name.push_back(c);
  }
  std::string text = "event: " + name + "\n";
  std::string line;
  for (const char c : data) {
    if (c == '\r') continue;
    if (c == '\n') {
      text += "data: " + line + "\n";
      line.clear();
    } else {
      line.push_back(c);
    }
  }
  text += "data: " + line + "\n\n";
  return text;
}

void apply_test_lifetime(ServerLimits& limits) {
  const char* value = std::getenv("MICDOCTOR_UI_TEST_LIFETIME_MS");  // NOLINT(concurrency-mt-unsafe): before threads
  if (value == nullptr) return;
  char* end = nullptr;
  const long after_last = std::strtol(value, &end, 10);
  if (end == value || *end != ',') return;
  const char* second = end + 1;
  const long without_any = std::strtol(second, &end, 10);
  if (end == second || *end != '\0' || after_last <= 0 || without_any <= 0) return;
  limits.after_last_page = std::chrono::milliseconds(after_last);
  limits.without_any_page = std::chrono::milliseconds(without_any);
}

UiServer::UiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UiServer::~UiServer() = default;

std::unique_ptr<UiServer> UiServer::listen(std::uint16_t port, const ServerLimits& limits, std::string& error) {
  auto impl = std::make_unique<Impl>();
  impl->limits = limits;
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port);
  beast::error_code ec;
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
#ifdef _WIN32
    // Windows lets SO_REUSEADDR take over a port another program listens on;
    // exclusive use makes a taken port fail as it does on Linux.
    BOOL exclusive = TRUE;
    if (::setsockopt(impl->acceptor.native_handle(), SOL_SOCKET, SO_EXCLUSIVEADDRUSE,
                     reinterpret_cast<const char*>(&exclusive), sizeof exclusive) != 0) {
      error = "could not reserve the port for micdoctor alone";
      return nullptr;
    }
#else
    impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
#endif
  }
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    if (ec == asio::error::address_in_use) {
      error = "port " + std::to_string(port) + " on 127.0.0.1 is already in use by another program";
    } else if (ec == asio::error::access_denied) {
      error = "port " + std::to_string(port) + " on 127.0.0.1 needs privileges micdoctor does not have";
    } else {
      error = "cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + ec.message();
    }
    return nullptr;
  }
  // From now on Ctrl-C and SIGTERM are held for run() (which stops at once), so
  // one that comes while the link is printed still ends micdoctor cleanly.
  beast::error_code ignored;
  impl->signals.add(SIGINT, ignored);
  impl->signals.add(SIGTERM, ignored);
  return std::unique_ptr<UiServer>(new UiServer(std::move(impl)));
}

std::uint16_t UiServer::port() const {
  beast::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void UiServer::run(Application& application, const RequestGuard& guard) {
  Impl& server = *impl_;
  server.application = &application;
  server.guard = &guard;
  server.workers.emplace(static_cast<std::size_t>(server.limits.worker_threads));
  server.page_count_calls.emplace(asio::make_strand(server.workers->get_executor()));
  server.signals.async_wait([&server](beast::error_code ec, int) {
    if (!ec) server.shut_down();
  });
  server.arm_lifetime(server.limits.without_any_page);
  server.arm_keep_alive();
  server.poll_stop_flag();
  server.accept();
  server.io.run();
  // Requests the application is still answering finish; their answers go nowhere.
  server.workers->join();
}

void UiServer::stop() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->shut_down(); });
}

void UiServer::stop_when_set(const std::atomic<bool>& flag) { impl_->stop_flag = &flag; }

void UiServer::publish(const std::string& event, const std::string& data) {
  asio::post(impl_->io, [impl = impl_.get(), message = format_event(event, data)] { impl->broadcast(message); });
}

}  // namespace micdoctor::ui
