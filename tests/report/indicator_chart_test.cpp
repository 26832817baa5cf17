// Indicator control charts: centre line (own or pooled), 3-sigma limits, signals, window, and
// the summary.json and HTML sections.
#include "nprcheck/indicator_chart.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "indicator_report.hpp"

using namespace nprcheck;

namespace {

std::vector<IndicatorMeta> metas() {
  return {{"IND-A", "Andel A", false, true}, {"IND-M", "Snitt M", true, false}};
}

// `months` months of `unit` with `num`/`den` for indicator `id`, starting 2017-01.
void add_months(std::vector<IndicatorRow>& rows, const std::string& unit, const std::string& id,
                int months, uint64_t num, uint64_t den) {
  for (int m = 1; m <= months; ++m)
    rows.push_back({unit, "Enhet " + unit, 201700 + m, id, num, den});
}

const IndicatorChart& chart_of(const IndicatorReport& r, const std::string& unit, size_t ind) {
  for (const auto& c : r.charts) {
    if (c.unit == unit && c.indicator == ind) return c;
  }
  FAIL("no chart");
  return r.charts.front();
}

}  // namespace

TEST_CASE("indicator chart: a jump in one month is the only signal", "[indicators][chart]") {
  std::vector<IndicatorRow> rows;
  add_months(rows, "4200", "IND-A", 12, 10, 200);
  add_months(rows, "4300", "IND-A", 12, 10, 200);
  rows[12 + 8].numerator = 60;  // 4300, 2017-09
  IndicatorReport r = build_indicator_report(metas(), rows);
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].unit == "4300");
  CHECK(r.signals[0].point.period == 201709);
  CHECK(r.signals[0].point.worse);
  const IndicatorChart& c = chart_of(r, "4300", 0);
  CHECK_FALSE(c.pooled);
  CHECK(c.centre == Approx(170.0 / 2400.0));
  // p-chart limits: centre +- 3 sqrt(p(1-p)/n).
  double sigma = std::sqrt(c.centre * (1 - c.centre) / 200.0);
  CHECK(c.points[0].ucl == Approx(c.centre + 3 * sigma));
  CHECK(c.points[0].lcl == Approx(c.centre - 3 * sigma));
  CHECK(r.periods.size() == 12);
  CHECK(period_text(r.periods.front()) == "2017-01");
}

TEST_CASE("indicator chart: few months use the centre pooled over all units",
          "[indicators][chart]") {
  std::vector<IndicatorRow> rows;
  add_months(rows, "4200", "IND-A", 12, 20, 200);                           // 10 %
  add_months(rows, "4300", "IND-A", kIndicatorMinOwnPeriods - 1, 20, 200);  // too few months
  IndicatorReport r = build_indicator_report(metas(), rows);
  CHECK(chart_of(r, "4300", 0).pooled);
  CHECK(chart_of(r, "4300", 0).centre == Approx(0.1));
  CHECK_FALSE(chart_of(r, "4200", 0).pooled);
  CHECK(r.signals.empty());
  // A unit of its own with few months far from the others is flagged against the pool.
  rows.push_back({"4400", "", 201701, "IND-A", 100, 200});
  r = build_indicator_report(metas(), rows);
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].unit == "4400");
}

TEST_CASE("indicator chart: u-chart for means and direction", "[indicators][chart]") {
  std::vector<IndicatorRow> rows;
  add_months(rows, "4200", "IND-M", 12, 300, 100);  // 3 bitilstander per stay
  rows[5].numerator = 150;                          // 2017-06 drops to 1.5
  IndicatorReport r = build_indicator_report(metas(), rows);
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].point.period == 201706);
  CHECK(r.signals[0].point.worse);  // lower is worse for higher_is_better
  const IndicatorChart& c = chart_of(r, "4200", 1);
  CHECK(c.points[0].ucl == Approx(c.centre + 3 * std::sqrt(c.centre / 100.0)));
  CHECK(c.points[0].ucl > 1.0);  // a mean is not capped at 1
}

TEST_CASE("indicator chart: the window keeps the latest months; units filter charts",
          "[indicators][chart]") {
  std::vector<IndicatorRow> rows;
  add_months(rows, "4200", "IND-A", 12, 10, 200);
  add_months(rows, "4300", "IND-A", 12, 10, 200);
  rows.push_back({"4200", "", 201701, "IND-A", 5, 100});  // added to the existing month
  rows.push_back({"4200", "", 201701, "IND-X", 5, 100});  // unknown indicator: ignored
  std::set<std::string> only = {"4300"};
  IndicatorReport r = build_indicator_report(metas(), rows, 3, &only);
  CHECK(r.periods == std::vector<int>{201710, 201711, 201712});
  REQUIRE(r.charts.size() == 1);
  CHECK(r.charts[0].unit == "4300");
  CHECK(r.charts[0].points.size() == 3);
  CHECK(r.charts[0].pooled);  // 3 months in the window
  IndicatorReport all = build_indicator_report(metas(), rows);
  CHECK(chart_of(all, "4200", 0).points[0].denominator == 300);
}

TEST_CASE("indicator chart: counts of an older version of the indicator are left out",
          "[indicators][chart]") {
  std::vector<IndicatorRow> rows;
  add_months(rows, "4200", "IND-A", 12, 10, 200);  // version 1
  for (int m = 1; m <= 3; ++m) rows.push_back({"4200", "", 201800 + m, "IND-A", 50, 200, 2});
  auto v2 = metas();
  v2[0].version = 2;
  IndicatorReport r = build_indicator_report(v2, rows);
  REQUIRE(r.charts.size() == 1);
  CHECK(r.charts[0].points.size() == 3);  // only the 2018 months counted with version 2
  CHECK(r.charts[0].centre == Approx(0.25));
  CHECK(r.periods.size() == 3);
  CHECK(build_indicator_report(metas(), rows).charts[0].points.size() == 12);
}

TEST_CASE("indicator chart: periods and values as text", "[indicators][chart]") {
  CHECK(period_text(201703) == "2017-03");
  CHECK(parse_period("2017-03") == 201703);
  CHECK(parse_period("2017-13") == 0);
  CHECK(parse_period("17-03") == 0);
  CHECK(indicator_value_text(0.125, false) == "12.5 %");
  CHECK(indicator_value_text(1.25, true) == "1.25");
}

TEST_CASE("indicator chart: summary.json and HTML sections", "[indicators][chart]") {
  std::vector<IndicatorRow> rows;
  add_months(rows, "4300", "IND-A", 12, 10, 200);
  rows[8].numerator = 60;
  for (auto& row : rows) row.unit_name = "<b>Kirurgi</b>";
  IndicatorReport r = build_indicator_report(metas(), rows);
  auto j = report::indicators_json(r);
  REQUIRE(j["signals"].size() == 1);
  CHECK(j["signals"][0]["unit"] == "4300");
  CHECK(j["signals"][0]["indicator"] == "IND-A");
  CHECK(j["signals"][0]["period"] == "2017-09");
  CHECK(j["charts"][0]["centre_from"] == "unit");
  CHECK(j["charts"][0]["points"].size() == 12);
  std::string index = report::indicator_index_html(r);
  CHECK(index.find("<svg class=\"sparkline\"") != std::string::npos);
  CHECK(index.find("data-period=\"2017-09\"") != std::string::npos);
  CHECK(index.find("class=\"has-signal\"") != std::string::npos);
  CHECK(index.find("<b>Kirurgi") == std::string::npos);  // escaped
  CHECK(index.find("&lt;b&gt;Kirurgi") != std::string::npos);
  std::string unit = report::indicator_unit_html(r, "4300");
  CHECK(unit.find("<svg class=\"control-chart\"") != std::string::npos);
  CHECK(unit.find("class=\"ucl\"") != std::string::npos);
  CHECK(unit.find("<p class=\"signal worse\" data-period=\"2017-09\"") != std::string::npos);
  CHECK(report::indicator_unit_html(r, "9999").empty());
  CHECK(report::indicator_index_html(IndicatorReport{}).empty());
}
