// `nprcheck explain`: one episode as read, and what every rule decided about it.
#include <cstdio>
#include <iostream>

#include "cli_util.hpp"
#include "commands.hpp"
#include "nprcheck/code_tables.hpp"
#include "nprcheck/default_paths.hpp"
#include "nprcheck/episode_reader.hpp"
#include "nprcheck/exit_codes.hpp"
#include "nprcheck/prepare.hpp"
#include "nprcheck/rules.hpp"
#include "nprcheck/units.hpp"

namespace nprcheck::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kHelp = R"(usage: nprcheck explain EXTRACT --episode ID [OPTIONS]

Shows one episode as nprcheck read it (units, diagnoses and procedures with the code-table
text and validity of every code on the date it is checked against), then, for every rule,
whether it did not apply, passed or fired, and the values that decided it.

examples:
  nprcheck explain testdata/example/extract-2017.xml --episode E-17-000042
  nprcheck explain extract.xml.gz --episode E-17-000042 --units units.csv --rule 'KODE-*'

)";

std::string code_status(const Kode& k, const CodeTables& tables) {
  if (k.system == KodeSystem::kOther) {
    return k.kodeverk == "Q" ? "not found in any procedure table" : "not table-checked";
  }
  int year = k.dato.year();
  if (!tables.has_year(k.system, year)) {
    return "UNCHECKED: no " + std::string(kode_system_name(k.system)) + " table for " +
           std::to_string(year);
  }
  if (tables.valid_on(k.system, k.verdi, k.dato)) return "valid " + std::to_string(year);
  auto years = tables.valid_years(k.system, k.verdi);
  if (years.empty())
    return "NOT FOUND in the " + std::string(kode_system_name(k.system)) + " tables";
  std::string s = "NOT VALID on " + k.dato.date_string() + "; valid in";
  for (int y : years) s += " " + std::to_string(y);
  return s;
}

void print_code(const Kode& k, const CodeTables& tables, const char* indent) {
  std::string tekst(tables.tekst(k.system, k.verdi, k.dato));
  std::printf("%s%-8s %-5s kodeverk=%s  %s  [%s]\n", indent, k.verdi.c_str(),
              kode_system_name(k.system), k.kodeverk.c_str(), tekst.c_str(),
              code_status(k, tables).c_str());
}

void print_episode(const Episode& e, const CodeTables& tables) {
  std::printf("Episode %s  (%s:%u)\n", e.episode_id.c_str(), e.melding->file.c_str(),
              e.location.line);
  std::printf("  innDatoTid %s  utDatoTid %s  omsorgsniva %d\n", e.inn.to_string().c_str(),
              e.ut ? e.ut->to_string().c_str() : "-", e.omsorgsniva);
  std::printf("  pasient %s  kjonn %d  fodselsar %d\n", e.pasient->pasient_nr.c_str(),
              e.pasient->kjonn, e.pasient->fodselsar);
  std::printf("  avdeling %s  unit %s (%s)%s\n", e.avdeling.empty() ? "-" : e.avdeling.c_str(),
              e.unit.c_str(), e.unit_name.c_str(), e.radiologi ? "  RADIOLOGI" : "");
  for (const auto& r : e.ref_enheter) {
    const Enhet* en = e.melding->find_enhet(r.enhet_id);
    std::printf("  RefEnhet enhetID=%s typeEnhet=%d -> %s\n", r.enhet_id.c_str(), r.type_enhet,
                en != nullptr ? (en->resh_id + " " + en->enhet_lokal).c_str() : "NO SUCH ENHET");
  }
  for (const auto& t : e.tilstander) {
    std::printf("  Tilstand %d (checked on %s)\n", t.tilst_nr,
                e.slutt_dato().date_string().c_str());
    for (const auto& k : t.koder) print_code(k, tables, "    ");
  }
  for (const auto& tt : e.tiltak) {
    std::printf("  Tiltak typeTiltak=%d start %s\n", tt.type_tiltak,
                tt.start ? tt.start->to_string().c_str() : "-");
    for (const auto& p : tt.prosedyrer) {
      std::printf("    Prosedyre %d (checked on %s)\n", p.pros_nr, p.dato.date_string().c_str());
      for (const auto& k : p.koder) print_code(k, tables, "      ");
    }
  }
}

}  // namespace

int run_explain(const std::vector<std::string>& args) {
  std::string file, episode_id, tables_dir, rules_dir, units_file, rule_glob;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("episode", po::value(&episode_id),
                                                 "the episodeID to explain (required)")(
      "tables", po::value(&tables_dir), "code tables directory (default: bundled)")(
      "rules", po::value(&rules_dir), "rule set directory (default: bundled)")(
      "units", po::value(&units_file), "units catalogue")(
      "rule", po::value(&rule_glob), "only rules whose id matches this glob (* ? [...])");
  po::options_description hidden;
  hidden.add_options()("file", po::value(&file));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse_args(args, all, &pos, vm, "explain")) return kExitError;
  if (vm.count("help") != 0) {
    std::cout << kHelp << desc << "\n";
    return kExitOk;
  }
  if (file.empty() || episode_id.empty()) {
    std::fprintf(stderr,
                 "nprcheck explain: give an EXTRACT and --episode ID\n"
                 "Try 'nprcheck explain --help'.\n");
    return kExitError;
  }
  Diagnostics diagnostics;
  // Loading failures carry their reason in the status as well as (or instead of) diagnostics.
  auto fail = [&](const Status& s) {
    print_diagnostics(diagnostics);
    if (!s.message().empty()) std::fprintf(stderr, "nprcheck explain: %s\n", s.message().c_str());
    return kExitError;
  };
  auto rules = RuleSet::load(rules_dir.empty() ? default_rules_dir() : rules_dir, diagnostics);
  if (!rules) return fail(rules.status());
  if (!rule_glob.empty() && rules->select(rule_glob) == 0) {
    std::fprintf(stderr, "nprcheck explain: no rule matches '%s'\n", rule_glob.c_str());
    return kExitError;
  }
  auto tables =
      CodeTables::load(tables_dir.empty() ? default_tables_dir() : tables_dir, diagnostics);
  if (!tables) return fail(tables.status());
  UnitsCatalogue units;
  if (!units_file.empty()) {
    auto loaded = UnitsCatalogue::load(units_file, diagnostics);
    if (!loaded) return fail(loaded.status());
    units = std::move(*loaded);
  }
  auto episodes = read_all_episodes(file, diagnostics);
  if (!episodes) return fail(episodes.status());
  Episode* found = nullptr;
  for (auto& e : *episodes) {
    if (e.episode_id == episode_id) {
      found = &e;
      break;
    }
  }
  if (found == nullptr) {
    print_diagnostics(diagnostics);
    std::fprintf(stderr, "nprcheck explain: no episode '%s' in %s\n", episode_id.c_str(),
                 file.c_str());
    return kExitError;
  }
  prepare_episode(*found, *tables, units);
  print_episode(*found, *tables);
  std::printf("\nRules:\n");
  EvalContext ctx{&*tables, &units};
  int fired = 0;
  for (const auto& trace : rules->explain(*found, ctx)) {
    const char* what = trace.outcome == RuleTrace::Outcome::kFired    ? "FIRED"
                       : trace.outcome == RuleTrace::Outcome::kPassed ? "passed"
                                                                      : "n/a";
    // One line per object: indent the continuation lines under the first.
    std::string reason = trace.reason;
    for (size_t pos = reason.find('\n'); pos != std::string::npos;
         pos = reason.find('\n', pos + 1)) {
      reason.insert(pos + 1, std::string(20, ' '));
    }
    std::printf("  %-9s %-7s %s\n", trace.rule_id.c_str(), what, reason.c_str());
    for (const auto& f : trace.findings) {
      std::printf("            -> [%s] %s\n", severity_name(f.severity), f.message.c_str());
      ++fired;
    }
  }
  print_diagnostics(diagnostics);
  return diagnostics.has_errors() ? kExitError : (fired > 0 ? kExitFindings : kExitOk);
}

}  // namespace nprcheck::cli
