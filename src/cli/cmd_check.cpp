// `nprcheck check`: the main job.
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <vector>

#include "cli_util.hpp"
#include "commands.hpp"
#include "nprcheck/check.hpp"
#include "nprcheck/config.hpp"
#include "nprcheck/exit_codes.hpp"
#include "nprcheck/logging.hpp"

namespace nprcheck::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kHelp = R"(usage: nprcheck check [OPTIONS] [FILE|DIR]... --out DIR

Checks NPR-melding extracts (*.xml, *.xml.gz; directories are searched) against the
versioned code tables and the rule set, and writes reports to DIR:
  DIR/findings.ndjson  one JSON object per finding, in a stable order
  DIR/findings.csv     the same for spreadsheets (';', UTF-8 with BOM)
  DIR/run.json         the run manifest: tool, rules, tables, inputs, counts
  DIR/summary.json     key figures per unit and per rule
  DIR/html/            index.html and one page per level-2 unit   (--format html)
  DIR/csv/             one CSV per level-2 unit                    (--format csv)
  DIR/findings.sarif   SARIF 2.1.0                                 (--format sarif)
  DIR/junit.xml        JUnit XML, one testsuite per unit           (--format junit)
Each run writes a new report set DIR/set-<time>-<pid>/ and publishes it by switching
the symlink DIR/current to it in one step; the names above are links through
DIR/current. A reader sees the previous set or the new one, never a mix, and an
interrupted or failed run leaves the previous reports as they were. DIR must be new,
empty or nprcheck's own (it holds a .nprcheck marker file); system folders are refused.

Every NPR-melding version (53 to 58 and later) is read; run.json records each file's
version. Code tables (--tables DIR): yearly <year>/<system>.csv lists, the cumulative CSV
list, or this year's JSON download of the terminology service (ICD10.json, NCSP.json, ...,
plain or .gz) side by side; `nprcheck tables --help` says how to get them. A code whose
system has no table for its year is unchecked (one warning per system and year), never
an error.

examples:
  nprcheck check testdata/example --units testdata/example/units.csv --out reports
  nprcheck check nightly/*.xml.gz --units units.csv --format html,sarif --out /srv/npr
  nprcheck check extract.xml --unit 4200 --rule 'BV-*' --out /tmp/bv     (one unit, BV rules)
  nprcheck check extract.xml --episode E-17-000042 --out /tmp/one
  nprcheck check --config nightly.yaml                          (settings from a file)
  nprcheck check uttrekk-2026.xml --tables /srv/npr/kodeverk --out /tmp/r  (ICD10.json there)

exit codes: 0 no finding at or above --fail-on; 1 findings at or above it (or a
threshold exceeded); 2 usage, configuration, rule-file, input or write error (the run
could not check everything it was given); 3 nothing was checked (no episode in the
inputs, or none matched --unit/--from/--to/--episode; --allow-empty makes that 0);
130 interrupted (nothing replaced).

)";

std::vector<std::string> split_formats(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (!item.empty()) out.push_back(item);
    }
  }
  return out;
}

void on_sigint(int /*sig*/) { request_stop(); }

/// printf into a std::string.
template <typename... Args>
std::string format(const char* fmt, Args... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

/// The run's summary, line by line (for the terminal and the log file).
std::vector<std::string> summary_lines(const CheckOutcome& o) {
  const RunManifest& m = o.manifest;
  auto sev = [&](const char* name) {
    auto it = m.per_severity.find(name);
    return static_cast<unsigned long long>(it == m.per_severity.end() ? 0 : it->second);
  };
  std::vector<std::string> lines;
  std::string head = format(
      "nprcheck: %llu episodes checked in %zu file(s): %llu findings (%llu errors, %llu "
      "warnings, %llu info",
      static_cast<unsigned long long>(m.episodes), m.inputs.size(),
      static_cast<unsigned long long>(m.findings), sev("error"), sev("warning"), sev("info"));
  if (sev("waived") > 0) head += format(", %llu waived", sev("waived"));
  lines.push_back(head + ")");
  if (!m.per_rule.empty()) {
    std::vector<std::pair<uint64_t, std::string>> top;
    for (const auto& [rule, n] : m.per_rule) top.emplace_back(n, rule);
    std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::string line = "top rules:";
    for (size_t i = 0; i < top.size() && i < 5; ++i) {
      line += format("%s %s %llu", i == 0 ? "" : ",", top[i].second.c_str(),
                     static_cast<unsigned long long>(top[i].first));
    }
    lines.push_back(line);
  }
  if (!m.per_unit.empty()) {
    lines.push_back(format("%-10s %-32s %9s %9s %8s %9s", "unit", "name", "episodes", "w/ error",
                           "rate", "findings"));
    for (const auto& [unit, uc] : m.per_unit) {
      uint64_t findings = 0;
      for (const auto& [s, n] : uc.per_severity) {
        if (s != "waived") findings += n;
      }
      double rate = uc.episodes > 0 ? 100.0 * static_cast<double>(uc.episodes_with_error) /
                                          static_cast<double>(uc.episodes)
                                    : 0.0;
      // Episodes whose avdeling could not be resolved (EPI-003) have no unit.
      lines.push_back(format("%-10s %-32.32s %9llu %9llu %7.1f%% %9llu",
                             unit.empty() ? "-" : unit.c_str(),
                             unit.empty() ? "(no avdeling)" : uc.unit_name.c_str(),
                             static_cast<unsigned long long>(uc.episodes),
                             static_cast<unsigned long long>(uc.episodes_with_error), rate,
                             static_cast<unsigned long long>(findings)));
    }
  }
  for (const auto& missing : m.missing_tables) {
    lines.push_back("WARNING: no " + missing + " table loaded: those codes were not checked");
  }
  if (m.units_catalogue_missing) {
    lines.emplace_back("WARNING: no units catalogue: radiology units were not exempted");
  }
  for (const auto& [resh, n] : m.unknown_units) {
    lines.push_back(format("WARNING: avdeling %s is not in the units catalogue (%llu episodes)",
                           resh.c_str(), static_cast<unsigned long long>(n)));
  }
  return lines;
}

/// Diagnostics to the log file, without the quoted source line (it may hold patient data).
void log_diagnostics(const Diagnostics& diagnostics) {
  for (const auto& d : diagnostics.all()) {
    Diagnostic plain = d;
    plain.source_line.clear();
    log_to_file(d.level == DiagnosticLevel::kError     ? "error"
                : d.level == DiagnosticLevel::kWarning ? "warning"
                                                       : "info",
                format_diagnostic(plain));
  }
}

/// A line for the terminal (unless quiet) and the log file.
void say(bool quiet, const std::string& level, const std::string& line) {
  if (!quiet) std::fprintf(stderr, "%s\n", line.c_str());
  log_to_file(level, line);
}

}  // namespace

int run_check(const std::vector<std::string>& args) {
  CheckOptions opt;
  // A config file is read first; whatever the command line gives then overrides it (the
  // options below are bound without defaults, so only what was given is written).
  if (std::string config = find_config_arg(args); !config.empty()) {
    Diagnostics config_diags;
    bool loaded = load_config(config, opt, config_diags);
    print_diagnostics(config_diags);
    if (!loaded || config_diags.has_errors()) return kExitError;
  }
  std::vector<std::string> formats;
  std::string fail_on, from, to, max_error_rate, max_new_errors, umask, unknown_units;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("out,o", po::value(&opt.out_dir),
                                                 "output directory for the reports (required)")(
      "config,c", po::value<std::string>(),
      "settings from a YAML file (see docs/nightly.example.yaml); options given on the "
      "command line override it")("tables", po::value(&opt.tables_dir),
                                  "code tables directory (default: the bundled tables)")(
      "rules", po::value(&opt.rules_dir), "rule set directory (default: the bundled rules/)")(
      "indicators", po::value(&opt.indicators_dir),
      "indicator directory (default: the bundled indicators/; see docs/indicators.md)")(
      "no-indicators", "count no coding-quality indicators")(
      "units", po::value(&opt.units_file),
      "units catalogue reshID;navn;niva2_reshID;niva2_navn;radiologi (maps avdelinger to "
      "level-2 units, marks radiology)")(
      "format", po::value(&formats)->composing(),
      "report formats, comma-separated: html,csv,sarif,junit (default: html,csv)")(
      "fail-on", po::value(&fail_on),
      "lowest severity that makes the exit code 1: error, "
      "warning, info (default: error)")("unit", po::value(&opt.unit),
                                        "only episodes of this level-2 unit or avdeling (reshID)")(
      "rule", po::value(&opt.rule_glob),
      "only rules whose id matches this glob (* ? and [...] classes), e.g. 'BV-*', "
      "'KODE-00[1-3]'")("from", po::value(&from),
                        "only episodes with innDatoTid on or after this date (YYYY-MM-DD)")(
      "to", po::value(&to), "only episodes with innDatoTid on or before this date")(
      "episode", po::value(&opt.episode_id), "only this episode (episodeID)")(
      "threads,j", po::value(&opt.threads), "worker threads (default: all cores)")(
      "follow-symlinks", "follow symlinks found in a searched input folder (default: skip them)")(
      "unknown-units", po::value(&unknown_units),
      "warn or error: avdelinger missing from --units, or no --units while rules need it "
      "(default: warn; error exits 2)")("no-progress",
                                        "no progress line on stderr, even on a terminal")(
      "quiet,q", "no summary and no info lines on stderr (the log file still gets them)")(
      "allow-empty",
      "an extract with no episodes (or filters matching none) is not an error (exit 0, "
      "not 3)");
  po::options_description nightly("nightly operation (see docs/operations.md)");
  nightly.add_options()(
      "history", po::value(&opt.history_db),
      "SQLite run history: findings are marked new or persisting, resolved ones counted")(
      "waivers", po::value(&opt.waivers_file), "YAML file of accepted (waived) findings")(
      "max-error-rate", po::value(&max_error_rate),
      "exit 1 when episodes with errors / episodes exceeds this (0.02 or 2%)")(
      "max-new-errors", po::value(&max_new_errors),
      "exit 1 when there are more new errors than this since the previous run")(
      "log-file", po::value(&opt.log_file), "also log to this rotating file")(
      "log-format", po::value(&opt.log_format), "text or json (default: text)")(
      "log-level", po::value(&opt.log_level),
      "trace, debug, info, warn, error, off (default: info)")(
      "umask", po::value(&umask),
      "umask for outputs and the log, octal, last digit 7 (default: 027: files 0640)")(
      "lock-wait", po::value(&opt.lock_wait_seconds),
      "seconds to wait for another run's history lock (default: 600)");
  po::options_description hidden;
  hidden.add_options()("input", po::value(&opt.inputs)->composing());
  po::options_description all;
  all.add(desc).add(nightly).add(hidden);
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  if (!parse_args(args, all, &pos, vm, "check")) return kExitError;
  if (vm.count("help") != 0) {
    std::cout << kHelp << desc << "\n" << nightly << "\n";
    return kExitOk;
  }
  if (vm.count("no-progress") != 0) opt.progress = false;
  if (vm.count("no-indicators") != 0) opt.indicators = false;
  if (vm.count("follow-symlinks") != 0) opt.follow_symlinks = true;
  if (!unknown_units.empty()) {
    if (unknown_units != "warn" && unknown_units != "error") {
      std::fprintf(stderr, "nprcheck check: --unknown-units must be warn or error, not '%s'\n",
                   unknown_units.c_str());
      return kExitError;
    }
    opt.unknown_units_error = unknown_units == "error";
  }
  if (vm.count("allow-empty") != 0) opt.allow_empty = true;
  if (!formats.empty()) opt.formats = split_formats(formats);
  for (const auto& f : opt.formats) {
    if (f != "html" && f != "csv" && f != "sarif" && f != "junit") {
      std::fprintf(stderr, "nprcheck check: unknown --format '%s' (html, csv, sarif, junit)\n",
                   f.c_str());
      return kExitError;
    }
  }
  if (vm.count("fail-on") != 0 && !parse_severity(fail_on, opt.fail_on)) {
    std::fprintf(stderr, "nprcheck check: --fail-on must be error, warning or info, not '%s'\n",
                 fail_on.c_str());
    return kExitError;
  }
  std::string why;
  if (!max_error_rate.empty()) {
    double rate = 0;
    if (!parse_error_rate(max_error_rate, rate, why)) {
      std::fprintf(stderr, "nprcheck check: --max-error-rate: %s\n", why.c_str());
      return kExitError;
    }
    opt.max_error_rate = rate;
  }
  if (!max_new_errors.empty()) {
    char* end = nullptr;
    unsigned long long n = std::strtoull(max_new_errors.c_str(), &end, 10);
    if (max_new_errors[0] == '-' || end == max_new_errors.c_str() || *end != '\0') {
      std::fprintf(stderr, "nprcheck check: --max-new-errors must be a whole number, not '%s'\n",
                   max_new_errors.c_str());
      return kExitError;
    }
    opt.max_new_errors = n;
  }
  if (!umask.empty() && !parse_umask(umask, opt.umask, why)) {
    std::fprintf(stderr, "nprcheck check: --umask: %s\n", why.c_str());
    return kExitError;
  }
  bool ok = true;
  if (!from.empty()) opt.from = parse_date_option(from, "--from", ok);
  if (!to.empty()) opt.to = parse_date_option(to, "--to", ok);
  if (!ok) return kExitError;
  if (opt.inputs.empty()) {
    std::fprintf(stderr, "nprcheck check: no input files given\nTry 'nprcheck check --help'.\n");
    return kExitError;
  }
  if (opt.out_dir.empty()) {
    std::fprintf(stderr, "nprcheck check: --out DIR is required\nTry 'nprcheck check --help'.\n");
    return kExitError;
  }
  // Reports and the log hold patient data: the umask is set before anything is created.
  ::umask(static_cast<mode_t>(opt.umask & 0777));
  // --quiet keeps the info lines off the terminal; the log file gets everything at its level.
  const bool quiet = vm.count("quiet") != 0;
  LoggingOptions logging;
  logging.level = opt.log_level;
  logging.format = opt.log_format;
  logging.log_file = opt.log_file;
  if (quiet && opt.log_level == "info") logging.stderr_level = "warn";
  if (Status s = setup_logging(logging); !s) {
    std::fprintf(stderr, "nprcheck check: %s\n", s.message().c_str());
    return kExitError;
  }

  std::signal(SIGINT, on_sigint);
  // A file-size limit (ulimit -f) makes writes fail with EFBIG instead of killing the run.
  std::signal(SIGXFSZ, SIG_IGN);
  Diagnostics diagnostics;
  CheckOutcome outcome = run_check(opt, diagnostics);
  print_diagnostics(diagnostics);
  log_diagnostics(diagnostics);
  int exit_code = outcome.exit_code;
  if (exit_code == kExitInterrupted) {
    say(false, "warning",
        "nprcheck: interrupted; no reports written, previous reports in " + opt.out_dir +
            " and the history left as they were");
  } else if (outcome.reports_written) {
    std::vector<std::string> lines = summary_lines(outcome);
    for (const auto& line : lines) say(quiet, "info", line);
    for (const auto& f : outcome.incomplete_inputs) say(false, "error", "NOT FULLY CHECKED: " + f);
    say(quiet, "info", "reports written to " + opt.out_dir);
  } else {
    say(false, "error",
        "nprcheck: no reports written; previous reports in " + opt.out_dir + " left as they were");
  }
  log_to_file("info", "exit code " + std::to_string(exit_code));
  shutdown_logging();
  size_t failures = 0;
  if (std::string failed = log_write_failure(&failures); !failed.empty()) {
    std::fprintf(stderr, "nprcheck: error: cannot write the log file %s (%zu message(s) lost)\n",
                 failed.c_str(), failures);
    if (exit_code == kExitOk) exit_code = kExitError;
  }
  return exit_code;
}

}  // namespace nprcheck::cli
