// The NPR-melding reader on broken files: every error names file, line and column, quotes the
// line, skips only the Objektholder it concerns (or ends the file when the XML is broken).
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "reader/reader_test_util.hpp"

using namespace nprcheck;
using namespace reader_test;

namespace {

/// The source line `n` (1-based) of a fixture.
std::string line_of(const std::string& name, int n) {
  std::istringstream in(slurp(fixture(name)));
  std::string line;
  for (int i = 0; i < n && std::getline(in, line); ++i) {
  }
  return line;
}

}  // namespace

TEST_CASE("a missing required attribute: exact message and line, the Objektholder is skipped") {
  auto r = read_file(fixture("missing-attribute.xml"));
  INFO(r.rendered());
  CHECK_FALSE(r.complete);
  auto errors = r.errors();
  REQUIRE(errors.size() == 1);
  const Diagnostic& d = errors[0];
  CHECK(d.file == fixture("missing-attribute.xml"));
  CHECK(d.message == "missing required attribute 'kodeVerdi' on <Kode>");
  CHECK(d.line == 19);
  CHECK(d.column == 11);
  CHECK(d.source_line == line_of("missing-attribute.xml", 19));
  CHECK(format_diagnostic(d) ==
        fixture("missing-attribute.xml") +
            ":19:11: error: missing required attribute 'kodeVerdi' on <Kode>\n"
            "            <Kode kodeNr=\"1\" kodeverk=\"D\" kodeVersjon=\"2017\"/>\n"
            "            ^");
  // A note says the patient was skipped; the patients around it are read.
  bool noted = false;
  for (const auto& n : r.diagnostics) {
    if (n.level == DiagnosticLevel::kNote && n.line == 14) noted = true;
  }
  CHECK(noted);
  CHECK(r.episode_ids() == std::vector<std::string>{"E-1", "E-3"});
  CHECK(r.episodes[1].sequence == 1);
}

TEST_CASE("every required attribute is checked") {
  auto r = read_file(fixture("missing-required.xml"));
  INFO(r.rendered());
  CHECK_FALSE(r.complete);
  auto errors = r.errors();
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].message == "missing required attribute 'innDatoTid' on <Episode>");
  CHECK(errors[0].line == 7);
  CHECK(errors[1].message == "missing required attribute 'kodeverk' on <Kode>");
  CHECK(errors[1].line == 19);
  CHECK(errors[2].message == "missing required attribute 'enhetID' on <RefEnhet>");
  CHECK(errors[2].line == 26);
  CHECK(errors[3].message ==
        "missing required attribute 'pasientNr' on <Pasient> (and on <Objektholder>)");
  CHECK(errors[3].line == 33);
  CHECK(r.episode_ids() == std::vector<std::string>{"E-5"});
}

TEST_CASE("bad dates: 30 February, 0000-00-00 and a Norwegian date are errors with the value") {
  auto r = read_file(fixture("bad-date.xml"));
  INFO(r.rendered());
  CHECK_FALSE(r.complete);
  auto errors = r.errors();
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].message ==
        "bad date in 'innDatoTid' on <Episode>: \"2017-02-30T08:00:00\" (expected a real date as "
        "YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)");
  CHECK(errors[0].line == 7);
  CHECK(errors[1].message.find("'utDatoTid' on <Episode>: \"0000-00-00\"") != std::string::npos);
  CHECK(errors[1].line == 16);
  CHECK(errors[2].message.find("'startDatoTid' on <Tjeneste>: \"02.03.2017\"") !=
        std::string::npos);
  CHECK(errors[2].line == 30);
  CHECK(errors[2].source_line == "        <Tjeneste startDatoTid=\"02.03.2017\"/>");
  CHECK(r.episode_ids() == std::vector<std::string>{"E-4"});
}

TEST_CASE("bad numbers: garbage, out of range, negative, fractions") {
  auto r = read_file(fixture("bad-number.xml"));
  INFO(r.rendered());
  CHECK_FALSE(r.complete);
  auto errors = r.errors();
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].message ==
        "bad number in 'fodselsar' on <Pasient>: \"19x7\" (expected a whole number)");
  CHECK(errors[0].line == 6);
  CHECK(errors[1].message ==
        "number out of range in 'tilstNr' on <Tilstand>: \"99999999999999999999\"");
  CHECK(errors[2].message == "negative number in 'omsorgsniva' on <Episode>: \"-3\"");
  CHECK(errors[3].message == "bad number in 'kodeNr' on <Kode>: \"1.5\" (expected a whole number)");
  CHECK(r.episode_ids() == std::vector<std::string>{"E-5"});
}

TEST_CASE("a truncated file: the patients before the cut are read, then a clear error") {
  auto r = read_file(fixture("truncated.xml"));
  INFO(r.rendered());
  CHECK_FALSE(r.complete);
  CHECK(r.episode_ids() == std::vector<std::string>{"E-17-000042"});
  auto errors = r.errors();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message ==
        "unexpected end of file: <Melding> opened at line 2 is not closed (the file is cut short "
        "inside <Tilstand> opened at line 39)");
  CHECK(errors[0].line == 42);
  CHECK(errors[0].source_line == "          <Kode kodeNr=\"2\" kodeverk");
}

TEST_CASE("mismatched tags end the file") {
  auto r = read_file(fixture("mismatched.xml"));
  INFO(r.rendered());
  CHECK_FALSE(r.complete);
  CHECK(r.episode_ids() == std::vector<std::string>{"E-1"});
  auto errors = r.errors();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "end tag </Tilstnd> does not match <Tilstand> opened at line 18");
  CHECK(errors[0].line == 20);
  CHECK(errors[0].column == 9);
}

TEST_CASE("invalid UTF-8: an error with its line, that patient skipped, the others read") {
  auto r = read_file(fixture("invalid-utf8.xml"));
  INFO(r.rendered());
  CHECK_FALSE(r.complete);
  auto errors = r.errors();
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].line == 12);
  CHECK(errors[0].column == 32);
  CHECK(errors[0].message.rfind("invalid UTF-8: byte 0xC3 is not followed by the rest of its "
                                "character",
                                0) == 0);
  CHECK(errors[1].line == 13);
  CHECK(errors[1].column == 89);
  CHECK(errors[1].message.rfind("invalid UTF-8: byte 0xFF", 0) == 0);
  // The file says it is UTF-8, so no hint about declaring another encoding.
  CHECK(errors[0].message.find("encoding=\"ISO-8859-1\"") == std::string::npos);
  CHECK(r.episode_ids() == std::vector<std::string>{"E-17-000043", "E-17-000044"});
}

TEST_CASE("ISO-8859-1 without a declaration: invalid UTF-8, with a hint") {
  auto dir = temp_dir("latin1-undeclared");
  std::string latin = slurp(fixture("latin1.xml"));
  latin.replace(0, latin.find('\n'), "");  // the declaration goes, line numbers stay
  write_file(dir / "latin1.xml", latin);
  auto r = read_file((dir / "latin1.xml").string());
  INFO(r.rendered());
  CHECK_FALSE(r.complete);
  auto errors = r.errors();
  REQUIRE(errors.size() == 3);  // one per line: the two Enhet lines and E-17-æøå-ÆØÅ
  CHECK(errors[0].line == 7);
  CHECK(errors[0].message ==
        "invalid UTF-8: byte 0x96 (the file is not UTF-8; an ISO-8859-1 or windows-1252 file "
        "must say so in its XML declaration, <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>)");
  CHECK(errors[1].line == 8);
  CHECK(errors[1].message == "invalid UTF-8: byte 0xF8");
  CHECK(errors[2].line == 59);
  CHECK(r.episode_ids() == std::vector<std::string>{"E-17-000042"});  // 1002 is skipped
  std::filesystem::remove_all(dir);
}

TEST_CASE("DOCTYPE and ENTITY declarations are refused, nothing is expanded or fetched") {
  auto r = read_file(fixture("doctype.xml"));
  INFO(r.rendered());
  CHECK_FALSE(r.complete);
  CHECK(r.episodes.empty());
  auto errors = r.errors();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 2);
  CHECK(errors[0].column == 1);
  CHECK(errors[0].message ==
        "DOCTYPE declarations are refused: NPR-melding files have none, and entities are never "
        "expanded or fetched");
  CHECK(r.rendered().find("root:") == std::string::npos);
}

TEST_CASE("files that are not an NPR-melding") {
  auto dir = temp_dir("not-npr");
  SECTION("another root element") {
    auto r = read_file(fixture("wrong-root.xml"));
    CHECK_FALSE(r.complete);
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].message ==
          "not an NPR-melding: the root element is <Rapport>, expected <Melding> or <MsgHead>");
    CHECK(r.errors()[0].line == 2);
  }
  SECTION("HTML") {
    auto r = read_file(fixture("not-npr.html"));
    CHECK_FALSE(r.complete);
    CHECK(r.errors().size() == 1);
    CHECK(r.episodes.empty());
  }
  SECTION("an empty file") {
    write_file(dir / "empty.xml", "");
    auto r = read_file((dir / "empty.xml").string());
    CHECK_FALSE(r.complete);
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].message == "the file is empty (no NPR-melding)");
  }
  SECTION("white space, or a declaration only") {
    write_file(dir / "ws.xml", "\n\n   \n");
    write_file(dir / "decl.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    for (const char* name : {"ws.xml", "decl.xml"}) {
      auto r = read_file((dir / name).string());
      CHECK_FALSE(r.complete);
      REQUIRE(r.errors().size() == 1);
      CHECK(r.errors()[0].message ==
            "no <Melding> element: the file holds no XML element (no NPR-melding)");
    }
  }
  SECTION("a CSV file named .xml") {
    write_file(dir / "table.xml", "Kode;Tekst\nK703;Alkoholisk cirrhose i lever\n");
    auto r = read_file((dir / "table.xml").string());
    CHECK_FALSE(r.complete);
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].message == "not an XML file: it does not start with '<' (no NPR-melding)");
    CHECK(r.errors()[0].line == 1);
  }
  SECTION("an envelope without a Melding") {
    write_file(dir / "env.xml",
               "<MsgHead><Document><RefDoc><Content/></RefDoc></Document></MsgHead>");
    auto r = read_file((dir / "env.xml").string());
    CHECK_FALSE(r.complete);
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].message ==
          "no <Melding> element inside the <MsgHead> envelope (no NPR-melding)");
  }
  SECTION("UTF-16 and unknown encodings are refused") {
    write_file(dir / "u16.xml", std::string("\xFF\xFE<\0?\0x\0m\0l\0", 12));
    write_file(dir / "ebcdic.xml",
               "<?xml version=\"1.0\" encoding=\"EBCDIC-CP-US\"?>\n<Melding/>\n");
    for (const char* name : {"u16.xml", "ebcdic.xml"}) {
      auto r = read_file((dir / name).string());
      CHECK_FALSE(r.complete);
      REQUIRE(r.errors().size() == 1);
      CHECK(r.errors()[0].message.find("is not supported: NPR-melding files must be UTF-8") !=
            std::string::npos);
    }
  }
  SECTION("a FIFO is refused at once, never waited on") {
    REQUIRE(::mkfifo((dir / "fifo.xml").c_str(), 0600) == 0);
    auto r = read_file((dir / "fifo.xml").string());
    CHECK_FALSE(r.opened);
    CHECK(r.open_error == "not a regular file (a FIFO, device or socket is not read)");
  }
  SECTION("a directory, a missing file") {
    auto r = read_file(dir.string());
    CHECK_FALSE(r.opened);
    CHECK(r.open_error == "is a directory, not an extract file");
    auto r2 = read_file((dir / "nope.xml").string());
    CHECK_FALSE(r2.opened);
    CHECK(r2.open_error == "cannot open: No such file or directory");
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("lexical errors inside an Objektholder skip it; the rest of the file is read") {
  auto dir = temp_dir("lexical");
  const std::string xml = slurp(fixture("bare.xml"));
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = xml;
    auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    write_file(dir / "case.xml", s);
    return read_file((dir / "case.xml").string());
  };
  SECTION("a duplicate attribute") {
    auto r = with("kjonn=\"2\"", "kjonn=\"2\" kjonn=\"1\"");
    INFO(r.rendered());
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].message == "attribute 'kjonn' appears twice on <Pasient>");
    CHECK(r.errors()[0].line == 11);
    CHECK(r.episode_ids() == std::vector<std::string>{"E-17-000043", "E-17-000044"});
  }
  SECTION("an undefined entity and bad character references") {
    auto r = with("E-17-000042", "E-&lol9;-&#0;-&#xD800;-&#99999999999;");
    INFO(r.rendered());
    REQUIRE(r.errors().size() == 4);
    CHECK(r.errors()[0].message.rfind("bad reference '&lol9;': undefined entity", 0) == 0);
    CHECK(r.errors()[1].message ==
          "bad reference '&#0;': character reference to a character XML does not allow");
    CHECK(r.errors()[0].line == 12);
    CHECK(r.episode_ids() == std::vector<std::string>{"E-17-000043", "E-17-000044"});
  }
  SECTION("a NUL byte") {
    auto r = with("E-17-000042", std::string("E-\0", 3));
    INFO(r.rendered());
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].message == "NUL byte: not allowed in XML");
    CHECK(r.episodes.size() == 2);
  }
  SECTION("escaped characters are resolved") {
    auto r = with("E-17-000042", "E-&lt;&#x41;&amp;&#66;&gt;");
    INFO(r.rendered());
    CHECK(r.complete);
    REQUIRE(r.episodes.size() == 3);
    CHECK(r.episodes[0].episode_id == "E-<A&B>");
  }
  SECTION("a declaration later in the file, text after the root, a second root") {
    for (auto [from, to, message] :
         {std::tuple<std::string, std::string, std::string>{
              "<Melding", "<?xml version=\"1.0\"?><Melding",
              "an XML declaration (<?xml ...?>) is only allowed at the very start of the file"},
          {"</Melding>", "</Melding>\nsøppel", "text after the end of the root element"},
          {"</Melding>", "</Melding><Melding/>",
           "a second root element <Melding> after the end of the message"}}) {
      auto r = with(from, to);
      INFO(r.rendered());
      CHECK_FALSE(r.complete);
      REQUIRE(r.errors().size() == 1);
      CHECK(r.errors()[0].message == message);
    }
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("an Enhet without enhetID is an error; the episodes are still read") {
  auto dir = temp_dir("enhet");
  std::string xml = slurp(fixture("bare.xml"));
  xml.replace(xml.find("<Enhet enhetID=\"2\""), 18, "<Enhet");
  write_file(dir / "enhet.xml", xml);
  auto r = read_file((dir / "enhet.xml").string());
  INFO(r.rendered());
  CHECK_FALSE(r.complete);
  REQUIRE(r.errors().size() == 1);
  CHECK(r.errors()[0].message == "missing required attribute 'enhetID' on <Enhet>");
  CHECK(r.errors()[0].line == 8);
  CHECK(r.melding->enheter.size() == 2);
  CHECK(r.episodes.size() == 3);
  std::filesystem::remove_all(dir);
}

TEST_CASE("too many errors: the file is given up") {
  auto dir = temp_dir("many-errors");
  std::string xml = "<Melding versjon=\"57.0.1\"><Institusjon>\n";
  for (int i = 0; i < 300; ++i) {
    xml += "<Objektholder pasientNr=\"" + std::to_string(i) +
           "\"><Episode episodeID=\"E\"/></Objektholder>\n";
  }
  xml += "</Institusjon></Melding>\n";
  write_file(dir / "many.xml", xml);
  auto r = read_file((dir / "many.xml").string());
  CHECK_FALSE(r.complete);
  auto errors = r.errors();
  REQUIRE(errors.size() == 101);
  CHECK(errors.back().message == "too many errors (100): the rest of the file is not read");
  std::filesystem::remove_all(dir);
}

TEST_CASE("text from a broken file is shown as valid UTF-8 (no NUL, no stray bytes)") {
  auto dir = temp_dir("sanitize");
  std::string xml = slurp(fixture("bare.xml"));
  xml.replace(xml.find("Gastroenterologi"), 16, std::string("Gastro\0\xC3(\xFF", 10));
  write_file(dir / "dirty.xml", xml);
  auto r = read_file((dir / "dirty.xml").string());
  INFO(r.rendered());
  CHECK_FALSE(r.complete);
  auto errors = r.errors();
  REQUIRE(errors.size() == 2);  // the NUL; one invalid UTF-8 error for the line
  CHECK(errors[0].message == "NUL byte: not allowed in XML");
  CHECK(errors[0].line == 8);
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(errors[0].source_line == "    <Enhet enhetID=\"2\" reshID=\"4210\" enhetLokal=\"Gastro" +
                                     fffd + fffd + "(" + fffd + "\"/>");
  // The Enhet is kept (it is outside any Objektholder), with its text made safe.
  REQUIRE(r.melding->enheter.size() == 3);
  CHECK(r.melding->enheter[1].enhet_lokal == "Gastro" + fffd + fffd + "(" + fffd);
  CHECK(r.episodes.size() == 3);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a byte order mark anywhere but at the start is an error") {
  auto dir = temp_dir("bom");
  const std::string bom = "\xEF\xBB\xBF";
  const std::string xml = slurp(fixture("bare.xml"));
  write_file(dir / "bom-once.xml", bom + xml);
  write_file(dir / "bom-twice.xml", bom + bom + xml);
  write_file(dir / "bom-late.xml", "\n\n" + bom + xml);
  auto once = read_file((dir / "bom-once.xml").string());
  CHECK(once.complete);
  CHECK(once.episodes.size() == 3);
  CHECK(once.episodes[0].location.line == 12);
  for (const char* name : {"bom-twice.xml", "bom-late.xml"}) {
    auto r = read_file((dir / name).string());
    INFO(r.rendered());
    CHECK_FALSE(r.complete);
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].message ==
          "a byte order mark that is not the first thing in the file (a second one, or one "
          "after white space)");
  }
  std::filesystem::remove_all(dir);
}
