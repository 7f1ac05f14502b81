#pragma once
// Printing text that came from outside (file names, device names) safely.
#include <string>
#include <string_view>

#include "model/finding.hpp"

namespace micdoctor {

// Escapes control characters (C0, DEL, C1), which could move the cursor or
// recolour a terminal, and invalid UTF-8, as \xNN; keeps valid UTF-8 text.
std::string escape_for_terminal(std::string_view text);

// Replaces invalid UTF-8 bytes with U+FFFD so the text can go into JSON.
std::string to_valid_utf8(std::string_view text);

struct TextStyle {
  bool unicode = false;  // marks as ✓ ! ✗ rather than [ok] [!] [x]
  bool colour = false;
};

// Unicode when the locale is UTF-8 and stdout is a terminal; colour when
// stdout is a terminal and NO_COLOR is not set.
TextStyle detect_text_style(int fd);

// The mark for a severity (✓ ! ✗, or [ok] [!] [x] in ASCII), coloured when the style says so.
std::string severity_mark(Severity severity, const TextStyle& style);
// Text in the colour of a severity (red, yellow, green), or as is.
std::string coloured(const std::string& text, Severity severity, const TextStyle& style);

}  // namespace micdoctor
