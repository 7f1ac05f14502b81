#include "platform/pulse/pulse_connection.hpp"

#include <pulse/error.h>
#include <pulse/proplist.h>

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace micdoctor::pulse {
namespace {

struct ProplistFree {
  void operator()(pa_proplist* list) const { pa_proplist_free(list); }
};

bool context_failed(pa_context* context) {
  const pa_context_state_t state = pa_context_get_state(context);
  return state == PA_CONTEXT_FAILED || state == PA_CONTEXT_TERMINATED;
}

// The unix socket a connection tries, "" for a TCP server or none.
std::string server_socket_path() {
  if (const char* server = std::getenv("PULSE_SERVER"); server != nullptr && server[0] != '\0') {
    const std::string address = server;
    return address.rfind("unix:", 0) == 0 ? address.substr(5) : (address[0] == '/' ? address : "");
  }
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  return runtime != nullptr && runtime[0] != '\0' ? std::string(runtime) + "/pulse/native" : "";
}

// The inode of the listening unix socket bound to `path` (/proc/net/unix:
// "Num RefCount Protocol Flags Type St Inode Path"); 0 if there is none.
unsigned long listening_socket_inode(const std::string& path) {
  constexpr unsigned long kAcceptConnections = 0x10000;  // __SO_ACCEPTCON: the socket listens
  std::ifstream table("/proc/net/unix");
  std::string line;
  std::getline(table, line);  // the header
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot;
    std::string references;
    std::string protocol;
    std::string flags;
    std::string type;
    std::string state;
    unsigned long inode = 0;
    std::string bound;
    if (!(fields >> slot >> references >> protocol >> flags >> type >> state >> inode >> bound)) continue;
    if (bound == path && (std::strtoul(flags.c_str(), nullptr, 16) & kAcceptConnections) != 0) return inode;
  }
  return 0;
}

// Whether process `pid` holds the socket with this inode among its open files.
bool holds_socket(const std::string& pid, const std::string& socket_link) {
  const std::string fd_dir = "/proc/" + pid + "/fd";
  DIR* fds = ::opendir(fd_dir.c_str());
  if (fds == nullptr) return false;  // another user's process: not ours to look into
  bool found = false;
  char target[64];
  while (const dirent* entry = ::readdir(fds)) {
    const std::string link = fd_dir + "/" + entry->d_name;
    const ssize_t length = ::readlink(link.c_str(), target, sizeof target);
    if (length > 0 && socket_link.compare(0, std::string::npos, target, static_cast<std::size_t>(length)) == 0) {
      found = true;
      break;
    }
  }
  ::closedir(fds);
  return found;
}

ServerListener describe_process(const std::string& pid) {
  ServerListener listener;
  listener.pid = std::atoi(pid.c_str());
  std::ifstream comm("/proc/" + pid + "/comm");
  std::getline(comm, listener.program);
  // /proc/PID/stat: "PID (comm) STATE ...": the comm may hold spaces and parentheses.
  std::ifstream stat("/proc/" + pid + "/stat");
  std::string text;
  std::getline(stat, text);
  const auto close = text.rfind(')');
  if (close != std::string::npos && close + 2 < text.size()) {
    const char state = text[close + 2];
    listener.stopped = state == 'T' || state == 't';
  }
  return listener;
}

}  // namespace

std::optional<ServerListener> find_server_listener() {
  const std::string path = server_socket_path();
  if (path.empty()) return std::nullopt;
  const unsigned long inode = listening_socket_inode(path);
  if (inode == 0) return std::nullopt;
  const std::string socket_link = "socket:[" + std::to_string(inode) + "]";
  DIR* processes = ::opendir("/proc");
  if (processes == nullptr) return std::nullopt;
  std::vector<ServerListener> holders;
  while (const dirent* entry = ::readdir(processes)) {
    const std::string pid = entry->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (holds_socket(pid, socket_link)) holders.push_back(describe_process(pid));
  }
  ::closedir(processes);
  return choose_server_listener(holders);
}

bool is_service_manager(const ServerListener& holder) { return holder.program == "systemd"; }

std::optional<ServerListener> choose_server_listener(const std::vector<ServerListener>& holders) {
  for (const ServerListener& holder : holders) {
    if (!is_service_manager(holder)) return holder;
  }
  if (holders.empty()) return std::nullopt;
  return holders.front();
}

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

std::unique_ptr<PulseConnection> PulseConnection::connect(Clock::time_point deadline, std::string& error,
                                                          bool* timed_out) {
  if (timed_out != nullptr) *timed_out = false;
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
      // The socket took the connection (the kernel does, for a listening
      // socket), but the server behind it said nothing: name who that is.
      char text[96];
      std::snprintf(text, sizeof text, "connected, but no answer within %.1f s",
                    std::chrono::duration<double>(Clock::now() - start).count());
      error = text;
      if (timed_out != nullptr) *timed_out = true;
      if (const std::optional<ServerListener> listener = find_server_listener()) {
        if (is_service_manager(*listener)) {
          error += " from the server: only systemd (pid " + std::to_string(listener->pid) +
                   ") holds its socket, for a socket-activated service that did not start or does not answer";
        } else {
          error += " from " + listener->program + " (pid " + std::to_string(listener->pid) +
                   (listener->stopped ? ", which is stopped: paused, not crashed)" : ")");
        }
      }
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
