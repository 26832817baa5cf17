// Fault injection: the nightly run is killed (SIGKILL) at random moments and at every step of its
// commit (reports written, set sealed, history committed, set published), 25 times with a fixed
// seed. After each kill: the history passes PRAGMA integrity_check, OUT shows exactly the
// previous report set or the new one (complete), and the history and the reports agree (at
// once, or after the recovery the next run does first).
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "hardening_util.hpp"
#include "nprcheck/history.hpp"
#include "nprcheck/output_stage.hpp"

namespace h = nprcheck::hardening;
namespace fs = std::filesystem;

namespace {

/// Starts `argv` with `env` added, kills it with SIGKILL after `delay` (unless it ended before).
/// Returns true when the kill ended it.
bool run_and_kill(const std::vector<std::string>& argv, std::chrono::microseconds delay) {
  std::vector<std::string> copy = argv;
  std::vector<char*> args;
  for (auto& s : copy) args.push_back(s.data());
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  std::this_thread::sleep_for(delay);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status);
}

/// The set OUT/current points to, checked to be complete: its run.json names it, and
/// findings.ndjson holds as many findings as run.json counts.
std::string complete_current_set(const fs::path& out) {
  const std::string set = nprcheck::current_report_set(out);
  REQUIRE_FALSE(set.empty());
  auto run = nlohmann::json::parse(h::slurp(out / set / "run.json"), nullptr, false);
  REQUIRE_FALSE(run.is_discarded());
  CHECK(run["report_set"] == set);
  std::ifstream in(out / set / "findings.ndjson");
  uint64_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  CHECK(lines == run["counts"]["findings"].get<uint64_t>());
  CHECK(fs::is_regular_file(out / "html" / "index.html"));
  return set;
}

/// The report set the newest run in the history wrote ("" when there is no run).
std::string history_newest_set(nprcheck::HistoryDb& db) {
  auto runs = db.list_runs({}, 1);
  REQUIRE(runs);
  if (runs->empty()) return {};
  auto manifest = db.run_manifest_json(runs->front().id);
  REQUIRE(manifest);
  return nlohmann::json::parse(*manifest).value("report_set", std::string());
}

}  // namespace

TEST_CASE("kill -9 at random points of the nightly run: history intact, reports and history agree",
          "[hardening][crash]") {
  auto dir = h::fresh_dir("crash");
  const fs::path out = dir / "out", db_path = dir / "history.sqlite";
  const std::string example = h::kTestdata + "/example";
  // Two nights that differ, so that the previous and the new set can be told apart.
  auto args_for = [&](int night) {
    std::vector<std::string> inputs = {h::kGoodXml};
    if (night % 2 == 1) inputs.push_back(example);
    auto a = h::check_args(inputs, out,
                           {"--history", db_path.string(), "--units", example + "/units.csv"});
    a.insert(a.begin(), h::kBinary);
    return a;
  };
  auto start = std::chrono::steady_clock::now();
  auto first = h::run_child(args_for(0));
  const auto run_time = std::chrono::steady_clock::now() - start;
  INFO(h::describe(first));
  REQUIRE(first.exit_code == 1);

  std::mt19937 random(13);  // deterministic: the same kills every time
  const char* kPoints[] = {"reports-written", "sealed", "history-committed", "published"};
  const auto max_delay = std::chrono::duration_cast<std::chrono::microseconds>(run_time) * 5 / 4;
  int killed = 0, ahead = 0;
  for (int i = 1; i <= 25; ++i) {
    const std::string before_set = nprcheck::current_report_set(out);
    const auto before_files = h::all_files(out / before_set);
    std::string how;
    if (i % 3 == 0) {
      // At each named step of the commit in turn (each twice).
      const char* point = kPoints[(i / 3) % 4];
      how = std::string("at ") + point;
      auto r = h::run_child(
          args_for(i),
          {.timeout_seconds = 120, .env = {{"NPRCHECK_TEST_FAULT", point}}, .cwd = {}});
      killed += r.signal == SIGKILL ? 1 : 0;
      CHECK(r.signal == SIGKILL);
    } else {
      auto delay = std::chrono::microseconds(random() % std::max<int64_t>(1, max_delay.count()));
      how = "after " + std::to_string(delay.count()) + " us";
      killed += run_and_kill(args_for(i), delay) ? 1 : 0;
    }
    INFO("kill " << i << " " << how);

    auto db = nprcheck::HistoryDb::open(db_path.string(), false);
    REQUIRE(db);
    CHECK(db->check_integrity());
    // OUT: exactly the previous set, or a complete new one.
    const std::string now_set = complete_current_set(out);
    if (now_set == before_set) CHECK(h::all_files(out / now_set) == before_files);
    // The history and the reports agree, or the history is one run ahead (killed between the
    // history commit and the publish) and its set is sealed in OUT, for the recovery.
    std::string newest = history_newest_set(*db);
    if (newest != now_set) {
      ++ahead;
      CHECK(newest > now_set);
      CHECK(fs::is_regular_file(out / newest / "run.json"));
    }
    // The recovery the next run starts with: then they agree exactly.
    REQUIRE(nprcheck::recover_report_sets(
        out, [&](const std::string& set) { return db->has_report_set(set).value(); }));
    CHECK(complete_current_set(out) == newest);
    CHECK(h::leftover_stages(out).empty());
  }
  CHECK(killed >= 10);  // most runs were really killed part way
  CHECK(ahead >= 2);    // the kills between history commit and publish were recovered

  auto last = h::run_child(args_for(0));
  INFO(h::describe(last));
  CHECK(last.exit_code == 1);
  auto db = nprcheck::HistoryDb::open(db_path.string(), false);
  REQUIRE(db);
  CHECK(history_newest_set(*db) == complete_current_set(out));
  size_t sets = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    sets += e.path().filename().string().rfind("set-", 0) == 0 ? 1 : 0;
  }
  CHECK(sets == 1);
}

TEST_CASE("recovery publishes only a recorded set newer than the published one",
          "[hardening][crash]") {
  auto dir = h::fresh_dir("recover");
  const fs::path out = dir / "out";
  // pid 999999999 is above any pid_max: these are sets of dead runs.
  const std::string older = "set-20250101T020000.000000Z-999999999",
                    published = "set-20250102T020000.000000Z-999999999",
                    recorded = "set-20250103T020000.000000Z-999999999",
                    unrecorded = "set-20250104T020000.000000Z-999999999";
  for (const auto& s : {older, published, recorded, unrecorded}) {
    h::write_file(out / s / "run.json", "{\"report_set\": \"" + s + "\"}\n");
  }
  h::write_file(out / ".nprcheck-stage-999999999" / "findings.ndjson", "half\n");
  fs::create_symlink(published, out / "current");
  std::vector<std::string> asked;
  auto committed = [&](const std::string& set) {
    asked.push_back(set);
    return set == older || set == recorded;  // the older one was recorded too, long ago
  };
  REQUIRE(nprcheck::recover_report_sets(out, committed));
  CHECK(nprcheck::current_report_set(out) == recorded);
  CHECK(fs::is_symlink(out / "run.json"));
  CHECK(h::slurp(out / "run.json").find(recorded) != std::string::npos);
  CHECK_FALSE(fs::exists(out / older));       // recorded, but older than the published set
  CHECK_FALSE(fs::exists(out / published));   // replaced
  CHECK_FALSE(fs::exists(out / unrecorded));  // newer, but its run never committed
  CHECK_FALSE(fs::exists(out / ".nprcheck-stage-999999999"));
  CHECK(std::find(asked.begin(), asked.end(), older) == asked.end());  // not even asked
}
