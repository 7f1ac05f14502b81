// `micdoctor watch` on Windows: sleeps on the audio system's notifications
// and meters one endpoint, all in this one thread.
//
// Windows calls the callbacks on threads of its own. Each callback only sets
// one event (IMMNotificationClient: devices added, removed, state and default
// changes; IAudioEndpointVolumeCallback: an endpoint's volume or mute;
// IAudioSessionNotification and IAudioSessionEvents: an app's session
// appearing, starting or stopping, its mute or volume). The loop waits on
// that event and on the meter's WASAPI event (250 ms at most, to notice
// `stop`), re-reads the endpoints and sessions, hands them to the feed and
// registers again for what is there now. Changes arriving together are read
// as one (at most one reading per 100 ms).
#include <audioclient.h>
#include <audiopolicy.h>
#include <endpointvolume.h>
#include <mmdeviceapi.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "platform/platform.hpp"
#include "platform/windows/windows_capture.hpp"
#include "platform/windows/windows_snapshot.hpp"
#include "platform/windows/windows_util.hpp"

namespace micdoctor::windows {
namespace {

using Clock = std::chrono::steady_clock;

constexpr DWORD kStopCheckMs = 250;
constexpr auto kReadingGap = std::chrono::milliseconds(100);
constexpr int kMaxPacketsPerWake = 256;
// A shared-mode capture stream delivers a packet every few milliseconds,
// silence included: none for this long means it is dead (the audio service
// or, under Wine, the PulseAudio server behind it went away without a word).
constexpr auto kStallTimeout = std::chrono::milliseconds(1000);
constexpr auto kFirstAudioTimeout = std::chrono::milliseconds(3000);

// A COM callback object that sets an event when called. It holds its own
// duplicate of the event handle, so a call that arrives late (after
// unregistering, while Windows still holds a reference) is harmless.
template <typename Interface>
class Notifier : public Interface {
 public:
  explicit Notifier(HANDLE event) {
    if (!DuplicateHandle(GetCurrentProcess(), event, GetCurrentProcess(), &event_, 0, FALSE, DUPLICATE_SAME_ACCESS)) {
      event_ = nullptr;
    }
  }
  virtual ~Notifier() {
    if (event_ != nullptr) CloseHandle(event_);
  }
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  ULONG STDMETHODCALLTYPE AddRef() override { return static_cast<ULONG>(InterlockedIncrement(&refs_)); }
  ULONG STDMETHODCALLTYPE Release() override {
    const LONG left = InterlockedDecrement(&refs_);
    if (left == 0) delete this;
    return static_cast<ULONG>(left);
  }
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (out == nullptr) return E_POINTER;
    if (IsEqualIID(iid, __uuidof(IUnknown)) || IsEqualIID(iid, __uuidof(Interface))) {
      *out = static_cast<Interface*>(this);
      AddRef();
      return S_OK;
    }
    *out = nullptr;
    return E_NOINTERFACE;
  }

 protected:
  HRESULT notify() {
    if (event_ != nullptr) SetEvent(event_);
    return S_OK;
  }

 private:
  HANDLE event_ = nullptr;
  LONG refs_ = 1;
};

class DeviceNotifier : public Notifier<IMMNotificationClient> {
 public:
  using Notifier::Notifier;
  HRESULT STDMETHODCALLTYPE OnDeviceStateChanged(LPCWSTR, DWORD) override { return notify(); }
  HRESULT STDMETHODCALLTYPE OnDeviceAdded(LPCWSTR) override { return notify(); }
  HRESULT STDMETHODCALLTYPE OnDeviceRemoved(LPCWSTR) override { return notify(); }
  HRESULT STDMETHODCALLTYPE OnDefaultDeviceChanged(EDataFlow flow, ERole, LPCWSTR) override {
    return flow == eRender ? S_OK : notify();
  }
  // Property changes (names, formats, jack details) come in bursts and say
  // nothing watch reports; volume and mute come through the volume callback.
  HRESULT STDMETHODCALLTYPE OnPropertyValueChanged(LPCWSTR, const PROPERTYKEY) override { return S_OK; }
};

class VolumeNotifier : public Notifier<IAudioEndpointVolumeCallback> {
 public:
  using Notifier::Notifier;
  HRESULT STDMETHODCALLTYPE OnNotify(PAUDIO_VOLUME_NOTIFICATION_DATA) override { return notify(); }
};

class SessionCreatedNotifier : public Notifier<IAudioSessionNotification> {
 public:
  using Notifier::Notifier;
  HRESULT STDMETHODCALLTYPE OnSessionCreated(IAudioSessionControl*) override { return notify(); }
};

class SessionNotifier : public Notifier<IAudioSessionEvents> {
 public:
  using Notifier::Notifier;
  HRESULT STDMETHODCALLTYPE OnDisplayNameChanged(LPCWSTR, LPCGUID) override { return notify(); }
  HRESULT STDMETHODCALLTYPE OnIconPathChanged(LPCWSTR, LPCGUID) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE OnSimpleVolumeChanged(float, BOOL, LPCGUID) override { return notify(); }
  HRESULT STDMETHODCALLTYPE OnChannelVolumeChanged(DWORD, float*, DWORD, LPCGUID) override { return notify(); }
  HRESULT STDMETHODCALLTYPE OnGroupingParamChanged(LPCGUID, LPCGUID) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE OnStateChanged(AudioSessionState) override { return notify(); }
  HRESULT STDMETHODCALLTYPE OnSessionDisconnected(AudioSessionDisconnectReason) override { return notify(); }
};

// One registration of a callback with the object that calls it; undone when
// it goes.
template <typename Source, typename Callback, HRESULT (STDMETHODCALLTYPE Source::*Unregister)(Callback*)>
class Registered {
 public:
  Registered(ComPtr<Source> source, Callback* callback) : source_(std::move(source)), callback_(callback) {}
  ~Registered() {
    if (source_) (source_.get()->*Unregister)(callback_);
  }
  Registered(Registered&&) noexcept = default;
  Registered& operator=(Registered&&) = delete;
  Registered(const Registered&) = delete;
  Registered& operator=(const Registered&) = delete;

 private:
  ComPtr<Source> source_;
  Callback* callback_;
};

using VolumeRegistration =
    Registered<IAudioEndpointVolume, IAudioEndpointVolumeCallback, &IAudioEndpointVolume::UnregisterControlChangeNotify>;
using SessionListRegistration = Registered<IAudioSessionManager2, IAudioSessionNotification,
                                           &IAudioSessionManager2::UnregisterSessionNotification>;
using SessionRegistration =
    Registered<IAudioSessionControl, IAudioSessionEvents, &IAudioSessionControl::UnregisterAudioSessionNotification>;

struct Callbacks {
  explicit Callbacks(HANDLE event)
      : devices(new DeviceNotifier(event)),
        volumes(new VolumeNotifier(event)),
        session_list(new SessionCreatedNotifier(event)),
        sessions(new SessionNotifier(event)) {}
  ~Callbacks() {
    devices->Release();
    volumes->Release();
    session_list->Release();
    sessions->Release();
  }
  Callbacks(const Callbacks&) = delete;
  Callbacks& operator=(const Callbacks&) = delete;
  DeviceNotifier* devices;
  VolumeNotifier* volumes;
  SessionCreatedNotifier* session_list;
  SessionNotifier* sessions;
};

// What is registered for the endpoints and sessions there are now. Replaced
// after every reading (cleared first: the old registrations go before the
// new ones are made).
struct Registrations {
  std::vector<VolumeRegistration> volumes;
  std::vector<SessionListRegistration> session_lists;
  std::vector<SessionRegistration> sessions;

  void clear() {
    sessions.clear();
    session_lists.clear();
    volumes.clear();
  }
};

void register_sessions(IMMDevice* device, const Callbacks& callbacks, Registrations& out) {
  ComPtr<IAudioSessionManager2> manager;
  if (FAILED(device->Activate(__uuidof(IAudioSessionManager2), CLSCTX_ALL, nullptr, manager.put_void()))) return;
  // Windows sends OnSessionCreated only after the list was asked for once.
  ComPtr<IAudioSessionEnumerator> list;
  const HRESULT listed = manager->GetSessionEnumerator(list.put());
  if (SUCCEEDED(manager->RegisterSessionNotification(callbacks.session_list))) {
    out.session_lists.emplace_back(std::move(manager), callbacks.session_list);
  }
  int count = 0;
  if (FAILED(listed) || FAILED(list->GetCount(&count))) return;
  for (int i = 0; i < count && i < 256; ++i) {
    ComPtr<IAudioSessionControl> session;
    if (FAILED(list->GetSession(i, session.put()))) continue;
    if (SUCCEEDED(session->RegisterAudioSessionNotification(callbacks.sessions))) {
      out.sessions.emplace_back(std::move(session), callbacks.sessions);
    }
  }
}

void register_endpoints(IMMDeviceEnumerator* enumerator, const SystemSnapshot& state, const Callbacks& callbacks,
                        Registrations& out) {
  out.clear();
  for (const Source& endpoint : state.sources) {
    if (endpoint.state != "active") continue;
    ComPtr<IMMDevice> device;
    if (FAILED(enumerator->GetDevice(to_wide(endpoint.name).c_str(), device.put()))) continue;
    ComPtr<IAudioEndpointVolume> volume;
    if (SUCCEEDED(device->Activate(__uuidof(IAudioEndpointVolume), CLSCTX_ALL, nullptr, volume.put_void())) &&
        SUCCEEDED(volume->RegisterControlChangeNotify(callbacks.volumes))) {
      out.volumes.emplace_back(std::move(volume), callbacks.volumes);
    }
    register_sessions(device.get(), callbacks, out);
  }
}

class FormatMemory {
 public:
  FormatMemory() = default;
  ~FormatMemory() { CoTaskMemFree(format_); }
  FormatMemory(const FormatMemory&) = delete;
  FormatMemory& operator=(const FormatMemory&) = delete;
  WAVEFORMATEX** put() { return &format_; }
  WAVEFORMATEX* get() const { return format_; }

 private:
  WAVEFORMATEX* format_ = nullptr;
};

// The level meter: WASAPI shared-mode capture of one endpoint, event driven
// (the endpoint's buffer-ready event is one of the loop's wait handles).
class Meter {
 public:
  Meter() : ready_(CreateEventW(nullptr, FALSE, FALSE, nullptr)) {}

  const std::string& source() const { return source_; }
  bool running() const { return static_cast<bool>(capture_); }
  HANDLE ready() const { return ready_.get(); }

  // "" when it started; else why not.
  std::string start(IMMDeviceEnumerator* enumerator, const std::string& source, CaptureFormat& format, HRESULT& hr) {
    stop();
    ComPtr<IMMDevice> device;
    hr = enumerator->GetDevice(to_wide(source).c_str(), device.put());
    if (FAILED(hr)) return "the microphone is not there: " + describe_hresult(hr);
    hr = device->Activate(__uuidof(IAudioClient), CLSCTX_ALL, nullptr, client_.put_void());
    if (FAILED(hr)) return capture_error(hr);
    FormatMemory mix;
    hr = client_->GetMixFormat(mix.put());
    if (FAILED(hr) || mix.get() == nullptr) return capture_error(hr);
    const WAVEFORMATEX& wave = *mix.get();
    type_ = sample_type(wave);
    format = CaptureFormat{static_cast<int>(wave.nSamplesPerSec), wave.nChannels};
    if (type_ == SampleType::unsupported || wave.nChannels == 0 || wave.nChannels > 8) {
      client_.reset();
      return "the microphone's format is not one micdoctor can meter";
    }
    constexpr REFERENCE_TIME kBuffer = 2000000;  // 200 ms, in 100 ns units
    hr = client_->Initialize(AUDCLNT_SHAREMODE_SHARED, AUDCLNT_STREAMFLAGS_EVENTCALLBACK, kBuffer, 0, mix.get(), nullptr);
    if (SUCCEEDED(hr)) hr = client_->SetEventHandle(ready_.get());
    if (SUCCEEDED(hr)) hr = client_->GetService(__uuidof(IAudioCaptureClient), capture_.put_void());
    if (SUCCEEDED(hr)) hr = client_->Start();
    if (FAILED(hr)) {
      capture_.reset();
      client_.reset();
      return capture_error(hr);
    }
    channels_ = wave.nChannels;
    source_ = source;
    started_ = last_packet_ = Clock::now();
    any_audio_ = false;
    return {};
  }

  // No packet for too long (see kStallTimeout).
  bool stalled(Clock::time_point now) const {
    if (!capture_) return false;
    return any_audio_ ? now - last_packet_ > kStallTimeout : now - started_ > kFirstAudioTimeout;
  }

  void stop() {
    if (client_) client_->Stop();
    capture_.reset();
    client_.reset();
    source_.clear();
  }

  // Hands what arrived to the feed; a failure's HRESULT otherwise.
  HRESULT drain(WatchFeed& feed) {
    if (!capture_) return S_OK;
    UINT32 packet = 0;
    HRESULT hr = capture_->GetNextPacketSize(&packet);
    for (int i = 0; SUCCEEDED(hr) && packet > 0 && i < kMaxPacketsPerWake; ++i) {
      BYTE* data = nullptr;
      UINT32 frames = 0;
      DWORD flags = 0;
      hr = capture_->GetBuffer(&data, &frames, &flags, nullptr, nullptr);
      if (FAILED(hr)) break;
      const std::size_t samples = static_cast<std::size_t>(frames) * channels_;
      if ((flags & AUDCLNT_BUFFERFLAGS_SILENT) != 0 || data == nullptr) block_.assign(samples, 0.0f);
      else to_float(data, samples, type_, block_);
      capture_->ReleaseBuffer(frames);
      if (frames > 0) {
        any_audio_ = true;
        last_packet_ = Clock::now();
        feed.on_audio(block_);
      }
      hr = capture_->GetNextPacketSize(&packet);
    }
    return hr;
  }

 private:
  Handle ready_;
  ComPtr<IAudioClient> client_;
  ComPtr<IAudioCaptureClient> capture_;
  SampleType type_ = SampleType::unsupported;
  std::size_t channels_ = 0;
  std::string source_;
  std::vector<float> block_;
  Clock::time_point started_{};
  Clock::time_point last_packet_{};
  bool any_audio_ = false;
};

WatchOutcome ended(WatchOutcome::Ending ending, std::string error = {}) {
  WatchOutcome outcome;
  outcome.ending = ending;
  outcome.error = std::move(error);
  return outcome;
}

bool service_gone(HRESULT hr) { return hr == AUDCLNT_E_SERVICE_NOT_RUNNING; }

class Watcher {
 public:
  Watcher(IMMDeviceEnumerator* enumerator, WatchFeed& feed, HANDLE changed)
      : enumerator_(enumerator), feed_(feed), callbacks_(changed) {}
  ~Watcher() {
    registrations_.clear();
    if (devices_registered_) enumerator_->UnregisterEndpointNotificationCallback(callbacks_.devices);
  }
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  bool listen() {
    devices_registered_ = SUCCEEDED(enumerator_->RegisterEndpointNotificationCallback(callbacks_.devices));
    return devices_registered_;
  }
  const Meter& meter() const { return meter_; }

  // Reads the state, hands it over and follows it with the meter and the
  // registrations; false (with `lost`) when the audio system is gone.
  bool read(std::string& lost) {
    const SystemSnapshot state = read_windows_audio_state();
    if (!state.server.reachable) {
      lost = state.server.error;
      return false;
    }
    register_endpoints(enumerator_, state, callbacks_, registrations_);
    // Windows keeps an unplugged or disabled endpoint in its list; for the
    // watch it is gone (device.removed), and back when it is active again.
    SystemSnapshot present = state;
    std::erase_if(present.sources, [](const Source& source) { return source.state != "active"; });
    feed_.on_state(present);
    return follow_meter(lost);
  }

  // Audio arrived (or the meter failed); false (with `lost`) when the audio system is gone.
  bool drain(bool& reread, std::string& lost) {
    const HRESULT hr = meter_.drain(feed_);
    if (SUCCEEDED(hr)) return true;
    const std::string source = meter_.source();
    meter_.stop();
    failed_source_ = source;
    feed_.on_meter_stop(source, capture_error(hr));
    if (service_gone(hr)) {
      lost = capture_error(hr);
      return false;
    }
    reread = true;  // the endpoint went: the state says what happened
    return true;
  }

  // A meter that stopped delivering: opened again once (until the next
  // change) and said; false (with `lost`) when the audio service is gone.
  bool check_meter(std::string& lost) {
    if (!meter_.stalled(Clock::now())) return true;
    const std::string source = meter_.source();
    const std::string why = "the microphone stopped delivering audio";
    meter_.stop();
    failed_source_ = source;
    if (restarted_after_stall_) {
      feed_.on_meter_stop(source, why);
      return true;
    }
    restarted_after_stall_ = true;
    CaptureFormat format;
    HRESULT hr = S_OK;
    const std::string error = meter_.start(enumerator_, source, format, hr);
    if (!error.empty()) {
      feed_.on_meter_stop(source, why + ", and opening it again failed: " + error);
      if (service_gone(hr)) lost = error;
      return !service_gone(hr);
    }
    failed_source_.clear();
    feed_.on_meter_stop(source, why + "; metering it again");
    feed_.on_meter_start(source, format);
    return true;
  }

 private:
  bool follow_meter(std::string& lost) {
    const std::string wanted = feed_.source_to_meter();
    if (wanted == meter_.source() && (meter_.running() || wanted.empty())) return true;
    if (meter_.running()) {
      const std::string old = meter_.source();
      meter_.stop();
      feed_.on_meter_stop(old, wanted.empty() ? "there is no microphone to meter now"
                                              : "the microphone to meter changed");
    }
    if (wanted.empty()) return true;
    CaptureFormat format;
    HRESULT hr = S_OK;
    const std::string error = meter_.start(enumerator_, wanted, format, hr);
    restarted_after_stall_ = false;
    if (error.empty()) {
      failed_source_.clear();
      feed_.on_meter_start(wanted, format);
      return true;
    }
    if (wanted != failed_source_) feed_.on_meter_stop(wanted, error);  // said once, retried on every change
    failed_source_ = wanted;
    if (service_gone(hr)) {
      lost = error;
      return false;
    }
    return true;
  }

  IMMDeviceEnumerator* enumerator_;
  WatchFeed& feed_;
  Callbacks callbacks_;
  bool devices_registered_ = false;
  Registrations registrations_;
  Meter meter_;
  std::string failed_source_;
  bool restarted_after_stall_ = false;
};

WatchOutcome watch_endpoints(const WatchRequest& request, WatchFeed& feed, const std::atomic<bool>& stop) {
  const ComScope com;
  if (!com.ok()) return ended(WatchOutcome::Ending::failed, "COM could not be initialised");
  ComPtr<IMMDeviceEnumerator> enumerator;
  const HRESULT hr = CoCreateInstance(__uuidof(MMDeviceEnumerator), nullptr, CLSCTX_ALL, __uuidof(IMMDeviceEnumerator),
                                      enumerator.put_void());
  if (FAILED(hr)) {
    return ended(WatchOutcome::Ending::failed,
                 "the Windows audio service does not answer: " + describe_hresult(hr));
  }
  const Handle changed(CreateEventW(nullptr, FALSE, FALSE, nullptr));
  if (!changed.valid()) return ended(WatchOutcome::Ending::failed, "no event could be created");
  Watcher watcher(enumerator.get(), feed, changed.get());
  if (!watcher.listen()) {
    return ended(WatchOutcome::Ending::failed, "Windows does not report device changes to micdoctor");
  }
  std::string lost;
  if (!watcher.read(lost)) return ended(WatchOutcome::Ending::server_lost, lost);

  const auto start = Clock::now();
  const bool timed = request.seconds > 0;
  const auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timed ? request.seconds : 0));
  auto last_reading = start;
  bool pending = false;
  while (true) {
    if (stop.load()) return ended(WatchOutcome::Ending::interrupted);
    auto now = Clock::now();
    if (timed && now >= deadline) return ended(WatchOutcome::Ending::completed);
    if (pending && now - last_reading >= kReadingGap) {
      pending = false;
      last_reading = now;
      if (!watcher.read(lost)) return ended(WatchOutcome::Ending::server_lost, lost);
    }
    auto wait = std::chrono::milliseconds(kStopCheckMs);
    if (timed) wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) +
                                         std::chrono::milliseconds(1));
    if (pending) {
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(kReadingGap - (now - last_reading)) +
                                std::chrono::milliseconds(1));
    }
    const HANDLE handles[2] = {changed.get(), watcher.meter().ready()};
    const DWORD count = watcher.meter().running() ? 2 : 1;
    const DWORD woke = WaitForMultipleObjects(count, handles, FALSE,
                                              static_cast<DWORD>(std::max<std::int64_t>(0, wait.count())));
    if (woke == WAIT_OBJECT_0) {
      pending = true;
    } else if (woke == WAIT_OBJECT_0 + 1) {
      bool reread = false;
      if (!watcher.drain(reread, lost)) return ended(WatchOutcome::Ending::server_lost, lost);
      pending = pending || reread;
    }
    if (!watcher.check_meter(lost)) return ended(WatchOutcome::Ending::server_lost, lost);
    if (woke == WAIT_FAILED) {
      return ended(WatchOutcome::Ending::failed, "waiting for the audio system failed: " +
                                                     describe_hresult(HRESULT_FROM_WIN32(GetLastError())));
    }
  }
}

}  // namespace
}  // namespace micdoctor::windows

namespace micdoctor::platform {

WatchOutcome watch(const WatchRequest& request, WatchFeed& feed, const std::atomic<bool>& stop) {
  return windows::watch_endpoints(request, feed, stop);
}

}  // namespace micdoctor::platform
