// junit.xml: one testsuite per level-2 unit, one testcase per rule, failures listing findings.
// CI dashboards are read by more people than the reports: no pasientNr here.
#include <map>
#include <vector>

#include "nprcheck/report.hpp"
#include "report_util.hpp"
#include "writers.hpp"

namespace nprcheck::report {

namespace {

/// A finding as one line of a failure's text.
std::string failure_line(const Finding& f) {
  std::string s = "episode " + f.episode_id;
  if (!f.avdeling.empty()) s += ", avdeling " + f.avdeling;
  if (!f.dato.empty()) s += ", " + f.dato;
  if (!f.codes.empty()) {
    s += ", koder";
    for (const auto& c : f.codes) s += " " + c.verdi;
  }
  s += ": " + f.message;
  if (!f.file.empty()) s += " (" + f.file + ":" + std::to_string(f.line) + ")";
  if (f.novelty == Finding::Novelty::kNew) s += " [ny]";
  return s;
}

struct RuleCase {
  Severity worst = Severity::kInfo;
  uint64_t findings = 0;  // error and warning
  std::string failure_text;
  std::string info_text;  // info findings: listed, not failing
};

}  // namespace

Status write_junit_from(const std::string& path, const RunManifest& m, const KeyFigures& k,
                        const UnitPartition& part) {
  const std::vector<std::string> rule_ids = ordered_rule_ids(m, k);
  OutFile out(path);
  if (!out.is_open()) return out.open_error();

  // Totals first, from the key figures: a rule fails in a unit when it has a warning or error
  // there that is not waived (the same test the per-unit pass below makes).
  const std::vector<std::string> units = part.units(m);
  uint64_t total_failures = 0;
  for (const auto& unit : units) {
    auto uit = k.units.find(unit);
    if (uit == k.units.end()) continue;
    for (const auto& [rid, rf] : uit->second.per_rule) {
      if (rf.findings > 0 && rf.severity >= Severity::kWarning) ++total_failures;
    }
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"nprcheck\" tests=\"" + std::to_string(units.size() * rule_ids.size()) +
             "\" failures=\"" + std::to_string(total_failures) + "\" errors=\"0\" time=\"0\">\n";

  std::string suites;
  size_t suite_id = 0;
  for (const auto& unit : units) {
    std::map<std::string, RuleCase> cases;
    Status s = part.unit_source(unit)([&](const Finding& f) {
      if (f.waived) return;
      RuleCase& c = cases[f.rule_id];
      if (f.severity == Severity::kInfo) {
        c.info_text += failure_line(f) + "\n";
        return;
      }
      c.worst = std::max(c.worst, f.severity);
      ++c.findings;
      c.failure_text += failure_line(f) + "\n";
    });
    if (!s) return s;
    auto uit = k.units.find(unit);
    const std::string name =
        uit != k.units.end() ? unit_display_name(unit, uit->second.unit_name) : unit;
    uint64_t failures = 0;
    std::string body;
    for (const auto& rid : rule_ids) {
      const ManifestRule* r = find_rule(m, rid);
      std::string title = r != nullptr && !r->title.empty() ? rid + " " + r->title : rid;
      body += "    <testcase classname=\"" + html_escape("nprcheck." + unit_file_stem(unit)) +
              "\" name=\"" + html_escape(title) + "\" time=\"0\"";
      auto cit = cases.find(rid);
      if (cit == cases.end() || (cit->second.findings == 0 && cit->second.info_text.empty())) {
        body += "/>\n";
        continue;
      }
      body += ">\n";
      const RuleCase& c = cit->second;
      if (c.findings > 0) {
        ++failures;
        body += "      <failure type=\"" + std::string(severity_name(c.worst)) + "\" message=\"" +
                std::to_string(c.findings) + " funn\">" + html_escape(c.failure_text) +
                "</failure>\n";
      }
      if (!c.info_text.empty()) {
        body += "      <system-out>" + html_escape(c.info_text) + "</system-out>\n";
      }
      body += "    </testcase>\n";
    }
    std::string header = "  <testsuite name=\"" + html_escape(name + " (" + unit + ")") +
                         "\" id=\"" + std::to_string(suite_id++) + "\" tests=\"" +
                         std::to_string(rule_ids.size()) + "\" failures=\"" +
                         std::to_string(failures) + "\" errors=\"0\" skipped=\"0\" time=\"0\"";
    if (!m.started.empty()) header += " timestamp=\"" + html_escape(m.started) + "\"";
    header += ">\n    <properties>\n";
    header += "      <property name=\"unit\" value=\"" + html_escape(unit) + "\"/>\n";
    if (uit != k.units.end()) {
      header += "      <property name=\"episodes\" value=\"" +
                std::to_string(uit->second.episodes) + "\"/>\n";
      header += "      <property name=\"episodes_with_error\" value=\"" +
                std::to_string(uit->second.episodes_with_error) + "\"/>\n";
    }
    header += "    </properties>\n";
    suites += header + body + "  </testsuite>\n";
    // Flush a unit at a time: memory holds one unit's findings at most.
    out << suites;
    suites.clear();
  }
  out << "</testsuites>\n";
  return out.close();
}

}  // namespace nprcheck::report
