// LEGACY COPY of src/reader/xml_text.hpp as it was before issue 16 (the differential fuzz target
// compares it with the current reader); namespace nprcheck::legacy_reader. Do not edit.
#pragma once
/// Small XML text helpers of the reader: names, declarations, attributes, references, encodings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nprcheck::legacy_reader {

/// XML white space (space, tab, CR, LF).
inline bool is_xml_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// The local part of a qualified name: `npr:Episode` -> `Episode`.
inline std::string_view local_name(std::string_view qname) {
  auto colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

/// Whether `cp` is a character XML 1.0 allows in a document.
inline bool is_xml_char(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/// How the text of a file is encoded, from its byte order mark and XML declaration.
enum class TextEncoding { kUtf8, kWindows1252, kUnsupported };

/// What the start of a file says about its encoding.
struct EncodingInfo {
  TextEncoding encoding = TextEncoding::kUtf8;
  size_t bom_bytes = 0;   ///< bytes of a UTF-8 byte order mark to skip
  bool declared = false;  ///< an XML declaration names the encoding
  std::string name;       ///< the declared (or detected) encoding name, as written
};

/// Looks at the first bytes of a file (BOM, UTF-16 patterns, `<?xml ... encoding="..."?>`).
EncodingInfo detect_encoding(std::string_view head);

/// Appends `in` (ISO-8859-1 / windows-1252) converted to UTF-8 to `out`.
void windows1252_to_utf8(std::string_view in, std::string& out);

/// One attribute of a start tag: qualified name and raw (still escaped) value.
struct RawAttribute {
  std::string_view qname;
  std::string_view raw_value;
};

/// Splits a complete, already checked start tag `<name a="1" b='2'>` into its attributes.
void split_attributes(std::string_view tag, std::vector<RawAttribute>& out);

/// Resolves the references of an attribute value and normalises white space to spaces.
std::string attribute_value(std::string_view raw);

/// Checks the body of a reference (between `&` and `;`): nullopt if fine, else what is wrong.
std::optional<std::string> check_reference(std::string_view body);

/// Replaces invalid UTF-8 and control characters (other than tab) by U+FFFD, so that text from
/// a broken file can be shown and written to JSON safely.
std::string sanitize_utf8(std::string_view text);

/// `"value"`, clipped to a readable length (without cutting a UTF-8 sequence).
std::string quote_value(std::string_view value, size_t max_len = 48);

}  // namespace nprcheck::legacy_reader
