#include "platform/linux/audio_config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>

#include "platform/linux/process.hpp"
#include "platform/linux/small_file.hpp"

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxConfigFileBytes = 1u << 20;
constexpr std::size_t kMaxFilesPerDirectory = 256;
constexpr int kMaxIncludeDepth = 8;
constexpr int kMaxSpaJsonDepth = 32;

// The keys that shape Bluetooth headsets, in Lua tables, SPA-JSON sections
// and wireplumber.settings alike.
constexpr std::array<const char*, 8> kBluetoothKeys = {
    "bluez5.roles",           "bluez5.headset-roles",           "bluez5.hfphsp-backend",
    "bluez5.autoswitch-profile", "bluetooth.autoswitch-to-headset-profile", "media-role.use-headset-profile",
    "monitor.bluez",          "bluez_monitor.enabled"};

bool is_bluetooth_key(const std::string& key) {
  return std::any_of(kBluetoothKeys.begin(), kBluetoothKeys.end(), [&](const char* k) { return key == k; });
}

std::optional<std::string> read_config_file(const fs::path& path) {
  SmallFile file = read_small_file(path.string(), kMaxConfigFileBytes);
  if (file.problem != SmallFile::Problem::none) return std::nullopt;
  return std::move(file.text);
}

// The regular files in a directory whose names end with `extension`, sorted
// by name; nothing when it is missing or unreadable.
std::vector<fs::path> files_in(const fs::path& directory, const std::string& extension) {
  std::vector<fs::path> files;
  std::error_code error;
  fs::directory_iterator it(directory, error);
  for (; !error && it != fs::directory_iterator() && files.size() < kMaxFilesPerDirectory; it.increment(error)) {
    const std::string name = it->path().filename().string();
    std::error_code type_error;
    if (name.size() > extension.size() && name.compare(name.size() - extension.size(), extension.size(), extension) == 0 &&
        it->is_regular_file(type_error)) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// WirePlumber's fragments (0.4 "<section>.lua.d/*.lua", 0.5
// "wireplumber.conf.d/*.conf"): every directory's files, sorted by file name
// across the directories; a name in a higher-priority directory (the user's,
// then /etc, then /usr/share) hides the same name below it. This is the
// order WirePlumber runs them in (0.4.13's log: "loading config file: ..."
// for /usr/share/.../50-bluez-config.lua, then ~/.config/.../51-x.lua, then
// /usr/share/.../90-enable-all.lua).
std::vector<fs::path> wireplumber_fragments(const AudioConfigPaths& paths, const std::string& subdirectory,
                                            const std::string& extension) {
  std::map<std::string, fs::path> by_name;
  const std::array<fs::path, 3> lowest_first = {paths.root / "usr/share/wireplumber", paths.root / "etc/wireplumber",
                                                paths.config_home / "wireplumber"};
  for (const fs::path& base : lowest_first) {
    for (const fs::path& file : files_in(base / subdirectory, extension)) by_name[file.filename().string()] = file;
  }
  std::vector<fs::path> files;
  files.reserve(by_name.size());
  for (auto& [name, file] : by_name) files.push_back(file);
  return files;
}

// -- SPA-JSON (PipeWire's relaxed JSON: bare words, '=' or ':', optional
// commas, '#' comments) -------------------------------------------------------

struct SpaMember;

struct SpaValue {
  enum class Kind { word, object, array };
  Kind kind = Kind::word;
  std::string text;                // a word or string
  std::vector<SpaMember> members;  // an object's
  std::vector<SpaValue> items;     // an array's
};

struct SpaMember {
  std::string key;
  SpaValue value;
};

class SpaJsonParser {
 public:
  explicit SpaJsonParser(const std::string& text) : text_(text) {}

  // The top level is an object without braces. Stops quietly at the first
  // thing it cannot read, keeping what came before.
  SpaValue parse_document() {
    SpaValue top;
    top.kind = SpaValue::Kind::object;
    parse_members(top, 0, /*closing=*/'\0');
    return top;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c)) != 0 || c == ',' || c == ';') {
        ++pos_;
      } else {
        break;
      }
    }
  }
  static bool is_word_char(char c) {
    return std::isspace(static_cast<unsigned char>(c)) == 0 && c != '{' && c != '}' && c != '[' && c != ']' &&
           c != '=' && c != ':' && c != ',' && c != '"' && c != '#';
  }
  std::optional<std::string> parse_word() {
    skip_space();
    if (pos_ >= text_.size()) return std::nullopt;
    std::string out;
    if (text_[pos_] == '"') {
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
        out += text_[pos_++];
      }
      if (pos_ >= text_.size()) return std::nullopt;  // unterminated
      ++pos_;
      return out;
    }
    // A bare word; "a:b" inside a word (e.g. "api.bluez5.*") stays a word
    // only where ':' is not followed by space, as PipeWire reads it.
    while (pos_ < text_.size() && (is_word_char(text_[pos_]) ||
                                   (text_[pos_] == ':' && pos_ + 1 < text_.size() && is_word_char(text_[pos_ + 1])))) {
      out += text_[pos_++];
    }
    if (out.empty()) return std::nullopt;
    return out;
  }
  bool parse_value(SpaValue& out, int depth) {
    skip_space();
    if (pos_ >= text_.size() || depth > kMaxSpaJsonDepth) return false;
    if (text_[pos_] == '{') {
      ++pos_;
      out.kind = SpaValue::Kind::object;
      return parse_members(out, depth + 1, '}');
    }
    if (text_[pos_] == '[') {
      ++pos_;
      out.kind = SpaValue::Kind::array;
      for (;;) {
        skip_space();
        if (pos_ >= text_.size()) return false;
        if (text_[pos_] == ']') {
          ++pos_;
          return true;
        }
        SpaValue item;
        if (!parse_value(item, depth + 1)) return false;
        out.items.push_back(std::move(item));
      }
    }
    const std::optional<std::string> word = parse_word();
    if (!word) return false;
    out.kind = SpaValue::Kind::word;
    out.text = *word;
    return true;
  }
  bool parse_members(SpaValue& object, int depth, char closing) {
    for (;;) {
      skip_space();
      if (pos_ >= text_.size()) return closing == '\0';
      if (text_[pos_] == closing) {
        ++pos_;
        return true;
      }
      const std::optional<std::string> key = parse_word();
      if (!key) return false;
      skip_space();
      if (pos_ < text_.size() && (text_[pos_] == '=' || text_[pos_] == ':')) ++pos_;
      SpaValue value;
      const bool complete = parse_value(value, depth);
      // A section cut short keeps the members it had read in full; a word or
      // an array cut short is not clear, and is left out.
      if (complete || value.kind == SpaValue::Kind::object) object.members.push_back(SpaMember{*key, std::move(value)});
      if (!complete) return false;
    }
  }

  const std::string& text_;
  std::size_t pos_ = 0;
};

// A value as written, in one line: "[ a2dp_sink a2dp_source ]", "[ ]", "native".
std::string render(const SpaValue& value) {
  switch (value.kind) {
    case SpaValue::Kind::word: return value.text;
    case SpaValue::Kind::array: {
      std::string out = "[ ";
      for (const SpaValue& item : value.items) out += render(item) + " ";
      return out + "]";
    }
    case SpaValue::Kind::object: {
      std::string out = "{ ";
      for (const auto& [key, member] : value.members) out += key + " = " + render(member) + " ";
      return out + "}";
    }
  }
  return {};
}

// Every Bluetooth key anywhere in the tree, in file order, except inside
// "*.rules" sections: those apply to matching devices only.
void collect_spa_settings(const SpaValue& value, const std::string& program, const std::string& file,
                          std::vector<AudioConfigSetting>& out) {
  for (const auto& [key, member] : value.members) {
    if (key.size() > 6 && key.compare(key.size() - 6, 6, ".rules") == 0) continue;
    if (is_bluetooth_key(key) && member.kind != SpaValue::Kind::object) {
      out.push_back(AudioConfigSetting{program, key, render(member), file});
    } else {
      collect_spa_settings(member, program, file, out);
    }
  }
  for (const SpaValue& item : value.items) collect_spa_settings(item, program, file, out);
}

const SpaValue* member_named(const SpaValue& object, const std::string& name) {
  const SpaValue* found = nullptr;
  for (const auto& [key, member] : object.members) {
    if (key == name) found = &member;  // the last one wins, as when the sections merge
  }
  return found;
}

void collect_from_section(const SpaValue& section, const std::string& program, const std::string& file,
                          std::vector<AudioConfigSetting>& out) {
  for (const auto& [key, member] : section.members) {
    if (is_bluetooth_key(key) && member.kind != SpaValue::Kind::object) {
      out.push_back(AudioConfigSetting{program, key, render(member), file});
    }
  }
}

// WirePlumber 0.5 reads its Bluetooth settings from these sections only:
// monitor.bluez.properties { bluez5.roles = [ ... ] ... }, wireplumber.settings
// { bluetooth.autoswitch-to-headset-profile = false }, and the monitor itself
// turned off in a profile: wireplumber.profiles { main { monitor.bluez = disabled } }.
// A key outside them is ignored by WirePlumber, and here.
void collect_wireplumber_sections(const SpaValue& document, const std::string& file, std::vector<AudioConfigSetting>& out) {
  for (const auto& [key, section] : document.members) {
    if (key == "monitor.bluez.properties" || key == "wireplumber.settings") {
      collect_from_section(section, "wireplumber", file, out);
    } else if (key == "wireplumber.profiles") {
      for (const auto& [profile, features] : section.members) {
        if (const SpaValue* bluez = member_named(features, "monitor.bluez"); bluez != nullptr && bluez->kind == SpaValue::Kind::word) {
          out.push_back(AudioConfigSetting{"wireplumber", "monitor.bluez", bluez->text, file});
        }
      }
    }
  }
}

void read_spa_json_file(const fs::path& path, const std::string& program, std::vector<AudioConfigSetting>& out) {
  const std::optional<std::string> text = read_config_file(path);
  if (!text) return;
  const SpaValue document = SpaJsonParser(*text).parse_document();
  if (program == "wireplumber") collect_wireplumber_sections(document, path.string(), out);
  else collect_spa_settings(document, program, path.string(), out);
}

// -- WirePlumber 0.4's Lua -------------------------------------------------------

// The text without Lua comments ("-- ..." and "--[[ ... ]]"), strings kept.
std::string without_lua_comments(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      const std::size_t start = i++;
      while (i < text.size() && text[i] != c && text[i] != '\n') i += text[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, text.size());
      out.append(text, start, i - start);
    } else if (text.compare(i, 4, "--[[") == 0) {
      const std::size_t end = text.find("]]", i + 4);
      i = end == std::string::npos ? text.size() : end + 2;
      out += ' ';
    } else if (text.compare(i, 2, "--") == 0) {
      while (i < text.size() && text[i] != '\n') ++i;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

// Where c is in text from `from`, within the line and kMaxLuaTokenChars: a
// Lua short string never spans lines, and a key or a value is short. Bounded,
// so a file of a million "['" is read in linear time (each '[' once
// searched to the end of the file was ~10^11 steps for 1 MiB).
constexpr std::size_t kMaxLuaTokenChars = 256;
std::size_t find_in_line(const std::string& text, char c, std::size_t from) {
  const std::size_t limit = std::min(text.size(), from + kMaxLuaTokenChars);
  for (std::size_t i = from; i < limit; ++i) {
    if (text[i] == c) return i;
    if (text[i] == '\n') break;
  }
  return std::string::npos;
}

// A Lua literal at pos: "..." or '...' (its contents), true/false/a number (as written).
std::optional<std::string> lua_literal(const std::string& text, std::size_t pos) {
  while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])) != 0) ++pos;
  if (pos >= text.size()) return std::nullopt;
  const char c = text[pos];
  if (c == '"' || c == '\'') {
    const std::size_t end = find_in_line(text, c, pos + 1);
    if (end == std::string::npos) return std::nullopt;
    return text.substr(pos + 1, end - pos - 1);
  }
  std::size_t end = pos;
  while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.' ||
                               text[end] == '-')) {
    ++end;
  }
  if (end == pos) return std::nullopt;
  return text.substr(pos, end - pos);
}

// The name a table constructor is assigned to: "bluez_monitor.rules" in
// `bluez_monitor.rules = {`, "apply_properties" in `apply_properties = {`.
std::string table_name_before(const std::string& text, std::size_t brace) {
  std::size_t end = brace;
  while (end > 0 && std::isspace(static_cast<unsigned char>(text[end - 1])) != 0) --end;
  if (end == 0 || text[end - 1] != '=') return "";
  --end;
  while (end > 0 && std::isspace(static_cast<unsigned char>(text[end - 1])) != 0) --end;
  std::size_t begin = end;
  while (begin > 0 && (std::isalnum(static_cast<unsigned char>(text[begin - 1])) != 0 || text[begin - 1] == '_' ||
                       text[begin - 1] == '.')) {
    --begin;
  }
  return text.substr(begin, end - begin);
}

bool applies_to_matching_devices(const std::vector<std::string>& tables) {
  return std::any_of(tables.begin(), tables.end(), [](const std::string& name) {
    return name == "apply_properties" || (name.size() >= 5 && name.compare(name.size() - 5, 5, "rules") == 0);
  });
}

// `bluez_monitor.properties = { ... }` replaces the whole table: what earlier
// files set in it is gone. (Seen in WirePlumber 0.4.13: a user's 40-x.lua
// setting bluez_monitor.properties["with-logind"] had no effect, as Debian's
// 50-bluez-config.lua assigns the table after it.)
void forget_replaced_table(const std::string& table, std::vector<AudioConfigSetting>& out) {
  const char* prefix = table == "bluez_monitor.properties" ? "bluez5."
                       : table == "bluetooth_policy.policy" ? "media-role."
                                                            : nullptr;
  if (prefix == nullptr) return;
  const std::string keys = prefix;
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const AudioConfigSetting& s) {
                             return s.program == "wireplumber" && s.key.rfind(keys, 0) == 0 &&
                                    s.file.size() > 4 && s.file.compare(s.file.size() - 4, 4, ".lua") == 0;
                           }),
            out.end());
}

// `["bluez5.headset-roles"] = "[ ]"` (in a table constructor or after
// bluez_monitor.properties) and `bluez_monitor.enabled = false`, in file order.
// Entries inside a rules table (apply_properties) apply to matching devices
// only and are skipped.
constexpr std::size_t kMaxLuaSettingsPerFile = 256;
void read_lua_file(const fs::path& path, std::vector<AudioConfigSetting>& out) {
  const std::optional<std::string> raw = read_config_file(path);
  if (!raw) return;
  const std::string text = without_lua_comments(*raw);
  std::vector<std::string> tables;  // the table constructors we are inside
  std::size_t settings_read = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"' || c == '\'') {  // a string: nothing in it counts
      const std::size_t end = text.find(c, pos + 1);
      pos = end == std::string::npos ? text.size() : end + 1;
      continue;
    }
    if (c == '{') {
      std::string name = table_name_before(text, pos);
      if (tables.empty()) forget_replaced_table(name, out);
      if (tables.size() < 64) tables.push_back(std::move(name));
      ++pos;
      continue;
    }
    if (c == '}') {
      if (!tables.empty()) tables.pop_back();
      ++pos;
      continue;
    }
    std::string key;
    std::size_t after = std::string::npos;
    if (c == '[') {
      std::size_t q = pos + 1;
      while (q < text.size() && std::isspace(static_cast<unsigned char>(text[q])) != 0) ++q;
      if (q < text.size() && (text[q] == '"' || text[q] == '\'')) {
        // `["key"]`: the closing quote and ']' on the same line, close by.
        const std::size_t close_quote = find_in_line(text, text[q], q + 1);
        const std::size_t bracket = close_quote == std::string::npos ? close_quote : find_in_line(text, ']', close_quote);
        if (bracket != std::string::npos) {
          key = text.substr(q + 1, close_quote - q - 1);
          after = bracket + 1;
        }
      }
    } else if (text.compare(pos, 21, "bluez_monitor.enabled") == 0 &&
               (pos == 0 || (std::isalnum(static_cast<unsigned char>(text[pos - 1])) == 0 && text[pos - 1] != '_'))) {
      key = "bluez_monitor.enabled";
      after = pos + key.size();
    }
    if (after == std::string::npos || !is_bluetooth_key(key)) {
      ++pos;
      continue;
    }
    std::size_t eq = after;
    while (eq < text.size() && std::isspace(static_cast<unsigned char>(text[eq])) != 0) ++eq;
    if (eq < text.size() && text[eq] == '=' && (eq + 1 >= text.size() || text[eq + 1] != '=') &&
        !applies_to_matching_devices(tables)) {
      if (const std::optional<std::string> value = lua_literal(text, eq + 1)) {
        out.push_back(AudioConfigSetting{"wireplumber", key, *value, path.string()});
        // A real file sets a handful; a bound keeps forget_replaced_table's
        // sweeps (one per table assigned) from growing with the file squared.
        if (++settings_read >= kMaxLuaSettingsPerFile) return;
      }
    }
    pos = after;
  }
}

// -- drop-ins named for what they do ---------------------------------------------

bool names_disabled_headset(const std::string& file_name) {
  std::string name = file_name;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name.find("disable-headset") != std::string::npos || name.find("disable-hsp") != std::string::npos ||
         name.find("disable-hfp") != std::string::npos || name.find("headset-disable") != std::string::npos;
}

void note_disable_headset_dropin(const fs::path& file, const std::string& program, std::vector<AudioConfigSetting>& out) {
  if (names_disabled_headset(file.filename().string())) {
    out.push_back(AudioConfigSetting{program, "disable-headset", "true", file.string()});
  }
}

// -- PulseAudio's default.pa ----------------------------------------------------------

// A path in a .include line, under root (the user's own paths are taken as written).
fs::path under_root(const AudioConfigPaths& paths, const std::string& written) {
  if (paths.root == "/" || written.empty() || written[0] != '/') return written;
  const fs::path home_config = paths.config_home;
  if (written.rfind(home_config.string(), 0) == 0) return written;
  return paths.root / written.substr(1);
}

void read_pulse_script(const AudioConfigPaths& paths, const fs::path& path, int depth,
                       std::vector<AudioConfigSetting>& out) {
  if (depth > kMaxIncludeDepth) return;
  std::error_code error;
  if (fs::is_directory(path, error)) {
    for (const fs::path& file : files_in(path, ".pa")) read_pulse_script(paths, file, depth + 1, out);
    return;
  }
  const std::optional<std::string> text = read_config_file(path);
  if (!text) return;
  std::size_t start = 0;
  while (start < text->size()) {
    std::size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string line = text->substr(start, end - start);
    start = end + 1;
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#' || line[first] == ';') continue;
    line = line.substr(first);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())) != 0) line.pop_back();
    if (line.rfind(".include", 0) == 0) {
      const std::size_t arg = line.find_first_not_of(" \t", 8);
      if (arg != std::string::npos) read_pulse_script(paths, under_root(paths, line.substr(arg)), depth + 1, out);
      continue;
    }
    if (line.rfind("load-module", 0) != 0) continue;
    // load-module NAME key=value key=value
    std::vector<std::string> words;
    std::size_t p = 11;
    while (p < line.size()) {
      p = line.find_first_not_of(" \t", p);
      if (p == std::string::npos) break;
      const std::size_t e = line.find_first_of(" \t", p);
      words.push_back(line.substr(p, e == std::string::npos ? std::string::npos : e - p));
      p = e == std::string::npos ? line.size() : e;
    }
    if (words.empty()) continue;
    const std::string& module = words[0];
    const char* wanted = module == "module-bluetooth-discover" || module == "module-bluez5-discover" ? "headset"
                         : module == "module-bluetooth-policy"                                    ? "auto_switch"
                                                                                                  : nullptr;
    if (wanted == nullptr) continue;
    for (std::size_t i = 1; i < words.size(); ++i) {
      const std::size_t eq = words[i].find('=');
      if (eq != std::string::npos && words[i].compare(0, eq, wanted) == 0) {
        out.push_back(AudioConfigSetting{"pulseaudio", module + " " + wanted, words[i].substr(eq + 1), path.string()});
      }
    }
  }
}

// PulseAudio reads ~/.config/pulse/default.pa instead of /etc/pulse/default.pa
// when the user has one (which often .includes the system one); the system
// file includes /etc/pulse/default.pa.d (PulseAudio 15 and later).
void read_pulseaudio(const AudioConfigPaths& paths, std::vector<AudioConfigSetting>& out) {
  const fs::path user = paths.config_home / "pulse/default.pa";
  std::error_code error;
  read_pulse_script(paths, fs::exists(user, error) ? user : paths.root / "etc/pulse/default.pa", 0, out);
}

std::string wireplumber_series(const AudioConfigPaths& paths) {
  std::error_code error;
  if (fs::is_directory(paths.root / "usr/share/wireplumber/main.lua.d", error)) return "0.4";
  if (fs::exists(paths.root / "usr/share/wireplumber/wireplumber.conf", error)) return "0.5";
  return "";
}

// GKeyFile's escapes in a value: \s \t \n \r \\.
std::string keyfile_unescape(const std::string& value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\\' || i + 1 >= value.size()) {
      out += value[i];
      continue;
    }
    const char c = value[++i];
    out += c == 's' ? ' ' : c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
  }
  return out;
}

std::string trimmed(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const std::size_t last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read once, before any thread starts
  return value != nullptr ? std::string(value) : std::string();
}

}  // namespace

AudioConfigPaths default_audio_config_paths(const fs::path& root) {
  AudioConfigPaths paths;
  paths.root = root;
  const std::string home = env_or_empty("HOME");
  const std::string config = env_or_empty("XDG_CONFIG_HOME");
  const std::string state = env_or_empty("XDG_STATE_HOME");
  // The XDG spec: a relative value is invalid and ignored.
  paths.config_home = !config.empty() && config[0] == '/' ? fs::path(config) : fs::path(home) / ".config";
  paths.state_home = !state.empty() && state[0] == '/' ? fs::path(state) : fs::path(home) / ".local/state";
  return paths;
}

std::vector<AudioConfigSetting> read_audio_config(const AudioConfigPaths& paths) {
  std::vector<AudioConfigSetting> settings;
  // Only what the installed WirePlumber reads: 0.4 runs the Lua fragments (its
  // wireplumber.conf has no Bluetooth settings), 0.5 ignores Lua and merges
  // the SPA-JSON fragments. Not installed (or unknown): both, as written.
  const std::string series = wireplumber_series(paths);
  if (series != "0.5") {
    for (const char* section : {"bluetooth.lua.d", "policy.lua.d"}) {
      for (const fs::path& file : wireplumber_fragments(paths, section, ".lua")) {
        note_disable_headset_dropin(file, "wireplumber", settings);
        read_lua_file(file, settings);
      }
    }
  }
  if (series != "0.4") {
    for (const fs::path& file : wireplumber_fragments(paths, "wireplumber.conf.d", ".conf")) {
      note_disable_headset_dropin(file, "wireplumber", settings);
      read_spa_json_file(file, "wireplumber", settings);
    }
  }
  // PipeWire's drop-ins: every directory in turn (/usr/share, /etc, the
  // user's), each in file-name order (pipewire.conf(5), 0.3.x).
  for (const fs::path& directory : {paths.root / "usr/share/pipewire/pipewire.conf.d",
                                    paths.root / "etc/pipewire/pipewire.conf.d", paths.config_home / "pipewire/pipewire.conf.d"}) {
    for (const fs::path& file : files_in(directory, ".conf")) {
      note_disable_headset_dropin(file, "pipewire", settings);
      read_spa_json_file(file, "pipewire", settings);
    }
  }
  read_pulseaudio(paths, settings);
  return settings;
}

std::vector<RememberedDefault> read_remembered_defaults(const AudioConfigPaths& paths) {
  std::vector<RememberedDefault> defaults;
  // WirePlumber: a GKeyFile, [default-nodes] default.configured.audio.source=NAME;
  // newer releases add .0, .1 ... for earlier choices: the current one is the
  // plain key, else the newest of those.
  const fs::path nodes = paths.state_home / "wireplumber/default-nodes";
  if (const std::optional<std::string> text = read_config_file(nodes)) {
    std::string current;
    std::string newest_earlier;
    std::size_t start = 0;
    while (start < text->size()) {
      std::size_t end = text->find('\n', start);
      if (end == std::string::npos) end = text->size();
      const std::string line = text->substr(start, end - start);
      start = end + 1;
      const std::size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      const std::string key = trimmed(line.substr(0, eq));
      const std::string value = keyfile_unescape(trimmed(line.substr(eq + 1)));
      if (key == "default.configured.audio.source") current = value;
      if (key == "default.configured.audio.source.0") newest_earlier = value;
    }
    const std::string source = !current.empty() ? current : newest_earlier;
    if (!source.empty()) defaults.push_back(RememberedDefault{"wireplumber", nodes.string(), source});
  }
  // PulseAudio (module-default-device-restore): ~/.config/pulse/<machine-id>-default-source.
  std::string machine_id;
  for (const char* file : {"etc/machine-id", "var/lib/dbus/machine-id"}) {
    if (const std::optional<std::string> text = read_config_file(paths.root / file)) {
      machine_id = trimmed(*text);
      if (!machine_id.empty()) break;
    }
  }
  std::vector<fs::path> candidates;
  if (!machine_id.empty()) candidates.push_back(paths.config_home / "pulse" / (machine_id + "-default-source"));
  for (const fs::path& file : files_in(paths.config_home / "pulse", "-default-source")) {
    if (std::find(candidates.begin(), candidates.end(), file) == candidates.end()) candidates.push_back(file);
  }
  for (const fs::path& file : candidates) {
    const std::optional<std::string> text = read_config_file(file);
    if (!text) continue;
    const std::string source = trimmed(text->substr(0, text->find('\n')));
    if (source.empty()) continue;
    defaults.push_back(RememberedDefault{"pulseaudio", file.string(), source});
    break;  // the machine's own file when there, else the first
  }
  return defaults;
}

UserAudioConfig read_user_audio_config(const AudioConfigPaths& paths) {
  UserAudioConfig config;
  config.wireplumber_version = wireplumber_series(paths);
  config.wireplumber_dir = (paths.config_home / "wireplumber").string();
  // On the live system the program says its exact version:
  // "Compiled with libwireplumber 0.4.13\nLinked with libwireplumber 0.4.13".
  if (paths.root == "/" && !config.wireplumber_version.empty() && program_on_path("wireplumber")) {
    if (const std::optional<std::string> out = run_program({"wireplumber", "--version"}, std::chrono::milliseconds(500), 4096)) {
      const std::string marker = "Linked with libwireplumber ";
      const std::size_t at = out->find(marker);
      if (at != std::string::npos) {
        const std::string version = trimmed(out->substr(at + marker.size(), out->find('\n', at) - at - marker.size()));
        if (version.rfind(config.wireplumber_version + ".", 0) == 0) config.wireplumber_version = version;
      }
    }
  }
  return config;
}

}  // namespace micdoctor::linux_system
