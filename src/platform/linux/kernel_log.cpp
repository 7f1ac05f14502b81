#include "platform/linux/kernel_log.hpp"

#include <fcntl.h>
#include <sys/klog.h>
#include <sys/utsname.h>
#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <set>

#include "kernel_text/sound_firmware.hpp"
#include "platform/linux/small_file.hpp"

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxLineChars = 1024;
constexpr std::size_t kMaxLogFileBytes = 16u << 20;
constexpr std::size_t kMaxRingBufferBytes = 4u << 20;
constexpr long kMaxJournalEntries = 200000;  // a boot's kernel messages are a few thousand

// A line without its "[    1.234567] " timestamp: identical messages repeated.
std::string message_key(const std::string& line) {
  if (!line.empty() && line.front() == '[') {
    const std::size_t close = line.find("] ");
    if (close != std::string::npos && close < 32) return line.substr(close + 2);
  }
  return line;
}

// Keeps the first kKernelLogBootLines sound lines of the boot (the drivers'
// probe: "DMICs detected in NHLT tables", "Direct firmware load ...", "DSP
// detected") and the newest of the rest, up to kMaxKernelLogLines in all, in
// the order they were given; a message identical to one kept (timestamps
// aside: Bluetooth's "ACL packet for unknown connection handle" repeats by
// the thousand) is kept once.
class SoundLines {
 public:
  void add(std::string line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.size() > kMaxLineChars) line.resize(kMaxLineChars);
    if (!is_sound_kernel_line(line)) return;
    std::string key = message_key(line);
    if (kept_.count(key) > 0) return;
    if (head_.size() < kKernelLogBootLines) {
      head_.push_back(std::move(line));
      kept_.insert(std::move(key));
      return;
    }
    tail_.push_back(std::move(line));
    kept_.insert(std::move(key));
    if (tail_.size() > kMaxKernelLogLines - kKernelLogBootLines) {
      kept_.erase(message_key(tail_.front()));
      tail_.pop_front();
    }
  }
  std::vector<std::string> take() {
    std::vector<std::string> out = std::move(head_);
    out.insert(out.end(), std::make_move_iterator(tail_.begin()), std::make_move_iterator(tail_.end()));
    return out;
  }

 private:
  std::vector<std::string> head_;
  std::deque<std::string> tail_;
  std::set<std::string> kept_;  // keys of head_ and tail_ (bounded with them)
};

void add_text_lines(const std::string& text, SoundLines& out) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.add(text.substr(start, end - start));
    start = end + 1;
  }
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A /proc/sys switch ("1\n"). Not read_small_file: /proc files say their size is 0.
bool read_sysctl_is_on(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char first = '0';
  const ssize_t n = ::read(fd, &first, 1);
  ::close(fd);
  return n == 1 && first != '0';
}

// -- journald ----------------------------------------------------------------

struct JournalCloser {
  void operator()(sd_journal* journal) const { sd_journal_close(journal); }
};
using Journal = std::unique_ptr<sd_journal, JournalCloser>;

struct JournalResult {
  bool opened = false;       // a system journal file could be opened
  long kernel_entries = 0;   // kernel messages of this boot seen
  std::vector<std::string> lines;
};

// The boot of the journal's newest entry: the current boot of a journal
// copied from another machine.
bool newest_boot(sd_journal* journal, sd_id128_t& boot) {
  std::uint64_t monotonic_usec = 0;
  return sd_journal_seek_tail(journal) >= 0 && sd_journal_previous(journal) > 0 &&
         sd_journal_get_monotonic_usec(journal, &monotonic_usec, &boot) >= 0;
}

// The kernel's messages of one boot (this one, live; else the newest), sound
// lines only, newest last. `directory` empty: this machine's system journal.
JournalResult read_journal(const fs::path& directory, Clock::time_point deadline) {
  JournalResult result;
  sd_journal* raw = nullptr;
  // Not bounded by the deadline: sd_journal_open only lists the journal
  // directories and opens and mmaps their files (SD_JOURNAL_LOCAL_ONLY: this
  // machine's, no remote or network-mounted journals); it reads no entries.
  // What remains unbounded is a file system that hangs on open/mmap (a dead
  // NFS /var/log): nothing short of a thread could cut that. The walks below
  // check the deadline every 64 entries and stop at an entry bound.
  const int opened = directory.empty() ? sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM)
                                       : sd_journal_open_directory(&raw, directory.c_str(), 0);
  if (opened < 0 || raw == nullptr) return result;
  const Journal journal(raw);
  // Whether the system journal's files (under /run/log/journal, /var/log/journal)
  // could be opened; a directory given is simply read.
  result.opened = !directory.empty() || sd_journal_has_runtime_files(journal.get()) > 0 ||
                  sd_journal_has_persistent_files(journal.get()) > 0;
  if (!result.opened) return result;
  sd_id128_t boot{};
  if ((directory.empty() ? sd_id128_get_boot(&boot) : (newest_boot(journal.get(), boot) ? 0 : -1)) < 0) return result;
  std::array<char, SD_ID128_STRING_MAX> boot_text{};
  const std::string boot_match = std::string("_BOOT_ID=") + sd_id128_to_string(boot, boot_text.data());
  // Two different fields: both must match.
  if (sd_journal_add_match(journal.get(), "_TRANSPORT=kernel", 0) < 0 ||
      sd_journal_add_match(journal.get(), boot_match.c_str(), 0) < 0) {
    return result;
  }
  // The boot's first sound lines (half the time at most), then the newest,
  // walking back from the tail until the first part is reached: a deadline or
  // the entry bound cuts the middle, never the probe or the recent end.
  const Clock::time_point head_deadline = Clock::now() + (deadline - Clock::now()) / 2;
  std::vector<std::string> head;
  std::set<std::string> kept;  // messages kept, once each
  auto message_of = [&](std::string& out) {
    const void* data = nullptr;
    std::size_t length = 0;
    if (sd_journal_get_data(journal.get(), "MESSAGE", &data, &length) < 0) return false;
    out.assign(static_cast<const char*>(data), length);
    out.erase(0, std::strlen("MESSAGE="));
    if (out.size() > kMaxLineChars) out.resize(kMaxLineChars);
    return is_sound_kernel_line(out) && kept.count(out) == 0;
  };
  if (sd_journal_seek_head(journal.get()) < 0) return result;
  std::string message;
  bool read_to_the_end = false;
  for (;;) {
    if (result.kernel_entries >= kMaxJournalEntries / 2) break;
    if (sd_journal_next(journal.get()) <= 0) {
      read_to_the_end = true;
      break;
    }
    ++result.kernel_entries;
    if (message_of(message)) {
      kept.insert(message);
      head.push_back(message);
      if (head.size() >= kKernelLogBootLines) break;
    }
    if ((result.kernel_entries & 63) == 0 && Clock::now() > head_deadline) break;
  }
  // Where the first part stopped: the walk back from the tail stops there.
  std::string head_end_cursor;
  if (!read_to_the_end) {
    char* cursor = nullptr;
    if (sd_journal_get_cursor(journal.get(), &cursor) >= 0 && cursor != nullptr) {
      head_end_cursor = cursor;
      std::free(cursor);  // NOLINT(cppcoreguidelines-no-malloc): sd_journal_get_cursor's contract
    }
  }
  std::vector<std::string> newest_first;
  if (!read_to_the_end && !head_end_cursor.empty() && sd_journal_seek_tail(journal.get()) >= 0) {
    long entries = 0;
    while (entries < kMaxJournalEntries / 2 && sd_journal_previous(journal.get()) > 0) {
      if (sd_journal_test_cursor(journal.get(), head_end_cursor.c_str()) > 0) break;  // met the first part
      ++entries;
      if ((entries & 63) == 0 && Clock::now() > deadline) break;
      if (!message_of(message)) continue;
      kept.insert(message);
      newest_first.push_back(message);
      if (newest_first.size() >= kMaxKernelLogLines - kKernelLogBootLines) break;
    }
    result.kernel_entries += entries;
  }
  result.lines = std::move(head);
  result.lines.insert(result.lines.end(), newest_first.rbegin(), newest_first.rend());
  return result;
}

std::string journal_unreadable_reason(const JournalResult& journal) {
  if (journal.opened) return "the system journal holds no kernel messages of this boot";
  std::error_code error;
  if (fs::exists("/var/log/journal", error) || fs::exists("/run/log/journal", error)) {
    return "this user may not read the system journal (not in the adm or systemd-journal group)";
  }
  return "there is no system journal on this machine";
}

// -- the kernel ring buffer ----------------------------------------------------

// "<6>[    1.234567] text" (klogctl) → "[    1.234567] text", as dmesg prints it.
std::string without_priority(const std::string& line) {
  if (line.size() > 2 && line[0] == '<') {
    const std::size_t close = line.find('>');
    if (close != std::string::npos && close < 5) return line.substr(close + 1);
  }
  return line;
}

// klogctl(SYSLOG_ACTION_READ_ALL); errno on failure.
std::optional<int> read_klogctl(SoundLines& out) {
  constexpr int kSyslogActionReadAll = 3;
  constexpr int kSyslogActionSizeBuffer = 10;
  int size = klogctl(kSyslogActionSizeBuffer, nullptr, 0);
  if (size < 0) return errno;
  size = std::clamp(size, 4096, static_cast<int>(kMaxRingBufferBytes));
  std::string buffer(static_cast<std::size_t>(size), '\0');
  const int got = klogctl(kSyslogActionReadAll, buffer.data(), size);
  if (got < 0) return errno;
  buffer.resize(static_cast<std::size_t>(got));
  std::size_t start = 0;
  while (start < buffer.size()) {
    std::size_t end = buffer.find('\n', start);
    if (end == std::string::npos) end = buffer.size();
    out.add(without_priority(buffer.substr(start, end - start)));
    start = end + 1;
  }
  return std::nullopt;
}

// /dev/kmsg, non-blocking: one record per read, "6,339,5140900,-;text".
std::optional<int> read_dev_kmsg(SoundLines& out, Clock::time_point deadline) {
  const int fd = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return errno;
  std::array<char, 8192> record{};
  std::size_t records = 0;
  for (;;) {
    const ssize_t n = ::read(fd, record.data(), record.size());
    if (n < 0 && (errno == EINTR || errno == EPIPE)) continue;  // EPIPE: overwritten while reading
    if (n <= 0) break;                                          // EAGAIN: the end
    const std::string text(record.data(), static_cast<std::size_t>(n));
    const std::size_t semicolon = text.find(';');
    const std::string message = semicolon == std::string::npos ? text : text.substr(semicolon + 1);
    out.add(message.substr(0, message.find('\n')));  // continuation lines (" KEY=value") are dropped
    if ((++records & 63) == 0 && Clock::now() > deadline) break;
  }
  ::close(fd);
  return std::nullopt;
}

std::string ring_buffer_unreadable_reason(int error) {
  if ((error == EPERM || error == EACCES) && read_sysctl_is_on("/proc/sys/kernel/dmesg_restrict")) {
    return "the kernel log is restricted to administrators (kernel.dmesg_restrict = 1)";
  }
  return std::string("the kernel log could not be read (") + std::strerror(error) + ")";
}

KernelLog read_live_kernel_log(std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  KernelLog log;
  JournalResult journal = read_journal({}, deadline);
  if (journal.kernel_entries > 0) {
    log.read = true;
    log.source = "journald";
    log.lines = std::move(journal.lines);
    return log;
  }
  SoundLines lines;
  std::optional<int> error = read_klogctl(lines);
  if (error) error = read_dev_kmsg(lines, deadline);
  if (!error) {
    log.read = true;
    log.source = "dmesg";
    log.lines = lines.take();
    return log;
  }
  log.unreadable = ring_buffer_unreadable_reason(*error) + " and " + journal_unreadable_reason(journal);
  return log;
}

KernelLog read_fixture_kernel_log(const fs::path& root, std::chrono::milliseconds timeout) {
  KernelLog log;
  std::error_code error;
  if (!fs::exists(root / "kernel.log", error) && fs::is_directory(root / "var/log/journal", error)) {
    JournalResult journal = read_journal(root / "var/log/journal", Clock::now() + timeout);
    log.source = "journald";
    if (journal.kernel_entries == 0) {
      log.unreadable = "the journal in var/log/journal holds no kernel messages";
      return log;
    }
    log.read = true;
    log.lines = std::move(journal.lines);
    return log;
  }
  log.source = "file";
  const SmallFile file = read_small_file((root / "kernel.log").string(), kMaxLogFileBytes);
  switch (file.problem) {
    case SmallFile::Problem::none: break;
    case SmallFile::Problem::cannot_open: log.unreadable = std::string("kernel.log: ") + std::strerror(file.error); return log;
    case SmallFile::Problem::not_regular: log.unreadable = "kernel.log is not a regular file"; return log;
    case SmallFile::Problem::too_large: log.unreadable = "kernel.log is too large"; return log;
  }
  SoundLines lines;
  add_text_lines(file.text, lines);
  log.read = true;
  log.lines = lines.take();
  return log;
}

// -- firmware requests -------------------------------------------------------------

// The text between `before` and `after` in line, when both are there.
std::optional<std::string> between(const std::string& line, const std::string& before, const std::string& after) {
  const std::size_t start = line.find(before);
  if (start == std::string::npos) return std::nullopt;
  const std::size_t from = start + before.size();
  const std::size_t end = line.find(after, from);
  if (end == std::string::npos) return std::nullopt;
  return line.substr(from, end - from);
}

// The firmware file a kernel message says failed to load, if it says so.
// Wording from the kernel sources: drivers/base/firmware_loader/main.c
// (_request_firmware: "Direct firmware load for %s failed with error %d"),
// sound/soc/sof/loader.c (before 5.12: "error: request firmware %s failed err: %d"),
// sound/soc/sof/topology.c ("error: tplg request firmware %s failed err: %d"),
// Debian's firmware_class patch ("firmware: failed to load %s (%d)"), and
// Intel Bluetooth's drivers/bluetooth/btintel.c ("Failed to load Intel firmware file %s (%d)").
std::optional<std::string> failed_firmware(const std::string& line) {
  std::optional<std::string> path = between(line, "Direct firmware load for ", " failed with error ");
  if (!path) path = between(line, "request firmware ", " failed err: ");
  if (!path) path = between(line, "request_firmware ", " failed err: ");
  if (!path) path = between(line, "firmware: failed to load ", " (");
  if (!path) path = between(line, "Failed to load Intel firmware file ", " (");
  if (!path) return std::nullopt;
  std::string name = *path;
  const std::string prefix = "/lib/firmware/";
  if (name.rfind(prefix, 0) == 0) name.erase(0, prefix.size());
  const bool plausible = !name.empty() && name.size() < 256 && name[0] != '/' && name.find(' ') == std::string::npos &&
                         name.find("..") == std::string::npos;
  if (!plausible) return std::nullopt;
  return name;
}

std::string kernel_release() {
  struct utsname names {};
  return ::uname(&names) == 0 ? std::string(names.release) : std::string();
}

// Where the firmware loader looks (fw_path[] in firmware_loader/main.c), and
// the compressed forms it tries when CONFIG_FW_LOADER_COMPRESS is on.
bool firmware_present(const fs::path& root, const std::string& name, const std::string& release) {
  std::vector<fs::path> directories = {root / "lib/firmware/updates", root / "lib/firmware"};
  if (!release.empty()) {
    directories.insert(directories.begin() + 1, root / "lib/firmware/updates" / release);
    directories.push_back(root / "lib/firmware" / release);
  }
  for (const fs::path& directory : directories) {
    for (const char* suffix : {"", ".xz", ".zst"}) {
      std::error_code error;
      if (fs::is_regular_file(directory / (name + suffix), error)) return true;
    }
  }
  return false;
}

}  // namespace

bool is_sound_kernel_line(const std::string& line) {
  static const std::array<const char*, 24> kSoundWords = {
      "snd_", "snd-", "snd ", "sof-", "sof_", " sof ", "/sof", "sof:", "hda", "soundwire", "sdw", "dmic",
      "asoc", "soc-", "audio", "sound", "alsa", "codec", "tplg", "topology", "bluetooth", "sco ", "rfcomm", "micmute"};
  const std::string text = lower(line);
  return std::any_of(kSoundWords.begin(), kSoundWords.end(),
                     [&](const char* word) { return text.find(word) != std::string::npos; });
}

KernelLog read_kernel_log(const fs::path& root, std::chrono::milliseconds timeout) {
  if (root == "/") return read_live_kernel_log(timeout);
  return read_fixture_kernel_log(root, timeout);
}

std::vector<FirmwareFile> firmware_requests(const KernelLog& log, const fs::path& root) {
  std::vector<FirmwareFile> files;
  const std::string release = root == "/" ? kernel_release() : std::string();
  for (const std::string& line : log.lines) {
    const std::optional<std::string> name = failed_firmware(line);
    if (!name || !is_sound_firmware(line, *name)) continue;  // Wi-Fi, GPU, Bluetooth: not ours
    if (std::any_of(files.begin(), files.end(), [&](const FirmwareFile& f) { return f.path == *name; })) continue;
    files.push_back(FirmwareFile{*name, firmware_present(root, *name, release)});
  }
  return files;
}

}  // namespace micdoctor::linux_system
