// Code tables from the terminology service's JSON download: the fixture built from real codes,
// its agreement with the yearly lists, flags, gzip, and bad files.
#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "nprcheck/code_tables.hpp"
#include "tables_test_util.hpp"

using namespace nprcheck;
using nprcheck::test::date;
using nprcheck::test::of_level;
using nprcheck::test::real_tables;
using nprcheck::test::scratch_dir;
using nprcheck::test::testdata;
using nprcheck::test::write_file;

namespace {

const CodeTables& json_tables() {
  static const CodeTables tables = [] {
    Diagnostics d;
    auto t = CodeTables::load(testdata("tables-json"), d);
    if (!t || d.has_errors()) throw std::runtime_error("testdata/tables-json did not load");
    return std::move(*t);
  }();
  return tables;
}

/// Every code value (dots removed) of the fixture's objects.
std::vector<std::string> fixture_codes() {
  std::ifstream in(testdata("tables-json/ICD10.json"));
  std::string line;
  std::set<std::string> out;
  while (std::getline(in, line)) {
    auto p = line.find("\"Kode\": \"");
    if (p == std::string::npos) continue;
    p += 9;
    std::string kode = line.substr(p, line.find('"', p) - p);
    std::erase(kode, '.');
    out.insert(kode);
  }
  return {out.begin(), out.end()};
}

/// An object of the JSON layout with the given overrides (raw JSON values).
std::string object(const std::string& kode, const std::string& extra = {}) {
  return R"({"Kode": ")" + kode +
         R"(", "Tekst_uten_lengdebegrensning": "Tekst", "Tekst_med_maksimalt_60_tegn": null,
  "Foreldrekode": null, "Foreldrekodetekst": null, "Gyldig_fra": "2020-01-01T00:00:00",
  "Gyldig_til": null, "Rapporteres_til_NPR": "Ja", "NPR_Gyldig_fra": null,
  "NPR_Gyldig_til": null, "Stjernekode": null, "Tilleggskode": null, "Uspesifikk_kode": null)" +
         extra + "}";
}

}  // namespace

TEST_CASE("JSON download: same answers as the real yearly lists for every code and year") {
  const auto& js = json_tables();
  const auto& yearly = real_tables();
  const auto codes = fixture_codes();
  REQUIRE(codes.size() > 300);
  size_t valid_both = 0;
  size_t checked = 0;
  for (const auto& kode : codes) {
    for (int year : {2017, 2024, 2025, 2026}) {
      for (DateTime d : {date(year, 1, 1), date(year, 6, 30), date(year, 12, 31)}) {
        INFO(kode << " " << d.date_string());
        const bool y = yearly.valid_on(KodeSystem::kIcd10, kode, d);
        CHECK(js.valid_on(KodeSystem::kIcd10, kode, d) == y);
        // Longer codes: for codes and categories (a chapter such as V has longer codes in
        // the full yearly list, which holds more categories than the fixture).
        const bool is_code = kode.size() >= 3 && std::isdigit(static_cast<unsigned char>(kode[1]));
        if (is_code) {
          CHECK(js.more_specific_exists(KodeSystem::kIcd10, kode, d) ==
                yearly.more_specific_exists(KodeSystem::kIcd10, kode, d));
        }
        if (y) {
          CHECK(js.tekst(KodeSystem::kIcd10, kode, d) == yearly.tekst(KodeSystem::kIcd10, kode, d));
        }
        valid_both += y ? 1 : 0;
        ++checked;
      }
    }
  }
  CHECK(valid_both > 1000);
  CHECK(checked == codes.size() * 12);
}

TEST_CASE("JSON download: hierarchy, reportability, NPR period and flags") {
  const auto& t = json_tables();
  // Chapters and blocks are not codes.
  CHECK(t.find(KodeSystem::kIcd10, "I") == nullptr);
  CHECK(t.find(KodeSystem::kIcd10, "XIX") == nullptr);
  CHECK(t.find(KodeSystem::kIcd10, "A00-A09") == nullptr);
  // A category with subdivisions exists, is not reportable: not known, not valid, but has
  // longer codes (the KODE-003 case, not KODE-001).
  const CodeEntry* a00 = t.find(KodeSystem::kIcd10, "A00");
  REQUIRE(a00 != nullptr);
  CHECK(a00->foreldrekode == "A00-A09");
  CHECK_FALSE(t.known(KodeSystem::kIcd10, "A00"));
  CHECK_FALSE(t.valid_on(KodeSystem::kIcd10, "A00", date(2026, 3, 1)));
  CHECK(t.more_specific_exists(KodeSystem::kIcd10, "A00", date(2026, 3, 1)));
  CHECK(t.valid_years(KodeSystem::kIcd10, "A00").empty());
  // Dots removed; parent code kept without dots.
  const CodeEntry* a000 = t.find(KodeSystem::kIcd10, "A000");
  REQUIRE(a000 != nullptr);
  CHECK(a000->foreldrekode == "A00");
  CHECK(t.valid_on(KodeSystem::kIcd10, "A000", date(2026, 3, 1)));
  // Flags.
  CHECK(t.find(KodeSystem::kIcd10, "M368")->stjernekode);
  CHECK(t.find(KodeSystem::kIcd10, "C61")->kjonn == KodeKjonn::kMann);
  CHECK(t.find(KodeSystem::kIcd10, "J189")->uspesifikk);
  CHECK_FALSE(t.find(KodeSystem::kIcd10, "J180")->uspesifikk);
  // D37.1 is in 2017, not in 2024: its Gyldig_til is open, its NPR_Gyldig_til 2017-12-31.
  CHECK(t.valid_on(KodeSystem::kIcd10, "D371", date(2017, 12, 31)));
  CHECK_FALSE(t.valid_on(KodeSystem::kIcd10, "D371", date(2018, 1, 1)));
  CHECK(t.valid_years(KodeSystem::kIcd10, "D371") == std::vector<int>{2017});
  // ... but it is still in the terminology: its flags and parent stay readable later.
  const CodeEntry* d371 = t.find(KodeSystem::kIcd10, "D371");
  REQUIRE(d371 != nullptr);
  REQUIRE(d371->periods.size() == 2);
  CHECK_FALSE(d371->periods[1].rapporteres_til_npr);
  CHECK(d371->periods[1].to_day == CodeEntry::kOpenEnd);
  // The file covers 2017-2026 (to the day after the last end: M19x6 end 2025-12-31) and says
  // how it was read.
  REQUIRE(t.files().size() == 1);
  CHECK(t.files()[0].layout == "JSON");
  CHECK(t.files()[0].system == "ICD10");
  CHECK(t.files()[0].year_from == 2017);
  CHECK(t.files()[0].year_to == 2026);
  CHECK(t.has_year(KodeSystem::kIcd10, 2021));
  CHECK_FALSE(t.has_year(KodeSystem::kIcd10, 2027));
}

TEST_CASE("JSON download: gzip gives the same tables; the hash is of the file as stored") {
  Diagnostics d;
  auto gz = CodeTables::load(testdata("tables-json-gz"), d);
  REQUIRE(gz);
  REQUIRE_FALSE(d.has_errors());
  const auto& plain = json_tables();
  CHECK(gz->files()[0].codes == plain.files()[0].codes);
  CHECK(gz->files()[0].sha256 != plain.files()[0].sha256);
  for (const auto& kode : fixture_codes()) {
    CHECK(gz->valid_years(KodeSystem::kIcd10, kode) == plain.valid_years(KodeSystem::kIcd10, kode));
  }
}

TEST_CASE("JSON download beside CSV lists in one folder; NCSP from its file name") {
  auto dir = scratch_dir("json-beside-csv");
  write_file(dir, "2017/ncsp.csv", "Kode;Tekst\nJJX00;Perkutan nålebiopsi av lever\n");
  write_file(dir, "NCSP_2026.json", "[" + object("JKA21") + "]");
  std::ifstream in(testdata("tables-json/ICD10.json"), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  write_file(dir, "ICD10.json", ss.str());
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  CHECK_FALSE(d.has_errors());
  CHECK(t->files().size() == 3);
  CHECK(t->valid_on(KodeSystem::kNcsp, "JJX00", date(2017, 5, 1)));
  CHECK(t->valid_on(KodeSystem::kNcsp, "JKA21", date(2026, 5, 1)));
  CHECK(t->valid_on(KodeSystem::kIcd10, "A000", date(2026, 5, 1)));
}

TEST_CASE("JSON download: bad files are refused with file:line:col, others still load") {
  auto dir = scratch_dir("json-bad");
  write_file(dir, "2017/ncsp.csv", "Kode;Tekst\nJJX00;Perkutan nålebiopsi av lever\n");
  write_file(dir, "ICD10.json", "[\n" + object("A00.0") + ",\n" + object("A00.1") + ",,\n]");
  write_file(dir, "NCMP.json",
             "[\n" + object("AAAA00") + ",\n" + object("AAAA05", R"(, "Kjønn": "X")") + "\n]");
  write_file(dir, "NCRP.json", "{\"Kode\": \"JJB06K\"}");
  write_file(dir, "kodeverk.json", "[]");
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  auto errors = of_level(d, DiagnosticLevel::kError);
  REQUIRE(errors.size() == 4);
  std::map<std::string, Diagnostic> by_file;
  for (const auto& e : errors) by_file[std::filesystem::path(e.file).filename().string()] = e;
  // Broken JSON: the position of the second comma.
  CHECK(by_file["ICD10.json"].line == 9);
  CHECK(by_file["ICD10.json"].column > 1);
  CHECK_THAT(by_file["ICD10.json"].message, Catch::Contains("not valid JSON"));
  // An unknown Kjønn value names the code and the value, at its object's line.
  CHECK(by_file["NCMP.json"].line == 6);
  CHECK(by_file["NCMP.json"].column == 1);
  CHECK_THAT(by_file["NCMP.json"].message, Catch::Contains("AAAA05"));
  CHECK_THAT(by_file["NCMP.json"].message, Catch::Contains("'X'"));
  CHECK_THAT(by_file["NCRP.json"].message, Catch::Contains("expected a JSON array"));
  CHECK_THAT(by_file["kodeverk.json"].message, Catch::Contains("code system from the file name"));
  // Nothing half-loaded; the good CSV still is.
  CHECK(t->files().size() == 1);
  CHECK(t->find(KodeSystem::kIcd10, "A000") == nullptr);
  CHECK(t->find(KodeSystem::kNcmp, "AAAA00") == nullptr);
  CHECK(t->valid_on(KodeSystem::kNcsp, "JJX00", date(2017, 5, 1)));
}

TEST_CASE("JSON download: Kjønn values as the cumulative CSV reads them, NPR_Gyldig narrows") {
  auto dir = scratch_dir("json-kjonn");
  write_file(
      dir, "NCSP.json",
      "[" + object("LCD00", R"(, "Kjønn": "K")") + "," + object("KEC00", R"(, "Kjønn": "Mann")") +
          "," + object("KFH10", R"(, "Kjønn": "2")") + "," + object("JJX00", R"(, "Kjønn": null)") +
          "," + object("ZXM00", R"(, "Tilleggskode": "X")") + "," +
          object("JKA21", R"(, "NPR_Gyldig_fra": "2022-07-01T00:00:00")") + "," +
          object("JKA20", R"(, "Rapporteres_til_NPR": "Nei")") + "]");
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  REQUIRE_FALSE(d.has_errors());
  CHECK(t->find(KodeSystem::kNcsp, "LCD00")->kjonn == KodeKjonn::kKvinne);
  CHECK(t->find(KodeSystem::kNcsp, "KEC00")->kjonn == KodeKjonn::kMann);
  CHECK(t->find(KodeSystem::kNcsp, "KFH10")->kjonn == KodeKjonn::kKvinne);
  CHECK(t->find(KodeSystem::kNcsp, "JJX00")->kjonn == KodeKjonn::kAlle);
  CHECK(t->find(KodeSystem::kNcsp, "ZXM00")->tilleggskode);
  CHECK_FALSE(t->find(KodeSystem::kNcsp, "JJX00")->tilleggskode);
  CHECK_FALSE(t->valid_on(KodeSystem::kNcsp, "JKA21", date(2022, 6, 30)));
  CHECK(t->valid_on(KodeSystem::kNcsp, "JKA21", date(2022, 7, 1)));
  CHECK_FALSE(t->valid_on(KodeSystem::kNcsp, "JKA20", date(2022, 7, 1)));
  CHECK_FALSE(t->known(KodeSystem::kNcsp, "JKA20"));
}

TEST_CASE("cumulative CSV: an empty Rapporteres_til_NPR is not reportable when the column exists") {
  auto dir = scratch_dir("csv-rapporteres");
  write_file(dir, "icd10_kumulativ.csv",
             "Kode;Tekst;Gyldig_fra;Gyldig_til;Rapporteres_til_NPR;NPR_Gyldig_til\n"
             "A00;Kolera;1999-01-01;;;2004-12-31\n"
             "A000;Kolera som skyldes Vibrio cholerae 01, biovar cholerae;1999-01-01;;Ja;\n"
             "A001;Kolera som skyldes Vibrio cholerae 01, biovar eltor;1999-01-01;;J;2020-12-31\n");
  write_file(dir, "ncsp_kumulativ.csv",
             "Kode;Tekst;Gyldig_fra\nJJX00;Perkutan nålebiopsi av lever;2016-01-01\n");
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  REQUIRE_FALSE(d.has_errors());
  CHECK(t->find(KodeSystem::kIcd10, "A00") != nullptr);
  CHECK_FALSE(t->valid_on(KodeSystem::kIcd10, "A00", date(2017, 1, 1)));
  CHECK(t->valid_on(KodeSystem::kIcd10, "A000", date(2017, 1, 1)));
  CHECK(t->valid_on(KodeSystem::kIcd10, "A001", date(2020, 12, 31)));
  CHECK_FALSE(t->valid_on(KodeSystem::kIcd10, "A001", date(2021, 1, 1)));
  // Without the column every row is reportable, as before.
  CHECK(t->valid_on(KodeSystem::kNcsp, "JJX00", date(2017, 1, 1)));
}

TEST_CASE("kodeverk S and P are the systems SARKODE and PAKKEFORLOP; tables for them load") {
  CHECK(kode_system_from_kodeverk("S") == KodeSystem::kSarkode);
  CHECK(kode_system_from_kodeverk("p") == KodeSystem::kPakkeforlop);
  CHECK(std::string(kode_system_name(KodeSystem::kSarkode)) == "SARKODE");
  CHECK(std::string(kode_system_name(KodeSystem::kPakkeforlop)) == "PAKKEFORLOP");
  KodeSystem s = KodeSystem::kOther;
  CHECK(parse_kode_system("pakkeforlop", s));
  CHECK(s == KodeSystem::kPakkeforlop);
  // No public særkode or pakkeforløp list exists: the codes here are made up for the test.
  auto dir = scratch_dir("sarkode");
  write_file(dir, "2026/sarkode.csv", "Kode;Tekst\nSXX01;Testkode\n");
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  REQUIRE_FALSE(d.has_errors());
  CHECK(t->has_year(KodeSystem::kSarkode, 2026));
  CHECK_FALSE(t->has_year(KodeSystem::kPakkeforlop, 2026));
  CHECK(t->valid_on(KodeSystem::kSarkode, "SXX01", date(2026, 2, 1)));
  CHECK(t->files()[0].system == "SARKODE");
}
