#pragma once
// Writes a recording the person asked to keep (`micdoctor test --save FILE`):
// 32-bit float WAV, written to a temporary file beside the target and renamed
// over it only when complete, so a crash or Ctrl-C never leaves half a file.
#include <memory>
#include <span>
#include <string>

namespace micdoctor {

class AudioWriter {
 public:
  // Throws AudioFileError when the temporary file cannot be created.
  AudioWriter(const std::string& path, int sample_rate, int channels);
  ~AudioWriter();  // without commit(): the temporary file is removed
  AudioWriter(const AudioWriter&) = delete;
  AudioWriter& operator=(const AudioWriter&) = delete;

  // Never throws (it is called from capture callbacks); false once a write failed.
  bool write(std::span<const float> interleaved) noexcept;
  // Closes and renames into place. Throws AudioFileError (disk full, ...).
  void commit();

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
};

}  // namespace micdoctor
