#pragma once
/// Control charts of coding-quality indicators: per unit and indicator, the counts per month,
/// a centre line and 3-sigma limits (p-chart for shares, u-chart for means), and the signals.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace nprcheck {

/// A unit needs at least this many months with episodes for its own centre line; with fewer,
/// the centre is pooled over every unit of the chart data (docs/operations.md).
inline constexpr size_t kIndicatorMinOwnPeriods = 6;
/// How many months (the most recent ones) a chart shows by default.
inline constexpr size_t kIndicatorWindow = 24;

/// What a chart needs to know about an indicator.
struct IndicatorMeta {
  std::string id;
  std::string title;
  bool mean = false;            ///< a mean per episode (u-chart), else a share (p-chart)
  bool higher_is_worse = true;  ///< the direction that is bad
  int version = 1;              ///< counts of another version (an older definition) are not charted
};

/// One unit's counts of one indicator in one month (a run's tally or a history row).
struct IndicatorRow {
  std::string unit;
  std::string unit_name;
  int period = 0;  ///< YYYYMM of the episodes' end date
  std::string indicator;
  uint64_t numerator = 0;
  uint64_t denominator = 0;
  int version = 1;  ///< the indicator's version when the counts were made
};

/// One month of a chart.
struct ChartPoint {
  int period = 0;
  uint64_t numerator = 0;
  uint64_t denominator = 0;
  double value = 0;  ///< numerator / denominator
  double lcl = 0;    ///< lower control limit (never below 0)
  double ucl = 0;    ///< upper control limit (at most 1 for a share)
  bool signal = false;
  bool worse = false;  ///< a signal in the bad direction
};

/// One unit's chart of one indicator.
struct IndicatorChart {
  std::string unit;
  std::string unit_name;
  size_t indicator = 0;  ///< index into IndicatorReport::indicators
  double centre = 0;
  bool pooled = false;             ///< the centre is pooled over all units (too few own months)
  std::vector<ChartPoint> points;  ///< months with episodes, oldest first
};

/// A point outside its limits.
struct IndicatorSignal {
  std::string unit;
  std::string unit_name;
  size_t indicator = 0;
  ChartPoint point;
  double centre = 0;
};

/// Every chart of a run (or of the history), with its signals.
struct IndicatorReport {
  std::vector<IndicatorMeta> indicators;
  std::vector<int> periods;            ///< the months of the window, oldest first
  std::vector<IndicatorChart> charts;  ///< by unit, then indicator order
  std::vector<IndicatorSignal> signals;
  [[nodiscard]] bool empty() const { return charts.empty(); }
};

/// Builds the charts from counts (several rows for one unit, month and indicator are added;
/// rows of another version than the indicator's are left out).
/// Only the `window` most recent months are charted; `units` (when given) limits the charts to
/// those units, while the pooled centre still uses every unit of `rows`.
IndicatorReport build_indicator_report(std::vector<IndicatorMeta> indicators,
                                       const std::vector<IndicatorRow>& rows,
                                       size_t window = kIndicatorWindow,
                                       const std::set<std::string>* units = nullptr);

/// `2017-03` for 201703.
std::string period_text(int period);
/// Parses `2017-03`; 0 when malformed.
int parse_period(const std::string& text);
/// A value as reports show it: a share as a percentage with one decimal (`12.5 %`), a mean
/// with two decimals (`1.25`).
std::string indicator_value_text(double value, bool mean);

}  // namespace nprcheck
