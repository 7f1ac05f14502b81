// Reads the audio sessions of the capture endpoints: one per process (and
// grouping) that opened the endpoint, active while it records. The process is
// named from its image (QueryFullProcessImageNameW): a session's own display
// name is usually empty, or a resource reference ("@%SystemRoot%\...") that
// is no name for people.
#include "platform/windows/windows_sessions.hpp"

#include <cctype>
#include <cmath>

namespace micdoctor::windows {
namespace {

constexpr int kMaxSessionsPerEndpoint = 256;

std::string state_name(AudioSessionState state) {
  switch (state) {
    case AudioSessionStateActive: return "active";
    case AudioSessionStateInactive: return "inactive";
    default: return "expired";
  }
}

// The executable of a process, "" when it cannot be opened (a process of
// another user or an elevated one).
std::string executable_of(DWORD pid) {
  const Handle process(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid));
  if (!process.valid()) return {};
  wchar_t path[MAX_PATH * 2] = {};
  DWORD length = MAX_PATH * 2;
  if (!QueryFullProcessImageNameW(process.get(), 0, path, &length)) return {};
  return to_utf8(std::wstring(path, length));
}

std::string file_name(const std::string& path) {
  const auto slash = path.find_last_of("\\/");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string without_exe(const std::string& name) {
  if (name.size() > 4) {
    std::string tail = name.substr(name.size() - 4);
    for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (tail == ".exe") return name.substr(0, name.size() - 4);
  }
  return name;
}

std::string display_name(IAudioSessionControl2* control) {
  CoTaskString name;
  if (FAILED(control->GetDisplayName(name.put()))) return {};
  std::string text = to_utf8(name.get());
  if (!text.empty() && text.front() == '@') return {};  // "@%SystemRoot%\System32\AudioSrv.Dll,-202"
  return text;
}

// The endpoint's sessions and how many there are; null with `error` set
// when they cannot be listed (Wine 8: E_NOTIMPL).
ComPtr<IAudioSessionEnumerator> list_sessions(IMMDevice* device, int& count, std::string& error) {
  ComPtr<IAudioSessionManager2> manager;
  ComPtr<IAudioSessionEnumerator> sessions;
  HRESULT hr = device->Activate(__uuidof(IAudioSessionManager2), CLSCTX_ALL, nullptr, manager.put_void());
  if (SUCCEEDED(hr)) hr = manager->GetSessionEnumerator(sessions.put());
  count = 0;
  if (SUCCEEDED(hr)) hr = sessions->GetCount(&count);
  if (FAILED(hr)) {
    error = "the apps' recording sessions could not be listed: " + describe_hresult(hr);
    return {};
  }
  return sessions;
}

// Reads one session into `stream`; false when it is not one to list.
bool read_session(IAudioSessionControl* session, Stream& stream) {
  ComPtr<IAudioSessionControl2> control;
  if (FAILED(session->QueryInterface(__uuidof(IAudioSessionControl2), control.put_void()))) return false;
  if (control->IsSystemSoundsSession() == S_OK) return false;
  DWORD pid = 0;
  // A session of several processes (AUDCLNT_S_NO_SINGLE_PROCESS) gives the
  // process that created it: still the right app to name.
  if (FAILED(control->GetProcessId(&pid)) || pid == GetCurrentProcessId()) return false;
  AudioSessionState state = AudioSessionStateExpired;
  if (FAILED(control->GetState(&state)) || state == AudioSessionStateExpired) return false;
  stream.process_id = pid;
  stream.session_state = state_name(state);
  stream.executable = executable_of(pid);
  stream.binary = file_name(stream.executable);
  stream.application = display_name(control.get());
  if (stream.application.empty()) stream.application = without_exe(stream.binary);
  if (stream.application.empty()) stream.application = "process " + std::to_string(pid);
  ComPtr<ISimpleAudioVolume> volume;
  if (SUCCEEDED(session->QueryInterface(__uuidof(ISimpleAudioVolume), volume.put_void()))) {
    BOOL muted = FALSE;
    if (SUCCEEDED(volume->GetMute(&muted))) stream.muted = muted != FALSE;
    float scalar = 1.0f;
    if (SUCCEEDED(volume->GetMasterVolume(&scalar)) && std::isfinite(scalar)) {
      stream.volume_percent = 100.0 * static_cast<double>(scalar);
    }
  }
  return true;
}

}  // namespace

std::vector<Stream> read_sessions(IMMDeviceEnumerator* enumerator, const std::vector<Source>& endpoints,
                                  std::string& error) {
  std::vector<Stream> streams;
  error.clear();
  for (const Source& endpoint : endpoints) {
    if (endpoint.state != "active") continue;
    ComPtr<IMMDevice> device;
    if (FAILED(enumerator->GetDevice(to_wide(endpoint.name).c_str(), device.put()))) continue;
    int count = 0;
    const ComPtr<IAudioSessionEnumerator> sessions = list_sessions(device.get(), count, error);
    if (!sessions) continue;
    for (int i = 0; i < count && i < kMaxSessionsPerEndpoint; ++i) {
      ComPtr<IAudioSessionControl> session;
      if (FAILED(sessions->GetSession(i, session.put()))) continue;
      Stream stream;
      if (!read_session(session.get(), stream)) continue;
      stream.index = static_cast<std::uint32_t>(streams.size());
      stream.source = endpoint.name;
      stream.source_index = endpoint.index;
      streams.push_back(std::move(stream));
    }
  }
  return streams;
}

std::vector<ComPtr<ISimpleAudioVolume>> session_volumes(const std::string& endpoint, std::int64_t pid,
                                                        std::string& error, bool& gone) {
  std::vector<ComPtr<ISimpleAudioVolume>> found;
  ComPtr<IMMDeviceEnumerator> enumerator;
  HRESULT hr = CoCreateInstance(__uuidof(MMDeviceEnumerator), nullptr, CLSCTX_ALL, __uuidof(IMMDeviceEnumerator),
                                enumerator.put_void());
  if (FAILED(hr)) {
    error = "the Windows audio service does not answer: " + describe_hresult(hr);
    return found;
  }
  ComPtr<IMMDevice> device;
  DWORD state = 0;
  if (FAILED(enumerator->GetDevice(to_wide(endpoint).c_str(), device.put())) || FAILED(device->GetState(&state)) ||
      state != DEVICE_STATE_ACTIVE) {
    gone = true;
    error = "the microphone " + endpoint + " is no longer there";
    return found;
  }
  int count = 0;
  const ComPtr<IAudioSessionEnumerator> sessions = list_sessions(device.get(), count, error);
  if (!sessions) return found;
  for (int i = 0; i < count && i < kMaxSessionsPerEndpoint; ++i) {
    ComPtr<IAudioSessionControl> session;
    ComPtr<IAudioSessionControl2> control;
    DWORD owner = 0;
    AudioSessionState session_state = AudioSessionStateExpired;
    if (FAILED(sessions->GetSession(i, session.put())) ||
        FAILED(session->QueryInterface(__uuidof(IAudioSessionControl2), control.put_void())) ||
        FAILED(control->GetProcessId(&owner)) || static_cast<std::int64_t>(owner) != pid ||
        FAILED(control->GetState(&session_state)) || session_state == AudioSessionStateExpired) {
      continue;
    }
    ComPtr<ISimpleAudioVolume> volume;
    if (SUCCEEDED(session->QueryInterface(__uuidof(ISimpleAudioVolume), volume.put_void()))) {
      found.push_back(std::move(volume));
    }
  }
  if (found.empty()) {
    gone = true;
    error = "process " + std::to_string(pid) + " no longer records from " + endpoint;
  }
  return found;
}

}  // namespace micdoctor::windows
