#include "platform/pulse/pulse_connection.hpp"

#include <pulse/error.h>
#include <pulse/proplist.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace micdoctor::pulse {
namespace {

struct ProplistFree {
  void operator()(pa_proplist* list) const { pa_proplist_free(list); }
};

bool context_failed(pa_context* context) {
  const pa_context_state_t state = pa_context_get_state(context);
  return state == PA_CONTEXT_FAILED || state == PA_CONTEXT_TERMINATED;
}

}  // namespace

std::string describe_server_address() {
  if (const char* server = std::getenv("PULSE_SERVER"); server != nullptr && server[0] != '\0') {
    return std::string("PULSE_SERVER=") + server;
  }
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime != nullptr && runtime[0] != '\0') {
    return std::string("the default server (") + runtime + "/pulse/native)";
  }
  return "the default server (XDG_RUNTIME_DIR is not set, so there is no session socket to try)";
}

std::unique_ptr<PulseConnection> PulseConnection::connect(Clock::time_point deadline, std::string& error) {
  std::unique_ptr<PulseConnection> connection(new PulseConnection());
  connection->loop_.reset(pa_mainloop_new());
  if (!connection->loop_) {
    error = "could not create a main loop";
    return nullptr;
  }
  const std::unique_ptr<pa_proplist, ProplistFree> properties(pa_proplist_new());
  pa_proplist_sets(properties.get(), PA_PROP_APPLICATION_NAME, "micdoctor");
  pa_proplist_sets(properties.get(), PA_PROP_APPLICATION_ID, "org.micdoctor");
  connection->context_.reset(
      pa_context_new_with_proplist(pa_mainloop_get_api(connection->loop_.get()), "micdoctor", properties.get()));
  if (!connection->context_) {
    error = "could not create a client context";
    return nullptr;
  }
  pa_context* context = connection->context_.get();
  if (pa_context_connect(context, nullptr, PA_CONTEXT_NOAUTOSPAWN, nullptr) < 0) {
    error = pa_strerror(pa_context_errno(context));
    return nullptr;
  }
  const auto start = Clock::now();
  const bool ready = connection->run_until([context] { return pa_context_get_state(context) == PA_CONTEXT_READY; },
                                           deadline);
  if (!ready) {
    if (context_failed(context)) {
      error = pa_strerror(pa_context_errno(context));
    } else {
      char text[96];
      std::snprintf(text, sizeof text, "no answer within %.1f s",
                    std::chrono::duration<double>(Clock::now() - start).count());
      error = text;
    }
    return nullptr;
  }
  return connection;
}

bool PulseConnection::run_until(const std::function<bool()>& done, Clock::time_point deadline) {
  pa_mainloop* loop = loop_.get();
  while (!done()) {
    if (context_failed(context_.get())) return false;
    const auto now = Clock::now();
    if (now >= deadline) return false;
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now).count();
    if (pa_mainloop_prepare(loop, static_cast<int>(std::min<long long>(left, 1000000))) < 0) return false;
    if (pa_mainloop_poll(loop) < 0) return false;
    if (pa_mainloop_dispatch(loop) < 0) return false;
  }
  return true;
}

std::string PulseConnection::last_error() const { return pa_strerror(pa_context_errno(context_.get())); }

}  // namespace micdoctor::pulse
