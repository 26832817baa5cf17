// Reading `;`-separated table files: encoding detection, lines and quoted fields.
#include "table_text.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

#include "nprcheck/diagnostic.hpp"

namespace nprcheck::table_text {

const char* encoding_name(Encoding e) {
  switch (e) {
    case Encoding::kUtf8:
      return "UTF-8";
    case Encoding::kUtf8Bom:
      return "UTF-8 with BOM";
    case Encoding::kWindows1252:
      return "Windows-1252";
  }
  return "UTF-8";
}

Result<TextFile> read_text_file(const std::filesystem::path& path, uint64_t max_bytes) {
  auto bytes = read_regular_file(path, max_bytes);
  if (!bytes) {
    if (bytes.status().message() == "no such file")
      return Status::not_found("cannot open the file");
    return Status::io_error("cannot read the file: " + bytes.status().message());
  }
  TextFile f;
  f.raw = std::move(*bytes);
  std::string_view raw = f.raw;
  auto starts = [&](std::string_view p) { return raw.substr(0, p.size()) == p; };
  if (starts(std::string_view("\xFF\xFE", 2)) || starts(std::string_view("\xFE\xFF", 2))) {
    return Status::invalid_input(
        "UTF-16 text is not supported; save the file as UTF-8 (or Windows-1252) ';'-separated "
        "text");
  }
  if (starts("\xEF\xBB\xBF")) {
    raw.remove_prefix(3);
    f.encoding = Encoding::kUtf8Bom;
  }
  if (!is_valid_utf8(raw)) {
    f.converted = windows1252_to_utf8(raw);
    f.encoding = Encoding::kWindows1252;
  }
  return f;
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // Eight ASCII bytes at a time (most of a table is ASCII).
    if (i + 8 <= n) {
      uint64_t word = 0;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string windows1252_to_utf8(std::string_view s) {
  // 0x80..0x9F; 0 marks the five bytes Windows-1252 leaves undefined.
  static constexpr uint16_t kHigh[32] = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    uint32_t cp = c;
    if (c < 0x80) {
      out += ch;
      continue;
    }
    if (c < 0xA0) {
      cp = kHigh[c - 0x80];
      if (cp == 0) cp = 0xFFFD;
    }
    if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

bool LineReader::next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  size_t end = text_.find('\n', pos_);
  if (end == std::string_view::npos) end = text_.size();
  line = text_.substr(pos_, end - pos_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos_ = end + 1;
  ++line_;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool split_fields(std::string_view line, char sep, std::vector<Field>& out, std::string& error) {
  // The Field strings of the previous line are overwritten, not freed: their capacity stays.
  size_t count = 0;
  auto next_field = [&]() -> Field& {
    if (count == out.size()) out.emplace_back();
    Field& f = out[count++];
    f.value.clear();
    return f;
  };
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    // Leading blanks are not part of the value; the column points at the value.
    size_t start = i;
    while (start < n && (line[start] == ' ' || line[start] == '\t') && line[start] != sep) ++start;
    if (start < n && line[start] == '"') {
      Field& f = next_field();
      f.column = static_cast<uint32_t>(start + 1);
      size_t j = start + 1;
      bool closed = false;
      while (j < n) {
        if (line[j] == '"') {
          if (j + 1 < n && line[j + 1] == '"') {
            f.value += '"';
            j += 2;
            continue;
          }
          closed = true;
          ++j;
          break;
        }
        f.value += line[j++];
      }
      if (!closed) {
        out.resize(count - 1);  // the fields before this one, as before the error
        error = "unterminated quote in field starting at column " + std::to_string(start + 1);
        return false;
      }
      // Anything up to the separator after the closing quote is kept (trimmed).
      size_t end = line.find(sep, j);
      if (end == std::string_view::npos) end = n;
      f.value += trim(line.substr(j, end - j));
      if (end >= n) break;
      i = end + 1;
    } else {
      Field& f = next_field();
      f.column = static_cast<uint32_t>(start + 1);
      size_t end = line.find(sep, i);
      if (end == std::string_view::npos) end = n;
      f.value.assign(trim(line.substr(i, end - i)));
      if (end >= n) break;
      i = end + 1;
    }
  }
  out.resize(count);
  return true;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool equals_lower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

std::string normalize_name(std::string_view s) {
  std::string in = to_lower(trim(s));
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '_' || c == '-' || c == ' ') continue;
    if (c == '\xC3' && i + 1 < in.size()) {
      char d = in[i + 1];
      if (d == '\xA5' || d == '\x85') {  // å Å
        out += 'a';
        ++i;
        continue;
      }
      if (d == '\xB8' || d == '\x98') {  // ø Ø
        out += 'o';
        ++i;
        continue;
      }
      if (d == '\xA6' || d == '\x86') {  // æ Æ
        out += "ae";
        ++i;
        continue;
      }
    }
    out += c;
  }
  return out;
}

std::string excerpt(std::string_view line, uint32_t column) {
  return excerpt_line(line, 1, column);
}

char wrong_separator(std::string_view line) {
  if (line.find(';') != std::string_view::npos) return 0;
  if (line.find('\t') != std::string_view::npos) return '\t';
  if (line.find(',') != std::string_view::npos) return ',';
  return 0;
}

}  // namespace nprcheck::table_text
