// Rule guidance in the HTML report: the "what to do" sentence and the explanation rendered from
// the rule's Markdown, and one page per rule in html/rules/ so that the report folder is
// complete on its own (copied to a file share or zipped and mailed, every link still works).
#include <filesystem>
#include <set>

#include "html_parts.hpp"
#include "nprcheck/markdown.hpp"
#include "report_util.hpp"

namespace nprcheck::report {

namespace {

namespace fs = std::filesystem;

std::string rule_page(const RunManifest& m, const ManifestRule& r) {
  std::string h = page_head(r.id + " \u2013 " + r.title + " \u2013 kodekontroll NPR", "page-rule");
  h += "<header class=\"top\">\n<div class=\"crumbs\"><a href=\"../index.html\">\u2190 Oversikt "
       "over alle enheter</a></div>\n";
  h += "<h1><span class=\"mono\">" + esc(r.id) + "</span> " + esc(r.title) + "</h1>\n";
  h += "<p class=\"sub\">Regelbeskrivelse \u00b7 regelsett " + esc(m.rules_hash.substr(0, 12)) +
       "</p>\n</header>\n<main>\n<section id=\"regel\" class=\"panel rule-doc\">\n";
  h += "<dl class=\"rule-meta\">\n<dt>Alvorlighet</dt><dd>" + sev_badge(r.severity) + "</dd>\n";
  h += "<dt>Versjon</dt><dd>" + std::to_string(r.version) + "</dd>\n";
  if (!r.source.empty()) h += "<dt>Kilde</dt><dd>" + esc(r.source) + "</dd>\n";
  h += "</dl>\n";
  h += rule_guidance_html(r);
  h += "</section>\n</main>\n" + page_tail(m);
  return h;
}

}  // namespace

std::string rule_guidance_html(const ManifestRule& rule) {
  if (rule.docs.empty()) return "";
  const RuleGuidance g = split_guidance(rule.docs);
  std::string h;
  if (!g.action.empty()) {
    h += "<div class=\"todo\"><h4>Hva du gjør</h4>\n" + markdown_to_html(g.action) + "</div>\n";
  }
  if (!g.explanation.empty()) {
    h += "<div class=\"docs\">\n" + markdown_to_html(g.explanation) + "</div>\n";
  }
  return h;
}

Status write_rule_pages(const std::string& dir, const RunManifest& m, const KeyFigures& k) {
  const fs::path rules_dir = fs::path(dir) / "rules";
  std::error_code ec;
  fs::create_directories(rules_dir, ec);
  if (ec) return Status::io_error(rules_dir.string() + ": cannot create folder: " + ec.message());
  std::set<std::string> done;
  auto write = [&](const ManifestRule& r) -> Status {
    if (!done.insert(r.id).second) return Status::ok();
    OutFile out((fs::path(dir) / rule_page_href(r.id)).string());
    if (!out.is_open()) return out.open_error();
    out << rule_page(m, r);
    return out.close();
  };
  for (const auto& r : m.rules) {
    if (Status s = write(r); !s) return s;
  }
  // A rule only findings name (not in the manifest) still gets a page: no dead link.
  for (const auto& [id, rf] : k.rules) {
    ManifestRule r;
    r.id = id;
    r.severity = rf.severity;
    if (Status s = write(r); !s) return s;
  }
  return Status::ok();
}

}  // namespace nprcheck::report
