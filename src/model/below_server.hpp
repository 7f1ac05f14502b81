#pragma once
// Below the sound server: what the kernel, the codec, the firmware, the ALSA
// mixer, Bluetooth and the server's own configuration files show. Plain data,
// read without root by src/platform/linux (or from an alsa-info dump by
// src/alsainfo) and judged by src/checks. Everything is optional evidence: a
// reader that could not look leaves its part empty and says why, and a check
// with no evidence says nothing (or marks its step "?").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace micdoctor {

// An audio controller or interface on a bus, whether or not a driver made a
// card of it (sysfs /sys/bus/pci/devices, /sys/bus/usb/devices; lspci in a dump).
struct AudioController {
  std::string bus;         // "pci", "usb"
  std::string address;     // "0000:00:1f.3", "1-2:1.0"
  std::string vendor_id;   // "8086" (hex, no prefix)
  std::string product_id;  // "a0c8"
  std::string pci_class;   // "040380" (class, subclass, prog-if; hex, no prefix); "" for USB
  std::string subsystem;   // "1028:0a1f" (subsystem vendor:device), "" when unknown
  std::string driver;      // bound driver ("snd_hda_intel", "sof-audio-pci-intel-tgl"), "" when none
};

// A loaded module's parameter as the kernel uses it (/sys/module/M/parameters/P).
struct ModuleParameter {
  std::string module;  // with underscores: "snd_intel_dspcfg"
  std::string name;    // "dsp_driver"
  std::string value;   // "1"
};

// A module option set in configuration ("options snd-hda-intel model=dell-headset-multi"
// in /etc/modprobe.d/x.conf, /lib/modprobe.d, /usr/lib/modprobe.d, /run/modprobe.d),
// or on the kernel command line ("snd_intel_dspcfg.dsp_driver=1" in /proc/cmdline).
struct ModuleOption {
  std::string module;  // with underscores: "snd_hda_intel"
  std::string name;    // "model"
  std::string value;   // "dell-headset-multi"
  std::string file;    // where it is set: "/etc/modprobe.d/alsa-base.conf" or "/proc/cmdline"
};

// One pin widget of an HD-Audio codec (/proc/asound/cardN/codec#M).
struct CodecPin {
  int nid = 0;                    // "Node 0x19"
  std::uint32_t pin_default = 0;  // "Pin Default 0x411111f0": the firmware's (BIOS) description of the pin
  bool input_capable = false;     // "Pincap ... IN"
  bool presence_detect = false;   // "Pincap ... Detect": jack sensing
};

// The fields of a pin default (HD-Audio spec 7.3.3.31).
enum class PinConnectivity { jack = 0, none = 1, fixed = 2, both = 3 };  // none = "N/A", not connected
inline PinConnectivity pin_connectivity(std::uint32_t pin_default) {
  return static_cast<PinConnectivity>((pin_default >> 30) & 0x3u);
}
// 0x8 Line In, 0xa Mic In, ... (the "Default Device" field).
inline unsigned pin_device_type(std::uint32_t pin_default) { return (pin_default >> 20) & 0xfu; }
inline constexpr unsigned kPinDeviceHeadphoneOut = 0x2;
inline constexpr unsigned kPinDeviceLineIn = 0x8;
inline constexpr unsigned kPinDeviceMicIn = 0xa;

// A pin default as codec pages print it: "0x411111f0".
std::string pin_default_text(std::uint32_t pin_default);

struct Codec {
  int card = 0;             // the card number it belongs to
  int address = 0;          // codec#N
  std::string name;         // "Realtek ALC256"
  std::string vendor_id;    // "0x10ec0256"
  std::string subsystem_id; // "0x10280798"
  std::vector<CodecPin> pins;
};

// A volume of an ALSA simple mixer element (as amixer shows it): raw steps per
// channel, and their dB where the driver gives a dB scale.
struct MixerVolume {
  long min = 0;
  long max = 0;
  std::vector<long> values;      // one per channel
  std::optional<double> db_min;  // null when the control has no dB scale
  std::optional<double> db_max;
  std::vector<double> db;        // one per channel; empty without a dB scale
  std::optional<double> db_above_mute;  // when the lowest step mutes (db_min is_mute_db): the dB of step min+1
};

// alsa-lib reports a lowest step that mutes as -9999999 (0.01 dB; SND_CTL_TLV_DB_GAIN_MUTE),
// alsactl and alsa-info write it so, and micdoctor keeps it as -99999.99 dB: "muted", not a gain.
inline constexpr double kMuteDb = -99999.99;
inline bool is_mute_db(double db) { return db <= -9999.0; }

// One element of a card's ALSA mixer (alsa-lib's simple mixer, amixer's
// "Simple mixer control 'Capture',0").
struct MixerElement {
  std::string name;   // "Capture", "Mic Boost", "Internal Mic Boost", "Capture Source"
  int index = 0;
  // The capture volume ("cvolume"), or the one volume of an element with no
  // direction ("volume", e.g. HD-Audio's "Mic Boost"). Null when it has none.
  std::optional<MixerVolume> volume;
  bool volume_is_capture = false;  // cvolume (true) or a direction-less volume (false)
  std::vector<bool> capture_switch;  // one per channel, true = on; empty: no capture switch
  bool capture_exclusive = false;  // its switch is one item of a "Capture Source" selector (alsa-lib shows each item so): "off" is not a fault
  // An enumerated capture element: an input selector ("Capture Source",
  // "Input Source"). Empty items: not one.
  std::vector<std::string> enum_items;
  std::string enum_selected;
};

// How findings and fixes name one mixer element: "PCH:Capture,0" (the card's
// id, which stays the same across boots, unlike its number; ALSA card ids
// hold no ':'). parse_mixer_element_id gives false for anything else.
struct MixerElementId {
  std::string card_id;
  std::string name;
  int index = 0;
};
std::string mixer_element_id(const MixerElementId& element);
bool parse_mixer_element_id(const std::string& text, MixerElementId& out);

struct AlsaMixer {
  int card = 0;
  std::string card_id;  // "PCH"
  bool read = false;
  std::string error;    // why it could not be read, when it could not
  std::vector<MixerElement> elements;
};

// A LED in /sys/class/leds, for the microphone's mute key ("platform::micmute",
// "hda::micmute"): when lit, the microphone is muted before the computer hears it.
struct MuteLed {
  std::string name;       // "platform::micmute"
  int brightness = 0;
  int max_brightness = 1;
  std::string trigger;    // the active trigger, e.g. "audio-micmute"; "" when none
};

// The kernel log (journald's kernel messages, else dmesg), sound lines only.
struct KernelLog {
  bool read = false;
  std::string source;       // "journald", "dmesg", "alsa-info", "file"
  std::string unreadable;   // why it could not be read: "dmesg_restrict is on and ..." ("" when read)
  std::vector<std::string> lines;  // at most a few hundred, newest last
};

// A firmware file the kernel asked for, and whether it is there now.
struct FirmwareFile {
  std::string path;   // relative to /lib/firmware: "intel/sof-tplg/sof-hda-generic-2ch.tplg"
  bool present = false;
};

// A device BlueZ knows (org.bluez.Device1).
struct BluetoothDevice {
  std::string address;  // "00:1B:66:AA:BB:CC"
  std::string name;     // Alias
  bool connected = false;
  bool paired = false;
  std::vector<std::string> uuids;  // lower case, full form: "0000111e-0000-1000-8000-00805f9b34fb"
};

// A setting in the sound server's configuration files that shapes Bluetooth
// headsets or defaults: the key, as written, and where.
struct AudioConfigSetting {
  std::string program;  // "wireplumber", "pipewire", "pulseaudio"
  std::string key;      // "bluez5.headset-roles", "bluez5.roles", "bluez5.hfphsp-backend",
                        // "module-bluetooth-discover headset", "disable-headset" (a drop-in named so)
  std::string value;    // as written: "[ ]", "[ a2dp_sink ]", "ofono", "true"
  std::string file;     // the file that sets it
};

struct BluetoothState {
  bool read = false;     // BlueZ answered on the system bus
  std::string error;     // why not, when it did not ("no BlueZ on the system bus", a timeout)
  bool adapter_present = false;
  std::vector<BluetoothDevice> devices;
  bool ofono_running = false;  // an HFP backend on the system bus (org.ofono)
};

// The sound server's remembered default input, from its state files
// (WirePlumber's ~/.local/state/wireplumber/default-nodes,
// PulseAudio's ~/.config/pulse/*-default-source).
struct RememberedDefault {
  std::string program;  // "wireplumber", "pulseaudio"
  std::string file;
  std::string source;   // the source's name it remembers
};

// The distribution, from /etc/os-release: install commands are written for it.
struct Distribution {
  std::string id;          // "debian", "ubuntu", "fedora", "arch", "opensuse-tumbleweed"
  std::string id_like;     // "debian", "rhel fedora", "suse opensuse"
  std::string version_id;  // "12"
  std::string pretty_name; // "Debian GNU/Linux 12 (bookworm)"
};

// Where the user's own configuration for the sound server lives, and which
// WirePlumber reads it: a fix that writes a drop-in needs both.
struct UserAudioConfig {
  std::string wireplumber_version;  // "0.4.13"; "" when not installed
  std::string wireplumber_dir;      // "/home/me/.config/wireplumber" ($XDG_CONFIG_HOME)
};

}  // namespace micdoctor
