// Rule set v2 support: versions by date, "not in force" in explain, ISF relevance, the fields the
// v2 rules use (alder, bitilstander, bitilstandkoder, prosedyre.tilstNr), and the rule-data lint
// against the code tables.
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "nprcheck/rule_data.hpp"
#include "test_rule_util.hpp"

using namespace nprcheck;

namespace {

using test::load_ok;

std::vector<Finding> run(const RuleSet& rules, const std::string& yaml) {
  std::vector<Finding> out;
  EvalContext ctx{&test::tables(), nullptr};
  rules.evaluate(test::episode(yaml), ctx, out);
  return out;
}

std::string j18(const char* inn, const char* code = "J189") {
  return std::string("inn: ") + inn + "\ntilstander: [[" + code + "]]\n";
}

}  // namespace

TEST_CASE("versions: the version in force on the episode's date decides severity, isf, assert",
          "[rules][versions]") {
  RuleSet rules = load_ok(test::rules_testdata("versions"));
  const RuleInfo* r = rules.find("TEST-002");
  REQUIRE(r != nullptr);
  REQUIRE(r->versions.size() == 2);
  CHECK(r->versions[0].version == 2);
  CHECK(r->versions[0].valid_from.date_string() == "2016-01-01");
  CHECK(r->versions[0].message == "Versjon 1: {kode}");  // inherited
  CHECK(r->versions[1].isf);

  auto f = run(rules, j18("2015-12-31T08:00:00"));
  REQUIRE(f.size() == 1);
  CHECK(f[0].rule_version == 1);
  CHECK(f[0].severity == Severity::kInfo);
  CHECK_FALSE(f[0].isf);

  f = run(rules, j18("2016-01-01T08:00:00"));
  REQUIRE(f.size() == 1);
  CHECK(f[0].rule_version == 2);
  CHECK(f[0].severity == Severity::kWarning);
  CHECK(f[0].message == "Versjon 1: J189");

  f = run(rules, j18("2017-06-01T08:00:00", "J159"));
  REQUIRE(f.size() == 1);
  CHECK(f[0].rule_version == 3);
  CHECK(f[0].severity == Severity::kError);
  CHECK(f[0].isf);
  CHECK(f[0].message == "Versjon 3: J159");
  CHECK(run(rules, j18("2016-06-01T08:00:00", "J159")).empty());  // version 2's assert

  CHECK(run(rules, j18("2018-01-01T08:00:00")).empty());  // after valid_to
  CHECK(run(rules, j18("2014-12-31T08:00:00")).empty());  // before valid_from

  auto results = run_rule_tests(rules, test::tables());
  REQUIRE(results.size() == 4);
  for (const auto& res : results) {
    INFO(res.test_name << ": " << res.failure);
    CHECK(res.passed);
  }
}

TEST_CASE("explain: not in force on <date>, and which version is", "[rules][versions][explain]") {
  RuleSet rules = load_ok(test::rules_testdata("versions"));
  EvalContext ctx{&test::tables(), nullptr};
  auto traces = rules.explain(test::episode(j18("2018-03-02T08:00:00")), ctx);
  REQUIRE(traces.size() == 1);
  CHECK(traces[0].outcome == RuleTrace::Outcome::kNotApplicable);
  CHECK(traces[0].reason.rfind("not in force on 2018-03-02 (in force from 2015-01-01 until "
                               "2017-12-31",
                               0) == 0);
  traces = rules.explain(test::episode(j18("2016-03-02T08:00:00")), ctx);
  REQUIRE(traces.size() == 1);
  CHECK(traces[0].outcome == RuleTrace::Outcome::kFired);
  CHECK(traces[0].reason.rfind("version 2 in force on 2016-03-02\nKode J189", 0) == 0);

  RuleSet shipped = load_ok(test::shipped_rules());
  shipped.select("HT-001");
  traces = shipped.explain(test::episode(j18("2017-03-02T08:00:00", "Z031")), ctx);
  REQUIRE(traces.size() == 1);
  CHECK(traces[0].reason.rfind("not in force on 2017-03-02 (in force from 2021-09-01", 0) == 0);
}

TEST_CASE("versions: out of order, bad values and unknown keys are load errors",
          "[rules][versions][load]") {
  auto errors = test::load_errors(test::rules_testdata("broken/bad-version"));
  std::string all;
  for (const auto& e : errors) all += format_diagnostic(e) + "\n";
  INFO(all);
  CHECK(all.find(":11:14: error: 'version' 2 must be greater than the version before it (3)") !=
        std::string::npos);
  CHECK(all.find(":12:17: error: 'valid_from' 2016-01-01 must be after the previous version's "
                 "2017-01-01") != std::string::npos);
  CHECK(all.find(":13:15: error: bad severity 'fatal'") != std::string::npos);
  CHECK(all.find(":14:5: error: unknown key 'asert' in a version; did you mean 'assert'?") !=
        std::string::npos);
}

TEST_CASE("v2 fields: alder, bitilstander, bitilstandkoder, prosedyre.tilstNr", "[rules][v2]") {
  RuleSet rules = load_ok(test::shipped_rules());
  rules.select("KODE-009");
  const char* no_birth_year = "inn: 2017-03-02T08:15:00\ntilstander: [[O700]]\n";
  CHECK(run(rules, no_birth_year).empty());  // age unknown: the rule does not fire
  auto f = run(rules, "inn: 2017-03-02T08:15:00\nfodselsar: 1960\ntilstander: [[O700]]\n");
  REQUIRE(f.size() == 1);
  CHECK(f[0].message.find("pasienten er 57 år") != std::string::npos);
  CHECK_FALSE(f[0].isf);

  RuleSet ht = load_ok(test::shipped_rules());
  ht.select("HT-003");
  // The hovedtilstand is the first Tilstand WITH a code: Tilstand 1 without codes is skipped, so
  // J960 (Tilstand 2) is the hovedtilstand and J441 (Tilstand 3) a bitilstand.
  f = run(ht, R"(
inn: 2017-03-02T08:15:00
tilstander:
  - {nr: 1, koder: []}
  - {nr: 2, koder: [J960]}
  - {nr: 3, koder: [J441]}
)");
  REQUIRE(f.size() == 1);
  CHECK(f[0].isf);
  REQUIRE(f[0].codes.size() == 2);
  CHECK(f[0].codes[0].verdi == "J960");
  CHECK(f[0].codes[1].verdi == "J441");
  CHECK(f[0].message.find("Vurder J441 som hovedtilstand") != std::string::npos);

  RuleSet epi = load_ok(test::shipped_rules());
  epi.select("EPI-007");
  f = run(epi, R"(
inn: 2017-03-02T08:15:00
tilstander: [[K703]]
tiltak:
  - type: 1
    prosedyrer:
      - {nr: 1, tilstNr: 1, koder: [JFA00]}
      - {nr: 2, tilstNr: 3, koder: [JFA00]}
      - {nr: 3, koder: [JFA00]}
)");
  REQUIRE(f.size() == 1);
  CHECK(f[0].object_index == 1);
  CHECK(f[0].message.find("tilstand 3") != std::string::npos);
}

TEST_CASE("lint: every code of the rule data is in the code tables", "[rules][lint]") {
  RuleSet shipped = load_ok(test::shipped_rules());
  Diagnostics d;
  CHECK(lint_rule_data(shipped.data(), test::tables(), d) == 0);
  for (const auto& x : d.all()) UNSCOPED_INFO(format_diagnostic(x));

  CodeSet set("proeve");
  std::string why;
  REQUIRE(set.add_entry("V01-Y98", why, 2));    // holds the Norwegian V0n0a: fine
  REQUIRE(set.add_entry("J18", why, 3));        // a category: a prefix of J180
  REQUIRE(set.add_entry("XYZ99", why, 4));      // no such code
  REQUIRE(set.add_entry("NCSP:J18*", why, 5));  // ICD-10 prefix qualified as NCSP
  REQUIRE(set.add_entry("ICD10:Q99-Q99", why, 6));
  set.file = "data/proeve.set";
  RuleData data;
  data.add_set(std::move(set));
  Diagnostics d2;
  CHECK(lint_rule_data(data, test::tables(), d2) == 2);
  std::string all;
  for (const auto& x : d2.all()) all += format_diagnostic(x) + "\n";
  INFO(all);
  CHECK(all.find("data/proeve.set:4: error: set 'proeve': code 'XYZ99' is in no loaded table "
                 "(any system) and no code starts with it") != std::string::npos);
  CHECK(all.find("data/proeve.set:5: error: set 'proeve': prefix 'J18*' starts no code of the "
                 "loaded tables (NCSP)") != std::string::npos);
}

TEST_CASE("v2 rule data: ranges compare the first three characters as text", "[rules][v2]") {
  Diagnostics d;
  auto data = RuleData::load(test::shipped_rules() + "/data", d);
  REQUIRE(data);
  const CodeSet* ytre = data->find_set("ytre_arsaker");
  const CodeSet* ikke = data->find_set("ikke_definitive");
  const CodeSet* j96 = data->find_set("j96_arsaker");
  REQUIRE(ytre != nullptr);
  REQUIRE(ikke != nullptr);
  REQUIRE(j96 != nullptr);
  for (const char* c : {"V0n0a", "W0n0b", "X59", "Y98", "V01"}) {
    INFO(c);
    CHECK(ytre->contains(KodeSystem::kIcd10, c));
  }
  for (const char* c : {"V00", "Y99", "Z038", "U071", "S7200"}) {
    INFO(c);
    CHECK_FALSE(ytre->contains(KodeSystem::kIcd10, c));
  }
  CHECK(ikke->contains(KodeSystem::kIcd10, "R074"));
  CHECK(ikke->contains(KodeSystem::kIcd10, "Z038"));
  CHECK_FALSE(ikke->contains(KodeSystem::kIcd10, "I200"));
  CHECK(j96->contains(KodeSystem::kIcd10, "J159"));  // J12-J18
  CHECK(j96->contains(KodeSystem::kIcd10, "J441"));
  CHECK_FALSE(j96->contains(KodeSystem::kIcd10, "J450"));
}

TEST_CASE("rules docs shows when a rule is in force and its versions", "[rules][versions][cli]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("nprcheck-v2-docs-" + std::to_string(::getpid()));
  std::string out;
  REQUIRE(test::run_command(std::string("'") + NPRCHECK_BINARY + "' rules docs --out '" +
                                dir.string() + "' '" + test::rules_testdata("versions") + "'",
                            out) == 0);
  std::ifstream in(dir / "TEST-002.md");
  std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO(page);
  CHECK(page.find("| Gjelder | fra 2015-01-01 til 2017-12-31 (episodens sluttdato; ellers ikke i "
                  "kraft); 2 versjon(er) etter dato, se under |") != std::string::npos);
  CHECK(page.find("## Versjoner etter dato") != std::string::npos);
  CHECK(page.find("| 2 | 2016-01-01 | warning | nei | - |") != std::string::npos);
  CHECK(page.find("| 3 | 2017-01-01 | error | ja | `assert`: ") != std::string::npos);
  std::ifstream idx(dir / "index.md");
  std::string index((std::istreambuf_iterator<char>(idx)), std::istreambuf_iterator<char>());
  CHECK(index.find("| [TEST-002](TEST-002.md) | info |  | Uspesifikk pneumonikode (test av "
                   "versjoner) | fra 2015-01-01 til 2017-12-31 |") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("rules lint: a code of the rule data in no table is an error (exit 2)",
          "[rules][lint][cli]") {
  std::string out;
  const std::string cmd = std::string("'") + NPRCHECK_BINARY + "' rules lint '" +
                          test::rules_testdata("lint-data") + "' --tables '" + NPRCHECK_TESTDATA +
                          "/tables'";
  CHECK(test::run_command(cmd, out) == 2);
  INFO(out);
  CHECK(out.find("lint-data/data/proeve.set:4: error: set 'proeve': code 'J1B9' is in no loaded "
                 "table (any system) and no code starts with it: misspelt?") != std::string::npos);
  CHECK(out.find("proeve.set:3") == std::string::npos);  // J44* starts real codes
}
