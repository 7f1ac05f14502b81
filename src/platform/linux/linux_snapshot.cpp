#include "platform/linux/linux_snapshot.hpp"

#include <cstdlib>

#include "platform/alsa/alsa_capture.hpp"
#include "platform/alsa/alsa_mixer.hpp"
#include "platform/linux/audio_config.hpp"
#include "platform/linux/bluez_reader.hpp"
#include "checks/known_bad_versions.hpp"
#include "platform/linux/device_nodes.hpp"
#include "platform/linux/fwupd_reader.hpp"
#include "platform/linux/kernel_log.hpp"
#include "platform/linux/kernel_readers.hpp"
#include "platform/linux/package_reader.hpp"
#include "platform/linux/process.hpp"
#include "platform/linux/sandbox_reader.hpp"
#include "platform/linux/sysfs_reader.hpp"
#include "platform/pulse/pulse_snapshot.hpp"

namespace micdoctor::linux_system {
namespace {

// Below the sound server: the kernel log and the firmware it asked for,
// Bluetooth, and the server's configuration, all under one machine root.
void read_below_server(SystemSnapshot& snapshot, const ReadOptions& options) {
  KernelState& kernel = snapshot.kernel;
  kernel.log = read_kernel_log(options.root, options.reader_timeout);
  kernel.firmware = firmware_requests(kernel.log, options.root);
  snapshot.bluetooth = read_bluetooth(options.root, options.reader_timeout);
  const AudioConfigPaths paths = default_audio_config_paths(options.root);
  snapshot.audio_config = read_audio_config(paths);
  snapshot.remembered_defaults = read_remembered_defaults(paths);
  snapshot.user_config = read_user_audio_config(paths);
  snapshot.packages = read_package_database(options.root, packages_of_interest());
  snapshot.firmware = read_fwupd(FwupdReadOptions{options.start_fwupd, options.refresh_fwupd, options.fwupd_timeout});
}

}  // namespace

std::filesystem::path machine_root() {
  const char* root = std::getenv("MICDOCTOR_TEST_MACHINE_ROOT");
  return root != nullptr && root[0] == '/' ? std::filesystem::path(root) : std::filesystem::path("/");
}

SystemSnapshot read_linux_snapshot(const ReadOptions& options) {
  SystemSnapshot snapshot;
  snapshot.platform = "linux";
  pulse::read_pulse_state(snapshot, options.server_timeout);
  for (const char* program : {"pipewire", "pipewire-pulse", "wireplumber", "pulseaudio"}) {
    if (program_on_path(program)) snapshot.server.installed.emplace_back(program);
  }
  snapshot.kernel = read_kernel_state(options.root);
  snapshot.kernel.mixers = alsa::read_alsa_mixers(snapshot.kernel.cards);
  snapshot.distribution = read_distribution(options.root);
  read_below_server(snapshot, options);
  snapshot.sandboxes = read_sandboxes(default_sandbox_paths());
  // Without a server, the kernel's devices are what is left to look at.
  if (!snapshot.server.reachable) {
    snapshot.device_nodes = read_device_nodes();
    if (snapshot.device_nodes.exists) snapshot.alsa_capture = alsa::list_capture_devices();
  }
  return snapshot;
}

}  // namespace micdoctor::linux_system
