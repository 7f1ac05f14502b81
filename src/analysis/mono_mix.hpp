#pragma once
// The mono mix the speech, hum and bandwidth paths listen to: the channels
// summed with a gain each (the polarity correction and the averaging in
// one), and its boxcar-decimated form.
#include <cstddef>

#include "analysis/planar_block.hpp"

namespace micdoctor {

// out[i] = sum over c of gain[c] * block.channel[c][i], for i < frames.
void mix_to_mono(const PlanarBlock& block, const float* gain, std::size_t frames, float* out);

// out[j] = scale * (x[j d] + ... + x[j d + d - 1]) for j < count. Reads x up
// to x[count * d - 1] only.
void boxcar_decimate(const float* x, std::size_t count, int d, float scale, float* out);

}  // namespace micdoctor
