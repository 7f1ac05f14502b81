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

}  // namespace micdoctor::dsp
