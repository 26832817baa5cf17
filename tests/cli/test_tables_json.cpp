// `nprcheck tables` with this year's tables and the JSON download: source, layout, hash,
// period, and the exit code of --code --date that scripts use.
#include <catch2/catch.hpp>
#include <string>

#include "engine/run_util.hpp"

using nprcheck::test::run_nprcheck;

namespace {
const std::string kTestdata = NPRCHECK_TESTDATA;
}  // namespace

TEST_CASE("tables lists 2024-2026 ICD-10 and says procedure systems after 2017 are unchecked") {
  auto r = run_nprcheck("tables --tables " + kTestdata + "/tables");
  CHECK(r.exit_code == 0);
  for (const char* s : {"2024", "2025", "2026", "yearly CSV", "SHA-256", "SARKODE", "PAKKEFORLOP",
                        "NCSP 2018-2026"}) {
    INFO(s);
    CHECK(r.out.find(s) != std::string::npos);
  }
}

TEST_CASE("tables shows the JSON download: layout, SHA-256, codes and period covered") {
  auto r = run_nprcheck("tables --tables " + kTestdata + "/tables-json");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("ICD10") != std::string::npos);
  CHECK(r.out.find("2017-2026") != std::string::npos);
  CHECK(r.out.find("JSON") != std::string::npos);
  CHECK(r.out.find("ICD10.json") != std::string::npos);
  // The SHA-256 of the file: 64 hex digits on the line.
  auto line_start = r.out.find("ICD10 ");
  REQUIRE(line_start != std::string::npos);
  std::string line = r.out.substr(line_start, r.out.find('\n', line_start) - line_start);
  size_t hex_run = 0, longest = 0;
  for (char c : line) {
    hex_run = std::isxdigit(static_cast<unsigned char>(c)) != 0 ? hex_run + 1 : 0;
    longest = std::max(longest, hex_run);
  }
  CHECK(longest == 64);
}

TEST_CASE("tables --code --date exits 0 when valid on the date, 1 when not") {
  const std::string yearly = " --tables " + kTestdata + "/tables";
  const std::string json = " --tables " + kTestdata + "/tables-json";
  // A000 is valid in 2026 in both sources.
  CHECK(run_nprcheck("tables" + yearly + " --code A000 --date 2026-03-01").exit_code == 0);
  CHECK(run_nprcheck("tables" + json + " --code A00.0 --date 2026-03-01").exit_code == 0);
  // A00 is a category with subdivisions: in the JSON download but not reportable.
  auto a00 = run_nprcheck("tables" + json + " --code A00 --date 2026-03-01");
  CHECK(a00.exit_code == 1);
  CHECK(a00.out.find("rapporteres ikke til NPR") != std::string::npos);
  CHECK(a00.out.find("NOT valid") != std::string::npos);
  // Not in any table / no table for the year.
  CHECK(run_nprcheck("tables" + yearly + " --code XYZ99 --date 2026-03-01").exit_code == 1);
  CHECK(run_nprcheck("tables" + yearly + " --code A000 --date 2021-03-01").exit_code == 1);
  // D37.1 left NPR after 2017 (fixture: NPR_Gyldig_til 2017-12-31).
  CHECK(run_nprcheck("tables" + json + " --code D371 --date 2017-12-31").exit_code == 0);
  CHECK(run_nprcheck("tables" + json + " --code D371 --date 2018-01-01").exit_code == 1);
  // Without --date: found in a table is enough.
  CHECK(run_nprcheck("tables" + json + " --code A00").exit_code == 0);
}

TEST_CASE("tables --help says how to get this year's tables") {
  auto r = run_nprcheck("tables --help");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("ICD10.json") != std::string::npos);
  CHECK(r.out.find("--date") != std::string::npos);
}

TEST_CASE("tables: a broken JSON download is named with file:line:col, exit 2") {
  auto r = run_nprcheck("tables --tables " + kTestdata + "/bad/tables/json");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("ICD10.json:3:") != std::string::npos);
  CHECK(r.err.find("not valid JSON") != std::string::npos);
}
