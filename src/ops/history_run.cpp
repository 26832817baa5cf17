// The run transaction: begin_run() opens it, commit() stores the run's counts and manifest and
// commits, abandon() rolls back; record_run() and annotate_findings() drive it.
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "history_recorder.hpp"
#include "nprcheck/date.hpp"
#include "nprcheck/history.hpp"

namespace nprcheck {

namespace fs = std::filesystem;
using namespace history_detail;

RunRecorder::RunRecorder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunRecorder::RunRecorder(RunRecorder&& other) noexcept : impl_(std::move(other.impl_)) {}
RunRecorder::~RunRecorder() { abandon(); }

void RunRecorder::abandon() {
  if (impl_) impl_->rollback();
}

void RunRecorder::set_test_hook(uint64_t every_n, void (*hook)(uint64_t added)) {
  impl_->hook_every = every_n;
  impl_->hook = hook;
}

Result<RunRecorder> HistoryDb::begin_run(const std::string& scope, const std::string& started) {
  auto impl = std::make_unique<RunRecorder::Impl>();
  impl->db = db_;
  impl->scope = scope;
  impl->started = started.empty() ? now_local_iso() : started;
  impl->run_date = impl->started.substr(0, 10);
  if (Status s = exec(db_, "BEGIN IMMEDIATE", "history " + path_ + ": cannot start the run"); !s) {
    return s;
  }
  impl->open = true;  // from here on the Impl rolls back when it is dropped
  RunRecorder rec(std::move(impl));
  RunRecorder::Impl& r = *rec.impl_;
  {
    Stmt prev(db_, "SELECT id, started FROM runs WHERE scope = ? ORDER BY id DESC LIMIT 1");
    if (!prev.ok()) return prev.error();
    prev.bind(1, scope);
    int rc = prev.step();
    if (rc == SQLITE_ROW) {
      r.prev_id = prev.i64(0);
      r.prev_started = prev.text(1);
    } else if (rc != SQLITE_DONE) {
      return db_error(db_, "history: cannot find the previous run");
    }
  }
  {
    Stmt ins(db_, "INSERT INTO runs (started, scope, previous_run_id) VALUES (?, ?, ?)");
    if (!ins.ok()) return ins.error();
    ins.bind(1, r.started).bind(2, scope);
    if (r.prev_id) {
      ins.bind(3, *r.prev_id);
    } else {
      ins.bind_null(3);
    }
    if (Status s = ins.run("history: cannot record the run"); !s) return s;
    r.run_id = sqlite3_last_insert_rowid(db_);
  }
  r.count_occurrences =
      Stmt(db_, "SELECT count(*) FROM findings WHERE run_id = ? AND fingerprint = ?");
  r.lookup_previous = Stmt(db_,
                           "SELECT first_seen, nights FROM findings WHERE run_id = ? AND "
                           "fingerprint = ? AND occurrence = ?");
  r.insert_finding = Stmt(db_,
                          "INSERT INTO findings (run_id, fingerprint, occurrence, seq, rule, "
                          "rule_version, severity, episode, unit, avdeling, dato, codes, message, "
                          "status, first_seen, nights, waived) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (Stmt* s : {&r.count_occurrences, &r.lookup_previous, &r.insert_finding}) {
    if (!s->ok()) return s->error();
  }
  return rec;
}

Result<RunSummary> RunRecorder::commit(const RunManifest& manifest) {
  auto summarized = summarize();
  if (!summarized) return summarized.status();
  Impl& r = *impl_;
  sqlite3* db = r.db;
  auto fail = [&](Status s) {
    r.rollback();
    return s;
  };
  RunSummary& summary = r.summary;

  // Every unit and rule of the run, with its episodes from the manifest.
  for (const auto& [id, uc] : manifest.per_unit) {
    Impl::Tally& t = r.units[id];
    if (t.unit_name.empty()) t.unit_name = uc.unit_name;
  }
  for (const auto& rule : manifest.rules) r.rules[rule.id];
  uint64_t episodes_with_error = 0;
  for (const auto& [id, t] : r.units) episodes_with_error += t.episodes_with_error;

  Stmt units(db,
             "INSERT INTO unit_counts (run_id, unit, unit_name, episodes, episodes_with_error, "
             "findings, errors, waived, new_findings, persisting, resolved) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!units.ok()) return fail(units.error());
  for (const auto& [id, t] : r.units) {
    auto it = manifest.per_unit.find(id);
    uint64_t episodes = it != manifest.per_unit.end() ? it->second.episodes : 0;
    units.bind(1, r.run_id)
        .bind(2, id)
        .bind(3, t.unit_name)
        .bind(4, static_cast<int64_t>(episodes))
        .bind(5, static_cast<int64_t>(t.episodes_with_error))
        .bind(6, static_cast<int64_t>(t.findings))
        .bind(7, static_cast<int64_t>(t.errors))
        .bind(8, static_cast<int64_t>(t.waived))
        .bind(9, static_cast<int64_t>(t.change.new_findings))
        .bind(10, static_cast<int64_t>(t.change.persisting))
        .bind(11, static_cast<int64_t>(t.change.resolved));
    if (Status s = units.run("history: cannot store unit counts"); !s) return fail(s);
    summary.per_unit[id] = t.change;
  }
  Stmt rules(db,
             "INSERT INTO rule_counts (run_id, rule, findings, episodes_with_error, waived, "
             "new_findings, persisting, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!rules.ok()) return fail(rules.error());
  for (const auto& [id, t] : r.rules) {
    rules.bind(1, r.run_id)
        .bind(2, id)
        .bind(3, static_cast<int64_t>(t.findings))
        .bind(4, static_cast<int64_t>(t.episodes_with_error))
        .bind(5, static_cast<int64_t>(t.waived))
        .bind(6, static_cast<int64_t>(t.change.new_findings))
        .bind(7, static_cast<int64_t>(t.change.persisting))
        .bind(8, static_cast<int64_t>(t.change.resolved));
    if (Status s = rules.run("history: cannot store rule counts"); !s) return fail(s);
    summary.per_rule[id] = t.change;
  }

  Stmt run(db,
           "UPDATE runs SET finished = ?, tool_version = ?, rules_hash = ?, episodes = ?, "
           "episodes_with_error = ?, findings = ?, errors = ?, waived = ?, new_findings = ?, "
           "persisting = ?, resolved = ?, manifest = ? WHERE id = ?");
  if (!run.ok()) return fail(run.error());
  run.bind(1, manifest.finished.empty() ? now_local_iso() : manifest.finished)
      .bind(2, manifest.tool_version)
      .bind(3, manifest.rules_hash)
      .bind(4, static_cast<int64_t>(manifest.episodes))
      .bind(5, static_cast<int64_t>(episodes_with_error))
      .bind(6, static_cast<int64_t>(r.total.findings))
      .bind(7, static_cast<int64_t>(r.total.errors))
      .bind(8, static_cast<int64_t>(r.total.waived))
      .bind(9, static_cast<int64_t>(r.total.change.new_findings))
      .bind(10, static_cast<int64_t>(r.total.change.persisting))
      .bind(11, static_cast<int64_t>(r.total.change.resolved))
      .bind(12, run_manifest_to_json(manifest))
      .bind(13, r.run_id);
  if (Status s = run.run("history: cannot store the run"); !s) return fail(s);

  r.count_occurrences = Stmt();
  r.lookup_previous = Stmt();
  r.insert_finding = Stmt();
  if (Status s = exec(db, "COMMIT", "history: cannot commit the run"); !s) return fail(s);
  r.open = false;
  return std::move(summary);
}

Result<RunSummary> record_run(HistoryDb& db, const std::string& scope, const RunManifest& manifest,
                              std::vector<Finding>& findings) {
  auto rec = db.begin_run(scope, manifest.started);
  if (!rec) return rec.status();
  for (auto& f : findings) {
    if (Status s = rec->add(f); !s) return s;
  }
  return rec->commit(manifest);
}

Result<uint64_t> annotate_findings(const FindingSource& source, const std::string& out_ndjson,
                                   WaiverMatcher* waivers, RunRecorder* history) {
  const std::string tmp = out_ndjson + ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) return Status::io_error(tmp + ": cannot write");
  uint64_t n = 0;
  Status failed;
  Status s = source([&](const Finding& in) {
    if (!failed.is_ok()) return;
    Finding f = in;
    if (waivers != nullptr) waivers->apply(f);
    if (history != nullptr) {
      if (Status a = history->add(f); !a) {
        failed = a;
        return;
      }
    }
    out << finding_to_json(f) << '\n';
    ++n;
  });
  out.close();
  if (!s.is_ok() || !failed.is_ok() || !out) {
    std::error_code ec;
    fs::remove(tmp, ec);
    if (!s.is_ok()) return s;
    if (!failed.is_ok()) return failed;
    return Status::io_error(tmp + ": write failed (disk full?)");
  }
  std::error_code ec;
  fs::rename(tmp, out_ndjson, ec);
  if (ec) return Status::io_error(out_ndjson + ": cannot move into place: " + ec.message());
  return n;
}

}  // namespace nprcheck
