// Indicators over time, end to end: twelve monthly extracts checked one run a month with a
// history; unit 4300's symptom-code share jumps in month 9 (testdata/generator/
// gen_indicator_months.py). That unit and month are the only signal, in summary.json, the HTML
// index and `nprcheck indicators`; re-checking an old month replaces it.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "run_util.hpp"

using namespace nprcheck;
using nprcheck::test::fresh_dir;
using nprcheck::test::run_nprcheck;
using nprcheck::test::slurp;

namespace {

std::string month_file(const std::filesystem::path& dir, int month) {
  char name[32];
  std::snprintf(name, sizeof name, "npr-2017-%02d.xml", month);
  return (dir / name).string();
}

std::string check_month(const std::filesystem::path& dir, int month,
                        const std::string& extra = "") {
  std::filesystem::path out = dir / ("out-" + std::to_string(month));
  auto r = run_nprcheck("check --no-progress -q -j 1 --format html --history " +
                        (dir / "history.sqlite").string() + " --out " + out.string() + " " + extra +
                        " " + month_file(dir / "in", month));
  INFO(r.err);
  // Exit 0 or 1 (findings): the extracts are complete and readable.
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  return out.string();
}

}  // namespace

TEST_CASE("indicators over time: a jump in one unit's month is the only signal",
          "[engine][indicators]") {
  const auto started = std::chrono::steady_clock::now();
  auto dir = fresh_dir("indicator-months");
  std::string gen = std::string("python3 ") + NPRCHECK_TESTDATA +
                    "/generator/gen_indicator_months.py --out " + (dir / "in").string();
  REQUIRE(std::system(gen.c_str()) == 0);

  std::string last;
  for (int month = 1; month <= 12; ++month) last = check_month(dir, month);

  auto summary = nlohmann::json::parse(slurp(std::filesystem::path(last) / "summary.json"));
  const auto& ind = summary["indicators"];
  REQUIRE(ind["periods"].size() == 12);
  INFO(ind["signals"].dump(1));
  REQUIRE(ind["signals"].size() == 1);
  CHECK(ind["signals"][0]["unit"] == "4300");
  CHECK(ind["signals"][0]["indicator"] == "IND-002");
  CHECK(ind["signals"][0]["period"] == "2017-09");
  CHECK(ind["signals"][0]["value"] == Approx(0.3));
  CHECK(ind["signals"][0]["worse"] == true);
  // Every unit has a chart per indicator, with twelve months of 200 episodes each (IND-002).
  size_t charts = 0;
  for (const auto& c : ind["charts"]) {
    if (c["indicator"] != "IND-002") continue;
    ++charts;
    CHECK(c["points"].size() == 12);
    CHECK(c["points"][0]["denominator"] == 200);
    CHECK(c["centre_from"] == "unit");
  }
  CHECK(charts == 3);

  // The index page lists the signal and highlights it.
  std::string index = slurp(std::filesystem::path(last) / "html" / "index.html");
  CHECK(index.find("data-unit=\"4300\" data-indicator=\"IND-002\" data-period=\"2017-09\"") !=
        std::string::npos);
  CHECK(index.find("<svg class=\"sparkline\"") != std::string::npos);

  // Re-checking March replaces March: still 200 episodes per unit, not 400.
  check_month(dir, 3);
  const std::string db = (dir / "history.sqlite").string();
  const std::string csv = (dir / "ind.csv").string();
  auto shown = run_nprcheck("indicators --db " + db + " --unit 4300 --periods 12 --csv " + csv);
  INFO(shown.err);
  REQUIRE(shown.exit_code == 0);
  CHECK(shown.out.find("30.0 %!") != std::string::npos);  // 2017-09 marked as a signal
  std::string text = slurp(csv);
  CHECK(text.rfind("\xEF\xBB\xBF", 0) == 0);
  CHECK(text.find("4300;Kirurgisk avdeling;IND-002;") != std::string::npos);
  CHECK(text.find(";2017-03;10;200;0,050000;") != std::string::npos);
  CHECK(text.find(";2017-09;60;200;0,300000;") != std::string::npos);
  CHECK(text.find(";2017-03;20;400;") == std::string::npos);
  size_t signal_rows = 0;
  for (size_t p = text.find(";ja\r\n"); p != std::string::npos; p = text.find(";ja\r\n", p + 1)) {
    ++signal_rows;
  }
  CHECK(signal_rows == 1);

  // A run with an ad-hoc filter stores nothing: the month keeps its full counts.
  check_month(dir, 3, "--unit 4300");
  auto again = run_nprcheck("indicators --db " + db + " --unit 4300 --periods 12 --csv " + csv);
  REQUIRE(again.exit_code == 0);
  CHECK(slurp(csv) == text);

  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  CHECK(seconds.count() < 60.0);  // a few seconds on an idle machine
  std::filesystem::remove_all(dir);
}

TEST_CASE("indicators: --no-indicators and a broken indicator folder", "[engine][indicators]") {
  auto dir = fresh_dir("indicator-off");
  std::string gen = std::string("python3 ") + NPRCHECK_TESTDATA +
                    "/generator/gen_indicator_months.py --out " + (dir / "in").string();
  REQUIRE(std::system(gen.c_str()) == 0);
  auto off = run_nprcheck("check --no-progress -q --no-indicators --out " + (dir / "o1").string() +
                          " " + month_file(dir / "in", 1));
  REQUIRE(off.exit_code <= 1);
  auto summary = nlohmann::json::parse(slurp(dir / "o1" / "summary.json"));
  CHECK_FALSE(summary.contains("indicators"));

  std::filesystem::create_directories(dir / "ind");
  std::ofstream(dir / "ind" / "IND-X.yaml") << "id: IND-X\ntitle: x\nsource: x\nkind: share\n"
                                               "direction: higher_is_worse\npopulation: \"true\"\n"
                                               "numerator: \"episode.feill > 0\"\n";
  auto bad = run_nprcheck("check --no-progress -q --indicators " + (dir / "ind").string() +
                          " --out " + (dir / "o2").string() + " " + month_file(dir / "in", 1));
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("IND-X.yaml:7:21: error: unknown field 'episode.feill'; did you mean "
                     "'episode.feil'?") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "o2" / "summary.json"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("nprcheck indicators: bad input is a clear error; a failing test exits 1",
          "[engine][indicators]") {
  auto dir = fresh_dir("indicator-cli");
  auto missing = run_nprcheck("indicators --db " + (dir / "none.sqlite").string());
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("no history database at " + (dir / "none.sqlite").string()) !=
        std::string::npos);
  auto periods = run_nprcheck("indicators --db x.sqlite --periods 0");
  CHECK(periods.exit_code == 2);
  CHECK(periods.err.find("--periods must be 1 or more") != std::string::npos);

  // A copy of the shipped indicators with IND-006 changed: its tests fail, the others pass.
  std::filesystem::copy(std::string(NPRCHECK_SOURCE_DIR) + "/indicators", dir / "ind",
                        std::filesystem::copy_options::recursive);
  std::string text = slurp(dir / "ind" / "IND-006.yaml");
  auto pos = text.find("'Z')");
  REQUIRE(pos != std::string::npos);
  text.replace(pos, 4, "'K')");
  std::ofstream(dir / "ind" / "IND-006.yaml", std::ios::trunc) << text;
  auto tested = run_nprcheck("indicators test " + (dir / "ind").string() + " --tables " +
                             NPRCHECK_TESTDATA + "/tables");
  CHECK(tested.exit_code == 1);
  CHECK(tested.out.find("FAIL IND-006: Z038 observasjon som hovedtilstand") != std::string::npos);
  CHECK(tested.out.find("expected numerator, got denominator") != std::string::npos);
  CHECK(tested.out.find("FAIL IND-00") == tested.out.find("FAIL IND-006"));
  std::filesystem::remove_all(dir);
}
