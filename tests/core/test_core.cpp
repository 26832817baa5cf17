// Core: dates, diagnostics, hashing, findings order and fingerprints.
#include <catch2/catch.hpp>

#include "nprcheck/date.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/finding.hpp"
#include "nprcheck/hash.hpp"
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

TEST_CASE("sha256 matches the FIPS 180-4 test vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string million(1000000, 'a');
  CHECK(sha256_hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
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

TEST_CASE("sha256: the CPU's SHA extensions and the portable code agree on every length",
          "[core][hash]") {
  // Bytes that are not all alike, lengths around the 64-byte block and the 56-byte padding
  // limit, and a long input fed in uneven pieces (the partial-buffer path).
  std::string data;
  for (size_t i = 0; i < 5000; ++i) data += static_cast<char>((i * 131 + i / 7) & 0xFF);
  auto digest = [&](size_t n, size_t piece) {
    nprcheck::Sha256 h;
    for (size_t at = 0; at < n; at += piece) h.update(data.data() + at, std::min(piece, n - at));
    return h.hex_digest();
  };
  std::vector<std::string> with_cpu, portable;
  for (bool force : {false, true}) {
    nprcheck::sha256_force_portable(force);
    auto& out = force ? portable : with_cpu;
    for (size_t n : {0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4999, 5000}) {
      out.push_back(digest(n, n == 0 ? 1 : n));  // one piece
      out.push_back(digest(n, 7));               // uneven pieces
    }
  }
  nprcheck::sha256_force_portable(false);
  CHECK(with_cpu == portable);
  nprcheck::sha256_force_portable(true);
  CHECK_FALSE(nprcheck::sha256_uses_cpu_extensions());
  CHECK(nprcheck::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  nprcheck::sha256_force_portable(false);
  // The machine's choice is reported (both are right; the benchmark notes which one ran).
  INFO("SHA extensions in use: " << nprcheck::sha256_uses_cpu_extensions());
  CHECK(nprcheck::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
