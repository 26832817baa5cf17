// `nprcheck rules`: list, lint, test, document and diff rule sets.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "cli_util.hpp"
#include "commands.hpp"
#include "nprcheck/check.hpp"
#include "nprcheck/code_tables.hpp"
#include "nprcheck/default_paths.hpp"
#include "nprcheck/episode_reader.hpp"
#include "nprcheck/exit_codes.hpp"
#include "nprcheck/prepare.hpp"
#include "nprcheck/rule_diff.hpp"
#include "nprcheck/rule_test.hpp"
#include "nprcheck/rules.hpp"
#include "nprcheck/units.hpp"
#include "owned_folder.hpp"

namespace nprcheck::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kHelp = R"(usage: nprcheck rules SUBCOMMAND [OPTIONS] [DIR]

Works with a rule set: a directory of YAML rule files (one rule per file, file name =
rule id, folders by topic) and its rule data in DIR/data/. DIR defaults to the bundled
rules. A rule file is compiled and type-checked when it is loaded; any error stops the
command with exit code 2 and reads like a compiler's: file:line:col, the line, a caret.

subcommands:
  list [DIR]                       the catalogue: id, severity, title, source
  lint [DIR] [--tables DIR]        everything that can be checked without an extract:
                                   loading (syntax, fields, names, types), every rule has
                                   a test that fires and one that passes, and every code
                                   of the rule data is in the code tables
  test [DIR] [--tables DIR]        run every rule's own tests; exit 1 if any fails
       [--junit FILE] [--rule GLOB]
  docs --out OUT [DIR]             one Markdown page per rule plus OUT/index.md
  diff --base OLD --head NEW       run two rule sets over the same extracts and show, per
       [--tables DIR] [--units F]  rule, the findings added, removed and changed, with up to
       [--examples N] EXTRACT...   N example episodes: the impact of a rule change

examples:
  nprcheck rules list
  nprcheck rules lint rules/
  nprcheck rules test rules/ --junit build/rule-tests.xml
  nprcheck rules test --rule 'BV-*'
  nprcheck rules docs --out docs/rules
  nprcheck rules diff --base main-rules/ --head rules/ --examples 5 extract-2017.xml.gz

'nprcheck rules SUBCOMMAND --help' shows the options of a subcommand.
)";

// Display width of UTF-8 text (code points), for aligned columns.
size_t width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string pad(std::string s, size_t w) {
  size_t have = width(s);
  if (have < w) s.append(w - have, ' ');
  return s;
}

std::optional<RuleSet> load_rules(const std::string& dir, const char* command) {
  Diagnostics diagnostics;
  auto rules = RuleSet::load(dir, diagnostics);
  print_diagnostics(diagnostics);
  if (!rules) {
    std::fprintf(stderr, "nprcheck rules %s: the rule set in %s has errors\n", command,
                 dir.c_str());
    return std::nullopt;
  }
  return std::move(*rules);
}

std::optional<CodeTables> load_tables(const std::string& dir) {
  Diagnostics diagnostics;
  auto tables = CodeTables::load(dir, diagnostics);
  if (!tables) {
    print_diagnostics(diagnostics);
    std::fprintf(stderr, "nprcheck rules: cannot load code tables from %s: %s\n", dir.c_str(),
                 tables.status().message().c_str());
    return std::nullopt;
  }
  if (diagnostics.has_errors()) print_diagnostics(diagnostics);
  return std::move(*tables);
}

// Parses "[DIR]" plus `extra` options; returns false (with exit code in `rc`) when done.
bool parse_sub(const std::vector<std::string>& args, po::options_description& desc,
               std::string& dir, const char* help, const char* command, po::variables_map& vm,
               int& rc) {
  po::options_description hidden;
  hidden.add_options()("dir", po::value(&dir));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("dir", 1);
  std::string name = std::string("rules ") + command;
  if (!parse_args(args, all, &pos, vm, name.c_str())) {
    rc = kExitError;
    return false;
  }
  if (vm.count("help") != 0) {
    std::cout << help << desc << "\n";
    rc = kExitOk;
    return false;
  }
  if (dir.empty()) dir = default_rules_dir();
  return true;
}

// ---- list ----

constexpr const char* kListHelp = R"(usage: nprcheck rules list [DIR]

Prints the rule catalogue of DIR (default: the bundled rules): id, severity, title and
source document, one rule per line, sorted by id.

examples:
  nprcheck rules list
  nprcheck rules list my-rules/ --rule 'KODE-*'

)";

int run_list(const std::vector<std::string>& args) {
  std::string dir, glob;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("rule", po::value(&glob),
                                                 "only rules whose id matches this glob");
  po::variables_map vm;
  int rc = 0;
  if (!parse_sub(args, desc, dir, kListHelp, "list", vm, rc)) return rc;
  auto rules = load_rules(dir, "list");
  if (!rules) return kExitError;
  if (!glob.empty()) rules->select(glob);
  size_t wid = 2, wsev = 8, wtitle = 5;
  for (const RuleInfo* r : rules->rules()) {
    wid = std::max(wid, width(r->id));
    wtitle = std::max(wtitle, width(r->title));
  }
  std::printf("%s  %s  %s  %s\n", pad("ID", wid).c_str(), pad("SEVERITY", wsev).c_str(),
              pad("TITLE", wtitle).c_str(), "SOURCE");
  for (const RuleInfo* r : rules->rules()) {
    std::printf("%s  %s  %s  %s\n", pad(r->id, wid).c_str(),
                pad(severity_name(r->severity), wsev).c_str(), pad(r->title, wtitle).c_str(),
                r->source.c_str());
  }
  return kExitOk;
}

// ---- lint ----

constexpr const char* kLintHelp = R"(usage: nprcheck rules lint [DIR] [--tables DIR]

Checks a rule set without any extract: every rule file loads (YAML syntax, known fields,
id = file name, no duplicate ids, severity, scope, dates, versions; every expression
parses, names and types resolve; sets and mappings exist), every test case is
well-formed and its XML fixture exists, and every rule has at least one test that fires
and one that passes. With the code tables (--tables, default: the bundled tables) every
entry of every set is checked: a code exists in some loaded table or is a prefix of one,
a prefix (KE*) starts some code, a range (C60-C63) holds some code. Exit code 0 when
clean, 2 on any error (warnings do not fail).

examples:
  nprcheck rules lint
  nprcheck rules lint rules/ --tables testdata/tables

)";

int run_lint(const std::vector<std::string>& args) {
  std::string dir, tables_dir;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("tables", po::value(&tables_dir),
                                                 "code tables directory (default: bundled)");
  po::variables_map vm;
  int rc = 0;
  if (!parse_sub(args, desc, dir, kLintHelp, "lint", vm, rc)) return rc;
  auto rules = load_rules(dir, "lint");
  if (!rules) return kExitError;
  auto tables = load_tables(tables_dir.empty() ? default_tables_dir() : tables_dir);
  if (!tables) return kExitError;
  Diagnostics diagnostics;
  size_t errors =
      lint_rules(*rules, diagnostics) + lint_rule_data(rules->data(), *tables, diagnostics);
  print_diagnostics(diagnostics);
  if (errors > 0) {
    std::fprintf(stderr, "nprcheck rules lint: %zu error(s) in %s\n", errors, dir.c_str());
    return kExitError;
  }
  std::printf("%zu rules in %s: lint clean\n", rules->size(), dir.c_str());
  return kExitOk;
}

// ---- test ----

constexpr const char* kTestHelp =
    R"(usage: nprcheck rules test [DIR] [--tables DIR] [--junit FILE] [--rule GLOB]

Runs the test cases in every rule file of DIR (default: the bundled rules): each test
builds a small episode (the compact YAML form, or an episode of an XML fixture), prepares
it with the code tables (--tables, default: the bundled tables) and checks that the rule
fires or passes as the test says (with the count, message text and codes it names).
Prints a line per rule and the details of every failure. Exit code 0 when all pass,
1 when any test fails, 2 when the rule set or the tables cannot be loaded.

examples:
  nprcheck rules test
  nprcheck rules test rules/ --tables testdata/tables --junit rule-tests.xml
  nprcheck rules test --rule 'KODE-00?'

)";

Result<std::vector<Episode>> read_fixture(const std::string& path, Diagnostics& diagnostics) {
  return read_all_episodes(path, diagnostics);
}

int run_test(const std::vector<std::string>& args) {
  std::string dir, tables_dir, junit, glob;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("tables", po::value(&tables_dir),
                                                 "code tables directory (default: bundled)")(
      "junit", po::value(&junit), "also write the results as JUnit XML to FILE")(
      "rule", po::value(&glob), "only rules whose id matches this glob");
  po::variables_map vm;
  int rc = 0;
  if (!parse_sub(args, desc, dir, kTestHelp, "test", vm, rc)) return rc;
  auto rules = load_rules(dir, "test");
  if (!rules) return kExitError;
  if (!glob.empty() && rules->select(glob) == 0) {
    std::fprintf(stderr, "nprcheck rules test: no rule matches '%s'\n", glob.c_str());
    return kExitError;
  }
  auto tables = load_tables(tables_dir.empty() ? default_tables_dir() : tables_dir);
  if (!tables) return kExitError;

  auto results = run_rule_tests(*rules, *tables, read_fixture);
  size_t failed = 0;
  size_t wid = 2;
  for (const RuleInfo* r : rules->rules()) wid = std::max(wid, width(r->id));
  for (const RuleInfo* r : rules->rules()) {
    size_t n = 0, f = 0;
    for (const auto& t : results) {
      if (t.rule_id != r->id) continue;
      ++n;
      f += t.passed ? 0 : 1;
    }
    failed += f;
    std::printf("%s  %3zu test%s  %s\n", pad(r->id, wid).c_str(), n, n == 1 ? " " : "s",
                f == 0 ? (n == 0 ? "NO TESTS" : "ok") : ("FAILED " + std::to_string(f)).c_str());
    for (const auto& t : results) {
      if (t.rule_id != r->id || t.passed) continue;
      std::printf("    FAIL %s:%u: test '%s'\n", t.file.c_str(), t.line, t.test_name.c_str());
      std::string detail = t.failure;
      size_t p = 0;
      while (p <= detail.size()) {
        size_t nl = detail.find('\n', p);
        if (nl == std::string::npos) nl = detail.size();
        std::printf("         %s\n", detail.substr(p, nl - p).c_str());
        p = nl + 1;
      }
    }
  }
  std::printf("%zu rules, %zu tests, %zu failed\n", rules->size(), results.size(), failed);
  if (!junit.empty()) {
    std::ofstream out(junit, std::ios::binary);
    out << rule_tests_junit(results);
    if (!out) {
      std::fprintf(stderr, "nprcheck rules test: cannot write %s\n", junit.c_str());
      return kExitError;
    }
  }
  return failed > 0 ? kExitFindings : kExitOk;
}

// ---- docs ----

constexpr const char* kDocsHelp = R"(usage: nprcheck rules docs --out OUT [DIR]

Generates documentation from the rule files of DIR (default: the bundled rules): one
Markdown page per rule (OUT/<ID>.md: title, severity, source, period, scope, the docs
text, the conditions and message, and the rule's test cases as examples) and an index
(OUT/index.md) with every rule. Commit them after a rule change.

It writes only what it owns: the files it wrote are listed in OUT/.nprcheck-generated,
and pages of rules that no longer exist are removed from that list only. A folder that
holds other files (e.g. docs/ itself) is refused, unless --force (the other files are
kept, never removed).

examples:
  nprcheck rules docs --out docs/rules
  nprcheck rules docs --out /tmp/rule-docs my-rules/

)";

std::string md_code(const std::string& s) {
  std::string fence = s.find('`') != std::string::npos ? "`` " : "`";
  std::string close = fence == "`` " ? " ``" : "`";
  std::string one = s;
  for (auto& c : one) {
    if (c == '\n') c = ' ';
  }
  return fence + one + close;
}

std::string md_cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// When a rule is in force: `alle datoer`, `fra 2021-09-01`, `fra ... til ...`.
std::string period_of(const RuleInfo& r) {
  if (!r.valid_from && !r.valid_to) return "alle datoer";
  return (r.valid_from ? "fra " + r.valid_from->date_string() : std::string()) +
         (r.valid_from && r.valid_to ? " " : "") +
         (r.valid_to ? "til " + r.valid_to->date_string() : std::string());
}

std::string rule_page(const RuleInfo& r, const std::string& shown_file) {
  std::string m;
  m += "# " + r.id + ": " + r.title + "\n\n";
  m += "| | |\n|---|---|\n";
  m += "| Alvorlighet | " + std::string(severity_name(r.severity)) + " |\n";
  m += "| Versjon | " + std::to_string(r.version) + " |\n";
  m += std::string("| ISF-relevant | ") + (r.isf ? "ja: funn kan endre DRG-grupperingen" : "nei") +
       " |\n";
  m += "| Kilde | " + md_cell(r.source) + " |\n";
  std::string period = period_of(r);
  if (r.valid_from || r.valid_to) period += " (episodens sluttdato; ellers ikke i kraft)";
  if (!r.versions.empty())
    period += "; " + std::to_string(r.versions.size()) + " versjon(er) etter dato, se under";
  m += "| Gjelder | " + period + " |\n";
  m += "| Kontrollerer hver | " + std::string(rule_scope_name(r.scope)) + " |\n";
  m += "| Regelfil | `" + shown_file + "` |\n\n";
  if (!r.docs.empty()) {
    m += r.docs;
    if (m.back() != '\n') m += '\n';
    m += '\n';
  }
  m += "## Regelen\n\n";
  if (!r.where.empty()) m += "- **Gjelder når** (`where`): " + md_code(r.where) + "\n";
  for (const auto& [name, expr] : r.lets) {
    m += "- **" + name + "** (`let`): " + md_code(expr) + "\n";
  }
  m += "- **Krav** (`assert`, funn når det ikke holder): " + md_code(r.assert_expr) + "\n";
  if (!r.codes.empty()) m += "- **Koder i funnet** (`codes`): " + md_code(r.codes) + "\n";
  if (r.distinct) m += "- Like funn (samme koder) i én episode rapporteres én gang (`distinct`).\n";
  m += "- **Melding**: " + md_code(r.message) + "\n\n";
  if (!r.versions.empty()) {
    m += "## Versjoner etter dato\n\n";
    m += "Feltene over gjelder til første versjon under trer i kraft; hver versjon gjelder fra "
         "sin dato til den neste (episodens sluttdato).\n\n";
    m += "| Versjon | I kraft fra | Alvorlighet | ISF | Endret |\n|---|---|---|---|---|\n";
    std::string where = r.where, assert_expr = r.assert_expr, codes = r.codes, msg = r.message;
    for (const auto& v : r.versions) {
      std::string changed;
      auto note = [&](const char* key, const std::string& now, std::string& before) {
        if (now == before) return;
        changed += (changed.empty() ? "" : "; ") + std::string("`") + key + "`: " + md_code(now);
        before = now;
      };
      note("where", v.where, where);
      note("assert", v.assert_expr, assert_expr);
      note("codes", v.codes, codes);
      note("message", v.message, msg);
      m += "| " + std::to_string(v.version) + " | " + v.valid_from.date_string() + " | " +
           severity_name(v.severity) + " | " + (v.isf ? "ja" : "nei") + " | " +
           md_cell(changed.empty() ? "-" : changed) + " |\n";
    }
    m += "\n";
  }
  if (!r.tests.empty()) {
    m += "## Eksempler (regelens tester)\n\n";
    m += "| Test | Forventet |\n|---|---|\n";
    for (const auto& t : r.tests) {
      std::string exp = t.expect_fire ? "slår til" : "slår ikke til";
      if (t.count) exp += " (" + std::to_string(*t.count) + " funn)";
      if (!t.message_contains.empty()) exp += ", melding med «" + md_cell(t.message_contains) + "»";
      m += "| " + md_cell(t.name) + " | " + exp + " |\n";
    }
    m += "\n";
  }
  m +=
      "*Generert av `nprcheck rules docs` fra regelfilen; rediger regelfilen, ikke denne siden.*\n";
  return m;
}

int run_docs(const std::vector<std::string>& args) {
  std::string dir, out;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("out", po::value(&out),
                                                 "output directory (required)")(
      "force", "write into a folder that holds files rules docs did not write (they are kept)");
  po::variables_map vm;
  int rc = 0;
  if (!parse_sub(args, desc, dir, kDocsHelp, "docs", vm, rc)) return rc;
  if (out.empty()) {
    std::fprintf(stderr,
                 "nprcheck rules docs: give --out DIR\nTry 'nprcheck rules docs --help'.\n");
    return kExitError;
  }
  // Only what an earlier `rules docs` wrote may be replaced or removed: a folder holding other
  // files (docs/ itself, say) is refused before anything is written.
  const OwnedFolder folder = inspect_owned_folder(out);
  if (!folder.foreign.empty() && vm.count("force") == 0) {
    std::string names;
    for (size_t i = 0; i < folder.foreign.size() && i < 3; ++i) {
      names += (i ? ", " : "") + folder.foreign[i];
    }
    if (folder.foreign.size() > 3) names += ", ...";
    std::fprintf(stderr,
                 "nprcheck rules docs: %s holds %zu file(s) rules docs did not write (%s); "
                 "choose an empty or new folder, or pass --force to write beside them (they are "
                 "kept)\n",
                 out.c_str(), folder.foreign.size(), names.c_str());
    return kExitError;
  }
  auto rules = load_rules(dir, "docs");
  if (!rules) return kExitError;
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "nprcheck rules docs: cannot create %s: %s\n", out.c_str(),
                 ec.message().c_str());
    return kExitError;
  }
  fs::path root = fs::path(dir).lexically_normal();
  if (root.filename().empty()) root = root.parent_path();
  std::set<std::string> written;
  auto write = [&](const std::string& name, const std::string& text) {
    const fs::path p = fs::path(out) / name;
    std::ofstream f(p, std::ios::binary);
    f << text;
    if (!f) {
      std::fprintf(stderr, "nprcheck rules docs: cannot write %s\n", p.string().c_str());
      return false;
    }
    written.insert(name);
    return true;
  };
  std::string index = "# Regelsettet\n\n";
  index += "Generert av `nprcheck rules docs` fra regelfilene. Én side per regel. " +
           std::to_string(rules->size()) +
           " regler. ISF: funn kan endre DRG-grupperingen (rettes først).\n\n";
  index += "| Regel | Alvorlighet | ISF | Tittel | Gjelder | Kilde |\n|---|---|---|---|---|---|\n";
  for (const RuleInfo* r : rules->rules()) {
    fs::path rel = fs::path(r->file).lexically_normal().lexically_relative(root);
    std::string shown = (root.filename() / rel).generic_string();
    if (!write(r->id + ".md", rule_page(*r, shown))) return kExitError;
    index += "| [" + r->id + "](" + r->id + ".md) | " + severity_name(r->severity) + " | " +
             (r->isf ? "ja" : "") + " | " + md_cell(r->title) + " | " + period_of(*r) + " | " +
             md_cell(r->source) + " |\n";
  }
  if (!write("index.md", index)) return kExitError;
  // Pages of rules that no longer exist go, if an earlier run wrote them; nothing else does.
  if (std::string error; !finish_owned_folder(folder, written, error)) {
    std::fprintf(stderr, "nprcheck rules docs: %s\n", error.c_str());
    return kExitError;
  }
  std::printf("wrote %zu rule pages and index.md to %s\n", rules->size(), out.c_str());
  return kExitOk;
}

// ---- diff ----

constexpr const char* kDiffHelp =
    R"(usage: nprcheck rules diff --base OLD --head NEW [OPTIONS] EXTRACT...

Runs two rule sets (OLD, e.g. the rules on main, and NEW, the changed rules) over the
same extracts (*.xml, *.xml.gz; directories are searched) with the same code tables,
and reports per rule how many findings the change adds, removes and changes (same
finding with another severity or message), with up to N example episodes of each:
the impact of a rule change, for review before it reaches the nightly run. The report
names episode ids: run it where the reviewers may see them. Always exits 0 unless a
rule set, the tables or an input cannot be read (2).

examples:
  git worktree add /tmp/main-rules main
  nprcheck rules diff --base /tmp/main-rules/rules --head rules extract-2017.xml.gz
  nprcheck rules diff --base old/ --head new/ --units units.csv --examples 10 extracts/

)";

int run_diff(const std::vector<std::string>& args) {
  std::string base_dir, head_dir, tables_dir, units_file;
  size_t examples = 3;
  std::vector<std::string> inputs;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("base", po::value(&base_dir),
                                                 "the rule set before the change (required)")(
      "head", po::value(&head_dir), "the rule set after the change (required)")(
      "tables", po::value(&tables_dir), "code tables directory (default: bundled)")(
      "units", po::value(&units_file), "units catalogue (radiology units, level-2 units)")(
      "examples", po::value(&examples), "example episodes per rule and kind (default 3)");
  po::options_description hidden;
  hidden.add_options()("input", po::value(&inputs));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  if (!parse_args(args, all, &pos, vm, "rules diff")) return kExitError;
  if (vm.count("help") != 0) {
    std::cout << kDiffHelp << desc << "\n";
    return kExitOk;
  }
  if (base_dir.empty() || head_dir.empty() || inputs.empty()) {
    std::fprintf(stderr,
                 "nprcheck rules diff: give --base DIR, --head DIR and at least one EXTRACT\n"
                 "Try 'nprcheck rules diff --help'.\n");
    return kExitError;
  }
  auto base = load_rules(base_dir, "diff");
  if (!base) return kExitError;
  auto head = load_rules(head_dir, "diff");
  if (!head) return kExitError;
  auto tables = load_tables(tables_dir.empty() ? default_tables_dir() : tables_dir);
  if (!tables) return kExitError;
  Diagnostics diagnostics;
  UnitsCatalogue units;
  if (!units_file.empty()) {
    auto loaded = UnitsCatalogue::load(units_file, diagnostics);
    if (!loaded) {
      print_diagnostics(diagnostics);
      return kExitError;
    }
    units = std::move(*loaded);
  }
  auto files = expand_inputs(inputs, diagnostics);
  RuleDiffer differ(*base, *head, examples);
  EvalContext ctx{&*tables, &units};
  bool failed = diagnostics.has_errors();
  for (size_t i = 0; i < files.size(); ++i) {
    auto reader = EpisodeReader::open(files[i], static_cast<uint32_t>(i), diagnostics);
    if (!reader) {
      failed = true;
      continue;
    }
    std::vector<Episode> batch;
    while (true) {
      batch.clear();
      if (!(*reader)->next_batch(batch, 1024)) break;
      for (auto& e : batch) {
        prepare_episode(e, *tables, units);
        differ.add_episode(e, ctx);
      }
    }
    if (!(*reader)->complete()) failed = true;
  }
  print_diagnostics(diagnostics);
  std::printf("rules diff: base %s, head %s, %zu extract(s)\n", base_dir.c_str(), head_dir.c_str(),
              files.size());
  std::fputs(differ.report().c_str(), stdout);
  if (failed || diagnostics.has_errors()) {
    std::fprintf(stderr, "nprcheck rules diff: some input could not be read completely\n");
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

int run_rules(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kHelp;
    return args.empty() ? kExitError : kExitOk;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  const std::string& sub = args[0];
  if (sub == "list") return run_list(rest);
  if (sub == "lint") return run_lint(rest);
  if (sub == "test") return run_test(rest);
  if (sub == "docs") return run_docs(rest);
  if (sub == "diff") return run_diff(rest);
  std::fprintf(stderr, "nprcheck rules: unknown subcommand '%s'%s\nTry 'nprcheck rules --help'.\n",
               sub.c_str(), did_you_mean(sub, {"list", "lint", "test", "docs", "diff"}).c_str());
  return kExitError;
}

}  // namespace nprcheck::cli
