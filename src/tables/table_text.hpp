#pragma once
/// Reading `;`-separated table files (code tables, units catalogue): encodings, lines, fields.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/file_input.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck::table_text {

/// Size limit of one code table file (the real ones are under 2 MB).
constexpr uint64_t kMaxTableFileBytes = 256u << 20;

/// How a file's bytes were encoded before they were turned into UTF-8.
enum class Encoding { kUtf8, kUtf8Bom, kWindows1252 };

/// `UTF-8`, `UTF-8 with BOM` or `Windows-1252`.
const char* encoding_name(Encoding e);

/// A text file as read: its raw bytes (for the hash) and its text as UTF-8 without BOM. The
/// text is a view into the raw bytes unless they had to be converted (nothing is copied).
struct TextFile {
  std::string raw;
  std::string converted;  ///< the UTF-8 text of a Windows-1252 file; empty otherwise
  Encoding encoding = Encoding::kUtf8;

  /// The text as UTF-8 without BOM.
  [[nodiscard]] std::string_view text() const {
    if (encoding == Encoding::kWindows1252) return converted;
    return std::string_view(raw).substr(encoding == Encoding::kUtf8Bom ? 3 : 0);
  }
};

/// Reads a file; UTF-8 (with or without BOM) is kept, anything else that is not valid UTF-8 is
/// taken as Windows-1252 and converted. Fails on I/O errors and on UTF-16 files (the message
/// does not name the file: callers add it), on a file that is not regular (FIFO, device,
/// folder, dangling symlink) and on one larger than `max_bytes`.
Result<TextFile> read_text_file(const std::filesystem::path& path,
                                uint64_t max_bytes = kMaxTableFileBytes);

/// True if `s` is well-formed UTF-8 (no overlong forms, no surrogates).
bool is_valid_utf8(std::string_view s);
/// Converts Windows-1252 bytes to UTF-8 (undefined bytes become U+FFFD).
std::string windows1252_to_utf8(std::string_view s);

/// Iterates the lines of a text (LF or CRLF), numbering them from 1.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  /// The next line without its line end; false at the end of the text.
  bool next(std::string_view& line);
  /// The 1-based number of the line last returned.
  [[nodiscard]] uint32_t line_number() const { return line_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 0;
};

/// One field of a line: its value (trimmed, quotes removed) and its 1-based byte column.
struct Field {
  std::string value;
  uint32_t column = 1;
};

/// Splits `line` on `sep`; a field may be quoted with `"` (`""` inside is one quote).
/// Returns false with `error` set on an unterminated quote. The strings of `out` are reused
/// from call to call (no allocation per field once they are large enough).
bool split_fields(std::string_view line, char sep, std::vector<Field>& out, std::string& error);

/// `s` without leading and trailing spaces and tabs.
std::string_view trim(std::string_view s);
/// ASCII lower case.
std::string to_lower(std::string_view s);
/// True if `s` equals the lower-case `lower` in ASCII case-insensitive comparison.
bool equals_lower(std::string_view s, std::string_view lower);
/// A column name for matching: lower case, without `_`, `-` and spaces; å/ø/æ as a/o/ae.
std::string normalize_name(std::string_view s);

/// The line clipped for a diagnostic.
std::string excerpt(std::string_view line, uint32_t column = 0);

/// If a line that should hold `;`-separated fields uses another separator, which one it is
/// (`','` or `'\t'`); 0 otherwise.
char wrong_separator(std::string_view line);

}  // namespace nprcheck::table_text
