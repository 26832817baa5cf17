#pragma once
/// Rule tests: running the `tests:` of every rule file (`nprcheck rules test`), and lint.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/code_tables.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/rules.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

/// Reads all episodes of an XML fixture (read_all_episodes in the engine; injected so that the
/// rules module does not depend on the reader).
using ReadEpisodesFn =
    std::function<Result<std::vector<Episode>>(const std::string& path, Diagnostics& diagnostics)>;

/// Builds an Episode (not yet prepared) from the compact YAML form of rule tests (see
/// docs/rule-language.md); nullptr after an error (reported with line and column of `yaml`,
/// under the name `display`). `radiologi` (optional) receives the `radiologi:` flag.
std::shared_ptr<const Episode> compact_episode(std::string_view yaml, Diagnostics& diagnostics,
                                               bool* radiologi = nullptr,
                                               const std::string& display = "<episode>");

/// The outcome of one test case of one rule.
struct RuleTestResult {
  std::string rule_id;
  std::string test_name;
  std::string file;   ///< the rule file
  uint32_t line = 0;  ///< line of the test in the rule file
  bool passed = false;
  std::string failure;  ///< why it failed (empty when passed)
  size_t findings = 0;  ///< how many findings the rule produced
};

/// Runs the tests of every selected rule of `rules`, in rule-id order. XML fixtures are read with
/// `read_episodes` (a test with an XML fixture fails if it is empty).
std::vector<RuleTestResult> run_rule_tests(const RuleSet& rules, const CodeTables& tables,
                                           const ReadEpisodesFn& read_episodes = {});

/// Runs one test case of one rule (prepares the episode with `tables` and a units catalogue
/// that marks the avdeling as radiology when the test says so).
RuleTestResult run_rule_test(const RuleSet& rules, const RuleInfo& rule, const RuleTestCase& test,
                             const CodeTables& tables, const ReadEpisodesFn& read_episodes = {});

/// The results as JUnit XML (one testsuite per rule, one testcase per test).
std::string rule_tests_junit(const std::vector<RuleTestResult>& results);

/// What `nprcheck rules lint` checks beyond loading: every rule has at least one firing and one
/// passing test, a docs text, a source; problems go to `diagnostics` (errors) and the count of
/// errors is returned.
size_t lint_rules(const RuleSet& rules, Diagnostics& diagnostics);

/// What `nprcheck rules lint` checks in the rule data with the code tables: every code of a
/// set exists in some loaded table of its system (any system when unqualified) or is a prefix
/// of one, every prefix (`KE*`) starts some code, and every range (`C60-C63`) holds some code.
/// Problems go to `diagnostics` as errors naming the set file and line; returns their count.
size_t lint_rule_data(const RuleData& data, const CodeTables& tables, Diagnostics& diagnostics);

}  // namespace nprcheck
