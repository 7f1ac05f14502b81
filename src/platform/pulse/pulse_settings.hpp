#pragma once
// Reads and changes single settings on the sound server through libpulse
// (PulseAudio, or PipeWire through pipewire-pulse): a source's mute, volume
// and port, the default source, a card's profile, a recording stream's
// source, mute and volume. Every wait is bounded; the C callbacks never throw.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "fixes/change.hpp"

namespace micdoctor::pulse {

class PulseConnection;

class PulseSettings {
 public:
  explicit PulseSettings(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
  ~PulseSettings();
  PulseSettings(const PulseSettings&) = delete;
  PulseSettings& operator=(const PulseSettings&) = delete;

  // The exact value now (every channel of a volume). `gone` when the object
  // no longer exists, or a stream's index now belongs to another application
  // than the one recorded.
  CurrentValue current(Setting setting, const ChangeTarget& target);

  // Sets the value; false with the server's reason.
  bool apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error);

 private:
  PulseConnection* connection(std::string& error);
  std::chrono::milliseconds timeout_;
  std::unique_ptr<PulseConnection> connection_;
};

}  // namespace micdoctor::pulse
