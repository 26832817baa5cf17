// NightlyRun: the lock, the history and the waivers of a check run, as the engine uses them.
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "nprcheck/history.hpp"
#include "nprcheck/history_trend.hpp"
#include "nprcheck/run_lock.hpp"
#include "ops_test_util.hpp"

using namespace nprcheck;
using nprcheck::test::make_finding;

namespace {

const auto kE = Severity::kError;
const auto kW = Severity::kWarning;

RunManifest manifest(const std::string& started) {
  return test::make_manifest(started, {{"4200", 10}, {"4300", 5}}, {"KODE-001", "BV-001"});
}

struct Night {
  test::TempDir dir;
  CheckOptions options;
  std::string stage;
  std::string ndjson;
  Night() {
    spdlog::set_level(spdlog::level::err);  // keep the test output quiet
    options.history_db = dir.file("state/history.sqlite");
    options.waivers_file = dir.file("waivers.yaml");
    options.lock_wait_seconds = 0;
    stage = dir.file("stage");
    std::filesystem::create_directories(stage);
    ndjson = stage + "/findings.ndjson";
    test::write_file(options.waivers_file,
                     "waivers:\n"
                     "  - rule: BV-001\n    episode: E-3\n    reason: Avklart\n    who: kari\n"
                     "    until: 2025-01-08\n"
                     "  - rule: KODE-001\n    episode: E-9\n    reason: Rettet\n    who: ola\n"
                     "    until: 2025-12-31\n");
  }
};

}  // namespace

TEST_CASE("nightly: two nights with history, waivers and the lock", "[nightly]") {
  Night n;
  const std::string lock_file = lock_path_for(n.options.history_db);

  // Night 1.
  std::vector<Finding> first = {
      make_finding("KODE-001", 1, kE, "E-1", "4200", {"A000"}),
      make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}),
      make_finding("KODE-001", 1, kE, "E-2", "4200", {"A010"}),
  };
  REQUIRE(write_ndjson(n.ndjson, vector_source(first)));
  Diagnostics d1;
  auto run1 = NightlyRun::start(n.options, d1);
  REQUIRE(run1);
  CHECK(run1->active());
  CHECK_FALSE(RunLock::acquire(lock_file, 0));  // held for the whole run
  REQUIRE(run1->annotate(n.ndjson, n.stage, "2025-01-06T02:00:00", d1));
  REQUIRE(run1->summary() != nullptr);
  CHECK(run1->summary()->total.new_findings == 2);  // the BV-001 finding is waived
  CHECK(run1->new_errors() == 2);
  CHECK_FALSE(run1->summary()->previous);
  CHECK(run1->waiver_report().outcomes.at(0).state == WaiverState::kApplied);
  CHECK(run1->waiver_report().outcomes.at(1).state == WaiverState::kUnmatched);
  // The unmatched waiver is a warning at its line.
  auto all = d1.all();
  REQUIRE(all.size() == 1);
  CHECK(all[0].level == DiagnosticLevel::kWarning);
  CHECK(all[0].line == 7);
  auto waivers_json = nlohmann::json::parse(test::slurp(n.stage + "/waivers.json"));
  CHECK(waivers_json["findings_waived"] == 1);
  CHECK(waivers_json["waivers"][1]["state"] == "unmatched");
  REQUIRE(run1->finish(manifest("2025-01-06T02:00:00"), true));
  CHECK_FALSE(RunLock::acquire(lock_file, 0));  // still held: the reports are published under it
  run1->release();
  CHECK(RunLock::acquire(lock_file, 0));  // released

  std::vector<Finding> back;
  REQUIRE(ndjson_source(n.ndjson)([&](const Finding& f) { back.push_back(f); }));
  REQUIRE(back.size() == 3);
  CHECK(back[1].waived);
  CHECK(back[0].novelty == Finding::Novelty::kNew);

  // Night 2: E-2 fixed, E-4 new; the waiver has expired (until 2025-01-08).
  std::vector<Finding> second = {
      make_finding("KODE-001", 1, kE, "E-1", "4200", {"A000"}),
      make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}),
      make_finding("KODE-001", 1, kE, "E-4", "4300", {"A009"}),
  };
  REQUIRE(write_ndjson(n.ndjson, vector_source(second)));
  Diagnostics d2;
  auto run2 = NightlyRun::start(n.options, d2);
  REQUIRE(run2);
  REQUIRE(run2->annotate(n.ndjson, n.stage, "2025-01-08T02:00:00", d2));
  const RunSummary* s = run2->summary();
  REQUIRE(s != nullptr);
  CHECK(s->total.new_findings == 1);  // E-4 (E-3's is persisting, no longer waived)
  CHECK(s->total.persisting == 2);    // E-1, E-3
  CHECK(s->total.resolved == 1);      // E-2
  CHECK(run2->new_errors() == 1);
  // The reports' trend reads the run being recorded through the same connection.
  REQUIRE(run2->history() != nullptr);
  auto trend = load_report_trend(*run2->history(), *s);
  REQUIRE(trend);
  REQUIRE(trend->resolved.size() == 1);
  CHECK(trend->resolved[0].episode == "E-2");
  CHECK(trend->per_unit.at("4200").size() == 1);
  REQUIRE(s->previous);
  CHECK(s->previous->started == "2025-01-06T02:00:00");
  CHECK(s->previous->total.findings == 2);
  CHECK(run2->waiver_report().outcomes.at(0).state == WaiverState::kExpiredDate);
  bool expired_warning = false;
  for (const auto& x : d2.all()) {
    expired_warning |= x.message.find("waiver for rule BV-001 has expired") != std::string::npos;
  }
  CHECK(expired_warning);
  REQUIRE(run2->finish(manifest("2025-01-08T02:00:00"), true));
  run2->release();  // what the check does once the reports are published

  // Night 3 did not check everything: it is not recorded.
  Diagnostics d3;
  auto run3 = NightlyRun::start(n.options, d3);
  REQUIRE(run3);
  REQUIRE(run3->annotate(n.ndjson, n.stage, "2025-01-09T02:00:00", d3));
  REQUIRE(run3->finish(manifest("2025-01-09T02:00:00"), false));
  CHECK(test::query_int(n.options.history_db, "SELECT count(*) FROM runs") == 2);
}

TEST_CASE("nightly: a held lock, a bad waivers file and a newer history stop the run",
          "[nightly]") {
  Night n;
  SECTION("the lock is held") {
    std::filesystem::create_directories(n.dir.path() / "state");
    auto other = RunLock::acquire(lock_path_for(n.options.history_db), 0);
    REQUIRE(other);
    Diagnostics d;
    auto run = NightlyRun::start(n.options, d);
    REQUIRE_FALSE(run);
    REQUIRE(d.error_count() == 1);
    CHECK_THAT(d.all()[0].message, Catch::Contains("another nprcheck run holds the history lock"));
  }
  SECTION("the waivers file has an error") {
    test::write_file(n.options.waivers_file, "- rule: BV-001\n  episode: E-3\n  reson: x\n");
    Diagnostics d;
    auto run = NightlyRun::start(n.options, d);
    REQUIRE_FALSE(run);
    CHECK(d.has_errors());
    CHECK(d.all()[0].line == 3);
    std::filesystem::create_directories(n.dir.path() / "state");
    CHECK(RunLock::acquire(lock_path_for(n.options.history_db), 0));  // not left held
    CHECK_FALSE(std::filesystem::exists(n.options.history_db));       // nor the history touched
  }
  SECTION("the history is from a newer nprcheck") {
    { REQUIRE(HistoryDb::open(n.options.history_db)); }
    REQUIRE(test::exec_sql(n.options.history_db,
                           "UPDATE meta SET value = '9' WHERE key = 'schema_version'"));
    Diagnostics d;
    auto run = NightlyRun::start(n.options, d);
    REQUIRE_FALSE(run);
    CHECK_THAT(d.all()[0].message, Catch::Contains("newer nprcheck"));
  }
}

TEST_CASE("nightly: without history and waivers nothing happens", "[nightly]") {
  test::TempDir dir;
  CheckOptions options;
  Diagnostics d;
  auto run = NightlyRun::start(options, d);
  REQUIRE(run);
  CHECK_FALSE(run->active());
  test::write_file(dir.path() / "findings.ndjson", "not even json\n");
  CHECK(run->annotate(dir.file("findings.ndjson"), dir.file(""), "2025-01-06T02:00:00", d));
  CHECK(run->summary() == nullptr);
  CHECK(run->new_errors() == 0);
  CHECK(run->finish(RunManifest{}, true));
  CHECK(test::slurp(dir.file("findings.ndjson")) == "not even json\n");
  CHECK_FALSE(d.has_errors());
}
