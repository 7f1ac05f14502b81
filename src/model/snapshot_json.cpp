#include "model/snapshot_json.hpp"

#include "model/below_server_json.hpp"
#include "model/drivers_json.hpp"
#include "model/json_fields.hpp"

#include <cmath>
#include <limits>

namespace micdoctor {
namespace {

using OutJson = nlohmann::ordered_json;
using InJson = nlohmann::json;
using json_detail::Fields;

constexpr int kMaxDepth = 64;

OutJson optional_number(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return std::round(*value * 100.0) / 100.0;
}

OutJson string_list(const std::vector<std::string>& items) {
  OutJson list = OutJson::array();
  for (const std::string& item : items) list.push_back(item);
  return list;
}

OutJson port_to_json(const Port& port) {
  return OutJson{{"name", port.name},
                 {"description", port.description},
                 {"available", std::string(to_string(port.available))},
                 {"priority", port.priority}};
}

OutJson source_to_json(const Source& s, const std::string& default_source) {
  OutJson ports = OutJson::array();
  for (const Port& port : s.ports) ports.push_back(port_to_json(port));
  return OutJson{{"id", s.name},
                 {"index", s.index},
                 {"description", s.description},
                 {"kind", std::string(to_string(s.kind))},
                 {"bus", s.bus},
                 {"form_factor", s.form_factor},
                 {"card", s.card},
                 {"driver", s.driver},
                 {"state", s.state},
                 {"is_default", !s.name.empty() && s.name == default_source},
                 {"muted", s.muted},
                 {"volume_percent", std::round(s.volume_percent * 10.0) / 10.0},
                 {"volume_db", optional_number(s.volume_db)},
                 {"channels", s.channels},
                 {"sample_rate", s.sample_rate},
                 {"ports", ports},
                 {"active_port", s.active_port},
                 {"monitor_of", s.monitor_of},
                 {"filter", s.filter},
                 {"master", s.master},
                 {"owner_module", s.owner_module ? OutJson(*s.owner_module) : OutJson(nullptr)},
                 {"device_class", s.device_class},
                 {"master_device", s.master_device},
                 {"link_group", s.link_group}};
}

OutJson card_to_json(const Card& c) {
  OutJson profiles = OutJson::array();
  for (const Profile& p : c.profiles) {
    profiles.push_back(OutJson{{"name", p.name},
                               {"description", p.description},
                               {"sinks", p.sinks},
                               {"sources", p.sources},
                               {"available", p.available},
                               {"priority", p.priority}});
  }
  return OutJson{{"name", c.name},
                 {"index", c.index},
                 {"description", c.description},
                 {"driver", c.driver},
                 {"bus", c.bus},
                 {"form_factor", c.form_factor},
                 {"api", c.api},
                 {"alsa_card", c.alsa_card ? OutJson(*c.alsa_card) : OutJson(nullptr)},
                 {"profiles", profiles},
                 {"active_profile", c.active_profile}};
}

OutJson stream_to_json(const Stream& s) {
  return OutJson{{"index", s.index},
                 {"application", s.application},
                 {"binary", s.binary},
                 {"process_id", s.process_id ? OutJson(*s.process_id) : OutJson(nullptr)},
                 {"source_index", s.source_index ? OutJson(*s.source_index) : OutJson(nullptr)},
                 {"source", s.source},
                 {"muted", s.muted},
                 {"volume_percent", std::round(s.volume_percent * 10.0) / 10.0},
                 {"volume_db", optional_number(s.volume_db)},
                 {"corked", s.corked},
                 {"from_module", s.from_module},
                 {"owner_module", s.owner_module ? OutJson(*s.owner_module) : OutJson(nullptr)},
                 {"link_group", s.link_group},
                 {"target", s.target}};
}

// Windows sessions: the executable and the session's state (only there, so a
// Linux document stays as it was).
void add_session_fields(const Stream& s, OutJson& stream) {
  stream["executable"] = s.executable;
  stream["session_state"] = s.session_state;
}

OutJson kernel_to_json(const KernelState& k) {
  OutJson cards = OutJson::array();
  for (const KernelCard& c : k.cards) {
    cards.push_back(OutJson{{"number", c.number},
                            {"id", c.id},
                            {"bus", c.bus},
                            {"driver", c.driver},
                            {"module", c.module},
                            {"vendor_id", c.vendor_id},
                            {"product_id", c.product_id},
                            {"address", c.address}});
    json_detail::add_card_below_server(c, cards.back());
  }
  OutJson unbound = OutJson::array();
  for (const UnboundAudioDevice& d : k.unbound) {
    unbound.push_back(OutJson{{"bus", d.bus},
                              {"address", d.address},
                              {"vendor_id", d.vendor_id},
                              {"product_id", d.product_id},
                              {"kind", d.kind}});
  }
  OutJson cardless = OutJson::array();
  for (const CardlessAudioDevice& d : k.cardless) {
    cardless.push_back(OutJson{{"bus", d.bus},
                               {"address", d.address},
                               {"driver", d.driver},
                               {"vendor_id", d.vendor_id},
                               {"product_id", d.product_id}});
  }
  OutJson out{{"read", k.read}, {"cards", cards}, {"unbound", unbound}, {"cardless", cardless}};
  json_detail::add_kernel_below_server(k, out);
  return out;
}

OutJson optional_flag(const std::optional<bool>& value) { return value ? OutJson(*value) : OutJson(nullptr); }

OutJson privacy_to_json(const MicrophonePrivacy& p) {
  OutJson apps = OutJson::array();
  for (const AppMicrophoneConsent& a : p.apps) {
    apps.push_back(OutJson{{"app", a.app},
                           {"packaged", a.packaged},
                           {"allowed", optional_flag(a.allowed)},
                           {"last_used_start", a.last_used_start},
                           {"last_used_stop", a.last_used_stop}});
  }
  return OutJson{{"read", p.read},
                 {"device_allowed", optional_flag(p.device_allowed)},
                 {"user_allowed", optional_flag(p.user_allowed)},
                 {"desktop_apps_allowed", optional_flag(p.desktop_apps_allowed)},
                 {"policy", p.policy ? OutJson(*p.policy) : OutJson(nullptr)},
                 {"apps", apps}};
}

OutJson driver_to_json(const EndpointDriver& d) {
  OutJson out{{"endpoint", d.endpoint},     {"device_name", d.device_name}, {"instance_id", d.instance_id},
              {"provider", d.provider},     {"version", d.version},         {"date", d.date},
              {"inf", d.inf},               {"problem_code", d.problem_code}, {"has_driver", d.has_driver}};
  json_detail::add_endpoint_driver_extras(d, out);
  return out;
}

constexpr double kMaxIndex = 4294967295.0;
constexpr double kMaxVolumePercent = 1000.0;  // PulseAudio allows up to about 1000 %

Availability availability_from(const std::string& text, const std::string& path) {
  if (text == "yes") return Availability::yes;
  if (text == "no") return Availability::no;
  if (text == "unknown" || text.empty()) return Availability::unknown;
  Fields::fail(path, "expected yes, no or unknown");
}

SourceKind kind_from(const std::string& text, const std::string& path) {
  if (text == "microphone" || text.empty()) return SourceKind::microphone;
  if (text == "monitor") return SourceKind::monitor;
  if (text == "virtual") return SourceKind::virtual_source;
  Fields::fail(path, "expected microphone, monitor or virtual");
}

Source source_from(const Fields& f) {
  Source s;
  s.index = f.integer<std::uint32_t>("index", 0, 0, kMaxIndex);
  s.name = f.text("id");
  if (s.name.empty()) Fields::fail(f.where("id"), "a device needs an id");
  s.description = f.text("description");
  s.kind = kind_from(f.text("kind"), f.where("kind"));
  s.bus = f.text("bus");
  s.form_factor = f.text("form_factor");
  s.card = f.text("card");
  s.driver = f.text("driver");
  s.state = f.text("state");
  s.muted = f.flag("muted", false);
  s.volume_percent = f.number("volume_percent", 100.0, 0.0, kMaxVolumePercent);
  s.volume_db = f.maybe_number("volume_db", -1000.0, 200.0);
  s.channels = f.integer<int>("channels", 0, 0, 64);
  s.sample_rate = f.integer<int>("sample_rate", 0, 0, 1000000);
  f.each("ports", [&](const InJson& element, const std::string& path) {
    const Fields p(element, path);
    Port port;
    port.name = p.text("name");
    port.description = p.text("description");
    port.available = availability_from(p.text("available"), p.where("available"));
    port.priority = p.integer<int>("priority", 0, -1e9, 1e9);
    s.ports.push_back(std::move(port));
  });
  s.active_port = f.text("active_port");
  s.monitor_of = f.text("monitor_of");
  // Filter fields (issue 14): absent in older snapshots.
  s.filter = f.text("filter");
  s.master = f.text("master");
  s.owner_module = f.maybe_integer<std::uint32_t>("owner_module", 0, kMaxIndex);
  s.device_class = f.text("device_class");
  s.master_device = f.text("master_device");
  s.link_group = f.text("link_group");
  return s;
}

Card card_from(const Fields& f) {
  Card c;
  c.index = f.integer<std::uint32_t>("index", 0, 0, kMaxIndex);
  c.name = f.text("name");
  c.description = f.text("description");
  c.driver = f.text("driver");
  c.bus = f.text("bus");
  c.form_factor = f.text("form_factor");
  c.api = f.text("api");
  c.alsa_card = f.maybe_integer<int>("alsa_card", 0, 1e6);
  f.each("profiles", [&](const InJson& element, const std::string& path) {
    const Fields p(element, path);
    Profile profile;
    profile.name = p.text("name");
    profile.description = p.text("description");
    profile.sinks = p.integer<int>("sinks", 0, 0, 1000);
    profile.sources = p.integer<int>("sources", 0, 0, 1000);
    profile.available = p.flag("available", true);
    profile.priority = p.integer<int>("priority", 0, -1e9, 1e9);
    c.profiles.push_back(std::move(profile));
  });
  c.active_profile = f.text("active_profile");
  return c;
}

Stream stream_from(const Fields& f) {
  Stream s;
  s.index = f.integer<std::uint32_t>("index", 0, 0, kMaxIndex);
  s.application = f.text("application");
  s.binary = f.text("binary");
  s.process_id = f.maybe_integer<std::int64_t>("process_id", 0, 4194304.0 * 1024);
  s.source_index = f.maybe_integer<std::uint32_t>("source_index", 0, kMaxIndex);
  s.source = f.text("source");
  s.muted = f.flag("muted", false);
  s.volume_percent = f.number("volume_percent", 100.0, 0.0, kMaxVolumePercent);
  s.volume_db = f.maybe_number("volume_db", -1000.0, 200.0);
  s.corked = f.flag("corked", false);
  s.from_module = f.flag("from_module", false);
  s.owner_module = f.maybe_integer<std::uint32_t>("owner_module", 0, kMaxIndex);
  s.link_group = f.text("link_group");
  s.target = f.text("target");
  s.executable = f.text("executable");
  s.session_state = f.text("session_state");
  return s;
}

ServerInfo server_from(const Fields& f) {
  ServerInfo s;
  s.reachable = f.flag("reachable", false);
  s.tried = f.text("tried");
  s.error = f.text("error");
  s.name = f.text("name");
  s.version = f.text("version");
  s.default_source = f.text("default_source");
  s.default_sink = f.text("default_sink");
  s.default_communications = f.text("default_communications");
  s.installed = f.texts("installed");
  s.listener = f.text("listener");
  s.sessions_error = f.text("sessions_error");
  return s;
}

MicrophonePrivacy privacy_from(const Fields& f) {
  MicrophonePrivacy p;
  p.read = f.flag("read", true);
  p.device_allowed = f.maybe_flag("device_allowed");
  p.user_allowed = f.maybe_flag("user_allowed");
  p.desktop_apps_allowed = f.maybe_flag("desktop_apps_allowed");
  p.policy = f.maybe_integer<int>("policy", 0, 2);
  f.each("apps", [&](const InJson& element, const std::string& path) {
    const Fields a(element, path);
    AppMicrophoneConsent app;
    app.app = a.text("app");
    app.packaged = a.flag("packaged", false);
    app.allowed = a.maybe_flag("allowed");
    app.last_used_start = a.text("last_used_start");
    app.last_used_stop = a.text("last_used_stop");
    p.apps.push_back(std::move(app));
  });
  return p;
}

EndpointDriver driver_from(const Fields& f) {
  EndpointDriver d;
  d.endpoint = f.text("endpoint");
  d.device_name = f.text("device_name");
  d.instance_id = f.text("instance_id");
  d.provider = f.text("provider");
  d.version = f.text("version");
  d.date = f.text("date");
  d.inf = f.text("inf");
  d.problem_code = f.integer<int>("problem_code", 0, 0, 1000);
  d.has_driver = f.flag("has_driver", true);
  json_detail::read_endpoint_driver_extras(f, d);
  return d;
}

KernelState kernel_from(const Fields& f) {
  KernelState k;
  k.read = f.flag("read", true);
  f.each("cards", [&](const InJson& element, const std::string& path) {
    const Fields c(element, path);
    KernelCard card;
    card.number = c.integer<int>("number", 0, 0, 1e6);
    card.id = c.text("id");
    card.bus = c.text("bus");
    card.driver = c.text("driver");
    card.module = c.text("module");
    card.vendor_id = c.text("vendor_id");
    card.product_id = c.text("product_id");
    card.address = c.text("address");
    json_detail::read_card_below_server(c, card);
    k.cards.push_back(std::move(card));
  });
  f.each("unbound", [&](const InJson& element, const std::string& path) {
    const Fields d(element, path);
    k.unbound.push_back(UnboundAudioDevice{d.text("bus"), d.text("address"), d.text("vendor_id"),
                                           d.text("product_id"), d.text("kind")});
  });
  f.each("cardless", [&](const InJson& element, const std::string& path) {
    const Fields d(element, path);
    k.cardless.push_back(CardlessAudioDevice{d.text("bus"), d.text("address"), d.text("driver"),
                                             d.text("vendor_id"), d.text("product_id")});
  });
  json_detail::read_kernel_below_server(f, k);
  return k;
}

DeviceNodes device_nodes_from(const Fields& f) {
  DeviceNodes d;
  d.checked = f.flag("checked", true);
  d.exists = f.flag("exists", false);
  d.inaccessible = f.texts("inaccessible");
  d.group = f.text("group");
  d.user_in_group = f.flag("user_in_group", false);
  return d;
}

}  // namespace

std::string_view to_string(SourceKind kind) {
  switch (kind) {
    case SourceKind::microphone: return "microphone";
    case SourceKind::monitor: return "monitor";
    case SourceKind::virtual_source: return "virtual";
  }
  return "virtual";
}

std::string_view to_string(Availability availability) {
  switch (availability) {
    case Availability::yes: return "yes";
    case Availability::no: return "no";
    case Availability::unknown: return "unknown";
  }
  return "unknown";
}

OutJson snapshot_to_json(const SystemSnapshot& snapshot) {
  const ServerInfo& server = snapshot.server;
  OutJson j;
  j["platform"] = snapshot.platform;
  j["source"] = snapshot.origin;
  j["server"] = OutJson{{"reachable", server.reachable},
                        {"tried", server.tried},
                        {"error", server.error},
                        {"name", server.name},
                        {"version", server.version},
                        {"default_source", server.default_source},
                        {"default_sink", server.default_sink},
                        {"installed", string_list(server.installed)}};
  if (snapshot.is_windows()) {
    j["server"]["default_communications"] = server.default_communications;
    j["server"]["sessions_error"] = server.sessions_error;
  }
  if (!server.listener.empty()) j["server"]["listener"] = server.listener;
  OutJson devices = OutJson::array();
  for (const Source& s : snapshot.sources) devices.push_back(source_to_json(s, server.default_source));
  j["devices"] = devices;
  OutJson streams = OutJson::array();
  for (const Stream& s : snapshot.streams) {
    streams.push_back(stream_to_json(s));
    if (snapshot.is_windows()) add_session_fields(s, streams.back());
  }
  j["streams"] = streams;
  OutJson modules = OutJson::array();
  for (const ServerModule& m : snapshot.modules) {
    modules.push_back(OutJson{{"index", m.index}, {"name", m.name}, {"argument", m.argument}});
  }
  j["modules"] = modules;
  OutJson cards = OutJson::array();
  for (const Card& c : snapshot.cards) cards.push_back(card_to_json(c));
  j["cards"] = cards;
  j["kernel"] = kernel_to_json(snapshot.kernel);
  OutJson sandboxes = OutJson::array();
  for (const SandboxedApp& a : snapshot.sandboxes) {
    sandboxes.push_back(OutJson{{"app", a.app},
                                {"packaging", a.packaging},
                                {"id", a.id},
                                {"can_record", a.can_record},
                                {"reason", a.reason}});
  }
  j["sandboxes"] = sandboxes;
  const DeviceNodes& nodes = snapshot.device_nodes;
  j["device_nodes"] = OutJson{{"checked", nodes.checked},
                              {"exists", nodes.exists},
                              {"inaccessible", string_list(nodes.inaccessible)},
                              {"group", nodes.group},
                              {"user_in_group", nodes.user_in_group}};
  OutJson alsa = OutJson::array();
  for (const AlsaCaptureDevice& d : snapshot.alsa_capture) {
    alsa.push_back(OutJson{{"id", d.id}, {"card_name", d.card_name}, {"name", d.name}});
  }
  j["alsa_capture"] = alsa;
  if (snapshot.is_windows()) {
    j["privacy"] = privacy_to_json(snapshot.privacy);
    OutJson drivers = OutJson::array();
    for (const EndpointDriver& d : snapshot.drivers) drivers.push_back(driver_to_json(d));
    j["drivers"] = drivers;
  } else {
    json_detail::add_snapshot_below_server(snapshot, j);
  }
  json_detail::add_snapshot_drivers(snapshot, j);
  return j;
}

SystemSnapshot snapshot_from_json(const InJson& json) {
  const Fields root(json, "");
  const std::string schema = root.text("schema");
  if (schema != kSnapshotSchema && schema != "micdoctor.check/1") {
    Fields::fail("schema", schema.empty() ? "missing (expected micdoctor.snapshot/1 or micdoctor.check/1)"
                                          : "'" + schema + "' is not a snapshot this version reads");
  }
  SystemSnapshot snapshot;
  snapshot.platform = root.text("platform");
  if (snapshot.platform.empty()) snapshot.platform = "linux";
  if (snapshot.platform != "linux" && snapshot.platform != "windows") Fields::fail("platform", "expected linux or windows");
  if (const InJson* server = root.get("server")) snapshot.server = server_from(Fields(*server, "server"));
  root.each("devices", [&](const InJson& e, const std::string& p) { snapshot.sources.push_back(source_from(Fields(e, p))); });
  root.each("streams", [&](const InJson& e, const std::string& p) { snapshot.streams.push_back(stream_from(Fields(e, p))); });
  root.each("modules", [&](const InJson& e, const std::string& p) {
    const Fields m(e, p);
    snapshot.modules.push_back(
        ServerModule{m.integer<std::uint32_t>("index", 0, 0, kMaxIndex), m.text("name"), m.text("argument")});
  });
  root.each("cards", [&](const InJson& e, const std::string& p) { snapshot.cards.push_back(card_from(Fields(e, p))); });
  if (const InJson* kernel = root.get("kernel")) snapshot.kernel = kernel_from(Fields(*kernel, "kernel"));
  root.each("sandboxes", [&](const InJson& e, const std::string& p) {
    const Fields a(e, p);
    snapshot.sandboxes.push_back(
        SandboxedApp{a.text("app"), a.text("packaging"), a.text("id"), a.flag("can_record", true), a.text("reason")});
  });
  if (const InJson* nodes = root.get("device_nodes")) {
    snapshot.device_nodes = device_nodes_from(Fields(*nodes, "device_nodes"));
  }
  root.each("alsa_capture", [&](const InJson& e, const std::string& p) {
    const Fields d(e, p);
    snapshot.alsa_capture.push_back(AlsaCaptureDevice{d.text("id"), d.text("card_name"), d.text("name")});
  });
  if (const InJson* privacy = root.get("privacy")) snapshot.privacy = privacy_from(Fields(*privacy, "privacy"));
  root.each("drivers", [&](const InJson& e, const std::string& p) { snapshot.drivers.push_back(driver_from(Fields(e, p))); });
  json_detail::read_snapshot_below_server(root, snapshot);
  json_detail::read_snapshot_drivers(root, snapshot);
  // Where the data came from stays as written (a report read again is still
  // what the live system showed; an alsa-info dump's has no server state);
  // a file without it is a hand-made snapshot.
  const std::string origin = root.text("source");
  if (!origin.empty() && origin != "live" && origin != "snapshot" && origin != "alsa-info") {
    Fields::fail("source", "expected live, snapshot or alsa-info");
  }
  snapshot.origin = origin.empty() ? "snapshot" : origin;
  return snapshot;
}

SystemSnapshot snapshot_from_text(const std::string& text) {
  if (text.size() > kMaxSnapshotBytes) throw SnapshotError("larger than 16 MiB: not a snapshot");
  // Depth is bounded while parsing, so a hostile file cannot exhaust the stack.
  const InJson::parser_callback_t limit_depth = [](int depth, InJson::parse_event_t, InJson&) {
    if (depth > kMaxDepth) throw SnapshotError("nested more than 64 levels deep: not a snapshot");
    return true;
  };
  InJson json;
  try {
    json = InJson::parse(text, limit_depth);
  } catch (const InJson::exception& e) {
    // parse_error, and out_of_range for a number too large for a double (found by the fuzzer).
    throw SnapshotError(std::string("not valid JSON (") + e.what() + ")");
  }
  return snapshot_from_json(json);
}

const Source* SystemSnapshot::find_source(const std::string& name) const {
  for (const Source& s : sources) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const Card* SystemSnapshot::find_card(const std::string& name) const {
  for (const Card& c : cards) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace micdoctor
