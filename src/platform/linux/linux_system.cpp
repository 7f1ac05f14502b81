#include "platform/linux/linux_system.hpp"

#include <chrono>
#include <thread>

#include "platform/linux/linux_snapshot.hpp"

namespace micdoctor::linux_system {

SystemSnapshot LinuxSystem::read() { return read_linux_snapshot(ReadOptions{}); }

CurrentValue LinuxSystem::current(Setting setting, const ChangeTarget& target) {
  return settings_.current(setting, target);
}

bool LinuxSystem::apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) {
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
