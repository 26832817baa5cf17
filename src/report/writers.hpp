#pragma once
// The per-unit writers, working from key figures and a unit partition that write_reports()
// computes once and shares (private to the report module).

#include <filesystem>
#include <string>
#include <vector>

#include "key_figures.hpp"
#include "nprcheck/report.hpp"
#include "unit_partition.hpp"

namespace nprcheck::report {

/// One CSV per unit in `dir`.
Status write_unit_csvs_from(const std::string& dir, const RunManifest& m,
                            const std::vector<std::string>& units, const UnitPartition& part);
/// junit.xml from the key figures and the per-unit findings; failures at or above `fail_on`.
Status write_junit_from(const std::string& path, const RunManifest& m, const KeyFigures& k,
                        const UnitPartition& part, Severity fail_on);
/// html/index.html and html/unit-*.html.
Status write_html_from(const std::string& dir, const RunManifest& m, const KeyFigures& k,
                       const UnitPartition& part, const ReportOptions& options);

/// A fresh, unused work folder name inside `parent` for a unit partition.
std::filesystem::path work_dir_in(const std::filesystem::path& parent);

}  // namespace nprcheck::report
