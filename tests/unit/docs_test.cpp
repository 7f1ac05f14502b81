// docs/checks.md is the catalogue people read; check_catalog.cpp is the one
// the code uses. These tests fail when the two disagree, so neither drifts.
#include <algorithm>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/signal_findings.hpp"
#include "checks/check_catalog.hpp"

namespace micdoctor {
namespace {

std::string read_doc(const std::string& name) {
  std::ifstream in(std::string(MICDOCTOR_DOCS_DIR) + "/" + name);
  EXPECT_TRUE(in) << "cannot read docs/" << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trimmed(const std::string& text) {
  const std::size_t first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// The ids in backquotes in one table cell ("`a.b`, `c.d`").
std::vector<std::string> ids_in(const std::string& cell) {
  std::vector<std::string> ids;
  for (std::size_t open = cell.find('`'); open != std::string::npos; open = cell.find('`', open)) {
    const std::size_t close = cell.find('`', open + 1);
    if (close == std::string::npos) break;
    const std::string id = cell.substr(open + 1, close - open - 1);
    const bool looks_like_id = id.find('.') != std::string::npos &&
                               id.find_first_not_of("abcdefghijklmnopqrstuvwxyz_.") == std::string::npos;
    if (looks_like_id) ids.push_back(id);
    open = close + 1;
  }
  return ids;
}

// The rows of every table whose header's first column is `header`: each id in
// the first cell -> the second cell. (Plain string work: GCC 12 warns inside
// std::regex under the sanitizers.)
std::multimap<std::string, std::string> table_rows(const std::string& doc, const std::string& header) {
  std::multimap<std::string, std::string> rows;
  std::istringstream lines(doc);
  std::string line;
  bool in_table = false;
  while (std::getline(lines, line)) {
    if (line.rfind("| " + header + " |", 0) == 0) {
      in_table = true;
      continue;
    }
    if (line.empty() || line[0] != '|') in_table = false;
    if (!in_table) continue;
    const std::size_t second = line.find('|', 1);
    const std::size_t third = second == std::string::npos ? second : line.find('|', second + 1);
    if (third == std::string::npos) continue;
    const std::string next = trimmed(line.substr(second + 1, third - second - 1));
    for (const std::string& id : ids_in(line.substr(1, second - 1))) rows.emplace(id, next);
  }
  return rows;
}

TEST(DocsCatalogue, EveryCheckIdIsDocumentedWithItsStep) {
  const auto rows = table_rows(read_doc("checks.md"), "id");
  for (const CheckDefinition& d : check_definitions()) {
    const auto [first, last] = rows.equal_range(std::string(d.id));
    ASSERT_NE(first, last) << d.id << " is reported by the code but missing from docs/checks.md";
    for (auto it = first; it != last; ++it) {
      EXPECT_EQ(it->second, std::to_string(d.step)) << d.id << ": the step in docs/checks.md differs from the code";
    }
  }
}

TEST(DocsCatalogue, EveryDocumentedCheckIdExists) {
  std::set<std::string> known;
  for (const CheckDefinition& d : check_definitions()) known.emplace(d.id);
  for (const auto& [id, step] : table_rows(read_doc("checks.md"), "id")) {
    if (id.rfind("signal.", 0) == 0) continue;  // the analyser's ids: checked below
    EXPECT_TRUE(known.count(id)) << id << " is in docs/checks.md but the code never reports it";
  }
}

TEST(DocsCatalogue, SignalIdsMatchBothWays) {
  std::set<std::string> documented;
  for (const auto& [id, step] : table_rows(read_doc("checks.md"), "id")) {
    // signal.went_silent and signal.clipping_bursts are watch findings, in the check catalogue.
    const bool in_catalogue = std::any_of(check_definitions().begin(), check_definitions().end(),
                                          [&](const CheckDefinition& d) { return d.id == id; });
    if (id.rfind("signal.", 0) == 0 && !in_catalogue) {
      documented.insert(id);
      EXPECT_EQ(step, "5") << id << ": the recording's findings belong to step 5";
    }
  }
  std::set<std::string> code;
  for (const std::string_view id : signal_finding_ids()) code.emplace(id);
  EXPECT_EQ(documented, code);
}

TEST(DocsCatalogue, FixIdsMatchBothWays) {
  std::set<std::string> documented;
  for (const auto& [id, answers] : table_rows(read_doc("checks.md"), "fix id")) documented.insert(id);
  std::set<std::string> code;
  for (const FixId fix : all_fixes()) code.emplace(fix_id(fix));
  EXPECT_EQ(documented, code);
}

TEST(DocsCatalogue, TheParserSeesTablesAsTheyAreWritten) {
  // A guard against the tests above passing on an empty parse.
  const auto rows = table_rows("| id | step |\n|---|---|\n| `a.b`, `c.d` | 3 |\n\n| `e.f` | 1 |\n", "id");
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows.find("a.b")->second, "3");
  EXPECT_EQ(rows.find("c.d")->second, "3");
  EXPECT_EQ(rows.count("e.f"), 0U);  // not in a table with that header
}

}  // namespace
}  // namespace micdoctor
