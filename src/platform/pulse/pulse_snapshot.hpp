#pragma once
// Reads the sound server's side of a snapshot through libpulse: server,
// cards with profiles, sources with ports, recording streams. Read only.
#include <chrono>

#include "model/snapshot.hpp"

namespace micdoctor::pulse {

// Fills snapshot.server, cards, sources and streams. Never blocks longer than
// timeout; a server that is missing, refuses or does not answer in time
// leaves server.reachable false with what was tried and why it failed.
void read_pulse_state(SystemSnapshot& snapshot, std::chrono::milliseconds timeout);

}  // namespace micdoctor::pulse
