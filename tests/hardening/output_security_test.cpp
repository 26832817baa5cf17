// Output security, end to end through `nprcheck check`: values from the extract and the units
// catalogue end up in file names, HTML, CSV, XML and JSON. A reshID of `../../etc` must not
// write outside OUT, `<script>` must be escaped, `=cmd|...` must not become a spreadsheet
// formula, every output must stay well-formed, and pasientNr must stay out of SARIF, JUnit,
// run.json, summary.json and the log on stderr. A unit's report holds only its own episodes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <regex>

#include "hardening_util.hpp"

namespace h = nprcheck::hardening;
namespace fs = std::filesystem;

namespace {

/// A hostile unit: its reshID and local name, as they appear in the XML (already escaped).
struct HostileUnit {
  std::string resh_xml;  ///< attribute text of reshID
  std::string resh;      ///< the value after XML unescaping
  std::string name_xml;  ///< attribute text of enhetLokal
  std::string name;      ///< the value after XML unescaping
};

const std::vector<HostileUnit> kUnits = {
    {"../../etc", "../../etc", "&lt;script&gt;alert(1)&lt;/script&gt;",
     "<script>alert(1)</script>"},
    {"..\\..\\windows", "..\\..\\windows", "=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"},
    {"/tmp/nprcheck-abs-unit", "/tmp/nprcheck-abs-unit",
     "&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;", "</script><img src=x onerror=alert(2)>"},
    {"+4300", "+4300", "@SUM(1+1)", "@SUM(1+1)"},
    {"-4400", "-4400", "-2+3", "-2+3"},
    {"45&#10;00", "45\n00", "&quot;;=HYPERLINK(&quot;http://x&quot;)",
     "\";=HYPERLINK(\"http://x\")"},
    // Longer than a file name stem may be (64), within what a reshID may be (100: a longer one is
    // an input error, see input_gaps_test.cpp).
    {std::string(100, 'R'), std::string(100, 'R'), "Lang &amp; lang", "Lang & lang"},
    {"4200", "4200", "Medisinsk avdeling", "Medisinsk avdeling"},
};

constexpr const char* kSecretPnr = "PNR-SECRET-";

/// An extract with one patient per hostile unit; each episode has a finding (A90 in 2017).
std::string hostile_extract() {
  std::string x = R"(<?xml version="1.0" encoding="UTF-8"?>
<Melding xmlns="http://www.npr.no/xmlstds/57_0_1_ord" versjon="57.0.1" meldingstype="NPR_ORD">
  <Institusjon institusjonID="983974724">
    <Enhet enhetID="1" reshID="4001" enhetLokal="Haukeland"/>
    <Enhet enhetID="2" reshID="4210" enhetLokal="Gastroenterologi"/>
)";
  for (size_t i = 0; i < kUnits.size(); ++i) {
    x += "    <Enhet enhetID=\"" + std::to_string(10 + i) + "\" reshID=\"" + kUnits[i].resh_xml +
         "\" enhetLokal=\"" + kUnits[i].name_xml + "\"/>\n";
  }
  for (size_t i = 0; i < kUnits.size(); ++i) {
    std::string n = std::to_string(i);
    x += "    <Objektholder pasientNr=\"" + std::string(kSecretPnr) + n +
         "\">\n"
         "      <Pasient pasientNr=\"" +
         std::string(kSecretPnr) + n +
         "\" kjonn=\"2\" fodselsar=\"1957\"/>\n"
         "      <Episode episodeID=\"E-SEC-" +
         n +
         "\" innDatoTid=\"2017-05-10T10:00:00\" "
         "utDatoTid=\"2017-05-12T12:00:00\" omsorgsniva=\"1\">\n"
         "        <RefEnhet enhetID=\"1\" typeEnhet=\"1\"/>\n"
         "        <RefEnhet enhetID=\"2\" typeEnhet=\"2\"/>\n"
         "        <RefEnhet enhetID=\"" +
         std::to_string(10 + i) +
         "\" typeEnhet=\"7\"/>\n"
         "        <Tilstand tilstNr=\"1\">\n"
         "          <Kode kodeNr=\"1\" kodeverk=\"D\" kodeVersjon=\"2017\" kodeVerdi=\"A90\"/>\n"
         "        </Tilstand>\n      </Episode>\n    </Objektholder>\n";
  }
  x += "  </Institusjon>\n</Melding>\n";
  return x;
}

/// Splits one `;`-separated CSV record (RFC 4180 quotes) into its cells, unquoted.
std::vector<std::string> csv_cells(const std::string& record) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < record.size(); ++i) {
    char c = record[i];
    if (quoted) {
      if (c == '"' && i + 1 < record.size() && record[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ';') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

/// The records of a CSV file (a quoted cell may span lines); the BOM removed.
std::vector<std::string> csv_records(std::string text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::string> records(1);
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (c == '\n' && !quoted) {
      records.emplace_back();
    } else {
      records.back() += c;
    }
  }
  if (records.back().empty()) records.pop_back();
  return records;
}

/// Runs check over the hostile extract, OUT nested deep in a fresh folder; `units`: a catalogue.
struct HostileRun {
  fs::path root, out;
  h::ChildResult r;
};

HostileRun run_hostile(const std::string& name, const std::string& units_csv) {
  HostileRun run;
  run.root = h::fresh_dir(name);
  fs::path in = run.root / "a" / "b" / "in";
  run.out = run.root / "a" / "b" / "c" / "out";
  h::write_file(in / "hostile.xml", hostile_extract());
  std::vector<std::string> extra = {"--format", "html,csv,sarif,junit"};
  if (!units_csv.empty()) {
    h::write_file(in / "units.csv", units_csv);
    extra.push_back("--units");
    extra.push_back((in / "units.csv").string());
  }
  run.r = h::run_nprcheck(h::check_args({(in / "hostile.xml").string()}, run.out, extra));
  return run;
}

/// Everything that must hold for any run over the hostile extract.
void check_outputs(const HostileRun& run) {
  const auto& r = run.r;
  INFO(h::describe(r));
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 0);
  CHECK_FALSE(h::has_sanitizer_report(r.err));
  REQUIRE(r.exit_code == 1);

  // Nothing written outside OUT: the tree holds only a/b/in/... and a/b/c/out/...
  for (auto it = fs::recursive_directory_iterator(run.root);
       it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = fs::relative(it->path(), run.root).string();
    INFO(rel);
    bool inside = rel == "a" || rel == "a/b" || rel == "a/b/c" || rel.rfind("a/b/in", 0) == 0 ||
                  rel.rfind("a/b/c/out", 0) == 0;
    CHECK(inside);
  }
  CHECK_FALSE(fs::exists("/tmp/nprcheck-abs-unit"));
  CHECK_FALSE(fs::exists("/tmp/nprcheck-abs-unit.html"));

  // Every file name in OUT is one the tool chose: fixed names, unit-<safe stem>.<ext>, or a
  // rule page html/rules/<rule id stem>.html (ids come from the rule set, not the input).
  const std::regex safe_name(
      R"(^(unit-[A-Za-z0-9_-]{1,64}\.(html|csv)|[a-z]+\.(ndjson|csv|json|sarif|xml|html))$)");
  const std::regex rule_page(R"(^html/rules/[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.html$)");
  auto files = h::all_files(run.out);
  REQUIRE(files.count("findings.ndjson") == 1);
  for (const auto& [rel, content] : files) {
    INFO(rel);
    CHECK((std::regex_match(fs::path(rel).filename().string(), safe_name) ||
           std::regex_match(rel, rule_page)));
    CHECK(fs::path(rel).parent_path().string().find("..") == std::string::npos);
  }

  // HTML: the hostile names are escaped, never raw markup.
  size_t html_pages = 0;
  for (const auto& [rel, content] : files) {
    if (!rel.ends_with(".html")) continue;
    ++html_pages;
    INFO(rel);
    CHECK(content.find("<script>alert(1)") == std::string::npos);
    CHECK(content.find("<img src=x") == std::string::npos);
    CHECK(content.find("</script><img") == std::string::npos);
    // The page runs only its own script: one inline <script> (plus the JSON data block).
    size_t scripts = 0;
    for (size_t at = content.find("<script"); at != std::string::npos;
         at = content.find("<script", at + 1)) {
      ++scripts;
    }
    CHECK(scripts <= 2);
  }
  CHECK(html_pages >= 2);
  bool name_shown = false;
  for (const auto& [rel, content] : files) {
    if (rel.ends_with(".html") &&
        (content.find("&lt;script&gt;alert(1)") != std::string::npos ||
         content.find("\\u003cscript\\u003ealert(1)") != std::string::npos)) {
      name_shown = true;
    }
  }
  CHECK(name_shown);

  // CSV: no cell may start with a formula character; the hostile values are there, prefixed.
  size_t csv_files = 0;
  bool cmd_seen = false;
  for (const auto& [rel, content] : files) {
    if (!rel.ends_with(".csv")) continue;
    ++csv_files;
    for (const auto& record : csv_records(content)) {
      for (const auto& cell : csv_cells(record)) {
        INFO(rel << ": cell [" << cell << "]");
        CHECK((cell.empty() || std::string("=+@\t\r").find(cell[0]) == std::string::npos));
        if (!cell.empty() && cell[0] == '-')
          CHECK(cell.find_first_not_of("-0123456789.,") == std::string::npos);
        if (cell.find("cmd|") != std::string::npos) cmd_seen = true;
      }
    }
  }
  CHECK(csv_files >= 2);
  CHECK(cmd_seen);

  // JSON and XML outputs stay well-formed.
  for (const auto& [rel, content] : files) {
    INFO(rel);
    if (rel.ends_with(".json") || rel.ends_with(".sarif")) {
      CHECK_NOTHROW(nlohmann::json::parse(content));
    } else if (rel.ends_with(".ndjson")) {
      std::istringstream lines(content);
      std::string line;
      while (std::getline(lines, line)) CHECK_NOTHROW(nlohmann::json::parse(line));
    } else if (rel.ends_with(".xml")) {
      pugi::xml_document doc;
      CHECK(doc.load_string(content.c_str()).status == pugi::status_ok);
    }
  }

  // Privacy: no pasientNr in SARIF, JUnit, run.json, summary.json or on stderr; no episode id
  // on stderr either (the summary names units and rules only).
  for (const char* name : {"findings.sarif", "junit.xml", "run.json", "summary.json"}) {
    INFO(name);
    REQUIRE(files.count(name) == 1);
    CHECK(files.at(name).find(kSecretPnr) == std::string::npos);
  }
  CHECK(r.err.find(kSecretPnr) == std::string::npos);
  CHECK(r.err.find("E-SEC-") == std::string::npos);
}

}  // namespace

TEST_CASE("hostile unit ids and names without a units catalogue", "[hardening][output]") {
  auto run = run_hostile("output-plain", "");
  check_outputs(run);
  // A unit's page and CSV hold that unit's episodes only (E-SEC-<i> belongs to unit i).
  auto files = h::all_files(run.out);
  size_t unit_files = 0;
  for (const auto& [rel, content] : files) {
    if (fs::path(rel).filename().string().rfind("unit-", 0) != 0) continue;
    ++unit_files;
    int own = 0;
    for (size_t i = 0; i < kUnits.size(); ++i) {
      // E-SEC-1 is a prefix of no other id: there are fewer than 10 units.
      if (content.find("E-SEC-" + std::to_string(i)) != std::string::npos) ++own;
    }
    INFO(rel);
    CHECK(own == 1);
  }
  CHECK(unit_files == 2 * kUnits.size());  // one HTML page and one CSV per unit
}

TEST_CASE("hostile ids and names through the units catalogue", "[hardening][output]") {
  // The catalogue maps every hostile avdeling to a level-2 unit with a hostile id and name.
  std::string units = "reshID;navn;niva2_reshID;niva2_navn;radiologi\n";
  units += "../../etc;Ondsinnet avdeling;../../etc;\"<script>alert(1)</script>\";nei\n";
  units += "..\\..\\windows;Avdeling;../../../tmp/nprcheck-abs-unit;\"=cmd|' /C calc'!A0\";nei\n";
  units += "/tmp/nprcheck-abs-unit;Avdeling;/tmp/nprcheck-abs-unit;\"@SUM(1+1)\";nei\n";
  auto run = run_hostile("output-units", units);
  check_outputs(run);
}
