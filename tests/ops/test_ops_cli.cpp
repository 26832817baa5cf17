// The ops commands of the executable: `nprcheck config check`, `nprcheck history ...`.
// (These run the nprcheck binary: build the `nprcheck` target first.)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "nprcheck/history.hpp"
#include "nprcheck/run_lock.hpp"
#include "ops_test_util.hpp"

using namespace nprcheck;
using nprcheck::test::make_finding;
using nprcheck::test::run_nprcheck;

namespace {

void require_binary() {
  INFO("build the nprcheck target first: " NPRCHECK_BINARY);
  REQUIRE(std::filesystem::exists(NPRCHECK_BINARY));
}

// A history with three nightly runs and one ad-hoc run.
void make_history(const std::string& path) {
  auto db = HistoryDb::open(path);
  REQUIRE(db);
  for (int night = 0; night < 3; ++night) {
    std::vector<Finding> f;
    for (int i = night; i < night + 4; ++i) {
      f.push_back(make_finding(
          i % 2 == 1 ? "KODE-001" : "BV-001", 1, i % 2 == 1 ? Severity::kError : Severity::kWarning,
          "E-17-00004" + std::to_string(i), i < 3 ? "4200" : "4300", {"K703"}));
    }
    auto m = test::make_manifest("2025-01-0" + std::to_string(6 + night) + "T02:00:00",
                                 {{"4200", 20}, {"4300", 10}}, {"KODE-001", "BV-001"});
    REQUIRE(record_run(*db, "all", m, f));
  }
  std::vector<Finding> one = {
      make_finding("KODE-001", 1, Severity::kError, "E-17-000041", "4200", {"K703"})};
  REQUIRE(record_run(*db, "unit=4200;rule=;from=;to=;episode=",
                     test::make_manifest("2025-01-08T10:00:00", {{"4200", 20}}, {"KODE-001"}),
                     one));
}

}  // namespace

TEST_CASE("cli: config check prints the effective settings of a valid file", "[cli]") {
  require_binary();
  auto r = run_nprcheck("config check " + test::testdata("config/nightly.yaml"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("# history scope: all"));
  CHECK_THAT(r.out, Catch::Contains("umask: \"027\""));
  CHECK_THAT(r.out, Catch::Contains("lock_wait: 900"));
  CHECK_THAT(r.out, Catch::Contains(test::testdata("config/extracts/2017-03-01.xml")));
  CHECK_THAT(r.err, Catch::Contains("is valid"));
}

TEST_CASE("cli: config check reports errors with position and exits 2", "[cli]") {
  require_binary();
  const std::string bad = test::testdata("config/broken/unknown-key.yaml");
  auto r = run_nprcheck("config check " + bad);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains(bad + ":3:1: error: unknown key 'histroy' in the config "
                                          "file; did you mean 'history'?"));
  CHECK_THAT(r.err, Catch::Contains("\n  histroy: history.sqlite\n  ^"));

  // A path that does not exist, at the key's line.
  test::TempDir dir;
  test::write_file(dir.path() / "c.yaml", "out: r\ntables: no-such-tables\n");
  auto missing = run_nprcheck("config check " + dir.file("c.yaml"));
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains(dir.file("c.yaml") + ":2:9: error: 'tables':"));

  // The waivers file named is loaded too.
  test::write_file(dir.path() / "w.yaml",
                   "out: r\nwaivers: " + test::testdata("waivers/broken/unknown-key.yaml") + "\n");
  auto waivers = run_nprcheck("config check " + dir.file("w.yaml"));
  CHECK(waivers.exit_code == 2);
  CHECK_THAT(waivers.err, Catch::Contains("unknown-key.yaml:3:3: error: unknown key 'reson'"));

  CHECK(run_nprcheck("config check").exit_code == 2);
  CHECK(run_nprcheck("config frobnicate x.yaml").exit_code == 2);
  auto help = run_nprcheck("config check --help");
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("examples:"));
}

TEST_CASE("cli: config check warns about an input glob with no file yet", "[cli]") {
  require_binary();
  const std::string cfg = test::testdata("config/broken/no-match.yaml");
  auto lenient = run_nprcheck("config check " + cfg);
  CHECK(lenient.exit_code == 0);
  CHECK_THAT(lenient.err, Catch::Contains("warning: input pattern 'no-such-folder/*.xml'"));
  auto strict = run_nprcheck("config check --inputs-must-match " + cfg);
  CHECK(strict.exit_code == 2);
}

TEST_CASE("cli: history list, show, trend", "[cli]") {
  require_binary();
  test::TempDir dir;
  const std::string db = dir.file("h.sqlite");
  make_history(db);

  auto list = run_nprcheck("history list --db " + db);
  CHECK(list.exit_code == 0);
  CHECK_THAT(list.out, Catch::Contains("2025-01-08 10:00"));
  CHECK_THAT(list.out, Catch::Contains("unit=4200;rule=;from=;to=;episode="));

  auto json = run_nprcheck("history list --json --scope all --db " + db);
  REQUIRE(json.exit_code == 0);
  auto runs = nlohmann::json::parse(json.out);
  REQUIRE(runs.size() == 3);
  CHECK(runs[0]["id"] == 3);
  CHECK(runs[0]["new_findings"] == 1);
  CHECK(runs[0]["persisting"] == 3);
  CHECK(runs[0]["resolved"] == 1);
  CHECK(runs[0]["previous_run"] == 2);
  CHECK(runs[2]["previous_run"].is_null());

  auto show = run_nprcheck("history show 2 --findings --db " + db);
  CHECK(show.exit_code == 0);
  CHECK_THAT(show.out, Catch::Contains("compared with run 1"));
  CHECK_THAT(show.out, Catch::Contains("new 1, persisting 3, resolved 1"));
  CHECK_THAT(show.out, Catch::Contains("Medisinsk avdeling"));
  CHECK_THAT(show.out, Catch::Contains("E-17-000044"));

  auto show_json = run_nprcheck("history show 2 --findings --json --db " + db);
  REQUIRE(show_json.exit_code == 0);
  auto run = nlohmann::json::parse(show_json.out);
  REQUIRE(run["findings"].size() == 4);
  CHECK(run["findings"][0]["fingerprint"].get<std::string>().size() == 64);
  CHECK(run["manifest"]["started"] == "2025-01-07T02:00:00");

  auto trend = run_nprcheck("history trend --unit 4200 --scope all --json --db " + db);
  REQUIRE(trend.exit_code == 0);
  auto points = nlohmann::json::parse(trend.out);
  REQUIRE(points.size() == 3);
  CHECK(points[0]["episodes"] == 20);
  CHECK(points[0]["episodes_with_error"] == 1);  // E-17-000041
  CHECK(points[0]["error_rate"].get<double>() == Approx(0.05));
  auto text = run_nprcheck("history trend --unit 4200 --db " + db);
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("5.0%"));

  CHECK(run_nprcheck("history show 99 --db " + db).exit_code == 2);
  CHECK(run_nprcheck("history trend --db " + db).exit_code == 2);
  CHECK(run_nprcheck("history list").exit_code == 2);
  CHECK(run_nprcheck("history list --db " + dir.file("none.sqlite")).exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(dir.file("none.sqlite")));  // not created by a query
}

TEST_CASE("cli: history takes the database from --config", "[cli]") {
  require_binary();
  test::TempDir dir;
  make_history(dir.file("state/h.sqlite"));
  test::write_file(dir.path() / "nightly.yaml", "history: state/h.sqlite\n");
  auto r = run_nprcheck("history list --json --config " + dir.file("nightly.yaml"));
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out).size() == 4);
}

TEST_CASE("cli: history refuses a database from a newer nprcheck", "[cli]") {
  require_binary();
  test::TempDir dir;
  const std::string db = dir.file("h.sqlite");
  make_history(db);
  REQUIRE(test::exec_sql(db, "UPDATE meta SET value = '7' WHERE key = 'schema_version'"));
  auto r = run_nprcheck("history list --db " + db);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("written by a newer nprcheck (schema version 7"));
}

TEST_CASE("cli: history prune, and prune waits for the run lock", "[cli]") {
  require_binary();
  test::TempDir dir;
  const std::string db = dir.file("h.sqlite");
  make_history(db);

  // A check run holds the lock: prune gives up clearly.
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(ready[0]);
    auto lock = RunLock::acquire(lock_path_for(db), 0);
    char c = lock ? 'y' : 'n';
    if (::write(ready[1], &c, 1) != 1) ::_exit(3);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char c = 0;
  const ssize_t got = ::read(ready[0], &c, 1);
  ::close(ready[0]);
  auto blocked = run_nprcheck("history prune --keep-days 0 --lock-wait 0 --db " + db);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  REQUIRE(got == 1);
  REQUIRE(c == 'y');
  CHECK(blocked.exit_code == 2);
  CHECK_THAT(blocked.err, Catch::Contains("another nprcheck run holds the history lock"));
  CHECK_THAT(blocked.err, Catch::Contains("(pid " + std::to_string(pid) + " since"));
  CHECK(test::query_int(db, "SELECT count(*) FROM runs") == 4);

  auto pruned = run_nprcheck("history prune --keep-days 1 --today 2025-01-08 --db " + db);
  CHECK(pruned.exit_code == 0);
  CHECK_THAT(pruned.out, Catch::Contains("pruned 1 run(s) and 4 finding(s)"));
  CHECK(test::query_int(db, "SELECT count(*) FROM runs") == 3);
  CHECK(run_nprcheck("history prune --db " + db).exit_code == 2);  // --keep-days required
}
