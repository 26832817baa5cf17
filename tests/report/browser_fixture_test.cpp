// Not a test by itself: writes the reports the headless-browser test opens (hidden tag, run by
// tests/browser/run_browser_test.sh as `test_report "[.browser-fixture]"` with
// NPRCHECK_BROWSER_OUT set). Three report sets:
//   demo/   three units, with run history (new/persisting, one waived, the trend and resolved
//           findings, avdeling names): the screenshots
//   evil/   markup and formula payloads in names, messages, codes; a unit id `../../etc`
//   large/  one unit with 50,000 findings
//   indicators/  the demo set with indicator charts (twelve months, one signal)
#include <catch2/catch.hpp>
#include <cstdlib>

#include "nprcheck/indicator_chart.hpp"
#include "nprcheck/report.hpp"
#include "report_fixture.hpp"

using namespace nprcheck;
namespace fs = std::filesystem;

TEST_CASE("write the reports for the browser test", "[.browser-fixture]") {
  const char* out = std::getenv("NPRCHECK_BROWSER_OUT");
  REQUIRE(out != nullptr);
  const fs::path root(out);
  for (const char* set : {"demo", "evil", "large", "indicators"}) {
    fs::create_directories(root / set);
  }

  report_test::FixtureOptions demo;
  demo.novelty = true;
  demo.episodes_per_unit = 120;
  auto d = report_test::make_fixture(demo);
  PreviousRun previous;
  previous.started = "2017-11-30T02:00:00";
  previous.total = {d.manifest.episodes, d.findings.size() + 25, 0};
  for (const auto& [unit, uc] : d.manifest.per_unit) {
    previous.per_unit[unit] = {uc.episodes, 40, unit == "4202" ? 10u : 35u};
    previous.total.episodes_with_error += previous.per_unit[unit].episodes_with_error;
  }
  // Earlier runs of each unit (the trend) and findings resolved since the previous run.
  ReportTrend trend;
  const char* nights[] = {"2017-11-22", "2017-11-23", "2017-11-24", "2017-11-27",
                          "2017-11-28", "2017-11-29", "2017-11-30"};
  int n = 0;
  for (const auto& [unit, uc] : d.manifest.per_unit) {
    for (int i = 0; i < 7; ++i) {
      const uint64_t errors = 46 - 3 * static_cast<uint64_t>(i) + 2 * static_cast<uint64_t>(n);
      trend.per_unit[unit].push_back(
          {std::string(nights[i]) + "T02:00:00", uc.episodes, errors, errors * 2 + 5});
    }
    ++n;
  }
  trend.resolved.push_back({"KODE-002", "error", "E17-4201-0990", "4201", "420101", "2017-03-02",
                            "TBA10", "Koden TBA10 er ikke gyldig i NCSP på 2017-03-02."});
  trend.resolved.push_back({"BV-001", "error", "E17-4201-0991", "4201", "420102", "2017-04-11",
                            "JJX00", "Bildeveiledet prosedyre uten ZXM-kode eller NCRP-kode."});
  previous.total.resolved = trend.resolved.size();  // the index card counts what the page lists
  previous.per_unit["4201"].resolved = trend.resolved.size();
  ReportOptions opts;
  opts.previous = &previous;
  opts.trend = &trend;
  // Names as in a units catalogue (testdata/units.csv style).
  opts.avdeling_name = [](const std::string& a) -> std::string {
    if (a == "420101") return "Ortopedisk seksjon";
    if (a == "420102") return "Gastrokirurgisk seksjon";
    if (a == "420201") return "Lungeseksjon";
    if (a == "420202") return "Hjerteseksjon";
    return "";
  };
  REQUIRE(write_reports((root / "demo").string(), d.manifest, vector_source(d.findings),
                        {"html", "sarif"}, opts));

  report_test::FixtureOptions evil;
  evil.evil = true;
  auto e = report_test::make_fixture(evil);
  REQUIRE(write_reports((root / "evil").string(), e.manifest, vector_source(e.findings), {"html"}));

  report_test::FixtureOptions large;
  large.episodes_per_unit = 2;
  large.large_unit_findings = 50000;
  auto l = report_test::make_fixture(large);
  REQUIRE(
      write_reports((root / "large").string(), l.manifest, vector_source(l.findings), {"html"}));

  // Indicators (issue 15): twelve months for every demo unit, unit 4202's IND-002 jumps in
  // 2017-09; the index gets the indicator tables, each unit page its control charts.
  std::vector<IndicatorRow> rows;
  for (const auto& [unit, uc] : d.manifest.per_unit) {
    for (int m = 1; m <= 12; ++m) {
      uint64_t symptom = unit == "4202" && m == 9 ? 60 : 10;
      rows.push_back({unit, uc.unit_name, 201700 + m, "IND-002", symptom, 200});
      rows.push_back({unit, uc.unit_name, 201700 + m, "IND-004", 300, 100});
    }
  }
  IndicatorReport charts = build_indicator_report(
      {{"IND-002", "Andel episoder med symptomdiagnose som hovedtilstand", false, true},
       {"IND-004", "Gjennomsnittlig antall bitilstander per døgnopphold", true, false}},
      rows);
  ReportOptions ind_opts;
  ind_opts.indicators = &charts;
  REQUIRE(write_reports((root / "indicators").string(), d.manifest, vector_source(d.findings),
                        {"html"}, ind_opts));
}
