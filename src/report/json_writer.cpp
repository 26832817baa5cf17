// JSON strings and numbers written directly, as nlohmann::json writes them.
//
// nlohmann::json decodes each string with a UTF-8 automaton (Unicode table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF). With error_handler_t::replace, a byte that
// cannot start a sequence becomes one U+FFFD; a sequence broken by a byte that cannot continue
// it becomes one U+FFFD and that byte is read again as a new start; a sequence cut off by the
// end of the string becomes one U+FFFD. This file does the same (the tests compare the two on
// random bytes).
#include "json_writer.hpp"

#include <charconv>

namespace nprcheck::report {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

/// Length of the well-formed sequence that starts at p[0] (a byte >= 0x80), or 0 when it is
/// ill-formed; then `skip` is how many bytes one U+FFFD stands for.
inline size_t utf8_sequence(const unsigned char* p, size_t avail, size_t& skip) {
  const unsigned char c = p[0];
  size_t need = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c == 0xE0) {
    need = 2;
    lo = 0xA0;
  } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    need = 2;
  } else if (c == 0xED) {
    need = 2;
    hi = 0x9F;
  } else if (c == 0xF0) {
    need = 3;
    lo = 0x90;
  } else if (c >= 0xF1 && c <= 0xF3) {
    need = 3;
  } else if (c == 0xF4) {
    need = 3;
    hi = 0x8F;
  } else {
    skip = 1;  // 80-C1, F5-FF cannot start a sequence
    return 0;
  }
  for (size_t k = 1; k <= need; ++k) {
    if (k >= avail) {
      skip = avail;  // cut off by the end
      return 0;
    }
    const unsigned char d = p[k];
    if (d < lo || d > hi) {
      skip = k;  // `d` starts afresh
      return 0;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  return need + 1;
}

enum class Mode { kRaw, kJson, kScript };

/// Per byte: 1 when copied as it is in JSON, 2 also in script mode; 0 for bytes that are
/// escaped and for every byte >= 0x80 (checked as UTF-8).
constexpr auto kPlain = [] {
  struct Table {
    unsigned char v[256] = {};
  } t;
  for (int c = 0x20; c < 0x80; ++c) {
    if (c == '"' || c == '\\') continue;
    t.v[c] = (c == '<' || c == '>' || c == '&') ? 1 : 3;
  }
  return t;
}();

/// Whether an ASCII byte is copied as it is.
template <Mode M>
inline bool plain(unsigned char c) {
  if constexpr (M == Mode::kRaw) {
    return c < 0x80;
  } else if constexpr (M == Mode::kJson) {
    return (kPlain.v[c] & 1) != 0;
  } else {
    return (kPlain.v[c] & 2) != 0;
  }
}

inline void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      break;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
  out.append(u, sizeof u);
}

template <Mode M>
void append_utf8(std::string& out, std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // The longest run that is copied as it is: plain ASCII and well-formed sequences.
    size_t j = i;
    size_t skip = 0;
    bool bad = false;
    bool separator = false;  // U+2028/U+2029 in script mode
    while (j < n) {
      while (j < n && plain<M>(p[j])) ++j;
      if (j == n) break;
      const unsigned char c = p[j];
      if (c < 0x80) break;  // escaped below
      const size_t len = utf8_sequence(p + j, n - j, skip);
      if (len == 0) {
        bad = true;
        break;
      }
      if constexpr (M == Mode::kScript) {
        if (len == 3 && c == 0xE2 && p[j + 1] == 0x80 && (p[j + 2] == 0xA8 || p[j + 2] == 0xA9)) {
          separator = true;
          break;
        }
      }
      j += len;
    }
    out.append(s.data() + i, j - i);
    if (j == n) break;
    if (bad) {
      out += kReplacement;
      i = j + skip;
    } else if (separator) {
      out += p[j + 2] == 0xA8 ? "\\u2028" : "\\u2029";
      i = j + 3;
    } else {
      const unsigned char c = p[j];
      if constexpr (M == Mode::kScript) {
        if (c == '<') {
          out += "\\u003c";
        } else if (c == '>') {
          out += "\\u003e";
        } else if (c == '&') {
          out += "\\u0026";
        } else {
          append_escape(out, c);
        }
      } else {
        append_escape(out, c);
      }
      i = j + 1;
    }
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view s, bool for_script) {
  out += '"';
  append_json_chars(out, s, for_script);
  out += '"';
}

void append_json_chars(std::string& out, std::string_view s, bool for_script) {
  if (for_script) {
    append_utf8<Mode::kScript>(out, s);
  } else {
    append_utf8<Mode::kJson>(out, s);
  }
}

void append_utf8_sanitised(std::string& out, std::string_view s) {
  append_utf8<Mode::kRaw>(out, s);
}

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t skip = 0;
  for (size_t j = 0; j < n;) {
    if (p[j] < 0x80) {
      ++j;
      continue;
    }
    const size_t len = utf8_sequence(p + j, n - j, skip);
    if (len == 0) return false;
    j += len;
  }
  return true;
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

void append_codes_json(std::string& out, const std::vector<FindingCode>& codes) {
  out += '[';
  bool first = true;
  for (const auto& c : codes) {
    out += first ? R"({"value":)" : R"(,{"value":)";
    first = false;
    append_json_string(out, c.verdi);
    out += R"(,"system":")";
    out += kode_system_name(c.system);
    out += R"(","year":)";
    append_int(out, c.table_year);
    out += R"(,"text":)";
    append_json_string(out, c.tekst);
    out += '}';
  }
  out += ']';
}

bool kode_system_from_name(std::string_view name, KodeSystem& out) {
  for (KodeSystem s : {KodeSystem::kIcd10, KodeSystem::kNcsp, KodeSystem::kNcmp, KodeSystem::kNcrp,
                       KodeSystem::kSarkode, KodeSystem::kPakkeforlop, KodeSystem::kOther}) {
    if (name == kode_system_name(s)) {
      out = s;
      return true;
    }
  }
  return false;
}

}  // namespace nprcheck::report
