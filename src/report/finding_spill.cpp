// Findings in a compact binary form: the fast replay format for the report passes of one run.
//
// A report run replays the findings several times (CSV, SARIF, key figures, the split by unit,
// each unit's pages). Parsing findings.ndjson every time cost more than writing the reports, so
// the run converts it once into this format. It is private to one run of one build: fixed-width
// native integers and length-prefixed strings, one length-prefixed record per finding.
#include "finding_spill.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include "json_writer.hpp"

namespace nprcheck {

namespace report {

namespace {

template <typename T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

void put_string(std::string& out, const std::string& s) {
  put<uint32_t>(out, static_cast<uint32_t>(s.size()));
  out += s;
}

/// A string as it reads back from JSON: invalid UTF-8 replaced by U+FFFD.
void put_sanitised(std::string& out, const std::string& s) {
  const size_t at = out.size();
  put<uint32_t>(out, 0);
  append_utf8_sanitised(out, s);
  const auto n = static_cast<uint32_t>(out.size() - at - sizeof(uint32_t));
  std::memcpy(out.data() + at, &n, sizeof n);
}

/// Reads fields back from one record; any read past its end makes `ok` false.
struct Cursor {
  std::string_view rest;
  bool ok = true;

  template <typename T>
  T get() {
    T v{};
    if (rest.size() < sizeof(T)) {
      ok = false;
      return v;
    }
    std::memcpy(&v, rest.data(), sizeof(T));
    rest.remove_prefix(sizeof(T));
    return v;
  }
  /// Reads a string into `s`, reusing its capacity.
  void get_string(std::string& s) {
    const auto n = get<uint32_t>();
    if (!ok || rest.size() < n) {
      ok = false;
      s.clear();
      return;
    }
    s.assign(rest.data(), n);
    rest.remove_prefix(n);
  }
};

/// One record; `kAsJson`: the finding as its findings.ndjson line reads back (strings
/// sanitised, nights below 1 as 0, order keys 0: what finding_from_json() gives).
template <bool kAsJson>
void encode(std::string& out, const Finding& f) {
  auto str = [&out](const std::string& s) {
    if constexpr (kAsJson) {
      put_sanitised(out, s);
    } else {
      put_string(out, s);
    }
  };
  const size_t start = out.size();
  put<uint32_t>(out, 0);  // the record's length, filled in below
  str(f.rule_id);
  put<int32_t>(out, f.rule_version);
  put<uint8_t>(out, static_cast<uint8_t>(f.severity));
  put<uint8_t>(out, f.isf ? 1 : 0);
  str(f.message);
  str(f.file);
  put<uint32_t>(out, f.line);
  str(f.episode_id);
  str(f.pasient_nr);
  str(f.avdeling);
  str(f.unit);
  str(f.unit_name);
  str(f.dato);
  put<uint32_t>(out, static_cast<uint32_t>(f.codes.size()));
  for (const auto& c : f.codes) {
    str(c.verdi);
    put<uint8_t>(out, static_cast<uint8_t>(c.system));
    put<int32_t>(out, c.table_year);
    str(c.tekst);
  }
  put<uint8_t>(out, static_cast<uint8_t>(f.novelty));
  str(f.first_seen);
  put<int32_t>(out, kAsJson && f.nights < 0 ? 0 : f.nights);
  put<uint8_t>(out, f.waived ? 1 : 0);
  str(f.waiver_reason);
  put<uint32_t>(out, kAsJson ? 0 : f.file_id);
  put<uint64_t>(out, kAsJson ? 0 : f.episode_sequence);
  put<uint32_t>(out, kAsJson ? 0 : f.object_index);
  const auto length = static_cast<uint32_t>(out.size() - start - sizeof(uint32_t));
  std::memcpy(out.data() + start, &length, sizeof length);
}

/// Closes a FILE* on scope exit.
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

void encode_finding(std::string& out, const Finding& f) { encode<false>(out, f); }

bool decode_finding(std::string_view record, Finding& f) {
  Cursor c{record};
  c.get_string(f.rule_id);
  f.rule_version = c.get<int32_t>();
  f.severity = static_cast<Severity>(c.get<uint8_t>());
  f.isf = c.get<uint8_t>() != 0;
  c.get_string(f.message);
  c.get_string(f.file);
  f.line = c.get<uint32_t>();
  c.get_string(f.episode_id);
  c.get_string(f.pasient_nr);
  c.get_string(f.avdeling);
  c.get_string(f.unit);
  c.get_string(f.unit_name);
  c.get_string(f.dato);
  const auto n = c.get<uint32_t>();
  if (!c.ok || n > c.rest.size()) return false;  // every code takes more than a byte
  f.codes.resize(n);  // the codes' strings keep their capacity from finding to finding
  for (auto& code : f.codes) {
    c.get_string(code.verdi);
    code.system = static_cast<KodeSystem>(c.get<uint8_t>());
    code.table_year = c.get<int32_t>();
    c.get_string(code.tekst);
  }
  f.novelty = static_cast<Finding::Novelty>(c.get<uint8_t>());
  c.get_string(f.first_seen);
  f.nights = c.get<int32_t>();
  f.waived = c.get<uint8_t>() != 0;
  c.get_string(f.waiver_reason);
  f.file_id = c.get<uint32_t>();
  f.episode_sequence = c.get<uint64_t>();
  f.object_index = c.get<uint32_t>();
  return c.ok && c.rest.empty();
}

Status write_spill(const std::string& path, const FindingSource& source) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::io_error(path + ": cannot create");
  std::string buf;
  Status s = source([&](const Finding& f) {
    encode_finding(buf, f);
    if (buf.size() >= (1u << 20)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  });
  if (!s) return s;
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  out.close();
  if (!out) return Status::io_error(path + ": write failed (disk full?)");
  return Status::ok();
}

}  // namespace report

Result<FindingSource> spill_findings(const std::string& path, const FindingSource& source) {
  if (Status s = report::write_spill(path, source); !s) return s;
  return report::spill_source(path);
}

void append_spill_record(std::string& out, const Finding& f) { report::encode<true>(out, f); }

FindingSource spill_file_source(std::string path) { return report::spill_source(std::move(path)); }

namespace report {

FindingSource spill_source(std::string path) {
  return [path = std::move(path)](const FindingVisitor& visit) -> Status {
    std::unique_ptr<std::FILE, FileCloser> in(std::fopen(path.c_str(), "rb"));
    if (!in) return Status::not_found(path + ": cannot open findings file");
    struct stat st {};
    // A damaged length is caught before it is allocated.
    const uint64_t file_size =
        ::fstat(::fileno(in.get()), &st) == 0 ? static_cast<uint64_t>(st.st_size) : UINT64_MAX;
    uint64_t consumed = 0;
    // Records are cut from a buffer refilled in large reads; one finding is decoded in place.
    constexpr size_t kRead = 256 * 1024;
    std::string buf(kRead, '\0');
    size_t begin = 0;
    size_t end = 0;
    Finding f;
    uint64_t n = 0;
    auto damaged = [&] {
      return Status::invalid_input(path + ": finding " + std::to_string(n + 1) + " is damaged");
    };
    // Makes at least `want` bytes available from `begin`; false at the end of the file.
    auto fill = [&](size_t want) -> bool {
      if (end - begin >= want) return true;
      std::memmove(buf.data(), buf.data() + begin, end - begin);
      end -= begin;
      begin = 0;
      if (buf.size() < want) buf.resize(want + kRead);
      while (end < want) {
        const size_t got = std::fread(buf.data() + end, 1, buf.size() - end, in.get());
        if (got == 0) return false;
        end += got;
      }
      return true;
    };
    for (;;) {
      if (!fill(sizeof(uint32_t))) {
        if (std::ferror(in.get())) return Status::io_error(path + ": read failed");
        if (end != begin) return damaged();
        break;
      }
      uint32_t length = 0;
      std::memcpy(&length, buf.data() + begin, sizeof length);
      if (consumed + sizeof length + length > file_size) return damaged();
      if (!fill(sizeof length + length)) {
        if (std::ferror(in.get())) return Status::io_error(path + ": read failed");
        return damaged();
      }
      if (!decode_finding(std::string_view(buf.data() + begin + sizeof length, length), f)) {
        return damaged();
      }
      begin += sizeof length + length;
      consumed += sizeof length + length;
      visit(f);
      ++n;
    }
    return Status::ok();
  };
}

}  // namespace report

}  // namespace nprcheck
