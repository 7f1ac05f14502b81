#pragma once
// The audio services through the Service Control Manager: Windows Audio
// (Audiosrv), Windows Audio Endpoint Builder (AudioEndpointBuilder) and the
// Capability Access Manager (camsvc): state and start type; setting a start
// type back (and starting the service) for service.start.
#include <string>
#include <vector>

#include "fixes/change.hpp"
#include "model/drivers.hpp"

namespace micdoctor::windows {

// The three services, in that order; one that is not installed has exists = false.
std::vector<ServiceState> read_audio_services();

// For WindowsSystem::current/apply (Setting::service_start_type).
CurrentValue current_service_start_type(const std::string& service);
// `start`: start it too (never when the start type is "disabled"); a running
// service is never stopped.
bool set_service_start_type(const std::string& service, const std::string& start_type, bool start, std::string& error);

}  // namespace micdoctor::windows
