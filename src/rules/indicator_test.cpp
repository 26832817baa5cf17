// Indicator tests (`nprcheck indicators test`), lint and the generated docs pages.
#include "nprcheck/expr.hpp"
#include "nprcheck/indicators.hpp"
#include "nprcheck/prepare.hpp"
#include "nprcheck/units.hpp"

namespace nprcheck {

namespace {

const char* expect_name(IndicatorTestCase::Expect e) {
  switch (e) {
    case IndicatorTestCase::Expect::kNumerator:
      return "numerator";
    case IndicatorTestCase::Expect::kDenominator:
      return "denominator";
    case IndicatorTestCase::Expect::kOutside:
      return "outside";
  }
  return "outside";
}

// What the test expectation means in Norwegian, for the docs pages.
const char* expect_text(IndicatorTestCase::Expect e) {
  switch (e) {
    case IndicatorTestCase::Expect::kNumerator:
      return "teller med (i teller og nevner)";
    case IndicatorTestCase::Expect::kDenominator:
      return "bare i nevneren";
    case IndicatorTestCase::Expect::kOutside:
      return "utenfor populasjonen";
  }
  return "";
}

}  // namespace

std::vector<IndicatorTestResult> run_indicator_tests(const IndicatorSet& set,
                                                     const CodeTables& tables) {
  std::vector<IndicatorTestResult> out;
  UnitsCatalogue units;
  for (size_t i = 0; i < set.size(); ++i) {
    const IndicatorInfo& info = set.infos()[i];
    for (const auto& t : info.tests) {
      IndicatorTestResult r;
      r.indicator = info.id;
      r.test_name = t.name;
      r.file = info.file;
      r.line = t.line;
      Episode e = *t.episode;
      prepare_episode(e, tables, units);
      e.feil = t.feil;
      expr::Frame frame(e, &tables);
      IndicatorValue v = set.evaluate_one(i, e, frame);
      IndicatorTestCase::Expect got = !v.in_population ? IndicatorTestCase::Expect::kOutside
                                      : v.value > 0    ? IndicatorTestCase::Expect::kNumerator
                                                       : IndicatorTestCase::Expect::kDenominator;
      if (got != t.expect) {
        r.failure = std::string("expected ") + expect_name(t.expect) + ", got " + expect_name(got);
      } else if (t.value && *t.value != v.value) {
        r.failure = "expected the numerator value " + std::to_string(*t.value) + ", got " +
                    std::to_string(v.value);
      }
      r.passed = r.failure.empty();
      out.push_back(std::move(r));
    }
  }
  return out;
}

size_t lint_indicators(const IndicatorSet& set, Diagnostics& diagnostics) {
  size_t errors = 0;
  for (const auto& info : set.infos()) {
    bool has[3] = {false, false, false};
    for (const auto& t : info.tests) has[static_cast<int>(t.expect)] = true;
    auto err = [&](const std::string& msg) {
      diagnostics.error(info.file, 1, 1, msg);
      ++errors;
    };
    if (!has[0]) err("indicator " + info.id + " has no test that counts in the numerator");
    if (!has[1]) err("indicator " + info.id + " has no test that counts in the denominator only");
    if (!has[2] && info.population != "true") {
      err("indicator " + info.id + " has no test of an episode outside its population");
    }
    if (info.docs.empty()) err("indicator " + info.id + " has no docs");
  }
  return errors;
}

std::string indicator_docs_page(const IndicatorInfo& info) {
  std::string m = "# " + info.id + ": " + info.title + "\n\n| | |\n|---|---|\n";
  m += std::string("| Type | ") +
       (info.kind == IndicatorKind::kShare ? "andel (p-diagram)" : "gjennomsnitt (u-diagram)") +
       " |\n";
  m += std::string("| Retning | ") +
       (info.direction == IndicatorDirection::kHigherIsWorse ? "høyere er verre"
                                                             : "høyere er bedre") +
       " |\n";
  m += "| Versjon | " + std::to_string(info.version) + " |\n";
  m += "| Kilde | " + info.source + " |\n";
  m += "| Indikatorfil | `" + info.file + "` |\n\n";
  if (!info.docs.empty()) m += info.docs + (info.docs.ends_with('\n') ? "" : "\n");
  m += "\n## Definisjon\n\n";
  m += "- **Populasjon** (nevner: episodene som teller): `" + info.population + "`\n";
  m += std::string("- **Teller** (") +
       (info.kind == IndicatorKind::kShare ? "episoder der uttrykket holder"
                                           : "summen av verdien over populasjonen") +
       "): `" + info.numerator + "`\n";
  m += "\n## Eksempler (indikatorens tester)\n\n| Test | Forventet |\n|---|---|\n";
  for (const auto& t : info.tests) {
    m += "| " + t.name + " | " + expect_text(t.expect);
    if (t.value) m += ", verdi " + std::to_string(*t.value);
    m += " |\n";
  }
  m += "\n*Generert av `nprcheck indicators docs` fra indikatorfilen; rediger filen, ikke denne "
       "siden.*\n";
  return m;
}

std::string indicator_docs_index(const std::vector<IndicatorInfo>& infos) {
  std::string m = "# Kodekvalitetsindikatorer\n\n";
  m += "Generert av `nprcheck indicators docs` fra indikatorfilene. Én side per indikator.\n\n";
  m += "| Id | Tittel | Type | Retning |\n|---|---|---|---|\n";
  for (const auto& i : infos) {
    m += "| [" + i.id + "](" + i.id + ".md) | " + i.title + " | " + indicator_kind_name(i.kind) +
         " | " + indicator_direction_name(i.direction) + " |\n";
  }
  return m;
}

}  // namespace nprcheck
