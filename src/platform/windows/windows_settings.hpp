#pragma once
// The running Windows system as the fix loop and undo see it.
#include "fixes/fix_session.hpp"

namespace micdoctor::windows {

class WindowsSystem : public SystemAccess {
 public:
  SystemSnapshot read() override;
  CurrentValue current(Setting setting, const ChangeTarget& target) override;
  bool apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) override;
};

}  // namespace micdoctor::windows
