#pragma once
// Small helpers shared by the report writers (private to the report module).

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "nprcheck/finding.hpp"
#include "nprcheck/manifest.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck::report {

/// An output file that reports write errors as a Status naming the file.
class OutFile {
 public:
  explicit OutFile(std::string path);
  [[nodiscard]] bool is_open() const { return static_cast<bool>(out_); }
  std::ofstream& stream() { return out_; }
  OutFile& operator<<(std::string_view s) {
    out_.write(s.data(), static_cast<std::streamsize>(s.size()));
    return *this;
  }
  /// Flushes and closes; io_error when anything failed (disk full).
  Status close();
  [[nodiscard]] const std::string& path() const { return path_; }
  /// io_error for a file that could not be opened.
  [[nodiscard]] Status open_error() const;

 private:
  std::string path_;
  std::ofstream out_;
};

/// Appends html_escape(text) to `out`.
void append_html_escaped(std::string& out, std::string_view text);
/// Appends csv_cell(text) to `out`.
void append_csv_cell(std::string& out, std::string_view text);

/// `feil`, `advarsel`, `info`: the Norwegian name of a severity, for report texts.
const char* severity_label(Severity s);
/// `Feil`, `Advarsel`, `Info`.
const char* severity_title(Severity s);
/// SARIF level: error, warning, note.
const char* sarif_level(Severity s);

/// An integer with thin no-break spaces between thousands (Norwegian style): 12 345.
std::string format_count(uint64_t n);
/// A rate as a Norwegian percentage with one decimal: 0.0345 -> "3,5 %".
std::string format_percent(double rate);
/// A change in percentage points with a sign: +1,2 / -0,4 / 0,0.
std::string format_points(double delta);
/// A signed integer change: +12 / -3 / 0.
std::string format_delta(int64_t delta);

/// numerator / denominator, 0 when the denominator is 0.
double rate(uint64_t numerator, uint64_t denominator);
/// Rounded to 6 decimals, for JSON output that reads well.
double round6(double x);

/// A file path as a URI reference: absolute paths as file:///..., relative ones percent-encoded.
std::string path_to_uri(std::string_view path);
/// Appends path_to_uri(path) to `out`.
void append_path_to_uri(std::string& out, std::string_view path);
/// Lower-case hex digest -> standard base64 (for CSP hashes).
std::string hex_to_base64(std::string_view hex);
/// Replaces < > & and U+2028/U+2029 in serialised JSON with \u escapes, so that it can sit
/// inside a <script> element without ending it.
std::string json_for_script(std::string_view json);
/// The unit's display name: its name, else its reshID, else "(ukjent enhet)".
std::string unit_display_name(const std::string& unit, const std::string& unit_name);
/// The configured docs base URI with a trailing '/', or "" when none is configured (then the
/// reports link to their own rule pages in html/rules/ and SARIF has no helpUri).
std::string docs_base_uri(const std::string& configured);

}  // namespace nprcheck::report
