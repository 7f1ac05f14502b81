#include "report/level_meter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace micdoctor {
namespace {

double to_dbfs(double mean_square) { return mean_square > 1e-12 ? 10.0 * std::log10(mean_square) : -120.0; }

// Position of a level on the bar, 0..width.
int cells(double dbfs, int width) {
  const double fraction = std::clamp((dbfs - LevelMeter::kFloorDbfs) / -LevelMeter::kFloorDbfs, 0.0, 1.0);
  return static_cast<int>(std::lround(fraction * width));
}

}  // namespace

void LevelMeter::add(std::span<const float> interleaved) {
  for (const float x : interleaved) {
    const double v = x;
    sum_squares_ += v * v;
    peak_ = std::max(peak_, std::fabs(v));
  }
  count_ += interleaved.size();
}

MeterReading LevelMeter::read(double now_s) {
  MeterReading reading;
  if (count_ > 0) {
    reading.level_dbfs = to_dbfs(sum_squares_ / static_cast<double>(count_));
    reading.peak_dbfs = to_dbfs(peak_ * peak_);
  }
  const double fallen = held_dbfs_ - std::max(0.0, now_s - held_at_s_ - kHoldSeconds) * kFallDbPerSecond;
  if (reading.peak_dbfs >= fallen) {
    held_dbfs_ = reading.peak_dbfs;
    held_at_s_ = now_s;
    reading.held_peak_dbfs = held_dbfs_;
  } else {
    reading.held_peak_dbfs = fallen;
  }
  sum_squares_ = 0;
  peak_ = 0;
  count_ = 0;
  return reading;
}

std::string render_meter(const MeterReading& reading, double seconds_left, const TextStyle& style, int bar_width) {
  const int level = cells(reading.level_dbfs, bar_width);
  const int hold = std::min(bar_width - 1, cells(reading.held_peak_dbfs, bar_width));
  std::string bar;
  for (int i = 0; i < bar_width; ++i) {
    if (i == hold && reading.held_peak_dbfs > LevelMeter::kFloorDbfs) {
      bar += style.unicode ? "\u2502" : "|";
    } else if (i < level) {
      bar += style.unicode ? "\u2588" : "#";
    } else {
      bar += style.unicode ? "\u00b7" : ".";
    }
  }
  // Red near full scale, where clipping starts; green while there is a voice.
  if (style.colour) {
    const char* colour = reading.held_peak_dbfs > -1.0 ? "\033[31m" : reading.level_dbfs > -50.0 ? "\033[32m" : "\033[33m";
    bar = colour + bar + "\033[0m";
  }
  char numbers[64];
  if (reading.level_dbfs <= -119.0) {
    std::snprintf(numbers, sizeof numbers, "  silence     %3.0f s left", std::max(0.0, std::ceil(seconds_left)));
  } else {
    std::snprintf(numbers, sizeof numbers, "  %6.1f dBFS  %3.0f s left", reading.level_dbfs,
                  std::max(0.0, std::ceil(seconds_left)));
  }
  return "  " + std::string(style.unicode ? "\u2595" : "[") + bar + (style.unicode ? "\u258f" : "]") + numbers;
}

}  // namespace micdoctor
