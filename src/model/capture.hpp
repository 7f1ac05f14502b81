#pragma once
// What a platform's capture delivers and how it ends: the small contract
// between a live recording (PulseAudio/PipeWire here, WASAPI on Windows) and
// whoever listens (the analyser, the level meter, a --save file).
#include <chrono>
#include <span>
#include <string>

namespace micdoctor {

// What to record, and how long to wait for it.
struct CaptureRequest {
  std::string source;  // the source's name; "" for the system's default
  double seconds = 5.0;
  std::chrono::milliseconds connect_timeout{2000};
  // A stream that stops delivering for this long has stalled: a fault.
  std::chrono::milliseconds stall_timeout{1500};
  // The first audio may take longer: a virtual source behind a sink that
  // renders in 2-second blocks (PulseAudio's null sink when idle) starts
  // anywhere from at once to 2 s later (measured). A stream that has sent
  // nothing by then never will.
  std::chrono::milliseconds first_audio_timeout{3000};
  // Captured audio arrives in bursts and late: how long past `seconds` to wait for it.
  std::chrono::milliseconds late_allowance{3000};
};

struct CaptureFormat {
  int sample_rate = 0;  // Hz, the source's native rate
  int channels = 0;     // the source's native channels (at most 8)
};

// Receives the recording as it arrives. Called on the capturing thread; the
// calls must not throw (a capture calls them from C callbacks).
class CaptureListener {
 public:
  virtual ~CaptureListener() = default;
  // Once, before any audio: the format the blocks will have.
  virtual void on_start(const CaptureFormat& format) noexcept = 0;
  // Interleaved float samples, full scale 1.0; whole frames.
  virtual void on_audio(std::span<const float> interleaved) noexcept = 0;
  // About 20 times a second while capturing, with the audio received so far.
  virtual void on_tick(double seconds_received, double seconds_wanted) noexcept = 0;
};

struct CaptureOutcome {
  enum class Ending {
    completed,    // the seconds asked for arrived
    interrupted,  // the person stopped it (Ctrl-C): what arrived is still good
    failed,       // a fault: the source vanished, the server died, no data came, ...
  };
  Ending ending = Ending::failed;
  std::string error;            // for failed: what happened, in words
  double seconds_received = 0;  // audio that reached the listener
  // Set by the microphone test, not the capture: the test stopped before its
  // full time because its verdict was certain (docs/microphone-test.md). The
  // ending is then `completed` (the test got what it needed), not
  // `interrupted` (a person's Ctrl-C).
  bool stopped_when_certain = false;
  CaptureFormat format;
  // How the server delivered (for diagnosis and the benchmarks).
  double first_audio_after_s = 0;  // from the stream starting to its first audio
  double longest_gap_s = 0;        // the longest wait between two deliveries
};

}  // namespace micdoctor
