#pragma once
// The application `micdoctor ui` serves: the page (everything it needs is in
// the binary), the walk-through as it is now, the microphone test with its
// live level, a fix per finding, undo, and the reports to save.
#include <memory>

#include "ui/server/http_types.hpp"

namespace micdoctor::ui {

struct UiAppOptions {
  std::string device;  // "" = the default microphone (as check --device)
};

// `events` outlives the application (the server owns both).
std::unique_ptr<Application> make_ui_application(EventPublisher& events, const UiAppOptions& options);

}  // namespace micdoctor::ui
