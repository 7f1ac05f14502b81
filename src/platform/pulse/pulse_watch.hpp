#pragma once
// `micdoctor watch` on PulseAudio and PipeWire (through pipewire-pulse): one
// connection that sleeps on the server's change events, re-reads the state
// after them, and meters one source with a record stream of its own.
#include <atomic>

#include "watch/watch_feed.hpp"

namespace micdoctor::pulse {

// platform::watch on Linux. Returns when request.seconds passed (0: never),
// `stop` became true (noticed within 250 ms), or the server went away
// (server_lost, noticed at once when its socket closes, within 2 s when it
// stops answering); failed when no server answers at the start.
WatchOutcome watch(const WatchRequest& request, WatchFeed& feed, const std::atomic<bool>& stop);

}  // namespace micdoctor::pulse
