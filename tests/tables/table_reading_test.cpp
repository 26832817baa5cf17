// Reading table files at scale: the duplicate index, field reuse between lines, JSON lines.
#include <catch2/catch.hpp>
#include <string>

#include "nprcheck/code_tables.hpp"
#include "tables_test_util.hpp"

using namespace nprcheck;
using test::date;

namespace {

/// Code number `i` as an ICD-10-like code: A000, A001, ... Z999.
std::string code(int i) {
  return std::string(1, static_cast<char>('A' + i / 1000)) +
         std::to_string(1000 + i % 1000).substr(1);
}

std::string all_diagnostics(const Diagnostics& d) {
  std::string all;
  for (const auto& x : d.all()) all += format_diagnostic(x) + "\n";
  return all;
}

}  // namespace

TEST_CASE("CSV: a duplicate thousands of lines after its first row is found and named") {
  // 5000 codes: the duplicate index grows many times before the duplicate comes.
  std::string text = "Kode;Tekst\n";
  for (int i = 0; i < 5000; ++i) text += code(i) + ";Tekst nummer " + std::to_string(i) + "\n";
  text += code(1) + ";Igjen\n";  // line 5002 repeats line 3
  auto dir = test::scratch_dir("many-codes-duplicate");
  test::write_file(dir, "2017/icd10.csv", text);
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  INFO(all_diagnostics(d));
  auto errors = test::of_level(d, DiagnosticLevel::kError);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 5002);
  CHECK(errors[0].message == "duplicate code 'A001' (first on line 3)");
  CHECK(t->files().empty());

  // Without the duplicate every code loads, with its own text, and the count is right.
  text.resize(text.size() - (code(1) + ";Igjen\n").size());
  test::write_file(dir, "2017/icd10.csv", text);
  Diagnostics ok;
  auto loaded = CodeTables::load(dir, ok);
  REQUIRE(loaded);
  CHECK(ok.all().empty());
  REQUIRE(loaded->files().size() == 1);
  CHECK(loaded->files()[0].codes == 5000);
  for (int i : {0, 1, 999, 1000, 2500, 4999}) {
    CHECK(loaded->tekst(KodeSystem::kIcd10, code(i), date(2017, 6, 1)) ==
          "Tekst nummer " + std::to_string(i));
  }
}

TEST_CASE("cumulative CSV: an overlap names the first row it overlaps, in file order") {
  auto dir = test::scratch_dir("cumulative-overlap");
  test::write_file(dir, "icd10_kumulativ.csv",
                   "Kode;Tekst;Gyldig_fra;Gyldig_til\n"
                   "A00;Kolera 1;2010-01-01;2011-12-31\n"  // line 2
                   "B00;Herpes;2010-01-01;\n"
                   "A00;Kolera 2;2012-01-01;2013-12-31\n"    // line 4
                   "A00;Kolera 3;2014-01-01;2015-12-31\n"    // line 5
                   "A00;Kolera 4;2013-06-01;2014-06-30\n");  // overlaps lines 4 and 5
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  auto errors = test::of_level(d, DiagnosticLevel::kError);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 6);
  CHECK(errors[0].message == "duplicate code 'A00': its validity overlaps the row on line 4");

  // Periods that do not overlap: one code, three texts over time; two distinct codes.
  test::write_file(dir, "icd10_kumulativ.csv",
                   "Kode;Tekst;Gyldig_fra;Gyldig_til\n"
                   "A00;Kolera 1;2010-01-01;2011-12-31\n"
                   "B00;Herpes;2010-01-01;\n"
                   "A00;Kolera 2;2012-01-01;2013-12-31\n"
                   "A00;Kolera 3;2014-01-01;2015-12-31\n");
  Diagnostics ok;
  auto loaded = CodeTables::load(dir, ok);
  REQUIRE(loaded);
  CHECK(ok.all().empty());
  REQUIRE(loaded->files().size() == 1);
  CHECK(loaded->files()[0].codes == 2);
  CHECK(loaded->tekst(KodeSystem::kIcd10, "A00", date(2011, 1, 1)) == "Kolera 1");
  CHECK(loaded->tekst(KodeSystem::kIcd10, "A00", date(2013, 1, 1)) == "Kolera 2");
  CHECK(loaded->tekst(KodeSystem::kIcd10, "A00", date(2015, 1, 1)) == "Kolera 3");
}

TEST_CASE("CSV: fields of one line do not leak into the next (quoted, long, short, fewer)") {
  auto dir = test::scratch_dir("field-reuse");
  test::write_file(dir, "ncsp_kumulativ.csv",
                   "Kode;Tekst;Gyldig_fra;Gyldig_til;Foreldrekode\n"
                   "AAA00;\"En lang tekst med \"\"sitat\"\" og; semikolon\";2015-01-01;;AA\n"
                   "AAA01;Kort;2015-01-01;;\n"
                   "AAA02;\"\";2015-01-01;2016-12-31;A.A\n"
                   "AAA03;  Mellomrom rundt  ;2015-01-01;;\n");
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  INFO(all_diagnostics(d));
  CHECK(d.all().empty());
  const DateTime day = date(2015, 6, 1);
  CHECK(t->tekst(KodeSystem::kNcsp, "AAA00", day) == "En lang tekst med \"sitat\" og; semikolon");
  CHECK(t->tekst(KodeSystem::kNcsp, "AAA01", day) == "Kort");
  CHECK(t->tekst(KodeSystem::kNcsp, "AAA02", day).empty());
  CHECK(t->tekst(KodeSystem::kNcsp, "AAA03", day) == "Mellomrom rundt");
  REQUIRE(t->find(KodeSystem::kNcsp, "AAA00") != nullptr);
  CHECK(t->find(KodeSystem::kNcsp, "AAA00")->foreldrekode == "AA");
  CHECK(t->find(KodeSystem::kNcsp, "AAA01")->foreldrekode.empty());
  CHECK(t->find(KodeSystem::kNcsp, "AAA02")->foreldrekode == "AA");  // dots removed
  CHECK(t->valid_on(KodeSystem::kNcsp, "AAA02", date(2016, 12, 31)));
  CHECK_FALSE(t->valid_on(KodeSystem::kNcsp, "AAA02", date(2017, 1, 1)));
}

TEST_CASE("JSON download: the line of an object far down a multi-line file") {
  // Each object on three lines; object i starts on line 2 + 3 * i.
  std::string text = "[\n";
  const int n = 3000;
  for (int i = 0; i <= n; ++i) {
    const std::string kode = i == n ? code(7) : code(i);  // the last one repeats object 7
    text += "  {\"Kode\": \"" + kode + "\",\n   \"Tekst_uten_lengdebegrensning\": \"T" +
            std::to_string(i) + "\", \"Gyldig_fra\": \"2015-01-01T00:00:00\",\n" +
            "   \"Gyldig_til\": null, \"Rapporteres_til_NPR\": \"Ja\"}" + (i == n ? "\n" : ",\n");
  }
  text += "]\n";
  auto dir = test::scratch_dir("json-lines");
  test::write_file(dir, "ICD10.json", text);
  Diagnostics d;
  auto t = CodeTables::load(dir, d);
  REQUIRE(t);
  auto errors = test::of_level(d, DiagnosticLevel::kError);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 2 + 3 * n);
  CHECK(errors[0].message == "duplicate code 'A007': its validity overlaps the object on line " +
                                 std::to_string(2 + 3 * 7));
}
