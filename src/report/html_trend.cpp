// The "Utvikling" section of a unit page (with run history): the unit's error rate and finding
// count over the last runs as two small inline SVG charts (no script, no external file), and
// the findings resolved since the previous run.
#include <algorithm>
#include <cmath>

#include "html_parts.hpp"
#include "report_util.hpp"

namespace nprcheck::report {

namespace {

constexpr size_t kTrendRuns = 12;  // earlier runs shown, besides this one

struct Point {
  std::string label;  // MM-DD, "nå" for this run
  std::string when;   // for the tooltip
  double rate = 0;
  uint64_t findings = 0;
  uint64_t episodes = 0;
  uint64_t episodes_with_error = 0;
};

/// A round upper bound for a scale: rates 1 %, 2 %, 5 %, 10 %, 20 %, 25 %, 50 %, 100 %;
/// counts 1, 2, 5 times a power of ten.
double nice_max(double max, bool rates) {
  if (rates) {
    for (double s : {0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0}) {
      if (max <= s) return s;
    }
    return 1.0;
  }
  double p = 1;
  while (p * 10 < max) p *= 10;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (max <= m * p) return m * p;
  }
  return 10 * p;
}

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return buf;
}

/// One small chart: a line (rates) or bars (counts) over the runs, with its scale and labels.
std::string small_chart(const std::vector<Point>& pts, bool rates, const std::string& title) {
  const int w = 360, h = 170, left = 44, right = 10, top = 22, bottom = 30;
  const double plot_w = w - left - right, plot_h = h - top - bottom;
  double max = 0;
  for (const auto& p : pts) max = std::max(max, rates ? p.rate : static_cast<double>(p.findings));
  max = nice_max(max, rates);
  const double step = plot_w / static_cast<double>(pts.size());
  auto x_of = [&](size_t i) { return left + step * (static_cast<double>(i) + 0.5); };
  auto y_of = [&](double v) { return top + plot_h - plot_h * v / max; };
  std::string s = "<svg class=\"trend-chart\" role=\"img\" viewBox=\"0 0 " + std::to_string(w) +
                  " " + std::to_string(h) + "\" width=\"" + std::to_string(w) + "\" height=\"" +
                  std::to_string(h) + "\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>" +
                  esc(title) + "</title>\n";
  s += "<text class=\"chart-title\" x=\"" + std::to_string(left) + "\" y=\"14\">" + esc(title) +
       "</text>\n";
  for (int t = 0; t <= 2; ++t) {  // gridlines at 0, half and the top of the scale
    const double v = max * t / 2.0;
    const std::string y = num(y_of(v));
    s += "<line class=\"axis\" x1=\"" + std::to_string(left) + "\" y1=\"" + y + "\" x2=\"" +
         std::to_string(w - right) + "\" y2=\"" + y + "\"/>";
    s += "<text class=\"tick\" x=\"" + std::to_string(left - 4) + "\" y=\"" + num(y_of(v) + 4) +
         "\" text-anchor=\"end\">" +
         (rates ? format_percent(v) : format_count(static_cast<uint64_t>(std::llround(v)))) +
         "</text>\n";
  }
  std::string line;
  for (size_t i = 0; i < pts.size(); ++i) {
    const Point& p = pts[i];
    const double v = rates ? p.rate : static_cast<double>(p.findings);
    const std::string tip =
        esc(p.when) + ": " + format_percent(p.rate) + " (" + format_count(p.episodes_with_error) +
        " av " + format_count(p.episodes) + " episoder), " + format_count(p.findings) + " funn";
    s += "<g class=\"pt\" data-value=\"" +
         (rates ? num(p.rate * 100) : std::to_string(p.findings)) + "\"><title>" + tip + "</title>";
    if (rates) {
      s += "<circle class=\"dot" + std::string(i + 1 == pts.size() ? " now" : "") + "\" cx=\"" +
           num(x_of(i)) + "\" cy=\"" + num(y_of(v)) + "\" r=\"3.5\"/>";
      line += (line.empty() ? "" : " ") + num(x_of(i)) + "," + num(y_of(v));
    } else {
      const double bw = std::max(2.0, step * 0.6);
      s += "<rect class=\"bar" + std::string(i + 1 == pts.size() ? " now" : "") + "\" x=\"" +
           num(x_of(i) - bw / 2) + "\" y=\"" + num(y_of(v)) + "\" width=\"" + num(bw) +
           "\" height=\"" + num(top + plot_h - y_of(v)) + "\"/>";
    }
    s += "</g>";
    if (pts.size() <= 8 || i % 2 == (pts.size() - 1) % 2) {  // every label, or every other
      s += "<text class=\"tick\" x=\"" + num(x_of(i)) + "\" y=\"" + std::to_string(h - 12) +
           "\" text-anchor=\"middle\">" + esc(p.label) + "</text>";
    }
    s += "\n";
  }
  if (rates && pts.size() > 1) s += "<polyline class=\"line\" points=\"" + line + "\"/>\n";
  return s + "</svg>\n";
}

std::string resolved_table(const std::vector<const ResolvedFinding*>& rows, bool truncated) {
  std::string h = "<details class=\"resolved\" id=\"rettet\"" +
                  std::string(rows.size() <= 20 ? " open" : "") + ">\n<summary>Rettet siden " +
                  "forrige kjøring: " + format_count(rows.size()) + " funn" +
                  (truncated ? " (listen er avkortet)" : "") + "</summary>\n";
  if (rows.empty()) {
    return h + "<p class=\"empty\">Ingen funn fra forrige kjøring er borte.</p>\n</details>\n";
  }
  h += "<table class=\"resolved-table\">\n<thead><tr><th scope=\"col\">Regel</th><th "
       "scope=\"col\">Alvorlighet</th><th scope=\"col\">Episode</th><th scope=\"col\">Avdeling</th>"
       "<th scope=\"col\">Dato</th><th scope=\"col\">Koder</th><th scope=\"col\">Melding</th></tr>"
       "</thead>\n<tbody>\n";
  for (const ResolvedFinding* r : rows) {
    Severity sev = Severity::kError;
    (void)parse_severity(r->severity, sev);
    h += "<tr data-rule=\"" + esc(r->rule) + "\"><td class=\"mono\"><a href=\"" +
         esc(rule_page_href(r->rule)) + "\">" + esc(r->rule) + "</a></td><td>" + sev_badge(sev) +
         "</td><td class=\"mono\">" + esc(r->episode) + "</td><td class=\"mono\">" +
         esc(r->avdeling) + "</td><td class=\"num\">" + esc(r->dato) + "</td><td class=\"mono\">" +
         esc(r->codes) + "</td><td class=\"msg\">" + esc(r->message) + "</td></tr>\n";
  }
  return h + "</tbody>\n</table>\n</details>\n";
}

}  // namespace

std::string unit_sparkline(const UnitFigures& u, const ReportTrend* trend) {
  if (trend == nullptr) return "";
  auto it = trend->per_unit.find(u.unit);
  if (it == trend->per_unit.end() || it->second.empty()) return "";
  std::vector<double> rates;
  const auto& runs = it->second;
  for (size_t i = runs.size() > kTrendRuns ? runs.size() - kTrendRuns : 0; i < runs.size(); ++i) {
    rates.push_back(rate(runs[i].episodes_with_error, runs[i].episodes));
  }
  rates.push_back(rate(u.episodes_with_error, u.episodes));
  double max = 0;
  for (double r : rates) max = std::max(max, r);
  max = nice_max(max, true);
  const double w = 90, h = 22, step = w / static_cast<double>(rates.size() - 1);
  std::string pts;
  for (size_t i = 0; i < rates.size(); ++i) {
    pts += (i ? " " : "") + num(step * static_cast<double>(i)) + "," +
           num(h - 2 - (h - 4) * rates[i] / max);
  }
  return "<svg class=\"spark\" role=\"img\" viewBox=\"-2 0 94 22\" width=\"94\" height=\"22\" "
         "xmlns=\"http://www.w3.org/2000/svg\"><title>Feilandel de siste " +
         std::to_string(rates.size()) + " kjøringene: " + format_percent(rates.front()) +
         " \u2192 " + format_percent(rates.back()) + "</title><polyline points=\"" + pts +
         "\"/></svg>";
}

std::string unit_trend_section(const UnitFigures& u, const ReportTrend* trend) {
  if (trend == nullptr) return "";
  std::vector<Point> pts;
  if (auto it = trend->per_unit.find(u.unit); it != trend->per_unit.end()) {
    const auto& runs = it->second;
    const size_t from = runs.size() > kTrendRuns ? runs.size() - kTrendRuns : 0;
    for (size_t i = from; i < runs.size(); ++i) {
      const TrendRunPoint& r = runs[i];
      Point p;
      p.label = r.started.size() >= 10 ? r.started.substr(5, 5) : r.started;
      p.when = readable_time(r.started);
      p.rate = rate(r.episodes_with_error, r.episodes);
      p.findings = r.findings;
      p.episodes = r.episodes;
      p.episodes_with_error = r.episodes_with_error;
      pts.push_back(std::move(p));
    }
  }
  Point now;
  now.label = "nå";
  now.when = "denne kjøringen";
  now.rate = rate(u.episodes_with_error, u.episodes);
  now.findings = u.findings;
  now.episodes = u.episodes;
  now.episodes_with_error = u.episodes_with_error;
  pts.push_back(std::move(now));

  std::vector<const ResolvedFinding*> resolved;
  for (const auto& r : trend->resolved) {
    if (r.unit == u.unit) resolved.push_back(&r);
  }

  std::string h =
      "<section id=\"utvikling\" aria-labelledby=\"utvikling-h\">\n<h2 "
      "id=\"utvikling-h\">Utvikling</h2>\n<div class=\"panel trend\">\n";
  if (pts.size() < 2) {
    h += "<p class=\"empty\">Første kjøring for enheten i historikken: utviklingen vises fra "
         "neste kjøring.</p>\n";
  } else {
    h += "<div class=\"trend-charts\">\n" +
         small_chart(pts, true, "Feilandel, siste " + std::to_string(pts.size()) + " kjøringer") +
         small_chart(pts, false, "Funn, siste " + std::to_string(pts.size()) + " kjøringer") +
         "</div>\n";
  }
  h += resolved_table(resolved, trend->resolved_truncated);
  return h + "</div>\n</section>\n";
}

}  // namespace nprcheck::report
