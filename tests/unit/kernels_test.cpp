// The analyser's SIMD kernels against plain loops.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <vector>

#include "analysis/channel_stats.hpp"
#include "analysis/cpu_features.hpp"
#include "analysis/mono_mix.hpp"
#include "analysis/real_fft.hpp"
#include "test_signals.hpp"

namespace micdoctor::test {
namespace {

// The switch the portable run of these tests depends on.
TEST(CpuFeatures, TheEnvironmentCanSwitchTheSimdLoopsOff) {
  if (std::getenv("MICDOCTOR_NO_AVX2") == nullptr) GTEST_SKIP() << "only meaningful in the unit_portable_kernels run";
  EXPECT_FALSE(cpu::has_avx2());
}

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

// The per-block statistics against plain double sums, at lengths around the
// SIMD step (sixteen samples) and with zeros, the extremes and -0.0 in odd places.
TEST(ChannelStats, BlockSumsMatchPlainSums) {
  for (std::size_t n : {1u, 15u, 16u, 17u, 33u, 100u, 1536u}) {
    auto a = white_noise(n, 0.2, static_cast<unsigned>(n));
    auto b = white_noise(n, 0.1, static_cast<unsigned>(n + 1));
    for (std::size_t i = 0; i < n; i += 7) a[i] = 0.0f;
    a[n / 2] = -0.0f;
    a[n - 1] = 0.9f;
    b[n / 3] = -0.8f;
    ChannelStats stats(2);
    PlanarBlock block;
    block.channels = 2;
    block.frames = n;
    block.channel[0] = a.data();
    block.channel[1] = b.data();
    const BlockSums sums = stats.add(block);
    double sum = 0, squares = 0, dot = 0;
    std::uint32_t zeros = 0;
    for (std::size_t i = 0; i < n; ++i) {
      sum += a[i];
      squares += static_cast<double>(a[i]) * a[i];
      dot += static_cast<double>(a[i]) * b[i];
      zeros += a[i] == 0.0f ? 1u : 0u;
    }
    EXPECT_NEAR(sums.sum[0], sum, 1e-4) << n;
    EXPECT_NEAR(sums.sum_squares[0], squares, 1e-4) << n;
    EXPECT_EQ(sums.zeros[0], zeros) << n;
    EXPECT_EQ(sums.max[0], 0.9f) << n;
    EXPECT_EQ(sums.min[1], -0.8f) << n;
    EXPECT_EQ(stats.peak(0), 0.9f) << n;
    const double covariance = dot / static_cast<double>(n) - (sum / static_cast<double>(n)) * stats.mean(1);
    if (n > 1) {
      EXPECT_NEAR(stats.correlation(0, 1), covariance / std::sqrt(stats.ac_power(0) * stats.ac_power(1)), 1e-4) << n;
    }
  }
}

// The hot paths' own transform against kissfft's, on noise and on a tone that
// sits between bins (the case where rounding spreads into every bin).
TEST(PowerSpectrumFft, AgreesWithKissFft) {
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0F, 1.0F);
  for (const int size : {8, 16, 128, 1024, 8192}) {
    for (const bool tone : {false, true}) {
      RealFft reference(size);
      PowerSpectrumFft fast(size);
      std::vector<float> x(static_cast<std::size_t>(size));
      for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = tone ? static_cast<float>(std::sin(0.3183 * static_cast<double>(i))) : noise(rng);
      }
      std::vector<float> a(static_cast<std::size_t>(size / 2 + 1));
      std::vector<float> b(a.size());
      reference.power_spectrum(x.data(), a.data());
      fast.power_spectrum(x.data(), b.data());
      double total = 0;
      for (const float p : a) total += p;
      for (std::size_t k = 0; k < a.size(); ++k) {
        EXPECT_NEAR(b[k], a[k], 1e-6 * total) << size << (tone ? " tone" : " noise") << " bin " << k;
      }
    }
  }
}

TEST(PowerSpectrumFft, RefusesSizesItCannotTransform) {
  EXPECT_THROW(PowerSpectrumFft(100), std::invalid_argument);
  EXPECT_THROW(PowerSpectrumFft(4), std::invalid_argument);
}

}  // namespace
}  // namespace micdoctor::test
