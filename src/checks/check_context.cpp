#include "checks/check_context.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace micdoctor::checks {
namespace {

const Port* active_port(const Source& source) {
  for (const Port& port : source.ports) {
    if (port.name == source.active_port) return &port;
  }
  return nullptr;
}

}  // namespace

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int preference_rank(const Source& source) {
  if (source.kind == SourceKind::monitor) return -1;
  if (source.kind == SourceKind::virtual_source) return 0;
  const std::string_view form = source.form_factor;
  if (source.bus == "bluetooth" || form == "headset" || form == "hands-free" || form == "handset" ||
      form == "headphone" || contains(source.active_port, "headset")) {
    return 3;
  }
  if (source.bus == "usb") return 2;
  return 1;
}

bool is_present(const Source& source) {
  return source.state != "disabled" && source.state != "not_present" && source.state != "unplugged";
}

bool is_ready(const Source& source) {
  if (source.kind == SourceKind::monitor || !is_present(source)) return false;
  const Port* port = active_port(source);
  return port == nullptr || port->available != Availability::no;
}

const Source* best_input(const SystemSnapshot& snapshot) {
  const Source* best = nullptr;
  for (const Source& source : snapshot.sources) {
    if (!is_ready(source)) continue;
    if (best == nullptr || preference_rank(source) > preference_rank(*best)) best = &source;
  }
  return best;
}

const Profile* best_input_profile(const Card& card) {
  const Profile* best = nullptr;
  for (const Profile& p : card.profiles) {
    if (p.sources == 0 || !p.available) continue;
    if (best == nullptr || p.priority > best->priority) best = &p;
  }
  return best;
}

bool monitors_a_virtual_output(const Source& source) {
  return source.kind == SourceKind::monitor && source.card.empty() && source.bus.empty() && source.form_factor.empty();
}

bool is_application_stream(const Stream& stream) { return !stream.from_module; }

bool is_endpoint_id(const std::string& name) {
  return name.size() > 4 && name.front() == '{' && name.back() == '}' && name.find("}.{") != std::string::npos;
}

std::string source_label(const Source& source) {
  if (source.description.empty() || source.description == source.name) return "\"" + source.name + "\"";
  if (is_endpoint_id(source.name)) return "\"" + source.description + "\"";
  return "\"" + source.description + "\" (" + source.name + ")";
}

std::string stream_label(const Stream& stream) {
  std::string who = stream.application;
  if (who.empty()) who = stream.binary;
  if (who.empty()) who = "An application";
  // A Windows session (it has a state): named by its program and process,
  // which people can find in Task Manager; the number is only this reading's.
  if (!stream.session_state.empty()) {
    std::string what = stream.binary.empty() || stream.binary == who ? "" : stream.binary + ", ";
    if (stream.process_id) what += "process " + std::to_string(*stream.process_id);
    return what.empty() ? who : who + " (" + what + ")";
  }
  return who + " (stream #" + std::to_string(stream.index) + ")";
}

std::string stream_device_id(const Stream& stream) { return "stream:" + std::to_string(stream.index); }

std::string volume_text(double percent, const std::optional<double>& db) {
  char text[96];
  if (db && std::isfinite(*db)) {
    std::snprintf(text, sizeof text, "%.0f %% (%.1f dB)", percent, *db);
  } else if (percent <= 0.0) {
    std::snprintf(text, sizeof text, "0 %% (silence)");
  } else {
    std::snprintf(text, sizeof text, "%.0f %%", percent);
  }
  return text;
}

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace micdoctor::checks
