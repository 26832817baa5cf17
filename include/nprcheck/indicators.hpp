#pragma once
/// Coding-quality indicators: declarative YAML files (`indicators/`), compiled through the
/// expression language of the rules, counted per episode into numerator and denominator.
///
/// An indicator says which episodes count (`population`, the denominator) and, for each of
/// them, what it adds to the numerator (`numerator`: a bool for a share, an int for a mean).
/// The file format is docs/indicators.md.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/code_tables.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

namespace expr {
class Frame;
}

/// What an indicator measures: a share of episodes (p-chart) or a mean count per episode
/// (u-chart).
enum class IndicatorKind : uint8_t { kShare, kMean };
/// Which way is bad: a rising indicator is worse (`higher_is_worse`) or better.
enum class IndicatorDirection : uint8_t { kHigherIsWorse, kHigherIsBetter };

/// `share` / `mean`.
const char* indicator_kind_name(IndicatorKind k);
/// `higher_is_worse` / `higher_is_better`.
const char* indicator_direction_name(IndicatorDirection d);

/// One test case of an indicator (`tests:` in the file).
struct IndicatorTestCase {
  std::string name;
  uint32_t line = 0;
  /// numerator: in the population and counted (share: numerator true; mean: value > 0);
  /// denominator: in the population, not counted; outside: not in the population.
  enum class Expect : uint8_t { kNumerator, kDenominator, kOutside } expect = Expect::kNumerator;
  std::optional<int64_t> value;            ///< the exact numerator value (mean indicators)
  uint32_t feil = 0;                       ///< error findings the episode has (episode.feil)
  std::shared_ptr<const Episode> episode;  ///< compact episode, not yet prepared
};

/// An indicator as written in its file.
struct IndicatorInfo {
  std::string id;
  int version = 1;
  std::string title;  ///< Norwegian
  std::string source;
  std::string docs;
  IndicatorKind kind = IndicatorKind::kShare;
  IndicatorDirection direction = IndicatorDirection::kHigherIsWorse;
  std::string population;  ///< bool expression (scope episode)
  std::string numerator;   ///< bool (share) or int (mean) expression
  std::string file;        ///< path as found under the directory given to load()
  std::vector<IndicatorTestCase> tests;
};

/// Numerator and denominator of one indicator over a group of episodes.
struct IndicatorCount {
  uint64_t numerator = 0;
  uint64_t denominator = 0;
  IndicatorCount& operator+=(const IndicatorCount& o) {
    numerator += o.numerator;
    denominator += o.denominator;
    return *this;
  }
};

/// What one indicator says about one episode.
struct IndicatorValue {
  bool in_population = false;
  int64_t value = 0;  ///< the numerator's contribution (share: 0 or 1)
};

/// A compiled indicator set. Load once; evaluate from many threads (each with its own Frame).
class IndicatorSet {
 public:
  IndicatorSet();
  ~IndicatorSet();
  IndicatorSet(IndicatorSet&&) noexcept;
  IndicatorSet& operator=(IndicatorSet&&) noexcept;

  /// Loads and compiles every `*.yaml` under `dir` with the rule data of `dir/data`. Problems go
  /// to `diagnostics` as `file:line:col: message`; a failure if there was any error.
  static Result<IndicatorSet> load(const std::filesystem::path& dir, Diagnostics& diagnostics);

  /// The indicators, sorted by id; index i is counts[i] in evaluate().
  [[nodiscard]] const std::vector<IndicatorInfo>& infos() const;
  [[nodiscard]] size_t size() const;
  /// Index of the indicator `id`, or -1.
  [[nodiscard]] int index_of(std::string_view id) const;

  /// Evaluates every indicator on a prepared episode (episode.feil set), adding to `counts`
  /// (size() entries). `frame` is the caller's (one per thread), re-bound here; no allocation
  /// once the frame's scratch space has grown.
  void evaluate(const Episode& episode, expr::Frame& frame, IndicatorCount* counts) const;
  /// What indicator `index` says about one prepared episode.
  IndicatorValue evaluate_one(size_t index, const Episode& episode, expr::Frame& frame) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The outcome of one test case of one indicator.
struct IndicatorTestResult {
  std::string indicator;
  std::string test_name;
  std::string file;
  uint32_t line = 0;
  bool passed = false;
  std::string failure;
};

/// Runs the tests of every indicator (episodes prepared with `tables`), in id order.
std::vector<IndicatorTestResult> run_indicator_tests(const IndicatorSet& set,
                                                     const CodeTables& tables);

/// What lint checks beyond loading: each indicator has a test that counts in the numerator, one
/// in the denominator only, one outside the population (when the population is not `true`),
/// docs and a source. Returns the number of errors reported to `diagnostics`.
size_t lint_indicators(const IndicatorSet& set, Diagnostics& diagnostics);

/// One Markdown page for an indicator (`nprcheck indicators docs`).
std::string indicator_docs_page(const IndicatorInfo& info);
/// The index page of the indicator docs.
std::string indicator_docs_index(const std::vector<IndicatorInfo>& infos);

}  // namespace nprcheck
