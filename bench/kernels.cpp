// Google Benchmark for the analyser's kernels, per second of 48 kHz audio.
//   build/bench/micdoctor_kernels
#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "analysis/k_weighting.hpp"
#include "analysis/signal_analyzer.hpp"

namespace {

constexpr int kRate = 48000;

std::vector<float> speechlike(std::size_t frames, int channels) {
  std::vector<float> x(frames * static_cast<std::size_t>(channels));
  std::mt19937 rng(1);
  std::normal_distribution<float> noise(0.0f, 3e-4f);
  for (std::size_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / kRate;
    double v = 0;
    for (int h = 1; h <= 40; ++h) v += std::sin(2 * std::numbers::pi * 130 * h * t) / h;
    const double envelope = std::pow(std::sin(std::numbers::pi * std::fmod(t, 0.2) / 0.2), 2);
    for (int c = 0; c < channels; ++c) x[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] =
        static_cast<float>(0.1 * v * envelope) + noise(rng);
  }
  return x;
}

// The whole analyser, fed 4096-frame blocks as the CLI does.
void BM_AnalyzeOneSecond(benchmark::State& state) {
  const int channels = static_cast<int>(state.range(0));
  const auto x = speechlike(kRate, channels);
  for (auto _ : state) {
    micdoctor::SignalAnalyzer analyzer(kRate, channels);
    for (std::size_t at = 0; at < x.size(); at += 4096 * static_cast<std::size_t>(channels)) {
      const std::size_t n = std::min<std::size_t>(4096 * static_cast<std::size_t>(channels), x.size() - at);
      analyzer.add_interleaved(std::span<const float>(x.data() + at, n));
    }
    benchmark::DoNotOptimize(analyzer.finish());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(BM_AnalyzeOneSecond)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// K-weighting: the lane-parallel kernel against the textbook loop.
void BM_KWeightingLanes(benchmark::State& state) {
  micdoctor::KWeightingEnergy filter(kRate, kRate / 10);
  const auto x = speechlike(kRate / 10, 1);
  micdoctor::KState s{};
  for (auto _ : state) benchmark::DoNotOptimize(filter.energy(x.data(), s));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(BM_KWeightingLanes);

void BM_KWeightingReference(benchmark::State& state) {
  const auto sections = micdoctor::k_weighting_sections(kRate);
  const auto x = speechlike(kRate / 10, 1);
  micdoctor::KState s{};
  for (auto _ : state) benchmark::DoNotOptimize(micdoctor::k_weighted_energy_reference(sections, s, x.data(), x.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(BM_KWeightingReference);

}  // namespace

BENCHMARK_MAIN();
