#pragma once
// Known-bad versions: kernel and audio package versions with known microphone
// regressions (data/known-bad-versions.json, each entry with its public
// source), and the packages a detected device needs. Pure.
#include <string>
#include <vector>

namespace micdoctor {

// Every package name the checks ask the package database about: the
// known-bad table's and the ones a detected device may need (SOF firmware,
// alsa-ucm-conf, a Bluetooth HFP backend), under each distribution's names.
std::vector<std::string> packages_of_interest();

}  // namespace micdoctor
