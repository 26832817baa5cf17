// The HTML report: html/index.html (overview per level-2 unit) and html/unit-<stem>.html (one
// unit's findings). Every page is one self-contained file: CSS and JS are embedded from
// src/report/assets, a Content-Security-Policy allows only those two (by hash), and every value
// from the input is HTML-escaped. A unit's findings sit in the page as JSON and are rendered a
// page of rows at a time by report.js, so that 50,000 findings stay quick to open and filter.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "assets.hpp"
#include "html_parts.hpp"
#include "indicator_report.hpp"
#include "nprcheck/hash.hpp"
#include "nprcheck/report.hpp"
#include "report_util.hpp"
#include "writers.hpp"

namespace nprcheck::report {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr size_t kChartMaxUnits = 40;  // the bar chart shows the units with the highest rates

uint64_t sev_count(const std::map<Severity, uint64_t>& m, Severity s) {
  auto it = m.find(s);
  return it == m.end() ? 0 : it->second;
}

std::string card(const std::string& label, const std::string& value, const std::string& note = "",
                 const std::string& cls = "") {
  std::string c = "<div class=\"card" + (cls.empty() ? "" : " " + cls) +
                  "\"><div class=\"label\">" + label + "</div><div class=\"value\">" + value +
                  "</div>";
  if (!note.empty()) c += "<div class=\"note\">" + note + "</div>";
  return c + "</div>";
}

std::string sort_th(const std::string& label, bool num = false, const std::string& key = "") {
  std::string th = "<th scope=\"col\"";
  if (num) th += " class=\"num\"";
  if (!key.empty()) th += " data-key=\"" + key + "\"";
  return th + "><button type=\"button\" class=\"sort\">" + label + "</button></th>";
}

std::string delta_html(int64_t delta) {
  std::string cls = delta > 0 ? "delta-up" : delta < 0 ? "delta-down" : "";
  return "<span class=\"" + cls + "\">" + format_delta(delta) + "</span>";
}

std::string points_html(double delta) {
  double p = std::round(delta * 1000.0);
  std::string cls = p > 0 ? "delta-up" : p < 0 ? "delta-down" : "";
  return "<span class=\"" + cls + "\">" + format_points(delta) + "\u00a0pp</span>";
}

/// Alerts every page of a run carries: tables missing, inputs not fully checked, filters.
std::string run_alerts(const RunManifest& m) {
  std::string a;
  for (const auto& missing : m.missing_tables) {
    a += "<li class=\"alert\">Mangler kodetabell for " + esc(missing) +
         ": koder fra dette året er ikke kontrollert mot en kodetabell.</li>\n";
  }
  if (m.units_catalogue_missing) {
    a += "<li class=\"alert\">Ingen enhetskatalog (--units): radiologienheter er ikke unntatt "
         "fra BV-reglene.</li>\n";
  }
  for (const auto& [resh, n] : m.unknown_units) {
    a += "<li class=\"alert\">Avdeling " + esc(resh) +
         " finnes ikke i enhetskatalogen: " + std::to_string(n) +
         " episode(r) er telt som en egen enhet.</li>\n";
  }
  for (const auto& in : m.inputs) {
    if (!in.complete) {
      a += "<li class=\"alert error\">Filen " + esc(in.path) +
           " kunne ikke kontrolleres fullt ut: tallene er ufullstendige.</li>\n";
    }
  }
  if (!m.filters.empty()) {
    a += "<li class=\"alert info\">Utvalg: " + esc(m.filters) +
         ". Rapporten gjelder bare dette utvalget.</li>\n";
  }
  return a.empty() ? "" : "<ul class=\"alerts\">\n" + a + "</ul>\n";
}

/// Nice upper bound for the chart's scale: 5 %, 10 %, 20 %, 25 %, 50 %, 100 %.
double chart_scale(double max_rate) {
  for (double s : {0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0}) {
    if (max_rate <= s) return s;
  }
  return 1.0;
}

std::string bar_chart(const KeyFigures& k) {
  std::vector<const UnitFigures*> units;
  for (const UnitFigures* u : k.units_by_error_rate()) {
    if (u->episodes > 0) units.push_back(u);
  }
  if (units.empty()) return "<p class=\"empty\">Ingen episoder ble kontrollert.</p>\n";
  const size_t shown = std::min(units.size(), kChartMaxUnits);
  const double overall = rate(k.episodes_with_error, k.episodes);
  double max_rate = 0;
  for (size_t i = 0; i < shown; ++i) {
    max_rate = std::max(max_rate, rate(units[i]->episodes_with_error, units[i]->episodes));
  }
  const double scale = chart_scale(max_rate);
  const int label_w = 250, bar_w = 520, row_h = 24, top = 26, right = 90;
  const int width = label_w + bar_w + right;
  const int height = top + static_cast<int>(shown) * row_h + 10;
  std::string s = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 " + std::to_string(width) + " " +
                  std::to_string(height) + "\" width=\"" + std::to_string(width) + "\" height=\"" +
                  std::to_string(height) + "\" xmlns=\"http://www.w3.org/2000/svg\">\n";
  s += "<title>Feilandel per enhet: andel kontrollerte episoder med minst én feil</title>\n";
  for (int t = 0; t <= 4; ++t) {
    double v = scale * t / 4.0;
    int x = label_w + static_cast<int>(bar_w * t / 4.0);
    s += "<line class=\"axis\" x1=\"" + std::to_string(x) + "\" y1=\"" + std::to_string(top - 6) +
         "\" x2=\"" + std::to_string(x) + "\" y2=\"" + std::to_string(height - 6) + "\"/>";
    s += "<text class=\"tick\" x=\"" + std::to_string(x) + "\" y=\"14\" text-anchor=\"middle\">" +
         format_percent(v) + "</text>\n";
  }
  for (size_t i = 0; i < shown; ++i) {
    const UnitFigures& u = *units[i];
    const double r = rate(u.episodes_with_error, u.episodes);
    const int y = top + static_cast<int>(i) * row_h;
    const int w = std::max(r > 0 ? 1 : 0, static_cast<int>(std::lround(bar_w * r / scale)));
    const std::string name = unit_display_name(u.unit, u.unit_name);
    s += "<a href=\"" + esc(unit_page_name(u.unit)) + "\"><title>" + esc(name) + ": " +
         format_percent(r) + " (" + format_count(u.episodes_with_error) + " av " +
         format_count(u.episodes) + " episoder)</title>";
    s += "<text x=\"" + std::to_string(label_w - 8) + "\" y=\"" + std::to_string(y + 16) +
         "\" text-anchor=\"end\">" + esc(truncate_utf8(name, 34)) + "</text>";
    s += "<rect class=\"bar" + std::string(r > overall ? " high" : "") + "\" x=\"" +
         std::to_string(label_w) + "\" y=\"" + std::to_string(y + 4) + "\" width=\"" +
         std::to_string(w) + "\" height=\"" + std::to_string(row_h - 8) + "\" rx=\"2\"/>";
    s += "<text x=\"" + std::to_string(label_w + w + 6) + "\" y=\"" + std::to_string(y + 16) +
         "\">" + format_percent(r) + "</text></a>\n";
  }
  s += "</svg>\n";
  std::string note = "Røde stolper: over snittet for kjøringen (" + format_percent(overall) + ").";
  if (shown < units.size()) {
    note += " Viser de " + std::to_string(shown) + " enhetene med høyest feilandel av " +
            std::to_string(units.size()) + "; alle står i tabellen under.";
  }
  return s + "<p class=\"status-line\">" + note + "</p>\n";
}

std::string manifest_details(const RunManifest& m) {
  std::string d =
      "<details class=\"manifest panel\">\n<summary>Kjøringsmanifest: regelsett, "
      "kodetabeller og inndata</summary>\n<dl>\n";
  auto row = [&](const std::string& k, const std::string& v) {
    d += "<dt>" + k + "</dt><dd>" + esc(v) + "</dd>\n";
  };
  row("Verktøy", "nprcheck " + m.tool_version);
  row("Startet", m.started);
  row("Ferdig", m.finished);
  if (!m.filters.empty()) row("Utvalg", m.filters);
  row("Regelsett", m.rules_dir);
  row("Regelsett SHA-256", m.rules_hash);
  row("Kodetabeller", m.tables_dir);
  row("Enhetskatalog",
      m.units_file.empty() ? "(ingen: hver avdeling er sin egen enhet)" : m.units_file);
  if (!m.missing_tables.empty()) {
    std::string s;
    for (const auto& x : m.missing_tables) s += (s.empty() ? "" : ", ") + x;
    row("Manglende tabeller", s);
  }
  d += "</dl>\n<table>\n<caption>Regler</caption>\n<thead><tr><th>Regel</th><th>Versjon</th>"
       "<th>Alvorlighet</th><th>Tittel</th><th>Kilde</th></tr></thead>\n<tbody>\n";
  for (const auto& r : m.rules) {
    d += "<tr><td class=\"mono\">" + esc(r.id) + "</td><td class=\"num\">" +
         std::to_string(r.version) + "</td><td>" + sev_badge(r.severity) + "</td><td>" +
         esc(r.title) + "</td><td>" + esc(r.source) + "</td></tr>\n";
  }
  d +=
      "</tbody>\n</table>\n<table>\n<caption>Kodetabeller</caption>\n<thead><tr><th>Kodeverk</th>"
      "<th>År</th><th class=\"num\">Koder</th><th>Fil</th><th>SHA-256</th></tr></thead>\n<tbody>\n";
  for (const auto& t : m.tables) {
    std::string years = std::to_string(t.year_from);
    if (t.year_to != t.year_from) years += "\u2013" + std::to_string(t.year_to);
    d += "<tr><td>" + esc(t.system) + "</td><td>" + years + "</td><td class=\"num\">" +
         format_count(t.codes) + "</td><td class=\"mono\">" + esc(t.file) +
         "</td><td class=\"mono\">" + esc(t.sha256) + "</td></tr>\n";
  }
  d += "</tbody>\n</table>\n<table>\n<caption>Inndata</caption>\n<thead><tr><th>Fil</th>"
       "<th class=\"num\">Størrelse (byte)</th><th class=\"num\">Episoder</th><th>Fullstendig</th>"
       "<th>SHA-256</th></tr></thead>\n<tbody>\n";
  for (const auto& in : m.inputs) {
    d += "<tr><td class=\"mono\">" + esc(in.path) + "</td><td class=\"num\">" +
         format_count(in.size) + "</td><td class=\"num\">" + format_count(in.episodes) +
         "</td><td>" + (in.complete ? "ja" : "<strong>nei</strong>") + "</td><td class=\"mono\">" +
         esc(in.sha256) + "</td></tr>\n";
  }
  d += "</tbody>\n</table>\n</details>\n";
  return d;
}

// ---- index.html --------------------------------------------------------------------------

std::string index_page(const RunManifest& m, const KeyFigures& k, const ReportOptions& o) {
  const PreviousRun* prev = o.previous;
  const bool novelty = k.novelty_known;
  std::string h = page_head("Kodekontroll NPR \u2013 oversikt", "page-index");
  h += "<header class=\"top\">\n<h1>Kodekontroll NPR-melding \u2013 oversikt</h1>\n";
  h += "<p class=\"sub\">Kjøring " +
       esc(readable_time(m.finished.empty() ? m.started : m.finished)) + " \u00b7 " +
       format_count(k.units.size()) + " enheter \u00b7 regelsett " +
       esc(m.rules_hash.substr(0, 12)) + "</p>\n</header>\n<main>\n";
  h += run_alerts(m);

  const double overall = rate(k.episodes_with_error, k.episodes);
  h += "<section class=\"cards\" aria-label=\"Nøkkeltall\">\n";
  h += card("Episoder kontrollert", format_count(k.episodes));
  std::string ewe_note;
  if (prev != nullptr) {
    ewe_note = delta_html(static_cast<int64_t>(k.episodes_with_error) -
                          static_cast<int64_t>(prev->total.episodes_with_error)) +
               " siden forrige kjøring";
  }
  h += card("Episoder med feil", format_count(k.episodes_with_error), ewe_note, "error");
  std::string rate_note;
  if (prev != nullptr) {
    rate_note = points_html(overall - rate(prev->total.episodes_with_error, prev->total.episodes)) +
                " siden forrige kjøring";
  }
  h += card("Feilandel", format_percent(overall), rate_note);
  h += card("Funn", format_count(k.findings),
            format_count(sev_count(k.per_severity, Severity::kError)) + " feil \u00b7 " +
                format_count(sev_count(k.per_severity, Severity::kWarning)) + " advarsler \u00b7 " +
                format_count(sev_count(k.per_severity, Severity::kInfo)) + " info");
  if (novelty) h += card("Nye funn", format_count(k.new_findings), "siden forrige kjøring");
  if (novelty) {
    h += card("Vedvarende funn", format_count(k.persisting), "også i forrige kjøring");
  }
  if (novelty && prev != nullptr) {
    h +=
        card("Rettet", format_count(prev->total.resolved), "funn fra forrige kjøring som er borte");
  }
  if (k.waived > 0) h += card("Unntatt", format_count(k.waived), "godkjent i unntaksfilen");
  h += "</section>\n";

  h += "<h2>Feilandel per enhet</h2>\n<div class=\"panel\">\n" + bar_chart(k) + "</div>\n";

  // Units table.
  h += "<h2>Enheter</h2>\n<div class=\"panel\">\n<table class=\"sortable units\" id=\"enheter\">\n";
  h += "<caption>Per nivå 2-enhet. Feilandel = episoder med minst én feil / episoder kontrollert. "
       "Klikk en kolonne for å sortere.</caption>\n<thead><tr>";
  h += sort_th("Enhet") + sort_th("reshID") + sort_th("Episoder", true) +
       sort_th("Episoder med feil", true) + sort_th("Feilandel", true);
  if (prev != nullptr) h += sort_th("Endring", true);
  if (o.trend != nullptr) h += "<th scope=\"col\">Utvikling</th>";
  h += sort_th("Feil", true) + sort_th("Advarsler", true) + sort_th("Info", true);
  if (novelty) h += sort_th("Nye", true);
  h += "<th scope=\"col\">Vanligste regler</th></tr></thead>\n<tbody>\n";
  for (const UnitFigures* up : k.units_by_error_rate()) {
    const UnitFigures& u = *up;
    const double r = rate(u.episodes_with_error, u.episodes);
    const uint64_t ne = sev_count(u.per_severity, Severity::kError);
    const uint64_t nw = sev_count(u.per_severity, Severity::kWarning);
    const uint64_t ni = sev_count(u.per_severity, Severity::kInfo);
    h += "<tr data-unit=\"" + esc(u.unit) + "\" data-episodes=\"" + std::to_string(u.episodes) +
         "\" data-episodes-with-error=\"" + std::to_string(u.episodes_with_error) +
         "\" data-findings=\"" + std::to_string(u.findings) + "\" data-error=\"" +
         std::to_string(ne) + "\" data-warning=\"" + std::to_string(nw) + "\" data-info=\"" +
         std::to_string(ni) + "\">";
    h += "<td><a href=\"" + esc(unit_page_name(u.unit)) + "\">" +
         esc(unit_display_name(u.unit, u.unit_name)) + "</a></td>";
    h += "<td class=\"mono\">" + esc(u.unit) + "</td>";
    h += "<td class=\"num\" data-sort=\"" + std::to_string(u.episodes) + "\">" +
         format_count(u.episodes) + "</td>";
    h += "<td class=\"num\" data-sort=\"" + std::to_string(u.episodes_with_error) + "\">" +
         format_count(u.episodes_with_error) + "</td>";
    h += "<td class=\"num\" data-sort=\"" + std::to_string(r) + "\">" + format_percent(r) + "</td>";
    if (prev != nullptr) {
      auto it = prev->per_unit.find(u.unit);
      if (it == prev->per_unit.end()) {
        h += "<td class=\"num\" data-sort=\"0\">ny</td>";
      } else {
        double d = r - rate(it->second.episodes_with_error, it->second.episodes);
        h +=
            "<td class=\"num\" data-sort=\"" + std::to_string(d) + "\">" + points_html(d) + "</td>";
      }
    }
    if (o.trend != nullptr) h += "<td>" + unit_sparkline(u, o.trend) + "</td>";
    for (uint64_t n : {ne, nw, ni}) {
      h += "<td class=\"num\" data-sort=\"" + std::to_string(n) + "\">" + format_count(n) + "</td>";
    }
    if (novelty) {
      h += "<td class=\"num\" data-sort=\"" + std::to_string(u.new_findings) + "\">" +
           format_count(u.new_findings) + "</td>";
    }
    h += "<td>";
    bool first = true;
    for (const RuleFigures* rf : u.top_rules(3)) {
      if (!first) h += ", ";
      first = false;
      h += "<a class=\"mono\" href=\"" + esc(unit_page_name(u.unit)) +
           "#regel=" + esc(path_to_uri(rf->rule)) + "\">" + esc(rf->rule) + "</a>\u00a0(" +
           format_count(rf->findings) + ")";
    }
    if (first) h += "<span class=\"empty\">ingen funn</span>";
    h += "</td></tr>\n";
  }
  h += "</tbody>\n</table>\n</div>\n";

  // Rules table.
  h += "<h2>Regler</h2>\n<div class=\"panel\">\n<table class=\"sortable rules-table\" "
       "id=\"regler\">\n";
  h += "<caption>Andel = episoder der regelen ga feil / alle kontrollerte episoder.</caption>\n";
  h += "<thead><tr>" + sort_th("Regel") + sort_th("Tittel") + sort_th("Alvorlighet") +
       sort_th("Funn", true) + sort_th("Episoder med funn", true) +
       sort_th("Episoder med feil", true) + sort_th("Andel", true);
  if (novelty) h += sort_th("Nye", true);
  if (prev != nullptr) h += sort_th("Endring funn", true);
  h += "</tr></thead>\n<tbody>\n";
  for (const auto& rid : ordered_rule_ids(m, k)) {
    const RuleFigures& rf = k.rules.at(rid);
    const ManifestRule* mr = find_rule(m, rid);
    Severity sev = mr != nullptr ? mr->severity : rf.severity;
    const double r = rate(rf.episodes_with_error, k.episodes);
    h +=
        "<tr data-rule=\"" + esc(rid) + "\" data-findings=\"" + std::to_string(rf.findings) + "\">";
    h += "<td class=\"mono\"><a href=\"" + esc(rule_page_href(rid)) + "\">" + esc(rid) +
         "</a></td><td>" + esc(mr != nullptr ? mr->title : "") + "</td><td data-sort=\"" +
         std::to_string(static_cast<int>(sev)) + "\">" + sev_badge(sev) + "</td>";
    for (uint64_t n : {rf.findings, rf.episodes_with_finding, rf.episodes_with_error}) {
      h += "<td class=\"num\" data-sort=\"" + std::to_string(n) + "\">" + format_count(n) + "</td>";
    }
    h += "<td class=\"num\" data-sort=\"" + std::to_string(r) + "\">" + format_percent(r) + "</td>";
    if (novelty) {
      h += "<td class=\"num\" data-sort=\"" + std::to_string(rf.new_findings) + "\">" +
           format_count(rf.new_findings) + "</td>";
    }
    if (prev != nullptr) {
      auto it = prev->per_rule.find(rid);
      int64_t before = it == prev->per_rule.end() ? 0 : static_cast<int64_t>(it->second.findings);
      int64_t d = static_cast<int64_t>(rf.findings) - before;
      h += "<td class=\"num\" data-sort=\"" + std::to_string(d) + "\">" + delta_html(d) + "</td>";
    }
    h += "</tr>\n";
  }
  h += "</tbody>\n</table>\n</div>\n";

  if (o.indicators != nullptr) h += indicator_index_html(*o.indicators);
  h += "<h2>Om kjøringen</h2>\n" + manifest_details(m);
  if (prev != nullptr) {
    h += "<p class=\"status-line\">Endringer er målt mot kjøringen " + esc(prev->started) +
         ".</p>\n";
  }
  h += "</main>\n" + page_tail(m);
  return h;
}

// ---- unit-<stem>.html --------------------------------------------------------------------

std::string dump_json(const json& j) {
  return json_for_script(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

/// The rules with findings in a unit, in the order the page shows them: ISF-relevant first,
/// then severity, then count.
std::vector<const RuleFigures*> unit_rules(const UnitFigures& u, const RunManifest& m) {
  std::vector<const RuleFigures*> v;
  for (const auto& [id, rf] : u.per_rule) {
    if (rf.findings > 0 || rf.waived > 0) v.push_back(&rf);
  }
  auto sev = [&](const RuleFigures* r) {
    const ManifestRule* mr = find_rule(m, r->rule);
    return mr != nullptr ? mr->severity : r->severity;
  };
  auto isf = [&](const RuleFigures* r) {
    const ManifestRule* mr = find_rule(m, r->rule);
    return mr != nullptr && mr->isf;
  };
  std::sort(v.begin(), v.end(), [&](const RuleFigures* a, const RuleFigures* b) {
    if (isf(a) != isf(b)) return isf(a);
    if (sev(a) != sev(b)) return sev(a) > sev(b);
    if (a->findings != b->findings) return a->findings > b->findings;
    return a->rule < b->rule;
  });
  return v;
}

/// The worklist: filters, pager, and the findings table report.js renders (default order:
/// ISF-relevant first, then severity, then new before persisting).
std::string worklist_section(const RunManifest& m, const UnitFigures& u,
                             const std::vector<const RuleFigures*>& rules, bool novelty,
                             const ReportOptions& o) {
  std::string h = "<section id=\"arbeidsliste\" aria-labelledby=\"funn-seksjon\">\n";
  h += "<h2 id=\"funn-seksjon\">Arbeidsliste: funn å rette</h2>\n<div class=\"panel\">\n";
  h += "<noscript><p class=\"alert\">Slå på JavaScript for å se funnene i tabellen. Funnene finnes "
       "også i CSV-filen for enheten (csv/) og i findings.csv.</p></noscript>\n";
  h += "<div class=\"controls\" role=\"search\">\n";
  h += "<label>Regel<select id=\"f-rule\"><option value=\"\">Alle regler</option>";
  for (const RuleFigures* rf : rules) {
    const ManifestRule* mr = find_rule(m, rf->rule);
    h += "<option value=\"" + esc(rf->rule) + "\">" + esc(rf->rule) +
         (mr != nullptr && !mr->title.empty() ? " \u2013 " + esc(truncate_utf8(mr->title, 50))
                                              : "") +
         " (" + format_count(rf->findings + rf->waived) + ")</option>";
  }
  h += "</select></label>\n<label>Avdeling<select id=\"f-avd\"><option value=\"\">Alle "
       "avdelinger</option>";
  for (const auto& a : u.avdelinger) {
    // The catalogue's name where it has one: people know their avdeling by name, not reshID.
    const std::string name = o.avdeling_name ? o.avdeling_name(a) : std::string();
    h += "<option value=\"" + esc(a) + "\">" +
         (name.empty() ? esc(a) : esc(name + " (" + a + ")")) + "</option>";
  }
  h += "</select></label>\n<label>Alvorlighet<select id=\"f-sev\"><option value=\"\">Alle</option>"
       "<option value=\"2\">Feil</option><option value=\"1\">Advarsel</option>"
       "<option value=\"0\">Info</option></select></label>\n";
  if (novelty || u.waived > 0) {
    h += "<label>Status<select id=\"f-status\"><option value=\"\">Alle</option>";
    if (novelty)
      h += "<option value=\"ny\">Nye</option><option value=\"vedvarende\">Vedvarende</option>";
    if (u.waived > 0) h += "<option value=\"unntatt\">Unntatt</option>";
    h += "</select></label>\n";
  }
  h += "<label>Søk<input type=\"search\" id=\"f-text\" placeholder=\"Episode, pasientNr, kode, "
       "tekst \u2026\" autocomplete=\"off\"></label>\n";
  h += "<button type=\"button\" class=\"btn\" id=\"f-reset\">Nullstill</button>\n</div>\n";
  h += "<p class=\"status-line\" id=\"f-count\" aria-live=\"polite\"></p>\n";
  h += "<p class=\"print-only\" id=\"print-note\">Utskriften viser alle funn som passer med "
       "filteret, uten sideinndeling.</p>\n";
  const bool status_col = novelty || u.waived > 0;
  h += "<table class=\"findings" + std::string(status_col ? " has-status" : "") +
       "\" id=\"funn\">\n<thead><tr>";
  h += sort_th("Regel", false, "rule") + sort_th("Alvorlighet", false, "sev");
  h += "<th scope=\"col\" class=\"col-status\" data-key=\"status\"><button type=\"button\" "
       "class=\"sort\">Status</button></th>";
  h += sort_th("Episode", false, "episode") + sort_th("PasientNr", false, "pasient") +
       sort_th("Avdeling", false, "avdeling") + sort_th("Dato", false, "dato") +
       sort_th("Koder", false, "codes") + sort_th("Melding", false, "message") +
       sort_th("Kilde", false, "file");
  h += "</tr></thead>\n<tbody></tbody>\n</table>\n";
  h += "<div class=\"pager\"><button type=\"button\" class=\"btn\" id=\"p-prev\">\u2190 "
       "Forrige</button><span id=\"p-info\"></span><button type=\"button\" class=\"btn\" "
       "id=\"p-next\">Neste \u2192</button><label>Per side <select id=\"p-size\"><option "
       "value=\"100\">100</option><option value=\"500\" selected>500</option><option "
       "value=\"2000\">2000</option><option value=\"0\">Alle</option></select></label></div>\n";
  return h + "</div>\n</section>\n";
}

/// The per-rule summary: one line per rule that fired, expandable to what to do and why.
std::string rule_summary_section(const RunManifest& m, const std::vector<const RuleFigures*>& rules,
                                 bool novelty) {
  std::string h =
      "<section id=\"regeloversikt\" aria-labelledby=\"regeloversikt-h\">\n<h2 "
      "id=\"regeloversikt-h\">Funn per regel</h2>\n";
  if (rules.empty()) {
    return h +
           "<p class=\"empty\">Ingen funn: alle kontrollerte episoder ved enheten besto "
           "kontrollene.</p>\n</section>\n";
  }
  h += "<div class=\"rule-list panel\">\n";
  for (const RuleFigures* rf : rules) {
    const ManifestRule* mr = find_rule(m, rf->rule);
    Severity sev = mr != nullptr ? mr->severity : rf->severity;
    h += "<details class=\"rule-row sev-" + std::string(severity_name(sev)) +
         "-card\" id=\"regel-" + esc(unit_file_stem(rf->rule)) + "\" data-rule=\"" + esc(rf->rule) +
         "\" data-findings=\"" + std::to_string(rf->findings) +
         "\">\n<summary><span class=\"mono rule-id\">" + esc(rf->rule) + "</span> " +
         sev_badge(sev) + " <span class=\"rule-title\">" + esc(mr != nullptr ? mr->title : "") +
         "</span><span class=\"meta\">" + format_count(rf->findings) + " funn i " +
         format_count(rf->episodes_with_finding) + " episoder";
    if (novelty) h += " \u00b7 " + format_count(rf->new_findings) + " nye";
    if (rf->waived > 0) h += " \u00b7 " + format_count(rf->waived) + " unntatt";
    h += "</span></summary>\n<div class=\"rule-body\">\n";
    if (mr != nullptr) h += rule_guidance_html(*mr);
    if (mr != nullptr && !mr->source.empty()) {
      h += "<p class=\"meta\">Kilde: " + esc(mr->source) + "</p>\n";
    }
    h += "<div class=\"actions\"><button type=\"button\" class=\"btn show-rule\" data-rule=\"" +
         esc(rf->rule) + "\">Vis disse funnene</button><a href=\"" + esc(rule_page_href(rf->rule)) +
         "\">Regelbeskrivelse</a></div>\n</div>\n</details>\n";
  }
  return h + "</div>\n</section>\n";
}

Status write_unit_page(const std::string& path, const RunManifest& m, const KeyFigures& k,
                       const UnitFigures& u, const FindingSource& findings,
                       const ReportOptions& o) {
  const std::string name = unit_display_name(u.unit, u.unit_name);
  const bool novelty = k.novelty_known;
  const std::vector<const RuleFigures*> rules = unit_rules(u, m);

  std::string h = page_head(name + " \u2013 kodekontroll NPR", "page-unit");
  h += "<header class=\"top\">\n<div class=\"crumbs\"><a href=\"index.html\">\u2190 Oversikt over "
       "alle enheter</a></div>\n";
  h += "<h1>" + esc(name) + "</h1>\n<p class=\"sub\">reshID " + esc(u.unit) + " \u00b7 kjøring " +
       esc(readable_time(m.finished.empty() ? m.started : m.finished)) +
       "</p>\n</header>\n<main>\n";
  h += run_alerts(m);
  // Key figures in one compact row, so that the worklist starts above the fold.
  const double r = rate(u.episodes_with_error, u.episodes);
  h += "<section id=\"nokkeltall\" class=\"cards compact\" aria-label=\"Nøkkeltall\">\n";
  h += card("Episoder kontrollert", format_count(u.episodes));
  h += card("Episoder med feil", format_count(u.episodes_with_error), "", "error");
  h += card("Feilandel", format_percent(r),
            "snitt for kjøringen " + format_percent(rate(k.episodes_with_error, k.episodes)));
  h += card("Funn", format_count(u.findings),
            format_count(sev_count(u.per_severity, Severity::kError)) + " feil \u00b7 " +
                format_count(sev_count(u.per_severity, Severity::kWarning)) + " advarsler \u00b7 " +
                format_count(sev_count(u.per_severity, Severity::kInfo)) + " info");
  if (novelty) h += card("Nye funn", format_count(u.new_findings), "siden forrige kjøring");
  if (u.waived > 0) h += card("Unntatt", format_count(u.waived), "godkjent i unntaksfilen");
  h += "</section>\n";

  // The page, in the order a kodekontroller works: the worklist, then the rules, then the trend.
  h += worklist_section(m, u, rules, novelty, o);
  h += rule_summary_section(m, rules, novelty);
  h += unit_trend_section(u, o.trend);
  if (o.indicators != nullptr) h += indicator_unit_html(*o.indicators, u.unit);

  // Data: rule titles, the default order, and every finding of the unit as one row.
  json order = json::array();
  for (const RuleFigures* rf : rules) order.push_back(rf->rule);
  json rule_info = json::object();
  for (const RuleFigures* rf : rules) {
    const ManifestRule* mr = find_rule(m, rf->rule);
    rule_info[rf->rule] = {{"title", mr != nullptr ? mr->title : ""},
                           {"isf", mr != nullptr && mr->isf}};
  }
  json avd_names = json::object();
  if (o.avdeling_name) {
    for (const auto& a : u.avdelinger) {
      if (std::string n = o.avdeling_name(a); !n.empty()) avd_names[a] = n;
    }
  }
  h += "<script type=\"application/json\" id=\"funn-data\">{\"unit\":" + dump_json(u.unit) +
       ",\"ruleOrder\":" + dump_json(order) + ",\"rules\":" + dump_json(rule_info) +
       ",\"avdelinger\":" + dump_json(avd_names) + ",\"rows\":[";

  OutFile out(path);
  if (!out.is_open()) return out.open_error();
  out << h;
  bool first = true;
  std::string rows;  // reused, flushed in large pieces
  Status s = findings([&](const Finding& f) {
    if (f.unit != u.unit) return;  // never another unit's finding on this page
    rows += first ? "\n" : ",\n";
    append_finding_row(rows, f);
    first = false;
    if (rows.size() >= (1u << 16)) {
      out << rows;
      rows.clear();
    }
  });
  if (!s) return s;
  out << rows;
  out << "\n]}</script>\n</main>\n" << page_tail(m);
  return out.close();
}

}  // namespace

Status write_html_from(const std::string& dir, const RunManifest& m, const KeyFigures& k,
                       const UnitPartition& part, const ReportOptions& options) {
  if (report_asset("report.css").empty() || report_asset("report.js").empty()) {
    return Status::internal("report assets were not embedded at build time");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io_error(dir + ": cannot create folder: " + ec.message());
  {
    OutFile out((fs::path(dir) / "index.html").string());
    if (!out.is_open()) return out.open_error();
    out << index_page(m, k, options);
    if (Status s = out.close(); !s) return s;
  }
  if (Status s = write_rule_pages(dir, m, k); !s) return s;
  for (const auto& [unit, u] : k.units) {
    std::string path = (fs::path(dir) / unit_page_name(unit)).string();
    if (Status s = write_unit_page(path, m, k, u, part.unit_source(unit), options); !s) return s;
  }
  return Status::ok();
}

}  // namespace nprcheck::report
