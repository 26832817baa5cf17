// findings.csv and the per-unit CSVs: BOM, separator, quoting, formula neutralisation.
#include <catch2/catch.hpp>
#include <set>

#include "nprcheck/report.hpp"
#include "report_fixture.hpp"

using namespace nprcheck;
namespace fs = std::filesystem;

TEST_CASE("csv_cell quotes per RFC 4180 and neutralises formulas", "[report][csv]") {
  CHECK(csv_cell("JJX00") == "JJX00");
  CHECK(csv_cell("a;b") == "\"a;b\"");
  CHECK(csv_cell("si \"hei\"") == "\"si \"\"hei\"\"\"");
  CHECK(csv_cell("linje1\nlinje2") == "\"linje1\nlinje2\"");
  CHECK(csv_cell("=1+2") == "'=1+2");
  CHECK(csv_cell("+47 555") == "'+47 555");
  CHECK(csv_cell("-3") == "'-3");
  CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_cell("\tx") == "'\tx");
  CHECK(csv_cell("=HYPERLINK(\"u\";\"v\")") == "\"'=HYPERLINK(\"\"u\"\";\"\"v\"\")\"");
  CHECK(csv_cell("a=b") == "a=b");  // only the first character matters
  CHECK(csv_cell("") == "");
}

TEST_CASE("findings.csv: BOM, Norwegian header, one row per finding, cells round-trip",
          "[report][csv]") {
  auto dir = report_test::temp_dir("csv");
  report_test::FixtureOptions o;
  o.evil = true;
  o.novelty = true;
  auto fx = report_test::make_fixture(o);
  std::string path = (dir / "findings.csv").string();
  REQUIRE(write_findings_csv(path, vector_source(fx.findings)));
  std::string text = report_test::read_file(path);
  REQUIRE(text.size() > 3);
  CHECK(text.substr(0, 3) == "\xEF\xBB\xBF");
  CHECK(text.find("\r\n") != std::string::npos);
  auto rows = report_test::parse_csv(text.substr(3));
  REQUIRE(rows.size() == fx.findings.size() + 1);
  const auto& header = rows[0];
  CHECK(header[0] == "Regel");
  CHECK(header[2] == "Alvorlighet");
  CHECK(header[3] == "isf");
  CHECK(header[4] == "Episode");
  CHECK(header[5] == "PasientNr");
  CHECK(std::find(header.begin(), header.end(), "Melding") != header.end());
  CHECK(std::find(header.begin(), header.end(), "Først sett") != header.end());
  for (const auto& r : rows) REQUIRE(r.size() == header.size());

  const size_t msg = std::find(header.begin(), header.end(), "Melding") - header.begin();
  const size_t texts = std::find(header.begin(), header.end(), "Kodetekster") - header.begin();
  const size_t status = std::find(header.begin(), header.end(), "Status") - header.begin();
  size_t formulas = 0;
  for (size_t i = 0; i < fx.findings.size(); ++i) {
    const Finding& f = fx.findings[i];
    const auto& r = rows[i + 1];
    CHECK(r[0] == f.rule_id);
    CHECK(r[2] == (f.severity == Severity::kError     ? "feil"
                   : f.severity == Severity::kWarning ? "advarsel"
                                                      : "info"));
    CHECK(r[3] == (f.isf ? "ja" : "nei"));
    CHECK(r[4] == f.episode_id);
    CHECK(r[6] == f.unit);
    CHECK(r[7] == f.unit_name);
    CHECK(r[status] == (f.novelty == Finding::Novelty::kNew ? "ny" : "vedvarende"));
    if (!f.message.empty() && f.message[0] == '=') {
      ++formulas;
      CHECK(r[msg] == "'" + f.message);  // neutralised, otherwise unchanged
    } else {
      CHECK(r[msg] == f.message);
    }
    for (const auto& c : f.codes) {
      if (!c.tekst.empty()) CHECK(r[texts].find(c.tekst) != std::string::npos);
    }
    // No cell may start with a formula character once neutralised.
    for (const auto& cell : r) {
      if (!cell.empty()) CHECK(std::string("=+-@").find(cell[0]) == std::string::npos);
    }
  }
  CHECK(formulas > 0);  // the fixture planted some
  fs::remove_all(dir);
}

TEST_CASE("per-unit CSVs hold only their unit's findings, with safe file names", "[report][csv]") {
  auto dir = report_test::temp_dir("unitcsv");
  report_test::FixtureOptions o;
  o.evil = true;
  auto fx = report_test::make_fixture(o);
  fs::path csv = dir / "out" / "csv";
  REQUIRE(write_unit_csvs(csv.string(), fx.manifest, vector_source(fx.findings)));
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(csv)) names.insert(e.path().filename().string());
  CHECK(names.size() == fx.manifest.per_unit.size());  // no work folder left behind
  CHECK(names.count("unit-4201.csv") == 1);
  CHECK(names.count("unit-" + unit_file_stem("../../etc") + ".csv") == 1);
  CHECK(fs::directory_iterator(dir / "out") != fs::directory_iterator());
  size_t total = 0;
  for (const auto& [unit, uc] : fx.manifest.per_unit) {
    auto rows = report_test::parse_csv(
        report_test::read_file(csv / ("unit-" + unit_file_stem(unit) + ".csv")).substr(3));
    REQUIRE(!rows.empty());
    for (size_t i = 1; i < rows.size(); ++i) CHECK(rows[i][6] == unit);
    size_t expected = 0;
    for (const auto& f : fx.findings) expected += f.unit == unit ? 1 : 0;
    CHECK(rows.size() - 1 == expected);
    total += rows.size() - 1;
  }
  CHECK(total == fx.findings.size());
  // Nothing escaped the output folder: only csv/ exists under out/.
  size_t entries = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 2 + names.size());
  fs::remove_all(dir);
}
