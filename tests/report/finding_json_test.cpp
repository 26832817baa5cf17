// Findings as JSON lines: round trip, byte stability, key order, errors; the NDJSON stream.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "nprcheck/report.hpp"
#include "report_fixture.hpp"

using namespace nprcheck;
using report_test::code;

namespace {

Finding full_finding() {
  Finding f;
  f.rule_id = "BV-002";
  f.rule_version = 3;
  f.severity = Severity::kWarning;
  f.isf = true;
  f.message = "JJX00 + ZXM00 har en NCRP-kode: bruk JJB06K. «æøå» \"sitat\"";
  f.file = "data/uttrekk 2017.xml";
  f.line = 4711;
  f.episode_id = "E-17-000042";
  f.pasient_nr = "123456";
  f.avdeling = "420101";
  f.unit = "4201";
  f.unit_name = "Kirurgisk klinikk";
  f.dato = "2017-03-14";
  f.codes = {code("JJX00", KodeSystem::kNcsp, 2017), code("ZXM00", KodeSystem::kNcsp, 2017)};
  f.novelty = Finding::Novelty::kPersisting;
  f.first_seen = "2017-11-02";
  f.nights = 12;
  f.waived = true;
  f.waiver_reason = "Avklart med NPR";
  return f;
}

}  // namespace

TEST_CASE("finding JSON round trip keeps every field and is byte-stable", "[report][json]") {
  Finding f = full_finding();
  REQUIRE(f.codes[0].tekst == "Perkutan nålebiopsi av lever");  // real text from the table
  std::string line = finding_to_json(f);
  CHECK(line.find('\n') == std::string::npos);
  auto back = finding_from_json(line);
  REQUIRE(back);
  CHECK(back->rule_id == f.rule_id);
  CHECK(back->rule_version == 3);
  CHECK(back->severity == Severity::kWarning);
  CHECK(back->isf);
  CHECK(back->message == f.message);
  CHECK(back->file == f.file);
  CHECK(back->line == 4711);
  CHECK(back->episode_id == f.episode_id);
  CHECK(back->pasient_nr == f.pasient_nr);
  CHECK(back->avdeling == f.avdeling);
  CHECK(back->unit == f.unit);
  CHECK(back->unit_name == f.unit_name);
  CHECK(back->dato == f.dato);
  REQUIRE(back->codes.size() == 2);
  CHECK(back->codes[1].verdi == "ZXM00");
  CHECK(back->codes[1].system == KodeSystem::kNcsp);
  CHECK(back->codes[1].table_year == 2017);
  CHECK(back->codes[1].tekst == f.codes[1].tekst);
  CHECK(back->novelty == Finding::Novelty::kPersisting);
  CHECK(back->first_seen == "2017-11-02");
  CHECK(back->nights == 12);
  CHECK(back->waived);
  CHECK(back->waiver_reason == "Avklart med NPR");
  CHECK(finding_to_json(*back) == line);
}

TEST_CASE("finding JSON has a fixed key order and leaves unset history keys out",
          "[report][json]") {
  Finding f = full_finding();
  f.novelty = Finding::Novelty::kUnknown;
  f.first_seen.clear();
  f.nights = 0;
  f.waived = false;
  f.waiver_reason.clear();
  std::string line = finding_to_json(f);
  auto j = nlohmann::ordered_json::parse(line);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"rule", "version", "severity", "isf", "episode", "pasient",
                                         "unit", "unit_name", "avdeling", "dato", "file", "line",
                                         "codes", "message", "fingerprint"});
  CHECK(j["fingerprint"] == fingerprint(f));
  CHECK(line.rfind(R"({"rule":"BV-002","version":3,"severity":"warning","isf":true,)", 0) == 0);
  f.isf = false;
  CHECK(finding_to_json(f).find(R"("severity":"warning","isf":false,)") != std::string::npos);
  CHECK(line.find(R"({"value":"JJX00","system":"NCSP","year":2017,"text":")") != std::string::npos);

  f.novelty = Finding::Novelty::kNew;
  auto j2 = nlohmann::ordered_json::parse(finding_to_json(f));
  CHECK(j2["status"] == "new");
}

TEST_CASE("finding JSON replaces invalid UTF-8 instead of failing", "[report][json]") {
  Finding f = full_finding();
  f.message = std::string("ugyldig \xff\xfe tegn");
  std::string line = finding_to_json(f);
  auto back = finding_from_json(line);
  REQUIRE(back);
  CHECK(back->message == "ugyldig \xEF\xBF\xBD\xEF\xBF\xBD tegn");
}

TEST_CASE("finding_from_json rejects bad input with a clear message", "[report][json]") {
  auto bad = [](std::string_view text) {
    auto r = finding_from_json(text);
    REQUIRE_FALSE(r);
    return r.status().message();
  };
  CHECK(bad("not json").find("not valid JSON") != std::string::npos);
  CHECK(bad("[1,2]").find("object") != std::string::npos);
  CHECK(bad(R"({"severity":"error","episode":"E1"})").find("'rule'") != std::string::npos);
  CHECK(bad(R"({"rule":"X","severity":"fatal","episode":"E1"})").find("fatal") !=
        std::string::npos);
  CHECK(bad(R"({"rule":"X","severity":"error","episode":"E1","line":"12"})").find("'line'") !=
        std::string::npos);
  CHECK(bad(R"({"rule":"X","severity":"error","episode":"E1","line":-1})").find("'line'") !=
        std::string::npos);
  CHECK(bad(R"({"rule":"X","severity":"error","episode":"E1","status":"old"})").find("old") !=
        std::string::npos);
  CHECK(bad(R"({"rule":"X","severity":"error","episode":"E1","codes":[{"system":"ICD11"}]})")
            .find("ICD11") != std::string::npos);
  CHECK(finding_from_json(R"({"rule":"X","severity":"info","episode":"E1","extra":1})"));
}

TEST_CASE("ndjson_source replays the file on every call and names file:line on errors",
          "[report][json]") {
  auto dir = report_test::temp_dir("ndjson");
  auto fx = report_test::make_fixture();
  std::string path = (dir / "findings.ndjson").string();
  REQUIRE(write_ndjson(path, vector_source(fx.findings)));
  FindingSource src = ndjson_source(path);
  for (int pass = 0; pass < 2; ++pass) {
    size_t n = 0;
    bool same = true;
    REQUIRE(src([&](const Finding& f) {
      same =
          same && n < fx.findings.size() && finding_to_json(f) == finding_to_json(fx.findings[n]);
      ++n;
    }));
    CHECK(n == fx.findings.size());
    CHECK(same);
  }
  {
    std::ofstream out(path, std::ios::app);
    out << "\n{\"rule\":\"X\"}\n";
  }
  Status s = src([](const Finding&) {});
  REQUIRE_FALSE(s);
  CHECK(s.message().find(path + ":" + std::to_string(fx.findings.size() + 2) + ":") == 0);
  CHECK(s.message().find("'severity'") != std::string::npos);

  Status missing = ndjson_source((dir / "nope.ndjson").string())([](const Finding&) {});
  CHECK(missing.code() == StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST_CASE("spilled findings replay every field, as often as asked; damage is an error",
          "[report][spill]") {
  auto dir = report_test::temp_dir("spill");
  std::vector<Finding> findings(3, full_finding());
  findings[1].codes.clear();
  findings[1].novelty = Finding::Novelty::kNew;
  findings[1].waived = false;
  findings[2].message = std::string(70000, 'x');  // longer than any buffer on the way
  for (size_t i = 0; i < findings.size(); ++i) {
    findings[i].file_id = static_cast<uint32_t>(i + 7);
    findings[i].episode_sequence = 1'000'000'000'000ULL + i;
    findings[i].object_index = static_cast<uint32_t>(i * 3);
  }
  const std::string path = (dir / "f.spill").string();
  auto source = spill_findings(path, vector_source(findings));
  REQUIRE(source);
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<Finding> back;
    REQUIRE((*source)([&](const Finding& f) { back.push_back(f); }));
    REQUIRE(back.size() == findings.size());
    for (size_t i = 0; i < back.size(); ++i) {
      INFO(i);
      // The JSON form covers every field but the order keys, which are compared apart.
      CHECK(finding_to_json(back[i]) == finding_to_json(findings[i]));
      CHECK(back[i].file_id == findings[i].file_id);
      CHECK(back[i].episode_sequence == findings[i].episode_sequence);
      CHECK(back[i].object_index == findings[i].object_index);
      CHECK(back[i].codes.size() == findings[i].codes.size());
    }
  }
  // A file cut short in a record, or in a record's length, is reported, never half-read.
  const auto size = std::filesystem::file_size(path);
  for (uintmax_t cut : {size - 1, size - 70010, uintmax_t{2}}) {
    std::filesystem::resize_file(path, cut);
    size_t seen = 0;
    Status s = (*source)([&](const Finding&) { ++seen; });
    CHECK_FALSE(s);
    CHECK_THAT(s.message(), Catch::Contains("is damaged"));
    CHECK(seen < findings.size());
  }
  std::filesystem::remove_all(dir);
}
