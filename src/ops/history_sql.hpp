#pragma once
/// Shared by the history's source files (not installed): SQLite helpers, the prepared statement
/// wrapper, fingerprint and run-row conversions.

#include <sqlite3.h>

#include <string>

#include "nprcheck/history.hpp"

namespace nprcheck::history_detail {

inline constexpr int kBusyTimeoutMs = 60'000;

inline Status db_error(sqlite3* db, const std::string& what) {
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

inline Status exec(sqlite3* db, const char* sql, const std::string& what) {
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
inline std::string fingerprint_blob(const std::string& hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  auto nibble = [](char c) { return c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0'; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1]));
  }
  return out;
}

inline std::string join_codes(const Finding& f) {
  std::string s;
  for (const auto& c : f.codes) {
    if (!s.empty()) s += ' ';
    s += c.verdi;
  }
  return s;
}

inline constexpr const char* kRunColumns =
    "id, started, finished, scope, tool_version, rules_hash, episodes, episodes_with_error, "
    "findings, errors, waived, new_findings, persisting, resolved, previous_run_id";

inline RunInfo read_run(Stmt& s) {
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
inline Result<PreviousRun> load_previous(sqlite3* db, int64_t id) {
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

}  // namespace nprcheck::history_detail
