#pragma once
// Package version order: dpkg's algorithm (deb-version(7), lib/dpkg/version.c),
// used for every package manager the known-bad table is matched against.
//
// rpm (rpmvercmp) and pacman (alpm_pkg_vercmp, a copy of rpmvercmp) differ
// from dpkg in corner cases: they split on every non-alphanumeric character
// and treat "1.0a" vs "1.0.a" and letters against digits differently, and
// pacman has no '~'. None of this matters for the table: its bounds are
// upstream release numbers of plain dotted digits ("1.2.6.2", "0.4.7",
// "6.9.2"), compared with the upstream part of an installed version
// ("1.2.6.1-1.fc35", "0.3.53-1", "1:0.3.53-1" with the epoch set aside), and
// on dotted digits the three algorithms agree.
#include <string>
#include <string_view>

namespace micdoctor::checks {

// < 0, 0 or > 0 as a sorts before, with or after b in dpkg's order:
// epoch first (a missing one is 0), then the upstream version, then the
// revision; within each, runs of non-digits (letters before other characters,
// '~' before everything, even the end) alternate with numbers compared by value.
int compare_versions(std::string_view a, std::string_view b);

// A version made only of the characters dpkg allows (digits, letters,
// . + ~ - :), starting with a digit after any epoch: what the table accepts.
bool is_valid_version(std::string_view version);

// The version with any epoch ("1:" in "1:0.3.53-1") removed: a distribution's
// packaging counter, not part of the upstream release the table names.
std::string_view without_epoch(std::string_view version);

}  // namespace micdoctor::checks
