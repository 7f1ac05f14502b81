// micdoctor ui without a server: the walk-through JSON the page draws,
// which request reaches which action (methods, bodies, unknown paths), and
// one change at a time with the test's thread and the shutdown (ChangeGate).
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "checks/run_checks.hpp"
#include "report/check_report.hpp"
#include "report/html_report.hpp"
#include "ui/app/change_gate.hpp"
#include "ui/app/page_assets.hpp"
#include "ui/app/routes.hpp"
#include "ui/app/state_json.hpp"

namespace micdoctor::test {
namespace {

using ui::HttpRequest;
using ui::HttpResponse;

SystemSnapshot muted_hostile() {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "pulseaudio";
  s.server.version = "16.1";
  s.server.default_source = "evil";
  Source src;
  src.name = "evil";
  src.description = "<img src=x onerror=alert(1)> Mic \xff\xfe";
  src.bus = "usb";
  src.muted = true;
  s.sources = {src};
  return s;
}

nlohmann::json state_of(const SystemSnapshot& s, bool undo = false, std::string busy = "") {
  const std::vector<Finding> findings = run_checks(s);
  return nlohmann::json::parse(
      ui::state_to_json(ui::UiStateInput{s, source_in_use(s, ""), findings, undo, std::move(busy), false}));
}

TEST(UiState, ListsTheFindingsInWalkThroughOrderWithTheirFixes) {
  const SystemSnapshot s = muted_hostile();
  const std::vector<Finding> findings = run_checks(s);
  const nlohmann::json j = state_of(s);
  ASSERT_EQ(j["findings"].size(), findings.size());
  int last_step = -1;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const auto& f = j["findings"][i];
    EXPECT_EQ(f["id"], findings[i].id);
    EXPECT_EQ(f["title"], findings[i].title);
    EXPECT_EQ(f["problem"], is_problem(findings[i]));
    EXPECT_GE(f["step"].get<int>(), last_step);
    last_step = f["step"].get<int>();
    EXPECT_FALSE(f["words"].get<std::string>().empty()) << f["id"];
    if (findings[i].fix) {
      EXPECT_EQ(f["fixes"], nlohmann::json::array({*findings[i].fix}));
    } else {
      EXPECT_TRUE(f["fixes"].empty());
    }
  }
  const auto muted = std::find_if(j["findings"].begin(), j["findings"].end(),
                                  [](const nlohmann::json& f) { return f["id"] == "device.muted"; });
  ASSERT_NE(muted, j["findings"].end());
  EXPECT_EQ((*muted)["fixes"], nlohmann::json::array({"source.unmute"}));
  EXPECT_EQ(j["verdict"], check_verdict(CheckReportInput{s, source_in_use(s, ""), findings}));
  EXPECT_GT(j["problems"].get<int>(), 0);
}

TEST(UiState, SaysWhatRunsAndWhetherThereIsSomethingToUndo) {
  const SystemSnapshot s = muted_hostile();
  EXPECT_TRUE(state_of(s)["busy"].is_null());
  EXPECT_FALSE(state_of(s)["undo"].get<bool>());
  EXPECT_EQ(state_of(s, true, "test")["busy"], "test");
  EXPECT_TRUE(state_of(s, true)["undo"].get<bool>());
}

TEST(UiState, HostileNamesStayDataAndInvalidUtf8IsReplaced) {
  const nlohmann::json j = state_of(muted_hostile());  // parse throws on invalid UTF-8
  const std::string microphone = j["microphone"].get<std::string>();
  EXPECT_NE(microphone.find("<img src=x onerror=alert(1)>"), std::string::npos);  // the page sets it as text
  EXPECT_NE(microphone.find("\xef\xbf\xbd"), std::string::npos);
}

TEST(UiState, NoServerIsAFindingNotAnError) {
  SystemSnapshot s;
  s.server.reachable = false;
  s.server.error = "Connection refused";
  const nlohmann::json j = state_of(s);
  EXPECT_TRUE(j["microphone"].is_null());
  ASSERT_FALSE(j["findings"].empty());
  EXPECT_EQ(j["findings"][0]["id"], "server.unreachable");
}

// Records what the routes asked for.
class FakeActions final : public ui::UiActions {
 public:
  std::vector<std::string> calls;
  HttpResponse state() override { return record("state"); }
  HttpResponse fix(const std::string& id) override { return record("fix " + id); }
  HttpResponse undo() override { return record("undo"); }
  HttpResponse start_test() override { return record("test"); }
  HttpResponse report(bool html) override { return record(html ? "report html" : "report md"); }
  HttpResponse picture(const std::string& name) override { return record("picture " + name); }

 private:
  HttpResponse record(std::string call) {
    calls.push_back(std::move(call));
    return ui::json_response(200, "{}");
  }
};

HttpRequest request(std::string method, std::string path, std::string body = "",
                    std::string content_type = "application/json") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

std::string error_words(const HttpResponse& r) {
  const auto j = nlohmann::json::parse(r.body);
  return j.at("error").get<std::string>();
}

TEST(UiRoutes, EachRouteReachesItsAction) {
  FakeActions actions;
  EXPECT_EQ(ui::route(request("GET", "/api/state"), actions).status, 200);
  EXPECT_EQ(ui::route(request("POST", "/api/fix", R"({"fix":"source.unmute"})"), actions).status, 200);
  EXPECT_EQ(ui::route(request("POST", "/api/undo"), actions).status, 200);
  EXPECT_EQ(ui::route(request("POST", "/api/test"), actions).status, 200);
  EXPECT_EQ(ui::route(request("GET", "/report.html"), actions).status, 200);
  EXPECT_EQ(ui::route(request("GET", "/report.md"), actions).status, 200);
  EXPECT_EQ(ui::route(request("GET", "/api/picture/waveform.svg"), actions).status, 200);
  EXPECT_EQ(actions.calls, (std::vector<std::string>{"state", "fix source.unmute", "undo", "test", "report html",
                                                     "report md", "picture waveform"}));
}

TEST(UiRoutes, ChangesAnswer405ToGetAndChangeNothing) {
  FakeActions actions;
  for (const char* path : {"/api/fix", "/api/undo", "/api/test"}) {
    for (const char* method : {"GET", "HEAD"}) {
      const HttpResponse r = ui::route(request(method, path), actions);
      EXPECT_EQ(r.status, 405) << method << " " << path;
      ASSERT_EQ(r.headers.size(), 1u);
      EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Allow", "POST"}));
      EXPECT_FALSE(error_words(r).empty());
    }
  }
  EXPECT_EQ(ui::route(request("POST", "/api/state"), actions).status, 405);
  EXPECT_EQ(ui::route(request("POST", "/report.html"), actions).status, 405);
  EXPECT_TRUE(actions.calls.empty());
}

TEST(UiRoutes, AFixNeedsAKnownFixIdInAJsonBody) {
  FakeActions actions;
  const std::vector<std::pair<std::string, int>> bodies{
      {"", 400}, {"not json", 400}, {"[]", 400}, {R"({"fix":3})", 400}, {R"({"other":"source.unmute"})", 400},
      {R"({"fix":"rm -rf /"})", 400}, {R"({"fix":"<script>"})", 400}};
  for (const auto& [body, status] : bodies) {
    const HttpResponse r = ui::route(request("POST", "/api/fix", body), actions);
    EXPECT_EQ(r.status, status) << body;
    EXPECT_FALSE(error_words(r).empty());
  }
  // A form post (what another site could send) is not JSON.
  EXPECT_EQ(ui::route(request("POST", "/api/fix", R"({"fix":"source.unmute"})", "text/plain"), actions).status, 415);
  EXPECT_TRUE(actions.calls.empty());
}

TEST(UiRoutes, ThePageAndItsFilesComeFromTheBinary) {
  FakeActions actions;
  const HttpResponse page = ui::route(request("GET", "/"), actions);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page.body, ui::page_html());
  // The test contract's hooks are on the page; nothing is fetched from elsewhere.
  for (const char* hook : {"data-action=\"test\"", "data-action=\"undo\"", "data-level="}) {
    EXPECT_NE(page.body.find(hook), std::string::npos) << hook;
  }
  // The level meter (an <output>, a live region by itself) changes ten times a
  // second: screen readers must not read it; the verdict's region stays polite.
  const std::size_t meter = page.body.find("<output id=\"level\"");
  ASSERT_NE(meter, std::string::npos);
  EXPECT_NE(page.body.substr(meter, page.body.find('>', meter) - meter).find("aria-live=\"off\""), std::string::npos);
  EXPECT_NE(page.body.find("id=\"verdict\" class=\"verdict\" role=\"status\" aria-live=\"polite\""),
            std::string::npos);
  EXPECT_EQ(page.body.find("http"), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);  // no inline script (the CSP allows only files)
  EXPECT_EQ(page.body.find("style="), std::string::npos);
  EXPECT_EQ(ui::route(request("GET", "/app.js"), actions).body, ui::page_script());
  EXPECT_EQ(ui::route(request("GET", "/app.css"), actions).body, ui::page_style());
  const HttpResponse icon = ui::route(request("GET", "/icon.svg"), actions);
  EXPECT_EQ(icon.content_type, "image/svg+xml");
  EXPECT_NE(icon.body.find("<svg"), std::string::npos);
  // Data goes in with textContent only.
  EXPECT_EQ(ui::page_script().find("innerHTML"), std::string_view::npos);
  EXPECT_EQ(ui::page_script().find("insertAdjacentHTML"), std::string_view::npos);
  EXPECT_TRUE(actions.calls.empty());
}

TEST(UiRoutes, UnknownPathsAre404) {
  FakeActions actions;
  for (const char* path : {"/nope", "/api", "/api/picture/../x.svg", "/api/picture/.svg", "/api/picture/Wave.svg",
                           "/app.js/", "/report.pdf"}) {
    const HttpResponse r = ui::route(request("GET", path), actions);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_FALSE(error_words(r).empty());
  }
  EXPECT_TRUE(actions.calls.empty());
}

// --- one change at a time (ChangeGate) -------------------------------------------

using ui::ChangeGate;

TEST(UiChangeGate, ASecondChangeWhileOneRunsIs409WithWhatRuns) {
  ChangeGate gate;
  ChangeGate::Refusal refusal{};
  ChangeGate::BusyGuard test = gate.try_begin("test", refusal);
  ASSERT_TRUE(test.holds());
  EXPECT_EQ(refusal, ChangeGate::Refusal::none);
  EXPECT_EQ(gate.running(), "test");
  for (const char* what : {"test", "fix", "undo"}) {
    const ChangeGate::BusyGuard refused = gate.try_begin(what, refusal);
    EXPECT_FALSE(refused.holds()) << what;
    EXPECT_EQ(refusal, ChangeGate::Refusal::busy);
    const HttpResponse r = gate.refused_response(refusal);
    EXPECT_EQ(r.status, 409);
    EXPECT_NE(error_words(r).find("test is still listening"), std::string::npos) << error_words(r);
  }
  EXPECT_EQ(gate.running(), "test");  // a refusal takes nothing away from the change that runs
  test.release();
  EXPECT_EQ(gate.running(), "");
  EXPECT_TRUE(gate.try_begin("fix", refusal).holds());
}

TEST(UiChangeGate, AChangeThatThrowsStillOpensTheGateAndSaysSo) {
  int idle = 0;
  ChangeGate gate([&idle] { ++idle; });
  ChangeGate::Refusal refusal{};
  try {
    const ChangeGate::BusyGuard busy = gate.try_begin("fix", refusal);
    ASSERT_TRUE(busy.holds());
    throw std::runtime_error("the fix failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(gate.running(), "");
  EXPECT_EQ(idle, 1);  // the page is told it may start something again
  ChangeGate::BusyGuard moved = gate.try_begin("undo", refusal);
  ChangeGate::BusyGuard owner = std::move(moved);
  EXPECT_FALSE(moved.holds());  // NOLINT(bugprone-use-after-move): a moved-from guard holds nothing
  EXPECT_EQ(gate.running(), "undo");
  owner = ChangeGate::BusyGuard{};
  EXPECT_EQ(gate.running(), "");
  EXPECT_EQ(idle, 2);
}

TEST(UiChangeGate, WhatTheTestThreadThrowsBecomesAFailureAndFreesTheGate) {
  for (const bool standard : {true, false}) {
    std::promise<std::string> failure;
    std::promise<void> idle;
    ChangeGate gate([&idle] { idle.set_value(); });
    ChangeGate::Refusal refusal{};
    ChangeGate::BusyGuard busy = gate.try_begin("test", refusal);
    refusal = gate.run_in_background(
        std::move(busy),
        [standard] {
          if (standard) throw std::runtime_error("no microphone");
          throw 42;  // what a careless callback could throw
        },
        [&failure](const std::string& why) { failure.set_value(why); });
    EXPECT_EQ(refusal, ChangeGate::Refusal::none);
    EXPECT_EQ(failure.get_future().get(), standard ? "no microphone" : "an unknown error");
    idle.get_future().get();
    EXPECT_EQ(gate.running(), "");
    EXPECT_TRUE(gate.try_begin("test", refusal).holds());
  }
}

TEST(UiChangeGate, ATestThatEndsLetsTheNextOneStartOnAFreshThread) {
  std::promise<void>* idle = nullptr;
  ChangeGate gate([&idle] { idle->set_value(); });
  int runs = 0;
  for (int i = 0; i < 3; ++i) {
    std::promise<void> this_idle;
    idle = &this_idle;
    ChangeGate::Refusal refusal{};
    ChangeGate::BusyGuard busy = gate.try_begin("test", refusal);
    ASSERT_TRUE(busy.holds()) << i;
    ASSERT_EQ(gate.run_in_background(std::move(busy), [&runs] { ++runs; }, {}), ChangeGate::Refusal::none);
    this_idle.get_future().get();  // the gate is open again; the last thread is joined by the next start
  }
  EXPECT_EQ(runs, 3);
}

// A test that, like run_mic_test, forgets stop requests made before it began
// listening: the shutdown must ask until it has ended, then join it.
TEST(UiChangeGate, ShutdownStopsTheRunningTestJoinsItAndThenRefusesWith503) {
  std::atomic<bool> stop_requested{false};
  std::atomic<int> asked{0};
  std::promise<void> listening;
  std::atomic<bool> ended{false};
  bool told_idle = false;
  ChangeGate gate([&told_idle] { told_idle = true; });
  ChangeGate::Refusal refusal{};
  ChangeGate::BusyGuard busy = gate.try_begin("test", refusal);
  ASSERT_EQ(gate.run_in_background(std::move(busy),
                                   [&] {
                                     listening.set_value();
                                     while (asked == 0) std::this_thread::yield();
                                     stop_requested = false;  // the first request came too early: lost
                                     while (!stop_requested) std::this_thread::yield();
                                     ended = true;
                                   },
                                   {}),
            ChangeGate::Refusal::none);
  listening.get_future().get();
  gate.shut_down([&] {
    stop_requested = true;
    ++asked;  // after the request: the test sees it only with the request made
  });
  EXPECT_TRUE(ended);  // joined, not abandoned
  EXPECT_GE(asked, 2);  // asked again after the lost request
  EXPECT_FALSE(told_idle);  // nobody is told to start something new
  EXPECT_EQ(gate.running(), "");
  for (const char* what : {"test", "fix", "undo"}) {
    const ChangeGate::BusyGuard refused = gate.try_begin(what, refusal);
    EXPECT_FALSE(refused.holds());
    EXPECT_EQ(refusal, ChangeGate::Refusal::shutting_down);
    const HttpResponse r = gate.refused_response(refusal);
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(error_words(r).find("shutting down"), std::string::npos);
  }
  gate.shut_down([] {});  // twice is harmless
}

TEST(UiChangeGate, WorkAdmittedBeforeTheShutdownButStartedAfterItIsRefused) {
  ChangeGate gate;
  ChangeGate::Refusal refusal{};
  ChangeGate::BusyGuard busy = gate.try_begin("test", refusal);
  ASSERT_TRUE(busy.holds());
  std::thread closer([&gate] { gate.shut_down([] {}); });
  closer.join();  // nothing runs in the background: the shutdown does not wait for a guard
  bool ran = false;
  EXPECT_EQ(gate.run_in_background(std::move(busy), [&ran] { ran = true; }, {}),
            ChangeGate::Refusal::shutting_down);
  EXPECT_FALSE(ran);
  EXPECT_EQ(gate.running(), "");  // the guard was let go
}

// The page shows the report's pictures as <img>: an SVG file needs its
// namespace, and its own style (the report's style sheet is not there).
TEST(UiPictures, APictureOnItsOwnIsAnSvgFileWithItsStyle) {
  const std::string inline_svg = "<svg class=\"waveform\" viewBox=\"0 0 10 10\"><title id=\"t\">x</title>"
                                 "<path class=\"wave\" d=\"M0 0\"/></svg>";
  const std::string file = standalone_svg(inline_svg);
  EXPECT_EQ(file.rfind("<?xml", 0), 0u);
  const std::size_t open = file.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"waveform\" viewBox=\"0 0 10 10\">");
  ASSERT_NE(open, std::string::npos) << file;
  const std::size_t style = file.find("<style>");
  ASSERT_NE(style, std::string::npos);
  EXPECT_GT(style, open);
  EXPECT_NE(file.find("path.wave{", style), std::string::npos);
  EXPECT_LT(file.find("</style>"), file.find("<title"));
  EXPECT_EQ(file.substr(file.size() - 6), "</svg>");
}

}  // namespace
}  // namespace micdoctor::test
