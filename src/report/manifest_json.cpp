// run.json (the run manifest) and summary.json (key figures per unit and per rule).
#include <nlohmann/json.hpp>

#include "indicator_report.hpp"
#include "key_figures.hpp"
#include "nprcheck/report.hpp"
#include "report_util.hpp"

namespace nprcheck {

namespace {

using ojson = nlohmann::ordered_json;
using report::rate;
using report::round6;

ojson counts_json(const std::map<std::string, uint64_t>& counts) {
  ojson j = ojson::object();
  for (const auto& [k, v] : counts) j[k] = v;
  return j;
}

std::string dump(const ojson& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

template <typename T>
void read_key(const nlohmann::json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) out = it->get<T>();
}

void read_counts(const nlohmann::json& j, const char* key, std::map<std::string, uint64_t>& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return;
  for (const auto& [k, v] : it->items()) out[k] = v.get<uint64_t>();
}

}  // namespace

std::string run_manifest_to_json(const RunManifest& m) {
  ojson j;
  j["tool"] = "nprcheck";
  j["tool_version"] = m.tool_version;
  j["started"] = m.started;
  j["finished"] = m.finished;
  j["filters"] = m.filters;
  if (!m.report_set.empty()) j["report_set"] = m.report_set;
  ojson rules;
  rules["dir"] = m.rules_dir;
  rules["sha256"] = m.rules_hash;
  ojson list = ojson::array();
  for (const auto& r : m.rules) {
    ojson rj;
    rj["id"] = r.id;
    rj["version"] = r.version;
    rj["severity"] = severity_name(r.severity);
    rj["title"] = r.title;
    rj["source"] = r.source;
    rj["docs"] = r.docs;
    list.push_back(std::move(rj));
  }
  rules["rules"] = std::move(list);
  j["rule_set"] = std::move(rules);
  ojson tables;
  tables["dir"] = m.tables_dir;
  ojson tlist = ojson::array();
  for (const auto& t : m.tables) {
    ojson tj;
    tj["system"] = t.system;
    tj["year_from"] = t.year_from;
    tj["year_to"] = t.year_to;
    tj["file"] = t.file;
    tj["sha256"] = t.sha256;
    tj["codes"] = t.codes;
    tj["layout"] = t.layout;
    tlist.push_back(std::move(tj));
  }
  tables["files"] = std::move(tlist);
  tables["missing"] = m.missing_tables;
  j["tables"] = std::move(tables);
  j["units_file"] = m.units_file;
  ojson inputs = ojson::array();
  for (const auto& in : m.inputs) {
    ojson ij;
    ij["path"] = in.path;
    ij["size"] = in.size;
    ij["sha256"] = in.sha256;
    ij["episodes"] = in.episodes;
    ij["complete"] = in.complete;
    ij["melding_versjon"] = in.melding_versjon;
    ij["melding_namespace"] = in.melding_namespace;
    inputs.push_back(std::move(ij));
  }
  j["inputs"] = std::move(inputs);
  ojson counts;
  counts["episodes"] = m.episodes;
  counts["findings"] = m.findings;
  counts["per_severity"] = counts_json(m.per_severity);
  counts["per_rule"] = counts_json(m.per_rule);
  ojson units = ojson::array();
  for (const auto& [id, u] : m.per_unit) {
    ojson uj;
    uj["unit"] = u.unit.empty() ? id : u.unit;
    uj["unit_name"] = u.unit_name;
    uj["episodes"] = u.episodes;
    uj["episodes_with_error"] = u.episodes_with_error;
    uj["episodes_with_finding"] = u.episodes_with_finding;
    uj["per_severity"] = counts_json(u.per_severity);
    uj["per_rule"] = counts_json(u.per_rule);
    units.push_back(std::move(uj));
  }
  counts["per_unit"] = std::move(units);
  j["counts"] = std::move(counts);
  return dump(j);
}

Result<RunManifest> run_manifest_from_json(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::invalid_input("run.json: not a JSON object");
  }
  RunManifest m;
  try {
    read_key(j, "tool_version", m.tool_version);
    read_key(j, "started", m.started);
    read_key(j, "finished", m.finished);
    read_key(j, "filters", m.filters);
    read_key(j, "report_set", m.report_set);
    if (auto rs = j.find("rule_set"); rs != j.end() && rs->is_object()) {
      read_key(*rs, "dir", m.rules_dir);
      read_key(*rs, "sha256", m.rules_hash);
      for (const auto& rj : rs->value("rules", nlohmann::json::array())) {
        ManifestRule r;
        read_key(rj, "id", r.id);
        read_key(rj, "version", r.version);
        std::string sev = "error";
        read_key(rj, "severity", sev);
        if (!parse_severity(sev, r.severity)) {
          return Status::invalid_input("run.json: rule " + r.id + ": unknown severity " + sev);
        }
        read_key(rj, "title", r.title);
        read_key(rj, "source", r.source);
        read_key(rj, "docs", r.docs);
        m.rules.push_back(std::move(r));
      }
    }
    if (auto ts = j.find("tables"); ts != j.end() && ts->is_object()) {
      read_key(*ts, "dir", m.tables_dir);
      for (const auto& tj : ts->value("files", nlohmann::json::array())) {
        ManifestTable t;
        read_key(tj, "system", t.system);
        read_key(tj, "year_from", t.year_from);
        read_key(tj, "year_to", t.year_to);
        read_key(tj, "file", t.file);
        read_key(tj, "sha256", t.sha256);
        read_key(tj, "codes", t.codes);
        read_key(tj, "layout", t.layout);
        m.tables.push_back(std::move(t));
      }
      read_key(*ts, "missing", m.missing_tables);
    }
    read_key(j, "units_file", m.units_file);
    for (const auto& ij : j.value("inputs", nlohmann::json::array())) {
      ManifestInput in;
      read_key(ij, "path", in.path);
      read_key(ij, "melding_versjon", in.melding_versjon);
      read_key(ij, "melding_namespace", in.melding_namespace);
      read_key(ij, "size", in.size);
      read_key(ij, "sha256", in.sha256);
      read_key(ij, "episodes", in.episodes);
      read_key(ij, "complete", in.complete);
      m.inputs.push_back(std::move(in));
    }
    if (auto cs = j.find("counts"); cs != j.end() && cs->is_object()) {
      read_key(*cs, "episodes", m.episodes);
      read_key(*cs, "findings", m.findings);
      read_counts(*cs, "per_severity", m.per_severity);
      read_counts(*cs, "per_rule", m.per_rule);
      for (const auto& uj : cs->value("per_unit", nlohmann::json::array())) {
        UnitCounts u;
        read_key(uj, "unit", u.unit);
        read_key(uj, "unit_name", u.unit_name);
        read_key(uj, "episodes", u.episodes);
        read_key(uj, "episodes_with_error", u.episodes_with_error);
        read_key(uj, "episodes_with_finding", u.episodes_with_finding);
        read_counts(uj, "per_severity", u.per_severity);
        read_counts(uj, "per_rule", u.per_rule);
        m.per_unit[u.unit] = std::move(u);
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::invalid_input(std::string("run.json: ") + e.what());
  }
  return m;
}

Status write_run_json(const std::string& path, const RunManifest& m) {
  report::OutFile out(path);
  if (!out.is_open()) return out.open_error();
  out << run_manifest_to_json(m);
  return out.close();
}

namespace {

ojson change_json(uint64_t episodes, uint64_t findings, uint64_t with_error,
                  const PreviousCounts* before) {
  if (before == nullptr) return nullptr;
  ojson c;
  c["findings"] = static_cast<int64_t>(findings) - static_cast<int64_t>(before->findings);
  c["episodes_with_error"] =
      static_cast<int64_t>(with_error) - static_cast<int64_t>(before->episodes_with_error);
  c["error_rate"] =
      round6(rate(with_error, episodes) - rate(before->episodes_with_error, before->episodes));
  return c;
}

template <typename Map>
const PreviousCounts* lookup(const PreviousRun* previous, const Map PreviousRun::*member,
                             const std::string& key) {
  if (previous == nullptr) return nullptr;
  const auto& map = previous->*member;
  auto it = map.find(key);
  // A unit or rule new since the previous run counts as zero then.
  static const PreviousCounts kZero{};
  return it == map.end() ? &kZero : &it->second;
}

ojson severity_json(const std::map<Severity, uint64_t>& per, uint64_t waived) {
  ojson j;
  for (Severity s : {Severity::kError, Severity::kWarning, Severity::kInfo}) {
    auto it = per.find(s);
    j[severity_name(s)] = it == per.end() ? 0 : it->second;
  }
  j["waived"] = waived;
  return j;
}

ojson rule_json(const report::RuleFigures& r, uint64_t episodes, const ManifestRule* mr,
                const PreviousCounts* before, bool with_meta, bool episodes_known) {
  ojson j;
  j["rule"] = r.rule;
  if (with_meta) {
    j["severity"] = severity_name(mr != nullptr ? mr->severity : r.severity);
    j["title"] = mr != nullptr ? mr->title : "";
  }
  j["episodes"] = episodes;
  j["findings"] = r.findings;
  if (episodes_known) {
    j["episodes_with_finding"] = r.episodes_with_finding;
    j["episodes_with_error"] = r.episodes_with_error;
    j["error_rate"] = round6(rate(r.episodes_with_error, episodes));
    j["new_findings"] = r.new_findings;
    j["waived"] = r.waived;
  } else {  // summary from the manifest alone: not counted per rule
    j["episodes_with_finding"] = nullptr;
    j["episodes_with_error"] = nullptr;
    j["error_rate"] = nullptr;
    j["new_findings"] = nullptr;
    j["waived"] = nullptr;
  }
  // Per rule within a unit there is no previous figure: the key is left out there.
  if (with_meta) {
    j["change"] = change_json(episodes, r.findings, r.episodes_with_error, before);
    if (!episodes_known && before != nullptr) {
      j["change"]["episodes_with_error"] = nullptr;
      j["change"]["error_rate"] = nullptr;
    }
  }
  return j;
}

/// New, persisting and resolved findings (null without a run history).
void add_novelty(ojson& j, bool known, uint64_t new_findings, uint64_t persisting,
                 const PreviousCounts* before) {
  j["new_findings"] = known ? ojson(new_findings) : ojson(nullptr);
  j["persisting"] = known ? ojson(persisting) : ojson(nullptr);
  j["resolved"] = known && before != nullptr ? ojson(before->resolved)
                  : known                    ? ojson(0)
                                             : ojson(nullptr);
}

/// The units catalogue's gaps: whether one was given, whether rules missed it, unknown avdelinger.
ojson units_catalogue_json(const RunManifest& m) {
  ojson c;
  c["file"] = m.units_file.empty() ? ojson(nullptr) : ojson(m.units_file);
  c["missing_but_needed"] = m.units_catalogue_missing;
  ojson unknown = ojson::array();
  for (const auto& [resh, n] : m.unknown_units) {
    ojson u;
    u["reshID"] = resh;
    u["episodes"] = n;
    unknown.push_back(std::move(u));
  }
  c["unknown_avdelinger"] = std::move(unknown);
  return c;
}

/// summary.json from the key figures.
std::string summary_json(const RunManifest& m, const report::KeyFigures* k,
                         const PreviousRun* previous, const IndicatorReport* indicators = nullptr) {
  ojson j;
  j["tool_version"] = m.tool_version;
  j["started"] = m.started;
  j["finished"] = m.finished;
  j["filters"] = m.filters;
  j["previous_run"] = previous != nullptr ? ojson(previous->started) : ojson(nullptr);
  j["units_catalogue"] = units_catalogue_json(m);
  ojson total;
  total["episodes"] = k->episodes;
  total["findings"] = k->findings;
  total["episodes_with_finding"] = k->episodes_with_finding;
  total["episodes_with_error"] = k->episodes_with_error;
  total["error_rate"] = round6(rate(k->episodes_with_error, k->episodes));
  total["per_severity"] = severity_json(k->per_severity, k->waived);
  add_novelty(total, k->novelty_known, k->new_findings, k->persisting,
              previous != nullptr ? &previous->total : nullptr);
  total["change"] = change_json(k->episodes, k->findings, k->episodes_with_error,
                                previous != nullptr ? &previous->total : nullptr);
  j["total"] = std::move(total);

  const std::vector<std::string> rule_ids = report::ordered_rule_ids(m, *k);
  ojson units = ojson::array();
  for (const auto& [id, u] : k->units) {
    ojson uj;
    uj["unit"] = id;
    uj["unit_name"] = u.unit_name;
    uj["episodes"] = u.episodes;
    uj["findings"] = u.findings;
    uj["episodes_with_finding"] = u.episodes_with_finding;
    uj["episodes_with_error"] = u.episodes_with_error;
    uj["error_rate"] = round6(rate(u.episodes_with_error, u.episodes));
    uj["per_severity"] = severity_json(u.per_severity, u.waived);
    add_novelty(uj, k->novelty_known, u.new_findings, u.persisting,
                lookup(previous, &PreviousRun::per_unit, id));
    uj["change"] = change_json(u.episodes, u.findings, u.episodes_with_error,
                               lookup(previous, &PreviousRun::per_unit, id));
    ojson per_rule = ojson::array();
    for (const auto& rid : rule_ids) {
      auto it = u.per_rule.find(rid);
      if (it == u.per_rule.end()) continue;
      per_rule.push_back(
          rule_json(it->second, u.episodes, nullptr, nullptr, false, k->rule_episodes_known));
    }
    uj["per_rule"] = std::move(per_rule);
    units.push_back(std::move(uj));
  }
  j["units"] = std::move(units);

  ojson rules = ojson::array();
  for (const auto& rid : rule_ids) {
    const report::RuleFigures& r = k->rules.at(rid);
    rules.push_back(rule_json(r, k->episodes, report::find_rule(m, rid),
                              lookup(previous, &PreviousRun::per_rule, rid), true,
                              k->rule_episodes_known));
  }
  if (k->novelty_known) {
    for (auto& rj : rules) {
      const std::string rid = rj["rule"];
      add_novelty(rj, true, k->rules.at(rid).new_findings, k->rules.at(rid).persisting,
                  lookup(previous, &PreviousRun::per_rule, rid));
    }
  }
  j["rules"] = std::move(rules);
  if (indicators != nullptr) j["indicators"] = report::indicators_json(*indicators);
  return dump(j);
}

}  // namespace

Status write_summary_json(const std::string& path, const RunManifest& m,
                          const FindingSource& source, const PreviousRun* previous,
                          const IndicatorReport* indicators) {
  auto k = report::compute_key_figures(m, source);
  if (!k) return k.status();
  report::OutFile out(path);
  if (!out.is_open()) return out.open_error();
  out << summary_json(m, &*k, previous, indicators);
  return out.close();
}

Status write_summary_json(const std::string& path, const RunManifest& m,
                          const PreviousRun* previous) {
  report::KeyFigures k = report::key_figures_from_manifest(m);
  report::OutFile out(path);
  if (!out.is_open()) return out.open_error();
  out << summary_json(m, &k, previous);
  return out.close();
}

Result<PreviousRun> previous_run_from_summary_json(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::invalid_input("summary.json: not a JSON object");
  }
  PreviousRun p;
  auto counts = [](const nlohmann::json& o) {
    PreviousCounts c;
    read_key(o, "episodes", c.episodes);
    read_key(o, "findings", c.findings);
    read_key(o, "episodes_with_error", c.episodes_with_error);
    return c;
  };
  try {
    read_key(j, "started", p.started);
    if (auto t = j.find("total"); t != j.end() && t->is_object()) p.total = counts(*t);
    for (const auto& u : j.value("units", nlohmann::json::array())) {
      p.per_unit[u.value("unit", std::string())] = counts(u);
    }
    for (const auto& r : j.value("rules", nlohmann::json::array())) {
      p.per_rule[r.value("rule", std::string())] = counts(r);
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::invalid_input(std::string("summary.json: ") + e.what());
  }
  return p;
}

}  // namespace nprcheck
