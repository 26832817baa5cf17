// findings.csv and the per-unit CSV files, for spreadsheet users (Norwegian Excel).
#include <filesystem>

#include "nprcheck/report.hpp"
#include "report_util.hpp"
#include "unit_partition.hpp"
#include "writers.hpp"

namespace nprcheck {

namespace {

constexpr const char* kBom = "\xEF\xBB\xBF";
constexpr const char* kEol = "\r\n";

const char* const kHeaders[] = {"Regel",
                                "Versjon",
                                "Alvorlighet",
                                "isf",
                                "Episode",
                                "PasientNr",
                                "Enhet (reshID)",
                                "Enhetsnavn",
                                "Avdeling (reshID)",
                                "Dato",
                                "Koder",
                                "Kodetekster",
                                "Melding",
                                "Status",
                                "Først sett",
                                "Antall kjøringer",
                                "Unntatt",
                                "Unntaksgrunn",
                                "Fil",
                                "Linje"};

std::string codes_cell(const Finding& f) {
  std::string s;
  for (const auto& c : f.codes) {
    if (!s.empty()) s += ", ";
    s += c.verdi;
    s += " (";
    s += kode_system_name(c.system);
    if (c.table_year != 0) s += " " + std::to_string(c.table_year);
    s += ")";
  }
  return s;
}

std::string code_texts_cell(const Finding& f) {
  std::string s;
  for (const auto& c : f.codes) {
    if (c.tekst.empty()) continue;
    if (!s.empty()) s += " | ";
    s += c.verdi + ": " + c.tekst;
  }
  return s;
}

const char* status_label(const Finding& f) {
  switch (f.novelty) {
    case Finding::Novelty::kNew:
      return "ny";
    case Finding::Novelty::kPersisting:
      return "vedvarende";
    case Finding::Novelty::kUnknown:
      break;
  }
  return "";
}

void write_header(report::OutFile& out) {
  out << kBom;
  bool first = true;
  for (const char* h : kHeaders) {
    if (!first) out << ";";
    out << csv_cell(h);
    first = false;
  }
  out << kEol;
}

void write_row(report::OutFile& out, const Finding& f) {
  const std::string cells[] = {f.rule_id,
                               std::to_string(f.rule_version),
                               report::severity_label(f.severity),
                               f.isf ? "ja" : "nei",
                               f.episode_id,
                               f.pasient_nr,
                               f.unit,
                               f.unit_name,
                               f.avdeling,
                               f.dato,
                               codes_cell(f),
                               code_texts_cell(f),
                               f.message,
                               status_label(f),
                               f.first_seen,
                               f.nights > 0 ? std::to_string(f.nights) : std::string(),
                               f.waived ? "ja" : "",
                               f.waiver_reason,
                               f.file,
                               f.line > 0 ? std::to_string(f.line) : std::string()};
  std::string row;
  for (size_t i = 0; i < std::size(cells); ++i) {
    if (i > 0) row += ';';
    row += csv_cell(cells[i]);
  }
  row += kEol;
  out << row;
}

Status write_csv(const std::string& path, const FindingSource& source) {
  report::OutFile out(path);
  if (!out.is_open()) return out.open_error();
  write_header(out);
  Status s = source([&](const Finding& f) { write_row(out, f); });
  if (!s) return s;
  return out.close();
}

}  // namespace

Status write_findings_csv(const std::string& path, const FindingSource& source) {
  return write_csv(path, source);
}

namespace report {

/// Per-unit CSVs from an existing partition (shared with write_reports()).
Status write_unit_csvs_from(const std::string& dir, const RunManifest& m,
                            const std::vector<std::string>& units, const UnitPartition& part) {
  (void)m;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io_error(dir + ": cannot create folder: " + ec.message());
  for (const auto& unit : units) {
    std::string path =
        (std::filesystem::path(dir) / ("unit-" + unit_file_stem(unit) + ".csv")).string();
    if (Status s = write_csv(path, part.unit_source(unit)); !s) return s;
  }
  return Status::ok();
}

}  // namespace report

}  // namespace nprcheck
