// `nprcheck indicators`: coding-quality indicators from the run history (table, CSV), and the
// indicator files' list, lint, tests and docs pages.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "cli_util.hpp"
#include "commands.hpp"
#include "nprcheck/code_tables.hpp"
#include "nprcheck/config.hpp"
#include "nprcheck/default_paths.hpp"
#include "nprcheck/exit_codes.hpp"
#include "nprcheck/history.hpp"
#include "nprcheck/history_indicators.hpp"
#include "nprcheck/indicators.hpp"
#include "nprcheck/report.hpp"

namespace nprcheck::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kHelp = R"(usage: nprcheck indicators [show] [OPTIONS]
       nprcheck indicators list|lint|test [DIR] [--tables DIR]
       nprcheck indicators docs --out OUT [DIR]

Coding-quality indicators per level-2 unit and month, as every `nprcheck check` with a
history stores them, with p-chart (shares) or u-chart (means) control limits. A month
outside its limits is a signal (marked `!` in the table, `Signal=ja` in the CSV).

show (the default):
  --db FILE | --config FILE   the history database (or the config naming it)
  --unit RESH                 one level-2 unit (default: all units)
  --periods N                 the last N months (default 12)
  --indicators DIR            indicator files for the titles (default: the bundled ones)
  --csv FILE                  also write the table as CSV for Excel (`;`, UTF-8 with BOM,
                              decimal comma): one row per unit, indicator and month

list [DIR]                    the indicators (id, kind, direction, title)
lint [DIR]                    load the files and check tests and docs (exit 2 on errors)
test [DIR] [--tables DIR]     run every indicator's tests (exit 1 on a failure)
docs --out OUT [DIR]          one Markdown page per indicator plus OUT/index.md
                              (docs/indicators/ is generated this way)

examples:
  nprcheck indicators --db /var/lib/nprcheck/history.sqlite --periods 6
  nprcheck indicators --config nightly.yaml --unit 4200 --csv indikatorer-4200.csv
  nprcheck indicators test
  nprcheck indicators docs --out docs/indicators

exit codes: 0 ok; 1 a test failed; 2 usage error, broken indicator files, or the
database cannot be opened.

)";

std::optional<IndicatorSet> load_set(const std::string& dir_arg, const char* command) {
  std::string dir = dir_arg.empty() ? default_indicators_dir() : dir_arg;
  Diagnostics d;
  auto set = IndicatorSet::load(dir, d);
  print_diagnostics(d);
  if (!set) {
    std::fprintf(stderr, "nprcheck indicators %s: %s has errors\n", command, dir.c_str());
    return std::nullopt;
  }
  return std::move(*set);
}

// Parses options; false with `rc` set when the command is done (help or a usage error).
bool parse(const std::vector<std::string>& args, po::options_description& desc,
           po::variables_map& vm, std::string* dir, int& rc, const char* command) {
  po::options_description hidden;
  if (dir != nullptr) hidden.add_options()("dir", po::value(dir));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  if (dir != nullptr) pos.add("dir", 1);
  if (!parse_args(args, all, &pos, vm, command)) {
    rc = kExitError;
    return false;
  }
  if (vm.count("help") != 0) {
    std::fputs(kHelp, stdout);
    rc = kExitOk;
    return false;
  }
  return true;
}

std::string decimal_comma(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  std::string s = buf;
  for (char& c : s) c = c == '.' ? ',' : c;
  return s;
}

int run_show(const std::vector<std::string>& args) {
  std::string db, config, unit, csv, ind_dir;
  size_t periods = 12;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("db", po::value(&db), "history database")(
      "config,c", po::value(&config), "config file naming the history")(
      "unit", po::value(&unit), "one level-2 unit")("periods", po::value(&periods),
                                                    "the last N months")(
      "indicators", po::value(&ind_dir), "indicator files")("csv", po::value(&csv), "CSV file");
  po::variables_map vm;
  int rc = 0;
  if (!parse(args, desc, vm, nullptr, rc, "indicators")) return rc;
  if (db.empty() && !config.empty()) {
    CheckOptions options;
    Diagnostics d;
    ConfigLoadOptions how;
    how.require_input_matches = false;
    if (!load_config(config, options, d, nullptr, how)) {
      print_diagnostics(d);
      return kExitError;
    }
    db = options.history_db;
  }
  if (db.empty()) {
    std::fprintf(stderr,
                 "nprcheck indicators: give the history with --db FILE or --config FILE\n"
                 "Try 'nprcheck indicators --help'.\n");
    return kExitError;
  }
  if (periods == 0) {
    std::fprintf(stderr, "nprcheck indicators: --periods must be 1 or more\n");
    return kExitError;
  }
  auto set = load_set(ind_dir, "show");
  if (!set) return kExitError;
  // Opening migrates an older database (and refuses a newer one or a non-history file).
  if (auto opened = HistoryDb::open(db, /*create=*/false); !opened) {
    std::fprintf(stderr, "nprcheck indicators: %s\n", opened.status().message().c_str());
    return kExitError;
  }
  auto rows = load_indicator_history(db);
  if (!rows) {
    std::fprintf(stderr, "nprcheck indicators: %s\n", rows.status().message().c_str());
    return kExitError;
  }
  std::vector<IndicatorMeta> metas;
  for (const auto& i : set->infos()) {
    metas.push_back({i.id, i.title, i.kind == IndicatorKind::kMean,
                     i.direction == IndicatorDirection::kHigherIsWorse, i.version});
  }
  std::set<std::string> only;
  if (!unit.empty()) only.insert(unit);
  IndicatorReport r = build_indicator_report(metas, *rows, periods, unit.empty() ? nullptr : &only);
  if (r.charts.empty()) {
    std::printf("no indicator counts%s in %s\n", unit.empty() ? "" : " for this unit", db.c_str());
    return kExitOk;
  }

  // The table: per unit, one line per indicator, one column per month.
  std::string last_unit;
  for (const auto& c : r.charts) {
    const IndicatorMeta& meta = r.indicators[c.indicator];
    if (c.unit != last_unit) {
      std::printf("%s%s %s\n%-9s", last_unit.empty() ? "" : "\n", c.unit.c_str(),
                  c.unit_name.c_str(), "");
      for (int p : r.periods) std::printf(" %9s", period_text(p).c_str());
      std::printf("  centre\n");
      last_unit = c.unit;
    }
    std::printf("%-9s", meta.id.c_str());
    for (int p : r.periods) {
      const ChartPoint* point = nullptr;
      for (const auto& cp : c.points) point = cp.period == p ? &cp : point;
      std::string cell = point == nullptr ? "-" : indicator_value_text(point->value, meta.mean);
      if (point != nullptr && point->signal) cell += "!";
      std::printf(" %9s", cell.c_str());
    }
    std::printf("  %s%s\n", indicator_value_text(c.centre, meta.mean).c_str(), c.pooled ? "*" : "");
  }
  std::printf(
      "\n! = signal (outside the 3-sigma limits); * = centre pooled over all units "
      "(fewer than %zu months)\n",
      kIndicatorMinOwnPeriods);

  if (!csv.empty()) {
    std::ofstream out(csv, std::ios::binary);
    out << "\xEF\xBB\xBF";
    const char* headers[] = {"Enhet (reshID)", "Enhetsnavn",   "Indikator",   "Tittel",
                             "Måned",          "Teller",       "Nevner",      "Verdi",
                             "Senterlinje",    "Nedre grense", "Øvre grense", "Signal"};
    for (size_t i = 0; i < std::size(headers); ++i) out << (i ? ";" : "") << csv_cell(headers[i]);
    out << "\r\n";
    for (const auto& c : r.charts) {
      const IndicatorMeta& meta = r.indicators[c.indicator];
      const int digits = meta.mean ? 4 : 6;
      for (const auto& p : c.points) {
        out << csv_cell(c.unit) << ';' << csv_cell(c.unit_name) << ';' << csv_cell(meta.id) << ';'
            << csv_cell(meta.title) << ';' << period_text(p.period) << ';' << p.numerator << ';'
            << p.denominator << ';' << decimal_comma(p.value, digits) << ';'
            << decimal_comma(c.centre, digits) << ';' << decimal_comma(p.lcl, digits) << ';'
            << decimal_comma(p.ucl, digits) << ';' << (p.signal ? "ja" : "nei") << "\r\n";
      }
    }
    out.close();
    if (!out) {
      std::fprintf(stderr, "nprcheck indicators: cannot write %s\n", csv.c_str());
      return kExitError;
    }
  }
  return kExitOk;
}

int run_list_lint_test(const std::string& sub, const std::vector<std::string>& args) {
  std::string dir, tables_dir;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help");
  if (sub == "test") desc.add_options()("tables", po::value(&tables_dir), "code tables");
  po::variables_map vm;
  int rc = 0;
  if (!parse(args, desc, vm, &dir, rc, ("indicators " + sub).c_str())) return rc;
  auto set = load_set(dir, sub.c_str());
  if (!set) return kExitError;
  if (sub == "list") {
    for (const auto& i : set->infos()) {
      std::printf("%-9s %-5s %-16s %s\n", i.id.c_str(), indicator_kind_name(i.kind),
                  indicator_direction_name(i.direction), i.title.c_str());
    }
    return kExitOk;
  }
  if (sub == "lint") {
    Diagnostics d;
    size_t errors = lint_indicators(*set, d);
    print_diagnostics(d);
    std::printf("%zu indicator(s), %zu error(s)\n", set->size(), errors);
    return errors == 0 ? kExitOk : kExitError;
  }
  Diagnostics d;
  auto tables = CodeTables::load(tables_dir.empty() ? default_tables_dir() : tables_dir, d);
  print_diagnostics(d);
  if (!tables) return kExitError;
  size_t failed = 0, total = 0;
  for (const auto& r : run_indicator_tests(*set, *tables)) {
    ++total;
    if (r.passed) continue;
    ++failed;
    std::printf("FAIL %s: %s (%s:%u)\n  %s\n", r.indicator.c_str(), r.test_name.c_str(),
                r.file.c_str(), r.line, r.failure.c_str());
  }
  std::printf("%zu test(s), %zu failed\n", total, failed);
  return failed == 0 ? kExitOk : kExitFindings;
}

int run_docs(const std::vector<std::string>& args) {
  std::string dir, out;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("out,o", po::value(&out), "output folder");
  po::variables_map vm;
  int rc = 0;
  if (!parse(args, desc, vm, &dir, rc, "indicators docs")) return rc;
  if (out.empty()) {
    std::fprintf(stderr, "nprcheck indicators docs: give --out DIR\n");
    return kExitError;
  }
  auto set = load_set(dir, "docs");
  if (!set) return kExitError;
  std::error_code ec;
  fs::create_directories(out, ec);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream f(fs::path(out) / name, std::ios::binary);
    f << text;
    f.close();
    if (!f) std::fprintf(stderr, "nprcheck indicators docs: cannot write %s\n", name.c_str());
    return static_cast<bool>(f);
  };
  bool ok = true;
  for (auto info : set->infos()) {
    // Pages name the file relative to the indicator folder's parent (indicators/IND-001.yaml).
    std::string base = dir.empty() ? default_indicators_dir() : dir;
    info.file =
        (fs::path(base).filename() / fs::path(info.file).lexically_relative(base)).generic_string();
    ok = write(info.id + ".md", indicator_docs_page(info)) && ok;
  }
  ok = write("index.md", indicator_docs_index(set->infos())) && ok;
  if (ok) std::printf("%zu page(s) written to %s\n", set->size() + 1, out.c_str());
  return ok ? kExitOk : kExitError;
}

}  // namespace

int run_indicators(const std::vector<std::string>& args) {
  if (!args.empty()) {
    const std::string& sub = args.front();
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (sub == "show") return run_show(rest);
    if (sub == "list" || sub == "lint" || sub == "test") return run_list_lint_test(sub, rest);
    if (sub == "docs") return run_docs(rest);
  }
  return run_show(args);
}

}  // namespace nprcheck::cli
