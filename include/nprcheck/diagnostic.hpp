#pragma once
/// Diagnostics: input errors reported like a compiler, `file:line:col: message`, line and caret.

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nprcheck {

/// How bad a diagnostic is. Errors make the run end with exit code 2.
enum class DiagnosticLevel { kNote, kWarning, kError };

/// One problem found in an input file (extract, code table, rule file, config).
struct Diagnostic {
  DiagnosticLevel level = DiagnosticLevel::kError;
  std::string file;         ///< path as given by the user
  uint32_t line = 0;        ///< 1-based; 0 when the problem concerns the whole file
  uint32_t column = 0;      ///< 1-based; 0 when unknown
  std::string message;      ///< English for tool errors; what is wrong, short
  std::string source_line;  ///< the offending line (clipped to a readable length), or empty
};

/// Renders a diagnostic as `file:line:col: error: message`, then the line and a caret under col.
std::string format_diagnostic(const Diagnostic& d);

/// The text of line `line` (1-based) of `text`, clipped around `column` to at most `max_len` bytes.
std::string excerpt_line(std::string_view text, uint32_t line, uint32_t column = 0,
                         size_t max_len = 160);

/// Collects diagnostics from any thread; the run's exit code looks at has_errors().
class Diagnostics {
 public:
  void add(Diagnostic d);
  void error(std::string file, uint32_t line, uint32_t column, std::string message,
             std::string source_line = {});
  void warning(std::string file, uint32_t line, uint32_t column, std::string message,
               std::string source_line = {});
  [[nodiscard]] bool has_errors() const;
  [[nodiscard]] size_t error_count() const;
  /// A copy of everything collected so far, in the order added.
  [[nodiscard]] std::vector<Diagnostic> all() const;

 private:
  mutable std::mutex mu_;
  std::vector<Diagnostic> items_;
};

}  // namespace nprcheck
