#pragma once
// Small numeric helpers shared by the analysis components.
#include <cmath>
#include <optional>

namespace micdoctor::dsp {

inline constexpr double kTiny = 1e-30;

// 10*log10 of a power (mean square); nullopt for exact zero.
inline std::optional<double> power_to_db(double power) {
  if (!(power > 0)) return std::nullopt;
  return 10.0 * std::log10(power);
}

inline double db_to_power(double db) { return std::pow(10.0, db / 10.0); }

// Clamped variant for histogram indexing: never -inf.
inline double power_to_db_floor(double power, double floor_db) {
  return power > db_to_power(floor_db) ? 10.0 * std::log10(power) : floor_db;
}

// The histogram bin for a fractional position (lowest edge 0, one bin per
// unit): clamped to [0, bins - 1] before converting, because a position of
// inf or NaN (from a sample near the float limit) has no int value.
inline int histogram_bin(double position, int bins) {
  if (!(position >= 1.0)) return 0;  // also NaN
  if (position >= static_cast<double>(bins - 1)) return bins - 1;
  return static_cast<int>(position);
}

}  // namespace micdoctor::dsp
