#pragma once
/// Rule sets: declarative YAML rule files, compiled and checked at load, evaluated per episode.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nprcheck/code_tables.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/finding.hpp"
#include "nprcheck/manifest.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/status.hpp"
#include "nprcheck/units.hpp"

namespace nprcheck {

/// What rules may consult while they run: the code tables and the units catalogue.
struct EvalContext {
  const CodeTables* tables = nullptr;
  const UnitsCatalogue* units = nullptr;
};

/// What one rule decided about one episode (for `nprcheck explain`).
struct RuleTrace {
  std::string rule_id;
  enum class Outcome { kNotApplicable, kPassed, kFired } outcome = Outcome::kNotApplicable;
  std::string reason;  ///< human-readable: the values that decided it (one line per object)
  std::vector<Finding> findings;
};

/// A compiled rule set. Load once, evaluate on many episodes from many threads (const).
class RuleSet {
 public:
  RuleSet();
  ~RuleSet();
  RuleSet(RuleSet&&) noexcept;
  RuleSet& operator=(RuleSet&&) noexcept;

  /// Loads, name-resolves and type-checks every `*.yaml` rule under `dir` and its rule data
  /// (`dir/data`). Every problem goes to `diagnostics` as `file:line:col: message`; the result
  /// is a failure if there was any error.
  static Result<RuleSet> load(const std::filesystem::path& dir, Diagnostics& diagnostics);

  /// Keeps only the rules whose id matches the glob (`BV-*`, `KODE-00?`); returns how many.
  size_t select(std::string_view id_glob);

  /// The rules, sorted by id, as the manifest lists them.
  [[nodiscard]] std::vector<ManifestRule> manifest() const;
  /// SHA-256 over the rule files and rule data, in path order.
  [[nodiscard]] const std::string& hash() const;
  [[nodiscard]] size_t size() const;

  /// Runs every selected rule on a prepared episode (see prepare.hpp), appending its findings
  /// in rule-id order.
  void evaluate(const Episode& episode, const EvalContext& ctx, std::vector<Finding>& out) const;

  /// Like evaluate(), but says for every rule whether it applied, passed or fired, and why.
  [[nodiscard]] std::vector<RuleTrace> explain(const Episode& episode, const EvalContext& ctx) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nprcheck
