// Indicator files: the shipped set loads and passes its tests, a changed definition fails them,
// load errors name file:line:col, and evaluation counts numerator and denominator.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nprcheck/expr.hpp"
#include "nprcheck/indicators.hpp"
#include "nprcheck/prepare.hpp"
#include "nprcheck/rule_test.hpp"
#include "nprcheck/units.hpp"

using namespace nprcheck;
namespace fs = std::filesystem;

namespace {

const std::string kShipped = std::string(NPRCHECK_SOURCE_DIR) + "/indicators";

const CodeTables& tables() {
  static CodeTables t = [] {
    Diagnostics d;
    auto loaded = CodeTables::load(std::string(NPRCHECK_TESTDATA) + "/tables", d);
    REQUIRE(loaded);
    return std::move(*loaded);
  }();
  return t;
}

// A copy of the shipped indicators in a fresh folder, to change one file.
fs::path copy_shipped(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / ("nprcheck-ind-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(kShipped, dir, fs::copy_options::recursive);
  return dir;
}

void replace_in(const fs::path& file, const std::string& from, const std::string& to) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  s.replace(pos, from.size(), to);
  std::ofstream(file, std::ios::trunc) << s;
}

size_t failures(const IndicatorSet& set) {
  size_t n = 0;
  for (const auto& r : run_indicator_tests(set, tables())) n += r.passed ? 0 : 1;
  return n;
}

Episode prepared(const std::string& yaml) {
  Diagnostics d;
  auto e = compact_episode(yaml, d);
  REQUIRE(e);
  Episode copy = *e;
  UnitsCatalogue units;
  prepare_episode(copy, tables(), units);
  return copy;
}

}  // namespace

TEST_CASE("indicators: the shipped set loads, lints clean and passes its tests", "[indicators]") {
  Diagnostics d;
  auto set = IndicatorSet::load(kShipped, d);
  REQUIRE(set);
  CHECK(d.error_count() == 0);
  REQUIRE(set->size() >= 6);
  CHECK(set->infos()[0].id == "IND-001");
  CHECK(lint_indicators(*set, d) == 0);
  auto results = run_indicator_tests(*set, tables());
  CHECK(results.size() >= 18);
  for (const auto& r : results) {
    INFO(r.indicator << ": " << r.test_name << ": " << r.failure);
    CHECK(r.passed);
  }
}

TEST_CASE("indicators: changing a definition makes its tests fail", "[indicators]") {
  struct Change {
    const char* file;
    const char* from;
    const char* to;
  };
  const Change changes[] = {
      {"IND-001.yaml", "episode.feil > 0", "episode.feil > 1"},
      {"IND-002.yaml", "'symptomkoder'", "'uspesifikke_icd10'"},
      {"IND-003.yaml", "'uspesifikke_icd10')", "'symptomkoder')"},
      {"IND-004.yaml", "size(t.koder) > 0) - 1", "size(t.koder) > 0)"},
      {"IND-005.yaml", "episode.omsorgsniva == 2 ||", "episode.omsorgsniva == 1 ||"},
      {"IND-006.yaml", "'Z')", "'K')"},
  };
  for (const auto& c : changes) {
    INFO(c.file);
    fs::path dir = copy_shipped("change");
    replace_in(dir / c.file, c.from, c.to);
    Diagnostics d;
    auto set = IndicatorSet::load(dir, d);
    REQUIRE(set);
    CHECK(failures(*set) > 0);
    fs::remove_all(dir);
  }
}

TEST_CASE("indicators: load errors name file, line and column", "[indicators]") {
  fs::path dir = copy_shipped("errors");
  replace_in(dir / "IND-002.yaml", "direction: higher_is_worse", "direction: higher_is_wors");
  replace_in(dir / "IND-004.yaml", "numerator: \"count(", "numerator: \"size(t) > 0 || count(");
  replace_in(dir / "IND-005.yaml", "kind: share", "kind: share\nowner: x");
  Diagnostics d;
  auto set = IndicatorSet::load(dir, d);
  CHECK_FALSE(set);
  std::string all;
  for (const auto& diag : d.all()) all += format_diagnostic(diag) + "\n";
  INFO(all);
  CHECK(all.find((dir / "IND-002.yaml").string() +
                 ":6:12: error: 'direction' must be 'higher_is_worse' or 'higher_is_better', "
                 "not 'higher_is_wors'; did you mean 'higher_is_worse'?") != std::string::npos);
  CHECK(all.find((dir / "IND-004.yaml").string() + ":8:") != std::string::npos);
  CHECK(all.find("unknown name 't'") != std::string::npos);
  CHECK(all.find((dir / "IND-005.yaml").string() + ":6:1: error: unknown key 'owner'") !=
        std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("indicators: a mean needs an int numerator", "[indicators]") {
  fs::path dir = copy_shipped("mean");
  replace_in(dir / "IND-004.yaml",
             "numerator: \"count(episode.tilstander, t, size(t.koder) > 0) - 1\"",
             "numerator: \"size(episode.tilstander) > 1\"");
  Diagnostics d;
  CHECK_FALSE(IndicatorSet::load(dir, d));
  REQUIRE(d.error_count() == 1);
  CHECK(
      format_diagnostic(d.all()[0]).find("'numerator' of a mean indicator must be int, got bool") !=
      std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("indicators: evaluate adds numerator and denominator per indicator", "[indicators]") {
  Diagnostics d;
  auto set = IndicatorSet::load(kShipped, d);
  REQUIRE(set);
  std::vector<IndicatorCount> counts(set->size());
  Episode inpatient = prepared(
      "inn: 2017-03-02T08:15:00\nut: 2017-03-04T08:15:00\nomsorgsniva: 1\n"
      "tilstander: [[Z038], [I10], [E119]]\n");
  Episode outpatient = prepared("inn: 2017-03-02T08:15:00\nomsorgsniva: 3\ntilstander: [[R104]]\n");
  outpatient.feil = 2;
  expr::Frame frame(inpatient, &tables());
  set->evaluate(inpatient, frame, counts.data());
  set->evaluate(outpatient, frame, counts.data());
  auto at = [&](const char* id) { return counts[static_cast<size_t>(set->index_of(id))]; };
  CHECK(at("IND-001").denominator == 2);
  CHECK(at("IND-001").numerator == 1);  // the outpatient episode has error findings
  CHECK(at("IND-002").denominator == 2);
  CHECK(at("IND-002").numerator == 1);  // R104
  CHECK(at("IND-004").denominator == 1);
  CHECK(at("IND-004").numerator == 2);  // two bitilstander
  CHECK(at("IND-005").denominator == 1);
  CHECK(at("IND-005").numerator == 1);  // outpatient without procedure
  CHECK(at("IND-006").denominator == 1);
  CHECK(at("IND-006").numerator == 1);  // Z038
  CHECK(set->index_of("IND-999") == -1);
}

TEST_CASE("indicators: docs page shows definition and tests", "[indicators]") {
  Diagnostics d;
  auto set = IndicatorSet::load(kShipped, d);
  REQUIRE(set);
  std::string page = indicator_docs_page(set->infos()[1]);
  CHECK(page.rfind("# IND-002: ", 0) == 0);
  CHECK(page.find("`in_set(first(episode.hovedtilstand.koder), 'symptomkoder')`") !=
        std::string::npos);
  CHECK(page.find("| R104 som hovedtilstand | teller med") != std::string::npos);
  std::string index = indicator_docs_index(set->infos());
  CHECK(index.find("[IND-006](IND-006.md)") != std::string::npos);
}
