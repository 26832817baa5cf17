// The per-run indicator tally (unit x month x indicator).
#include "indicator_tally.hpp"

namespace nprcheck {

int episode_period(const Episode& e) {
  DateTime d = e.slutt_dato();
  return d.year() * 100 + d.month();
}

IndicatorCount* IndicatorTally::counts(std::string_view unit, std::string_view unit_name,
                                       int period) {
  if (last_counts_ != nullptr && period == last_period_ && unit == last_unit_id_) {
    return last_counts_;
  }
  auto it = units_.find(unit);
  if (it == units_.end()) it = units_.emplace(std::string(unit), Unit{}).first;
  Unit& u = it->second;
  if (u.name.empty()) u.name = std::string(unit_name);
  auto& v = u.periods[period];
  if (v.empty()) v.resize(n_);
  last_unit_id_ = it->first;
  last_period_ = period;
  last_counts_ = v.data();
  return last_counts_;
}

void IndicatorTally::merge(const IndicatorTally& other) {
  for (const auto& [id, ou] : other.units_) {
    for (const auto& [period, oc] : ou.periods) {
      IndicatorCount* c = counts(id, ou.name, period);
      for (size_t i = 0; i < n_ && i < oc.size(); ++i) c[i] += oc[i];
    }
  }
}

std::vector<IndicatorRow> IndicatorTally::rows(const std::vector<IndicatorInfo>& infos) const {
  std::vector<IndicatorRow> out;
  for (const auto& [id, u] : units_) {
    for (const auto& [period, c] : u.periods) {
      for (size_t i = 0; i < n_ && i < infos.size(); ++i) {
        if (c[i].denominator == 0) continue;
        out.push_back(
            {id, u.name, period, infos[i].id, c[i].numerator, c[i].denominator, infos[i].version});
      }
    }
  }
  return out;
}

}  // namespace nprcheck
