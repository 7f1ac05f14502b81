// WASAPI shared-mode capture for the microphone test: the endpoint's own mix
// format, converted to interleaved float, straight to the listener. Polled
// every 10 ms with every wait bounded: a device that vanishes, a service that
// stops, a stream that stalls or a device held exclusively ends the test with
// a reason, never a hang.
#include "platform/windows/windows_capture.hpp"

#include <audioclient.h>
#include <functiondiscoverykeys_devpkey.h>
#include <mmdeviceapi.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include "checks/windows_driver_text.hpp"
#include "platform/windows/windows_sessions.hpp"
#include "platform/windows/windows_util.hpp"

namespace micdoctor::windows {
namespace {

using Clock = std::chrono::steady_clock;

// The two WAVE_FORMAT_EXTENSIBLE sub-formats a shared-mode mix format uses
// (kSubtypePcm and _IEEE_FLOAT: the format tag in the first field).
constexpr GUID kSubtypePcm = {0x00000001, 0x0000, 0x0010, {0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71}};
constexpr GUID kSubtypeFloat = {0x00000003, 0x0000, 0x0010, {0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71}};

CaptureOutcome failed(std::string why, CaptureFormat format = {}, double seconds = 0) {
  CaptureOutcome outcome;
  outcome.ending = CaptureOutcome::Ending::failed;
  outcome.error = std::move(why);
  outcome.format = format;
  outcome.seconds_received = seconds;
  return outcome;
}

// The endpoint's "Allow applications to take exclusive control of this
// device" (Sound control panel > Properties > Advanced): a DWORD in its
// property store, 0 off; absent means Windows' default, allowed.
constexpr PROPERTYKEY kAllowExclusiveMode = {{0xb3f8fa53, 0x0004, 0x438e, {0x90, 0x03, 0x51, 0xa4, 0x6e, 0x13, 0x9b, 0xfc}}, 3};

std::optional<bool> exclusive_allowed(IPropertyStore* store) {
  PropVariant value;
  if (store == nullptr || FAILED(store->GetValue(kAllowExclusiveMode, value.put()))) return std::nullopt;
  switch (value.get().vt) {
    case VT_UI4: return value.get().ulVal != 0;
    case VT_I4: return value.get().lVal != 0;
    case VT_BOOL: return value.get().boolVal != VARIANT_FALSE;
    default: return std::nullopt;
  }
}

// AUDCLNT_E_DEVICE_IN_USE in words: who holds the microphone, as far as the
// session API tells (the sessions on this endpoint, active ones first), and
// the endpoint's exclusive-control setting.
std::string device_in_use(IMMDeviceEnumerator* enumerator, IMMDevice* device, const std::string& endpoint_id) {
  checks::ExclusiveModeFacts facts;
  ComPtr<IPropertyStore> store;
  if (SUCCEEDED(device->OpenPropertyStore(STGM_READ, store.put()))) {
    PropVariant name;
    if (SUCCEEDED(store->GetValue(PKEY_Device_FriendlyName, name.put())) && name.get().vt == VT_LPWSTR) {
      facts.microphone = to_utf8(name.get().pwszVal);
    }
    facts.exclusive_allowed = exclusive_allowed(store.get());
  }
  Source endpoint;
  endpoint.name = endpoint_id;
  endpoint.state = "active";
  const std::vector<Stream> sessions = read_sessions(enumerator, {endpoint}, facts.sessions_error);
  for (const bool active_only : {true, false}) {
    for (const Stream& s : sessions) {
      if (active_only == (s.session_state == "active")) facts.holders.push_back({s.application, s.process_id.value_or(0)});
    }
  }
  return checks::exclusive_mode_message(facts);
}

// Why the capture was refused; a device held exclusively says by whom.
std::string refused(HRESULT result, IMMDeviceEnumerator* enumerator, IMMDevice* device, const std::string& endpoint_id) {
  if (result == AUDCLNT_E_DEVICE_IN_USE) return device_in_use(enumerator, device, endpoint_id);
  return capture_error(result);
}

std::string endpoint_id(IMMDevice* device) {
  CoTaskString id;
  if (FAILED(device->GetId(id.put()))) return {};
  return to_utf8(id.get());
}

class FormatMemory {
 public:
  ~FormatMemory() { CoTaskMemFree(format_); }
  WAVEFORMATEX** put() { return &format_; }
  WAVEFORMATEX* get() const { return format_; }

 private:
  WAVEFORMATEX* format_ = nullptr;
};

}  // namespace

SampleType sample_type(const WAVEFORMATEX& format) {
  WORD tag = format.wFormatTag;
  if (tag == WAVE_FORMAT_EXTENSIBLE && format.cbSize >= 22) {
    const auto& extensible = reinterpret_cast<const WAVEFORMATEXTENSIBLE&>(format);
    if (IsEqualGUID(extensible.SubFormat, kSubtypeFloat)) tag = WAVE_FORMAT_IEEE_FLOAT;
    else if (IsEqualGUID(extensible.SubFormat, kSubtypePcm)) tag = WAVE_FORMAT_PCM;
  }
  if (tag == WAVE_FORMAT_IEEE_FLOAT && format.wBitsPerSample == 32) return SampleType::float32;
  if (tag == WAVE_FORMAT_PCM && format.wBitsPerSample == 16) return SampleType::int16;
  if (tag == WAVE_FORMAT_PCM && format.wBitsPerSample == 24) return SampleType::int24;
  if (tag == WAVE_FORMAT_PCM && format.wBitsPerSample == 32) return SampleType::int32;
  return SampleType::unsupported;
}

void to_float(const BYTE* data, std::size_t samples, SampleType type, std::vector<float>& out) {
  out.resize(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    switch (type) {
      case SampleType::float32: std::memcpy(&out[i], data + 4 * i, 4); break;
      case SampleType::int16: {
        std::int16_t v = 0;
        std::memcpy(&v, data + 2 * i, 2);
        out[i] = static_cast<float>(v) / 32768.0f;
        break;
      }
      case SampleType::int24: {
        const BYTE* p = data + 3 * i;
        const std::int32_t v = static_cast<std::int32_t>((static_cast<std::uint32_t>(p[2]) << 24) |
                                                         (static_cast<std::uint32_t>(p[1]) << 16) |
                                                         (static_cast<std::uint32_t>(p[0]) << 8)) >> 8;
        out[i] = static_cast<float>(v) / 8388608.0f;
        break;
      }
      case SampleType::int32: {
        std::int32_t v = 0;
        std::memcpy(&v, data + 4 * i, 4);
        out[i] = static_cast<float>(v) / 2147483648.0f;
        break;
      }
      case SampleType::unsupported: out[i] = 0.0f; break;
    }
  }
}

std::string capture_error(HRESULT result) {
  switch (result) {
    case AUDCLNT_E_DEVICE_INVALIDATED: return "the microphone disappeared (unplugged or disabled)";
    case AUDCLNT_E_DEVICE_IN_USE: return "the microphone is busy: another program holds it exclusively";
    case AUDCLNT_E_SERVICE_NOT_RUNNING: return "the Windows audio service stopped";
    case E_ACCESSDENIED: return "Windows denied access to the microphone (check the microphone privacy settings)";
    default: return "recording failed: " + describe_hresult(result);
  }
}

CaptureOutcome capture(const CaptureRequest& request, CaptureListener& listener, const std::atomic<bool>& stop) {
  const ComScope com;
  if (!com.ok()) return failed("COM could not be initialised");
  ComPtr<IMMDeviceEnumerator> enumerator;
  HRESULT hr = CoCreateInstance(__uuidof(MMDeviceEnumerator), nullptr, CLSCTX_ALL, __uuidof(IMMDeviceEnumerator),
                                enumerator.put_void());
  if (FAILED(hr)) return failed("the Windows audio service does not answer: " + describe_hresult(hr));
  ComPtr<IMMDevice> device;
  hr = request.source.empty() ? enumerator->GetDefaultAudioEndpoint(eCapture, eCommunications, device.put())
                              : enumerator->GetDevice(to_wide(request.source).c_str(), device.put());
  if (FAILED(hr)) return failed("the microphone is not there: " + describe_hresult(hr));
  const std::string id = endpoint_id(device.get());
  const auto refusal = [&](HRESULT result) { return refused(result, enumerator.get(), device.get(), id); };
  ComPtr<IAudioClient> client;
  hr = device->Activate(__uuidof(IAudioClient), CLSCTX_ALL, nullptr, client.put_void());
  if (FAILED(hr)) return failed(refusal(hr));
  FormatMemory mix;
  hr = client->GetMixFormat(mix.put());
  if (FAILED(hr) || mix.get() == nullptr) return failed(capture_error(hr));
  const WAVEFORMATEX& format = *mix.get();
  const CaptureFormat capture_format{static_cast<int>(format.nSamplesPerSec), format.nChannels};
  const SampleType type = sample_type(format);
  if (type == SampleType::unsupported || format.nChannels == 0 || format.nChannels > 8 || format.nSamplesPerSec < 8000 ||
      format.nSamplesPerSec > 192000) {
    return failed("the microphone's format is not one micdoctor can analyse (" + std::to_string(format.nChannels) +
                      " channels, " + std::to_string(format.nSamplesPerSec) + " Hz, " +
                      std::to_string(format.wBitsPerSample) + " bits)",
                  capture_format);
  }
  constexpr REFERENCE_TIME kBuffer = 2000000;  // 200 ms, in 100 ns units
  hr = client->Initialize(AUDCLNT_SHAREMODE_SHARED, 0, kBuffer, 0, mix.get(), nullptr);
  if (FAILED(hr)) return failed(refusal(hr), capture_format);
  ComPtr<IAudioCaptureClient> capture_client;
  hr = client->GetService(__uuidof(IAudioCaptureClient), capture_client.put_void());
  if (FAILED(hr)) return failed(capture_error(hr), capture_format);
  listener.on_start(capture_format);
  hr = client->Start();
  if (FAILED(hr)) return failed(refusal(hr), capture_format);

  const double rate = capture_format.sample_rate;
  const auto wanted_frames = static_cast<std::uint64_t>(request.seconds * rate);
  std::uint64_t frames = 0;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(request.seconds)) +
                        request.late_allowance;
  auto last_audio = start;
  auto next_tick = start;
  bool any_audio = false;
  double first_audio_after = 0;
  double longest_gap = 0;
  std::vector<float> block;
  const auto seconds = [&] { return static_cast<double>(frames) / rate; };
  CaptureOutcome outcome;
  outcome.format = capture_format;
  outcome.ending = CaptureOutcome::Ending::completed;
  while (frames < wanted_frames) {
    if (stop.load()) {
      outcome.ending = CaptureOutcome::Ending::interrupted;
      break;
    }
    UINT32 packet = 0;
    hr = capture_client->GetNextPacketSize(&packet);
    while (SUCCEEDED(hr) && packet > 0) {
      BYTE* data = nullptr;
      UINT32 available = 0;
      DWORD flags = 0;
      hr = capture_client->GetBuffer(&data, &available, &flags, nullptr, nullptr);
      if (FAILED(hr)) break;
      const std::size_t samples = static_cast<std::size_t>(available) * capture_format.channels;
      if ((flags & AUDCLNT_BUFFERFLAGS_SILENT) != 0 || data == nullptr) block.assign(samples, 0.0f);
      else to_float(data, samples, type, block);
      capture_client->ReleaseBuffer(available);
      if (available > 0) {
        const auto now = Clock::now();
        if (!any_audio) first_audio_after = std::chrono::duration<double>(now - start).count();
        else longest_gap = std::max(longest_gap, std::chrono::duration<double>(now - last_audio).count());
        any_audio = true;
        last_audio = now;
        listener.on_audio(block);
        frames += available;
      }
      hr = capture_client->GetNextPacketSize(&packet);
    }
    if (FAILED(hr)) {
      client->Stop();
      CaptureOutcome fault = failed(capture_error(hr), capture_format, seconds());
      fault.first_audio_after_s = first_audio_after;
      fault.longest_gap_s = longest_gap;
      return fault;
    }
    const auto now = Clock::now();
    if (now >= next_tick) {
      listener.on_tick(seconds(), request.seconds);
      next_tick = now + std::chrono::milliseconds(50);
    }
    const auto allowed = any_audio ? request.stall_timeout : request.first_audio_timeout;
    if (now - last_audio > allowed) {
      client->Stop();
      return failed(any_audio ? "the microphone stopped delivering audio" : "the microphone delivered no audio at all",
                    capture_format, seconds());
    }
    if (now >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  client->Stop();
  outcome.seconds_received = seconds();
  outcome.first_audio_after_s = first_audio_after;
  outcome.longest_gap_s = longest_gap;
  return outcome;
}

}  // namespace micdoctor::windows
