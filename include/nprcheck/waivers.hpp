#pragma once
/// Waivers: findings the kodekontrollere have accepted (a YAML file). A waived finding is
/// reported as waived, not as an error, and does not count for the exit code. A waiver expires
/// on its `until` date, when the rule's version changes, or when the episode's codes change
/// (the finding's fingerprint differs from the one recorded in the waiver).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "nprcheck/date.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/finding.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

/// One entry of the waivers file.
struct Waiver {
  std::string rule;         ///< rule id, e.g. BV-003
  std::string episode;      ///< episodeID
  std::string reason;       ///< why the finding is accepted (shown in the reports)
  std::string who;          ///< who accepted it
  DateTime until;           ///< the waiver has expired ON this day (valid the days before)
  std::string fingerprint;  ///< optional: the finding's fingerprint when the waiver was written
  std::optional<int> rule_version;  ///< optional: the rule's version when it was written
  std::string file;                 ///< the waivers file
  uint32_t line = 0;                ///< where the entry starts
};

/// Loads a waivers file: a top-level list (or a map with a `waivers:` list) of entries with
/// rule, episode, reason, who, until (YYYY-MM-DD) and optionally fingerprint (64 hex digits)
/// and rule_version. Errors go to `diagnostics` as `file:line:col` with a caret; any error
/// fails the load (a half-read waivers file would waive the wrong things).
Result<std::vector<Waiver>> load_waivers(const std::string& path, Diagnostics& diagnostics);

/// What became of one waiver in a run.
enum class WaiverState : uint8_t {
  kApplied,             ///< waived at least one finding
  kExpiredDate,         ///< today is on or after `until`
  kExpiredRuleVersion,  ///< the rule's version is no longer the waiver's rule_version
  kExpiredFingerprint,  ///< the finding's codes changed (fingerprint differs)
  kUnmatched,           ///< no finding of that rule in that episode
};

/// `applied`, `expired-date`, `expired-rule-version`, `expired-fingerprint`, `unmatched`.
const char* waiver_state_name(WaiverState s);

/// One waiver's outcome.
struct WaiverOutcome {
  const Waiver* waiver = nullptr;
  WaiverState state = WaiverState::kUnmatched;
  uint64_t findings_waived = 0;
  std::string detail;  ///< English, for logs: why it expired (no episode id)
};

/// The outcome of every waiver, in file order.
struct WaiverReport {
  std::vector<WaiverOutcome> outcomes;
  uint64_t findings_waived = 0;
  [[nodiscard]] size_t count(WaiverState s) const;
};

/// Applies waivers to findings one at a time (for streams of findings).
class WaiverMatcher {
 public:
  /// `waivers` must outlive the matcher; `today` decides date expiry.
  WaiverMatcher(const std::vector<Waiver>& waivers, DateTime today);
  /// Sets f.waived and f.waiver_reason when a valid waiver matches; true if it did.
  bool apply(Finding& f);
  /// The outcome of every waiver after the findings seen so far.
  [[nodiscard]] WaiverReport report() const;

 private:
  struct Track {
    bool candidate = false;  ///< some finding had the waiver's rule and episode
    bool version_mismatch = false;
    bool fingerprint_mismatch = false;
    bool redundant = false;  ///< matched, but an earlier waiver already covered the finding
    uint64_t applied = 0;
  };
  const std::vector<Waiver>* waivers_;
  DateTime today_;
  std::unordered_map<std::string, std::vector<size_t>> by_key_;  ///< rule \x1f episode
  std::vector<Track> tracks_;
};

/// Applies `waivers` to every finding (see WaiverMatcher); returns what became of each waiver.
WaiverReport apply_waivers(std::vector<Finding>& findings, const std::vector<Waiver>& waivers,
                           DateTime today);

/// The report as JSON (waivers.json in the outputs: holds episode ids, like the reports).
std::string waiver_report_json(const WaiverReport& report);

/// Warnings for expired and unmatched waivers, `waivers.yaml:LINE: ...` without episode ids
/// (safe for logs and stderr).
void report_waiver_outcomes(const WaiverReport& report, Diagnostics& diagnostics);

}  // namespace nprcheck
