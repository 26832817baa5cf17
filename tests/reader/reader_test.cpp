// The NPR-melding reader on well-formed files: bare, envelope, prefixes, versions, gzip.
#include <catch2/catch.hpp>

#include "reader/reader_test_util.hpp"

using namespace nprcheck;
using namespace reader_test;

TEST_CASE("bare Melding: header, Enhet, Pasient and Episode are read with their lines") {
  auto r = read_file(fixture("bare.xml"));
  INFO(r.rendered());
  REQUIRE(r.opened);
  CHECK(r.complete);
  CHECK(r.diagnostics.empty());
  REQUIRE(r.episodes.size() == 3);

  const MeldingInfo& m = *r.melding;
  CHECK(m.versjon == "57.0.1");
  CHECK(m.meldingstype == "NPR_ORD");
  CHECK(m.namespace_uri == "http://www.npr.no/xmlstds/57_0_1_ord");
  CHECK(m.institusjon_id == "983974724");
  CHECK(m.file == fixture("bare.xml"));
  CHECK(m.file_id == 7);
  REQUIRE(m.enheter.size() == 3);
  CHECK(m.enheter[0].enhet_id == "1");
  CHECK(m.enheter[0].resh_id == "4001");
  CHECK(m.enheter[0].enhet_lokal == "Haukeland");
  CHECK(m.enheter[0].line == 7);
  CHECK(m.enheter[2].org_nr == "974557746");
  REQUIRE(m.find_enhet("3") != nullptr);
  CHECK(m.find_enhet("3")->resh_id == "4200");

  const Episode& e = r.episodes[0];
  CHECK(e.episode_id == "E-17-000042");
  CHECK(e.inn.to_string() == "2017-03-02T08:15:00");
  REQUIRE(e.ut);
  CHECK(e.ut->to_string() == "2017-03-02T11:40:00");
  CHECK(e.omsorgsniva == 3);
  CHECK(e.innmate_hast == 4);
  CHECK(e.location.file_id == 7);
  CHECK(e.location.line == 12);
  CHECK(e.sequence == 0);
  CHECK(e.melding->enheter.size() == 3);
  REQUIRE(e.pasient);
  CHECK(e.pasient->pasient_nr == "1001");
  CHECK(e.pasient->kjonn == 2);
  CHECK(e.pasient->fodselsar == 1957);
  CHECK(e.pasient->line == 11);
  REQUIRE(e.ref_enheter.size() == 3);
  CHECK(e.ref_enheter[2].enhet_id == "3");
  CHECK(e.ref_enheter[2].type_enhet == 7);
  CHECK(e.ref_enheter[2].line == 17);
  REQUIRE(e.tilstander.size() == 1);
  CHECK(e.tilstander[0].line == 18);
  REQUIRE(e.tilstander[0].koder.size() == 1);
  CHECK(e.tilstander[0].koder[0].verdi == "K703");
  CHECK(e.tilstander[0].koder[0].kodeverk == "D");
  CHECK(e.tilstander[0].koder[0].kode_versjon == "2017");
  CHECK(e.tilstander[0].koder[0].line == 19);
  REQUIRE(e.tiltak.size() == 1);
  const Tiltak& t = e.tiltak[0];
  CHECK(t.type_tiltak == 1);
  CHECK(t.line == 22);
  REQUIRE(t.start);
  CHECK(t.start->to_string() == "2017-03-02T09:00:00");
  CHECK_FALSE(t.slutt);
  REQUIRE(t.tjeneste_start);
  CHECK(t.tjeneste_start->to_string() == "2017-03-02T09:00:00");
  REQUIRE(t.prosedyrer.size() == 1);
  CHECK(t.prosedyrer[0].pros_nr == 1);
  CHECK_FALSE(t.prosedyrer[0].tilst_nr);
  CHECK(t.prosedyrer[0].line == 23);
  REQUIRE(t.prosedyrer[0].koder.size() == 2);
  CHECK(t.prosedyrer[0].koder[0].verdi == "JJX00");
  CHECK(t.prosedyrer[0].koder[1].verdi == "ZXM00");
  CHECK(t.prosedyrer[0].koder[1].kode_nr == 2);
  CHECK(t.prosedyrer[0].koder[1].line == 25);
  // Left for prepare_episode():
  CHECK(e.avdeling.empty());
  CHECK(e.unit.empty());
}

TEST_CASE("Tilstand sorted by tilstNr, Kode by kodeNr, Tiltak of all Tjeneste flattened") {
  auto r = read_file(fixture("bare.xml"));
  REQUIRE(r.episodes.size() == 3);
  const Episode& e = r.episodes[1];
  CHECK(e.episode_id == "E-17-000043");
  CHECK(e.episode_guid == "6f1c2a4e-0d5b-4c8e-9a57-3b1f0e2d7c11");
  CHECK(e.inn.to_string() == "2017-03-05T00:00:00");  // a date alone
  CHECK_FALSE(e.ut);
  CHECK(e.slutt_dato() == e.inn);
  CHECK(e.innmate_hast == 0);
  CHECK(e.sequence == 1);
  REQUIRE(e.tilstander.size() == 2);
  CHECK(e.tilstander[0].tilst_nr == 1);  // hovedtilstand first although written second
  CHECK(e.tilstander[0].line == 39);
  REQUIRE(e.tilstander[0].koder.size() == 2);
  CHECK(e.tilstander[0].koder[0].verdi == "E702");  // etiology (kodeNr 1) before manifestation
  CHECK(e.tilstander[0].koder[0].line == 41);
  CHECK(e.tilstander[0].koder[1].verdi == "M368");
  CHECK(e.tilstander[1].tilst_nr == 2);
  CHECK(e.tilstander[1].koder[0].verdi == "K703");

  REQUIRE(e.tiltak.size() == 3);
  CHECK(e.tiltak[0].type_tiltak == 2);
  CHECK_FALSE(e.tiltak[0].start);
  CHECK(e.tiltak[0].tjeneste_start->to_string() == "2017-03-06T10:00:00");
  REQUIRE(e.tiltak[0].prosedyrer.size() == 1);
  CHECK(e.tiltak[0].prosedyrer[0].tilst_nr == 2);
  CHECK(e.tiltak[0].prosedyrer[0].koder[0].verdi == "JJB06K");
  CHECK(e.tiltak[0].prosedyrer[0].koder[0].kodeverk == "R");
  CHECK(e.tiltak[1].line == 51);
  CHECK_FALSE(e.tiltak[1].tjeneste_start);  // the second Tjeneste has no start
  CHECK(e.tiltak[1].start->to_string() == "2017-03-07T12:30:00");
  CHECK(e.tiltak[1].slutt->to_string() == "2017-03-07T13:00:00");
  CHECK(e.tiltak[2].line == 56);
  CHECK(e.tiltak[2].prosedyrer.empty());

  // Both episodes of one Objektholder share its Pasient.
  CHECK(r.episodes[2].pasient == e.pasient);
  CHECK(e.pasient->pasient_nr == "1002");
  CHECK(r.episodes[0].pasient != e.pasient);
  CHECK(r.episodes[2].location.line == 59);
  CHECK(r.episodes[2].sequence == 2);
}

TEST_CASE("the MsgHead envelope, prefixed namespaces and unknown elements read the same") {
  auto bare = read_file(fixture("bare.xml"));
  REQUIRE(bare.complete);
  const std::string expected = describe(bare.episodes);

  SECTION("MsgHead/Document/RefDoc/Content/Melding") {
    auto r = read_file(fixture("envelope.xml"));
    INFO(r.rendered());
    CHECK(r.complete);
    CHECK(r.diagnostics.empty());
    CHECK(describe(r.episodes) == expected);
    CHECK(r.melding->namespace_uri == "http://www.npr.no/xmlstds/57_0_1_ord");
    REQUIRE(r.episodes.size() == 3);
    CHECK(r.episodes[0].location.line == 12 + 14);  // the envelope adds 14 lines before
  }
  SECTION("npr: prefix on every element") {
    auto r = read_file(fixture("prefixed.xml"));
    INFO(r.rendered());
    CHECK(r.complete);
    CHECK(r.diagnostics.empty());
    CHECK(describe(r.episodes) == expected);
    CHECK(r.melding->namespace_uri == "http://www.npr.no/xmlstds/57_0_1_ord");
    CHECK(r.melding->enheter.size() == 3);
    REQUIRE(r.episodes.size() == 3);
    CHECK(r.episodes[1].tilstander[0].koder[0].line == 41);
  }
  SECTION("unknown elements and attributes, comments, CDATA and PIs are ignored") {
    auto r = read_file(fixture("unknown-elements.xml"));
    INFO(r.rendered());
    CHECK(r.complete);
    CHECK(r.diagnostics.empty());
    CHECK(describe(r.episodes) == expected);
    CHECK(describe(r.episodes).find("NOTACODE") == std::string::npos);
    CHECK(describe(r.episodes).find("A90") == std::string::npos);
  }
}

TEST_CASE("an older version (53.1.1) with the Kodeverk spelling") {
  auto r = read_file(fixture("version-53_1_1.xml"));
  INFO(r.rendered());
  CHECK(r.complete);
  CHECK(r.diagnostics.empty());
  CHECK(r.melding->versjon == "53.1.1");
  CHECK(r.melding->namespace_uri == "http://www.npr.no/xmlstds/53_1_1_ord");
  REQUIRE(r.episodes.size() == 3);
  CHECK(r.episodes[0].tilstander[0].koder[0].kodeverk == "D");
  CHECK(r.episodes[0].tiltak[0].prosedyrer[0].koder[0].kodeverk == "Q");
  CHECK(r.episodes[1].tiltak[0].prosedyrer[0].koder[0].kodeverk == "R");
}

TEST_CASE("ISO-8859-1 declared: converted to UTF-8 (windows-1252 bytes too)") {
  auto r = read_file(fixture("latin1.xml"));
  INFO(r.rendered());
  CHECK(r.complete);
  CHECK(r.diagnostics.empty());
  REQUIRE(r.melding->enheter.size() == 3);
  CHECK(r.melding->enheter[0].enhet_lokal == "Haukeland sjukehus \u2013 Bj\u00f8rgvin");
  CHECK(r.melding->enheter[1].enhet_lokal ==
        "Ford\u00f8yelsessjukdomar, \u00c5lesund og F\u00f8rde");
  REQUIRE(r.episodes.size() == 3);
  CHECK(r.episodes[2].episode_id == "E-17-\u00e6\u00f8\u00e5-\u00c6\u00d8\u00c5");
  CHECK(r.episodes[2].location.line == 59);
}

TEST_CASE("several Institusjon elements: each has its own Enhet list") {
  auto r = read_file(fixture("two-institusjoner.xml"));
  INFO(r.rendered());
  CHECK(r.complete);
  REQUIRE(r.episodes.size() == 2);
  const auto& m1 = *r.episodes[0].melding;
  const auto& m2 = *r.episodes[1].melding;
  CHECK(m1.institusjon_id == "983974724");
  CHECK(m2.institusjon_id == "974557746");
  CHECK(m1.enheter.size() == 1);
  CHECK(m2.enheter.size() == 2);
  CHECK(m1.find_enhet("3")->resh_id == "4200");
  CHECK(m2.find_enhet("3")->resh_id == "108812");
  CHECK(m1.versjon == "57.0.1");
  CHECK(m2.versjon == "57.0.1");
}

TEST_CASE("gzip: detected by its magic bytes, whatever the file is called") {
  auto dir = temp_dir("gzip");
  const std::string xml = slurp(fixture("bare.xml"));
  const std::string expected = describe(read_file(fixture("bare.xml")).episodes);

  SECTION("one member, named .xml.gz") {
    write_gzip(dir / "bare.xml.gz", xml);
    auto r = read_file((dir / "bare.xml.gz").string());
    INFO(r.rendered());
    CHECK(r.complete);
    CHECK(describe(r.episodes) == expected);
    REQUIRE(r.episodes.size() == 3);
    CHECK(r.episodes[2].location.line == 59);
  }
  SECTION("three concatenated members, named .xml") {
    write_gzip(dir / "members.xml", xml, 3);
    auto r = read_file((dir / "members.xml").string());
    INFO(r.rendered());
    CHECK(r.complete);
    CHECK(describe(r.episodes) == expected);
  }
  SECTION("a cut gzip stream is an error, the patients before the cut are read") {
    std::string big;
    std::string body = xml.substr(xml.find("    <Objektholder"));
    body = body.substr(0, body.find("  </Institusjon>"));
    big = xml.substr(0, xml.find("    <Objektholder"));
    for (int i = 0; i < 400; ++i) big += body;
    big += "  </Institusjon>\n</Melding>\n";
    write_gzip(dir / "full.xml.gz", big);
    std::string gz = slurp((dir / "full.xml.gz").string());
    write_file(dir / "cut.xml.gz", gz.substr(0, gz.size() / 2));
    auto r = read_file((dir / "cut.xml.gz").string());
    INFO(r.rendered());
    CHECK_FALSE(r.complete);
    CHECK(r.episodes.size() > 3);
    CHECK(r.episodes.size() < 1200);
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].message == "the gzip stream is truncated (unexpected end of file)");
  }
  SECTION("a corrupt gzip stream is an error") {
    write_gzip(dir / "corrupt.xml.gz", xml);
    std::string gz = slurp((dir / "corrupt.xml.gz").string());
    for (size_t i = 20; i < gz.size() - 8; i += 7) gz[i] = static_cast<char>(gz[i] ^ 0x5A);
    write_file(dir / "corrupt.xml.gz", gz);
    auto r = read_file((dir / "corrupt.xml.gz").string());
    INFO(r.rendered());
    CHECK_FALSE(r.complete);
    REQUIRE_FALSE(r.errors().empty());
    CHECK(r.rendered().find("gzip stream is corrupt") != std::string::npos);
  }
  SECTION("a gzip stream that inflates beyond max_uncompressed_bytes is refused") {
    write_gzip(dir / "bare.xml.gz", xml);
    ReaderLimits limits;
    limits.max_uncompressed_bytes = 1000;
    auto r = read_file((dir / "bare.xml.gz").string(), 100, limits);
    CHECK_FALSE(r.complete);
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].message.find("inflates to more than 1000 bytes") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("read_all_episodes: every episode, or the failure") {
  Diagnostics d;
  auto all = read_all_episodes(fixture("bare.xml"), d);
  REQUIRE(all);
  CHECK(all->size() == 3);
  CHECK_FALSE(d.has_errors());

  Diagnostics d2;
  auto cut = read_all_episodes(fixture("truncated.xml"), d2);
  REQUIRE_FALSE(cut);
  CHECK(cut.status().code() == StatusCode::kInvalidInput);
  CHECK(cut.status().message().find("truncated.xml") != std::string::npos);
  CHECK(d2.has_errors());

  Diagnostics d3;
  auto missing = read_all_episodes(fixture("no-such-file.xml"), d3);
  REQUIRE_FALSE(missing);
  CHECK(missing.status().code() == StatusCode::kNotFound);
}
