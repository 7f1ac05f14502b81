// libFuzzer target: arbitrary bytes as an alsa-info.sh dump (`check
// --alsa-info`), through the reader, the checks a dump is judged by and the
// report forms. An AlsaInfoError (refused cleanly, one line) is the expected
// outcome for what is no dump; anything else that escapes, crashes, leaks or
// hangs is a bug. Seeds: the real dumps in tests/fixtures/alsa-info.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "alsainfo/alsa_info.hpp"
#include "checks/run_checks.hpp"
#include "report/check_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const micdoctor::SystemSnapshot snapshot = micdoctor::snapshot_from_alsa_info(text);
    const auto findings = micdoctor::run_alsa_info_checks(snapshot);
    const micdoctor::CheckReportInput report{snapshot, micdoctor::source_in_use(snapshot, ""), findings};
    (void)micdoctor::check_to_json(report);
    (void)micdoctor::check_to_text(report, micdoctor::TextStyle{true, true}, true);
  } catch (const micdoctor::AlsaInfoError& e) {
    // Its message is printed as the one line of a refusal.
    if (std::string_view(e.what()).find('\n') != std::string_view::npos) __builtin_trap();
  }
  return 0;
}
