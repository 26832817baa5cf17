// Run history: exact new/persisting/resolved counts, scopes, previous-run figures, migrations,
// newer databases refused, prune.
#include <catch2/catch.hpp>

#include "nprcheck/history.hpp"
#include "ops_test_util.hpp"

using namespace nprcheck;
using nprcheck::test::make_finding;
using nprcheck::test::make_manifest;

namespace {

const auto kE = Severity::kError;
const auto kW = Severity::kWarning;

// Night 1: five findings in two units; BV-001 fires twice with the same codes in episode E3.
std::vector<Finding> night1() {
  return {
      make_finding("KODE-001", 1, kE, "E-1", "4200", {"A000"}),
      make_finding("KODE-001", 1, kE, "E-2", "4200", {"A010"}),
      make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}),
      make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}),
      make_finding("KODE-002", 1, kE, "E-4", "4300", {"AAA10"}),
  };
}

// Night 2, the extract changed and came in another order: E-4 and E-1 as before, E-2's code
// corrected to another (still wrong) code, one of E-3's two findings fixed, E-5 is new.
std::vector<Finding> night2() {
  return {
      make_finding("KODE-002", 1, kE, "E-4", "4300", {"AAA10"}, "other.xml"),
      make_finding("KODE-001", 1, kE, "E-1", "4200", {"A000"}, "other.xml"),
      make_finding("KODE-001", 1, kE, "E-2", "4200", {"A009"}, "other.xml"),
      make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}, "other.xml"),
      make_finding("BV-001", 1, kW, "E-5", "4200", {"AAB06K"}, "other.xml"),
  };
}

RunManifest manifest(const std::string& started) {
  return make_manifest(started, {{"4200", 10}, {"4300", 5}}, {"KODE-001", "KODE-002", "BV-001"});
}

}  // namespace

TEST_CASE("history: the first run of a scope has only new findings", "[history]") {
  test::TempDir dir;
  auto db = HistoryDb::open(dir.file("h.sqlite"));
  REQUIRE(db);
  CHECK(db->schema_version() == kHistorySchemaVersion);
  auto findings = night1();
  auto s = record_run(*db, "all", manifest("2025-01-06T02:00:00"), findings);
  REQUIRE(s);
  CHECK_FALSE(s->previous_run_id);
  CHECK_FALSE(s->previous);
  CHECK(s->total.new_findings == 5);
  CHECK(s->total.persisting == 0);
  CHECK(s->total.resolved == 0);
  CHECK(s->total.new_errors == 3);
  for (const auto& f : findings) {
    CHECK(f.novelty == Finding::Novelty::kNew);
    CHECK(f.first_seen == "2025-01-06");
    CHECK(f.nights == 1);
  }
  auto run = db->run(s->run_id);
  REQUIRE(run);
  CHECK(run->episodes == 15);
  CHECK(run->episodes_with_error == 3);  // E-1, E-2 (4200); E-4 (4300); E-3 only warnings
  CHECK(run->findings == 5);
  CHECK(run->errors == 3);
}

TEST_CASE("history: two runs over changed findings give exact new/persisting/resolved",
          "[history]") {
  test::TempDir dir;
  auto db = HistoryDb::open(dir.file("h.sqlite"));
  REQUIRE(db);
  auto first = night1();
  auto s1 = record_run(*db, "all", manifest("2025-01-06T02:00:00"), first);
  REQUIRE(s1);

  auto second = night2();
  auto s2 = record_run(*db, "all", manifest("2025-01-07T02:00:00"), second);
  REQUIRE(s2);
  REQUIRE(s2->previous_run_id);
  CHECK(*s2->previous_run_id == s1->run_id);
  CHECK(s2->previous_started == "2025-01-06T02:00:00");
  CHECK(s2->total.new_findings == 2);  // E-2 with A009, E-5
  CHECK(s2->total.persisting == 3);    // E-4, E-1, the first of E-3's two
  CHECK(s2->total.resolved == 2);      // E-2 with A010, the second of E-3's two
  CHECK(s2->total.new_errors == 1);    // E-2 (E-5 is a warning)

  CHECK(s2->per_unit.at("4200").new_findings == 2);
  CHECK(s2->per_unit.at("4200").persisting == 1);
  CHECK(s2->per_unit.at("4200").resolved == 1);
  CHECK(s2->per_unit.at("4300").new_findings == 0);
  CHECK(s2->per_unit.at("4300").persisting == 2);
  CHECK(s2->per_unit.at("4300").resolved == 1);
  CHECK(s2->per_rule.at("KODE-001").new_findings == 1);
  CHECK(s2->per_rule.at("KODE-001").persisting == 1);
  CHECK(s2->per_rule.at("KODE-001").resolved == 1);
  CHECK(s2->per_rule.at("BV-001").new_findings == 1);
  CHECK(s2->per_rule.at("BV-001").persisting == 1);
  CHECK(s2->per_rule.at("BV-001").resolved == 1);
  CHECK(s2->per_rule.at("KODE-002").persisting == 1);
  CHECK(s2->per_rule.at("KODE-002").new_findings == 0);

  // Each finding's own status, in the order given.
  using N = Finding::Novelty;
  CHECK(second[0].novelty == N::kPersisting);
  CHECK(second[0].first_seen == "2025-01-06");
  CHECK(second[0].nights == 2);
  CHECK(second[1].novelty == N::kPersisting);
  CHECK(second[2].novelty == N::kNew);
  CHECK(second[2].first_seen == "2025-01-07");
  CHECK(second[2].nights == 1);
  CHECK(second[3].novelty == N::kPersisting);
  CHECK(second[4].novelty == N::kNew);

  // The previous run's key figures, for summary.json's change since then.
  REQUIRE(s2->previous);
  CHECK(s2->previous->started == "2025-01-06T02:00:00");
  CHECK(s2->previous->total.episodes == 15);
  CHECK(s2->previous->total.findings == 5);
  CHECK(s2->previous->total.episodes_with_error == 3);
  CHECK(s2->previous->per_unit.at("4200").findings == 2);
  CHECK(s2->previous->per_unit.at("4200").episodes == 10);
  CHECK(s2->previous->per_unit.at("4200").episodes_with_error == 2);
  CHECK(s2->previous->per_unit.at("4300").findings == 3);
  CHECK(s2->previous->per_unit.at("4300").episodes_with_error == 1);
  CHECK(s2->previous->per_rule.at("BV-001").findings == 2);
  CHECK(s2->previous->per_rule.at("BV-001").episodes_with_error == 0);
  CHECK(s2->previous->per_rule.at("KODE-001").episodes_with_error == 2);

  // Night 3: KODE-001 got a new version (E-1 is a new finding again), E-3's finding is waived,
  // E-4 persists for the third night.
  std::vector<Finding> third = {
      make_finding("KODE-001", 2, kE, "E-1", "4200", {"A000"}),
      make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}),
      make_finding("KODE-002", 1, kE, "E-4", "4300", {"AAA10"}),
  };
  third[1].waived = true;
  third[1].waiver_reason = "godkjent";
  auto s3 = record_run(*db, "all", manifest("2025-01-08T02:00:00"), third);
  REQUIRE(s3);
  CHECK(*s3->previous_run_id == s2->run_id);
  CHECK(s3->total.new_findings == 1);  // KODE-001 v2 on E-1
  CHECK(s3->total.persisting == 1);    // E-4 (E-3's is persisting too, but waived)
  CHECK(s3->total.resolved == 3);      // KODE-001 v1 on E-1, E-2 with A009, E-5
  CHECK(third[0].novelty == N::kNew);
  CHECK(third[1].novelty == N::kPersisting);
  CHECK(third[1].waived);
  CHECK(third[1].nights == 3);
  CHECK(third[2].nights == 3);
  CHECK(third[2].first_seen == "2025-01-06");
  auto run3 = db->run(s3->run_id);
  REQUIRE(run3);
  CHECK(run3->waived == 1);
  CHECK(run3->findings == 2);

  // Stored findings: in the order recorded, with their status.
  auto stored = db->run_findings(s2->run_id);
  REQUIRE(stored);
  REQUIRE(stored->size() == 5);
  CHECK((*stored)[0].rule == "KODE-002");
  CHECK((*stored)[0].status == "persisting");
  CHECK((*stored)[2].codes == "A009");
  CHECK((*stored)[2].status == "new");
  CHECK((*stored)[0].fingerprint == fingerprint(second[0]));
}

TEST_CASE("history: runs are only compared within their scope", "[history]") {
  test::TempDir dir;
  auto db = HistoryDb::open(dir.file("h.sqlite"));
  REQUIRE(db);
  auto a = night1();
  auto s1 = record_run(*db, "all", manifest("2025-01-06T02:00:00"), a);
  REQUIRE(s1);

  CheckOptions filtered;
  filtered.unit = "4200";
  filtered.rule_glob = "KODE-*";
  const std::string scope = scope_key(filtered);
  CHECK(scope == "unit=4200;rule=KODE-*;from=;to=;episode=");
  CHECK(scope_key(CheckOptions{}) == "all");
  std::vector<Finding> adhoc = {make_finding("KODE-001", 1, kE, "E-1", "4200", {"A000"})};
  auto s2 = record_run(*db, scope, manifest("2025-01-06T10:00:00"), adhoc);
  REQUIRE(s2);
  CHECK_FALSE(s2->previous_run_id);  // the first run of that scope
  CHECK(s2->total.new_findings == 1);
  CHECK(s2->total.resolved == 0);

  auto b = night2();
  auto s3 = record_run(*db, "all", manifest("2025-01-07T02:00:00"), b);
  REQUIRE(s3);
  CHECK(*s3->previous_run_id == s1->run_id);  // not the ad-hoc run in between
  CHECK(s3->total.new_findings == 2);
  CHECK(s3->total.persisting == 3);
  CHECK(s3->total.resolved == 2);
}

TEST_CASE("history: an abandoned run leaves nothing behind", "[history]") {
  test::TempDir dir;
  const std::string path = dir.file("h.sqlite");
  auto db = HistoryDb::open(path);
  REQUIRE(db);
  auto a = night1();
  REQUIRE(record_run(*db, "all", manifest("2025-01-06T02:00:00"), a));
  const std::string before = test::dump_database(path);
  {
    auto rec = db->begin_run("all", "2025-01-07T02:00:00");
    REQUIRE(rec);
    auto b = night2();
    for (auto& f : b) REQUIRE(rec->add(f));
  }  // dropped without commit
  CHECK(test::dump_database(path) == before);
  auto runs = db->list_runs();
  REQUIRE(runs);
  CHECK(runs->size() == 1);
}

TEST_CASE("history: list, latest, trend", "[history]") {
  test::TempDir dir;
  auto db = HistoryDb::open(dir.file("h.sqlite"));
  REQUIRE(db);
  auto a = night1();
  auto b = night2();
  auto s1 = record_run(*db, "all", manifest("2025-01-06T02:00:00"), a);
  auto s2 = record_run(*db, "all", manifest("2025-01-07T02:00:00"), b);
  REQUIRE(s1);
  REQUIRE(s2);
  auto runs = db->list_runs();
  REQUIRE(runs);
  REQUIRE(runs->size() == 2);
  CHECK((*runs)[0].id == s2->run_id);  // newest first
  CHECK((*runs)[0].new_findings == 2);
  CHECK((*runs)[0].resolved == 2);
  CHECK((*runs)[0].previous_run_id == s1->run_id);
  auto latest = db->latest_run("all");
  REQUIRE(latest);
  REQUIRE(latest->has_value());
  CHECK((*latest)->id == s2->run_id);
  auto none = db->latest_run("unit=1;rule=;from=;to=;episode=");
  REQUIRE(none);
  CHECK_FALSE(none->has_value());

  auto trend = db->trend("4200");
  REQUIRE(trend);
  REQUIRE(trend->size() == 2);
  CHECK((*trend)[0].episodes == 10);
  CHECK((*trend)[0].episodes_with_error == 2);
  CHECK((*trend)[0].error_rate() == Approx(0.2));
  CHECK((*trend)[1].episodes_with_error == 2);  // E-1, E-2 (E-5 is a warning)
  CHECK((*trend)[1].new_findings == 2);
  CHECK((*trend)[1].resolved == 1);
  CHECK((*trend)[1].unit_name == "Medisinsk avdeling");

  auto manifest_text = db->run_manifest_json(s1->run_id);
  REQUIRE(manifest_text);
  auto m = run_manifest_from_json(*manifest_text);
  REQUIRE(m);
  CHECK(m->started == "2025-01-06T02:00:00");
  CHECK(m->per_unit.at("4300").episodes == 5);
  CHECK_FALSE(db->run(999));
  CHECK(db->run(999).status().code() == StatusCode::kNotFound);
}

TEST_CASE("history: a database from a newer nprcheck is refused and left as it is", "[history]") {
  test::TempDir dir;
  const std::string path = dir.file("h.sqlite");
  {
    auto db = HistoryDb::open(path);
    REQUIRE(db);
    auto a = night1();
    REQUIRE(record_run(*db, "all", manifest("2025-01-06T02:00:00"), a));
  }
  REQUIRE(test::exec_sql(path, "UPDATE meta SET value = '99' WHERE key = 'schema_version'"));
  const std::string before = test::dump_database(path);
  auto db = HistoryDb::open(path);
  REQUIRE_FALSE(db);
  CHECK(db.status().code() == StatusCode::kInvalidInput);
  CHECK_THAT(db.status().message(), Catch::Contains("newer nprcheck"));
  CHECK_THAT(db.status().message(), Catch::Contains("schema version 99"));
  CHECK_THAT(db.status().message(), Catch::Contains(path));
  CHECK(test::dump_database(path) == before);
}

TEST_CASE("history: files that are not an nprcheck history are refused", "[history]") {
  test::TempDir dir;
  SECTION("missing, without create") {
    auto db = HistoryDb::open(dir.file("none.sqlite"), false);
    REQUIRE_FALSE(db);
    CHECK(db.status().code() == StatusCode::kNotFound);
  }
  SECTION("not SQLite") {
    test::write_file(dir.file("junk.sqlite"), std::string(4096, 'x'));
    auto db = HistoryDb::open(dir.file("junk.sqlite"));
    REQUIRE_FALSE(db);
    CHECK_THAT(db.status().message(), Catch::Contains("not an nprcheck history"));
  }
  SECTION("another application's SQLite database") {
    REQUIRE(
        test::exec_sql(dir.file("other.sqlite"), "CREATE TABLE t (x); INSERT INTO t VALUES (1)"));
    auto db = HistoryDb::open(dir.file("other.sqlite"));
    REQUIRE_FALSE(db);
    CHECK_THAT(db.status().message(), Catch::Contains("not an nprcheck history"));
    CHECK(test::query_int(dir.file("other.sqlite"), "SELECT count(*) FROM t") == 1);
  }
}

TEST_CASE("history: migration from schema version 1 rebuilds the key figures exactly",
          "[history]") {
  test::TempDir dir;
  const std::string path = dir.file("h.sqlite");
  const char* kFigures =
      "SELECT group_concat(run_id || ':' || unit || ':' || unit_name || ':' || episodes || ':' || "
      "episodes_with_error || ':' || findings || ':' || errors || ':' || waived || ':' || "
      "new_findings || ':' || persisting || ':' || resolved, ' ') FROM (SELECT * FROM "
      "unit_counts ORDER BY run_id, unit)";
  std::string units_before, rules_before;
  {
    auto db = HistoryDb::open(path);
    REQUIRE(db);
    auto a = night1();
    auto b = night2();
    b[3].waived = true;
    REQUIRE(record_run(*db, "all", manifest("2025-01-06T02:00:00"), a));
    REQUIRE(record_run(*db, "all", manifest("2025-01-07T02:00:00"), b));
  }
  auto text = [&](const std::string& sql) {
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(raw, sql.c_str(), -1, &s, nullptr);
    std::string out;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    sqlite3_close(raw);
    return out;
  };
  const std::string kRules =
      "SELECT group_concat(run_id || ':' || rule || ':' || findings || ':' || "
      "episodes_with_error || ':' || waived || ':' || new_findings || ':' || persisting || ':' || "
      "resolved, ' ') FROM (SELECT * FROM rule_counts ORDER BY run_id, rule)";
  units_before = text(kFigures);
  rules_before = text(kRules);
  REQUIRE_FALSE(units_before.empty());
  REQUIRE_FALSE(rules_before.empty());

  // Take the database back to what version 1 had.
  REQUIRE(test::exec_sql(path,
                         "DROP TABLE unit_counts; DROP TABLE rule_counts; DROP TABLE "
                         "indicator_counts; UPDATE meta SET value = '1' WHERE key = "
                         "'schema_version'"));
  REQUIRE(test::query_int(path, "SELECT value FROM meta WHERE key = 'schema_version'") == 1);
  {
    auto db = HistoryDb::open(path);
    REQUIRE(db);
    CHECK(db->schema_version() == kHistorySchemaVersion);
    CHECK(db->check_integrity());
  }
  CHECK(text(kFigures) == units_before);
  CHECK(text(kRules) == rules_before);
  CHECK(history_migrations().back().version == kHistorySchemaVersion);
}

TEST_CASE("history: prune keeps recent runs and the newest run of every scope", "[history]") {
  test::TempDir dir;
  auto db = HistoryDb::open(dir.file("h.sqlite"));
  REQUIRE(db);
  std::vector<int64_t> ids;
  for (const char* started :
       {"2025-01-01T02:00:00", "2025-01-05T02:00:00", "2025-01-10T02:00:00"}) {
    auto f = night1();
    auto s = record_run(*db, "all", manifest(started), f);
    REQUIRE(s);
    ids.push_back(s->run_id);
  }
  std::vector<Finding> adhoc = {make_finding("KODE-001", 1, kE, "E-1", "4200", {"A000"})};
  auto old_adhoc =
      record_run(*db, "unit=4200;rule=;from=;to=;episode=", manifest("2025-01-02T09:00:00"), adhoc);
  REQUIRE(old_adhoc);

  auto bad = db->prune(3, "2025-13-01");
  CHECK_FALSE(bad);

  auto pruned = db->prune(3, "2025-01-10");  // before 2025-01-07 goes
  REQUIRE(pruned);
  CHECK(pruned->runs == 2);
  CHECK(pruned->findings == 10);
  auto runs = db->list_runs();
  REQUIRE(runs);
  REQUIRE(runs->size() == 2);
  CHECK((*runs)[0].id == old_adhoc->run_id);  // the only run of its scope: kept
  CHECK((*runs)[1].id == ids[2]);
  CHECK(db->check_integrity());

  // Tomorrow's run is still compared with the newest run of the scope.
  auto f = night2();
  auto s = record_run(*db, "all", manifest("2025-01-11T02:00:00"), f);
  REQUIRE(s);
  CHECK(*s->previous_run_id == ids[2]);
  CHECK(s->total.persisting == 3);

  // keep-days 0: only the newest run of each scope stays.
  auto all = db->prune(0, "2025-01-12");
  REQUIRE(all);
  CHECK(all->runs == 1);
  auto left = db->list_runs();
  REQUIRE(left);
  CHECK(left->size() == 2);
}

TEST_CASE("history: many findings with one fingerprint are told apart by occurrence", "[history]") {
  test::TempDir dir;
  auto db = HistoryDb::open(dir.file("h.sqlite"));
  REQUIRE(db);
  std::vector<Finding> a(4, make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}));
  REQUIRE(record_run(*db, "all", manifest("2025-01-06T02:00:00"), a));
  std::vector<Finding> b(6, make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}));
  auto s = record_run(*db, "all", manifest("2025-01-07T02:00:00"), b);
  REQUIRE(s);
  CHECK(s->total.persisting == 4);
  CHECK(s->total.new_findings == 2);
  std::vector<Finding> c(1, make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}));
  auto s3 = record_run(*db, "all", manifest("2025-01-08T02:00:00"), c);
  REQUIRE(s3);
  CHECK(s3->total.persisting == 1);
  CHECK(s3->total.resolved == 5);
  CHECK(c[0].nights == 3);
}

TEST_CASE("history: the nightly step rewrites findings.ndjson with waivers and status",
          "[history]") {
  test::TempDir dir;
  const std::string ndjson = dir.file("findings.ndjson");
  auto db = HistoryDb::open(dir.file("h.sqlite"));
  REQUIRE(db);
  std::vector<Waiver> waivers(1);
  waivers[0].rule = "BV-001";
  waivers[0].episode = "E-3";
  waivers[0].reason = "Avklart";
  waivers[0].who = "kari";
  waivers[0].until = *parse_date_time("2025-02-01");

  auto night = [&](std::vector<Finding> findings, const char* started) {
    REQUIRE(write_ndjson(ndjson, vector_source(findings)));
    WaiverMatcher matcher(waivers, *parse_date_time(std::string(started).substr(0, 10)));
    auto rec = db->begin_run("all", started);
    REQUIRE(rec);
    auto n = annotate_findings(ndjson_source(ndjson), ndjson, &matcher, &*rec);
    REQUIRE(n);
    CHECK(*n == findings.size());
    auto early = rec->summarize();  // for the reports, before the commit
    REQUIRE(early);
    Finding late;
    CHECK_FALSE(rec->add(late));  // counts are final
    auto done = rec->commit(manifest(started));
    REQUIRE(done);
    CHECK(done->total.new_findings == early->total.new_findings);
    CHECK(done->total.resolved == early->total.resolved);
    CHECK(matcher.report().outcomes[0].state == WaiverState::kApplied);
    return *done;
  };
  night(night1(), "2025-01-06T02:00:00");
  RunSummary s2 = night(night2(), "2025-01-07T02:00:00");
  CHECK(s2.total.new_findings == 2);
  CHECK(s2.total.persisting == 2);  // E-4, E-1 (E-3's persists, but is waived)
  CHECK(s2.total.resolved == 1);    // E-2 with A010 (E-3's were waived the night before)
  CHECK_FALSE(std::filesystem::exists(ndjson + ".tmp"));

  std::vector<Finding> back;
  REQUIRE(ndjson_source(ndjson)([&](const Finding& f) { back.push_back(f); }));
  REQUIRE(back.size() == 5);
  CHECK(back[0].rule_id == "KODE-002");
  CHECK(back[0].novelty == Finding::Novelty::kPersisting);
  CHECK(back[0].first_seen == "2025-01-06");
  CHECK(back[0].nights == 2);
  CHECK(back[3].rule_id == "BV-001");
  CHECK(back[3].waived);
  CHECK(back[3].waiver_reason == "Avklart (kari, til 2025-02-01)");
  CHECK(back[4].novelty == Finding::Novelty::kNew);

  // Only the waivers, no history: status stays unknown.
  REQUIRE(write_ndjson(ndjson, vector_source(night1())));
  WaiverMatcher matcher(waivers, *parse_date_time("2025-01-08"));
  auto n = annotate_findings(ndjson_source(ndjson), ndjson, &matcher, nullptr);
  REQUIRE(n);
  back.clear();
  REQUIRE(ndjson_source(ndjson)([&](const Finding& f) { back.push_back(f); }));
  CHECK(back[0].novelty == Finding::Novelty::kUnknown);
  CHECK(back[2].waived);
  CHECK(back[3].waived);
}

TEST_CASE("history: an episode sent twice in one run keeps its occurrences apart", "[history]") {
  test::TempDir dir;
  auto db = HistoryDb::open(dir.file("h.sqlite"));
  REQUIRE(db);
  // E-3 comes twice (in two files), with E-4 between: the same fingerprint in two stretches.
  std::vector<Finding> a = {
      make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}, "a.xml"),
      make_finding("KODE-002", 1, kE, "E-4", "4300", {"AAA10"}, "a.xml"),
      make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}, "b.xml"),
  };
  auto s1 = record_run(*db, "all", manifest("2025-01-06T02:00:00"), a);
  REQUIRE(s1);
  CHECK(s1->total.new_findings == 3);
  auto stored = db->run_findings(s1->run_id);
  REQUIRE(stored);
  CHECK((*stored)[0].occurrence == 0);
  CHECK((*stored)[2].occurrence == 1);
  // The next night E-3 is sent once, with the finding twice.
  std::vector<Finding> b = {
      make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}),
      make_finding("BV-001", 1, kW, "E-3", "4300", {"AAA00"}),
      make_finding("KODE-002", 1, kE, "E-4", "4300", {"AAA10"}),
  };
  auto s2 = record_run(*db, "all", manifest("2025-01-07T02:00:00"), b);
  REQUIRE(s2);
  CHECK(s2->total.persisting == 3);
  CHECK(s2->total.new_findings == 0);
  CHECK(s2->total.resolved == 0);
}
