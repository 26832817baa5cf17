// Helpers shared by the report writers: escaping, file names, number formats, URIs.
#include "report_util.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "nprcheck/hash.hpp"
#include "nprcheck/report.hpp"

namespace nprcheck {

namespace {

bool stem_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

std::string unit_file_stem(std::string_view unit) {
  bool safe = !unit.empty() && unit.size() <= 64 && unit[0] != '_' && unit[0] != '-';
  for (char c : unit) safe = safe && stem_char(c);
  if (safe) return std::string(unit);
  // Ids that are safe never start with '_', so a hashed stem cannot collide with one.
  return "_" + sha256_hex(unit).substr(0, 16);
}

std::string csv_cell(std::string_view text) {
  std::string cell;
  report::append_csv_cell(cell, text);
  return cell;
}

namespace report {

OutFile::OutFile(std::string path)
    : path_(std::move(path)), out_(path_, std::ios::binary | std::ios::trunc) {}

Status OutFile::close() {
  out_.close();
  if (!out_) return Status::io_error(path_ + ": write failed (disk full?)");
  return Status::ok();
}

void append_csv_cell(std::string& out, std::string_view text) {
  // Excel evaluates cells that start with these as formulas (OWASP "CSV injection").
  const bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
                                         text[0] == '@' || text[0] == '\t' || text[0] == '\r');
  static constexpr auto kQuoted = [] {  // the bytes that make a cell quoted
    struct Table {
      bool v[256] = {};
    } t;
    for (unsigned char c : {';', '"', '\r', '\n'}) t.v[c] = true;
    return t;
  }();
  bool quote = false;
  for (char c : text) quote |= kQuoted.v[static_cast<unsigned char>(c)];
  if (!quote) {
    if (formula) out += '\'';
    out += text;
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_html_escaped(std::string& out, std::string_view text) {
  // The same mapping as html_escape(), byte by byte: 0 copied, 1-5 the entities, 6 dropped.
  static constexpr auto kClass = [] {
    struct Table {
      unsigned char v[256] = {};
    } t;
    for (int c = 0; c < 0x20; ++c) t.v[c] = 6;
    t.v[static_cast<unsigned char>('\t')] = 0;
    t.v[static_cast<unsigned char>('\n')] = 0;
    t.v[static_cast<unsigned char>('\r')] = 0;
    t.v[0x7f] = 6;
    t.v[static_cast<unsigned char>('&')] = 1;
    t.v[static_cast<unsigned char>('<')] = 2;
    t.v[static_cast<unsigned char>('>')] = 3;
    t.v[static_cast<unsigned char>('"')] = 4;
    t.v[static_cast<unsigned char>('\'')] = 5;
    return t;
  }();
  static constexpr std::string_view kEntity[] = {"",       "&amp;", "&lt;", "&gt;",
                                                 "&quot;", "&#39;", ""};
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char k = kClass.v[static_cast<unsigned char>(text[i])];
    if (k == 0) continue;
    out.append(text.data() + run, i - run);
    out += kEntity[k];
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

Status OutFile::open_error() const { return Status::io_error(path_ + ": cannot write"); }

const char* severity_label(Severity s) {
  switch (s) {
    case Severity::kError:
      return "feil";
    case Severity::kWarning:
      return "advarsel";
    case Severity::kInfo:
      return "info";
  }
  return "feil";
}

const char* severity_title(Severity s) {
  switch (s) {
    case Severity::kError:
      return "Feil";
    case Severity::kWarning:
      return "Advarsel";
    case Severity::kInfo:
      return "Info";
  }
  return "Feil";
}

const char* sarif_level(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "note";
  }
  return "error";
}

std::string format_count(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u202f";  // narrow no-break space
    out += digits[i];
  }
  return out;
}

std::string format_percent(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", r * 100.0);
  std::string s = buf;
  for (char& c : s) {
    if (c == '.') c = ',';
  }
  return s + "\u00a0%";
}

std::string format_points(double delta) {
  char buf[32];
  double p = std::round(delta * 1000.0) / 10.0;  // percentage points, one decimal
  if (p == 0.0) p = 0.0;                         // no "-0,0"
  std::snprintf(buf, sizeof buf, p > 0 ? "+%.1f" : "%.1f", p);
  std::string s = buf;
  for (char& c : s) {
    if (c == '.') c = ',';
  }
  if (!s.empty() && s[0] == '-') s = "\u2212" + s.substr(1);  // a real minus sign
  return s;
}

std::string format_delta(int64_t delta) {
  if (delta > 0) return "+" + std::to_string(delta);
  if (delta < 0) return "\u2212" + std::to_string(-delta);
  return "0";
}

double rate(uint64_t numerator, uint64_t denominator) {
  if (denominator == 0) return 0.0;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

double round6(double x) { return std::round(x * 1e6) / 1e6; }

std::string path_to_uri(std::string_view path) {
  std::string out;
  append_path_to_uri(out, path);
  return out;
}

void append_path_to_uri(std::string& out, std::string_view path) {
  static const char* kHex = "0123456789ABCDEF";
  if (!path.empty() && path[0] == '/') out += "file://";
  for (unsigned char c : path) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

std::string hex_to_base64(std::string_view hex) {
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto nibble = [](char c) -> unsigned {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    return 0;
  };
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1]));
  }
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i + 1 == bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string json_for_script(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xe2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
               (json[i + 2] == '\xa8' || json[i + 2] == '\xa9')) {
      out += json[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string unit_display_name(const std::string& unit, const std::string& unit_name) {
  if (!unit_name.empty()) return unit_name;
  if (!unit.empty()) return unit;
  return "(ukjent enhet)";
}

std::string docs_base_uri(const std::string& configured) {
  std::string base = configured;
  if (!base.empty() && base.back() != '/') base += '/';
  return base;
}

}  // namespace report

}  // namespace nprcheck
