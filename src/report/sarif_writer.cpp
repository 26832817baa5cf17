// findings.sarif: SARIF 2.1.0 for code-scanning dashboards. Streams results; no pasientNr.
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "key_figures.hpp"
#include "nprcheck/report.hpp"
#include "report_util.hpp"

namespace nprcheck {

namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* kSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

std::string dump(const ojson& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ojson rule_descriptor(const std::string& id, const ManifestRule* r, const std::string& docs_base) {
  ojson j;
  j["id"] = id;
  std::string title = r != nullptr && !r->title.empty() ? r->title : id;
  j["name"] = title;
  j["shortDescription"] = {{"text", title}};
  std::string full = r != nullptr && !r->docs.empty() ? r->docs : title;
  j["fullDescription"] = {{"text", full}};
  std::string help = full;
  if (r != nullptr && !r->source.empty()) help += "\n\nKilde: " + r->source;
  j["help"] = {{"text", help}, {"markdown", help}};
  // Only a configured (absolute) docs address: a file:// path of the machine that ran the check
  // is broken everywhere else, and the rule pages in html/rules/ travel with the report folder.
  if (!docs_base.empty()) j["helpUri"] = docs_base + report::path_to_uri(id) + ".md";
  j["defaultConfiguration"] = {
      {"level", report::sarif_level(r != nullptr ? r->severity : Severity::kError)}};
  ojson props;
  props["version"] = r != nullptr ? r->version : 1;
  props["severity"] = severity_name(r != nullptr ? r->severity : Severity::kError);
  props["isf"] = r != nullptr && r->isf;
  if (r != nullptr && !r->source.empty()) props["source"] = r->source;
  j["properties"] = std::move(props);
  return j;
}

ojson result_json(const Finding& f, int rule_index) {
  ojson j;
  j["ruleId"] = f.rule_id;
  j["ruleIndex"] = rule_index;
  j["level"] = report::sarif_level(f.severity);
  j["message"] = {{"text", f.message.empty() ? f.rule_id : f.message}};
  ojson phys;
  phys["artifactLocation"] = {{"uri", report::path_to_uri(f.file)}};
  if (f.line > 0) phys["region"] = {{"startLine", f.line}};
  ojson episode;
  episode["name"] = f.episode_id;
  episode["fullyQualifiedName"] = f.unit + "/" + f.episode_id;
  episode["kind"] = "episode";
  ojson unit;
  unit["name"] = f.unit;
  unit["fullyQualifiedName"] = f.unit;
  unit["kind"] = "unit";
  if (!f.unit_name.empty()) unit["properties"] = {{"unitName", f.unit_name}};
  ojson loc;
  if (!f.file.empty()) loc["physicalLocation"] = std::move(phys);
  loc["logicalLocations"] = ojson::array({std::move(episode), std::move(unit)});
  j["locations"] = ojson::array({std::move(loc)});
  j["partialFingerprints"] = {{"nprcheckFinding/v1", fingerprint(f)}};
  if (f.novelty != Finding::Novelty::kUnknown) {
    j["baselineState"] = f.novelty == Finding::Novelty::kNew ? "new" : "unchanged";
  }
  if (f.waived) {
    ojson sup;
    sup["kind"] = "external";
    sup["status"] = "accepted";
    if (!f.waiver_reason.empty()) sup["justification"] = f.waiver_reason;
    j["suppressions"] = ojson::array({std::move(sup)});
  }
  ojson props;
  props["ruleVersion"] = f.rule_version;
  props["isf"] = f.isf;
  props["avdeling"] = f.avdeling;
  props["dato"] = f.dato;
  ojson codes = ojson::array();
  for (const auto& c : f.codes) {
    codes.push_back({{"value", c.verdi},
                     {"system", kode_system_name(c.system)},
                     {"year", c.table_year},
                     {"text", c.tekst}});
  }
  props["codes"] = std::move(codes);
  if (!f.first_seen.empty()) props["firstSeen"] = f.first_seen;
  if (f.nights > 0) props["nights"] = f.nights;
  j["properties"] = std::move(props);
  return j;
}

}  // namespace

Status write_sarif(const std::string& path, const RunManifest& m, const FindingSource& source,
                   const std::string& rules_docs_base_uri) {
  // Rules: the manifest's, plus any id only the findings name (one light pass).
  std::vector<std::string> ids;
  std::map<std::string, int> index;
  for (const auto& r : m.rules) {
    if (index.emplace(r.id, static_cast<int>(ids.size())).second) ids.push_back(r.id);
  }
  std::set<std::string> extra;
  if (Status s = source([&](const Finding& f) {
        if (!index.count(f.rule_id)) extra.insert(f.rule_id);
      });
      !s) {
    return s;
  }
  for (const auto& id : extra) {
    index.emplace(id, static_cast<int>(ids.size()));
    ids.push_back(id);
  }
  std::string docs_base = report::docs_base_uri(rules_docs_base_uri);

  ojson driver;
  driver["name"] = "nprcheck";
  driver["version"] = m.tool_version;
  driver["semanticVersion"] = m.tool_version;
  driver["language"] = "nb-NO";
  ojson rules = ojson::array();
  for (const auto& id : ids)
    rules.push_back(rule_descriptor(id, report::find_rule(m, id), docs_base));
  driver["rules"] = std::move(rules);

  bool complete = true;
  for (const auto& in : m.inputs) complete = complete && in.complete;
  ojson invocation;
  invocation["executionSuccessful"] = complete;
  ojson inv_props;
  inv_props["started"] = m.started;
  inv_props["finished"] = m.finished;
  if (!m.filters.empty()) inv_props["filters"] = m.filters;
  inv_props["rulesSha256"] = m.rules_hash;
  if (!m.missing_tables.empty()) inv_props["missingTables"] = m.missing_tables;
  invocation["properties"] = std::move(inv_props);

  report::OutFile out(path);
  if (!out.is_open()) return out.open_error();
  out << "{\n  \"$schema\": \"" << kSchema
      << "\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n";
  out << "      \"tool\": {\"driver\": " << dump(driver) << "},\n";
  out << "      \"invocations\": [" << dump(invocation) << "],\n";
  out << "      \"language\": \"nb-NO\",\n";
  out << "      \"results\": [";
  bool first = true;
  Status s = source([&](const Finding& f) {
    auto it = index.find(f.rule_id);
    int rule_index = it == index.end() ? -1 : it->second;
    out << (first ? "\n        " : ",\n        ") << dump(result_json(f, rule_index));
    first = false;
  });
  if (!s) return s;
  out << (first ? "]\n" : "\n      ]\n") << "    }\n  ]\n}\n";
  return out.close();
}

}  // namespace nprcheck
