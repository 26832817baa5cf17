// `nprcheck config check FILE`: validates a configuration file and prints the effective settings.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli_util.hpp"
#include "commands.hpp"
#include "nprcheck/config.hpp"
#include "nprcheck/exit_codes.hpp"
#include "nprcheck/history.hpp"
#include "nprcheck/output_stage.hpp"
#include "nprcheck/waivers.hpp"

namespace nprcheck::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kHelp = R"(usage: nprcheck config check [OPTIONS] FILE

Validates a configuration file for `nprcheck check --config FILE` (the nightly job's
settings) and prints the effective settings as YAML: every key with its value after
the defaults are filled in, relative paths made absolute against the config file's
folder and input globs expanded.

It checks: YAML syntax, unknown keys (with "did you mean"), value types and ranges,
that the tables, rules and units named exist, that the waivers file loads, that
the history database's folder exists, and that `out` is a folder nprcheck may write
(not a system folder; new, empty or already nprcheck's own). Errors read like a compiler's: file:line:col,
the line and a caret under the problem.

An input glob that matches no file is a warning here (today's extract may not be
there yet) and an error in `nprcheck check` (use --inputs-must-match to get that
behaviour here too).

examples:
  nprcheck config check /etc/nprcheck/nightly.yaml
  nprcheck config check --inputs-must-match nightly.yaml

exit codes: 0 valid; 2 errors (printed on stderr).

)";

// A problem with the value of `key`, at its position in the file.
void problem(Diagnostics& d, const ConfigExtras& extras, const char* key, DiagnosticLevel level,
             std::string message) {
  ConfigPosition p;
  if (auto it = extras.positions.find(key); it != extras.positions.end()) p = it->second;
  d.add({level, extras.path, p.line, p.column, std::move(message), p.source_line});
}

void require_path(Diagnostics& d, const ConfigExtras& extras, const std::string& path,
                  const char* key, bool directory) {
  if (path.empty()) return;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    problem(d, extras, key, DiagnosticLevel::kError,
            std::string("'") + key + "': " + path + " does not exist");
  } else if (directory != fs::is_directory(path, ec)) {
    problem(d, extras, key, DiagnosticLevel::kError,
            std::string("'") + key + "': " + path +
                (directory ? " is not a directory" : " is a directory, not a file"));
  }
}

}  // namespace

int run_config(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] != "check") {
    if (!args.empty() && args[0] != "--help" && args[0] != "-h") {
      std::fprintf(stderr, "nprcheck config: unknown subcommand '%s'%s\n", args[0].c_str(),
                   did_you_mean(args[0], {"check"}).c_str());
      std::fprintf(stderr, "%s", kHelp);
      return kExitError;
    }
    std::cout << kHelp;
    return args.empty() ? kExitError : kExitOk;
  }
  std::string file;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")(
      "inputs-must-match", "an input glob that matches no file is an error (as in check)");
  po::options_description hidden;
  hidden.add_options()("file", po::value(&file));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (!parse_args(rest, all, &pos, vm, "config check")) return kExitError;
  if (vm.count("help") != 0) {
    std::cout << kHelp << desc << "\n";
    return kExitOk;
  }
  if (file.empty()) {
    std::fprintf(stderr,
                 "nprcheck config check: give the config FILE\n"
                 "Try 'nprcheck config check --help'.\n");
    return kExitError;
  }

  CheckOptions options;
  ConfigExtras extras;
  ConfigLoadOptions how;
  how.require_input_matches = vm.count("inputs-must-match") != 0;
  Diagnostics d;
  bool ok = load_config(file, options, d, &extras, how);
  if (ok) {
    require_path(d, extras, options.tables_dir, "tables", true);
    require_path(d, extras, options.rules_dir, "rules", true);
    require_path(d, extras, options.units_file, "units", false);
    if (!options.waivers_file.empty()) {
      require_path(d, extras, options.waivers_file, "waivers", false);
      std::error_code ec;
      if (fs::is_regular_file(options.waivers_file, ec)) {
        (void)load_waivers(options.waivers_file, d);
      }
    }
    if (!options.history_db.empty()) {
      std::error_code ec;
      fs::path folder = fs::path(options.history_db).parent_path();
      if (fs::exists(options.history_db, ec)) {
        if (!fs::is_regular_file(options.history_db, ec)) {
          problem(d, extras, "history", DiagnosticLevel::kError,
                  "'history': " + options.history_db + " is not a file");
        }
      } else if (!folder.empty() && !fs::is_directory(folder, ec)) {
        problem(d, extras, "history", DiagnosticLevel::kWarning,
                "'history': the folder " + folder.string() +
                    " does not exist yet; the first run creates it");
      }
    }
    if (options.out_dir.empty()) {
      d.warning(file, 0, 0, "no 'out': `nprcheck check` will need --out DIR");
    } else if (Status s = check_report_folder(options.out_dir); !s) {
      problem(d, extras, "out", DiagnosticLevel::kError, "'out': " + s.message());
    }
    if (extras.positions.count("inputs") == 0) {
      d.warning(file, 0, 0, "no 'inputs': `nprcheck check` will need input files");
    }
  }
  size_t errors = print_diagnostics(d);
  if (!ok || errors > 0) {
    std::fprintf(stderr, "nprcheck config check: %s has errors\n", file.c_str());
    return kExitError;
  }
  std::cout << "# effective settings of " << file << "\n"
            << "# history scope: " << scope_key(options) << "\n"
            << effective_config_yaml(options);
  std::fprintf(stderr, "nprcheck config check: %s is valid\n", file.c_str());
  return kExitOk;
}

}  // namespace nprcheck::cli
