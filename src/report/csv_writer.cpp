// findings.csv and the per-unit CSV files, for spreadsheet users (Norwegian Excel).
#include <filesystem>

#include "json_writer.hpp"
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

/// The codes cell's text, into `s` (cleared first).
void codes_cell(std::string& s, const Finding& f) {
  s.clear();
  for (const auto& c : f.codes) {
    if (!s.empty()) s += ", ";
    s += c.verdi;
    s += " (";
    s += kode_system_name(c.system);
    if (c.table_year != 0) {
      s += ' ';
      report::append_int(s, c.table_year);
    }
    s += ")";
  }
}

/// The code texts cell's text, into `s` (cleared first).
void code_texts_cell(std::string& s, const Finding& f) {
  s.clear();
  for (const auto& c : f.codes) {
    if (c.tekst.empty()) continue;
    if (!s.empty()) s += " | ";
    s += c.verdi;
    s += ": ";
    s += c.tekst;
  }
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

/// Appends one finding's row to `row`; `scratch` is reused for the cells built from pieces.
void append_row(std::string& row, std::string& scratch, const Finding& f) {
  using report::append_csv_cell;
  auto cell = [&row](std::string_view text) {
    append_csv_cell(row, text);
    row += ';';
  };
  auto number_cell = [&](int64_t n, bool shown) {
    scratch.clear();
    if (shown) report::append_int(scratch, n);
    cell(scratch);
  };
  cell(f.rule_id);
  number_cell(f.rule_version, true);
  cell(report::severity_label(f.severity));
  cell(f.isf ? "ja" : "nei");
  cell(f.episode_id);
  cell(f.pasient_nr);
  cell(f.unit);
  cell(f.unit_name);
  cell(f.avdeling);
  cell(f.dato);
  codes_cell(scratch, f);
  cell(scratch);
  code_texts_cell(scratch, f);
  cell(scratch);
  cell(f.message);
  cell(status_label(f));
  cell(f.first_seen);
  number_cell(f.nights, f.nights > 0);
  cell(f.waived ? "ja" : "");
  cell(f.waiver_reason);
  cell(f.file);
  number_cell(f.line, f.line > 0);
  row.back() = '\r';  // the last cell's ';'
  row += '\n';
}

Status write_csv(const std::string& path, const FindingSource& source) {
  report::OutFile out(path);
  if (!out.is_open()) return out.open_error();
  write_header(out);
  std::string rows;  // reused: rows are flushed in large pieces
  std::string scratch;
  Status s = source([&](const Finding& f) {
    append_row(rows, scratch, f);
    if (rows.size() >= (1u << 16)) {
      out << rows;
      rows.clear();
    }
  });
  if (!s) return s;
  out << rows;
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
