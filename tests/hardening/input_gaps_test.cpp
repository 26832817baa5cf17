// Inputs that used to be skipped, doubled or trusted without a word (issue 13, input half):
// folders that cannot be read, the same extract twice, symlinks in a searched folder, gaps in the
// units catalogue, hand-written files that are FIFOs, devices or folders, a 32,000-code episode
// and a 60 MB kodeVerdi. Each ends with a clear message naming the file, never silently.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hardening_util.hpp"

namespace h = nprcheck::hardening;
namespace fs = std::filesystem;

namespace {

constexpr long kRssLimitMb = h::kSanitized ? 900 : 300;

/// Runs nprcheck as an unprivileged user when the tests run as root (root reads a chmod 000
/// folder anyway): `setpriv` to uid/gid 65534. Everything it must read or write is opened up.
h::ChildResult run_unprivileged(std::vector<std::string> args) {
  args.insert(args.begin(), h::kBinary);
  if (::geteuid() == 0) {
    args.insert(args.begin(),
                {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"});
  }
  return h::run_child(args, {});
}

/// A folder the unprivileged child can read and write (temp dirs are made 0700 by some setups).
fs::path open_dir(const std::string& name) {
  fs::path d = h::fresh_dir(name);
  for (fs::path p = d; p != p.parent_path() && p != fs::temp_directory_path();
       p = p.parent_path()) {
    ::chmod(p.c_str(), 0777);
  }
  return d;
}

size_t count_lines_with(const fs::path& file, const std::string& needle) {
  std::ifstream in(file);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) n += line.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

/// One episode with `codes` diagnosis codes, each value twice (K703, E119, ... in turn).
std::string episode_with_codes(size_t codes) {
  std::string s = R"(<?xml version="1.0" encoding="UTF-8"?>
<Melding xmlns="http://www.npr.no/xmlstds/57_0_1_ord" versjon="57.0.1" meldingstype="NPR_ORD"
         fraDatoPeriode="2017-03-01" tilDatoPeriode="2017-03-31" uttakDato="2017-04-02">
  <Institusjon institusjonID="983974724">
    <Enhet enhetID="3" reshID="4200" enhetLokal="Medisinsk avdeling"/>
    <Objektholder pasientNr="8001">
      <Pasient pasientNr="8001" kjonn="2" fodselsar="1957"/>
      <Episode episodeID="E-MANY" innDatoTid="2017-03-02T08:15:00" utDatoTid="2017-03-02T11:40:00"
               omsorgsniva="3" innmateHast="4">
        <RefEnhet enhetID="3" typeEnhet="7"/>
)";
  // Distinct values of the form X<nnnn> (not real codes: KODE-001 fires too, which is fine).
  for (size_t i = 0; i < codes; ++i) {
    char verdi[16];
    std::snprintf(verdi, sizeof verdi, "X%05zu", i / 2);
    s += "        <Tilstand tilstNr=\"" + std::to_string(i + 1) +
         "\"><Kode kodeNr=\"1\" kodeverk=\"D\" kodeVerdi=\"" + verdi + "\"/></Tilstand>\n";
  }
  s += "      </Episode>\n    </Objektholder>\n  </Institusjon>\n</Melding>\n";
  return s;
}

}  // namespace

TEST_CASE("a missing input or an unreadable folder beside a good input: exit 2, named",
          "[hardening][inputs]") {
  auto dir = open_dir("input-folders");
  fs::copy_file(h::kGoodXml, dir / "good.xml");
  SECTION("a missing input folder") {
    auto r = h::run_nprcheck(h::check_args(
        {(dir / "no-such-folder").string(), (dir / "good.xml").string()}, dir / "out"));
    INFO(h::describe(r));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no-such-folder: error: no such file or directory") != std::string::npos);
    CHECK(h::findings_of_file(dir / "out", "good.xml").size() == 2);
  }
  SECTION("an unreadable subfolder of a searched folder") {
    fs::create_directories(dir / "in" / "locked");
    fs::copy_file(h::kGoodXml, dir / "in" / "good.xml");
    fs::copy_file(h::kGoodXml, dir / "in" / "locked" / "hidden.xml");
    ::chmod((dir / "in").c_str(), 0777);
    ::chmod((dir / "in" / "locked").c_str(), 0);
    auto r = run_unprivileged(h::check_args({(dir / "in").string()}, dir / "out"));
    ::chmod((dir / "in" / "locked").c_str(), 0755);
    INFO(h::describe(r));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find((dir / "in" / "locked").string() + ": error: cannot read input folder") !=
          std::string::npos);
    CHECK(h::findings_of_file(dir / "out", "good.xml").size() == 2);
  }
}

TEST_CASE("a config input pattern over an unreadable folder: exit 2, the folder named",
          "[hardening][inputs]") {
  auto dir = open_dir("glob-folders");
  fs::create_directories(dir / "in" / "a");
  fs::create_directories(dir / "in" / "locked");
  fs::copy_file(h::kGoodXml, dir / "in" / "a" / "good.xml");
  fs::copy_file(h::kGoodXml, dir / "in" / "locked" / "hidden.xml");
  h::write_file(dir / "nightly.yaml", "inputs: ['in/*/*.xml']\nout: out\ntables: " + h::kTestdata +
                                          "/tables\nrules: " + h::kRepo +
                                          "/rules\nprogress: false\n");
  ::chmod((dir / "in").c_str(), 0777);
  ::chmod((dir / "in" / "locked").c_str(), 0);
  auto r = run_unprivileged({"check", "--config", (dir / "nightly.yaml").string()});
  ::chmod((dir / "in" / "locked").c_str(), 0755);
  INFO(h::describe(r));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("input pattern 'in/*/*.xml': cannot read folder " +
                   (dir / "in" / "locked").string()) != std::string::npos);
}

TEST_CASE("an unreadable rules subfolder or tables year folder: exit 2, named",
          "[hardening][inputs]") {
  auto dir = open_dir("unreadable-sets");
  fs::copy_file(h::kGoodXml, dir / "good.xml");
  SECTION("rules/bv cannot be read") {
    fs::copy(h::kRepo + "/rules", dir / "rules", fs::copy_options::recursive);
    ::chmod((dir / "rules" / "bv").c_str(), 0);
    auto r = run_unprivileged(h::check_args({(dir / "good.xml").string()}, dir / "out", {}, "",
                                            (dir / "rules").string()));
    ::chmod((dir / "rules" / "bv").c_str(), 0755);
    INFO(h::describe(r));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find((dir / "rules" / "bv").string() + ": error: cannot read rule folder") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out" / "findings.ndjson"));
  }
  SECTION("tables/2017 cannot be read") {
    fs::copy(h::kTestdata + "/tables", dir / "tables", fs::copy_options::recursive);
    ::chmod((dir / "tables" / "2017").c_str(), 0);
    auto r = run_unprivileged(
        h::check_args({(dir / "good.xml").string()}, dir / "out", {}, (dir / "tables").string()));
    ::chmod((dir / "tables" / "2017").c_str(), 0755);
    INFO(h::describe(r));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find((dir / "tables" / "2017").string() +
                     ": error: cannot read code table folder") != std::string::npos);
  }
  SECTION(
      "a dangling symlink and a symlink loop where tables belong (made here: a committed loop "
      "would trip every tool that walks testdata/)") {
    fs::copy(h::kTestdata + "/tables", dir / "tables", fs::copy_options::recursive);
    fs::create_directories(dir / "tables" / "2019");
    fs::create_symlink(dir / "nowhere.csv", dir / "tables" / "2019" / "ncsp.csv");
    fs::create_symlink(dir / "tables" / "2019" / "ncrp.csv", dir / "tables" / "2019" / "ncrp.csv");
    auto r = h::run_nprcheck(
        h::check_args({(dir / "good.xml").string()}, dir / "out", {}, (dir / "tables").string()));
    INFO(h::describe(r));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("2019/ncsp.csv: error: cannot read code table: a dangling symlink") !=
          std::string::npos);
    CHECK(r.err.find("2019/ncrp.csv: error: cannot read code table: a symlink loop") !=
          std::string::npos);
    CHECK(h::findings_of_file(dir / "out", "good.xml").size() == 2);
  }
  SECTION("an empty tables folder") {
    fs::create_directories(dir / "no-tables");
    auto r = h::run_nprcheck(h::check_args({(dir / "good.xml").string()}, dir / "out", {},
                                           (dir / "no-tables").string()));
    INFO(h::describe(r));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no-tables: error: no code tables loaded") != std::string::npos);
  }
}

TEST_CASE("the same extract twice, by path, symlink or copy: checked once, with a warning",
          "[hardening][inputs]") {
  auto dir = h::fresh_dir("same-extract");
  fs::copy_file(h::kGoodXml, dir / "good.xml");
  fs::copy_file(h::kGoodXml, dir / "copy.xml");
  fs::create_symlink(dir / "good.xml", dir / "link.xml");
  auto r = h::run_nprcheck(h::check_args({(dir / "good.xml").string(), (dir / "link.xml").string(),
                                          (dir / "copy.xml").string(), (dir / "good.xml").string()},
                                         dir / "out"));
  INFO(h::describe(r));
  CHECK(r.exit_code == 1);
  CHECK(count_lines_with(dir / "out" / "findings.ndjson", "\"E-GOOD-") == 2);
  CHECK(r.err.find("link.xml: warning: the same extract as " + (dir / "good.xml").string()) !=
        std::string::npos);
  CHECK(r.err.find("copy.xml: warning: the same extract as") != std::string::npos);
  auto run = nlohmann::json::parse(h::slurp(dir / "out" / "run.json"));
  CHECK(run.at("inputs").size() == 1);
}

TEST_CASE("symlinks in a searched folder are not followed; a non-extract is never quoted",
          "[hardening][inputs]") {
  auto dir = h::fresh_dir("symlinks");
  h::write_file(dir / "secret.txt", "root:x:SECRET-FIRST-LINE\nmore\n");
  fs::create_directories(dir / "in");
  fs::copy_file(h::kGoodXml, dir / "in" / "good.xml");
  fs::create_symlink(dir / "secret.txt", dir / "in" / "shadow.xml");
  SECTION("by default: skipped with a warning, nothing of the target shown") {
    auto r = h::run_nprcheck(h::check_args({(dir / "in").string()}, dir / "out"));
    INFO(h::describe(r));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("shadow.xml: warning: a symlink in a searched folder is not followed") !=
          std::string::npos);
    CHECK(r.err.find("SECRET-FIRST-LINE") == std::string::npos);
  }
  SECTION("--follow-symlinks, or the file given by name: read, but its lines never quoted") {
    for (const auto& args :
         {h::check_args({(dir / "in").string()}, dir / "out", {"--follow-symlinks"}),
          h::check_args({(dir / "in" / "shadow.xml").string(), (dir / "in" / "good.xml").string()},
                        dir / "out")}) {
      auto r = h::run_nprcheck(args);
      INFO(h::describe(r));
      CHECK(r.exit_code == 2);
      CHECK(r.err.find("shadow.xml:1:1: error: not an XML file") != std::string::npos);
      CHECK(r.err.find("SECRET-FIRST-LINE") == std::string::npos);
    }
  }
}

TEST_CASE("units, config and waivers files that are not regular files: exit 2, named, no hang",
          "[hardening][inputs]") {
  auto dir = h::fresh_dir("special-files");
  fs::copy_file(h::kGoodXml, dir / "good.xml");
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  fs::create_directories(dir / "folder");
  fs::create_symlink("/dev/zero", dir / "zero");
  for (const char* name : {"fifo", "folder", "zero"}) {
    const std::string bad = (dir / name).string();
    SECTION(std::string("as units, config and waivers: ") + name) {
      for (const auto& args :
           {h::check_args({(dir / "good.xml").string()}, dir / "out", {"--units", bad}),
            h::check_args({(dir / "good.xml").string()}, dir / "out", {"--waivers", bad}),
            std::vector<std::string>{"check", "--config", bad}}) {
        auto r = h::run_nprcheck(args, {.timeout_seconds = 30, .env = {}, .cwd = {}});
        INFO(h::describe(r));
        CHECK_FALSE(r.timed_out);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(bad) != std::string::npos);
        CHECK(r.err.find("basic_filebuf") == std::string::npos);
        // /dev/zero read to its end grew to 826 MB; AddressSanitizer's shadow memory and
        // quarantine add about 200 MB to any run, so sanitizer builds get a looser bound.
        CHECK(r.max_rss_kb / 1024 < (h::kSanitized ? 400 : 100));
      }
    }
  }
}

TEST_CASE("units catalogue gaps: warned everywhere with reshIDs and counts, or an error",
          "[hardening][inputs]") {
  auto dir = h::fresh_dir("units-gaps");
  fs::copy_file(h::kGoodXml, dir / "good.xml");
  // E-GOOD-1 has avdeling 4200 (a level-2 unit of the catalogue), E-GOOD-2 avdeling 4300: the
  // catalogue below knows 4200 only.
  h::write_file(dir / "units.csv",
                "reshID;navn;niva2_reshID;niva2_navn;radiologi\n"
                "4210;Gastroenterologisk seksjon;4200;Medisinsk avdeling;nei\n");
  SECTION("an avdeling missing from units.csv") {
    auto r = h::run_nprcheck(h::check_args({(dir / "good.xml").string()}, dir / "out",
                                           {"--units", (dir / "units.csv").string()}));
    INFO(h::describe(r));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("warning: avdeling reshID 4300 is not in the units catalogue: 1 episode") !=
          std::string::npos);
    CHECK(r.err.find("WARNING: avdeling 4300 is not in the units catalogue (1 episodes)") !=
          std::string::npos);
    CHECK(r.err.find("avdeling reshID 4200") == std::string::npos);
    auto summary = nlohmann::json::parse(h::slurp(dir / "out" / "summary.json"));
    const auto& c = summary.at("units_catalogue");
    REQUIRE(c.at("unknown_avdelinger").size() == 1);
    CHECK(c.at("unknown_avdelinger")[0].at("reshID") == "4300");
    CHECK(c.at("unknown_avdelinger")[0].at("episodes") == 1);
    CHECK(c.at("missing_but_needed") == false);
    CHECK(h::slurp(dir / "out" / "html" / "index.html")
              .find("Avdeling 4300 finnes ikke i enhetskatalogen: 1 episode(r)") !=
          std::string::npos);
  }
  SECTION("--unknown-units error makes it exit 2") {
    auto r = h::run_nprcheck(
        h::check_args({(dir / "good.xml").string()}, dir / "out",
                      {"--units", (dir / "units.csv").string(), "--unknown-units", "error"}));
    INFO(h::describe(r));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("error: avdeling reshID 4300 is not in the units catalogue") !=
          std::string::npos);
  }
  SECTION("no --units while the BV rules run") {
    auto r = h::run_nprcheck(h::check_args({(dir / "good.xml").string()}, dir / "out"));
    INFO(h::describe(r));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("warning: no units catalogue (--units)") != std::string::npos);
    auto summary = nlohmann::json::parse(h::slurp(dir / "out" / "summary.json"));
    CHECK(summary.at("units_catalogue").at("missing_but_needed") == true);
    // Only KODE rules selected: nothing needs the catalogue, nothing to warn about.
    auto r2 = h::run_nprcheck(
        h::check_args({(dir / "good.xml").string()}, dir / "out2", {"--rule", "KODE-*"}));
    CHECK(r2.err.find("no units catalogue") == std::string::npos);
  }
}

TEST_CASE("a 32,000-code episode is checked with bounded work (KODE-007 is not quadratic)",
          "[hardening][inputs]") {
  auto dir = h::fresh_dir("many-codes");
  constexpr size_t kCodes = 32000;
  h::write_file(dir / "many.xml", episode_with_codes(kCodes));
  auto r = h::run_nprcheck(
      h::check_args({(dir / "many.xml").string()}, dir / "out", {"--rule", "KODE-007"}),
      {.timeout_seconds = 120, .env = {}, .cwd = {}});
  INFO(h::describe(r));
  CHECK(r.exit_code == 0);  // KODE-007 is a warning
  // One finding per duplicated value, each saying "2 ganger".
  CHECK(count_lines_with(dir / "out" / "findings.ndjson", "\"KODE-007\"") == kCodes / 2);
  CHECK(count_lines_with(dir / "out" / "findings.ndjson", "er registrert 2 ganger") == kCodes / 2);
  // Quadratic work took 86 s; n log n takes well under a second. A generous bound, not a timer
  // race: 20 s even on a loaded 2-core machine or under sanitizers.
  CHECK(r.seconds < (h::kSanitized ? 60 : 20));
}

TEST_CASE("a 60 MB kodeVerdi: an input error at file:line:col, bounded memory and output",
          "[hardening][inputs]") {
  auto dir = h::fresh_dir("huge-kode");
  std::string xml = episode_with_codes(2);
  const std::string needle = "kodeVerdi=\"X00000\"";
  auto at = xml.find(needle);
  REQUIRE(at != std::string::npos);
  xml.replace(at, needle.size(), "kodeVerdi=\"" + std::string(60u << 20, 'K') + "\"");
  h::write_file(dir / "huge.xml", xml);
  xml.clear();
  xml.shrink_to_fit();
  fs::copy_file(h::kGoodXml, dir / "good.xml");
  auto r = h::run_nprcheck(
      h::check_args({(dir / "huge.xml").string(), (dir / "good.xml").string()}, dir / "out"));
  INFO(h::describe(r));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("huge.xml:11:") != std::string::npos);
  CHECK(r.err.find("value of 'kodeVerdi' on <Kode> is 62914560 bytes long (at most 32)") !=
        std::string::npos);
  CHECK(r.max_rss_kb / 1024 < kRssLimitMb);
  CHECK(h::findings_of_file(dir / "out", "good.xml").size() == 2);
  for (const auto& [name, content] : h::all_files(dir / "out")) {
    INFO(name);
    CHECK(content.size() < (1u << 20));
  }
}
