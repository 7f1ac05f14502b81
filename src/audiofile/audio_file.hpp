#pragma once
// Decoding recordings with libsndfile: WAV, FLAC, OGG/Vorbis, AIFF, CAF, W64
// and friends by their headers, raw PCM with an explicit spec. Every way a
// file can be bad ends in an AudioFileError with a one-line reason.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

namespace micdoctor {

class AudioFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// For headerless files: what the bytes are.
struct RawSpec {
  int sample_rate = 0;
  int channels = 0;
  std::string encoding;  // s8 u8 s16le s16be s24le s24be s32le s32be f32le f32be f64le f64be
};

// Parses "s16le" etc.; throws AudioFileError naming the valid choices.
void validate_raw_encoding(const std::string& encoding);

struct AudioInfo {
  int sample_rate = 0;
  int channels = 0;
  std::int64_t frames = 0;
  std::string format;  // e.g. "WAV 16-bit PCM"
};

class AudioFile {
 public:
  // Opens and validates a file. Throws AudioFileError.
  static AudioFile open(const std::string& path, const std::optional<RawSpec>& raw = std::nullopt);
  // Opens bytes held in memory (for the fuzzer and tests). The bytes must outlive the object.
  static AudioFile open_memory(std::span<const unsigned char> bytes);

  AudioFile(AudioFile&&) noexcept;
  AudioFile& operator=(AudioFile&&) noexcept;
  ~AudioFile();

  const AudioInfo& info() const { return info_; }

  // Reads up to out.size() / channels frames as interleaved floats (full
  // scale 1.0). Returns the frames read; 0 at the end. Throws AudioFileError
  // on a read error, non-finite samples, or a file shorter than its header.
  std::size_t read(std::span<float> out);

  // Whether the file holds integers of 16 bits or fewer, which read_pcm16()
  // hands over as they are (full scale 32768), saving a conversion pass.
  bool reads_pcm16() const;
  // Like read(), as interleaved 16-bit integers; only when reads_pcm16().
  std::size_t read_pcm16(std::span<std::int16_t> out);

 private:
  std::size_t count_read(std::int64_t got);
  struct Handle;
  explicit AudioFile(std::unique_ptr<Handle> handle);
  void validate();
  std::unique_ptr<Handle> handle_;
  AudioInfo info_;
};

}  // namespace micdoctor
