// Expression language: the code-table flag built-ins (tilleggskode, uspesifikk, rapporteres,
// kjonn_kode, foreldrekode) on the JSON-download fixture of real ICD-10 codes and on the
// cumulative CSV tables, and the Helseperson fields of NPR-melding 57+.
#include <catch2/catch.hpp>

#include "test_expr_util.hpp"

using namespace nprcheck;
using namespace nprcheck::exprtest;
using expr::Scope;

namespace {

const CodeTables& json_tables() {
  static const CodeTables t = load_tables("tables-json");
  return t;
}

std::string on_code(const std::string& text, const Episode& e, size_t n, const CodeTables& t) {
  return ev(text, e, Scope::kKode, kode_binding(e, n), &t);
}

}  // namespace

TEST_CASE("flag built-ins answer from the table valid on kode.dato", "[expr][tables]") {
  const auto& t = json_tables();
  Episode e = EpisodeBuilder("2026-03-02T08:15:00")
                  .tilstand({"J189"})
                  .tilstand({"J180"})
                  .tilstand({"C61"})
                  .tilstand({"A00"})
                  .tilstand({"A000"})
                  .tilstand({"XYZ99"})
                  .tilstand({"D371"})
                  .build(t);
  CHECK(on_code("uspesifikk(kode)", e, 0, t) == "true");
  CHECK(on_code("uspesifikk(kode)", e, 1, t) == "false");
  CHECK(on_code("kjonn_kode(kode)", e, 2, t) == "1");
  CHECK(on_code("kjonn_kode(kode)", e, 1, t) == "0");
  // A00: a category with subdivisions, in the table but not reportable.
  CHECK(on_code("rapporteres(kode)", e, 3, t) == "false");
  CHECK(on_code("foreldrekode(kode)", e, 3, t) == "'A00-A09'");
  CHECK(on_code("known(kode)", e, 3, t) == "false");
  CHECK(on_code("more_specific_exists(kode)", e, 3, t) == "true");
  CHECK(on_code("rapporteres(kode)", e, 4, t) == "true");
  CHECK(on_code("foreldrekode(kode)", e, 4, t) == "'A00'");
  // Not in any table: false / 0 / ''.
  CHECK(on_code("rapporteres(kode)", e, 5, t) == "false");
  CHECK(on_code("kjonn_kode(kode)", e, 5, t) == "0");
  CHECK(on_code("foreldrekode(kode)", e, 5, t) == "''");
  CHECK(on_code("uspesifikk(kode)", e, 5, t) == "false");
  // D37.1: in the terminology still, but NPR_Gyldig_til 2017-12-31: not reportable in 2026,
  // while its parent is still known from the table valid on the date.
  CHECK(on_code("rapporteres(kode)", e, 6, t) == "false");
  CHECK(on_code("foreldrekode(kode)", e, 6, t) == "'D37'");
  Episode e17 = EpisodeBuilder("2017-03-02T08:15:00").tilstand({"D371"}).build(t);
  CHECK(on_code("rapporteres(kode)", e17, 0, t) == "true");
  // C61 in 1998, before any table: no table lists it then.
  Episode e98 = EpisodeBuilder("1998-03-02T08:15:00").tilstand({"C61"}).build(t);
  CHECK(on_code("kjonn_kode(kode)", e98, 0, t) == "0");
}

TEST_CASE("tilleggskode and kjonn_kode from the cumulative CSV tables", "[expr][tables]") {
  const CodeTables& ct = cumulative_tables();
  Episode e = EpisodeBuilder("2017-03-02T08:15:00")
                  .tilstand({"K703"})
                  .tiltak(1)
                  .prosedyre({"LCD00", "ZXM00"})
                  .build(ct);
  CHECK(on_code("kjonn_kode(kode)", e, 1, ct) == "2");
  CHECK(on_code("tilleggskode(kode)", e, 2, ct) == "true");
  CHECK(on_code("tilleggskode(kode)", e, 1, ct) == "false");
  // The yearly lists carry no flags.
  Episode y = EpisodeBuilder("2017-03-02T08:15:00").tilstand({"C61"}).build();
  CHECK(on_code("kjonn_kode(kode)", y, 0, tables()) == "0");
  CHECK(on_code("rapporteres(kode)", y, 0, tables()) == "true");
}

TEST_CASE("Helseperson fields (NPR-melding 57+)", "[expr]") {
  Episode e = EpisodeBuilder("2026-03-02T08:15:00").tilstand({"K703"}).build();
  CHECK(ev("episode.helseperson", e) == "false");
  CHECK(ev("episode.helseperson_rolle", e) == "0");
  e.helseperson = true;
  e.helseperson_rolle = 1;
  e.helseperson_spesialist = 2;
  CHECK(ev("episode.helseperson", e) == "true");
  CHECK(ev("episode.helseperson_rolle", e) == "1");
  CHECK(ev("episode.helseperson_spesialist", e) == "2");
  CHECK(ev("episode.helseperson && episode.helseperson_rolle == 1", e) == "true");
}
