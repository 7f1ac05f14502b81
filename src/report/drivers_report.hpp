#pragma once
// The forms of `micdoctor drivers` (drivers/driver_inventory.hpp): text for a
// terminal, JSON (schema micdoctor.drivers/1, fields in docs/drivers.md), a
// self-contained HTML page and a Markdown summary for a support ticket.
// Everything that came from the system is escaped for its form.
#include <string>

#include "drivers/driver_inventory.hpp"
#include "report/terminal.hpp"

namespace micdoctor {

inline constexpr const char* kDriversSchema = "micdoctor.drivers/1";

std::string drivers_to_text(const drivers::DriverInventory& inventory, const TextStyle& style);
std::string drivers_to_json(const drivers::DriverInventory& inventory);
std::string drivers_to_html(const drivers::DriverInventory& inventory);
std::string drivers_to_markdown(const drivers::DriverInventory& inventory);

}  // namespace micdoctor
