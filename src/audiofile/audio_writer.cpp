#include "audiofile/audio_writer.hpp"

#include <sndfile.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "audiofile/audio_file.hpp"

namespace micdoctor {

struct AudioWriter::Handle {
  SNDFILE* file = nullptr;
  std::string path;
  std::string temporary;
  int channels = 1;
  bool ok = true;

  void close() {
    if (file != nullptr) sf_close(file);
    file = nullptr;
  }
  ~Handle() {
    close();
    if (!temporary.empty()) ::unlink(temporary.c_str());
  }
};

AudioWriter::AudioWriter(const std::string& path, int sample_rate, int channels) : handle_(std::make_unique<Handle>()) {
  handle_->path = path;
  handle_->temporary = path + ".partial-" + std::to_string(::getpid());
  handle_->channels = channels;
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  handle_->file = sf_open(handle_->temporary.c_str(), SFM_WRITE, &info);
  if (handle_->file == nullptr) {
    const std::string reason = sf_strerror(nullptr);
    handle_->temporary.clear();  // nothing was created
    throw AudioFileError("cannot write " + path + " (" + reason + ")");
  }
}

AudioWriter::~AudioWriter() = default;

bool AudioWriter::write(std::span<const float> interleaved) noexcept {
  if (!handle_->ok || handle_->file == nullptr) return false;
  const auto frames = static_cast<sf_count_t>(interleaved.size() / static_cast<std::size_t>(handle_->channels));
  handle_->ok = sf_writef_float(handle_->file, interleaved.data(), frames) == frames;
  return handle_->ok;
}

void AudioWriter::commit() {
  if (!handle_->ok) throw AudioFileError("writing " + handle_->path + " failed (disk full?); nothing was saved");
  const int closed = sf_close(handle_->file);
  handle_->file = nullptr;
  if (closed != 0) throw AudioFileError("writing " + handle_->path + " failed (disk full?); nothing was saved");
  if (std::rename(handle_->temporary.c_str(), handle_->path.c_str()) != 0) {
    throw AudioFileError("cannot save " + handle_->path + " (" + std::strerror(errno) + ")");
  }
  handle_->temporary.clear();
}

}  // namespace micdoctor
