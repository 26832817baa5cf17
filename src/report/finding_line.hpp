#pragma once
// Reading findings.ndjson lines without a JSON DOM (private to the report module).

#include <string_view>

#include "nprcheck/finding.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck::report {

/// Reads a line in exactly the form append_finding_json() writes (keys in its order, no
/// spaces, only the escapes it writes, integers in range, known severity, status and systems)
/// into `f`, reusing its strings; every field the line does not set is reset. Returns false
/// for anything else, leaving `f` unspecified: then finding_from_json_generic() decides.
/// Where it returns true, the result equals finding_from_json_generic()'s.
bool parse_finding_line(std::string_view line, Finding& f);

/// finding_from_json() by way of nlohmann::json: any key order, whitespace and escapes;
/// unknown keys ignored, wrong types and values fail with a message.
Result<Finding> finding_from_json_generic(std::string_view line);

}  // namespace nprcheck::report
