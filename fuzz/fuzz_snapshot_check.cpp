// libFuzzer target: arbitrary bytes as a snapshot file (`check --snapshot`),
// through validation, every check, both report forms and the fix planner (a
// dry run on the snapshot); and the same bytes as a fix journal. A
// SnapshotError or JournalError (refused cleanly) is the expected outcome for
// bad input; anything else that escapes, crashes, leaks or hangs is a bug.
// The same bytes as a known-bad table (data/known-bad-versions.json's form):
// never a throw, and every entry it keeps has a valid range.
#include <cstddef>
#include <cstdint>
#include <string>

#include "checks/known_bad_versions.hpp"
#include "checks/run_checks.hpp"
#include "checks/version_compare.hpp"
#include "fixes/fix_session.hpp"
#include "fixes/journal.hpp"
#include "model/snapshot_json.hpp"
#include "report/check_report.hpp"

namespace {

class AlwaysYes : public micdoctor::Consent {
 public:
  Answer approve(const micdoctor::Change&) override { return Answer::yes; }
};

void check_and_plan(const std::string& text) {
  try {
    const micdoctor::SystemSnapshot snapshot = micdoctor::snapshot_from_text(text);
    for (const std::string device : {"", "0", "mic"}) {
      const auto findings = micdoctor::run_checks(snapshot, device);
      const micdoctor::CheckReportInput report{snapshot, micdoctor::source_in_use(snapshot, device), findings};
      (void)micdoctor::check_to_json(report);
      (void)micdoctor::check_to_text(report, micdoctor::TextStyle{true, true}, true);
    }
    (void)micdoctor::devices_to_text(snapshot, micdoctor::TextStyle{});
    micdoctor::SimulatedSystem system(snapshot);
    AlwaysYes consent;
    micdoctor::FixOptions options;
    options.dry_run = true;
    (void)micdoctor::run_fixes(system, nullptr, consent, options);
  } catch (const micdoctor::SnapshotError&) {
  }
}

void read_journal(const std::string& text) {
  try {
    const micdoctor::Journal journal = micdoctor::journal_from_text(text);
    // What was read writes back to text that reads the same.
    const std::string again = micdoctor::journal_to_text(journal);
    if (micdoctor::journal_to_text(micdoctor::journal_from_text(again)) != again) __builtin_trap();
  } catch (const micdoctor::JournalError&) {
  }
}

void read_known_bad_table(const std::string& text) {
  const micdoctor::checks::KnownBadTable table = micdoctor::checks::parse_known_bad_table(text);
  for (const micdoctor::checks::KnownBadEntry& entry : table.entries) {
    if (micdoctor::checks::compare_versions(entry.first_bad, entry.first_fixed) >= 0) __builtin_trap();
    if (!entry.source.starts_with("https://")) __builtin_trap();
  }
  if (!table.error.empty() && !table.entries.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check_and_plan(text);
  read_journal(text);
  read_known_bad_table(text);
  return 0;
}
