// Micro-benchmarks (issue 7, Google Benchmark): code-table look-ups on real codes.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "nprcheck/code_tables.hpp"
#include "nprcheck/date.hpp"
#include "nprcheck/diagnostic.hpp"

namespace {

using nprcheck::CodeTables;
using nprcheck::DateTime;
using nprcheck::KodeSystem;

const CodeTables& tables() {
  static const CodeTables t = [] {
    nprcheck::Diagnostics diagnostics;
    auto r = CodeTables::load(NPRCHECK_SOURCE_DIR "/testdata/tables", diagnostics);
    if (!r) {
      std::fprintf(stderr, "bench_micro: cannot load testdata/tables\n");
      std::exit(1);
    }
    return std::move(r).value();
  }();
  return t;
}

DateTime date_2017() { return *nprcheck::make_date_time(2017, 3, 2, 8, 15); }

// Real ICD-10 codes from testdata/tables/2017/icd10.csv, plus categories (J18, S720) and a code
// that exists in no table (XYZ99): the mix a real extract gives the KODE rules.
const std::vector<std::string> kIcd = {"K703", "E702", "M368", "J189", "S7200", "I219",
                                       "C61",  "O800", "J18",  "S720", "A90",   "XYZ99"};

void BM_find(benchmark::State& state) {
  const CodeTables& t = tables();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(t.find(KodeSystem::kIcd10, kIcd[i++ % kIcd.size()]));
  }
}
BENCHMARK(BM_find);

void BM_valid_on(benchmark::State& state) {
  const CodeTables& t = tables();
  const DateTime d = date_2017();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(t.valid_on(KodeSystem::kIcd10, kIcd[i++ % kIcd.size()], d));
  }
}
BENCHMARK(BM_valid_on);

void BM_more_specific_exists(benchmark::State& state) {
  const CodeTables& t = tables();
  const DateTime d = date_2017();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        t.more_specific_exists(KodeSystem::kIcd10, kIcd[i++ % kIcd.size()], d));
  }
}
BENCHMARK(BM_more_specific_exists);

void BM_resolve_procedure_system(benchmark::State& state) {
  const CodeTables& t = tables();
  const std::vector<std::string> q = {"JJX00", "JJB06K", "ZXM00", "AAAA00", "JKA21", "QQQ99"};
  const DateTime d = date_2017();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(t.resolve_procedure_system(q[i++ % q.size()], d));
  }
}
BENCHMARK(BM_resolve_procedure_system);

}  // namespace

BENCHMARK_MAIN();
