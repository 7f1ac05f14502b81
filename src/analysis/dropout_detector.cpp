#include "analysis/dropout_detector.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "analysis/cpu_features.hpp"
#if MICDOCTOR_X86
#include <immintrin.h>
#endif

namespace micdoctor {
namespace {
constexpr double kMinGapSeconds = 0.020;
constexpr double kEdgeSeconds = 0.002;
// The audio right before the gap must reach -50 dBFS: it was cut while
// active, not faded out (a noise gate closing, the end of a phrase).
constexpr double kActiveEdgePower = 1e-5;

constexpr std::size_t kWordBits = 64;

// Bit i % 64 of words[i / 64]: frame i is exactly zero in every channel.
// Bits past the block's end stay clear.
void silent_words_generic(const PlanarBlock& block, std::size_t from_word, std::uint64_t* words) {
  const std::size_t words_count = (block.frames + kWordBits - 1) / kWordBits;
  for (std::size_t w = from_word; w < words_count; ++w) {
    const std::size_t begin = w * kWordBits, end = std::min(block.frames, begin + kWordBits);
    std::uint64_t bits = 0;
    for (std::size_t i = begin; i < end; ++i) {
      bool silent = true;
      for (int c = 0; c < block.channels; ++c) silent = silent && block.channel[c][i] == 0.0f;
      bits |= static_cast<std::uint64_t>(silent) << (i - begin);
    }
    words[w] = bits;
  }
}

#if MICDOCTOR_X86
// The same for the whole words, eight frames per compare; the last partial
// word goes the generic way.
MICDOCTOR_TARGET_AVX2 void silent_words_avx2(const PlanarBlock& block, std::uint64_t* words) {
  const std::size_t whole = block.frames / kWordBits;
  const __m256 zero = _mm256_setzero_ps();
  for (std::size_t w = 0; w < whole; ++w) {
    std::uint64_t bits = ~std::uint64_t{0};
    for (int c = 0; c < block.channels && bits != 0; ++c) {
      const float* x = block.channel[c] + w * kWordBits;
      std::uint64_t channel_bits = 0;
      for (std::size_t k = 0; k < kWordBits / 8; ++k) {
        const auto lanes = static_cast<unsigned>(
            _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + 8 * k), zero, _CMP_EQ_OQ)));
        channel_bits |= static_cast<std::uint64_t>(lanes) << (8 * k);
      }
      bits &= channel_bits;
    }
    words[w] = bits;
  }
  silent_words_generic(block, whole, words);
}
#endif

void silent_words(const PlanarBlock& block, std::uint64_t* words) {
#if MICDOCTOR_X86
  if (cpu::has_avx2()) return silent_words_avx2(block, words);
#endif
  silent_words_generic(block, 0, words);
}

}  // namespace

DropoutDetector::DropoutDetector(int channels, int sample_rate)
    : channels_(channels),
      min_gap_frames_(static_cast<std::uint64_t>(std::lround(kMinGapSeconds * sample_rate))),
      edge_frames_(std::max<std::size_t>(1, static_cast<std::size_t>(kEdgeSeconds * sample_rate))) {}

double DropoutDetector::power_before(const PlanarBlock& block, std::ptrdiff_t gap_start) const {
  double sum = 0;
  std::size_t counted = 0;
  for (std::ptrdiff_t i = gap_start - static_cast<std::ptrdiff_t>(edge_frames_); i < gap_start; ++i) {
    for (int c = 0; c < channels_; ++c) {
      const std::vector<float>& tail = tail_[static_cast<std::size_t>(c)];
      const std::ptrdiff_t from_tail = static_cast<std::ptrdiff_t>(tail.size()) + i;
      if (i < 0 && from_tail < 0) continue;  // before the recording began
      const double v = i >= 0 ? block.channel[c][i] : tail[static_cast<std::size_t>(from_tail)];
      sum += v * v;
      ++counted;
    }
  }
  return counted ? sum / static_cast<double>(counted) : 0.0;
}

void DropoutDetector::keep_tail(const PlanarBlock& block) {
  // A run still open here is judged now, while the audio before it is at hand.
  if (gap_frames_ > 0 && !edge_known_) {
    edge_power_ = seen_signal_ ? power_before(block, static_cast<std::ptrdiff_t>(block.frames) -
                                                         static_cast<std::ptrdiff_t>(gap_frames_))
                               : 0.0;
    edge_known_ = true;
  }
  for (int c = 0; c < channels_; ++c) {
    std::vector<float>& tail = tail_[static_cast<std::size_t>(c)];
    if (block.frames >= edge_frames_) {
      tail.assign(block.channel[c] + (block.frames - edge_frames_), block.channel[c] + block.frames);
    } else {  // a tiny block: slide the window
      tail.insert(tail.end(), block.channel[c], block.channel[c] + block.frames);
      if (tail.size() > edge_frames_) tail.erase(tail.begin(), tail.end() - static_cast<std::ptrdiff_t>(edge_frames_));
    }
  }
}

void DropoutDetector::end_gap() {
  // Sound again: a long gap that cut active audio is a dropout.
  if (gap_cut_signal_) ++dropouts_;
  gap_cut_signal_ = false;
  edge_known_ = false;
  gap_frames_ = 0;
  seen_signal_ = true;
}

std::size_t DropoutDetector::next_frame(std::size_t from, std::size_t n, bool silent) const {
  std::size_t w = from / kWordBits;
  auto word = [&](std::size_t at) { return silent ? silent_[at] : ~silent_[at]; };
  std::uint64_t bits = word(w) & (~std::uint64_t{0} << (from % kWordBits));
  while (bits == 0) {
    if (++w == silent_.size()) return n;
    bits = word(w);
  }
  return std::min(n, w * kWordBits + static_cast<std::size_t>(std::countr_zero(bits)));
}

void DropoutDetector::add(const PlanarBlock& block, const BlockSums& sums) {
  const std::size_t n = block.frames;
  if (n == 0) return;
  // A frame is silent only if every channel is zero; a channel with no zero
  // at all in this block rules out every frame at once.
  bool may_have_silent_frames = true;
  for (int c = 0; c < channels_; ++c) may_have_silent_frames = may_have_silent_frames && sums.zeros[c] > 0;

  if (may_have_silent_frames) {
    silent_.assign((n + kWordBits - 1) / kWordBits, 0);
    silent_words(block, silent_.data());
    std::size_t i = 0;
    while (i < n) {
      if (gap_frames_ == 0) {
        const std::size_t found = next_frame(i, n, true);
        if (found > i) seen_signal_ = true;
        i = found;
        if (i == n) break;
      }
      const std::size_t run_end = next_frame(i, n, false);
      if (run_end > i) {
        const std::uint64_t before = gap_frames_;
        gap_frames_ += run_end - i;
        if (before < min_gap_frames_ && gap_frames_ >= min_gap_frames_) {
          // Long enough to matter: was it cut into active sound?
          if (!edge_known_) {
            const auto start = static_cast<std::ptrdiff_t>(i) - static_cast<std::ptrdiff_t>(before);
            edge_power_ = seen_signal_ ? power_before(block, start) : 0.0;
            edge_known_ = true;
          }
          gap_cut_signal_ = edge_power_ >= kActiveEdgePower;
        }
        i = run_end;
      }
      if (i < n) end_gap();
    }
  } else {
    end_gap();
  }
  keep_tail(block);
}

}  // namespace micdoctor
