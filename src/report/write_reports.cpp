// The entry point the engine calls, and the stand-alone per-unit writers.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>

#include "nprcheck/report.hpp"
#include "report_util.hpp"
#include "writers.hpp"

namespace nprcheck {

namespace fs = std::filesystem;

namespace report {

fs::path work_dir_in(const fs::path& parent) {
  static std::atomic<unsigned> counter{0};
  for (;;) {
    fs::path p = parent / (".nprcheck-report-work-" + std::to_string(::getpid()) + "-" +
                           std::to_string(counter.fetch_add(1)));
    std::error_code ec;
    if (!fs::exists(p, ec)) return p;
  }
}

}  // namespace report

const std::vector<std::string>& report_formats() {
  static const std::vector<std::string> kFormats = {"html", "csv", "sarif", "junit"};
  return kFormats;
}

namespace {

bool wants(const std::vector<std::string>& formats, const char* f) {
  return std::find(formats.begin(), formats.end(), f) != formats.end();
}

fs::path parent_or_dot(const std::string& path) {
  fs::path p = fs::path(path).parent_path();
  return p.empty() ? fs::path(".") : p;
}

}  // namespace

Status write_unit_csvs(const std::string& dir, const RunManifest& m, const FindingSource& source) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io_error(dir + ": cannot create folder: " + ec.message());
  auto part = report::UnitPartition::create(report::work_dir_in(dir), source);
  if (!part) return part.status();
  return report::write_unit_csvs_from(dir, m, part->units(m), *part);
}

Status write_junit(const std::string& path, const RunManifest& m, const FindingSource& source,
                   Severity fail_on) {
  auto k = report::compute_key_figures(m, source);
  if (!k) return k.status();
  auto part = report::UnitPartition::create(report::work_dir_in(parent_or_dot(path)), source);
  if (!part) return part.status();
  return report::write_junit_from(path, m, *k, *part, fail_on);
}

Status write_html(const std::string& dir, const RunManifest& m, const FindingSource& source,
                  const ReportOptions& options) {
  auto k = report::compute_key_figures(m, source);
  if (!k) return k.status();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io_error(dir + ": cannot create folder: " + ec.message());
  auto part = report::UnitPartition::create(report::work_dir_in(dir), source);
  if (!part) return part.status();
  return report::write_html_from(dir, m, *k, *part, options);
}

Status write_reports(const std::string& stage_dir, const RunManifest& m,
                     const FindingSource& source, const std::vector<std::string>& formats,
                     const ReportOptions& options) {
  for (const auto& f : formats) {
    if (!wants(report_formats(), f.c_str())) {
      return Status::usage("unknown report format '" + f + "' (known: html, csv, sarif, junit)");
    }
  }
  const fs::path stage(stage_dir);
  if (Status s = write_findings_csv((stage / "findings.csv").string(), source); !s) return s;
  if (wants(formats, "sarif")) {
    if (Status s =
            write_sarif((stage / "findings.sarif").string(), m, source, options.docs_base_uri);
        !s) {
      return s;
    }
  }
  const bool per_unit = wants(formats, "html") || wants(formats, "csv") || wants(formats, "junit");
  if (!per_unit) return Status::ok();

  // One pass for the key figures and one to split the findings by unit, shared by every
  // per-unit format; the split lives in a work folder inside the stage and is removed after.
  auto k = report::compute_key_figures(m, source);
  if (!k) return k.status();
  auto part = report::UnitPartition::create(report::work_dir_in(stage), source);
  if (!part) return part.status();
  if (wants(formats, "csv")) {
    if (Status s = report::write_unit_csvs_from((stage / "csv").string(), m, part->units(m), *part);
        !s) {
      return s;
    }
  }
  if (wants(formats, "junit")) {
    if (Status s =
            report::write_junit_from((stage / "junit.xml").string(), m, *k, *part, options.fail_on);
        !s) {
      return s;
    }
  }
  if (wants(formats, "html")) {
    if (Status s = report::write_html_from((stage / "html").string(), m, *k, *part, options); !s) {
      return s;
    }
  }
  return Status::ok();
}

}  // namespace nprcheck
