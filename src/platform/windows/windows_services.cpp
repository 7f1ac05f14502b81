#include "platform/windows/windows_services.hpp"

namespace micdoctor::windows {

// Placeholders until the reader lands (issue 15, helper "services").
std::vector<ServiceState> read_audio_services() { return {}; }

CurrentValue current_service_start_type(const std::string&) {
  CurrentValue now;
  now.error = "not available yet";
  return now;
}

bool set_service_start_type(const std::string&, const std::string&, std::string& error) {
  error = "not available yet";
  return false;
}

}  // namespace micdoctor::windows
