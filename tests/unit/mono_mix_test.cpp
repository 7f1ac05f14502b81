#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "analysis/mono_mix.hpp"
#include "test_signals.hpp"

namespace micdoctor::test {
namespace {

// Every decimation the analyser can choose (1 at 8 kHz to 54 at 192 kHz),
// with output counts that do and do not fill whole registers.
TEST(MonoMix, BoxcarDecimationSumsEachChunk) {
  for (int d : {1, 2, 3, 7, 8, 9, 12, 16, 17, 48, 54}) {
    for (std::size_t count : {1u, 7u, 8u, 13u, 128u}) {
      // Exactly count * d samples: the kernel must not read past them (ASan checks).
      const std::vector<float> x = white_noise(count * static_cast<std::size_t>(d), 0.3, static_cast<unsigned>(d));
      std::vector<float> out(count, -1.0f);
      boxcar_decimate(x.data(), count, d, 0.5f, out.data());
      for (std::size_t j = 0; j < count; ++j) {
        double expected = 0;
        for (int k = 0; k < d; ++k) expected += x[j * static_cast<std::size_t>(d) + static_cast<std::size_t>(k)];
        EXPECT_NEAR(out[j], 0.5 * expected, 1e-5) << "d " << d << " count " << count << " output " << j;
      }
    }
  }
}

TEST(MonoMix, MixWeighsEachChannel) {
  const std::size_t frames = 1000;
  std::vector<std::vector<float>> channels;
  PlanarBlock block;
  block.channels = 3;
  block.frames = frames;
  for (int c = 0; c < 3; ++c) channels.push_back(white_noise(frames, 0.2, static_cast<unsigned>(c + 1)));
  for (int c = 0; c < 3; ++c) block.channel[c] = channels[static_cast<std::size_t>(c)].data();
  const float gain[3] = {0.5f, -0.25f, 1.0f};
  std::vector<float> out(frames);
  mix_to_mono(block, gain, frames, out.data());
  for (std::size_t i = 0; i < frames; ++i) {
    const double expected = 0.5 * channels[0][i] - 0.25 * channels[1][i] + channels[2][i];
    EXPECT_NEAR(out[i], expected, 1e-6) << i;
  }
}

}  // namespace
}  // namespace micdoctor::test
