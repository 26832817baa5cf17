// The bad-input corpus (testdata/bad/): every case runs through the nprcheck binary and must end
// as its `expect` file says: the exit code, the messages, the files named "not fully checked",
// text that must appear nowhere. Always: no crash, no hang, no sanitizer report, no staging
// folder left behind, and the good extract beside the bad input still gets all its findings.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hardening_util.hpp"

namespace h = nprcheck::hardening;
namespace fs = std::filesystem;

namespace {

/// What one case's `expect` file says (format: testdata/bad/README.md).
struct Expect {
  std::set<int> exit_codes;  ///< empty: any of 0, 1, 2
  std::vector<std::string> stderr_has;
  std::vector<std::string> absent;      ///< in no output file and not on stderr
  std::vector<std::string> incomplete;  ///< file names listed as NOT FULLY CHECKED
  bool complete = false;                ///< no file may be listed as NOT FULLY CHECKED
  bool good = true;                     ///< the good extract's findings must all be there
  bool reports = true;                  ///< reports are written (false: OUT left as it was)
};

Expect read_expect(const fs::path& file, bool reports = true) {
  Expect e;
  e.reports = reports;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.find(' ');
    std::string key = line.substr(0, sp);
    std::string value = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (key == "exit") {
      if (value != "ANY") {
        std::stringstream ss(value);
        int code = 0;
        while (ss >> code) e.exit_codes.insert(code);
      }
    } else if (key == "stderr") {
      e.stderr_has.push_back(value);
    } else if (key == "absent") {
      e.absent.push_back(value);
    } else if (key == "incomplete") {
      e.incomplete.push_back(value);
    } else if (key == "complete") {
      e.complete = true;
    } else if (key == "good") {
      e.good = value != "no";
    } else if (key == "reports") {
      e.reports = value == "yes";
    } else {
      FAIL(file.string() << ": unknown key '" << key << "'");
    }
  }
  return e;
}

/// A finding reduced to what must not change: episode, rule, severity, codes.
std::string finding_key(const nlohmann::json& f) {
  std::string key = f.at("episode").get<std::string>() + " " + f.at("rule").get<std::string>() +
                    " " + f.at("severity").get<std::string>();
  for (const auto& c : f.at("codes")) key += " " + c.at("value").get<std::string>();
  return key;
}

/// The findings of the good extract in OUT (every line of findings.ndjson must be JSON).
std::multiset<std::string> good_findings(const fs::path& out) {
  std::multiset<std::string> keys;
  std::ifstream in(out / "findings.ndjson");
  std::string line;
  while (std::getline(in, line)) {
    auto f = nlohmann::json::parse(line);  // throws (fails the test) on a broken line
    if (fs::path(f.at("file").get<std::string>()).filename() == "good.xml") {
      keys.insert(finding_key(f));
    }
  }
  return keys;
}

/// The good extract's findings when it is checked alone (computed once).
const std::multiset<std::string>& baseline() {
  static const std::multiset<std::string> keys = [] {
    auto dir = h::fresh_dir("baseline");
    fs::copy_file(h::kGoodXml, dir / "good.xml");
    auto r = h::run_nprcheck(h::check_args({(dir / "good.xml").string()}, dir / "out"));
    INFO(h::describe(r));
    REQUIRE(r.exit_code == 1);
    return good_findings(dir / "out");
  }();
  return keys;
}

/// The common checks of every run: ended by itself, no sanitizer report, no staging left.
void check_sane(const h::ChildResult& r, const fs::path& out) {
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 0);
  CHECK_FALSE(h::has_sanitizer_report(r.err));
  CHECK(r.exit_code >= 0);
  CHECK(r.exit_code <= 2);
  if (fs::exists(out)) CHECK(h::leftover_stages(out).empty());
}

/// Checks a finished run against a case's expectations.
void check_expect(const Expect& e, const h::ChildResult& r, const fs::path& in,
                  const fs::path& out) {
  INFO(h::describe(r));
  check_sane(r, out);
  if (!e.exit_codes.empty()) CHECK(e.exit_codes.count(r.exit_code) == 1);
  for (const auto& s : e.stderr_has) {
    INFO("stderr must contain: " << s);
    CHECK(r.err.find(s) != std::string::npos);
  }
  for (const auto& f : e.incomplete) {
    INFO("must be listed as not fully checked: " << f);
    CHECK(r.err.find("NOT FULLY CHECKED: " + (in / f).string()) != std::string::npos);
  }
  if (e.complete) CHECK(r.err.find("NOT FULLY CHECKED") == std::string::npos);
  for (const auto& s : e.absent) {
    INFO("must appear nowhere: " << s);
    CHECK(r.err.find(s) == std::string::npos);
    for (const auto& [name, content] : h::all_files(out)) {
      INFO(name);
      CHECK(content.find(s) == std::string::npos);
    }
  }
  if (e.reports) {
    REQUIRE(fs::exists(out / "findings.ndjson"));
    CHECK_NOTHROW(nlohmann::json::parse(h::slurp(out / "run.json")));
    if (e.good) CHECK(good_findings(out) == baseline());
  }
}

/// Every case folder (holding an `expect` file) directly under testdata/bad/<kind>, sorted.
std::vector<fs::path> cases_of(const std::string& kind) {
  std::vector<fs::path> cases;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(h::kTestdata + "/bad/" + kind, ec)) {
    if (fs::exists(e.path() / "expect")) cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

/// Copies a case folder (without its `expect` file) to `to`; returns the copied top-level
/// entries, sorted.
std::vector<std::string> copy_case(const fs::path& from, const fs::path& to) {
  std::vector<std::string> names;
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from)) {
    std::string name = e.path().filename().string();
    if (name == "expect") continue;
    // Symlinks stay symlinks (a dangling one or a loop is the case itself).
    fs::copy(e.path(), to / name, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("the good extract alone gives its planted findings", "[hardening][corpus]") {
  const auto& keys = baseline();
  CHECK(keys.count("E-GOOD-1 BV-002 warning JJX00 ZXM00") == 1);
  CHECK(keys.count("E-GOOD-2 KODE-002 error A90") == 1);
}

TEST_CASE("bad extracts: each ends as its expect file says, the good extract is still checked",
          "[hardening][corpus]") {
  auto cases = cases_of("extracts");
  REQUIRE(cases.size() >= 25);
  for (const auto& c : cases) {
    SECTION(c.filename().string()) {
      Expect e = read_expect(c / "expect");
      auto dir = h::fresh_dir("extracts-" + c.filename().string());
      fs::path in = dir / "in", out = dir / "out";
      std::vector<std::string> inputs;
      for (const auto& name : copy_case(c, in)) inputs.push_back((in / name).string());
      fs::copy_file(h::kGoodXml, in / "good.xml");
      inputs.push_back((in / "good.xml").string());  // last: the bad input did not stop the run
      auto r = h::run_nprcheck(h::check_args(inputs, out));
      check_expect(e, r, in, out);
    }
  }
}

TEST_CASE("bad extracts as a folder: the same outcome when the folder is given",
          "[hardening][corpus]") {
  // All bad extracts in one folder with the good one: one run, exit 2, good findings intact.
  auto dir = h::fresh_dir("extracts-folder");
  fs::path in = dir / "in", out = dir / "out";
  for (const auto& c : cases_of("extracts")) copy_case(c, in / c.filename());
  fs::copy_file(h::kGoodXml, in / "zz-good.xml");
  auto r = h::run_nprcheck(h::check_args({in.string()}, out));
  INFO(h::describe(r));
  check_sane(r, out);
  CHECK(r.exit_code == 2);
  REQUIRE(fs::exists(out / "findings.ndjson"));
  // The good extract's findings, under its other name.
  std::multiset<std::string> keys;
  std::ifstream lines(out / "findings.ndjson");
  std::string line;
  while (std::getline(lines, line)) {
    auto f = nlohmann::json::parse(line);
    if (fs::path(f.at("file").get<std::string>()).filename() == "zz-good.xml") {
      keys.insert(finding_key(f));
    }
  }
  CHECK(keys == baseline());
}

TEST_CASE("broken rule sets: exit 2 with file:line:col, nothing read, previous reports kept",
          "[hardening][corpus]") {
  // The rule helper's broken rule sets (testdata/rules/broken) and ours (testdata/bad/rules).
  const std::map<std::string, std::string> message = {
      {"syntax", "YAML syntax error"},
      {"unknown-key", "unknown key 'asert'"},
      {"bad-severity", "bad severity 'fatal'"},
      {"duplicate-id", "duplicate rule id 'BV-001'"},
      {"id-mismatch", "does not match the file name"},
      {"bad-scope", "unknown scope 'prosedyrer'"},
      {"bad-date", "'valid_from' is not a date"},
      {"missing-field", "missing required field 'assert'"},
      {"unknown-field", "unknown field 'prosedyre.kode'"},
      {"unknown-function", "unknown function 'vallid'"},
      {"unknown-set", "unknown set 'stjernekode'"},
      {"type-mismatch", "cannot compare int with string"},
      {"block-scalar", "unknown field 'kode.sytem'"},
      {"quoted-scalar", "unknown field 'kode.verdii'"},
  };
  std::vector<fs::path> sets;
  for (const auto& e : fs::directory_iterator(h::kTestdata + "/rules/broken")) {
    sets.push_back(e.path());
  }
  std::sort(sets.begin(), sets.end());
  REQUIRE(sets.size() >= 10);
  for (const auto& set : sets) {
    SECTION("testdata/rules/broken/" + set.filename().string()) {
      auto dir = h::fresh_dir("rules-" + set.filename().string());
      fs::path out = dir / "out";
      h::write_file(out / "findings.ndjson", "previous run\n");
      h::write_file(out / "run.json", "{}\n");
      auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, out, {}, "", set.string()));
      INFO(h::describe(r));
      check_sane(r, out);
      CHECK(r.exit_code == 2);
      CHECK(r.err.find(set.string() + "/") != std::string::npos);  // names the file
      CHECK(r.err.find(": error: ") != std::string::npos);
      auto it = message.find(set.filename().string());
      if (it != message.end()) CHECK(r.err.find(it->second) != std::string::npos);
      CHECK(h::slurp(out / "findings.ndjson") == "previous run\n");
      CHECK(h::all_files(out).size() == 2);
    }
  }
  for (const auto& c : cases_of("rules")) {
    SECTION("testdata/bad/rules/" + c.filename().string()) {
      Expect e = read_expect(c / "expect", /*reports=*/false);
      auto dir = h::fresh_dir("bad-rules-" + c.filename().string());
      fs::path rules = dir / "rules", out = dir / "out";
      copy_case(c, rules);
      h::write_file(out / "findings.ndjson", "previous run\n");
      h::write_file(out / "run.json", "{}\n");  // the old flat layout: adopted
      auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, out, {}, "", rules.string()));
      e.good = false;  // another rule set: the good extract's findings differ
      check_expect(e, r, rules, out);
      if (!e.reports) CHECK(h::slurp(out / "findings.ndjson") == "previous run\n");
    }
  }
}

TEST_CASE("bad code tables: reported with file and line, the rest of the tables still used",
          "[hardening][corpus]") {
  // testdata/bad/tables/<kind> (the tables helper's) replace whole years: the run must report
  // the file and go on (exit 2), without a crash. testdata/bad/tables-extra/<case> is laid over
  // a copy of the real tables (its bad files in a year the good extract does not use), so the
  // good extract's findings must not change.
  std::vector<fs::path> kinds;
  for (const auto& e : fs::directory_iterator(h::kTestdata + "/bad/tables")) {
    if (e.is_directory()) kinds.push_back(e.path());
  }
  std::sort(kinds.begin(), kinds.end());
  REQUIRE(kinds.size() >= 10);
  for (const auto& k : kinds) {
    SECTION("testdata/bad/tables/" + k.filename().string()) {
      auto dir = h::fresh_dir("tables-" + k.filename().string());
      fs::path out = dir / "out";
      auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, out, {}, k.string()));
      INFO(h::describe(r));
      check_sane(r, out);
      CHECK(r.exit_code == 2);
      CHECK(r.err.find(k.string() + "/") != std::string::npos);
      CHECK(fs::exists(out / "findings.ndjson"));
    }
  }
  for (const auto& c : cases_of("tables-extra")) {
    SECTION("testdata/bad/tables-extra/" + c.filename().string()) {
      Expect e = read_expect(c / "expect");
      auto dir = h::fresh_dir("tables-extra-" + c.filename().string());
      fs::path tables = dir / "tables", out = dir / "out";
      fs::copy(h::kTestdata + "/tables", tables, fs::copy_options::recursive);
      for (const auto& name : copy_case(c, dir / "case")) {
        fs::copy(dir / "case" / name, tables / name,
                 fs::copy_options::recursive | fs::copy_options::overwrite_existing |
                     fs::copy_options::copy_symlinks);
      }
      auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, out, {}, tables.string()));
      check_expect(e, r, tables, out);
    }
  }
}

TEST_CASE("bad config files: `nprcheck config check` reports them, never crashes or hangs",
          "[hardening][corpus]") {
  for (const auto& c : cases_of("config")) {
    SECTION("testdata/bad/config/" + c.filename().string()) {
      Expect e = read_expect(c / "expect");
      auto dir = h::fresh_dir("config-" + c.filename().string());
      copy_case(c, dir);
      REQUIRE(fs::exists(dir / "nightly.yaml"));
      auto r = h::run_nprcheck({"config", "check", (dir / "nightly.yaml").string()},
                               {.timeout_seconds = 120, .env = {}, .cwd = {}});
      e.reports = false;
      check_expect(e, r, dir, dir / "out");
    }
  }
}
