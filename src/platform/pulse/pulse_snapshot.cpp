#include "platform/pulse/pulse_snapshot.hpp"

#include <pulse/introspect.h>
#include <pulse/volume.h>

#include <cmath>
#include <map>

#include "platform/pulse/pulse_connection.hpp"

namespace micdoctor::pulse {
namespace {

std::string text(const char* value) { return value ? value : ""; }

std::string property(const pa_proplist* list, const char* key) {
  return list ? text(pa_proplist_gets(list, key)) : "";
}

double volume_percent(const pa_cvolume& volume) {
  if (!pa_cvolume_valid(&volume)) return 100.0;
  return 100.0 * static_cast<double>(pa_cvolume_max(&volume)) / PA_VOLUME_NORM;
}

std::optional<double> volume_db(const pa_cvolume& volume) {
  if (!pa_cvolume_valid(&volume)) return std::nullopt;
  const double db = pa_sw_volume_to_dB(pa_cvolume_max(&volume));
  if (!std::isfinite(db)) return std::nullopt;
  return db;
}

Availability availability(int available) {
  if (available == PA_PORT_AVAILABLE_YES) return Availability::yes;
  if (available == PA_PORT_AVAILABLE_NO) return Availability::no;
  return Availability::unknown;
}

std::string state_name(pa_source_state_t state) {
  switch (state) {
    case PA_SOURCE_RUNNING: return "running";
    case PA_SOURCE_IDLE: return "idle";
    case PA_SOURCE_SUSPENDED: return "suspended";
    default: return "unknown";
  }
}

SourceKind classify(const pa_source_info& info) {
  const std::string device_class = property(info.proplist, "device.class");
  if (info.monitor_of_sink != PA_INVALID_INDEX || device_class == "monitor") return SourceKind::monitor;
  // Hardware, or a source described as hardware (a bus or a card behind it).
  if (device_class == "sound" || info.card != PA_INVALID_INDEX || !property(info.proplist, "device.bus").empty()) {
    return SourceKind::microphone;
  }
  return SourceKind::virtual_source;
}

// What the callbacks collect. Callbacks are C: they never throw; a failure
// is recorded here and reported after the loop.
struct Collector {
  SystemSnapshot* snapshot = nullptr;
  int pending = 0;
  bool failed = false;
  std::map<std::uint32_t, std::string> card_names;
  std::map<std::uint32_t, std::uint32_t> source_card;  // source index -> card index
};

template <typename Body>
void guarded(Collector& collector, int eol, Body body) {
  if (eol != 0) {
    if (eol < 0) collector.failed = true;
    --collector.pending;
    return;
  }
  try {
    body();
  } catch (...) {
    collector.failed = true;
  }
}

void on_server(pa_context*, const pa_server_info* info, void* userdata) {
  auto& c = *static_cast<Collector*>(userdata);
  if (info == nullptr) {
    c.failed = true;
  } else {
    try {
      ServerInfo& s = c.snapshot->server;
      s.name = text(info->server_name);
      s.version = text(info->server_version);
      s.default_source = text(info->default_source_name);
      s.default_sink = text(info->default_sink_name);
    } catch (...) {
      c.failed = true;
    }
  }
  --c.pending;
}

void on_card(pa_context*, const pa_card_info* info, int eol, void* userdata) {
  auto& c = *static_cast<Collector*>(userdata);
  guarded(c, eol, [&] {
    Card card;
    card.index = info->index;
    card.name = text(info->name);
    card.driver = text(info->driver);
    card.description = property(info->proplist, "device.description");
    if (card.description.empty()) card.description = card.name;
    card.bus = property(info->proplist, "device.bus");
    card.form_factor = property(info->proplist, "device.form_factor");
    card.api = property(info->proplist, "device.api");
    const std::string alsa_card = property(info->proplist, "alsa.card");
    if (!alsa_card.empty() && alsa_card.size() < 6 && alsa_card.find_first_not_of("0123456789") == std::string::npos) {
      card.alsa_card = std::stoi(alsa_card);
    }
    for (std::uint32_t i = 0; info->profiles2 != nullptr && i < info->n_profiles; ++i) {
      const pa_card_profile_info2* p = info->profiles2[i];
      if (p == nullptr) continue;
      card.profiles.push_back(Profile{text(p->name), text(p->description), static_cast<int>(p->n_sinks),
                                      static_cast<int>(p->n_sources), p->available != 0,
                                      static_cast<int>(std::min<std::uint32_t>(p->priority, 1u << 30))});
    }
    if (info->active_profile2 != nullptr) card.active_profile = text(info->active_profile2->name);
    c.card_names[card.index] = card.name;
    c.snapshot->cards.push_back(std::move(card));
  });
}

void on_source(pa_context*, const pa_source_info* info, int eol, void* userdata) {
  auto& c = *static_cast<Collector*>(userdata);
  guarded(c, eol, [&] {
    Source s;
    s.index = info->index;
    s.name = text(info->name);
    s.description = text(info->description);
    s.kind = classify(*info);
    s.bus = property(info->proplist, "device.bus");
    s.form_factor = property(info->proplist, "device.form_factor");
    s.driver = text(info->driver);
    s.state = state_name(info->state);
    s.muted = info->mute != 0;
    s.volume_percent = volume_percent(info->volume);
    s.volume_db = volume_db(info->volume);
    s.channels = info->sample_spec.channels;
    s.sample_rate = static_cast<int>(info->sample_spec.rate);
    for (std::uint32_t i = 0; info->ports != nullptr && i < info->n_ports; ++i) {
      const pa_source_port_info* p = info->ports[i];
      if (p == nullptr) continue;
      s.ports.push_back(Port{text(p->name), text(p->description), availability(p->available),
                             static_cast<int>(std::min<std::uint32_t>(p->priority, 1u << 30))});
    }
    if (info->active_port != nullptr) s.active_port = text(info->active_port->name);
    s.monitor_of = text(info->monitor_of_sink_name);
    if (info->card != PA_INVALID_INDEX) c.source_card[s.index] = info->card;
    c.snapshot->sources.push_back(std::move(s));
  });
}

void on_stream(pa_context*, const pa_source_output_info* info, int eol, void* userdata) {
  auto& c = *static_cast<Collector*>(userdata);
  guarded(c, eol, [&] {
    Stream s;
    s.index = info->index;
    s.application = property(info->proplist, PA_PROP_APPLICATION_NAME);
    s.binary = property(info->proplist, PA_PROP_APPLICATION_PROCESS_BINARY);
    const std::string pid = property(info->proplist, PA_PROP_APPLICATION_PROCESS_ID);
    if (!pid.empty() && pid.size() < 12 && pid.find_first_not_of("0123456789") == std::string::npos) {
      s.process_id = std::stoll(pid);
    }
    if (info->source != PA_INVALID_INDEX) s.source_index = info->source;
    s.muted = info->mute != 0;
    if (info->has_volume) {
      s.volume_percent = volume_percent(info->volume);
      s.volume_db = volume_db(info->volume);
    }
    s.corked = info->corked != 0;
    // A module's own stream (remap, loopback, echo cancel) has no client.
    s.from_module = info->client == PA_INVALID_INDEX;
    c.snapshot->streams.push_back(std::move(s));
  });
}

// Names instead of indices, once everything is read.
void resolve_references(Collector& c) {
  SystemSnapshot& s = *c.snapshot;
  for (Source& source : s.sources) {
    const auto card = c.source_card.find(source.index);
    if (card != c.source_card.end() && c.card_names.count(card->second)) source.card = c.card_names[card->second];
  }
  for (Stream& stream : s.streams) {
    if (!stream.source_index) continue;
    for (const Source& source : s.sources) {
      if (source.index == *stream.source_index) stream.source = source.name;
    }
  }
}

// Names who holds the socket of a server that did not answer in time.
void record_listener(ServerInfo& server) {
  if (const std::optional<ServerListener> listener = find_server_listener()) server.listener = listener->program;
}

// Reads everything on a connection that is open; what both entry points share.
bool read_connected(PulseConnection& connection, SystemSnapshot& snapshot, Clock::time_point deadline,
                    std::chrono::milliseconds timeout) {
  ServerInfo& server = snapshot.server;
  Collector collector;
  collector.snapshot = &snapshot;
  pa_context* context = connection.context();
  const OperationPtr operations[] = {
      OperationPtr(pa_context_get_server_info(context, on_server, &collector)),
      OperationPtr(pa_context_get_card_info_list(context, on_card, &collector)),
      OperationPtr(pa_context_get_source_info_list(context, on_source, &collector)),
      OperationPtr(pa_context_get_source_output_info_list(context, on_stream, &collector)),
  };
  for (const OperationPtr& operation : operations) {
    if (operation) ++collector.pending;
    else collector.failed = true;
  }
  const bool answered = connection.run_until([&] { return collector.pending == 0; }, deadline);
  if (!answered || collector.failed) {
    // The callbacks hold the collector: a reply still on its way must not reach it.
    for (const OperationPtr& operation : operations) {
      if (operation) pa_operation_cancel(operation.get());
    }
    server.reachable = false;
    server.error = answered ? "the server refused to list its devices (" + connection.last_error() + ")"
                            : "connected, but the server did not answer within " +
                                  std::to_string(timeout.count()) + " ms";
    if (!answered && Clock::now() >= deadline) record_listener(server);
    snapshot.cards.clear();
    snapshot.sources.clear();
    snapshot.streams.clear();
    return false;
  }
  server.reachable = true;
  server.error.clear();
  resolve_references(collector);
  return true;
}

}  // namespace

void read_pulse_state(SystemSnapshot& snapshot, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  ServerInfo& server = snapshot.server;
  server.tried = describe_server_address();
  std::string error;
  bool timed_out = false;
  const std::unique_ptr<PulseConnection> connection = PulseConnection::connect(deadline, error, &timed_out);
  if (!connection) {
    server.reachable = false;
    server.error = error;
    // Only a server that took the connection and then said nothing is hung;
    // one that refused ("Access denied", "Connection refused") answered.
    if (timed_out) record_listener(server);
    return;
  }
  read_connected(*connection, snapshot, deadline, timeout);
}

bool read_pulse_state(PulseConnection& connection, SystemSnapshot& snapshot, std::chrono::milliseconds timeout) {
  snapshot.server.tried = describe_server_address();
  return read_connected(connection, snapshot, Clock::now() + timeout, timeout);
}

}  // namespace micdoctor::pulse
