// Not a test by itself: writes the reports the headless-browser test opens (hidden tag, run by
// tests/browser/run_browser_test.sh as `test_report "[.browser-fixture]"` with
// NPRCHECK_BROWSER_OUT set). Three report sets:
//   demo/   three units, with run history (new/persisting, one waived): the screenshots
//   evil/   markup and formula payloads in names, messages, codes; a unit id `../../etc`
//   large/  one unit with 50,000 findings
#include <catch2/catch.hpp>
#include <cstdlib>

#include "nprcheck/report.hpp"
#include "report_fixture.hpp"

using namespace nprcheck;
namespace fs = std::filesystem;

TEST_CASE("write the reports for the browser test", "[.browser-fixture]") {
  const char* out = std::getenv("NPRCHECK_BROWSER_OUT");
  REQUIRE(out != nullptr);
  const fs::path root(out);
  for (const char* set : {"demo", "evil", "large"}) fs::create_directories(root / set);

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
  ReportOptions opts;
  opts.previous = &previous;
  REQUIRE(write_reports((root / "demo").string(), d.manifest, vector_source(d.findings), {"html"},
                        opts));

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
}
