// Bad inputs too large (or too odd) to commit, generated at test time into a temporary folder:
// deep nesting, a 100 MB attribute, gzip bombs, a truncated gzip stream, files that cannot be
// read, FIFOs, directories where files belong, output folders that cannot be written, a full
// disk. Each must end with a clear message, in bounded memory and time, without a crash, with
// the good extract beside it still checked, and without partial output.
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hardening_util.hpp"

namespace h = nprcheck::hardening;
namespace fs = std::filesystem;

namespace {

// Peak memory allowed for a run over a hostile input. The reader works on chunks of at most
// 64 MB (ReaderLimits::max_chunk_bytes); AddressSanitizer adds shadow memory and a quarantine,
// so sanitizer builds get a looser bound (and a smaller quarantine).
constexpr long kRssLimitMb = h::kSanitized ? 900 : 300;
const std::map<std::string, std::string> kChildEnv = {
    {"ASAN_OPTIONS", "quarantine_size_mb=16:detect_leaks=1:abort_on_error=0"}};

const std::string kHead = R"(<?xml version="1.0" encoding="UTF-8"?>
<Melding xmlns="http://www.npr.no/xmlstds/57_0_1_ord" versjon="57.0.1"
         meldingstype="NPR_ORD" fraDatoPeriode="2017-03-01"
         tilDatoPeriode="2017-03-31" uttakDato="2017-04-02" navnEPJ="DIPS">
  <Institusjon institusjonID="983974724">
    <Enhet enhetID="1" reshID="4001" enhetLokal="Haukeland"/>
    <Enhet enhetID="2" reshID="4210" enhetLokal="Gastroenterologi"/>
    <Enhet enhetID="3" reshID="4200" enhetLokal="Medisinsk avdeling"/>
)";
const std::string kTail = "  </Institusjon>\n</Melding>\n";

/// One patient with one episode; `inside` goes into the Episode element, `attr` onto it.
std::string objektholder(int n, const std::string& inside = "", const std::string& attr = "") {
  std::string id = std::to_string(n);
  return "    <Objektholder pasientNr=\"" + id + "\">\n      <Pasient pasientNr=\"" + id +
         "\" kjonn=\"2\" fodselsar=\"1957\"/>\n      <Episode episodeID=\"E-GEN-" + id +
         "\" innDatoTid=\"2017-03-02T08:15:00\" utDatoTid=\"2017-03-02T11:40:00\" "
         "omsorgsniva=\"3\" innmateHast=\"4\"" +
         attr +
         ">\n        <RefEnhet enhetID=\"1\" typeEnhet=\"1\"/>\n"
         "        <RefEnhet enhetID=\"2\" typeEnhet=\"2\"/>\n"
         "        <RefEnhet enhetID=\"3\" typeEnhet=\"7\"/>\n"
         "        <Tilstand tilstNr=\"1\">\n"
         "          <Kode kodeNr=\"1\" kodeverk=\"D\" kodeVersjon=\"2017\" kodeVerdi=\"A90\"/>\n"
         "        </Tilstand>\n" +
         inside + "      </Episode>\n    </Objektholder>\n";
}

/// Writes a large file in pieces: `fill(put)`.
template <typename Fill>
void write_big(const fs::path& p, Fill fill) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  auto put = [&](std::string_view s) {
    out.write(s.data(), static_cast<std::streamsize>(s.size()));
  };
  fill(put);
}

/// Puts `n` bytes of `c` through `put`, 1 MB at a time.
template <typename Put>
void repeat(Put& put, char c, uint64_t n) {
  const std::string block(1 << 20, c);
  for (; n >= block.size(); n -= block.size()) put(block);
  put(std::string_view(block).substr(0, n));
}

/// Episodes with findings from `file` in OUT (by episode id prefix).
size_t findings_with_episode(const fs::path& out, const std::string& episode_prefix) {
  size_t n = 0;
  std::ifstream in(out / "findings.ndjson");
  std::string line;
  while (std::getline(in, line)) {
    auto f = nlohmann::json::parse(line);
    if (f.at("episode").get<std::string>().rfind(episode_prefix, 0) == 0) ++n;
  }
  return n;
}

/// Runs check on `bad` then the good extract; the common assertions.
h::ChildResult check_with_good(const fs::path& dir, const std::vector<std::string>& bad,
                               int timeout_seconds = 300) {
  fs::copy_file(h::kGoodXml, dir / "good.xml", fs::copy_options::overwrite_existing);
  std::vector<std::string> inputs = bad;
  inputs.push_back((dir / "good.xml").string());
  auto r = h::run_nprcheck(h::check_args(inputs, dir / "out"),
                           {.timeout_seconds = timeout_seconds, .env = kChildEnv, .cwd = {}});
  return r;
}

void check_sane(const h::ChildResult& r, const fs::path& out) {
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 0);
  CHECK_FALSE(h::has_sanitizer_report(r.err));
  CHECK(r.exit_code >= 0);
  CHECK(r.exit_code <= 2);
  if (fs::exists(out)) CHECK(h::leftover_stages(out).empty());
}

/// The good extract's two planted findings are in OUT.
void check_good_checked(const fs::path& out) { CHECK(findings_with_episode(out, "E-GOOD-") == 2); }

}  // namespace

TEST_CASE("deep nesting (10 000 and 200 000 levels): read or refused, no stack overflow",
          "[hardening][generated]") {
  auto dir = h::fresh_dir("deep");
  struct Variant {
    const char* name;
    int depth;
  };
  for (Variant v : {Variant{"unknown-10k", 10000}, Variant{"unknown-200k", 200000}}) {
    SECTION(std::string("unknown elements inside an Episode, ") + v.name) {
      fs::path bad = dir / (std::string(v.name) + ".xml");
      std::string deep;
      deep.reserve(static_cast<size_t>(v.depth) * 7 + 1);
      for (int i = 0; i < v.depth; ++i) deep += "<x>";
      for (int i = 0; i < v.depth; ++i) deep += "</x>";
      h::write_file(bad, kHead + objektholder(1) + objektholder(2, deep + "\n") + kTail);
      auto r = check_with_good(dir, {bad.string()});
      INFO(h::describe(r));
      check_sane(r, dir / "out");
      CHECK(r.max_rss_kb / 1024 < kRssLimitMb);
      REQUIRE(fs::exists(dir / "out" / "findings.ndjson"));
      check_good_checked(dir / "out");
      CHECK(findings_with_episode(dir / "out", "E-GEN-1") == 1);  // the patient before it
    }
    SECTION(std::string("nested Objektholder/Episode elements, ") + v.name) {
      fs::path bad = dir / (std::string("nested-") + v.name + ".xml");
      write_big(bad, [&](auto& put) {
        put(kHead);
        put("    <Objektholder pasientNr=\"1\"><Pasient pasientNr=\"1\" kjonn=\"2\" "
            "fodselsar=\"1957\"/>\n");
        for (int i = 0; i < v.depth; ++i) {
          put("<Episode episodeID=\"E-DEEP-" + std::to_string(i) +
              "\" innDatoTid=\"2017-03-02\"><Tjeneste><Tiltak typeTiltak=\"2\">");
        }
        for (int i = 0; i < v.depth; ++i) put("</Tiltak></Tjeneste></Episode>");
        put("</Objektholder>\n");
        put(kTail);
      });
      auto r = check_with_good(dir, {bad.string()});
      INFO(h::describe(r));
      check_sane(r, dir / "out");
      CHECK(r.max_rss_kb / 1024 < kRssLimitMb);
      REQUIRE(fs::exists(dir / "out" / "findings.ndjson"));
      check_good_checked(dir / "out");
    }
  }
}

TEST_CASE("a 100 MB attribute: refused or read in bounded memory", "[hardening][generated]") {
  auto dir = h::fresh_dir("big-attribute");
  constexpr uint64_t kSize = 100ull << 20;
  SECTION("episodeID of 100 MB inside an Objektholder") {
    fs::path bad = dir / "big-episode-id.xml";
    write_big(bad, [&](auto& put) {
      put(kHead);
      put(objektholder(1));
      std::string o = objektholder(2);
      auto at = o.find("E-GEN-2");
      put(o.substr(0, at));
      repeat(put, 'A', kSize);
      put(o.substr(at));
      put(objektholder(3));
      put(kTail);
    });
    auto r = check_with_good(dir, {bad.string()});
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.max_rss_kb / 1024 < kRssLimitMb);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("big-episode-id.xml:") != std::string::npos);
    REQUIRE(fs::exists(dir / "out" / "findings.ndjson"));
    check_good_checked(dir / "out");
    CHECK(findings_with_episode(dir / "out", "E-GEN-1") == 1);
    // The huge value is nowhere in the outputs.
    for (const auto& [name, content] : h::all_files(dir / "out")) {
      INFO(name);
      CHECK(content.size() < (10u << 20));
    }
  }
  SECTION("enhetLokal of 100 MB in the header") {
    fs::path bad = dir / "big-enhet-lokal.xml";
    write_big(bad, [&](auto& put) {
      std::string head = kHead;
      auto at = head.find("Gastroenterologi");
      put(head.substr(0, at));
      repeat(put, 'B', kSize);
      put(head.substr(at));
      put(objektholder(1));
      put(kTail);
    });
    auto r = check_with_good(dir, {bad.string()});
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.max_rss_kb / 1024 < kRssLimitMb);
    REQUIRE(fs::exists(dir / "out" / "findings.ndjson"));
    check_good_checked(dir / "out");
    for (const auto& [name, content] : h::all_files(dir / "out")) {
      INFO(name);
      CHECK(content.size() < (10u << 20));
    }
  }
  SECTION("100 MB of text in an unknown element") {
    fs::path bad = dir / "big-text.xml";
    write_big(bad, [&](auto& put) {
      put(kHead);
      put(objektholder(1));
      std::string o = objektholder(2);
      auto at = o.find("      </Episode>");
      put(o.substr(0, at));
      put("<Merknad>");
      repeat(put, 'C', kSize);
      put("</Merknad>\n");
      put(o.substr(at));
      put(objektholder(3));
      put(kTail);
    });
    auto r = check_with_good(dir, {bad.string()});
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.max_rss_kb / 1024 < kRssLimitMb);
    REQUIRE(fs::exists(dir / "out" / "findings.ndjson"));
    check_good_checked(dir / "out");
    CHECK(findings_with_episode(dir / "out", "E-GEN-1") == 1);
    CHECK(findings_with_episode(dir / "out", "E-GEN-3") == 1);
  }
}

TEST_CASE("gzip bombs: streamed or refused within the memory bound", "[hardening][generated]") {
  auto dir = h::fresh_dir("gzip");
  constexpr uint64_t kWhitespace = 1ull << 30;  // 1 GB inflated, about 1 MB compressed
  SECTION("1 GB of whitespace between two patients (legal XML: streamed)") {
    fs::path bomb = dir / "between.xml.gz";
    REQUIRE(h::write_gzip(bomb, [&](auto& put) {
      put(kHead);
      put(objektholder(1));
      repeat(put, ' ', kWhitespace);
      put(objektholder(2));
      put(kTail);
    }));
    CHECK(fs::file_size(bomb) < (4u << 20));
    auto r = check_with_good(dir, {bomb.string()}, 600);
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.max_rss_kb / 1024 < kRssLimitMb);
    REQUIRE(fs::exists(dir / "out" / "findings.ndjson"));
    check_good_checked(dir / "out");
    CHECK(findings_with_episode(dir / "out", "E-GEN-1") == 1);
    // Whitespace between elements is well-formed: the patient after it is read too, unless the
    // reader refused the file as a whole with a clear message.
    if (r.exit_code != 2) CHECK(findings_with_episode(dir / "out", "E-GEN-2") == 1);
  }
  SECTION("1 GB of whitespace inside one Episode (beyond the chunk limit)") {
    fs::path bomb = dir / "inside.xml.gz";
    REQUIRE(h::write_gzip(bomb, [&](auto& put) {
      put(kHead);
      put(objektholder(1));
      std::string o = objektholder(2);
      auto at = o.find("      </Episode>");
      put(o.substr(0, at));
      repeat(put, ' ', kWhitespace);
      put(o.substr(at));
      put(objektholder(3));
      put(kTail);
    }));
    auto r = check_with_good(dir, {bomb.string()}, 600);
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.max_rss_kb / 1024 < kRssLimitMb);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("inside.xml.gz") != std::string::npos);
    CHECK(r.err.find("NOT FULLY CHECKED: " + bomb.string()) != std::string::npos);
    REQUIRE(fs::exists(dir / "out" / "findings.ndjson"));
    check_good_checked(dir / "out");
    CHECK(findings_with_episode(dir / "out", "E-GEN-1") == 1);
  }
  SECTION("1 GB of whitespace in the header, before the first patient") {
    fs::path bomb = dir / "header.xml.gz";
    REQUIRE(h::write_gzip(bomb, [&](auto& put) {
      std::string head = kHead;
      auto at = head.find("    <Enhet enhetID=\"2\"");
      put(head.substr(0, at));
      repeat(put, '\n', kWhitespace);
      put(head.substr(at));
      put(objektholder(1));
      put(kTail);
    }));
    auto r = check_with_good(dir, {bomb.string()}, 600);
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.max_rss_kb / 1024 < kRssLimitMb);
    REQUIRE(fs::exists(dir / "out" / "findings.ndjson"));
    check_good_checked(dir / "out");
  }
  SECTION("a truncated gzip stream") {
    fs::path whole = dir / "whole.xml.gz";
    REQUIRE(h::write_gzip(whole, [&](auto& put) {
      put(kHead);
      for (int i = 1; i <= 200; ++i) put(objektholder(i));
      put(kTail);
    }));
    std::string bytes = h::slurp(whole);
    fs::path cut = dir / "truncated.xml.gz";
    h::write_file(cut, bytes.substr(0, bytes.size() / 2));
    auto r = check_with_good(dir, {cut.string()});
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("truncated.xml.gz") != std::string::npos);
    CHECK(r.err.find("NOT FULLY CHECKED: " + cut.string()) != std::string::npos);
    check_good_checked(dir / "out");
  }
  SECTION("a gzip stream with a corrupt block, and one with garbage after it") {
    fs::path whole = dir / "whole.xml.gz";
    REQUIRE(h::write_gzip(whole, [&](auto& put) {
      put(kHead);
      for (int i = 1; i <= 200; ++i) put(objektholder(i));
      put(kTail);
    }));
    std::string bytes = h::slurp(whole);
    std::string corrupt = bytes;
    for (size_t i = corrupt.size() / 3; i < corrupt.size() / 3 + 64; ++i) corrupt[i] ^= 0x5a;
    h::write_file(dir / "corrupt.xml.gz", corrupt);
    h::write_file(dir / "trailing.xml.gz", bytes + "this is not gzip\n");
    auto r = check_with_good(
        dir, {(dir / "corrupt.xml.gz").string(), (dir / "trailing.xml.gz").string()});
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("corrupt.xml.gz") != std::string::npos);
    CHECK(r.err.find("NOT FULLY CHECKED: " + (dir / "corrupt.xml.gz").string()) !=
          std::string::npos);
    check_good_checked(dir / "out");
  }
  SECTION("plain XML named .xml.gz, and gzip named .xml: detected by content") {
    fs::copy_file(h::kGoodXml, dir / "plain.xml.gz");
    std::string good = h::slurp(h::kGoodXml);
    REQUIRE(h::write_gzip(dir / "packed.xml", [&](auto& put) { put(good); }));
    auto r = h::run_nprcheck(
        h::check_args({(dir / "plain.xml.gz").string(), (dir / "packed.xml").string()},
                      dir / "out"),
        {.timeout_seconds = 300, .env = kChildEnv, .cwd = {}});
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.exit_code == 1);
    CHECK(findings_with_episode(dir / "out", "E-GOOD-") == 4);
  }
}

TEST_CASE("files that cannot be read: a clear error, the others still checked",
          "[hardening][generated]") {
  auto dir = h::fresh_dir("unreadable");
  // Tests run as root in CI, where chmod 000 does not stop reading. /proc/self/mem opens (it is
  // a regular file to stat) but reading it at offset 0 fails with EIO: a file that cannot be
  // read whoever you are.
  SECTION("a symlink to /proc/self/mem (read fails with EIO)") {
    fs::create_symlink("/proc/self/mem", dir / "eio.xml");
    auto r = check_with_good(dir, {(dir / "eio.xml").string()});
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("eio.xml") != std::string::npos);
    CHECK(r.err.find("NOT FULLY CHECKED: " + (dir / "eio.xml").string()) != std::string::npos);
    check_good_checked(dir / "out");
  }
  SECTION("a symlink loop and a dangling symlink") {
    fs::create_symlink(dir / "loop.xml", dir / "loop.xml");
    fs::create_symlink(dir / "nowhere", dir / "dangling.xml");
    auto r = check_with_good(dir, {(dir / "loop.xml").string(), (dir / "dangling.xml").string()});
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("loop.xml") != std::string::npos);
    CHECK(r.err.find("dangling.xml") != std::string::npos);
    check_good_checked(dir / "out");
  }
  SECTION("a file without read permission (only when not root)") {
    if (::geteuid() == 0) {
      SUCCEED("running as root: chmod 000 does not stop root; covered by /proc/self/mem");
    } else {
      h::write_file(dir / "secret.xml", h::slurp(h::kGoodXml));
      fs::permissions(dir / "secret.xml", fs::perms::none);
      auto r = check_with_good(dir, {(dir / "secret.xml").string()});
      INFO(h::describe(r));
      check_sane(r, dir / "out");
      CHECK(r.exit_code == 2);
      CHECK(r.err.find("secret.xml") != std::string::npos);
      check_good_checked(dir / "out");
    }
  }
  SECTION("/dev/zero and /dev/urandom named as inputs (endless streams)") {
    fs::create_symlink("/dev/zero", dir / "zero.xml");
    fs::create_symlink("/dev/urandom", dir / "random.xml.gz");
    auto r =
        check_with_good(dir, {(dir / "zero.xml").string(), (dir / "random.xml.gz").string()}, 300);
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.max_rss_kb / 1024 < kRssLimitMb);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("zero.xml") != std::string::npos);
    CHECK(r.err.find("random.xml.gz") != std::string::npos);
    check_good_checked(dir / "out");
  }
}

TEST_CASE("a directory where a file belongs, and FIFOs", "[hardening][generated]") {
  auto dir = h::fresh_dir("not-a-file");
  SECTION("a directory named x.xml given as an input") {
    fs::create_directories(dir / "x.xml");
    auto r = check_with_good(dir, {(dir / "x.xml").string()});
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    // A folder is searched for extracts: x.xml/ holds none, which is reported.
    CHECK(r.err.find("x.xml") != std::string::npos);
    check_good_checked(dir / "out");
  }
  SECTION("a directory named x.xml inside a searched folder is not read as a file") {
    fs::create_directories(dir / "in" / "x.xml");
    fs::create_directories(dir / "in" / "y.xml.gz");
    fs::copy_file(h::kGoodXml, dir / "in" / "good.xml");
    auto r = h::run_nprcheck(h::check_args({(dir / "in").string()}, dir / "out"));
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.exit_code == 1);
    check_good_checked(dir / "out");
  }
  SECTION("a FIFO nobody writes to, inside a searched folder: skipped, no hang") {
    fs::create_directories(dir / "in");
    REQUIRE(::mkfifo((dir / "in" / "pipe.xml").c_str(), 0600) == 0);
    fs::copy_file(h::kGoodXml, dir / "in" / "good.xml");
    auto r = h::run_nprcheck(h::check_args({(dir / "in").string()}, dir / "out"),
                             {.timeout_seconds = 60, .env = {}, .cwd = {}});
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    check_good_checked(dir / "out");
  }
  SECTION("a FIFO named as an input, fed once by a writer: read or refused, no hang") {
    fs::path fifo = dir / "fed.xml";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::string good = h::slurp(h::kGoodXml);
    std::atomic<bool> finished{false};
    ::signal(SIGPIPE, SIG_IGN);  // nprcheck may close the FIFO before all of it was written
    std::thread writer([&] {
      // Opening for writing without a reader fails (ENXIO): retry until nprcheck opens the FIFO
      // for reading, or until it has finished without ever opening it (it refused the FIFO).
      while (!finished) {
        int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0) {
          ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
          size_t done = 0;
          while (done < good.size()) {
            ssize_t n = ::write(fd, good.data() + done, good.size() - done);
            if (n <= 0) break;
            done += static_cast<size_t>(n);
          }
          ::close(fd);
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    auto r = h::run_nprcheck(h::check_args({fifo.string(), h::kGoodXml}, dir / "out"),
                             {.timeout_seconds = 90, .env = {}, .cwd = {}});
    finished = true;
    writer.join();
    INFO(h::describe(r));
    check_sane(r, dir / "out");
    CHECK(r.exit_code >= 1);
    CHECK(findings_with_episode(dir / "out", "E-GOOD-") >= 2);
  }
}

TEST_CASE("output folders that cannot be written: exit 2, a clear message, nothing half-done",
          "[hardening][generated]") {
  auto dir = h::fresh_dir("bad-out");
  h::write_file(dir / "a-file", "not a folder\n");
  struct Case {
    std::string out;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"/proc/nprcheck-cannot-write", "cannot create output directory"},
      {"/proc/self", "nprcheck did not create it"},
      {(dir / "a-file").string(), "not a directory"},
      {(dir / "a-file" / "below").string(), "cannot create output directory"},
      {"/dev/null", "not a directory"},
  };
  for (const auto& c : cases) {
    SECTION("--out " + c.out) {
      auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, c.out));
      INFO(h::describe(r));
      CHECK_FALSE(r.timed_out);
      CHECK(r.signal == 0);
      CHECK_FALSE(h::has_sanitizer_report(r.err));
      CHECK(r.exit_code == 2);
      CHECK(r.err.find(c.message) != std::string::npos);
      CHECK(r.err.find("no reports written") != std::string::npos);
    }
  }
  CHECK(h::slurp(dir / "a-file") == "not a folder\n");
}

TEST_CASE("a full disk (file-size limit): exit 2, previous reports intact, no staging left",
          "[hardening][generated]") {
  auto dir = h::fresh_dir("full-disk");
  fs::path out = dir / "out";
  // The previous night's reports.
  auto first =
      h::run_nprcheck(h::check_args({h::kGoodXml}, out, {"--format", "html,csv,sarif,junit"}));
  INFO(h::describe(first));
  REQUIRE(first.exit_code == 1);
  const auto previous = h::all_files(out);
  REQUIRE(previous.count("findings.ndjson") == 1);
  // Tonight's extract is larger: 3,000 patients, each with a finding.
  fs::path big = dir / "big.xml";
  write_big(big, [&](auto& put) {
    put(kHead);
    for (int i = 1; i <= 3000; ++i) put(objektholder(i));
    put(kTail);
  });
  // `ulimit -f` (1 KB blocks in bash) makes writes beyond the limit fail with EFBIG; ignoring
  // SIGXFSZ turns the signal into that error. Several limits, so that different writers fail.
  for (int limit_kb : {16, 1000, 2000}) {  // 2000: findings.ndjson fits, findings.sarif not
    SECTION("ulimit -f " + std::to_string(limit_kb)) {
      std::vector<std::string> argv = {
          "/bin/bash", "-c",
          "ulimit -f " + std::to_string(limit_kb) + "; trap '' XFSZ; exec \"$0\" \"$@\"",
          h::kBinary};
      auto args = h::check_args({big.string()}, out, {"--format", "html,csv,sarif,junit"});
      argv.insert(argv.end(), args.begin(), args.end());
      auto r = h::run_child(argv, {.timeout_seconds = 300, .env = kChildEnv, .cwd = {}});
      INFO(h::describe(r));
      CHECK_FALSE(r.timed_out);
      CHECK(r.signal == 0);
      CHECK_FALSE(h::has_sanitizer_report(r.err));
      CHECK(r.exit_code == 2);
      CHECK(r.err.find("no reports written") != std::string::npos);
      // Names what failed (a file in OUT), says why.
      CHECK(r.err.find(out.string()) != std::string::npos);
      CHECK(h::leftover_stages(out).empty());
      CHECK(h::all_files(out) == previous);
    }
  }
}
