// audiofile/audio_file.hpp on Windows: recordings decoded by Media Foundation
// (IMFSourceReader), so `micdoctor analyze` reads what Windows itself plays:
// WAV, FLAC, MP3, M4A/AAC, WMA. PCM and float are taken as the file stores
// them and converted here (the same numbers libsndfile gives on Linux);
// compressed streams are decoded to 32-bit float by the reader. Headerless
// files (--raw) are read directly. Every failure is an AudioFileError with a
// one-line reason.
//
// Each AudioFile holds COM and Media Foundation for its own lifetime, on the
// thread that opened it (analyze opens, reads and closes a file on one worker
// thread); MFStartup and CoInitializeEx are reference-counted, so files open
// side by side on several threads.
#include "audiofile/audio_file.hpp"

#include <windows.h>
#include <mfapi.h>
#include <mferror.h>
#include <mfidl.h>
#include <mfreadwrite.h>
#include <shlwapi.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <vector>

#include "analysis/signal_analyzer.hpp"
#include "audiofile/audio_limits.hpp"
#include "platform/windows/windows_util.hpp"

// In mfplat since Windows 7, missing from mingw-w64's mfidl.h.
extern "C" HRESULT WINAPI MFCreateMFByteStreamOnStream(IStream* stream, IMFByteStream** byte_stream);

namespace micdoctor {
namespace {

using windows::ComPtr;
using windows::describe_hresult;

// How one sample is stored.
struct SampleEncoding {
  int bytes = 2;
  bool is_float = false;
  bool is_signed = true;  // only 8-bit PCM is unsigned (WAV)
  bool big_endian = false;
};

const std::map<std::string, SampleEncoding>& raw_encodings() {
  static const std::map<std::string, SampleEncoding> table = {
      {"s8", {1, false, true, false}},    {"u8", {1, false, false, false}},   {"s16le", {2, false, true, false}},
      {"s16be", {2, false, true, true}},  {"s24le", {3, false, true, false}}, {"s24be", {3, false, true, true}},
      {"s32le", {4, false, true, false}}, {"s32be", {4, false, true, true}},  {"f32le", {4, true, true, false}},
      {"f32be", {4, true, true, true}},   {"f64le", {8, true, true, false}},  {"f64be", {8, true, true, true}},
  };
  return table;
}

// One stored sample as a float at full scale 1.0.
float to_float(const unsigned char* at, const SampleEncoding& encoding) {
  unsigned char little[8];
  for (int i = 0; i < encoding.bytes; ++i) little[i] = encoding.big_endian ? at[encoding.bytes - 1 - i] : at[i];
  if (encoding.is_float) {
    if (encoding.bytes == 4) {
      float value = 0;
      std::memcpy(&value, little, sizeof value);
      return value;
    }
    double value = 0;
    std::memcpy(&value, little, sizeof value);
    return static_cast<float>(value);
  }
  std::uint32_t bits = 0;
  for (int i = 0; i < encoding.bytes; ++i) bits |= static_cast<std::uint32_t>(little[i]) << (8 * i);
  const int width = 8 * encoding.bytes;
  std::int64_t value = bits;
  if (!encoding.is_signed) {
    value -= std::int64_t{1} << (width - 1);
  } else if (bits & (std::uint32_t{1} << (width - 1))) {
    value -= std::int64_t{1} << width;
  }
  return static_cast<float>(static_cast<double>(value) / static_cast<double>(std::int64_t{1} << (width - 1)));
}

// MFStartup for the object's lifetime (after COM, before the reader).
class MediaFoundationScope {
 public:
  MediaFoundationScope() : result_(MFStartup(MF_VERSION, MFSTARTUP_LITE)) {}
  ~MediaFoundationScope() {
    if (SUCCEEDED(result_)) MFShutdown();
  }
  MediaFoundationScope(const MediaFoundationScope&) = delete;
  MediaFoundationScope& operator=(const MediaFoundationScope&) = delete;
  HRESULT result() const { return result_; }

 private:
  HRESULT result_;
};

// A media buffer's bytes, locked for the object's lifetime.
class LockedBuffer {
 public:
  explicit LockedBuffer(IMFMediaBuffer* buffer) : buffer_(buffer) {
    if (FAILED(buffer_->Lock(&data_, nullptr, &length_))) data_ = nullptr;
  }
  ~LockedBuffer() {
    if (data_ != nullptr) buffer_->Unlock();
  }
  LockedBuffer(const LockedBuffer&) = delete;
  LockedBuffer& operator=(const LockedBuffer&) = delete;
  const unsigned char* data() const { return data_; }
  std::size_t size() const { return data_ != nullptr ? length_ : 0; }

 private:
  IMFMediaBuffer* buffer_;
  BYTE* data_ = nullptr;
  DWORD length_ = 0;
};

// A FILE* for --raw, closed on every path.
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

constexpr DWORD kAudioStream = static_cast<DWORD>(MF_SOURCE_READER_FIRST_AUDIO_STREAM);

// RIFF/WAVE or RF64/WAVE: a container whose header states the length of its
// PCM exactly (other containers' durations are estimates, and decoders trim
// their priming samples).
bool is_wav_header(std::span<const unsigned char> head) {
  if (head.size() < 12) return false;
  const std::string riff(head.begin(), head.begin() + 4);
  const std::string wave(head.begin() + 8, head.begin() + 12);
  return (riff == "RIFF" || riff == "RF64") && wave == "WAVE";
}

bool file_is_wav(const std::wstring& path) {
  const std::unique_ptr<std::FILE, FileCloser> file(_wfopen(path.c_str(), L"rb"));
  unsigned char head[12] = {};
  return file && std::fread(head, 1, sizeof head, file.get()) == sizeof head && is_wav_header(head);
}

std::string open_failure_reason(HRESULT result) {
  if (result == MF_E_UNSUPPORTED_BYTESTREAM_TYPE || result == MF_E_UNSUPPORTED_FORMAT ||
      result == MF_E_INVALID_FORMAT) {
    return "not an audio file (format not recognised)";
  }
  if (result == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) || result == HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)) {
    return "no such file";
  }
  if (result == E_ACCESSDENIED) return "cannot read: permission denied";
  return "not an audio file Windows can decode: " + describe_hresult(result);
}

std::string subtype_name(const GUID& subtype, UINT32 bits) {
  if (subtype == MFAudioFormat_PCM) return std::to_string(bits) + "-bit PCM";
  if (subtype == MFAudioFormat_Float) return std::to_string(bits) + "-bit float";
  if (subtype == MFAudioFormat_FLAC) return "FLAC";
  if (subtype == MFAudioFormat_MP3 || subtype == MFAudioFormat_MPEG) return "MPEG audio (MP3)";
  if (subtype == MFAudioFormat_AAC) return "AAC";
  if (subtype == MFAudioFormat_ALAC) return "ALAC";
  if (subtype == MFAudioFormat_Opus) return "Opus";
  if (subtype == MFAudioFormat_WMAudioV8 || subtype == MFAudioFormat_WMAudioV9 ||
      subtype == MFAudioFormat_WMAudio_Lossless) {
    return "Windows Media Audio";
  }
  return "compressed audio";
}

UINT32 attribute_or(IMFMediaType* type, const GUID& key, UINT32 fallback) {
  UINT32 value = 0;
  return SUCCEEDED(type->GetUINT32(key, &value)) ? value : fallback;
}

// What the reader hands out: a change in the middle of the file is only
// accepted when it changes none of these.
struct Delivered {
  GUID subtype{};
  UINT32 channels = 0;
  UINT32 rate = 0;
  UINT32 bits = 0;
  bool operator==(const Delivered& other) const {
    return IsEqualGUID(subtype, other.subtype) && channels == other.channels && rate == other.rate &&
           bits == other.bits;
  }
};

Delivered delivered_by(IMFSourceReader* reader) {
  Delivered delivered;
  ComPtr<IMFMediaType> current;
  if (FAILED(reader->GetCurrentMediaType(kAudioStream, current.put()))) return delivered;
  current->GetGUID(MF_MT_SUBTYPE, &delivered.subtype);
  delivered.channels = attribute_or(current.get(), MF_MT_AUDIO_NUM_CHANNELS, 0);
  delivered.rate = attribute_or(current.get(), MF_MT_AUDIO_SAMPLES_PER_SECOND, 0);
  delivered.bits = attribute_or(current.get(), MF_MT_AUDIO_BITS_PER_SAMPLE, 0);
  return delivered;
}

}  // namespace

void validate_raw_encoding(const std::string& encoding) { audio_limits::check_raw_encoding(encoding, raw_encodings()); }

struct AudioFile::Handle {
  // Declared in the order they are set up: destroyed reader first, COM last.
  windows::ComScope com;
  MediaFoundationScope media_foundation;
  ComPtr<IStream> memory;       // open_memory: the bytes as a stream
  ComPtr<IMFSourceReader> reader;
  std::unique_ptr<std::FILE, FileCloser> raw_file;  // --raw: read directly
  SampleEncoding encoding;      // what the bytes below hold
  std::vector<unsigned char> pending;  // decoded bytes not yet handed out
  std::size_t pending_at = 0;
  bool ended = false;
  bool exact_length = false;         // WAV with PCM or float as stored: its header's length is exact
  std::int64_t promised_frames = 0;  // the length Media Foundation reports, in frames
  std::int64_t frames_read = 0;
  bool wav = false;  // a RIFF/RF64 WAVE file (only its length is checked against the header)
  Delivered delivered;  // what the reader was set to hand out
};

AudioFile::AudioFile(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}
AudioFile::AudioFile(AudioFile&&) noexcept = default;
AudioFile& AudioFile::operator=(AudioFile&&) noexcept = default;
AudioFile::~AudioFile() = default;

namespace {

// The reader's first audio stream, set to hand out PCM or float this file
// converts itself; fills the info. Throws AudioFileError.
template <typename Handle>
AudioInfo configure_reader(Handle& handle) {
  IMFSourceReader* reader = handle.reader.get();
  reader->SetStreamSelection(static_cast<DWORD>(MF_SOURCE_READER_ALL_STREAMS), FALSE);
  if (FAILED(reader->SetStreamSelection(kAudioStream, TRUE))) throw AudioFileError("holds no audio stream");
  ComPtr<IMFMediaType> native;
  if (HRESULT result = reader->GetNativeMediaType(kAudioStream, 0, native.put()); FAILED(result)) {
    throw AudioFileError("holds no audio stream (" + describe_hresult(result) + ")");
  }
  GUID subtype{};
  native->GetGUID(MF_MT_SUBTYPE, &subtype);
  const UINT32 channels = attribute_or(native.get(), MF_MT_AUDIO_NUM_CHANNELS, 0);
  UINT32 rate = attribute_or(native.get(), MF_MT_AUDIO_SAMPLES_PER_SECOND, 0);
  const UINT32 bits = attribute_or(native.get(), MF_MT_AUDIO_BITS_PER_SAMPLE, 0);
  AudioInfo info;
  info.channels = static_cast<int>(channels);
  info.sample_rate = static_cast<int>(rate);
  info.format = subtype_name(subtype, bits);
  // Bail out before asking anything of a decoder for a stream the analysis refuses.
  if (info.channels < 1 || info.channels > kMaxAnalysisChannels) return info;
  if (info.sample_rate < kMinSampleRate || info.sample_rate > kMaxSampleRate) return info;

  const bool stored_pcm = subtype == MFAudioFormat_PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
  const bool stored_float = subtype == MFAudioFormat_Float && bits == 32;
  if (stored_pcm || stored_float) {
    // As stored: no converter in between, exactly the samples in the file.
    if (HRESULT result = reader->SetCurrentMediaType(kAudioStream, nullptr, native.get()); FAILED(result)) {
      throw AudioFileError("cannot decode: " + describe_hresult(result));
    }
    handle.encoding = {static_cast<int>(bits / 8), stored_float, bits != 8, false};
    handle.exact_length = handle.wav;
  } else {
    ComPtr<IMFMediaType> wanted;
    if (FAILED(MFCreateMediaType(wanted.put()))) throw AudioFileError("cannot decode: out of memory");
    wanted->SetGUID(MF_MT_MAJOR_TYPE, MFMediaType_Audio);
    wanted->SetGUID(MF_MT_SUBTYPE, MFAudioFormat_Float);
    // Only the sample format: the decoder says the rate and channels it gives
    // (HE-AAC, for one, doubles the rate its container states).
    if (HRESULT result = reader->SetCurrentMediaType(kAudioStream, nullptr, wanted.get()); FAILED(result)) {
      throw AudioFileError("cannot decode " + info.format + ": no decoder for it on this system (" +
                           describe_hresult(result) + ")");
    }
    const Delivered decoded = delivered_by(reader);
    if (!IsEqualGUID(decoded.subtype, MFAudioFormat_Float) || decoded.bits != 32) {
      throw AudioFileError("cannot decode " + info.format + ": the decoder gives no 32-bit float");
    }
    info.channels = static_cast<int>(decoded.channels);
    info.sample_rate = static_cast<int>(decoded.rate);
    rate = decoded.rate;
    handle.encoding = {4, true, true, false};
  }
  handle.delivered = delivered_by(reader);
  // The length, in 100 ns units; an estimate for compressed streams.
  PROPVARIANT duration;
  PropVariantInit(&duration);
  if (SUCCEEDED(reader->GetPresentationAttribute(static_cast<DWORD>(MF_SOURCE_READER_MEDIASOURCE), MF_PD_DURATION,
                                                 &duration)) &&
      duration.vt == VT_UI8) {
    info.frames = static_cast<std::int64_t>(duration.uhVal.QuadPart * rate / 10'000'000ULL);
  }
  PropVariantClear(&duration);
  handle.promised_frames = info.frames;
  return info;
}

template <typename Handle>
bool refill(Handle& handle, int channels, std::int64_t frames_read);

// A file whose stream ends before its first sample: said at open, as on Linux.
template <typename Handle>
void require_audio(Handle& handle, const AudioInfo& info) {
  if (info.channels < 1 || info.channels > kMaxAnalysisChannels) return;  // validate() says why
  if (info.sample_rate < kMinSampleRate || info.sample_rate > kMaxSampleRate) return;
  if (!refill(handle, info.channels, 0)) throw AudioFileError("contains no audio (zero length)");
}

}  // namespace

AudioFile AudioFile::open(const std::string& path, const std::optional<RawSpec>& raw) {
  // The manifest makes the process's code page UTF-8: argv arrives as UTF-8.
  const std::wstring wide = windows::to_wide(path);
  WIN32_FILE_ATTRIBUTE_DATA attributes{};
  if (!GetFileAttributesExW(wide.c_str(), GetFileExInfoStandard, &attributes)) {
    const DWORD error = GetLastError();
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) throw AudioFileError("no such file");
    throw AudioFileError("cannot read: " + describe_hresult(HRESULT_FROM_WIN32(error)));
  }
  if (attributes.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) throw AudioFileError("is a directory, not a file");
  if (attributes.dwFileAttributes & FILE_ATTRIBUTE_DEVICE) throw AudioFileError("not a regular file");
  const auto size = (static_cast<std::uint64_t>(attributes.nFileSizeHigh) << 32) | attributes.nFileSizeLow;
  if (size == 0) throw AudioFileError("empty file (0 bytes)");

  auto handle = std::make_unique<Handle>();
  AudioInfo info;
  if (raw) {  // checked before anything is opened
    audio_limits::check_raw_spec(*raw, raw_encodings());
    handle->raw_file.reset(_wfopen(wide.c_str(), L"rb"));
    if (!handle->raw_file) throw AudioFileError(std::string("cannot read: ") + std::strerror(errno));
    handle->encoding = raw_encodings().at(raw->encoding);
    const auto frame_bytes =
        static_cast<std::uint64_t>(handle->encoding.bytes) * static_cast<std::uint64_t>(raw->channels);
    info = {raw->sample_rate, raw->channels, static_cast<std::int64_t>(size / frame_bytes), "raw " + raw->encoding};
  } else {
    if (!handle->com.ok()) throw AudioFileError("cannot decode: COM is unavailable");
    if (FAILED(handle->media_foundation.result())) {
      throw AudioFileError("cannot decode: Media Foundation is unavailable (" +
                           describe_hresult(handle->media_foundation.result()) + ")");
    }
    handle->wav = file_is_wav(wide);
    if (HRESULT result = MFCreateSourceReaderFromURL(wide.c_str(), nullptr, handle->reader.put()); FAILED(result)) {
      throw AudioFileError(open_failure_reason(result));
    }
    info = configure_reader(*handle);
    require_audio(*handle, info);
  }
  AudioFile file(std::move(handle));
  file.info_ = info;
  file.validate();
  return file;
}

AudioFile AudioFile::open_memory(std::span<const unsigned char> bytes) {
  auto handle = std::make_unique<Handle>();
  handle->wav = is_wav_header(bytes);
  if (!handle->com.ok() || FAILED(handle->media_foundation.result())) {
    throw AudioFileError("cannot decode: Media Foundation is unavailable");
  }
  *handle->memory.put() = SHCreateMemStream(bytes.data(), static_cast<UINT>(bytes.size()));
  if (!handle->memory) throw AudioFileError("cannot decode: out of memory");
  ComPtr<IMFByteStream> stream;
  if (FAILED(MFCreateMFByteStreamOnStream(handle->memory.get(), stream.put()))) {
    throw AudioFileError("cannot decode: out of memory");
  }
  if (HRESULT result = MFCreateSourceReaderFromByteStream(stream.get(), nullptr, handle->reader.put());
      FAILED(result)) {
    throw AudioFileError(open_failure_reason(result));
  }
  const AudioInfo info = configure_reader(*handle);
  require_audio(*handle, info);
  AudioFile file(std::move(handle));
  file.info_ = info;
  file.validate();
  return file;
}

void AudioFile::validate() {
  audio_limits::check_format(info_.channels, info_.sample_rate);
  if (handle_->raw_file && info_.frames <= 0) throw AudioFileError("contains no audio (zero length)");
}

// 16-bit little-endian integers as stored: handed over without conversion.
bool AudioFile::reads_pcm16() const {
  const SampleEncoding& e = handle_->encoding;
  return e.bytes == 2 && !e.is_float && e.is_signed && !e.big_endian;
}

namespace {

// Refills handle.pending from the reader or the raw file; false at the end.
// Throws AudioFileError on a decoding error.
template <typename Handle>
bool refill(Handle& handle, int channels, std::int64_t frames_read) {
  handle.pending.clear();
  handle.pending_at = 0;
  while (!handle.ended && handle.pending.empty()) {
    if (handle.raw_file) {
      handle.pending.resize(65536 * static_cast<std::size_t>(handle.encoding.bytes * channels));
      const std::size_t got = std::fread(handle.pending.data(), 1, handle.pending.size(), handle.raw_file.get());
      handle.pending.resize(got);
      if (got == 0) handle.ended = true;
      continue;
    }
    DWORD flags = 0;
    LONGLONG timestamp = 0;
    ComPtr<IMFSample> sample;
    const HRESULT result = handle.reader->ReadSample(kAudioStream, 0, nullptr, &flags, &timestamp, sample.put());
    if (FAILED(result) || (flags & MF_SOURCE_READERF_ERROR)) {
      throw AudioFileError("damaged or truncated: decoding stopped after " + std::to_string(frames_read) +
                           " frames (" + describe_hresult(result) + ")");
    }
    if ((flags & MF_SOURCE_READERF_CURRENTMEDIATYPECHANGED) &&
        !(delivered_by(handle.reader.get()) == handle.delivered)) {
      throw AudioFileError("unsupported: the audio format changes in the middle of the file");
    }
    if (flags & MF_SOURCE_READERF_ENDOFSTREAM) {
      handle.ended = true;
      // The length comes from the header in 100 ns steps: a frame of rounding is not damage.
      // Streaming writers leave the size at 0 or 0xFFFFFFFF on purpose (as on Linux).
      const std::int64_t promised_bytes = handle.promised_frames * handle.encoding.bytes * channels;
      if (handle.exact_length && handle.promised_frames - frames_read > 1 && promised_bytes < 0xFFFFFF00LL &&
          handle.pending.empty() && !sample) {
        throw AudioFileError("truncated: the header promises " + std::to_string(handle.promised_frames) +
                             " frames, the file holds " + std::to_string(frames_read));
      }
    }
    if (!sample) continue;  // a gap or the end
    ComPtr<IMFMediaBuffer> buffer;
    if (FAILED(sample->ConvertToContiguousBuffer(buffer.put()))) throw AudioFileError("cannot decode: out of memory");
    const LockedBuffer bytes(buffer.get());
    handle.pending.assign(bytes.data(), bytes.data() + bytes.size());
  }
  return !handle.pending.empty();
}


// Hands out whole frames of the decoded bytes, refilling as needed:
// take(bytes, first_frame, frames) converts `frames` frames starting at
// `bytes` into the output from frame `first_frame` on. Returns the frames
// handed out; a partial frame at the end of a block is dropped.
template <typename Handle, typename Take>
std::size_t hand_out_frames(Handle& handle, int channels, std::size_t frame_bytes, std::size_t want, Take take) {
  std::size_t done = 0;
  while (done < want) {
    if (handle.pending_at + frame_bytes > handle.pending.size() &&
        !refill(handle, channels, handle.frames_read + static_cast<std::int64_t>(done))) {
      break;
    }
    const std::size_t available = (handle.pending.size() - handle.pending_at) / frame_bytes;
    if (available == 0) continue;
    const std::size_t n = std::min(available, want - done);
    take(handle.pending.data() + handle.pending_at, done, n);
    handle.pending_at += n * frame_bytes;
    done += n;
  }
  handle.frames_read += static_cast<std::int64_t>(done);
  return done;
}

}  // namespace

std::size_t AudioFile::read_pcm16(std::span<std::int16_t> out) {
  if (!reads_pcm16()) throw std::logic_error("AudioFile::read_pcm16 on a file that is not 16-bit");
  const auto channels = static_cast<std::size_t>(info_.channels);
  return hand_out_frames(*handle_, info_.channels, 2 * channels, out.size() / channels,
                         [&](const unsigned char* from, std::size_t first, std::size_t frames) {
                           std::memcpy(out.data() + first * channels, from, frames * 2 * channels);
                         });
}

std::size_t AudioFile::read(std::span<float> out) {
  const auto channels = static_cast<std::size_t>(info_.channels);
  const SampleEncoding encoding = handle_->encoding;
  const auto sample_bytes = static_cast<std::size_t>(encoding.bytes);
  const std::int64_t frames_before = handle_->frames_read;
  return hand_out_frames(*handle_, info_.channels, sample_bytes * channels, out.size() / channels,
                         [&](const unsigned char* from, std::size_t first, std::size_t frames) {
                           for (std::size_t i = 0; i < frames * channels; ++i) {
                             const float value = to_float(from + i * sample_bytes, encoding);
                             if (!std::isfinite(value)) {
                               const auto frame = frames_before + static_cast<std::int64_t>(first + i / channels);
                               throw AudioFileError("damaged audio: sample " + std::to_string(frame) +
                                                    " is not a number (NaN or infinity)");
                             }
                             out[first * channels + i] = value;
                           }
                         });
}

std::size_t AudioFile::count_read(std::int64_t got) {
  handle_->frames_read += got;
  return static_cast<std::size_t>(got);
}

}  // namespace micdoctor
