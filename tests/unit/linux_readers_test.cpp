// The Linux readers on recorded shapes: sysfs trees laid out as the kernel
// lays them out (relative symlinks and all), Flatpak keyfiles and `snap
// connections` output as those tools write them, and the helper-program
// runner's bounds.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "platform/linux/process.hpp"
#include "platform/linux/sandbox_reader.hpp"
#include "platform/linux/sysfs_reader.hpp"

namespace micdoctor::test {
namespace {

namespace fs = std::filesystem;
using linux_system::read_kernel_state;

class FakeSysfs {
 public:
  // root_ is the machine's root; the tree below is its sysfs (root_/sys).
  FakeSysfs()
      : machine_(fs::temp_directory_path() / ("micdoctor-sysfs-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))),
        root_(machine_ / "sys") {
    fs::create_directories(root_ / "bus/pci/devices");
    fs::create_directories(root_ / "bus/usb/devices");
    fs::create_directories(root_ / "class/sound");
  }
  ~FakeSysfs() { fs::remove_all(machine_); }
  const fs::path& root() const { return machine_; }

  void write(const std::string& path, const std::string& value) {
    fs::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path) << value << "\n";
  }
  // A relative symlink, as sysfs makes them.
  void link(const std::string& path, const std::string& target) {
    const fs::path at = root_ / path;
    fs::create_directories(at.parent_path());
    fs::create_directories(root_ / target);
    fs::create_directory_symlink(fs::relative(root_ / target, at.parent_path()), at);
  }
  void pci(const std::string& address, const std::string& pci_class, const std::string& vendor, const std::string& device,
           const std::string& driver) {
    const std::string dir = "devices/pci0000:00/" + address;
    write(dir + "/class", pci_class);
    write(dir + "/vendor", "0x" + vendor);
    write(dir + "/device", "0x" + device);
    link(dir + "/subsystem", "bus/pci");
    link("bus/pci/devices/" + address, dir);
    if (!driver.empty()) bind(dir, "pci", driver);
  }
  void bind(const std::string& dir, const std::string& bus, const std::string& driver) {
    link(dir + "/driver", "bus/" + bus + "/drivers/" + driver);
    std::string module = driver;
    for (char& c : module) c = c == '-' ? '_' : c;
    if (!fs::exists(root_ / ("bus/" + bus + "/drivers/" + driver + "/module"))) {
      link("bus/" + bus + "/drivers/" + driver + "/module", "module/" + module);
    }
  }
  void card(int number, const std::string& id, const std::string& parent_dir) {
    const std::string dir = parent_dir + "/sound/card" + std::to_string(number);
    write(dir + "/id", id);
    write(dir + "/number", std::to_string(number));
    link(dir + "/device", parent_dir);
    link("class/sound/card" + std::to_string(number), dir);
  }
  std::string usb_interface(const std::string& port, const std::string& vendor, const std::string& product,
                            const std::string& driver) {
    const std::string device = "devices/pci0000:00/0000:00:14.0/usb3/" + port;
    write(device + "/idVendor", vendor);
    write(device + "/idProduct", product);
    const std::string interface = device + "/" + port + ":1.0";
    write(interface + "/bInterfaceClass", "01");
    write(interface + "/bInterfaceSubClass", "01");
    link(interface + "/subsystem", "bus/usb");
    link("bus/usb/devices/" + port + ":1.0", interface);
    if (!driver.empty()) bind(interface, "usb", driver);
    return interface;
  }

 private:
  static inline int counter_ = 0;
  fs::path machine_;
  fs::path root_;
};

TEST(Sysfs, CardsWithDriverModuleAndIds) {
  FakeSysfs sys;
  sys.pci("0000:00:1f.3", "0x040380", "8086", "a0c8", "snd_hda_intel");
  sys.card(0, "PCH", "devices/pci0000:00/0000:00:1f.3");
  const std::string usb = sys.usb_interface("3-2", "046d", "0a44", "snd-usb-audio");
  sys.card(1, "H390", usb);
  sys.pci("0000:00:02.0", "0x030000", "8086", "9a49", "i915");  // a GPU: not audio
  sys.write("class/sound/timer", "");                            // not a card
  const KernelState k = read_kernel_state(sys.root());
  ASSERT_TRUE(k.read);
  ASSERT_EQ(k.cards.size(), 2u);
  const KernelCard& pch = k.cards[0];
  EXPECT_EQ((std::vector<std::string>{pch.id, pch.bus, pch.driver, pch.module, pch.vendor_id, pch.product_id, pch.address}),
            (std::vector<std::string>{"PCH", "pci", "snd_hda_intel", "snd_hda_intel", "8086", "a0c8", "0000:00:1f.3"}));
  const KernelCard& headset = k.cards[1];
  EXPECT_EQ(headset.number, 1);
  EXPECT_EQ((std::vector<std::string>{headset.bus, headset.driver, headset.module, headset.vendor_id, headset.product_id,
                                      headset.address}),
            (std::vector<std::string>{"usb", "snd-usb-audio", "snd_usb_audio", "046d", "0a44", "3-2:1.0"}));
  EXPECT_TRUE(k.unbound.empty());
  EXPECT_TRUE(k.cardless.empty());
}

TEST(Sysfs, AudioFunctionsWithoutDriver) {
  FakeSysfs sys;
  sys.pci("0000:00:1f.3", "0x040300", "8086", "51c8", "");
  sys.usb_interface("3-4", "0d8c", "0014", "");
  const KernelState k = read_kernel_state(sys.root());
  EXPECT_TRUE(k.cards.empty());
  ASSERT_EQ(k.unbound.size(), 2u);
  EXPECT_EQ((std::vector<std::string>{k.unbound[0].bus, k.unbound[0].address, k.unbound[0].vendor_id, k.unbound[0].kind}),
            (std::vector<std::string>{"pci", "0000:00:1f.3", "8086", "HD Audio controller"}));
  EXPECT_EQ((std::vector<std::string>{k.unbound[1].bus, k.unbound[1].address, k.unbound[1].vendor_id, k.unbound[1].product_id}),
            (std::vector<std::string>{"usb", "3-4:1.0", "0d8c", "0014"}));
}

TEST(Sysfs, DriverThatMadeNoCardIsCardless) {
  FakeSysfs sys;
  sys.pci("0000:00:1f.3", "0x040100", "8086", "a0c8", "sof-audio-pci-intel-tgl");
  KernelState k = read_kernel_state(sys.root());
  ASSERT_EQ(k.cardless.size(), 1u);
  EXPECT_EQ(k.cardless[0].driver, "sof-audio-pci-intel-tgl");
  // SOF's machine driver makes the card on a child platform device: that counts.
  const std::string machine = "devices/pci0000:00/0000:00:1f.3/skl_hda_dsp_generic";
  sys.link(machine + "/subsystem", "bus/platform");
  sys.bind(machine, "platform", "skl_hda_dsp_generic");
  sys.card(0, "sofhdadsp", machine);
  k = read_kernel_state(sys.root());
  EXPECT_TRUE(k.cardless.empty());
  ASSERT_EQ(k.cards.size(), 1u);
  EXPECT_EQ(k.cards[0].bus, "platform");
  EXPECT_EQ(k.cards[0].driver, "skl_hda_dsp_generic");
}

// Runtime power management is the USB device's (the interface's parent).
TEST(Sysfs, UsbCardPowerManagement) {
  FakeSysfs sys;
  const std::string usb = sys.usb_interface("3-2", "046d", "0a44", "snd-usb-audio");
  sys.card(1, "H390", usb);
  const std::string device = "devices/pci0000:00/0000:00:14.0/usb3/3-2";
  sys.write(device + "/power/control", "auto");
  sys.write(device + "/power/autosuspend_delay_ms", "2000");
  KernelState k = read_kernel_state(sys.root());
  ASSERT_EQ(k.cards.size(), 1u);
  EXPECT_EQ(k.cards[0].usb_power_control, "auto");
  EXPECT_EQ(k.cards[0].usb_autosuspend_delay_ms, std::optional<int>(2000));
  sys.write(device + "/power/control", "on");
  sys.write(device + "/power/autosuspend_delay_ms", "-1");  // never
  k = read_kernel_state(sys.root());
  EXPECT_EQ(k.cards[0].usb_power_control, "on");
  EXPECT_EQ(k.cards[0].usb_autosuspend_delay_ms, std::optional<int>(-1));
  sys.write(device + "/power/autosuspend_delay_ms", "garbage");
  EXPECT_FALSE(read_kernel_state(sys.root()).cards[0].usb_autosuspend_delay_ms.has_value());
}

TEST(Sysfs, ChassisTypeANumberOrNothing) {
  FakeSysfs sys;
  EXPECT_FALSE(read_kernel_state(sys.root()).chassis_type.has_value());  // no DMI (a VM without SMBIOS, an ARM board)
  sys.write("class/dmi/id/chassis_type", "3\n");                           // Desktop
  EXPECT_EQ(read_kernel_state(sys.root()).chassis_type, std::optional<int>(3));
  for (const char* garbage : {"", "laptop\n", "0\n", "256\n", "-10\n", "99999999999\n"}) {
    sys.write("class/dmi/id/chassis_type", garbage);
    EXPECT_FALSE(read_kernel_state(sys.root()).chassis_type.has_value()) << garbage;
  }
  sys.write("class/dmi/id/chassis_type", "10\n" + std::string(1u << 20, '9'));  // only the first line counts
  EXPECT_EQ(read_kernel_state(sys.root()).chassis_type, std::optional<int>(10));
}

TEST(Sysfs, MissingSysfsIsNotRead) {
  EXPECT_FALSE(read_kernel_state("/nonexistent-micdoctor").read);
  FakeSysfs empty;
  const KernelState k = read_kernel_state(empty.root());
  EXPECT_TRUE(k.read);
  EXPECT_TRUE(k.cards.empty());
}

// Flatpak writes metadata and overrides as GKeyFiles.
constexpr const char* kZoomMetadata = R"([Application]
name=us.zoom.Zoom
runtime=org.freedesktop.Platform/x86_64/22.08
command=zoom

[Context]
shared=network;ipc;
sockets=x11;wayland;pulseaudio;
devices=all;
filesystems=~/Documents/Zoom:create;
)";

TEST(Flatpak, SoundSocketFromMetadataAndOverrides) {
  using linux_system::flatpak_sound_access;
  EXPECT_TRUE(flatpak_sound_access(kZoomMetadata, {}).allowed);
  const auto removed = flatpak_sound_access(kZoomMetadata, {{"/home/a/.local/share/flatpak/overrides/us.zoom.Zoom",
                                                             "[Context]\nsockets=!pulseaudio;\n"}});
  EXPECT_FALSE(removed.allowed);
  EXPECT_NE(removed.reason.find("sockets=!pulseaudio in /home/a/.local/share/flatpak/overrides/us.zoom.Zoom"),
            std::string::npos);
  const std::string no_sound = "[Context]\nsockets=x11;wayland;\n";
  EXPECT_FALSE(flatpak_sound_access(no_sound, {}).allowed);
  // Later overrides win: a global removal, then a per-app grant.
  EXPECT_TRUE(flatpak_sound_access(no_sound, {{"global", "[Context]\nsockets=!pulseaudio\n"},
                                               {"app", "[Context]\nsockets=pulseaudio;\n"}})
                  .allowed);
  // Keys of other sections do not count.
  EXPECT_FALSE(flatpak_sound_access("[Session Bus Policy]\nsockets=pulseaudio\n", {}).allowed);
}

TEST(Snap, AudioRecordInterface) {
  using linux_system::snap_record_access;
  const std::string connected = "Interface       Plug                    Slot             Notes\n"
                                "audio-playback  discord:audio-playback  :audio-playback  -\n"
                                "audio-record    discord:audio-record    :audio-record    manual\n"
                                "network         discord:network         :network         -\n";
  EXPECT_TRUE(snap_record_access(connected, "discord").allowed);
  const std::string disconnected = "Interface       Plug                    Slot             Notes\n"
                                   "audio-playback  discord:audio-playback  :audio-playback  -\n"
                                   "audio-record    discord:audio-record    -                -\n";
  const auto blocked = snap_record_access(disconnected, "discord");
  EXPECT_FALSE(blocked.allowed);
  EXPECT_NE(blocked.reason.find("disconnected"), std::string::npos);
  EXPECT_FALSE(snap_record_access("Interface  Plug  Slot  Notes\n", "discord").allowed);
  EXPECT_FALSE(snap_record_access(connected, "zoom-client").allowed);  // another snap's plug
}

TEST(Sandboxes, InstalledAppsAreRead) {
  FakeSysfs dirs;  // any temp tree will do
  const fs::path system = dirs.root() / "flatpak";
  fs::create_directories(system / "app/us.zoom.Zoom/current/active");
  std::ofstream(system / "app/us.zoom.Zoom/current/active/metadata") << kZoomMetadata;
  fs::create_directories(system / "overrides");
  std::ofstream(system / "overrides/us.zoom.Zoom") << "[Context]\nsockets=!pulseaudio;\n";
  fs::create_directories(dirs.root() / "snap/discord");
  linux_system::SandboxPaths paths;
  paths.flatpak_system = system;
  paths.snap_root = dirs.root() / "snap";
  paths.snap_connections = [](const std::string& name) -> std::optional<std::string> {
    return "Interface Plug Slot Notes\naudio-record " + name + ":audio-record - -\n";
  };
  const auto apps = linux_system::read_sandboxes(paths);
  ASSERT_EQ(apps.size(), 2u);
  EXPECT_EQ((std::vector<std::string>{apps[0].app, apps[0].packaging, apps[0].id}),
            (std::vector<std::string>{"Zoom", "flatpak", "us.zoom.Zoom"}));
  EXPECT_FALSE(apps[0].can_record);
  EXPECT_EQ((std::vector<std::string>{apps[1].app, apps[1].packaging, apps[1].id}),
            (std::vector<std::string>{"Discord", "snap", "discord"}));
  EXPECT_FALSE(apps[1].can_record);
}

TEST(Process, OutputOfAProgram) {
  const auto out = linux_system::run_program({"printf", "a\\nb"}, std::chrono::milliseconds(5000));
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "a\nb");
  EXPECT_FALSE(linux_system::run_program({"false"}, std::chrono::milliseconds(5000)));
  EXPECT_FALSE(linux_system::run_program({"/nonexistent/program"}, std::chrono::milliseconds(5000)));
  EXPECT_TRUE(linux_system::program_on_path("sh"));
  EXPECT_FALSE(linux_system::program_on_path("micdoctor-no-such-program"));
}

TEST(Process, AHangingProgramIsKilledAtTheDeadline) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(linux_system::run_program({"sleep", "30"}, std::chrono::milliseconds(200)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Process, AFloodIsCutOff) {
  EXPECT_FALSE(linux_system::run_program({"yes"}, std::chrono::milliseconds(5000), 1 << 16));
}

}  // namespace
}  // namespace micdoctor::test
