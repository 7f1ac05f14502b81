#pragma once
// The command that installs a system package on THIS distribution (from
// /etc/os-release), for the manual steps of findings below the sound server.
// micdoctor never runs it: installing needs root, so the person pastes it.
#include <string>

#include "model/below_server.hpp"

namespace micdoctor::checks {

enum class PackageFamily { debian, fedora, arch, suse, unknown };

// ID first, then ID_LIKE (ubuntu, linuxmint, pop -> debian; rhel, centos,
// rocky -> fedora; manjaro, endeavouros -> arch; opensuse-* -> suse).
PackageFamily package_family(const Distribution& distribution);

// What a finding may ask to install.
enum class SystemPackage {
  sof_firmware,    // Intel SOF (and AMD SOF) firmware and topology files
  ucm_conf,        // alsa-ucm-conf: the UCM2 configurations
  linux_firmware,  // the other firmware files drivers load
  pipewire_bluetooth,    // PipeWire's Bluetooth audio (the hands-free profile): libspa-0.2-bluetooth on Debian
  pulseaudio_bluetooth,  // PulseAudio's Bluetooth modules: pulseaudio-module-bluetooth
};

// The package's name on that family ("firmware-sof-signed", "alsa-sof-firmware",
// "sof-firmware"); "" when the family is unknown.
std::string package_name(PackageFamily family, SystemPackage package);

// A complete step: "Install the SOF firmware: sudo apt install firmware-sof-signed",
// or for an unknown distribution the package as most distributions call it, in words.
std::string install_step(const Distribution& distribution, SystemPackage package);

// The bare command that installs or updates named packages on this family
// ("sudo apt install --only-upgrade alsa-ucm-conf"); "" for an unknown family.
std::string install_command(PackageFamily family, const std::string& package);
std::string upgrade_command(PackageFamily family, const std::string& package);

}  // namespace micdoctor::checks
