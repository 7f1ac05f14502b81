#pragma once
// A snapshot of every layer between a microphone and an application: plain
// data, read once by a platform layer (src/platform/...) and judged by the
// checks (src/checks/). Its JSON form (model/snapshot_json.hpp) is what
// `micdoctor check --format json` prints and what `--snapshot FILE` reads.
//
// Units are in the names: volume_percent is the server's linear volume scale
// (100 = unity, 0 dB), volume_db its value in dB, sample_rate in Hz.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/below_server.hpp"
#include "model/drivers.hpp"

namespace micdoctor {

// Whether a jack or port reports something plugged in.
enum class Availability { unknown, no, yes };

struct Port {
  std::string name;         // e.g. "analog-input-headset-mic"
  std::string description;  // e.g. "Headset Microphone"
  Availability available = Availability::unknown;
  int priority = 0;
};

enum class SourceKind {
  microphone,  // a capture device backed by hardware (or described as such)
  monitor,     // the monitor of an output: records what the speakers play
  virtual_source,  // a filter or virtual input (echo cancel, remap, noise suppression)
};

// A capture source as the sound server sees it.
struct Source {
  std::uint32_t index = 0;
  std::string name;         // stable id, e.g. "alsa_input.usb-Logitech_H390-00.mono-fallback"
  std::string description;  // what people see, e.g. "H390 headset Mono"
  SourceKind kind = SourceKind::microphone;
  std::string bus;          // device.bus: "usb", "pci", "bluetooth", "" when unknown
  std::string form_factor;  // device.form_factor: "headset", "webcam", "internal", ...
  std::string card;         // name of the card it belongs to, "" for none
  std::string driver;       // server module or "PipeWire"
  std::string state;        // "running", "idle", "suspended", "unknown"
  bool muted = false;
  double volume_percent = 100.0;        // loudest channel
  std::optional<double> volume_db;      // null at -inf or when the server gives no dB
  int channels = 0;
  int sample_rate = 0;
  std::vector<Port> ports;
  std::string active_port;  // "" when the source has no ports
  std::string monitor_of;   // for monitors: the output's sink name
  // A filter source (noise suppression, echo cancelling, remapping): which
  // kind ("echo-cancel", "remap", "easyeffects", "noisetorch", "rnnoise",
  // "deepfilter", "filter-chain", "loopback"; "" when not a filter) and the
  // source it filters, its master ("" when unknown; may name a source that
  // no longer exists).
  std::string filter = {};
  std::string master = {};
  // Raw facts the filter resolution (checks/filter_chain.hpp) reads:
  std::optional<std::uint32_t> owner_module = {};  // the server module that made it; null for none
  std::string device_class = {};   // device.class: "sound", "monitor", "filter" (remap, echo cancel), ...
  std::string master_device = {};  // device.master_device (PulseAudio's remap and echo-cancel sources)
  std::string link_group = {};     // node.link-group (PipeWire): the nodes of one filter share it
};

// A card profile: one way to use a card (e.g. A2DP playback, or headset with mic).
struct Profile {
  std::string name;         // e.g. "a2dp-sink", "headset-head-unit", "output:analog-stereo+input:analog-stereo"
  std::string description;
  int sinks = 0;            // outputs it provides
  int sources = 0;          // inputs it provides
  bool available = true;
  int priority = 0;
};

struct Card {
  std::uint32_t index = 0;
  std::string name;         // e.g. "bluez_card.00_1B_66_AA_BB_CC"
  std::string description;
  std::string driver;
  std::string bus;          // device.bus
  std::string form_factor;  // device.form_factor
  std::string api;          // device.api: "alsa", "bluez5", ...
  std::optional<int> alsa_card;  // the kernel card number behind it
  std::vector<Profile> profiles;
  std::string active_profile;
};

// A recording stream (PulseAudio's source-output).
struct Stream {
  std::uint32_t index = 0;
  std::string application;  // application.name, e.g. "ZOOM VoiceEngine"
  std::string binary;       // application.process.binary, e.g. "zoom"
  std::optional<std::int64_t> process_id;
  std::optional<std::uint32_t> source_index;  // null while the server moves it
  std::string source;       // name of the source it records from, "" when unknown
  bool muted = false;
  double volume_percent = 100.0;
  std::optional<double> volume_db;
  bool corked = false;      // paused by the application
  bool from_module = false; // owned by a server module (remap, loopback), not an application
  // Raw facts the filter resolution (checks/filter_chain.hpp) reads:
  std::optional<std::uint32_t> owner_module = {};  // the server module that owns it; null for none
  std::string link_group = {};  // node.link-group (PipeWire): shared with the filter source it feeds
  std::string target = {};      // target.object (PipeWire): the source it asked for, by name; a sink's
                                // name + ".monitor" when it records a sink (stream.capture.sink)
  // Windows: an audio session's executable ("C:\\Program Files\\Zoom\\bin\\Zoom.exe"; "" when
  // unknown or elsewhere), and its state: "active" (recording now) or "inactive" (open, not recording).
  std::string executable = {};
  std::string session_state = {};
};

// A module loaded in the sound server (pa_context_get_module_info_list):
// filters are modules whose arguments name their master.
struct ServerModule {
  std::uint32_t index = 0;
  std::string name;      // "module-remap-source", "module-echo-cancel", "module-loopback"
  std::string argument;  // "source_name=filtered master=mic", as loaded
};

struct ServerInfo {
  bool reachable = false;
  std::string tried;        // the address or socket that was tried
  std::string error;        // why it did not answer, when it did not
  std::string name;         // "pulseaudio", "PulseAudio (on PipeWire 0.3.65)"
  std::string version;
  std::string default_source;  // on Windows: the console (and multimedia) default capture endpoint
  std::string default_sink;
  std::vector<std::string> installed;  // sound server programs found on this system
  // Windows: the default capture endpoint for the communications role, the
  // one call apps (Teams, Zoom, Skype) use. "" elsewhere.
  std::string default_communications;
  // The program listening on the server's socket when the server did not
  // answer ("pulseaudio", "pipewire-pulse"): the one to restart. "" when
  // nothing listens there or it could not be seen.
  std::string listener = {};
  // Windows: why the apps' recording sessions could not be listed ("" when
  // they were, or elsewhere): then `streams` is empty for want of a reading.
  std::string sessions_error = {};
};

// A sound card as the kernel sees it (sysfs).
struct KernelCard {
  int number = 0;           // /sys/class/sound/cardN
  std::string id;           // e.g. "PCH", "Headset"
  std::string bus;          // "pci", "usb", "platform", ...
  std::string driver;       // e.g. "snd_hda_intel"
  std::string module;       // kernel module, e.g. "snd_hda_intel"
  std::string vendor_id;    // "8086" (hex, no prefix)
  std::string product_id;
  std::string address;      // bus address, e.g. "0000:00:1f.3" or "1-2:1.0"
  // From /proc/asound/cards: "0 [PCH ]: HDA-Intel - HDA Intel PCH" / long name.
  std::string alsa_driver;  // "HDA-Intel", "USB-Audio", "sof-hda-dsp"
  std::string long_name;    // "HDA Intel PCH at 0xf7f10000 irq 33"
  // USB cards: the device's runtime power management (power/control,
  // power/autosuspend_delay_ms). "" / null for other buses or when unreadable.
  std::string usb_power_control;  // "auto" (may autosuspend) or "on"
  std::optional<int> usb_autosuspend_delay_ms;
  // UCM (alsa-ucm-conf): whether a configuration for this card was found,
  // and which file. Null when not looked for (no ucm2 directory to look in).
  std::optional<bool> ucm_config_found;
  std::string ucm_config;   // "/usr/share/alsa/ucm2/conf.d/sof-hda-dsp/sof-hda-dsp.conf"
};

// An audio function the kernel sees with no driver bound to it.
struct UnboundAudioDevice {
  std::string bus;          // "pci" or "usb"
  std::string address;
  std::string vendor_id;
  std::string product_id;
  std::string kind;         // "HD Audio controller", "USB audio interface", ...
};

// A driver bound to an audio controller that created no sound card: the
// usual sign of missing firmware (e.g. Intel SOF) or a failed probe.
struct CardlessAudioDevice {
  std::string bus;
  std::string address;
  std::string driver;
  std::string vendor_id;
  std::string product_id;
};

struct KernelState {
  bool read = false;        // false when sysfs could not be read at all
  std::string release;      // the running kernel, "6.1.0-13-amd64" (uname -r); "" when unknown
  std::string version_text; // /proc/version: Debian names the real version there ("... Debian 6.1.55-1 ..."); then, on
                            // a line of its own, Ubuntu's /proc/version_signature ("Ubuntu 6.8.0-45.45-generic 6.8.12"); "" unknown
  std::vector<KernelCard> cards;
  std::vector<UnboundAudioDevice> unbound;
  std::vector<CardlessAudioDevice> cardless;
  // Below the sound server (model/below_server.hpp); empty when not read.
  std::vector<AudioController> controllers;
  std::vector<ModuleParameter> module_parameters;  // of the sound modules that are loaded
  std::vector<ModuleOption> module_options;        // for sound modules, from configuration and the kernel command line
  std::vector<Codec> codecs;
  std::vector<AlsaMixer> mixers;
  std::vector<MuteLed> mute_leds;
  KernelLog log;
  std::vector<FirmwareFile> firmware;  // files the kernel log asked for
  std::optional<bool> acpi_nhlt;       // the firmware describes digital microphones (/sys/firmware/acpi/tables/NHLT)
  std::optional<bool> ucm_installed;   // alsa-ucm-conf's ucm2 directory exists
  // SMBIOS chassis type (/sys/class/dmi/id/chassis_type): 8-10, 14, 31, 32 are
  // portable (laptops, notebooks, convertibles), 3-7 desktops. Null when unknown.
  std::optional<int> chassis_type;
};

// A communication app installed in a sandbox, and whether it may record.
struct SandboxedApp {
  std::string app;          // "Zoom"
  std::string packaging;    // "flatpak" or "snap"
  std::string id;           // "us.zoom.Zoom", "zoom-client"
  bool can_record = true;
  std::string reason;       // why not, in words, when it cannot
};

// The kernel's device nodes (only read when no server answers).
struct DeviceNodes {
  bool checked = false;
  bool exists = false;      // /dev/snd is there
  std::vector<std::string> inaccessible;  // nodes this user may not open
  std::string group;        // the group that owns them, e.g. "audio"
  bool user_in_group = false;
};

// A capture device ALSA offers directly (only read when no server answers).
struct AlsaCaptureDevice {
  std::string id;           // "hw:0,0"
  std::string card_name;
  std::string name;
};

// Windows: one app's microphone permission (CapabilityAccessManager ConsentStore).
struct AppMicrophoneConsent {
  std::string app;        // package family name, or a desktop app's path ("C:#Program Files#Zoom#bin#Zoom.exe")
  bool packaged = false;  // a Store (packaged) app, or a desktop app (NonPackaged)
  std::optional<bool> allowed;  // "Allow" / "Deny"; null when not set
  std::string last_used_start;  // ISO 8601 UTC, "" when never used
  std::string last_used_stop;
};

// Windows: the microphone privacy switches, from the registry.
struct MicrophonePrivacy {
  bool read = false;
  std::optional<bool> device_allowed;        // HKLM: "Microphone access for this device"
  std::optional<bool> user_allowed;          // HKCU: "Allow apps to access your microphone"
  std::optional<bool> desktop_apps_allowed;  // HKCU NonPackaged: "Allow desktop apps to access your microphone"
  // Group policy LetAppsAccessMicrophone: 0 the user decides, 1 force allow, 2 force deny; null when not set.
  std::optional<int> policy;
  std::vector<AppMicrophoneConsent> apps;
};

// Windows: the driver behind a capture endpoint (SetupAPI / CfgMgr32).
struct EndpointDriver {
  std::string endpoint;        // the endpoint id it belongs to
  std::string device_name;     // "Realtek(R) Audio"
  std::string instance_id;     // "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257..."
  std::string provider;        // "Realtek Semiconductor Corp."
  std::string version;         // "6.0.9239.1"
  std::string date;            // "2021-09-08"
  std::string inf;             // "oem42.inf"
  int problem_code = 0;        // CM_PROB_*: 0 none, 10 cannot start, 22 disabled, 28 no driver, 43 stopped after reporting problems
  bool has_driver = true;      // false when no driver is installed at all
  std::vector<std::string> hardware_ids = {};  // most specific first: "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_10280A20&REV_1000"
  std::vector<std::string> compatible_ids = {};  // also matched by Windows: "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&REV_1000", ..., "HDAUDIO\\FUNC_01"
  std::string installed = {};                  // when this driver was installed on the device, "2026-11-30" ("" unknown)
  std::string first_installed = {};            // when the device itself was first installed, "2024-03-14" ("" unknown)
  std::optional<int> installed_days_ago = {};  // days between that and the reading (null unknown)
  std::vector<StoredDriverPackage> store_packages = {};  // other packages for it in the driver store (rollback candidates)
};

struct SystemSnapshot {
  std::string platform = "linux";
  ServerInfo server;
  std::vector<Card> cards;
  std::vector<Source> sources;
  std::vector<Stream> streams;
  std::vector<ServerModule> modules;  // the server's modules (filters' masters are in their arguments)
  KernelState kernel;
  std::vector<SandboxedApp> sandboxes;
  DeviceNodes device_nodes;
  std::vector<AlsaCaptureDevice> alsa_capture;
  MicrophonePrivacy privacy;             // Windows only
  std::vector<EndpointDriver> drivers;   // Windows only
  // Below the sound server (Linux): Bluetooth, configuration, the distribution.
  BluetoothState bluetooth;
  std::vector<AudioConfigSetting> audio_config;
  std::vector<RememberedDefault> remembered_defaults;
  Distribution distribution;
  UserAudioConfig user_config;
  // Drivers, firmware and services (model/drivers.hpp).
  FirmwareService firmware;               // Linux: fwupd
  PackageDatabase packages;               // Linux: installed versions the checks ask about
  std::vector<ServiceState> services;     // Windows: Audiosrv, AudioEndpointBuilder, camsvc
  WindowsDriverUpdates driver_updates;    // Windows: Windows Update's driver offers
  // Where the snapshot came from: "live" (read now), "snapshot" (a file read
  // with --snapshot), "alsa-info" (an alsa-info.sh dump: no sound server state).
  std::string origin = "live";

  bool is_windows() const { return platform == "windows"; }
  const Source* find_source(const std::string& name) const;
  const Card* find_card(const std::string& name) const;
};

}  // namespace micdoctor
