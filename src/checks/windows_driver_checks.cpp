// Step 4 on Windows, the driver itself: a driver update Windows Update offers
// for an audio device (driver.update_available), and a driver that changed in
// the last days while the previous one is still in the driver store
// (driver.recently_changed). micdoctor never installs or rolls back a driver:
// it says where Windows does it. Pure functions of the snapshot.
#include <algorithm>
#include <set>

#include "checks/checks.hpp"
#include "checks/windows_driver_text.hpp"

namespace micdoctor::checks {
namespace {

// A driver installed this many days ago or fewer is "recent": a week covers a
// Windows Update that arrived over a weekend and a person who noticed the
// microphone was dead at the next call. Older changes are unlikely to be the
// cause that a person connects to "it stopped working".
constexpr int kRecentDays = 7;

std::string device_label(const EndpointDriver& d) {
  return "\"" + (d.device_name.empty() ? d.instance_id : d.device_name) + "\"";
}

// One entry per audio device: several endpoints (a microphone and Stereo Mix)
// share one adapter and one driver.
std::vector<const EndpointDriver*> audio_devices(const SystemSnapshot& s) {
  std::vector<const EndpointDriver*> devices;
  std::set<std::string> seen;
  for (const EndpointDriver& d : s.drivers) {
    const std::string key = d.instance_id.empty() ? d.endpoint : lowercase(d.instance_id);
    if (seen.insert(key).second) devices.push_back(&d);
  }
  return devices;
}

// "version 6.0.9239.1 of 2021-09-08".
std::string version_and_date(const std::string& version, const std::string& date) {
  std::string text = version.empty() ? "version not said" : "version " + version;
  if (!date.empty()) text += " of " + date;
  return text;
}

// How the offered version relates to the installed one, in words.
std::string comparison(const DriverUpdate& u, const EndpointDriver& d) {
  const auto order = compare_driver_versions(u.version, d.version);
  if (!order) return "";
  if (*order > 0) return " It is newer than the driver installed.";
  if (*order == 0) return " It is the same version as the driver installed (a repackaged one).";
  return " It is an older version than the driver installed: Windows Update ranks it higher for this device; "
         "install it only if the installed driver misbehaves.";
}

std::string policy_sentence(const WindowsDriverUpdates& w) {
  return "A policy on this computer keeps driver updates away from Windows Update. " + w.blocked_detail +
         " micdoctor does not change such policies; if yours was set by your organisation, ask your IT department.";
}

void update_findings(const SystemSnapshot& s, std::vector<Finding>& out) {
  const WindowsDriverUpdates& w = s.driver_updates;
  bool any = false;
  for (const EndpointDriver* d : audio_devices(s)) {
    for (const DriverUpdate& u : w.updates) {
      const std::string id = matching_hardware_id(u, *d);
      if (id.empty()) continue;
      any = true;
      std::string detail = "Windows Update offers \"" + u.title + "\" (" + version_and_date(u.version, u.date);
      if (!u.provider.empty()) detail += ", from " + u.provider;
      detail += ") for ";
      detail += device_label(*d);
      detail += ", which now has ";
      if (!d->provider.empty()) detail += d->provider + " ";
      detail += version_and_date(d->version, d->date);
      if (!d->inf.empty()) detail += " (" + d->inf + ")";
      detail += ". Matched by hardware id " + u.hardware_id + " (the device's " + id + ")." + comparison(u, *d);
      if (!w.blocked_by.empty()) {
        detail += ' ';
        detail += policy_sentence(w);
      }
      // The person's own "do not download drivers for new devices" choice:
      // information, since it does not stop this offer.
      if (!w.install_setting.empty()) detail += " " + w.install_setting;
      Finding f = make_check_finding(CheckId::driver_update_available, Severity::warning,
                                     "Windows Update offers a driver update for " + device_label(*d), detail,
                                     d->endpoint);
      f.manual_steps.push_back(std::string("Install it from Windows Update (micdoctor never installs drivers): ") +
                               kOptionalUpdatesPathWindows11 + "; tick \"" + u.title + "\" > Download & install.");
      f.manual_steps.push_back(std::string("On ") + kOptionalUpdatesPathWindows10 + ".");
      f.manual_steps.push_back("Restart the computer if Windows asks, then run micdoctor check again. If the microphone "
                               "worked before and stopped after a driver update, roll back instead "
                               "(Device Manager > the device > Properties > Driver > Roll Back Driver).");
      out.push_back(std::move(f));
    }
  }
  if (!any && !w.blocked_by.empty()) {
    // No offer, maybe because of the policy: said, as information (a policy is
    // a choice, not a fault), never worked around.
    Finding f = make_check_finding(CheckId::driver_update_available, Severity::info,
                                   "Windows Update is kept from offering driver updates on this computer",
                                   policy_sentence(w) + " So micdoctor cannot tell whether a newer audio driver exists "
                                   "there; the maker of the computer or headset may offer one on its support page.");
    out.push_back(std::move(f));
  }
}

std::string days_text(int days) {
  if (days <= 0) return "today";
  if (days == 1) return "1 day ago";
  return std::to_string(days) + " days ago";
}

// The package to go back to: the newest one in the store from the same
// provider and older than the driver in use (Realtek's previous Realtek
// driver). Nothing else counts: the store also lists the inbox generic driver
// (hdaudio.inf) that fits every HD Audio codec but was never in use, so a
// device with only that has no previous driver.
const StoredDriverPackage* previous_package(const EndpointDriver& d) {
  const StoredDriverPackage* best = nullptr;
  for (const StoredDriverPackage& p : d.store_packages) {
    if (d.provider.empty() || lowercase(p.provider) != lowercase(d.provider)) continue;
    if (compare_driver_versions(p.version, d.version).value_or(0) >= 0) continue;
    if (best == nullptr || compare_driver_versions(p.version, best->version).value_or(0) > 0) best = &p;
  }
  return best;
}

// Whether the driver in use came after the device's first installation: the
// install date is also set when a new device gets its first driver, which is
// not a change. Unknown first installation (an older snapshot): the previous
// package decides alone.
bool installed_after_first_install(const EndpointDriver& d) {
  return d.first_installed.empty() || d.installed.empty() || d.first_installed < d.installed;
}

void recent_change_findings(const SystemSnapshot& s, std::vector<Finding>& out) {
  for (const EndpointDriver* d : audio_devices(s)) {
    if (!d->installed_days_ago || *d->installed_days_ago > kRecentDays || *d->installed_days_ago < 0 ||
        !installed_after_first_install(*d)) {
      continue;
    }
    const StoredDriverPackage* previous_in_store = previous_package(*d);
    if (previous_in_store == nullptr) continue;
    const StoredDriverPackage& previous = *previous_in_store;
    const std::string days = days_text(*d->installed_days_ago);
    std::string detail = "The driver of " + device_label(*d) + " changed " + days + " (installed " + d->installed + ": ";
    if (!d->provider.empty()) detail += d->provider + " ";
    detail += version_and_date(d->version, d->date);
    if (!d->inf.empty()) detail += ", " + d->inf;
    detail += "). The previous package is still in the driver store: ";
    if (!previous.provider.empty()) detail += previous.provider + " ";
    detail += version_and_date(previous.version, previous.date) + " (" + previous.inf +
              "). If the microphone stopped working since, roll it back.";
    Finding f = make_check_finding(CheckId::driver_recently_changed, Severity::warning,
                                   "The driver of " + device_label(*d) + " changed " + days, detail, d->endpoint);
    f.manual_steps.push_back("Roll it back (needs an administrator): Device Manager > Sound, video and game controllers > " +
                             device_label(*d) + " > Properties > Driver > Roll Back Driver; restart if Windows asks.");
    f.manual_steps.push_back("If Roll Back Driver is greyed out: Update driver > Browse my computer for drivers > Let me "
                             "pick from a list > choose " + version_and_date(previous.version, previous.date) +
                             ". `pnputil /enum-drivers` lists the driver store; the previous package is " +
                             previous.inf + ".");
    f.manual_steps.push_back(std::string("If the microphone works with the previous driver, Windows Update may offer the "
                                         "newer one again; it shows under ") + kOptionalUpdatesPathWindows11 + ".");
    out.push_back(std::move(f));
  }
}

}  // namespace

void check_windows_drivers(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  if (!s.is_windows()) return;
  update_findings(s, out);
  recent_change_findings(s, out);
}

}  // namespace micdoctor::checks
