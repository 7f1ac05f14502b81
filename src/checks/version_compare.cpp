#include "checks/version_compare.hpp"

namespace micdoctor::checks {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// dpkg's order(): '~' before the end, the end (0) before letters, letters
// before every other character.
int order(char c) {
  if (is_digit(c)) return 0;
  if (is_alpha(c)) return c;
  if (c == '~') return -1;
  if (c != '\0') return c + 256;
  return 0;
}

// dpkg's verrevcmp(): one part (upstream or revision).
int compare_part(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  const auto at = [](std::string_view s, std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      const int ac = order(at(a, i));
      const int bc = order(at(b, j));
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    while (at(a, i) == '0') ++i;
    while (at(b, j) == '0') ++j;
    while (is_digit(at(a, i)) && is_digit(at(b, j))) {
      if (first_diff == 0) first_diff = at(a, i) - at(b, j);
      ++i;
      ++j;
    }
    if (is_digit(at(a, i))) return 1;
    if (is_digit(at(b, j))) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

struct Parts {
  unsigned long epoch = 0;
  std::string_view upstream;
  std::string_view revision;
};

Parts split(std::string_view version) {
  Parts parts;
  const std::size_t colon = version.find(':');
  if (colon != std::string_view::npos) {
    unsigned long epoch = 0;
    for (char c : version.substr(0, colon)) {
      if (!is_digit(c)) break;
      epoch = epoch * 10 + static_cast<unsigned long>(c - '0');
      if (epoch > 1000000000UL) break;  // a malformed epoch stays bounded
    }
    parts.epoch = epoch;
    version.remove_prefix(colon + 1);
  }
  const std::size_t dash = version.rfind('-');
  parts.upstream = dash == std::string_view::npos ? version : version.substr(0, dash);
  parts.revision = dash == std::string_view::npos ? std::string_view() : version.substr(dash + 1);
  return parts;
}

}  // namespace

int compare_versions(std::string_view a, std::string_view b) {
  const Parts pa = split(a);
  const Parts pb = split(b);
  if (pa.epoch != pb.epoch) return pa.epoch < pb.epoch ? -1 : 1;
  const int upstream = compare_part(pa.upstream, pb.upstream);
  if (upstream != 0) return upstream;
  return compare_part(pa.revision, pb.revision);
}

bool is_valid_version(std::string_view version) {
  if (version.empty() || version.size() > 128) return false;
  const std::string_view rest = without_epoch(version);
  if (rest.size() != version.size()) {
    const std::string_view epoch = version.substr(0, version.size() - rest.size() - 1);
    if (epoch.empty()) return false;
    for (char c : epoch) {
      if (!is_digit(c)) return false;
    }
  }
  if (rest.empty() || !is_digit(rest.front())) return false;
  for (char c : rest) {
    if (!is_digit(c) && !is_alpha(c) && c != '.' && c != '+' && c != '~' && c != '-' && c != ':') return false;
  }
  return rest.back() != '-';
}

std::string_view without_epoch(std::string_view version) {
  const std::size_t colon = version.find(':');
  return colon == std::string_view::npos ? version : version.substr(colon + 1);
}

}  // namespace micdoctor::checks
