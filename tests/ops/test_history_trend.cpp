// The unit pages' trend from the history: each unit's figures over the last runs of the scope,
// and exactly the findings resolved since the previous run.
#include <catch2/catch.hpp>

#include "nprcheck/history_trend.hpp"
#include "ops_test_util.hpp"

using namespace nprcheck;
using nprcheck::test::history_manifest;
using nprcheck::test::make_finding;

namespace {

const auto kE = Severity::kError;
const auto kW = Severity::kWarning;

}  // namespace

TEST_CASE("report trend: earlier runs per unit and the resolved findings", "[history][trend]") {
  test::TempDir dir;
  auto db = HistoryDb::open(dir.file("h.sqlite"));
  REQUIRE(db);
  // Three committed nights, then a fourth being recorded (as during a check run).
  std::vector<Finding> n1 = {make_finding("KODE-001", 1, kE, "E-1", "4200", {"A000"}),
                             make_finding("KODE-001", 1, kE, "E-2", "4200", {"A010"}),
                             make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"})};
  REQUIRE(record_run(*db, "all", history_manifest("2025-01-06T02:00:00"), n1));
  std::vector<Finding> n2 = n1;
  REQUIRE(record_run(*db, "all", history_manifest("2025-01-07T02:00:00"), n2));
  // Another scope in between is not part of this trend.
  std::vector<Finding> adhoc = {make_finding("KODE-001", 1, kE, "E-9", "4200", {"A000"})};
  REQUIRE(record_run(
      *db, "unit=4200;rule=;from=;to=;episode=", history_manifest("2025-01-07T10:00:00"), adhoc));
  std::vector<Finding> n3 = {make_finding("KODE-001", 1, kE, "E-1", "4200", {"A000"}),
                             make_finding("KODE-001", 1, kE, "E-2", "4200", {"A010"}),
                             make_finding("KODE-002", 1, kE, "E-4", "4300", {"AAA10"}),
                             make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"})};
  REQUIRE(record_run(*db, "all", history_manifest("2025-01-08T02:00:00"), n3));

  auto rec = db->begin_run("all", "2025-01-09T02:00:00");
  REQUIRE(rec);
  std::vector<Finding> n4 = {make_finding("KODE-001", 1, kE, "E-1", "4200", {"A000"}),
                             make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"})};
  for (auto& f : n4) REQUIRE(rec->add(f));
  auto summary = rec->summarize();
  REQUIRE(summary);

  auto trend = load_report_trend(*db, *summary, 2);
  REQUIRE(trend);
  // The last two committed runs of scope "all", oldest first; this run is not among them.
  REQUIRE(trend->per_unit.at("4200").size() == 2);
  CHECK(trend->per_unit.at("4200")[0].started == "2025-01-07T02:00:00");
  CHECK(trend->per_unit.at("4200")[1].started == "2025-01-08T02:00:00");
  CHECK(trend->per_unit.at("4200")[1].findings == 2);
  CHECK(trend->per_unit.at("4300")[1].findings == 2);
  CHECK(trend->per_unit.at("4200")[1].episodes == 10);
  // Resolved since 2025-01-08: E-2 (KODE-001) and E-4 (KODE-002), in that run's order.
  REQUIRE(trend->resolved.size() == 2);
  CHECK(trend->resolved[0].episode == "E-2");
  CHECK(trend->resolved[0].rule == "KODE-001");
  CHECK(trend->resolved[0].unit == "4200");
  CHECK(trend->resolved[0].codes == "A010");
  CHECK(trend->resolved[1].episode == "E-4");
  CHECK(trend->resolved[1].severity == "error");
  CHECK_FALSE(trend->resolved_truncated);
  CHECK(trend->resolved.size() == summary->total.resolved);

  // All earlier runs when asked for more than there are.
  auto all = load_report_trend(*db, *summary, 12);
  REQUIRE(all);
  CHECK(all->per_unit.at("4200").size() == 3);
}
