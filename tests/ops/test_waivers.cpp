// Waivers: loading (and every load error), matching, the three ways a waiver expires, waivers
// that match nothing, the report.
#include <catch2/catch.hpp>

#include "nprcheck/waivers.hpp"
#include "ops_test_util.hpp"

using namespace nprcheck;
using nprcheck::test::make_finding;

namespace {

std::string waivers_file(const std::string& rel) { return test::testdata("waivers/" + rel); }

DateTime day(const char* text) { return *parse_date_time(text); }

Waiver waiver(const std::string& rule, const std::string& episode, const char* until) {
  Waiver w;
  w.rule = rule;
  w.episode = episode;
  w.reason = "Bekreftet med behandlende lege";
  w.who = "kari.nordmann";
  w.until = day(until);
  w.file = "waivers.yaml";
  w.line = 1;
  return w;
}

Diagnostic only_error(const std::string& path) {
  Diagnostics d;
  auto w = load_waivers(path, d);
  CHECK_FALSE(w);
  std::vector<Diagnostic> errors;
  for (const auto& x : d.all()) {
    if (x.level == DiagnosticLevel::kError) errors.push_back(x);
  }
  INFO(path);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file == path);
  return errors[0];
}

}  // namespace

TEST_CASE("waivers: the example file loads", "[waivers]") {
  Diagnostics d;
  auto w = load_waivers(waivers_file("waivers.yaml"), d);
  REQUIRE(w);
  CHECK_FALSE(d.has_errors());
  REQUIRE(w->size() == 3);
  const Waiver& a = (*w)[0];
  CHECK(a.rule == "KODE-001");
  CHECK(a.episode == "E-17-000042");
  CHECK(a.reason == "Koden er bekreftet med behandlende lege");
  CHECK(a.who == "kari.nordmann");
  CHECK(a.until.date_string() == "2017-06-30");
  CHECK(a.rule_version == 1);
  CHECK(a.line == 6);
  CHECK(a.file == waivers_file("waivers.yaml"));
  // The fingerprint written in the file is the one findings.ndjson gives that finding.
  CHECK(a.fingerprint == fingerprint(make_finding("KODE-001", 1, Severity::kError, "E-17-000042",
                                                  "4200", {"K703"})));
  CHECK((*w)[1].reason ==
        "Bildeveiledning dokumentert i notat, ikke kodet: avklart med seksjonsleder");
  CHECK((*w)[1].fingerprint.empty());
  CHECK((*w)[1].rule_version == 2);
  CHECK_FALSE((*w)[2].rule_version);
}

TEST_CASE("waivers: load errors name file, line and column", "[waivers]") {
  SECTION("no until") {
    Diagnostic e = only_error(waivers_file("broken/missing-until.yaml"));
    CHECK(e.line == 1);
    CHECK(e.column == 3);
    CHECK_THAT(e.message, Catch::Contains("no 'until' date"));
  }
  SECTION("until not a date") {
    Diagnostic e = only_error(waivers_file("broken/bad-until.yaml"));
    CHECK(e.line == 5);
    CHECK(e.column == 10);
    CHECK_THAT(e.message, Catch::Contains("'until' must be a date YYYY-MM-DD"));
  }
  SECTION("misspelt key") {
    Diagnostic e = only_error(waivers_file("broken/unknown-key.yaml"));
    CHECK(e.line == 3);
    CHECK(e.column == 3);
    CHECK_THAT(e.message, Catch::Contains("unknown key 'reson'"));
    CHECK_THAT(e.message, Catch::Contains("did you mean 'reason'?"));
  }
  SECTION("short fingerprint") {
    Diagnostic e = only_error(waivers_file("broken/bad-fingerprint.yaml"));
    CHECK(e.line == 6);
    CHECK(e.column == 16);
    CHECK_THAT(e.message, Catch::Contains("64 lower-case hex digits"));
  }
  SECTION("rule_version not a number") {
    Diagnostic e = only_error(waivers_file("broken/bad-rule-version.yaml"));
    CHECK(e.line == 6);
    CHECK_THAT(e.message, Catch::Contains("'rule_version' must be a whole number"));
  }
  SECTION("a map, not a list") {
    Diagnostic e = only_error(waivers_file("broken/not-a-list.yaml"));
    CHECK(e.line == 1);
    CHECK_THAT(e.message, Catch::Contains("must be a list of waivers"));
  }
  SECTION("YAML syntax") {
    Diagnostic e = only_error(waivers_file("broken/syntax.yaml"));
    CHECK_THAT(e.message, Catch::Contains("YAML"));
  }
  SECTION("empty reason") {
    Diagnostic e = only_error(waivers_file("broken/empty-reason.yaml"));
    CHECK(e.line == 3);
    CHECK_THAT(e.message, Catch::Contains("'reason' is empty"));
  }
  SECTION("missing file") {
    Diagnostics d;
    CHECK_FALSE(load_waivers(waivers_file("no-such.yaml"), d));
    CHECK(d.has_errors());
  }
}

TEST_CASE("waivers: an empty file has no waivers", "[waivers]") {
  test::TempDir dir;
  test::write_file(dir.path() / "w.yaml", "# nothing accepted yet\n");
  test::write_file(dir.path() / "w2.yaml", "waivers: []\n");
  Diagnostics d;
  auto a = load_waivers(dir.file("w.yaml"), d);
  auto b = load_waivers(dir.file("w2.yaml"), d);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->empty());
  CHECK(b->empty());
}

TEST_CASE("waivers: a valid waiver waives its findings and nothing else", "[waivers]") {
  std::vector<Finding> findings = {
      make_finding("KODE-001", 1, Severity::kError, "E-17-000042", "4200", {"K703"}),
      make_finding("KODE-001", 1, Severity::kError, "E-17-000043", "4200", {"K703"}),
      make_finding("BV-001", 1, Severity::kWarning, "E-17-000042", "4200", {"JJB00"}),
  };
  Waiver w = waiver("KODE-001", "E-17-000042", "2017-06-30");
  w.fingerprint = fingerprint(findings[0]);
  w.rule_version = 1;
  std::vector<Waiver> waivers = {w};
  WaiverReport r = apply_waivers(findings, waivers, day("2017-06-29"));  // the last valid day
  CHECK(findings[0].waived);
  CHECK(findings[0].waiver_reason ==
        "Bekreftet med behandlende lege (kari.nordmann, til 2017-06-30)");
  CHECK_FALSE(findings[1].waived);  // other episode
  CHECK_FALSE(findings[2].waived);  // other rule
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].state == WaiverState::kApplied);
  CHECK(r.outcomes[0].findings_waived == 1);
  CHECK(r.findings_waived == 1);
}

TEST_CASE("waivers: a waiver expires on its until date", "[waivers]") {
  std::vector<Finding> findings = {
      make_finding("KODE-001", 1, Severity::kError, "E-17-000042", "4200", {"K703"})};
  std::vector<Waiver> waivers = {waiver("KODE-001", "E-17-000042", "2017-06-30")};
  WaiverReport r = apply_waivers(findings, waivers, day("2017-06-30"));
  CHECK_FALSE(findings[0].waived);
  CHECK(findings[0].waiver_reason.empty());
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].state == WaiverState::kExpiredDate);
  CHECK(r.count(WaiverState::kExpiredDate) == 1);
  CHECK_THAT(r.outcomes[0].detail, Catch::Contains("2017-06-30"));
}

TEST_CASE("waivers: a waiver expires when the rule's version changes", "[waivers]") {
  std::vector<Finding> findings = {
      make_finding("KODE-001", 2, Severity::kError, "E-17-000042", "4200", {"K703"})};
  Waiver w = waiver("KODE-001", "E-17-000042", "2017-06-30");
  w.rule_version = 1;
  std::vector<Waiver> waivers = {w};
  WaiverReport r = apply_waivers(findings, waivers, day("2017-04-01"));
  CHECK_FALSE(findings[0].waived);
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].state == WaiverState::kExpiredRuleVersion);
  CHECK_THAT(r.outcomes[0].detail, Catch::Contains("version 1"));
}

TEST_CASE("waivers: a waiver expires when the episode's codes change", "[waivers]") {
  Finding then = make_finding("KODE-001", 1, Severity::kError, "E-17-000042", "4200", {"K703"});
  std::vector<Finding> findings = {
      make_finding("KODE-001", 1, Severity::kError, "E-17-000042", "4200", {"A000"})};
  Waiver w = waiver("KODE-001", "E-17-000042", "2017-06-30");
  w.fingerprint = fingerprint(then);
  std::vector<Waiver> waivers = {w};
  WaiverReport r = apply_waivers(findings, waivers, day("2017-04-01"));
  CHECK_FALSE(findings[0].waived);
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].state == WaiverState::kExpiredFingerprint);
  CHECK_THAT(r.outcomes[0].detail, Catch::Contains("codes changed"));
}

TEST_CASE("waivers: waivers that match nothing are reported", "[waivers]") {
  std::vector<Finding> findings = {
      make_finding("KODE-001", 1, Severity::kError, "E-17-000042", "4200", {"K703"})};
  std::vector<Waiver> waivers = {
      waiver("KODE-001", "E-17-000042", "2017-06-30"),
      waiver("KODE-001", "E-17-000099", "2017-06-30"),  // no such episode
      waiver("BV-001", "E-17-000042", "2017-06-30"),    // rule did not fire there
      waiver("KODE-001", "E-17-000042", "2017-06-30"),  // the first one already covers it
  };
  waivers[1].line = 8;
  WaiverReport r = apply_waivers(findings, waivers, day("2017-04-01"));
  CHECK(findings[0].waived);
  REQUIRE(r.outcomes.size() == 4);
  CHECK(r.outcomes[0].state == WaiverState::kApplied);
  CHECK(r.outcomes[1].state == WaiverState::kUnmatched);
  CHECK(r.outcomes[2].state == WaiverState::kUnmatched);
  CHECK(r.outcomes[3].state == WaiverState::kUnmatched);
  CHECK_THAT(r.outcomes[3].detail, Catch::Contains("earlier entry"));
  CHECK(r.count(WaiverState::kUnmatched) == 3);

  // Reported as warnings at the waiver's line, without the episode id.
  Diagnostics d;
  report_waiver_outcomes(r, d);
  auto all = d.all();
  REQUIRE(all.size() == 3);
  CHECK_FALSE(d.has_errors());
  CHECK(all[0].file == "waivers.yaml");
  CHECK(all[0].line == 8);
  CHECK_THAT(all[0].message, Catch::Contains("waiver for rule KODE-001 matches nothing"));
  for (const auto& x : all) CHECK(x.message.find("E-17-") == std::string::npos);

  // waivers.json lists every waiver with its state.
  const std::string json = waiver_report_json(r);
  CHECK_THAT(json, Catch::Contains("\"state\": \"applied\""));
  CHECK_THAT(json, Catch::Contains("\"state\": \"unmatched\""));
  CHECK_THAT(json, Catch::Contains("\"episode\": \"E-17-000099\""));
}

TEST_CASE("waivers: an expired waiver and its replacement", "[waivers]") {
  // The codes changed, the kodekontroller wrote a new waiver for the new codes: the old one is
  // reported as expired, the new one applies.
  Finding before = make_finding("KODE-001", 1, Severity::kError, "E-17-000042", "4200", {"K703"});
  std::vector<Finding> findings = {
      make_finding("KODE-001", 1, Severity::kError, "E-17-000042", "4200", {"A000"})};
  Waiver old_w = waiver("KODE-001", "E-17-000042", "2017-06-30");
  old_w.fingerprint = fingerprint(before);
  Waiver new_w = waiver("KODE-001", "E-17-000042", "2017-09-30");
  new_w.fingerprint = fingerprint(findings[0]);
  std::vector<Waiver> waivers = {old_w, new_w};
  WaiverMatcher m(waivers, day("2017-04-01"));
  CHECK(m.apply(findings[0]));
  WaiverReport r = m.report();
  CHECK(r.outcomes[0].state == WaiverState::kExpiredFingerprint);
  CHECK(r.outcomes[1].state == WaiverState::kApplied);
  CHECK_THAT(findings[0].waiver_reason, Catch::Contains("til 2017-09-30"));
  CHECK(std::string(waiver_state_name(WaiverState::kExpiredRuleVersion)) == "expired-rule-version");
}

TEST_CASE("waivers: a file saved as Windows-1252 is refused with its position", "[waivers]") {
  test::TempDir dir;
  test::write_file(dir.path() / "w.yaml",
                   "- rule: KODE-001\n  episode: E-17-000042\n  reason: Bekreftet av "
                   "overlege p\xE5 telefon\n  who: kari\n  until: 2017-06-30\n");
  Diagnostics d;
  auto w = load_waivers(dir.file("w.yaml"), d);
  REQUIRE_FALSE(w);
  REQUIRE(d.error_count() == 1);
  CHECK(d.all()[0].line == 3);
  CHECK(d.all()[0].column == 34);
  CHECK_THAT(d.all()[0].message, Catch::Contains("save it as UTF-8"));
}
