// findings.ndjson lines in the form nprcheck writes them, read without a JSON DOM.
//
// The nightly step reads findings.ndjson back (waivers, history) and the reports then replay
// it: with nlohmann::json that was a DOM of ~60 allocations per finding. Lines in the exact
// form append_finding_json() writes are read here directly into a reused Finding; any other
// line (hand-edited, other key order, spaces, other escapes) goes to nlohmann::json as before,
// so what is accepted and every error message stay the same.
#include "finding_line.hpp"

#include <cstring>
#include <limits>

#include "json_writer.hpp"

namespace nprcheck::report {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// A cursor over one line; every read returns false when the line is not in the exact form.
struct Line {
  const char* p;
  const char* end;

  bool lit(std::string_view s) {
    if (static_cast<size_t>(end - p) < s.size() || std::memcmp(p, s.data(), s.size()) != 0) {
      return false;
    }
    p += s.size();
    return true;
  }

  /// A JSON string with the escapes append_json_string() writes; valid UTF-8 only.
  bool str(std::string& out) {
    if (p == end || *p != '"') return false;
    ++p;
    out.clear();
    for (;;) {
      const char* q = p;
      while (q < end && *q != '"' && *q != '\\' && static_cast<unsigned char>(*q) >= 0x20) ++q;
      out.append(p, static_cast<size_t>(q - p));
      if (q == end || static_cast<unsigned char>(*q) < 0x20) return false;
      if (*q == '"') {
        p = q + 1;
        break;
      }
      if (end - q < 2) return false;
      switch (q[1]) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          // Only the control characters \u0000-\u001f, as the writer escapes them.
          if (end - q < 6 || q[2] != '0' || q[3] != '0') return false;
          const int hi = hex_digit(q[4]);
          const int lo = hex_digit(q[5]);
          if (hi < 0 || hi > 1 || lo < 0) return false;
          out += static_cast<char>(hi * 16 + lo);
          p = q + 6;
          continue;
        }
        default:
          return false;
      }
      p = q + 2;
    }
    // Escapes only add ASCII, so the string is valid exactly when its raw bytes are.
    return is_valid_utf8(out);
  }

  /// An integer in [lo, hi] as JSON writes it (no leading zeros, no fraction or exponent).
  bool integer(int64_t& v, int64_t lo, int64_t hi) {
    const bool negative = p < end && *p == '-';
    const char* q = negative ? p + 1 : p;
    const char* digits = q;
    int64_t n = 0;
    while (q < end && *q >= '0' && *q <= '9' && q - digits < 12) n = n * 10 + (*q++ - '0');
    const size_t count = static_cast<size_t>(q - digits);
    if (count == 0 || (count > 1 && *digits == '0')) return false;
    if (q < end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E')) return false;
    v = negative ? -n : n;
    if (v < lo || v > hi) return false;
    p = q;
    return true;
  }
  bool int32(int& out) {
    int64_t v = 0;
    if (!integer(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max())) {
      return false;
    }
    out = static_cast<int>(v);
    return true;
  }
};

}  // namespace

bool parse_finding_line(std::string_view text, Finding& f) {
  Line l{text.data(), text.data() + text.size()};
  std::string& scratch = f.waiver_reason;  // set last: holds the severity, fingerprint, ...
  if (!l.lit(R"({"rule":)") || !l.str(f.rule_id) || !l.lit(R"(,"version":)") ||
      !l.int32(f.rule_version) || !l.lit(R"(,"severity":)") || !l.str(scratch) ||
      !parse_severity(scratch, f.severity) || !l.lit(R"(,"isf":)")) {
    return false;
  }
  if (l.lit("true")) {
    f.isf = true;
  } else if (l.lit("false")) {
    f.isf = false;
  } else {
    return false;
  }
  int64_t line = 0;
  if (!l.lit(R"(,"episode":)") || !l.str(f.episode_id) || !l.lit(R"(,"pasient":)") ||
      !l.str(f.pasient_nr) || !l.lit(R"(,"unit":)") || !l.str(f.unit) ||
      !l.lit(R"(,"unit_name":)") || !l.str(f.unit_name) || !l.lit(R"(,"avdeling":)") ||
      !l.str(f.avdeling) || !l.lit(R"(,"dato":)") || !l.str(f.dato) || !l.lit(R"(,"file":)") ||
      !l.str(f.file) || !l.lit(R"(,"line":)") ||
      !l.integer(line, 0, std::numeric_limits<uint32_t>::max()) || !l.lit(R"(,"codes":[)")) {
    return false;
  }
  f.line = static_cast<uint32_t>(line);
  size_t n = 0;
  if (!l.lit("]")) {
    do {
      if (n == f.codes.size()) f.codes.emplace_back();
      FindingCode& c = f.codes[n++];
      if (!l.lit(R"({"value":)") || !l.str(c.verdi) || !l.lit(R"(,"system":)") || !l.str(scratch) ||
          !l.lit(R"(,"year":)") || !l.int32(c.table_year) || !l.lit(R"(,"text":)") ||
          !l.str(c.tekst) || !l.lit("}")) {
        return false;
      }
      c.system = KodeSystem::kOther;
      if (!scratch.empty() && !kode_system_from_name(scratch, c.system)) return false;
    } while (l.lit(","));
    if (!l.lit("]")) return false;
  }
  f.codes.resize(n);
  if (!l.lit(R"(,"message":)") || !l.str(f.message) || !l.lit(R"(,"fingerprint":)") ||
      !l.str(scratch)) {
    return false;
  }
  f.novelty = Finding::Novelty::kUnknown;
  if (l.lit(R"(,"status":)")) {
    if (!l.str(scratch)) return false;
    if (scratch == "new") {
      f.novelty = Finding::Novelty::kNew;
    } else if (scratch == "persisting") {
      f.novelty = Finding::Novelty::kPersisting;
    } else if (!scratch.empty()) {
      return false;
    }
  }
  f.first_seen.clear();
  if (l.lit(R"(,"first_seen":)") && !l.str(f.first_seen)) return false;
  f.nights = 0;
  if (l.lit(R"(,"nights":)") && !l.int32(f.nights)) return false;
  f.waived = l.lit(R"(,"waived":true)");
  scratch.clear();  // now f.waiver_reason
  if (l.lit(R"(,"waiver_reason":)") && !l.str(f.waiver_reason)) return false;
  if (!l.lit("}") || l.p != l.end) return false;
  f.file_id = 0;
  f.episode_sequence = 0;
  f.object_index = 0;
  return true;
}

}  // namespace nprcheck::report
