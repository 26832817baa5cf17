#pragma once
// JSON written directly into a reused buffer, byte for byte as nlohmann::json's
// dump(-1, ' ', false, error_handler_t::replace) writes it (private to the report module).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/finding.hpp"

namespace nprcheck::report {

/// Appends `s` as a JSON string with its quotes: `"` `\` and control characters escaped (\b \t
/// \n \f \r, else \u00xx), everything else as it is; invalid UTF-8 becomes U+FFFD the way
/// nlohmann::json's replace handler does it (one per bad lead byte, bad continuation or
/// sequence cut off at the end). With `for_script`, also < > & U+2028 U+2029 as \u escapes
/// (json_for_script()).
void append_json_string(std::string& out, std::string_view s, bool for_script = false);
/// append_json_string() without the quotes (for a value written in pieces).
void append_json_chars(std::string& out, std::string_view s, bool for_script = false);
/// Appends `s` with invalid UTF-8 replaced exactly as append_json_string() replaces it, not
/// escaped: what `s` becomes after a round trip through JSON.
void append_utf8_sanitised(std::string& out, std::string_view s);
/// Whether `s` is well-formed UTF-8 (then append_utf8_sanitised() copies it unchanged).
bool is_valid_utf8(std::string_view s);
/// Appends a signed integer in decimal.
void append_int(std::string& out, int64_t v);
/// Appends an unsigned integer in decimal.
void append_uint(std::string& out, uint64_t v);
/// Appends a finding's codes as the JSON array findings.ndjson and SARIF share:
/// `[{"value":..,"system":"ICD10","year":2015,"text":..},...]`.
void append_codes_json(std::string& out, const std::vector<FindingCode>& codes);
/// The system whose kode_system_name() is exactly `name` (as the writers spell it).
bool kode_system_from_name(std::string_view name, KodeSystem& out);

}  // namespace nprcheck::report
