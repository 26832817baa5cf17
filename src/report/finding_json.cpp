// Findings as JSON lines, and replayable streams of them.
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "finding_line.hpp"
#include "json_writer.hpp"
#include "nprcheck/report.hpp"

namespace nprcheck {

namespace {

const char* novelty_name(Finding::Novelty n) {
  switch (n) {
    case Finding::Novelty::kNew:
      return "new";
    case Finding::Novelty::kPersisting:
      return "persisting";
    case Finding::Novelty::kUnknown:
      break;
  }
  return "";
}

/// Reads a key of the expected JSON type into `out`; absent keys keep the default.
template <typename T>
bool get_opt(const nlohmann::json& j, const char* key, T& out, std::string& error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  try {
    if constexpr (std::is_same_v<T, std::string>) {
      if (!it->is_string()) throw std::invalid_argument("not a string");
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!it->is_boolean()) throw std::invalid_argument("not a boolean");
    } else {
      if (!it->is_number_integer()) throw std::invalid_argument("not an integer");
      if (it->is_number_unsigned() &&
          it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
        throw std::invalid_argument("out of range");
      }
      if (!it->is_number_unsigned() && (it->get<int64_t>() < 0 && std::is_unsigned_v<T>)) {
        throw std::invalid_argument("negative");
      }
    }
    out = it->get<T>();
  } catch (const std::exception& e) {
    error = std::string("key '") + key + "': " + e.what();
    return false;
  }
  return true;
}

}  // namespace

void append_finding_json(std::string& out, const Finding& f) {
  using report::append_int;
  using report::append_json_string;
  // The keys and number formats of the nlohmann::ordered_json object this replaced.
  out += R"({"rule":)";
  append_json_string(out, f.rule_id);
  out += R"(,"version":)";
  append_int(out, f.rule_version);
  out += R"(,"severity":")";
  out += severity_name(f.severity);
  out += R"(","isf":)";
  out += f.isf ? "true" : "false";
  out += R"(,"episode":)";
  append_json_string(out, f.episode_id);
  out += R"(,"pasient":)";
  append_json_string(out, f.pasient_nr);
  out += R"(,"unit":)";
  append_json_string(out, f.unit);
  out += R"(,"unit_name":)";
  append_json_string(out, f.unit_name);
  out += R"(,"avdeling":)";
  append_json_string(out, f.avdeling);
  out += R"(,"dato":)";
  append_json_string(out, f.dato);
  out += R"(,"file":)";
  append_json_string(out, f.file);
  out += R"(,"line":)";
  report::append_uint(out, f.line);
  out += R"(,"codes":)";
  report::append_codes_json(out, f.codes);
  out += R"(,"message":)";
  append_json_string(out, f.message);
  // The finding's identity across runs: what a waiver's `fingerprint` refers to.
  out += R"(,"fingerprint":")";
  out += fingerprint(f);
  out += '"';
  if (f.novelty != Finding::Novelty::kUnknown) {
    out += R"(,"status":")";
    out += novelty_name(f.novelty);
    out += '"';
  }
  if (!f.first_seen.empty()) {
    out += R"(,"first_seen":)";
    append_json_string(out, f.first_seen);
  }
  if (f.nights > 0) {
    out += R"(,"nights":)";
    append_int(out, f.nights);
  }
  if (f.waived) out += R"(,"waived":true)";
  if (!f.waiver_reason.empty()) {
    out += R"(,"waiver_reason":)";
    append_json_string(out, f.waiver_reason);
  }
  out += '}';
}

std::string finding_to_json(const Finding& f) {
  std::string out;
  append_finding_json(out, f);
  return out;
}

Result<Finding> report::finding_from_json_generic(std::string_view line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::invalid_input("not valid JSON");
  if (!j.is_object()) return Status::invalid_input("a finding must be a JSON object");
  Finding f;
  std::string error;
  std::string severity;
  std::string status;
  for (const char* required : {"rule", "severity", "episode"}) {
    if (!j.contains(required)) {
      return Status::invalid_input(std::string("missing key '") + required + "'");
    }
  }
  bool ok =
      get_opt(j, "rule", f.rule_id, error) && get_opt(j, "version", f.rule_version, error) &&
      get_opt(j, "severity", severity, error) && get_opt(j, "isf", f.isf, error) &&
      get_opt(j, "episode", f.episode_id, error) && get_opt(j, "pasient", f.pasient_nr, error) &&
      get_opt(j, "unit", f.unit, error) && get_opt(j, "unit_name", f.unit_name, error) &&
      get_opt(j, "avdeling", f.avdeling, error) && get_opt(j, "dato", f.dato, error) &&
      get_opt(j, "file", f.file, error) && get_opt(j, "line", f.line, error) &&
      get_opt(j, "message", f.message, error) && get_opt(j, "status", status, error) &&
      get_opt(j, "first_seen", f.first_seen, error) && get_opt(j, "nights", f.nights, error) &&
      get_opt(j, "waived", f.waived, error) && get_opt(j, "waiver_reason", f.waiver_reason, error);
  if (!ok) return Status::invalid_input(error);
  if (!parse_severity(severity, f.severity)) {
    return Status::invalid_input("unknown severity '" + severity + "'");
  }
  if (status == "new") {
    f.novelty = Finding::Novelty::kNew;
  } else if (status == "persisting") {
    f.novelty = Finding::Novelty::kPersisting;
  } else if (!status.empty()) {
    return Status::invalid_input("unknown status '" + status + "' (new, persisting)");
  }
  if (auto it = j.find("codes"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Status::invalid_input("key 'codes': not an array");
    for (const auto& cj : *it) {
      if (!cj.is_object()) return Status::invalid_input("key 'codes': entries must be objects");
      FindingCode c;
      std::string system;
      if (!get_opt(cj, "value", c.verdi, error) || !get_opt(cj, "system", system, error) ||
          !get_opt(cj, "year", c.table_year, error) || !get_opt(cj, "text", c.tekst, error)) {
        return Status::invalid_input("codes: " + error);
      }
      if (!system.empty() && !report::kode_system_from_name(system, c.system)) {
        return Status::invalid_input("codes: unknown system '" + system + "'");
      }
      f.codes.push_back(std::move(c));
    }
  }
  return f;
}

Result<Finding> finding_from_json(std::string_view line) {
  Finding f;
  if (report::parse_finding_line(line, f)) return f;
  return report::finding_from_json_generic(line);
}

FindingSource ndjson_source(std::string path) {
  return [path = std::move(path)](const FindingVisitor& visit) -> Status {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::not_found(path + ": cannot open findings file");
    std::string line;
    uint64_t line_no = 0;
    Finding reused;  // lines in nprcheck's own form are read into it, without a DOM
    while (std::getline(in, line)) {
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      if (report::parse_finding_line(line, reused)) {
        visit(reused);
        continue;
      }
      auto f = report::finding_from_json_generic(line);
      if (!f) {
        return Status::invalid_input(path + ":" + std::to_string(line_no) + ": " +
                                     f.status().message());
      }
      visit(*f);
    }
    if (in.bad()) return Status::io_error(path + ": read failed");
    return Status::ok();
  };
}

FindingSource vector_source(const std::vector<Finding>& findings) {
  return [&findings](const FindingVisitor& visit) -> Status {
    for (const auto& f : findings) visit(f);
    return Status::ok();
  };
}

Status write_ndjson(const std::string& path, const FindingSource& source) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::io_error(path + ": cannot write");
  std::string buf;
  Status s = source([&](const Finding& f) {
    append_finding_json(buf, f);
    buf += '\n';
    if (buf.size() >= (1u << 20)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  });
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  if (!s) return s;
  out.close();
  if (!out) return Status::io_error(path + ": write failed (disk full?)");
  return Status::ok();
}

}  // namespace nprcheck
