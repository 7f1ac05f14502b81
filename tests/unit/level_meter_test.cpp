// The live meter: levels from blocks, a peak hold that holds then falls, and
// a line that fits and says what it shows.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "report/level_meter.hpp"

namespace micdoctor::test {
namespace {

std::vector<float> constant(float value, std::size_t n) { return std::vector<float>(n, value); }

TEST(LevelMeter, LevelAndPeakSinceTheLastReading) {
  LevelMeter meter;
  meter.add(constant(0.5f, 480));
  MeterReading r = meter.read(0.0);
  EXPECT_NEAR(r.level_dbfs, 20 * std::log10(0.5), 1e-6);
  EXPECT_NEAR(r.peak_dbfs, 20 * std::log10(0.5), 1e-6);
  r = meter.read(0.05);  // nothing since: silence
  EXPECT_LE(r.level_dbfs, -119.0);
}

TEST(LevelMeter, PeakHoldsThenFalls) {
  LevelMeter meter;
  meter.add(constant(1.0f, 10));
  EXPECT_NEAR(meter.read(0.0).held_peak_dbfs, 0.0, 1e-9);
  meter.add(constant(0.01f, 10));
  EXPECT_NEAR(meter.read(1.0).held_peak_dbfs, 0.0, 1e-9);  // within the hold time
  meter.add(constant(0.01f, 10));
  EXPECT_NEAR(meter.read(LevelMeter::kHoldSeconds + 0.5).held_peak_dbfs, -LevelMeter::kFallDbPerSecond * 0.5, 1e-9);
  meter.add(constant(0.9f, 10));  // a new peak above the falling marker takes over
  EXPECT_NEAR(meter.read(LevelMeter::kHoldSeconds + 0.6).held_peak_dbfs, 20 * std::log10(0.9), 1e-6);
}

TEST(LevelMeter, RenderedLine) {
  MeterReading r;
  r.level_dbfs = -30.0;
  r.peak_dbfs = -20.0;
  r.held_peak_dbfs = -12.0;
  const std::string ascii = render_meter(r, 2.4, TextStyle{}, 40);
  EXPECT_EQ(ascii.find('\n'), std::string::npos);
  EXPECT_EQ(ascii.find('\033'), std::string::npos);
  EXPECT_NE(ascii.find("-30.0 dBFS"), std::string::npos);
  EXPECT_NE(ascii.find("3 s left"), std::string::npos);
  const std::string bar = ascii.substr(ascii.find('[') + 1, 40);
  EXPECT_EQ(bar, std::string(20, '#') + std::string(12, '.') + "|" + std::string(7, '.'));
  r.level_dbfs = r.peak_dbfs = r.held_peak_dbfs = -120.0;
  EXPECT_NE(render_meter(r, 0.0, TextStyle{}, 40).find("silence"), std::string::npos);
  const std::string coloured = render_meter(r, 1.0, TextStyle{true, true}, 40);
  EXPECT_NE(coloured.find("\033["), std::string::npos);
}

}  // namespace
}  // namespace micdoctor::test
