#pragma once
// Findings in a compact binary form, replayed by the report passes of one run (private to the
// report module and the engine; not an interchange format).

#include <string>
#include <string_view>

#include "nprcheck/finding.hpp"
#include "nprcheck/report.hpp"

namespace nprcheck::report {

/// Appends one finding as a length-prefixed record.
void encode_finding(std::string& out, const Finding& f);
/// Reads one record (without its length prefix) into `f`; false when it is damaged.
bool decode_finding(std::string_view record, Finding& f);
/// Writes every finding of `source` to a spill file.
Status write_spill(const std::string& path, const FindingSource& source);
/// Re-reads a spill file on every call; a damaged file is an invalid_input error.
FindingSource spill_source(std::string path);

}  // namespace nprcheck::report
