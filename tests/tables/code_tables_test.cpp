// Code tables: the real yearly lists, the cumulative layout in three encodings, queries.
#include "nprcheck/code_tables.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>

#include "nprcheck/hash.hpp"
#include "tables_test_util.hpp"

using namespace nprcheck;
using nprcheck::test::date;
using nprcheck::test::real_tables;
using nprcheck::test::testdata;

namespace {

const CodeTables& cumulative(const std::string& variant, Diagnostics* diags_out = nullptr) {
  static std::map<std::string, CodeTables> cache;
  static std::map<std::string, std::vector<Diagnostic>> diags;
  auto it = cache.find(variant);
  if (it == cache.end()) {
    Diagnostics d;
    auto t = CodeTables::load(testdata("tables-cumulative/" + variant), d);
    REQUIRE(t);
    diags[variant] = d.all();
    it = cache.emplace(variant, std::move(*t)).first;
  }
  if (diags_out != nullptr) {
    for (auto& x : diags[variant]) diags_out->add(x);
  }
  return it->second;
}

}  // namespace

TEST_CASE("the real yearly tables load: one manifest entry per file, with hash and count") {
  const auto& t = real_tables();
  const auto& files = t.files();
  REQUIRE(files.size() == 13);  // ICD-10 2015, 2017, 2024-2026; NCSP, NCMP 2015-2017; NCRP
  const ManifestTable* icd2015 = nullptr;
  for (const auto& f : files) {
    CHECK(f.year_from == f.year_to);
    CHECK(f.sha256.size() == 64);
    if (f.system == "ICD10" && f.year_from == 2015) icd2015 = &f;
  }
  REQUIRE(icd2015 != nullptr);
  CHECK(icd2015->codes == 19588);
  CHECK(icd2015->file == testdata("tables") + "/2015/icd10.csv");
  CHECK(icd2015->sha256 == *sha256_file(icd2015->file));
}

TEST_CASE("years and has_year follow the files found; 2016 has no ICD-10 table") {
  const auto& t = real_tables();
  CHECK(t.years(KodeSystem::kIcd10) == std::vector<int>{2015, 2017, 2024, 2025, 2026});
  CHECK(t.years(KodeSystem::kNcsp) == std::vector<int>{2015, 2016, 2017});
  CHECK(t.years(KodeSystem::kNcrp) == std::vector<int>{2016, 2017});
  CHECK(t.has_year(KodeSystem::kIcd10, 2015));
  CHECK_FALSE(t.has_year(KodeSystem::kIcd10, 2016));
  CHECK(t.has_year(KodeSystem::kIcd10, 2017));
  CHECK_FALSE(t.has_year(KodeSystem::kNcrp, 2015));
  CHECK_FALSE(t.has_year(KodeSystem::kNcsp, 2018));
  CHECK_FALSE(t.has_year(KodeSystem::kOther, 2017));
  CHECK(t.years(KodeSystem::kOther).empty());
}

TEST_CASE("real year-to-year changes: A90 only in 2015, A97x and JJX00 later") {
  const auto& t = real_tables();
  CHECK(t.valid_on(KodeSystem::kIcd10, "A90", date(2015, 6, 1)));
  CHECK_FALSE(t.valid_on(KodeSystem::kIcd10, "A90", date(2017, 6, 1)));
  CHECK(t.valid_years(KodeSystem::kIcd10, "A90") == std::vector<int>{2015});
  CHECK(t.valid_on(KodeSystem::kIcd10, "A970", date(2017, 1, 1)));
  CHECK_FALSE(t.valid_on(KodeSystem::kIcd10, "A970", date(2015, 12, 31)));
  CHECK(t.valid_years(KodeSystem::kIcd10, "A970") == std::vector<int>{2017, 2024, 2025, 2026});

  CHECK_FALSE(t.valid_on(KodeSystem::kNcsp, "JJX00", date(2015, 12, 31, 23, 59)));
  CHECK(t.valid_on(KodeSystem::kNcsp, "JJX00", date(2016, 1, 1)));
  CHECK(t.valid_years(KodeSystem::kNcsp, "JJX00") == std::vector<int>{2016, 2017});
  CHECK(t.valid_years(KodeSystem::kNcsp, "BAX10") == std::vector<int>{2016, 2017});
  CHECK(t.valid_years(KodeSystem::kNcsp, "KEC00") == std::vector<int>{2015, 2016, 2017});
  CHECK(t.valid_years(KodeSystem::kNcrp, "JJB06A") == std::vector<int>{2017});
  // A code of one system is not a code of another.
  CHECK(t.find(KodeSystem::kIcd10, "JJX00") == nullptr);
  CHECK(t.valid_years(KodeSystem::kNcsp, "A90").empty());
}

TEST_CASE("find: codes as listed, including the noise code XXXX and lower-case letters") {
  const auto& t = real_tables();
  const CodeEntry* e = t.find(KodeSystem::kIcd10, "S7200");
  REQUIRE(e != nullptr);
  CHECK(e->verdi == "S7200");
  CHECK(e->system == KodeSystem::kIcd10);
  CHECK(e->kjonn == KodeKjonn::kAlle);
  CHECK_FALSE(e->stjernekode);
  CHECK(t.find(KodeSystem::kIcd10, "XXXX") != nullptr);
  CHECK(t.valid_years(KodeSystem::kIcd10, "XXXX") == std::vector<int>{2015});
  CHECK(t.find(KodeSystem::kIcd10, "I210a") != nullptr);
  CHECK(t.find(KodeSystem::kIcd10, "XYZ99") == nullptr);
  CHECK(t.find(KodeSystem::kIcd10, "") == nullptr);
  CHECK(t.find(KodeSystem::kOther, "A90") == nullptr);
  // Yearly periods of the same text are joined: KEC00 is one period 2015-01-01..2017-12-31.
  const CodeEntry* kec = t.find(KodeSystem::kNcsp, "KEC00");
  REQUIRE(kec != nullptr);
  REQUIRE(kec->periods.size() == 1);
  CHECK(kec->periods[0].from_day == date(2015, 1, 1).day());
  CHECK(kec->periods[0].to_day == date(2017, 12, 31).day());
  const auto* p = CodeTables::period_on(*kec, date(2016, 7, 1));
  REQUIRE(p != nullptr);
  CHECK(p->tekst == "Retropubisk radikal prostatektomi");
  CHECK(CodeTables::period_on(*kec, date(2018, 1, 1)) == nullptr);
}

TEST_CASE("more_specific_exists and longer_code_exists use the prefix index") {
  const auto& t = real_tables();
  CHECK(t.more_specific_exists(KodeSystem::kIcd10, "S720", date(2017, 5, 1)));  // S7200, S7201
  CHECK_FALSE(t.more_specific_exists(KodeSystem::kIcd10, "S7200", date(2017, 5, 1)));
  CHECK(t.more_specific_exists(KodeSystem::kIcd10, "J18", date(2017, 5, 1)));
  CHECK_FALSE(t.more_specific_exists(KodeSystem::kIcd10, "C61", date(2017, 5, 1)));
  // Date-dependent: A97x exist in 2017 only.
  CHECK(t.more_specific_exists(KodeSystem::kIcd10, "A97", date(2017, 5, 1)));
  CHECK_FALSE(t.more_specific_exists(KodeSystem::kIcd10, "A97", date(2015, 5, 1)));
  CHECK_FALSE(t.more_specific_exists(KodeSystem::kIcd10, "S720", date(2016, 5, 1)));

  CHECK(t.longer_code_exists(KodeSystem::kIcd10, "J18"));
  CHECK(t.longer_code_exists(KodeSystem::kIcd10, "A97"));
  CHECK(t.longer_code_exists(KodeSystem::kIcd10, "S720"));
  CHECK_FALSE(t.longer_code_exists(KodeSystem::kIcd10, "J180"));
  CHECK_FALSE(t.longer_code_exists(KodeSystem::kIcd10, "XYZ9"));
  CHECK_FALSE(t.longer_code_exists(KodeSystem::kIcd10, "S7200"));
  CHECK(t.longer_code_exists(KodeSystem::kNcrp, "JJB06"));
  CHECK_FALSE(t.longer_code_exists(KodeSystem::kNcsp, "JJB06"));
  CHECK_FALSE(t.longer_code_exists(KodeSystem::kOther, "J18"));
}

TEST_CASE("tekst: the text valid on the date, else the latest text") {
  const auto& t = real_tables();
  CHECK(t.tekst(KodeSystem::kIcd10, "A081", date(2015, 3, 1)) ==
        "Akutt gastroenteritt som skyldes Norwalk-faktor");
  CHECK(t.tekst(KodeSystem::kIcd10, "A081", date(2017, 3, 1)) ==
        "Akutt gastroenteritt som skyldes norovirus");
  CHECK(t.tekst(KodeSystem::kIcd10, "A081", date(2016, 3, 1)) ==
        "Akutt gastroenteritt som skyldes norovirus");
  CHECK(t.tekst(KodeSystem::kIcd10, "A90", date(2017, 3, 1)) == "Denguefeber");
  CHECK(t.tekst(KodeSystem::kNcsp, "JJX00", date(2017, 3, 1)) == "Perkutan nålebiopsi av lever");
  CHECK(t.tekst(KodeSystem::kNcrp, "JJB06K", date(2017, 3, 1)) ==
        "Nålebiopsi av lever, ultralydveiledet");
  CHECK(t.tekst(KodeSystem::kIcd10, "XYZ99", date(2017, 3, 1)).empty());
  const CodeEntry* a081 = t.find(KodeSystem::kIcd10, "A081");
  REQUIRE(a081 != nullptr);
  // 2015 (Norwalk-faktor), 2017, 2024-2026 (not joined across the years without a table).
  CHECK(a081->periods.size() == 3);
}

TEST_CASE("resolve_procedure_system: which procedure system a Q code belongs to") {
  const auto& t = real_tables();
  CHECK(t.resolve_procedure_system("JJX00", date(2017, 2, 1)) == KodeSystem::kNcsp);
  CHECK(t.resolve_procedure_system("JJB06K", date(2017, 2, 1)) == KodeSystem::kNcrp);
  CHECK(t.resolve_procedure_system("AAAA00", date(2017, 2, 1)) == KodeSystem::kNcmp);
  CHECK(t.resolve_procedure_system("ZXM00", date(2017, 2, 1)) == KodeSystem::kNcsp);
  // Exists, but not valid on the date: still its system.
  CHECK(t.resolve_procedure_system("JJX00", date(2015, 2, 1)) == KodeSystem::kNcsp);
  CHECK(t.resolve_procedure_system("XYZ99", date(2017, 2, 1)) == KodeSystem::kOther);
  CHECK(t.resolve_procedure_system("A90", date(2015, 2, 1)) == KodeSystem::kOther);
}

TEST_CASE("resolve_procedure_system prefers the system where the code is valid on the date") {
  // JJX00 placed in an NCMP 2015 table as well (the real lists share no code between systems).
  auto dir = test::scratch_dir("q-prefer");
  test::write_file(dir, "2015/ncmp.csv", "Kode;Tekst\nJJX00;Perkutan nålebiopsi av lever\n");
  test::write_file(dir, "2017/ncsp.csv", "Kode;Tekst\nJJX00;Perkutan nålebiopsi av lever\n");
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  CHECK_FALSE(d.has_errors());
  CHECK(t->resolve_procedure_system("JJX00", date(2015, 6, 1)) == KodeSystem::kNcmp);
  CHECK(t->resolve_procedure_system("JJX00", date(2017, 6, 1)) == KodeSystem::kNcsp);
  // Valid in neither on the date: the first system that has it, in NCSP, NCMP, NCRP order.
  CHECK(t->resolve_procedure_system("JJX00", date(2016, 6, 1)) == KodeSystem::kNcsp);
}

TEST_CASE("kodeverk and system names") {
  CHECK(kode_system_from_kodeverk("D") == KodeSystem::kIcd10);
  CHECK(kode_system_from_kodeverk("d") == KodeSystem::kIcd10);
  CHECK(kode_system_from_kodeverk("K") == KodeSystem::kNcsp);
  CHECK(kode_system_from_kodeverk("M") == KodeSystem::kNcmp);
  CHECK(kode_system_from_kodeverk("r") == KodeSystem::kNcrp);
  CHECK(kode_system_from_kodeverk("Q") == KodeSystem::kOther);
  CHECK(kode_system_from_kodeverk("F") == KodeSystem::kOther);
  CHECK(kode_system_from_kodeverk("") == KodeSystem::kOther);
  CHECK(kode_system_from_kodeverk("DK") == KodeSystem::kOther);
  KodeSystem s = KodeSystem::kOther;
  CHECK(parse_kode_system("ICD10", s));
  CHECK(s == KodeSystem::kIcd10);
  CHECK(parse_kode_system("icd-10", s));
  CHECK(s == KodeSystem::kIcd10);
  CHECK(parse_kode_system("ncrp", s));
  CHECK(s == KodeSystem::kNcrp);
  CHECK(parse_kode_system("NcMp", s));
  CHECK(s == KodeSystem::kNcmp);
  CHECK(parse_kode_system("NCSP", s));
  CHECK(s == KodeSystem::kNcsp);
  CHECK_FALSE(parse_kode_system("ICD11", s));
  CHECK(s == KodeSystem::kNcsp);
  for (KodeSystem k : {KodeSystem::kIcd10, KodeSystem::kNcsp, KodeSystem::kNcmp, KodeSystem::kNcrp,
                       KodeSystem::kOther}) {
    KodeSystem back = KodeSystem::kIcd10;
    CHECK(parse_kode_system(kode_system_name(k), back));
    CHECK(back == k);
  }
}

TEST_CASE("cumulative layout: coverage from the earliest Gyldig_fra to the latest date") {
  Diagnostics d;
  const auto& t = cumulative("utf8", &d);
  CHECK_FALSE(d.has_errors());
  CHECK(test::of_level(d, DiagnosticLevel::kWarning).empty());
  REQUIRE(t.files().size() == 4);
  for (const auto& f : t.files()) {
    if (f.system == "NCRP") {
      CHECK(f.year_from == 2016);
      CHECK(f.year_to == 2017);
    } else {
      CHECK(f.year_from == 2015);
      CHECK(f.year_to == 2017);
    }
    CHECK(f.sha256 == *sha256_file(f.file));
  }
  const ManifestTable& icd = t.files()[0];
  CHECK(icd.system == "ICD10");
  CHECK(icd.codes == 22);  // 23 rows: A081 has two
  CHECK(t.years(KodeSystem::kIcd10) == std::vector<int>{2015, 2016, 2017});
  CHECK(t.years(KodeSystem::kNcrp) == std::vector<int>{2016, 2017});
  CHECK_FALSE(t.has_year(KodeSystem::kIcd10, 2018));
}

TEST_CASE("cumulative layout: validity, texts and flags") {
  const auto& t = cumulative("utf8");
  CHECK(t.valid_years(KodeSystem::kIcd10, "A90") == std::vector<int>{2015});
  CHECK(t.valid_years(KodeSystem::kIcd10, "A970") == std::vector<int>{2016, 2017});
  CHECK(t.valid_on(KodeSystem::kIcd10, "A90", date(2015, 12, 31, 23, 0)));
  CHECK_FALSE(t.valid_on(KodeSystem::kIcd10, "A90", date(2016, 1, 1)));
  CHECK(t.valid_on(KodeSystem::kIcd10, "N40", date(2017, 6, 1)));  // Gyldig_til 9999-12-31
  CHECK(t.valid_years(KodeSystem::kNcsp, "JJX00") == std::vector<int>{2016, 2017});  // 31.12.9999
  CHECK(t.valid_years(KodeSystem::kNcsp, "AAL00") == std::vector<int>{2015});
  CHECK(t.valid_years(KodeSystem::kNcrp, "JJB06A") == std::vector<int>{2017});
  CHECK(t.tekst(KodeSystem::kIcd10, "A081", date(2016, 12, 31)) ==
        "Akutt gastroenteritt som skyldes Norwalk-faktor");
  CHECK(t.tekst(KodeSystem::kIcd10, "A081", date(2017, 1, 1)) ==
        "Akutt gastroenteritt som skyldes norovirus");
  // The long text wins over Tekst_med_maksimalt_60_tegn.
  CHECK(t.tekst(KodeSystem::kIcd10, "J188", date(2017, 1, 1)) ==
        "Annen spesifisert pneumoni som skyldes uspesifisert mikroorganisme");
  CHECK(t.more_specific_exists(KodeSystem::kIcd10, "S720", date(2017, 5, 1)));
  CHECK(t.more_specific_exists(KodeSystem::kIcd10, "A97", date(2016, 5, 1)));
  CHECK_FALSE(t.more_specific_exists(KodeSystem::kIcd10, "A97", date(2015, 5, 1)));
  CHECK(t.longer_code_exists(KodeSystem::kIcd10, "J18"));

  const CodeEntry* g01 = t.find(KodeSystem::kIcd10, "G01");
  REQUIRE(g01 != nullptr);
  CHECK(g01->stjernekode);
  CHECK_FALSE(t.find(KodeSystem::kIcd10, "E702")->stjernekode);
  CHECK(t.find(KodeSystem::kIcd10, "C61")->kjonn == KodeKjonn::kMann);
  CHECK(t.find(KodeSystem::kIcd10, "C510")->kjonn == KodeKjonn::kKvinne);
  CHECK(t.find(KodeSystem::kIcd10, "A000")->kjonn == KodeKjonn::kAlle);
  CHECK(t.find(KodeSystem::kNcsp, "KEC00")->kjonn == KodeKjonn::kMann);
  CHECK(t.find(KodeSystem::kNcsp, "LCD00")->kjonn == KodeKjonn::kKvinne);
  CHECK(t.find(KodeSystem::kNcsp, "ZXM00")->tilleggskode);
  CHECK_FALSE(t.find(KodeSystem::kNcsp, "JJX00")->tilleggskode);
  const CodeEntry* xxxx = t.find(KodeSystem::kIcd10, "XXXX");
  REQUIRE(xxxx != nullptr);  // Rapporteres_til_NPR = N: loaded, flagged
  REQUIRE(xxxx->periods.size() == 1);
  CHECK_FALSE(xxxx->periods[0].rapporteres_til_npr);
  CHECK(t.find(KodeSystem::kIcd10, "A90")->periods[0].rapporteres_til_npr);
  CHECK(t.resolve_procedure_system("JJB06K", date(2017, 1, 1)) == KodeSystem::kNcrp);
  CHECK(t.resolve_procedure_system("DFGX12", date(2017, 1, 1)) == KodeSystem::kNcmp);
  CHECK(t.resolve_procedure_system("BAX10", date(2017, 1, 1)) == KodeSystem::kNcsp);
}

TEST_CASE("cumulative layout gives the same answers as the yearly lists for 2015 and 2017") {
  const auto& yearly = real_tables();
  struct Probe {
    KodeSystem system;
    const char* kode;
  };
  const Probe probes[] = {
      {KodeSystem::kIcd10, "A000"},  {KodeSystem::kIcd10, "A081"},  {KodeSystem::kIcd10, "A90"},
      {KodeSystem::kIcd10, "A970"},  {KodeSystem::kIcd10, "A979"},  {KodeSystem::kIcd10, "C61"},
      {KodeSystem::kIcd10, "G01"},   {KodeSystem::kIcd10, "J188"},  {KodeSystem::kIcd10, "S7201"},
      {KodeSystem::kNcsp, "AAL00"},  {KodeSystem::kNcsp, "BAX10"},  {KodeSystem::kNcsp, "CGG65"},
      {KodeSystem::kNcsp, "JJX00"},  {KodeSystem::kNcsp, "ZXM30"},  {KodeSystem::kNcmp, "AAAA05"},
      {KodeSystem::kNcmp, "AADE00"}, {KodeSystem::kNcmp, "DFGX12"}, {KodeSystem::kNcrp, "JJB06D"},
      {KodeSystem::kNcrp, "JJB06K"}, {KodeSystem::kNcrp, "FED10K"},
  };
  for (const char* variant : {"utf8", "utf8-bom", "windows-1252"}) {
    const auto& cum = cumulative(variant);
    for (const auto& p : probes) {
      for (DateTime d : {date(2015, 6, 1), date(2017, 6, 1)}) {
        INFO(variant << " " << kode_system_name(p.system) << " " << p.kode << " "
                     << d.date_string());
        if (!yearly.has_year(p.system, d.year())) continue;
        CHECK(cum.valid_on(p.system, p.kode, d) == yearly.valid_on(p.system, p.kode, d));
        if (yearly.valid_on(p.system, p.kode, d)) {
          CHECK(cum.tekst(p.system, p.kode, d) == yearly.tekst(p.system, p.kode, d));
        }
      }
    }
    CHECK(cum.more_specific_exists(KodeSystem::kIcd10, "J18", date(2017, 6, 1)));
    // XXXX (a noise code of the real 2015 list) is marked Rapporteres_til_NPR = N in the
    // cumulative test data: there it exists but is not valid for NPR.
    CHECK(yearly.valid_on(KodeSystem::kIcd10, "XXXX", date(2015, 6, 1)));
    CHECK(cum.find(KodeSystem::kIcd10, "XXXX") != nullptr);
    CHECK_FALSE(cum.valid_on(KodeSystem::kIcd10, "XXXX", date(2015, 6, 1)));
    CHECK_FALSE(cum.known(KodeSystem::kIcd10, "XXXX"));
  }
}

TEST_CASE("cumulative variants: BOM and Windows-1252 read like UTF-8; Windows-1252 is noted") {
  Diagnostics d_bom, d_1252;
  const auto& bom = cumulative("utf8-bom", &d_bom);
  const auto& w1252 = cumulative("windows-1252", &d_1252);
  CHECK_FALSE(d_bom.has_errors());
  CHECK(test::of_level(d_bom, DiagnosticLevel::kNote).empty());
  CHECK_FALSE(d_1252.has_errors());
  auto notes = test::of_level(d_1252, DiagnosticLevel::kNote);
  REQUIRE(notes.size() == 4);
  for (const auto& n : notes) {
    CHECK(n.message == "not valid UTF-8: read as Windows-1252 and converted");
    CHECK(n.file.find("windows-1252/") != std::string::npos);
  }
  for (const CodeTables* t : {&bom, &w1252}) {
    // Header "Kjønn" found (ø in the header), texts with å/ø/æ converted.
    CHECK(t->find(KodeSystem::kIcd10, "C61")->kjonn == KodeKjonn::kMann);
    CHECK(t->tekst(KodeSystem::kNcsp, "BAX10", date(2017, 1, 1)) == "Nålebiopsi av tyreoidea");
    CHECK(t->tekst(KodeSystem::kIcd10, "S7201", date(2017, 1, 1)) == "Åpent brudd i lårhals");
    CHECK(t->find(KodeSystem::kIcd10, "A000") != nullptr);  // first code after the BOM/header
    CHECK(t->files().size() == 4);
  }
}

TEST_CASE("Windows-1252 detection converts the 0x80-0x9F block too (en dash, euro)") {
  auto dir = test::scratch_dir("cp1252");
  // "Nålebiopsi av lever – ultralydveiledet" in Windows-1252: å = E5, – = 96.
  test::write_file(dir, "2017/ncrp.csv",
                   "Kode;Tekst\r\nJJB06K;N\xE5lebiopsi av lever \x96 ultralydveiledet \x80\r\n");
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  CHECK_FALSE(d.has_errors());
  REQUIRE(test::of_level(d, DiagnosticLevel::kNote).size() == 1);
  CHECK(t->tekst(KodeSystem::kNcrp, "JJB06K", date(2017, 1, 1)) ==
        "Nålebiopsi av lever \xE2\x80\x93 ultralydveiledet \xE2\x82\xAC");
}

TEST_CASE("successors: longer codes valid on the date, else codes with the same text") {
  Diagnostics d;
  auto t = CodeTables::load(testdata("tables-successor"), d);
  REQUIRE(t);
  const DateTime when = date(2024, 3, 1);
  auto names = [&](KodeSystem s, const char* code) {
    std::string out;
    for (auto v : t->successors(s, code, when)) out += (out.empty() ? "" : ",") + std::string(v);
    return out;
  };
  // Further characters (2017 D370 split into D3700/D3701 by 2024), only the shortest ones.
  CHECK(names(KodeSystem::kIcd10, "D370") == "D3700,D3701");
  CHECK(names(KodeSystem::kIcd10, "D37") == "D3700,D3701,D3710,D3711");
  // Same text, another code (B59 -> B485 «Pneumocystose», Z2230 -> Z227 «Latent tuberkulose»).
  CHECK(names(KodeSystem::kIcd10, "B59") == "B485");
  CHECK(names(KodeSystem::kIcd10, "Z2230") == "Z227");
  // J180 is valid in both years and no other code has its text: nothing to name.
  CHECK(names(KodeSystem::kIcd10, "J180") == "");
  CHECK(names(KodeSystem::kNcsp, "D370") == "");  // no NCSP table
  // The bundled 2015-2017 lists: NCSP TBA10 (2015) is BAX10 from 2016, same text.
  CHECK(real_tables().successors(KodeSystem::kNcsp, "TBA10", date(2017, 3, 2)).at(0) == "BAX10");
}

TEST_CASE("resolve: the facts stored on a Kode agree with the look-ups they replace") {
  const auto& t = cumulative("utf8");
  const auto& real = real_tables();
  const char* values[] = {"A90",   "A97",   "A970",  "D37",   "D370",  "J18",    "J180",
                          "S7200", "XXXX",  "TBA10", "BAX10", "JJX00", "JJB06K", "AAAA00",
                          "ZXM00", "XYZ99", "A00",   "A000",  "N400",  "O800",   ""};
  const char* kodeverk[] = {"D", "Q", "K", "M", "R", "F", "q"};
  int resolved = 0;
  for (const CodeTables* tables : {&t, &real}) {
    for (const char* kv : kodeverk) {
      for (const char* v : values) {
        for (DateTime when : {date(2015, 6, 1), date(2017, 3, 2), date(2024, 3, 1)}) {
          Kode k;
          k.verdi = v;
          k.kodeverk = kv;
          tables->resolve(k, when);
          INFO(kv << " " << v << " " << when.date_string());
          KodeSystem s = std::string_view(kv) == "Q" || std::string_view(kv) == "q"
                             ? tables->resolve_procedure_system(v, when)
                             : kode_system_from_kodeverk(kv);
          REQUIRE(k.system == s);
          CHECK(k.tables == tables);
          CHECK(k.dag == when.day());
          CHECK(k.ar == when.year());
          if (s == KodeSystem::kOther) {
            CHECK(k.entry == nullptr);
            CHECK(k.tekst.empty());
            CHECK((k.fakta & (kFaktaKnown | kFaktaValid | kFaktaListed | kFaktaHasYear)) == 0);
            continue;
          }
          ++resolved;
          CHECK(k.entry == tables->find(s, v));
          CHECK(k.tekst == tables->tekst(s, v, when));
          CHECK(((k.fakta & kFaktaHasYear) != 0) == tables->has_year(s, when.year()));
          CHECK(((k.fakta & kFaktaChecked) != 0) == tables->has_year(s, when.year()));
          CHECK(((k.fakta & kFaktaKnown) != 0) == tables->known(s, v));
          CHECK(((k.fakta & kFaktaValid) != 0) == tables->valid_on(s, v, when));
          CHECK(((k.fakta & kFaktaLonger) != 0) == tables->longer_code_exists(s, v));
          CHECK(((k.fakta & kFaktaMoreSpecific) != 0) == tables->more_specific_exists(s, v, when));
        }
      }
    }
  }
  CHECK(resolved > 100);
}

TEST_CASE("prefix index: every prefix answers as a scan of the codes would") {
  // Codes that are prefixes of codes (reportable or not), branches sharing a prefix, a gap
  // (D100 is no code), codes alike in their first 8 bytes, periods that do not meet.
  struct Row {
    const char* kode;
    const char* fra;
    const char* til;
    bool rapporteres;
  };
  const std::vector<Row> rows = {
      {"A", "2015-01-01", "", true},
      {"A0", "2015-01-01", "", true},
      {"A01", "2015-01-01", "", true},
      {"A011", "2015-01-01", "", true},
      {"A02", "2015-01-01", "", true},
      {"A1", "2015-01-01", "", true},
      {"AB", "2015-01-01", "", true},
      {"B12345678", "2015-01-01", "", true},
      {"B123456789", "2015-01-01", "", true},
      {"B12345679", "2015-01-01", "", true},
      {"B1234567", "2015-01-01", "", true},
      {"B123456780AB", "2017-01-01", "", true},
      {"C", "2015-01-01", "", true},
      {"D10", "2015-01-01", "", true},
      {"D1000", "2015-01-01", "", true},
      {"E01", "2015-01-01", "", true},
      {"E010", "2015-01-01", "", false},
      {"F0", "2015-01-01", "", false},
      {"F00", "2015-01-01", "", true},
      {"G1", "2015-01-01", "", true},
      {"G10", "2015-01-01", "2015-12-31", true},
      {"G11", "2017-01-01", "", true},
      {"H0", "2015-01-01", "", false},
      {"H01", "2015-01-01", "", false},
  };
  std::string csv = "Kode;Tekst;Gyldig_fra;Gyldig_til;Rapporteres_til_NPR\n";
  for (const Row& r : rows) {
    csv += std::string(r.kode) + ";Tekst " + r.kode + ";" + r.fra + ";" + r.til + ";" +
           (r.rapporteres ? "Ja" : "Nei") + "\n";
  }
  auto dir = nprcheck::test::scratch_dir("prefix-index");
  nprcheck::test::write_file(dir, "icd10_test.csv", csv);
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  REQUIRE_FALSE(d.has_errors());

  std::vector<std::string> probes = {"", "Z", "A00", "A0111", "B1234567801", "D100", "E0100"};
  for (const Row& r : rows) {
    std::string_view k = r.kode;
    for (size_t len = 0; len <= k.size(); ++len) probes.emplace_back(k.substr(0, len));
  }
  const KodeSystem s = KodeSystem::kIcd10;
  int longer = 0;
  for (const std::string& p : probes) {
    for (DateTime when : {date(2015, 6, 1), date(2016, 6, 1), date(2017, 6, 1)}) {
      INFO("'" << p << "' " << when.date_string());
      // The scan: reportable codes longer than p that start with it, in code order (the empty
      // text is no prefix: it names no category).
      std::vector<std::string> expected_valid;
      bool expected_longer = false;
      std::vector<std::string> codes;
      for (const Row& r : rows) codes.emplace_back(r.kode);
      std::sort(codes.begin(), codes.end());
      for (const std::string& c : codes) {
        if (p.empty() || c.size() <= p.size() || !std::string_view(c).starts_with(p) ||
            !t->known(s, c))
          continue;
        expected_longer = true;
        if (t->valid_on(s, c, when)) expected_valid.push_back(c);
      }
      CHECK(t->longer_code_exists(s, p) == expected_longer);
      CHECK(t->more_specific_exists(s, p, when) == !expected_valid.empty());
      Kode k;
      k.verdi = p;
      k.kodeverk = "D";
      t->resolve(k, when);
      CHECK(((k.fakta & kFaktaLonger) != 0) == expected_longer);
      CHECK(((k.fakta & kFaktaMoreSpecific) != 0) == !expected_valid.empty());
      // successors(): the shortest of them (no code here shares another's text).
      size_t shortest = SIZE_MAX;
      for (const auto& c : expected_valid) shortest = std::min(shortest, c.size());
      std::vector<std::string> expected_succ;
      for (const auto& c : expected_valid) {
        if (c.size() == shortest) expected_succ.push_back(c);
      }
      std::vector<std::string> succ;
      for (auto v : t->successors(s, p, when)) succ.emplace_back(v);
      CHECK(succ == expected_succ);
      longer += expected_longer ? 1 : 0;
    }
  }
  CHECK(longer > 50);
  // Spot checks of the scan itself.
  CHECK(t->longer_code_exists(s, "A01"));
  CHECK_FALSE(t->longer_code_exists(s, "E01"));  // E010 is not reportable
  CHECK(t->longer_code_exists(s, "F0"));         // F0 is not, F00 is
  CHECK_FALSE(t->longer_code_exists(s, "H0"));
  CHECK_FALSE(t->longer_code_exists(s, ""));
  CHECK(t->more_specific_exists(s, "G1", date(2015, 6, 1)));
  CHECK_FALSE(t->more_specific_exists(s, "G1", date(2016, 6, 1)));
  CHECK(t->more_specific_exists(s, "B12345678", date(2017, 6, 1)));  // B123456780AB, 2017
  CHECK_FALSE(t->more_specific_exists(s, "B123456780", date(2016, 6, 1)));
}

TEST_CASE("code order does not depend on the order of the rows (runs merged or sorted)") {
  // P00..P99 and their subdivisions Pxy0..Pxy2, written shuffled (many runs: sorted), in two
  // ascending halves (two runs: merged) and in order.
  std::vector<std::string> codes;
  for (int xy = 0; xy < 100; ++xy) {
    const std::string c = "P" + std::to_string(xy / 10) + std::to_string(xy % 10);
    codes.push_back(c);
    for (int d = 0; d < 3; ++d) codes.push_back(c + std::to_string(d));
  }
  std::vector<std::string> shuffled;
  for (size_t i = 0; i < codes.size(); ++i) shuffled.push_back(codes[(i * 37) % codes.size()]);
  std::vector<std::string> halves;
  for (size_t i = 0; i < codes.size(); i += 2) halves.push_back(codes[i]);
  for (size_t i = 1; i < codes.size(); i += 2) halves.push_back(codes[i]);
  int variant = 0;
  for (const auto* order : {&codes, &shuffled, &halves}) {
    std::string csv = "Kode;Tekst;Gyldig_fra\n";
    for (const auto& c : *order) csv += c + ";Tekst " + c + ";2015-01-01\n";
    auto dir = nprcheck::test::scratch_dir("row-order-" + std::to_string(variant++));
    nprcheck::test::write_file(dir, "ncsp_test.csv", csv);
    Diagnostics d;
    auto t = CodeTables::load(dir, d);
    REQUIRE(t);
    REQUIRE_FALSE(d.has_errors());
    auto names = [&](const char* code) {
      std::string out;
      for (auto v : t->successors(KodeSystem::kNcsp, code, date(2016, 1, 1))) {
        out += (out.empty() ? "" : ",") + std::string(v);
      }
      return out;
    };
    CHECK(names("P") ==
          "P00,P01,P02,P03,P04,P05,P06,P07,P08,P09,P10,P11,P12,P13,P14,P15,P16,"
          "P17,P18,P19,P20,P21,P22,P23,P24,P25,P26,P27,P28,P29,P30,P31,P32,P33,"
          "P34,P35,P36,P37,P38,P39,P40,P41,P42,P43,P44,P45,P46,P47,P48,P49,P50,"
          "P51,P52,P53,P54,P55,P56,P57,P58,P59,P60,P61,P62,P63,P64,P65,P66,P67,"
          "P68,P69,P70,P71,P72,P73,P74,P75,P76,P77,P78,P79,P80,P81,P82,P83,P84,"
          "P85,P86,P87,P88,P89,P90,P91,P92,P93,P94,P95,P96,P97,P98,P99");
    CHECK(names("P5") == "P50,P51,P52,P53,P54,P55,P56,P57,P58,P59");
    CHECK(names("P37") == "P370,P371,P372");
    CHECK(names("P372") == "");
    for (const auto& c : codes) {
      INFO(c);
      CHECK(t->longer_code_exists(KodeSystem::kNcsp, c) == (c.size() == 3));
      CHECK(t->code_in_range_exists(KodeSystem::kNcsp, c, c));
    }
    CHECK_FALSE(t->code_in_range_exists(KodeSystem::kNcsp, "P9A", "P9Z"));
  }
}
