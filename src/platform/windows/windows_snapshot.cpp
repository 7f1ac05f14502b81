// Reads the Windows side of a snapshot: capture endpoints in every state
// through the MMDevice API (name, form factor, state, mute, volume, mix
// format), the default endpoint for each role, the microphone privacy
// switches from the registry, and the driver behind each endpoint through
// CfgMgr32. Read only.
#include "platform/windows/windows_snapshot.hpp"

// The property keys below are defined (not only declared) in this file.
#include <initguid.h>

#include <audioclient.h>
#include <cfgmgr32.h>
#include <devpkey.h>
#include <endpointvolume.h>
#include <functiondiscoverykeys_devpkey.h>
#include <mmdeviceapi.h>
#include <setupapi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cwchar>
#include <cwctype>
#include <map>

#include "platform/windows/windows_driver_updates.hpp"
#include "platform/windows/windows_services.hpp"
#include "platform/windows/windows_sessions.hpp"
#include "platform/windows/windows_util.hpp"

namespace micdoctor::windows {
namespace {

// The bus enumerator of the device behind an endpoint ("USB", "HDAUDIO", "BTHENUM").
constexpr PROPERTYKEY kEnumeratorName = {{0xa45c254e, 0xdf1c, 0x4efd, {0x80, 0x20, 0x67, 0xd1, 0x46, 0xa8, 0x50, 0xe0}}, 24};
const wchar_t* const kPolicyKey = L"SOFTWARE\\Policies\\Microsoft\\Windows\\AppPrivacy";

std::string state_name(DWORD state) {
  switch (state) {
    case DEVICE_STATE_ACTIVE: return "active";
    case DEVICE_STATE_DISABLED: return "disabled";
    case DEVICE_STATE_NOTPRESENT: return "not_present";
    case DEVICE_STATE_UNPLUGGED: return "unplugged";
    default: return "unknown";
  }
}

std::string form_factor_name(UINT value) {
  switch (value) {
    case 2: return "line-in";
    case 3: return "headphone";
    case 4: return "microphone";
    case 5: return "headset";
    case 6: return "handset";
    case 8: return "spdif";
    default: return "";
  }
}

// "USB" -> usb; "HDAUDIO", "PCI" -> pci; "BTHENUM", "BTHHFENUM", "BTHLEDEVICE" -> bluetooth.
std::string bus_from_enumerator(const std::string& enumerator) {
  if (enumerator == "USB") return "usb";
  if (enumerator == "HDAUDIO" || enumerator == "PCI") return "pci";
  if (enumerator.rfind("BTH", 0) == 0) return "bluetooth";
  return "";
}

std::string property_text(IPropertyStore* store, const PROPERTYKEY& key) {
  PropVariant value;
  if (FAILED(store->GetValue(key, value.put())) || value.get().vt != VT_LPWSTR) return {};
  return to_utf8(value.get().pwszVal);
}

std::optional<UINT> property_uint(IPropertyStore* store, const PROPERTYKEY& key) {
  PropVariant value;
  if (FAILED(store->GetValue(key, value.put())) || value.get().vt != VT_UI4) return std::nullopt;
  return value.get().ulVal;
}

// What Windows shows people: "Microphone (Realtek(R) Audio)". An endpoint
// without one is named from its parts, so a person never sees only the id.
std::string friendly_name(IPropertyStore* store, const std::string& interface_name) {
  std::string name = property_text(store, PKEY_Device_FriendlyName);
  if (!name.empty()) return name;
  const std::string endpoint = property_text(store, PKEY_Device_DeviceDesc);  // "Microphone"
  if (endpoint.empty()) return interface_name;
  return interface_name.empty() ? endpoint : endpoint + " (" + interface_name + ")";
}

std::string device_id(IMMDevice* device) {
  CoTaskString id;
  if (FAILED(device->GetId(id.put()))) return {};
  return to_utf8(id.get());
}

void read_volume(IMMDevice* device, Source& source) {
  ComPtr<IAudioEndpointVolume> volume;
  if (FAILED(device->Activate(__uuidof(IAudioEndpointVolume), CLSCTX_ALL, nullptr, volume.put_void()))) return;
  BOOL muted = FALSE;
  if (SUCCEEDED(volume->GetMute(&muted))) source.muted = muted != FALSE;
  float scalar = 1.0f;
  if (SUCCEEDED(volume->GetMasterVolumeLevelScalar(&scalar))) source.volume_percent = 100.0 * scalar;
  float db = 0.0f;
  if (SUCCEEDED(volume->GetMasterVolumeLevel(&db)) && std::isfinite(db)) source.volume_db = db;
}

void read_mix_format(IMMDevice* device, Source& source) {
  ComPtr<IAudioClient> client;
  if (FAILED(device->Activate(__uuidof(IAudioClient), CLSCTX_ALL, nullptr, client.put_void()))) return;
  WAVEFORMATEX* format = nullptr;
  if (FAILED(client->GetMixFormat(&format)) || format == nullptr) return;
  source.channels = format->nChannels;
  source.sample_rate = static_cast<int>(format->nSamplesPerSec);
  CoTaskMemFree(format);
}

// Recording endpoints that record what the computer plays rather than a
// microphone: Realtek's "Stereo Mix", Creative's "What U Hear", "Wave Out
// Mix", and the monitors a PulseAudio server shows through Wine. Made the
// default, they are the Windows form of "default.is_monitor".
bool records_the_outputs(const std::string& name) {
  for (const char* loopback : {"Stereo Mix", "What U Hear", "Wave Out Mix", "Monitor of "}) {
    if (name.find(loopback) != std::string::npos) return true;
  }
  return false;
}

Source read_endpoint(IMMDevice* device, std::uint32_t index) {
  Source s;
  s.index = index;
  s.name = device_id(device);
  s.kind = SourceKind::microphone;
  s.driver = "WASAPI";
  DWORD state = 0;
  if (SUCCEEDED(device->GetState(&state))) s.state = state_name(state);
  ComPtr<IPropertyStore> store;
  if (SUCCEEDED(device->OpenPropertyStore(STGM_READ, store.put()))) {
    s.card = property_text(store.get(), PKEY_DeviceInterface_FriendlyName);  // the adapter, e.g. "Realtek(R) Audio"
    s.description = friendly_name(store.get(), s.card);
    if (const auto form = property_uint(store.get(), PKEY_AudioEndpoint_FormFactor)) s.form_factor = form_factor_name(*form);
    s.bus = bus_from_enumerator(property_text(store.get(), kEnumeratorName));
  }
  if (records_the_outputs(s.description)) s.kind = SourceKind::monitor;
  if (state == DEVICE_STATE_ACTIVE) {
    read_volume(device, s);
    read_mix_format(device, s);
  }
  return s;
}

std::string default_endpoint(IMMDeviceEnumerator* enumerator, ERole role) {
  ComPtr<IMMDevice> device;
  if (FAILED(enumerator->GetDefaultAudioEndpoint(eCapture, role, device.put()))) return {};
  return device_id(device.get());
}

std::optional<bool> allow_or_deny(HKEY root, const std::wstring& path) {
  const auto value = registry_string(root, path, L"Value");
  if (!value) return std::nullopt;
  if (*value == L"Allow") return true;
  if (*value == L"Deny") return false;
  return std::nullopt;
}

// FILETIME (100 ns since 1601) -> ISO 8601 UTC; "" for 0.
std::string filetime_text(std::optional<ULONGLONG> value) {
  if (!value || *value == 0) return {};
  FILETIME time{static_cast<DWORD>(*value & 0xFFFFFFFFu), static_cast<DWORD>(*value >> 32)};
  SYSTEMTIME parts{};
  if (!FileTimeToSystemTime(&time, &parts)) return {};
  char text[32];
  std::snprintf(text, sizeof text, "%04u-%02u-%02uT%02u:%02u:%02uZ", parts.wYear, parts.wMonth, parts.wDay, parts.wHour,
                parts.wMinute, parts.wSecond);
  return text;
}

// The apps listed under one ConsentStore key (packaged apps directly,
// desktop apps under NonPackaged). At most 1000: the registry is other
// programs' data.
void read_app_consents(const std::wstring& path, bool packaged, MicrophonePrivacy& privacy) {
  RegistryKey key;
  if (RegOpenKeyExW(HKEY_CURRENT_USER, path.c_str(), 0, KEY_ENUMERATE_SUB_KEYS, key.put()) != ERROR_SUCCESS) return;
  for (DWORD i = 0; i < 1000; ++i) {
    wchar_t name[512];
    DWORD length = 512;
    if (RegEnumKeyExW(key.get(), i, name, &length, nullptr, nullptr, nullptr, nullptr) != ERROR_SUCCESS) break;
    if (packaged && std::wstring(name) == L"NonPackaged") continue;
    const std::wstring app_path = path + L"\\" + name;
    AppMicrophoneConsent app;
    app.app = to_utf8(name);
    app.packaged = packaged;
    app.allowed = allow_or_deny(HKEY_CURRENT_USER, app_path);
    app.last_used_start = filetime_text(registry_qword(HKEY_CURRENT_USER, app_path, L"LastUsedTimeStart"));
    app.last_used_stop = filetime_text(registry_qword(HKEY_CURRENT_USER, app_path, L"LastUsedTimeStop"));
    privacy.apps.push_back(std::move(app));
  }
}

MicrophonePrivacy read_privacy() {
  MicrophonePrivacy p;
  p.read = true;
  p.device_allowed = allow_or_deny(HKEY_LOCAL_MACHINE, kConsentStore);
  p.user_allowed = allow_or_deny(HKEY_CURRENT_USER, kConsentStore);
  p.desktop_apps_allowed = allow_or_deny(HKEY_CURRENT_USER, std::wstring(kConsentStore) + L"\\NonPackaged");
  if (const auto policy = registry_dword(HKEY_LOCAL_MACHINE, kPolicyKey, L"LetAppsAccessMicrophone"); policy && *policy <= 2) {
    p.policy = static_cast<int>(*policy);
  }
  read_app_consents(kConsentStore, true, p);
  read_app_consents(std::wstring(kConsentStore) + L"\\NonPackaged", false, p);
  return p;
}

std::string devnode_text(DEVINST node, const DEVPROPKEY& key) {
  DEVPROPTYPE type = 0;
  wchar_t buffer[1024];
  ULONG size = sizeof buffer;
  if (CM_Get_DevNode_PropertyW(node, &key, &type, reinterpret_cast<PBYTE>(buffer), &size, 0) != CR_SUCCESS ||
      type != DEVPROP_TYPE_STRING) {
    return {};
  }
  buffer[1023] = L'\0';
  return to_utf8(buffer);
}

std::optional<ULONGLONG> devnode_filetime(DEVINST node, const DEVPROPKEY& key) {
  DEVPROPTYPE type = 0;
  FILETIME time{};
  ULONG size = sizeof time;
  if (CM_Get_DevNode_PropertyW(node, &key, &type, reinterpret_cast<PBYTE>(&time), &size, 0) != CR_SUCCESS ||
      type != DEVPROP_TYPE_FILETIME) {
    return std::nullopt;
  }
  return (static_cast<ULONGLONG>(time.dwHighDateTime) << 32) | time.dwLowDateTime;
}

std::string devnode_date(DEVINST node) { return filetime_text(devnode_filetime(node, DEVPKEY_Device_DriverDate)).substr(0, 10); }

// A REG_MULTI_SZ-like property (DEVPKEY_Device_HardwareIds, _CompatibleIds), at most 32 entries.
std::vector<std::string> devnode_texts(DEVINST node, const DEVPROPKEY& key) {
  DEVPROPTYPE type = 0;
  std::vector<wchar_t> buffer(4096, L'\0');
  ULONG size = static_cast<ULONG>(buffer.size() * sizeof(wchar_t));
  if (CM_Get_DevNode_PropertyW(node, &key, &type, reinterpret_cast<PBYTE>(buffer.data()), &size, 0) != CR_SUCCESS ||
      type != DEVPROP_TYPE_STRING_LIST) {
    return {};
  }
  buffer.back() = L'\0';
  std::vector<std::string> texts;
  for (const wchar_t* item = buffer.data(); *item != L'\0' && texts.size() < 32; item += std::wcslen(item) + 1) {
    texts.push_back(to_utf8(item));
  }
  return texts;
}

// A driver package version as SetupAPI packs it (four 16-bit parts) -> "6.0.9088.1".
std::string packed_version(DWORDLONG version) {
  return std::to_string((version >> 48) & 0xFFFF) + "." + std::to_string((version >> 32) & 0xFFFF) + "." +
         std::to_string((version >> 16) & 0xFFFF) + "." + std::to_string(version & 0xFFFF);
}

std::wstring file_name_lower(const std::wstring& path) {
  std::wstring name = path.substr(path.find_last_of(L"\\/") == std::wstring::npos ? 0 : path.find_last_of(L"\\/") + 1);
  std::transform(name.begin(), name.end(), name.begin(), [](wchar_t c) { return static_cast<wchar_t>(std::towlower(c)); });
  return name;
}

class DeviceInfoSet {
 public:
  DeviceInfoSet() : set_(SetupDiCreateDeviceInfoList(nullptr, nullptr)) {}
  ~DeviceInfoSet() {
    if (set_ != INVALID_HANDLE_VALUE) SetupDiDestroyDeviceInfoList(set_);  // also frees its driver lists
  }
  DeviceInfoSet(const DeviceInfoSet&) = delete;
  DeviceInfoSet& operator=(const DeviceInfoSet&) = delete;
  HDEVINFO get() const { return set_; }
  bool ok() const { return set_ != INVALID_HANDLE_VALUE; }

 private:
  HDEVINFO set_;
};

// The other driver packages in the driver store that fit the device
// (SetupAPI's compatible driver list, built from the INF directory where the
// store publishes its packages), without the one in use: what Roll Back
// Driver and "Let me pick from a list" offer. At most 64.
std::vector<StoredDriverPackage> read_store_packages(const std::wstring& instance_id, const std::string& inf_in_use,
                                                     const std::string& version_in_use) {
  std::vector<StoredDriverPackage> packages;
  const DeviceInfoSet set;
  SP_DEVINFO_DATA device{};
  device.cbSize = sizeof device;
  if (!set.ok() || !SetupDiOpenDeviceInfoW(set.get(), instance_id.c_str(), nullptr, 0, &device) ||
      !SetupDiBuildDriverInfoList(set.get(), &device, SPDIT_COMPATDRIVER)) {
    return packages;
  }
  const std::wstring in_use = file_name_lower(to_wide(inf_in_use));
  for (DWORD i = 0; i < 256 && packages.size() < 64; ++i) {
    SP_DRVINFO_DATA_W info{};
    info.cbSize = sizeof info;
    if (!SetupDiEnumDriverInfoW(set.get(), &device, SPDIT_COMPATDRIVER, i, &info)) break;
    alignas(SP_DRVINFO_DETAIL_DATA_W) BYTE buffer[8192] = {};
    auto* detail = reinterpret_cast<SP_DRVINFO_DETAIL_DATA_W*>(buffer);
    detail->cbSize = sizeof(SP_DRVINFO_DETAIL_DATA_W);
    DWORD needed = 0;
    std::wstring inf;
    if (SetupDiGetDriverInfoDetailW(set.get(), &device, &info, detail, sizeof buffer, &needed) ||
        GetLastError() == ERROR_INSUFFICIENT_BUFFER) {
      inf = file_name_lower(detail->InfFileName);
    }
    StoredDriverPackage p;
    p.inf = to_utf8(inf);
    p.provider = to_utf8(info.ProviderName);
    p.version = packed_version(info.DriverVersion);
    const ULONGLONG date = (static_cast<ULONGLONG>(info.DriverDate.dwHighDateTime) << 32) | info.DriverDate.dwLowDateTime;
    p.date = filetime_text(date).substr(0, 10);
    if (inf == in_use && p.version == version_in_use) continue;  // the driver in use
    const bool seen = std::any_of(packages.begin(), packages.end(), [&](const StoredDriverPackage& q) {
      return q.inf == p.inf && q.version == p.version;
    });
    if (!seen) packages.push_back(std::move(p));
  }
  return packages;
}

constexpr ULONGLONG kFiletimeDay = 864000000000ULL;  // 100 ns units

// When the driver now in use was installed: DEVPKEY_Device_InstallDate, which
// Windows sets at each installation of the device instance, so a driver
// update (Windows Update included) moves it. Not LastArrivalDate (the last
// plug-in), not DriverDate (the date the maker gave the driver). The first
// installation (DEVPKEY_Device_FirstInstallDate, the device's first time on
// this computer) is read too: a new device's first driver is no "change".
void read_install_date(DEVINST node, EndpointDriver& d) {
  const auto first = devnode_filetime(node, DEVPKEY_Device_FirstInstallDate);
  if (first && *first != 0) d.first_installed = filetime_text(first).substr(0, 10);
  const auto installed = devnode_filetime(node, DEVPKEY_Device_InstallDate);
  if (!installed || *installed == 0) return;
  d.installed = filetime_text(installed).substr(0, 10);
  FILETIME now_time{};
  GetSystemTimeAsFileTime(&now_time);
  const ULONGLONG now = (static_cast<ULONGLONG>(now_time.dwHighDateTime) << 32) | now_time.dwLowDateTime;
  if (now >= *installed) d.installed_days_ago = static_cast<int>(std::min<ULONGLONG>((now - *installed) / kFiletimeDay, 100000));
}

// The driver store packages per device instance id, read once per snapshot:
// a microphone and Stereo Mix share one adapter.
using StoreCache = std::map<std::string, std::vector<StoredDriverPackage>>;

// The audio device behind an endpoint: the endpoint's own device node
// (SWD\MMDEVAPI\<id>) and its parent, the adapter with the driver.
std::optional<EndpointDriver> read_driver(const Source& endpoint, StoreCache& store_cache) {
  const std::wstring node_id = L"SWD\\MMDEVAPI\\" + to_wide(endpoint.name);
  DEVINST node = 0;
  DEVINST parent = 0;
  if (CM_Locate_DevNodeW(&node, const_cast<DEVINSTID_W>(node_id.c_str()), CM_LOCATE_DEVNODE_PHANTOM) != CR_SUCCESS ||
      CM_Get_Parent(&parent, node, 0) != CR_SUCCESS) {
    return std::nullopt;
  }
  EndpointDriver d;
  d.endpoint = endpoint.name;
  wchar_t instance[MAX_DEVICE_ID_LEN + 1] = {};
  if (CM_Get_Device_IDW(parent, instance, MAX_DEVICE_ID_LEN, 0) == CR_SUCCESS) d.instance_id = to_utf8(instance);
  d.device_name = devnode_text(parent, DEVPKEY_Device_FriendlyName);
  if (d.device_name.empty()) d.device_name = devnode_text(parent, DEVPKEY_Device_DeviceDesc);
  d.provider = devnode_text(parent, DEVPKEY_Device_DriverProvider);
  d.version = devnode_text(parent, DEVPKEY_Device_DriverVersion);
  d.inf = devnode_text(parent, DEVPKEY_Device_DriverInfPath);
  d.date = devnode_date(parent);
  ULONG status = 0;
  ULONG problem = 0;
  if (CM_Get_DevNode_Status(&status, &problem, parent, 0) == CR_SUCCESS && (status & DN_HAS_PROBLEM) != 0) {
    d.problem_code = static_cast<int>(problem);
  }
  d.has_driver = !d.inf.empty() || d.problem_code == 0;
  if (d.problem_code == CM_PROB_FAILED_INSTALL) d.has_driver = false;
  d.hardware_ids = devnode_texts(parent, DEVPKEY_Device_HardwareIds);
  d.compatible_ids = devnode_texts(parent, DEVPKEY_Device_CompatibleIds);
  read_install_date(parent, d);
  if (!d.instance_id.empty()) {
    const auto cached = store_cache.find(d.instance_id);
    d.store_packages = cached != store_cache.end() ? cached->second : read_store_packages(instance, d.inf, d.version);
    store_cache[d.instance_id] = d.store_packages;
  }
  return d;
}

}  // namespace

namespace {

// The endpoints, defaults and sessions (and, when asked, the driver behind
// each endpoint) into `snapshot`.
void read_audio(SystemSnapshot& snapshot, bool with_drivers) {
  snapshot.platform = "windows";
  ServerInfo& server = snapshot.server;
  server.tried = "the Windows audio service (MMDevice API)";
  server.name = "Windows audio";
  const ComScope com;
  ComPtr<IMMDeviceEnumerator> enumerator;
  const HRESULT created = CoCreateInstance(__uuidof(MMDeviceEnumerator), nullptr, CLSCTX_ALL,
                                           __uuidof(IMMDeviceEnumerator), enumerator.put_void());
  if (!com.ok() || FAILED(created)) {
    server.error = "the audio device list could not be opened: " + describe_hresult(created) +
                   " (is the Windows Audio service running?)";
    return;
  }
  ComPtr<IMMDeviceCollection> endpoints;
  const HRESULT listed = enumerator->EnumAudioEndpoints(eCapture, DEVICE_STATEMASK_ALL, endpoints.put());
  UINT count = 0;
  if (FAILED(listed) || FAILED(endpoints->GetCount(&count))) {
    server.error = "the capture devices could not be listed: " + describe_hresult(listed);
    return;
  }
  server.reachable = true;
  StoreCache store_cache;
  for (UINT i = 0; i < count && i < 1000; ++i) {
    ComPtr<IMMDevice> device;
    if (FAILED(endpoints->Item(i, device.put()))) continue;
    Source source = read_endpoint(device.get(), i);
    if (source.name.empty()) continue;
    if (with_drivers) {
      if (auto driver = read_driver(source, store_cache)) snapshot.drivers.push_back(std::move(*driver));
    }
    snapshot.sources.push_back(std::move(source));
  }
  server.default_source = default_endpoint(enumerator.get(), eConsole);
  server.default_communications = default_endpoint(enumerator.get(), eCommunications);
  snapshot.streams = read_sessions(enumerator.get(), snapshot.sources, server.sessions_error);
}

}  // namespace

SystemSnapshot read_windows_snapshot() {
  SystemSnapshot snapshot;
  snapshot.privacy = read_privacy();
  read_audio(snapshot, true);
  snapshot.services = read_audio_services();
  snapshot.driver_updates = read_driver_updates(false);
  return snapshot;
}

SystemSnapshot read_windows_audio_state() {
  SystemSnapshot snapshot;
  read_audio(snapshot, false);
  return snapshot;
}

}  // namespace micdoctor::windows
