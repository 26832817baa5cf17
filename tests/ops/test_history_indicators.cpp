// Indicator counts in the run history: migration, store, load, and re-checking a month
// replaces it instead of adding to it.
#include <catch2/catch.hpp>

#include "nprcheck/config.hpp"
#include "nprcheck/history.hpp"
#include "nprcheck/history_indicators.hpp"
#include "ops_test_util.hpp"

using namespace nprcheck;

namespace {

IndicatorRow row(const std::string& unit, int period, const std::string& ind, uint64_t num,
                 uint64_t den) {
  return {unit, "Enhet " + unit, period, ind, num, den};
}

// Opens (creates and migrates) a history and records one empty run; returns its id.
int64_t new_run(const std::string& path, const std::string& started) {
  auto db = HistoryDb::open(path);
  REQUIRE(db);
  std::vector<Finding> none;
  RunManifest m;
  m.started = started;
  auto s = record_run(*db, "all", m, none);
  REQUIRE(s);
  return s->run_id;
}

}  // namespace

TEST_CASE("history indicators: the migration adds the table", "[history][indicators]") {
  test::TempDir dir;
  const std::string path = dir.file("h.sqlite");
  auto db = HistoryDb::open(path);
  REQUIRE(db);
  CHECK(db->schema_version() == 3);
  CHECK(test::query_int(path,
                        "SELECT count(*) FROM sqlite_master WHERE name = "
                        "'indicator_counts'") == 1);
  auto rows = load_indicator_history(path);
  REQUIRE(rows);
  CHECK(rows->empty());
}

TEST_CASE("history indicators: re-checking a month replaces it, other months stay",
          "[history][indicators]") {
  test::TempDir dir;
  const std::string path = dir.file("h.sqlite");
  int64_t run1 = new_run(path, "2025-01-06T02:00:00");
  IndicatorCoverage jan_feb;
  jan_feb.rows = {row("4200", 201701, "IND-002", 10, 200), row("4300", 201701, "IND-002", 5, 100),
                  row("4200", 201702, "IND-002", 12, 200)};
  REQUIRE(store_indicator_counts(path, run1, jan_feb));

  // The second run checks February again (only unit 4200 had episodes now) and March.
  int64_t run2 = new_run(path, "2025-01-07T02:00:00");
  IndicatorCoverage feb_mar;
  feb_mar.rows = {row("4200", 201702, "IND-002", 20, 210), row("4200", 201703, "IND-002", 7, 190)};
  feb_mar.rows[1].version = 2;  // counted with a newer definition
  REQUIRE(store_indicator_counts(path, run2, feb_mar));
  auto rows = load_indicator_history(path);
  REQUIRE(rows);
  REQUIRE(rows->size() == 4);
  uint64_t den_feb = 0;
  for (const auto& r : *rows) den_feb += r.period == 201702 ? r.denominator : 0;
  CHECK(den_feb == 210);  // replaced, not 200 + 210
  CHECK((*rows)[0].version == 1);
  CHECK((*rows)[2].period == 201703);
  CHECK((*rows)[2].version == 2);
  CHECK(test::query_int(path, "SELECT count(*) FROM indicator_counts WHERE run_id = " +
                                  std::to_string(run1)) == 2);

  // Storing the same run's counts again changes nothing (idempotent).
  REQUIRE(store_indicator_counts(path, run2, feb_mar));
  CHECK(test::query_int(path, "SELECT count(*) FROM indicator_counts") == 4);
}

TEST_CASE("history indicators: a run filtered by unit replaces only its units' months",
          "[history][indicators]") {
  test::TempDir dir;
  const std::string path = dir.file("h.sqlite");
  int64_t run1 = new_run(path, "2025-01-06T02:00:00");
  IndicatorCoverage all;
  all.rows = {row("4200", 201701, "IND-002", 10, 200), row("4300", 201701, "IND-002", 5, 100)};
  REQUIRE(store_indicator_counts(path, run1, all));
  int64_t run2 = new_run(path, "2025-01-07T02:00:00");
  IndicatorCoverage one;
  one.whole_months = false;
  one.rows = {row("4300", 201701, "IND-002", 8, 100)};
  REQUIRE(store_indicator_counts(path, run2, one));
  auto rows = load_indicator_history(path);
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].unit == "4200");
  CHECK((*rows)[0].numerator == 10);
  CHECK((*rows)[1].numerator == 8);
}

TEST_CASE("history indicators: merging a run over the stored months", "[history][indicators]") {
  std::vector<IndicatorRow> stored = {row("4200", 201701, "IND-001", 1, 10),
                                      row("4300", 201701, "IND-001", 2, 10),
                                      row("4200", 201702, "IND-001", 3, 10)};
  IndicatorCoverage run;
  run.rows = {row("4200", 201702, "IND-001", 4, 10)};
  auto merged = merge_indicator_rows(stored, run);
  REQUIRE(merged.size() == 3);
  CHECK(merged.back().numerator == 4);
  run.rows = {row("4200", 201701, "IND-001", 5, 10)};
  merged = merge_indicator_rows(stored, run);  // January for every unit
  REQUIRE(merged.size() == 2);
  run.whole_months = false;
  merged = merge_indicator_rows(stored, run);  // January of 4200 only
  REQUIRE(merged.size() == 3);
}

TEST_CASE("history indicators: a missing database is an error, not a crash",
          "[history][indicators]") {
  test::TempDir dir;
  auto rows = load_indicator_history(dir.file("nope/h.sqlite"));
  CHECK_FALSE(rows);
  IndicatorCoverage c;
  CHECK_FALSE(store_indicator_counts(dir.file("nope/h.sqlite"), 1, c));
}

TEST_CASE("config: the indicators folder", "[config][indicators]") {
  test::TempDir dir;
  test::write_file(dir.path() / "c.yaml", "out: reports\nindicators: /srv/nprcheck/indicators\n");
  CheckOptions o;
  Diagnostics d;
  REQUIRE(load_config(dir.file("c.yaml"), o, d));
  CHECK(o.indicators_dir == "/srv/nprcheck/indicators");
  const std::string yaml = effective_config_yaml(o);
  CHECK(yaml.find("indicators: /srv/nprcheck/indicators") != std::string::npos);
  CheckOptions defaults;
  CHECK(effective_config_yaml(defaults).find("indicators: ~  # the bundled indicators") !=
        std::string::npos);
}
