// findings.sarif: SARIF 2.1.0 for code-scanning dashboards. Streams results; no pasientNr.
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "json_writer.hpp"
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

/// One result, as the nlohmann::ordered_json object it replaced would dump it, appended to `out`.
void append_result(std::string& out, const Finding& f, int rule_index) {
  using report::append_int;
  using report::append_json_chars;
  using report::append_json_string;
  out += R"({"ruleId":)";
  append_json_string(out, f.rule_id);
  out += R"(,"ruleIndex":)";
  append_int(out, rule_index);
  out += R"(,"level":")";
  out += report::sarif_level(f.severity);
  out += R"(","message":{"text":)";
  append_json_string(out, f.message.empty() ? f.rule_id : f.message);
  out += R"(},"locations":[{)";
  if (!f.file.empty()) {
    // A URI is ASCII without quotes or backslashes: nothing to escape.
    out += R"("physicalLocation":{"artifactLocation":{"uri":")";
    report::append_path_to_uri(out, f.file);
    out += R"("})";
    if (f.line > 0) {
      out += R"(,"region":{"startLine":)";
      report::append_uint(out, f.line);
      out += '}';
    }
    out += "},";
  }
  out += R"("logicalLocations":[{"name":)";
  append_json_string(out, f.episode_id);
  out += R"(,"fullyQualifiedName":")";
  append_json_chars(out, f.unit);
  out += '/';
  append_json_chars(out, f.episode_id);
  out += R"(","kind":"episode"},{"name":)";
  append_json_string(out, f.unit);
  out += R"(,"fullyQualifiedName":)";
  append_json_string(out, f.unit);
  out += R"(,"kind":"unit")";
  if (!f.unit_name.empty()) {
    out += R"(,"properties":{"unitName":)";
    append_json_string(out, f.unit_name);
    out += '}';
  }
  out += R"(}]}],"partialFingerprints":{"nprcheckFinding/v1":")";
  out += fingerprint(f);
  out += R"("})";
  if (f.novelty != Finding::Novelty::kUnknown) {
    out += f.novelty == Finding::Novelty::kNew ? R"(,"baselineState":"new")"
                                               : R"(,"baselineState":"unchanged")";
  }
  if (f.waived) {
    out += R"(,"suppressions":[{"kind":"external","status":"accepted")";
    if (!f.waiver_reason.empty()) {
      out += R"(,"justification":)";
      append_json_string(out, f.waiver_reason);
    }
    out += "}]";
  }
  out += R"(,"properties":{"ruleVersion":)";
  append_int(out, f.rule_version);
  out += R"(,"isf":)";
  out += f.isf ? "true" : "false";
  out += R"(,"avdeling":)";
  append_json_string(out, f.avdeling);
  out += R"(,"dato":)";
  append_json_string(out, f.dato);
  out += R"(,"codes":)";
  report::append_codes_json(out, f.codes);
  if (!f.first_seen.empty()) {
    out += R"(,"firstSeen":)";
    append_json_string(out, f.first_seen);
  }
  if (f.nights > 0) {
    out += R"(,"nights":)";
    append_int(out, f.nights);
  }
  out += "}}";
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
  std::string buf;  // results are written into one reused buffer, flushed in large pieces
  Status s = source([&](const Finding& f) {
    auto it = index.find(f.rule_id);
    int rule_index = it == index.end() ? -1 : it->second;
    buf += first ? "\n        " : ",\n        ";
    append_result(buf, f, rule_index);
    first = false;
    if (buf.size() >= (1u << 16)) {
      out << buf;
      buf.clear();
    }
  });
  if (!s) return s;
  out << buf;
  out << (first ? "]\n" : "\n      ]\n") << "    }\n  ]\n}\n";
  return out.close();
}

}  // namespace nprcheck
