#include "platform/linux/linux_snapshot.hpp"

#include "platform/alsa/alsa_capture.hpp"
#include "platform/linux/device_nodes.hpp"
#include "platform/linux/kernel_readers.hpp"
#include "platform/linux/process.hpp"
#include "platform/linux/sandbox_reader.hpp"
#include "platform/linux/sysfs_reader.hpp"
#include "platform/pulse/pulse_snapshot.hpp"

namespace micdoctor::linux_system {

SystemSnapshot read_linux_snapshot(const ReadOptions& options) {
  SystemSnapshot snapshot;
  snapshot.platform = "linux";
  pulse::read_pulse_state(snapshot, options.server_timeout);
  for (const char* program : {"pipewire", "pipewire-pulse", "wireplumber", "pulseaudio"}) {
    if (program_on_path(program)) snapshot.server.installed.emplace_back(program);
  }
  snapshot.kernel = read_kernel_state("/");
  snapshot.distribution = read_distribution("/");
  snapshot.sandboxes = read_sandboxes(default_sandbox_paths());
  // Without a server, the kernel's devices are what is left to look at.
  if (!snapshot.server.reachable) {
    snapshot.device_nodes = read_device_nodes();
    if (snapshot.device_nodes.exists) snapshot.alsa_capture = alsa::list_capture_devices();
  }
  return snapshot;
}

}  // namespace micdoctor::linux_system
