#pragma once
/// Helpers of the expression-language tests: hand-built, prepared episodes over the real code
/// tables, and one-line compile/evaluate helpers.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nprcheck/code_tables.hpp"
#include "nprcheck/date.hpp"
#include "nprcheck/expr.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/prepare.hpp"
#include "nprcheck/rule_data.hpp"
#include "nprcheck/units.hpp"

namespace nprcheck::exprtest {

/// Loads a code-table directory of testdata (aborts when it cannot be read).
inline CodeTables load_tables(const std::string& rel) {
  Diagnostics d;
  auto r = CodeTables::load(std::string(NPRCHECK_TESTDATA) + "/" + rel, d);
  if (!r) std::abort();
  return std::move(*r);
}

/// testdata/tables: the real yearly tables 2015-2017 (NCRP from 2016).
inline const CodeTables& tables() {
  static const CodeTables t = load_tables("tables");
  return t;
}

/// testdata/tables-cumulative/utf8: cumulative tables with Kjønn, Stjernekode, Tilleggskode.
inline const CodeTables& cumulative_tables() {
  static const CodeTables t = load_tables("tables-cumulative/utf8");
  return t;
}

/// The shipped rule data (rules/data).
inline const RuleData& shipped_data() {
  static const RuleData d = [] {
    Diagnostics diags;
    auto r = RuleData::load(std::string(NPRCHECK_SOURCE_DIR) + "/rules/data", diags);
    if (!r) std::abort();
    return std::move(*r);
  }();
  return d;
}

inline DateTime dt(const char* text) {
  auto d = parse_date_time(text);
  if (!d) std::abort();
  return *d;
}

/// A code as read: verdi and kodeverk.
struct K {
  std::string verdi;
  std::string kodeverk;
  K(const char* v, const char* kv = nullptr) : verdi(v), kodeverk(kv ? kv : "") {}  // NOLINT
};

/// Builds episodes the way the reader would, then prepare() resolves them.
class EpisodeBuilder {
 public:
  explicit EpisodeBuilder(const char* inn, const char* ut = nullptr) {
    auto melding = std::make_shared<MeldingInfo>();
    melding->file = "test.xml";
    melding->enheter = {Enhet{"1", "4001", "Sykehuset", "974", 3},
                        Enhet{"2", "4210", "Medisinsk klinikk", "974", 4},
                        Enhet{"3", "4200", "Medisinsk avdeling", "974", 5}};
    melding_ = melding;
    auto pasient = std::make_shared<Pasient>();
    pasient->pasient_nr = "P1";
    pasient->kjonn = 2;
    pasient->fodselsar = 1957;
    pasient_ = pasient;
    e_.episode_id = "E1";
    e_.inn = dt(inn);
    if (ut != nullptr) e_.ut = dt(ut);
    e_.omsorgsniva = 3;
    e_.ref_enheter = {RefEnhet{"1", 1, 6}, RefEnhet{"2", 2, 7}, RefEnhet{"3", 7, 8}};
    e_.pasient = pasient_;
    e_.melding = melding_;
  }

  EpisodeBuilder& kjonn(int k) {
    pasient_->kjonn = k;
    return *this;
  }
  EpisodeBuilder& omsorgsniva(int n) {
    e_.omsorgsniva = n;
    return *this;
  }
  EpisodeBuilder& ref(const char* enhet, int type) {
    e_.ref_enheter.push_back(RefEnhet{enhet, type, 9});
    return *this;
  }
  /// A Tilstand with these codes (kodeverk D unless given).
  EpisodeBuilder& tilstand(std::initializer_list<K> codes) {
    Tilstand t;
    t.tilst_nr = static_cast<int>(e_.tilstander.size()) + 1;
    int nr = 1;
    for (const auto& c : codes) t.koder.push_back(make_kode(c, "D", nr++));
    e_.tilstander.push_back(std::move(t));
    return *this;
  }
  /// A Tiltak of `type` with a start date (or none), and no procedures yet.
  EpisodeBuilder& tiltak(int type, const char* start = nullptr,
                         const char* tjeneste_start = nullptr) {
    Tiltak t;
    t.type_tiltak = type;
    if (start != nullptr) t.start = dt(start);
    if (tjeneste_start != nullptr) t.tjeneste_start = dt(tjeneste_start);
    e_.tiltak.push_back(std::move(t));
    return *this;
  }
  /// A Prosedyre in the last Tiltak with these codes (kodeverk Q unless given).
  EpisodeBuilder& prosedyre(std::initializer_list<K> codes) {
    if (e_.tiltak.empty()) tiltak(1);
    Prosedyre p;
    p.pros_nr = static_cast<int>(e_.tiltak.back().prosedyrer.size()) + 1;
    int nr = 1;
    for (const auto& c : codes) p.koder.push_back(make_kode(c, "Q", nr++));
    e_.tiltak.back().prosedyrer.push_back(std::move(p));
    return *this;
  }
  /// The episode, prepared with `t` (code systems, dates, avdeling).
  Episode build(const CodeTables& t = tables()) {
    Episode e = e_;
    UnitsCatalogue units;
    prepare_episode(e, t, units);
    return e;
  }

 private:
  static Kode make_kode(const K& c, const char* def, int nr) {
    Kode k;
    k.verdi = c.verdi;
    k.kodeverk = c.kodeverk.empty() ? def : c.kodeverk;
    k.kode_nr = nr;
    return k;
  }
  Episode e_;
  std::shared_ptr<MeldingInfo> melding_;
  std::shared_ptr<Pasient> pasient_;
};

/// Compiles `text` in `scope` (kAny); fails the test with the error when it does not compile.
inline expr::CompiledExpr compiled(const std::string& text, expr::Scope scope,
                                   const RuleData* data = &shipped_data()) {
  expr::Environment env(scope, data);
  auto r = expr::compile(text, env, expr::Expect::kAny);
  INFO(text);
  INFO((r.error ? r.error->message : std::string()));
  REQUIRE(r);
  return r.expr;
}

/// The compile error of `text` (fails the test when it compiles).
inline expr::CompileError error_of(const std::string& text,
                                   expr::Scope scope = expr::Scope::kEpisode,
                                   expr::Expect expect = expr::Expect::kAny,
                                   const RuleData* data = &shipped_data()) {
  expr::Environment env(scope, data);
  auto r = expr::compile(text, env, expect, "assert");
  INFO(text);
  REQUIRE_FALSE(r);
  return *r.error;
}

/// Evaluates `text` on `e` with `b` bound, shown as a trace shows it (Frame::to_debug).
inline std::string ev(const std::string& text, const Episode& e,
                      expr::Scope scope = expr::Scope::kEpisode, expr::Bindings b = {},
                      const CodeTables* t = &tables()) {
  auto c = compiled(text, scope);
  expr::Frame f(e, t);
  f.bind(b);
  return f.to_debug(c.eval(f));
}

/// Bindings for the n-th code of the episode (diagnoses first), as scope kode binds them.
inline expr::Bindings kode_binding(const Episode& e, size_t n) {
  for (const auto& t : e.tilstander) {
    for (const auto& k : t.koder) {
      if (n-- == 0) return expr::Bindings{&t, nullptr, nullptr, &k};
    }
  }
  for (const auto& tt : e.tiltak) {
    for (const auto& p : tt.prosedyrer) {
      for (const auto& k : p.koder) {
        if (n-- == 0) return expr::Bindings{nullptr, &tt, &p, &k};
      }
    }
  }
  std::abort();
}

/// Bindings for the first Prosedyre of Tiltak `t`.
inline expr::Bindings prosedyre_binding(const Episode& e, size_t t = 0, size_t p = 0) {
  return expr::Bindings{nullptr, &e.tiltak[t], &e.tiltak[t].prosedyrer[p], nullptr};
}

}  // namespace nprcheck::exprtest
