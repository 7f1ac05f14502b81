#pragma once
// A connection to the sound server through libpulse (PulseAudio, or PipeWire
// through pipewire-pulse), with every wait bounded by a deadline. Owns its
// main loop and context; nothing here outlives the object.
#include <pulse/context.h>
#include <pulse/mainloop.h>
#include <pulse/operation.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace micdoctor::pulse {

using Clock = std::chrono::steady_clock;

struct MainloopFree {
  void operator()(pa_mainloop* loop) const { pa_mainloop_free(loop); }
};
struct ContextRelease {
  void operator()(pa_context* context) const {
    pa_context_disconnect(context);
    pa_context_unref(context);
  }
};
struct OperationUnref {
  void operator()(pa_operation* operation) const { pa_operation_unref(operation); }
};
using OperationPtr = std::unique_ptr<pa_operation, OperationUnref>;

// What a connection attempt tried, in words for the report:
// "PULSE_SERVER=unix:/tmp/x/native" or "the default server (/run/user/1000/pulse/native)".
std::string describe_server_address();

// The process listening on the server socket a connection tries: who should
// have answered when nothing did.
struct ServerListener {
  std::string program;   // its name in /proc ("pulseaudio", "pipewire-pulse")
  int pid = 0;
  bool stopped = false;  // paused (SIGSTOP, a debugger): it cannot answer until resumed
};

// Among the processes that hold the server's listening socket, the one that
// should have answered. With socket activation (Debian 12) `systemd --user`
// holds the socket beside the server, and usually comes first in pid order:
// any holder not named systemd is preferred (the first one). systemd itself
// only when it is the only holder: the socket unit took the connection, but
// the service behind it did not start or does not answer. nullopt when empty.
std::optional<ServerListener> choose_server_listener(const std::vector<ServerListener>& holders);

// Whether this holder is the service manager holding the socket for a
// socket-activated server, rather than the server itself.
bool is_service_manager(const ServerListener& holder);

// Looks it up in /proc (the unix socket of PULSE_SERVER=unix:PATH, or of
// XDG_RUNTIME_DIR/pulse/native); nullopt when nothing of this user listens
// there, or the server is not a unix socket.
std::optional<ServerListener> find_server_listener();

class PulseConnection {
 public:
  // Connects without autospawning a server. On failure returns null and sets
  // error ("Connection refused", "connected, but no answer within 2.0 s from
  // pulseaudio (pid 12, which is stopped)", ...).
  // `timed_out`, when given, tells a server that took the connection but did
  // not answer in time (hung, paused) from one that refused or is absent.
  static std::unique_ptr<PulseConnection> connect(Clock::time_point deadline, std::string& error,
                                                  bool* timed_out = nullptr);

  pa_context* context() const { return context_.get(); }
  // For a caller that sleeps on the loop itself (micdoctor watch).
  pa_mainloop* loop() const { return loop_.get(); }

  // Runs the main loop until done() or the deadline; false on timeout or
  // when the connection fails meanwhile.
  bool run_until(const std::function<bool()>& done, Clock::time_point deadline);

  // The server's last error, in words.
  std::string last_error() const;

 private:
  PulseConnection() = default;
  std::unique_ptr<pa_mainloop, MainloopFree> loop_;
  std::unique_ptr<pa_context, ContextRelease> context_;
};

}  // namespace micdoctor::pulse
