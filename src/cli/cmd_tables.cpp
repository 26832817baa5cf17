// `nprcheck tables`: list the loaded code tables, or look codes up in them.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "commands.hpp"
#include "nprcheck/code_tables.hpp"
#include "nprcheck/default_paths.hpp"
#include "nprcheck/exit_codes.hpp"

namespace nprcheck::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kHelp =
    R"(usage: nprcheck tables [--tables DIR] [--code CODE]... [--date YYYY-MM-DD]

Loads the code tables (ICD-10, NCSP, NCMP, NCRP; særkoder SARKODE and pakkeforløp
PAKKEFORLOP when given) the way `nprcheck check` does and shows what was loaded: per system
and years covered, the number of codes, the layout, the SHA-256 and the file. With --code it
says in which systems and years a code is valid, with its text and flags.

Tables are read from every *.csv, *.json and *.json.gz below DIR; several layouts may sit
side by side (e.g. ICD-10 from the JSON download, procedure codes from yearly lists):
  <year>/<system>.csv      yearly list, header Kode;Tekst, valid the whole year
                           (system: icd10, ncsp, ncmp, ncrp; e.g. 2026/icd10.csv)
  <system>*.csv            the official cumulative list with Gyldig_fra/Gyldig_til
                           (e.g. icd10_2024.csv); optional Kjønn, Stjernekode, Tilleggskode,
                           Uspesifikk_kode, Foreldrekode, Rapporteres_til_NPR (only a yes
                           makes a code reportable), NPR_Gyldig_fra/NPR_Gyldig_til columns
  <SYSTEM>*.json[.gz]      the terminology service's cumulative JSON download, e.g.
                           ICD10.json, NCSP.json.gz (every code since 1999 with its periods)
CSV files: ';'-separated, UTF-8 (with or without BOM) or Windows-1252.
A year with no table of a system is reported: `check` counts its codes as unchecked.

This year's tables: download the code system as JSON from the national terminology service
(FinnKode, Helsedirektoratet: "Last ned" / .../api/code-systems/ICD10/download/JSON), save it
as ICD10.json (or .json.gz) in a folder and pass that folder with --tables; repeat for NCSP,
NCMP and NCRP when you have them.

Without --tables: $NPRCHECK_TABLES, else the installed share/nprcheck/tables, else the
source tree's testdata/tables.

examples:
  nprcheck tables
  nprcheck tables --tables /srv/npr/kodeverk
  nprcheck tables --code JJX00 --code A90
  nprcheck tables --code A00 --date 2026-03-01   # exit 0 if valid for NPR on the date

exit codes: 0 ok (with --date: every code is valid on the date), 1 a code was not found (with
--date: a code is not valid on the date, or its year has no table), 2 a table could not be
read (see the errors).

)";

/// `2015-2017`, `2015, 2017`, `2015, 2017-2019`.
std::string year_list(const std::vector<int>& years) {
  std::string out;
  for (size_t i = 0; i < years.size();) {
    size_t j = i;
    while (j + 1 < years.size() && years[j + 1] == years[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(years[i]);
    if (j > i) out += "-" + std::to_string(years[j]);
    i = j + 1;
  }
  return out;
}

std::string day_text(int32_t day) {
  if (day == CodeEntry::kOpenEnd) return "(no end)";
  return DateTime{int64_t{day} * 86400}.date_string();
}

constexpr KodeSystem kSystems[] = {KodeSystem::kIcd10,   KodeSystem::kNcsp,
                                   KodeSystem::kNcmp,    KodeSystem::kNcrp,
                                   KodeSystem::kSarkode, KodeSystem::kPakkeforlop};

void print_listing(const CodeTables& tables, const std::string& dir) {
  auto files = tables.files();
  if (files.empty()) {
    std::printf("No code tables loaded from %s\n", dir.c_str());
    return;
  }
  auto order = [](const std::string& system) {
    KodeSystem s = KodeSystem::kOther;
    (void)parse_kode_system(system, s);
    return static_cast<int>(s);
  };
  std::stable_sort(files.begin(), files.end(), [&](const auto& a, const auto& b) {
    return std::make_tuple(order(a.system), a.year_from, a.year_to) <
           std::make_tuple(order(b.system), b.year_from, b.year_to);
  });
  std::vector<std::array<std::string, 6>> rows;
  rows.push_back({"SYSTEM", "YEARS", "CODES", "LAYOUT", "SHA-256", "FILE"});
  for (const auto& f : files) {
    std::string years = std::to_string(f.year_from);
    if (f.year_to != f.year_from) years += "-" + std::to_string(f.year_to);
    rows.push_back({f.system, years, std::to_string(f.codes), f.layout, f.sha256, f.file});
  }
  size_t w[5] = {0, 0, 0, 0, 0};
  for (const auto& r : rows) {
    for (size_t i = 0; i < 5; ++i) w[i] = std::max(w[i], r[i].size());
  }
  std::printf("Code tables loaded from %s\n\n", dir.c_str());
  for (const auto& r : rows) {
    // Counts are right-aligned, the rest left-aligned.
    std::printf("%-*s  %-*s  %*s  %-*s  %-*s  %s\n", static_cast<int>(w[0]), r[0].c_str(),
                static_cast<int>(w[1]), r[1].c_str(), static_cast<int>(w[2]), r[2].c_str(),
                static_cast<int>(w[3]), r[3].c_str(), static_cast<int>(w[4]), r[4].c_str(),
                r[5].c_str());
  }

  // Years covered per system, and the gaps inside the span of all loaded years.
  int lo = 9999, hi = 0;
  for (KodeSystem s : kSystems) {
    auto ys = tables.years(s);
    if (ys.empty()) continue;
    lo = std::min(lo, ys.front());
    hi = std::max(hi, ys.back());
  }
  std::printf("\nYears covered:\n");
  std::vector<std::string> missing;
  for (KodeSystem s : kSystems) {
    auto ys = tables.years(s);
    std::printf("  %-11s  %s\n", kode_system_name(s),
                ys.empty() ? "(none: its codes are unchecked)" : year_list(ys).c_str());
    if (ys.empty() && (s == KodeSystem::kSarkode || s == KodeSystem::kPakkeforlop)) continue;
    std::vector<int> gaps;
    for (int y = lo; y <= hi; ++y) {
      if (!tables.has_year(s, y)) gaps.push_back(y);
    }
    if (!gaps.empty()) missing.push_back(std::string(kode_system_name(s)) + " " + year_list(gaps));
  }
  if (!missing.empty()) {
    std::printf("\nNo table for:");
    for (size_t i = 0; i < missing.size(); ++i) {
      std::printf("%s %s", i == 0 ? "" : ";", missing[i].c_str());
    }
    std::printf("\n(`check` counts codes of those years as unchecked, never as invalid)\n");
  }
}

std::string flags_text(const CodeEntry& e) {
  std::vector<std::string> f;
  if (e.stjernekode) f.emplace_back("stjernekode");
  if (e.tilleggskode) f.emplace_back("tilleggskode");
  if (e.kjonn == KodeKjonn::kMann) f.emplace_back("kun menn");
  if (e.kjonn == KodeKjonn::kKvinne) f.emplace_back("kun kvinner");
  if (e.uspesifikk) f.emplace_back("uspesifikk kode");
  if (!e.foreldrekode.empty()) f.emplace_back("foreldrekode " + e.foreldrekode);
  if (std::any_of(e.periods.begin(), e.periods.end(),
                  [](const auto& p) { return !p.rapporteres_til_npr; })) {
    f.emplace_back("rapporteres ikke til NPR");
  }
  std::string out;
  for (const auto& s : f) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// Prints what the tables know about `code`; false if it is in no table, or, with a date, if it
/// is not valid for NPR on that date in any system.
bool print_code(const CodeTables& tables, std::string code, const std::optional<DateTime>& on) {
  code.erase(std::remove(code.begin(), code.end(), '.'), code.end());
  auto found_any = [&](const std::string& c) {
    return std::any_of(std::begin(kSystems), std::end(kSystems),
                       [&](KodeSystem s) { return tables.find(s, c) != nullptr; });
  };
  if (!found_any(code)) {
    std::string upper = code;
    for (char& ch : upper) {
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    }
    if (found_any(upper)) code = upper;
  }
  bool found = false;
  bool valid = false;
  for (KodeSystem s : kSystems) {
    const CodeEntry* e = tables.find(s, code);
    if (e == nullptr) continue;
    found = true;
    auto years = tables.valid_years(s, code);
    std::printf("%s  %s  valid in %s\n", code.c_str(), kode_system_name(s),
                years.empty() ? "no loaded year" : year_list(years).c_str());
    for (const auto& p : e->periods) {
      std::printf("    %s .. %-10s  %s%s\n", day_text(p.from_day).c_str(),
                  day_text(p.to_day).c_str(), p.tekst.c_str(),
                  p.rapporteres_til_npr ? "" : "  [rapporteres ikke til NPR]");
    }
    std::string flags = flags_text(*e);
    if (!flags.empty()) std::printf("    (%s)\n", flags.c_str());
    if (on) {
      valid = valid || tables.valid_on(s, code, *on);
      const char* verdict = tables.valid_on(s, code, *on)     ? "valid"
                            : !tables.has_year(s, on->year()) ? "unchecked: no table for that year"
                                                              : "NOT valid";
      std::printf("    on %s: %s\n", on->date_string().c_str(), verdict);
    }
  }
  if (!found) {
    std::printf("%s  not found in any loaded table\n", code.c_str());
    for (KodeSystem s : kSystems) {
      if (tables.longer_code_exists(s, code)) {
        std::printf("    (longer %s codes start with it: use a more specific code)\n",
                    kode_system_name(s));
      }
    }
  }
  return on ? valid : found;
}

}  // namespace

int run_tables(const std::vector<std::string>& args) {
  std::string tables_dir;
  std::vector<std::string> codes;
  std::string date_text;
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")(
      "tables", po::value(&tables_dir)->value_name("DIR"),
      "code tables folder (default: the bundled tables)")(
      "code", po::value(&codes)->value_name("CODE")->composing(),
      "look up a code (repeatable; codes may also be given without --code)")(
      "date", po::value(&date_text)->value_name("YYYY-MM-DD"),
      "with --code: also say whether the code is valid on this date");
  po::positional_options_description pos;
  pos.add("code", -1);
  po::variables_map vm;
  if (!parse_args(args, desc, &pos, vm, "tables")) return kExitError;
  if (vm.count("help") != 0) {
    std::cout << kHelp << desc << "\n";
    return kExitOk;
  }
  std::optional<DateTime> on;
  if (!date_text.empty()) {
    bool ok = true;
    on = parse_date_option(date_text, "--date", ok);
    if (!ok) return kExitError;
  }
  if (tables_dir.empty()) tables_dir = default_tables_dir();

  Diagnostics diagnostics;
  auto tables = CodeTables::load(tables_dir, diagnostics);
  if (!tables) {
    print_diagnostics(diagnostics);
    std::fprintf(stderr, "nprcheck tables: %s\n", tables.status().message().c_str());
    return kExitError;
  }
  const size_t errors = print_diagnostics(diagnostics);
  bool all_found = true;
  if (codes.empty()) {
    print_listing(*tables, tables_dir);
  } else {
    for (const auto& c : codes) all_found = print_code(*tables, c, on) && all_found;
  }
  if (errors > 0) {
    std::fprintf(stderr,
                 "nprcheck tables: %zu error%s in the code tables; the files named were "
                 "not loaded\n",
                 errors, errors == 1 ? "" : "s");
    return kExitError;
  }
  return all_found ? kExitOk : kExitFindings;
}

}  // namespace nprcheck::cli
