// The run history in SQLite: opening and migrating, recording a run in one transaction,
// queries for `nprcheck history`, pruning.
#include "nprcheck/history.hpp"

#include <sqlite3.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include "nprcheck/date.hpp"

namespace nprcheck {

namespace fs = std::filesystem;

namespace {

constexpr int kBusyTimeoutMs = 60'000;

Status db_error(sqlite3* db, const std::string& what) {
  std::string msg = what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory");
  int code = db != nullptr ? sqlite3_errcode(db) : SQLITE_NOMEM;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    msg += " (another process is writing the history; is another nprcheck run going on?)";
  } else if (code == SQLITE_FULL || code == SQLITE_IOERR || (code & 0xff) == SQLITE_IOERR) {
    return Status::io_error(msg);
  }
  if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) return Status::invalid_input(msg);
  return Status::io_error(msg);
}

Status exec(sqlite3* db, const char* sql, const std::string& what) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = what + ": " + (err != nullptr ? err : "unknown error");
    sqlite3_free(err);
    int code = sqlite3_errcode(db);
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) return Status::invalid_input(msg);
    return Status::io_error(msg);
  }
  return Status::ok();
}

/// A prepared statement (finalized on destruction).
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) {
      error_ = db_error(db, "history: cannot prepare a statement");
      s_ = nullptr;
    }
  }
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_), error_(std::move(o.error_)) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    if (this != &o) {
      sqlite3_finalize(s_);
      db_ = o.db_;
      s_ = o.s_;
      error_ = std::move(o.error_);
      o.s_ = nullptr;
    }
    return *this;
  }
  Stmt(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s_); }

  [[nodiscard]] bool ok() const { return s_ != nullptr; }
  [[nodiscard]] const Status& error() const { return error_; }

  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind_blob(int i, const std::string& v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind_null(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(s_); }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  int64_t i64(int col) { return sqlite3_column_int64(s_, col); }
  uint64_t u64(int col) { return static_cast<uint64_t>(sqlite3_column_int64(s_, col)); }
  bool is_null(int col) { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  /// A BLOB column as lower-case hex.
  std::string hex(int col) {
    const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(s_, col));
    const int n = sqlite3_column_bytes(s_, col);
    static const char* kDigits = "0123456789abcdef";
    std::string out;
    for (int i = 0; p != nullptr && i < n; ++i) {
      out += kDigits[p[i] >> 4];
      out += kDigits[p[i] & 15];
    }
    return out;
  }
  std::string text(int col) {
    const auto* p = sqlite3_column_text(s_, col);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p),
                                      static_cast<size_t>(sqlite3_column_bytes(s_, col)))
                        : std::string();
  }
  /// Runs a statement that returns no rows.
  Status run(const std::string& what) {
    int rc = step();
    reset();
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return db_error(db_, what);
    return Status::ok();
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* s_ = nullptr;
  Status error_;
};

// The 32 bytes of a fingerprint's 64 hex digits (stored as a BLOB: half the size).
std::string fingerprint_blob(const std::string& hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  auto nibble = [](char c) { return c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0'; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1]));
  }
  return out;
}

std::string join_codes(const Finding& f) {
  std::string s;
  for (const auto& c : f.codes) {
    if (!s.empty()) s += ' ';
    s += c.verdi;
  }
  return s;
}

constexpr const char* kRunColumns =
    "id, started, finished, scope, tool_version, rules_hash, episodes, episodes_with_error, "
    "findings, errors, waived, new_findings, persisting, resolved, previous_run_id";

RunInfo read_run(Stmt& s) {
  RunInfo r;
  r.id = s.i64(0);
  r.started = s.text(1);
  r.finished = s.text(2);
  r.scope = s.text(3);
  r.tool_version = s.text(4);
  r.rules_hash = s.text(5);
  r.episodes = s.u64(6);
  r.episodes_with_error = s.u64(7);
  r.findings = s.u64(8);
  r.errors = s.u64(9);
  r.waived = s.u64(10);
  r.new_findings = s.u64(11);
  r.persisting = s.u64(12);
  r.resolved = s.u64(13);
  if (!s.is_null(14)) r.previous_run_id = s.i64(14);
  return r;
}

// The key figures of run `id` as the reports' PreviousRun.
Result<PreviousRun> load_previous(sqlite3* db, int64_t id) {
  PreviousRun p;
  Stmt run(db, "SELECT started, episodes, findings, episodes_with_error FROM runs WHERE id = ?");
  if (!run.ok()) return run.error();
  run.bind(1, id);
  if (run.step() != SQLITE_ROW) return db_error(db, "history: cannot read the previous run");
  p.started = run.text(0);
  p.total = {run.u64(1), run.u64(2), run.u64(3)};
  Stmt units(db,
             "SELECT unit, episodes, findings, episodes_with_error FROM unit_counts "
             "WHERE run_id = ?");
  if (!units.ok()) return units.error();
  units.bind(1, id);
  int rc;
  while ((rc = units.step()) == SQLITE_ROW) {
    p.per_unit[units.text(0)] = {units.u64(1), units.u64(2), units.u64(3)};
  }
  if (rc != SQLITE_DONE) return db_error(db, "history: cannot read the previous run's units");
  Stmt rules(db, "SELECT rule, findings, episodes_with_error FROM rule_counts WHERE run_id = ?");
  if (!rules.ok()) return rules.error();
  rules.bind(1, id);
  while ((rc = rules.step()) == SQLITE_ROW) {
    p.per_rule[rules.text(0)] = {p.total.episodes, rules.u64(1), rules.u64(2)};
  }
  if (rc != SQLITE_DONE) return db_error(db, "history: cannot read the previous run's rules");
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Scope

std::string scope_key(const CheckOptions& o) {
  if (o.unit.empty() && o.rule_glob.empty() && !o.from && !o.to && o.episode_id.empty()) {
    return "all";
  }
  std::string s = "unit=" + o.unit + ";rule=" + o.rule_glob;
  s += ";from=" + (o.from ? o.from->date_string() : std::string());
  s += ";to=" + (o.to ? o.to->date_string() : std::string());
  s += ";episode=" + o.episode_id;
  return s;
}

double TrendPoint::error_rate() const {
  return episodes == 0 ? 0.0
                       : static_cast<double>(episodes_with_error) / static_cast<double>(episodes);
}

// ---------------------------------------------------------------------------------------------
// Opening and migrating

Result<HistoryDb> HistoryDb::open(const std::string& path, bool create) {
  std::error_code ec;
  if (!create && !fs::exists(path, ec)) {
    return Status::not_found("no history database at " + path);
  }
  if (fs::is_directory(path, ec)) {
    return Status::invalid_input("history database " + path + " is a directory");
  }
  if (create) {
    // The folder of a new database is created like the report folder (0750 under umask 027).
    fs::path folder = fs::path(path).parent_path();
    if (!folder.empty() && !fs::exists(folder, ec)) {
      fs::create_directories(folder, ec);
      if (ec) {
        return Status::io_error("cannot create the folder of history database " + path + ": " +
                                ec.message());
      }
    }
  }
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
    Status s = db_error(raw, "cannot open history database " + path);
    sqlite3_close(raw);
    return s;
  }
  HistoryDb db(raw, path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  // WAL: readers do not block the nightly writer; a killed writer leaves only uncommitted
  // frames in the -wal file, which the next open ignores.
  {
    Stmt wal(raw, "PRAGMA journal_mode=WAL");
    if (!wal.ok() || wal.step() != SQLITE_ROW) {
      int code = sqlite3_errcode(raw);
      if (code == SQLITE_NOTADB || (code & 0xff) == SQLITE_NOTADB) {
        return Status::invalid_input(path + " is not an nprcheck history database (not SQLite)");
      }
      return db_error(raw, "cannot open history database " + path);
    }
  }
  if (Status s = exec(raw, "PRAGMA synchronous=FULL; PRAGMA cache_size=-65536", "history " + path);
      !s) {
    return s;
  }

  // Migrations, in one transaction.
  if (Status s = exec(raw, "BEGIN IMMEDIATE", "history " + path); !s) return s;
  auto rollback = [&](Status s) {
    (void)exec(raw, "ROLLBACK", "rollback");
    return s;
  };
  int version = 0;
  {
    Stmt meta(raw, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
    if (!meta.ok()) return rollback(meta.error());
    if (meta.step() != SQLITE_ROW) return rollback(db_error(raw, "history " + path));
    bool has_meta = meta.i64(0) > 0;
    if (has_meta) {
      Stmt v(raw, "SELECT value FROM meta WHERE key = 'schema_version'");
      if (!v.ok()) return rollback(v.error());
      Stmt app(raw, "SELECT value FROM meta WHERE key = 'application'");
      if (!app.ok()) return rollback(app.error());
      if (app.step() != SQLITE_ROW || app.text(0) != "nprcheck" || v.step() != SQLITE_ROW) {
        return rollback(Status::invalid_input(path + " is an SQLite database, but not an "
                                                     "nprcheck history (no nprcheck meta table)"));
      }
      version = static_cast<int>(v.i64(0));
    } else {
      Stmt any(raw, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
      if (!any.ok()) return rollback(any.error());
      if (any.step() != SQLITE_ROW) return rollback(db_error(raw, "history " + path));
      if (any.i64(0) > 0) {
        return rollback(Status::invalid_input(path + " is an SQLite database, but not an "
                                                     "nprcheck history (it has other tables)"));
      }
    }
  }
  if (version > kHistorySchemaVersion) {
    return rollback(Status::invalid_input(
        "history database " + path + " was written by a newer nprcheck (schema version " +
        std::to_string(version) + "; this nprcheck knows versions up to " +
        std::to_string(kHistorySchemaVersion) +
        "). Use that newer nprcheck, or give another history file; the database was not "
        "changed."));
  }
  for (const auto& m : history_migrations()) {
    if (m.version <= version) continue;
    if (Status s = exec(raw, m.sql,
                        "history " + path + ": migration to schema version " +
                            std::to_string(m.version) + " (" + m.description + ") failed");
        !s) {
      return rollback(s);
    }
    Stmt set(raw, "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)");
    if (!set.ok()) return rollback(set.error());
    set.bind(1, std::to_string(m.version));
    if (Status s = set.run("history: cannot record the schema version"); !s) return rollback(s);
    version = m.version;
  }
  if (Status s = exec(raw, "COMMIT", "history " + path); !s) return rollback(s);
  return db;
}

HistoryDb::HistoryDb(HistoryDb&& other) noexcept : db_(other.db_), path_(std::move(other.path_)) {
  other.db_ = nullptr;
}

HistoryDb& HistoryDb::operator=(HistoryDb&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = other.db_;
    path_ = std::move(other.path_);
    other.db_ = nullptr;
  }
  return *this;
}

HistoryDb::~HistoryDb() { sqlite3_close(db_); }

int HistoryDb::schema_version() const {
  Stmt v(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (!v.ok() || v.step() != SQLITE_ROW) return 0;
  return static_cast<int>(v.i64(0));
}

Status HistoryDb::check_integrity() {
  Stmt s(db_, "PRAGMA integrity_check");
  if (!s.ok()) return s.error();
  if (s.step() != SQLITE_ROW) return db_error(db_, "integrity check");
  std::string result = s.text(0);
  if (result != "ok") return Status::invalid_input("history " + path_ + ": " + result);
  return Status::ok();
}

// ---------------------------------------------------------------------------------------------
// Recording a run

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

// ---------------------------------------------------------------------------------------------
// Queries

Result<std::vector<RunInfo>> HistoryDb::list_runs(const std::string& scope, size_t limit) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs";
  if (!scope.empty()) sql += " WHERE scope = ?";
  sql += " ORDER BY id DESC";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return s.error();
  if (!scope.empty()) s.bind(1, scope);
  std::vector<RunInfo> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_run(s));
  if (rc != SQLITE_DONE) return db_error(db_, "history: cannot list runs");
  return out;
}

Result<RunInfo> HistoryDb::run(int64_t id) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?";
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return s.error();
  s.bind(1, id);
  int rc = s.step();
  if (rc == SQLITE_ROW) return read_run(s);
  if (rc == SQLITE_DONE) {
    return Status::not_found("no run " + std::to_string(id) + " in the history " + path_);
  }
  return db_error(db_, "history: cannot read run " + std::to_string(id));
}

Result<std::string> HistoryDb::run_manifest_json(int64_t id) {
  Stmt s(db_, "SELECT manifest FROM runs WHERE id = ?");
  if (!s.ok()) return s.error();
  s.bind(1, id);
  int rc = s.step();
  if (rc == SQLITE_ROW) return s.text(0);
  if (rc == SQLITE_DONE) {
    return Status::not_found("no run " + std::to_string(id) + " in the history " + path_);
  }
  return db_error(db_, "history: cannot read run " + std::to_string(id));
}

Result<std::vector<StoredFinding>> HistoryDb::run_findings(int64_t id) {
  Stmt s(db_,
         "SELECT fingerprint, occurrence, rule, rule_version, severity, episode, unit, codes, "
         "message, status, first_seen, nights, waived FROM findings WHERE run_id = ? "
         "ORDER BY seq");
  if (!s.ok()) return s.error();
  s.bind(1, id);
  std::vector<StoredFinding> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    StoredFinding f;
    f.fingerprint = s.hex(0);
    f.occurrence = static_cast<int>(s.i64(1));
    f.rule = s.text(2);
    f.rule_version = static_cast<int>(s.i64(3));
    f.severity = s.text(4);
    f.episode = s.text(5);
    f.unit = s.text(6);
    f.codes = s.text(7);
    f.message = s.text(8);
    f.status = s.text(9);
    f.first_seen = s.text(10);
    f.nights = static_cast<int>(s.i64(11));
    f.waived = s.i64(12) != 0;
    out.push_back(std::move(f));
  }
  if (rc != SQLITE_DONE) return db_error(db_, "history: cannot read the findings of a run");
  return out;
}

Result<std::optional<RunInfo>> HistoryDb::latest_run(const std::string& scope) {
  auto runs = list_runs(scope, 1);
  if (!runs) return runs.status();
  if (runs->empty()) return std::optional<RunInfo>();
  return std::optional<RunInfo>(runs->front());
}

namespace {

constexpr const char* kTrendColumns =
    "r.id, r.started, r.scope, u.unit, u.unit_name, u.episodes, u.episodes_with_error, "
    "u.findings, u.new_findings, u.resolved";

Result<std::vector<TrendPoint>> read_trend(sqlite3* db, Stmt& s) {
  std::vector<TrendPoint> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    TrendPoint p;
    p.run_id = s.i64(0);
    p.started = s.text(1);
    p.scope = s.text(2);
    p.unit = s.text(3);
    p.unit_name = s.text(4);
    p.episodes = s.u64(5);
    p.episodes_with_error = s.u64(6);
    p.findings = s.u64(7);
    p.new_findings = s.u64(8);
    p.resolved = s.u64(9);
    out.push_back(std::move(p));
  }
  if (rc != SQLITE_DONE) return db_error(db, "history: cannot read unit figures");
  return out;
}

}  // namespace

Result<std::vector<TrendPoint>> HistoryDb::run_units(int64_t id) {
  std::string sql = std::string("SELECT ") + kTrendColumns +
                    " FROM unit_counts u JOIN runs r ON r.id = u.run_id WHERE r.id = ? "
                    "ORDER BY u.unit";
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return s.error();
  s.bind(1, id);
  return read_trend(db_, s);
}

Result<std::vector<TrendPoint>> HistoryDb::trend(const std::string& unit,
                                                 const std::string& scope) {
  std::string sql = std::string("SELECT ") + kTrendColumns +
                    " FROM unit_counts u JOIN runs r ON r.id = u.run_id WHERE u.unit = ?";
  if (!scope.empty()) sql += " AND r.scope = ?";
  sql += " ORDER BY r.id";
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return s.error();
  s.bind(1, unit);
  if (!scope.empty()) s.bind(2, scope);
  return read_trend(db_, s);
}

Result<PruneResult> HistoryDb::prune(int keep_days, const std::string& today) {
  if (keep_days < 0) return Status::usage("--keep-days must be 0 or more");
  auto day = parse_date_time(today);
  if (!day || today.size() != 10) return Status::usage("not a date (YYYY-MM-DD): " + today);
  DateTime cutoff{day->seconds - static_cast<int64_t>(keep_days) * 86400};
  const std::string before = cutoff.date_string();

  if (Status s = exec(db_, "BEGIN IMMEDIATE", "history " + path_ + ": cannot prune"); !s) {
    return s;
  }
  auto fail = [&](Status s) {
    (void)exec(db_, "ROLLBACK", "rollback");
    return s;
  };
  // The runs to delete: started before the cutoff day, and not the newest run of its scope.
  if (Status s = exec(db_,
                      "CREATE TEMP TABLE IF NOT EXISTS prune_runs (id INTEGER PRIMARY KEY); "
                      "DELETE FROM prune_runs;",
                      "history: cannot prune");
      !s) {
    return fail(s);
  }
  Stmt pick(db_,
            "INSERT INTO prune_runs (id) SELECT id FROM runs WHERE substr(started, 1, 10) < ? "
            "AND id NOT IN (SELECT max(id) FROM runs GROUP BY scope)");
  if (!pick.ok()) return fail(pick.error());
  pick.bind(1, before);
  if (Status s = pick.run("history: cannot prune"); !s) return fail(s);
  PruneResult result;
  {
    Stmt count(db_,
               "SELECT (SELECT count(*) FROM prune_runs), (SELECT count(*) FROM findings "
               "WHERE run_id IN (SELECT id FROM prune_runs))");
    if (!count.ok() || count.step() != SQLITE_ROW) return fail(db_error(db_, "history: prune"));
    result.runs = count.u64(0);
    result.findings = count.u64(1);
  }
  if (Status s = exec(db_,
                      "DELETE FROM findings WHERE run_id IN (SELECT id FROM prune_runs); "
                      "DELETE FROM unit_counts WHERE run_id IN (SELECT id FROM prune_runs); "
                      "DELETE FROM rule_counts WHERE run_id IN (SELECT id FROM prune_runs); "
                      "DELETE FROM runs WHERE id IN (SELECT id FROM prune_runs); "
                      "DELETE FROM prune_runs;",
                      "history: cannot prune");
      !s) {
    return fail(s);
  }
  if (Status s = exec(db_, "COMMIT", "history: cannot commit the prune"); !s) return fail(s);
  return result;
}

}  // namespace nprcheck
