#pragma once
// The audio sessions on the capture endpoints: which process records from
// which microphone, with the session's state, mute and volume
// (IAudioSessionManager2 / IAudioSessionEnumerator / IAudioSessionControl2 /
// ISimpleAudioVolume). The Windows form of PulseAudio's source-outputs.
#include <audiopolicy.h>
#include <mmdeviceapi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "model/snapshot.hpp"
#include "platform/windows/windows_util.hpp"

namespace micdoctor::windows {

// The sessions of every active endpoint in `endpoints` (as read), numbered
// from 0 in the order read (endpoint order, then Windows' session order):
// application (the session's display name when it has one, else the
// executable's name without ".exe"), binary ("Zoom.exe"), executable (its
// path), process_id, source (the endpoint id), source_index, session_state,
// muted, volume_percent. micdoctor's own sessions and the system sounds
// session are left out; expired sessions too. At most 256 per endpoint.
// `error` says why sessions could not be listed ("" when they could; Wine 8
// answers E_NOTIMPL).
std::vector<Stream> read_sessions(IMMDeviceEnumerator* enumerator, const std::vector<Source>& endpoints,
                                  std::string& error);

// The volume controls of the sessions process `pid` has on `endpoint`: for
// fix and undo (found again by process and endpoint, not by this read's
// numbering). `gone` when the endpoint or the session is not there (any more).
std::vector<ComPtr<ISimpleAudioVolume>> session_volumes(const std::string& endpoint, std::int64_t pid,
                                                        std::string& error, bool& gone);

}  // namespace micdoctor::windows
