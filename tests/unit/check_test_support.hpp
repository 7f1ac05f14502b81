#pragma once
// Small builders the check and join tests share: a mixer volume with a linear
// dB scale, a signal finding, the joined verdict, and a look into the steps.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "checks/run_checks.hpp"
#include "checks/signal_joins.hpp"
#include "model/snapshot_json.hpp"

namespace micdoctor::test {

// A recorded snapshot under tests/fixtures ("windows/zoom_on_stereo_mix.json").
inline SystemSnapshot fixture_snapshot(const std::string& path) {
  std::ifstream in(std::string(MICDOCTOR_FIXTURES_DIR) + "/" + path);
  std::stringstream text;
  text << in.rdbuf();
  return snapshot_from_text(text.str());
}

// A recorded Windows snapshot by name ("camsvc_disabled": tests/fixtures/windows/camsvc_disabled.json).
inline SystemSnapshot windows_fixture(const std::string& name) { return fixture_snapshot("windows/" + name + ".json"); }

// The findings with this id, in order.
inline std::vector<const Finding*> with_id(const std::vector<Finding>& findings, const std::string& id) {
  std::vector<const Finding*> out;
  for (const Finding& f : findings) {
    if (f.id == id) out.push_back(&f);
  }
  return out;
}

// Every channel at `value`, its dB on a linear scale from db_min to db_max.
inline MixerVolume volume(long min, long max, long value, double db_min, double db_max, int channels = 2) {
  MixerVolume v;
  v.min = min;
  v.max = max;
  v.values.assign(static_cast<std::size_t>(channels), value);
  v.db_min = db_min;
  v.db_max = db_max;
  const double db = db_min + (db_max - db_min) * static_cast<double>(value - min) / static_cast<double>(max - min);
  v.db.assign(static_cast<std::size_t>(channels), db);
  return v;
}

// A finding as the analyser would give it, with placeholder words.
inline Finding signal(const std::string& id, Severity severity = Severity::error) {
  Finding f;
  f.id = id;
  f.severity = severity;
  f.title = id + " title";
  f.detail = id + " detail.";
  f.advice = id + " advice";
  return f;
}

// The state's findings joined with what the test heard from the first source.
inline std::vector<Finding> join(const SystemSnapshot& s, const SignalAnalysis& a) {
  const std::vector<Finding> state = run_checks(s);
  return join_signal_with_state(JoinInput{s, s.sources[0], state, a});
}

inline bool steps_mention(const Finding& f, const std::string& text) {
  return std::any_of(f.manual_steps.begin(), f.manual_steps.end(),
                     [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

}  // namespace micdoctor::test
