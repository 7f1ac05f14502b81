#pragma once
// Method calls on the system D-Bus (sd-bus) that never wait past a deadline:
// a bus that accepts the connection and never answers must not hang a
// reader. Shared by the BlueZ and fwupd readers.
#include <systemd/sd-bus.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace micdoctor::linux_system::dbus {

struct BusCloser {
  // Not sd_bus_flush_close_unref: flushing waits for the handshake, unbounded.
  void operator()(sd_bus* bus) const { sd_bus_close_unref(bus); }
};
using Bus = std::unique_ptr<sd_bus, BusCloser>;
struct MessageUnref {
  void operator()(sd_bus_message* message) const { sd_bus_message_unref(message); }
};
using Message = std::unique_ptr<sd_bus_message, MessageUnref>;

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Deadline(std::chrono::milliseconds timeout) : end_(Clock::now() + timeout) {}
  bool passed() const { return Clock::now() >= end_; }
  // What is left, in microseconds for sd-bus; at least 1 (0 would mean "the default").
  std::uint64_t remaining_usec() const {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(end_ - Clock::now()).count();
    return left > 1 ? static_cast<std::uint64_t>(left) : 1u;
  }
  std::chrono::milliseconds remaining() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::microseconds(remaining_usec()));
  }

 private:
  Clock::time_point end_;
};

// A method call to fill with arguments, or null with the reason in `why`.
Message new_call(sd_bus* bus, const char* destination, const char* path, const char* interface, const char* member,
                 std::string& why);

// Sends a method call and runs the connection until its reply or the
// deadline. Not sd_bus_call: that waits for the connection's handshake
// without a bound. The reply, or null with the reason in `why` (and the
// D-Bus error's name in `error_name` when the service answered with an error).
Message call_within(sd_bus* bus, sd_bus_message* call, const Deadline& deadline, std::string& why,
                    std::string* error_name = nullptr);

// NameHasOwner: whether a service runs now (asking starts nothing); false with
// the reason in `why` when the bus did not answer.
bool name_has_owner(sd_bus* bus, const char* name, const Deadline& deadline, std::string& why);

}  // namespace micdoctor::linux_system::dbus
