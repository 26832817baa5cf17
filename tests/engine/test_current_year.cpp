// A current-year extract (NPR-melding 58, episodes 2017 and 2024-2026): diagnoses checked
// against their own year's table, procedure codes of 2024-2026 unchecked (said once), the JSON
// download and the yearly lists give identical findings, versions recorded in run.json.
#include <catch2/catch.hpp>
#include <filesystem>
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
const std::string kExtract = kTestdata + "/xml/version-58_0_1.xml";

std::string check(const fs::path& out, const std::string& tables) {
  return "check " + kExtract + " --tables " + tables + " --no-progress --format csv --out " +
         out.string();
}

/// episode \t rule \t codes of every finding.
std::multiset<std::string> keys(const fs::path& out) {
  std::multiset<std::string> k;
  for (const auto& line : lines_of(out / "findings.ndjson")) {
    auto f = nlohmann::json::parse(line);
    std::string codes;
    for (const auto& c : f.at("codes")) codes += c.at("value").get<std::string>() + ",";
    k.insert(f.at("episode").get<std::string>() + "\t" + f.at("rule").get<std::string>() + "\t" +
             codes);
  }
  return k;
}

}  // namespace

TEST_CASE("JSON download and yearly CSV lists give identical findings on the same extract") {
  auto json_out = fresh_dir("current-json");
  auto csv_out = fresh_dir("current-csv");
  auto gz_out = fresh_dir("current-gz");
  auto a = run_nprcheck(check(json_out, kTestdata + "/tables-json"));
  auto b = run_nprcheck(check(csv_out, kTestdata + "/tables-json-yearly"));
  auto c = run_nprcheck(check(gz_out, kTestdata + "/tables-json-gz"));
  INFO(a.err << b.err);
  CHECK(a.exit_code == 1);
  CHECK(b.exit_code == 1);
  CHECK(c.exit_code == 1);
  const std::string findings = slurp(json_out / "findings.ndjson");
  CHECK(findings.find("KODE-") != std::string::npos);
  CHECK(findings == slurp(csv_out / "findings.ndjson"));
  CHECK(findings == slurp(gz_out / "findings.ndjson"));
  auto k = keys(json_out);
  for (const char* want : {"E-17-000101\tKODE-003\tJ18,", "E-24-000102\tKODE-002\tK6380,",
                           "E-26-000104\tKODE-002\tD371,", "E-26-000104\tKODE-003\tA00,",
                           "E-26-000104\tKODE-001\tXYZ99,", "E-25-000103\tKODE-004\tC61,"}) {
    INFO(want);
    CHECK(k.count(want) == 1);
  }
  // A00 is a category in the JSON download: never "unknown code".
  CHECK(k.count("E-26-000104\tKODE-001\tA00,") == 0);
}

TEST_CASE("bundled tables: 2024-2026 diagnoses checked, procedure codes unchecked once, loudly") {
  auto out = fresh_dir("current-bundled");
  auto r = run_nprcheck(check(out, kTestdata + "/tables"));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  auto k = keys(out);
  CHECK(k.count("E-26-000104\tKODE-001\tXYZ99,") == 1);
  CHECK(k.count("E-24-000102\tKODE-002\tK6380,") == 1);
  // No finding on the 2026 procedure codes (JJX00, ZXM00, S and P codes).
  for (const auto& key : k) {
    INFO(key);
    CHECK(key.find("JJX00") == std::string::npos);
    CHECK(key.find("SXX01") == std::string::npos);
    CHECK(key.find("C01A") == std::string::npos);
  }
  // One line per unchecked system and year, the S and P systems named, never "unknown".
  auto count = [&](const std::string& s) {
    size_t n = 0;
    for (size_t p = r.err.find(s); p != std::string::npos; p = r.err.find(s, p + 1)) ++n;
    return n;
  };
  // JJX00 and ZXM30 (kodeverk Q) are NCSP codes in the bundled 2015-2017 lists, but no
  // procedure table covers 2026: one line for the three systems; ICD-10 2026 is there.
  CHECK(count("table for 2026") == 3);  // NCSP/NCMP/NCRP, PAKKEFORLOP, SARKODE
  CHECK(count("no NCSP/NCMP/NCRP table for 2026") == 1);
  CHECK(count("no NCSP table for 2026") == 0);
  CHECK(count("ICD10 table for 2026") == 0);
  CHECK(count("SARKODE") >= 1);
  CHECK(count("PAKKEFORLOP") >= 1);
  CHECK(r.err.find("unknown") == std::string::npos);
  auto run = nlohmann::json::parse(slurp(out / "run.json"));
  CHECK(run["inputs"][0]["melding_versjon"] == "58.0.1");
  CHECK(run["inputs"][0]["melding_namespace"] == "http://www.npr.no/xmlstds/58_0_1_ord");
  // helsepersonHPR is personal data: not in any report or log.
  for (const char* f : {"findings.ndjson", "run.json", "findings.csv"}) {
    CHECK(slurp(out / f).find("9144889") == std::string::npos);
  }
  CHECK(r.err.find("9144889") == std::string::npos);
}
