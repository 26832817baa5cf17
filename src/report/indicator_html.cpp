// The indicator sections of the HTML reports: per unit a table with inline-SVG sparklines on the
// index page, and a control chart per indicator on the unit page. No script, no external file.
#include <algorithm>
#include <cstdio>
#include <map>

#include "indicator_report.hpp"
#include "nprcheck/escape.hpp"
#include "nprcheck/report.hpp"
#include "report_util.hpp"

namespace nprcheck::report {

namespace {

std::string esc(std::string_view s) { return html_escape(s); }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// The charts of one unit, in indicator order.
std::vector<const IndicatorChart*> unit_charts(const IndicatorReport& r, const std::string& unit) {
  std::vector<const IndicatorChart*> out;
  for (const auto& c : r.charts) {
    if (c.unit == unit) out.push_back(&c);
  }
  std::sort(out.begin(), out.end(),
            [](const auto* a, const auto* b) { return a->indicator < b->indicator; });
  return out;
}

// Vertical scale of a chart: the largest value or limit, a little headroom.
double chart_top(const IndicatorChart& c) {
  double top = c.centre;
  for (const auto& p : c.points) top = std::max({top, p.value, p.ucl});
  return top <= 0 ? 1.0 : top * 1.1;
}

// x of point i of n in [left, left + width].
double x_of(size_t i, size_t n, double left, double width) {
  return n <= 1 ? left + width / 2 : left + width * static_cast<double>(i) / (n - 1);
}

std::string limits_text(const ChartPoint& p, bool mean) {
  return indicator_value_text(p.lcl, mean) + " \u2013 " + indicator_value_text(p.ucl, mean);
}

// A small inline-SVG trend line: the values, signals as red dots.
std::string sparkline(const IndicatorChart& c, const IndicatorMeta& meta) {
  constexpr double kW = 120, kH = 24, kPad = 3;
  const double top = chart_top(c);
  auto y = [&](double v) { return kPad + (kH - 2 * kPad) * (1.0 - v / top); };
  std::string label = meta.title + ": ";
  for (size_t i = 0; i < c.points.size(); ++i) {
    label += (i ? ", " : "") + period_text(c.points[i].period) + " " +
             indicator_value_text(c.points[i].value, meta.mean);
  }
  std::string s =
      "<svg class=\"sparkline\" width=\"120\" height=\"24\" viewBox=\"0 0 120 24\" "
      "role=\"img\" aria-label=\"" +
      esc(label) + "\">";
  s += "<line x1=\"0\" x2=\"120\" y1=\"" + num(y(c.centre)) + "\" y2=\"" + num(y(c.centre)) +
       "\" stroke=\"#a0aec0\" stroke-dasharray=\"2 2\" stroke-width=\"1\"/>";
  s += "<polyline fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"1.5\" points=\"";
  for (size_t i = 0; i < c.points.size(); ++i) {
    s += (i ? " " : "") + num(x_of(i, c.points.size(), kPad, kW - 2 * kPad)) + "," +
         num(y(c.points[i].value));
  }
  s += "\"/>";
  for (size_t i = 0; i < c.points.size(); ++i) {
    if (!c.points[i].signal) continue;
    s += "<circle class=\"signal-dot\" r=\"2.5\" fill=\"#c53030\" cx=\"" +
         num(x_of(i, c.points.size(), kPad, kW - 2 * kPad)) + "\" cy=\"" +
         num(y(c.points[i].value)) + "\"/>";
  }
  return s + "</svg>";
}

// A control chart: values, centre line, the (stepped) limits, signals marked.
std::string control_chart(const IndicatorChart& c, const IndicatorMeta& meta) {
  constexpr double kW = 640, kH = 200, kLeft = 56, kRight = 24, kTop = 10, kBottom = 28;
  const double top = chart_top(c);
  const size_t n = c.points.size();
  const double pw = kW - kLeft - kRight;
  auto y = [&](double v) { return kTop + (kH - kTop - kBottom) * (1.0 - v / top); };
  auto x = [&](size_t i) { return x_of(i, n, kLeft, pw); };
  std::string s =
      "<svg class=\"control-chart\" width=\"640\" height=\"200\" viewBox=\"0 0 640 "
      "200\" role=\"img\" aria-label=\"" +
      esc(meta.title) + ": kontrolldiagram\">";
  // Axes and the scale at the top.
  s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft) + "\" y1=\"" + num(kTop) + "\" y2=\"" +
       num(kH - kBottom) + "\" stroke=\"#718096\"/>";
  s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kW - kRight) + "\" y1=\"" + num(kH - kBottom) +
       "\" y2=\"" + num(kH - kBottom) + "\" stroke=\"#718096\"/>";
  s += "<text x=\"" + num(kLeft - 4) + "\" y=\"" + num(kTop + 8) +
       "\" font-size=\"10\" text-anchor=\"end\" fill=\"#4a5568\">" +
       esc(indicator_value_text(top, meta.mean)) + "</text>";
  s += "<text x=\"" + num(kLeft - 4) + "\" y=\"" + num(kH - kBottom) +
       "\" font-size=\"10\" text-anchor=\"end\" fill=\"#4a5568\">0</text>";
  // Centre line.
  s += "<line class=\"centre\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kW - kRight) + "\" y1=\"" +
       num(y(c.centre)) + "\" y2=\"" + num(y(c.centre)) +
       "\" stroke=\"#2f855a\" stroke-dasharray=\"4 3\"/>";
  // Limits, a step per month (they depend on the month's number of episodes).
  auto limit_line = [&](bool upper) {
    std::string pts;
    const double half = n > 1 ? pw / (2.0 * (n - 1)) : pw / 2;
    for (size_t i = 0; i < n; ++i) {
      double v = upper ? c.points[i].ucl : c.points[i].lcl;
      double x0 = std::max(kLeft, x(i) - half), x1 = std::min(kW - kRight, x(i) + half);
      pts += (pts.empty() ? "" : " ") + num(x0) + "," + num(y(v)) + " " + num(x1) + "," + num(y(v));
    }
    return "<polyline class=\"" + std::string(upper ? "ucl" : "lcl") +
           "\" fill=\"none\" stroke=\"#dd6b20\" stroke-width=\"1\" points=\"" + pts + "\"/>";
  };
  s += limit_line(true) + limit_line(false);
  // Values.
  s += "<polyline fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"2\" points=\"";
  for (size_t i = 0; i < n; ++i) s += (i ? " " : "") + num(x(i)) + "," + num(y(c.points[i].value));
  s += "\"/>";
  for (size_t i = 0; i < n; ++i) {
    const ChartPoint& p = c.points[i];
    s += "<circle class=\"" + std::string(p.signal ? "point signal-dot" : "point") + "\" r=\"" +
         (p.signal ? "4.5" : "3") + "\" fill=\"" + (p.signal ? "#c53030" : "#2b6cb0") + "\" cx=\"" +
         num(x(i)) + "\" cy=\"" + num(y(p.value)) + "\"><title>" +
         esc(period_text(p.period) + ": " + indicator_value_text(p.value, meta.mean) + " (" +
             std::to_string(p.numerator) + "/" + std::to_string(p.denominator) + "), grenser " +
             limits_text(p, meta.mean)) +
         "</title></circle>";
    if (i == 0 || i + 1 == n || n <= 12 || i % 3 == 0) {
      s += "<text x=\"" + num(x(i)) + "\" y=\"" + num(kH - 10) +
           "\" font-size=\"10\" text-anchor=\"middle\" fill=\"#4a5568\">" +
           esc(period_text(p.period).substr(2)) + "</text>";
    }
  }
  return s + "</svg>";
}

std::string signal_text(const IndicatorReport& r, const IndicatorSignal& s) {
  const IndicatorMeta& meta = r.indicators[s.indicator];
  return period_text(s.point.period) + ": " + indicator_value_text(s.point.value, meta.mean) +
         " (grenser " + limits_text(s.point, meta.mean) + ", senterlinje " +
         indicator_value_text(s.centre, meta.mean) + ")";
}

}  // namespace

std::string indicator_index_html(const IndicatorReport& r) {
  if (r.empty()) return {};
  std::string h = "<h2 id=\"indikatorer\">Kodekvalitetsindikatorer</h2>\n";
  h += "<div class=\"panel indicator-signals\" id=\"indikator-signaler\">\n";
  if (r.signals.empty()) {
    h += "<p class=\"no-signals\">Ingen signaler: alle måneder ligger innenfor "
         "kontrollgrensene.</p>\n";
  } else {
    h += "<p><strong>" + std::to_string(r.signals.size()) +
         " signal(er)</strong>: måneder utenfor kontrollgrensene (3 sigma).</p>\n<ul>\n";
    for (const auto& s : r.signals) {
      h += "<li class=\"signal" + std::string(s.point.worse ? " worse" : " better") +
           "\" data-unit=\"" + esc(s.unit) + "\" data-indicator=\"" +
           esc(r.indicators[s.indicator].id) + "\" data-period=\"" + period_text(s.point.period) +
           "\"><a href=\"unit-" + esc(unit_file_stem(s.unit)) + ".html#indikatorer\">" +
           esc(unit_display_name(s.unit, s.unit_name)) + "</a> \u2013 " +
           esc(r.indicators[s.indicator].id + " " + r.indicators[s.indicator].title) + ": " +
           esc(signal_text(r, s)) + (s.point.worse ? " \u2013 verre" : " \u2013 bedre") + "</li>\n";
    }
    h += "</ul>\n";
  }
  h += "</div>\n";
  std::map<std::string, std::string> units;  // id -> name, in id order
  for (const auto& c : r.charts) units.emplace(c.unit, c.unit_name);
  for (const auto& [unit, name] : units) {
    h += "<div class=\"panel indicators-unit\" data-unit=\"" + esc(unit) +
         "\">\n<h3><a href=\"unit-" + esc(unit_file_stem(unit)) + ".html#indikatorer\">" +
         esc(unit_display_name(unit, name)) + "</a></h3>\n";
    h += "<table class=\"indicators\">\n<thead><tr><th>Indikator</th><th>Siste måned</th>"
         "<th class=\"num\">Verdi</th><th class=\"num\">Senterlinje</th><th>Trend</th>"
         "<th class=\"num\">Signaler</th></tr></thead>\n<tbody>\n";
    for (const IndicatorChart* c : unit_charts(r, unit)) {
      const IndicatorMeta& meta = r.indicators[c->indicator];
      const ChartPoint& last = c->points.back();
      size_t signals = 0;
      for (const auto& p : c->points) signals += p.signal ? 1 : 0;
      h += "<tr data-indicator=\"" + esc(meta.id) + "\"" +
           (signals > 0 ? " class=\"has-signal\"" : "") + "><td>" + esc(meta.id) + " " +
           esc(meta.title) + "</td><td>" + period_text(last.period) + "</td><td class=\"num" +
           (last.signal ? " signal-value" : "") + "\">" +
           esc(indicator_value_text(last.value, meta.mean)) + "</td><td class=\"num\">" +
           esc(indicator_value_text(c->centre, meta.mean)) + (c->pooled ? "*" : "") + "</td><td>" +
           sparkline(*c, meta) + "</td><td class=\"num\">" + std::to_string(signals) +
           "</td></tr>\n";
    }
    h += "</tbody>\n</table>\n</div>\n";
  }
  h += "<p class=\"status-line\">Senterlinjen er enhetens egen andel over månedene; * = enheten "
       "har færre enn " +
       std::to_string(kIndicatorMinOwnPeriods) +
       " måneder, og senterlinjen er felles for alle enheter. Se nprcheck indicators.</p>\n";
  return h;
}

std::string indicator_unit_html(const IndicatorReport& r, const std::string& unit) {
  auto charts = unit_charts(r, unit);
  if (charts.empty()) return {};
  std::string h = "<h2 id=\"indikatorer\">Kodekvalitetsindikatorer</h2>\n";
  for (const IndicatorChart* c : charts) {
    const IndicatorMeta& meta = r.indicators[c->indicator];
    h += "<section class=\"panel indicator-chart\" data-indicator=\"" + esc(meta.id) + "\">\n";
    h += "<h3>" + esc(meta.id + " " + meta.title) + "</h3>\n";
    h += "<p class=\"sub\">Senterlinje " + esc(indicator_value_text(c->centre, meta.mean)) +
         (c->pooled ? " (felles for alle enheter: færre enn " +
                          std::to_string(kIndicatorMinOwnPeriods) + " måneder)"
                    : " (enhetens egen)") +
         " \u00b7 " + (meta.higher_is_worse ? "høyere er verre" : "høyere er bedre") + "</p>\n";
    h += control_chart(*c, meta) + "\n";
    for (const auto& p : c->points) {
      if (!p.signal) continue;
      h += "<p class=\"signal" + std::string(p.worse ? " worse" : " better") + "\" data-period=\"" +
           period_text(p.period) + "\">Signal " +
           esc(signal_text(r, IndicatorSignal{c->unit, c->unit_name, c->indicator, p, c->centre})) +
           "</p>\n";
    }
    h += "</section>\n";
  }
  return h;
}

}  // namespace nprcheck::report
