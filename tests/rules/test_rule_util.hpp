#pragma once
/// Helpers shared by the rule-file tests: the real code tables, compact episodes, load errors.

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "nprcheck/code_tables.hpp"
#include "nprcheck/prepare.hpp"
#include "nprcheck/rule_test.hpp"
#include "nprcheck/rules.hpp"
#include "nprcheck/units.hpp"

namespace nprcheck::test {

/// The real code tables of testdata/tables (2015-2017), loaded once.
inline const CodeTables& tables() {
  static const CodeTables t = [] {
    Diagnostics d;
    auto r = CodeTables::load(std::string(NPRCHECK_TESTDATA) + "/tables", d);
    if (!r) std::abort();
    return std::move(*r);
  }();
  return t;
}

/// testdata/rules/<rel>.
inline std::string rules_testdata(const std::string& rel) {
  return std::string(NPRCHECK_TESTDATA) + "/rules/" + rel;
}

/// The shipped rule set directory.
inline std::string shipped_rules() { return std::string(NPRCHECK_SOURCE_DIR) + "/rules"; }

/// A prepared episode from the compact YAML form (aborts the test on a bad form).
inline Episode episode(const std::string& yaml, uint64_t sequence = 0) {
  Diagnostics d;
  bool radiologi = false;
  auto e = compact_episode(yaml, d, &radiologi);
  if (!e) {
    for (const auto& x : d.all()) std::fprintf(stderr, "%s\n", format_diagnostic(x).c_str());
    std::abort();
  }
  Episode out = *e;
  out.sequence = sequence;
  UnitsCatalogue units;
  if (radiologi) units.add(UnitEntry{"4300", "Radiologi", "4300", "Radiologi", true});
  prepare_episode(out, tables(), units);
  return out;
}

/// The rule set in `dir`, which must load (the diagnostics are shown when it does not).
inline RuleSet load_ok(const std::string& dir) {
  Diagnostics d;
  auto r = RuleSet::load(dir, d);
  for (const auto& x : d.all()) UNSCOPED_INFO(format_diagnostic(x));
  REQUIRE(r.has_value());
  return std::move(*r);
}

/// The diagnostics of loading `dir` (which must fail).
inline std::vector<Diagnostic> load_errors(const std::string& dir, bool* loaded = nullptr) {
  Diagnostics d;
  auto r = RuleSet::load(dir, d);
  if (loaded != nullptr) *loaded = r.has_value();
  return d.all();
}

/// Runs a command line; returns its exit code and stdout+stderr in `output`.
inline int run_command(const std::string& cmd, std::string& output) {
  std::string file = (std::filesystem::temp_directory_path() /
                      ("nprcheck-rules-test-" + std::to_string(::getpid()) + ".out"))
                         .string();
  int rc = std::system((cmd + " >" + file + " 2>&1").c_str());
  FILE* f = std::fopen(file.c_str(), "rb");
  output.clear();
  if (f != nullptr) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) output.append(buf, n);
    std::fclose(f);
  }
  std::filesystem::remove(file);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace nprcheck::test
