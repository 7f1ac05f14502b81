#include "analysis/dropout_detector.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace micdoctor {
namespace {
constexpr double kMinGapSeconds = 0.020;
constexpr double kEdgeSeconds = 0.002;
// The audio right before the gap must reach -50 dBFS: it was cut while
// active, not faded out (a noise gate closing, the end of a phrase).
constexpr double kActiveEdgePower = 1e-5;
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

void DropoutDetector::add(const PlanarBlock& block, const BlockSums& sums) {
  const std::size_t n = block.frames;
  if (n == 0) return;
  // A frame is silent only if every channel is zero; a channel with no zero
  // at all in this block rules out every frame at once.
  bool may_have_silent_frames = true;
  for (int c = 0; c < channels_; ++c) may_have_silent_frames = may_have_silent_frames && sums.zeros[c] > 0;

  if (may_have_silent_frames) {
    silent_.assign(n, 1);
    for (int c = 0; c < channels_; ++c) {
      const float* x = block.channel[c];
      unsigned char* s = silent_.data();
#pragma omp simd
      for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<unsigned char>(s[i] & (x[i] == 0.0f ? 1 : 0));
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (gap_frames_ == 0) {
        // Jump to the next silent frame (a vectorised byte search).
        const auto* next = static_cast<const unsigned char*>(std::memchr(silent_.data() + i, 1, n - i));
        const std::size_t found = next ? static_cast<std::size_t>(next - silent_.data()) : n;
        if (found > i) seen_signal_ = true;
        i = found;
        if (i == n) break;
      }
      if (silent_[i]) {
        if (++gap_frames_ == min_gap_frames_) {
          // Long enough to matter: was it cut into active sound?
          if (!edge_known_) {
            const auto start = static_cast<std::ptrdiff_t>(i) - static_cast<std::ptrdiff_t>(min_gap_frames_) + 1;
            edge_power_ = seen_signal_ ? power_before(block, start) : 0.0;
            edge_known_ = true;
          }
          gap_cut_signal_ = edge_power_ >= kActiveEdgePower;
        }
        continue;
      }
      end_gap();
    }
  } else {
    end_gap();
  }
  keep_tail(block);
}

}  // namespace micdoctor
