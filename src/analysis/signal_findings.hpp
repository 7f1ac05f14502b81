#pragma once
// From metrics to findings: the signal.* rules, each in one place with its
// thresholds. Ids and meanings are a contract (docs/checks.md, docs/analyze.md).
#include <span>
#include <string_view>
#include <vector>

#include "analysis/signal_metrics.hpp"
#include "model/finding.hpp"

namespace micdoctor {

// Thresholds, named so tests and docs can refer to them.
namespace signal_thresholds {
inline constexpr double kDigitalSilenceZeroFraction = 0.99;
inline constexpr double kTooQuietSpeechDbfs = -42.0;   // flag at or below (contract: -48 flags, -38 clean)
inline constexpr double kVeryQuietSpeechDbfs = -55.0;  // error
inline constexpr double kTooLoudSpeechDbfs = -11.0;    // flag at or above (contract: -8 flags, -14 clean)
inline constexpr double kClippedFraction = 0.001;      // contract: 0.2 % flags
inline constexpr double kHeavilyClippedFraction = 0.01;
inline constexpr double kDcOffset = 0.015;             // contract: 0.03 flags, 0.005 clean
inline constexpr double kHumDbfs = -52.0;              // contract: -45 flags, below -70 clean
inline constexpr double kLoudHumDbfs = -30.0;
inline constexpr double kNoisySnrDb = 15.0;            // contract: 10 dB flags, 25 dB clean
inline constexpr double kVeryNoisySnrDb = 3.0;
inline constexpr int kDropouts = 2;
inline constexpr int kManyDropouts = 10;
inline constexpr double kNarrowbandMinRateHz = 32000;
inline constexpr double kNarrowbandEdgeHz = 5500;      // contract: 4 kHz flags, 7 kHz clean
inline constexpr double kDeadChannelDbfs = -80.0;
inline constexpr double kLiveChannelDbfs = -65.0;
inline constexpr double kInvertedCorrelation = -0.7;   // contract: -0.9 flags, 0 clean
inline constexpr double kTargetSpeechDbfs = -26.0;     // where advice aims the speech level
}  // namespace signal_thresholds

std::vector<Finding> signal_findings(const SignalMetrics& metrics);

// Every id signal_findings() can report; a finding made with any other id is a bug
// (make() refuses it), so this list and the documented catalogue cannot drift apart.
std::span<const std::string_view> signal_finding_ids();

}  // namespace micdoctor
