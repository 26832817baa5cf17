// Micro-benchmarks (issue 7, Google Benchmark): code-table look-ups on real codes, expression
// evaluation on a prepared episode, and RuleSet::evaluate over the shipped rules on the
// episodes of the bundled example extract (testdata/example).
//
//   build/bench/tests/bench/bench_micro                       # all
//   build/bench/tests/bench/bench_micro --benchmark_filter=Rule
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "nprcheck/code_tables.hpp"
#include "nprcheck/date.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/episode_reader.hpp"
#include "nprcheck/expr.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/prepare.hpp"
#include "nprcheck/rule_data.hpp"
#include "nprcheck/rules.hpp"
#include "nprcheck/units.hpp"

// GCC 12 warns (falsely) about destroying the moved-from Status alternative of a Result<T>
// inlined into a static initialiser (-Wfree-nonheap-object, GCC bug 105651 family).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif

namespace {

using namespace nprcheck;  // NOLINT: a benchmark file

[[noreturn]] void fail(const std::string& what, const Diagnostics& d) {
  std::fprintf(stderr, "bench_micro: %s\n", what.c_str());
  for (const auto& x : d.all()) std::fprintf(stderr, "%s\n", format_diagnostic(x).c_str());
  std::exit(1);
}

const std::string kSource = NPRCHECK_SOURCE_DIR;

const CodeTables& tables() {
  static const CodeTables t = [] {
    Diagnostics d;
    auto r = CodeTables::load(kSource + "/testdata/tables", d);
    if (!r) fail("cannot load testdata/tables", d);
    return std::move(r).value();
  }();
  return t;
}

const UnitsCatalogue& units() {
  static const UnitsCatalogue u = [] {
    Diagnostics d;
    auto r = UnitsCatalogue::load(kSource + "/testdata/example/units.csv", d);
    if (!r) fail("cannot load testdata/example/units.csv", d);
    return std::move(r).value();
  }();
  return u;
}

const RuleData& rule_data() {
  static const RuleData data = [] {
    Diagnostics d;
    auto r = RuleData::load(kSource + "/rules/data", d);
    if (!r) fail("cannot load rules/data", d);
    return std::move(r).value();
  }();
  return data;
}

DateTime at(int y, int m, int d, int hh = 0, int mm = 0) {
  return *make_date_time(y, m, d, hh, mm);
}

// ------------------------------------------------------------------------- code tables

// Real ICD-10 codes from testdata/tables/2017/icd10.csv, plus categories (J18, S720) and a code
// that exists in no table (XYZ99): the mix a real extract gives the KODE rules.
const std::vector<std::string> kIcd = {"K703", "E702", "M368", "J189", "S7200", "I219",
                                       "C61",  "O800", "J18",  "S720", "A90",   "XYZ99"};

void BM_Table_find(benchmark::State& state) {
  const CodeTables& t = tables();
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(t.find(KodeSystem::kIcd10, kIcd[i++ % kIcd.size()]));
}
BENCHMARK(BM_Table_find);

void BM_Table_valid_on(benchmark::State& state) {
  const CodeTables& t = tables();
  const DateTime d = at(2017, 3, 2, 8, 15);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(t.valid_on(KodeSystem::kIcd10, kIcd[i++ % kIcd.size()], d));
  }
}
BENCHMARK(BM_Table_valid_on);

void BM_Table_more_specific_exists(benchmark::State& state) {
  const CodeTables& t = tables();
  const DateTime d = at(2017, 3, 2, 8, 15);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        t.more_specific_exists(KodeSystem::kIcd10, kIcd[i++ % kIcd.size()], d));
  }
}
BENCHMARK(BM_Table_more_specific_exists);

void BM_Table_longer_code_exists(benchmark::State& state) {
  const CodeTables& t = tables();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(t.longer_code_exists(KodeSystem::kIcd10, kIcd[i++ % kIcd.size()]));
  }
}
BENCHMARK(BM_Table_longer_code_exists);

void BM_Table_resolve_procedure_system(benchmark::State& state) {
  const CodeTables& t = tables();
  const std::vector<std::string> q = {"JJX00", "JJB06K", "ZXM00", "AAAA00", "JKA21", "QQQ99"};
  const DateTime d = at(2017, 3, 2);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(t.resolve_procedure_system(q[i++ % q.size()], d));
}
BENCHMARK(BM_Table_resolve_procedure_system);

void BM_Set_contains(benchmark::State& state) {
  const CodeSet* set = rule_data().find_set("stjernekoder");
  if (set == nullptr) {
    state.SkipWithError("no set stjernekoder in rules/data");
    return;
  }
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(set->contains(KodeSystem::kIcd10, kIcd[i++ % kIcd.size()]));
}
BENCHMARK(BM_Set_contains);

// ------------------------------------------------------------------------- expressions

Kode kode(const char* verdi, const char* kodeverk, int nr) {
  Kode k;
  k.verdi = verdi;
  k.kodeverk = kodeverk;
  k.kode_nr = nr;
  return k;
}

// A prepared episode with real codes: a day-patient liver biopsy (NCSP JJX00 + ZXM00, which
// should have been NCRP JJB06K), etiology + manifestation, and a category code (J18).
const Episode& episode() {
  static const Episode e = [] {
    auto melding = std::make_shared<MeldingInfo>();
    melding->enheter = {Enhet{"1", "4001", "Haukeland", "", 0},
                        Enhet{"2", "5210", "Fagenhet", "", 0},
                        Enhet{"3", "4210", "Gastroenterologisk seksjon", "", 0}};
    auto pasient = std::make_shared<Pasient>();
    pasient->pasient_nr = "1001";
    pasient->kjonn = 2;
    pasient->fodselsar = 1957;
    Episode ep;
    ep.episode_id = "E-17-000042";
    ep.inn = at(2017, 3, 2, 8, 15);
    ep.ut = at(2017, 3, 2, 11, 40);
    ep.omsorgsniva = 2;
    ep.ref_enheter = {RefEnhet{"1", 1, 0}, RefEnhet{"2", 2, 0}, RefEnhet{"3", 7, 0}};
    Tilstand t1;
    t1.tilst_nr = 1;
    t1.koder = {kode("K703", "D", 1)};
    Tilstand t2;
    t2.tilst_nr = 2;
    t2.koder = {kode("E702", "D", 1), kode("M368", "D", 2)};
    Tilstand t3;
    t3.tilst_nr = 3;
    t3.koder = {kode("J18", "D", 1)};
    ep.tilstander = {t1, t2, t3};
    Tiltak tt;
    tt.type_tiltak = 1;
    tt.start = at(2017, 3, 2, 9, 0);
    Prosedyre p1;
    p1.pros_nr = 1;
    p1.koder = {kode("JJX00", "Q", 1), kode("ZXM00", "Q", 2)};
    Prosedyre p2;
    p2.pros_nr = 2;
    p2.koder = {kode("JKA21", "Q", 1), kode("ZXA00", "Q", 2)};
    tt.prosedyrer = {p1, p2};
    ep.tiltak = {tt};
    ep.pasient = pasient;
    ep.melding = melding;
    prepare_episode(ep, tables(), units());
    return ep;
  }();
  return e;
}

/// One compiled expression (with its lets) in a scope, and the bindings to evaluate it on.
struct Compiled {
  std::unique_ptr<expr::Environment> env;
  std::vector<expr::CompiledExpr> lets;
  expr::CompiledExpr expr;
};

Compiled compile_or_die(expr::Scope scope,
                        const std::vector<std::pair<std::string, std::string>>& lets,
                        const std::string& text, bool is_template) {
  Compiled c;
  c.env = std::make_unique<expr::Environment>(scope, &rule_data());
  for (const auto& [name, let_text] : lets) {
    auto r = expr::compile(let_text, *c.env, expr::Expect::kAny, "let");
    if (!r) {
      std::fprintf(stderr, "bench_micro: let %s: %s\n", name.c_str(), r.error->message.c_str());
      std::exit(1);
    }
    c.lets.push_back(r.expr);
    c.env->declare_let(name, c.lets.back());
  }
  auto r = is_template ? expr::compile_template(text, *c.env)
                       : expr::compile(text, *c.env, expr::Expect::kAny, "expression");
  if (!r) {
    std::fprintf(stderr, "bench_micro: %s: %s\n", text.c_str(), r.error->message.c_str());
    std::exit(1);
  }
  c.expr = r.expr;
  return c;
}

expr::Bindings prosedyre_bindings() {
  const Episode& e = episode();
  return {nullptr, &e.tiltak[0], &e.tiltak[0].prosedyrer[0], nullptr};
}

// Evaluates `text` (a bool expression) on every object of its scope of the episode: per
// iteration, bind + eval for each object, as RuleSet does.
void run_bool(benchmark::State& state, expr::Scope scope,
              const std::vector<std::pair<std::string, std::string>>& lets,
              const std::string& text) {
  Compiled c = compile_or_die(scope, lets, text, false);
  const Episode& e = episode();
  std::vector<expr::Bindings> objects;
  switch (scope) {
    case expr::Scope::kEpisode:
      objects.push_back({});
      break;
    case expr::Scope::kTilstand:
      for (const auto& t : e.tilstander) objects.push_back({&t, nullptr, nullptr, nullptr});
      break;
    case expr::Scope::kTiltak:
      for (const auto& t : e.tiltak) objects.push_back({nullptr, &t, nullptr, nullptr});
      break;
    case expr::Scope::kProsedyre:
      for (const auto& t : e.tiltak) {
        for (const auto& p : t.prosedyrer) objects.push_back({nullptr, &t, &p, nullptr});
      }
      break;
    case expr::Scope::kKode:
      for (const auto& t : e.tilstander) {
        for (const auto& k : t.koder) objects.push_back({nullptr, nullptr, nullptr, &k});
      }
      for (const auto& t : e.tiltak) {
        for (const auto& p : t.prosedyrer) {
          for (const auto& k : p.koder) objects.push_back({nullptr, nullptr, nullptr, &k});
        }
      }
      break;
  }
  expr::Frame frame(e, &tables());
  int64_t held = 0;
  for (auto _ : state) {
    for (const auto& b : objects) {
      frame.bind(b);
      held += c.expr.eval_bool(frame) ? 1 : 0;
    }
  }
  benchmark::DoNotOptimize(held);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(objects.size()));
  state.counters["objects"] = static_cast<double>(objects.size());
}

void BM_Expr_episode_has(benchmark::State& state) {  // EPI-001
  run_bool(state, expr::Scope::kEpisode, {}, "has(episode.hovedtilstand)");
}
BENCHMARK(BM_Expr_episode_has);

void BM_Expr_episode_days(benchmark::State& state) {  // EPI-005
  run_bool(state, expr::Scope::kEpisode, {},
           "(episode.omsorgsniva == 2 || episode.omsorgsniva == 3) && has(episode.utDatoTid) && "
           "day(episode.utDatoTid) > day(episode.innDatoTid)");
}
BENCHMARK(BM_Expr_episode_days);

void BM_Expr_kode_tables(benchmark::State& state) {  // KODE-001 + KODE-002 + KODE-003
  run_bool(state, expr::Scope::kKode, {},
           "checked(kode) && (!(known(kode) || longer_exists(kode)) || !valid(kode) || "
           "(kode.system == 'ICD10' && more_specific_exists(kode)))");
}
BENCHMARK(BM_Expr_kode_tables);

void BM_Expr_kode_sets(benchmark::State& state) {  // KODE-004
  run_bool(state, expr::Scope::kKode,
           {{"bare_menn", "in_set(kode, 'kjonn_mann') || kjonn_of(kode) == 'M'"},
            {"bare_kvinner", "in_set(kode, 'kjonn_kvinne') || kjonn_of(kode) == 'K'"}},
           "!(pasient.kjonn == 2 && bare_menn) && !(pasient.kjonn == 1 && bare_kvinner)");
}
BENCHMARK(BM_Expr_kode_sets);

void BM_Expr_kode_count(benchmark::State& state) {  // KODE-007
  run_bool(state, expr::Scope::kKode, {},
           "!kode.diagnose || count(episode.diagnosekoder, k, k.verdi == kode.verdi) < 2");
}
BENCHMARK(BM_Expr_kode_count);

void BM_Expr_prosedyre_exists(benchmark::State& state) {  // BV-001
  run_bool(state, expr::Scope::kProsedyre, {},
           "exists(prosedyre.tilleggskoder, k, startsWith(k.verdi, 'ZXM')) || "
           "exists(episode.prosedyrekoder, k, k.system == 'NCRP')");
}
BENCHMARK(BM_Expr_prosedyre_exists);

void BM_Expr_prosedyre_lookup(benchmark::State& state) {  // BV-002
  run_bool(
      state, expr::Scope::kProsedyre,
      {{"zxm",
        "first(filter(prosedyre.tilleggskoder, k, startsWith(k.verdi, 'ZXM') && "
        "lookup('ncsp_zxm_ncrp', [prosedyre.hovedkode.verdi, k.verdi]) != ''))"},
       {"ncrp", "has(zxm) ? lookup('ncsp_zxm_ncrp', [prosedyre.hovedkode.verdi, zxm.verdi]) : ''"}},
      "ncrp == '' || !table_loaded('NCRP', year(prosedyre.dato)) || "
      "!code_valid('NCRP', ncrp, prosedyre.dato)");
}
BENCHMARK(BM_Expr_prosedyre_lookup);

void BM_Expr_message(benchmark::State& state) {  // BV-002's message, on the JJX00 + ZXM00 prosedyre
  Compiled c = compile_or_die(
      expr::Scope::kProsedyre,
      {{"zxm", "first(filter(prosedyre.tilleggskoder, k, startsWith(k.verdi, 'ZXM')))"},
       {"ncrp", "lookup('ncsp_zxm_ncrp', [prosedyre.hovedkode.verdi, zxm.verdi])"}},
      "Prosedyren er kodet {prosedyre.hovedkode} + {zxm} ({prosedyre.hovedkode.tekst}, "
      "{zxm.tekst}), "
      "men NCRP-koden {ncrp} ({tekst_of(ncrp)}) finnes. Registrer {ncrp} i stedet.",
      true);
  expr::Frame frame(episode(), &tables());
  size_t bytes = 0;
  for (auto _ : state) {
    frame.bind(prosedyre_bindings());
    bytes += c.expr.render(frame).size();
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Expr_message);

// ------------------------------------------------------------------------- RuleSet::evaluate

/// The episodes of the bundled example extract, prepared (about 400, all planted variants).
const std::vector<Episode>& example_episodes() {
  static const std::vector<Episode> all = [] {
    std::vector<Episode> out;
    std::vector<std::string> files;
    for (const auto& f : std::filesystem::directory_iterator(kSource + "/testdata/example")) {
      const std::string name = f.path().filename().string();
      if (name.rfind("npr-", 0) == 0) files.push_back(f.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      Diagnostics d;
      auto r = read_all_episodes(f, d);
      if (!r) fail("cannot read " + f, d);
      for (auto& e : r.value()) {
        prepare_episode(e, tables(), units());
        out.push_back(std::move(e));
      }
    }
    if (out.empty()) fail("no episodes in testdata/example", Diagnostics{});
    return out;
  }();
  return all;
}

RuleSet load_rules(const std::string& glob) {
  Diagnostics d;
  auto r = RuleSet::load(kSource + "/rules", d);
  if (!r) fail("cannot load rules/", d);
  RuleSet rs = std::move(r).value();
  if (!glob.empty() && rs.select(glob) == 0) fail("no rule matches " + glob, d);
  return rs;
}

// Every shipped rule (or the ones matching the glob) on every example episode; items/s is
// episodes per second on one thread.
void run_ruleset(benchmark::State& state, const std::string& glob) {
  const RuleSet rs = load_rules(glob);
  const auto& episodes = example_episodes();
  const EvalContext ctx{&tables(), &units()};
  std::vector<Finding> out;
  size_t findings = 0;
  for (auto _ : state) {
    for (const auto& e : episodes) {
      out.clear();
      rs.evaluate(e, ctx, out);
      findings += out.size();
    }
  }
  benchmark::DoNotOptimize(findings);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(episodes.size()));
  state.counters["rules"] = static_cast<double>(rs.size());
  state.counters["findings/episode"] =
      static_cast<double>(findings) / static_cast<double>(state.iterations() * episodes.size());
}

void BM_RuleSet_evaluate_all(benchmark::State& state) { run_ruleset(state, ""); }
BENCHMARK(BM_RuleSet_evaluate_all)->Unit(benchmark::kMicrosecond);

/// A rule directory with the shipped rules plus copies of them under new ids (`BV-001-X01`...),
/// `count` rules in all (the rule-count scaling experiment; the copies fire like the originals).
std::string make_rule_variant(size_t count) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("nprcheck-bench-rules-" + std::to_string(count));
  fs::remove_all(dir);
  fs::copy(kSource + "/rules", dir, fs::copy_options::recursive);
  std::vector<fs::path> originals;
  for (const auto& f : fs::recursive_directory_iterator(kSource + "/rules")) {
    if (f.path().extension() == ".yaml") originals.push_back(f.path());
  }
  std::sort(originals.begin(), originals.end());
  fs::create_directories(dir / "copies");
  size_t have = originals.size();
  for (int round = 1; have < count; ++round) {
    for (const auto& f : originals) {
      if (have >= count) break;
      const std::string id = f.stem().string();
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, "-X%02d", round);
      std::ifstream in(f);
      std::stringstream text;
      text << in.rdbuf();
      std::string body = text.str();
      const std::string from = "id: " + id + "\n";
      if (auto pos = body.find(from); pos != std::string::npos) {
        body.replace(pos, from.size(), "id: " + id + suffix + "\n");
      }
      std::ofstream(dir / "copies" / (id + suffix + ".yaml")) << body;
      ++have;
    }
  }
  return dir.string();
}

// RuleSet::evaluate with 17, 50, 100, 200 rules on the example episodes: the cost per episode
// should grow linearly with the number of rules (items/s = episodes/s on one thread).
void BM_RuleSet_rules(benchmark::State& state) {
  const auto count = static_cast<size_t>(state.range(0));
  const std::string dir = make_rule_variant(count);
  Diagnostics d;
  auto r = RuleSet::load(dir, d);
  if (!r) fail("cannot load the rule variant " + dir, d);
  const RuleSet rs = std::move(r).value();
  std::filesystem::remove_all(dir);
  const auto& episodes = example_episodes();
  const EvalContext ctx{&tables(), &units()};
  std::vector<Finding> out;
  size_t findings = 0;
  for (auto _ : state) {
    for (const auto& e : episodes) {
      out.clear();
      rs.evaluate(e, ctx, out);
      findings += out.size();
    }
  }
  benchmark::DoNotOptimize(findings);
  const double n_episodes = static_cast<double>(state.iterations() * episodes.size());
  state.SetItemsProcessed(static_cast<int64_t>(n_episodes));
  state.counters["rules"] = static_cast<double>(rs.size());
  state.counters["findings/episode"] = static_cast<double>(findings) / n_episodes;
  state.counters["ns/episode/rule"] = benchmark::Counter(
      n_episodes * static_cast<double>(rs.size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::OneK::kIs1000);
}
BENCHMARK(BM_RuleSet_rules)->Arg(17)->Arg(50)->Arg(100)->Arg(200)->Unit(benchmark::kMicrosecond);

void register_per_rule() {
  const RuleSet rs = load_rules("");
  for (const RuleInfo* r : rs.rules()) {
    const std::string id = r->id;
    benchmark::RegisterBenchmark(("BM_Rule/" + id).c_str(), [id](benchmark::State& s) {
      run_ruleset(s, id);
    })->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_per_rule();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
