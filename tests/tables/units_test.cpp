// The units catalogue: loading testdata/units.csv, accepted spellings, and every error.
#include "nprcheck/units.hpp"

#include <catch2/catch.hpp>

#include "tables_test_util.hpp"

using namespace nprcheck;
using nprcheck::test::testdata;

TEST_CASE("testdata/units.csv loads: avdelinger under level-2 units, one radiology unit") {
  Diagnostics d;
  auto u = UnitsCatalogue::load(testdata("units.csv"), d);
  REQUIRE(u);
  CHECK(d.all().empty());
  CHECK(u->size() == 10);
  CHECK_FALSE(u->empty());
  const UnitEntry* gastro = u->find("4210");
  REQUIRE(gastro != nullptr);
  CHECK(gastro->navn == "Gastroenterologisk seksjon");
  CHECK(gastro->niva2_resh_id == "4200");
  CHECK(gastro->niva2_navn == "Medisinsk avdeling");
  CHECK_FALSE(gastro->radiologi);
  const UnitEntry* rad = u->find("4510");
  REQUIRE(rad != nullptr);
  CHECK(rad->radiologi);
  CHECK(rad->niva2_navn == "Radiologisk avdeling");
  CHECK(u->find("4411")->navn == "Fødeseksjon");
  CHECK(u->find("4200") == nullptr);  // a level-2 unit is not itself an avdeling row here
  CHECK(u->find("") == nullptr);
}

TEST_CASE("units catalogue: BOM, CRLF, any column order, radiologi spellings") {
  auto dir = test::scratch_dir("units-ok");
  auto f =
      test::write_file(dir, "units.csv",
                       "\xEF\xBB\xBFRadiologi;niva2_navn;NIVA2_RESHID;navn;reshID\r\n"
                       "1;Radiologisk avdeling;4500;Seksjon for ultralyd;4511\r\n"
                       "0;Medisinsk avdeling;4200;Lungeseksjon;4211\r\n"
                       "true;Radiologisk avdeling;4500;Seksjon for intervensjonsradiologi;4510\r\n"
                       "false;Medisinsk avdeling;4200;Hjerteseksjon;4212\r\n"
                       "Ja;;;Kirurgisk avdeling;4300\r\n"
                       "\r\n");
  Diagnostics d;
  auto u = UnitsCatalogue::load(f, d);
  REQUIRE(u);
  CHECK(d.all().empty());
  CHECK(u->size() == 5);
  CHECK(u->find("4511")->radiologi);
  CHECK_FALSE(u->find("4211")->radiologi);
  CHECK(u->find("4510")->radiologi);
  CHECK_FALSE(u->find("4212")->radiologi);
  CHECK(u->find("4211")->niva2_resh_id == "4200");
  // An empty niva2_reshID: the avdeling is its own level-2 unit.
  CHECK(u->find("4300")->niva2_resh_id == "4300");
  CHECK(u->find("4300")->niva2_navn == "Kirurgisk avdeling");
  CHECK(u->find("4300")->radiologi);
}

TEST_CASE("units catalogue errors name file, line and what is wrong") {
  struct Case {
    const char* name;
    const char* content;
    uint32_t line;
    uint32_t column;
    const char* message;
  };
  const Case cases[] = {
      {"comma", "reshID,navn,niva2_reshID,niva2_navn,radiologi\n4210,Gastro,4200,Med,nei\n", 1, 7,
       "expected ';' separator, found ','"},
      {"no-header", "4210;Gastroenterologisk seksjon;4200;Medisinsk avdeling;nei\n", 1, 1,
       "missing header row: the first line must name the columns "
       "reshID;navn;niva2_reshID;niva2_navn;radiologi"},
      {"no-niva2", "reshID;navn;radiologi\n4210;Gastroenterologisk seksjon;nei\n", 1, 1,
       "missing required column 'niva2_reshID'"},
      {"duplicate",
       "reshID;navn;niva2_reshID;niva2_navn;radiologi\n"
       "4210;Gastroenterologisk seksjon;4200;Medisinsk avdeling;nei\n"
       "4211;Lungeseksjon;4200;Medisinsk avdeling;nei\n"
       "4210;Gastroenterologisk seksjon;4200;Medisinsk avdeling;nei\n",
       4, 1, "duplicate reshID '4210' (first on line 2)"},
      {"radiologi",
       "reshID;navn;niva2_reshID;niva2_navn;radiologi\n"
       "4510;Seksjon for ultralyd;4500;Radiologisk avdeling;kanskje\n",
       2, 53, "bad radiologi value 'kanskje': expected ja or nei (also 1/0, true/false)"},
      {"empty-resh",
       "reshID;navn;niva2_reshID;niva2_navn;radiologi\n;Lungeseksjon;4200;Medisinsk avdeling;nei\n",
       2, 1, "empty reshID"},
      {"row-comma",
       "reshID;navn;niva2_reshID;niva2_navn;radiologi\n4211,Lungeseksjon,4200,Medisinsk,nei\n", 2,
       5, "expected ';' separator, found ','"},
      {"too-few", "reshID;navn;niva2_reshID;niva2_navn;radiologi\n4211;Lungeseksjon;4200\n", 2, 0,
       "expected 5 fields as in the header, found 3"},
      {"empty", "", 1, 0,
       "empty file or empty first line: expected the header "
       "reshID;navn;niva2_reshID;niva2_navn;radiologi"},
  };
  auto dir = test::scratch_dir("units-bad");
  for (const auto& c : cases) {
    INFO(c.name);
    auto f = test::write_file(dir, std::string(c.name) + ".csv", c.content);
    Diagnostics d;
    auto u = UnitsCatalogue::load(f, d);
    REQUIRE_FALSE(u);
    CHECK(u.status().code() == StatusCode::kInvalidInput);
    CHECK(u.status().message() == "units catalogue '" + f.string() + "' not loaded: 1 error");
    auto errors = test::of_level(d, DiagnosticLevel::kError);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].file == f.string());
    CHECK(errors[0].line == c.line);
    CHECK(errors[0].column == c.column);
    CHECK(errors[0].message == c.message);
  }
}

TEST_CASE("units catalogue: a missing file is not-found; add() replaces a row") {
  Diagnostics d;
  auto missing = UnitsCatalogue::load(testdata("no-such-units.csv"), d);
  REQUIRE_FALSE(missing);
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message() ==
        "units catalogue '" + testdata("no-such-units.csv") + "': cannot open the file");

  UnitsCatalogue u;
  CHECK(u.empty());
  u.add(UnitEntry{"4210", "Gastro", "4200", "Medisinsk avdeling", false});
  u.add(UnitEntry{"4210", "Gastro", "4200", "Medisinsk avdeling", true});
  CHECK(u.size() == 1);
  CHECK(u.find("4210")->radiologi);
}
