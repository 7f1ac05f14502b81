#pragma once
// A number as findings and reports print it: fixed decimals, C locale.
#include <cstdio>
#include <string>

namespace micdoctor {

inline std::string decimal(double value, int decimals = 1) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace micdoctor
