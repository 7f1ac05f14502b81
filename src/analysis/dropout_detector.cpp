#include "analysis/dropout_detector.hpp"

#include <algorithm>

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
      min_gap_frames_(static_cast<std::uint64_t>(kMinGapSeconds * sample_rate + 0.5)),
      edge_frames_(std::max<std::size_t>(1, static_cast<std::size_t>(kEdgeSeconds * sample_rate))) {}

double DropoutDetector::frame_power(const PlanarBlock& block, std::size_t i) const {
  double power = 0;
  for (int c = 0; c < channels_; ++c) {
    const double v = block.channel[c][i];
    power += v * v;
  }
  return power / channels_;
}

double DropoutDetector::power_before_gap(const PlanarBlock& block, std::size_t gap_start) const {
  double sum = 0;
  std::size_t counted = 0;
  for (std::size_t k = 1; k <= edge_frames_ && counted < edge_frames_; ++k) {
    if (k <= gap_start) {
      sum += frame_power(block, gap_start - k);
    } else if (k - gap_start <= tail_power_.size()) {
      sum += tail_power_[tail_power_.size() - (k - gap_start)];
    } else {
      break;
    }
    ++counted;
  }
  return counted ? sum / static_cast<double>(counted) : 0.0;
}

void DropoutDetector::remember_tail(const PlanarBlock& block) {
  const std::size_t keep = std::min(edge_frames_, block.frames);
  for (std::size_t i = block.frames - keep; i < block.frames; ++i) tail_power_.push_back(frame_power(block, i));
  if (tail_power_.size() > edge_frames_) {
    tail_power_.erase(tail_power_.begin(),
                      tail_power_.end() - static_cast<std::ptrdiff_t>(edge_frames_));
  }
}

void DropoutDetector::judge_after_frame(double power) {
  after_power_sum_ += power;
  if (++after_frames_ < edge_frames_) return;
  // After the gap any sound will do (speech or the noise floor): exact
  // silence resuming right away was part of the same gap.
  if (after_power_sum_ > 0) ++dropouts_;
  judging_after_ = false;
}

void DropoutDetector::add(const PlanarBlock& block, const BlockSums& sums) {
  if (block.frames == 0) return;
  // A frame is silent only if every channel is zero; if some channel has no
  // zero at all in this block, no frame of the block is silent.
  bool may_have_silent_frames = true;
  for (int c = 0; c < channels_; ++c) may_have_silent_frames = may_have_silent_frames && sums.zeros[c] > 0;

  for (std::size_t i = 0; i < block.frames; ++i) {
    if (!may_have_silent_frames && gap_frames_ == 0 && !judging_after_) {
      seen_signal_ = true;
      break;  // nothing to track in the rest of this block
    }
    if (judging_after_) {  // the few ms after a long gap, zero crossings included
      judge_after_frame(frame_power(block, i));
      continue;
    }
    bool silent = may_have_silent_frames;
    for (int c = 0; silent && c < channels_; ++c) silent = block.channel[c][i] == 0.0f;
    if (silent) {
      if (gap_frames_ == 0) power_before_ = seen_signal_ ? power_before_gap(block, i) : 0.0;
      ++gap_frames_;
      continue;
    }
    const bool gap_ends = gap_frames_ > 0;
    const bool judge = gap_ends && gap_frames_ >= min_gap_frames_ && seen_signal_ && power_before_ >= kActiveEdgePower;
    gap_frames_ = 0;
    seen_signal_ = true;
    if (judge) {
      judging_after_ = true;
      after_frames_ = 0;
      after_power_sum_ = 0;
      judge_after_frame(frame_power(block, i));
    }
  }
  remember_tail(block);
}

}  // namespace micdoctor
