// Fuzzes the expression language: compile any text in any scope (as an expression or a message
// template) against the shipped rule data, and evaluate what compiles on a small episode with
// the real code tables. Must never crash, hang or hit undefined behaviour (division by zero,
// signed overflow, out-of-range access), whatever the text.
#include <memory>
#include <string_view>
#include <vector>

#include "nprcheck/code_tables.hpp"
#include "nprcheck/expr.hpp"
#include "nprcheck/rule_data.hpp"

namespace {

using namespace nprcheck;

DateTime day(int y, int m, int d) {
  std::string text = std::to_string(y) + (m < 10 ? "-0" : "-") + std::to_string(m) +
                     (d < 10 ? "-0" : "-") + std::to_string(d);
  return parse_date_time(text).value_or(DateTime{});
}

Kode kode(const char* verdi, const char* kodeverk, KodeSystem system, int nr, DateTime dato) {
  Kode k;
  k.verdi = verdi;
  k.kodeverk = kodeverk;
  k.kode_nr = nr;
  k.kode_versjon = "2017";
  k.system = system;
  k.dato = dato;
  k.line = 10 + static_cast<uint32_t>(nr);
  return k;
}

/// What every input is evaluated against (built once).
struct World {
  std::unique_ptr<RuleData> data;
  std::unique_ptr<CodeTables> tables;
  Episode episode;
};

const World& world() {
  static const World* w = [] {
    auto* out = new World;
    Diagnostics d;
    auto data = RuleData::load(NPRCHECK_SOURCE_DIR "/rules/data", d);
    out->data = std::make_unique<RuleData>(data ? std::move(*data) : RuleData());
    auto tables = CodeTables::load(NPRCHECK_SOURCE_DIR "/testdata/tables", d);
    if (tables) out->tables = std::make_unique<CodeTables>(std::move(*tables));

    Episode& e = out->episode;
    auto melding = std::make_shared<MeldingInfo>();
    melding->file = "fuzz.xml";
    melding->enheter = {{"1", "4001", "Haukeland", "", 5}, {"3", "4200", "Medisinsk", "", 7}};
    auto pasient = std::make_shared<Pasient>();
    pasient->pasient_nr = "1001";
    pasient->kjonn = 2;
    pasient->fodselsar = 1957;
    e.melding = melding;
    e.pasient = pasient;
    e.episode_id = "E-1";
    e.inn = day(2017, 3, 2);
    e.ut = day(2017, 3, 4);
    e.omsorgsniva = 3;
    e.innmate_hast = 4;
    e.ref_enheter = {{"1", 1, 20}, {"3", 7, 21}, {"9", 2, 22}};
    Tilstand t1;
    t1.tilst_nr = 1;
    t1.koder = {kode("E702", "D", KodeSystem::kIcd10, 1, *e.ut),
                kode("M368", "D", KodeSystem::kIcd10, 2, *e.ut)};
    Tilstand t2;
    t2.tilst_nr = 2;
    t2.koder = {kode("A90", "D", KodeSystem::kIcd10, 1, *e.ut)};
    e.tilstander = {t1, t2};
    Tiltak tt;
    tt.type_tiltak = 2;
    tt.start = day(2017, 3, 3);
    Prosedyre p;
    p.pros_nr = 1;
    p.tilst_nr = 1;
    p.dato = *tt.start;
    p.koder = {kode("JJX00", "Q", KodeSystem::kNcsp, 1, p.dato),
               kode("ZXM00", "Q", KodeSystem::kNcsp, 2, p.dato)};
    Prosedyre empty;
    empty.pros_nr = 2;
    tt.prosedyrer = {p, empty};
    e.tiltak = {tt, Tiltak{}};
    e.avdeling = "4200";
    e.unit = "4200";
    e.unit_name = "Medisinsk";
    return out;
  }();
  return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const World& w = world();
  // First byte: scope (low 3 bits), what is expected (next 2), template or expression (bit 5).
  auto scope = static_cast<expr::Scope>((data[0] & 7) % 5);
  auto expect = static_cast<expr::Expect>((data[0] >> 3) & 3);
  bool is_template = (data[0] & 0x20) != 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  expr::Environment env(scope, w.data.get());
  // A `let` before the expression, as rules declare them.
  auto let = expr::compile("1 + 2", env, expr::Expect::kAny, "let");
  if (let) env.declare_let("n", let.expr);
  auto result =
      is_template ? expr::compile_template(text, env) : expr::compile(text, env, expect, "fuzz");
  if (!result) return 0;

  const Episode& e = w.episode;
  expr::Frame frame(e, w.tables.get());
  std::vector<expr::Bindings> objects;
  switch (scope) {
    case expr::Scope::kEpisode:
      objects.push_back({});
      break;
    case expr::Scope::kTilstand:
      for (const auto& t : e.tilstander) objects.push_back({.tilstand = &t});
      break;
    case expr::Scope::kTiltak:
      for (const auto& t : e.tiltak) objects.push_back({.tiltak = &t});
      break;
    case expr::Scope::kProsedyre:
      for (const auto& t : e.tiltak) {
        for (const auto& p : t.prosedyrer) objects.push_back({.tiltak = &t, .prosedyre = &p});
      }
      break;
    case expr::Scope::kKode:
      for (const auto& t : e.tilstander) {
        for (const auto& k : t.koder) objects.push_back({.tilstand = &t, .kode = &k});
      }
      for (const auto& t : e.tiltak) {
        for (const auto& p : t.prosedyrer) {
          for (const auto& k : p.koder) {
            objects.push_back({.tiltak = &t, .prosedyre = &p, .kode = &k});
          }
        }
      }
      break;
  }
  std::vector<const Kode*> codes;
  for (const auto& b : objects) {
    frame.bind(b);
    expr::Value v = result.expr.eval(frame);
    (void)frame.to_text(v);
    (void)frame.to_debug(v);
    frame.bind(b);
    (void)result.expr.render(frame);
    frame.bind(b);
    (void)result.expr.explain(frame);
    if (result.expr.type().kind == expr::Kind::kBool) {
      frame.bind(b);
      (void)result.expr.eval_bool(frame);
    }
    if (expect == expr::Expect::kKodeList && !is_template) {
      frame.bind(b);
      result.expr.eval_codes(frame, codes);
    }
  }
  return 0;
}
