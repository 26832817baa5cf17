#pragma once
/// Rule diffs: the impact of a rule change, by running two rule sets over the same episodes.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nprcheck/finding.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/rules.hpp"

namespace nprcheck {

/// One example of a finding that the head rule set adds, removes or changes.
struct RuleDiffExample {
  enum class Kind : uint8_t { kAdded, kRemoved, kChanged } kind = Kind::kAdded;
  std::string episode_id;
  std::string file;
  uint32_t line = 0;
  std::string codes;    ///< code values, space-separated
  std::string message;  ///< head message (base message for removed findings)
  std::string before;   ///< changed: base severity and message
};

/// The difference for one rule id.
struct RuleDiffEntry {
  std::string rule_id;
  bool in_base = false;
  bool in_head = false;
  int base_version = 0;
  int head_version = 0;
  std::string base_severity;  ///< empty when the rule is not in the base set
  std::string head_severity;
  uint64_t base_findings = 0;
  uint64_t head_findings = 0;
  uint64_t added = 0;    ///< findings only the head set produces
  uint64_t removed = 0;  ///< findings only the base set produces
  uint64_t changed = 0;  ///< same finding (rule, object, codes), other severity or message
  std::vector<RuleDiffExample> examples;  ///< up to the limit per kind
};

/// Accumulates the differences episode by episode.
class RuleDiffer {
 public:
  /// `max_examples`: how many example episodes to keep per rule and kind.
  RuleDiffer(const RuleSet& base, const RuleSet& head, size_t max_examples);

  /// Evaluates both rule sets on a prepared episode and records the differences.
  void add_episode(const Episode& episode, const EvalContext& ctx);
  /// Records the differences of one episode from findings computed elsewhere.
  void add_findings(const Episode& episode, const std::vector<Finding>& base,
                    const std::vector<Finding>& head);

  [[nodiscard]] uint64_t episodes() const { return episodes_; }
  /// One entry per rule id of either set, sorted by id.
  [[nodiscard]] std::vector<RuleDiffEntry> entries() const;
  /// A human-readable report (English headers; messages as the rules render them).
  [[nodiscard]] std::string report() const;

 private:
  const RuleSet& base_;
  const RuleSet& head_;
  size_t max_examples_;
  uint64_t episodes_ = 0;
  std::map<std::string, RuleDiffEntry> entries_;
};

}  // namespace nprcheck
