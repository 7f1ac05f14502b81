// Reads and changes single settings on Windows: an endpoint's mute and
// volume (IAudioEndpointVolume), the default capture endpoint for every role
// (IPolicyConfig, undocumented but what the Sound control panel itself uses),
// and the current user's microphone privacy switches (HKCU, which a standard
// user may change), and an app's recording session's mute and volume
// (ISimpleAudioVolume). Settings Linux has and Windows has not (card
// profiles, ports, moving an app to another microphone) read as absent.
#include "platform/windows/windows_settings.hpp"

#include <audioclient.h>
#include <endpointvolume.h>
#include <mmdeviceapi.h>

#include <algorithm>

#include "platform/windows/windows_services.hpp"
#include "platform/windows/windows_sessions.hpp"
#include "platform/windows/windows_snapshot.hpp"
#include "platform/windows/windows_util.hpp"

namespace micdoctor::windows {
namespace {

// The Sound control panel's own interface for setting default endpoints
// (Windows 7 and later). Not in the SDK; its layout is fixed by Windows.
struct IPolicyConfig : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE GetMixFormat(PCWSTR, WAVEFORMATEX**) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetDeviceFormat(PCWSTR, INT, WAVEFORMATEX**) = 0;
  virtual HRESULT STDMETHODCALLTYPE ResetDeviceFormat(PCWSTR) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetDeviceFormat(PCWSTR, WAVEFORMATEX*, WAVEFORMATEX*) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetProcessingPeriod(PCWSTR, INT, PINT64, PINT64) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetProcessingPeriod(PCWSTR, PINT64) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetShareMode(PCWSTR, void*) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetShareMode(PCWSTR, void*) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetPropertyValue(PCWSTR, const PROPERTYKEY&, PROPVARIANT*) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetPropertyValue(PCWSTR, const PROPERTYKEY&, PROPVARIANT*) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetDefaultEndpoint(PCWSTR device_id, ERole role) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetEndpointVisibility(PCWSTR, INT) = 0;
};
constexpr IID kIPolicyConfig = {0xf8679f50, 0x850a, 0x41cf, {0x9c, 0x72, 0x43, 0x0f, 0x29, 0x02, 0x90, 0xc8}};
constexpr CLSID kPolicyConfigClient = {0x870af99c, 0x171d, 0x4f9e, {0xaf, 0x0d, 0xe6, 0x3d, 0xf4, 0x0c, 0x2b, 0xc9}};


std::wstring privacy_key(Setting setting) {
  return setting == Setting::privacy_user ? std::wstring(kConsentStore) : std::wstring(kConsentStore) + L"\\NonPackaged";
}

ComPtr<IMMDeviceEnumerator> make_enumerator(std::string& error) {
  ComPtr<IMMDeviceEnumerator> enumerator;
  const HRESULT hr = CoCreateInstance(__uuidof(MMDeviceEnumerator), nullptr, CLSCTX_ALL, __uuidof(IMMDeviceEnumerator),
                                      enumerator.put_void());
  if (FAILED(hr)) error = "the Windows audio service does not answer: " + describe_hresult(hr);
  return enumerator;
}

// The endpoint's volume control; `gone` when the endpoint is not there (or not active).
ComPtr<IAudioEndpointVolume> endpoint_volume(const std::string& id, std::string& error, bool& gone) {
  ComPtr<IAudioEndpointVolume> volume;
  ComPtr<IMMDeviceEnumerator> enumerator = make_enumerator(error);
  if (!enumerator) return volume;
  ComPtr<IMMDevice> device;
  HRESULT hr = enumerator->GetDevice(to_wide(id).c_str(), device.put());
  DWORD state = 0;
  if (FAILED(hr) || FAILED(device->GetState(&state)) || state != DEVICE_STATE_ACTIVE) {
    gone = true;
    error = "the microphone " + id + " is no longer there";
    return volume;
  }
  hr = device->Activate(__uuidof(IAudioEndpointVolume), CLSCTX_ALL, nullptr, volume.put_void());
  if (FAILED(hr)) error = "its volume control cannot be opened: " + describe_hresult(hr);
  return volume;
}

// An app's sessions on an endpoint, found again by its process and the
// endpoint (target.name): a session has no number of its own that lasts.
std::vector<ComPtr<ISimpleAudioVolume>> app_sessions(const ChangeTarget& target, std::string& error, bool& gone) {
  if (!target.process_id || target.name.empty()) {
    gone = true;
    error = describe_target(Setting::stream_mute, target) + " has no process and microphone to find it by";
    return {};
  }
  return session_volumes(target.name, *target.process_id, error, gone);
}

}  // namespace

SystemSnapshot WindowsSystem::read() { return read_windows_snapshot(); }

CurrentValue WindowsSystem::current(Setting setting, const ChangeTarget& target) {
  const ComScope com;
  CurrentValue now;
  SettingValue value;
  switch (setting) {
    case Setting::source_mute:
    case Setting::source_volume: {
      ComPtr<IAudioEndpointVolume> volume = endpoint_volume(target.name, now.error, now.gone);
      if (!volume) return now;
      if (setting == Setting::source_mute) {
        BOOL muted = FALSE;
        if (FAILED(volume->GetMute(&muted))) return now;
        value.flag = muted != FALSE;
      } else {
        UINT channels = 0;
        if (FAILED(volume->GetChannelCount(&channels))) return now;
        for (UINT c = 0; c < channels && c < 32; ++c) {
          float scalar = 0;
          if (FAILED(volume->GetChannelVolumeLevelScalar(c, &scalar))) return now;
          value.volume_percent.push_back(100.0 * scalar);
        }
        if (value.volume_percent.empty()) {
          float scalar = 0;
          if (FAILED(volume->GetMasterVolumeLevelScalar(&scalar))) return now;
          value.volume_percent.push_back(100.0 * scalar);
        }
      }
      break;
    }
    case Setting::default_source: {
      ComPtr<IMMDeviceEnumerator> enumerator = make_enumerator(now.error);
      if (!enumerator) return now;
      ComPtr<IMMDevice> device;
      if (SUCCEEDED(enumerator->GetDefaultAudioEndpoint(eCapture, eConsole, device.put()))) {
        CoTaskString id;
        if (SUCCEEDED(device->GetId(id.put()))) value.name = to_utf8(id.get());
      }
      break;
    }
    case Setting::privacy_user:
    case Setting::privacy_desktop_apps: {
      // No value means Windows' own default: allowed.
      const auto text = registry_string(HKEY_CURRENT_USER, privacy_key(setting), L"Value");
      value.flag = !text || *text != L"Deny";
      break;
    }
    case Setting::stream_mute:
    case Setting::stream_volume: {
      std::vector<ComPtr<ISimpleAudioVolume>> sessions = app_sessions(target, now.error, now.gone);
      if (sessions.empty()) return now;
      if (setting == Setting::stream_mute) {
        BOOL muted = FALSE;
        if (FAILED(sessions.front()->GetMute(&muted))) return now;
        value.flag = muted != FALSE;
      } else {
        float scalar = 0;
        if (FAILED(sessions.front()->GetMasterVolume(&scalar))) return now;
        value.volume_percent.push_back(100.0 * static_cast<double>(scalar));
      }
      break;
    }
    case Setting::service_start_type: return current_service_start_type(target.name);
    case Setting::mixer_switch:
    case Setting::mixer_volume:
    case Setting::mixer_enum:
    case Setting::config_file:
      now.gone = true;
      now.error = describe_target(setting, target) + " is not available on Windows";
      return now;
    default:
      now.gone = true;
      now.error = "Windows has no such setting";
      return now;
  }
  now.value = value;
  return now;
}

bool WindowsSystem::apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) {
  const ComScope com;
  switch (setting) {
    case Setting::source_mute:
    case Setting::source_volume: {
      bool gone = false;
      ComPtr<IAudioEndpointVolume> volume = endpoint_volume(target.name, error, gone);
      if (!volume) return false;
      HRESULT hr = S_OK;
      if (setting == Setting::source_mute) {
        hr = volume->SetMute(value.flag ? TRUE : FALSE, nullptr);
      } else {
        UINT channels = 0;
        volume->GetChannelCount(&channels);
        if (value.volume_percent.size() == channels && channels > 1) {
          for (UINT c = 0; c < channels && SUCCEEDED(hr); ++c) {
            hr = volume->SetChannelVolumeLevelScalar(c, static_cast<float>(std::clamp(value.volume_percent[c] / 100.0, 0.0, 1.0)), nullptr);
          }
        } else {
          const double loudest = *std::max_element(value.volume_percent.begin(), value.volume_percent.end());
          hr = volume->SetMasterVolumeLevelScalar(static_cast<float>(std::clamp(loudest / 100.0, 0.0, 1.0)), nullptr);
        }
      }
      if (FAILED(hr)) error = describe_hresult(hr);
      return SUCCEEDED(hr);
    }
    case Setting::default_source: {
      ComPtr<IPolicyConfig> policy;
      HRESULT hr = CoCreateInstance(kPolicyConfigClient, nullptr, CLSCTX_ALL, kIPolicyConfig, policy.put_void());
      if (FAILED(hr)) {
        error = "the default device cannot be set from here (" + describe_hresult(hr) + ")";
        return false;
      }
      const std::wstring id = to_wide(value.name);
      for (const ERole role : {eConsole, eMultimedia, eCommunications}) {
        hr = policy->SetDefaultEndpoint(id.c_str(), role);
        if (FAILED(hr)) {
          error = describe_hresult(hr);
          return false;
        }
      }
      return true;
    }
    case Setting::privacy_user:
    case Setting::privacy_desktop_apps: {
      RegistryKey key;
      LSTATUS status = RegCreateKeyExW(HKEY_CURRENT_USER, privacy_key(setting).c_str(), 0, nullptr, 0, KEY_SET_VALUE,
                                       nullptr, key.put(), nullptr);
      if (status == ERROR_SUCCESS) {
        const std::wstring text = value.flag ? L"Allow" : L"Deny";
        status = RegSetValueExW(key.get(), L"Value", 0, REG_SZ, reinterpret_cast<const BYTE*>(text.c_str()),
                                static_cast<DWORD>((text.size() + 1) * sizeof(wchar_t)));
      }
      if (status != ERROR_SUCCESS) error = describe_hresult(HRESULT_FROM_WIN32(status));
      return status == ERROR_SUCCESS;
    }
    case Setting::stream_mute:
    case Setting::stream_volume: {
      bool gone = false;
      std::vector<ComPtr<ISimpleAudioVolume>> sessions = app_sessions(target, error, gone);
      HRESULT hr = sessions.empty() ? E_FAIL : S_OK;
      for (const auto& session : sessions) {
        if (FAILED(hr)) break;
        if (setting == Setting::stream_mute) {
          hr = session->SetMute(value.flag ? TRUE : FALSE, nullptr);
        } else if (!value.volume_percent.empty()) {
          const double loudest = *std::max_element(value.volume_percent.begin(), value.volume_percent.end());
          hr = session->SetMasterVolume(static_cast<float>(std::clamp(loudest / 100.0, 0.0, 1.0)), nullptr);
        }
      }
      if (FAILED(hr) && !sessions.empty()) error = describe_hresult(hr);
      return SUCCEEDED(hr);
    }
    case Setting::service_start_type: return set_service_start_type(target.name, value.name, value.flag, error);
    case Setting::stream_source:
      error = "Windows lets no other program choose an app's microphone: choose it in the app's own settings";
      return false;
    case Setting::mixer_switch:
    case Setting::mixer_volume:
    case Setting::mixer_enum:
    case Setting::config_file: error = describe_target(setting, target) + " is not available on Windows"; return false;
    default: error = "Windows has no such setting"; return false;
  }
}

}  // namespace micdoctor::windows
