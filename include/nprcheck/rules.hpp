#pragma once
/// Rule sets: declarative YAML rule files, compiled and checked at load, evaluated per episode.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/code_tables.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/finding.hpp"
#include "nprcheck/manifest.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/status.hpp"
#include "nprcheck/units.hpp"

namespace nprcheck {

class RuleData;

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

/// What a rule iterates over (`scope:` in the rule file).
enum class RuleScope : uint8_t { kEpisode, kTilstand, kTiltak, kProsedyre, kKode };

/// `episode`, `tilstand`, `tiltak`, `prosedyre`, `kode`.
const char* rule_scope_name(RuleScope s);

/// One test case of a rule (`tests:` in the rule file), parsed and checked at load.
struct RuleTestCase {
  std::string name;
  uint32_t line = 0;  ///< line of the test in the rule file
  bool expect_fire = true;
  std::optional<int> count;        ///< exact number of findings, if given
  std::string message_contains;    ///< substring of the (first) finding's message
  std::vector<std::string> codes;  ///< code values of the (first) finding, if given
  bool has_codes = false;          ///< `codes:` was given (possibly empty)
  /// The compact episode (not yet prepared), or empty when the test names an XML fixture.
  std::shared_ptr<const Episode> episode;
  bool radiologi = false;     ///< the compact episode's avdeling is a radiology unit
  std::filesystem::path xml;  ///< XML fixture (resolved against the rule file's folder)
  std::string episode_id;     ///< which episode of the fixture
};

/// One entry of a rule's `versions:` list: from `valid_from` on (until the next entry), these
/// values replace the rule's own; fields the entry does not give keep the rule's value.
struct RuleVersion {
  int version = 1;
  DateTime valid_from;
  Severity severity = Severity::kError;
  bool isf = false;
  std::string where;
  std::string assert_expr;
  std::string codes;
  std::string message;
  uint32_t line = 0;  ///< line of the entry in the rule file
};

/// A rule as written in its file (for listing, docs, lint and tests).
struct RuleInfo {
  std::string id;
  int version = 1;
  Severity severity = Severity::kError;
  std::string title;
  std::string source;
  std::string docs;
  RuleScope scope = RuleScope::kEpisode;
  std::optional<DateTime> valid_from;
  std::optional<DateTime> valid_to;
  std::string file;  ///< path of the rule file as found under the directory given to load()
  std::string where;
  std::vector<std::pair<std::string, std::string>> lets;
  std::string assert_expr;
  std::string codes;
  std::string message;
  /// `distinct: true`: findings on one episode with the same code values are reported once.
  bool distinct = false;
  /// `isf: true`: a finding can change the episode's DRG grouping and so the ISF payment.
  bool isf = false;
  /// `versions:`, by valid_from ascending; the top-level fields apply before the first one.
  std::vector<RuleVersion> versions;
  std::vector<RuleTestCase> tests;
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

  /// True if a selected rule reads the field `owner.name` (e.g. "episode.radiologi", which
  /// needs the units catalogue).
  [[nodiscard]] bool selected_use_field(std::string_view qualified) const;
  /// The rules, sorted by id, as the manifest lists them.
  [[nodiscard]] std::vector<ManifestRule> manifest() const;
  /// SHA-256 over the rule files and rule data, in path order.
  [[nodiscard]] const std::string& hash() const;
  [[nodiscard]] size_t size() const;
  /// The rule data (sets and mappings) the rules were compiled against.
  [[nodiscard]] const RuleData& data() const;

  /// The selected rules as written, sorted by id.
  [[nodiscard]] std::vector<const RuleInfo*> rules() const;
  /// The selected rule with this id, or nullptr.
  [[nodiscard]] const RuleInfo* find(std::string_view id) const;

  /// Runs every selected rule on a prepared episode (see prepare.hpp), appending its findings
  /// in rule-id order.
  void evaluate(const Episode& episode, const EvalContext& ctx, std::vector<Finding>& out) const;

  /// Runs the one rule `id` (selected or not) on a prepared episode; false if there is no such
  /// rule.
  bool evaluate_rule(std::string_view id, const Episode& episode, const EvalContext& ctx,
                     std::vector<Finding>& out) const;

  /// Like evaluate(), but says for every rule whether it applied, passed or fired, and why.
  [[nodiscard]] std::vector<RuleTrace> explain(const Episode& episode,
                                               const EvalContext& ctx) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// True if `text` matches the glob `pattern` (`*` any run, `?` one character, `[...]` one
/// character of a class: `[12]`, `[0-9]`, `[!5]` or `[^5]` not; an unclosed `[` is literal).
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace nprcheck
