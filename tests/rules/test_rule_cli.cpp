// `nprcheck rules ...` end to end through the executable: list, lint, test (with XML fixtures
// and JUnit), docs and diff.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "test_rule_util.hpp"

using namespace nprcheck;
namespace fs = std::filesystem;

namespace {

std::string nprcheck_cmd(const std::string& args) {
  REQUIRE(fs::exists(NPRCHECK_BINARY));
  return std::string("'") + NPRCHECK_BINARY + "' " + args;
}

std::string tables_arg() { return std::string(" --tables '") + NPRCHECK_TESTDATA + "/tables'"; }

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

fs::path scratch(const std::string& name) {
  fs::path p =
      fs::temp_directory_path() / ("nprcheck-rules-cli-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

}  // namespace

TEST_CASE("rules test runs the tests of a rule written only for a test", "[rules][cli]") {
  fs::path junit = scratch("junit.xml");
  std::string out;
  int rc = test::run_command(nprcheck_cmd("rules test '" + test::rules_testdata("only-for-test") +
                                          "'" + tables_arg() + " --junit '" + junit.string() + "'"),
                             out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("TEST-001    5 tests  ok\n") != std::string::npos);
  CHECK(out.find("1 rules, 5 tests, 0 failed\n") != std::string::npos);
  std::string xml = slurp(junit);
  CHECK(xml.find("<testsuites name=\"nprcheck rules test\" tests=\"5\" failures=\"0\">") !=
        std::string::npos);
  CHECK(xml.find("name=\"XML-fixtur, episode under typeTiltak 1\"") != std::string::npos);
  fs::remove(junit);
}

TEST_CASE("rules test exits 1 when a test fails, and says which", "[rules][cli]") {
  fs::path dir = scratch("failing");
  fs::copy(test::rules_testdata("only-for-test"), dir, fs::copy_options::recursive);
  fs::path file = dir / "prosedyre" / "TEST-001.yaml";
  std::string text = slurp(file);
  text.replace(text.find("message_contains: typeTiltak 1"), 30, "message_contains: typeTiltak 9");
  text.replace(text.find("../../fixtures/"), 15,
               fs::path(test::rules_testdata("fixtures/")).string());
  text.replace(text.find("../../fixtures/"), 15,
               fs::path(test::rules_testdata("fixtures/")).string());
  std::ofstream(file, std::ios::binary) << text;
  std::string out;
  int rc = test::run_command(nprcheck_cmd("rules test '" + dir.string() + "'" + tables_arg()), out);
  INFO(out);
  CHECK(rc == 1);
  CHECK(out.find("TEST-001    5 tests  FAILED 1\n") != std::string::npos);
  CHECK(out.find("FAIL " + file.string() + ":18: test 'NCRP under typeTiltak 1'") !=
        std::string::npos);
  CHECK(out.find("expected the message to contain 'typeTiltak 9'") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("rules lint: shipped rules clean, broken rules exit 2", "[rules][cli]") {
  std::string out;
  CHECK(test::run_command(nprcheck_cmd("rules lint '" + test::shipped_rules() + "'"), out) == 0);
  CHECK(out.find("26 rules in ") != std::string::npos);
  CHECK(test::run_command(
            nprcheck_cmd("rules lint '" + test::rules_testdata("broken/bad-severity") + "'"),
            out) == 2);
  CHECK(out.find("BV-001.yaml:3:11: error: bad severity 'fatal'") != std::string::npos);
}

TEST_CASE("rules lint: a rule without a passing test is rejected", "[rules][cli]") {
  fs::path dir = scratch("lint");
  fs::create_directories(dir);
  std::ofstream(dir / "EPI-900.yaml") << R"Y(id: EPI-900
title: Bare en test som slår til
severity: info
source: "test"
scope: episode
assert: "has(episode.hovedtilstand)"
message: "Mangler hovedtilstand."
docs: Test.
tests:
  - name: fyrer
    episode: {inn: 2017-03-02T08:15:00}
    expect: fire
)Y";
  std::string out;
  CHECK(test::run_command(nprcheck_cmd("rules lint '" + dir.string() + "'"), out) == 2);
  CHECK(out.find("EPI-900.yaml: error: rule EPI-900 has no test that passes (expect: pass)") !=
        std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("rules list prints the catalogue", "[rules][cli]") {
  std::string out;
  REQUIRE(test::run_command(nprcheck_cmd("rules list '" + test::shipped_rules() + "'"), out) == 0);
  CHECK(out.rfind("ID        SEVERITY  TITLE", 0) == 0);
  CHECK(out.find("\nBV-002    warning   NCSP + ZXM er brukt der en NCRP-kode finnes") !=
        std::string::npos);
  CHECK(out.find("RHF/13/03/03-179") != std::string::npos);
}

TEST_CASE("rules docs writes one page per rule and an index", "[rules][cli]") {
  fs::path dir = scratch("docs");
  std::string out;
  REQUIRE(test::run_command(nprcheck_cmd("rules docs --out '" + dir.string() + "' '" +
                                         test::shipped_rules() + "'"),
                            out) == 0);
  CHECK(fs::exists(dir / "index.md"));
  CHECK(fs::exists(dir / "KODE-006.md"));
  std::string page = slurp(dir / "BV-002.md");
  CHECK(page.rfind("# BV-002: NCSP + ZXM er brukt der en NCRP-kode finnes\n", 0) == 0);
  CHECK(page.find("| Regelfil | `rules/bv/BV-002.yaml` |") != std::string::npos);
  CHECK(page.find("| JJX00 + ZXM00 skal være JJB06K | slår til (1 funn), melding med «JJB06K» |") !=
        std::string::npos);
  CHECK(slurp(dir / "index.md").find("| [EPI-001](EPI-001.md) | error |") != std::string::npos);
  size_t pages = 0;
  for (const auto& e : fs::directory_iterator(dir)) pages += e.path().extension() == ".md";
  CHECK(pages == 27);  // 26 rules and index.md
  CHECK(fs::exists(dir / ".nprcheck-generated"));
  // Run again: the folder holds only its own files, so it is written again.
  CHECK(test::run_command(
            nprcheck_cmd("rules docs --out '" + dir.string() + "' '" + test::shipped_rules() + "'"),
            out) == 0);
  fs::remove_all(dir);
}

TEST_CASE("rules docs writes only what it owns", "[rules][cli]") {
  fs::path dir = scratch("docs-owned");
  fs::create_directories(dir);
  auto write_file = [](const fs::path& p, const std::string& text) { std::ofstream(p) << text; };
  write_file(dir / "operations.md", "# Drift\n");
  const std::string cmd = "rules docs --out '" + dir.string() + "' '" + test::shipped_rules() + "'";
  std::string out;
  // A folder with a file it did not write (docs/ itself, say) is refused; nothing is written.
  CHECK(test::run_command(nprcheck_cmd(cmd), out) == 2);
  CHECK(out.find("did not write (operations.md)") != std::string::npos);
  CHECK(out.find("--force") != std::string::npos);
  CHECK(!fs::exists(dir / "index.md"));
  CHECK(slurp(dir / "operations.md") == "# Drift\n");
  // --force writes beside it and keeps it.
  REQUIRE(test::run_command(nprcheck_cmd(cmd + " --force"), out) == 0);
  CHECK(fs::exists(dir / "KODE-002.md"));
  CHECK(slurp(dir / "operations.md") == "# Drift\n");
  // A page an earlier run wrote for a rule that is gone is removed; operations.md stays.
  fs::path rules = scratch("docs-owned-rules");
  fs::copy(test::shipped_rules(), rules, fs::copy_options::recursive);
  fs::remove(rules / "kode" / "KODE-007.yaml");
  REQUIRE(test::run_command(nprcheck_cmd("rules docs --force --out '" + dir.string() + "' '" +
                                         rules.string() + "'"),
                            out) == 0);
  CHECK(!fs::exists(dir / "KODE-007.md"));
  CHECK(fs::exists(dir / "KODE-006.md"));
  CHECK(slurp(dir / "operations.md") == "# Drift\n");
  // Without operations.md the folder is all its own again: no --force needed.
  fs::remove(dir / "operations.md");
  CHECK(test::run_command(nprcheck_cmd(cmd), out) == 0);
  CHECK(fs::exists(dir / "KODE-007.md"));
  fs::remove_all(dir);
  fs::remove_all(rules);
}

TEST_CASE("rules diff over an extract: exact counts per rule", "[rules][cli]") {
  std::string out;
  int rc = test::run_command(
      nprcheck_cmd("rules diff --base '" + test::rules_testdata("diff/base") + "' --head '" +
                   test::rules_testdata("diff/head") + "'" + tables_arg() + " --examples 5 '" +
                   test::rules_testdata("diff/extract.xml") + "'"),
      out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("6 episodes; findings added 2, removed 2, changed 3\n") != std::string::npos);
  CHECK(out.find("BV-001              3        1        0        2        0  version 1 -> 2\n") !=
        std::string::npos);
  CHECK(out.find("EPI-101             0        2        2        0        0  new rule\n") !=
        std::string::npos);
  CHECK(out.find("KODE-003            3        3        0        0        3  severity warning -> "
                 "error\n") != std::string::npos);
  CHECK(out.find("  removed  episode E-5 (") != std::string::npos);
}

TEST_CASE("rules --help teaches, unknown subcommand fails", "[rules][cli]") {
  std::string out;
  CHECK(test::run_command(nprcheck_cmd("rules --help"), out) == 0);
  CHECK(out.find("nprcheck rules diff --base") != std::string::npos);
  CHECK(test::run_command(nprcheck_cmd("rules diff --help"), out) == 0);
  CHECK(out.find("--examples") != std::string::npos);
  CHECK(test::run_command(nprcheck_cmd("rules frobnicate"), out) == 2);
  CHECK(out.find("unknown subcommand 'frobnicate'") != std::string::npos);
}
