// NPR-melding 54-58 and later: never refused for the version, the version recorded,
// Kontakt/Helseperson read (without the HPR number), Prosedyre/@tilstNr, kodeverk S and P.
#include <catch2/catch.hpp>
#include <string>

#include "reader_test_util.hpp"

using namespace reader_test;

TEST_CASE("NPR-melding 58.0.1: version, Helseperson under Kontakt, tilstNr, S and P codes") {
  auto r = read_file(fixture("version-58_0_1.xml"));
  INFO(r.rendered());
  CHECK(r.complete);
  CHECK(r.diagnostics.empty());
  CHECK(r.melding->versjon == "58.0.1");
  CHECK(r.melding->namespace_uri == "http://www.npr.no/xmlstds/58_0_1_ord");
  REQUIRE(r.episodes.size() == 4);
  // 2017 episode: a Kontakt without Helseperson.
  CHECK_FALSE(r.episodes[0].helseperson);
  CHECK(r.episodes[0].helseperson_rolle == 0);
  // One responsible specialist.
  CHECK(r.episodes[1].helseperson);
  CHECK(r.episodes[1].helseperson_rolle == 1);
  CHECK(r.episodes[1].helseperson_spesialist == 1);
  // A co-therapist only.
  CHECK(r.episodes[2].helseperson_rolle == 2);
  CHECK(r.episodes[2].helseperson_spesialist == 2);
  // Two: the responsible one (rolle 1) wins although it comes second.
  CHECK(r.episodes[3].helseperson_rolle == 1);
  CHECK(r.episodes[3].helseperson_spesialist == 1);
  // The HPR number is personal data: not in the model.
  CHECK(describe(r.episodes).find("9144") == std::string::npos);
  const auto& prosedyrer = r.episodes[3].tiltak.at(0).prosedyrer;
  REQUIRE(prosedyrer.size() == 3);
  CHECK(prosedyrer[0].tilst_nr == 2);
  CHECK(prosedyrer[1].koder[0].kodeverk == "S");
  CHECK(prosedyrer[2].koder[0].kodeverk == "P");
}

TEST_CASE("any message version is read, none refused: 54, 59 and a future 99") {
  auto text = slurp(fixture("version-58_0_1.xml"));
  for (const std::string v : {"54_0_1", "59_0_1", "99_1_0"}) {
    INFO(v);
    std::string t = text;
    auto ns = t.find("58_0_1_ord");
    t.replace(ns, 6, v);
    auto ver = t.find("versjon=\"58.0.1\"");
    std::string dotted = v;
    for (char& c : dotted) c = c == '_' ? '.' : c;
    t.replace(ver, 16, "versjon=\"" + dotted + "\"");
    auto dir = temp_dir("versions");
    write_file(dir / "m.xml", t);
    auto r = read_file((dir / "m.xml").string());
    INFO(r.rendered());
    CHECK(r.complete);
    CHECK(r.diagnostics.empty());
    CHECK(r.melding->versjon == dotted);
    CHECK(r.episodes.size() == 4);
  }
}
