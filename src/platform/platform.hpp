#pragma once
// What the command line needs from the system it runs on: read the state,
// record from a microphone, change single settings, keep the journal. One
// implementation per platform (platform/linux/linux_platform.cpp,
// platform/windows/windows_platform.cpp); the CLI links exactly one.
#include <atomic>
#include <memory>
#include <string>

#include "fixes/fix_session.hpp"
#include "fixes/journal_store.hpp"
#include "model/capture.hpp"
#include "model/snapshot.hpp"
#include "watch/watch_feed.hpp"

namespace micdoctor::platform {

// Every layer between the microphone and the applications. Never blocks
// longer than a few seconds; an unreachable audio system is a finding in the
// snapshot, not an exception.
SystemSnapshot read_system_snapshot();

// What `micdoctor drivers` reads: the snapshot, plus the readings check
// leaves out for speed. Linux: fwupd is started when it does not run, and
// with refresh its metadata is refreshed first; Windows: with refresh,
// Windows Update asks Microsoft Update instead of only its local cache.
struct DriverReadOptions {
  bool refresh = false;
};
SystemSnapshot read_driver_snapshot(const DriverReadOptions& options);

// Records from `request.source` (a device id from the snapshot) until the
// seconds asked for arrived, `stop` became true, or a fault.
CaptureOutcome capture(const CaptureRequest& request, CaptureListener& listener, const std::atomic<bool>& stop);

// Watches the sound system until request.seconds passed (0: until stop),
// `stop` became true, or the server went away: pushes its state after every
// change and meters the source feed.source_to_meter() names. Sleeps on the
// server's events; notices `stop` within a fraction of a second.
WatchOutcome watch(const WatchRequest& request, WatchFeed& feed, const std::atomic<bool>& stop);

// The running system, for fix and undo.
std::unique_ptr<SystemAccess> open_system_access();

// The journal in this user's state directory. Throws JournalError(unwritable)
// when there is none to use.
std::unique_ptr<JournalStore> open_journal_store();

// "the PulseAudio/PipeWire server", "Windows": for messages.
std::string audio_system_name();

// What has to stay while the page is served once the browser was started:
// on Linux the redirect file the browser reads (removed when this goes).
class BrowserHandoff {
 public:
  BrowserHandoff() = default;
  virtual ~BrowserHandoff() = default;
  BrowserHandoff(const BrowserHandoff&) = delete;
  BrowserHandoff& operator=(const BrowserHandoff&) = delete;
};

// Opens `url` in the person's default browser without waiting for the
// browser to close: on Linux xdg-open gets a private redirect file
// (platform/linux/browser_redirect.hpp), never the URL with its secret; on
// Windows ShellExecute gets the URL. nullptr with the reason in `error` when
// it could not be started.
std::unique_ptr<BrowserHandoff> open_in_browser(const std::string& url, std::string& error);

// True when micdoctor was started by a double-click (Windows: it owns its
// console alone, so the console closes with it); always false on Linux.
bool started_by_double_click();

}  // namespace micdoctor::platform
