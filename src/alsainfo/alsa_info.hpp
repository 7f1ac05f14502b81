#pragma once
// An alsa-info.sh dump (the ALSA project's alsa-utils/alsa-info/alsa-info.sh,
// versions 0.4.x and 0.5.x: what every forum and bug tracker asks for) read
// into a SystemSnapshot, so the checks judge a system that is not this one.
// Pure: text in, snapshot out; no file, no device, no platform header.
//
// What a dump holds becomes the snapshot's kernel part (cards, controllers,
// module options and parameters, codec pages, mixers, kernel log, firmware
// the log asked for), the distribution and the ALSA capture devices. A dump
// holds no sound server state: server.reachable is false, and
// run_alsa_info_checks marks the steps that need one as not judged.
#include <string_view>
#include <vector>

#include "alsainfo/dump_text.hpp"
#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor {

using alsainfo::AlsaInfoError;

// Reads a dump, cut short or mangled by forum software as far as it goes.
// origin = "alsa-info". Throws AlsaInfoError (one line: why this is no dump)
// for text that is not one, binary data, or more than 16 MiB.
SystemSnapshot snapshot_from_alsa_info(std::string_view text);

// run_checks for a snapshot read from a dump: the findings a dump has
// evidence for (driver, firmware, codec, jack, mixer, mute key, USB), and
// steps 0 (sound server), 1 (applications) and 3 (default input) marked not
// judged, since a dump holds no sound server state. The server-side findings
// run_checks gives for "no server answers" are an artefact of the dump and
// are dropped.
std::vector<Finding> run_alsa_info_checks(const SystemSnapshot& snapshot);

}  // namespace micdoctor
