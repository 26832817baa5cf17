// rules diff: a real rule change (a severity change, a narrowed condition, a new rule) run over
// the same episodes gives exact added/removed/changed counts.
#include <catch2/catch.hpp>

#include "nprcheck/rule_diff.hpp"
#include "test_rule_util.hpp"

using namespace nprcheck;

namespace {

RuleSet load_ok(const std::string& dir) {
  Diagnostics d;
  auto r = RuleSet::load(dir, d);
  for (const auto& x : d.all()) UNSCOPED_INFO(format_diagnostic(x));
  REQUIRE(r.has_value());
  return std::move(*r);
}

// The episodes of testdata/rules/diff/extract.xml, in the compact form.
std::vector<Episode> extract_episodes() {
  const char* forms[] = {
      "{id: E-1, inn: 2017-03-02T08:15:00, ut: 2017-03-02T11:40:00, omsorgsniva: 3, "
      "tilstander: [[J18]]}",
      "{id: E-2, inn: 2017-03-03T08:15:00, ut: 2017-03-03T11:40:00, omsorgsniva: 3, "
      "tilstander: [[S720], [J18]]}",
      "{id: E-3, inn: 2017-03-04T08:15:00, ut: 2017-03-04T11:40:00, omsorgsniva: 1, "
      "tilstander: [[K703]], tiltak: [{type: 1, prosedyrer: [[JJX00]]}]}",
      "{id: E-4, inn: 2017-03-05T08:15:00, ut: 2017-03-05T11:40:00, omsorgsniva: 1, "
      "tilstander: [[K802]], tiltak: [{type: 2, prosedyrer: [[JKA21]]}]}",
      "{id: E-5, inn: 2017-03-06T08:15:00, ut: 2017-03-06T11:40:00, omsorgsniva: 1, "
      "tilstander: [[E050]], tiltak: [{type: 1, prosedyrer: [[BAX10]]}]}",
      "{id: E-6, inn: 2017-03-07T08:15:00, ut: 2017-03-07T11:40:00, omsorgsniva: 1, "
      "tilstander: [[K703]], tiltak: [{type: 2, prosedyrer: [[JJB06K]]}]}",
  };
  std::vector<Episode> out;
  uint64_t seq = 0;
  for (const char* f : forms) out.push_back(test::episode(f, seq++));
  return out;
}

}  // namespace

TEST_CASE("rules diff: severity change, narrowed condition and a new rule", "[rules][diff]") {
  RuleSet base = load_ok(test::rules_testdata("diff/base"));
  RuleSet head = load_ok(test::rules_testdata("diff/head"));
  RuleDiffer differ(base, head, 1);
  EvalContext ctx{&test::tables(), nullptr};
  for (const auto& e : extract_episodes()) differ.add_episode(e, ctx);
  CHECK(differ.episodes() == 6);

  auto entries = differ.entries();
  REQUIRE(entries.size() == 3);
  const auto& bv = entries[0];
  CHECK(bv.rule_id == "BV-001");
  CHECK(bv.base_version == 1);
  CHECK(bv.head_version == 2);
  CHECK(bv.base_findings == 3);  // E-3 JJX00, E-4 JKA21 under typeTiltak 2, E-5 BAX10
  CHECK(bv.head_findings == 1);  // only E-4 remains
  CHECK(bv.added == 0);
  CHECK(bv.removed == 2);
  CHECK(bv.changed == 0);
  REQUIRE(bv.examples.size() == 1);  // --examples 1
  CHECK(bv.examples[0].kind == RuleDiffExample::Kind::kRemoved);
  CHECK(bv.examples[0].episode_id == "E-3");
  CHECK(bv.examples[0].codes == "JJX00");

  const auto& epi = entries[1];
  CHECK(epi.rule_id == "EPI-101");
  CHECK_FALSE(epi.in_base);
  CHECK(epi.base_findings == 0);
  CHECK(epi.head_findings == 2);
  CHECK(epi.added == 2);
  CHECK(epi.removed == 0);

  const auto& kode = entries[2];
  CHECK(kode.rule_id == "KODE-003");
  CHECK(kode.base_severity == "warning");
  CHECK(kode.head_severity == "error");
  CHECK(kode.base_findings == 3);  // J18 (E-1), S720 and J18 (E-2)
  CHECK(kode.head_findings == 3);
  CHECK(kode.added == 0);
  CHECK(kode.removed == 0);
  CHECK(kode.changed == 3);

  std::string report = differ.report();
  CHECK(report.find("6 episodes; findings added 2, removed 2, changed 3\n") == 0);
  CHECK(report.find("KODE-003            3        3        0        0        3  severity warning "
                    "-> error") != std::string::npos);
  CHECK(report.find("BV-001              3        1        0        2        0  version 1 -> 2") !=
        std::string::npos);
}

TEST_CASE("rules diff: identical rule sets differ in nothing", "[rules][diff]") {
  RuleSet base = load_ok(test::shipped_rules());
  RuleSet head = load_ok(test::shipped_rules());
  RuleDiffer differ(base, head, 3);
  EvalContext ctx{&test::tables(), nullptr};
  uint64_t findings = 0;
  for (const auto& e : extract_episodes()) {
    differ.add_episode(e, ctx);
  }
  for (const auto& x : differ.entries()) {
    findings += x.head_findings;
    CHECK(x.added == 0);
    CHECK(x.removed == 0);
    CHECK(x.changed == 0);
    CHECK(x.base_findings == x.head_findings);
  }
  CHECK(findings > 0);
}
