#pragma once
// What both decoders (libsndfile on Linux, Media Foundation on Windows)
// accept, and the words they refuse the rest with: one place, so a file gets
// the same verdict on both systems.
#include <string>

#include "analysis/signal_analyzer.hpp"
#include "audiofile/audio_file.hpp"

namespace micdoctor::audio_limits {

// A file the analysis can take. Throws AudioFileError.
inline void check_format(int channels, int sample_rate) {
  if (channels < 1 || channels > kMaxAnalysisChannels) {
    throw AudioFileError("unsupported: " + std::to_string(channels) + " channels (1-8 supported)");
  }
  if (sample_rate < kMinSampleRate || sample_rate > kMaxSampleRate) {
    throw AudioFileError("unsupported sample rate " + std::to_string(sample_rate) + " Hz (8000-192000 Hz supported)");
  }
}

// --raw ENC,RATE,CH, checked before anything is opened; `encodings` is the
// decoder's own table (name -> how it reads it).
template <typename EncodingTable>
void check_raw_encoding(const std::string& encoding, const EncodingTable& encodings) {
  if (encodings.count(encoding)) return;
  std::string valid;
  for (const auto& entry : encodings) valid += (valid.empty() ? "" : ", ") + entry.first;
  throw AudioFileError("unknown raw encoding '" + encoding + "' (use one of: " + valid + ")");
}

template <typename EncodingTable>
void check_raw_spec(const RawSpec& raw, const EncodingTable& encodings) {
  check_raw_encoding(raw.encoding, encodings);
  if (raw.sample_rate < kMinSampleRate || raw.sample_rate > kMaxSampleRate) {
    throw AudioFileError("raw sample rate must be 8000-192000 Hz");
  }
  if (raw.channels < 1 || raw.channels > kMaxAnalysisChannels) throw AudioFileError("raw channel count must be 1-8");
}

}  // namespace micdoctor::audio_limits
