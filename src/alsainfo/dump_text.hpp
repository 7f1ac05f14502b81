#pragma once
// The text of an alsa-info.sh dump, cleaned of what forum and mail software
// does to it and cut into its sections. alsa-info.sh (alsa-utils,
// alsa-info/alsa-info.sh, versions 0.4.x and 0.5.x) writes each section as a
// title line and an underline:
//
//   !!Soundcards recognised by ALSA
//   !!-----------------------------
//
// Inside a section, a "!!" line with no underline ("!!Module: snd_hda_intel",
// "!!-------Mixer controls for card PCH") is a line of that section.
//
// What is undone before cutting: CRLF line ends, HTML entities (&#39; &gt;
// &quot; &amp; ...), the quoting prefix every line carries ("> ", ">> ",
// the '+' of a patch, indentation), markdown fences, [code] BBCode and
// <pre>/<details> lines. Lines wrapped at about 80 columns are joined back by
// the section readers (join_wrapped), which know what a line of theirs looks
// like.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernel_text/text_lines.hpp"

namespace micdoctor::alsainfo {

// Not an alsa-info dump at all (or too large to be one): the message says
// why in one line.
class AlsaInfoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Larger than this is refused: real dumps are 20 KiB to 2 MiB.
inline constexpr std::size_t kMaxDumpBytes = 16u << 20;
// At most this many lines are kept in one section (a dmesg of a long uptime
// is the largest real one).
inline constexpr std::size_t kMaxSectionLines = 200000;

struct DumpSection {
  std::string title;                // "Soundcards recognised by ALSA" (without "!!")
  std::vector<std::string> lines;   // the lines after the underline, cleaned
};

struct DumpText {
  std::string version;                // "0.5.3"; "" when the header line is missing
  std::vector<DumpSection> sections;  // in the order of the dump

  // The first section with this title, or null.
  const DumpSection* find(std::string_view title) const;
};

// Cleans and cuts the dump. Throws AlsaInfoError for text that is no dump
// (no "!!ALSA Information Script" header and fewer than two of its section
// titles), binary data, or more than kMaxDumpBytes.
DumpText split_dump(std::string_view text);

// Joins lines that forum software wrapped: `starts_line(line)` says whether
// a line can begin a line of the section; one that cannot is the rest of the
// line before it. A line that ended in a space, or was cut at the full
// width, continues without a space; otherwise the words are joined with one.
template <typename StartsLine>
std::vector<std::string> join_wrapped(const std::vector<std::string>& lines, StartsLine&& starts_line) {
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    if (out.empty() || line.empty() || out.back().empty() || starts_line(line)) {
      out.push_back(line);
      continue;
    }
    std::string& previous = out.back();
    const bool cut_at_width = previous.size() >= 79;
    if (previous.back() != ' ' && !cut_at_width) previous += ' ';
    previous += line;
  }
  return out;
}

// The section readers trim lines with kernel_text::trimmed.
using kernel_text::trimmed;

}  // namespace micdoctor::alsainfo
