// Expression language: the code-table and rule-data built-ins on prepared episodes, with the
// real code tables of testdata/tables (ICD-10 2015 and 2017, NCSP/NCMP 2015-2017, NCRP
// 2016-2017) and the shipped rule data.
#include <catch2/catch.hpp>

#include "test_expr_util.hpp"

using namespace nprcheck;
using namespace nprcheck::exprtest;
using expr::Scope;

namespace {

// Evaluates `text` in scope kode for the n-th code of `e`.
std::string on_code(const std::string& text, const Episode& e, size_t n = 0,
                    const CodeTables* t = &tables()) {
  return ev(text, e, Scope::kKode, kode_binding(e, n), t);
}

}  // namespace

TEST_CASE("A90 is valid in 2015, not in 2017", "[expr][tables]") {
  Episode e17 = EpisodeBuilder("2017-03-02T08:15:00").tilstand({"A90"}).build();
  CHECK(on_code("kode.system", e17) == "'ICD10'");
  CHECK(on_code("checked(kode)", e17) == "true");
  CHECK(on_code("known(kode)", e17) == "true");
  CHECK(on_code("valid(kode)", e17) == "false");
  CHECK(on_code("valid(kode, date('2015-06-01'))", e17) == "true");
  CHECK(on_code("valid_years(kode)", e17) == "[2015]");
  CHECK(on_code("table_year(kode)", e17) == "2017");
  CHECK(on_code("tekst(kode)", e17) == "'Denguefeber'");  // the latest text
  CHECK(on_code("kode.tekst", e17) == "'Denguefeber'");
  Episode e15 = EpisodeBuilder("2015-03-02T08:15:00").tilstand({"A90"}).build();
  CHECK(on_code("valid(kode)", e15) == "true");
  // 2016 has no ICD-10 table: the code is unchecked, never an error.
  Episode e16 = EpisodeBuilder("2016-03-02T08:15:00").tilstand({"A90"}).build();
  CHECK(on_code("checked(kode)", e16) == "false");
  CHECK(on_code("table_year(kode)", e16) == "0");
  CHECK(on_code("known(kode)", e16) == "true");
}

TEST_CASE("JJX00 is NCSP from 2016", "[expr][tables]") {
  Episode e15 = EpisodeBuilder("2015-03-02T08:15:00").tiltak(1).prosedyre({"JJX00"}).build();
  CHECK(on_code("kode.system", e15) == "'NCSP'");  // Q resolved through the tables
  CHECK(on_code("checked(kode)", e15) == "true");
  CHECK(on_code("known(kode)", e15) == "true");
  CHECK(on_code("valid(kode)", e15) == "false");
  CHECK(on_code("valid_years(kode)", e15) == "[2016, 2017]");
  Episode e17 = EpisodeBuilder("2017-03-02T08:15:00").tiltak(1).prosedyre({"JJX00"}).build();
  CHECK(on_code("valid(kode)", e17) == "true");
  CHECK(on_code("tekst(kode)", e17) == "'Perkutan nålebiopsi av lever'");
}

TEST_CASE("more specific and longer codes: S720/S7200, J18", "[expr][tables]") {
  Episode e = EpisodeBuilder("2017-03-02T08:15:00")
                  .tilstand({"S720"})
                  .tilstand({"S7200"})
                  .tilstand({"J18"})
                  .tilstand({"J189"})
                  .tilstand({"XYZ99"})
                  .build();
  CHECK(on_code("more_specific_exists(kode)", e, 0) == "true");
  CHECK(on_code("more_specific_exists(kode)", e, 1) == "false");
  CHECK(on_code("known(kode)", e, 2) == "false");  // J18 is a category, not a code
  CHECK(on_code("longer_exists(kode)", e, 2) == "true");
  CHECK(on_code("more_specific_exists(kode)", e, 2) == "true");
  CHECK(on_code("more_specific_exists(kode, date('2016-06-01'))", e, 2) == "false");  // no table
  CHECK(on_code("more_specific_exists(kode)", e, 3) == "false");
  CHECK(on_code("longer_exists(kode)", e, 3) == "false");
  CHECK(on_code("checked(kode)", e, 4) == "true");
  CHECK(on_code("known(kode) || longer_exists(kode)", e, 4) == "false");
  CHECK(on_code("valid_years(kode)", e, 4) == "[]");
}

TEST_CASE("NCRP: JJB06K, code_valid, table_loaded, tekst_of", "[expr][tables]") {
  Episode e = EpisodeBuilder("2017-03-02T08:15:00").tiltak(2).prosedyre({"JJB06K"}).build();
  CHECK(on_code("kode.system", e) == "'NCRP'");
  CHECK(on_code("tekst(kode)", e) == "'Nålebiopsi av lever, ultralydveiledet'");
  CHECK(ev("code_valid('NCRP', 'JJB06K', date('2017-03-02'))", e) == "true");
  CHECK(ev("code_valid('NCRP', 'JJB06K', date('2015-03-02'))", e) == "false");
  CHECK(ev("code_valid('NCSP', 'JJB06K', date('2017-03-02'))", e) == "false");
  CHECK(ev("code_valid('ncrp', 'JJB06K', episode.innDatoTid)", e) == "true");
  CHECK(ev("table_loaded('NCRP', 2015)", e) == "false");
  CHECK(ev("table_loaded('NCRP', 2016)", e) == "true");
  CHECK(ev("table_loaded('ICD10', 2016)", e) == "false");
  CHECK(ev("table_loaded('ICD10', year(episode.innDatoTid))", e) == "true");
  CHECK(ev("tekst_of('JJB06K')", e) == "'Nålebiopsi av lever, ultralydveiledet'");
  CHECK(ev("tekst_of('A90')", e) == "'Denguefeber'");
  CHECK(ev("tekst_of('XYZ99')", e) == "''");
}

TEST_CASE("Q codes no table resolves, and codes that are not table-checked", "[expr][tables]") {
  Episode e = EpisodeBuilder("2017-03-02T08:15:00")
                  .tiltak(1)
                  .prosedyre({"XYZ99"})
                  .prosedyre({"JJX"})
                  .prosedyre({K("B01AC06", "F")})
                  .build();
  CHECK(on_code("kode.system", e, 0) == "'ANNET'");
  CHECK(on_code("checked(kode)", e, 0) == "true");  // procedure tables cover 2017
  CHECK(on_code("known(kode)", e, 0) == "false");
  CHECK(on_code("longer_exists(kode)", e, 0) == "false");
  CHECK(on_code("longer_exists(kode)", e, 1) == "true");  // JJX00 starts with JJX
  CHECK(on_code("valid(kode)", e, 1) == "false");
  CHECK(on_code("kode.system", e, 2) == "'ANNET'");
  CHECK(on_code("checked(kode)", e, 2) == "false");  // ATC (kodeverk F): not table-checked
  CHECK(on_code("table_year(kode)", e, 2) == "0");
  CHECK(on_code("tekst(kode)", e, 2) == "''");
}

TEST_CASE("without code tables every code is unchecked", "[expr][tables]") {
  Episode e = EpisodeBuilder("2017-03-02T08:15:00").tilstand({"A90"}).build();
  CHECK(on_code("checked(kode)", e, 0, nullptr) == "false");
  CHECK(on_code("known(kode)", e, 0, nullptr) == "false");
  CHECK(on_code("valid(kode)", e, 0, nullptr) == "false");
  CHECK(on_code("kode.tekst", e, 0, nullptr) == "''");
  CHECK(on_code("valid_years(kode)", e, 0, nullptr) == "[]");
  CHECK(on_code("table_loaded('ICD10', 2017)", e, 0, nullptr) == "false");
}

TEST_CASE("Kjønn, Stjernekode and Tilleggskode columns of cumulative tables", "[expr][tables]") {
  const CodeTables& ct = cumulative_tables();
  Episode e = EpisodeBuilder("2017-03-02T08:15:00")
                  .tilstand({"C61"})
                  .tilstand({"C510"})
                  .tilstand({"E702", "G01"})
                  .tiltak(1)
                  .prosedyre({"KEC00", "ZXM00"})
                  .build(ct);
  CHECK(on_code("kjonn_of(kode)", e, 0, &ct) == "'M'");
  CHECK(on_code("kjonn_of(kode)", e, 1, &ct) == "'K'");
  CHECK(on_code("kjonn_of(kode)", e, 2, &ct) == "''");
  CHECK(on_code("stjernekode(kode)", e, 2, &ct) == "false");
  CHECK(on_code("stjernekode(kode)", e, 3, &ct) == "true");
  CHECK(on_code("kjonn_of(kode)", e, 4, &ct) == "'M'");
  CHECK(on_code("tilleggskode(kode)", e, 4, &ct) == "false");
  CHECK(on_code("tilleggskode(kode)", e, 5, &ct) == "true");
  // The yearly tables have no such columns.
  Episode y = EpisodeBuilder("2017-03-02T08:15:00").tilstand({"C61"}).build();
  CHECK(on_code("kjonn_of(kode)", y) == "''");
}

TEST_CASE("in_set with the shipped sets: ranges, prefixes, system qualifiers", "[expr][ruledata]") {
  Episode e = EpisodeBuilder("2017-03-02T08:15:00")
                  .tilstand({"C61"})           // 0: ICD10 C60-C63
                  .tilstand({"N51"})           // 1: upper bound of N40-N51
                  .tilstand({"N52"})           // 2: outside
                  .tilstand({"E702", "M368"})  // 3, 4: M36* asterisk category
                  .tilstand({"O000"})          // 5: ICD10 O*
                  .tiltak(1)
                  .prosedyre({"KEC00"})  // 6: NCSP KE*
                  .prosedyre({"LCD00"})  // 7: NCSP L*
                  .build();
  CHECK(on_code("in_set(kode, 'kjonn_mann')", e, 0) == "true");
  CHECK(on_code("in_set(kode, 'kjonn_mann')", e, 1) == "true");
  CHECK(on_code("in_set(kode, 'kjonn_mann')", e, 2) == "false");
  CHECK(on_code("in_set(kode, 'stjernekoder')", e, 3) == "false");
  CHECK(on_code("in_set(kode, 'stjernekoder')", e, 4) == "true");
  CHECK(on_code("in_set(kode, 'kjonn_kvinne')", e, 5) == "true");
  CHECK(on_code("in_set(kode, 'kjonn_mann')", e, 6) == "true");
  CHECK(on_code("in_set(kode, 'kjonn_kvinne')", e, 6) == "false");
  CHECK(on_code("in_set(kode, 'kjonn_kvinne')", e, 7) == "true");
  // Qualified entries never match a plain string.
  CHECK(ev("in_set('C61', 'kjonn_mann')", e) == "false");
  // bildeveiledet_ncsp includes the ncsp column of the mapping, unqualified.
  CHECK(ev("in_set('JJX00', 'bildeveiledet_ncsp')", e) == "true");
  CHECK(ev("in_set('JJB06K', 'bildeveiledet_ncsp')", e) == "false");
}

TEST_CASE("lookup in the shipped NCSP;ZXM;NCRP mapping", "[expr][ruledata]") {
  Episode e = EpisodeBuilder("2017-03-02T08:15:00").build();
  CHECK(ev("lookup('ncsp_zxm_ncrp', ['JJX00', 'ZXM00'])", e) == "'JJB06K'");
  CHECK(ev("lookup('ncsp_zxm_ncrp', ['JJX00', 'ZXM20'])", e) == "'JJB06D'");
  CHECK(ev("lookup('ncsp_zxm_ncrp', ['FEA00', 'ZXM20'])", e) == "'FED10D'");
  CHECK(ev("lookup('ncsp_zxm_ncrp', ['JJX00', 'ZXM30'])", e) == "''");
  CHECK(ev("lookup('ncsp_zxm_ncrp', ['JJX00'])", e) == "'ZXM00'");  // the first row's 2nd column
  CHECK(ev("lookup('ncsp_zxm_ncrp', ['XXX00'])", e) == "''");
  CHECK(ev("lookup('ncsp_zxm_ncrp', ['JJX' + '00', substr('ZXM00x', 0, 5)])", e) == "'JJB06K'");
}
