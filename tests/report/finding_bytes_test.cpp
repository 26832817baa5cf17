// The exact bytes of a finding's JSON line for tricky values (pinned from the nlohmann::json
// writer it replaced), the direct JSON writer against nlohmann::json on random bytes, and the
// spill records a run writes beside findings.ndjson against a round trip through it.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "finding_line.hpp"
#include "finding_spill.hpp"
#include "json_writer.hpp"
#include "nprcheck/report.hpp"
#include "report_util.hpp"

using namespace nprcheck;

namespace {

const std::string R = "\xEF\xBF\xBD";  // U+FFFD

/// Every kind of string trouble: escapes, control characters, non-ASCII, invalid UTF-8.
Finding tricky_finding() {
  Finding f;
  f.rule_id = "KODE-\"001\"";
  f.rule_version = -3;
  f.severity = Severity::kInfo;
  f.isf = false;
  f.message = std::string("q\" b\\ s/ t\t n\n r\r b\b f\f z") + std::string(1, '\0') +
              "\x01\x1f\x7f æøå € \xF0\x9D\x84\x9E end";
  f.file = "dir/fil \xff\xfe.xml";  // bytes that start nothing
  f.line = 4294967295u;             // the largest line
  f.episode_id = "E\xc3";           // 2-byte sequence cut at the end
  f.pasient_nr =
      "\xe2\x82"
      "A";                                                      // 3-byte sequence cut by ASCII
  f.avdeling = "\xed\xa0\x80";                                  // a surrogate
  f.unit = "\xc0\xaf";                                          // an overlong form
  f.unit_name = "\xf4\x90\x80\x80|\x80|\xe0\x80|\xf0\x9f\x98";  // > U+10FFFF, stray, cut
  f.dato = "2017-03-14";
  f.codes = {FindingCode{"A00\t", KodeSystem::kIcd10, 2017, "Kolera \"x\" \\ æ"},
             FindingCode{"", KodeSystem::kOther, -1, ""}};
  return f;
}

/// What nlohmann::json wrote for one string (the writer findings.ndjson had before).
std::string nlohmann_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string direct_string(const std::string& s, bool for_script = false) {
  std::string out;
  report::append_json_string(out, s, for_script);
  return out;
}

}  // namespace

TEST_CASE("finding JSON keeps the exact bytes of the nlohmann writer for tricky values",
          "[report][json]") {
  // The same head for all three lines below (pinned from the nlohmann-based writer).
  const std::string head =
      R"({"rule":"KODE-\"001\"","version":-3,"severity":"info","isf":false,"episode":"E)" + R +
      R"(","pasient":")" + R + R"(A","unit":")" + R + R + R"(","unit_name":")" + R + R + R + R +
      "|" + R + "|" + R + R + "|" + R + R"(","avdeling":")" + R + R + R +
      R"(","dato":"2017-03-14","file":"dir/fil )" + R + R + R"(.xml","line":4294967295,"codes":[)";
  const std::string message = R"(,"message":"q\" b\\ s/ t\t n\n r\r b\b f\f z\u0000\u0001\u001f)"
                              "\x7f æøå € \xF0\x9D\x84\x9E end\"";
  Finding f = tricky_finding();
  CHECK(
      finding_to_json(f) ==
      head +
          R"({"value":"A00\t","system":"ICD10","year":2017,"text":"Kolera \"x\" \\ æ"},)"
          R"({"value":"","system":"ANNET","year":-1,"text":""}])" +
          message +
          R"(,"fingerprint":"21129511cea7e644b51017ba3881dc45d6c9be7cbe06cb72a350b7839e0051ce"})");

  f.novelty = Finding::Novelty::kNew;
  f.first_seen = "2017-\n11-02";
  f.nights = 7;
  f.waived = true;
  f.waiver_reason = "grunn \xff";
  f.codes.clear();
  CHECK(finding_to_json(f) ==
        head + "]" + message +
            R"(,"fingerprint":"e8ba2819a2752fe4f12e3e2b989bada043626fb99842b816a4ee6dbf29b69f76")"
            R"(,"status":"new","first_seen":"2017-\n11-02","nights":7,"waived":true,)"
            R"("waiver_reason":"grunn )" +
            R + "\"}");

  f.novelty = Finding::Novelty::kPersisting;
  f.nights = -2;  // left out, as 0 is
  f.waived = false;
  f.waiver_reason.clear();
  f.first_seen.clear();
  CHECK(finding_to_json(f) ==
        head + "]" + message +
            R"(,"fingerprint":"e8ba2819a2752fe4f12e3e2b989bada043626fb99842b816a4ee6dbf29b69f76")"
            R"(,"status":"persisting"})");

  // append_finding_json() appends: what is in the buffer stays.
  std::string buf = "x";
  append_finding_json(buf, f);
  CHECK(buf == "x" + finding_to_json(f));
}

TEST_CASE("JSON strings are written as nlohmann::json writes them, on any bytes",
          "[report][json]") {
  // Every string of one and two bytes, then random strings biased towards UTF-8 trouble.
  std::vector<std::string> cases;
  for (int a = 0; a < 256; ++a) {
    cases.emplace_back(1, static_cast<char>(a));
    for (int b = 0; b < 256; ++b) cases.push_back({static_cast<char>(a), static_cast<char>(b)});
  }
  std::mt19937 rng(16);
  const unsigned char interesting[] = {0x00, 0x1f, '"',  '\\', '<',  '>',  '&',  'a',
                                       0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xa8, 0xa9,
                                       0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe2, 0xed,
                                       0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
  for (int i = 0; i < 200000; ++i) {
    std::string s(rng() % 9, '\0');
    for (char& c : s) {
      c = static_cast<char>(rng() % 2 == 0 ? interesting[rng() % sizeof interesting] : rng());
    }
    cases.push_back(std::move(s));
  }
  size_t differ = 0;
  for (const auto& s : cases) {
    const std::string want = nlohmann_string(s);
    if (direct_string(s) != want) {
      if (++differ < 5) FAIL_CHECK("differs for bytes of " << s.size() << ": " << want);
    }
    if (direct_string(s, true) != report::json_for_script(want)) ++differ;
    // Sanitised = the JSON string's value read back.
    std::string clean;
    report::append_utf8_sanitised(clean, s);
    if (nlohmann::json::parse(want).get<std::string>() != clean) ++differ;
    if (report::is_valid_utf8(s) != (clean == s)) ++differ;
  }
  CHECK(differ == 0);
}

TEST_CASE("a run's spill records equal the records of its findings read back from JSON",
          "[report][spill]") {
  std::vector<Finding> findings(3, tricky_finding());
  findings[1].novelty = Finding::Novelty::kNew;
  findings[1].first_seen = "2017-11-\xc3";
  findings[1].nights = 4;
  findings[1].waived = true;
  findings[1].waiver_reason = "avklart";
  findings[2].nights = -5;
  findings[2].file_id = 3;
  findings[2].episode_sequence = 99;
  findings[2].object_index = 2;
  for (const auto& f : findings) {
    auto back = finding_from_json(finding_to_json(f));
    REQUIRE(back);
    std::string direct;
    std::string via_json;
    append_spill_record(direct, f);
    report::encode_finding(via_json, *back);
    CHECK(direct == via_json);
  }
}

namespace {

/// Every field of two findings as one comparable text (the order keys too).
std::string all_fields(const Finding& f) {
  std::string s = finding_to_json(f);
  s += "|" + std::to_string(f.file_id) + "|" + std::to_string(f.episode_sequence) + "|" +
       std::to_string(f.object_index) + "|" + std::to_string(f.nights) + "|" +
       std::to_string(static_cast<int>(f.novelty)) + "|" + (f.waived ? "w" : "-");
  return s;
}

}  // namespace

TEST_CASE("findings.ndjson lines in nprcheck's form are read as nlohmann::json reads them",
          "[report][json]") {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {
      "",  "E-17-000042",      "æøå",  "\"",   "\\", "\n", "\x01",    "\x7f", "/",
      "€", "\xF0\x9F\x98\x80", "\xff", "\xc3", "\t", "<>", "KODE-001"};
  auto text = [&] {
    std::string s;
    for (unsigned k = rng() % 4; k > 0; --k) s += pieces[rng() % pieces.size()];
    return s;
  };
  const int ints[] = {0, 1, -1, 7, 2017, -2147483647 - 1, 2147483647};
  size_t fast = 0;
  size_t agree = 0;
  size_t lines = 0;
  Finding reused;
  for (int i = 0; i < 3000; ++i) {
    Finding f;
    f.rule_id = text();
    f.rule_version = ints[rng() % 7];
    f.severity = static_cast<Severity>(rng() % 3);
    f.isf = rng() % 2 == 0;
    f.message = text();
    f.file = text();
    f.line = rng() % 3 == 0 ? 4294967295u : rng() % 100;
    f.episode_id = text();
    f.pasient_nr = text();
    f.avdeling = text();
    f.unit = text();
    f.unit_name = text();
    f.dato = text();
    for (unsigned k = rng() % 3; k > 0; --k) {
      f.codes.push_back(
          FindingCode{text(), static_cast<KodeSystem>(rng() % 7), ints[rng() % 7], text()});
    }
    f.novelty = static_cast<Finding::Novelty>(rng() % 3);
    f.first_seen = rng() % 2 == 0 ? text() : "";
    f.nights = ints[rng() % 7];
    f.waived = rng() % 2 == 0;
    f.waiver_reason = rng() % 2 == 0 ? text() : "";
    std::string line = finding_to_json(f);
    // The line as written, then damaged or reshaped copies of it.
    for (int variant = 0; variant < 4; ++variant) {
      std::string l = line;
      if (variant == 1) {
        l[rng() % l.size()] = static_cast<char>(rng());
      } else if (variant == 2) {
        l.insert(rng() % l.size(), 1, " {}[],:\"\\-0e"[rng() % 13]);
      } else if (variant == 3) {
        l.erase(rng() % l.size(), 1 + rng() % 3);
      }
      ++lines;
      auto generic = report::finding_from_json_generic(l);
      if (report::parse_finding_line(l, reused)) {
        ++fast;
        // Whatever the fast reader accepts, nlohmann accepts the same way.
        if (generic && all_fields(reused) == all_fields(*generic)) {
          ++agree;
        } else {
          FAIL_CHECK("the readers differ on: " << l);
        }
      }
      auto public_result = finding_from_json(l);
      CHECK(static_cast<bool>(public_result) == static_cast<bool>(generic));
      if (public_result && generic) CHECK(all_fields(*public_result) == all_fields(*generic));
    }
    // Every line nprcheck writes takes the fast way.
    CHECK(report::parse_finding_line(line, reused));
  }
  CHECK(fast == agree);
  CHECK(fast > lines / 4);
}

TEST_CASE("a spill record whose length is damaged is reported before anything is read",
          "[report][spill]") {
  const auto dir = std::filesystem::temp_directory_path() / "nprcheck-spill-length-test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "f.spill").string();
  std::vector<Finding> findings(2, tricky_finding());
  auto source = spill_findings(path, vector_source(findings));
  REQUIRE(source);
  {
    std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
    const uint32_t huge = 0xFFFFFFF0u;
    io.write(reinterpret_cast<const char*>(&huge), sizeof huge);  // the first record's length
  }
  size_t seen = 0;
  Status s = (*source)([&](const Finding&) { ++seen; });
  CHECK_FALSE(s);
  CHECK_THAT(s.message(), Catch::Contains("finding 1 is damaged"));
  CHECK(seen == 0);
  std::filesystem::remove_all(dir);
}
