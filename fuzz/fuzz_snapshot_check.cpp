// libFuzzer target: arbitrary bytes as a snapshot file (`check --snapshot`),
// through validation, every check and both report forms. A SnapshotError
// (refused cleanly) is the expected outcome for bad input; anything else that
// escapes, crashes, leaks or hangs is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "checks/run_checks.hpp"
#include "model/snapshot_json.hpp"
#include "report/check_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const micdoctor::SystemSnapshot snapshot =
        micdoctor::snapshot_from_text(std::string(reinterpret_cast<const char*>(data), size));
    for (const std::string device : {"", "0", "mic"}) {
      const auto findings = micdoctor::run_checks(snapshot, device);
      const micdoctor::CheckReportInput report{snapshot, micdoctor::source_in_use(snapshot, device), findings};
      (void)micdoctor::check_to_json(report);
      (void)micdoctor::check_to_text(report, micdoctor::TextStyle{true, true}, true);
    }
    (void)micdoctor::devices_to_text(snapshot, micdoctor::TextStyle{});
  } catch (const micdoctor::SnapshotError&) {
  }
  return 0;
}
