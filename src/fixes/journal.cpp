#include "fixes/journal.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "fixes/below_server_plan.hpp"
#include "fixes/setting_value_json.hpp"
#include "model/below_server.hpp"

namespace micdoctor {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<std::pair<EntryStatus, std::string_view>, 6> kStatusNames{{
    {EntryStatus::journalled, "journalled"},
    {EntryStatus::applied, "applied"},
    {EntryStatus::failed, "failed"},
    {EntryStatus::undoing, "undoing"},
    {EntryStatus::undone, "undone"},
    {EntryStatus::skipped, "skipped"},
}};

constexpr std::size_t kMaxEntries = 1000;
constexpr std::size_t kMaxChannels = 32;
constexpr int kMaxDepth = 16;
// ALSA integer controls are 32-bit.
constexpr std::int64_t kMaxMixerLevel = 0x7fffffff;

// The settings a version 3 journal adds.
bool needs_version_3(Setting setting) { return is_mixer_setting(setting) || setting == Setting::config_file; }
// The settings a version 4 journal adds (issue 15): a Windows service's start
// type and a device's firmware (journalled, never put back by undo).
bool needs_version_4(Setting setting) {
  return setting == Setting::service_start_type || setting == Setting::firmware_version;
}


// The start types of ServiceState::start_type ("" when it was not known).
bool is_start_type(const std::string& name) {
  return name.empty() || name == "automatic" || name == "automatic_delayed" || name == "manual" || name == "disabled" ||
         name == "boot" || name == "system";
}

}  // namespace

nlohmann::ordered_json setting_value_json(Setting setting, const SettingValue& value) {
  using Json = nlohmann::ordered_json;
  if (is_mute_setting(setting)) return Json{{"muted", value.flag}};
  if (is_permission_setting(setting)) return Json{{"allowed", value.flag}};
  if (is_volume_setting(setting)) return Json{{"volume_percent", value.volume_percent}};
  if (is_mixer_level_setting(setting)) {
    Json json{{"levels", value.levels}};
    if (!value.db.empty()) json["db"] = value.db;
    return json;
  }
  if (setting == Setting::config_file) return Json{{"name", value.name}, {"exists", value.flag}};
  if (setting == Setting::service_start_type) return Json{{"name", value.name}, {"running", value.flag}};
  return Json{{"name", value.name}};
}

namespace {

// At most kMaxJournalStreams, the most the reader accepts (fix refuses to
// journal a change with more streams before it; streams_after beyond that are
// not known, and undo treats them as it does a journal without them).
Json places_to_json(const std::vector<StreamPlace>& places) {
  Json list = Json::array();
  for (const StreamPlace& p : places) {
    if (list.size() >= kMaxJournalStreams) break;
    list.push_back(Json{{"stream_index", p.stream.stream_index ? Json(*p.stream.stream_index) : Json(nullptr)},
                        {"application", p.stream.application},
                        {"process_id", p.stream.process_id ? Json(*p.stream.process_id) : Json(nullptr)},
                        {"source", p.source}});
  }
  return list;
}

Json change_to_json(const Change& c, int version) {
  Json json{{"fix", c.fix},
            {"finding", c.finding},
            {"finding_device", c.finding_device},
            {"setting", std::string(to_string(c.setting))},
            {"target",
               Json{{"name", c.target.name},
                    {"stream_index", c.target.stream_index ? Json(*c.target.stream_index) : Json(nullptr)},
                    {"application", c.target.application},
                    {"process_id", c.target.process_id ? Json(*c.target.process_id) : Json(nullptr)}}},
            {"from", setting_value_json(c.setting, c.from)},
            {"to", setting_value_json(c.setting, c.to)},
            {"summary", c.summary},
            {"cost", c.cost}};
  if (version < 2) return json;
  json["streams_before"] = places_to_json(c.streams_before);
  if (c.streams_after) json["streams_after"] = places_to_json(*c.streams_after);
  return json;
}

// Reading: every field checked, the path of a bad one named.
[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw JournalError(JournalError::Kind::corrupt, where + ": " + what);
}

const nlohmann::json& member(const nlohmann::json& object, const char* key, const std::string& where) {
  if (!object.is_object()) bad(where, "expected an object");
  const auto it = object.find(key);
  if (it == object.end()) bad(where + "." + key, "missing");
  return *it;
}

std::string text(const nlohmann::json& object, const char* key, const std::string& where) {
  const nlohmann::json& v = member(object, key, where);
  if (!v.is_string()) bad(where + "." + key, "expected a string");
  return v.get<std::string>();
}

template <typename Int>
std::optional<Int> optional_integer(const nlohmann::json& object, const char* key, const std::string& where) {
  const nlohmann::json& v = member(object, key, where);
  if (v.is_null()) return std::nullopt;
  if (!v.is_number_integer()) bad(where + "." + key, "expected an integer or null");
  const auto wide = v.get<std::int64_t>();
  if (wide < static_cast<std::int64_t>(std::numeric_limits<Int>::min()) ||
      (wide > 0 && static_cast<std::uint64_t>(wide) > static_cast<std::uint64_t>(std::numeric_limits<Int>::max()))) {
    bad(where + "." + key, "out of range");
  }
  return static_cast<Int>(wide);
}

// A mixer setting's levels: 1 to 32 integers (switches 0 or 1), and their
// dB when written (one per level, finite).
void mixer_levels_from_json(Setting setting, const nlohmann::json& json, const std::string& where, SettingValue& value) {
  const nlohmann::json& levels = member(json, "levels", where);
  if (!levels.is_array() || levels.empty() || levels.size() > kMaxChannels) bad(where + ".levels", "expected 1 to 32 integers");
  for (const auto& level : levels) {
    if (!level.is_number_integer()) bad(where + ".levels", "expected integers");
    const auto wide = level.get<std::int64_t>();
    if (setting == Setting::mixer_switch && wide != 0 && wide != 1) bad(where + ".levels", "a switch is 0 or 1");
    if (wide < -kMaxMixerLevel || wide > kMaxMixerLevel) bad(where + ".levels", "out of range");
    value.levels.push_back(static_cast<long>(wide));
  }
  if (!json.contains("db")) return;
  const nlohmann::json& db = json["db"];
  if (setting != Setting::mixer_volume || !db.is_array() || db.size() != levels.size()) {
    bad(where + ".db", "expected one dB value per level");
  }
  for (const auto& channel : db) {
    // A muted step is kMuteDb (what the mixer readers give for it).
    if (!channel.is_number() || !std::isfinite(channel.get<double>()) ||
        (std::fabs(channel.get<double>()) > 1000 && !(is_mute_db(channel.get<double>()) && channel.get<double>() >= -1e6))) {
      bad(where + ".db", "expected dB values");
    }
    value.db.push_back(is_mute_db(channel.get<double>()) ? kMuteDb : channel.get<double>());
  }
}

SettingValue value_from_json(Setting setting, const nlohmann::json& json, const std::string& where) {
  SettingValue value;
  if (is_mute_setting(setting)) {
    const nlohmann::json& v = member(json, "muted", where);
    if (!v.is_boolean()) bad(where + ".muted", "expected true or false");
    value.flag = v.get<bool>();
  } else if (is_permission_setting(setting)) {
    const nlohmann::json& v = member(json, "allowed", where);
    if (!v.is_boolean()) bad(where + ".allowed", "expected true or false");
    value.flag = v.get<bool>();
  } else if (is_volume_setting(setting)) {
    const nlohmann::json& v = member(json, "volume_percent", where);
    if (!v.is_array() || v.empty() || v.size() > kMaxChannels) bad(where + ".volume_percent", "expected 1 to 32 numbers");
    for (const auto& channel : v) {
      if (!channel.is_number()) bad(where + ".volume_percent", "expected numbers");
      const double percent = channel.get<double>();
      if (!std::isfinite(percent) || percent < 0 || percent > 1000) bad(where + ".volume_percent", "out of range");
      value.volume_percent.push_back(percent);
    }
  } else if (is_mixer_level_setting(setting)) {
    mixer_levels_from_json(setting, json, where, value);
  } else {
    value.name = text(json, "name", where);
    if (setting == Setting::service_start_type && !is_start_type(value.name)) {
      bad(where + ".name", "not a service start type");
    }
    if (setting == Setting::service_start_type && json.contains("running")) {
      if (!json["running"].is_boolean()) bad(where + ".running", "expected true or false");
      value.flag = json["running"].get<bool>();
    }
    constexpr std::size_t kMaxVersionBytes = 256;
    if (setting == Setting::firmware_version && value.name.size() > kMaxVersionBytes) {
      bad(where + ".name", "not a firmware version");
    }
    if (setting == Setting::config_file && value.name.size() > kMaxJournalFileBytes) {
      bad(where + ".name", "a file larger than 64 KiB");
    }
    if (setting == Setting::config_file) {
      // "exists" tells an empty file from no file; written before it was, a file existed when it had content.
      value.flag = !value.name.empty();
      if (json.contains("exists")) {
        if (!json["exists"].is_boolean()) bad(where + ".exists", "expected true or false");
        value.flag = json["exists"].get<bool>();
        if (!value.flag && !value.name.empty()) bad(where + ".exists", "a file that does not exist has no content");
      }
    }
  }
  return value;
}

std::vector<StreamPlace> places_from_json(const nlohmann::json& places, const std::string& where) {
  if (!places.is_array()) bad(where, "expected a list");
  if (places.size() > kMaxJournalStreams) {
    bad(where, "more than " + std::to_string(kMaxJournalStreams) + " streams (the most a journal holds)");
  }
  std::vector<StreamPlace> list;
  for (std::size_t i = 0; i < places.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    StreamPlace place;
    place.stream.stream_index = optional_integer<std::uint32_t>(places[i], "stream_index", at);
    if (!place.stream.stream_index) bad(at + ".stream_index", "expected an integer");
    place.stream.application = text(places[i], "application", at);
    place.stream.process_id = optional_integer<std::int64_t>(places[i], "process_id", at);
    place.source = text(places[i], "source", at);
    list.push_back(std::move(place));
  }
  return list;
}

Change change_from_json(const nlohmann::json& json, const std::string& where, int version) {
  Change c;
  c.fix = text(json, "fix", where);
  c.finding = text(json, "finding", where);
  c.finding_device = text(json, "finding_device", where);
  const auto setting = setting_from_string(text(json, "setting", where));
  if (!setting) bad(where + ".setting", "unknown setting");
  if (version < 3 && needs_version_3(*setting)) bad(where + ".setting", "not a setting of this journal's version");
  if (version < 4 && needs_version_4(*setting)) bad(where + ".setting", "not a setting of this journal's version");
  c.setting = *setting;
  const nlohmann::json& target = member(json, "target", where);
  c.target.name = text(target, "name", where + ".target");
  c.target.stream_index = optional_integer<std::uint32_t>(target, "stream_index", where + ".target");
  c.target.application = text(target, "application", where + ".target");
  c.target.process_id = optional_integer<std::int64_t>(target, "process_id", where + ".target");
  // Undo writes or removes the file a config_file change names: only micdoctor's own drop-ins.
  if (c.setting == Setting::config_file && !is_micdoctor_drop_in_path(c.target.name)) {
    bad(where + ".target.name", "not a drop-in file of micdoctor's (<wireplumber dir>/.../99-micdoctor-*)");
  }
  if (needs_version_4(c.setting) && c.target.name.empty()) bad(where + ".target.name", "expected a service or device");
  c.from = value_from_json(c.setting, member(json, "from", where), where + ".from");
  c.to = value_from_json(c.setting, member(json, "to", where), where + ".to");
  c.summary = text(json, "summary", where);
  c.cost = text(json, "cost", where);
  if (version >= 2) {
    c.streams_before = places_from_json(member(json, "streams_before", where), where + ".streams_before");
    // Written since streams_after was added; a journal written before has none (not known).
    if (json.contains("streams_after")) {
      c.streams_after = places_from_json(json["streams_after"], where + ".streams_after");
    }
  }
  return c;
}

EntryStatus status_from_json(const nlohmann::json& json, const std::string& where) {
  const std::string name = text(json, "status", where);
  for (const auto& [status, status_name] : kStatusNames) {
    if (status_name == name) return status;
  }
  bad(where + ".status", "unknown status '" + name + "'");
}

// "micdoctor.journal/3" -> 3; 0 when it is not ours at all.
int schema_version(const std::string& schema) {
  constexpr std::string_view prefix = "micdoctor.journal/";
  if (schema.rfind(prefix, 0) != 0 || schema.size() == prefix.size() || schema.size() > prefix.size() + 6) return 0;
  int version = 0;
  for (std::size_t i = prefix.size(); i < schema.size(); ++i) {
    if (schema[i] < '0' || schema[i] > '9') return 0;
    version = version * 10 + (schema[i] - '0');
  }
  return version;
}

}  // namespace

std::string_view to_string(EntryStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "unknown";
}

bool needs_undo(const JournalEntry& entry) {
  return entry.status == EntryStatus::journalled || entry.status == EntryStatus::applied ||
         entry.status == EntryStatus::undoing;
}

bool needs_undo(const JournalRun& run) {
  for (const JournalEntry& entry : run.entries) {
    if (needs_undo(entry)) return true;
  }
  return false;
}

namespace {

// Version 2 only when some entry needs it (stream places, undo attempts): a
// journal without streams stays readable by a micdoctor that reads only 1,
// so going back to an older micdoctor can still undo it.
// Version 3 only when a change is below the sound server (see journal.hpp).
int version_needed(const Journal& journal) {
  int version = 1;
  for (const JournalRun& run : journal.runs) {
    for (const JournalEntry& e : run.entries) {
      if (needs_version_4(e.change.setting)) return 4;
      if (needs_version_3(e.change.setting)) version = 3;
      if (!e.change.streams_before.empty() || e.change.streams_after || e.undo_attempts > 0) {
        version = std::max(version, 2);
      }
    }
  }
  return version;
}

}  // namespace

std::string journal_to_text(const Journal& journal) {
  const int version = version_needed(journal);
  Json runs = Json::array();
  for (const JournalRun& run : journal.runs) {
    Json entries = Json::array();
    for (const JournalEntry& e : run.entries) {
      entries.push_back(Json{{"sequence", e.sequence},
                             {"time", e.time},
                             {"status", std::string(to_string(e.status))},
                             {"note", e.note},
                             {"change", change_to_json(e.change, version)}});
      if (e.undo_attempts > 0) entries.back()["undo_attempts"] = e.undo_attempts;
    }
    runs.push_back(Json{{"id", run.id},
                        {"started", run.started},
                        {"server", run.server},
                        {"undone", run.undone},
                        {"entries", entries}});
  }
  const Json document{{"schema", "micdoctor.journal/" + std::to_string(version)}, {"runs", runs}};
  return document.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Journal journal_from_text(const std::string& text_in) {
  if (text_in.size() > kMaxJournalBytes) bad("journal", "larger than 8 MiB");
  int depth = 0;
  bool too_deep = false;
  const nlohmann::json::parser_callback_t limit_depth = [&](int d, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if (event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) {
      depth = d;
      if (d > kMaxDepth) too_deep = true;
    }
    return !too_deep;
  };
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text_in, limit_depth);
  } catch (const nlohmann::json::exception&) {
    bad("journal", "not valid JSON");
  }
  if (too_deep) bad("journal", "nested too deeply");
  if (!json.is_object() || !json.contains("schema") || !json["schema"].is_string()) {
    bad("journal", "not a micdoctor journal (no schema)");
  }
  const std::string schema = json["schema"].get<std::string>();
  const int version = schema_version(schema);
  if (version == 0) bad("journal", "not a micdoctor journal (schema '" + schema + "')");
  if (version > kJournalVersion) {
    throw JournalError(JournalError::Kind::newer_version,
                       "written by a newer micdoctor (" + schema + "); this one reads " + kJournalSchema);
  }
  const nlohmann::json& runs = member(json, "runs", "journal");
  if (!runs.is_array()) bad("journal.runs", "expected a list");
  Journal journal;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const std::string where = "runs[" + std::to_string(r) + "]";
    JournalRun run;
    run.id = text(runs[r], "id", where);
    run.started = text(runs[r], "started", where);
    run.server = text(runs[r], "server", where);
    const nlohmann::json& undone = member(runs[r], "undone", where);
    if (!undone.is_boolean()) bad(where + ".undone", "expected true or false");
    run.undone = undone.get<bool>();
    const nlohmann::json& entries = member(runs[r], "entries", where);
    if (!entries.is_array() || entries.size() > kMaxEntries) bad(where + ".entries", "expected a list");
    for (std::size_t e = 0; e < entries.size(); ++e) {
      const std::string at = where + ".entries[" + std::to_string(e) + "]";
      JournalEntry entry;
      const auto sequence = optional_integer<int>(entries[e], "sequence", at);
      if (!sequence) bad(at + ".sequence", "expected an integer");
      entry.sequence = *sequence;
      entry.time = text(entries[e], "time", at);
      entry.status = status_from_json(entries[e], at);
      entry.note = text(entries[e], "note", at);
      entry.change = change_from_json(member(entries[e], "change", at), at + ".change", version);
      if (version >= 2 && entries[e].contains("undo_attempts")) {
        const auto attempts = optional_integer<int>(entries[e], "undo_attempts", at);
        if (!attempts || *attempts < 0) bad(at + ".undo_attempts", "expected a count");
        entry.undo_attempts = *attempts;
      }
      run.entries.push_back(std::move(entry));
    }
    journal.runs.push_back(std::move(run));
  }
  return journal;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
#ifdef _WIN32
  gmtime_s(&parts, &now);
#else
  gmtime_r(&now, &parts);
#endif
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace micdoctor
