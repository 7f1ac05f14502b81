#include "cli/snapshot_file.hpp"

#include <algorithm>
#include <string_view>

#ifdef _WIN32
#include <filesystem>
#include <fstream>
#else
#include <cstring>

#include "platform/linux/small_file.hpp"
#endif

#include <nlohmann/json.hpp>

#include "model/snapshot_json.hpp"

namespace micdoctor::cli {
namespace {

using Json = nlohmann::json;

// What a file is at first sight, read once without building it: JSON at all
// (and where it stops being JSON), and whether its top is an object with a
// "schema" text, as every snapshot and check report has.
class FirstSight final : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return value("null"); }
  bool boolean(bool) override { return value("true or false"); }
  bool number_integer(number_integer_t) override { return value("a number"); }
  bool number_unsigned(number_unsigned_t) override { return value("a number"); }
  bool number_float(number_float_t, const string_t&) override { return value("a number"); }
  bool string(string_t&) override {
    if (schema_value_next_) has_schema = true;
    return value("a string");
  }
  bool binary(binary_t&) override { return value("binary data"); }
  bool start_object(std::size_t) override {
    value("an object");
    ++depth_;
    return true;
  }
  bool key(string_t& name) override {
    schema_value_next_ = depth_ == 1 && name == "schema";
    return true;
  }
  bool end_object() override { return --depth_, true; }
  bool start_array(std::size_t) override {
    value("an array");
    ++depth_;
    return true;
  }
  bool end_array() override { return --depth_, true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
    error_at = position;
    return false;
  }

  std::size_t error_at = 0;  // 1-based character where the JSON broke; 0 if it did not
  std::string top;           // "an object", "an array", ...
  bool has_schema = false;

 private:
  bool value(const char* kind) {
    if (depth_ == 0 && top.empty()) top = kind;
    schema_value_next_ = false;
    return true;
  }
  int depth_ = 0;
  bool schema_value_next_ = false;
};

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

// A recording passed where a snapshot belongs is the likely mix-up.
bool looks_like_a_recording(const std::string& text) {
  return starts_with(text, "RIFF") || starts_with(text, "fLaC") || starts_with(text, "OggS") ||
         starts_with(text, "ID3") || starts_with(text, "FORM") || starts_with(text, ".snd");
}

std::string line_and_column(const std::string& text, std::size_t position) {
  const std::size_t end = std::min(position > 0 ? position - 1 : 0, text.size());
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Says in plain words why a file is no snapshot at all, before the schema
// reader names a field; "" when it is JSON of the right shape.
std::string not_a_snapshot(const std::string& text) {
  constexpr const char* kNot = "not a micdoctor snapshot";
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return std::string(kNot) + " (the file is empty)";
  if (looks_like_a_recording(text)) {
    return std::string(kNot) + " (not JSON: it is a recording; judge it with 'micdoctor analyze')";
  }
  FirstSight sight;
  try {
    Json::sax_parse(text, &sight);
  } catch (const Json::exception&) {
    return "";  // a number out of range and the like: the schema reader says which
  }
  if (sight.error_at > 0) return std::string(kNot) + " (not valid JSON: stops at " + line_and_column(text, sight.error_at) + ")";
  if (sight.top != "an object") return std::string(kNot) + " (JSON, but " + sight.top + " where an object belongs)";
  if (!sight.has_schema) {
    return std::string(kNot) + " (a JSON object without a \"schema\"; save one with: micdoctor check --format json)";
  }
  return "";
}

SystemSnapshot snapshot_from_file_text(const std::string& path, const std::string& text) {
  if (const std::string why = not_a_snapshot(text); !why.empty()) throw SnapshotError(path + ": " + why);
  try {
    return snapshot_from_text(text);
  } catch (const SnapshotError& e) {
    throw SnapshotError(path + ": " + e.what());
  }
}

}  // namespace

// Reads a snapshot file: a regular file, bounded in size, valid JSON of our schema.
#ifdef _WIN32
SystemSnapshot load_snapshot_file(const std::string& path) {
  std::error_code error;
  const std::filesystem::path file = std::filesystem::u8path(path);
  if (!std::filesystem::is_regular_file(file, error)) {
    throw SnapshotError(path + (std::filesystem::exists(file, error) ? ": not a regular file" : ": cannot open (no such file)"));
  }
  const auto size = std::filesystem::file_size(file, error);
  if (error) throw SnapshotError(path + ": cannot open (" + error.message() + ")");
  if (size > kMaxSnapshotBytes) throw SnapshotError(path + ": larger than 16 MiB: not a snapshot");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SnapshotError(path + ": cannot open");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return snapshot_from_file_text(path, text);
}
#else
SystemSnapshot load_snapshot_file(const std::string& path) {
  using Problem = linux_system::SmallFile::Problem;
  const linux_system::SmallFile file = linux_system::read_small_file(path, kMaxSnapshotBytes);
  switch (file.problem) {
    case Problem::cannot_open: throw SnapshotError(path + ": cannot open (" + std::strerror(file.error) + ")");
    case Problem::not_regular: throw SnapshotError(path + ": not a regular file");
    case Problem::too_large: throw SnapshotError(path + ": larger than 16 MiB: not a snapshot");
    case Problem::none: break;
  }
  return snapshot_from_file_text(path, file.text);
}
#endif

}  // namespace micdoctor::cli
