// junit.xml: one testsuite per level-2 unit, one testcase per rule, failures listing findings.
// CI dashboards are read by more people than the reports: no pasientNr here.
#include <map>
#include <vector>

#include "json_writer.hpp"
#include "nprcheck/report.hpp"
#include "report_util.hpp"
#include "writers.hpp"

namespace nprcheck::report {

namespace {

/// Appends a finding as one line of a failure's text, HTML-escaped, with its newline.
void append_failure_line(std::string& out, const Finding& f) {
  out += "episode ";
  append_html_escaped(out, f.episode_id);
  if (!f.avdeling.empty()) {
    out += ", avdeling ";
    append_html_escaped(out, f.avdeling);
  }
  if (!f.dato.empty()) {
    out += ", ";
    append_html_escaped(out, f.dato);
  }
  if (!f.codes.empty()) {
    out += ", koder";
    for (const auto& c : f.codes) {
      out += ' ';
      append_html_escaped(out, c.verdi);
    }
  }
  out += ": ";
  append_html_escaped(out, f.message);
  if (!f.file.empty()) {
    out += " (";
    append_html_escaped(out, f.file);
    out += ':';
    append_uint(out, f.line);
    out += ')';
  }
  if (f.novelty == Finding::Novelty::kNew) out += " [ny]";
  out += '\n';
}

}  // namespace

Status write_junit_from(const std::string& path, const RunManifest& m, const KeyFigures& k,
                        const UnitPartition& part, Severity fail_on) {
  const std::vector<std::string> rule_ids = ordered_rule_ids(m, k);
  OutFile out(path);
  if (!out.is_open()) return out.open_error();

  // Totals first, from the key figures: a rule fails in a unit when it has a finding at or
  // above --fail-on there that is not waived (the same test the per-unit pass below makes), so
  // that the verdict matches the exit code.
  const std::vector<std::string> units = part.units(m);
  uint64_t total_failures = 0;
  for (const auto& unit : units) {
    auto uit = k.units.find(unit);
    if (uit == k.units.end()) continue;
    for (const auto& [rid, rf] : uit->second.per_rule) {
      if (rf.findings > 0 && rf.severity >= fail_on) ++total_failures;
    }
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"nprcheck\" tests=\"" + std::to_string(units.size() * rule_ids.size()) +
             "\" failures=\"" + std::to_string(total_failures) + "\" errors=\"0\" time=\"0\">\n";

  size_t suite_id = 0;
  std::string text;  // failure lines, reused and flushed in large pieces
  for (const auto& unit : units) {
    auto uit = k.units.find(unit);
    const UnitFigures* uf = uit != k.units.end() ? &uit->second : nullptr;
    const std::string name = uf != nullptr ? unit_display_name(unit, uf->unit_name) : unit;
    // A rule's findings in a unit all have the rule's severity: they fail the
    // testcase when at or above --fail-on; the others are listed in its system-out. Waived
    // findings are left out.
    auto figures = [&](const std::string& rid) -> const RuleFigures* {
      if (uf == nullptr) return nullptr;
      auto it = uf->per_rule.find(rid);
      return it != uf->per_rule.end() && it->second.findings > 0 ? &it->second : nullptr;
    };
    uint64_t failures = 0;
    for (const auto& rid : rule_ids) {
      const RuleFigures* rf = figures(rid);
      if (rf != nullptr && rf->severity >= fail_on) ++failures;
    }
    std::string header = "  <testsuite name=\"" + html_escape(name + " (" + unit + ")") +
                         "\" id=\"" + std::to_string(suite_id++) + "\" tests=\"" +
                         std::to_string(rule_ids.size()) + "\" failures=\"" +
                         std::to_string(failures) + "\" errors=\"0\" skipped=\"0\" time=\"0\"";
    if (!m.started.empty()) header += " timestamp=\"" + html_escape(m.started) + "\"";
    header += ">\n    <properties>\n";
    header += "      <property name=\"unit\" value=\"" + html_escape(unit) + "\"/>\n";
    if (uf != nullptr) {
      header +=
          "      <property name=\"episodes\" value=\"" + std::to_string(uf->episodes) + "\"/>\n";
      header += "      <property name=\"episodes_with_error\" value=\"" +
                std::to_string(uf->episodes_with_error) + "\"/>\n";
    }
    header += "    </properties>\n";
    out << header;

    // The unit's findings split by rule (one pass), so that each testcase's text is streamed
    // to the file: memory holds a few buffers, never a unit's findings.
    auto by_rule = UnitPartition::create(
        part.dir() / ("junit-" + std::to_string(suite_id)), part.unit_source(unit),
        [](const Finding& f) { return f.waived ? nullptr : &f.rule_id; });
    if (!by_rule) return by_rule.status();
    for (const auto& rid : rule_ids) {
      const ManifestRule* r = find_rule(m, rid);
      std::string title = r != nullptr && !r->title.empty() ? rid + " " + r->title : rid;
      out << "    <testcase classname=\"" + html_escape("nprcheck." + unit_file_stem(unit)) +
                 "\" name=\"" + html_escape(title) + "\" time=\"0\"";
      const RuleFigures* rf = figures(rid);
      if (rf == nullptr) {
        out << "/>\n";
        continue;
      }
      const bool failing = rf->severity >= fail_on;
      if (failing) {
        out << ">\n      <failure type=\"" + std::string(severity_name(rf->severity)) +
                   "\" message=\"" + std::to_string(rf->findings) + " funn\">";
      } else {
        out << ">\n      <system-out>";
      }
      Status s = by_rule->unit_source(rid)([&](const Finding& f) {
        append_failure_line(text, f);
        if (text.size() >= (1u << 16)) {
          out << text;
          text.clear();
        }
      });
      if (!s) return s;
      out << text;
      text.clear();
      out << (failing ? "</failure>\n" : "</system-out>\n");
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.close();
}

}  // namespace nprcheck::report
