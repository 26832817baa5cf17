// Expression language: evaluation of every operator, field and general built-in; null
// semantics; templates; let values; explain.
#include <catch2/catch.hpp>

#include "test_expr_util.hpp"

using namespace nprcheck;
using namespace nprcheck::exprtest;
using expr::Expect;
using expr::Scope;

namespace {

// E1: a day-care episode 2017-03-02 with two Tilstand and two Tiltak.
Episode sample() {
  return EpisodeBuilder("2017-03-02T08:15:00", "2017-03-02T11:40:00")
      .tilstand({"K703"})
      .tilstand({"E702", "M368"})
      .tiltak(2, "2017-03-02T09:00:00")
      .prosedyre({"JJX00", "ZXM00"})
      .prosedyre({"ZXM10"})
      .tiltak(1, nullptr, "2017-03-02T10:00:00")
      .prosedyre({})
      .build();
}

}  // namespace

TEST_CASE("literals and operators", "[expr][eval]") {
  Episode e = sample();
  CHECK(ev("1 + 2 - 4", e) == "-1");
  CHECK(ev("-5 + 2", e) == "-3");
  CHECK(ev("-(2 + 3)", e) == "-5");
  CHECK(ev("9223372036854775807 + 1", e) == "-9223372036854775808");  // wraps, no UB
  CHECK(ev("'ab' + \"cd\"", e) == "'abcd'");
  CHECK(ev("'it\\'s'", e) == "'it's'");
  CHECK(ev("true", e) == "true");
  CHECK(ev("!true", e) == "false");
  CHECK(ev("1 == 1 && 2 != 3", e) == "true");
  CHECK(ev("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3", e) == "true");
  CHECK(ev("2 < 1 || 2 > 3", e) == "false");
  CHECK(ev("'A90' < 'A91' && 'B' > 'A'", e) == "true");
  CHECK(ev("true == true && false != true", e) == "true");
  CHECK(ev("episode.innDatoTid < episode.utDatoTid", e) == "true");
  CHECK(ev("episode.innDatoTid == date('2017-03-02')", e) == "false");  // 08:15 is later
  CHECK(ev("day(episode.innDatoTid) == day(date('2017-03-02'))", e) == "true");
  CHECK(ev("true ? 'ja' : 'nei'", e) == "'ja'");
  CHECK(ev("1 > 2 ? 1 : 2 > 1 ? 2 : 3", e) == "2");
  CHECK(ev("[1, 2, 3]", e) == "[1, 2, 3]");
  CHECK(ev("[]", e) == "[]");
  CHECK(ev("2 in [1, 2, 3]", e) == "true");
  CHECK(ev("4 in [1, 2, 3]", e) == "false");
  CHECK(ev("'c' in ['a', 'b', 'c', 'd', 'e', 'f']", e) == "true");  // constant hash set
  CHECK(ev("'x' in ['a', 'b', 'c', 'd', 'e', 'f']", e) == "false");
  CHECK(ev("'M368' in episode.diagnosekoder", e) == "true");  // a string in list<kode>: verdi
  CHECK(ev("'M36' in episode.diagnosekoder", e) == "false");
}

TEST_CASE("&& and || short-circuit: the right side is not evaluated", "[expr][eval]") {
  Episode e = sample();
  expr::Environment env(Scope::kEpisode, &shipped_data());
  // A let that is only evaluated when reached: its cached state shows whether it was.
  auto let = expr::compile("size(episode.koder)", env, Expect::kAny);
  REQUIRE(let);
  REQUIRE(env.declare_let("n", let.expr));
  auto a = expr::compile("false && n > 0", env, Expect::kBool);
  auto o = expr::compile("true || n > 0", env, Expect::kBool);
  REQUIRE(a);
  REQUIRE(o);
  expr::Frame f(e, &tables());
  f.bind({});
  CHECK_FALSE(a.expr.eval_bool(f));
  CHECK(o.expr.eval_bool(f));
  CHECK(a.expr.explain(f) == "false -> false");
  CHECK(o.expr.explain(f) == "true -> true");
}

TEST_CASE("fields of every object type", "[expr][eval][fields]") {
  Episode e = sample();
  CHECK(ev("episode.id", e) == "'E1'");
  CHECK(ev("episode.innDatoTid", e) == "2017-03-02T08:15:00");
  CHECK(ev("episode.utDatoTid", e) == "2017-03-02T11:40:00");
  CHECK(ev("episode.slutt_dato", e) == "2017-03-02T11:40:00");
  CHECK(ev("episode.omsorgsniva", e) == "3");
  CHECK(ev("episode.innmateHast", e) == "0");
  CHECK(ev("episode.avdeling", e) == "'4200'");
  CHECK(ev("episode.unit", e) == "'4200'");
  CHECK(ev("episode.radiologi", e) == "false");
  CHECK(ev("size(episode.tilstander)", e) == "2");
  CHECK(ev("episode.hovedtilstand.nr", e) == "1");
  CHECK(ev("size(episode.tiltak)", e) == "2");
  CHECK(ev("size(episode.prosedyrer)", e) == "3");
  CHECK(ev("size(episode.ref_enheter)", e) == "3");
  CHECK(ev("episode.koder", e) == "[K703, E702, M368, JJX00, ZXM00, ZXM10]");
  CHECK(ev("episode.diagnosekoder", e) == "[K703, E702, M368]");
  CHECK(ev("episode.prosedyrekoder", e) == "[JJX00, ZXM00, ZXM10]");
  CHECK(ev("pasient.nr", e) == "'P1'");
  CHECK(ev("pasient.kjonn", e) == "2");
  CHECK(ev("pasient.fodselsar", e) == "1957");

  expr::Bindings t2{&e.tilstander[1], nullptr, nullptr, nullptr};
  CHECK(ev("tilstand.nr", e, Scope::kTilstand, t2) == "2");
  CHECK(ev("tilstand.koder", e, Scope::kTilstand, t2) == "[E702, M368]");
  CHECK(ev("tilstand.hovedtilstand", e, Scope::kTilstand, t2) == "false");
  expr::Bindings t1{&e.tilstander[0], nullptr, nullptr, nullptr};
  CHECK(ev("tilstand.hovedtilstand", e, Scope::kTilstand, t1) == "true");

  expr::Bindings tt1{nullptr, &e.tiltak[0], nullptr, nullptr};
  expr::Bindings tt2{nullptr, &e.tiltak[1], nullptr, nullptr};
  CHECK(ev("tiltak.type", e, Scope::kTiltak, tt1) == "2");
  CHECK(ev("tiltak.dato", e, Scope::kTiltak, tt1) == "2017-03-02T09:00:00");
  CHECK(ev("tiltak.dato", e, Scope::kTiltak, tt2) == "2017-03-02T10:00:00");  // Tjeneste start
  CHECK(ev("size(tiltak.prosedyrer)", e, Scope::kTiltak, tt1) == "2");

  auto p1 = prosedyre_binding(e, 0, 0);
  CHECK(ev("prosedyre.nr", e, Scope::kProsedyre, p1) == "1");
  CHECK(ev("prosedyre.hovedkode", e, Scope::kProsedyre, p1) == "JJX00");
  CHECK(ev("prosedyre.koder", e, Scope::kProsedyre, p1) == "[JJX00, ZXM00]");
  CHECK(ev("prosedyre.tilleggskoder", e, Scope::kProsedyre, p1) == "[ZXM00]");
  CHECK(ev("prosedyre.dato", e, Scope::kProsedyre, p1) == "2017-03-02T09:00:00");
  CHECK(ev("prosedyre.tiltak_type", e, Scope::kProsedyre, p1) == "2");
  CHECK(ev("tiltak.type", e, Scope::kProsedyre, p1) == "2");
  auto p3 = prosedyre_binding(e, 1, 0);
  CHECK(ev("prosedyre.dato", e, Scope::kProsedyre, p3) == "2017-03-02T10:00:00");
  CHECK(ev("prosedyre.tiltak_type", e, Scope::kProsedyre, p3) == "1");
  CHECK(ev("first(episode.prosedyrer).tiltak_type", e) == "2");  // not the bound one

  auto jjx00 = kode_binding(e, 3);
  CHECK(ev("kode.verdi", e, Scope::kKode, jjx00) == "'JJX00'");
  CHECK(ev("kode.kodeverk", e, Scope::kKode, jjx00) == "'Q'");
  CHECK(ev("kode.system", e, Scope::kKode, jjx00) == "'NCSP'");
  CHECK(ev("kode.nr", e, Scope::kKode, jjx00) == "1");
  CHECK(ev("kode.dato", e, Scope::kKode, jjx00) == "2017-03-02T09:00:00");
  CHECK(ev("kode.diagnose", e, Scope::kKode, jjx00) == "false");
  CHECK(ev("kode.hovedkode", e, Scope::kKode, jjx00) == "true");
  CHECK(ev("kode.tekst", e, Scope::kKode, jjx00) == "'Perkutan nålebiopsi av lever'");
  CHECK(ev("prosedyre.nr", e, Scope::kKode, jjx00) == "1");  // kode scope: its Prosedyre
  CHECK(ev("has(tilstand)", e, Scope::kKode, jjx00) == "false");
  auto m368 = kode_binding(e, 2);
  CHECK(ev("kode.system", e, Scope::kKode, m368) == "'ICD10'");
  CHECK(ev("kode.dato", e, Scope::kKode, m368) == "2017-03-02T11:40:00");  // slutt_dato
  CHECK(ev("kode.diagnose", e, Scope::kKode, m368) == "true");
  CHECK(ev("kode.hovedkode", e, Scope::kKode, m368) == "false");
  CHECK(ev("tilstand.nr", e, Scope::kKode, m368) == "2");
  CHECK(ev("has(prosedyre)", e, Scope::kKode, m368) == "false");
  // hovedkode/diagnose of codes reached through lists, not through the binding.
  CHECK(ev("filter(episode.koder, k, k.hovedkode)", e) == "[K703, E702, JJX00, ZXM10]");
  CHECK(ev("count(episode.koder, k, k.diagnose)", e) == "3");

  CHECK(ev("filter(episode.ref_enheter, r, r.type == 7)", e) == "[3]");
  CHECK(ev("first(episode.ref_enheter).enhet_id", e) == "'1'");
  CHECK(ev("all(episode.ref_enheter, r, r.finnes)", e) == "true");
  Episode bad = EpisodeBuilder("2017-03-02T08:15:00").ref("99", 2).build();
  CHECK(ev("count(episode.ref_enheter, r, !r.finnes)", bad) == "1");
}

TEST_CASE("null: has() tests presence, comparisons are false, tostring is empty",
          "[expr][eval][null]") {
  // No utDatoTid, no codes at all, a Prosedyre without codes, a Tiltak without dates.
  Episode e = EpisodeBuilder("2017-03-02T08:15:00").tiltak(2).prosedyre({}).build();
  auto p = prosedyre_binding(e);
  CHECK(ev("episode.utDatoTid", e) == "null");
  CHECK(ev("has(episode.utDatoTid)", e) == "false");
  CHECK(ev("has(episode.innDatoTid)", e) == "true");
  CHECK(ev("episode.utDatoTid > episode.innDatoTid", e) == "false");
  CHECK(ev("episode.utDatoTid <= episode.innDatoTid", e) == "false");
  CHECK(ev("episode.utDatoTid == episode.utDatoTid", e) == "false");
  CHECK(ev("episode.utDatoTid != episode.innDatoTid", e) == "false");
  CHECK(ev("!(episode.utDatoTid > episode.innDatoTid)", e) == "true");
  CHECK(ev("episode.slutt_dato == episode.innDatoTid", e) == "true");
  CHECK(ev("tostring(episode.utDatoTid)", e) == "''");
  CHECK(ev("tostring(episode.utDatoTid) + 'x'", e) == "'x'");
  CHECK(ev("year(episode.utDatoTid)", e) == "null");
  CHECK(ev("year(episode.utDatoTid) == 0", e) == "false");
  CHECK(ev("year(episode.utDatoTid) + 1", e) == "null");
  CHECK(ev("has(episode.hovedtilstand)", e) == "false");
  CHECK(ev("episode.hovedtilstand.nr", e) == "null");
  CHECK(ev("size(episode.hovedtilstand.koder)", e) == "null");
  CHECK(ev("has(prosedyre.hovedkode)", e, Scope::kProsedyre, p) == "false");
  CHECK(ev("prosedyre.hovedkode.system", e, Scope::kProsedyre, p) == "null");
  CHECK(ev("prosedyre.hovedkode.system == 'NCSP'", e, Scope::kProsedyre, p) == "false");
  CHECK(ev("prosedyre.hovedkode.system != 'NCSP'", e, Scope::kProsedyre, p) == "false");
  CHECK(ev("startsWith(prosedyre.hovedkode.verdi, 'Z')", e, Scope::kProsedyre, p) == "false");
  CHECK(ev("prosedyre.hovedkode.verdi in ['A', 'B']", e, Scope::kProsedyre, p) == "false");
  CHECK(ev("tekst_of(prosedyre.hovedkode.verdi)", e, Scope::kProsedyre, p) == "''");
  CHECK(ev("lookup('ncsp_zxm_ncrp', [prosedyre.hovedkode.verdi, 'ZXM00'])", e, Scope::kProsedyre,
           p) == "''");
  CHECK(ev("prosedyre.hovedkode", e, Scope::kProsedyre, p) == "null");
  CHECK(ev("[prosedyre.hovedkode]", e, Scope::kProsedyre, p) == "[null]");
  CHECK(ev("tiltak.dato", e, Scope::kProsedyre, p) == "null");
  CHECK(ev("first(prosedyre.koder)", e, Scope::kProsedyre, p) == "null");
  CHECK(ev("has(first(prosedyre.koder))", e, Scope::kProsedyre, p) == "false");
  CHECK(ev("true ? prosedyre.hovedkode : prosedyre.hovedkode", e, Scope::kProsedyre, p) == "null");
  CHECK(ev("valid_years(prosedyre.hovedkode)", e, Scope::kProsedyre, p) == "[]");
  CHECK(ev("join(filter(prosedyre.koder, k, true), '+')", e, Scope::kProsedyre, p) == "''");
  // A null bool counts as false in conditions.
  CHECK(ev("first(filter([true], b, false)) ? 1 : 2", e) == "2");
  CHECK(ev("!first(filter([true], b, false))", e) == "true");
  // Messages show null as nothing.
  expr::Environment env(Scope::kEpisode, &shipped_data());
  auto t = expr::compile_template("ut: [{episode.utDatoTid}]", env);
  REQUIRE(t);
  expr::Frame f(e, &tables());
  f.bind({});
  CHECK(t.expr.render(f) == "ut: []");
}

TEST_CASE("general built-ins", "[expr][eval][builtins]") {
  Episode e = sample();
  auto p1 = prosedyre_binding(e);
  CHECK(ev("size(episode.koder)", e) == "6");
  CHECK(ev("size('E702')", e) == "4");
  CHECK(ev("size([])", e) == "0");
  CHECK(ev("startsWith('ZXM00', 'ZXM')", e) == "true");
  CHECK(ev("startsWith('ZX', 'ZXM')", e) == "false");
  CHECK(ev("endsWith('JJB06K', 'K')", e) == "true");
  CHECK(ev("endsWith('K', 'JJB06K')", e) == "false");
  CHECK(ev("contains('Perkutan nålebiopsi', 'nål')", e) == "true");
  CHECK(ev("contains('abc', 'x')", e) == "false");
  CHECK(ev("substr('JJB06K', 0, 3)", e) == "'JJB'");
  CHECK(ev("substr('JJB06K', 3, 100)", e) == "'06K'");
  CHECK(ev("substr('JJB06K', -2, 2)", e) == "'JJ'");
  CHECK(ev("substr('JJB06K', 10, 2)", e) == "''");
  CHECK(ev("tostring(42)", e) == "'42'");
  CHECK(ev("tostring(true)", e) == "'ja'");
  CHECK(ev("tostring(episode.innDatoTid)", e) == "'2017-03-02'");
  CHECK(ev("tostring(prosedyre.hovedkode)", e, Scope::kProsedyre, p1) == "'JJX00'");
  CHECK(ev("tostring(prosedyre.koder)", e, Scope::kProsedyre, p1) == "'JJX00, ZXM00'");
  CHECK(ev("tostring('x')", e) == "'x'");
  CHECK(ev("join(prosedyre.koder, ' + ')", e, Scope::kProsedyre, p1) == "'JJX00 + ZXM00'");
  CHECK(ev("join([1, 2], '-')", e) == "'1-2'");
  CHECK(ev("year(episode.innDatoTid)", e) == "2017");
  // year() remembers the last year asked: dates on both sides of its edges, in turn.
  CHECK(ev("year(date('2016-12-31'))", e) == "2016");
  CHECK(ev("year(date('2017-01-01'))", e) == "2017");
  CHECK(ev("year(date('2017-12-31'))", e) == "2017");
  CHECK(ev("year(date('2016-01-01'))", e) == "2016");
  CHECK(ev("year(date('2015-12-31'))", e) == "2015");
  CHECK(ev("year(date('2018-01-01'))", e) == "2018");
  CHECK(ev("year(date('1969-12-31'))", e) == "1969");
  CHECK(ev("year(date('1970-01-01'))", e) == "1970");
  CHECK(ev("day(date('1970-01-02'))", e) == "1");
  CHECK(ev("day(episode.utDatoTid) - day(episode.innDatoTid)", e) == "0");
  CHECK(ev("date('2017-01-01')", e) == "2017-01-01");
  CHECK(ev("first(episode.koder)", e) == "K703");
  CHECK(ev("first([3, 4])", e) == "3");
}

TEST_CASE("comprehensions: exists, all, count, filter, nested", "[expr][eval][builtins]") {
  Episode e = sample();
  CHECK(ev("exists(episode.koder, k, startsWith(k.verdi, 'ZXM'))", e) == "true");
  CHECK(ev("exists(episode.koder, k, k.system == 'NCRP')", e) == "false");
  CHECK(ev("exists([], k, true)", e) == "false");
  CHECK(ev("all(episode.diagnosekoder, k, k.system == 'ICD10')", e) == "true");
  CHECK(ev("all(episode.koder, k, k.system == 'ICD10')", e) == "false");
  CHECK(ev("all([], k, false)", e) == "true");
  CHECK(ev("count(episode.koder, k, startsWith(k.verdi, 'ZXM'))", e) == "2");
  CHECK(ev("filter(episode.koder, k, startsWith(k.verdi, 'ZXM'))", e) == "[ZXM00, ZXM10]");
  CHECK(ev("filter([1, 2, 3, 4], n, n > 2)", e) == "[3, 4]");
  // Nested: Prosedyrer that have a ZXM code; a filter inside a filter's predicate.
  CHECK(ev("count(episode.prosedyrer, p, exists(p.koder, k, startsWith(k.verdi, 'ZXM')))", e) ==
        "2");
  CHECK(ev("filter(episode.prosedyrer, p, size(filter(p.koder, k, k.hovedkode)) == 1)", e) ==
        "[JJX00 ZXM00, ZXM10]");
  CHECK(ev("filter(episode.tilstander, t, exists(t.koder, k, 'M368' == k.verdi))", e) ==
        "[E702 M368]");
  // The variable of an outer comprehension inside the inner one.
  CHECK(ev("count(episode.koder, a, count(episode.koder, b, a.verdi == b.verdi) > 1)", e) == "0");
  Episode dup = EpisodeBuilder("2017-03-02T08:15:00").tilstand({"J18"}).tilstand({"J18"}).build();
  CHECK(ev("count(episode.koder, a, count(episode.koder, b, a.verdi == b.verdi) > 1)", dup) == "2");
  // Comprehension results in list literals and as function arguments.
  CHECK(ev("[first(filter(episode.koder, k, k.diagnose)), first(episode.prosedyrekoder)]", e) ==
        "[K703, JJX00]");
}

TEST_CASE("message templates render values as messages show them", "[expr][template]") {
  Episode e = sample();
  expr::Environment env(Scope::kProsedyre, &shipped_data());
  auto t = expr::compile_template(
      "Prosedyren {prosedyre.hovedkode} ({prosedyre.hovedkode.tekst}) {{dato {prosedyre.dato}}}: "
      "{prosedyre.koder}; NCRP {lookup('ncsp_zxm_ncrp', ['JJX00', 'ZXM00'])} "
      "({tekst_of('JJB06K')}), radiologi {episode.radiologi}, {size(prosedyre.koder)} koder, "
      "{prosedyre.tiltak_type == 2 ? 'bilde' : 'annet'}{'}'}",
      env);
  REQUIRE(t);
  CHECK(expr::type_name(t.expr.type()) == "string");
  expr::Frame f(e, &tables());
  f.bind(prosedyre_binding(e));
  CHECK(t.expr.render(f) ==
        "Prosedyren JJX00 (Perkutan nålebiopsi av lever) {dato 2017-03-02}: JJX00, ZXM00; NCRP "
        "JJB06K (Nålebiopsi av lever, ultralydveiledet), radiologi nei, 2 koder, bilde}");
  // A template without placeholders, and an empty one.
  auto plain = expr::compile_template("Bare tekst", env);
  REQUIRE(plain);
  CHECK(plain.expr.render(f) == "Bare tekst");
  auto empty = expr::compile_template("", env);
  REQUIRE(empty);
  CHECK(empty.expr.render(f).empty());
  // eval() of a template gives the same text as a string value.
  CHECK(f.to_text(t.expr.eval(f)) == t.expr.render(f));
}

TEST_CASE("let values: computed once per binding, usable later, re-computed after bind()",
          "[expr][let]") {
  Episode e = sample();
  expr::Environment env(Scope::kProsedyre, &shipped_data());
  auto zxm = expr::compile("first(filter(prosedyre.tilleggskoder, k, startsWith(k.verdi, 'ZXM')))",
                           env, Expect::kAny);
  REQUIRE(zxm);
  REQUIRE(env.declare_let("zxm", zxm.expr));
  auto ncrp = expr::compile(
      "has(zxm) ? lookup('ncsp_zxm_ncrp', [prosedyre.hovedkode.verdi, zxm.verdi]) : ''", env,
      Expect::kAny);
  REQUIRE(ncrp);
  REQUIRE(env.declare_let("ncrp", ncrp.expr));
  auto assert_ = expr::compile("ncrp == ''", env, Expect::kBool);
  auto msg = expr::compile_template("{prosedyre.hovedkode} + {zxm} -> {ncrp}", env);
  auto codes = expr::compile("[prosedyre.hovedkode, zxm]", env, Expect::kKodeList);
  REQUIRE(assert_);
  REQUIRE(msg);
  REQUIRE(codes);

  expr::Frame f(e, &tables());
  f.bind(prosedyre_binding(e, 0, 0));
  CHECK_FALSE(assert_.expr.eval_bool(f));
  CHECK(msg.expr.render(f) == "JJX00 + ZXM00 -> JJB06K");
  CHECK(f.to_text(ncrp.expr.eval(f)) == "JJB06K");  // the declared expression reads the cache
  std::vector<const Kode*> out;
  codes.expr.eval_codes(f, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0]->verdi == "JJX00");
  CHECK(out[1]->verdi == "ZXM00");

  // The second Prosedyre (ZXM10 only): the let values are computed anew.
  f.bind(prosedyre_binding(e, 0, 1));
  CHECK(assert_.expr.eval_bool(f));
  CHECK(msg.expr.render(f) == "ZXM10 +  -> ");
  out.clear();
  codes.expr.eval_codes(f, out);
  REQUIRE(out.size() == 1);  // null codes are left out
  CHECK(out[0]->verdi == "ZXM10");

  // Traces: the let values by name.
  f.bind(prosedyre_binding(e, 0, 0));
  CHECK(f.to_debug(zxm.expr.eval(f)) == "ZXM00");
  CHECK(f.to_debug(ncrp.expr.eval(f)) == "'JJB06K'");
}

TEST_CASE("a let evaluated inside a comprehension keeps the caller's variable", "[expr][let]") {
  Episode e = sample();
  expr::Environment env(Scope::kEpisode, &shipped_data());
  auto z = expr::compile("count(episode.koder, k, startsWith(k.verdi, 'Z'))", env, Expect::kAny);
  REQUIRE(z);
  REQUIRE(env.declare_let("z", z.expr));
  // The let is first needed while `k` of the outer comprehension is bound.
  auto c = expr::compile("filter(episode.koder, k, z == 2 && k.diagnose)", env, Expect::kAny);
  REQUIRE(c);
  expr::Frame f(e, &tables());
  f.bind({});
  CHECK(f.to_debug(c.expr.eval(f)) == "[K703, E702, M368]");
}

TEST_CASE("explain: the deciding values on one line", "[expr][explain]") {
  Episode e = sample();
  expr::Environment env(Scope::kProsedyre, &shipped_data());
  auto w = expr::compile(
      "!episode.radiologi && prosedyre.hovedkode.system == 'NCSP' && "
      "exists(prosedyre.tilleggskoder, k, k.verdi == 'ZXM10')",
      env, Expect::kBool);
  REQUIRE(w);
  expr::Frame f(e, &tables());
  f.bind(prosedyre_binding(e));
  CHECK(w.expr.explain(f) ==
        "!episode.radiologi -> true; prosedyre.hovedkode.system == 'NCSP' -> true; "
        "exists(prosedyre.tilleggskoder, k, k.verdi == 'ZXM10') -> false");
  auto o = expr::compile("prosedyre.nr == 2 || (prosedyre.tiltak_type == 2) || false", env,
                         Expect::kBool);
  REQUIRE(o);
  CHECK(o.expr.explain(f) == "prosedyre.nr == 2 -> false; (prosedyre.tiltak_type == 2) -> true");
  auto one = expr::compile("size(prosedyre.koder)", env, Expect::kAny);
  REQUIRE(one);
  CHECK(one.expr.explain(f) == "size(prosedyre.koder) -> 2");
}

TEST_CASE("a Frame is reusable across episodes and objects", "[expr][frame]") {
  Episode a = sample();
  Episode b = EpisodeBuilder("2016-05-01T10:00:00").tilstand({"J18"}).build();
  auto c = compiled("join(episode.koder, ',') + ' ' + tostring(year(episode.innDatoTid))",
                    Scope::kEpisode);
  expr::Frame f(a, &tables());
  for (int i = 0; i < 3; ++i) {
    f.bind(a, {});
    CHECK(c.render(f) == "K703,E702,M368,JJX00,ZXM00,ZXM10 2017");
    f.bind(b, {});
    CHECK(c.render(f) == "J18 2016");
  }
}

TEST_CASE("the docs list every built-in and field", "[expr][docs]") {
  std::string path = std::string(NPRCHECK_SOURCE_DIR) + "/docs/rule-language.md";
  FILE* fp = std::fopen(path.c_str(), "rb");
  REQUIRE(fp != nullptr);
  std::string doc;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) doc.append(buf, n);
  std::fclose(fp);
  for (const auto& b : expr::builtin_infos()) {
    INFO(b.name);
    CHECK(doc.find("`" + b.signature + "`") != std::string::npos);
  }
  for (const auto& fi : expr::field_infos()) {
    INFO(fi.name);
    CHECK(doc.find("`" + fi.name + "`") != std::string::npos);
  }
}
