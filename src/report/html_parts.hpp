#pragma once
// Pieces shared by the HTML pages (private to the report module): page head and tail with the
// embedded CSS/JS and their CSP, badges, and the parts of a unit page that live in their own
// files (rule guidance, rule pages, trend).

#include <string>
#include <string_view>
#include <vector>

#include "key_figures.hpp"
#include "nprcheck/report.hpp"

namespace nprcheck::report {

/// HTML-escapes `s`.
std::string esc(std::string_view s);
/// An ISO 8601 time as people read it: 2017-12-01T02:03:10 -> 2017-12-01 02:03.
std::string readable_time(const std::string& iso);
/// `unit-<stem>.html`.
std::string unit_page_name(const std::string& unit);
/// `rules/<stem>.html`, relative to the html folder.
std::string rule_page_href(const std::string& rule_id);
/// The first `max` code points of a UTF-8 string, with an ellipsis when cut.
std::string truncate_utf8(const std::string& s, size_t max);
/// `<!DOCTYPE html>` to `<body class=...>`, with the CSS, the CSP and the title.
std::string page_head(const std::string& title, const std::string& body_class);
/// The footer, the embedded script and the closing tags.
std::string page_tail(const RunManifest& m);
/// Appends one finding as the compact row report.js reads (layout documented there): the JSON
/// array json_for_script() would make of it, written directly.
void append_finding_row(std::string& out, const Finding& f);
/// A severity as a coloured badge.
std::string sev_badge(Severity s);

/// The rule's guidance for a unit page: the "Hva du gjør" sentence on its own, then the
/// explanation, both rendered from Markdown.
std::string rule_guidance_html(const ManifestRule& rule);
/// Writes `dir/rules/<ID>.html` for every rule of the manifest (and any rule a unit names):
/// the report folder carries its own rule pages.
Status write_rule_pages(const std::string& dir, const RunManifest& m, const KeyFigures& k);

/// The index's small line of a unit's error rate over the last runs; "" without history.
std::string unit_sparkline(const UnitFigures& u, const ReportTrend* trend);
/// The unit page's "Utvikling" section: the unit's error rate and finding count over the last
/// runs (inline SVG) and the findings resolved since the previous run; "" without history.
std::string unit_trend_section(const UnitFigures& u, const ReportTrend* trend);

}  // namespace nprcheck::report
