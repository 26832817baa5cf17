// `nprcheck history`: list, show, trend and prune the run history database.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_util.hpp"
#include "commands.hpp"
#include "nprcheck/config.hpp"
#include "nprcheck/exit_codes.hpp"
#include "nprcheck/history.hpp"
#include "nprcheck/run_lock.hpp"

namespace nprcheck::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kHelp = R"(usage: nprcheck history SUBCOMMAND [OPTIONS]

Queries the run history that `nprcheck check --history FILE` (or `history:` in the
config file) keeps: every run's manifest, counts and findings, each finding classified
as new or persisting (with the date first seen and the number of nights) against the
previous run of the same scope, and the findings resolved since then.

subcommands:
  list [--scope S] [--limit N]     the runs, newest first: findings, new, persisting,
                                   resolved, error rate
  show RUN [--findings]            one run: its inputs, rules, counts per unit; with
                                   --findings every finding (holds episode ids)
  trend --unit RESH [--scope S]    one level-2 unit's error rate (episodes with an
                                   error / episodes) run by run
  prune --keep-days N              delete runs older than N days (the newest run of
                                   each scope is always kept: tomorrow's run needs it)

every subcommand takes --db FILE (the history database) or --config FILE (the
nightly config, whose `history:` is used); list, show and trend also --json.

examples:
  nprcheck history list --db /var/lib/nprcheck/history.sqlite
  nprcheck history list --config /etc/nprcheck/nightly.yaml --limit 7
  nprcheck history show 42 --db history.sqlite
  nprcheck history trend --unit 4200 --db history.sqlite
  nprcheck history prune --keep-days 400 --config nightly.yaml

exit codes: 0 ok; 2 usage error, or the database cannot be opened (missing, not a
history, or written by a newer nprcheck).

)";

std::string today_local() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

double rate(uint64_t with_error, uint64_t episodes) {
  return episodes == 0 ? 0.0 : static_cast<double>(with_error) / static_cast<double>(episodes);
}

std::string percent(uint64_t with_error, uint64_t episodes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * rate(with_error, episodes));
  return buf;
}

std::string short_time(const std::string& iso) {
  std::string s = iso.substr(0, 16);
  if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
  return s;
}

// Options every subcommand has: --db / --config.
struct Common {
  std::string db;
  std::string config;
  bool json = false;
};

void add_common(po::options_description& desc, Common& c, bool with_json) {
  desc.add_options()("help,h", "show this help")("db", po::value(&c.db), "the history database")(
      "config,c", po::value(&c.config), "take the history database from this config file");
  if (with_json) desc.add_options()("json", po::bool_switch(&c.json), "print JSON");
}

// The database path from --db or --config; empty (and a message) when neither works.
std::string db_path(const Common& c, const char* command) {
  if (!c.db.empty()) return c.db;
  if (!c.config.empty()) {
    CheckOptions options;
    Diagnostics d;
    ConfigLoadOptions how;
    how.require_input_matches = false;
    bool ok = load_config(c.config, options, d, nullptr, how);
    if (!ok) {
      print_diagnostics(d);
      std::fprintf(stderr, "nprcheck history %s: %s has errors\n", command, c.config.c_str());
      return {};
    }
    if (options.history_db.empty()) {
      std::fprintf(stderr, "nprcheck history %s: %s has no 'history:' database\n", command,
                   c.config.c_str());
    }
    return options.history_db;
  }
  std::fprintf(stderr,
               "nprcheck history %s: give the database with --db FILE or --config FILE\n"
               "Try 'nprcheck history --help'.\n",
               command);
  return {};
}

std::optional<HistoryDb> open_db(const Common& c, const char* command) {
  std::string path = db_path(c, command);
  if (path.empty()) return std::nullopt;
  auto db = HistoryDb::open(path, /*create=*/false);
  if (!db) {
    std::fprintf(stderr, "nprcheck history %s: %s\n", command, db.status().message().c_str());
    return std::nullopt;
  }
  return std::move(*db);
}

// Parses a subcommand's options; false when done (rc set).
bool parse_sub(const std::vector<std::string>& args, po::options_description& desc,
               po::options_description* hidden, po::positional_options_description* pos,
               po::variables_map& vm, const char* command, int& rc) {
  po::options_description all;
  all.add(desc);
  if (hidden != nullptr) all.add(*hidden);
  std::string name = std::string("history ") + command;
  if (!parse_args(args, all, pos, vm, name.c_str())) {
    rc = kExitError;
    return false;
  }
  if (vm.count("help") != 0) {
    std::cout << kHelp << desc << "\n";
    rc = kExitOk;
    return false;
  }
  return true;
}

nlohmann::ordered_json run_json(const RunInfo& r) {
  nlohmann::ordered_json j;
  j["id"] = r.id;
  j["started"] = r.started;
  j["finished"] = r.finished;
  j["scope"] = r.scope;
  j["tool_version"] = r.tool_version;
  j["rules_hash"] = r.rules_hash;
  j["episodes"] = r.episodes;
  j["episodes_with_error"] = r.episodes_with_error;
  j["error_rate"] = rate(r.episodes_with_error, r.episodes);
  j["findings"] = r.findings;
  j["errors"] = r.errors;
  j["waived"] = r.waived;
  j["new_findings"] = r.new_findings;
  j["persisting"] = r.persisting;
  j["resolved"] = r.resolved;
  j["previous_run"] = r.previous_run_id ? nlohmann::ordered_json(*r.previous_run_id)
                                        : nlohmann::ordered_json(nullptr);
  return j;
}

nlohmann::ordered_json point_json(const TrendPoint& p) {
  nlohmann::ordered_json j;
  j["run"] = p.run_id;
  j["started"] = p.started;
  j["scope"] = p.scope;
  j["unit"] = p.unit;
  j["unit_name"] = p.unit_name;
  j["episodes"] = p.episodes;
  j["episodes_with_error"] = p.episodes_with_error;
  j["error_rate"] = p.error_rate();
  j["findings"] = p.findings;
  j["new_findings"] = p.new_findings;
  j["resolved"] = p.resolved;
  return j;
}

std::string dump(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// ---- list ----
int history_list(const std::vector<std::string>& args) {
  Common c;
  std::string scope;
  size_t limit = 30;
  po::options_description desc("history list options");
  add_common(desc, c, true);
  desc.add_options()("scope", po::value(&scope), "only runs of this scope (e.g. all)")(
      "limit", po::value(&limit), "at most N runs, newest first (default 30; 0: all)");
  po::variables_map vm;
  int rc = kExitOk;
  if (!parse_sub(args, desc, nullptr, nullptr, vm, "list", rc)) return rc;
  auto db = open_db(c, "list");
  if (!db) return kExitError;
  auto runs = db->list_runs(scope, limit);
  if (!runs) {
    std::fprintf(stderr, "nprcheck history list: %s\n", runs.status().message().c_str());
    return kExitError;
  }
  if (c.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& r : *runs) list.push_back(run_json(r));
    std::cout << dump(list) << "\n";
    return kExitOk;
  }
  if (runs->empty()) {
    std::printf("no runs recorded in %s\n", db->path().c_str());
    return kExitOk;
  }
  std::printf("%6s  %-16s  %9s  %8s  %7s  %8s  %6s  %10s  %8s  %6s  %s\n", "run", "started",
              "episodes", "findings", "errors", "w/error", "new", "persisting", "resolved",
              "waived", "scope");
  for (const auto& r : *runs) {
    std::printf(
        "%6lld  %-16s  %9llu  %8llu  %7llu  %8s  %6llu  %10llu  %8llu  %6llu  %s\n",
        static_cast<long long>(r.id), short_time(r.started).c_str(),
        static_cast<unsigned long long>(r.episodes), static_cast<unsigned long long>(r.findings),
        static_cast<unsigned long long>(r.errors),
        percent(r.episodes_with_error, r.episodes).c_str(),
        static_cast<unsigned long long>(r.new_findings),
        static_cast<unsigned long long>(r.persisting), static_cast<unsigned long long>(r.resolved),
        static_cast<unsigned long long>(r.waived), r.scope.c_str());
  }
  return kExitOk;
}

// ---- show ----
int history_show(const std::vector<std::string>& args) {
  Common c;
  int64_t id = 0;
  bool findings = false;
  po::options_description desc("history show options");
  add_common(desc, c, true);
  desc.add_options()("findings", po::bool_switch(&findings),
                     "list every finding of the run (holds episode ids)");
  po::options_description hidden;
  hidden.add_options()("run", po::value(&id));
  po::positional_options_description pos;
  pos.add("run", 1);
  po::variables_map vm;
  int rc = kExitOk;
  if (!parse_sub(args, desc, &hidden, &pos, vm, "show", rc)) return rc;
  if (vm.count("run") == 0) {
    std::fprintf(stderr, "nprcheck history show: give the RUN number (see 'history list')\n");
    return kExitError;
  }
  auto db = open_db(c, "show");
  if (!db) return kExitError;
  auto run = db->run(id);
  if (!run) {
    std::fprintf(stderr, "nprcheck history show: %s\n", run.status().message().c_str());
    return kExitError;
  }
  auto units = db->run_units(id);
  auto manifest_text = db->run_manifest_json(id);
  Result<std::vector<StoredFinding>> list = std::vector<StoredFinding>{};
  if (findings) list = db->run_findings(id);
  for (const Status* s :
       {units ? nullptr : &units.status(), manifest_text ? nullptr : &manifest_text.status(),
        list ? nullptr : &list.status()}) {
    if (s != nullptr) {
      std::fprintf(stderr, "nprcheck history show: %s\n", s->message().c_str());
      return kExitError;
    }
  }
  auto manifest = run_manifest_from_json(*manifest_text);
  if (c.json) {
    nlohmann::ordered_json j = run_json(*run);
    nlohmann::ordered_json ul = nlohmann::ordered_json::array();
    for (const auto& u : *units) ul.push_back(point_json(u));
    j["units"] = std::move(ul);
    j["manifest"] = nlohmann::ordered_json::parse(*manifest_text, nullptr, false);
    if (findings) {
      nlohmann::ordered_json fl = nlohmann::ordered_json::array();
      for (const auto& f : *list) {
        nlohmann::ordered_json fj;
        fj["fingerprint"] = f.fingerprint;
        fj["rule"] = f.rule;
        fj["version"] = f.rule_version;
        fj["severity"] = f.severity;
        fj["episode"] = f.episode;
        fj["unit"] = f.unit;
        fj["codes"] = f.codes;
        fj["message"] = f.message;
        fj["status"] = f.status;
        fj["first_seen"] = f.first_seen;
        fj["nights"] = f.nights;
        fj["waived"] = f.waived;
        fl.push_back(std::move(fj));
      }
      j["findings"] = std::move(fl);
    }
    std::cout << dump(j) << "\n";
    return kExitOk;
  }
  const RunInfo& r = *run;
  std::printf("run %lld  scope %s\n", static_cast<long long>(r.id), r.scope.c_str());
  std::printf("  started   %s\n  finished  %s\n", r.started.c_str(), r.finished.c_str());
  std::printf("  nprcheck  %s   rules %s\n", r.tool_version.c_str(),
              r.rules_hash.substr(0, 16).c_str());
  if (r.previous_run_id) {
    std::printf("  compared with run %lld\n", static_cast<long long>(*r.previous_run_id));
  } else {
    std::printf("  first run of this scope: every finding is new\n");
  }
  if (manifest) {
    for (const auto& in : manifest->inputs) {
      std::printf("  input     %s  (%llu episodes%s)\n", in.path.c_str(),
                  static_cast<unsigned long long>(in.episodes),
                  in.complete ? "" : ", NOT fully checked");
    }
    for (const auto& m : manifest->missing_tables) {
      std::printf("  WARNING   no %s table was loaded\n", m.c_str());
    }
  }
  std::printf("  episodes %llu, with error %llu (%s); findings %llu (errors %llu), waived %llu\n",
              static_cast<unsigned long long>(r.episodes),
              static_cast<unsigned long long>(r.episodes_with_error),
              percent(r.episodes_with_error, r.episodes).c_str(),
              static_cast<unsigned long long>(r.findings),
              static_cast<unsigned long long>(r.errors), static_cast<unsigned long long>(r.waived));
  std::printf("  new %llu, persisting %llu, resolved %llu\n\n",
              static_cast<unsigned long long>(r.new_findings),
              static_cast<unsigned long long>(r.persisting),
              static_cast<unsigned long long>(r.resolved));
  if (!units->empty()) {
    std::printf("%-10s  %-30s  %9s  %8s  %7s  %8s  %6s  %8s\n", "unit", "name", "episodes",
                "w/error", "rate", "findings", "new", "resolved");
    for (const auto& u : *units) {
      std::printf("%-10s  %-30.30s  %9llu  %8llu  %7s  %8llu  %6llu  %8llu\n", u.unit.c_str(),
                  u.unit_name.c_str(), static_cast<unsigned long long>(u.episodes),
                  static_cast<unsigned long long>(u.episodes_with_error),
                  percent(u.episodes_with_error, u.episodes).c_str(),
                  static_cast<unsigned long long>(u.findings),
                  static_cast<unsigned long long>(u.new_findings),
                  static_cast<unsigned long long>(u.resolved));
    }
  }
  if (findings) {
    std::printf("\n%-10s  %-8s  %-10s  %-10s  %6s  %-16s  %s\n", "rule", "severity", "status",
                "first seen", "nights", "episode", "codes");
    for (const auto& f : *list) {
      std::printf("%-10s  %-8s  %-10s  %-10s  %6d  %-16s  %s\n", f.rule.c_str(), f.severity.c_str(),
                  f.waived ? "waived" : f.status.c_str(), f.first_seen.c_str(), f.nights,
                  f.episode.c_str(), f.codes.c_str());
    }
  }
  return kExitOk;
}

// ---- trend ----
int history_trend(const std::vector<std::string>& args) {
  Common c;
  std::string unit, scope;
  po::options_description desc("history trend options");
  add_common(desc, c, true);
  desc.add_options()("unit", po::value(&unit), "the level-2 unit (reshID), required")(
      "scope", po::value(&scope), "only runs of this scope (e.g. all)");
  po::variables_map vm;
  int rc = kExitOk;
  if (!parse_sub(args, desc, nullptr, nullptr, vm, "trend", rc)) return rc;
  if (unit.empty()) {
    std::fprintf(stderr, "nprcheck history trend: give --unit RESH\n");
    return kExitError;
  }
  auto db = open_db(c, "trend");
  if (!db) return kExitError;
  auto points = db->trend(unit, scope);
  if (!points) {
    std::fprintf(stderr, "nprcheck history trend: %s\n", points.status().message().c_str());
    return kExitError;
  }
  if (c.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& p : *points) list.push_back(point_json(p));
    std::cout << dump(list) << "\n";
    return kExitOk;
  }
  if (points->empty()) {
    std::printf("unit %s is in no recorded run\n", unit.c_str());
    return kExitOk;
  }
  double max_rate = 0;
  for (const auto& p : *points) max_rate = std::max(max_rate, p.error_rate());
  std::printf("unit %s %s: error rate (episodes with an error / episodes) per run\n", unit.c_str(),
              points->back().unit_name.c_str());
  std::printf("%6s  %-16s  %9s  %8s  %7s  %8s  %6s  %8s\n", "run", "started", "episodes", "w/error",
              "rate", "findings", "new", "resolved");
  for (const auto& p : *points) {
    int bar = max_rate > 0 ? static_cast<int>(30.0 * p.error_rate() / max_rate + 0.5) : 0;
    std::printf("%6lld  %-16s  %9llu  %8llu  %7s  %8llu  %6llu  %8llu  %s\n",
                static_cast<long long>(p.run_id), short_time(p.started).c_str(),
                static_cast<unsigned long long>(p.episodes),
                static_cast<unsigned long long>(p.episodes_with_error),
                percent(p.episodes_with_error, p.episodes).c_str(),
                static_cast<unsigned long long>(p.findings),
                static_cast<unsigned long long>(p.new_findings),
                static_cast<unsigned long long>(p.resolved), std::string(bar, '#').c_str());
  }
  return kExitOk;
}

// ---- prune ----
int history_prune(const std::vector<std::string>& args) {
  Common c;
  int keep_days = -1;
  unsigned lock_wait = 60;
  std::string today = today_local();
  po::options_description desc("history prune options");
  add_common(desc, c, false);
  desc.add_options()("keep-days", po::value(&keep_days), "keep runs of the last N days (required)")(
      "lock-wait", po::value(&lock_wait),
      "seconds to wait while a check run holds the history lock (default 60)");
  po::options_description hidden;
  hidden.add_options()("today", po::value(&today));  // for tests
  po::variables_map vm;
  int rc = kExitOk;
  if (!parse_sub(args, desc, &hidden, nullptr, vm, "prune", rc)) return rc;
  if (keep_days < 0) {
    std::fprintf(stderr, "nprcheck history prune: give --keep-days N (0 or more)\n");
    return kExitError;
  }
  std::string path = db_path(c, "prune");
  if (path.empty()) return kExitError;
  auto lock = RunLock::acquire(lock_path_for(path), lock_wait);
  if (!lock) {
    std::fprintf(stderr, "nprcheck history prune: %s\n", lock.status().message().c_str());
    return kExitError;
  }
  auto db = HistoryDb::open(path, false);
  if (!db) {
    std::fprintf(stderr, "nprcheck history prune: %s\n", db.status().message().c_str());
    return kExitError;
  }
  auto result = db->prune(keep_days, today);
  if (!result) {
    std::fprintf(stderr, "nprcheck history prune: %s\n", result.status().message().c_str());
    return kExitError;
  }
  std::printf("pruned %llu run(s) and %llu finding(s) older than %d day(s) from %s\n",
              static_cast<unsigned long long>(result->runs),
              static_cast<unsigned long long>(result->findings), keep_days, path.c_str());
  return kExitOk;
}

}  // namespace

int run_history(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kHelp;
    return args.empty() ? kExitError : kExitOk;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  const std::string& sub = args[0];
  if (sub == "list") return history_list(rest);
  if (sub == "show") return history_show(rest);
  if (sub == "trend") return history_trend(rest);
  if (sub == "prune") return history_prune(rest);
  std::fprintf(stderr,
               "nprcheck history: unknown subcommand '%s'%s (list, show, trend, prune)\n"
               "Try 'nprcheck history --help'.\n",
               sub.c_str(), did_you_mean(sub, {"list", "show", "trend", "prune"}).c_str());
  return kExitError;
}

}  // namespace nprcheck::cli
