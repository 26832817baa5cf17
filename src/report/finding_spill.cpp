// Findings in a compact binary form: the fast replay format for the report passes of one run.
//
// A report run replays the findings several times (CSV, SARIF, key figures, the split by unit,
// each unit's pages). Parsing findings.ndjson every time cost more than writing the reports, so
// the run converts it once into this format. It is private to one run of one build: fixed-width
// native integers and length-prefixed strings, one length-prefixed record per finding.
#include "finding_spill.hpp"

#include <cstring>
#include <fstream>

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
  std::string get_string() {
    const auto n = get<uint32_t>();
    if (!ok || rest.size() < n) {
      ok = false;
      return {};
    }
    std::string s(rest.substr(0, n));
    rest.remove_prefix(n);
    return s;
  }
};

}  // namespace

void encode_finding(std::string& out, const Finding& f) {
  const size_t start = out.size();
  put<uint32_t>(out, 0);  // the record's length, filled in below
  put_string(out, f.rule_id);
  put<int32_t>(out, f.rule_version);
  put<uint8_t>(out, static_cast<uint8_t>(f.severity));
  put<uint8_t>(out, f.isf ? 1 : 0);
  put_string(out, f.message);
  put_string(out, f.file);
  put<uint32_t>(out, f.line);
  put_string(out, f.episode_id);
  put_string(out, f.pasient_nr);
  put_string(out, f.avdeling);
  put_string(out, f.unit);
  put_string(out, f.unit_name);
  put_string(out, f.dato);
  put<uint32_t>(out, static_cast<uint32_t>(f.codes.size()));
  for (const auto& c : f.codes) {
    put_string(out, c.verdi);
    put<uint8_t>(out, static_cast<uint8_t>(c.system));
    put<int32_t>(out, c.table_year);
    put_string(out, c.tekst);
  }
  put<uint8_t>(out, static_cast<uint8_t>(f.novelty));
  put_string(out, f.first_seen);
  put<int32_t>(out, f.nights);
  put<uint8_t>(out, f.waived ? 1 : 0);
  put_string(out, f.waiver_reason);
  put<uint32_t>(out, f.file_id);
  put<uint64_t>(out, f.episode_sequence);
  put<uint32_t>(out, f.object_index);
  const auto length = static_cast<uint32_t>(out.size() - start - sizeof(uint32_t));
  std::memcpy(out.data() + start, &length, sizeof length);
}

bool decode_finding(std::string_view record, Finding& f) {
  Cursor c{record};
  f.rule_id = c.get_string();
  f.rule_version = c.get<int32_t>();
  f.severity = static_cast<Severity>(c.get<uint8_t>());
  f.isf = c.get<uint8_t>() != 0;
  f.message = c.get_string();
  f.file = c.get_string();
  f.line = c.get<uint32_t>();
  f.episode_id = c.get_string();
  f.pasient_nr = c.get_string();
  f.avdeling = c.get_string();
  f.unit = c.get_string();
  f.unit_name = c.get_string();
  f.dato = c.get_string();
  const auto n = c.get<uint32_t>();
  f.codes.clear();
  for (uint32_t i = 0; c.ok && i < n; ++i) {
    FindingCode code;
    code.verdi = c.get_string();
    code.system = static_cast<KodeSystem>(c.get<uint8_t>());
    code.table_year = c.get<int32_t>();
    code.tekst = c.get_string();
    f.codes.push_back(std::move(code));
  }
  f.novelty = static_cast<Finding::Novelty>(c.get<uint8_t>());
  f.first_seen = c.get_string();
  f.nights = c.get<int32_t>();
  f.waived = c.get<uint8_t>() != 0;
  f.waiver_reason = c.get_string();
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

namespace report {

FindingSource spill_source(std::string path) {
  return [path = std::move(path)](const FindingVisitor& visit) -> Status {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::not_found(path + ": cannot open findings file");
    std::string record;
    Finding f;
    uint64_t n = 0;
    for (;;) {
      uint32_t length = 0;
      if (!in.read(reinterpret_cast<char*>(&length), sizeof length)) {
        if (in.bad()) return Status::io_error(path + ": read failed");
        if (in.gcount() != 0) {
          return Status::invalid_input(path + ": finding " + std::to_string(n + 1) + " is damaged");
        }
        break;
      }
      record.resize(length);
      if (!in.read(record.data(), length) || !decode_finding(record, f)) {
        return Status::invalid_input(path + ": finding " + std::to_string(n + 1) + " is damaged");
      }
      visit(f);
      ++n;
    }
    return Status::ok();
  };
}

}  // namespace report

}  // namespace nprcheck
