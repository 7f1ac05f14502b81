#include "report/drivers_report.hpp"

#include <nlohmann/json.hpp>

#include "checks/service_commands.hpp"
#include "report/check_report.hpp"
#include "report/html_report.hpp"
#include "report/markdown_report.hpp"

namespace micdoctor {
namespace {

using Json = nlohmann::ordered_json;
using drivers::AudioDevice;
using drivers::AvailableUpdate;
using drivers::DriverInventory;
using drivers::UpdateSource;

Severity verdict_severity(const DriverInventory& inv) { return worst_severity(inv.findings); }

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

std::string heading(const DriverInventory& inv) {
  if (inv.platform == "windows") return "Windows";
  return "Linux" + (inv.kernel_release.empty() ? std::string() : ", kernel " + inv.kernel_release);
}

// "sound card 0, pci 8086:a0c8 at 0000:00:1f.3"
std::string device_facts(const AudioDevice& d) {
  std::vector<std::string> parts;
  parts.push_back(d.card ? d.kind + " " + std::to_string(*d.card) : d.kind);
  std::string where = d.bus;
  if (!d.vendor_id.empty() || !d.product_id.empty()) where += (where.empty() ? "" : " ") + d.vendor_id + ":" + d.product_id;
  if (!d.address.empty()) where += (where.empty() ? "" : " at ") + d.address;
  parts.push_back(where);
  return join(parts, ", ");
}

// The driver in one line: the module and the kernel it belongs to, or
// Windows' provider, version, date and INF.
std::string driver_line(const DriverInventory& inv, const AudioDevice& d) {
  if (!d.driver.bound) {
    return inv.platform == "windows" ? "no driver is installed" : "no driver is bound to it";
  }
  if (inv.platform == "windows") {
    if (d.driver.provider.empty() && d.driver.version.empty() && d.driver.inf.empty() && d.driver.name.empty()) {
      return "unknown: Windows gave no driver details for this endpoint's device";
    }
    std::string line = join({d.driver.provider, d.driver.version}, " ");
    if (line.empty()) line = "unknown provider and version";
    if (!d.driver.date.empty()) line += " (" + d.driver.date + ")";
    if (!d.driver.inf.empty()) line += ", " + d.driver.inf;
    if (!d.driver.installed.empty()) {
      line += ", installed " + d.driver.installed;
      if (d.driver.installed_days_ago) line += " (" + std::to_string(*d.driver.installed_days_ago) + " days ago)";
    }
    if (d.driver.problem_code != 0) line += "; problem code " + std::to_string(d.driver.problem_code);
    return line;
  }
  if (d.bus == "bluetooth") return "BlueZ and the sound server (no kernel sound driver of its own)";
  if (d.driver.name.empty()) return "unknown";
  return "kernel module " + d.driver.name +
         (d.driver.version.empty() ? std::string() : ", part of kernel " + d.driver.version);
}

std::string firmware_line(const AudioDevice& d) {
  if (!d.firmware) return "";
  std::string line = d.firmware->version.empty() ? "version unknown" : d.firmware->version;
  line += " (reported through fwupd";
  if (!d.firmware->plugin.empty()) line += ", plugin " + d.firmware->plugin;
  return line + ")";
}

std::string update_line(const AvailableUpdate& u) {
  std::string line = u.kind + " " + (u.version.empty() ? std::string("(version not said)") : u.version);
  if (!u.date.empty()) line += " of " + u.date;
  line += " from " + u.source;
  if (!u.summary.empty()) line += ": " + u.summary;
  std::vector<std::string> notes;
  if (!u.urgency.empty()) notes.push_back("urgency " + u.urgency);
  if (u.install_duration_s > 0) notes.push_back("installing takes about " + std::to_string(u.install_duration_s) + " s");
  if (!u.hardware_id.empty()) notes.push_back("offered for " + u.hardware_id);
  if (!notes.empty()) line += " (" + join(notes, ", ") + ")";
  return line;
}

std::string service_line(const ServiceState& s) {
  std::string name = s.display_name.empty() ? s.name : s.display_name + " (" + s.name + ")";
  if (!s.error.empty()) return name + ": could not be read: " + s.error;
  if (!s.exists) return name + ": not installed";
  return name + ": " + (s.state.empty() ? std::string("state unknown") : s.state) + ", start type " +
         checks::start_type_words(s.start_type);
}

// The checks' own rule (a camsvc stopped with start type Manual is at rest,
// not a fault); a service that could not be read is worth a look.
Severity service_severity(const ServiceState& s) {
  if (!s.error.empty()) return Severity::warning;
  return checks::service_fault(s).value_or(Severity::info);
}

// ---- text ----

void add_line(std::string& out, int indent, const std::string& text) {
  out.append(static_cast<std::size_t>(indent), ' ');
  out += escape_for_terminal(text);
  out += '\n';
}

// Why the device list is empty, when it is: not listed at all, or no hardware. "" when it has devices.
std::string empty_device_list(const DriverInventory& inv) {
  if (!inv.devices_unread.empty()) return "The sound devices could not be listed: " + inv.devices_unread + ".";
  if (!inv.no_sound_hardware.empty()) return "No sound hardware was found: " + inv.no_sound_hardware + ".";
  return {};
}

}  // namespace

std::string drivers_to_text(const DriverInventory& inv, const TextStyle& style) {
  std::string out;
  add_line(out, 0, "micdoctor drivers: " + heading(inv));
  out += "\n" + severity_mark(verdict_severity(inv), style) + " " +
         escape_for_terminal(drivers::inventory_verdict(inv)) + "\n\n";
  if (const std::string said = empty_device_list(inv); !said.empty()) {
    add_line(out, 0, drivers::inventory_verdict(inv) == said ? "Audio devices: none." : said);
  } else {
    add_line(out, 0, "Audio devices (" + std::to_string(inv.devices.size()) + "):");
    for (const AudioDevice& d : inv.devices) {
      add_line(out, 2, d.name.empty() ? std::string("(no name)") : d.name);
      add_line(out, 6, device_facts(d));
      add_line(out, 6, "Driver: " + driver_line(inv, d));
      if (d.firmware) add_line(out, 6, "Firmware: " + firmware_line(d));
      if (d.firmware && !d.firmware->upgrades_error.empty()) {
        add_line(out, 6, "fwupd could not say what is offered: " + d.firmware->upgrades_error);
      }
      if (!d.ids.empty()) add_line(out, 6, "Ids: " + join(d.ids, ", "));
      for (const AvailableUpdate& u : d.updates) {
        add_line(out, 6, "Update: " + update_line(u));
        add_line(out, 10, "How: " + u.how);
      }
      for (const StoredDriverPackage& p : d.rollback) {
        add_line(out, 6, "Also in the driver store: " + join({p.provider, p.version}, " ") +
                             (p.date.empty() ? "" : " (" + p.date + ")") + (p.inf.empty() ? "" : ", " + p.inf));
      }
    }
  }
  if (!inv.services.empty()) {
    out += "\nAudio services:\n";
    for (const ServiceState& s : inv.services) {
      out += "  " + severity_mark(service_severity(s), style) + " " + escape_for_terminal(service_line(s)) + "\n";
    }
  }
  out += "\nWhere updates come from:\n";
  for (const UpdateSource& s : inv.sources) {
    out += "  " + severity_mark(s.ok ? Severity::info : Severity::warning, style) + " " +
           escape_for_terminal(s.name + " (" + s.state + "): " + s.detail) + "\n";
    if (!s.action.empty()) add_line(out, 6, s.action);
  }
  out += "\nWhat check says about drivers and services:\n";
  if (inv.findings.empty()) out += "  nothing\n";
  for (const Finding& f : inv.findings) {
    out += "  " + severity_mark(f.severity, style) + " " + escape_for_terminal(f.title) + "  [" +
           escape_for_terminal(f.id) + "]\n";
    if (!is_problem(f)) continue;
    add_line(out, 6, f.detail);
    if (!f.manual_steps.empty()) add_line(out, 6, "What to do:");
    for (const std::string& step : f.manual_steps) add_line(out, 8, "- " + step);
  }
  return out;
}

// ---- JSON ----

namespace {

Json update_json(const AvailableUpdate& u) {
  return Json{{"kind", u.kind},       {"version", u.version},
              {"date", u.date},       {"summary", u.summary},
              {"source", u.source},   {"how", u.how},
              {"hardware_id", u.hardware_id}, {"urgency", u.urgency},
              {"install_duration_s", u.install_duration_s}};
}

Json device_json(const AudioDevice& d) {
  Json j;
  j["bus"] = d.bus;
  j["kind"] = d.kind;
  j["name"] = d.name;
  j["address"] = d.address;
  j["vendor_id"] = d.vendor_id;
  j["product_id"] = d.product_id;
  j["card"] = d.card ? Json(*d.card) : Json(nullptr);
  j["ids"] = d.ids;
  j["endpoints"] = d.endpoints;
  j["driver"] = Json{{"bound", d.driver.bound},
                     {"name", d.driver.name},
                     {"version", d.driver.version},
                     {"provider", d.driver.provider},
                     {"date", d.driver.date},
                     {"inf", d.driver.inf},
                     {"installed", d.driver.installed},
                     {"installed_days_ago",
                      d.driver.installed_days_ago ? Json(*d.driver.installed_days_ago) : Json(nullptr)},
                     {"problem_code", d.driver.problem_code}};
  if (d.firmware) {
    j["firmware"] = Json{{"version", d.firmware->version},   {"fwupd_device_id", d.firmware->fwupd_device_id},
                         {"vendor", d.firmware->vendor},     {"plugin", d.firmware->plugin},
                         {"flags", d.firmware->flags},       {"upgrades_error", d.firmware->upgrades_error}};
  } else {
    j["firmware"] = nullptr;
  }
  Json updates = Json::array();
  for (const AvailableUpdate& u : d.updates) updates.push_back(update_json(u));
  j["updates"] = updates;
  Json rollback = Json::array();
  for (const StoredDriverPackage& p : d.rollback) {
    rollback.push_back(Json{{"inf", p.inf}, {"provider", p.provider}, {"version", p.version}, {"date", p.date}});
  }
  j["rollback"] = rollback;
  return j;
}

}  // namespace

std::string drivers_to_json(const DriverInventory& inv) {
  Json j;
  j["schema"] = kDriversSchema;
  j["platform"] = inv.platform;
  j["origin"] = inv.origin;
  j["kernel_release"] = inv.kernel_release;
  j["verdict"] = drivers::inventory_verdict(inv);
  j["severity"] = std::string(to_string(verdict_severity(inv)));
  j["no_sound_hardware"] = inv.no_sound_hardware.empty() ? Json(nullptr) : Json(inv.no_sound_hardware);
  j["devices_unread"] = inv.devices_unread.empty() ? Json(nullptr) : Json(inv.devices_unread);
  Json devices = Json::array();
  for (const AudioDevice& d : inv.devices) devices.push_back(device_json(d));
  j["devices"] = devices;
  Json services = Json::array();
  for (const ServiceState& s : inv.services) {
    services.push_back(Json{{"name", s.name},         {"display_name", s.display_name}, {"exists", s.exists},
                            {"state", s.state},       {"start_type", s.start_type},     {"error", s.error}});
  }
  j["services"] = services;
  Json sources = Json::array();
  for (const UpdateSource& s : inv.sources) {
    sources.push_back(Json{{"name", s.name}, {"ok", s.ok}, {"state", s.state}, {"detail", s.detail}, {"action", s.action}});
  }
  j["sources"] = sources;
  Json findings = Json::array();
  for (const Finding& f : inv.findings) findings.push_back(check_finding_to_json(f));
  j["findings"] = findings;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

// ---- HTML ----

namespace {

// Long ids (hardware ids, instance ids) break anywhere so a phone never scrolls sideways.
constexpr const char* kDriversStyle = R"(
.device{margin:.8rem 0;padding:.6rem .8rem;background:#fff;border:1px solid #e0e0e0;border-radius:.4rem}
.device h3{margin:.1rem 0 .4rem;overflow-wrap:anywhere}
dl.facts{display:grid;grid-template-columns:minmax(5rem,auto) 1fr;gap:.2rem .8rem;margin:0}
dl.facts dt{color:#555}dl.facts dd{margin:0;overflow-wrap:anywhere;min-width:0}
.update{color:#0d47a1}
ul.plain{list-style:none;padding-left:0}ul.plain li{margin:.3rem 0;overflow-wrap:anywhere}
)";

std::string esc(const std::string& text) { return escape_html(text); }

std::string css_class(Severity s) { return std::string(to_string(s)); }

std::string fact(const std::string& term, const std::string& value, const std::string& cls = {}) {
  return "<dt>" + esc(term) + "</dt><dd" + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" + esc(value) + "</dd>";
}

std::string device_html(const DriverInventory& inv, const AudioDevice& d) {
  std::string out = "<div class=\"device\"><h3>" + esc(d.name.empty() ? "(no name)" : d.name) + "</h3><dl class=\"facts\">";
  out += fact("Device", device_facts(d));
  out += fact("Driver", driver_line(inv, d));
  if (d.firmware) out += fact("Firmware", firmware_line(d));
  if (d.firmware && !d.firmware->upgrades_error.empty()) out += fact("Updates", "fwupd could not say: " + d.firmware->upgrades_error);
  if (!d.ids.empty()) out += fact("Ids", join(d.ids, ", "));
  for (const AvailableUpdate& u : d.updates) {
    out += fact("Update", update_line(u), "update");
    out += fact("How", u.how);
  }
  for (const StoredDriverPackage& p : d.rollback) {
    out += fact("In the store", join({p.provider, p.version, p.date, p.inf}, " "));
  }
  return out + "</dl></div>";
}

}  // namespace

std::string drivers_to_html(const DriverInventory& inv) {
  std::string out = html_page_start("Drivers and firmware - micdoctor", kDriversStyle);
  out += "<h1>Drivers and firmware</h1>\n<p class=\"subtitle\">" + esc(heading(inv)) + "</p>\n";
  out += "<section class=\"verdict " + css_class(verdict_severity(inv)) + "\" id=\"verdict\"><h2>Verdict</h2><p>" +
         esc(drivers::inventory_verdict(inv)) + "</p></section>\n";
  out += "<section id=\"devices\"><h2>Audio devices</h2>";
  if (const std::string said = empty_device_list(inv); !said.empty()) out += "<p>" + esc(said) + "</p>";
  for (const AudioDevice& d : inv.devices) out += device_html(inv, d);
  out += "</section>\n";
  if (!inv.services.empty()) {
    out += "<section id=\"services\"><h2>Audio services</h2><ul class=\"plain\">";
    for (const ServiceState& s : inv.services) {
      out += "<li class=\"finding " + css_class(service_severity(s)) + "\">" + esc(service_line(s)) + "</li>";
    }
    out += "</ul></section>\n";
  }
  out += "<section id=\"sources\"><h2>Where updates come from</h2><ul class=\"plain\">";
  for (const UpdateSource& s : inv.sources) {
    out += "<li class=\"finding " + css_class(s.ok ? Severity::info : Severity::warning) + "\"><strong>" +
           esc(s.name) + "</strong> (" + esc(s.state) + "): " + esc(s.detail);
    if (!s.action.empty()) out += "<p>" + esc(s.action) + "</p>";
    out += "</li>";
  }
  out += "</ul></section>\n<section id=\"findings\"><h2>What check says about drivers and services</h2>";
  if (inv.findings.empty()) out += "<p>Nothing.</p>";
  out += "<ul class=\"findings\">";
  for (const Finding& f : inv.findings) out += finding_html(f);
  out += "</ul></section>\n";
  return out + html_page_end();
}

// ---- Markdown ----

std::string drivers_to_markdown(const DriverInventory& inv) {
  auto md = [](const std::string& text) { return escape_markdown(text); };
  std::string out = "### micdoctor drivers: " + md(heading(inv)) + "\n\n";
  out += "**" + md(drivers::inventory_verdict(inv)) + "**\n\n";
  if (const std::string said = empty_device_list(inv); !said.empty()) {
    out += md(said) + "\n\n";
  } else {
    out += "| device | where | driver | firmware | update |\n|---|---|---|---|---|\n";
    for (const AudioDevice& d : inv.devices) {
      std::vector<std::string> updates;
      for (const AvailableUpdate& u : d.updates) updates.push_back(update_line(u));
      out += "| " + md(d.name) + " | " + md(device_facts(d)) + " | " + md(driver_line(inv, d)) + " | " +
             md(firmware_line(d)) + " | " + md(updates.empty() ? "none offered" : join(updates, "; ")) + " |\n";
    }
    out += "\n";
  }
  if (!inv.services.empty()) {
    out += "Services:\n\n";
    for (const ServiceState& s : inv.services) out += "- " + md(service_line(s)) + "\n";
    out += "\n";
  }
  out += "Sources:\n\n";
  for (const UpdateSource& s : inv.sources) {
    out += "- " + md(s.name + " (" + s.state + "): " + s.detail + (s.action.empty() ? "" : ". " + s.action)) + "\n";
  }
  if (!inv.findings.empty()) {
    out += "\n| | id | finding |\n|---|---|---|\n";
    for (const Finding& f : inv.findings) {
      out += "| " + std::string(to_string(f.severity)) + " | " + md(f.id) + " | " + md(f.title) + " |\n";
    }
  }
  return out;
}

}  // namespace micdoctor
