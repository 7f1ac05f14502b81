#pragma once
// Reading one JSON object's fields with their path, so every error names the
// field it is about. Shared by the snapshot's JSON readers (snapshot_json.cpp,
// below_server_json.cpp); internal to src/model.
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/snapshot_json.hpp"

namespace micdoctor::json_detail {

using InJson = nlohmann::json;

inline constexpr std::size_t kMaxStringBytes = 4096;
inline constexpr std::size_t kMaxListLength = 10000;

// Reads one JSON object's fields with their path, so every error names the
// field it is about ("devices[2].volume_percent: ...").
class Fields {
 public:
  Fields(const InJson& object, std::string path) : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) fail(path_, "expected an object");
  }

  [[noreturn]] static void fail(const std::string& where, const std::string& what) {
    throw SnapshotError(where + ": " + what);
  }

  std::string where(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

  const InJson* get(const char* key) const {
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  std::string text(const char* key) const {
    const InJson* value = get(key);
    if (!value) return {};
    if (!value->is_string()) fail(where(key), "expected a string");
    const auto& s = value->get_ref<const std::string&>();
    if (s.size() > kMaxStringBytes) fail(where(key), "longer than 4096 bytes");
    return s;
  }

  std::optional<bool> maybe_flag(const char* key) const {
    const InJson* value = get(key);
    if (!value) return std::nullopt;
    if (!value->is_boolean()) fail(where(key), "expected true, false or null");
    return value->get<bool>();
  }

  bool flag(const char* key, bool fallback) const {
    const InJson* value = get(key);
    if (!value) return fallback;
    if (!value->is_boolean()) fail(where(key), "expected true or false");
    return value->get<bool>();
  }

  std::optional<double> maybe_number(const char* key, double low, double high) const {
    const InJson* value = get(key);
    if (!value) return std::nullopt;
    if (!value->is_number()) fail(where(key), "expected a number");
    const double number = value->get<double>();
    if (!(number >= low && number <= high)) fail(where(key), "out of range");
    return number;
  }

  double number(const char* key, double fallback, double low, double high) const {
    return maybe_number(key, low, high).value_or(fallback);
  }

  template <typename Int>
  std::optional<Int> maybe_integer(const char* key, double low, double high) const {
    const std::optional<double> value = maybe_number(key, low, high);
    if (!value) return std::nullopt;
    if (std::floor(*value) != *value) fail(where(key), "expected a whole number");
    return static_cast<Int>(*value);
  }

  template <typename Int>
  Int integer(const char* key, Int fallback, double low, double high) const {
    return maybe_integer<Int>(key, low, high).value_or(fallback);
  }

  // Calls read(element, path) for each element of an array field.
  template <typename Read>
  void each(const char* key, Read read) const {
    const InJson* value = get(key);
    if (!value) return;
    if (!value->is_array()) fail(where(key), "expected a list");
    if (value->size() > kMaxListLength) fail(where(key), "more than 10000 entries");
    std::size_t i = 0;
    for (const InJson& element : *value) {
      read(element, where(key) + "[" + std::to_string(i++) + "]");
    }
  }

  std::vector<std::string> texts(const char* key) const {
    std::vector<std::string> out;
    each(key, [&](const InJson& element, const std::string& path) {
      if (!element.is_string()) fail(path, "expected a string");
      out.push_back(element.get<std::string>());
    });
    return out;
  }

 private:
  const InJson& object_;
  std::string path_;
};

}  // namespace micdoctor::json_detail
