#include "alsainfo/dump_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace micdoctor::alsainfo {
namespace {

constexpr std::string_view kHeader = "!!ALSA Information Script v";

// Titles every version writes: a text with two of them and no header is a
// dump whose top was cut off.
constexpr std::array<std::string_view, 9> kKnownTitles = {
    "Kernel Information",           "ALSA Version",       "Loaded ALSA modules",
    "Soundcards recognised by ALSA", "PCI Soundcards installed in the system",
    "HDA-Intel Codec information",  "Aplay/Arecord output", "Amixer output",
    "ALSA/HDA dmesg",
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "&#39;" → "'", "&gt;" → ">": what forums and mail archives turn a pasted
// dump into. Numeric references outside ASCII stay as written.
std::string decode_entities(std::string_view line) {
  struct Named {
    std::string_view name;
    char value;
  };
  constexpr std::array<Named, 6> kNamed = {
      Named{"amp", '&'}, Named{"lt", '<'}, Named{"gt", '>'}, Named{"quot", '"'}, Named{"apos", '\''}, Named{"nbsp", ' '}};
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    // An entity is short: look for its ';' nearby only (a line of '&'s stays linear).
    const std::size_t near = line[i] == '&' ? line.substr(i, 10).find(';') : std::string_view::npos;
    const std::size_t semicolon = near == std::string_view::npos ? near : i + near;
    if (semicolon == std::string_view::npos) {
      out += line[i];
      continue;
    }
    const std::string_view name = line.substr(i + 1, semicolon - i - 1);
    bool decoded = false;
    for (const Named& named : kNamed) {
      if (name == named.name) {
        out += named.value;
        decoded = true;
      }
    }
    if (!decoded && name.size() >= 2 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      const std::string_view digits = name.substr(hex ? 2 : 1);
      unsigned value = 0;
      bool valid = !digits.empty();
      for (const char c : digits) {
        const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                          : hex && std::isxdigit(static_cast<unsigned char>(c))
                              ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                              : -1;
        if (digit < 0 || value > 0xffff) {
          valid = false;
          break;
        }
        value = value * (hex ? 16u : 10u) + static_cast<unsigned>(digit);
      }
      if (valid && value >= 0x20 && value < 0x7f) {
        out += static_cast<char>(value);
        decoded = true;
      }
    }
    if (decoded) {
      i = semicolon;
    } else {
      out += line[i];
    }
  }
  return out;
}

// Removes "[code]", "[/code]", "[quote]", "[/quote]" (any case) wherever they are.
std::string without_bbcode(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    bool tag_here = false;
    if (line[i] == '[') {
      for (const std::string_view tag : {"[code]", "[/code]", "[quote]", "[/quote]"}) {
        if (lower(line.substr(i, tag.size())) == tag) {
          i += tag.size() - 1;
          tag_here = true;
          break;
        }
      }
    }
    if (!tag_here) out += line[i];
  }
  return out;
}

// A line the forum added around the dump: a markdown fence, an HTML block tag.
bool is_wrapper_line(std::string_view line) {
  const std::string_view t = trimmed(line);
  if (t.starts_with("```") || t.starts_with("~~~")) return true;
  const std::string l = lower(t);
  for (const std::string_view tag : {"<pre>", "</pre>", "<code>", "</code>", "<details>", "</details>", "<summary>",
                                     "<pre", "<blockquote>", "</blockquote>"}) {
    if (l.starts_with(tag)) return true;
  }
  return false;
}

std::vector<std::string> cleaned_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string clean = without_bbcode(line.find('&') == std::string_view::npos ? std::string(line) : decode_entities(line));
    if (!is_wrapper_line(clean)) lines.push_back(std::move(clean));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

bool is_known_title_line(std::string_view line) {
  const std::size_t bangs = line.find("!!");
  if (bangs == std::string_view::npos) return false;
  const std::string_view title = trimmed(line.substr(bangs + 2));
  return std::find(kKnownTitles.begin(), kKnownTitles.end(), title) != kKnownTitles.end();
}

// Where the dump starts and what every line of it is quoted with ("> ", "+",
// indentation): whatever stands before the "!!" of its first line.
struct Start {
  std::size_t line = 0;
  std::string prefix;
  std::string version;
};

Start find_start(const std::vector<std::string>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t at = lines[i].find(kHeader);
    if (at == std::string::npos) continue;
    Start start{i, lines[i].substr(0, lines[i].find("!!")), ""};
    const std::string_view rest = trimmed(std::string_view(lines[i]).substr(at + kHeader.size()));
    start.version = std::string(rest.substr(0, std::min<std::size_t>(rest.find(' '), 32)));
    return start;
  }
  // No header: a dump whose top was cut off still counts when two of its
  // section titles are there.
  std::size_t known = 0;
  std::size_t first = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!is_known_title_line(lines[i])) continue;
    if (known++ == 0) first = i;
  }
  if (known < 2) {
    throw AlsaInfoError(
        "not an alsa-info dump (no \"!!ALSA Information Script\" header and none of its sections); "
        "paste the whole output of alsa-info.sh");
  }
  return Start{first, lines[first].substr(0, lines[first].find("!!")), ""};
}

bool is_underline(std::string_view line) { return line.starts_with("!!-") && line.find_first_not_of('-', 2) == std::string_view::npos; }

}  // namespace


const DumpSection* DumpText::find(std::string_view title) const {
  for (const DumpSection& section : sections) {
    if (section.title == title) return &section;
  }
  return nullptr;
}

DumpText split_dump(std::string_view text) {
  if (text.size() > kMaxDumpBytes) throw AlsaInfoError("larger than 16 MiB: not an alsa-info dump");
  if (text.find('\0') != std::string_view::npos) throw AlsaInfoError("binary data, not an alsa-info dump");
  std::vector<std::string> lines = cleaned_lines(text);
  const Start start = find_start(lines);
  const std::string_view quote = trimmed(start.prefix);  // ">" or "+"; "" for indentation or nothing
  DumpText dump;
  dump.version = start.version;
  // Strip the prefix; a quoted dump ends where the quoting does.
  std::vector<std::string> body;
  for (std::size_t i = start.line; i < lines.size(); ++i) {
    std::string& line = lines[i];
    if (line.starts_with(start.prefix)) {
      line.erase(0, start.prefix.size());
    } else if (!quote.empty() && trimmed(line) == quote) {
      line.clear();
    } else if (!quote.empty() && !trimmed(line).empty()) {
      break;
    } else if (quote.empty()) {
      // Indentation partly lost: drop what there is of it.
      const std::size_t keep = std::min(line.find_first_not_of(" \t"), start.prefix.size());
      line.erase(0, keep == std::string::npos ? line.size() : keep);
    }
    body.push_back(std::move(line));
  }
  for (std::size_t i = 0; i < body.size(); ++i) {
    const std::string& line = body[i];
    const bool titled = line.starts_with("!!") && !is_underline(line) && !line.starts_with("!!#") &&
                        i + 1 < body.size() && is_underline(body[i + 1]);
    if (titled) {
      dump.sections.push_back(DumpSection{std::string(trimmed(std::string_view(line).substr(2))), {}});
      ++i;  // the underline
      continue;
    }
    if (dump.sections.empty() || line == "--startcollapse--" || line == "--endcollapse--") continue;
    if (dump.sections.back().lines.size() < kMaxSectionLines) dump.sections.back().lines.push_back(line);
  }
  return dump;
}

}  // namespace micdoctor::alsainfo
