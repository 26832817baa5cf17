#pragma once
// Helpers shared by the ops tests: temporary folders, findings with real codes, database dumps,
// running the nprcheck executable.

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "nprcheck/finding.hpp"
#include "nprcheck/manifest.hpp"

namespace nprcheck::test {

/// A fresh folder under the system temp folder, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "nprcheck-ops-XXXXXX").string();
    char* made = ::mkdtemp(templ.data());
    if (made == nullptr) std::abort();
    path_ = made;
  }
  TempDir(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// Writes `text` to `path` (creating folders).
inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

/// The whole content of a file ("" if it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// testdata/<rel>.
inline std::string testdata(const std::string& rel) {
  return std::string(NPRCHECK_TESTDATA) + "/" + rel;
}

/// Unit names of the test units (testdata/units.csv).
inline std::string unit_name_of(const std::string& unit) {
  if (unit == "4200") return "Medisinsk avdeling";
  if (unit == "4300") return "Kirurgisk avdeling";
  if (unit == "4400") return "Kvinneklinikken";
  return "";
}

/// A finding; codes are values from the real tables of testdata/tables/2017.
inline Finding make_finding(const std::string& rule, int version, Severity severity,
                            const std::string& episode, const std::string& unit,
                            std::initializer_list<const char*> codes,
                            const std::string& file = "extract.xml") {
  Finding f;
  f.rule_id = rule;
  f.rule_version = version;
  f.severity = severity;
  f.message = "Funn for " + rule;
  f.file = file;
  f.line = 10;
  f.episode_id = episode;
  f.pasient_nr = "P-" + episode;
  f.avdeling = unit;
  f.unit = unit;
  f.unit_name = unit_name_of(unit);
  f.dato = "2017-03-01";
  for (const char* c : codes) {
    FindingCode fc;
    fc.verdi = c;
    fc.table_year = 2017;
    f.codes.push_back(fc);
  }
  return f;
}

/// A manifest with `episodes` per unit and the given rules.
inline RunManifest make_manifest(const std::string& started,
                                 std::initializer_list<std::pair<const char*, uint64_t>> units,
                                 std::initializer_list<const char*> rules) {
  RunManifest m;
  m.tool_version = "0.1.0";
  m.rules_hash = std::string(64, 'a');
  m.started = started;
  m.finished = started;
  for (const auto& [unit, episodes] : units) {
    UnitCounts& uc = m.per_unit[unit];
    uc.unit = unit;
    uc.unit_name = unit_name_of(unit);
    uc.episodes = episodes;
    m.episodes += episodes;
  }
  for (const char* r : rules) {
    ManifestRule mr;
    mr.id = r;
    m.rules.push_back(mr);
  }
  return m;
}

/// The manifest of the history tests: units 4200 (10 episodes) and 4300 (5), three rules.
inline RunManifest history_manifest(const std::string& started) {
  return make_manifest(started, {{"4200", 10}, {"4300", 5}}, {"KODE-001", "KODE-002", "BV-001"});
}

/// Every row of every table of an SQLite file, as text (for "unchanged" comparisons).
inline std::string dump_database(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return "<cannot open>";
  }
  std::string out;
  std::vector<std::string> tables;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_master ORDER BY name", -1, &s, nullptr);
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string name = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    const auto* sql = sqlite3_column_text(s, 1);
    out +=
        "schema " + name + ": " + (sql != nullptr ? reinterpret_cast<const char*>(sql) : "") + "\n";
    if (sql != nullptr &&
        std::string(reinterpret_cast<const char*>(sql)).rfind("CREATE TABLE", 0) == 0) {
      tables.push_back(name);
    }
  }
  sqlite3_finalize(s);
  for (const auto& t : tables) {
    std::string sql = "SELECT * FROM \"" + t + "\" ORDER BY 1, 2";
    sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW) {
      out += t + ":";
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        const auto* v = sqlite3_column_text(s, i);
        out += std::string(" ") + (v != nullptr ? reinterpret_cast<const char*>(v) : "NULL");
      }
      out += "\n";
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

/// Runs one SQL statement (or several) on an SQLite file; false on error.
inline bool exec_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    return false;
  }
  bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

/// One integer from an SQL query (-1 on error).
inline long long query_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  long long v = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      v = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return v;
}

/// Exit status and captured output of one nprcheck command.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `nprcheck ARGS` (a shell fragment), capturing stdout and stderr.
inline RunResult run_nprcheck(const std::string& args) {
  static int counter = 0;
  auto base = std::filesystem::temp_directory_path() /
              ("nprcheck-ops-run-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::string out_file = base.string() + ".out", err_file = base.string() + ".err";
  std::string cmd = std::string(NPRCHECK_BINARY) + " " + args + " >" + out_file + " 2>" + err_file;
  int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out_file);
  r.err = slurp(err_file);
  std::filesystem::remove(out_file);
  std::filesystem::remove(err_file);
  return r;
}

}  // namespace nprcheck::test
