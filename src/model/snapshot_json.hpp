#pragma once
// The JSON form of a snapshot. One form for writing and reading: the check
// report's JSON (schema micdoctor.check/1) is a snapshot plus findings, so a
// report saved on one machine can be checked again anywhere with
// `micdoctor check --snapshot FILE`. Fixtures in tests/fixtures are this form.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "model/snapshot.hpp"

namespace micdoctor {

inline constexpr const char* kSnapshotSchema = "micdoctor.snapshot/1";

// A snapshot file that is not valid: the message names the field.
class SnapshotError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes every section; "devices" carry is_default, derived from the server's default.
nlohmann::ordered_json snapshot_to_json(const SystemSnapshot& snapshot);

// Reads what snapshot_to_json wrote (schema micdoctor.snapshot/1 or
// micdoctor.check/1). Missing sections mean "not read"; wrong types, absurd
// values and foreign schemas throw SnapshotError naming the field.
SystemSnapshot snapshot_from_json(const nlohmann::json& json);

// Parses text (at most kMaxSnapshotBytes, nesting at most 64 deep) and reads it.
SystemSnapshot snapshot_from_text(const std::string& text);
inline constexpr std::size_t kMaxSnapshotBytes = 16u << 20;

std::string_view to_string(SourceKind kind);
std::string_view to_string(Availability availability);

}  // namespace micdoctor
