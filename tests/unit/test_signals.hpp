#pragma once
// Synthetic test signals, generated in the test: no files, no randomness
// beyond a fixed seed.
#include <algorithm>
#include <cmath>
#include <string>
#include <numbers>
#include <random>
#include <vector>

#include "analysis/signal_analyzer.hpp"

namespace micdoctor::test {

inline std::vector<float> sine(int rate, double seconds, double hz, double amplitude, double phase = 0) {
  std::vector<float> x(static_cast<std::size_t>(rate * seconds));
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / rate + phase));
  }
  return x;
}

inline std::vector<float> white_noise(std::size_t n, double rms, unsigned seed = 7) {
  std::mt19937 generator(seed);
  std::normal_distribution<double> normal(0.0, rms);
  std::vector<float> x(n);
  for (float& v : x) v = static_cast<float>(normal(generator));
  return x;
}

// Voice-like: a harmonic complex (pitch gliding around 110-140 Hz, content
// up to `top_hz`) shaped into smooth syllables of 200 ms, in phrases of
// 1.8 s separated by 0.7 s of exact silence. The syllables line up with the
// phrases, so every phrase fades out rather than being cut.
inline std::vector<float> voice(int rate, double seconds, double amplitude, double top_hz = 8000) {
  std::vector<float> x(static_cast<std::size_t>(rate * seconds));
  double phase = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / rate;
    const double pitch = 125 + 15 * std::sin(2 * std::numbers::pi * 0.7 * t);
    phase += 2 * std::numbers::pi * pitch / rate;
    double v = 0;
    for (int h = 1; h * pitch < std::min(top_hz, 0.45 * rate); ++h) v += std::sin(h * phase) / h;
    const double in_phrase = std::fmod(t, 2.5);
    const double phrase = in_phrase < 1.8 ? 1.0 : 0.0;
    const double syllable = std::pow(std::sin(std::numbers::pi * std::fmod(in_phrase, 0.2) / 0.2), 2);
    x[i] = static_cast<float>(amplitude * 0.5 * v * phrase * syllable);
  }
  return x;
}

inline void add(std::vector<float>& into, const std::vector<float>& other) {
  for (std::size_t i = 0; i < into.size() && i < other.size(); ++i) into[i] += other[i];
}

inline std::vector<float> interleave(const std::vector<std::vector<float>>& channels) {
  std::vector<float> out(channels[0].size() * channels.size());
  for (std::size_t i = 0; i < channels[0].size(); ++i)
    for (std::size_t c = 0; c < channels.size(); ++c) out[i * channels.size() + c] = channels[c][i];
  return out;
}

inline std::vector<float> quantise16(std::vector<float> x) {
  for (float& v : x) v = std::round(std::clamp(v, -1.0f, 32767.0f / 32768.0f) * 32768.0f) / 32768.0f;
  return x;
}

inline SignalAnalysis analyse(const std::vector<float>& interleaved, int rate, int channels, std::size_t block = 4096) {
  SignalAnalyzer analyzer(rate, channels);
  for (std::size_t at = 0; at < interleaved.size(); at += block) {
    const std::size_t n = std::min(block, interleaved.size() - at);
    analyzer.add_interleaved(std::span<const float>(interleaved.data() + at, n));
  }
  return analyzer.finish();
}

inline bool has(const SignalAnalysis& a, const std::string& id) {
  for (const Finding& f : a.findings)
    if (f.id == id) return true;
  return false;
}

}  // namespace micdoctor::test
