// findings.sarif: a structural validator for the SARIF 2.1.0 objects nprcheck writes (required
// properties, allowed properties, enums, minimums, as in the OASIS schema sarif-schema-2.1.0.json),
// and fingerprints that are stable across runs.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "nprcheck/report.hpp"
#include "report_fixture.hpp"

using namespace nprcheck;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// Collects what violates the schema, with a JSON-pointer-like path. Takes values by copy so
/// that a missing key reads as null instead of asserting.
class SarifValidator {
 public:
  std::vector<std::string> errors;

  void log(json j) {
    object(j, "", {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
           {"version", "runs"});
    if (!j.is_object()) return;
    if (j.value("version", "") != "2.1.0") fail("/version", "must be \"2.1.0\"");
    if (j.contains("$schema")) uri(j["$schema"], "/$schema", true);
    array(j["runs"], "/runs");
    for (size_t i = 0; i < j["runs"].size(); ++i) run(j["runs"][i], "/runs/" + idx(i));
  }

 private:
  static std::string idx(size_t i) { return std::to_string(i); }

  void fail(const std::string& path, const std::string& what) {
    errors.push_back(path + ": " + what);
  }

  /// An object with only `allowed` keys (additionalProperties: false) and all `required` ones.
  bool object(json j, const std::string& path, std::set<std::string> allowed,
              std::set<std::string> required) {
    if (!j.is_object()) {
      fail(path, "must be an object");
      return false;
    }
    for (const auto& [k, v] : j.items()) {
      if (!allowed.count(k)) fail(path + "/" + k, "property not allowed by the schema");
    }
    for (const auto& k : required) {
      if (!j.contains(k)) fail(path, "missing required property '" + k + "'");
    }
    if (j.contains("properties") && !j["properties"].is_object()) {
      fail(path + "/properties", "property bag must be an object");
    }
    return true;
  }

  void array(json j, const std::string& path) {
    if (!j.is_array()) fail(path, "must be an array");
  }

  void string(json j, const std::string& path) {
    if (!j.is_string()) fail(path, "must be a string");
  }

  void integer_min(json j, const std::string& path, int64_t min) {
    if (!j.is_number_integer()) {
      fail(path, "must be an integer");
    } else if (j.get<int64_t>() < min) {
      fail(path, "must be >= " + std::to_string(min));
    }
  }

  void level(json j, const std::string& path) {
    static const std::set<std::string> kLevels = {"none", "note", "warning", "error"};
    if (!j.is_string() || !kLevels.count(j.get<std::string>())) {
      fail(path, "must be one of none, note, warning, error");
    }
  }

  /// format "uri" (absolute) or "uri-reference".
  void uri(json j, const std::string& path, bool absolute) {
    if (!j.is_string()) return fail(path, "must be a string");
    const std::string s = j.get<std::string>();
    static const std::regex kAbs("^[A-Za-z][A-Za-z0-9+.-]*:[^ \\s]*$");
    static const std::regex kRef("^[^ \\s]*$");
    if (!std::regex_match(s, absolute ? kAbs : kRef)) {
      fail(path,
           std::string("not a valid ") + (absolute ? "absolute URI" : "URI reference") + ": " + s);
    }
  }

  void message(json j, const std::string& path) {
    object(j, path, {"text", "markdown", "id", "arguments", "properties"}, {});
    // SARIF §3.11.2: a message has text or id.
    if (j.is_object() && !j.contains("text") && !j.contains("id")) fail(path, "needs text or id");
    if (j.contains("text")) string(j["text"], path + "/text");
  }

  void mfms(json j, const std::string& path) {
    object(j, path, {"text", "markdown", "properties"}, {"text"});
    if (j.contains("text")) string(j["text"], path + "/text");
  }

  void run(json j, const std::string& path) {
    object(j, path,
           {"tool",
            "invocations",
            "conversion",
            "language",
            "versionControlProvenance",
            "originalUriBaseIds",
            "artifacts",
            "logicalLocations",
            "graphs",
            "results",
            "automationDetails",
            "runAggregates",
            "baselineGuid",
            "redactionTokens",
            "defaultEncoding",
            "defaultSourceLanguage",
            "newlineSequences",
            "columnKind",
            "externalPropertyFileReferences",
            "threadFlowLocations",
            "taxonomies",
            "addresses",
            "translations",
            "policies",
            "webRequests",
            "webResponses",
            "specialLocations",
            "properties"},
           {"tool"});
    if (!j.is_object()) return;
    tool(j["tool"], path + "/tool");
    if (j.contains("invocations")) {
      array(j["invocations"], path + "/invocations");
      for (size_t i = 0; i < j["invocations"].size(); ++i) {
        const std::string p = path + "/invocations/" + idx(i);
        json inv = j["invocations"][i];
        object(inv, p,
               {"commandLine",
                "arguments",
                "responseFiles",
                "startTimeUtc",
                "endTimeUtc",
                "exitCode",
                "ruleConfigurationOverrides",
                "notificationConfigurationOverrides",
                "toolExecutionNotifications",
                "toolConfigurationNotifications",
                "exitCodeDescription",
                "exitSignalName",
                "exitSignalNumber",
                "processStartFailureMessage",
                "executionSuccessful",
                "machine",
                "account",
                "processId",
                "executableLocation",
                "workingDirectory",
                "environmentVariables",
                "stdin",
                "stdout",
                "stderr",
                "stdoutStderr",
                "properties"},
               {"executionSuccessful"});
        if (inv.contains("executionSuccessful") && !inv["executionSuccessful"].is_boolean()) {
          fail(p + "/executionSuccessful", "must be a boolean");
        }
      }
    }
    if (j.contains("language") &&
        !std::regex_search(j["language"].get<std::string>(), std::regex("^[a-zA-Z]{2}"))) {
      fail(path + "/language", "must be a language code");
    }
    // A log that represents an actual scan must have results (possibly empty).
    if (!j.contains("results")) fail(path, "missing results");
    array(j["results"], path + "/results");
    json rules = j["tool"]["driver"]["rules"];
    for (size_t i = 0; i < j["results"].size(); ++i) {
      result(j["results"][i], path + "/results/" + idx(i), rules);
    }
  }

  void tool(json j, const std::string& path) {
    object(j, path, {"driver", "extensions", "properties"}, {"driver"});
    json d = j["driver"];
    const std::string p = path + "/driver";
    object(d, p,
           {"guid",
            "name",
            "organization",
            "product",
            "productSuite",
            "shortDescription",
            "fullDescription",
            "fullName",
            "version",
            "semanticVersion",
            "dottedQuadFileVersion",
            "releaseDateUtc",
            "downloadUri",
            "informationUri",
            "globalMessageStrings",
            "notifications",
            "rules",
            "taxa",
            "locations",
            "language",
            "contents",
            "isComprehensive",
            "localizedDataSemanticVersion",
            "minimumRequiredLocalizedDataSemanticVersion",
            "associatedComponent",
            "translationMetadata",
            "supportedTaxonomies",
            "properties"},
           {"name"});
    if (d.contains("name")) string(d["name"], p + "/name");
    if (!d.contains("rules")) return;
    array(d["rules"], p + "/rules");
    std::set<std::string> ids;
    for (size_t i = 0; i < d["rules"].size(); ++i) {
      json r = d["rules"][i];
      const std::string rp = p + "/rules/" + idx(i);
      object(r, rp,
             {"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames",
              "shortDescription", "fullDescription", "messageStrings", "defaultConfiguration",
              "helpUri", "help", "relationships", "properties"},
             {"id"});
      string(r["id"], rp + "/id");
      if (r["id"].is_string() && !ids.insert(r["id"].get<std::string>()).second) {
        fail(rp + "/id", "rule ids must be unique (uniqueItems)");
      }
      if (r.contains("shortDescription")) mfms(r["shortDescription"], rp + "/shortDescription");
      if (r.contains("fullDescription")) mfms(r["fullDescription"], rp + "/fullDescription");
      if (r.contains("help")) mfms(r["help"], rp + "/help");
      if (r.contains("helpUri")) uri(r["helpUri"], rp + "/helpUri", true);
      if (r.contains("defaultConfiguration")) {
        json c = r["defaultConfiguration"];
        object(c, rp + "/defaultConfiguration",
               {"enabled", "level", "rank", "parameters", "properties"}, {});
        if (c.contains("level")) level(c["level"], rp + "/defaultConfiguration/level");
      }
    }
  }

  void result(json j, const std::string& path, json rules) {
    object(j, path,
           {"ruleId",
            "ruleIndex",
            "rule",
            "kind",
            "level",
            "message",
            "analysisTarget",
            "locations",
            "guid",
            "correlationGuid",
            "occurrenceCount",
            "partialFingerprints",
            "fingerprints",
            "stacks",
            "codeFlows",
            "graphs",
            "graphTraversals",
            "relatedLocations",
            "suppressions",
            "baselineState",
            "rank",
            "attachments",
            "hostedViewerUri",
            "workItemUris",
            "provenance",
            "fixes",
            "taxa",
            "webRequest",
            "webResponse",
            "properties"},
           {"message"});
    if (!j.is_object()) return;
    message(j["message"], path + "/message");
    if (j.contains("level")) level(j["level"], path + "/level");
    if (j.contains("ruleId")) string(j["ruleId"], path + "/ruleId");
    if (j.contains("ruleIndex")) {
      integer_min(j["ruleIndex"], path + "/ruleIndex", -1);
      // SARIF §3.27.6: ruleIndex points at the rule whose id is ruleId.
      int64_t ri = j["ruleIndex"].get<int64_t>();
      if (ri >= 0 && (static_cast<size_t>(ri) >= rules.size() ||
                      rules[static_cast<size_t>(ri)]["id"] != j["ruleId"])) {
        fail(path + "/ruleIndex", "does not point at the rule with this ruleId");
      }
    }
    if (j.contains("baselineState")) {
      static const std::set<std::string> kStates = {"new", "unchanged", "updated", "absent"};
      if (!kStates.count(j["baselineState"].get<std::string>())) {
        fail(path + "/baselineState", "not an allowed value");
      }
    }
    for (const char* map : {"partialFingerprints", "fingerprints"}) {
      if (!j.contains(map)) continue;
      if (!j[map].is_object()) fail(path + "/" + map, "must be an object");
      for (const auto& [k, v] : j[map].items()) string(v, path + "/" + map + "/" + k);
    }
    if (j.contains("suppressions")) {
      for (size_t i = 0; i < j["suppressions"].size(); ++i) {
        json s = j["suppressions"][i];
        const std::string sp = path + "/suppressions/" + idx(i);
        object(s, sp, {"guid", "kind", "status", "justification", "location", "properties"},
               {"kind"});
        if (s.value("kind", "") != "inSource" && s.value("kind", "") != "external") {
          fail(sp + "/kind", "must be inSource or external");
        }
      }
    }
    if (!j.contains("locations")) return;
    array(j["locations"], path + "/locations");
    for (size_t i = 0; i < j["locations"].size(); ++i) {
      location(j["locations"][i], path + "/locations/" + idx(i));
    }
  }

  void location(json j, const std::string& path) {
    object(j, path,
           {"id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships",
            "properties"},
           {});
    if (j.contains("physicalLocation")) {
      json p = j["physicalLocation"];
      const std::string pp = path + "/physicalLocation";
      object(p, pp, {"address", "artifactLocation", "region", "contextRegion", "properties"}, {});
      // SARIF §3.29.2: at least one of address and artifactLocation.
      if (!p.contains("address") && !p.contains("artifactLocation")) {
        fail(pp, "needs artifactLocation or address");
      }
      if (p.contains("artifactLocation")) {
        json a = p["artifactLocation"];
        object(a, pp + "/artifactLocation",
               {"uri", "uriBaseId", "index", "description", "properties"}, {});
        if (a.contains("uri")) uri(a["uri"], pp + "/artifactLocation/uri", false);
      }
      if (p.contains("region")) {
        json r = p["region"];
        object(r, pp + "/region",
               {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength",
                "byteOffset", "byteLength", "snippet", "message", "sourceLanguage", "properties"},
               {});
        for (const char* k : {"startLine", "startColumn", "endLine", "endColumn"}) {
          if (r.contains(k)) integer_min(r[k], pp + "/region/" + k, 1);
        }
      }
    }
    if (j.contains("logicalLocations")) {
      for (size_t i = 0; i < j["logicalLocations"].size(); ++i) {
        json l = j["logicalLocations"][i];
        const std::string lp = path + "/logicalLocations/" + idx(i);
        object(l, lp,
               {"name", "index", "fullyQualifiedName", "decoratedName", "parentIndex", "kind",
                "properties"},
               {});
        for (const char* k : {"name", "fullyQualifiedName", "kind"}) {
          if (l.contains(k)) string(l[k], lp + "/" + k);
        }
      }
    }
  }
};

std::vector<std::string> validate(const json& j) {
  SarifValidator v;
  v.log(j);
  return v.errors;
}

}  // namespace

TEST_CASE("the SARIF validator catches what the schema forbids", "[report][sarif]") {
  json ok = json::parse(R"({"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x",
      "rules":[{"id":"R1","helpUri":"file:///r/R1.md","defaultConfiguration":{"level":"error"}}]}},
      "results":[{"ruleId":"R1","ruleIndex":0,"level":"error","message":{"text":"m"},
      "locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.xml"},"region":{"startLine":3}}}]}]}]})");
  CHECK(validate(ok).empty());
  auto broken = [&](const std::function<void(json&)>& change) {
    json j = ok;
    change(j);
    return validate(j).size();
  };
  CHECK(broken([](json& j) { j["version"] = "2.0.0"; }) > 0);
  CHECK(broken([](json& j) { j["runs"][0].erase("tool"); }) > 0);
  CHECK(broken([](json& j) { j["runs"][0]["tool"]["driver"].erase("name"); }) > 0);
  CHECK(broken([](json& j) { j["runs"][0]["results"][0].erase("message"); }) > 0);
  CHECK(broken([](json& j) { j["runs"][0]["results"][0]["level"] = "fatal"; }) > 0);
  CHECK(broken([](json& j) { j["runs"][0]["results"][0]["ruleIndex"] = 1; }) > 0);
  CHECK(broken([](json& j) { j["runs"][0]["results"][0]["severity"] = "x"; }) > 0);
  CHECK(broken([](json& j) {
          j["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0;
        }) > 0);
  CHECK(broken([](json& j) { j["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "R1.md"; }) >
        0);
  CHECK(broken([](json& j) {
          j["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"] = json::object();
        }) > 0);
}

TEST_CASE("findings.sarif is valid SARIF 2.1.0 with one rule per id and stable fingerprints",
          "[report][sarif]") {
  auto dir = report_test::temp_dir("sarif");
  report_test::FixtureOptions o;
  o.evil = true;
  o.novelty = true;
  auto fx = report_test::make_fixture(o);
  // A finding of a rule the manifest does not list still gets a descriptor.
  Finding extra = fx.findings.front();
  extra.rule_id = "LOKAL-001";
  extra.line = 0;
  fx.findings.push_back(extra);
  const std::string a = (dir / "a.sarif").string(), b = (dir / "b.sarif").string();
  REQUIRE(write_sarif(a, fx.manifest, vector_source(fx.findings), "https://docs.example/rules"));
  REQUIRE(write_sarif(b, fx.manifest, vector_source(fx.findings), "https://docs.example/rules"));
  const std::string text = report_test::read_file(a);
  CHECK(text == report_test::read_file(b));  // byte-identical across runs

  json j = json::parse(text);
  auto errors = validate(j);
  for (const auto& e : errors) UNSCOPED_INFO(e);
  CHECK(errors.empty());

  const json& run = j["runs"][0];
  const json& rules = run["tool"]["driver"]["rules"];
  REQUIRE(rules.size() == 18);
  CHECK(rules[0]["id"] == "EPI-001");
  CHECK(rules[0]["helpUri"] == "https://docs.example/rules/EPI-001.md");
  CHECK(rules[0]["shortDescription"]["text"] == "Episoden mangler hovedtilstand");
  CHECK(rules[0]["defaultConfiguration"]["level"] == "error");
  CHECK(rules[0]["properties"]["isf"] == true);
  CHECK(rules[8]["id"] == "KODE-003");
  CHECK(rules[8]["properties"]["isf"] == false);
  CHECK(rules[8]["defaultConfiguration"]["level"] == "warning");
  CHECK(rules[17]["id"] == "LOKAL-001");

  const json& results = run["results"];
  REQUIRE(results.size() == fx.findings.size());
  std::set<std::string> prints;
  for (size_t i = 0; i < results.size(); ++i) {
    const json& r = results[i];
    const Finding& f = fx.findings[i];
    CHECK(r["ruleId"] == f.rule_id);
    CHECK(r["level"] == (f.severity == Severity::kError ? "error" : "warning"));
    CHECK(r["message"]["text"] == f.message);
    CHECK(r["properties"]["isf"] == f.isf);
    const json& loc = r["locations"][0];
    CHECK(loc["physicalLocation"]["artifactLocation"]["uri"] ==
          "testdata/example/uttrekk-2017.xml");
    if (f.line > 0) {
      CHECK(loc["physicalLocation"]["region"]["startLine"] == f.line);
    } else {
      CHECK_FALSE(loc["physicalLocation"].contains("region"));
    }
    CHECK(loc["logicalLocations"][0]["name"] == f.episode_id);
    CHECK(loc["logicalLocations"][0]["kind"] == "episode");
    CHECK(loc["logicalLocations"][1]["name"] == f.unit);
    CHECK(r["partialFingerprints"]["nprcheckFinding/v1"] == fingerprint(f));
    CHECK(r["baselineState"] == (f.novelty == Finding::Novelty::kNew ? "new" : "unchanged"));
    CHECK(r.contains("suppressions") == f.waived);
    CHECK(text.find(f.pasient_nr) == std::string::npos);  // no pasientNr in SARIF
    prints.insert(r["partialFingerprints"]["nprcheckFinding/v1"].get<std::string>());
  }
  CHECK(prints.size() > results.size() / 2);  // fingerprints tell findings apart

  // The fingerprint depends on identity, not on position: another order, same prints.
  std::vector<Finding> reversed(fx.findings.rbegin(), fx.findings.rend());
  REQUIRE(write_sarif(b, fx.manifest, vector_source(reversed), "https://docs.example/rules/"));
  json jb = json::parse(report_test::read_file(b));
  CHECK(jb["runs"][0]["results"][0]["partialFingerprints"] ==
        results[results.size() - 1]["partialFingerprints"]);
  fs::remove_all(dir);
}

TEST_CASE("SARIF without findings is still a valid log, no helpUri unless configured",
          "[report][sarif]") {
  auto dir = report_test::temp_dir("sarif-empty");
  auto fx = report_test::make_fixture();
  std::vector<Finding> none;
  const std::string path = (dir / "f.sarif").string();
  REQUIRE(write_sarif(path, fx.manifest, vector_source(none), ""));
  json j = json::parse(report_test::read_file(path));
  CHECK(validate(j).empty());
  CHECK(j["runs"][0]["results"].empty());
  // No file:///<build path>: the help travels in the log itself.
  const json& rule = j["runs"][0]["tool"]["driver"]["rules"][0];
  CHECK_FALSE(rule.contains("helpUri"));
  CHECK(rule["help"]["markdown"].get<std::string>().find("Hva du gjør") != std::string::npos);
  CHECK(report_test::read_file(path).find("file://") == std::string::npos);
  fs::remove_all(dir);
}
