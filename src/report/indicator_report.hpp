#pragma once
// Private to the report module: the indicator sections of summary.json and the HTML pages.

#include <nlohmann/json.hpp>
#include <string>

#include "nprcheck/indicator_chart.hpp"

namespace nprcheck::report {

/// summary.json's `indicators`: the indicators, every chart (unit, indicator, centre, limits
/// per month) and the signals.
nlohmann::ordered_json indicators_json(const IndicatorReport& r);

/// The index page's section: one table per unit (indicator, latest value, sparkline), signals
/// listed and highlighted. Empty when there are no charts.
std::string indicator_index_html(const IndicatorReport& r);
/// A unit page's section: one chart per indicator with its centre line and limits.
std::string indicator_unit_html(const IndicatorReport& r, const std::string& unit);

}  // namespace nprcheck::report
