// Fingerprint bookkeeping of a run being recorded: each finding classified against the previous
// run of the scope (new, persisting, first seen, nights; occurrences within an episode), and the
// resolved findings counted.
#include <sqlite3.h>

#include "history_recorder.hpp"
#include "nprcheck/history.hpp"

namespace nprcheck {

using namespace history_detail;

Status RunRecorder::add(Finding& f) {
  if (!impl_ || !impl_->open) return Status::usage("history: the run is not being recorded");
  Impl& r = *impl_;
  if (r.summarized) return Status::usage("history: add() after summarize()");
  const std::string fp = fingerprint_blob(fingerprint(f));

  // The episode: findings of one episode are adjacent, and so are findings that share a
  // fingerprint (same rule, episode and codes): count occurrences within the episode.
  std::string key = f.file + '\x1f' + f.episode_id + '\x1f' + f.unit;
  if (key != r.episode_key) {
    r.flush_episode();
    r.episode_key = std::move(key);
    r.episode_unit = f.unit;
    r.episode_occurrences.clear();
  }
  int64_t occurrence = r.episode_occurrences[fp];

  bool persisting = false;
  auto classify = [&]() -> Status {
    persisting = false;
    if (!r.prev_id) return Status::ok();
    r.lookup_previous.bind(1, *r.prev_id).bind_blob(2, fp).bind(3, occurrence);
    int rc = r.lookup_previous.step();
    Status s;
    if (rc == SQLITE_ROW) {
      persisting = true;
      f.first_seen = r.lookup_previous.text(0);
      f.nights = static_cast<int>(r.lookup_previous.i64(1)) + 1;
    } else if (rc != SQLITE_DONE) {
      s = db_error(r.db, "history: cannot classify a finding");
    }
    r.lookup_previous.reset();
    return s;
  };
  auto insert = [&]() -> int {
    if (!persisting) {
      f.first_seen = r.run_date;
      f.nights = 1;
    }
    Stmt& ins = r.insert_finding;
    ins.bind(1, r.run_id)
        .bind_blob(2, fp)
        .bind(3, occurrence)
        .bind(4, static_cast<int64_t>(r.seq))
        .bind(5, f.rule_id)
        .bind(6, static_cast<int64_t>(f.rule_version))
        .bind(7, std::string(severity_name(f.severity)))
        .bind(8, f.episode_id)
        .bind(9, f.unit)
        .bind(10, f.avdeling)
        .bind(11, f.dato)
        .bind(12, join_codes(f))
        .bind(13, f.message)
        .bind(14, std::string(persisting ? "persisting" : "new"))
        .bind(15, f.first_seen)
        .bind(16, static_cast<int64_t>(f.nights))
        .bind(17, static_cast<int64_t>(f.waived ? 1 : 0));
    int rc = ins.step();
    ins.reset();
    return rc;
  };
  if (Status s = classify(); !s) return s;
  int rc = insert();
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    // The same fingerprint earlier in the run, outside this episode's stretch (an episode sent
    // twice): count them, then classify and store again.
    r.count_occurrences.bind(1, r.run_id).bind_blob(2, fp);
    if (r.count_occurrences.step() != SQLITE_ROW) {
      Status s = db_error(r.db, "history: cannot classify a finding");
      r.count_occurrences.reset();
      return s;
    }
    occurrence = r.count_occurrences.i64(0);
    r.count_occurrences.reset();
    if (Status s = classify(); !s) return s;
    rc = insert();
  }
  if (rc != SQLITE_DONE) return db_error(r.db, "history: cannot store a finding");
  r.episode_occurrences[fp] = occurrence + 1;
  f.novelty = persisting ? Finding::Novelty::kPersisting : Finding::Novelty::kNew;
  ++r.seq;

  // Key figures.
  Impl::Tally& unit = r.units[f.unit];
  if (unit.unit_name.empty()) unit.unit_name = f.unit_name;
  Impl::Tally& rule = r.rules[f.rule_id];
  for (Impl::Tally* t : {&r.total, &unit, &rule}) {
    if (f.waived) {
      ++t->waived;
      continue;
    }
    ++t->findings;
    if (f.severity == Severity::kError) ++t->errors;
    if (persisting) {
      ++t->change.persisting;
    } else {
      ++t->change.new_findings;
      if (f.severity == Severity::kError) ++t->change.new_errors;
    }
  }
  if (!f.waived && f.severity == Severity::kError) {
    r.episode_error = true;
    r.episode_error_rules.insert(f.rule_id);
  }
  if (r.hook != nullptr && r.hook_every > 0 && r.seq % r.hook_every == 0) r.hook(r.seq);
  return Status::ok();
}

Result<RunSummary> RunRecorder::summarize() {
  if (!impl_ || !impl_->open) return Status::usage("history: the run is not being recorded");
  Impl& r = *impl_;
  if (r.summarized) return r.summary;
  r.flush_episode();
  sqlite3* db = r.db;
  auto fail = [&](Status s) {
    r.rollback();
    return s;
  };

  // Resolved: findings of the previous run (not waived there) that this run does not have.
  if (r.prev_id) {
    Stmt res(db,
             "SELECT p.unit, p.rule, count(*) FROM findings p WHERE p.run_id = ? AND "
             "p.waived = 0 AND NOT EXISTS (SELECT 1 FROM findings c WHERE c.run_id = ? AND "
             "c.fingerprint = p.fingerprint AND c.occurrence = p.occurrence) "
             "GROUP BY p.unit, p.rule");
    if (!res.ok()) return fail(res.error());
    res.bind(1, *r.prev_id).bind(2, r.run_id);
    int rc;
    while ((rc = res.step()) == SQLITE_ROW) {
      uint64_t n = res.u64(2);
      r.units[res.text(0)].change.resolved += n;
      r.rules[res.text(1)].change.resolved += n;
      r.total.change.resolved += n;
    }
    if (rc != SQLITE_DONE) return fail(db_error(db, "history: cannot count resolved findings"));
  }

  RunSummary& summary = r.summary;
  summary.run_id = r.run_id;
  summary.scope = r.scope;
  summary.previous_run_id = r.prev_id;
  summary.previous_started = r.prev_started;
  summary.total = r.total.change;
  for (const auto& [id, t] : r.units) summary.per_unit[id] = t.change;
  for (const auto& [id, t] : r.rules) summary.per_rule[id] = t.change;
  if (r.prev_id) {
    auto prev = load_previous(db, *r.prev_id);
    if (!prev) return fail(prev.status());
    summary.previous = std::move(*prev);
  }
  r.summarized = true;
  return summary;
}

}  // namespace nprcheck
