#pragma once
/// Private: the indicator counts of a run per unit x month x indicator, counted by the workers
/// (one tally per batch) and merged in batch order.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/indicator_chart.hpp"
#include "nprcheck/indicators.hpp"

namespace nprcheck {

/// Counts of every indicator per unit and month.
class IndicatorTally {
 public:
  explicit IndicatorTally(size_t indicators = 0) : n_(indicators) {}
  IndicatorTally(IndicatorTally&&) noexcept = default;  // map nodes (and the cache) stay put
  IndicatorTally& operator=(IndicatorTally&&) noexcept = default;
  IndicatorTally(const IndicatorTally&) = delete;
  IndicatorTally& operator=(const IndicatorTally&) = delete;

  /// The counts (one per indicator) of `unit` in `period` (YYYYMM), created on first use;
  /// a unit and month seen before costs a look-up, no allocation.
  IndicatorCount* counts(std::string_view unit, std::string_view unit_name, int period);
  /// Adds every count of `other`.
  void merge(const IndicatorTally& other);
  /// The counts as rows (indicator ids from `infos`), by unit, month, indicator.
  [[nodiscard]] std::vector<IndicatorRow> rows(const std::vector<IndicatorInfo>& infos) const;
  [[nodiscard]] bool empty() const { return units_.empty(); }

 private:
  struct Unit {
    std::string name;
    std::map<int, std::vector<IndicatorCount>> periods;
  };
  size_t n_;
  std::map<std::string, Unit, std::less<>> units_;
  // The last unit and month asked for: consecutive episodes usually share them.
  std::string_view last_unit_id_;
  int last_period_ = 0;
  IndicatorCount* last_counts_ = nullptr;
};

/// The month an episode counts in: YYYYMM of its end date (utDatoTid, else innDatoTid).
int episode_period(const Episode& e);

}  // namespace nprcheck
