// Configuration files: YAML -> CheckOptions, with positions for every error.
#include "nprcheck/config.hpp"

#include <glob.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include "nprcheck/logging.hpp"
#include "ops_yaml.hpp"

namespace nprcheck {

namespace fs = std::filesystem;
using ops_detail::YamlSource;

namespace {

const std::vector<std::string> kKeys = {
    "inputs",         "tables",     "rules",      "units",     "out",
    "formats",        "fail_on",    "history",    "waivers",   "max_error_rate",
    "max_new_errors", "log_file",   "log_format", "log_level", "umask",
    "threads",        "progress",   "filters",    "lock_wait", "indicators",
    "unknown_units",  "allow_empty"};
const std::vector<std::string> kFilterKeys = {"unit", "rule", "from", "to", "episode"};
const std::vector<std::string> kFormats = {"html", "csv", "sarif", "junit"};
const std::vector<std::string> kSeverities = {"error", "warning", "info"};
const std::vector<std::string> kLogFormats = {"text", "json"};
const std::vector<std::string> kUnknownUnits = {"warn", "error"};
const std::vector<std::string> kLogLevels = {"trace", "debug", "info",     "warning",
                                             "warn",  "error", "critical", "off"};

/// The first folder glob() could not read (other than a missing one), for the error message.
thread_local std::string g_glob_error;

/// glob()'s error callback: a folder that cannot be read aborts the expansion (it would else
/// be skipped in silence, and its extracts never checked).
int on_glob_error(const char* path, int err) {
  if (err == ENOENT || err == ENOTDIR) return 0;
  g_glob_error = std::string(path) + ": " + std::strerror(err);
  return 1;
}

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[{~") != std::string::npos; }

// GLOB_BRACE expands every {a,b} group into separate patterns: 40 groups are 2^40 globs, a hang.
constexpr size_t kMaxBraceAlternatives = 1000;

/// An upper bound of the number of patterns GLOB_BRACE makes of `pattern` (capped).
size_t brace_alternatives(const std::string& pattern) {
  size_t total = 1;
  std::vector<size_t> commas;  // per open group
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (c == '{') {
      commas.push_back(0);
    } else if (c == ',' && !commas.empty()) {
      ++commas.back();
    } else if (c == '}' && !commas.empty()) {
      total = std::min<size_t>(total * (commas.back() + 1), kMaxBraceAlternatives + 1);
      commas.pop_back();
    }
  }
  return total;
}

// A path from the config file, made absolute against the config file's folder.
std::string resolve(const fs::path& base, const std::string& p) {
  fs::path path(p);
  if (path.is_relative()) path = base / path;
  return path.lexically_normal().string();
}

struct Loader {
  const YamlSource& src;
  Diagnostics& d;
  fs::path base;  // absolute folder of the config file
  const ConfigLoadOptions& how;
  bool ok = true;

  void fail(const YAML::Node& at, const std::string& msg) {
    src.error(d, at, msg);
    ok = false;
  }

  // A string from a fixed set (with "did you mean").
  std::optional<std::string> one_of(const YAML::Node& n, const std::string& key,
                                    const std::vector<std::string>& allowed) {
    auto s = ops_detail::get_string(src, n, key, d);
    if (!s) {
      ok = false;
      return std::nullopt;
    }
    if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      std::string near = ops_detail::closest(*s, allowed);
      fail(n, "'" + key + "' must be one of " + list + ", not " + ops_detail::node_kind(n) +
                  (near.empty() ? "" : "; did you mean '" + near + "'?"));
      return std::nullopt;
    }
    return s;
  }

  // A non-empty path, made absolute.
  std::optional<std::string> path(const YAML::Node& n, const std::string& key) {
    auto s = ops_detail::get_string(src, n, key, d);
    if (!s) {
      ok = false;
      return std::nullopt;
    }
    if (s->empty()) {
      fail(n, "'" + key + "' is empty: give a path, or leave the key out");
      return std::nullopt;
    }
    return resolve(base, *s);
  }

  // One string or a list of strings.
  std::vector<std::pair<std::string, YAML::Node>> string_list(const YAML::Node& n,
                                                              const std::string& key) {
    std::vector<std::pair<std::string, YAML::Node>> out;
    if (n.IsScalar()) {
      out.emplace_back(n.Scalar(), n);
    } else if (n.IsSequence()) {
      for (const auto& item : n) {
        if (!item.IsScalar()) {
          fail(item,
               "each entry of '" + key + "' must be a string, not " + ops_detail::node_kind(item));
          continue;
        }
        out.emplace_back(item.Scalar(), item);
      }
    } else {
      fail(n,
           "'" + key + "' must be a string or a list of strings, not " + ops_detail::node_kind(n));
    }
    return out;
  }

  void inputs(const YAML::Node& n, CheckOptions& o) {
    auto items = string_list(n, "inputs");
    std::vector<std::string> files;
    for (const auto& [pattern, node] : items) {
      if (pattern.empty()) {
        fail(node, "an entry of 'inputs' is empty");
        continue;
      }
      std::string full = resolve(base, pattern);
      if (!has_glob_chars(pattern)) {
        files.push_back(full);  // a plain path: a missing file is reported by the check
        continue;
      }
      if (brace_alternatives(full) > kMaxBraceAlternatives) {
        fail(node, "input pattern '" + pattern + "' has too many {a,b} alternatives (at most " +
                       std::to_string(kMaxBraceAlternatives) + " patterns)");
        continue;
      }
      glob_t g{};
      g_glob_error.clear();
      int rc = ::glob(full.c_str(), GLOB_TILDE | GLOB_BRACE, on_glob_error, &g);
      if (rc == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);  // sorted
      } else if (rc == GLOB_NOMATCH) {
        std::string msg =
            "input pattern '" + pattern + "' matches no file (looked for " + full + ")";
        if (how.require_input_matches) {
          fail(node, msg);
        } else {
          src.warning(d, node, msg);
        }
      } else if (rc == GLOB_ABORTED && !g_glob_error.empty()) {
        fail(node, "input pattern '" + pattern + "': cannot read folder " + g_glob_error);
      } else {
        fail(node, "cannot expand input pattern '" + pattern + "'");
      }
      ::globfree(&g);
    }
    o.inputs = std::move(files);
  }

  void formats(const YAML::Node& n, CheckOptions& o) {
    std::vector<std::string> out;
    for (const auto& [value, node] : string_list(n, "formats")) {
      std::stringstream ss(value);
      std::string item;
      while (std::getline(ss, item, ',')) {
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (item.empty()) continue;
        if (std::find(kFormats.begin(), kFormats.end(), item) == kFormats.end()) {
          fail(node, "unknown format '" + item + "' (html, csv, sarif, junit)" +
                         ops_detail::did_you_mean(item, kFormats));
          continue;
        }
        if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
      }
    }
    o.formats = std::move(out);
  }

  void error_rate(const YAML::Node& n, CheckOptions& o) {
    double v = 0;
    std::string why;
    if (!n.IsScalar() || !parse_error_rate(n.Scalar(), v, why)) {
      fail(n, "'max_error_rate' " + (why.empty() ? "must be a number" : why) + ", not " +
                  ops_detail::node_kind(n));
      return;
    }
    o.max_error_rate = v;
  }

  void umask(const YAML::Node& n, CheckOptions& o) {
    unsigned v = 0;
    std::string why;
    if (!n.IsScalar() || !parse_umask(n.Scalar(), v, why)) {
      fail(n, "'umask' " + (why.empty() ? "must be an octal string like \"027\"" : why) + ", not " +
                  ops_detail::node_kind(n));
      return;
    }
    o.umask = v;
  }

  void filters(const YAML::Node& n, CheckOptions& o) {
    if (n.IsNull()) return;
    if (!n.IsMap()) {
      fail(n, "'filters' must be a map (unit, rule, from, to, episode), not " +
                  ops_detail::node_kind(n));
      return;
    }
    if (!ops_detail::check_keys(src, n, kFilterKeys, "'filters'", d)) ok = false;
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string key = it->first.Scalar();
      const YAML::Node v = it->second;  // a copy: it-> yields a temporary
      if (v.IsNull()) continue;
      if (key == "from" || key == "to") {
        auto date = ops_detail::get_date(src, v, "filters." + key, d);
        if (!date) {
          ok = false;
          continue;
        }
        (key == "from" ? o.from : o.to) = *date;
      } else if (key == "unit" || key == "rule" || key == "episode") {
        auto s = ops_detail::get_string(src, v, "filters." + key, d);
        if (!s) {
          ok = false;
          continue;
        }
        if (s->empty()) {
          fail(v, "'filters." + key + "' is empty: leave the key out for no filter");
          continue;
        }
        (key == "unit" ? o.unit : key == "rule" ? o.rule_glob : o.episode_id) = *s;
      }
    }
    if (o.from && o.to && *o.to < *o.from) {
      fail(n["to"], "'filters.to' (" + o.to->date_string() + ") is before 'filters.from' (" +
                        o.from->date_string() + ")");
    }
  }

  void load(const YAML::Node& root, CheckOptions& o, ConfigExtras& extras) {
    if (!ops_detail::check_keys(src, root, kKeys, "the config file", d)) ok = false;
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string key = it->first.Scalar();
      const YAML::Node v = it->second;  // a copy: it-> yields a temporary
      {
        YAML::Mark m = v.Mark();
        if (m.line < 0) m = it->first.Mark();
        ConfigPosition p;
        p.line = m.line < 0 ? 0 : static_cast<uint32_t>(m.line) + 1;
        p.column = m.column < 0 ? 0 : static_cast<uint32_t>(m.column) + 1;
        p.source_line = excerpt_line(src.text(), p.line, p.column);
        extras.positions[key] = std::move(p);
      }
      if (v.IsNull()) continue;  // `key:` with no value: the default
      if (key == "inputs") {
        inputs(v, o);
      } else if (key == "tables" || key == "rules" || key == "units" || key == "out" ||
                 key == "history" || key == "waivers" || key == "log_file" || key == "indicators") {
        auto p = path(v, key);
        if (!p) continue;
        std::string& field = key == "tables"       ? o.tables_dir
                             : key == "rules"      ? o.rules_dir
                             : key == "units"      ? o.units_file
                             : key == "out"        ? o.out_dir
                             : key == "history"    ? o.history_db
                             : key == "waivers"    ? o.waivers_file
                             : key == "indicators" ? o.indicators_dir
                                                   : o.log_file;
        field = *p;
      } else if (key == "formats") {
        formats(v, o);
      } else if (key == "fail_on") {
        if (auto s = one_of(v, key, kSeverities)) (void)parse_severity(*s, o.fail_on);
      } else if (key == "max_error_rate") {
        error_rate(v, o);
      } else if (key == "max_new_errors") {
        auto n = ops_detail::get_uint(src, v, key, UINT64_MAX, d);
        if (n) {
          o.max_new_errors = *n;
        } else {
          ok = false;
        }
      } else if (key == "unknown_units") {
        if (auto s = one_of(v, key, kUnknownUnits)) o.unknown_units_error = *s == "error";
      } else if (key == "log_format") {
        if (auto s = one_of(v, key, kLogFormats)) o.log_format = *s;
      } else if (key == "log_level") {
        if (auto s = one_of(v, key, kLogLevels)) o.log_level = *s;
      } else if (key == "umask") {
        umask(v, o);
      } else if (key == "threads") {
        auto n = ops_detail::get_uint(src, v, key, 1024, d);
        if (n) {
          o.threads = static_cast<unsigned>(*n);
        } else {
          ok = false;
        }
      } else if (key == "progress" || key == "allow_empty") {
        auto b = ops_detail::get_bool(src, v, key, d);
        if (b) {
          (key == "progress" ? o.progress : o.allow_empty) = *b;
        } else {
          ok = false;
        }
      } else if (key == "filters") {
        filters(v, o);
      } else if (key == "lock_wait") {
        auto n = ops_detail::get_uint(src, v, key, 24 * 3600, d);
        if (n) {
          o.lock_wait_seconds = static_cast<unsigned>(*n);
        } else {
          ok = false;
        }
      }
    }
  }
};

}  // namespace

bool load_config(const std::string& path, CheckOptions& options, Diagnostics& diagnostics,
                 ConfigExtras* extras, const ConfigLoadOptions& how) {
  ConfigExtras local;
  ConfigExtras& ex = extras != nullptr ? *extras : local;
  ex.path = path;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    diagnostics.error(path, 0, 0, "is a directory, not a config file");
    return false;
  }
  auto text = ops_detail::read_text_file(path, diagnostics);
  if (!text) return false;
  YamlSource src(path, std::move(*text));
  auto root = ops_detail::parse_yaml(src, diagnostics);
  if (!root) return false;
  if (root->IsNull()) {
    diagnostics.error(path, 0, 0, "the config file is empty");
    return false;
  }
  if (!root->IsMap()) {
    src.error(diagnostics, *root,
              "the config file must be a map of settings (key: value), not " +
                  ops_detail::node_kind(*root));
    return false;
  }
  fs::path base = fs::absolute(fs::path(path), ec).parent_path();
  if (ec) base = fs::path(path).parent_path();
  Loader loader{src, diagnostics, base, how};
  try {
    loader.load(*root, options, ex);
  } catch (const YAML::Exception& e) {  // defensive: yaml-cpp throws on odd nodes
    src.error_at(diagnostics, e.mark, std::string("YAML error: ") + e.msg);
    return false;
  }
  return loader.ok;
}

bool parse_umask(const std::string& text, unsigned& out, std::string& why) {
  std::string digits = text.rfind("0o", 0) == 0 ? text.substr(2) : text;
  bool good = !digits.empty() && digits.size() <= 4 &&
              digits.find_first_not_of("01234567") == std::string::npos;
  unsigned v = good ? static_cast<unsigned>(std::stoul(digits, nullptr, 8)) : 01000;
  if (!good || v > 0777) {
    why = "must be octal digits (0-7) no larger than 777, like \"027\"";
    return false;
  }
  if ((v & 0600) != 0) {
    why = "would take read or write away from the owner of the reports";
    return false;
  }
  if ((v & 0007) != 0007) {
    why =
        "would give other users (the world) access to the reports and the log, which hold "
        "patient data: the last digit must be 7, like \"027\"";
    return false;
  }
  out = v;
  return true;
}

bool parse_error_rate(const std::string& text, double& out, std::string& why) {
  const bool percent = !text.empty() && text.back() == '%';
  std::string number = percent ? text.substr(0, text.size() - 1) : text;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(number.c_str(), &end);
  const bool is_number = !number.empty() && end == number.c_str() + number.size() && errno == 0 &&
                         std::isfinite(v) && number.find_first_of("xXnN") == std::string::npos;
  if (!is_number || v < 0 || v > (percent ? 100.0 : 1.0)) {
    why = percent ? "must be a percentage between 0% and 100%"
                  : "must be a fraction between 0 and 1 (0.05 = 5%) or a percentage (\"5%\")";
    return false;
  }
  out = percent ? v / 100.0 : v;
  return true;
}

std::string find_config_arg(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if ((a == "--config" || a == "-c") && i + 1 < args.size()) return args[i + 1];
    if (a.rfind("--config=", 0) == 0) return a.substr(9);
  }
  return {};
}

std::string umask_string(unsigned umask) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03o", umask & 0777);
  return buf;
}

const std::vector<std::string>& config_keys() { return kKeys; }

std::vector<std::string> systems_without_year(const std::vector<ManifestTable>& tables, int year) {
  std::set<std::string> systems, covered;
  for (const auto& t : tables) {
    systems.insert(t.system);
    const int to = t.year_to != 0 ? t.year_to : t.year_from;
    if (t.year_from <= year && year <= to) covered.insert(t.system);
  }
  std::vector<std::string> out;
  for (const auto& s : systems) {
    if (covered.count(s) == 0) out.push_back(s);
  }
  return out;
}

std::string new_year_tables_warning(const std::vector<ManifestTable>& tables,
                                    const std::string& tables_dir, DateTime today) {
  const int year = today.year();
  auto missing = systems_without_year(tables, year);
  if (missing.empty()) return {};
  std::string list;
  for (const auto& s : missing) list += (list.empty() ? "" : ", ") + s;
  const std::string y = std::to_string(year);
  return "NO " + y + " CODE TABLES LOADED for " + list + " (tables: " + tables_dir +
         "): codes of episodes from " + y +
         " cannot be checked against the code lists. "
         "Install the " +
         y + " tables (docs/operations.md, 'New year').";
}

std::string effective_config_yaml(const CheckOptions& o) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "inputs" << YAML::Value << YAML::BeginSeq;
  for (const auto& in : o.inputs) e << in;
  e << YAML::EndSeq;
  auto path = [&](const char* key, const std::string& v, const char* none) {
    e << YAML::Key << key << YAML::Value;
    if (v.empty()) {
      e << YAML::Null << YAML::Comment(none);
    } else {
      e << v;
    }
  };
  path("tables", o.tables_dir, "the bundled tables");
  path("rules", o.rules_dir, "the bundled rules");
  path("indicators", o.indicators_dir, "the bundled indicators");
  path("units", o.units_file, "no units catalogue");
  e << YAML::Key << "unknown_units" << YAML::Value << (o.unknown_units_error ? "error" : "warn");
  path("out", o.out_dir, "not set: give --out");
  e << YAML::Key << "formats" << YAML::Value << YAML::Flow << o.formats;
  e << YAML::Key << "fail_on" << YAML::Value << severity_name(o.fail_on);
  path("history", o.history_db, "no run history");
  path("waivers", o.waivers_file, "no waivers");
  e << YAML::Key << "max_error_rate" << YAML::Value;
  if (o.max_error_rate) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", *o.max_error_rate);
    e << std::string(buf);
  } else {
    e << YAML::Null << YAML::Comment("no limit");
  }
  e << YAML::Key << "max_new_errors" << YAML::Value;
  if (o.max_new_errors) {
    e << *o.max_new_errors;
  } else {
    e << YAML::Null << YAML::Comment("no limit");
  }
  path("log_file", o.log_file, "stderr only");
  e << YAML::Key << "log_format" << YAML::Value << o.log_format;
  e << YAML::Key << "log_level" << YAML::Value << o.log_level;
  e << YAML::Key << "umask" << YAML::Value << YAML::DoubleQuoted << umask_string(o.umask);
  e << YAML::Key << "threads" << YAML::Value << o.threads;
  if (o.threads == 0) e << YAML::Comment("all cores");
  e << YAML::Key << "progress" << YAML::Value << o.progress;
  e << YAML::Key << "allow_empty" << YAML::Value << o.allow_empty;
  e << YAML::Key << "lock_wait" << YAML::Value << o.lock_wait_seconds;
  e << YAML::Key << "filters" << YAML::Value;
  if (o.unit.empty() && o.rule_glob.empty() && !o.from && !o.to && o.episode_id.empty()) {
    e << YAML::Flow;  // `filters: {}`
  }
  e << YAML::BeginMap;
  if (!o.unit.empty()) e << YAML::Key << "unit" << YAML::Value << o.unit;
  if (!o.rule_glob.empty()) e << YAML::Key << "rule" << YAML::Value << o.rule_glob;
  if (o.from) e << YAML::Key << "from" << YAML::Value << o.from->date_string();
  if (o.to) e << YAML::Key << "to" << YAML::Value << o.to->date_string();
  if (!o.episode_id.empty()) e << YAML::Key << "episode" << YAML::Value << o.episode_id;
  e << YAML::EndMap;
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace nprcheck
