// The light chunk parser (see fast_chunk.hpp): declines whatever is not plain.
#include "fast_chunk.hpp"

#include <cstring>

namespace nprcheck::reader {

namespace {

/// Byte classes of the light parser (names ASCII only: pugixml takes more, then it is asked).
struct CharClasses {
  bool name_start[256]{};
  bool name[256]{};
  bool space[256]{};
  bool value_stop[256]{};  ///< ends the plain part of an attribute value
  constexpr CharClasses() {
    for (int c = 'a'; c <= 'z'; ++c) name_start[c] = name[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) name_start[c] = name[c] = true;
    name_start[static_cast<unsigned char>('_')] = name[static_cast<unsigned char>('_')] = true;
    name_start[static_cast<unsigned char>(':')] = name[static_cast<unsigned char>(':')] = true;
    for (int c = '0'; c <= '9'; ++c) name[c] = true;
    name[static_cast<unsigned char>('-')] = true;
    name[static_cast<unsigned char>('.')] = true;
    for (char c : {' ', '\t', '\n', '\r'}) space[static_cast<unsigned char>(c)] = true;
    for (int c = 0; c < 0x20; ++c) value_stop[c] = true;
    for (char c : {'"', '\'', '&', '<'}) value_stop[static_cast<unsigned char>(c)] = true;
  }
};
constexpr CharClasses kChars;

}  // namespace

bool FastDoc::parse(std::string_view text) {
  elements_.clear();
  attributes_.clear();
  open_.clear();
  // Memory stays bounded: what a huge chunk needed is not kept for the small ones after it.
  if (buf_.capacity() > (size_t{1} << 20) && buf_.capacity() > 4 * text.size()) {
    std::string().swap(buf_);
    std::vector<Element>().swap(elements_);
    std::vector<Attribute>().swap(attributes_);
    std::vector<uint32_t>().swap(open_);
  }
  if (text.empty() || text.size() >= UINT32_MAX / 2) return false;
  // pugixml ends its input at a NUL byte; the scanner lets one through only in the chunk's own
  // start tag (the error it reports does not skip the chunk): leave such chunks to pugixml.
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) return false;
  // A copy with a NUL after it: every loop below stops at that NUL (no byte of a name, value or
  // white space is NUL), so they need no bounds test; a NUL inside the chunk is declined.
  buf_.assign(text);
  const auto* s = reinterpret_cast<const unsigned char*>(buf_.c_str());
  const size_t n = text.size();
  size_t p = 0;
  for (;;) {
    if (s[p] != '<') {
      if (open_.empty()) return false;  // text before the root element
      const void* lt = std::memchr(s + p, '<', n - p);
      if (lt == nullptr) return false;
      p = static_cast<size_t>(static_cast<const unsigned char*>(lt) - s);
    }
    ++p;                // after '<'
    if (s[p] == '/') {  // an end tag
      if (open_.empty()) return false;
      const Element& e = elements_[open_.back()];
      ++p;
      if (n - p < e.name_len || std::memcmp(s + p, s + e.name, e.name_len) != 0) return false;
      p += e.name_len;
      while (kChars.space[s[p]]) ++p;
      if (s[p] != '>') return false;
      ++p;
      open_.pop_back();
      if (open_.empty()) break;
      continue;
    }
    if (!kChars.name_start[s[p]]) return false;  // comments, CDATA, PIs, anything odd: pugixml's
    const size_t name_at = p;
    while (kChars.name[s[p]]) ++p;
    Element e;
    e.name = static_cast<uint32_t>(name_at);
    e.name_len = static_cast<uint32_t>(p - name_at);
    e.offset = static_cast<uint32_t>(name_at);
    const auto idx = static_cast<uint32_t>(elements_.size());
    if (!open_.empty()) {
      e.parent = open_.back();
      Element& parent = elements_[e.parent];
      if (parent.last_child == kNone) {
        parent.first_child = idx;
      } else {
        elements_[parent.last_child].next_sibling = idx;
      }
      parent.last_child = idx;
    } else if (idx != 0) {
      return false;  // a second root
    }
    e.first_attr = static_cast<uint32_t>(attributes_.size());
    elements_.push_back(e);
    // Attributes, then '>' or '/>'.
    bool empty = false;
    for (;;) {
      const size_t space_at = p;
      while (kChars.space[s[p]]) ++p;
      if (s[p] == '>') {
        ++p;
        break;
      }
      if (s[p] == '/') {
        if (s[p + 1] != '>') return false;
        p += 2;
        empty = true;
        break;
      }
      if (p == space_at || !kChars.name_start[s[p]]) return false;
      Attribute a;
      a.name = static_cast<uint32_t>(p);
      while (kChars.name[s[p]]) ++p;
      a.name_len = static_cast<uint32_t>(p - a.name);
      if (s[p] != '=') return false;
      ++p;
      const unsigned char quote = s[p];
      if (quote != '"' && quote != '\'') return false;
      ++p;
      a.value = static_cast<uint32_t>(p);
      for (;;) {
        while (!kChars.value_stop[s[p]]) ++p;
        if (s[p] == quote) break;
        // The other quote is text; references, white space to normalise and '<' are pugixml's.
        if (s[p] != '"' && s[p] != '\'') return false;
        ++p;
      }
      a.value_len = static_cast<uint32_t>(p - a.value);
      a.owner = idx;
      attributes_.push_back(a);
      ++elements_[idx].attrs;
      ++p;  // the closing quote
    }
    if (!empty) {
      open_.push_back(idx);
    } else if (open_.empty()) {
      break;
    }
  }
  if (p != n) return false;  // anything after the root element
  // Terminate the names and values in place (each is followed by a byte no longer needed).
  char* w = buf_.data();
  for (const auto& e : elements_) w[e.name + e.name_len] = '\0';
  for (const auto& a : attributes_) {
    w[a.name + a.name_len] = '\0';
    w[a.value + a.value_len] = '\0';
  }
  return true;
}

}  // namespace nprcheck::reader
