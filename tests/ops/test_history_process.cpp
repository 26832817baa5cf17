// The history across processes: a writer killed with SIGKILL in the middle of recording leaves
// the database exactly as before; two writers at once (with the run lock) do not corrupt it;
// the run lock itself.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "nprcheck/history.hpp"
#include "nprcheck/run_lock.hpp"
#include "ops_test_util.hpp"

using namespace nprcheck;
using nprcheck::test::make_finding;
using nprcheck::test::make_manifest;

namespace {

int g_notify_fd = -1;

// Test hook of the child writer: tells the parent how far it got (a byte on a pipe).
void notify_parent(uint64_t /*added*/) {
  char c = 'x';
  if (::write(g_notify_fd, &c, 1) != 1) ::_exit(5);
}

RunManifest manifest(const std::string& started) {
  return make_manifest(started, {{"4200", 100000}, {"4300", 100000}}, {"KODE-001", "BV-001"});
}

// Finding number i: a distinct episode each, real codes.
Finding numbered(uint64_t i) {
  static const char* kCodes[] = {"A000", "A001", "A009", "A010"};
  auto f = make_finding(i % 3 == 0 ? "BV-001" : "KODE-001", 1,
                        i % 3 == 0 ? Severity::kWarning : Severity::kError,
                        "E-" + std::to_string(i), i % 2 == 0 ? "4200" : "4300", {kCodes[i % 4]});
  f.message = "Kode " + std::string(kCodes[i % 4]) + " er ikke gyldig for episoden " +
              std::to_string(i) + std::string(120, '.');
  return f;
}

// Waits for a child; its exit code, or 128 + signal.
int wait_child(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

off_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

}  // namespace

TEST_CASE("history: a writer killed with SIGKILL mid-transaction leaves the database as before",
          "[history][process]") {
  test::TempDir dir;
  const std::string path = dir.file("history.sqlite");
  int64_t first_run = 0;
  {
    auto db = HistoryDb::open(path);
    REQUIRE(db);
    std::vector<Finding> night;
    for (uint64_t i = 0; i < 200; ++i) night.push_back(numbered(i));
    auto s = record_run(*db, "all", manifest("2025-01-06T02:00:00"), night);
    REQUIRE(s);
    first_run = s->run_id;
  }
  const std::string before = test::dump_database(path);
  REQUIRE(before.find("findings:") != std::string::npos);

  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child: a nightly writer that never gets to commit.
    ::close(fds[0]);
    g_notify_fd = fds[1];
    auto lock = RunLock::acquire(lock_path_for(path), 0);
    if (!lock) ::_exit(2);
    auto db = HistoryDb::open(path);
    if (!db) ::_exit(3);
    auto rec = db->begin_run("all", "2025-01-07T02:00:00");
    if (!rec) ::_exit(4);
    rec->set_test_hook(2000, notify_parent);
    for (uint64_t i = 100;; ++i) {  // until killed
      Finding f = numbered(i);
      f.message += std::string(3000, '-');  // fill SQLite's page cache sooner
      if (!rec->add(f)) ::_exit(6);
    }
  }
  ::close(fds[1]);
  // Every 2000 findings the child says so and goes on. Once its page cache has spilled
  // uncommitted pages into the write-ahead log, it is killed in the middle of writing.
  ssize_t got = 0;
  for (int progress = 0; progress < 200; ++progress) {
    char c = 0;
    got = ::read(fds[0], &c, 1);
    if (got != 1 || file_size(path + "-wal") > 0) break;
  }
  ::kill(pid, SIGKILL);
  const int child = wait_child(pid);
  ::close(fds[0]);
  REQUIRE(got == 1);
  REQUIRE(child == 128 + SIGKILL);
  // The child had written uncommitted pages to the write-ahead log when it died.
  CHECK(file_size(path + "-wal") > 0);

  // The next run finds the lock free (the kernel dropped the dead child's) and the history as
  // it was: same rows, intact, and the new run is compared with the run before the killed one.
  auto lock = RunLock::acquire(lock_path_for(path), 0);
  REQUIRE(lock);
  CHECK(test::dump_database(path) == before);
  auto db = HistoryDb::open(path);
  REQUIRE(db);
  CHECK(db->check_integrity());
  CHECK(test::dump_database(path) == before);
  auto runs = db->list_runs();
  REQUIRE(runs);
  REQUIRE(runs->size() == 1);
  std::vector<Finding> night;
  for (uint64_t i = 100; i < 300; ++i) night.push_back(numbered(i));
  auto s = record_run(*db, "all", manifest("2025-01-07T02:00:00"), night);
  REQUIRE(s);
  CHECK(*s->previous_run_id == first_run);
  CHECK(s->total.persisting == 100);
  CHECK(s->total.new_findings == 100);
  CHECK(s->total.resolved == 100);
}

TEST_CASE("history: two concurrent writers holding the run lock do not corrupt the history",
          "[history][process]") {
  test::TempDir dir;
  const std::string path = dir.file("history.sqlite");
  int go[2];
  REQUIRE(::pipe(go) == 0);
  std::fflush(nullptr);
  std::vector<pid_t> children;
  for (int k = 0; k < 2; ++k) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(go[1]);
      char c = 0;
      if (::read(go[0], &c, 1) != 1) ::_exit(7);  // start together
      auto lock = RunLock::acquire(lock_path_for(path), 300);
      if (!lock) ::_exit(2);
      auto db = HistoryDb::open(path);
      if (!db) ::_exit(3);
      // Writer 0 has findings 0..2999, writer 1 findings 1000..3999.
      std::vector<Finding> night;
      const uint64_t base = 1000 * static_cast<uint64_t>(k);
      for (uint64_t i = base; i < base + 3000; ++i) night.push_back(numbered(i));
      auto s = record_run(*db, "all", manifest("2025-01-0" + std::to_string(6 + k) + "T02:00:00"),
                          night);
      ::_exit(s ? 0 : 4);
    }
    children.push_back(pid);
  }
  ::close(go[0]);
  REQUIRE(::write(go[1], "gg", 2) == 2);
  ::close(go[1]);
  for (pid_t pid : children) CHECK(wait_child(pid) == 0);

  auto db = HistoryDb::open(path);
  REQUIRE(db);
  CHECK(db->check_integrity());
  auto runs = db->list_runs();
  REQUIRE(runs);
  REQUIRE(runs->size() == 2);
  const RunInfo& second = (*runs)[0];
  const RunInfo& first = (*runs)[1];
  CHECK_FALSE(first.previous_run_id);
  CHECK(first.new_findings == 3000);
  REQUIRE(second.previous_run_id);
  CHECK(*second.previous_run_id == first.id);
  // Whichever ran first, the two sets share 2000 findings.
  CHECK(second.new_findings == 1000);
  CHECK(second.persisting == 2000);
  CHECK(second.resolved == 1000);
  CHECK(test::query_int(path, "SELECT count(*) FROM findings") == 6000);
}

TEST_CASE("run lock: a second process fails clearly while the first holds it", "[lock][process]") {
  test::TempDir dir;
  const std::string lock_file = lock_path_for(dir.file("history.sqlite"));
  CHECK(lock_file == dir.file("history.sqlite.lock"));
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(ready[0]);
    auto lock = RunLock::acquire(lock_file, 0);
    if (!lock) ::_exit(2);
    char c = 'r';
    if (::write(ready[1], &c, 1) != 1) ::_exit(3);
    for (;;) ::pause();  // hold it until killed
  }
  ::close(ready[1]);
  char c = 0;
  const ssize_t got = ::read(ready[0], &c, 1);
  ::close(ready[0]);
  auto second = RunLock::acquire(lock_file, 0);
  const std::string holder = describe_lock_holder(lock_file);
  ::kill(pid, SIGKILL);
  CHECK(wait_child(pid) == 128 + SIGKILL);
  REQUIRE(got == 1);
  REQUIRE_FALSE(second);
  CHECK_THAT(second.status().message(),
             Catch::Contains("another nprcheck run holds the history lock " + lock_file));
  CHECK_THAT(second.status().message(), Catch::Contains("(pid " + std::to_string(pid) + " since "));
  CHECK_THAT(holder, Catch::StartsWith("pid " + std::to_string(pid) + " since 20"));

  // The holder died: the lock is free again.
  auto third = RunLock::acquire(lock_file, 0);
  REQUIRE(third);
  CHECK_THAT(describe_lock_holder(lock_file),
             Catch::StartsWith("pid " + std::to_string(::getpid())));
}

TEST_CASE("run lock: waiting gives up when asked to stop", "[lock]") {
  test::TempDir dir;
  const std::string lock_file = dir.file("h.sqlite.lock");
  auto first = RunLock::acquire(lock_file, 0);
  REQUIRE(first);
  // flock locks belong to the open file: a second open in this process conflicts as well.
  int asked = 0;
  auto second = RunLock::acquire(lock_file, 3600, [&] { return ++asked >= 3; });
  REQUIRE_FALSE(second);
  CHECK(asked == 3);
  CHECK_THAT(second.status().message(), Catch::Contains("stopped while waiting"));
  first->release();
  auto third = RunLock::acquire(lock_file, 0);
  CHECK(third);
}

TEST_CASE("run lock: an unusable lock path is an error", "[lock]") {
  test::TempDir dir;
  test::write_file(dir.path() / "plain-file", "x");
  const std::string path = dir.file("plain-file") + "/h.sqlite.lock";  // under a file
  auto lock = RunLock::acquire(path, 0);
  REQUIRE_FALSE(lock);
  CHECK_THAT(lock.status().message(), Catch::Contains(path));
}
