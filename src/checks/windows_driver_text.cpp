#include "checks/windows_driver_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <exception>

namespace micdoctor::checks {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

// "6.0.9600.1" -> {6, 0, 9600, 1}; nullopt unless digits separated by single dots.
std::optional<std::vector<std::uint64_t>> version_numbers(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::vector<std::uint64_t> numbers;
  for (std::string_view part : split(text, '.')) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || error != std::errc() || end != part.data() + part.size()) return std::nullopt;
    numbers.push_back(value);
  }
  return numbers;
}

std::string holder_text(const ExclusiveHolder& holder) {
  std::string text = holder.application.empty() ? "a program" : holder.application;
  if (holder.process_id > 0) text += " (process " + std::to_string(holder.process_id) + ")";
  return text;
}

}  // namespace

std::string driver_version_from_title(std::string_view title) {
  while (!title.empty() && std::isspace(static_cast<unsigned char>(title.back())) != 0) title.remove_suffix(1);
  const std::size_t space = title.find_last_of(" \t");
  const std::string_view last = space == std::string_view::npos ? title : title.substr(space + 1);
  const auto numbers = version_numbers(last);
  if (!numbers || numbers->size() < 2) return {};
  return std::string(last);
}

bool hardware_id_matches(std::string_view update_id, std::string_view device_id) {
  return !update_id.empty() && upper(update_id) == upper(device_id);
}

std::string matching_hardware_id(const DriverUpdate& update, const EndpointDriver& device) {
  for (const std::vector<std::string>* ids : {&device.hardware_ids, &device.compatible_ids}) {
    for (const std::string& id : *ids) {
      if (hardware_id_matches(update.hardware_id, id)) return id;
    }
  }
  if (!device.hardware_ids.empty() || !device.compatible_ids.empty()) return {};
  const std::size_t first = device.instance_id.find('\\');
  const std::size_t second = first == std::string::npos ? first : device.instance_id.find('\\', first + 1);
  if (second == std::string::npos) return {};
  const std::string id = device.instance_id.substr(0, second);
  return hardware_id_matches(update.hardware_id, id) ? id : std::string();
}

WindowsDriverUpdates search_without_throwing(const std::function<WindowsDriverUpdates()>& search, bool online) {
  WindowsDriverUpdates failed;
  failed.online = online;
  try {
    return search();
  } catch (const std::exception& e) {
    failed.error = std::string("the Windows Update search failed: ") + e.what();
  } catch (...) {
    failed.error = "the Windows Update search failed with an unknown error";
  }
  return failed;
}

std::optional<int> compare_driver_versions(std::string_view a, std::string_view b) {
  auto left = version_numbers(a);
  auto right = version_numbers(b);
  if (!left || !right) return std::nullopt;
  const std::size_t size = std::max(left->size(), right->size());
  left->resize(size, 0);
  right->resize(size, 0);
  if (*left == *right) return 0;
  return *left < *right ? -1 : 1;
}

std::string exclusive_mode_message(const ExclusiveModeFacts& facts) {
  const std::string microphone = facts.microphone.empty() ? "the microphone" : "\"" + facts.microphone + "\"";
  std::string text = "the microphone is busy: another program holds " + microphone + " exclusively, so no other program can record from it.";
  if (!facts.holders.empty()) {
    text += " Using it now: ";
    for (std::size_t i = 0; i < facts.holders.size(); ++i) {
      if (i > 0) text += ", ";
      text += holder_text(facts.holders[i]);
    }
    text += "; close it (or stop its recording) and try again.";
  } else if (!facts.sessions_error.empty()) {
    text += " Windows did not say which program (" + facts.sessions_error + "); close the programs that record sound "
            "(call, recording and music apps) and try again.";
  } else {
    text += " Windows did not say which program; close the programs that record sound (call, recording and music apps) "
            "and try again.";
  }
  if (facts.exclusive_allowed == std::optional<bool>(false)) {
    text += " \"Allow applications to take exclusive control of this device\" is already off for it, so the holder "
            "may be a driver's own program: restart the computer if closing the programs does not help.";
  } else {
    text += std::string(" \"Allow applications to take exclusive control of this device\" is ") +
            (facts.exclusive_allowed ? "on" : "on (Windows' default)") +
            " for it. To stop one program taking the microphone from all others: Sound settings > More sound settings "
            "> Recording > " + microphone + " > Properties > Advanced > untick \"Allow applications to take "
            "exclusive control of this device\" > OK.";
  }
  return text;
}

}  // namespace micdoctor::checks
