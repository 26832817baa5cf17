// Shared pieces of the HTML pages: head and tail (embedded CSS and JS under a hash-based CSP),
// escaping and small formatting helpers.
#include "html_parts.hpp"

#include "assets.hpp"
#include "json_writer.hpp"
#include "nprcheck/hash.hpp"
#include "report_util.hpp"

namespace nprcheck::report {

std::string esc(std::string_view s) { return html_escape(s); }

std::string readable_time(const std::string& iso) {
  std::string t =
      iso.size() >= 16 && iso[10] == 'T' ? iso.substr(0, 10) + " " + iso.substr(11, 5) : iso;
  return t;
}

namespace {

std::string csp_hash(std::string_view text) {
  return "'sha256-" + hex_to_base64(sha256_hex(text)) + "'";
}

}  // namespace

std::string unit_page_name(const std::string& unit) {
  return "unit-" + unit_file_stem(unit) + ".html";
}

std::string rule_page_href(const std::string& rule_id) {
  return "rules/" + unit_file_stem(rule_id) + ".html";
}

std::string truncate_utf8(const std::string& s, size_t max) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == max) return s.substr(0, i) + "\u2026";
      ++count;
    }
  }
  return s;
}

std::string page_head(const std::string& title, const std::string& body_class) {
  std::string_view css = report_asset("report.css");
  std::string_view js = report_asset("report.js");
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // Nothing but the page's own style and script may run or load: an input value that slipped
  // through escaping still could not execute or fetch anything.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src " +
       csp_hash(css) + "; script-src " + csp_hash(js) +
       "; img-src data:; base-uri 'none'; form-action 'none'\">\n";
  h += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  h += "<meta name=\"robots\" content=\"noindex, nofollow\">\n";
  h += "<meta name=\"generator\" content=\"nprcheck\">\n";
  h += "<title>" + esc(title) + "</title>\n<style>";
  h += css;
  h += "</style>\n</head>\n<body class=\"" + body_class + "\">\n";
  return h;
}

std::string page_tail(const RunManifest& m) {
  std::string t = "<footer>Laget av nprcheck " + esc(m.tool_version);
  if (!m.finished.empty()) t += " \u00b7 " + esc(m.finished);
  t += " \u00b7 Inneholder pasientdata: del ikke rapporten utenfor de som skal ha den.</footer>\n";
  t += "<script>";
  t += report_asset("report.js");
  t += "</script>\n</body>\n</html>\n";
  return t;
}

std::string sev_badge(Severity s) {
  std::string cls = std::string("sev sev-") + severity_name(s);
  return "<span class=\"" + cls + "\">" + severity_title(s) + "</span>";
}

void append_finding_row(std::string& out, const Finding& f) {
  auto str = [&out](std::string_view s) {
    append_json_string(out, s, /*for_script=*/true);
    out += ',';
  };
  auto num = [&out](int64_t n) {
    append_int(out, n);
    out += ',';
  };
  const char* status = f.novelty == Finding::Novelty::kNew          ? "ny"
                       : f.novelty == Finding::Novelty::kPersisting ? "vedvarende"
                                                                    : "";
  out += '[';
  str(f.rule_id);
  num(static_cast<int>(f.severity));
  str(status);
  str(f.episode_id);
  str(f.pasient_nr);
  str(f.avdeling);
  str(f.dato);
  out += '[';
  for (const auto& c : f.codes) {
    out += '[';
    str(c.verdi);
    str(kode_system_name(c.system));
    num(c.table_year);
    append_json_string(out, c.tekst, /*for_script=*/true);
    out += "],";
  }
  if (!f.codes.empty()) out.pop_back();
  out += "],";
  str(f.message);
  str(f.file);
  num(f.line);
  str(f.first_seen);
  num(f.nights);
  num(f.waived ? 1 : 0);
  str(f.waiver_reason);
  append_int(out, f.isf ? 1 : 0);
  out += ']';
}

}  // namespace nprcheck::report
