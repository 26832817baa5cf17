// Bad code table files: a clear error with file, line and column; the file is skipped.
#include <algorithm>
#include <catch2/catch.hpp>

#include "nprcheck/code_tables.hpp"
#include "tables_test_util.hpp"

using namespace nprcheck;
using nprcheck::test::date;
using nprcheck::test::testdata;

namespace {

struct Expected {
  const char* dir;   ///< folder under testdata/bad/tables
  const char* file;  ///< the bad file, relative to that folder
  uint32_t line;
  uint32_t column;
  const char* message;
};

/// Column (1-based) of `needle` in `line`.
uint32_t col(std::string_view line, std::string_view needle) {
  return static_cast<uint32_t>(line.find(needle) + 1);
}

}  // namespace

TEST_CASE("every kind of bad table gives its error with file, line and column") {
  const Expected cases[] = {
      {"duplicate", "2017/icd10.csv", 4, 1, "duplicate code 'A000' (first on line 2)"},
      {"missing-header", "2017/ncsp.csv", 1, 1,
       "missing header row: the first line must name the columns (Kode;Tekst)"},
      {"missing-column", "icd10_kumulativ.csv", 1, 1,
       "missing required column 'Tekst' (or Tekst_uten_lengdebegrensning, "
       "Tekst_med_maksimalt_60_tegn)"},
      {"missing-gyldig-fra", "ncrp_kumulativ.csv", 1, 1,
       "missing required column 'Gyldig_fra' (a table outside a <year>/ folder is read in the "
       "cumulative layout)"},
      {"bad-date", "ncsp_kumulativ.csv", 3,
       col("JJX00;Perkutan nålebiopsi av lever;31.02.2016;", "31.02"),
       "bad date '31.02.2016' in column Gyldig_fra (YYYY-MM-DD or DD.MM.YYYY)"},
      {"til-before-fra", "ncrp_kumulativ.csv", 3,
       col("BAB06K;Nålebiopsi av tyreoidea, ultralydveiledet;2017-01-01;2016-12-31", "2016-12"),
       "Gyldig_til 2016-12-31 is before Gyldig_fra 2017-01-01"},
      {"comma-separator", "2017/ncmp.csv", 1, 5,
       "expected ';' separator, found ',' (save the table as ';'-separated text)"},
      {"tab-separator", "2016/ncrp.csv", 1, 5,
       "expected ';' separator, found a tab (save the table as ';'-separated text)"},
      {"row-separator", "2015/ncsp.csv", 3, 6, "expected ';' separator, found ','"},
      {"empty-code", "2017/ncrp.csv", 3, 1, "empty code"},
      {"overlap", "icd10_kumulativ.csv", 3, 1,
       "duplicate code 'A081': its validity overlaps the row on line 2"},
      {"no-system", "kumulativ.csv", 1, 0,
       "cannot tell the code system from the file name: a cumulative table's name starts with "
       "icd10, ncsp, ncmp or ncrp (e.g. icd10_2024.csv)"},
      {"utf16", "2017/icd10.csv", 0, 0,
       "UTF-16 text is not supported; save the file as UTF-8 (or Windows-1252) ';'-separated "
       "text"},
      {"empty", "2015/icd10.csv", 0, 0,
       "empty file or empty first line: expected a header row (Kode;Tekst)"},
      {"field-count", "2017/ncrp.csv", 3, col("JJB06D;Nålebiopsi av lever;CT-veiledet", "CT-"),
       "found 3 fields, the header has 2 (quote a text that holds ';')"},
      {"unterminated-quote", "2017/ncrp.csv", 2, 0,
       "unterminated quote in field starting at column 8"},
      // The JSON download with a missing comma: where the parser stopped (the end of the
      // unexpected string).
      {"json", "ICD10.json", 3,
       col(R"(  {"Kode": "A00.1", "Gyldig_fra": "1999-01-01T00:00:00" "Rapporteres_til_NPR": "Ja"})",
           R"(: "Ja")") -
           1,
       "not valid JSON: syntax error while parsing object - unexpected string literal; expected "
       "'}'"},
  };
  for (const auto& c : cases) {
    INFO(c.dir);
    const std::string dir = testdata("bad/tables/") + c.dir;
    Diagnostics d;
    auto t = CodeTables::load(dir, d);
    REQUIRE(t);  // bad files are reported, not fatal
    CHECK(t->files().empty());
    auto errors = test::of_level(d, DiagnosticLevel::kError);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].file == dir + "/" + c.file);
    CHECK(errors[0].line == c.line);
    CHECK(errors[0].column == c.column);
    CHECK(errors[0].message == c.message);
    if (c.column > 0) CHECK_FALSE(errors[0].source_line.empty());
  }
}

TEST_CASE("a bad file is reported and skipped; the good file beside it loads") {
  const std::string dir = testdata("bad/tables/mixed");
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  auto errors = test::of_level(d, DiagnosticLevel::kError);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file == dir + "/2017/ncsp.csv");
  CHECK(errors[0].message == "duplicate code 'JJX00' (first on line 2)");
  CHECK(errors[0].source_line == "JJX00;Perkutan nålebiopsi av lever");
  auto notes = test::of_level(d, DiagnosticLevel::kNote);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].message == "this table was not loaded because of the errors above");
  REQUIRE(t->files().size() == 1);
  CHECK(t->files()[0].system == "NCRP");
  CHECK(t->has_year(KodeSystem::kNcrp, 2017));
  CHECK_FALSE(t->has_year(KodeSystem::kNcsp, 2017));  // its codes are unchecked, not invalid
  CHECK(t->valid_on(KodeSystem::kNcrp, "JJB06K", date(2017, 3, 1)));
  CHECK(t->find(KodeSystem::kNcsp, "JJX00") == nullptr);
  // The rendered diagnostic reads like a compiler's.
  CHECK(format_diagnostic(errors[0]) == dir +
                                            "/2017/ncsp.csv:3:1: error: duplicate code 'JJX00' "
                                            "(first on line 2)\n  JJX00;Perkutan nålebiopsi av "
                                            "lever\n  ^");
}

TEST_CASE("the whole bad folder loads without crashing and reports every file") {
  Diagnostics d;
  auto t = CodeTables::load(testdata("bad/tables"), d);
  REQUIRE(t);
  CHECK(d.error_count() == 18);  // 17 single-error folders + mixed/2017/ncsp.csv
  CHECK(t->files().size() == 1);
}

TEST_CASE("a table that cannot be found, and other files in the tables folder") {
  Diagnostics d;
  auto missing = CodeTables::load(testdata("no-such-tables"), d);
  REQUIRE_FALSE(missing);
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message() ==
        "code table directory '" + testdata("no-such-tables") + "' does not exist");

  auto dir = test::scratch_dir("other-files");
  test::write_file(dir, "notes.csv", "a,b\n1,2\n");
  test::write_file(dir, "README.md", "not a table\n");
  test::write_file(dir, "2017/ncrp.csv",
                   "Kode;Tekst\nJJB06K;Nålebiopsi av lever, ultralydveiledet\n");
  Diagnostics d2;
  auto t = CodeTables::load(dir, d2);
  REQUIRE(t);
  CHECK_FALSE(d2.has_errors());
  auto warnings = test::of_level(d2, DiagnosticLevel::kWarning);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].file == (dir / "notes.csv").string());
  CHECK(t->files().size() == 1);

  // An empty tables folder is an error: every code would silently be "unchecked".
  Diagnostics d3;
  auto empty = CodeTables::load(test::scratch_dir("no-tables"), d3);
  REQUIRE(empty);
  CHECK(empty->files().empty());
  auto e3 = test::of_level(d3, DiagnosticLevel::kError);
  REQUIRE(e3.size() == 1);
  CHECK(e3[0].message == "no code tables loaded: the folder holds no codes");
}

TEST_CASE("tables that cannot be read or hold no codes are errors, never skipped silently") {
  auto dir = test::scratch_dir("unreadable-tables");
  test::write_file(dir, "2017/ncrp.csv",
                   "Kode;Tekst\nJJB06K;Nålebiopsi av lever, ultralydveiledet\n");
  test::write_file(dir, "2017/icd10.csv", "Kode;Tekst\n");         // header only
  std::filesystem::create_directories(dir / "2016" / "ncsp.csv");  // a folder
  std::filesystem::create_symlink(dir / "nowhere.csv", dir / "2016" / "ncmp.csv");
  std::filesystem::create_symlink(dir / "2016" / "ncrp.csv", dir / "2016" / "ncrp.csv");
  std::filesystem::create_symlink(dir / "2017" / "ncrp.csv", dir / "2016" / "icd10.csv");
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  auto errors = test::of_level(d, DiagnosticLevel::kError);
  std::vector<std::string> got;
  for (const auto& e : errors) {
    got.push_back(std::filesystem::path(e.file).lexically_relative(dir).string() + ": " +
                  e.message);
  }
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{
                   "2016/ncmp.csv: cannot read code table: a dangling symlink",
                   "2016/ncrp.csv: cannot read code table: a symlink loop",
                   "2016/ncsp.csv: a folder where a code table belongs",
                   "2017/icd10.csv: the table holds no codes",
               });
  CHECK(t->files().size() == 2);  // 2017/ncrp.csv, and 2016/icd10.csv: a link to a table
}

TEST_CASE("table details: quoting, CRLF, dots, blank and ;;; rows, date forms, header spelling") {
  auto dir = test::scratch_dir("details");
  test::write_file(dir, "2017/ICD10.CSV",
                   "\"KODE\" ; tekst \r\n"
                   "S72.00;Lukket brudd i lårhals\r\n"
                   "\r\n"
                   ";\r\n"
                   "J189;\"Uspesifisert \"\"pneumoni\"\"; test\"\r\n");
  test::write_file(dir, "ncsp-2016.csv",
                   "kode;TEKST_MED_MAKSIMALT_60_TEGN;gyldig fra;Gyldig_til;NPR_Gyldig_fra\n"
                   "JJX00;Perkutan nålebiopsi av lever;2016-01-01T00:00:00;31.12.2016;1.1.2016\n");
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  std::string all;
  for (const auto& x : d.all()) all += format_diagnostic(x) + "\n";
  INFO(all);
  CHECK(d.all().empty());
  CHECK(t->valid_on(KodeSystem::kIcd10, "S7200", date(2017, 1, 1)));
  CHECK(t->tekst(KodeSystem::kIcd10, "J189", date(2017, 1, 1)) ==
        "Uspesifisert \"pneumoni\"; test");
  CHECK(t->valid_years(KodeSystem::kNcsp, "JJX00") == std::vector<int>{2016});
  CHECK(t->tekst(KodeSystem::kNcsp, "JJX00", date(2016, 1, 1)) == "Perkutan nålebiopsi av lever");
}

TEST_CASE("many errors in one file stop after 20, and the file is skipped") {
  std::string text = "Kode;Tekst\n";
  for (int i = 0; i < 50; ++i) text += ";Tom kode\n";
  auto dir = test::scratch_dir("many-errors");
  test::write_file(dir, "2017/icd10.csv", text);
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  CHECK(d.error_count() == 20);
  CHECK(t->files().empty());
  auto notes = test::of_level(d, DiagnosticLevel::kNote);
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].message == "stopped reading after 20 errors");
}
