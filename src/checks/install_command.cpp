#include "checks/install_command.hpp"

#include <sstream>

namespace micdoctor::checks {
namespace {

bool names(const std::string& words, const std::string& name) {
  std::istringstream in(words);
  std::string word;
  while (in >> word) {
    if (word == name || word.rfind(name + "-", 0) == 0) return true;  // "opensuse-tumbleweed"
  }
  return false;
}

PackageFamily family_named(const std::string& words) {
  for (const char* debian : {"debian", "ubuntu", "linuxmint", "pop", "elementary", "raspbian", "kali"}) {
    if (names(words, debian)) return PackageFamily::debian;
  }
  for (const char* fedora : {"fedora", "rhel", "centos", "rocky", "almalinux", "nobara"}) {
    if (names(words, fedora)) return PackageFamily::fedora;
  }
  for (const char* arch : {"arch", "manjaro", "endeavouros", "garuda", "cachyos"}) {
    if (names(words, arch)) return PackageFamily::arch;
  }
  for (const char* suse : {"suse", "opensuse", "sles", "sled"}) {
    if (names(words, suse)) return PackageFamily::suse;
  }
  return PackageFamily::unknown;
}

}  // namespace

PackageFamily package_family(const Distribution& distribution) {
  const PackageFamily by_id = family_named(distribution.id);
  return by_id != PackageFamily::unknown ? by_id : family_named(distribution.id_like);
}

namespace {

// One row per package: its name on Debian, Fedora, Arch and openSUSE.
struct PackageNames {
  const char* debian;
  const char* fedora;
  const char* arch;
  const char* suse;
};

PackageNames names_of(SystemPackage package) {
  switch (package) {
    case SystemPackage::sof_firmware: return {"firmware-sof-signed", "alsa-sof-firmware", "sof-firmware", "sof-firmware"};
    case SystemPackage::ucm_conf: return {"alsa-ucm-conf", "alsa-ucm", "alsa-ucm-conf", "alsa-ucm-conf"};
    case SystemPackage::linux_firmware:
      return {"firmware-misc-nonfree", "linux-firmware", "linux-firmware", "kernel-firmware-all"};
    // Fedora ships PipeWire's Bluetooth plugin inside its pipewire packages: no name to ask for.
    case SystemPackage::pipewire_bluetooth: return {"libspa-0.2-bluetooth", "", "pipewire-audio", "pipewire-spa-plugins-0_2"};
    case SystemPackage::pulseaudio_bluetooth:
      return {"pulseaudio-module-bluetooth", "pulseaudio-module-bluetooth", "pulseaudio-bluetooth",
              "pulseaudio-module-bluetooth"};
  }
  return {"", "", "", ""};
}

}  // namespace

std::string package_name(PackageFamily family, SystemPackage package) {
  const PackageNames names = names_of(package);
  switch (family) {
    case PackageFamily::debian: return names.debian;
    case PackageFamily::fedora: return names.fedora;
    case PackageFamily::arch: return names.arch;
    case PackageFamily::suse: return names.suse;
    case PackageFamily::unknown: break;
  }
  return "";
}

namespace {

std::string label(SystemPackage package) {
  switch (package) {
    case SystemPackage::sof_firmware: return "the SOF firmware";
    case SystemPackage::ucm_conf: return "the UCM configurations";
    case SystemPackage::linux_firmware: return "the firmware package";
    case SystemPackage::pipewire_bluetooth: return "PipeWire's Bluetooth support";
    case SystemPackage::pulseaudio_bluetooth: return "PulseAudio's Bluetooth support";
  }
  return "it";
}

}  // namespace

namespace {

// Ubuntu and its derivatives (ID or ID_LIKE ubuntu: Mint, Pop!_OS, elementary)
// ship the firmware files in linux-firmware; firmware-misc-nonfree is Debian's.
bool ubuntu_based(const Distribution& distribution) {
  for (const char* ubuntu : {"ubuntu", "linuxmint", "pop", "elementary"}) {
    if (names(distribution.id, ubuntu)) return true;
  }
  return names(distribution.id_like, "ubuntu");
}

}  // namespace

std::string install_step(const Distribution& distribution, SystemPackage package) {
  const PackageFamily family = package_family(distribution);
  const std::string name = family == PackageFamily::debian && package == SystemPackage::linux_firmware &&
                                   ubuntu_based(distribution)
                               ? std::string("linux-firmware")
                               : package_name(family, package);
  const std::string install = "Install " + label(package) + ": ";
  switch (family) {
    case PackageFamily::debian: {
      std::string step = install + "sudo apt install " + name;
      // Debian keeps firmware in its non-free-firmware component (12 and later).
      if (distribution.id == "debian" && (package == SystemPackage::sof_firmware || package == SystemPackage::linux_firmware)) {
        step += "  (in Debian's non-free-firmware component: if apt cannot find it, add non-free-firmware to the "
                "lines in /etc/apt/sources.list and run sudo apt update)";
      }
      return step;
    }
    case PackageFamily::fedora: return install + "sudo dnf install " + name;
    case PackageFamily::arch: return install + "sudo pacman -S " + name;
    case PackageFamily::suse: return install + "sudo zypper install " + name;
    case PackageFamily::unknown: break;
  }
  switch (package) {
    case SystemPackage::sof_firmware:
      return "Install your distribution's SOF firmware package (sof-firmware, firmware-sof-signed or alsa-sof-firmware)";
    case SystemPackage::ucm_conf: return "Install your distribution's alsa-ucm-conf package";
    case SystemPackage::linux_firmware: return "Install your distribution's linux-firmware package";
    case SystemPackage::pipewire_bluetooth:
      return "Install your distribution's package of PipeWire's Bluetooth support (libspa-0.2-bluetooth, pipewire-audio)";
    case SystemPackage::pulseaudio_bluetooth:
      return "Install your distribution's PulseAudio Bluetooth package (pulseaudio-module-bluetooth)";
  }
  return "";
}

std::string install_command(PackageFamily family, const std::string& package) {
  switch (family) {
    case PackageFamily::debian: return "sudo apt install " + package;
    case PackageFamily::fedora: return "sudo dnf install " + package;
    case PackageFamily::arch: return "sudo pacman -S " + package;
    case PackageFamily::suse: return "sudo zypper install " + package;
    case PackageFamily::unknown: break;
  }
  return "";
}

std::string upgrade_command(PackageFamily family, const std::string& package) {
  switch (family) {
    case PackageFamily::debian: return "sudo apt update && sudo apt install --only-upgrade " + package;
    case PackageFamily::fedora: return "sudo dnf upgrade --refresh " + package;
    // Arch supports no partial upgrades: the whole system is updated.
    case PackageFamily::arch: return "sudo pacman -Syu";
    case PackageFamily::suse: return "sudo zypper refresh && sudo zypper update " + package;
    case PackageFamily::unknown: break;
  }
  return "";
}

}  // namespace micdoctor::checks
