// micdoctor ui's server (ui/server/ui_server) with a fake application, over
// real loopback sockets: a slow handle() stalls neither the event stream nor
// other requests; a new page gets events_for_new_page() first; open pages
// are counted; a page too far behind is dropped; slow and surplus
// connections are closed; headers have a shorter deadline than the body; a
// flag set from another thread ends run().
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ui/server/request_guard.hpp"
#include "ui/server/ui_server.hpp"

namespace micdoctor::ui {
namespace {

const std::string kToken = "t0k3n";

class FakeApp final : public Application {
 public:
  HttpResponse handle(const HttpRequest& request) override {
    if (request.path == "/slow") {
      std::unique_lock lock(mutex_);
      slow_started_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
    }
    HttpResponse response;
    response.content_type = "text/plain";
    response.body = "answer " + request.path;
    response.headers = {{"Access-Control-Allow-Origin", "*"}, {"Set-Cookie", "x=1"}, {"X-Fine", "yes"}};
    return response;
  }
  std::vector<std::pair<std::string, std::string>> events_for_new_page() override { return {{"state", "first"}}; }
  void on_open_pages(int count) override {
    const std::lock_guard lock(mutex_);
    counts_.push_back(count);
    changed_.notify_all();
  }

  void wait_slow_started() {
    std::unique_lock lock(mutex_);
    ASSERT_TRUE(changed_.wait_for(lock, std::chrono::seconds(10), [this] { return slow_started_; }));
  }
  void release() {
    const std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  bool wait_count(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return !counts_.empty() && counts_.back() == count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool slow_started_ = false;
  bool released_ = false;
  std::vector<int> counts_;
};

// A client socket with a receive timeout.
class Client {
 public:
  explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  void send(const std::string& text) { ASSERT_EQ(::send(fd_, text.data(), text.size(), MSG_NOSIGNAL), static_cast<ssize_t>(text.size())); }
  // Reads until `needle` was received (true) or the peer closed / timed out (false).
  bool read_until(const std::string& needle) {
    while (received_.find(needle) == std::string::npos) {
      char buffer[4096];
      const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got <= 0) return false;
      received_.append(buffer, static_cast<std::size_t>(got));
    }
    return true;
  }
  // True when the server closed the connection (recv returns 0 or a reset).
  bool closed_by_server() {
    char buffer[4096];
    while (true) {
      const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got == 0) return true;
      if (got < 0) return errno == ECONNRESET;
    }
  }
  const std::string& received() const { return received_; }

 private:
  int fd_;
  bool connected_ = false;
  std::string received_;
};

std::string get(std::uint16_t port, const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nCookie: micdoctor-" +
         std::to_string(port) + "=" + kToken + "\r\n\r\n";
}

// A POST the guard lets through, announcing a body of body_length bytes that is not sent.
std::string post_headers(std::uint16_t port, const std::string& path, std::size_t body_length) {
  const std::string origin = "http://127.0.0.1:" + std::to_string(port);
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nOrigin: " + origin +
         "\r\nCookie: micdoctor-" + std::to_string(port) + "=" + kToken +
         "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body_length) + "\r\n\r\n";
}

class UiServerTest : public ::testing::Test {
 protected:
  void start(ServerLimits limits = {}, const std::atomic<bool>* stop_flag = nullptr) {
    std::string error;
    server_ = UiServer::listen(0, limits, error);
    ASSERT_TRUE(server_) << error;
    port_ = server_->port();
    guard_.emplace(port_, "key", kToken);
    if (stop_flag != nullptr) server_->stop_when_set(*stop_flag);
    stopped_ = run_finished_.get_future();
    thread_ = std::thread([this] {
      server_->run(app_, *guard_);
      run_finished_.set_value();
    });
  }
  void TearDown() override {
    if (!server_) return;
    app_.release();
    server_->stop();
    thread_.join();
  }

  FakeApp app_;
  std::unique_ptr<UiServer> server_;
  std::optional<RequestGuard> guard_;
  std::uint16_t port_ = 0;
  std::promise<void> run_finished_;
  std::future<void> stopped_;
  std::thread thread_;
};

TEST_F(UiServerTest, ASlowRequestStallsNeitherTheEventsNorOtherRequests) {
  start();
  Client page(port_);
  page.send(get(port_, "/events"));
  ASSERT_TRUE(page.read_until("event: state\ndata: first\n\n")) << page.received();
  EXPECT_EQ(page.received().rfind("HTTP/1.1 200 OK\r\n", 0), 0U);
  EXPECT_NE(page.received().find("text/event-stream"), std::string::npos);
  ASSERT_TRUE(app_.wait_count(1));

  Client slow(port_);
  slow.send(get(port_, "/slow"));
  app_.wait_slow_started();
  server_->publish("level", R"({"dbfs": -23.4})");
  EXPECT_TRUE(page.read_until("event: level\ndata: {\"dbfs\": -23.4}\n\n")) << page.received();
  Client quick(port_);
  quick.send(get(port_, "/quick"));
  EXPECT_TRUE(quick.read_until("answer /quick")) << quick.received();
  // The application cannot add CORS or cookies.
  EXPECT_EQ(quick.received().find("Access-Control"), std::string::npos);
  EXPECT_EQ(quick.received().find("Set-Cookie"), std::string::npos);
  EXPECT_NE(quick.received().find("X-Fine: yes"), std::string::npos);
  app_.release();
  EXPECT_TRUE(slow.read_until("answer /slow"));
}

TEST_F(UiServerTest, ClosingThePageCountsItOut) {
  start();
  {
    Client page(port_);
    page.send(get(port_, "/events"));
    ASSERT_TRUE(page.read_until("data: first"));
    ASSERT_TRUE(app_.wait_count(1));
  }
  EXPECT_TRUE(app_.wait_count(0));
}

TEST_F(UiServerTest, APageTooFarBehindIsDropped) {
  ServerLimits limits;
  limits.max_queued_events = 4;
  start(limits);
  Client page(port_);  // never reads after the first event
  page.send(get(port_, "/events"));
  ASSERT_TRUE(page.read_until("data: first"));
  ASSERT_TRUE(app_.wait_count(1));
  const std::string big(std::size_t{256} * 1024, 'x');
  for (int i = 0; i < 200; ++i) server_->publish("state", big);
  EXPECT_TRUE(app_.wait_count(0));
}

TEST_F(UiServerTest, ASlowClientIsCutOff) {
  ServerLimits limits;
  limits.read_timeout = std::chrono::milliseconds(300);
  start(limits);
  Client slowloris(port_);
  slowloris.send("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n");
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(slowloris.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(UiServerTest, HeadersMustArriveSoon) {
  ServerLimits limits;
  limits.header_timeout = std::chrono::milliseconds(200);
  limits.read_timeout = std::chrono::seconds(60);
  start(limits);
  Client slowloris(port_);
  const auto started = std::chrono::steady_clock::now();
  slowloris.send("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\nX-Trickle: a");
  // Within the client's 10 s receive timeout, far below the 60 s read timeout.
  EXPECT_TRUE(slowloris.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(UiServerTest, TheBodyMayTakeLongerThanTheHeaders) {
  ServerLimits limits;
  limits.header_timeout = std::chrono::milliseconds(200);
  limits.read_timeout = std::chrono::seconds(60);
  start(limits);
  Client upload(port_);
  upload.send(post_headers(port_, "/upload", 10));
  // The header deadline passing, awaited as an event: a request begun after
  // the upload's is cut off at its own header deadline, so by then the
  // upload's has passed too. Each part of the body comes after one such cut.
  for (const char* part : {"01234", "56789"}) {
    Client probe(port_);
    probe.send("GET / HTTP/1.1\r\n");
    ASSERT_TRUE(probe.closed_by_server());
    upload.send(part);
  }
  ASSERT_TRUE(upload.read_until("answer /upload")) << upload.received();
  EXPECT_EQ(upload.received().rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << upload.received();
}

TEST_F(UiServerTest, AFlagSetOnAnotherThreadEndsRun) {
  std::atomic<bool> stop_requested{false};
  start({}, &stop_requested);
  Client before(port_);
  before.send(get(port_, "/still-serving"));
  ASSERT_TRUE(before.read_until("answer /still-serving"));
  std::thread([&stop_requested] { stop_requested = true; }).join();
  EXPECT_EQ(stopped_.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST_F(UiServerTest, ConnectionsBeyondTheCapAreClosed) {
  ServerLimits limits;
  limits.max_connections = 2;
  start(limits);
  Client first(port_);
  Client second(port_);
  first.send(get(port_, "/one"));
  second.send(get(port_, "/two"));
  ASSERT_TRUE(first.read_until("answer /one"));
  ASSERT_TRUE(second.read_until("answer /two"));
  Client third(port_);
  ASSERT_TRUE(third.connected());
  EXPECT_TRUE(third.closed_by_server());
}

}  // namespace
}  // namespace micdoctor::ui
