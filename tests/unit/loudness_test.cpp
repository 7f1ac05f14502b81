#include <ebur128.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "analysis/k_weighting.hpp"
#include "test_signals.hpp"

namespace micdoctor::test {
namespace {

double libebur128_lufs(const std::vector<float>& interleaved, int rate, int channels) {
  std::unique_ptr<ebur128_state, void (*)(ebur128_state*)> state(
      ebur128_init(static_cast<unsigned>(channels), static_cast<unsigned long>(rate), EBUR128_MODE_I),
      [](ebur128_state* s) { ebur128_destroy(&s); });
  ebur128_add_frames_float(state.get(), interleaved.data(), interleaved.size() / static_cast<std::size_t>(channels));
  double lufs = 0;
  ebur128_loudness_global(state.get(), &lufs);
  return lufs;
}

// The lanes run in float: against the double-precision loop they may differ
// by parts per million on ordinary audio (1e-4 is 0.0004 dB).
TEST(KWeighting, LanesMatchTheTextbookLoop) {
  for (const bool simd : {true, false})
  for (int rate : {8000, 44100, 48000, 96000, 192000}) {
    const std::size_t span = static_cast<std::size_t>(rate / 10);
    KWeightingEnergy fast(rate, span, simd);
    const auto sections = k_weighting_sections(rate);
    auto x = white_noise(span * 5, 0.1, static_cast<unsigned>(rate));
    add(x, sine(rate, 0.5, 40, 0.3));  // a low tone keeps the high-pass state busy
    KState fast_state{}, reference_state{};
    for (std::size_t block = 0; block < 5; ++block) {
      const double e_fast = fast.energy(x.data() + block * span, fast_state);
      const double e_ref = k_weighted_energy_reference(sections, reference_state, x.data() + block * span, span);
      EXPECT_NEAR(e_fast / e_ref, 1.0, 1e-4) << rate << " block " << block << (simd ? " simd" : " portable");
    }
    // The state carried on to the next span, to a few parts in 10^4 of its size.
    for (int j = 0; j < 4; ++j) {
      EXPECT_NEAR(fast_state[j], reference_state[j], 3e-4 * std::max(0.01, std::fabs(reference_state[j]))) << rate;
    }
  }
}

// What single precision finds hardest: a quiet signal riding on a large DC
// offset or a loud rumble far below the high-pass, whose big responses must
// cancel. The whole-recording energy must still be right to 0.01 dB.
TEST(KWeighting, LanesStayExactUnderDcAndRumble) {
  struct Case {
    double dc, rumble_hz, rumble, tolerance;
  };
  for (int rate : {44100, 48000, 192000}) {
    for (const Case& c : {Case{0.5, 0, 0, 1e-4}, Case{-0.9, 0, 0, 1e-4}, Case{0, 5, 0.9, 2.5e-3},
                          Case{0.3, 20, 0.5, 1e-3}}) {
      const std::size_t span = static_cast<std::size_t>(rate / 10);
      auto x = white_noise(span * 20, 1e-3, static_cast<unsigned>(rate));  // -60 dBFS
      for (float& v : x) v += static_cast<float>(c.dc);
      if (c.rumble > 0) add(x, sine(rate, 2.0, c.rumble_hz, c.rumble));
      KWeightingEnergy fast(rate, span);
      const auto sections = k_weighting_sections(rate);
      KState fast_state{}, reference_state{};
      double e_fast = 0, e_ref = 0;
      for (std::size_t block = 0; block < 20; ++block) {
        e_fast += fast.energy(x.data() + block * span, fast_state);
        e_ref += k_weighted_energy_reference(sections, reference_state, x.data() + block * span, span);
      }
      EXPECT_NEAR(e_fast / e_ref, 1.0, c.tolerance)
          << rate << " Hz, dc " << c.dc << ", rumble " << c.rumble << " at " << c.rumble_hz << " Hz";
    }
  }
}

TEST(Loudness, MatchesLibebur128) {
  struct Case {
    int rate, channels;
    double gain;
  };
  for (const Case& c : {Case{48000, 1, 0.3}, Case{48000, 2, 0.05}, Case{44100, 2, 0.5}, Case{16000, 1, 0.01},
                        Case{96000, 1, 0.2}, Case{192000, 2, 0.1}, Case{8000, 1, 0.3}}) {
    auto v = voice(c.rate, 7.0, c.gain);
    add(v, white_noise(v.size(), c.gain * 0.01));
    std::vector<std::vector<float>> channels(static_cast<std::size_t>(c.channels), v);
    if (c.channels == 2) add(channels[1], white_noise(v.size(), c.gain * 0.05, 3));
    const auto interleaved = interleave(channels);
    const SignalMetrics m = analyse(interleaved, c.rate, c.channels).metrics;
    ASSERT_TRUE(m.loudness_lufs);
    EXPECT_NEAR(*m.loudness_lufs, libebur128_lufs(interleaved, c.rate, c.channels), 0.02)
        << c.rate << " Hz, " << c.channels << " ch";
  }
}

TEST(Loudness, ShorterThanOneBlockHasNone) {
  const auto x = sine(48000, 0.3, 1000, 0.5);
  EXPECT_FALSE(analyse(x, 48000, 1).metrics.loudness_lufs);
}

TEST(Loudness, FullScaleSineAt1kHzIsAboutMinus3Lufs) {
  // BS.1770: a 0 dBFS 997 Hz sine on one channel reads -3.01 LKFS.
  const auto x = sine(48000, 5.0, 997, 1.0);
  EXPECT_NEAR(*analyse(x, 48000, 1).metrics.loudness_lufs, -3.01, 0.05);
}

}  // namespace
}  // namespace micdoctor::test
