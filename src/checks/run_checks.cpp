#include "checks/run_checks.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <exception>

#include "checks/checks.hpp"

namespace micdoctor {
namespace {

struct NamedCheck {
  const char* name;
  checks::CheckFunction run;
};

// In walk-through order.
constexpr std::array kChecks = {
    NamedCheck{"sound server", checks::check_server},
    NamedCheck{"audio services", checks::check_services},
    NamedCheck{"sandboxes", checks::check_sandboxes},
    NamedCheck{"device nodes", checks::check_device_nodes},
    NamedCheck{"application streams", checks::check_app_streams},
    NamedCheck{"capture devices", checks::check_devices_exist},
    NamedCheck{"chosen device", checks::check_target_is_monitor},
    NamedCheck{"mute and volume", checks::check_source_mute_and_volume},
    NamedCheck{"card profiles", checks::check_card_profiles},
    NamedCheck{"microphone mute key", checks::check_micmute},
    NamedCheck{"ALSA mixer", checks::check_mixer},
    NamedCheck{"Bluetooth headsets", checks::check_bluetooth_headsets},
    NamedCheck{"filter microphone", checks::check_filter_master},
    NamedCheck{"default input", checks::check_default_source},
    NamedCheck{"application inputs", checks::check_app_sources},
    NamedCheck{"remembered default", checks::check_remembered_default},
    NamedCheck{"drivers", checks::check_drivers},
    NamedCheck{"DSP driver", checks::check_dsp_driver},
    NamedCheck{"firmware", checks::check_firmware},
    NamedCheck{"UCM", checks::check_ucm},
    NamedCheck{"codec pins", checks::check_codec_pins},
    NamedCheck{"USB power", checks::check_usb_power},
    NamedCheck{"firmware updates", checks::check_firmware_updates},
    NamedCheck{"known-bad versions", checks::check_known_bad_versions},
    NamedCheck{"missing packages", checks::check_missing_packages},
    NamedCheck{"ports", checks::check_ports},
    NamedCheck{"combo jack", checks::check_combo_jack},
    NamedCheck{"Windows settings", checks::check_windows},
    NamedCheck{"Windows driver updates", checks::check_windows_drivers},
};

std::optional<std::uint32_t> parse_index(std::string_view text) {
  if (!text.empty() && text.front() == '#') text.remove_prefix(1);
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

const Source* find_source_by_id(const SystemSnapshot& snapshot, const std::string& id) {
  if (const Source* by_name = snapshot.find_source(id)) return by_name;
  if (const auto index = parse_index(id)) {
    for (const Source& s : snapshot.sources) {
      if (s.index == *index) return &s;
    }
  }
  for (const Source& s : snapshot.sources) {
    if (!s.description.empty() && s.description == id) return &s;
  }
  return nullptr;
}

const Source* source_in_use(const SystemSnapshot& snapshot, const std::string& asked_id) {
  if (!asked_id.empty()) return find_source_by_id(snapshot, asked_id);
  const Source* current = snapshot.find_source(snapshot.server.default_source);
  if (current != nullptr && current->kind != SourceKind::monitor) return current;
  return checks::best_input(snapshot);
}

std::vector<Finding> run_checks(const SystemSnapshot& snapshot, const std::string& asked_id) {
  const checks::CheckInput input{snapshot, source_in_use(snapshot, asked_id), !asked_id.empty()};
  std::vector<Finding> findings;
  for (const NamedCheck& check : kChecks) {
    std::vector<Finding> found;
    try {
      check.run(input, found);
    } catch (const std::exception& e) {
      found.assign(1, make_check_finding(CheckId::check_crashed, Severity::warning,
                                         std::string("micdoctor's check of ") + check.name + " failed",
                                         std::string("It stopped with: ") + e.what() +
                                             ". The other checks are unaffected; please report this."));
    }
    findings.insert(findings.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return a.step < b.step; });
  checks::use_windows_words(snapshot, findings);
  return findings;
}

}  // namespace micdoctor
