#pragma once
// A setting's value as JSON, the one form for the journal and for
// `fix --format json`/`undo --format json` (so both say the same, a service's
// "running" included). The journal reads this form back (journal.cpp).
#include <nlohmann/json.hpp>

#include "fixes/change.hpp"

namespace micdoctor {

// {"muted":bool}, {"allowed":bool}, {"volume_percent":[...]}, {"levels":[...],"db":[...]},
// {"name":...,"exists":bool} (a file), {"name":...,"running":bool} (a service), {"name":...}.
nlohmann::ordered_json setting_value_json(Setting setting, const SettingValue& value);

}  // namespace micdoctor
