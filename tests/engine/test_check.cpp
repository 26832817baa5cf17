// `nprcheck check` end to end: the example extract gives exactly the planted findings, the
// output is stable, exit codes, filters, bad input, safe outputs.
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "run_util.hpp"

namespace fs = std::filesystem;
using nprcheck::test::fresh_dir;
using nprcheck::test::lines_of;
using nprcheck::test::run_nprcheck;
using nprcheck::test::slurp;

namespace {

const std::string kTestdata = NPRCHECK_TESTDATA;
const std::string kExample = kTestdata + "/example";
const std::string kUnits = kExample + "/units.csv";

/// One finding reduced to what the expected file lists: file name, episode, rule, codes.
std::string key_of(const nlohmann::json& f) {
  std::string codes;
  for (const auto& c : f.at("codes")) {
    if (!codes.empty()) codes += ',';
    codes += c.at("value").get<std::string>();
  }
  return fs::path(f.at("file").get<std::string>()).filename().string() + "\t" +
         f.at("episode").get<std::string>() + "\t" + f.at("rule").get<std::string>() + "\t" + codes;
}

std::multiset<std::string> findings_of(const fs::path& out) {
  std::multiset<std::string> keys;
  for (const auto& line : lines_of(out / "findings.ndjson")) {
    keys.insert(key_of(nlohmann::json::parse(line)));
  }
  return keys;
}

std::multiset<std::string> expected_findings() {
  std::multiset<std::string> keys;
  for (const auto& line : lines_of(kExample + "/expected-findings.tsv")) {
    if (line.empty() || line[0] == '#' || line.rfind("file\t", 0) == 0) continue;
    // Normalise the file column to a bare file name.
    auto tab = line.find('\t');
    keys.insert(fs::path(line.substr(0, tab)).filename().string() + line.substr(tab));
  }
  return keys;
}

std::string check_args(const fs::path& out, const std::string& extra = "") {
  return "check " + kExample + " --units " + kUnits +
         " --format html,csv,sarif,junit --no-progress --out " + out.string() + " " + extra;
}

}  // namespace

TEST_CASE("the example extract gives exactly the planted findings") {
  auto out = fresh_dir("example");
  auto r = run_nprcheck(check_args(out));
  INFO(r.err);
  CHECK(r.exit_code == 1);  // the example has planted errors
  auto got = findings_of(out);
  auto want = expected_findings();
  REQUIRE(!want.empty());
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                      std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  for (const auto& m : missing) UNSCOPED_INFO("missing: " << m);
  for (const auto& e : extra) UNSCOPED_INFO("unexpected: " << e);
  CHECK(missing.empty());
  CHECK(extra.empty());
  // Every rule of the shipped set fires somewhere in the example (HT-001, in force from
  // 2021-09-01, in the 2026 file only).
  std::set<std::string> rules;
  for (const auto& k : got) {
    auto a = k.find('\t'), b = k.find('\t', a + 1), c = k.find('\t', b + 1);
    rules.insert(k.substr(b + 1, c - b - 1));
  }
  CHECK(rules.size() == 26);
  CHECK(rules.count("HT-001") == 1);
  // The 2016 ICD-10 table is missing: the run says so.
  CHECK(r.err.find("ICD10 table for 2016") != std::string::npos);
  auto run = nlohmann::json::parse(slurp(out / "run.json"));
  CHECK(run.dump().find("ICD10 2016") != std::string::npos);
  // The 2026 file (NPR-melding 58): diagnoses checked against ICD-10 2026, its procedure codes
  // unchecked, said once; each input's message version recorded.
  CHECK(r.err.find("no NCSP/NCMP/NCRP table for 2026") != std::string::npos);
  CHECK(r.err.find("no NCSP table for 2026") == std::string::npos);
  CHECK(r.err.find("no ICD10 table for 2026") == std::string::npos);
  std::map<std::string, std::string> versions;
  for (const auto& in : run["inputs"]) {
    versions[fs::path(in["path"].get<std::string>()).filename().string()] =
        in["melding_versjon"].get<std::string>();
  }
  CHECK(versions["npr-01-2015-01-01_2015-08-07.xml"] == "53.1.1");
  CHECK(versions["npr-06-2026-01-01_2026-03-31.xml"] == "58.0.1");
  // junit.xml follows --fail-on (default error) as the exit code does: warnings are output.
  const std::string junit = slurp(out / "junit.xml");
  CHECK(junit.find("<failure type=\"error\"") != std::string::npos);
  CHECK(junit.find("<failure type=\"warning\"") == std::string::npos);
  auto warn = fresh_dir("example-fail-on-warning");
  REQUIRE(run_nprcheck(check_args(warn, "--fail-on warning")).exit_code == 1);
  CHECK(slurp(warn / "junit.xml").find("<failure type=\"warning\"") != std::string::npos);
}

TEST_CASE("two runs over the same inputs give byte-identical findings.ndjson") {
  auto a = fresh_dir("stable-a");
  auto b = fresh_dir("stable-b");
  REQUIRE(run_nprcheck(check_args(a, "-j 1")).exit_code == 1);
  REQUIRE(run_nprcheck(check_args(b, "-j 2")).exit_code == 1);
  std::string fa = slurp(a / "findings.ndjson");
  CHECK(!fa.empty());
  CHECK(fa == slurp(b / "findings.ndjson"));
}

TEST_CASE("reports are owner/group only and no staging folder is left") {
  auto out = fresh_dir("perms");
  REQUIRE(run_nprcheck(check_args(out)).exit_code == 1);
  for (const auto& name : {"findings.ndjson", "findings.csv", "run.json", "summary.json"}) {
    struct stat st {};
    REQUIRE(::stat((out / name).c_str(), &st) == 0);
    INFO(name);
    CHECK((st.st_mode & 0007) == 0);
  }
  for (const auto& entry : fs::directory_iterator(out)) {
    CHECK(entry.path().filename().string().rfind(".nprcheck-", 0) != 0);
  }
}

TEST_CASE("filters: --unit keeps only that unit's findings; --rule selects rules by glob") {
  auto all = fresh_dir("filter-all");
  REQUIRE(run_nprcheck(check_args(all)).exit_code == 1);
  // Pick the unit of the first finding and filter on it.
  auto first = nlohmann::json::parse(lines_of(all / "findings.ndjson").at(0));
  std::string unit = first.at("unit");
  auto one = fresh_dir("filter-unit");
  run_nprcheck(check_args(one, "--unit " + unit));
  size_t n_unit = 0;
  for (const auto& line : lines_of(one / "findings.ndjson")) {
    CHECK(nlohmann::json::parse(line).at("unit") == unit);
    ++n_unit;
  }
  CHECK(n_unit > 0);
  CHECK(n_unit < lines_of(all / "findings.ndjson").size());

  auto bv = fresh_dir("filter-rule");
  run_nprcheck(check_args(bv, "--rule 'BV-*'"));
  size_t n_bv = 0;
  for (const auto& line : lines_of(bv / "findings.ndjson")) {
    CHECK(nlohmann::json::parse(line).at("rule").get<std::string>().rfind("BV-", 0) == 0);
    ++n_bv;
  }
  CHECK(n_bv > 0);
  // Character classes select as the shell would: KODE-001 and KODE-002 only.
  auto cls = fresh_dir("filter-class");
  run_nprcheck(check_args(cls, "--rule 'KODE-00[12]'"));
  std::set<std::string> rules;
  for (const auto& line : lines_of(cls / "findings.ndjson")) {
    rules.insert(nlohmann::json::parse(line).at("rule").get<std::string>());
  }
  CHECK(rules == std::set<std::string>{"KODE-001", "KODE-002"});
  auto r = run_nprcheck(check_args(fresh_dir("filter-none"), "--rule 'NOPE-*'"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no rule matches") != std::string::npos);
}

TEST_CASE("a broken extract gives exit 2, names file and line, and the others are still checked") {
  auto in = fresh_dir("broken-in");
  fs::copy(kExample, in / "example", fs::copy_options::recursive);
  fs::remove(in / "example" / "units.csv");
  fs::remove(in / "example" / "expected-findings.tsv");
  {
    std::ofstream bad(in / "broken.xml");
    bad << "<?xml version=\"1.0\"?>\n<Melding versjon=\"57.0.1\">\n  <Institusjon>\n";
  }
  auto out = fresh_dir("broken-out");
  auto r = run_nprcheck("check " + in.string() + " --units " + kUnits + " --no-progress --out " +
                        out.string());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("broken.xml:") != std::string::npos);
  CHECK(r.err.find("NOT FULLY CHECKED") != std::string::npos);
  CHECK(findings_of(out).size() == expected_findings().size());
}

TEST_CASE("usage errors exit 2 with a hint; --help teaches") {
  CHECK(run_nprcheck("check").exit_code == 2);
  CHECK(run_nprcheck("check x.xml").exit_code == 2);  // no --out
  CHECK(run_nprcheck("check --format pdf x.xml --out /tmp/x").exit_code == 2);
  CHECK(run_nprcheck("check --fail-on fatal x.xml --out /tmp/x").exit_code == 2);
  CHECK(run_nprcheck("check --help").exit_code == 0);
  CHECK(run_nprcheck("--help").exit_code == 0);
  auto r = run_nprcheck("frobnicate");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown command") != std::string::npos);
}

TEST_CASE("a missing input is an error but the rest is checked") {
  auto out = fresh_dir("missing-input");
  auto r = run_nprcheck(check_args(out, "/nonexistent/extract.xml"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("/nonexistent/extract.xml: error: no such file or directory") !=
        std::string::npos);
  CHECK(findings_of(out).size() == expected_findings().size());
}

TEST_CASE("an output folder that cannot be written is a clear error") {
  auto r = run_nprcheck("check " + kExample + " --no-progress --out /proc/nprcheck-cannot-write");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("cannot create output directory") != std::string::npos);
}

TEST_CASE(
    "exit codes: --fail-on warning turns warnings into exit 1; an episode filter without errors "
    "exits 0") {
  // Pick an episode that only has warnings, if the example has one.
  auto all = fresh_dir("failon-all");
  REQUIRE(run_nprcheck(check_args(all)).exit_code == 1);
  std::map<std::string, std::set<std::string>> sev_by_episode;
  for (const auto& line : lines_of(all / "findings.ndjson")) {
    auto f = nlohmann::json::parse(line);
    sev_by_episode[f.at("episode")].insert(f.at("severity"));
  }
  std::string warn_only;
  for (const auto& [ep, sevs] : sev_by_episode) {
    if (sevs == std::set<std::string>{"warning"}) {
      warn_only = ep;
      break;
    }
  }
  REQUIRE(!warn_only.empty());
  CHECK(run_nprcheck(check_args(fresh_dir("failon-e"), "--episode " + warn_only)).exit_code == 0);
  CHECK(run_nprcheck(
            check_args(fresh_dir("failon-w"), "--episode " + warn_only + " --fail-on warning"))
            .exit_code == 1);
}

TEST_CASE("with a history the second run's unit pages show trend, resolved findings, names") {
  auto state = fresh_dir("trend-state");
  const std::string history = " --history '" + (state / "history.sqlite").string() + "'";
  auto first = fresh_dir("trend-1");
  REQUIRE(run_nprcheck(check_args(first) + history).exit_code == 1);
  // The second run checks only KODE rules: every other finding of the first run is resolved.
  auto second = fresh_dir("trend-2");
  REQUIRE(run_nprcheck(check_args(second, "--rule 'KODE-*'") + history).exit_code == 1);
  std::string page = slurp(second / "html" / "unit-4200.html");
  // Another scope (a filtered run): its first run, so no trend yet.
  CHECK(page.find("Første kjøring for enheten i historikken") != std::string::npos);
  auto third = fresh_dir("trend-3");
  REQUIRE(run_nprcheck(check_args(third) + history).exit_code == 1);
  page = slurp(third / "html" / "unit-4200.html");
  CHECK(page.find("<section id=\"utvikling\"") != std::string::npos);
  CHECK(page.find("<svg class=\"trend-chart\"") != std::string::npos);
  CHECK(page.find("Rettet siden forrige kjøring: 0 funn") != std::string::npos);
  // Avdeling names from the units catalogue in the filter.
  CHECK(page.find(">Gastroenterologisk seksjon (4210)</option>") != std::string::npos);
  // Self-contained: rule pages in the folder, no link to the machine's files.
  CHECK(fs::exists(third / "html" / "rules" / "KODE-002.html"));
  CHECK(page.find("file://") == std::string::npos);
  CHECK(slurp(third / "findings.sarif").find("helpUri") == std::string::npos);
}
