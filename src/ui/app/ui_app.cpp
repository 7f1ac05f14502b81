// The application `micdoctor ui` serves (ui_app.hpp): the live system behind
// the routes (routes.cpp) and the walk-through JSON (state_json.cpp). One
// change at a time (a fix, an undo or a microphone test); the walk-through is
// re-read while a page looks, and published when it changed. The test runs
// on its own thread (ui/app/change_gate), stopped and joined at shutdown.
#include "ui/app/ui_app.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "checks/check_context.hpp"
#include "checks/run_checks.hpp"
#include "cli/fix_journal.hpp"
#include "cli/mic_test.hpp"
#include "cli/test_findings.hpp"
#include "fixes/fix_session.hpp"
#include "fixes/journal_store.hpp"
#include "fixes/undo.hpp"
#include "platform/platform.hpp"
#include "report/check_report.hpp"
#include "report/html_report.hpp"
#include "report/markdown_report.hpp"
#include "ui/app/change_gate.hpp"
#include "ui/app/routes.hpp"
#include "ui/app/state_json.hpp"

namespace micdoctor::ui {
namespace {

using Json = nlohmann::ordered_json;
using cli::MicTestOptions;
using cli::MicTestRun;

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// How often the walk-through is read again while a page looks, and how often
// the level meter is told (the capture reports about ten times a second).
constexpr auto kRefreshEvery = std::chrono::seconds(2);
constexpr auto kLevelEvery = std::chrono::milliseconds(90);

// The click on a Fix button was the consent.
class ClickConsent final : public Consent {
 public:
  Answer approve(const Change&) override { return Answer::yes; }
};

// A test and what it recorded, for the page, the pictures and the reports.
struct Heard {
  cli::HeardRun run;
  std::string source;  // the source that was recorded
};

class LiveApplication final : public Application, public UiActions {
 public:
  LiveApplication(EventPublisher& events, UiAppOptions options)
      : events_(events), options_(std::move(options)), watcher_([this] { watch(); }) {}

  // The server has stopped serving: a test still listening is stopped (not
  // abandoned: its thread uses this object), then the watcher.
  ~LiveApplication() override {
    changes_.shut_down([] { cli::request_mic_test_stop(); });
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    watcher_.join();
  }

  HttpResponse handle(const HttpRequest& request) override {
    try {
      return route(request, *this);
    } catch (const std::exception& e) {
      return error_response(500, std::string("Something went wrong inside micdoctor: ") + e.what());
    }
  }

  std::vector<std::pair<std::string, std::string>> events_for_new_page() override {
    std::vector<std::pair<std::string, std::string>> out;
    std::string state;
    std::string test;
    {
      const std::lock_guard lock(mutex_);
      state = last_state_;
      test = last_test_event_;
    }
    if (state.empty()) state = refresh(false);
    out.emplace_back("state", state);
    if (!test.empty()) out.emplace_back("test", test);
    return out;
  }

  void on_open_pages(int count) override {
    {
      const std::lock_guard lock(mutex_);
      open_pages_ = count;
    }
    wake_.notify_all();
  }

  // --- the routes ---------------------------------------------------------

  HttpResponse state() override { return json_response(200, refresh(true)); }

  HttpResponse fix(const std::string& fix_id) override {
    ChangeGate::Refusal refusal{};
    ChangeGate::BusyGuard busy = changes_.try_begin("fix", refusal);
    if (!busy.holds()) return changes_.refused_response(refusal);
    Json result;
    int status = 200;
    try {
      status = apply_fix(fix_id, result);
    } catch (const std::exception& e) {
      status = 500;
      result = Json{{"error", std::string("The fix could not run: ") + e.what()}};
    }
    busy.release();
    if (status == 200) events_.publish("fix", dump(result));
    return answer_with_state(status, std::move(result));
  }

  HttpResponse undo() override {
    ChangeGate::Refusal refusal{};
    ChangeGate::BusyGuard busy = changes_.try_begin("undo", refusal);
    if (!busy.holds()) return changes_.refused_response(refusal);
    Json result;
    int status = 200;
    try {
      status = undo_last_run(result);
    } catch (const std::exception& e) {
      status = 500;
      result = Json{{"error", std::string("Undo could not run: ") + e.what()}};
    }
    busy.release();
    if (status == 200) events_.publish("undo", dump(result));
    return answer_with_state(status, std::move(result));
  }

  HttpResponse start_test() override {
    ChangeGate::Refusal refusal{};
    ChangeGate::BusyGuard busy = changes_.try_begin("test", refusal);
    if (!busy.holds()) return changes_.refused_response(refusal);
    publish_state();
    refusal = changes_.run_in_background(
        std::move(busy), [this] { run_test(); },
        [this](const std::string& why) {
          publish_test(Json{{"phase", "failed"}, {"error", "the test could not run: " + why}});
        });
    if (refusal != ChangeGate::Refusal::none) return changes_.refused_response(refusal);
    const MicTestOptions defaults;
    return json_response(202, dump(Json{{"started", true}, {"seconds", defaults.seconds}}));
  }

  HttpResponse report(bool html) override {
    const SystemSnapshot snapshot = read_snapshot();
    std::shared_ptr<const Heard> heard = current_heard(snapshot);
    const Source* source = source_in_use(snapshot, options_.device);
    std::vector<Finding> findings = findings_of(snapshot, source, heard.get());
    std::optional<MicTestReport> test;
    if (heard) {
      const MicTestRun& run = heard->run.test;
      test.emplace(MicTestReport{run.outcome, run.analysis ? &*run.analysis : nullptr, heard->source});
    }
    const CheckReportInput input{snapshot, source, findings, test ? &*test : nullptr};
    HttpResponse response;
    const SignalPicture* picture = heard && heard->run.test.picture ? &*heard->run.test.picture : nullptr;
    response.body = html ? check_to_html(input, picture) : check_to_markdown(input);
    response.content_type = html ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8";
    response.headers.emplace_back("Content-Disposition", std::string("attachment; filename=\"micdoctor-report.") +
                                                             (html ? "html" : "md") + "\"");
    return response;
  }

  HttpResponse picture(const std::string& name) override {
    std::shared_ptr<const Heard> heard;
    {
      const std::lock_guard lock(mutex_);
      heard = heard_;
    }
    const MicTestRun* run = heard ? &heard->run.test : nullptr;
    if (run != nullptr && run->picture && run->analysis) {
      for (const RecordingPicture& p : recording_pictures(*run->picture, *run->analysis, "ui")) {
        if (p.name != name) continue;
        HttpResponse response;
        response.content_type = "image/svg+xml";
        response.body = standalone_svg(p.svg);
        return response;
      }
    }
    return error_response(404, "There is no such picture: test the microphone first.");
  }

 private:
  // The result of a change and the walk-through after it.
  HttpResponse answer_with_state(int status, Json result) {
    const std::string state = refresh(true);
    result["state"] = Json::parse(state, nullptr, false);
    return json_response(status, dump(result));
  }

  // --- reading the system ----------------------------------------------------

  SystemSnapshot read_snapshot() {
    const std::lock_guard lock(read_mutex_);  // one reader of the sound server at a time
    return platform::read_system_snapshot();
  }

  // What the last test heard, while it still describes this system: the
  // source it recorded is still the one in use (a fix or an undo forgets it).
  std::shared_ptr<const Heard> current_heard(const SystemSnapshot& snapshot) {
    const std::lock_guard lock(mutex_);
    const Source* source = source_in_use(snapshot, options_.device);
    if (heard_ && (source == nullptr || source->name != heard_->source)) heard_.reset();
    return heard_;
  }

  std::vector<Finding> findings_of(const SystemSnapshot& snapshot, const Source* source, const Heard* heard) const {
    std::vector<Finding> findings = run_checks(snapshot, options_.device);
    if (heard != nullptr) cli::join_heard(snapshot, source, heard->run, findings);
    return findings;
  }

  bool undo_available() {
    try {
      const std::unique_ptr<JournalStore> store = platform::open_journal_store();
      const Journal journal = store->load();
      for (const JournalRun& run : journal.runs) {
        if (needs_undo(run)) return true;
      }
    } catch (const std::exception&) {
      // A journal that cannot be read offers nothing to undo; POST /api/undo says why.
    }
    return false;
  }

  // Reads the system, returns the walk-through JSON; publishes it when it
  // changed (and `publish`).
  std::string refresh(bool publish) {
    const SystemSnapshot snapshot = read_snapshot();
    const std::shared_ptr<const Heard> heard = current_heard(snapshot);
    const Source* source = source_in_use(snapshot, options_.device);
    const std::vector<Finding> findings = findings_of(snapshot, source, heard.get());
    const std::string busy = changes_.running();
    std::string json = state_to_json(
        UiStateInput{snapshot, source, findings, undo_available(), busy, heard != nullptr});
    bool changed = false;
    {
      const std::lock_guard lock(mutex_);
      changed = json != last_state_;
      last_state_ = json;
    }
    if (publish && changed) events_.publish("state", json);
    return json;
  }

  void publish_state() { refresh(true); }

  // While a page looks: read again every kRefreshEvery, not while a change runs.
  void watch() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, kRefreshEvery);
      if (stopping_) break;
      if (open_pages_ <= 0) continue;
      lock.unlock();
      if (!changes_.running().empty()) {  // a change publishes its own state when it ends
        lock.lock();
        continue;
      }
      try {
        refresh(true);
      } catch (const std::exception&) {
        // The next round tries again; a page keeps the last state it had.
      }
      lock.lock();
    }
  }

  // --- the changes -----------------------------------------------------------

  // As `micdoctor fix --only FIX_ID --yes`.
  int apply_fix(const std::string& fix_id, Json& result) {
    std::unique_ptr<JournalStore> store;
    Journal journal;
    try {
      store = platform::open_journal_store();
      store->open_for_writing();
      journal = store->load();
    } catch (const JournalError& e) {
      result = Json{{"error", cli::journal_error_text(e, store ? store->path() : "") + ". Nothing was changed."}};
      return 500;
    }
    const std::unique_ptr<SystemAccess> system = platform::open_system_access();
    FixRunResult run;
    std::string run_id;
    std::string save_error;
    {
      const std::lock_guard lock(read_mutex_);
      const SystemSnapshot first = system->read();
      if (!options_.device.empty() && first.server.reachable && !find_source_by_id(first, options_.device)) {
        result = Json{{"error", "The microphone micdoctor was started for is not there any more."}};
        return 409;
      }
      FixOptions options;
      options.device = options_.device;
      options.only = fix_id;
      cli::FileJournal writer(*store, std::move(journal), cli::server_name(first));
      ClickConsent consent;
      run = run_fixes(*system, &writer, consent, options);
      if (writer.started()) run_id = writer.run();
      save_error = writer.save_error();
    }
    if (run.changes.empty()) {
      result = Json{{"error", "There is nothing to fix there any more: the problem may have gone already."}};
      return 409;
    }
    forget_heard();  // the system changed: what the test heard is history
    Json changes = Json::array();
    bool all_done = true;
    for (const ChangeOutcome& c : run.changes) {
      all_done = all_done && c.status == ChangeStatus::applied && c.resolved;
      changes.push_back(Json{{"fix", c.change.fix},
                             {"finding", c.change.finding},
                             {"summary", c.change.summary},
                             {"status", std::string(to_string(c.status))},
                             {"resolved", c.resolved},
                             {"words", cli::status_words(c)}});
    }
    result = Json{{"fix", fix_id},
                  {"done", all_done},
                  {"run", run_id.empty() ? Json(nullptr) : Json(run_id)},
                  {"changes", changes},
                  {"stopped", run.stopped.empty() ? Json(nullptr) : Json(run.stopped)},
                  {"journal_warning", save_error.empty() ? Json(nullptr) : Json(save_error)}};
    return 200;
  }

  // As `micdoctor undo`: the last fix run not undone yet.
  int undo_last_run(Json& result) {
    std::unique_ptr<JournalStore> store;
    Journal journal;
    try {
      store = platform::open_journal_store();
      store->open_for_writing();
      journal = store->load();
    } catch (const JournalError& e) {
      result = Json{{"error", cli::journal_error_text(e, store ? store->path() : "") + ". Nothing was undone."}};
      return 500;
    }
    JournalRun* last = nullptr;
    for (auto it = journal.runs.rbegin(); it != journal.runs.rend() && last == nullptr; ++it) {
      if (needs_undo(*it)) last = &*it;
    }
    if (last == nullptr) {
      result = Json{{"error", "There is nothing to undo: every fix is put back already."}};
      return 409;
    }
    const std::unique_ptr<SystemAccess> system = platform::open_system_access();
    std::string stopped;
    std::vector<UndoOutcome> outcomes;
    {
      const std::lock_guard lock(read_mutex_);
      const auto save = [&](std::string& error) { return store->save(journal, error); };
      outcomes = undo_run(*system, *last, save, stopped);
    }
    forget_heard();
    Json entries = Json::array();
    bool all_back = true;
    for (const UndoOutcome& u : outcomes) {
      const bool back = (u.result == UndoResult::restored || u.result == UndoResult::already_as_before) &&
                        u.streams_back();
      all_back = all_back && back;
      entries.push_back(Json{{"summary", u.change.summary},
                             {"result", std::string(to_string(u.result))},
                             {"back", back},
                             {"words", cli::undo_words(u)}});
    }
    result = Json{{"run", last->id},
                  {"done", all_back && stopped.empty()},
                  {"entries", entries},
                  {"stopped", stopped.empty() ? Json(nullptr) : Json(stopped)}};
    return 200;
  }

  void forget_heard() {
    const std::lock_guard lock(mutex_);
    heard_.reset();
  }

  // The microphone test, on the gate's thread (which turns anything thrown
  // into a "failed" test event); its progress goes out as "test" events, its
  // level as "level" events.
  void run_test() {
    const SystemSnapshot snapshot = read_snapshot();
    const Source* source = source_in_use(snapshot, options_.device);
    MicTestOptions options;
    options.pictures = true;
    auto last_level = std::chrono::steady_clock::time_point{};
    options.on_level = [this, &last_level](double dbfs) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_level < kLevelEvery) return;
      last_level = now;
      events_.publish("level", dump(Json{{"dbfs", std::round(dbfs * 10.0) / 10.0}}));
    };
    publish_test(Json{{"phase", "listening"},
                      {"seconds", options.seconds},
                      {"microphone", source ? Json(checks::source_label(*source)) : Json(nullptr)}});
    auto heard = std::make_shared<Heard>();
    heard->run = cli::listen_to_source(snapshot, source, options, false);
    heard->source = source ? source->name : std::string();
    events_.publish("level", dump(Json{{"dbfs", -120.0}}));  // the meter rests when the test ends
    std::vector<Finding> findings = run_checks(snapshot, options_.device);
    cli::join_heard(snapshot, source, heard->run, findings);
    const MicTestRun& run = heard->run.test;
    const MicTestReport report{run.outcome, run.analysis ? &*run.analysis : nullptr, heard->source};
    const std::string verdict = check_verdict(CheckReportInput{snapshot, source, findings, &report});
    Json heard_json = Json::array();
    if (run.analysis) {
      for (const Finding& f : run.analysis->findings) {
        heard_json.push_back(Json{{"id", f.id}, {"problem", is_problem(f)}, {"title", f.title}});
      }
    }
    Json pictures = Json::array();
    if (run.picture && run.analysis) {
      for (const RecordingPicture& p : recording_pictures(*run.picture, *run.analysis, "ui")) {
        pictures.push_back(Json{{"name", p.name}, {"caption", p.caption}});
      }
    }
    int number = 0;
    {
      const std::lock_guard lock(mutex_);
      if (source != nullptr) heard_ = heard;
      number = ++tests_done_;
    }
    publish_test(Json{{"phase", run.analysis ? "done" : "failed"},
                      {"number", number},
                      {"verdict", verdict},
                      {"seconds", std::round(run.outcome.seconds_received * 10.0) / 10.0},
                      {"error", run.analysis ? Json(nullptr) : Json(run.outcome.error)},
                      {"heard", heard_json},
                      {"pictures", pictures}});
  }

  void publish_test(const Json& event) {
    const std::string text = dump(event);
    {
      const std::lock_guard lock(mutex_);
      last_test_event_ = text;
    }
    events_.publish("test", text);
  }

  EventPublisher& events_;
  const UiAppOptions options_;

  std::mutex read_mutex_;  // the sound server: one reader or changer at a time
  std::mutex mutex_;       // everything below but the gate (its own mutex) and the watcher
  std::condition_variable wake_;
  bool stopping_ = false;
  int open_pages_ = 0;
  std::string last_state_;
  std::string last_test_event_;
  std::shared_ptr<const Heard> heard_;
  int tests_done_ = 0;
  // One change at a time and the test's thread; a change that ended shows the idle state.
  ChangeGate changes_{[this] { publish_state(); }};
  std::thread watcher_;  // last: started once everything above exists
};

}  // namespace

std::unique_ptr<Application> make_ui_application(EventPublisher& events, const UiAppOptions& options) {
  return std::make_unique<LiveApplication>(events, options);
}

}  // namespace micdoctor::ui
