// Config files: a full nightly config, relative paths and globs, the command line on top, every
// kind of error with its position, the effective settings round trip.
#include <catch2/catch.hpp>
#include <filesystem>

#include "nprcheck/config.hpp"
#include "ops_test_util.hpp"

using namespace nprcheck;
namespace fs = std::filesystem;

namespace {

std::string config(const std::string& rel) { return test::testdata("config/" + rel); }

std::string norm(const std::string& p) { return fs::absolute(p).lexically_normal().string(); }

// Loads a broken config; returns its single error (the test fails unless there is exactly one).
Diagnostic only_error(const std::string& path, bool require_matches = true) {
  CheckOptions o;
  Diagnostics d;
  ConfigLoadOptions how;
  how.require_input_matches = require_matches;
  const bool ok = load_config(path, o, d, nullptr, how);
  CHECK_FALSE(ok);
  std::vector<Diagnostic> errors;
  for (const auto& x : d.all()) {
    if (x.level == DiagnosticLevel::kError) errors.push_back(x);
  }
  INFO(path);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file == path);
  return errors[0];
}

}  // namespace

TEST_CASE("config: the nightly example loads into CheckOptions", "[config]") {
  CheckOptions o;
  Diagnostics d;
  ConfigExtras extras;
  REQUIRE(load_config(config("nightly.yaml"), o, d, &extras));
  CHECK_FALSE(d.has_errors());
  const std::string dir = norm(config(""));
  REQUIRE(o.inputs.size() == 1);
  CHECK(o.inputs[0] == norm(config("extracts/2017-03-01.xml")));
  CHECK(o.tables_dir == norm(test::testdata("tables")));
  CHECK(o.units_file == norm(test::testdata("units.csv")));
  CHECK(o.out_dir == "/tmp/nprcheck-nightly-example/reports");
  CHECK(o.formats == std::vector<std::string>{"html", "csv", "sarif"});
  CHECK(o.fail_on == Severity::kError);
  CHECK(o.history_db == "/tmp/nprcheck-nightly-example/history.sqlite");
  CHECK(o.waivers_file == norm(test::testdata("waivers/waivers.yaml")));
  REQUIRE(o.max_error_rate);
  CHECK(*o.max_error_rate == Approx(0.05));
  REQUIRE(o.max_new_errors);
  CHECK(*o.max_new_errors == 25);
  CHECK(o.log_file == "/tmp/nprcheck-nightly-example/nprcheck.log");
  CHECK(o.log_format == "json");
  CHECK(o.log_level == "info");
  CHECK(o.umask == 027);
  CHECK(o.threads == 2);
  CHECK(o.lock_wait_seconds == 900);
  CHECK(extras.path == config("nightly.yaml"));
  CHECK(o.rules_dir.empty());  // not in the file: the bundled rules
}

TEST_CASE("config: globs and relative paths are taken from the config file's folder", "[config]") {
  test::TempDir dir;
  test::write_file(dir.path() / "in" / "b-2025-01-02.xml", "x");
  test::write_file(dir.path() / "in" / "a-2025-01-01.xml.gz", "x");
  test::write_file(dir.path() / "in" / "a-2025-01-01.xml", "x");
  test::write_file(dir.path() / "in" / "notes.txt", "x");
  test::write_file(dir.path() / "etc" / "nightly.yaml",
                   "inputs: ['../in/*.xml', '../in/*.xml.gz', /abs/plain.xml]\n"
                   "out: ../reports\nhistory: state/history.sqlite\n"
                   "filters:\n  unit: '4200'\n  rule: BV-*\n  from: 2025-01-01\n  to: "
                   "2025-01-31\n  episode: E-1\n"
                   "progress: no\nmax_error_rate: 0.1\nformats: html, junit\n");
  CheckOptions o;
  Diagnostics d;
  REQUIRE(load_config((dir.path() / "etc" / "nightly.yaml").string(), o, d));
  const std::string in = norm((dir.path() / "in").string());
  CHECK(o.inputs == std::vector<std::string>{in + "/a-2025-01-01.xml", in + "/b-2025-01-02.xml",
                                             in + "/a-2025-01-01.xml.gz", "/abs/plain.xml"});
  CHECK(o.out_dir == norm((dir.path() / "reports").string()));
  CHECK(o.history_db == norm((dir.path() / "etc" / "state" / "history.sqlite").string()));
  CHECK(o.unit == "4200");
  CHECK(o.rule_glob == "BV-*");
  REQUIRE(o.from);
  CHECK(o.from->date_string() == "2025-01-01");
  REQUIRE(o.to);
  CHECK(o.to->date_string() == "2025-01-31");
  CHECK(o.episode_id == "E-1");
  CHECK_FALSE(o.progress);
  CHECK(*o.max_error_rate == Approx(0.1));
  CHECK(o.formats == std::vector<std::string>{"html", "junit"});
}

TEST_CASE("config: keys not in the file keep the values already set", "[config]") {
  test::TempDir dir;
  test::write_file(dir.path() / "c.yaml", "threads: 3\nlog_level: debug\nout:\n");
  CheckOptions o;
  o.out_dir = "/from/elsewhere";
  o.units_file = "/units.csv";
  o.threads = 8;
  Diagnostics d;
  REQUIRE(load_config(dir.file("c.yaml"), o, d));
  CHECK(o.threads == 3);
  CHECK(o.log_level == "debug");
  CHECK(o.out_dir == "/from/elsewhere");  // `out:` with no value: not set
  CHECK(o.units_file == "/units.csv");
}

TEST_CASE("config: every kind of error names file, line and column", "[config]") {
  SECTION("unknown key, with did-you-mean") {
    Diagnostic e = only_error(config("broken/unknown-key.yaml"));
    CHECK(e.line == 3);
    CHECK(e.column == 1);
    CHECK_THAT(e.message, Catch::Contains("unknown key 'histroy'"));
    CHECK_THAT(e.message, Catch::Contains("did you mean 'history'?"));
    CHECK(e.source_line == "histroy: history.sqlite");
    CHECK_THAT(format_diagnostic(e), Catch::Contains("unknown-key.yaml:3:1: error:"));
    CHECK_THAT(format_diagnostic(e), Catch::EndsWith("\n  histroy: history.sqlite\n  ^"));
  }
  SECTION("unknown filter key") {
    Diagnostic e = only_error(config("broken/unknown-filter-key.yaml"));
    CHECK(e.line == 4);
    CHECK(e.column == 3);
    CHECK_THAT(e.message, Catch::Contains("did you mean 'rule'?"));
  }
  SECTION("a word for a number") {
    Diagnostic e = only_error(config("broken/bad-type.yaml"));
    CHECK(e.line == 2);
    CHECK(e.column == 10);
    CHECK_THAT(e.message, Catch::Contains("'threads' must be a whole number"));
  }
  SECTION("a list for a path") {
    Diagnostic e = only_error(config("broken/list-for-path.yaml"));
    CHECK(e.line == 1);
    CHECK(e.column == 6);
    CHECK_THAT(e.message, Catch::Contains("'out' must be a string, not a list"));
  }
  SECTION("umask with non-octal digits") {
    Diagnostic e = only_error(config("broken/bad-umask.yaml"));
    CHECK(e.line == 2);
    CHECK(e.column == 8);
    CHECK_THAT(e.message, Catch::Contains("'umask' must be octal digits"));
  }
  SECTION("unknown format") {
    Diagnostic e = only_error(config("broken/bad-format.yaml"));
    CHECK(e.line == 2);
    CHECK(e.column == 17);
    CHECK_THAT(e.message, Catch::Contains("unknown format 'pdf'"));
  }
  SECTION("fail_on, with did-you-mean") {
    Diagnostic e = only_error(config("broken/bad-fail-on.yaml"));
    CHECK(e.line == 2);
    CHECK_THAT(e.message, Catch::Contains("not 'warn'; did you mean 'warning'?"));
  }
  SECTION("an error rate above 1") {
    Diagnostic e = only_error(config("broken/bad-rate.yaml"));
    CHECK(e.line == 2);
    CHECK_THAT(e.message, Catch::Contains("between 0 and 1"));
  }
  SECTION("a date that does not exist") {
    Diagnostic e = only_error(config("broken/bad-date.yaml"));
    CHECK(e.line == 3);
    CHECK(e.column == 9);
    CHECK_THAT(e.message, Catch::Contains("'filters.from' must be a date YYYY-MM-DD"));
  }
  SECTION("a key twice") {
    Diagnostic e = only_error(config("broken/duplicate-key.yaml"));
    CHECK(e.line == 3);
    CHECK_THAT(e.message, Catch::Contains("key 'out' appears twice"));
  }
  SECTION("YAML syntax") {
    Diagnostic e = only_error(config("broken/syntax.yaml"));
    CHECK(e.line >= 2);
    CHECK_THAT(e.message, Catch::Contains("YAML syntax error"));
  }
  SECTION("not a map") {
    Diagnostic e = only_error(config("broken/not-a-map.yaml"));
    CHECK(e.line == 1);
    CHECK_THAT(e.message, Catch::Contains("must be a map of settings"));
  }
  SECTION("an input glob that matches nothing") {
    Diagnostic e = only_error(config("broken/no-match.yaml"));
    CHECK(e.line == 2);
    CHECK(e.column == 5);
    CHECK_THAT(e.message, Catch::Contains("'no-such-folder/*.xml' matches no file"));
  }
  SECTION("log level") {
    Diagnostic e = only_error(config("broken/bad-log-level.yaml"));
    CHECK_THAT(e.message, Catch::Contains("'log_level' must be one of"));
  }
  SECTION("a missing file") {
    CheckOptions o;
    Diagnostics d;
    CHECK_FALSE(load_config(config("no-such.yaml"), o, d));
    REQUIRE(d.error_count() == 1);
    CHECK_THAT(d.all()[0].message, Catch::Contains("cannot open"));
  }
}

TEST_CASE("config: an input glob matching nothing is only a warning when asked", "[config]") {
  CheckOptions o;
  Diagnostics d;
  ConfigLoadOptions how;
  how.require_input_matches = false;
  CHECK(load_config(config("broken/no-match.yaml"), o, d, nullptr, how));
  CHECK_FALSE(d.has_errors());
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].level == DiagnosticLevel::kWarning);
  CHECK(o.inputs.empty());
}

TEST_CASE("config: values in their other accepted spellings", "[config]") {
  test::TempDir dir;
  auto load = [&](const std::string& text, CheckOptions& o) {
    test::write_file(dir.path() / "c.yaml", text);
    Diagnostics d;
    bool ok = load_config(dir.file("c.yaml"), o, d);
    for (const auto& x : d.all()) UNSCOPED_INFO(format_diagnostic(x));
    return ok;
  };
  CheckOptions o;
  CHECK(load("umask: 0o007\nmax_error_rate: 2.5%\nfail_on: warning\n", o));
  CHECK(o.umask == 007);
  CHECK_FALSE(load("umask: \"022\"\n", o));  // the world could read the reports
  CHECK(*o.max_error_rate == Approx(0.025));
  CHECK(o.fail_on == Severity::kWarning);
  CHECK(load("umask: 077\ninputs: /one/file.xml\n", o));
  CHECK(o.umask == 077);
  CHECK(o.inputs == std::vector<std::string>{"/one/file.xml"});
  CHECK_FALSE(load("umask: 0700\n", o));  // the owner could not read the reports
  CHECK_FALSE(load("max_error_rate: 120%\n", o));
  CHECK_FALSE(load("threads: -1\n", o));
  CHECK_FALSE(load("filters:\n  from: 2025-02-01\n  to: 2025-01-01\n", o));
  CHECK_FALSE(load("", o));
}

TEST_CASE("config: the effective settings load again to the same options", "[config]") {
  CheckOptions a;
  Diagnostics d;
  ConfigExtras extras;
  REQUIRE(load_config(config("nightly.yaml"), a, d, &extras));
  a.unit = "4200";
  a.from = parse_date_time("2017-03-01");
  const std::string yaml = effective_config_yaml(a);
  CHECK_THAT(yaml, Catch::Contains("umask: \"027\""));
  CHECK_THAT(yaml, Catch::Contains("max_error_rate: 0.05"));
  test::TempDir dir;
  test::write_file(dir.path() / "again.yaml", yaml);
  CheckOptions b;
  ConfigExtras extras_b;
  Diagnostics d2;
  REQUIRE(load_config(dir.file("again.yaml"), b, d2, &extras_b));
  CHECK(b.inputs == a.inputs);
  CHECK(b.tables_dir == a.tables_dir);
  CHECK(b.rules_dir == a.rules_dir);
  CHECK(b.units_file == a.units_file);
  CHECK(b.out_dir == a.out_dir);
  CHECK(b.formats == a.formats);
  CHECK(b.fail_on == a.fail_on);
  CHECK(b.history_db == a.history_db);
  CHECK(b.waivers_file == a.waivers_file);
  CHECK(*b.max_error_rate == Approx(*a.max_error_rate));
  CHECK(b.max_new_errors == a.max_new_errors);
  CHECK(b.log_file == a.log_file);
  CHECK(b.log_format == a.log_format);
  CHECK(b.umask == a.umask);
  CHECK(b.threads == a.threads);
  CHECK(b.unit == a.unit);
  CHECK(b.from == a.from);
  CHECK(b.lock_wait_seconds == a.lock_wait_seconds);
}

TEST_CASE("config: --config is found among the arguments", "[config]") {
  CHECK(find_config_arg({"--config", "n.yaml", "x.xml"}) == "n.yaml");
  CHECK(find_config_arg({"x.xml", "--config=n.yaml"}) == "n.yaml");
  CHECK(find_config_arg({"-c", "n.yaml"}) == "n.yaml");
  CHECK(find_config_arg({"--out", "r", "x.xml"}).empty());
  CHECK(find_config_arg({"--", "--config", "n.yaml"}).empty());
  CHECK(umask_string(027) == "027");
  CHECK(std::find(config_keys().begin(), config_keys().end(), "history") != config_keys().end());
}

TEST_CASE("config: the new year's tables missing is noticed", "[config]") {
  std::vector<ManifestTable> tables;
  for (int year : {2016, 2017}) {
    for (const char* system : {"ICD10", "NCSP"}) {
      ManifestTable t;
      t.system = system;
      t.year_from = t.year_to = year;
      tables.push_back(t);
    }
  }
  ManifestTable cumulative;
  cumulative.system = "NCRP";
  cumulative.year_from = 2015;
  cumulative.year_to = 2018;
  tables.push_back(cumulative);
  CHECK(systems_without_year(tables, 2017).empty());
  CHECK(systems_without_year(tables, 2018) == std::vector<std::string>{"ICD10", "NCSP"});
  CHECK(new_year_tables_warning(tables, "/t", *parse_date_time("2017-12-31")).empty());
  const std::string w = new_year_tables_warning(tables, "/t", *parse_date_time("2018-01-01"));
  CHECK_THAT(w, Catch::StartsWith("NO 2018 CODE TABLES LOADED for ICD10, NCSP (tables: /t)"));
}

TEST_CASE("config: docs/nightly.example.yaml is a valid config", "[config][docs]") {
  CheckOptions o;
  Diagnostics d;
  ConfigExtras extras;
  ConfigLoadOptions how;
  how.require_input_matches = false;  // /srv/dips-export is not on this machine
  const std::string path = std::string(NPRCHECK_SOURCE_DIR) + "/docs/nightly.example.yaml";
  REQUIRE(load_config(path, o, d, &extras, how));
  CHECK_FALSE(d.has_errors());
  CHECK(o.history_db == "/var/lib/nprcheck/history.sqlite");
  CHECK(*o.max_error_rate == Approx(0.02));
  CHECK(*o.max_new_errors == 50);
  CHECK(o.umask == 027);
  CHECK(o.rules_dir.empty());
  CHECK(o.lock_wait_seconds == 600);
  // Every key of the loader is documented in the example.
  const std::string text = test::slurp(path);
  for (const auto& key : config_keys()) {
    INFO(key);
    CHECK(text.find("\n" + key + ":") != std::string::npos);
  }
}

TEST_CASE("config: a file that is not UTF-8 text is refused at the first bad byte", "[config]") {
  test::TempDir dir;
  test::write_file(dir.path() / "latin1.yaml", "out: reports\nunits: /srv/enhet\xE6r.csv\n");
  test::write_file(dir.path() / "binary.yaml", std::string("out: r\n\0\x01\x02", 10));
  CheckOptions o;
  Diagnostics d;
  CHECK_FALSE(load_config(dir.file("latin1.yaml"), o, d));
  REQUIRE(d.error_count() == 1);
  CHECK(d.all()[0].line == 2);
  CHECK(d.all()[0].column == 18);
  CHECK_THAT(d.all()[0].message, Catch::Contains("not a UTF-8 text file"));
  Diagnostics d2;
  CHECK_FALSE(load_config(dir.file("binary.yaml"), o, d2));
  REQUIRE(d2.error_count() == 1);
  CHECK(d2.all()[0].line == 2);
  CHECK(d2.all()[0].column == 1);
}

TEST_CASE("config: a long wrong value is clipped in the message", "[config]") {
  test::TempDir dir;
  test::write_file(dir.path() / "c.yaml", "threads: " + std::string(500, 'x') + "\n");
  CheckOptions o;
  Diagnostics d;
  CHECK_FALSE(load_config(dir.file("c.yaml"), o, d));
  REQUIRE(d.error_count() == 1);
  CHECK(d.all()[0].message.size() < 200);
}

TEST_CASE("config: --umask and --max-error-rate values parse as in the file", "[config]") {
  unsigned u = 0;
  double r = 0;
  std::string why;
  CHECK(parse_umask("027", u, why));
  CHECK(u == 027);
  CHECK(parse_umask("0o077", u, why));
  CHECK(u == 077);
  CHECK_FALSE(parse_umask("089", u, why));
  CHECK_THAT(why, Catch::Contains("octal"));
  CHECK_FALSE(parse_umask("0200", u, why));
  CHECK_THAT(why, Catch::Contains("owner"));
  CHECK_FALSE(parse_umask("", u, why));
  for (const char* world : {"000", "002", "022", "026", "0o003"}) {
    INFO(world);
    CHECK_FALSE(parse_umask(world, u, why));
    CHECK_THAT(why, Catch::Contains("world"));
  }
  CHECK(parse_error_rate("0.02", r, why));
  CHECK(r == Approx(0.02));
  CHECK(parse_error_rate("2.5%", r, why));
  CHECK(r == Approx(0.025));
  CHECK(parse_error_rate("0", r, why));
  CHECK(r == 0);
  for (const char* bad : {"2", "101%", "-0.1", "nan", "inf", "0x1p-3", "", "%", "five"}) {
    INFO(bad);
    CHECK_FALSE(parse_error_rate(bad, r, why));
  }
}

TEST_CASE("config: unknown_units is warn or error; a second document is refused", "[config]") {
  test::TempDir dir;
  test::write_file(dir.path() / "a.yaml", "out: o\nunknown_units: error\n");
  test::write_file(dir.path() / "b.yaml", "out: o\nunknown_units: fatal\n");
  test::write_file(dir.path() / "c.yaml", "out: o\n---\nunknown_units: error\n");
  CheckOptions a;
  Diagnostics da;
  REQUIRE(load_config((dir.path() / "a.yaml").string(), a, da));
  CHECK(a.unknown_units_error);
  CheckOptions b;
  Diagnostics db;
  CHECK_FALSE(load_config((dir.path() / "b.yaml").string(), b, db));
  REQUIRE(db.has_errors());
  CHECK_THAT(db.all()[0].message, Catch::Contains("'unknown_units' must be one of warn, error"));
  CheckOptions c;
  Diagnostics dc;
  CHECK_FALSE(load_config((dir.path() / "c.yaml").string(), c, dc));
  REQUIRE(dc.has_errors());
  CHECK(dc.all()[0].line == 2);
  CHECK(dc.all()[0].column == 1);
  CHECK_THAT(dc.all()[0].message, Catch::Contains("a second YAML document"));
  CHECK_FALSE(c.unknown_units_error);
}
