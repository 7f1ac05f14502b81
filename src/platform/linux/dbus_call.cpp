#include "platform/linux/dbus_call.hpp"

#include <cstring>

namespace micdoctor::linux_system::dbus {
namespace {

struct SlotUnref {
  void operator()(sd_bus_slot* slot) const { sd_bus_slot_unref(slot); }
};

struct PendingCall {
  bool done = false;
  Message reply;
};

int on_reply(sd_bus_message* message, void* userdata, sd_bus_error* /*error*/) {
  auto* call = static_cast<PendingCall*>(userdata);
  call->done = true;
  call->reply.reset(sd_bus_message_ref(message));
  return 0;
}

}  // namespace

Message new_call(sd_bus* bus, const char* destination, const char* path, const char* interface, const char* member,
                 std::string& why) {
  sd_bus_message* raw = nullptr;
  const int r = sd_bus_message_new_method_call(bus, &raw, destination, path, interface, member);
  if (r < 0) {
    why = std::strerror(-r);
    return nullptr;
  }
  return Message(raw);
}

Message call_within(sd_bus* bus, sd_bus_message* call, const Deadline& deadline, std::string& why,
                    std::string* error_name) {
  PendingCall pending;
  sd_bus_slot* raw_slot = nullptr;
  int r = sd_bus_call_async(bus, &raw_slot, call, on_reply, &pending, deadline.remaining_usec());
  const std::unique_ptr<sd_bus_slot, SlotUnref> slot(raw_slot);
  while (r >= 0 && !pending.done) {
    if (deadline.passed()) {
      why = "no answer in time";
      return nullptr;
    }
    r = sd_bus_process(bus, nullptr);
    if (r > 0) continue;
    if (r >= 0) r = sd_bus_wait(bus, deadline.remaining_usec());
  }
  if (r < 0) {
    why = std::strerror(-r);
    return nullptr;
  }
  if (sd_bus_message_is_method_error(pending.reply.get(), nullptr) != 0) {
    const sd_bus_error* error = sd_bus_message_get_error(pending.reply.get());
    if (error_name != nullptr && error != nullptr && error->name != nullptr) *error_name = error->name;
    why = error != nullptr && error->message != nullptr ? error->message
          : error != nullptr && error->name != nullptr  ? error->name
                                                         : "an error reply";
    return nullptr;
  }
  return std::move(pending.reply);
}

bool name_has_owner(sd_bus* bus, const char* name, const Deadline& deadline, std::string& why) {
  const Message call =
      new_call(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", why);
  if (!call) return false;
  int r = sd_bus_message_append_basic(call.get(), 's', name);
  if (r < 0) {
    why = std::strerror(-r);
    return false;
  }
  const Message reply = call_within(bus, call.get(), deadline, why);
  if (!reply) return false;
  int owned = 0;
  r = sd_bus_message_read(reply.get(), "b", &owned);
  if (r < 0) why = "an answer of the wrong type";
  return r >= 0 && owned != 0;
}

}  // namespace micdoctor::linux_system::dbus
