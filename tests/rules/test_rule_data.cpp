// Rule data: code sets (exact codes, prefixes, ranges, system qualifiers, mapping includes) and
// mapping tables; load errors with file:line:col.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "nprcheck/rule_data.hpp"

using namespace nprcheck;
namespace fs = std::filesystem;

namespace {

// A fresh scratch directory with the given files.
class DataDir {
 public:
  explicit DataDir(const std::vector<std::pair<std::string, std::string>>& files) {
    static int n = 0;
    dir_ = fs::temp_directory_path() /
           ("nprcheck-rule-data-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const auto& [name, text] : files) std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  ~DataDir() { fs::remove_all(dir_); }
  [[nodiscard]] const fs::path& path() const { return dir_; }
  [[nodiscard]] std::string file(const std::string& name) const { return (dir_ / name).string(); }

 private:
  fs::path dir_;
};

// "file:line:col: message" of every error.
std::vector<std::string> errors_of(const DataDir& d, bool* ok = nullptr) {
  Diagnostics diags;
  auto r = RuleData::load(d.path(), diags);
  if (ok != nullptr) *ok = r.has_value();
  std::vector<std::string> out;
  for (const auto& x : diags.all()) {
    out.push_back(fs::path(x.file).filename().string() + ":" + std::to_string(x.line) + ":" +
                  std::to_string(x.column) + ": " + x.message);
  }
  return out;
}

}  // namespace

TEST_CASE("code set entries: exact, prefix, range, qualified", "[ruledata][set]") {
  CodeSet s("test");
  std::string why;
  REQUIRE(s.add_entry("C61", why));
  REQUIRE(s.add_entry("KE*", why));
  REQUIRE(s.add_entry("ICD10:C60-C63", why));
  REQUIRE(s.add_entry("NCSP: L*", why));
  REQUIRE(s.add_entry("N70-N98", why));
  REQUIRE(s.add_entry("S72.0", why));  // dots are dropped like everywhere else
  CHECK(s.size() == 6);

  CHECK(s.contains("C61"));
  CHECK_FALSE(s.contains("C611"));  // exact entries match exactly
  CHECK(s.contains("KEA00"));
  CHECK(s.contains("KE"));
  CHECK_FALSE(s.contains("K"));
  CHECK(s.contains("N70"));
  CHECK(s.contains("N709"));
  CHECK(s.contains("N98"));
  CHECK(s.contains("N989"));
  CHECK_FALSE(s.contains("N99"));
  CHECK_FALSE(s.contains("N69"));
  CHECK(s.contains("N8"));  // "N8" sorts between N70 and N98 on its characters
  CHECK(s.contains("S720"));
  // Qualified entries: only codes of that system, never plain strings.
  CHECK_FALSE(s.contains("C62"));
  CHECK(s.contains(KodeSystem::kIcd10, "C62"));
  CHECK(s.contains(KodeSystem::kIcd10, "C639"));
  CHECK_FALSE(s.contains(KodeSystem::kNcsp, "C62"));
  CHECK(s.contains(KodeSystem::kNcsp, "LCD00"));
  CHECK_FALSE(s.contains(KodeSystem::kIcd10, "LCD00"));
  CHECK_FALSE(s.contains("LCD00"));
  // Unqualified entries match codes of any system.
  CHECK(s.contains(KodeSystem::kNcsp, "KEC00"));
  CHECK(s.contains(KodeSystem::kIcd10, "C61"));
  Kode k;
  k.verdi = "C60";
  k.system = KodeSystem::kIcd10;
  CHECK(s.contains(k));
  k.system = KodeSystem::kNcrp;
  CHECK_FALSE(s.contains(k));

  CHECK_FALSE(s.add_entry("ICDX:C60", why));
  CHECK(why == "unknown code system 'ICDX' (use ICD10, NCSP, NCMP or NCRP)");
  CHECK_FALSE(s.add_entry("C63-C60", why));
  CHECK(why == "empty range 'C63-C60': the first bound is after the second");
  CHECK_FALSE(s.add_entry("C6?", why));
  CHECK(why == "bad entry 'C6?' (a code, a prefix like KE*, or a range like C60-C63)");
  CHECK_FALSE(s.add_entry("K*E*", why));
  CHECK(why == "bad prefix pattern 'K*E*' (a code prefix followed by *)");
  CHECK_FALSE(s.add_entry("C60-", why));
  CHECK(why == "bad range 'C60-' (two code categories, e.g. C60-C63)");
  CHECK_FALSE(s.add_entry("NCSP:", why));
  CHECK(why == "empty entry");
}

TEST_CASE("mapping look-up: first matching row, any key width", "[ruledata][mapping]") {
  Mapping m("m", {"a", "b", "c"});
  m.add_row({"JJX00", "ZXM00", "JJB06K"});
  m.add_row({"JJX00", "ZXM10", "JJB06A"});
  m.add_row({"JJX00", "ZXM00", "SECOND"});
  m.index();
  std::string_view k2[] = {"JJX00", "ZXM10"};
  CHECK(m.lookup(k2) == "JJB06A");
  std::string_view dup[] = {"JJX00", "ZXM00"};
  CHECK(m.lookup(dup) == "JJB06K");
  std::string_view k1[] = {"JJX00"};
  CHECK(m.lookup(k1) == "ZXM00");
  std::string_view none[] = {"JJX00", "ZXM20"};
  CHECK(m.lookup(none) == "");
  std::string_view too_many[] = {"JJX00", "ZXM00", "JJB06K"};
  CHECK(m.lookup(too_many) == "");
  CHECK(m.lookup({}) == "");
  // Keys are whole values: "JJX0" + "0ZXM00" is not "JJX00" + "ZXM00".
  std::string_view split[] = {"JJX0", "0ZXM00"};
  CHECK(m.lookup(split) == "");
  CHECK(m.column_index("b") == 1);
  CHECK(m.column_index("x") == -1);
}

TEST_CASE("the shipped rule data loads", "[ruledata]") {
  Diagnostics d;
  auto r = RuleData::load(std::string(NPRCHECK_SOURCE_DIR) + "/rules/data", d);
  REQUIRE(r);
  CHECK_FALSE(d.has_errors());
  CHECK(r->set_names() ==
        std::vector<std::string>{"bildeveiledet_ncsp", "dekompresjon_ncsp", "ikke_definitive",
                                 "j96_arsaker", "kjonn_kvinne", "kjonn_mann", "levendefodt",
                                 "observasjon_z03", "radikulopati", "respirasjonssvikt",
                                 "stjernekoder", "svangerskap", "symptomkoder", "ytre_arsaker"});
  CHECK(r->mapping_names() == std::vector<std::string>{"ncsp_zxm_ncrp"});
  CHECK(r->files().size() == 15);
  const CodeSet* stjerne = r->find_set("stjernekoder");
  REQUIRE(stjerne != nullptr);
  CHECK(stjerne->contains(KodeSystem::kIcd10, "M368"));
  CHECK(stjerne->contains(KodeSystem::kIcd10, "G01"));
  CHECK_FALSE(stjerne->contains(KodeSystem::kIcd10, "E702"));
  const Mapping* m = r->find_mapping("ncsp_zxm_ncrp");
  REQUIRE(m != nullptr);
  CHECK(m->columns() == std::vector<std::string>{"ncsp", "zxm", "ncrp"});
  std::string_view k[] = {"BAX10", "ZXM00"};
  CHECK(m->lookup(k) == "BAB06K");
  CHECK(r->find_set("nope") == nullptr);
  CHECK(r->find_mapping("stjernekoder") == nullptr);
}

TEST_CASE("a missing data directory is no data", "[ruledata]") {
  Diagnostics d;
  auto r = RuleData::load("/nonexistent/rules/data", d);
  REQUIRE(r);
  CHECK(r->set_names().empty());
  CHECK_FALSE(d.has_errors());
}

TEST_CASE("set and mapping files: includes, comments, BOM, CRLF", "[ruledata]") {
  DataDir d({{"pairs.csv",
              "\xEF\xBB\xBF# Kilde: test\r\nncsp;ncrp\r\n\r\nJJX00;JJB06K\r\n"
              "FEA00 ; FED10K\r\n"},
             {"codes.set", "# Kilde: test\n@pairs.ncrp\nNCSP:ZX*   # trailing comment\n  A90\n"}});
  Diagnostics diags;
  auto r = RuleData::load(d.path(), diags);
  REQUIRE(r);
  const CodeSet* s = r->find_set("codes");
  REQUIRE(s != nullptr);
  CHECK(s->contains("JJB06K"));
  CHECK(s->contains("FED10K"));  // values are trimmed
  CHECK(s->contains("A90"));
  CHECK_FALSE(s->contains("JJX00"));
  CHECK(s->contains(KodeSystem::kNcsp, "ZXM00"));
  CHECK_FALSE(s->contains("ZXM00"));
  const Mapping* m = r->find_mapping("pairs");
  REQUIRE(m != nullptr);
  CHECK(m->columns() == std::vector<std::string>{"ncsp", "ncrp"});
  CHECK(m->rows() == 2);
}

TEST_CASE("rule data errors name file, line and column", "[ruledata][errors]") {
  DataDir d({{"pairs.csv", "# Kilde: test\nncsp;zxm;ncrp\nJJX00;ZXM00;JJB06K\n"},
             {"rows.csv", "a;b;c\n1;2\n1;2;3\n"},
             {"bad header.csv", "a;b\n"},
             {"cols.csv", "# x\nncsp;n-crp\n"},
             {"one.csv", "# x\nncsp\nJJX00\n"},
             {"empty.csv", "# only comments\n"},
             {"codes.set",
              "# Kilde: test\nICDX:C60\n  C63-C60\n@pairs.nope\n@nope.ncsp\n@pairs\nC6?\nC61\n"},
             {"pairs.set", "C61\n"}});
  bool ok = true;
  auto errs = errors_of(d, &ok);
  CHECK_FALSE(ok);
  std::vector<std::string> want = {
      "bad header.csv:0:0: bad mapping name 'bad header': use letters, digits and _",
      "cols.csv:2:1: bad column name 'n-crp' in the header row (letters, digits, _)",
      "empty.csv:0:0: the mapping file has no header row",
      "one.csv:2:1: a mapping needs at least two columns (header row a;b)",
      "rows.csv:2:1: row has 2 values, the header has 3 columns",
      "codes.set:2:1: unknown code system 'ICDX' (use ICD10, NCSP, NCMP or NCRP)",
      "codes.set:3:3: empty range 'C63-C60': the first bound is after the second",
      "codes.set:4:8: mapping 'pairs' has no column 'nope' (columns: ncsp, zxm, ncrp)",
      "codes.set:5:2: unknown mapping 'nope' in include",
      "codes.set:6:1: bad include '@pairs': write @mapping.column",
      "codes.set:7:1: bad entry 'C6?' (a code, a prefix like KE*, or a range like C60-C63)",
      "pairs.set:0:0: a set and a mapping are both named 'pairs'",
  };
  CHECK(errs == want);
}

TEST_CASE("a set may not share its name with a mapping", "[ruledata][errors]") {
  DataDir d({{"x.csv", "a;b\n1;2\n"}, {"x.set", "C61\n"}});
  auto errs = errors_of(d);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0] == "x.set:0:0: a set and a mapping are both named 'x'");
}

TEST_CASE("a data path that is a file is an error", "[ruledata][errors]") {
  DataDir d({{"file.set", "C61\n"}, {"other.set", "C62\n"}});
  Diagnostics diags;
  auto r = RuleData::load(d.path() / "file.set", diags);
  CHECK_FALSE(r);
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].message == "rule data path is not a directory");
}

TEST_CASE("code set membership agrees with its entries on every two-letter start",
          "[ruledata][set]") {
  // contains() rules most values out by their first two characters; this checks that filter
  // against the entries' own meaning, for every value built from a grid of characters.
  CodeSet s("filtered");
  std::string error;
  for (const char* e :
       {"C61", "KE*", "N70-N98", "A00-B99", "Q*", "X9", "Y", "ICD10:DZ*", "NCSP:M1-M3", "ZZ1*"}) {
    REQUIRE(s.add_entry(e, error));
  }
  s.add_code("\xC3\x85X1");  // a non-ASCII code from a mapping include
  auto matches = [&](const CodeSet::Entry& e, std::string_view v) {
    switch (e.kind) {
      case CodeSet::Entry::Kind::kExact:
        return v == e.lo;
      case CodeSet::Entry::Kind::kPrefix:
        return v.substr(0, e.lo.size()) == e.lo;
      case CodeSet::Entry::Kind::kRange:
        return v.substr(0, e.lo.size()) >= e.lo && v.substr(0, e.hi.size()) <= e.hi;
    }
    return false;
  };
  auto expected = [&](KodeSystem sys, std::string_view v, bool plain) {
    for (const auto& e : s.entries()) {
      if (e.qualified && (plain || e.system != sys)) continue;
      if (matches(e, v)) return true;
    }
    return false;
  };
  const std::string chars = "0123459ABCDEKMNQXYZ\xC3";
  std::vector<std::string> values = {"", "Y", "C", "X9", "\xC3\x85X1", "\xC3\x85X2"};
  for (char a : chars) {
    for (char b : chars) {
      for (const char* tail : {"", "1", "99", "A0"}) values.push_back(std::string{a, b} + tail);
    }
  }
  int in_set = 0;
  for (const auto& v : values) {
    CAPTURE(v);
    CHECK(s.contains(v) == expected(KodeSystem::kOther, v, true));
    CHECK(s.contains(KodeSystem::kIcd10, v) == expected(KodeSystem::kIcd10, v, false));
    CHECK(s.contains(KodeSystem::kNcsp, v) == expected(KodeSystem::kNcsp, v, false));
    in_set += s.contains(KodeSystem::kNcsp, v) ? 1 : 0;
  }
  CHECK(in_set > 100);  // the grid reaches both sides of the filter
  CHECK(in_set < static_cast<int>(values.size()) / 2);
}
