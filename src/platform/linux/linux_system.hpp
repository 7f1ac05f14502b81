#pragma once
// The running Linux system as the fix loop and undo see it: the whole state
// as check reads it, and single settings on the sound server.
#include <map>
#include <string>

#include "fixes/fix_session.hpp"
#include "platform/pulse/pulse_settings.hpp"

namespace micdoctor::linux_system {

class LinuxSystem : public SystemAccess {
 public:
  SystemSnapshot read() override;
  CurrentValue current(Setting setting, const ChangeTarget& target) override;
  // Applies, then waits (at most 1.5 s) until the setting reads as set:
  // PipeWire applies some changes (a stream's move) a moment after it acknowledges them.
  // The ALSA mixer settings go to alsa-lib (platform/alsa/alsa_mixer), a
  // configuration file to the file system (platform/linux/config_file): a
  // file is only written over the content current() last read of it.
  bool apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) override;

 private:
  pulse::PulseSettings settings_;
  std::map<std::string, SettingValue> files_read_;  // path -> what current() read (flag: the file exists)
};

}  // namespace micdoctor::linux_system
