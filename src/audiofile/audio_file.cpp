#include "audiofile/audio_file.hpp"

#include <fcntl.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include "analysis/signal_analyzer.hpp"
#include "audiofile/audio_limits.hpp"

namespace micdoctor {
namespace {

struct MemorySource {
  std::span<const unsigned char> bytes;
  sf_count_t position = 0;
};

// libsndfile virtual I/O over a memory buffer. C callbacks: nothing here throws.
sf_count_t memory_length(void* user) { return static_cast<sf_count_t>(static_cast<MemorySource*>(user)->bytes.size()); }
sf_count_t memory_seek(sf_count_t offset, int whence, void* user) {
  auto* source = static_cast<MemorySource*>(user);
  const auto size = static_cast<sf_count_t>(source->bytes.size());
  sf_count_t target = offset;
  if (whence == SEEK_CUR) target = source->position + offset;
  if (whence == SEEK_END) target = size + offset;
  if (target < 0) return -1;
  source->position = std::min(target, size);
  return source->position;
}
sf_count_t memory_read(void* ptr, sf_count_t count, void* user) {
  auto* source = static_cast<MemorySource*>(user);
  const auto size = static_cast<sf_count_t>(source->bytes.size());
  const sf_count_t n = std::max<sf_count_t>(0, std::min(count, size - source->position));
  if (n > 0) std::memcpy(ptr, source->bytes.data() + source->position, static_cast<std::size_t>(n));
  source->position += n;
  return n;
}
sf_count_t memory_write(const void*, sf_count_t, void*) { return 0; }
sf_count_t memory_tell(void* user) { return static_cast<MemorySource*>(user)->position; }

std::string describe_format(int format) {
  SF_FORMAT_INFO major{}, minor{};
  major.format = format & SF_FORMAT_TYPEMASK;
  minor.format = format & SF_FORMAT_SUBMASK;
  std::string text;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &major, sizeof major) == 0 && major.name) text = major.name;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &minor, sizeof minor) == 0 && minor.name) {
    text += (text.empty() ? "" : ", ") + std::string(minor.name);
  }
  return text;
}

const std::map<std::string, int>& raw_encodings() {
  static const std::map<std::string, int> table = {
      {"s8", SF_FORMAT_PCM_S8},
      {"u8", SF_FORMAT_PCM_U8},
      {"s16le", SF_FORMAT_PCM_16 | SF_ENDIAN_LITTLE},
      {"s16be", SF_FORMAT_PCM_16 | SF_ENDIAN_BIG},
      {"s24le", SF_FORMAT_PCM_24 | SF_ENDIAN_LITTLE},
      {"s24be", SF_FORMAT_PCM_24 | SF_ENDIAN_BIG},
      {"s32le", SF_FORMAT_PCM_32 | SF_ENDIAN_LITTLE},
      {"s32be", SF_FORMAT_PCM_32 | SF_ENDIAN_BIG},
      {"f32le", SF_FORMAT_FLOAT | SF_ENDIAN_LITTLE},
      {"f32be", SF_FORMAT_FLOAT | SF_ENDIAN_BIG},
      {"f64le", SF_FORMAT_DOUBLE | SF_ENDIAN_LITTLE},
      {"f64be", SF_FORMAT_DOUBLE | SF_ENDIAN_BIG},
  };
  return table;
}

std::string open_failure_reason(SNDFILE* failed) {
  const int code = sf_error(failed);
  if (code == SF_ERR_UNRECOGNISED_FORMAT) return "not an audio file (format not recognised)";
  if (code == SF_ERR_MALFORMED_FILE) return "damaged audio file (malformed header)";
  if (code == SF_ERR_UNSUPPORTED_ENCODING) return "audio encoding not supported";
  std::string reason = sf_strerror(failed);
  while (!reason.empty() && (reason.back() == '.' || reason.back() == '\n')) reason.pop_back();
  return "cannot decode: " + reason;
}

// libsndfile reads what a truncated file holds and says so only in its log:
// "data : 377640 (should be 188798)" (WAV), "SSND : ..." (AIFF). Streaming
// writers leave the size at 0 or 0xFFFFFFFF on purpose; those are not damage.
std::optional<std::string> truncation_in_log(SNDFILE* file) {
  std::string log(16384, '\0');
  sf_command(file, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()));
  std::size_t at = 0;
  while (at < log.size() && log[at] != '\0') {
    const std::size_t end = log.find('\n', at);
    const std::string line = log.substr(at, (end == std::string::npos ? log.size() : end) - at);
    at = end == std::string::npos ? log.size() : end + 1;
    unsigned long long declared = 0, actual = 0;
    char chunk[5] = {};
    if (std::sscanf(line.c_str(), " %4s : %llu (should be %llu)", chunk, &declared, &actual) != 3) continue;
    if (std::string(chunk) != "data" && std::string(chunk) != "SSND") continue;
    if (declared > actual && declared < 0xFFFFFF00ULL) {
      return "truncated: the header promises " + std::to_string(declared) + " bytes of audio, the file holds " +
             std::to_string(actual);
    }
  }
  return std::nullopt;
}

}  // namespace

void validate_raw_encoding(const std::string& encoding) { audio_limits::check_raw_encoding(encoding, raw_encodings()); }

struct AudioFile::Handle {
  SNDFILE* file = nullptr;
  int fd = -1;  // ours to close, after libsndfile is done with it
  MemorySource memory;
  SF_VIRTUAL_IO io{memory_length, memory_seek, memory_read, memory_write, memory_tell};
  bool short_path = false;   // integer formats of 16 bits or less: read as shorts, convert ourselves
  bool check_finite = false; // float formats can carry NaN or infinity
  std::int64_t frames_read = 0;
  std::vector<std::int16_t> shorts;
  ~Handle() {
    if (file) sf_close(file);
    if (fd >= 0) ::close(fd);
  }
};

AudioFile::AudioFile(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}
AudioFile::AudioFile(AudioFile&&) noexcept = default;
AudioFile& AudioFile::operator=(AudioFile&&) noexcept = default;
AudioFile::~AudioFile() = default;

AudioFile AudioFile::open(const std::string& path, const std::optional<RawSpec>& raw) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw AudioFileError("no such file");
    throw AudioFileError(std::string("cannot read: ") + std::strerror(errno));
  }
  if (S_ISDIR(status.st_mode)) throw AudioFileError("is a directory, not a file");
  // Pipes and devices could block forever or never end: only regular files.
  if (!S_ISREG(status.st_mode)) throw AudioFileError("not a regular file");
  if (status.st_size == 0) throw AudioFileError("empty file (0 bytes)");
  SF_INFO info{};
  if (raw) {  // checked before anything is opened
    audio_limits::check_raw_spec(*raw, raw_encodings());
    info.samplerate = raw->sample_rate;
    info.channels = raw->channels;
    info.format = SF_FORMAT_RAW | raw_encodings().at(raw->encoding);
  }
  auto handle = std::make_unique<Handle>();
  handle->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (handle->fd < 0) throw AudioFileError(std::string("cannot read: ") + std::strerror(errno));
  // The handle closes the descriptor on every path; libsndfile never does.
  handle->file = sf_open_fd(handle->fd, SFM_READ, &info, SF_FALSE);
  if (handle->file == nullptr) throw AudioFileError(open_failure_reason(nullptr));
  AudioFile file(std::move(handle));
  file.info_ = {info.samplerate, info.channels, info.frames, describe_format(info.format)};
  file.validate();
  return file;
}

AudioFile AudioFile::open_memory(std::span<const unsigned char> bytes) {
  auto handle = std::make_unique<Handle>();
  handle->memory.bytes = bytes;
  SF_INFO info{};
  handle->file = sf_open_virtual(&handle->io, SFM_READ, &info, &handle->memory);
  if (handle->file == nullptr) throw AudioFileError(open_failure_reason(nullptr));
  AudioFile file(std::move(handle));
  file.info_ = {info.samplerate, info.channels, info.frames, describe_format(info.format)};
  file.validate();
  return file;
}

void AudioFile::validate() {
  audio_limits::check_format(info_.channels, info_.sample_rate);
  if (const auto truncated = truncation_in_log(handle_->file)) throw AudioFileError(*truncated);
  if (info_.frames <= 0) throw AudioFileError("contains no audio (zero length)");
  SF_INFO info{};
  const int format = sf_command(handle_->file, SFC_GET_CURRENT_SF_INFO, &info, sizeof info) == 0 ? info.format : 0;
  const int subtype = format & SF_FORMAT_SUBMASK;
  handle_->short_path = subtype == SF_FORMAT_PCM_16 || subtype == SF_FORMAT_PCM_S8 || subtype == SF_FORMAT_PCM_U8;
  handle_->check_finite = subtype == SF_FORMAT_FLOAT || subtype == SF_FORMAT_DOUBLE;
}

bool AudioFile::reads_pcm16() const { return handle_->short_path; }

std::size_t AudioFile::read_pcm16(std::span<std::int16_t> out) {
  if (!handle_->short_path) throw std::logic_error("AudioFile::read_pcm16 on a file that is not 16-bit");
  static_assert(sizeof(short) == sizeof(std::int16_t));
  const auto want = static_cast<sf_count_t>(out.size() / static_cast<std::size_t>(info_.channels));
  if (want == 0) return 0;
  return count_read(sf_readf_short(handle_->file, reinterpret_cast<short*>(out.data()), want));
}

std::size_t AudioFile::read(std::span<float> out) {
  const auto channels = static_cast<std::size_t>(info_.channels);
  const auto want = static_cast<sf_count_t>(out.size() / channels);
  if (want == 0) return 0;
  if (handle_->short_path) {
    // libsndfile's own short-to-float conversion is three times slower than this loop.
    handle_->shorts.resize(static_cast<std::size_t>(want) * channels);
    const std::size_t got = read_pcm16(handle_->shorts);
    const std::int16_t* from = handle_->shorts.data();
    for (std::size_t i = 0; i < got * channels; ++i) out[i] = static_cast<float>(from[i]) * (1.0f / 32768.0f);
    return got;
  }
  const std::size_t got = count_read(sf_readf_float(handle_->file, out.data(), want));
  if (handle_->check_finite) {
    for (std::size_t i = 0; i < got * channels; ++i) {
      if (!std::isfinite(out[i])) {
        const auto frame = handle_->frames_read - static_cast<std::int64_t>(got) + static_cast<std::int64_t>(i / channels);
        throw AudioFileError("damaged audio: sample " + std::to_string(frame) + " is not a number (NaN or infinity)");
      }
    }
  }
  return got;
}

// What sf_readf_* returned: errors and truncation become AudioFileError;
// the frames are counted.
std::size_t AudioFile::count_read(std::int64_t got) {
  if (got < 0 || sf_error(handle_->file) != SF_ERR_NO_ERROR) {
    std::string reason = sf_strerror(handle_->file);
    if (reason.rfind("Error : ", 0) == 0) reason.erase(0, 8);
    while (!reason.empty() && (reason.back() == '.' || reason.back() == '\n')) reason.pop_back();
    throw AudioFileError("damaged or truncated: decoding stopped after " + std::to_string(handle_->frames_read) +
                         " of " + std::to_string(info_.frames) + " frames (" + reason + ")");
  }
  handle_->frames_read += got;
  if (got == 0 && handle_->frames_read < info_.frames) {
    throw AudioFileError("truncated: the header promises " + std::to_string(info_.frames) + " frames, the file holds " +
                         std::to_string(handle_->frames_read));
  }
  return static_cast<std::size_t>(got);
}

}  // namespace micdoctor
