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

class PulseConnection;

// The same on a connection that is already open (micdoctor watch re-reads on
// the connection it listens on). Runs that connection's main loop until the
// answers are in (its other callbacks may run meanwhile): call it from
// outside the loop's callbacks. False when the server refused or did not
// answer within timeout (server.reachable false, server.error why).
bool read_pulse_state(PulseConnection& connection, SystemSnapshot& snapshot, std::chrono::milliseconds timeout);

}  // namespace micdoctor::pulse
