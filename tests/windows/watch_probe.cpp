// Test-only: runs the Windows platform::watch (src/platform/windows/
// windows_watch.cpp) with a feed that prints every call as one JSON line, so
// tests/windows/test_wine.py can see under Wine what the watch reads and
// meters without the `micdoctor watch` command or the CallWatch core.
//   micdoctor_watch_probe.exe SECONDS [DEVICE]
// Meters DEVICE, else the default input of the last state. Prints
// {"call":"state",...}, {"call":"meter_start",...}, {"call":"audio","frames":N}
// (at most once a second, frames counted since the meter started),
// {"call":"meter_stop",...} and at the end {"call":"outcome",...}.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "platform/platform.hpp"

namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

class PrintingFeed : public micdoctor::WatchFeed {
 public:
  explicit PrintingFeed(std::string device) : device_(std::move(device)) {}

  void on_state(const micdoctor::SystemSnapshot& state) noexcept override {
    default_ = state.server.default_source;
    Json sources = Json::array();
    for (const auto& s : state.sources) {
      sources.push_back(Json{{"id", s.name}, {"description", s.description}, {"state", s.state},
                             {"muted", s.muted}, {"volume_percent", s.volume_percent}});
    }
    Json streams = Json::array();
    for (const auto& s : state.streams) {
      streams.push_back(Json{{"application", s.application}, {"binary", s.binary}, {"source", s.source},
                             {"session_state", s.session_state}});
    }
    print(Json{{"call", "state"},
               {"default_source", state.server.default_source},
               {"default_communications", state.server.default_communications},
               {"sessions_error", state.server.sessions_error},
               {"sources", sources},
               {"streams", streams}});
  }
  std::string source_to_meter() noexcept override { return device_.empty() ? default_ : device_; }
  void on_meter_start(const std::string& source, const micdoctor::CaptureFormat& format) noexcept override {
    frames_ = 0;
    print(Json{{"call", "meter_start"}, {"source", source}, {"sample_rate", format.sample_rate},
               {"channels", format.channels}});
    channels_ = format.channels > 0 ? static_cast<std::size_t>(format.channels) : 1;
  }
  void on_audio(std::span<const float> interleaved) noexcept override {
    frames_ += interleaved.size() / channels_;
    const auto now = Clock::now();
    if (now - last_audio_line_ >= std::chrono::seconds(1)) {
      last_audio_line_ = now;
      print(Json{{"call", "audio"}, {"frames", frames_}});
    }
  }
  void on_audio_stalled() noexcept override { print(Json{{"call", "audio_stalled"}, {"frames", frames_}}); }
  void on_meter_stop(const std::string& source, const std::string& reason) noexcept override {
    print(Json{{"call", "meter_stop"}, {"source", source}, {"reason", reason}, {"frames", frames_}});
  }

 private:
  static void print(const Json& line) {
    std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
  }
  std::string device_;
  std::string default_;
  std::size_t channels_ = 1;
  std::size_t frames_ = 0;
  Clock::time_point last_audio_line_{};
};

const char* ending_name(micdoctor::WatchOutcome::Ending ending) {
  switch (ending) {
    case micdoctor::WatchOutcome::Ending::completed: return "completed";
    case micdoctor::WatchOutcome::Ending::interrupted: return "interrupted";
    case micdoctor::WatchOutcome::Ending::server_lost: return "server_lost";
    case micdoctor::WatchOutcome::Ending::failed: return "failed";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: micdoctor_watch_probe SECONDS [DEVICE]\n";
    return 2;
  }
  micdoctor::WatchRequest request;
  request.seconds = std::atof(argv[1]);
  PrintingFeed feed(argc > 2 ? argv[2] : "");
  const std::atomic<bool> stop{false};
  const auto started = Clock::now();
  const micdoctor::WatchOutcome outcome = micdoctor::platform::watch(request, feed, stop);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::cout << Json{{"call", "outcome"}, {"ending", ending_name(outcome.ending)}, {"error", outcome.error},
                    {"seconds", seconds}}
                   .dump()
            << std::endl;
  return outcome.ending == micdoctor::WatchOutcome::Ending::failed ? 1 : 0;
}
