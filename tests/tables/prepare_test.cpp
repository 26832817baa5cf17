// prepare_episode: code systems, check dates, avdeling and unit on hand-built episodes.
#include "nprcheck/prepare.hpp"

#include <catch2/catch.hpp>

#include "tables_test_util.hpp"

using namespace nprcheck;
using nprcheck::test::date;
using nprcheck::test::real_tables;
using nprcheck::test::testdata;

namespace {

Kode kode(const char* verdi, const char* kodeverk, int nr = 1) {
  Kode k;
  k.verdi = verdi;
  k.kodeverk = kodeverk;
  k.kode_nr = nr;
  return k;
}

/// An Enhet list like a real message: behandlingssted 1, fagenhet 2, avdeling 3 (reshID 4210).
std::shared_ptr<MeldingInfo> melding() {
  auto m = std::make_shared<MeldingInfo>();
  m->enheter = {Enhet{"1", "974557746", "Haukeland", "", 0},
                Enhet{"2", "4200", "Medisinsk avdeling", "", 0},
                Enhet{"3", "4210", "Gastro lokal", "", 0},
                Enhet{"4", "4510", "Intervensjonsradiologi lokal", "", 0}};
  return m;
}

/// An episode 2017-03-01 .. 2017-03-05 with a diagnosis and three Tiltak, one per date source.
Episode episode() {
  Episode e;
  e.inn = date(2017, 3, 1, 10, 0);
  e.ut = date(2017, 3, 5, 12, 0);
  e.melding = melding();
  e.pasient = std::make_shared<Pasient>();
  e.ref_enheter = {RefEnhet{"1", 1, 0}, RefEnhet{"2", 2, 0}, RefEnhet{"3", 7, 0}};
  Tilstand t;
  t.tilst_nr = 1;
  t.koder = {kode("J189", "D"), kode("S7200", "d", 2)};
  e.tilstander.push_back(t);

  Tiltak with_start;  // Tiltak start wins
  with_start.type_tiltak = 2;
  with_start.start = date(2017, 3, 2, 9, 30);
  with_start.tjeneste_start = date(2017, 3, 1, 11, 0);
  Prosedyre p1;
  p1.koder = {kode("JJX00", "K"), kode("ZXM00", "K", 2)};
  with_start.prosedyrer.push_back(p1);

  Tiltak tjeneste_only;  // then Tjeneste start
  tjeneste_only.tjeneste_start = date(2017, 3, 3, 8, 0);
  Prosedyre p2;
  p2.koder = {kode("JJB06K", "Q")};
  tjeneste_only.prosedyrer.push_back(p2);

  Tiltak neither;  // then innDatoTid
  Prosedyre p3;
  p3.koder = {kode("AAAA00", "Q"), kode("XYZ99", "Q", 2), kode("1234", "F", 3),
              kode("AAAA05", "M", 4)};
  neither.prosedyrer.push_back(p3);
  e.tiltak = {with_start, tjeneste_only, neither};
  return e;
}

UnitsCatalogue units_catalogue() {
  Diagnostics d;
  auto u = UnitsCatalogue::load(testdata("units.csv"), d);
  REQUIRE(u);
  return std::move(*u);
}

}  // namespace

TEST_CASE("prepare_episode: diagnoses are checked on the episode's end date") {
  Episode e = episode();
  prepare_episode(e, real_tables(), UnitsCatalogue{});
  for (const auto& k : e.tilstander[0].koder) {
    CHECK(k.dato == *e.ut);
    CHECK(k.system == KodeSystem::kIcd10);
  }
  Episode open = episode();
  open.ut.reset();  // no end: innDatoTid
  prepare_episode(open, real_tables(), UnitsCatalogue{});
  CHECK(open.tilstander[0].koder[0].dato == open.inn);
}

TEST_CASE("prepare_episode: procedure dates from Tiltak, else Tjeneste, else innDatoTid") {
  Episode e = episode();
  prepare_episode(e, real_tables(), UnitsCatalogue{});
  const auto& p1 = e.tiltak[0].prosedyrer[0];
  CHECK(p1.dato == date(2017, 3, 2, 9, 30));
  CHECK(p1.koder[0].dato == p1.dato);
  CHECK(p1.koder[1].dato == p1.dato);
  const auto& p2 = e.tiltak[1].prosedyrer[0];
  CHECK(p2.dato == date(2017, 3, 3, 8, 0));
  CHECK(p2.koder[0].dato == p2.dato);
  const auto& p3 = e.tiltak[2].prosedyrer[0];
  CHECK(p3.dato == e.inn);
  CHECK(p3.koder[0].dato == e.inn);
}

TEST_CASE("prepare_episode: code systems from kodeverk, Q resolved by the tables") {
  Episode e = episode();
  prepare_episode(e, real_tables(), UnitsCatalogue{});
  CHECK(e.tiltak[0].prosedyrer[0].koder[0].system == KodeSystem::kNcsp);  // K
  CHECK(e.tiltak[0].prosedyrer[0].koder[1].system == KodeSystem::kNcsp);  // K ZXM00
  CHECK(e.tiltak[1].prosedyrer[0].koder[0].system == KodeSystem::kNcrp);  // Q JJB06K
  const auto& k3 = e.tiltak[2].prosedyrer[0].koder;
  CHECK(k3[0].system == KodeSystem::kNcmp);   // Q AAAA00
  CHECK(k3[1].system == KodeSystem::kOther);  // Q, in no table
  CHECK(k3[2].system == KodeSystem::kOther);  // F: not table-checked
  CHECK(k3[3].system == KodeSystem::kNcmp);   // M
}

TEST_CASE("prepare_episode: a Q code is resolved on its own date") {
  // JJX00 in NCMP 2015 and NCSP 2017 (made up placement of a real code): the date decides.
  auto dir = test::scratch_dir("prepare-q");
  test::write_file(dir, "2015/ncmp.csv", "Kode;Tekst\nJJX00;Perkutan nålebiopsi av lever\n");
  test::write_file(dir, "2017/ncsp.csv", "Kode;Tekst\nJJX00;Perkutan nålebiopsi av lever\n");
  Diagnostics d;
  auto tables = CodeTables::load(dir, d);
  REQUIRE(tables);
  Episode e = episode();
  e.inn = date(2015, 12, 30, 8, 0);
  e.ut = date(2017, 1, 2, 8, 0);
  e.tiltak.resize(2);
  e.tiltak[0].start = date(2015, 12, 31, 8, 0);
  e.tiltak[0].prosedyrer[0].koder = {kode("JJX00", "Q")};
  e.tiltak[1].tjeneste_start = date(2017, 1, 1, 8, 0);
  e.tiltak[1].prosedyrer[0].koder = {kode("JJX00", "q")};
  prepare_episode(e, *tables, UnitsCatalogue{});
  CHECK(e.tiltak[0].prosedyrer[0].koder[0].system == KodeSystem::kNcmp);
  CHECK(e.tiltak[1].prosedyrer[0].koder[0].system == KodeSystem::kNcsp);
}

TEST_CASE("prepare_episode: avdeling from RefEnhet typeEnhet 7; unit without a catalogue") {
  Episode e = episode();
  prepare_episode(e, real_tables(), UnitsCatalogue{});
  CHECK(e.avdeling == "4210");  // not 4200, the fagenhet (typeEnhet 2)
  CHECK(e.unit == "4210");
  CHECK(e.unit_name == "Gastro lokal");
  CHECK_FALSE(e.radiologi);

  Episode none = episode();
  none.ref_enheter = {RefEnhet{"1", 1, 0}, RefEnhet{"2", 2, 0}};
  prepare_episode(none, real_tables(), units_catalogue());
  CHECK(none.avdeling.empty());
  CHECK(none.unit.empty());
  CHECK(none.unit_name.empty());

  Episode dangling = episode();  // the first typeEnhet 7 points to no Enhet: the next one counts
  dangling.ref_enheter = {RefEnhet{"9", 7, 0}, RefEnhet{"4", 7, 0}, RefEnhet{"3", 7, 0}};
  prepare_episode(dangling, real_tables(), UnitsCatalogue{});
  CHECK(dangling.avdeling == "4510");
}

TEST_CASE("prepare_episode: the catalogue maps the avdeling to its level-2 unit and radiology") {
  const UnitsCatalogue units = units_catalogue();
  Episode e = episode();
  prepare_episode(e, real_tables(), units);
  CHECK(e.avdeling == "4210");
  CHECK(e.unit == "4200");
  CHECK(e.unit_name == "Medisinsk avdeling");
  CHECK_FALSE(e.radiologi);

  Episode rad = episode();
  rad.ref_enheter[2].enhet_id = "4";
  prepare_episode(rad, real_tables(), units);
  CHECK(rad.avdeling == "4510");
  CHECK(rad.unit == "4500");
  CHECK(rad.unit_name == "Radiologisk avdeling");
  CHECK(rad.radiologi);

  // Prepared twice (another catalogue): resolved fields are reset, not kept.
  prepare_episode(rad, real_tables(), UnitsCatalogue{});
  CHECK(rad.unit == "4510");
  CHECK(rad.unit_name == "Intervensjonsradiologi lokal");
  CHECK_FALSE(rad.radiologi);

  // An avdeling that is not in the catalogue keeps itself as unit.
  Episode other = episode();
  auto m = melding();
  m->enheter[2].resh_id = "9999";
  other.melding = m;
  prepare_episode(other, real_tables(), units);
  CHECK(other.unit == "9999");
  CHECK(other.unit_name == "Gastro lokal");
}

TEST_CASE("prepare_episode: occurrences of each verdi, per kind, and the procedure systems") {
  Episode e = episode();
  Tilstand t2;
  t2.tilst_nr = 2;
  t2.koder = {kode("S7200", "D"), kode("J189", "D", 2)};
  Tilstand t3;
  t3.tilst_nr = 3;
  t3.koder = {kode("J189", "D"), kode("JJB06K", "D", 2)};  // a procedure's verdi: another kind
  e.tilstander.push_back(t2);
  e.tilstander.push_back(t3);
  prepare_episode(e, real_tables(), UnitsCatalogue{});
  const auto& t = e.tilstander;
  CHECK(t[0].koder[0].forekomster == 3);  // J189 three times
  CHECK(t[0].koder[0].forste_forekomst);
  CHECK(t[1].koder[1].forekomster == 3);
  CHECK_FALSE(t[1].koder[1].forste_forekomst);
  CHECK_FALSE(t[2].koder[0].forste_forekomst);
  CHECK(t[0].koder[1].forekomster == 2);  // S7200 twice
  CHECK_FALSE(t[1].koder[0].forste_forekomst);
  CHECK(t[2].koder[1].forekomster == 1);                       // JJB06K once among the diagnoses
  CHECK(e.tiltak[1].prosedyrer[0].koder[0].forekomster == 1);  // and once among procedures
  // JJX00/ZXM00 (K: NCSP), JJB06K (Q: NCRP), AAAA00/XYZ99 (Q, unknown: ANNET), 1234 (F), M.
  const uint8_t want = (1u << static_cast<unsigned>(KodeSystem::kNcsp)) |
                       (1u << static_cast<unsigned>(KodeSystem::kNcrp)) |
                       (1u << static_cast<unsigned>(KodeSystem::kNcmp)) |
                       (1u << static_cast<unsigned>(KodeSystem::kOther));
  CHECK(e.prosedyre_systemer == want);
  // Prepared again (a re-used episode): the counts do not add up.
  prepare_episode(e, real_tables(), UnitsCatalogue{});
  CHECK(t[0].koder[0].forekomster == 3);
}

TEST_CASE("prepare_episode: in_catalogue for rows and for level-2 units named by rows") {
  Episode e = episode();  // avdeling 4210: a row of testdata/units.csv
  prepare_episode(e, real_tables(), units_catalogue());
  CHECK(e.in_catalogue);
  e.melding = [] {
    auto m = melding();
    m->enheter[2].resh_id = "4200";  // a level-2 unit: no row of its own, but rows name it
    return m;
  }();
  prepare_episode(e, real_tables(), units_catalogue());
  CHECK(e.in_catalogue);
  e.melding = [] {
    auto m = melding();
    m->enheter[2].resh_id = "9999";
    return m;
  }();
  prepare_episode(e, real_tables(), units_catalogue());
  CHECK_FALSE(e.in_catalogue);
  prepare_episode(e, real_tables(), UnitsCatalogue{});
  CHECK_FALSE(e.in_catalogue);
}
