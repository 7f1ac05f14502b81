// The microphone mute LEDs (/sys/class/leds/*micmute*): "platform::micmute"
// (thinkpad_acpi, dell-laptop, hp-wmi, ...) or "hda::micmute" (the codec's GPIO),
// lit while the mute is on; the trigger "audio-micmute" ties it to ALSA's capture switches.
#include <algorithm>
#include <system_error>

#include "kernel_text/text_lines.hpp"
#include "platform/linux/bounded_file.hpp"
#include "platform/linux/kernel_readers.hpp"

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxLeds = 256;
constexpr std::size_t kMaxMuteLeds = 8;
// `trigger` lists every trigger the kernel has; a page at most.
constexpr std::size_t kMaxTriggerList = 8192;

int number_or(const std::string& text, int fallback) {
  const auto value = kernel_text::parse_small_int(text);
  return value ? *value : fallback;
}

// "none kbd-scrolllock [audio-micmute] disk-activity" → "audio-micmute"; "[none]" → "".
std::string active_trigger(const std::string& list) {
  const std::size_t open = list.find('[');
  const std::size_t close = list.find(']', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return "";
  const std::string trigger = list.substr(open + 1, close - open - 1);
  return trigger == "none" ? "" : trigger;
}

}  // namespace

std::vector<MuteLed> read_mute_leds(const fs::path& root) {
  std::vector<MuteLed> leds;
  std::vector<fs::path> candidates;
  std::error_code error;
  fs::directory_iterator it(root / "sys/class/leds", error);
  if (error) return leds;
  std::size_t seen = 0;
  for (const fs::directory_entry& entry : it) {
    if (++seen > kMaxLeds) break;
    if (entry.path().filename().string().find("micmute") != std::string::npos) candidates.push_back(entry.path());
  }
  std::sort(candidates.begin(), candidates.end());
  for (const fs::path& led : candidates) {
    if (leds.size() >= kMaxMuteLeds) break;
    MuteLed mute;
    mute.name = led.filename().string();
    mute.brightness = number_or(read_attribute(led / "brightness"), 0);
    mute.max_brightness = number_or(read_attribute(led / "max_brightness"), 1);
    mute.trigger = active_trigger(read_bounded_file(led / "trigger", kMaxTriggerList).value_or(""));
    leds.push_back(std::move(mute));
  }
  return leds;
}

}  // namespace micdoctor::linux_system
