// The run history in SQLite: the scope key, opening and migrating the database (the migrations
// themselves are in history_schema.cpp). The run transaction is in history_run.cpp, the
// fingerprint bookkeeping in history_fingerprints.cpp, the queries in history_query.cpp.
#include "nprcheck/history.hpp"

#include <sqlite3.h>

#include <filesystem>

#include "history_sql.hpp"
#include "nprcheck/date.hpp"

namespace nprcheck {

namespace fs = std::filesystem;
using namespace history_detail;

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

}  // namespace nprcheck
