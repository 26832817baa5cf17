// Rule files: every kind of load-time error, with the exact message, file, line and column.
#include <catch2/catch.hpp>

#include "test_rule_util.hpp"

using namespace nprcheck;
using nprcheck::test::load_errors;
using nprcheck::test::rules_testdata;

namespace {

// The one error of loading testdata/rules/broken/<kind>, rendered like a compiler's.
std::string only_error(const std::string& kind) {
  bool loaded = true;
  auto diags = load_errors(rules_testdata("broken/" + kind), &loaded);
  CHECK_FALSE(loaded);
  REQUIRE(diags.size() == 1);
  return format_diagnostic(diags[0]);
}

std::string file_of(const std::string& kind, const std::string& rel = "BV-001.yaml") {
  return rules_testdata("broken/" + kind) + "/" + rel;
}

}  // namespace

TEST_CASE("rule file: YAML syntax error names file, line and column", "[rules][load]") {
  std::string msg = only_error("syntax");
  CHECK(msg == file_of("syntax") +
                   ":8:6: error: YAML syntax error: end of sequence flow not found\n"
                   "  tests:\n"
                   "       ^");
}

TEST_CASE("rule file: unknown key with did-you-mean", "[rules][load]") {
  auto diags = load_errors(rules_testdata("broken/unknown-key"));
  REQUIRE(diags.size() == 2);
  CHECK(format_diagnostic(diags[0]) ==
        file_of("unknown-key") +
            ":6:1: error: unknown key 'asert' in a rule; did you mean 'assert'?\n"
            "  asert: \"has(episode.hovedtilstand)\"\n"
            "  ^");
  CHECK(format_diagnostic(diags[1]) == file_of("unknown-key") +
                                           ":1:1: error: missing required field 'assert'\n"
                                           "  id: BV-001\n"
                                           "  ^");
}

TEST_CASE("rule file: bad severity", "[rules][load]") {
  CHECK(only_error("bad-severity") ==
        file_of("bad-severity") +
            ":3:11: error: bad severity 'fatal': must be error, warning or info\n"
            "  severity: fatal\n"
            "            ^");
}

TEST_CASE("rule file: duplicate id across files", "[rules][load]") {
  CHECK(only_error("duplicate-id") ==
        file_of("duplicate-id", "b/BV-001.yaml") +
            ":1:5: error: duplicate rule id 'BV-001' (also defined in " +
            file_of("duplicate-id", "a/BV-001.yaml") +
            ")\n"
            "  id: BV-001\n"
            "      ^");
}

TEST_CASE("rule file: id must equal the file name", "[rules][load]") {
  CHECK(only_error("id-mismatch") ==
        file_of("id-mismatch") +
            ":1:5: error: rule id 'BV-002' does not match the file name 'BV-001.yaml': rename "
            "the file to BV-002.yaml or fix the id\n"
            "  id: BV-002\n"
            "      ^");
}

TEST_CASE("rule file: unknown scope with did-you-mean", "[rules][load]") {
  CHECK(only_error("bad-scope") == file_of("bad-scope") +
                                       ":5:8: error: unknown scope 'prosedyrer'; did you mean "
                                       "'prosedyre'?\n"
                                       "  scope: prosedyrer\n"
                                       "         ^");
}

TEST_CASE("rule file: bad date", "[rules][load]") {
  CHECK(only_error("bad-date") ==
        file_of("bad-date") +
            ":5:13: error: 'valid_from' is not a date (YYYY-MM-DD): '2017-02-30'\n"
            "  valid_from: 2017-02-30\n"
            "              ^");
}

TEST_CASE("rule file: missing required field", "[rules][load]") {
  CHECK(only_error("missing-field") == file_of("missing-field") +
                                           ":1:1: error: missing required field 'assert'\n"
                                           "  id: BV-001\n"
                                           "  ^");
}

TEST_CASE("rule file: unknown field in an expression, with did-you-mean", "[rules][load]") {
  CHECK(only_error("unknown-field") ==
        file_of("unknown-field") +
            ":7:25: error: unknown field 'prosedyre.kode'; did you mean 'prosedyre.koder'?\n"
            "  assert: \"size(prosedyre.kode) > 0\"\n"
            "                          ^");
}

TEST_CASE("rule file: unknown function", "[rules][load]") {
  CHECK(only_error("unknown-function") ==
        file_of("unknown-function") +
            ":6:10: error: unknown function 'vallid'; did you mean 'valid'?\n"
            "  assert: \"vallid(kode)\"\n"
            "           ^");
}

TEST_CASE("rule file: unknown set", "[rules][load]") {
  CHECK(only_error("unknown-set") ==
        file_of("unknown-set") +
            ":6:25: error: unknown set 'stjernekode'; did you mean 'stjernekoder'?\n"
            "  assert: \"!in_set(kode, 'stjernekode')\"\n"
            "                          ^");
}

TEST_CASE("rule file: type mismatch", "[rules][load]") {
  CHECK(only_error("type-mismatch") == file_of("type-mismatch") +
                                           ":6:10: error: cannot compare int with string\n"
                                           "  assert: \"episode.omsorgsniva == 'tre'\"\n"
                                           "           ^");
}

TEST_CASE("rule file: positions inside a block scalar", "[rules][load]") {
  CHECK(only_error("block-scalar") ==
        file_of("block-scalar") +
            ":8:25: error: unknown field 'kode.sytem'; did you mean 'kode.system'?\n"
            "      prosedyre.hovedkode.sytem == 'NCSP'\n"
            "                          ^");
}

TEST_CASE("rule file: positions inside a single-quoted scalar with '' escapes", "[rules][load]") {
  CHECK(only_error("quoted-scalar") ==
        file_of("quoted-scalar") +
            ":6:40: error: unknown field 'kode.verdii'; did you mean 'kode.verdi'?\n"
            "  assert: 'kode.verdi != ''A90'' && kode.verdii != ''A91'''\n"
            "                                         ^");
}

TEST_CASE("rule directory: missing or empty", "[rules][load]") {
  bool loaded = true;
  auto diags = load_errors(rules_testdata("no-such-dir"), &loaded);
  CHECK_FALSE(loaded);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message == "rule directory not found");
  diags = load_errors(rules_testdata("fixtures"), &loaded);
  CHECK_FALSE(loaded);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message == "no rule files (*.yaml) in the rule directory");
}

TEST_CASE("rule file: a YAML alias is refused where it stands", "[rules][load]") {
  CHECK(only_error("alias-scalar") ==
        file_of("alias-scalar") +
            ":7:10: error: YAML aliases (*name) are not allowed in rule files: write the values "
            "out\n"
            "  message: *kilde\n"
            "           ^");
  // An alias inside the node it names (a cycle in the loaded tree) is found too.
  CHECK(only_error("alias-in-own-anchor") ==
        file_of("alias-in-own-anchor") +
            ":12:5: error: YAML aliases (*name) are not allowed in rule files: write the values "
            "out\n"
            "    - *tester\n"
            "      ^");
}

TEST_CASE("rule file: anchors without an alias and '*' in texts are no alias", "[rules][load]") {
  CHECK(only_error("anchor-without-alias") ==
        file_of("anchor-without-alias") +
            ":3:11: error: bad severity 'fatal': must be error, warning or info\n"
            "  severity: fatal\n"
            "            ^");
}
