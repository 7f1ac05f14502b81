#pragma once
// One block of audio as separate channel arrays: what every analysis
// component consumes. The analyser de-interleaves once so that each
// component's inner loop runs over contiguous floats.
#include <cstddef>

namespace micdoctor {

inline constexpr int kMaxChannels = 8;

struct PlanarBlock {
  const float* channel[kMaxChannels] = {};
  int channels = 0;
  std::size_t frames = 0;
};

}  // namespace micdoctor
