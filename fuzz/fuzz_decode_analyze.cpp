// libFuzzer target: arbitrary bytes through libsndfile decoding and the
// whole analyser. Any crash, leak, hang or undefined behaviour is a bug;
// an AudioFileError (bad input, cleanly refused) is the expected outcome.
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "analysis/signal_analyzer.hpp"
#include "audiofile/audio_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    micdoctor::AudioFile file = micdoctor::AudioFile::open_memory(std::span<const unsigned char>(data, size));
    micdoctor::SignalAnalyzer analyzer(file.info().sample_rate, file.info().channels);
    const auto channels = static_cast<std::size_t>(file.info().channels);
    // As analyze does: 16-bit files go in as integers. Bound the work per
    // input: a header may promise hours of audio.
    if (file.reads_pcm16()) {
      std::vector<std::int16_t> block(1024 * channels);
      for (int blocks = 0; blocks < 2000; ++blocks) {
        const std::size_t frames = file.read_pcm16(block);
        if (frames == 0) break;
        analyzer.add_interleaved(std::span<const std::int16_t>(block.data(), frames * channels));
      }
    } else {
      std::vector<float> block(1024 * channels);
      for (int blocks = 0; blocks < 2000; ++blocks) {
        const std::size_t frames = file.read(block);
        if (frames == 0) break;
        analyzer.add_interleaved(std::span<const float>(block.data(), frames * channels));
      }
    }
    (void)analyzer.finish();
  } catch (const micdoctor::AudioFileError&) {
  }
  return 0;
}
