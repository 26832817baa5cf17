// LEGACY COPY of src/reader/xml_text.cpp as it was before issue 16 (the differential fuzz target
// compares it with the current reader); namespace nprcheck::legacy_reader. Do not edit.
// XML text helpers: encodings, start-tag attributes, references.
#include "xml_text.hpp"

#include <algorithm>
#include <cctype>

namespace nprcheck::legacy_reader {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// The value of pseudo-attribute `name` in an XML declaration, or nullopt.
std::optional<std::string> declaration_value(std::string_view decl, std::string_view name) {
  size_t at = 0;
  while ((at = decl.find(name, at)) != std::string_view::npos) {
    size_t p = at + name.size();
    bool boundary = at > 0 && is_xml_space(static_cast<unsigned char>(decl[at - 1]));
    while (p < decl.size() && is_xml_space(static_cast<unsigned char>(decl[p]))) ++p;
    if (boundary && p < decl.size() && decl[p] == '=') {
      ++p;
      while (p < decl.size() && is_xml_space(static_cast<unsigned char>(decl[p]))) ++p;
      if (p < decl.size() && (decl[p] == '"' || decl[p] == '\'')) {
        char q = decl[p];
        size_t end = decl.find(q, p + 1);
        if (end != std::string_view::npos) return std::string(decl.substr(p + 1, end - p - 1));
      }
      return std::nullopt;
    }
    at = p;
  }
  return std::nullopt;
}

void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// windows-1252 0x80..0x9F; the five undefined bytes map to the C1 controls (as ISO-8859-1).
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

/// Parses the number of a character reference; nullopt when it is not a number or too large.
std::optional<uint32_t> char_ref_value(std::string_view body) {
  // body is "#123" or "#x1F"
  bool hex = body.size() > 1 && body[1] == 'x';
  std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (hex && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (hex && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    v = v * (hex ? 16 : 10) + static_cast<uint64_t>(d);
    if (v > 0x10FFFF) return static_cast<uint32_t>(0x110000);  // beyond Unicode: invalid
  }
  return static_cast<uint32_t>(v);
}

}  // namespace

EncodingInfo detect_encoding(std::string_view head) {
  EncodingInfo info;
  auto byte = [&](size_t i) { return i < head.size() ? static_cast<unsigned char>(head[i]) : 0u; };
  if (byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF) {
    info.bom_bytes = 3;
    head.remove_prefix(3);
  } else if ((byte(0) == 0xFF && byte(1) == 0xFE) || (byte(0) == 0xFE && byte(1) == 0xFF)) {
    info.encoding = TextEncoding::kUnsupported;
    info.name = "UTF-16 (byte order mark)";
    return info;
  } else if (head.size() >= 4 &&
             ((byte(0) == '<' && byte(1) == 0 && byte(2) == '?' && byte(3) == 0) ||
              (byte(0) == 0 && byte(1) == '<' && byte(2) == 0 && byte(3) == '?'))) {
    info.encoding = TextEncoding::kUnsupported;
    info.name = "UTF-16";
    return info;
  }
  if (head.size() >= 6 && head.substr(0, 5) == "<?xml" && is_xml_space(byte(5))) {
    size_t end = head.find("?>");
    if (end == std::string_view::npos) return info;  // the scanner reports the broken declaration
    auto enc = declaration_value(head.substr(5, end - 5), "encoding");
    if (!enc) return info;
    info.declared = true;
    info.name = *enc;
    std::string e = lower(*enc);
    if (e == "utf-8" || e == "utf8" || e == "us-ascii" || e == "ascii") {
      info.encoding = TextEncoding::kUtf8;
    } else if (e == "iso-8859-1" || e == "iso8859-1" || e == "iso_8859-1" || e == "latin1" ||
               e == "latin-1" || e == "l1" || e == "windows-1252" || e == "cp1252" ||
               e == "x-cp1252") {
      info.encoding = TextEncoding::kWindows1252;
    } else {
      info.encoding = TextEncoding::kUnsupported;
    }
  }
  return info;
}

void windows1252_to_utf8(std::string_view in, std::string& out) {
  out.reserve(out.size() + in.size() + in.size() / 8);
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else if (c < 0xA0) {
      append_utf8(kCp1252High[c - 0x80], out);
    } else {
      append_utf8(c, out);
    }
  }
}

void split_attributes(std::string_view tag, std::vector<RawAttribute>& out) {
  out.clear();
  size_t p = 1;  // after '<'
  auto at_space = [&] {
    return p < tag.size() && is_xml_space(static_cast<unsigned char>(tag[p]));
  };
  auto name_char = [&] {
    if (p >= tag.size()) return false;
    char c = tag[p];
    return !is_xml_space(static_cast<unsigned char>(c)) && c != '=' && c != '>' && c != '/';
  };
  while (name_char()) ++p;  // element name
  for (;;) {
    while (at_space()) ++p;
    size_t n0 = p;
    while (name_char()) ++p;
    if (p == n0) return;  // '>' or '/>' or the end
    std::string_view name = tag.substr(n0, p - n0);
    while (at_space()) ++p;
    if (p >= tag.size() || tag[p] != '=') return;
    ++p;
    while (at_space()) ++p;
    if (p >= tag.size() || (tag[p] != '"' && tag[p] != '\'')) return;
    char q = tag[p];
    size_t end = tag.find(q, p + 1);
    if (end == std::string_view::npos) return;
    out.push_back({name, tag.substr(p + 1, end - p - 1)});
    p = end + 1;
  }
}

std::optional<std::string> check_reference(std::string_view body) {
  if (body == "lt" || body == "gt" || body == "amp" || body == "apos" || body == "quot") {
    return std::nullopt;
  }
  if (!body.empty() && body[0] == '#') {
    auto v = char_ref_value(body);
    if (!v) return "malformed character reference";
    if (!is_xml_char(*v)) return "character reference to a character XML does not allow";
    return std::nullopt;
  }
  if (body.empty()) return "empty reference '&;'";
  return "undefined entity (only &lt; &gt; &amp; &apos; &quot; and character references exist "
         "without a DTD, and DTDs are refused)";
}

std::string attribute_value(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\t' || c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '&') {
      size_t semi = raw.find(';', i + 1);
      if (semi == std::string_view::npos) {
        out += c;
        continue;
      }
      std::string_view body = raw.substr(i + 1, semi - i - 1);
      if (body == "lt") {
        out += '<';
      } else if (body == "gt") {
        out += '>';
      } else if (body == "amp") {
        out += '&';
      } else if (body == "apos") {
        out += '\'';
      } else if (body == "quot") {
        out += '"';
      } else if (!body.empty() && body[0] == '#') {
        auto v = char_ref_value(body);
        if (v && is_xml_char(*v)) {
          append_utf8(*v, out);
        } else {
          out += '?';
        }
      } else {
        out.append(raw.substr(i, semi - i + 1));  // refused elsewhere; kept as written
      }
      i = semi;
    } else {
      out += c;
    }
  }
  return out;
}

std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const char* kReplacement = "\xEF\xBF\xBD";
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t') {
        out += kReplacement;
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    size_t need = c >= 0xC2 && c <= 0xDF   ? 1
                  : c >= 0xE0 && c <= 0xEF ? 2
                  : c >= 0xF0 && c <= 0xF4 ? 3
                                           : 0;
    uint32_t cp = need == 1 ? c & 0x1Fu : need == 2 ? c & 0x0Fu : c & 0x07u;
    size_t k = 1;
    while (need > 0 && k <= need && i + k < text.size() &&
           (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
      ++k;
    }
    uint32_t min = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000;
    if (need == 0 || k != need + 1 || cp < min || !is_xml_char(cp)) {
      out += kReplacement;
      i += need == 0 ? 1 : k;
      continue;
    }
    out.append(text.substr(i, k));
    i += k;
  }
  return out;
}

std::string quote_value(std::string_view value, size_t max_len) {
  std::string out = "\"";
  if (value.size() <= max_len) {
    out.append(value);
  } else {
    size_t n = max_len;
    while (n > 0 && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) --n;
    out.append(value.substr(0, n));
    out += "...";
  }
  out += '"';
  return out;
}

}  // namespace nprcheck::legacy_reader
