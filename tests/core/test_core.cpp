// Core: dates, diagnostics, hashing, findings order and fingerprints.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "nprcheck/date.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/finding.hpp"
#include "nprcheck/hash.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/status.hpp"
#include "nprcheck/suggest.hpp"

using namespace nprcheck;

TEST_CASE("parse_date_time accepts xs:dateTime and xs:date") {
  auto dt = parse_date_time("2017-03-02T08:15:00");
  REQUIRE(dt);
  CHECK(dt->to_string() == "2017-03-02T08:15:00");
  CHECK(dt->year() == 2017);
  auto d = parse_date_time("2017-03-02");
  REQUIRE(d);
  CHECK(d->day() == dt->day());
  CHECK(*d < *dt);
  CHECK(parse_date_time("2017-03-02T08:15")->to_string() == "2017-03-02T08:15:00");
  CHECK(parse_date_time("2017-03-02T08:15:00.123+01:00"));
  CHECK(parse_date_time("2016-02-29"));
}

TEST_CASE("parse_date_time rejects dates that do not exist and garbage") {
  CHECK_FALSE(parse_date_time("2017-02-30"));
  CHECK_FALSE(parse_date_time("0000-00-00"));
  CHECK_FALSE(parse_date_time("2017-02-29"));
  CHECK_FALSE(parse_date_time("2017-13-01"));
  CHECK_FALSE(parse_date_time("02.03.2017"));
  CHECK_FALSE(parse_date_time("2017-03-02T25:00"));
  CHECK_FALSE(parse_date_time("2017-03-02x"));
  CHECK_FALSE(parse_date_time(""));
}

TEST_CASE("days_from_civil round-trips through DateTime") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2017, 1, 1) == 17167);
  DateTime d{int64_t{days_from_civil(2015, 12, 31)} * 86400};
  CHECK(d.date_string() == "2015-12-31");
}

TEST_CASE("format_diagnostic renders file:line:col, the line and a caret") {
  Diagnostic d{DiagnosticLevel::kError, "rules/bv/BV-001.yaml",  7, 12,
               "unknown field 'x'",     "assert: prosedyre.kode"};
  CHECK(format_diagnostic(d) ==
        "rules/bv/BV-001.yaml:7:12: error: unknown field 'x'\n"
        "  assert: prosedyre.kode\n"
        "             ^");
  Diagnostic whole{DiagnosticLevel::kWarning, "a.csv", 0, 0, "empty", ""};
  CHECK(format_diagnostic(whole) == "a.csv: warning: empty");
}

TEST_CASE("excerpt_line picks the line and clips long ones") {
  CHECK(excerpt_line("a\nbc\r\nd", 2) == "bc");
  CHECK(excerpt_line("a\nb", 3).empty());
  std::string long_line(1000, 'x');
  CHECK(excerpt_line(long_line, 1, 500, 100).size() == 100);
}

TEST_CASE("Diagnostics counts errors only") {
  Diagnostics diags;
  diags.warning("f", 1, 1, "w");
  CHECK_FALSE(diags.has_errors());
  diags.error("f", 2, 1, "e");
  CHECK(diags.error_count() == 1);
  CHECK(diags.all().size() == 2);
}

namespace {

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* k448Bits = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr const char* k448Digest =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
constexpr const char* k896Bits =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopq"
    "r"
    "smnopqrstnopqrstu";
constexpr const char* k896Digest =
    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1";
constexpr const char* kMillionA =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

/// SHA-256 of `data` fed in pieces of `piece` bytes.
std::string digest_in_pieces(std::string_view data, size_t piece) {
  Sha256 h;
  for (size_t at = 0; at < data.size(); at += piece) h.update(data.substr(at, piece));
  return h.hex_digest();
}

}  // namespace

TEST_CASE("sha256 matches the FIPS 180-4 test vectors", "[core][hash]") {
  CHECK(sha256_hex("") == kEmpty);
  CHECK(sha256_hex("abc") == kAbc);
  CHECK(sha256_hex(k448Bits) == k448Digest);  // 56 bytes: the length no longer fits the block
  CHECK(sha256_hex(k896Bits) == k896Digest);
  CHECK(sha256_hex(std::string(1000000, 'a')) == kMillionA);
  // Nothing fed at all, and empty pieces, are the empty message.
  CHECK(Sha256().hex_digest() == kEmpty);
  Sha256 empty_pieces;
  empty_pieces.update("", 0);
  empty_pieces.update(std::string_view{});
  CHECK(empty_pieces.hex_digest() == kEmpty);
}

TEST_CASE("sha256: one million 'a' fed in many updates", "[core][hash]") {
  const std::string million(1000000, 'a');
  CHECK(digest_in_pieces(million, 1000) == kMillionA);  // 1000 updates of 1000 bytes
  CHECK(digest_in_pieces(million, 7) == kMillionA);     // pieces that straddle every block edge
  CHECK(digest_in_pieces(million, 64) == kMillionA);    // exactly one block per update
}

TEST_CASE("sha256: a message split at every point gives the same digest", "[core][hash]") {
  for (auto [text, want] : {std::pair{k448Bits, k448Digest}, std::pair{k896Bits, k896Digest}}) {
    const std::string_view m = text;
    for (size_t k = 0; k <= m.size(); ++k) {
      INFO("message of " << m.size() << " bytes split at " << k);
      Sha256 h;
      h.update(m.substr(0, k));
      h.update(m.substr(k));
      CHECK(h.hex_digest() == want);
      // Three pieces: the second one ends around the 55/56/64-byte edges of the first block.
      for (size_t j : {55, 56, 57, 63, 64, 65}) {
        if (j < k || j > m.size()) continue;
        Sha256 three;
        three.update(m.substr(0, k));
        three.update(m.substr(k, j - k));
        three.update(m.substr(j));
        CHECK(three.hex_digest() == want);
      }
    }
  }
}

TEST_CASE("sha256: lengths around the padding and block edges", "[core][hash]") {
  // n times 'a'; digests from GNU coreutils sha256sum (an implementation of its own).
  const std::vector<std::pair<size_t, std::string>> cases = {
      {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"},
      {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
      {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
      {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
      {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
      {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
  };
  for (const auto& [n, want] : cases) {
    INFO(n << " bytes");
    const std::string m(n, 'a');
    CHECK(sha256_hex(m) == want);
    CHECK(digest_in_pieces(m, 1) == want);
    CHECK(digest_in_pieces(m, 55) == want);
    CHECK(digest_in_pieces(m, 56) == want);
  }
}

TEST_CASE("sha256: a hasher starts over after its digest, and moves", "[core][hash]") {
  Sha256 h;
  h.update("abc");
  CHECK(h.hex_digest() == kAbc);
  CHECK(h.hex_digest() == kEmpty);  // started over
  h.update("ab");
  Sha256 moved(std::move(h));  // the state goes along
  moved.update("c");
  CHECK(moved.hex_digest() == kAbc);
  // A moved-from hasher is a new one.
  h.update("abc");  // NOLINT(bugprone-use-after-move)
  CHECK(h.hex_digest() == kAbc);
  Sha256 assigned;
  assigned.update("xyz");
  moved.update("a");
  assigned = std::move(moved);  // the old state is dropped
  assigned.update("bc");
  CHECK(assigned.hex_digest() == kAbc);
}

TEST_CASE("sha256_file hashes a file's bytes", "[core][hash]") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("nprcheck-hash-test-" + std::to_string(::getpid()) + ".bin");
  {
    std::ofstream out(path, std::ios::binary);
    // More than one 64 KiB read, and not a multiple of it.
    for (int i = 0; i < 70000; ++i) out.put(static_cast<char>(i * 131 & 0xFF));
  }
  std::string bytes;
  for (int i = 0; i < 70000; ++i) bytes += static_cast<char>(i * 131 & 0xFF);
  auto digest = sha256_file(path);
  std::filesystem::remove(path);
  REQUIRE(digest);
  CHECK(*digest == sha256_hex(bytes));
  CHECK(*digest == digest_in_pieces(bytes, 1000));
  CHECK_FALSE(sha256_file(path));  // gone: an error, not a digest
}

TEST_CASE("Result carries a value or a status") {
  Result<int> ok = 3;
  REQUIRE(ok);
  CHECK(*ok == 3);
  Result<int> bad = Status::invalid_input("x.xml:3:1: bad");
  REQUIRE_FALSE(bad);
  CHECK(bad.status().code() == StatusCode::kInvalidInput);
}

TEST_CASE("findings order by file, episode, rule, object; fingerprints key on codes") {
  Finding a;
  a.rule_id = "BV-002";
  a.episode_id = "E1";
  a.codes = {{"JJX00", KodeSystem::kNcsp, 2017, ""}, {"ZXM00", KodeSystem::kNcsp, 2017, ""}};
  Finding b = a;
  b.rule_id = "BV-001";
  CHECK(finding_less(b, a));
  b.episode_sequence = 1;
  CHECK(finding_less(a, b));
  Finding c = a;
  c.message = "other text";
  CHECK(fingerprint(a) == fingerprint(c));
  c.codes.pop_back();
  CHECK(fingerprint(a) != fingerprint(c));
  Finding d = a;
  d.rule_version = 2;
  CHECK(fingerprint(a) != fingerprint(d));
}

TEST_CASE("severity names parse back") {
  Severity s{};
  REQUIRE(parse_severity("warning", s));
  CHECK(s == Severity::kWarning);
  CHECK(std::string(severity_name(Severity::kError)) == "error");
  CHECK_FALSE(parse_severity("fatal", s));
}

TEST_CASE("suggest: the closest name within a third of the word's length", "[core][suggest]") {
  const std::vector<std::string> names = {"prosedyre.koder", "prosedyre.hovedkode", "episode.id"};
  CHECK(nprcheck::edit_distance("kitten", "sitting") == 3);
  CHECK(nprcheck::edit_distance("", "abc") == 3);
  CHECK(nprcheck::closest_name("prosedyre.kode", names) == "prosedyre.koder");
  CHECK(nprcheck::closest_name("episode.idd", names) == "episode.id");
  CHECK(nprcheck::closest_name("pasient.kjonn", names).empty());  // nothing close
  CHECK(nprcheck::closest_name("episode.id", names).empty());     // an exact match is no hint
  // A huge unknown word (a fuzzer's favourite) is compared by length only, and has no match.
  CHECK(nprcheck::closest_name(std::string(200000, 'x'), names).empty());
}

TEST_CASE("find_enhet: the first Enhet of an id, indexed or not", "[core][model]") {
  MeldingInfo m;
  m.enheter = {Enhet{"11", "5210", "a", "", 1}, Enhet{"2", "4002", "b", "", 2},
               Enhet{"11", "9999", "c", "", 3}, Enhet{"1", "4001", "d", "", 4}};
  for (bool indexed : {false, true}) {
    if (indexed) m.index_enheter();
    CHECK(m.enhet_index.empty() == !indexed);
    REQUIRE(m.find_enhet("11") != nullptr);
    CHECK(m.find_enhet("11")->resh_id == "5210");  // document order among duplicates
    REQUIRE(m.find_enhet("1") != nullptr);
    CHECK(m.find_enhet("1")->resh_id == "4001");
    REQUIRE(m.find_enhet("2") != nullptr);
    CHECK(m.find_enhet("2")->line == 2);
    CHECK(m.find_enhet("3") == nullptr);
    CHECK(m.find_enhet("") == nullptr);
    CHECK(m.find_enhet("111") == nullptr);
  }
  // An Enhet added after indexing is still found (the index no longer matches: a scan).
  m.enheter.push_back(Enhet{"7", "4200", "e", "", 5});
  REQUIRE(m.find_enhet("7") != nullptr);
  CHECK(m.find_enhet("7")->resh_id == "4200");
}
