// Expression language: syntax, name and type errors, with their exact messages and offsets.
#include <catch2/catch.hpp>

#include "test_expr_util.hpp"

using namespace nprcheck;
using namespace nprcheck::exprtest;
using expr::Expect;
using expr::Scope;

namespace {

// "message @offset+length" of the error of `text`.
std::string err(const std::string& text, Scope scope = Scope::kEpisode,
                Expect expect = Expect::kAny) {
  auto e = error_of(text, scope, expect);
  return e.message + " @" + std::to_string(e.offset) + "+" + std::to_string(e.length);
}

std::string template_err(const std::string& text, Scope scope = Scope::kKode) {
  expr::Environment env(scope, &shipped_data());
  auto r = expr::compile_template(text, env);
  REQUIRE_FALSE(r);
  return r.error->message + " @" + std::to_string(r.error->offset);
}

}  // namespace

TEST_CASE("syntax errors say what was expected, where", "[expr][errors]") {
  CHECK(err("") == "empty expression @0+1");
  CHECK(err("   ") == "empty expression @3+1");
  CHECK(err("size(episode.koder") ==
        "expected ')' or ',' to close the arguments of 'size', got end of expression @18+1");
  CHECK(err("(1 + 2") == "expected ')' to close the '(', got end of expression @6+1");
  CHECK(err("1 +") == "expected an expression, got end of expression @3+1");
  CHECK(err("1 2") == "unexpected '2' after the end of the expression @2+1");
  CHECK(err("[1, 2") == "expected ']' or ',' in the list, got end of expression @5+1");
  CHECK(err("true ? 1") == "expected ':' of the '?:' operator, got end of expression @8+1");
  CHECK(err("episode.") == "expected a field name after '.', got end of expression @8+1");
  CHECK(err("1 = 1") == "unexpected '='; did you mean '=='? @2+1");
  CHECK(err("true & false") == "unexpected '&'; did you mean '&&'? @5+1");
  CHECK(err("true | false") == "unexpected '|'; did you mean '||'? @5+1");
  CHECK(err("1 # 2") == "unexpected character '#' @2+1");
  CHECK(err("episode.id == 'E1") == "unterminated string literal: missing closing ' @14+3");
  CHECK(err("'a\\qb'") ==
        "unknown escape '\\q' in a string literal (use \\\\, \\', \\\", \\n or \\t) @2+2");
  CHECK(err("99999999999999999999") == "integer literal too large @0+20");
  CHECK(err("12abc") == "unexpected character 'a' after a number @0+2");
  CHECK(err("kode.verdi.startsWith('Z')", Scope::kKode) ==
        "method calls are not supported: write startsWith(kode.verdi, ...) @11+10");
  CHECK(err("size(,)") == "expected an expression, got ',' @5+1");
}

TEST_CASE("nesting deeper than the limit is an error, not a crash", "[expr][errors]") {
  std::string deep = std::string(300, '(') + "1" + std::string(300, ')');
  CHECK(error_of(deep).message == "expression nested too deeply (more than 256 levels)");
  std::string nots = std::string(1000, '!') + "true";
  CHECK(error_of(nots).message == "expression nested too deeply (more than 256 levels)");
  std::string sum = "1";
  for (int i = 0; i < 300; ++i) sum += " + 1";
  CHECK(error_of(sum).message == "expression nested too deeply (more than 256 levels)");
  std::string calls;
  for (int i = 0; i < 300; ++i) calls += "size(";
  CHECK(error_of(calls).message == "expression nested too deeply (more than 256 levels)");
  // Long && / || chains are flat: no limit on their length.
  std::string chain = "true";
  for (int i = 0; i < 2000; ++i) chain += " && true";
  Episode e = EpisodeBuilder("2017-03-02T08:15:00").build();
  CHECK(ev(chain, e) == "true");
}

TEST_CASE("unknown names, fields, functions, sets and mappings suggest the closest",
          "[expr][errors]") {
  // The examples of issue 3 and the rule-load tests.
  CHECK(err("size(prosedyre.kode) > 0", Scope::kProsedyre) ==
        "unknown field 'prosedyre.kode'; did you mean 'prosedyre.koder'? @15+4");
  CHECK(err("lookupp('ncsp_zxm_ncrp', ['JJX00'])") ==
        "unknown function 'lookupp'; did you mean 'lookup'? @0+7");
  CHECK(err("vallid(kode)", Scope::kKode) ==
        "unknown function 'vallid'; did you mean 'valid'? @0+6");
  CHECK(err("!in_set(kode, 'stjernekode')", Scope::kKode) ==
        "unknown set 'stjernekode'; did you mean 'stjernekoder'? @15+11");
  CHECK(err("lookup('ncsp_zxm_ncr', ['JJX00'])") ==
        "unknown mapping 'ncsp_zxm_ncr'; did you mean 'ncsp_zxm_ncrp'? @8+12");
  CHECK(err("in_set('JJX00', 'ncsp_zxm_ncrp')") ==
        "unknown set 'ncsp_zxm_ncrp' ('ncsp_zxm_ncrp' is a mapping: use lookup) @17+13");
  CHECK(err("prosedyre.hovedkode.sytem == 'NCSP'", Scope::kProsedyre) ==
        "unknown field 'kode.sytem'; did you mean 'kode.system'? @20+5");
  CHECK(err("kode.verdii != 'A91'", Scope::kKode) ==
        "unknown field 'kode.verdii'; did you mean 'kode.verdi'? @5+6");
  CHECK(err("episode.xyz") == "unknown field 'episode.xyz' @8+3");
  CHECK(err("koder", Scope::kKode) == "unknown name 'koder'; did you mean 'kode'? @0+5");
  CHECK(err("epsiode.id") == "unknown name 'epsiode'; did you mean 'episode'? @0+7");
  CHECK(err("valid", Scope::kKode) == "'valid' is a function: call it as valid(...) @0+5");
  CHECK(err("tilstand.nr", Scope::kTiltak) ==
        "'tilstand' is not available in scope tiltak (variables: episode, pasient, tiltak) @0+8");
  CHECK(err("kode.verdi", Scope::kProsedyre) ==
        "'kode' is not available in scope prosedyre (variables: episode, pasient, tiltak, "
        "prosedyre) @0+4");
  CHECK(err("episode.koder.verdi") == "type list<kode> has no fields (asked for 'verdi') @14+5");
  RuleData none;
  CHECK(error_of("in_set(kode, 'x')", Scope::kKode, Expect::kAny, &none).message ==
        "unknown set 'x' (the rule data has no sets)");
  CHECK(error_of("in_set(kode, 'x')", Scope::kKode, Expect::kAny, nullptr).message ==
        "unknown set 'x'");
}

TEST_CASE("type errors", "[expr][errors]") {
  CHECK(err("episode.omsorgsniva == 'tre'") == "cannot compare int with string @0+28");
  CHECK(err("episode.innDatoTid < 3") == "cannot compare date with int @0+22");
  CHECK(err("episode.koder == episode.koder") ==
        "'==' is not defined for list<kode> (use 'in', exists() or size()) @0+30");
  CHECK(err("true < false") == "'<', '<=', '>', '>=' compare int, string or date, not bool @0+12");
  CHECK(err("1 + 'a'") ==
        "'+' adds two ints or joins two strings, got int + string (use tostring()) @0+7");
  CHECK(err("episode.innDatoTid - episode.innDatoTid") ==
        "'-' subtracts ints, got date - date (use day() or year()) @0+39");
  CHECK(err("!1") == "the operand of '!' must be bool, got int @1+1");
  CHECK(err("-'a'") == "the operand of unary '-' must be int, got string @1+3");
  CHECK(err("true && 1") == "an operand of '&&' must be bool, got int @8+1");
  CHECK(err("1 || true") == "an operand of '||' must be bool, got int @0+1");
  CHECK(err("1 ? 2 : 3") == "the condition of '?:' must be bool, got int @0+1");
  CHECK(err("true ? 1 : 'a'") ==
        "the two branches of '?:' must have one type, got int and string @0+14");
  CHECK(err("[1, 'a']") == "list elements must have one type: int and string @4+3");
  CHECK(err("[[1]]") == "lists of lists are not supported @1+3");
  CHECK(err("'a' in 'abc'") == "'in' needs a list on the right, got string (use contains()) @7+5");
  CHECK(err("episode.hovedtilstand in episode.tilstander") ==
        "'in' looks for bool, int, string, date or kode, not tilstand @0+21");
  CHECK(err("1 in ['a']") == "cannot look for int in list<string> @0+10");
  CHECK(err("valid(kode, 1)", Scope::kKode) ==
        "the second argument of 'valid' must be date, got int @12+1");
  CHECK(err("valid()", Scope::kKode) ==
        "'valid' takes 1 or 2 arguments, got 0: valid(kode[, date]) -> bool @0+7");
  CHECK(err("has()") == "'has' takes 1 argument, got 0: has(x) -> bool @0+5");
  CHECK(err("size(1)") == "the first argument of 'size' must be a list or a string, got int @5+1");
  CHECK(err("exists(episode.koder, k, k.verdi)") ==
        "the third argument of 'exists' must be bool, got string @25+7");
  CHECK(err("exists(episode.koder, 'k', true)") ==
        "the second argument of 'exists' must be a variable name @22+3");
  CHECK(err("exists(episode.koder, k, true) && k.verdi == ''") == "unknown name 'k' @34+1");
  CHECK(err("exists(episode.koder, kode, true)", Scope::kKode) ==
        "'kode' is a variable of the language @22+4");
  CHECK(err("exists(episode.koder, k, exists(episode.koder, k, true))") ==
        "'k' is already a variable here @47+1");
  CHECK(err("first([])") == "'first' of the empty list [] has no type @6+2");
  CHECK(err("lookup('ncsp_zxm_ncrp', ['JJX00', 'ZXM00', 'JJB06K'])") ==
        "mapping 'ncsp_zxm_ncrp' has 3 columns: give at most 2 keys, got 3 @24+28");
  CHECK(err("lookup('ncsp_zxm_ncrp', 'JJX00')") ==
        "the second argument of 'lookup' must be a list of strings in brackets, e.g. [a, b] @24+7");
  CHECK(err("lookup('ncsp_zxm_ncrp', [1])") ==
        "the keys of 'lookup' must be strings, got int @25+1");
  CHECK(err("in_set(kode, kode.verdi)", Scope::kKode) ==
        "the second argument of 'in_set' must be a set name in quotes (names are resolved when "
        "the rule is loaded) @13+10");
  CHECK(err("in_set(1, 'stjernekoder')") ==
        "the first argument of 'in_set' must be kode or string, got int @7+1");
  CHECK(err("date('2017-02-30')") == "'2017-02-30' is not a date (YYYY-MM-DD) @5+12");
  CHECK(err("date(episode.id)") ==
        "the first argument of 'date' must be a date in quotes ('YYYY-MM-DD') @5+10");
  CHECK(err("code_valid('NCRX', 'JJB06K', episode.innDatoTid)") ==
        "unknown code system 'NCRX': use ICD10, NCSP, NCMP or NCRP @11+6");
}

TEST_CASE("the expected type of where/assert/codes/message", "[expr][errors]") {
  CHECK(err("kode.verdi", Scope::kKode, Expect::kBool) ==
        "'assert' must be bool, got string @0+10");
  CHECK(err("kode.verdi", Scope::kKode, Expect::kKodeList) ==
        "'assert' must be list<kode>, got string @0+10");
  CHECK(err("1", Scope::kKode, Expect::kString) == "'assert' must be string, got int @0+1");
  expr::Environment env(Scope::kProsedyre, &shipped_data());
  CHECK(expr::compile("prosedyre.koder", env, Expect::kKodeList));
  CHECK(expr::compile("prosedyre.hovedkode", env, Expect::kKodeList));
  CHECK(expr::compile("[]", env, Expect::kKodeList));
  CHECK(expr::compile("has(prosedyre.hovedkode)", env, Expect::kBool));
  auto r = expr::compile("1", env, Expect::kBool, "where");
  REQUIRE_FALSE(r);
  CHECK(r.error->message == "'where' must be bool, got int");
}

TEST_CASE("message templates: placeholder errors point into the template", "[expr][errors]") {
  CHECK(template_err("Koden {kode.verdii} er ugyldig") ==
        "unknown field 'kode.verdii'; did you mean 'kode.verdi'? @12");
  CHECK(template_err("Koden {kode") == "unclosed '{' in the message; write '{{' for a brace @6");
  CHECK(template_err("Koden } er") == "unmatched '}' in the message; write '}}' for a brace @6");
  CHECK(template_err("Koden { } er") == "empty placeholder '{}' in the message @6");
  CHECK(template_err("A {1 +} B") == "expected an expression, got end of expression @6");
  CHECK(template_err("A {kode.verdi == '}'} {1 2}") ==
        "unexpected '2' after the end of the expression @25");
}

TEST_CASE("let names: declared in order, checked against the language's names", "[expr][let]") {
  expr::Environment env(Scope::kProsedyre, &shipped_data());
  auto a = expr::compile("size(prosedyre.koder)", env, Expect::kAny);
  REQUIRE(a);
  CHECK(env.check_let_name("prosedyre") == "'prosedyre' is a variable of the language");
  CHECK(env.check_let_name("kode") == "'kode' is a variable of the language");
  CHECK(env.check_let_name("valid") == "'valid' is a built-in function");
  CHECK(env.check_let_name("in") == "'in' is a keyword");
  CHECK(env.check_let_name("2x") ==
        "'2x' is not a name (letters, digits and _, not first a digit)");
  CHECK(env.check_let_name("n") == "");
  CHECK(env.declare_let("n", a.expr));
  CHECK(env.check_let_name("n") == "'n' is already defined");
  CHECK_FALSE(env.declare_let("n", a.expr));
  REQUIRE(env.lets().size() == 1);
  CHECK(expr::type_name(env.lets()[0].type) == "int");
  // A later expression uses it, with its type.
  CHECK(expr::compile("n > 1", env, Expect::kBool));
  auto bad = expr::compile("n == 'x'", env, Expect::kBool);
  REQUIRE_FALSE(bad);
  CHECK(bad.error->message == "cannot compare int with string");
  // A name not yet declared is unknown, with the let as suggestion.
  auto unknown = expr::compile("m > 1", env, Expect::kBool);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error->message == "unknown name 'm'; did you mean 'n'?");
}
