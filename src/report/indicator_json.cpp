// summary.json's indicator section.
#include "indicator_report.hpp"
#include "report_util.hpp"

namespace nprcheck::report {

namespace {

using ojson = nlohmann::ordered_json;

ojson point_json(const ChartPoint& p) {
  ojson j;
  j["period"] = period_text(p.period);
  j["numerator"] = p.numerator;
  j["denominator"] = p.denominator;
  j["value"] = round6(p.value);
  j["lcl"] = round6(p.lcl);
  j["ucl"] = round6(p.ucl);
  j["signal"] = p.signal;
  return j;
}

}  // namespace

nlohmann::ordered_json indicators_json(const IndicatorReport& r) {
  ojson j;
  ojson defs = ojson::array();
  for (const auto& m : r.indicators) {
    ojson d;
    d["id"] = m.id;
    d["title"] = m.title;
    d["version"] = m.version;
    d["kind"] = m.mean ? "mean" : "share";
    d["direction"] = m.higher_is_worse ? "higher_is_worse" : "higher_is_better";
    defs.push_back(std::move(d));
  }
  j["definitions"] = std::move(defs);
  ojson periods = ojson::array();
  for (int p : r.periods) periods.push_back(period_text(p));
  j["periods"] = std::move(periods);
  j["min_own_periods"] = kIndicatorMinOwnPeriods;
  ojson signals = ojson::array();
  for (const auto& s : r.signals) {
    ojson sj;
    sj["unit"] = s.unit;
    sj["unit_name"] = s.unit_name;
    sj["indicator"] = r.indicators[s.indicator].id;
    sj["period"] = period_text(s.point.period);
    sj["value"] = round6(s.point.value);
    sj["centre"] = round6(s.centre);
    sj["lcl"] = round6(s.point.lcl);
    sj["ucl"] = round6(s.point.ucl);
    sj["worse"] = s.point.worse;
    signals.push_back(std::move(sj));
  }
  j["signals"] = std::move(signals);
  ojson charts = ojson::array();
  for (const auto& c : r.charts) {
    ojson cj;
    cj["unit"] = c.unit;
    cj["indicator"] = r.indicators[c.indicator].id;
    cj["centre"] = round6(c.centre);
    cj["centre_from"] = c.pooled ? "all_units" : "unit";
    ojson pts = ojson::array();
    for (const auto& p : c.points) pts.push_back(point_json(p));
    cj["points"] = std::move(pts);
    charts.push_back(std::move(cj));
  }
  j["charts"] = std::move(charts);
  return j;
}

}  // namespace nprcheck::report
