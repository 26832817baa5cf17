// RuleSet: the shipped rules load, lint clean and pass their tests; findings carry everything a
// report needs; evaluation is thread-safe; select, hash, explain.
#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "test_rule_util.hpp"

using namespace nprcheck;
namespace fs = std::filesystem;

namespace {

RuleSet load_ok(const std::string& dir) {
  Diagnostics d;
  auto r = RuleSet::load(dir, d);
  for (const auto& x : d.all()) UNSCOPED_INFO(format_diagnostic(x));
  REQUIRE(r.has_value());
  return std::move(*r);
}

std::vector<Finding> run(const RuleSet& rules, const Episode& e) {
  std::vector<Finding> out;
  EvalContext ctx{&test::tables(), nullptr};
  rules.evaluate(e, ctx, out);
  return out;
}

}  // namespace

TEST_CASE("shipped rules: exactly the 26 rules of rule sets v1 and v2", "[rules][shipped]") {
  RuleSet rules = load_ok(test::shipped_rules());
  std::vector<std::string> ids;
  for (const auto& m : rules.manifest()) {
    ids.push_back(m.id + ":" + severity_name(m.severity) + (m.isf ? ":isf" : ""));
  }
  CHECK(ids ==
        std::vector<std::string>{
            "BV-001:error",      "BV-002:warning",     "BV-003:error",       "BV-004:warning",
            "EPI-001:error:isf", "EPI-002:error",      "EPI-003:error",      "EPI-004:warning",
            "EPI-005:warning",   "EPI-006:error",      "EPI-007:error:isf",  "HT-001:error:isf",
            "HT-002:error:isf",  "HT-003:warning:isf", "HT-004:warning:isf", "HT-005:info:isf",
            "KODE-001:error",    "KODE-002:error",     "KODE-003:warning",   "KODE-004:error",
            "KODE-005:error",    "KODE-006:error:isf", "KODE-007:warning",   "KODE-008:error",
            "KODE-009:warning",  "KODE-010:warning"});
  const RuleInfo* ht1 = rules.find("HT-001");
  REQUIRE(ht1 != nullptr);
  REQUIRE(ht1->valid_from.has_value());
  CHECK(ht1->valid_from->date_string() == "2021-09-01");
  for (const RuleInfo* r : rules.rules()) {
    INFO(r->id);
    CHECK_FALSE(r->title.empty());
    CHECK_FALSE(r->source.empty());
    CHECK_FALSE(r->docs.empty());
  }
}

TEST_CASE("shipped rules: lint clean and every test passes", "[rules][shipped]") {
  RuleSet rules = load_ok(test::shipped_rules());
  Diagnostics d;
  CHECK(lint_rules(rules, d) == 0);
  auto results = run_rule_tests(rules, test::tables());
  CHECK(results.size() > 2 * rules.size());
  for (const auto& r : results) {
    INFO(r.rule_id << " '" << r.test_name << "' (" << r.file << ":" << r.line
                   << "): " << r.failure);
    CHECK(r.passed);
  }
}

TEST_CASE("a new rule needs only a YAML file: the rule written only for a test", "[rules][new]") {
  RuleSet rules = load_ok(test::rules_testdata("only-for-test"));
  REQUIRE(rules.size() == 1);
  const RuleInfo* r = rules.find("TEST-001");
  REQUIRE(r != nullptr);
  CHECK(r->severity == Severity::kInfo);
  CHECK(r->tests.size() == 5);
  // Without a reader (the rules module does not read XML), the XML-fixture tests say so.
  auto results = run_rule_tests(rules, test::tables());
  REQUIRE(results.size() == 5);
  for (size_t i = 0; i < 3; ++i) CHECK(results[i].passed);
  CHECK_FALSE(results[3].passed);
  CHECK(results[3].failure == "the test reads an XML fixture, but no reader is available here");

  // And the rule runs on any episode like a shipped one.
  Episode e = test::episode(R"(
inn: 2017-03-02T08:15:00
tilstander: [[K703]]
tiltak:
  - type: 1
    prosedyrer: [[JJB06K]]
)");
  auto findings = run(rules, e);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].message ==
        "NCRP-koden JJB06K (Nålebiopsi av lever, ultralydveiledet) står under typeTiltak 1; "
        "bildediagnostikk registreres som typeTiltak 2.");
}

TEST_CASE("a failing rule test is reported with what was expected", "[rules][test]") {
  RuleSet rules = load_ok(test::rules_testdata("only-for-test"));
  const RuleInfo* r = rules.find("TEST-001");
  REQUIRE(r != nullptr);
  RuleTestCase wrong = r->tests[0];  // fires once with [JJB06K]
  wrong.count = 2;
  wrong.codes = {"JJB06A"};
  wrong.message_contains = "typeTiltak 3";
  auto res = run_rule_test(rules, *r, wrong, test::tables());
  CHECK_FALSE(res.passed);
  CHECK(res.failure.find("expected 2 finding(s), got 1") != std::string::npos);
  CHECK(res.failure.find("expected codes [JJB06A], got [JJB06K]") != std::string::npos);
  CHECK(res.failure.find("expected the message to contain 'typeTiltak 3'") != std::string::npos);
  RuleTestCase pass = r->tests[0];
  pass.expect_fire = false;
  pass.count.reset();
  res = run_rule_test(rules, *r, pass, test::tables());
  CHECK_FALSE(res.passed);
  CHECK(res.failure.rfind("expected no finding, got 1:", 0) == 0);

  std::string junit = rule_tests_junit({res});
  CHECK(junit.find("<testsuite name=\"TEST-001\" tests=\"1\" failures=\"1\">") !=
        std::string::npos);
  CHECK(junit.find("<failure message=\"expected no finding, got 1:\">") != std::string::npos);
}

TEST_CASE("findings carry rule, episode, unit, line and codes with table year and text",
          "[rules][evaluate]") {
  RuleSet rules = load_ok(test::shipped_rules());
  rules.select("BV-002");
  Episode e = test::episode(R"(
id: E-17-000042
inn: 2017-03-02T08:15:00
ut: 2017-03-02T11:40:00
omsorgsniva: 3
kjonn: 2
fodselsar: 1957
tilstander: [[K703]]
tiltak:
  - type: 1
    dato: 2017-03-02T09:00:00
    prosedyrer: [[JJX00, ZXM00]]
)",
                            7);
  auto findings = run(rules, e);
  REQUIRE(findings.size() == 1);
  const Finding& f = findings[0];
  CHECK(f.rule_id == "BV-002");
  CHECK(f.rule_version == 1);
  CHECK(f.severity == Severity::kWarning);
  CHECK(f.episode_id == "E-17-000042");
  CHECK(f.pasient_nr == "P1");
  CHECK(f.avdeling == "4200");
  CHECK(f.unit == "4200");
  CHECK(f.dato == "2017-03-02");
  CHECK(f.episode_sequence == 7);
  CHECK(f.object_index == 0);
  CHECK(f.line == 12);  // the Prosedyre's line in the compact form
  REQUIRE(f.codes.size() == 2);
  CHECK(f.codes[0].verdi == "JJX00");
  CHECK(f.codes[0].system == KodeSystem::kNcsp);
  CHECK(f.codes[0].table_year == 2017);
  CHECK(f.codes[0].tekst == "Perkutan nålebiopsi av lever");
  CHECK(f.codes[1].verdi == "ZXM00");
  CHECK(f.codes[1].tekst == "Bildeveiledet teknikk med bruk av ultralyd");
  CHECK(f.message ==
        "Prosedyren er kodet JJX00 + ZXM00 (Perkutan nålebiopsi av lever, Bildeveiledet teknikk "
        "med bruk av ultralyd), men NCRP-koden JJB06K (Nålebiopsi av lever, ultralydveiledet) "
        "finnes. Registrer JJB06K i stedet for NCSP- og ZXM-koden.");
}

TEST_CASE("missing table year: code counted unchecked, table year 0", "[rules][evaluate]") {
  RuleSet rules = load_ok(test::shipped_rules());
  rules.select("KODE-*");
  Episode e = test::episode(R"(
inn: 2016-03-02T08:15:00
kjonn: 1
tilstander: [[XYZ99], [J18], [A90], [O000]]
)");
  auto findings = run(rules, e);
  // Only KODE-004 (O000 for a man: set membership needs no table) fires.
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].rule_id == "KODE-004");
  REQUIRE(findings[0].codes.size() == 1);
  CHECK(findings[0].codes[0].table_year == 0);
  CHECK(findings[0].codes[0].tekst == "Svangerskap i bukhule");  // latest text of any year
}

TEST_CASE("findings come in rule-id order; KODE-007 once per duplicated code",
          "[rules][evaluate]") {
  RuleSet rules = load_ok(test::shipped_rules());
  Episode e = test::episode(R"(
inn: 2017-03-02T08:15:00
ut: 2017-03-01T08:00:00
tilstander: [[M368, E702], [K703], [M368], [K703], [K703]]
)");
  auto findings = run(rules, e);
  std::vector<std::string> got;
  for (const auto& f : findings) {
    std::string codes;
    for (const auto& c : f.codes) codes += " " + c.verdi;
    got.push_back(f.rule_id + codes);
  }
  // M368 alone in Tilstand 3 is also a bitilstand starting with an asterisk code (KODE-008).
  CHECK(got == std::vector<std::string>{"EPI-002", "KODE-006 M368", "KODE-007 M368",
                                        "KODE-007 K703", "KODE-008 M368"});
}

TEST_CASE("evaluate is const and thread-safe", "[rules][evaluate]") {
  RuleSet rules = load_ok(test::shipped_rules());
  std::vector<Episode> episodes;
  const char* forms[] = {
      "{inn: 2017-03-02T08:15:00, kjonn: 2, tilstander: [[C61], [J18]], tiltak: [{type: 1, "
      "prosedyrer: [[JJX00, ZXM00], [ZXA00]]}]}",
      "{inn: 2015-12-30T08:15:00, ut: 2016-01-02T10:00:00, omsorgsniva: 3, tilstander: [[A90]], "
      "tiltak: [{type: 2}]}",
      "{inn: 2017-03-02T08:15:00, fodselsar: 1850, ref_enheter: [[1, 1]]}",
  };
  for (int i = 0; i < 30; ++i) episodes.push_back(test::episode(forms[i % 3], i));
  std::vector<Finding> expected;
  for (const auto& e : episodes) {
    auto f = run(rules, e);
    expected.insert(expected.end(), f.begin(), f.end());
  }
  REQUIRE(expected.size() > 10);
  std::vector<std::vector<Finding>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        got[t].clear();
        for (const auto& e : episodes) {
          auto f = run(rules, e);
          got[t].insert(got[t].end(), f.begin(), f.end());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& g : got) {
    REQUIRE(g.size() == expected.size());
    for (size_t i = 0; i < g.size(); ++i) {
      CHECK(g[i].rule_id == expected[i].rule_id);
      CHECK(g[i].message == expected[i].message);
    }
  }
}

TEST_CASE("valid_from/valid_to apply to the episode's end date", "[rules][evaluate]") {
  RuleSet rules = load_ok(test::rules_testdata("only-for-test"));
  const char* form = R"(
inn: %s
ut: %s
tilstander: [[K703]]
tiltak: [{type: 1, dato: 2016-01-01T09:00:00, prosedyrer: [[JJB06K]]}]
)";
  char buf[512];
  std::snprintf(buf, sizeof buf, form, "2015-12-31T08:00:00", "2016-01-01T10:00:00");
  CHECK(run(rules, test::episode(buf)).size() == 1);  // ends in the period
  std::snprintf(buf, sizeof buf, form, "2015-12-30T08:00:00", "2015-12-31T10:00:00");
  CHECK(run(rules, test::episode(buf)).empty());  // ends before valid_from
}

TEST_CASE("explain says not applicable, passed or fired, and why", "[rules][explain]") {
  RuleSet rules = load_ok(test::shipped_rules());
  rules.select("BV-00*");
  Episode e = test::episode(R"(
inn: 2017-03-02T08:15:00
tilstander: [[K703]]
tiltak:
  - type: 1
    prosedyrer: [[JJX00, ZXM00]]
)");
  EvalContext ctx{&test::tables(), nullptr};
  auto traces = rules.explain(e, ctx);
  REQUIRE(traces.size() == 4);
  CHECK(traces[0].rule_id == "BV-001");
  CHECK(traces[0].outcome == RuleTrace::Outcome::kPassed);
  CHECK(traces[1].rule_id == "BV-002");
  CHECK(traces[1].outcome == RuleTrace::Outcome::kFired);
  CHECK(traces[1].findings.size() == 1);
  CHECK(traces[1].reason.find("Prosedyre 1 (JJX00 ZXM00): FIRED (assert is false)") == 0);
  CHECK(traces[1].reason.find("; zxm=ZXM00; ncrp='JJB06K'; assert: ncrp == '' -> false") !=
        std::string::npos);
  CHECK(traces[2].rule_id == "BV-003");
  CHECK(traces[2].outcome == RuleTrace::Outcome::kNotApplicable);
  CHECK(traces[2].reason ==
        "Tiltak typeTiltak=1: not applicable (where is false); where: !episode.radiologi -> true; "
        "tiltak.type == 2 -> false");
  CHECK(traces[3].outcome == RuleTrace::Outcome::kNotApplicable);
}

TEST_CASE("select by glob, manifest and hash", "[rules][select]") {
  RuleSet rules = load_ok(test::shipped_rules());
  std::string hash = rules.hash();
  CHECK(hash.size() == 64);
  CHECK(rules.select("BV-*") == 4);
  CHECK(rules.manifest().size() == 4);
  CHECK(rules.manifest()[0].id == "BV-001");
  CHECK(rules.select("BV-00?") == 4);
  CHECK(rules.select("EPI-*") == 0);
  CHECK(glob_match("KODE-00?", "KODE-007"));
  CHECK_FALSE(glob_match("KODE-00?", "KODE-0071"));
  CHECK(glob_match("*", ""));
  // Character classes, as --rule 'KODE-00[1-3]' or 'BV-00[!4]'.
  RuleSet by_class = load_ok(test::shipped_rules());
  CHECK(by_class.select("BV-00[12]") == 2);
  CHECK(by_class.manifest()[1].id == "BV-002");
  CHECK(glob_match("KODE-00[1-3]", "KODE-002"));
  CHECK_FALSE(glob_match("KODE-00[1-3]", "KODE-004"));
  CHECK(glob_match("BV-00[!4]", "BV-001"));
  CHECK_FALSE(glob_match("BV-00[^4]", "BV-004"));
  CHECK(glob_match("*-00[]x]", "A-00]"));  // ']' first in a class is literal
  CHECK(glob_match("KODE-[0-9]*", "KODE-007"));
  CHECK(glob_match("A[B", "A[B"));  // an unclosed '[' is an ordinary character
  CHECK_FALSE(glob_match("[A-C]*", "D-1"));

  // The hash covers rule files and rule data: a changed data file changes it.
  fs::path tmp = fs::temp_directory_path() / ("nprcheck-rules-hash-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::copy(test::shipped_rules(), tmp, fs::copy_options::recursive);
  CHECK(load_ok(tmp.string()).hash() == hash);
  {
    std::ofstream f(tmp / "data" / "stjernekoder.set", std::ios::app);
    f << "ICD10:N39*\n";
  }
  CHECK(load_ok(tmp.string()).hash() != hash);
  fs::remove_all(tmp);
}

TEST_CASE("compact test episodes: helseperson_rolle and helseperson_spesialist", "[rules][test]") {
  Episode none = test::episode("inn: 2026-03-02T08:15:00\ntilstander: [[K703]]\n");
  CHECK_FALSE(none.helseperson);
  CHECK(none.helseperson_rolle == 0);
  Episode e = test::episode(
      "inn: 2026-03-02T08:15:00\nhelseperson_rolle: 2\nhelseperson_spesialist: 1\n"
      "tilstander: [[K703]]\n");
  CHECK(e.helseperson);
  CHECK(e.helseperson_rolle == 2);
  CHECK(e.helseperson_spesialist == 1);
}
