#include "model/drivers_json.hpp"

namespace micdoctor::json_detail {
namespace {

using OutJson = nlohmann::ordered_json;

constexpr double kMaxBytes = 1e12;
constexpr double kMaxSeconds = 1e6;
constexpr double kMaxDays = 1e5;

OutJson texts_json(const std::vector<std::string>& items) {
  OutJson list = OutJson::array();
  for (const std::string& item : items) list.push_back(item);
  return list;
}

OutJson optional_int(const std::optional<int>& value) { return value ? OutJson(*value) : OutJson(nullptr); }

OutJson release_json(const FirmwareRelease& r) {
  return OutJson{{"version", r.version},       {"summary", r.summary},
                 {"description", r.description}, {"remote", r.remote},
                 {"urgency", r.urgency},       {"size_bytes", r.size_bytes},
                 {"install_duration_s", r.install_duration_s}};
}

FirmwareRelease release_from(const Fields& f) {
  FirmwareRelease r;
  r.version = f.text("version");
  r.summary = f.text("summary");
  r.description = f.text("description");
  r.remote = f.text("remote");
  r.urgency = f.text("urgency");
  r.size_bytes = f.integer<std::uint64_t>("size_bytes", 0, 0, kMaxBytes);
  r.install_duration_s = f.integer<int>("install_duration_s", 0, 0, kMaxSeconds);
  return r;
}

FirmwareDevice firmware_device_from(const Fields& f) {
  FirmwareDevice d;
  d.id = f.text("id");
  d.name = f.text("name");
  d.vendor = f.text("vendor");
  d.version = f.text("version");
  d.plugin = f.text("plugin");
  d.vendor_ids = f.text("vendor_ids");
  d.instance_ids = f.texts("instance_ids");
  d.flags = f.texts("flags");
  d.is_audio = f.flag("is_audio", false);
  f.each("upgrades", [&](const InJson& e, const std::string& p) { d.upgrades.push_back(release_from(Fields(e, p))); });
  d.upgrades_error = f.text("upgrades_error");
  return d;
}

OutJson firmware_json(const FirmwareService& s) {
  OutJson devices = OutJson::array();
  for (const FirmwareDevice& d : s.devices) devices.push_back(firmware_device_json(d));
  return OutJson{{"read", s.read},
                 {"error", s.error},
                 {"installed", s.installed},
                 {"daemon_version", s.daemon_version},
                 {"metadata", s.metadata},
                 {"metadata_age_days", optional_int(s.metadata_age_days)},
                 {"refresh_note", s.refresh_note},
                 {"devices", devices}};
}

FirmwareService firmware_from(const Fields& f) {
  FirmwareService s;
  s.read = f.flag("read", false);
  s.error = f.text("error");
  s.installed = f.flag("installed", false);
  s.daemon_version = f.text("daemon_version");
  s.metadata = f.text("metadata");
  s.metadata_age_days = f.maybe_integer<int>("metadata_age_days", 0, kMaxDays);
  s.refresh_note = f.text("refresh_note");
  f.each("devices", [&](const InJson& e, const std::string& p) { s.devices.push_back(firmware_device_from(Fields(e, p))); });
  return s;
}

OutJson packages_json(const PackageDatabase& db) {
  OutJson packages = OutJson::array();
  for (const InstalledPackage& p : db.packages) packages.push_back(OutJson{{"name", p.name}, {"version", p.version}});
  return OutJson{{"read", db.read},
                 {"manager", db.manager},
                 {"error", db.error},
                 {"installed", packages},
                 {"asked", texts_json(db.asked)}};
}

PackageDatabase packages_from(const Fields& f) {
  PackageDatabase db;
  db.read = f.flag("read", false);
  db.manager = f.text("manager");
  db.error = f.text("error");
  f.each("installed", [&](const InJson& e, const std::string& p) {
    const Fields package(e, p);
    db.packages.push_back(InstalledPackage{package.text("name"), package.text("version")});
  });
  db.asked = f.texts("asked");
  return db;
}

ServiceState service_from(const Fields& f) {
  ServiceState s;
  s.name = f.text("name");
  s.display_name = f.text("display_name");
  s.exists = f.flag("exists", false);
  s.state = f.text("state");
  s.start_type = f.text("start_type");
  s.error = f.text("error");
  return s;
}

DriverUpdate driver_update_from(const Fields& f) {
  DriverUpdate u;
  u.title = f.text("title");
  u.hardware_id = f.text("hardware_id");
  u.provider = f.text("provider");
  u.manufacturer = f.text("manufacturer");
  u.model = f.text("model");
  u.driver_class = f.text("driver_class");
  u.version = f.text("version");
  u.date = f.text("date");
  u.update_id = f.text("update_id");
  return u;
}

OutJson driver_updates_json(const WindowsDriverUpdates& w) {
  OutJson updates = OutJson::array();
  for (const DriverUpdate& u : w.updates) updates.push_back(driver_update_json(u));
  return OutJson{{"searched", w.searched},         {"online", w.online},
                 {"error", w.error},               {"blocked_by", w.blocked_by},
                 {"blocked_detail", w.blocked_detail}, {"install_setting", w.install_setting},
                 {"updates", updates}};
}

WindowsDriverUpdates driver_updates_from(const Fields& f) {
  WindowsDriverUpdates w;
  w.searched = f.flag("searched", false);
  w.online = f.flag("online", false);
  w.error = f.text("error");
  w.blocked_by = f.text("blocked_by");
  w.blocked_detail = f.text("blocked_detail");
  w.install_setting = f.text("install_setting");
  f.each("updates", [&](const InJson& e, const std::string& p) { w.updates.push_back(driver_update_from(Fields(e, p))); });
  return w;
}

}  // namespace

OutJson firmware_device_json(const FirmwareDevice& d) {
  OutJson upgrades = OutJson::array();
  for (const FirmwareRelease& r : d.upgrades) upgrades.push_back(release_json(r));
  return OutJson{{"id", d.id},
                 {"name", d.name},
                 {"vendor", d.vendor},
                 {"version", d.version},
                 {"plugin", d.plugin},
                 {"vendor_ids", d.vendor_ids},
                 {"instance_ids", texts_json(d.instance_ids)},
                 {"flags", texts_json(d.flags)},
                 {"is_audio", d.is_audio},
                 {"upgrades", upgrades},
                 {"upgrades_error", d.upgrades_error}};
}

OutJson driver_update_json(const DriverUpdate& u) {
  return OutJson{{"title", u.title},   {"hardware_id", u.hardware_id}, {"provider", u.provider},
                 {"manufacturer", u.manufacturer}, {"model", u.model}, {"driver_class", u.driver_class},
                 {"version", u.version}, {"date", u.date},             {"update_id", u.update_id}};
}

OutJson service_json(const ServiceState& s) {
  return OutJson{{"name", s.name},   {"display_name", s.display_name}, {"exists", s.exists},
                 {"state", s.state}, {"start_type", s.start_type},     {"error", s.error}};
}

OutJson stored_package_json(const StoredDriverPackage& p) {
  return OutJson{{"inf", p.inf}, {"provider", p.provider}, {"version", p.version}, {"date", p.date}};
}

void add_snapshot_drivers(const SystemSnapshot& snapshot, OutJson& out) {
  if (snapshot.is_windows()) {
    OutJson services = OutJson::array();
    for (const ServiceState& s : snapshot.services) services.push_back(service_json(s));
    out["services"] = services;
    out["driver_updates"] = driver_updates_json(snapshot.driver_updates);
  } else {
    out["firmware"] = firmware_json(snapshot.firmware);
    out["packages"] = packages_json(snapshot.packages);
  }
}

void read_snapshot_drivers(const Fields& root, SystemSnapshot& snapshot) {
  if (const InJson* firmware = root.get("firmware")) snapshot.firmware = firmware_from(Fields(*firmware, "firmware"));
  if (const InJson* packages = root.get("packages")) snapshot.packages = packages_from(Fields(*packages, "packages"));
  root.each("services", [&](const InJson& e, const std::string& p) { snapshot.services.push_back(service_from(Fields(e, p))); });
  if (const InJson* updates = root.get("driver_updates")) {
    snapshot.driver_updates = driver_updates_from(Fields(*updates, "driver_updates"));
  }
}

void add_endpoint_driver_extras(const EndpointDriver& d, OutJson& out) {
  OutJson packages = OutJson::array();
  for (const StoredDriverPackage& p : d.store_packages) packages.push_back(stored_package_json(p));
  out["hardware_ids"] = texts_json(d.hardware_ids);
  out["compatible_ids"] = texts_json(d.compatible_ids);
  out["installed"] = d.installed;
  out["first_installed"] = d.first_installed;
  out["installed_days_ago"] = optional_int(d.installed_days_ago);
  out["store_packages"] = packages;
}

void read_endpoint_driver_extras(const Fields& f, EndpointDriver& d) {
  d.hardware_ids = f.texts("hardware_ids");
  d.compatible_ids = f.texts("compatible_ids");
  d.installed = f.text("installed");
  d.first_installed = f.text("first_installed");
  d.installed_days_ago = f.maybe_integer<int>("installed_days_ago", -kMaxDays, kMaxDays);
  f.each("store_packages", [&](const InJson& e, const std::string& p) {
    const Fields package(e, p);
    d.store_packages.push_back(
        StoredDriverPackage{package.text("inf"), package.text("provider"), package.text("version"), package.text("date")});
  });
}

}  // namespace micdoctor::json_detail
