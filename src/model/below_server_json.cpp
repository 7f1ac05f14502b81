#include "model/below_server_json.hpp"

#include <charconv>

namespace micdoctor::json_detail {
namespace {

using OutJson = nlohmann::ordered_json;

constexpr double kMaxRaw = 4294967295.0;  // ALSA raw volumes are long; real ranges are far smaller

OutJson texts_json(const std::vector<std::string>& items) {
  OutJson list = OutJson::array();
  for (const std::string& item : items) list.push_back(item);
  return list;
}

OutJson optional_json(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return std::round(*value * 100.0) / 100.0;
}

OutJson optional_json(const std::optional<bool>& value) { return value ? OutJson(*value) : OutJson(nullptr); }


std::uint32_t hex32_from(const std::string& text, const std::string& path) {
  std::uint32_t value = 0;
  const bool prefixed = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const char* begin = text.data() + (prefixed ? 2 : 0);
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(begin, end, value, 16);
  if (!prefixed || error != std::errc() || ptr != end) Fields::fail(path, "expected a hexadecimal value like 0x411111f0");
  return value;
}

OutJson volume_json(const MixerVolume& v) {
  OutJson values = OutJson::array();
  for (const long raw : v.values) values.push_back(raw);
  OutJson db = OutJson::array();
  for (const double d : v.db) db.push_back(optional_json(std::optional<double>(d)));
  return OutJson{{"min", v.min}, {"max", v.max}, {"values", values}, {"db_min", optional_json(v.db_min)},
                 {"db_max", optional_json(v.db_max)}, {"db", db}, {"db_above_mute", optional_json(v.db_above_mute)}};
}

MixerVolume volume_from(const Fields& f) {
  MixerVolume v;
  v.min = f.integer<long>("min", 0, -kMaxRaw, kMaxRaw);
  v.max = f.integer<long>("max", 0, -kMaxRaw, kMaxRaw);
  f.each("values", [&](const InJson& e, const std::string& path) {
    if (!e.is_number_integer()) Fields::fail(path, "expected a whole number");
    v.values.push_back(e.get<long>());
  });
  // A lowest step that mutes is kMuteDb (as alsa-lib and alsa-info give it), else a gain of +-1000 dB.
  v.db_min = f.maybe_number("db_min", -1e6, 1000.0);
  if (v.db_min && !is_mute_db(*v.db_min) && *v.db_min < -1000.0) Fields::fail(f.where("db_min"), "out of range");
  if (v.db_min && is_mute_db(*v.db_min)) v.db_min = kMuteDb;
  v.db_max = f.maybe_number("db_max", -1000.0, 1000.0);
  v.db_above_mute = f.maybe_number("db_above_mute", -1000.0, 1000.0);
  f.each("db", [&](const InJson& e, const std::string& path) {
    if (!e.is_number() || !(e.get<double>() >= -1e6 && e.get<double>() <= 1000.0) ||
        (!is_mute_db(e.get<double>()) && e.get<double>() < -1000.0)) {
      Fields::fail(path, "expected a number of dB");
    }
    v.db.push_back(is_mute_db(e.get<double>()) ? kMuteDb : e.get<double>());
  });
  if (v.min > v.max) Fields::fail(f.where("min"), "larger than max");
  return v;
}

OutJson element_json(const MixerElement& e) {
  OutJson switches = OutJson::array();
  for (const bool on : e.capture_switch) switches.push_back(on);
  return OutJson{{"name", e.name},
                 {"index", e.index},
                 {"volume", e.volume ? volume_json(*e.volume) : OutJson(nullptr)},
                 {"volume_is_capture", e.volume_is_capture},
                 {"capture_switch", switches},
                 {"capture_exclusive", e.capture_exclusive},
                 {"enum_items", texts_json(e.enum_items)},
                 {"enum_selected", e.enum_selected}};
}

MixerElement element_from(const Fields& f) {
  MixerElement e;
  e.name = f.text("name");
  e.index = f.integer<int>("index", 0, 0, 1e6);
  if (const InJson* volume = f.get("volume")) e.volume = volume_from(Fields(*volume, f.where("volume")));
  e.volume_is_capture = f.flag("volume_is_capture", false);
  f.each("capture_switch", [&](const InJson& on, const std::string& path) {
    if (!on.is_boolean()) Fields::fail(path, "expected true or false");
    e.capture_switch.push_back(on.get<bool>());
  });
  e.capture_exclusive = f.flag("capture_exclusive", false);
  e.enum_items = f.texts("enum_items");
  e.enum_selected = f.text("enum_selected");
  return e;
}

OutJson codec_json(const Codec& c) {
  OutJson pins = OutJson::array();
  for (const CodecPin& p : c.pins) {
    pins.push_back(OutJson{{"nid", p.nid},
                           {"pin_default", pin_default_text(p.pin_default)},
                           {"input_capable", p.input_capable},
                           {"presence_detect", p.presence_detect}});
  }
  return OutJson{{"card", c.card},           {"address", c.address},           {"name", c.name},
                 {"vendor_id", c.vendor_id}, {"subsystem_id", c.subsystem_id}, {"pins", pins}};
}

Codec codec_from(const Fields& f) {
  Codec c;
  c.card = f.integer<int>("card", 0, 0, 1e6);
  c.address = f.integer<int>("address", 0, 0, 15);
  c.name = f.text("name");
  c.vendor_id = f.text("vendor_id");
  c.subsystem_id = f.text("subsystem_id");
  f.each("pins", [&](const InJson& e, const std::string& path) {
    const Fields p(e, path);
    CodecPin pin;
    pin.nid = p.integer<int>("nid", 0, 0, 0x7fff);
    pin.pin_default = hex32_from(p.text("pin_default"), p.where("pin_default"));
    pin.input_capable = p.flag("input_capable", false);
    pin.presence_detect = p.flag("presence_detect", false);
    c.pins.push_back(pin);
  });
  return c;
}

}  // namespace

void add_card_below_server(const KernelCard& c, OutJson& out) {
  out["alsa_driver"] = c.alsa_driver;
  out["long_name"] = c.long_name;
  out["usb_power_control"] = c.usb_power_control;
  out["usb_autosuspend_delay_ms"] = c.usb_autosuspend_delay_ms ? OutJson(*c.usb_autosuspend_delay_ms) : OutJson(nullptr);
  out["ucm_config_found"] = optional_json(c.ucm_config_found);
  out["ucm_config"] = c.ucm_config;
}

void read_card_below_server(const Fields& f, KernelCard& c) {
  c.alsa_driver = f.text("alsa_driver");
  c.long_name = f.text("long_name");
  c.usb_power_control = f.text("usb_power_control");
  c.usb_autosuspend_delay_ms = f.maybe_integer<int>("usb_autosuspend_delay_ms", -1e9, 1e9);
  c.ucm_config_found = f.maybe_flag("ucm_config_found");
  c.ucm_config = f.text("ucm_config");
}

void add_kernel_below_server(const KernelState& k, OutJson& out) {
  out["release"] = k.release;
  out["version_text"] = k.version_text;
  OutJson controllers = OutJson::array();
  for (const AudioController& c : k.controllers) {
    controllers.push_back(OutJson{{"bus", c.bus},
                                  {"address", c.address},
                                  {"vendor_id", c.vendor_id},
                                  {"product_id", c.product_id},
                                  {"pci_class", c.pci_class},
                                  {"subsystem", c.subsystem},
                                  {"driver", c.driver}});
  }
  out["controllers"] = controllers;
  OutJson parameters = OutJson::array();
  for (const ModuleParameter& p : k.module_parameters) {
    parameters.push_back(OutJson{{"module", p.module}, {"name", p.name}, {"value", p.value}});
  }
  out["module_parameters"] = parameters;
  OutJson options = OutJson::array();
  for (const ModuleOption& o : k.module_options) {
    options.push_back(OutJson{{"module", o.module}, {"name", o.name}, {"value", o.value}, {"file", o.file}});
  }
  out["module_options"] = options;
  OutJson codecs = OutJson::array();
  for (const Codec& c : k.codecs) codecs.push_back(codec_json(c));
  out["codecs"] = codecs;
  OutJson mixers = OutJson::array();
  for (const AlsaMixer& m : k.mixers) {
    OutJson elements = OutJson::array();
    for (const MixerElement& e : m.elements) elements.push_back(element_json(e));
    mixers.push_back(OutJson{
        {"card", m.card}, {"card_id", m.card_id}, {"read", m.read}, {"error", m.error}, {"elements", elements}});
  }
  out["mixers"] = mixers;
  OutJson leds = OutJson::array();
  for (const MuteLed& l : k.mute_leds) {
    leds.push_back(OutJson{
        {"name", l.name}, {"brightness", l.brightness}, {"max_brightness", l.max_brightness}, {"trigger", l.trigger}});
  }
  out["mute_leds"] = leds;
  out["log"] = OutJson{{"read", k.log.read},
                       {"source", k.log.source},
                       {"unreadable", k.log.unreadable},
                       {"lines", texts_json(k.log.lines)}};
  OutJson firmware = OutJson::array();
  for (const FirmwareFile& f : k.firmware) firmware.push_back(OutJson{{"path", f.path}, {"present", f.present}});
  out["firmware"] = firmware;
  out["acpi_nhlt"] = optional_json(k.acpi_nhlt);
  out["ucm_installed"] = optional_json(k.ucm_installed);
  out["chassis_type"] = k.chassis_type ? OutJson(*k.chassis_type) : OutJson(nullptr);
}

void read_kernel_below_server(const Fields& f, KernelState& k) {
  k.release = f.text("release");
  k.version_text = f.text("version_text");
  f.each("controllers", [&](const InJson& e, const std::string& path) {
    const Fields c(e, path);
    k.controllers.push_back(AudioController{c.text("bus"), c.text("address"), c.text("vendor_id"), c.text("product_id"),
                                            c.text("pci_class"), c.text("subsystem"), c.text("driver")});
  });
  f.each("module_parameters", [&](const InJson& e, const std::string& path) {
    const Fields p(e, path);
    k.module_parameters.push_back(ModuleParameter{p.text("module"), p.text("name"), p.text("value")});
  });
  f.each("module_options", [&](const InJson& e, const std::string& path) {
    const Fields o(e, path);
    k.module_options.push_back(ModuleOption{o.text("module"), o.text("name"), o.text("value"), o.text("file")});
  });
  f.each("codecs", [&](const InJson& e, const std::string& path) { k.codecs.push_back(codec_from(Fields(e, path))); });
  f.each("mixers", [&](const InJson& e, const std::string& path) {
    const Fields m(e, path);
    AlsaMixer mixer;
    mixer.card = m.integer<int>("card", 0, 0, 1e6);
    mixer.card_id = m.text("card_id");
    mixer.read = m.flag("read", true);
    mixer.error = m.text("error");
    m.each("elements", [&](const InJson& el, const std::string& p) { mixer.elements.push_back(element_from(Fields(el, p))); });
    k.mixers.push_back(std::move(mixer));
  });
  f.each("mute_leds", [&](const InJson& e, const std::string& path) {
    const Fields l(e, path);
    k.mute_leds.push_back(MuteLed{l.text("name"), l.integer<int>("brightness", 0, 0, 1e9),
                                  l.integer<int>("max_brightness", 1, 0, 1e9), l.text("trigger")});
  });
  if (const InJson* log = f.get("log")) {
    const Fields l(*log, f.where("log"));
    k.log.read = l.flag("read", false);
    k.log.source = l.text("source");
    k.log.unreadable = l.text("unreadable");
    k.log.lines = l.texts("lines");
  }
  f.each("firmware", [&](const InJson& e, const std::string& path) {
    const Fields w(e, path);
    k.firmware.push_back(FirmwareFile{w.text("path"), w.flag("present", false)});
  });
  k.acpi_nhlt = f.maybe_flag("acpi_nhlt");
  k.ucm_installed = f.maybe_flag("ucm_installed");
  k.chassis_type = f.maybe_integer<int>("chassis_type", 0, 255);
}

void add_snapshot_below_server(const SystemSnapshot& s, OutJson& out) {
  const BluetoothState& bt = s.bluetooth;
  OutJson devices = OutJson::array();
  for (const BluetoothDevice& d : bt.devices) {
    devices.push_back(OutJson{{"address", d.address},
                              {"name", d.name},
                              {"connected", d.connected},
                              {"paired", d.paired},
                              {"uuids", texts_json(d.uuids)}});
  }
  out["bluetooth"] = OutJson{{"read", bt.read},
                             {"error", bt.error},
                             {"adapter_present", bt.adapter_present},
                             {"devices", devices},
                             {"ofono_running", bt.ofono_running}};
  OutJson config = OutJson::array();
  for (const AudioConfigSetting& c : s.audio_config) {
    config.push_back(OutJson{{"program", c.program}, {"key", c.key}, {"value", c.value}, {"file", c.file}});
  }
  out["audio_config"] = config;
  OutJson remembered = OutJson::array();
  for (const RememberedDefault& r : s.remembered_defaults) {
    remembered.push_back(OutJson{{"program", r.program}, {"file", r.file}, {"source", r.source}});
  }
  out["remembered_defaults"] = remembered;
  const Distribution& d = s.distribution;
  out["distribution"] = OutJson{
      {"id", d.id}, {"id_like", d.id_like}, {"version_id", d.version_id}, {"pretty_name", d.pretty_name}};
  out["user_config"] = OutJson{{"wireplumber_version", s.user_config.wireplumber_version},
                               {"wireplumber_dir", s.user_config.wireplumber_dir}};
}

void read_snapshot_below_server(const Fields& root, SystemSnapshot& s) {
  if (const InJson* bt = root.get("bluetooth")) {
    const Fields b(*bt, "bluetooth");
    s.bluetooth.read = b.flag("read", false);
    s.bluetooth.error = b.text("error");
    s.bluetooth.adapter_present = b.flag("adapter_present", false);
    s.bluetooth.ofono_running = b.flag("ofono_running", false);
    b.each("devices", [&](const InJson& e, const std::string& path) {
      const Fields d(e, path);
      s.bluetooth.devices.push_back(BluetoothDevice{d.text("address"), d.text("name"), d.flag("connected", false),
                                                    d.flag("paired", false), d.texts("uuids")});
    });
  }
  root.each("audio_config", [&](const InJson& e, const std::string& path) {
    const Fields c(e, path);
    s.audio_config.push_back(AudioConfigSetting{c.text("program"), c.text("key"), c.text("value"), c.text("file")});
  });
  root.each("remembered_defaults", [&](const InJson& e, const std::string& path) {
    const Fields r(e, path);
    s.remembered_defaults.push_back(RememberedDefault{r.text("program"), r.text("file"), r.text("source")});
  });
  if (const InJson* dist = root.get("distribution")) {
    const Fields d(*dist, "distribution");
    s.distribution = Distribution{d.text("id"), d.text("id_like"), d.text("version_id"), d.text("pretty_name")};
  }
  if (const InJson* user = root.get("user_config")) {
    const Fields u(*user, "user_config");
    s.user_config = UserAudioConfig{u.text("wireplumber_version"), u.text("wireplumber_dir")};
  }
}

}  // namespace micdoctor::json_detail
