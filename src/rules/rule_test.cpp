// Running the tests of rule files, JUnit output, and lint checks.
#include "nprcheck/rule_test.hpp"

#include <map>

#include "nprcheck/escape.hpp"
#include "nprcheck/prepare.hpp"
#include "nprcheck/rule_data.hpp"
#include "nprcheck/units.hpp"
#include "rule_file.hpp"

namespace nprcheck {

namespace {

std::string join_values(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s + "]";
}

std::string finding_codes(const Finding& f) {
  std::vector<std::string> v;
  for (const auto& c : f.codes) v.push_back(c.verdi);
  return join_values(v);
}

// The episode a test runs on, prepared; empty with `error` set when it cannot be had.
std::optional<Episode> test_episode(const RuleTestCase& test, const CodeTables& tables,
                                    const ReadEpisodesFn& read_episodes, std::string& error) {
  UnitsCatalogue units;
  if (test.episode) {
    Episode e = *test.episode;
    if (test.radiologi && e.melding) {
      // The avdeling is the Enhet that RefEnhet typeEnhet 7 points to (Enhet 3 by default).
      for (const auto& r : e.ref_enheter) {
        if (r.type_enhet != 7) continue;
        if (const Enhet* en = e.melding->find_enhet(r.enhet_id)) {
          units.add(UnitEntry{en->resh_id, en->enhet_lokal, en->resh_id, en->enhet_lokal, true});
        }
      }
    }
    prepare_episode(e, tables, units);
    return e;
  }
  if (!read_episodes) {
    error = "the test reads an XML fixture, but no reader is available here";
    return std::nullopt;
  }
  Diagnostics diags;
  auto episodes = read_episodes(test.xml.string(), diags);
  if (!episodes) {
    error = "cannot read XML fixture " + test.xml.string();
    for (const auto& d : diags.all()) error += "\n" + format_diagnostic(d);
    if (!episodes.status().message().empty()) error += ": " + episodes.status().message();
    return std::nullopt;
  }
  for (auto& e : *episodes) {
    if (e.episode_id == test.episode_id) {
      prepare_episode(e, tables, units);
      return std::move(e);
    }
  }
  error = "no episode '" + test.episode_id + "' in " + test.xml.string();
  return std::nullopt;
}

}  // namespace

std::shared_ptr<const Episode> compact_episode(std::string_view yaml, Diagnostics& diagnostics,
                                               bool* radiologi, const std::string& display) {
  rules_detail::SourceFile file(display, std::string(yaml));
  YAML::Node node;
  try {
    node = YAML::Load(file.text());
  } catch (const YAML::ParserException& e) {
    file.error(diagnostics, rules_detail::SourceFile::pos_of(e.mark),
               "YAML syntax error: " + e.msg);
    return nullptr;
  }
  bool radio = false;
  auto e = rules_detail::build_compact_episode(file, node, diagnostics, radio);
  if (radiologi != nullptr) *radiologi = radio;
  return e;
}

RuleTestResult run_rule_test(const RuleSet& rules, const RuleInfo& rule, const RuleTestCase& test,
                             const CodeTables& tables, const ReadEpisodesFn& read_episodes) {
  RuleTestResult r;
  r.rule_id = rule.id;
  r.test_name = test.name;
  r.file = rule.file;
  r.line = test.line;
  std::string error;
  auto episode = test_episode(test, tables, read_episodes, error);
  if (!episode) {
    r.failure = error;
    return r;
  }
  EvalContext ctx{&tables, nullptr};
  std::vector<Finding> findings;
  if (!rules.evaluate_rule(rule.id, *episode, ctx, findings)) {
    r.failure = "no rule '" + rule.id + "' in the rule set";
    return r;
  }
  r.findings = findings.size();
  auto describe = [&]() {
    std::string s;
    for (const auto& f : findings) s += "\n    " + finding_codes(f) + " " + f.message;
    return s;
  };
  std::vector<std::string> problems;
  if (test.expect_fire && findings.empty()) {
    problems.push_back("expected the rule to fire, but it did not");
  } else if (!test.expect_fire && !findings.empty()) {
    problems.push_back("expected no finding, got " + std::to_string(findings.size()) + ":" +
                       describe());
  }
  if (test.count && static_cast<size_t>(*test.count) != findings.size() &&
      (test.expect_fire == !findings.empty())) {
    problems.push_back("expected " + std::to_string(*test.count) + " finding(s), got " +
                       std::to_string(findings.size()) + ":" + describe());
  }
  if (!findings.empty()) {
    const Finding& f = findings.front();
    if (!test.message_contains.empty() &&
        f.message.find(test.message_contains) == std::string::npos) {
      problems.push_back("expected the message to contain '" + test.message_contains +
                         "', got: " + f.message);
    }
    if (test.has_codes) {
      std::vector<std::string> got;
      for (const auto& c : f.codes) got.push_back(c.verdi);
      if (got != test.codes) {
        problems.push_back("expected codes " + join_values(test.codes) + ", got " +
                           join_values(got));
      }
    }
  }
  r.passed = problems.empty();
  for (size_t i = 0; i < problems.size(); ++i) r.failure += (i ? "\n" : "") + problems[i];
  return r;
}

std::vector<RuleTestResult> run_rule_tests(const RuleSet& rules, const CodeTables& tables,
                                           const ReadEpisodesFn& read_episodes) {
  std::vector<RuleTestResult> out;
  for (const RuleInfo* rule : rules.rules()) {
    for (const auto& t : rule->tests)
      out.push_back(run_rule_test(rules, *rule, t, tables, read_episodes));
  }
  return out;
}

std::string rule_tests_junit(const std::vector<RuleTestResult>& results) {
  std::map<std::string, std::vector<const RuleTestResult*>> by_rule;
  size_t failures = 0;
  for (const auto& r : results) {
    by_rule[r.rule_id].push_back(&r);
    if (!r.passed) ++failures;
  }
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"nprcheck rules test\" tests=\"" + std::to_string(results.size()) +
       "\" failures=\"" + std::to_string(failures) + "\">\n";
  for (const auto& [id, list] : by_rule) {
    size_t f = 0;
    for (const auto* r : list) f += r->passed ? 0 : 1;
    x += "  <testsuite name=\"" + html_escape(id) + "\" tests=\"" + std::to_string(list.size()) +
         "\" failures=\"" + std::to_string(f) + "\">\n";
    for (const auto* r : list) {
      x += "    <testcase classname=\"rules." + html_escape(id) + "\" name=\"" +
           html_escape(r->test_name) + "\" file=\"" + html_escape(r->file) + "\" line=\"" +
           std::to_string(r->line) + "\"";
      if (r->passed) {
        x += "/>\n";
      } else {
        std::string first_line = r->failure.substr(0, r->failure.find('\n'));
        x += ">\n      <failure message=\"" + html_escape(first_line) + "\">" +
             html_escape(r->failure) + "</failure>\n    </testcase>\n";
      }
    }
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  return x;
}

size_t lint_rules(const RuleSet& rules, Diagnostics& diagnostics) {
  size_t errors = 0;
  for (const RuleInfo* r : rules.rules()) {
    auto error = [&](std::string msg) {
      diagnostics.error(r->file, 0, 0, std::move(msg));
      ++errors;
    };
    bool fires = false, passes = false;
    for (const auto& t : r->tests) (t.expect_fire ? fires : passes) = true;
    if (!fires) error("rule " + r->id + " has no test that fires (expect: fire)");
    if (!passes) error("rule " + r->id + " has no test that passes (expect: pass)");
    for (const auto& t : r->tests) {
      std::error_code ec;
      if (!t.episode && !std::filesystem::exists(t.xml, ec)) {
        diagnostics.error(r->file, t.line, 0,
                          "test '" + t.name + "': XML fixture " + t.xml.string() + " not found");
        ++errors;
      }
    }
    std::map<std::string, int> names;
    for (const auto& t : r->tests) {
      if (++names[t.name] == 2) {
        diagnostics.error(r->file, t.line, 0, "two tests are named '" + t.name + "'");
        ++errors;
      }
    }
    if (r->title.empty() || r->title.find('\n') != std::string::npos) {
      error("rule " + r->id + ": 'title' must be one non-empty line");
    }
    if (r->source.empty()) error("rule " + r->id + ": 'source' is empty");
    if (r->message.empty()) error("rule " + r->id + ": 'message' is empty");
    if (r->docs.empty()) {
      diagnostics.warning(r->file, 0, 0, "rule " + r->id + " has no 'docs' (what to do)");
    }
  }
  return errors;
}

namespace {

bool entry_in_tables(const CodeSet::Entry& e, const CodeTables& tables) {
  constexpr KodeSystem kAll[] = {KodeSystem::kIcd10, KodeSystem::kNcsp, KodeSystem::kNcmp,
                                 KodeSystem::kNcrp};
  for (KodeSystem s : kAll) {
    if (e.qualified && s != e.system) continue;
    switch (e.kind) {
      case CodeSet::Entry::Kind::kExact:
      case CodeSet::Entry::Kind::kPrefix:
        if (tables.find(s, e.lo) != nullptr || tables.longer_code_exists(s, e.lo)) return true;
        break;
      case CodeSet::Entry::Kind::kRange:
        if (tables.code_in_range_exists(s, e.lo, e.hi)) return true;
        break;
    }
  }
  return false;
}

}  // namespace

size_t lint_rule_data(const RuleData& data, const CodeTables& tables, Diagnostics& diagnostics) {
  size_t errors = 0;
  for (const CodeSet* set : data.sets()) {
    for (const auto& e : set->entries()) {
      if (entry_in_tables(e, tables)) continue;
      std::string where = e.qualified ? std::string(kode_system_name(e.system)) : "any system";
      std::string what;
      switch (e.kind) {
        case CodeSet::Entry::Kind::kExact:
          what = "code '" + e.lo + "' is in no loaded table (" + where +
                 ") and no code starts with it";
          break;
        case CodeSet::Entry::Kind::kPrefix:
          what = "prefix '" + e.lo + "*' starts no code of the loaded tables (" + where + ")";
          break;
        case CodeSet::Entry::Kind::kRange:
          what = "range '" + e.lo + "-" + e.hi + "' holds no code of the loaded tables (" + where +
                 ")";
          break;
      }
      diagnostics.error(set->file.string(), e.line, 0,
                        "set '" + set->name() + "': " + what + ": misspelt?");
      ++errors;
    }
  }
  return errors;
}

}  // namespace nprcheck
