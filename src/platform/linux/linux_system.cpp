#include "platform/linux/linux_system.hpp"

#include <chrono>
#include <thread>

#include "platform/alsa/alsa_mixer.hpp"
#include "platform/linux/config_file.hpp"
#include "platform/linux/fwupd_reader.hpp"
#include "platform/linux/linux_snapshot.hpp"

namespace micdoctor::linux_system {

SystemSnapshot LinuxSystem::read() { return read_linux_snapshot(ReadOptions{}); }

namespace {

// The firmware version fwupd reports for the device now (fwupd is started
// if needed: fix only gets here for fix --only firmware.update).
CurrentValue firmware_version_now(const std::string& device_id) {
  CurrentValue now;
  FwupdReadOptions options;
  options.start_daemon = true;
  options.deadline = std::chrono::seconds(10);
  const FirmwareService fwupd = read_fwupd(options);
  if (!fwupd.read) {
    now.error = fwupd.error;
    return now;
  }
  for (const FirmwareDevice& device : fwupd.devices) {
    if (device.id != device_id) continue;
    SettingValue value;
    value.name = device.version;
    now.value = value;
    return now;
  }
  now.gone = true;
  now.error = "fwupd no longer lists the device " + device_id + " (unplugged?)";
  return now;
}

}  // namespace

CurrentValue LinuxSystem::current(Setting setting, const ChangeTarget& target) {
  if (is_mixer_setting(setting)) return alsa::read_mixer_setting(setting, target);
  if (setting == Setting::config_file) {
    CurrentValue now = read_config_file(target.name);
    if (now.value) files_read_[target.name] = *now.value;
    return now;
  }
  if (setting == Setting::firmware_version) return firmware_version_now(target.name);
  return settings_.current(setting, target);
}

bool LinuxSystem::apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) {
  if (is_mixer_setting(setting)) return alsa::write_mixer_setting(setting, target, value, error);
  if (setting == Setting::config_file) {
    const auto read = files_read_.find(target.name);
    if (read == files_read_.end()) {
      error = "micdoctor did not read " + target.name + " first, so it does not write it";
      return false;
    }
    if (!write_config_file(target.name, read->second, value, error)) return false;
    read->second = value;
    return true;
  }
  if (setting == Setting::firmware_version) return install_firmware(target.name, value.name, error);
  if (!settings_.apply(setting, target, value, error)) return false;
  constexpr auto kSettleTime = std::chrono::milliseconds(1500);
  const auto deadline = std::chrono::steady_clock::now() + kSettleTime;
  while (std::chrono::steady_clock::now() < deadline) {
    const CurrentValue now = settings_.current(setting, target);
    if (!now.value || same_value(setting, *now.value, value)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace micdoctor::linux_system
