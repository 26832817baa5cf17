// Parsing and checking one rule file: fields, severity, scope, dates, unknown keys, tests.
#include "rule_file.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "nprcheck/file_input.hpp"

namespace nprcheck::rules_detail {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kRuleKeys = {
    "id",  "version", "title", "severity", "source", "valid_from", "valid_to", "scope", "where",
    "let", "assert",  "codes", "message",  "docs",   "tests",      "distinct", "isf",   "versions"};
const std::vector<std::string> kVersionKeys = {"version", "valid_from", "severity", "isf",
                                               "where",   "assert",     "codes",    "message"};
const std::vector<std::string> kTestKeys = {
    "name", "episode", "xml", "episode_id", "expect", "count", "message_contains", "codes"};
const std::vector<std::string> kScopes = {"episode", "tilstand", "tiltak", "prosedyre", "kode"};

bool parse_scope(std::string_view s, RuleScope& out) {
  for (size_t i = 0; i < kScopes.size(); ++i) {
    if (kScopes[i] == s) {
      out = static_cast<RuleScope>(i);
      return true;
    }
  }
  return false;
}

std::string quoted_list(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", '" : "'") + v[i] + "'";
  return s;
}

/// Finds the first alias (`*name`) of a YAML text. Aliases let a few bytes stand for an
/// exponential amount of data (a rule test's tiltak x prosedyrer x codes), which the loader
/// would build in full: rule files may not use them.
class AliasFinder : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> alias;
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    if (!alias) alias = mark;
  }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

/// The position of the first alias in the first document of `text` (the one YAML::Load reads),
/// if any; throws YAML::ParserException like Load. Only one document: yaml-cpp 0.7 can report
/// another document forever without consuming input (e.g. on a text starting with `,`).
std::optional<YAML::Mark> first_alias(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  AliasFinder finder;
  parser.HandleNextDocument(finder);
  return finder.alias;
}

/// True if two places in the tree under `root` are one node, which only an alias makes (the
/// parse shares the anchored node): each node is compared by identity with the nodes seen
/// at the same mark, and a node seen before is not entered again (an alias in its own anchor).
bool shares_a_node(const YAML::Node& root) {
  std::multimap<int, YAML::Node> seen;  // by mark position
  std::vector<YAML::Node> todo{root};
  while (!todo.empty()) {
    YAML::Node n = std::move(todo.back());
    todo.pop_back();
    const int pos = n.Mark().pos;
    for (auto [it, end] = seen.equal_range(pos); it != end; ++it) {
      if (it->second.is(n)) return true;
    }
    seen.emplace(pos, n);
    if (n.IsMap()) {
      for (const auto& kv : n) {
        todo.push_back(kv.first);
        todo.push_back(kv.second);
      }
    } else if (n.IsSequence()) {
      for (const auto& item : n) todo.push_back(item);
    }
  }
  return false;
}

}  // namespace

bool check_keys(const SourceFile& file, const YAML::Node& map,
                const std::vector<std::string>& known, const char* what, Diagnostics& diagnostics) {
  if (!map.IsMap()) {
    file.error(diagnostics, SourceFile::pos_of(map.Mark()), std::string(what) + " must be a map");
    return false;
  }
  bool ok = true;
  for (const auto& kv : map) {
    std::string key = kv.first.Scalar();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string msg = "unknown key '" + key + "' in " + what;
    std::string near = closest(key, known);
    if (!near.empty()) {
      msg += "; did you mean '" + near + "'?";
    } else {
      msg += " (known: " + quoted_list(known) + ")";
    }
    file.error(diagnostics, SourceFile::pos_of(kv.first.Mark()), msg);
    ok = false;
  }
  return ok;
}

namespace {

struct Parser {
  const SourceFile& file;
  Diagnostics& diag;
  bool ok = true;

  void error(const YAML::Node& n, std::string msg) {
    file.error(diag, SourceFile::pos_of(n.Mark()), std::move(msg));
    ok = false;
  }

  // A scalar string field; reports a non-scalar value.
  std::optional<std::string> scalar(const YAML::Node& n, const char* key) {
    if (!n.IsScalar()) {
      error(n, std::string("'") + key + "' must be a text");
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<MappedText> expr(const YAML::Node& n, const char* key) {
    if (!n.IsScalar()) {
      error(n, std::string("'") + key + "' must be an expression (a text)");
      return std::nullopt;
    }
    return map_scalar(file, n);
  }

  std::optional<int> integer(const YAML::Node& n, const char* key) {
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      try {
        size_t used = 0;
        int v = std::stoi(s, &used);
        if (used == s.size()) return v;
      } catch (...) {
      }
    }
    error(n, std::string("'") + key + "' must be an integer");
    return std::nullopt;
  }

  std::optional<bool> boolean(const YAML::Node& n, const char* key) {
    if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) {
      return n.Scalar() == "true";
    }
    error(n, std::string("'") + key + "' must be true or false");
    return std::nullopt;
  }

  std::optional<DateTime> date(const YAML::Node& n, const char* key) {
    if (n.IsScalar()) {
      if (auto d = parse_date_time(n.Scalar())) return d;
      error(n, std::string("'") + key + "' is not a date (YYYY-MM-DD): '" + n.Scalar() + "'");
    } else {
      error(n, std::string("'") + key + "' must be a date (YYYY-MM-DD)");
    }
    return std::nullopt;
  }

  void parse_test(const YAML::Node& t, const fs::path& rule_dir, RuleInfo& info) {
    RuleTestCase tc;
    tc.line = SourceFile::pos_of(t.Mark()).line;
    if (!check_keys(file, t, kTestKeys, "a test", diag)) {
      ok = false;
      if (!t.IsMap()) return;
    }
    if (auto n = t["name"]) {
      if (auto s = scalar(n, "name")) tc.name = *s;
    } else {
      error(t, "test has no 'name'");
    }
    if (auto n = t["expect"]) {
      if (auto s = scalar(n, "expect")) {
        if (*s == "fire") {
          tc.expect_fire = true;
        } else if (*s == "pass") {
          tc.expect_fire = false;
        } else {
          error(n, "'expect' must be 'fire' or 'pass', not '" + *s + "'");
        }
      }
    } else {
      error(t, "test '" + tc.name + "' has no 'expect' (fire or pass)");
    }
    if (auto n = t["count"]) {
      if (auto v = integer(n, "count")) {
        if (*v < 0) error(n, "'count' must not be negative");
        tc.count = *v;
        if (*v > 0 && !tc.expect_fire) error(n, "'count' > 0 contradicts 'expect: pass'");
        if (*v == 0 && tc.expect_fire) error(n, "'count: 0' contradicts 'expect: fire'");
      }
    }
    if (auto n = t["message_contains"]) {
      if (auto s = scalar(n, "message_contains")) tc.message_contains = *s;
    }
    if (auto n = t["codes"]) {
      tc.has_codes = true;
      if (n.IsSequence()) {
        for (const auto& c : n) {
          if (auto s = scalar(c, "codes")) tc.codes.push_back(*s);
        }
      } else {
        error(n, "'codes' must be a list of code values, e.g. [JJX00, ZXM00]");
      }
    }
    auto ep = t["episode"];
    auto xml = t["xml"];
    if (ep && xml) {
      error(xml, "a test has either 'episode' or 'xml', not both");
    } else if (ep) {
      tc.episode = build_compact_episode(file, ep, diag, tc.radiologi);
      if (!tc.episode) ok = false;
    } else if (xml) {
      if (auto s = scalar(xml, "xml")) tc.xml = rule_dir / *s;
      if (auto id = t["episode_id"]) {
        if (auto s = scalar(id, "episode_id")) tc.episode_id = *s;
      } else {
        error(xml, "a test with 'xml' needs 'episode_id'");
      }
    } else {
      error(t, "test '" + tc.name + "' has neither 'episode' nor 'xml'");
    }
    info.tests.push_back(std::move(tc));
  }

  // `versions:`: each entry is the rule's spec with the entry's fields replaced. Entries are in
  // increasing valid_from and version, inside the rule's own period.
  void parse_versions(const YAML::Node& list, RuleSpec& spec) {
    if (!list.IsSequence()) {
      error(list, "'versions' must be a list of {version, valid_from, ...} entries");
      return;
    }
    const RuleInfo& base = spec.info;
    for (const auto& v : list) {
      if (!check_keys(file, v, kVersionKeys, "a version", diag)) {
        ok = false;
        if (!v.IsMap()) continue;
      }
      RuleSpec vs;
      vs.source = spec.source;
      vs.info.id = base.id;
      vs.info.scope = base.scope;
      vs.id_pos = spec.id_pos;
      vs.where = spec.where;
      vs.lets = spec.lets;
      vs.assert_expr = spec.assert_expr;
      vs.codes = spec.codes;
      vs.message = spec.message;
      RuleVersion rv;
      rv.line = SourceFile::pos_of(v.Mark()).line;
      rv.severity = base.severity;
      rv.isf = base.isf;
      const RuleVersion* prev = base.versions.empty() ? nullptr : &base.versions.back();
      const int prev_version = prev != nullptr ? prev->version : base.version;
      if (auto n = v["version"]) {
        if (auto x = integer(n, "version")) {
          rv.version = *x;
          if (*x <= prev_version) {
            error(n, "'version' " + std::to_string(*x) +
                         " must be greater than the version before it (" +
                         std::to_string(prev_version) + ")");
          }
        }
      } else {
        error(v, "a version entry needs 'version' (greater than the one before)");
      }
      if (auto n = v["valid_from"]) {
        if (auto d = date(n, "valid_from")) {
          rv.valid_from = *d;
          if (prev != nullptr && d->day() <= prev->valid_from.day()) {
            error(n, "'valid_from' " + d->date_string() + " must be after the previous version's " +
                         prev->valid_from.date_string());
          } else if (base.valid_from && d->day() <= base.valid_from->day()) {
            error(n, "'valid_from' " + d->date_string() + " must be after the rule's valid_from " +
                         base.valid_from->date_string());
          } else if (base.valid_to && d->day() > base.valid_to->day()) {
            error(n, "'valid_from' " + d->date_string() + " is after the rule's valid_to " +
                         base.valid_to->date_string());
          }
        }
      } else {
        error(v, "a version entry needs 'valid_from' (YYYY-MM-DD)");
      }
      if (auto n = v["severity"]) {
        if (auto s = scalar(n, "severity")) {
          if (!parse_severity(*s, rv.severity)) {
            error(n, "bad severity '" + *s + "': must be error, warning or info");
          }
        }
      }
      if (auto n = v["isf"]) {
        if (auto b = boolean(n, "isf")) rv.isf = *b;
      }
      auto replace = [&](const char* key, MappedText& into) {
        if (auto n = v[key]) {
          if (auto e = expr(n, key)) into = std::move(*e);
        }
      };
      replace("where", vs.where);
      replace("assert", vs.assert_expr);
      replace("codes", vs.codes);
      replace("message", vs.message);
      rv.where = vs.where.value;
      rv.assert_expr = vs.assert_expr.value;
      rv.codes = vs.codes.value;
      rv.message = vs.message.value;
      vs.info.version = rv.version;
      vs.info.severity = rv.severity;
      vs.info.isf = rv.isf;
      spec.info.versions.push_back(rv);
      spec.versions.push_back(std::move(vs));
    }
  }
};

}  // namespace

std::vector<fs::path> yaml_files_under(const fs::path& dir, const char* what,
                                       Diagnostics& diagnostics) {
  std::vector<fs::path> files;
  const fs::path data_dir = dir / "data";
  FolderWalk walk = walk_folder(dir, [&](const fs::path& p) { return p != data_dir; });
  // An unreadable folder would silently drop a whole family of files: an error, like a bad file.
  for (const auto& [folder, why] : walk.unreadable) {
    diagnostics.error(folder.string(), 0, 0,
                      std::string("cannot read ") + what + " folder: " + why);
  }
  std::error_code ec;
  for (const auto& e : walk.entries) {
    if (e.path.extension() != ".yaml" || e.kind == WalkKind::kOther) continue;
    if (e.kind == WalkKind::kSymlink && !fs::is_regular_file(e.path, ec)) {
      diagnostics.error(
          e.path.string(), 0, 0,
          std::string("cannot read ") + what + " file: " + not_a_regular_file_reason(e.path));
      continue;
    }
    files.push_back(e.path);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<RuleSpec> parse_rule_file(const fs::path& path, std::string display,
                                        Diagnostics& diagnostics) {
  auto bytes = read_regular_file(path, kMaxSmallFileBytes);
  if (!bytes) {
    diagnostics.error(display, 0, 0, "cannot read rule file: " + bytes.status().message());
    return std::nullopt;
  }
  auto src = std::make_shared<SourceFile>(display, std::move(*bytes));
  const SourceFile& file = *src;
  // Titles and messages reach JUnit, SARIF and HTML: the file must be UTF-8 text.
  if (size_t bad = first_invalid_utf8(file.text()); bad != std::string::npos) {
    auto [line, col] = line_col_of(file.text(), bad);
    diagnostics.error(display, line, col,
                      "not UTF-8 text (a NUL byte or invalid UTF-8 here); save the rule file as "
                      "UTF-8");
    return std::nullopt;
  }
  if (auto line = second_yaml_document_line(file.text())) {
    file.error(diagnostics, {*line, 1},
               "a second YAML document: one rule per file (remove the '---' or '...')");
    return std::nullopt;
  }

  YAML::Node root;
  try {
    // One parse: the event pass that finds where the first alias is runs only when the loaded
    // tree has one (a syntax error throws the same from either parse).
    root = YAML::Load(file.text());
    if (shares_a_node(root)) {
      if (auto alias = first_alias(file.text())) {
        file.error(diagnostics, SourceFile::pos_of(*alias),
                   "YAML aliases (*name) are not allowed in rule files: write the values out");
        return std::nullopt;
      }
    }
  } catch (const YAML::ParserException& e) {
    file.error(diagnostics, SourceFile::pos_of(e.mark), "YAML syntax error: " + e.msg);
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    diagnostics.error(display, 0, 0, std::string("YAML error: ") + e.what());
    return std::nullopt;
  }
  if (!root.IsMap()) {
    file.error(diagnostics, {1, 1}, "a rule file must be a YAML map (id:, title:, ...)");
    return std::nullopt;
  }

  Parser p{file, diagnostics};
  RuleSpec spec;
  spec.source = src;
  RuleInfo& info = spec.info;
  info.file = display;
  if (!check_keys(file, root, kRuleKeys, "a rule", diagnostics)) p.ok = false;

  auto required = [&](const char* key) -> YAML::Node {
    YAML::Node n = root[key];
    if (!n) {
      file.error(diagnostics, {1, 1}, std::string("missing required field '") + key + "'");
      p.ok = false;
    }
    return n;
  };

  if (auto n = required("id")) {
    if (auto s = p.scalar(n, "id")) {
      info.id = *s;
      spec.id_pos = SourceFile::pos_of(n.Mark());
      std::string stem = path.stem().string();
      if (info.id != stem) {
        p.error(n, "rule id '" + info.id + "' does not match the file name '" +
                       path.filename().string() + "': rename the file to " + info.id +
                       ".yaml or fix the id");
      }
    }
  }
  if (auto n = root["version"]) {
    if (auto v = p.integer(n, "version")) {
      if (*v < 1) p.error(n, "'version' must be 1 or more");
      info.version = *v;
    }
  }
  if (auto n = required("title")) {
    if (auto s = p.scalar(n, "title")) info.title = *s;
  }
  if (auto n = required("severity")) {
    if (auto s = p.scalar(n, "severity")) {
      if (!parse_severity(*s, info.severity)) {
        std::string msg = "bad severity '" + *s + "': must be error, warning or info";
        std::string near = closest(*s, {"error", "warning", "info"});
        if (!near.empty()) msg += "; did you mean '" + near + "'?";
        p.error(n, msg);
      }
    }
  }
  if (auto n = required("source")) {
    if (auto s = p.scalar(n, "source")) info.source = *s;
  }
  if (auto n = root["valid_from"]) info.valid_from = p.date(n, "valid_from");
  if (auto n = root["valid_to"]) info.valid_to = p.date(n, "valid_to");
  if (info.valid_from && info.valid_to && *info.valid_to < *info.valid_from) {
    p.error(root["valid_to"], "'valid_to' " + info.valid_to->date_string() +
                                  " is before 'valid_from' " + info.valid_from->date_string());
  }
  if (auto n = required("scope")) {
    if (auto s = p.scalar(n, "scope")) {
      if (!parse_scope(*s, info.scope)) {
        std::string msg = "unknown scope '" + *s + "'";
        std::string near = closest(*s, kScopes);
        msg += near.empty() ? " (known: " + quoted_list(kScopes) + ")"
                            : "; did you mean '" + near + "'?";
        p.error(n, msg);
      }
    }
  }
  if (auto n = root["where"]) {
    if (auto e = p.expr(n, "where")) spec.where = std::move(*e);
  }
  if (auto n = root["let"]) {
    if (!n.IsMap()) {
      p.error(n, "'let' must be a map of names to expressions");
    } else {
      for (const auto& kv : n) {
        LetSpec let;
        let.name = kv.first.Scalar();
        let.name_pos = SourceFile::pos_of(kv.first.Mark());
        bool ident = !let.name.empty() && !std::isdigit(static_cast<unsigned char>(let.name[0]));
        for (char c : let.name) {
          if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') ident = false;
        }
        if (!ident) {
          file.error(diagnostics, let.name_pos,
                     "'" + let.name + "' is not a valid name (letters, digits, _)");
          p.ok = false;
        }
        for (const auto& other : spec.lets) {
          if (other.name == let.name) {
            file.error(diagnostics, let.name_pos, "'" + let.name + "' is defined twice in 'let'");
            p.ok = false;
          }
        }
        if (auto e = p.expr(kv.second, "let")) {
          let.expr = std::move(*e);
          info.lets.emplace_back(let.name, let.expr.value);
          spec.lets.push_back(std::move(let));
        }
      }
    }
  }
  if (auto n = required("assert")) {
    if (auto e = p.expr(n, "assert")) spec.assert_expr = std::move(*e);
  }
  if (auto n = root["codes"]) {
    if (auto e = p.expr(n, "codes")) spec.codes = std::move(*e);
  }
  if (auto n = required("message")) {
    if (auto e = p.expr(n, "message")) spec.message = std::move(*e);
  }
  if (auto n = root["distinct"]) {
    if (auto b = p.boolean(n, "distinct")) info.distinct = *b;
  }
  if (auto n = root["isf"]) {
    if (auto b = p.boolean(n, "isf")) info.isf = *b;
  }
  if (auto n = root["docs"]) {
    if (auto s = p.scalar(n, "docs")) info.docs = *s;
  }
  if (auto n = root["tests"]) {
    if (!n.IsSequence()) {
      p.error(n, "'tests' must be a list of test cases");
    } else {
      for (const auto& t : n) p.parse_test(t, path.parent_path(), info);
    }
  }
  info.where = spec.where.value;
  info.assert_expr = spec.assert_expr.value;
  info.codes = spec.codes.value;
  info.message = spec.message.value;
  if (auto n = root["versions"]) p.parse_versions(n, spec);
  if (!p.ok) return std::nullopt;
  return spec;
}

}  // namespace nprcheck::rules_detail
