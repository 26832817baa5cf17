// junit.xml, run.json, summary.json and the write_reports() entry point.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "nprcheck/report.hpp"
#include "report_fixture.hpp"

using namespace nprcheck;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the XML checker used below rejects malformed XML", "[report][junit]") {
  using report_test::xml_problem;
  CHECK(xml_problem("<?xml version=\"1.0\"?><a><b x=\"1\"/>t &amp; t</a>") == "");
  CHECK(xml_problem("<a><b></a>") != "");
  CHECK(xml_problem("<a>1 < 2</a>") != "");
  CHECK(xml_problem("<a x=1/>") != "");
  CHECK(xml_problem("<a>&nbsp;</a>") != "");
  CHECK(xml_problem("<a/><b/>") != "");
}

TEST_CASE("junit.xml: one testsuite per unit, one testcase per rule, failures list findings",
          "[report][junit]") {
  auto dir = report_test::temp_dir("junit");
  report_test::FixtureOptions o;
  o.evil = true;
  auto fx = report_test::make_fixture(o);
  const std::string path = (dir / "junit.xml").string();
  REQUIRE(write_junit(path, fx.manifest, vector_source(fx.findings), Severity::kWarning));
  const std::string xml = report_test::read_file(path);
  CHECK(report_test::xml_problem(xml) == "");
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0) == 0);
  const size_t units = fx.manifest.per_unit.size();
  CHECK(count(xml, "<testsuite ") == units);
  CHECK(count(xml, "<testcase ") == units * 17);
  CHECK(xml.find("tests=\"" + std::to_string(units * 17) + "\"") != std::string::npos);

  // Expected failures: (unit, rule) pairs with a warning or error finding.
  std::set<std::pair<std::string, std::string>> failing;
  for (const auto& f : fx.findings) {
    if (f.severity >= Severity::kWarning) failing.insert({f.unit, f.rule_id});
  }
  CHECK(count(xml, "<failure ") == failing.size());
  CHECK(xml.find("<testsuites name=\"nprcheck\" tests=\"" + std::to_string(units * 17) +
                 "\" failures=\"" + std::to_string(failing.size()) + "\"") != std::string::npos);
  // Each failure lists its findings: every episode id appears in the file.
  for (const auto& f : fx.findings) {
    INFO(f.episode_id);
    CHECK(xml.find("episode " + f.episode_id) != std::string::npos);
    CHECK(xml.find(f.pasient_nr) == std::string::npos);  // no pasientNr in CI dashboards
  }
  CHECK(xml.find("<script>") == std::string::npos);
  CHECK(xml.find("Medisinsk &lt;script&gt;") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("junit.xml: the verdict follows --fail-on, as the exit code does", "[report][junit]") {
  auto dir = report_test::temp_dir("junit-fail-on");
  auto fx = report_test::make_fixture();
  std::set<std::pair<std::string, std::string>> errors, warnings;
  for (const auto& f : fx.findings) {
    if (f.waived) continue;
    if (f.severity == Severity::kError) errors.insert({f.unit, f.rule_id});
    if (f.severity == Severity::kWarning) warnings.insert({f.unit, f.rule_id});
  }
  REQUIRE(!errors.empty());
  REQUIRE(!warnings.empty());
  const std::string path = (dir / "junit.xml").string();
  // --fail-on error (the default): warnings do not fail a testcase, they are listed as output.
  REQUIRE(write_junit(path, fx.manifest, vector_source(fx.findings)));
  std::string xml = report_test::read_file(path);
  CHECK(report_test::xml_problem(xml) == "");
  CHECK(count(xml, "<failure ") == errors.size());
  CHECK(count(xml, "<failure type=\"warning\"") == 0);
  CHECK(count(xml, "<system-out>") >= warnings.size());
  CHECK(xml.find("\" failures=\"" + std::to_string(errors.size()) + "\"") != std::string::npos);
  // --fail-on warning: warnings fail as well.
  REQUIRE(write_junit(path, fx.manifest, vector_source(fx.findings), Severity::kWarning));
  xml = report_test::read_file(path);
  CHECK(count(xml, "<failure ") == errors.size() + warnings.size());
  CHECK(count(xml, "<failure type=\"warning\"") == warnings.size());
  // The engine passes --fail-on through ReportOptions.
  ReportOptions opts;
  opts.fail_on = Severity::kInfo;
  REQUIRE(write_reports(dir.string(), fx.manifest, vector_source(fx.findings), {"junit"}, opts));
  xml = report_test::read_file(path);
  CHECK(count(xml, "<system-out>") == 0);
  fs::remove_all(dir);
}

TEST_CASE("run.json records the manifest and reads back", "[report][summary]") {
  auto fx = report_test::make_fixture();
  fx.manifest.inputs.push_back(
      {"testdata/example/uttrekk-2017.xml", 12345, "ab12", 120, true, "58.0.1", ""});
  fx.manifest.filters = "rule=BV-*";
  std::string text = run_manifest_to_json(fx.manifest);
  json j = json::parse(text);
  CHECK(j["tool_version"] == "0.1.0");
  CHECK(j["rule_set"]["rules"].size() == 17);
  CHECK(j["rule_set"]["rules"][13]["id"] == "BV-001");
  CHECK(j["tables"]["missing"][0] == "ICD10 2016");
  CHECK(j["inputs"][0]["episodes"] == 120);
  CHECK(j["counts"]["per_unit"].size() == 3);
  auto back = run_manifest_from_json(text);
  REQUIRE(back);
  CHECK(run_manifest_to_json(*back) == text);
  CHECK_FALSE(run_manifest_from_json("[]"));
}

TEST_CASE("summary.json: key figures per unit and per rule, change since the previous run",
          "[report][summary]") {
  auto dir = report_test::temp_dir("summary");
  report_test::FixtureOptions o;
  o.novelty = true;
  auto fx = report_test::make_fixture(o);
  const std::string path = (dir / "summary.json").string();
  REQUIRE(write_summary_json(path, fx.manifest, vector_source(fx.findings)));
  json j = json::parse(report_test::read_file(path));
  CHECK(j["previous_run"].is_null());
  CHECK(j["total"]["change"].is_null());

  std::map<std::string, std::set<std::string>> with_error;
  std::map<std::string, uint64_t> findings;
  std::map<std::string, std::set<std::string>> rule_eps;
  for (const auto& f : fx.findings) {
    if (f.waived) continue;
    ++findings[f.unit];
    if (f.severity == Severity::kError) {
      with_error[f.unit].insert(f.episode_id);
      rule_eps[f.rule_id].insert(f.episode_id);
    }
  }
  // New and persisting findings, counted from the findings' novelty (waived ones excluded).
  std::map<std::string, uint64_t> fresh, persisting;
  uint64_t total_fresh = 0, total_persisting = 0;
  for (const auto& f : fx.findings) {
    if (f.waived) continue;
    if (f.novelty == Finding::Novelty::kNew) ++fresh[f.unit], ++total_fresh;
    if (f.novelty == Finding::Novelty::kPersisting) ++persisting[f.unit], ++total_persisting;
  }
  REQUIRE(total_fresh + total_persisting > 0);
  CHECK(j["total"]["new_findings"] == total_fresh);
  CHECK(j["total"]["persisting"] == total_persisting);
  CHECK(j["total"]["resolved"] == 0);  // nothing known about a previous run
  uint64_t total_with_error = 0;
  REQUIRE(j["units"].size() == 3);
  for (const auto& u : j["units"]) {
    std::string id = u["unit"];
    INFO(id);
    CHECK(u["episodes"] == fx.manifest.per_unit.at(id).episodes);
    CHECK(u["findings"] == findings[id]);
    CHECK(u["episodes_with_error"] == with_error[id].size());
    double rate = static_cast<double>(with_error[id].size()) /
                  static_cast<double>(fx.manifest.per_unit.at(id).episodes);
    CHECK(u["error_rate"].get<double>() == Approx(rate).margin(1e-6));
    CHECK(u["per_severity"]["waived"] == (id == "4201" ? 1 : 0));
    CHECK(u["new_findings"] == fresh[id]);
    CHECK(u["persisting"] == persisting[id]);
    total_with_error += with_error[id].size();
  }
  CHECK(j["total"]["episodes_with_error"] == total_with_error);
  CHECK(j["total"]["episodes"] == fx.manifest.episodes);
  REQUIRE(j["rules"].size() == 17);
  for (const auto& r : j["rules"]) {
    INFO(r["rule"]);
    CHECK(r["episodes_with_error"] == rule_eps[r["rule"].get<std::string>()].size());
  }

  // With the previous run's figures (what ops provides), the change appears.
  auto previous = previous_run_from_summary_json(report_test::read_file(path));
  REQUIRE(previous);
  CHECK(previous->per_unit.at("4201").episodes_with_error == with_error["4201"].size());
  previous->started = "2017-11-30T02:00:00";
  previous->per_unit["4201"].episodes_with_error += 5;
  previous->per_unit["4201"].findings += 7;
  previous->per_rule["BV-001"].findings = 0;
  previous->total.resolved = 4;
  previous->per_unit["4201"].resolved = 3;
  REQUIRE(write_summary_json(path, fx.manifest, vector_source(fx.findings), &*previous));
  json k = json::parse(report_test::read_file(path));
  CHECK(k["previous_run"] == "2017-11-30T02:00:00");
  CHECK(k["total"]["resolved"] == 4);
  for (const auto& u : k["units"]) {
    if (u["unit"] != "4201") {
      CHECK(u["change"]["findings"] == 0);
      continue;
    }
    CHECK(u["resolved"] == 3);
    CHECK(u["change"]["findings"] == -7);
    CHECK(u["change"]["episodes_with_error"] == -5);
    CHECK(u["change"]["error_rate"].get<double>() < 0);
  }
  for (const auto& r : k["rules"]) {
    if (r["rule"] == "BV-001") CHECK(r["change"]["findings"] == r["findings"]);
  }
  // The index shows the change column too.
  ReportOptions opts;
  opts.previous = &*previous;
  REQUIRE(write_html((dir / "html").string(), fx.manifest, vector_source(fx.findings), opts));
  std::string index = report_test::read_file(dir / "html" / "index.html");
  CHECK(index.find(">Endring</button>") != std::string::npos);
  CHECK(index.find("siden forrige kjøring") != std::string::npos);
  CHECK(index.find("Vedvarende funn") != std::string::npos);
  CHECK(index.find("Rettet</") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("write_reports writes findings.csv plus each format, and nothing else",
          "[report][formats]") {
  auto dir = report_test::temp_dir("formats");
  auto fx = report_test::make_fixture();
  auto src = vector_source(fx.findings);
  SECTION("an unknown format is a usage error and writes nothing") {
    Status s = write_reports(dir.string(), fx.manifest, src, {"html", "pdf"});
    CHECK(s.code() == StatusCode::kUsage);
    CHECK(s.message().find("pdf") != std::string::npos);
    CHECK(fs::is_empty(dir));
  }
  SECTION("no format: findings.csv only") {
    REQUIRE(write_reports(dir.string(), fx.manifest, src, {}));
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    CHECK(names == std::set<std::string>{"findings.csv"});
  }
  SECTION("all formats") {
    REQUIRE(write_reports(dir.string(), fx.manifest, src, report_formats()));
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    CHECK(names == std::set<std::string>{"findings.csv", "findings.sarif", "junit.xml", "html",
                                         "csv"});  // the work folder is gone
    CHECK(fs::exists(dir / "html" / "index.html"));
    CHECK(fs::exists(dir / "html" / "unit-4203.html"));
    CHECK(fs::exists(dir / "csv" / "unit-4202.csv"));
  }
  SECTION("a source that fails makes the writer fail with its message") {
    FindingSource broken = [](const FindingVisitor&) {
      return Status::invalid_input("findings.ndjson:3: broken");
    };
    Status s = write_reports(dir.string(), fx.manifest, broken, {"html"});
    CHECK_FALSE(s);
    CHECK(s.message() == "findings.ndjson:3: broken");
  }
  SECTION("an output folder that cannot be written is an io error") {
    Status s = write_reports((dir / "missing" / "deeper").string(), fx.manifest, src, {});
    CHECK(s.code() == StatusCode::kIoError);
  }
  fs::remove_all(dir);
}

TEST_CASE("summary.json from the manifest alone has the same unit figures, no rule episodes",
          "[report][summary]") {
  auto dir = report_test::temp_dir("summary-manifest");
  auto fx = report_test::make_fixture();
  // Fill the per-unit tally the way the engine does, from the findings.
  std::map<std::string, std::set<std::string>> with_error, with_finding;
  for (const auto& f : fx.findings) {
    auto& uc = fx.manifest.per_unit[f.unit];
    ++uc.per_severity[severity_name(f.severity)];
    ++uc.per_rule[f.rule_id];
    with_finding[f.unit].insert(f.episode_id);
    if (f.severity == Severity::kError) with_error[f.unit].insert(f.episode_id);
  }
  for (auto& [id, uc] : fx.manifest.per_unit) {
    uc.episodes_with_error = with_error[id].size();
    uc.episodes_with_finding = with_finding[id].size();
  }
  const std::string a = (dir / "a.json").string(), b = (dir / "b.json").string();
  REQUIRE(write_summary_json(a, fx.manifest, vector_source(fx.findings)));
  REQUIRE(write_summary_json(b, fx.manifest));
  json ja = json::parse(report_test::read_file(a));
  json jb = json::parse(report_test::read_file(b));
  CHECK(ja["total"] == jb["total"]);
  REQUIRE(ja["units"].size() == jb["units"].size());
  for (size_t i = 0; i < ja["units"].size(); ++i) {
    for (const char* key : {"unit", "episodes", "findings", "episodes_with_error",
                            "episodes_with_finding", "error_rate", "per_severity"}) {
      INFO(key);
      CHECK(ja["units"][i][key] == jb["units"][i][key]);
    }
  }
  for (size_t i = 0; i < jb["rules"].size(); ++i) {
    CHECK(ja["rules"][i]["findings"] == jb["rules"][i]["findings"]);
    CHECK(jb["rules"][i]["episodes_with_error"].is_null());
  }
  fs::remove_all(dir);
}
