#pragma once
/// The state of one run being recorded (shared by history_run.cpp and history_fingerprints.cpp;
/// not installed).

#include <map>
#include <optional>
#include <set>
#include <string>

#include "history_sql.hpp"

namespace nprcheck {

using history_detail::exec;
using history_detail::Stmt;

struct RunRecorder::Impl {
  /// Counts of one unit, one rule or the run.
  struct Tally {
    ChangeCounts change;
    uint64_t findings = 0;  // not waived
    uint64_t errors = 0;    // not waived
    uint64_t waived = 0;
    uint64_t episodes_with_error = 0;
    std::string unit_name;
  };

  sqlite3* db = nullptr;
  bool open = false;
  int64_t run_id = 0;
  std::optional<int64_t> prev_id;
  std::string prev_started;
  std::string scope;
  std::string started;
  std::string run_date;
  Stmt count_occurrences;
  Stmt lookup_previous;
  Stmt insert_finding;
  uint64_t seq = 0;
  Tally total;
  std::map<std::string, Tally> units;
  std::map<std::string, Tally> rules;
  // The episode being counted (findings of one episode are adjacent).
  std::string episode_key;
  std::string episode_unit;
  bool episode_error = false;
  std::set<std::string> episode_error_rules;
  std::map<std::string, int64_t> episode_occurrences;  // fingerprint -> findings so far
  uint64_t hook_every = 0;
  void (*hook)(uint64_t) = nullptr;
  bool summarized = false;  // counts final: no more add()
  RunSummary summary;

  void flush_episode() {
    if (episode_error) {
      ++units[episode_unit].episodes_with_error;
      ++total.episodes_with_error;
    }
    for (const auto& r : episode_error_rules) ++rules[r].episodes_with_error;
    episode_key.clear();
    episode_error = false;
    episode_error_rules.clear();
  }

  void rollback() {
    if (!open) return;
    open = false;
    count_occurrences = Stmt();
    lookup_previous = Stmt();
    insert_finding = Stmt();
    (void)exec(db, "ROLLBACK", "history: rollback");
  }
};

}  // namespace nprcheck
