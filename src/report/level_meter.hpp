#pragma once
// The live level meter of the microphone test: fed the captured blocks, read
// about 20 times a second, drawn as one line that is redrawn in place. Pure:
// the clock is passed in, nothing is printed here.
#include <span>
#include <string>

#include "report/terminal.hpp"

namespace micdoctor {

struct MeterReading {
  double level_dbfs = -120.0;  // RMS since the previous reading
  double peak_dbfs = -120.0;   // highest sample since the previous reading
  double held_peak_dbfs = -120.0;  // the peak hold marker: holds, then falls
};

class LevelMeter {
 public:
  static constexpr double kFloorDbfs = -60.0;      // the bar's left end
  static constexpr double kHoldSeconds = 1.5;      // how long a peak stays marked
  static constexpr double kFallDbPerSecond = 20.0; // then how fast the marker falls

  void add(std::span<const float> interleaved);
  // Level and peak since the last call; now_s is a monotonic time in seconds.
  MeterReading read(double now_s);

 private:
  double sum_squares_ = 0;
  double peak_ = 0;
  std::size_t count_ = 0;
  double held_dbfs_ = -120.0;
  double held_at_s_ = 0;
};

// One line: "  [#########......|...]  -23.4 dBFS   3 s left", no newline.
std::string render_meter(const MeterReading& reading, double seconds_left, const TextStyle& style, int bar_width = 40);

}  // namespace micdoctor
