// The HTML report: unit pages hold only their unit, escaping holds, index counts equal the
// findings, file names are safe, pages are self-contained.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "nprcheck/report.hpp"
#include "report_fixture.hpp"

using namespace nprcheck;
namespace fs = std::filesystem;

namespace {

/// The JSON block of a unit page, parsed.
nlohmann::json page_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"funn-data\">";
  auto a = html.find(open);
  REQUIRE(a != std::string::npos);
  a += open.size();
  auto b = html.find("</script>", a);
  REQUIRE(b != std::string::npos);
  return nlohmann::json::parse(html.substr(a, b - a));
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

/// The value of attribute `name` in a tag's text.
std::string attr(const std::string& tag, const std::string& name) {
  auto p = tag.find(" " + name + "=\"");
  if (p == std::string::npos) return "";
  p += name.size() + 3;
  return tag.substr(p, tag.find('"', p) - p);
}

std::string unescape(std::string s) {
  const std::pair<const char*, const char*> ents[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (auto [e, c] : ents) {
    for (auto p = s.find(e); p != std::string::npos; p = s.find(e, p)) {
      s.replace(p, std::strlen(e), c);
      p += std::strlen(c);
    }
  }
  return s;
}

struct Written {
  fs::path dir;
  report_test::Fixture fx;
};

Written write(const report_test::FixtureOptions& o, const std::string& name) {
  Written w{report_test::temp_dir(name), report_test::make_fixture(o)};
  REQUIRE(write_html((w.dir / "html").string(), w.fx.manifest, vector_source(w.fx.findings)));
  return w;
}

}  // namespace

TEST_CASE("unit_file_stem keeps plain ids and hashes everything else", "[report][html]") {
  CHECK(unit_file_stem("4201") == "4201");
  CHECK(unit_file_stem("HB_kir-2") == "HB_kir-2");
  const std::vector<std::string> bads = {
      "../../etc",           "", "a/b", "..", "_x", "-rf", "4201 ", "æøå", std::string(65, 'a'),
      std::string("a\0b", 3)};
  for (const std::string& bad : bads) {
    std::string stem = unit_file_stem(bad);
    INFO(bad);
    CHECK(stem.size() == 17);
    CHECK(stem[0] == '_');
    CHECK(std::regex_match(stem, std::regex("_[0-9a-f]{16}")));
  }
  CHECK(unit_file_stem("../../etc") != unit_file_stem("../../etd"));
}

TEST_CASE("html_escape escapes markup characters and drops control characters", "[report][html]") {
  CHECK(html_escape("<script>alert('x')</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  CHECK(html_escape("a & \"b\"") == "a &amp; &quot;b&quot;");
  CHECK(html_escape(std::string("a\x01\x1b"
                                "b\tc\n",
                                7)) == "ab\tc\n");
  CHECK(html_escape("æøå") == "æøå");
}

TEST_CASE("every unit page holds only its own unit's findings", "[report][html]") {
  auto w = write({}, "pages");
  std::map<std::string, std::set<std::string>> episodes;  // unit -> episode ids
  for (const auto& f : w.fx.findings) episodes[f.unit].insert(f.episode_id);
  REQUIRE(episodes.size() == 3);
  for (const auto& [unit, eps] : episodes) {
    fs::path page = w.dir / "html" / ("unit-" + unit + ".html");
    REQUIRE(fs::exists(page));
    std::string html = report_test::read_file(page);
    auto data = page_data(html);
    CHECK(data["unit"] == unit);
    std::set<std::string> seen;
    for (const auto& row : data["rows"]) seen.insert(row[3].get<std::string>());
    CHECK(seen == eps);
    size_t n = 0;
    for (const auto& f : w.fx.findings) n += f.unit == unit ? 1 : 0;
    CHECK(data["rows"].size() == n);
    // No other unit's episode anywhere in the file, not even in the markup.
    for (const auto& [other, other_eps] : episodes) {
      if (other == unit) continue;
      for (const auto& e : other_eps) {
        INFO(unit << " page contains " << e);
        CHECK(html.find(e) == std::string::npos);
      }
    }
  }
  fs::remove_all(w.dir);
}

TEST_CASE("input values are escaped on every page", "[report][html]") {
  report_test::FixtureOptions o;
  o.evil = true;
  auto w = write(o, "escape");
  size_t pages = 0, rule_pages = 0;
  for (const auto& e : fs::recursive_directory_iterator(w.dir / "html")) {
    if (e.is_directory()) continue;
    std::string html = report_test::read_file(e.path());
    const bool rule_page = e.path().parent_path().filename() == "rules";
    (rule_page ? rule_pages : pages)++;
    INFO(e.path().filename().string());
    // The only <script> elements are the page's own: report.js, and the data block on unit
    // pages. The payloads never appear as markup.
    const bool unit_page = !rule_page && e.path().filename().string() != "index.html";
    CHECK(count(html, "<script") == (unit_page ? 2u : 1u));
    CHECK(count(html, "</script>") == (unit_page ? 2u : 1u));
    CHECK(html.find("<script>alert") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<b>") == std::string::npos);
    CHECK(html.find("Content-Security-Policy") != std::string::npos);
    // Self-contained: nothing is fetched from anywhere.
    CHECK(html.find("src=\"http") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
  }
  CHECK(pages == 1 + w.fx.manifest.per_unit.size());
  CHECK(rule_pages == w.fx.manifest.rules.size());
  std::string index = report_test::read_file(w.dir / "html" / "index.html");
  CHECK(index.find("Medisinsk &lt;script&gt;alert(&#39;enhet&#39;)&lt;/script&gt; klinikk") !=
        std::string::npos);
  std::string med = report_test::read_file(w.dir / "html" / "unit-4202.html");
  CHECK(
      med.find("<h1>Medisinsk &lt;script&gt;alert(&#39;enhet&#39;)&lt;/script&gt; klinikk</h1>") !=
      std::string::npos);
  CHECK(med.find("<option value=\"4202&lt;b&gt;99\">") != std::string::npos);
  // In the JSON block, '<' is \u003c, and the values come back intact when parsed.
  auto data = page_data(med);
  bool payload = false;
  for (const auto& row : data["rows"]) {
    for (const auto& c : row[7]) {
      payload = payload || c[3].get<std::string>().rfind("</script><script>", 0) == 0;
    }
  }
  CHECK(payload);
  CHECK(med.find("\\u003c/script\\u003e\\u003cscript\\u003ealert(2)") != std::string::npos);
  fs::remove_all(w.dir);
}

TEST_CASE("a unit id with a path in it cannot leave the html folder", "[report][html]") {
  report_test::FixtureOptions o;
  o.evil = true;
  auto w = write(o, "traversal");
  std::set<std::string> top;
  for (const auto& e : fs::directory_iterator(w.dir)) top.insert(e.path().filename().string());
  CHECK(top == std::set<std::string>{"html"});
  for (const auto& e : fs::recursive_directory_iterator(w.dir / "html")) {
    std::string name = fs::relative(e.path(), w.dir / "html").generic_string();
    INFO(name);
    CHECK((e.is_regular_file() || name == "rules"));
    CHECK(std::regex_match(name, std::regex("index\\.html|unit-[A-Za-z0-9_-]+\\.html|rules|"
                                            "rules/[A-Za-z0-9_-]+\\.html")));
  }
  CHECK(fs::exists(w.dir / "html" / ("unit-" + unit_file_stem("../../etc") + ".html")));
  std::string index = report_test::read_file(w.dir / "html" / "index.html");
  CHECK(index.find("href=\"unit-" + unit_file_stem("../../etc") + ".html\"") != std::string::npos);
  CHECK(index.find("href=\"../") == std::string::npos);
  fs::remove_all(w.dir);
}

TEST_CASE("index counts equal the counts in the findings", "[report][html]") {
  report_test::FixtureOptions o;
  o.novelty = true;  // one finding is waived: it must not count as an error
  auto w = write(o, "counts");
  struct Expect {
    uint64_t findings = 0, error = 0, warning = 0, info = 0;
    std::set<std::string> episodes_with_error;
  };
  std::map<std::string, Expect> expect;
  size_t waived = 0;
  for (const auto& f : w.fx.findings) {
    if (f.waived) {
      ++waived;
      continue;
    }
    Expect& e = expect[f.unit];
    ++e.findings;
    if (f.severity == Severity::kError) {
      ++e.error;
      e.episodes_with_error.insert(f.episode_id);
    } else if (f.severity == Severity::kWarning) {
      ++e.warning;
    } else {
      ++e.info;
    }
  }
  REQUIRE(waived == 1);
  std::string index = report_test::read_file(w.dir / "html" / "index.html");
  std::regex row_re("<tr data-unit=\"[^>]*>");
  size_t rows = 0;
  for (auto it = std::sregex_iterator(index.begin(), index.end(), row_re);
       it != std::sregex_iterator(); ++it) {
    std::string tag = it->str();
    std::string unit = unescape(attr(tag, "data-unit"));
    INFO(unit);
    REQUIRE(expect.count(unit) == 1);
    const Expect& e = expect[unit];
    CHECK(attr(tag, "data-findings") == std::to_string(e.findings));
    CHECK(attr(tag, "data-error") == std::to_string(e.error));
    CHECK(attr(tag, "data-warning") == std::to_string(e.warning));
    CHECK(attr(tag, "data-info") == std::to_string(e.info));
    CHECK(attr(tag, "data-episodes-with-error") == std::to_string(e.episodes_with_error.size()));
    CHECK(attr(tag, "data-episodes") == std::to_string(w.fx.manifest.per_unit.at(unit).episodes));
    ++rows;
  }
  CHECK(rows == expect.size());
  // The rules table agrees with the findings too.
  std::map<std::string, uint64_t> per_rule;
  for (const auto& f : w.fx.findings) {
    if (!f.waived) ++per_rule[f.rule_id];
  }
  std::regex rule_re("<tr data-rule=\"([^\"]*)\" data-findings=\"([0-9]+)\">");
  size_t rules = 0;
  for (auto it = std::sregex_iterator(index.begin(), index.end(), rule_re);
       it != std::sregex_iterator(); ++it) {
    std::string id = (*it)[1];
    INFO(id);
    CHECK((*it)[2] == std::to_string(per_rule[id]));
    ++rules;
  }
  CHECK(rules == 17);  // every rule of the set, with or without findings
  // The bar chart links every unit with episodes, and the manifest block is there.
  CHECK(count(index, "<rect class=\"bar") == expect.size());
  CHECK(index.find("<details class=\"manifest") != std::string::npos);
  CHECK(index.find("Mangler kodetabell for ICD10 2016") != std::string::npos);
  fs::remove_all(w.dir);
}

TEST_CASE("unit pages: the worklist first, then one line per rule with what to do",
          "[report][html]") {
  report_test::FixtureOptions o;
  o.novelty = true;
  auto w = write(o, "groups");
  std::string page = report_test::read_file(w.dir / "html" / "unit-4201.html");
  std::set<std::string> fired;
  for (const auto& f : w.fx.findings) {
    if (f.unit == "4201") fired.insert(f.rule_id);
  }
  REQUIRE(fired.size() >= 3);
  // Named sections, in working order: key figures, worklist, per-rule summary.
  const size_t cards = page.find("<section id=\"nokkeltall\"");
  const size_t worklist = page.find("<section id=\"arbeidsliste\"");
  const size_t summary = page.find("<section id=\"regeloversikt\"");
  REQUIRE(cards != std::string::npos);
  REQUIRE(worklist != std::string::npos);
  REQUIRE(summary != std::string::npos);
  CHECK(cards < worklist);
  CHECK(worklist < summary);
  CHECK(page.find("id=\"funn\"") < summary);
  for (const auto& rule : fired) {
    INFO(rule);
    // One expandable line per rule, with a link to its page inside the report folder.
    CHECK(page.find("<details class=\"rule-row") != std::string::npos);
    CHECK(page.find("data-rule=\"" + rule + "\" data-findings=") != std::string::npos);
    CHECK(page.find("href=\"rules/" + rule + ".html\">Regelbeskrivelse</a>") != std::string::npos);
    CHECK(fs::exists(w.dir / "html" / "rules" / (rule + ".html")));
  }
  // Guidance rendered from Markdown: the "what to do" on its own, no raw Markdown left.
  CHECK(page.find("<div class=\"todo\"><h4>Hva du gjør</h4>\n<p>Registrer NCRP-koden der den "
                  "finnes") != std::string::npos);
  CHECK(page.find("<code>BV-001</code>") != std::string::npos);
  CHECK(page.find("<strong>alle</strong>") != std::string::npos);
  CHECK(page.find("<li>se også regelsettet</li>") != std::string::npos);
  CHECK(page.find("**") == std::string::npos);
  CHECK(page.find("Hva gjør du") == std::string::npos);
  CHECK(page.find("file://") == std::string::npos);
  CHECK(page.find(".md\"") == std::string::npos);
  CHECK(page.find("Kilde: RHF/13/03/03-179") != std::string::npos);
  CHECK(page.find("<option value=\"ny\">Nye</option>") != std::string::npos);
  CHECK(page.find("<option value=\"unntatt\">Unntatt</option>") != std::string::npos);
  auto data = page_data(page);
  REQUIRE(!data["ruleOrder"].empty());
  CHECK(data["ruleOrder"][0].get<std::string>().size() > 0);
  bool saw_new = false;
  for (const auto& row : data["rows"]) saw_new = saw_new || row[2] == "ny";
  CHECK(saw_new);
  // Each row ends with isf (0|1): report.js shows the ISF tag and sorts ISF findings first;
  // the ISF-relevant rule (EPI-001 in the fixture) leads the cards and the rule order.
  size_t isf_rows = 0;
  for (const auto& row : data["rows"]) {
    REQUIRE(row.size() == 16);
    CHECK(row[15] == (row[0] == "EPI-001" ? 1 : 0));
    isf_rows += row[15] == 1 ? 1 : 0;
  }
  if (fired.count("EPI-001") != 0) {
    CHECK(isf_rows > 0);
    CHECK(data["ruleOrder"][0] == "EPI-001");
  }
  // The rule page: rendered guidance, relative link back, same CSP.
  std::string rule = report_test::read_file(w.dir / "html" / "rules" / "BV-001.html");
  CHECK(rule.find("<h1><span class=\"mono\">BV-001</span>") != std::string::npos);
  CHECK(rule.find("href=\"../index.html\"") != std::string::npos);
  CHECK(rule.find("<h4>Hva du gjør</h4>") != std::string::npos);
  CHECK(rule.find("**") == std::string::npos);
  CHECK(rule.find("Content-Security-Policy") != std::string::npos);
  // The index links every rule to its page.
  std::string index = report_test::read_file(w.dir / "html" / "index.html");
  CHECK(index.find("href=\"rules/KODE-002.html\">KODE-002</a>") != std::string::npos);
  fs::remove_all(w.dir);
}

TEST_CASE("the Avdeling filter names avdelinger from the units catalogue", "[report][html]") {
  auto dir = report_test::temp_dir("avd-names");
  auto fx = report_test::make_fixture();
  ReportOptions opts;
  opts.avdeling_name = [](const std::string& a) {
    return a == "420101" ? std::string("Ortopedisk seksjon") : std::string();
  };
  REQUIRE(write_html((dir / "html").string(), fx.manifest, vector_source(fx.findings), opts));
  std::string page = report_test::read_file(dir / "html" / "unit-4201.html");
  CHECK(page.find("<option value=\"420101\">Ortopedisk seksjon (420101)</option>") !=
        std::string::npos);
  CHECK(page.find("<option value=\"420102\">420102</option>") != std::string::npos);
  CHECK(page_data(page)["avdelinger"]["420101"] == "Ortopedisk seksjon");
  fs::remove_all(dir);
}

TEST_CASE("with history the unit page shows the trend and the resolved findings",
          "[report][html]") {
  auto dir = report_test::temp_dir("trend");
  report_test::FixtureOptions o;
  o.novelty = true;
  auto fx = report_test::make_fixture(o);
  ReportTrend trend;
  trend.per_unit["4201"] = {{"2017-11-28T02:00:00", 120, 30, 61},
                            {"2017-11-29T02:00:00", 120, 24, 50},
                            {"2017-11-30T02:00:00", 120, 20, 44}};
  trend.resolved.push_back({
      "KODE-002",
      "error",
      "E17-4201-0999",
      "4201",
      "420101",
      "2017-03-02",
      "TBA10",
      "Koden TBA10 er ikke gyldig <b>",
  });
  trend.resolved.push_back(
      {"BV-001", "error", "E17-4202-0998", "4202", "420201", "2017-03-02", "JJX00", "annen enhet"});
  ReportOptions opts;
  opts.trend = &trend;
  REQUIRE(write_html((dir / "html").string(), fx.manifest, vector_source(fx.findings), opts));
  std::string page = report_test::read_file(dir / "html" / "unit-4201.html");
  const size_t section = page.find("<section id=\"utvikling\"");
  REQUIRE(section != std::string::npos);
  CHECK(page.find("<section id=\"arbeidsliste\"") < section);
  // Two charts over the three earlier runs and this one: 4 points each, inline SVG.
  CHECK(count(page, "<svg class=\"trend-chart\"") == 2);
  CHECK(count(page, "<g class=\"pt\"") == 8);
  CHECK(page.find("data-value=\"25.0\"") != std::string::npos);  // 30 of 120 episodes
  CHECK(page.find("data-value=\"44\"") != std::string::npos);
  CHECK(page.find(">11-28</text>") != std::string::npos);
  CHECK(page.find(">nå</text>") != std::string::npos);
  // Resolved findings of this unit only, escaped.
  CHECK(page.find("Rettet siden forrige kjøring: 1 funn") != std::string::npos);
  CHECK(page.find("E17-4201-0999") != std::string::npos);
  CHECK(page.find("E17-4202-0998") == std::string::npos);
  CHECK(page.find("ikke gyldig &lt;b&gt;") != std::string::npos);
  // A unit without earlier runs says so instead of drawing one point.
  std::string other = report_test::read_file(dir / "html" / "unit-4203.html");
  CHECK(other.find("Første kjøring for enheten i historikken") != std::string::npos);
  // The index: a small line of each unit's error rate over the runs (none for 4203: no runs).
  std::string index = report_test::read_file(dir / "html" / "index.html");
  CHECK(index.find("<th scope=\"col\">Utvikling</th>") != std::string::npos);
  CHECK(count(index, "<svg class=\"spark\"") == 1);
  CHECK(index.find("Feilandel de siste 4 kjøringene: 25,0") != std::string::npos);
  // Without history: no trend section.
  REQUIRE(write_html((dir / "plain").string(), fx.manifest, vector_source(fx.findings)));
  CHECK(report_test::read_file(dir / "plain" / "unit-4201.html").find("id=\"utvikling\"") ==
        std::string::npos);
  CHECK(report_test::read_file(dir / "plain" / "index.html").find("Utvikling") ==
        std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a unit with 50,000 findings is written as data, not as 50,000 table rows",
          "[report][html]") {
  report_test::FixtureOptions o;
  o.episodes_per_unit = 2;
  o.large_unit_findings = 50000;
  auto w = write(o, "large");
  std::string page = report_test::read_file(w.dir / "html" / "unit-4299.html");
  auto data = page_data(page);
  CHECK(data["rows"].size() == 50000);
  CHECK(page.find("<tbody></tbody>") != std::string::npos);  // rows are rendered a page at a time
  CHECK(count(page, "<tr") < 10);
  fs::remove_all(w.dir);
}
