// Control charts of the indicators: centre line, 3-sigma limits and signals per unit.
#include "nprcheck/indicator_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace nprcheck {

std::string period_text(int period) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", period / 100, period % 100);
  return buf;
}

int parse_period(const std::string& text) {
  if (text.size() != 7 || text[4] != '-') return 0;
  int y = 0, m = 0;
  for (int i = 0; i < 4; ++i) {
    if (text[i] < '0' || text[i] > '9') return 0;
    y = y * 10 + (text[i] - '0');
  }
  for (int i = 5; i < 7; ++i) {
    if (text[i] < '0' || text[i] > '9') return 0;
    m = m * 10 + (text[i] - '0');
  }
  if (m < 1 || m > 12) return 0;
  return y * 100 + m;
}

std::string indicator_value_text(double value, bool mean) {
  char buf[32];
  if (mean) {
    std::snprintf(buf, sizeof buf, "%.2f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %%", value * 100.0);
  }
  return buf;
}

namespace {

// Limits of one point around `centre` for `n` episodes: p-chart (binomial) or u-chart (Poisson).
void set_limits(ChartPoint& p, double centre, bool mean) {
  double n = static_cast<double>(p.denominator);
  double sigma = mean ? std::sqrt(centre / n) : std::sqrt(centre * (1.0 - centre) / n);
  p.lcl = std::max(0.0, centre - 3.0 * sigma);
  p.ucl = centre + 3.0 * sigma;
  if (!mean) p.ucl = std::min(1.0, p.ucl);
  // A small tolerance: a point exactly on the limit (or a rounding step beyond it) is no signal.
  constexpr double kEps = 1e-9;
  bool above = p.value > p.ucl + kEps;
  bool below = p.value < p.lcl - kEps;
  p.signal = above || below;
  p.worse = false;
  if (p.signal) p.worse = above;  // flipped below for higher_is_better
}

}  // namespace

IndicatorReport build_indicator_report(std::vector<IndicatorMeta> indicators,
                                       const std::vector<IndicatorRow>& rows, size_t window,
                                       const std::set<std::string>* units) {
  IndicatorReport r;
  r.indicators = std::move(indicators);
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < r.indicators.size(); ++i) index[r.indicators[i].id] = i;

  // The window: the most recent `window` months that have any counts.
  std::set<int> all_periods;
  for (const auto& row : rows) {
    auto it = index.find(row.indicator);
    if (row.denominator > 0 && it != index.end() &&
        row.version == r.indicators[it->second].version) {
      all_periods.insert(row.period);
    }
  }
  std::vector<int> periods(all_periods.begin(), all_periods.end());
  if (periods.size() > window) periods.erase(periods.begin(), periods.end() - window);
  r.periods = periods;
  const int first = periods.empty() ? 0 : periods.front();

  // Counts by (unit, indicator, period); pooled sums by indicator.
  std::map<std::tuple<std::string, size_t, int>, std::pair<uint64_t, uint64_t>> counts;
  std::map<std::string, std::string> names;
  std::vector<std::pair<double, double>> pooled(r.indicators.size(), {0.0, 0.0});
  for (const auto& row : rows) {
    auto it = index.find(row.indicator);
    if (it == index.end() || row.period < first || row.denominator == 0 ||
        row.version != r.indicators[it->second].version) {
      continue;
    }
    auto& c = counts[{row.unit, it->second, row.period}];
    c.first += row.numerator;
    c.second += row.denominator;
    pooled[it->second].first += static_cast<double>(row.numerator);
    pooled[it->second].second += static_cast<double>(row.denominator);
    if (!row.unit_name.empty()) names[row.unit] = row.unit_name;
  }

  for (auto it = counts.begin(); it != counts.end();) {
    const std::string unit = std::get<0>(it->first);
    const size_t ind = std::get<1>(it->first);
    IndicatorChart chart;
    chart.unit = unit;
    chart.unit_name = names.count(unit) != 0 ? names[unit] : std::string();
    chart.indicator = ind;
    double num = 0, den = 0;
    for (; it != counts.end() && std::get<0>(it->first) == unit && std::get<1>(it->first) == ind;
         ++it) {
      ChartPoint p;
      p.period = std::get<2>(it->first);
      p.numerator = it->second.first;
      p.denominator = it->second.second;
      p.value = static_cast<double>(p.numerator) / static_cast<double>(p.denominator);
      num += static_cast<double>(p.numerator);
      den += static_cast<double>(p.denominator);
      chart.points.push_back(p);
    }
    if (units != nullptr && units->count(unit) == 0) continue;
    const IndicatorMeta& meta = r.indicators[ind];
    chart.pooled = chart.points.size() < kIndicatorMinOwnPeriods;
    chart.centre = chart.pooled ? pooled[ind].first / pooled[ind].second : num / den;
    for (auto& p : chart.points) {
      set_limits(p, chart.centre, meta.mean);
      if (p.signal && !meta.higher_is_worse) p.worse = !p.worse;
      if (p.signal) r.signals.push_back({chart.unit, chart.unit_name, ind, p, chart.centre});
    }
    r.charts.push_back(std::move(chart));
  }
  return r;
}

}  // namespace nprcheck
