#include "platform/pulse/pulse_settings.hpp"

#include <pulse/introspect.h>
#include <pulse/volume.h>

#include <algorithm>
#include <cmath>

#include "platform/pulse/pulse_connection.hpp"

namespace micdoctor::pulse {
namespace {

std::string text(const char* value) { return value ? value : ""; }

// What one query collects; filled by C callbacks that never throw.
struct Reading {
  bool done = false;
  bool found = false;
  bool failed = false;
  std::string name;  // port, default source, profile, or a stream's source index resolved later
  bool muted = false;
  pa_cvolume volume{};
  std::uint32_t source_index = PA_INVALID_INDEX;
  std::string source_name;
  std::string application;
  std::string process_id;
};

template <typename Body>
void fill(Reading& r, int eol, Body body) {
  if (eol != 0) {
    if (eol < 0 && !r.found) r.failed = true;
    r.done = true;
    return;
  }
  try {
    r.found = true;
    body();
  } catch (...) {
    r.failed = true;
  }
}

void on_source(pa_context*, const pa_source_info* info, int eol, void* userdata) {
  auto& r = *static_cast<Reading*>(userdata);
  fill(r, eol, [&] {
    r.muted = info->mute != 0;
    r.volume = info->volume;
    r.name = info->active_port ? text(info->active_port->name) : "";
    r.source_name = text(info->name);
  });
}

void on_card(pa_context*, const pa_card_info* info, int eol, void* userdata) {
  auto& r = *static_cast<Reading*>(userdata);
  fill(r, eol, [&] { r.name = info->active_profile2 ? text(info->active_profile2->name) : ""; });
}

void on_stream(pa_context*, const pa_source_output_info* info, int eol, void* userdata) {
  auto& r = *static_cast<Reading*>(userdata);
  fill(r, eol, [&] {
    r.muted = info->mute != 0;
    r.volume = info->volume;
    r.source_index = info->source;
    const char* app = pa_proplist_gets(info->proplist, PA_PROP_APPLICATION_NAME);
    const char* binary = pa_proplist_gets(info->proplist, PA_PROP_APPLICATION_PROCESS_BINARY);
    r.application = app && app[0] ? app : text(binary);
    r.process_id = text(pa_proplist_gets(info->proplist, PA_PROP_APPLICATION_PROCESS_ID));
  });
}

void on_server(pa_context*, const pa_server_info* info, void* userdata) {
  auto& r = *static_cast<Reading*>(userdata);
  r.done = true;
  if (info == nullptr) {
    r.failed = true;
    return;
  }
  r.found = true;
  try {
    r.name = text(info->default_source_name);
  } catch (...) {
    r.failed = true;
  }
}

struct Acknowledgement {
  bool done = false;
  bool success = false;
};

void on_success(pa_context*, int success, void* userdata) {
  auto& a = *static_cast<Acknowledgement*>(userdata);
  a.done = true;
  a.success = success != 0;
}

std::vector<double> percents(const pa_cvolume& volume) {
  std::vector<double> out;
  for (std::uint8_t c = 0; c < volume.channels && c < PA_CHANNELS_MAX; ++c) {
    out.push_back(100.0 * static_cast<double>(volume.values[c]) / PA_VOLUME_NORM);
  }
  return out;
}

pa_volume_t raw_volume(double percent) {
  const double raw = std::round(percent * PA_VOLUME_NORM / 100.0);
  return static_cast<pa_volume_t>(std::clamp(raw, 0.0, static_cast<double>(PA_VOLUME_MAX)));
}

// The wanted volume laid over the current channels: one value for all of
// them, or one per channel when the counts agree (undo puts back a balance).
pa_cvolume volume_for(const pa_cvolume& current, const std::vector<double>& wanted) {
  pa_cvolume out = current;
  if (out.channels == 0 || out.channels > PA_CHANNELS_MAX) out.channels = 1;
  double loudest = 0;
  for (const double v : wanted) loudest = std::max(loudest, v);
  for (std::uint8_t c = 0; c < out.channels; ++c) {
    out.values[c] = raw_volume(wanted.size() == out.channels ? wanted[c] : loudest);
  }
  return out;
}

bool is_stream(Setting s) {
  return s == Setting::stream_source || s == Setting::stream_mute || s == Setting::stream_volume;
}

}  // namespace

PulseSettings::PulseSettings(std::chrono::milliseconds timeout) : timeout_(timeout) {}
PulseSettings::~PulseSettings() = default;

PulseConnection* PulseSettings::connection(std::string& error) {
  if (connection_ && pa_context_get_state(connection_->context()) != PA_CONTEXT_READY) connection_.reset();
  if (!connection_) {
    std::string why;
    connection_ = PulseConnection::connect(Clock::now() + timeout_, why);
    if (!connection_) error = "no sound server answers (" + why + ")";
  }
  return connection_.get();
}

CurrentValue PulseSettings::current(Setting setting, const ChangeTarget& target) {
  CurrentValue now;
  PulseConnection* pulse = connection(now.error);
  if (pulse == nullptr) return now;
  pa_context* context = pulse->context();
  const auto deadline = Clock::now() + timeout_;
  Reading r;
  OperationPtr operation;
  switch (setting) {
    case Setting::privacy_user:
    case Setting::privacy_desktop_apps:
      now.gone = true;
      now.error = "Windows privacy settings do not exist here";
      return now;
    case Setting::default_source: operation.reset(pa_context_get_server_info(context, on_server, &r)); break;
    case Setting::card_profile:
      operation.reset(pa_context_get_card_info_by_name(context, target.name.c_str(), on_card, &r));
      break;
    case Setting::stream_source:
    case Setting::stream_mute:
    case Setting::stream_volume:
      if (!target.stream_index) {
        now.gone = true;
        now.error = "the journal names no stream";
        return now;
      }
      operation.reset(pa_context_get_source_output_info(context, *target.stream_index, on_stream, &r));
      break;
    default: operation.reset(pa_context_get_source_info_by_name(context, target.name.c_str(), on_source, &r));
  }
  if (!operation || !pulse->run_until([&] { return r.done; }, deadline)) {
    now.error = operation ? "the sound server did not answer in time" : pulse->last_error();
    return now;
  }
  if (!r.found) {
    // A lookup by name or index that lists nothing: the object is gone.
    now.gone = true;
    now.error = describe_target(setting, target) + " no longer exists";
    return now;
  }
  SettingValue value;
  if (is_stream(setting)) {
    // An index is only the same stream while the same application owns it.
    const std::string pid = target.process_id ? std::to_string(*target.process_id) : "";
    if (r.application != target.application || (!pid.empty() && r.process_id != pid)) {
      now.gone = true;
      now.error = "stream #" + std::to_string(*target.stream_index) + " has ended (its number now belongs to another application)";
      return now;
    }
    if (setting == Setting::stream_source) {
      if (r.source_index != PA_INVALID_INDEX) {  // invalid while the server moves it: no source yet
        Reading source;
        OperationPtr by_index(pa_context_get_source_info_by_index(context, r.source_index, on_source, &source));
        if (!by_index || !pulse->run_until([&] { return source.done; }, deadline) || !source.found) {
          now.error = "the source of stream #" + std::to_string(*target.stream_index) + " could not be read";
          return now;
        }
        value.name = source.source_name;
      }
      now.value = value;
      return now;
    }
  }
  switch (setting) {
    case Setting::source_mute:
    case Setting::stream_mute: value.flag = r.muted; break;
    case Setting::source_volume:
    case Setting::stream_volume: value.volume_percent = percents(r.volume); break;
    default: value.name = r.name;
  }
  now.value = value;
  return now;
}

bool PulseSettings::apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) {
  pa_cvolume volume{};
  if (setting == Setting::source_volume || setting == Setting::stream_volume) {
    // The channel count comes from the object itself.
    Reading r;
    PulseConnection* pulse = connection(error);
    if (pulse == nullptr) return false;
    OperationPtr read(setting == Setting::source_volume
                          ? pa_context_get_source_info_by_name(pulse->context(), target.name.c_str(), on_source, &r)
                          : pa_context_get_source_output_info(pulse->context(), target.stream_index.value_or(PA_INVALID_INDEX),
                                                              on_stream, &r));
    if (!read || !pulse->run_until([&] { return r.done; }, Clock::now() + timeout_) || !r.found) {
      error = describe_target(setting, target) + " could not be read";
      return false;
    }
    volume = volume_for(r.volume, value.volume_percent);
  }
  PulseConnection* pulse = connection(error);
  if (pulse == nullptr) return false;
  pa_context* context = pulse->context();
  const std::uint32_t stream = target.stream_index.value_or(PA_INVALID_INDEX);
  const char* name = target.name.c_str();
  Acknowledgement ack;
  OperationPtr operation;
  switch (setting) {
    case Setting::privacy_user:
    case Setting::privacy_desktop_apps:
      error = "Windows privacy settings do not exist here";
      return false;
    case Setting::mixer_switch:
    case Setting::mixer_volume:
    case Setting::mixer_enum:
    case Setting::config_file:
    case Setting::service_start_type:
    case Setting::firmware_version:
      error = "not a sound server setting (LinuxSystem applies it)";
      return false;
    case Setting::source_mute:
      operation.reset(pa_context_set_source_mute_by_name(context, name, value.flag ? 1 : 0, on_success, &ack));
      break;
    case Setting::source_volume:
      operation.reset(pa_context_set_source_volume_by_name(context, name, &volume, on_success, &ack));
      break;
    case Setting::source_port:
      operation.reset(pa_context_set_source_port_by_name(context, name, value.name.c_str(), on_success, &ack));
      break;
    case Setting::default_source:
      operation.reset(pa_context_set_default_source(context, value.name.c_str(), on_success, &ack));
      break;
    case Setting::card_profile:
      operation.reset(pa_context_set_card_profile_by_name(context, name, value.name.c_str(), on_success, &ack));
      break;
    case Setting::stream_source:
      operation.reset(pa_context_move_source_output_by_name(context, stream, value.name.c_str(), on_success, &ack));
      break;
    case Setting::stream_mute:
      operation.reset(pa_context_set_source_output_mute(context, stream, value.flag ? 1 : 0, on_success, &ack));
      break;
    case Setting::stream_volume:
      operation.reset(pa_context_set_source_output_volume(context, stream, &volume, on_success, &ack));
      break;
  }
  if (!operation) {
    error = pulse->last_error();
    return false;
  }
  if (!pulse->run_until([&] { return ack.done; }, Clock::now() + timeout_)) {
    error = "the sound server did not answer in time";
    return false;
  }
  if (!ack.success) {
    error = pulse->last_error();
    return false;
  }
  return true;
}

}  // namespace micdoctor::pulse
