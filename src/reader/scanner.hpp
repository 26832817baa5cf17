#pragma once
/// The reader's byte scanner: limits, character classes, lexer states and element records.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "chunk_text.hpp"

namespace nprcheck::reader {

constexpr size_t kBlockBytes = 256u << 10;        // bytes read from the source at a time
constexpr size_t kMaxDepth = 1000000;             // element nesting refused beyond this
constexpr size_t kMaxErrors = 100;                // per file; then the file is given up
constexpr size_t kLocalMax = 32;                  // longest local name the reader needs to know
constexpr size_t kNameKeep = 64;                  // bytes of a name kept for messages
constexpr size_t kMaxNamespaces = 256;            // namespace declarations tracked outside chunks
constexpr size_t kMaxSpareTexts = 256;            // chunk text buffers kept for reuse
constexpr size_t kMaxSpareTextBytes = 64u << 10;  // ... each at most this large
constexpr size_t kMaxItems = 4096;                // items next_chunks appends at most per call

inline std::string too_many_errors() {
  return "too many errors (" + std::to_string(kMaxErrors) + "): the rest of the file is not read";
}

inline std::string skipped_message() {
  return "this Objektholder (patient) was skipped because of the errors above: its episodes are "
         "not checked";
}

// Characters that need no attention in text content (ASCII, not < & or a line feed; tab and CR
// are fine). Everything else goes through the slow path.
struct CharTable {
  bool text[256]{};
  bool attr[256]{};
  bool name[256]{};
  constexpr CharTable() {
    for (int c = 0x20; c < 0x80; ++c) text[c] = c != '<' && c != '&';
    text[static_cast<unsigned char>('\t')] = true;
    text[static_cast<unsigned char>('\r')] = true;
    for (int c = 0; c < 256; ++c) attr[c] = text[c] && c != '"' && c != '\'';
    for (int c = 'a'; c <= 'z'; ++c) name[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) name[c] = true;
    for (int c = '0'; c <= '9'; ++c) name[c] = true;
    name[static_cast<unsigned char>('-')] = true;
    name[static_cast<unsigned char>('.')] = true;
    name[static_cast<unsigned char>('_')] = true;
    name[static_cast<unsigned char>(':')] = true;
    for (int c = 0x80; c < 256; ++c) name[c] = true;
  }
};
constexpr CharTable kChars;

inline bool is_name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

/// What an open element is to the reader.
enum class Kind : uint8_t { kOther, kMsgHead, kMelding, kInstitusjon, kEnhet, kObjektholder };

/// Lexer states; the scanner can stop after any byte and go on with the next block.
enum class St : uint8_t {
  kText,
  kLt,         // after '<'
  kStartName,  // element name of a start tag
  kTagSpace,   // inside a start tag, between attributes
  kAttrName,
  kAttrEq,     // after an attribute name and white space, expecting '='
  kAttrQuote,  // after '=', expecting a quote
  kAttrValue,
  kAfterValue,  // after the closing quote
  kEmptyEnd,    // after '/' in a start tag
  kEndName,     // element name of an end tag
  kEndSpace,    // after the name of an end tag
  kPiTarget,
  kPi,
  kPiQuestion,  // '?' inside a PI
  kBang,        // after '<!'
  kComment,
  kCdata,
  kRef,  // after '&'
};

/// The first bytes of a name, kept for messages (names may be any length).
struct KeptName {
  char buf[kNameKeep];
  size_t len = 0;
  void clear() { len = 0; }
  void add(char c) {
    if (len < kNameKeep) buf[len++] = c;
  }
  [[nodiscard]] std::string_view view() const { return {buf, len}; }
  [[nodiscard]] std::string str() const { return std::string(buf, len); }
};

constexpr uint64_t kFnvBasis = 1469598103934665603ull;  ///< FNV-1a, 64 bits
constexpr uint64_t kFnvPrime = 1099511628211ull;

/// The key of a name (its kept bytes, its length and `tail`, the FNV-1a hash of the bytes beyond
/// the kept ones): names are compared and attributes told apart by it.
uint64_t name_key(const KeptName& keep, uint64_t len, uint64_t tail);

/// One open element.
struct Open {
  uint64_t hash;
  uint64_t name_len;
  uint32_t line;
  uint32_t name_off;  // into stack_names_
  uint16_t name_keep;
  Kind kind;
};

/// Where the scanner is in the input: a position, its line and column.
using Pos = TextPos;

}  // namespace nprcheck::reader
