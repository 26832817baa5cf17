// The units catalogue: avdeling reshID -> level-2 unit, and which units are radiology.
#include "nprcheck/units.hpp"

#include <vector>

#include "table_text.hpp"

namespace nprcheck {

namespace {

using table_text::Field;

constexpr size_t kMaxErrors = 20;

/// Parses a radiologi value; false (with `ok` cleared) when it is none of the accepted words.
bool parse_radiologi(std::string_view v, bool& ok) {
  const std::string s = table_text::to_lower(table_text::trim(v));
  ok = true;
  if (s == "ja" || s == "j" || s == "1" || s == "true" || s == "yes" || s == "y" || s == "x") {
    return true;
  }
  if (s.empty() || s == "nei" || s == "n" || s == "0" || s == "false" || s == "no") return false;
  ok = false;
  return false;
}

}  // namespace

const UnitEntry* UnitsCatalogue::find(std::string_view resh_id) const {
  auto it = units_.find(resh_id);
  return it == units_.end() ? nullptr : &it->second;
}

void UnitsCatalogue::add(UnitEntry entry) {
  std::string key = entry.resh_id;
  if (!entry.niva2_resh_id.empty()) niva2_.insert(entry.niva2_resh_id);
  units_.insert_or_assign(std::move(key), std::move(entry));
}

Result<UnitsCatalogue> UnitsCatalogue::load(const std::filesystem::path& file,
                                            Diagnostics& diagnostics) {
  const std::string name = file.string();
  auto text = table_text::read_text_file(file, kMaxSmallFileBytes);
  if (!text) {
    const std::string msg = "units catalogue '" + name + "': " + text.status().message();
    if (text.status().code() == StatusCode::kNotFound) return Status::not_found(msg);
    return Status::invalid_input(msg);
  }
  size_t errors = 0;
  auto error = [&](uint32_t line, uint32_t col, std::string msg, std::string_view src) {
    ++errors;
    diagnostics.error(name, line, col, std::move(msg), table_text::excerpt(src, col));
  };
  auto failed = [&]() -> Result<UnitsCatalogue> {
    return Status::invalid_input("units catalogue '" + name + "' not loaded: " +
                                 std::to_string(errors) + (errors == 1 ? " error" : " errors"));
  };

  table_text::LineReader lines(text->text());
  std::string_view line;
  if (!lines.next(line) || table_text::trim(line).empty()) {
    error(1, 0,
          "empty file or empty first line: expected the header "
          "reshID;navn;niva2_reshID;niva2_navn;radiologi",
          {});
    return failed();
  }
  if (char sep = table_text::wrong_separator(line)) {
    auto col = static_cast<uint32_t>(line.find(sep) + 1);
    error(1, col, std::string("expected ';' separator, found ") + (sep == '\t' ? "a tab" : "','"),
          line);
    return failed();
  }
  std::vector<Field> fields;
  std::string split_error;
  if (!table_text::split_fields(line, ';', fields, split_error)) {
    error(1, 0, split_error, line);
    return failed();
  }
  int c_resh = -1, c_navn = -1, c_n2 = -1, c_n2navn = -1, c_rad = -1;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string n = table_text::normalize_name(fields[i].value);
    int* slot = n == "reshid"        ? &c_resh
                : n == "navn"        ? &c_navn
                : n == "niva2reshid" ? &c_n2
                : n == "niva2navn"   ? &c_n2navn
                : n == "radiologi"   ? &c_rad
                                     : nullptr;
    if (slot != nullptr && *slot < 0) *slot = static_cast<int>(i);
  }
  if (c_resh < 0 && c_navn < 0 && c_n2 < 0 && c_n2navn < 0 && c_rad < 0) {
    error(1, 1,
          "missing header row: the first line must name the columns "
          "reshID;navn;niva2_reshID;niva2_navn;radiologi",
          line);
    return failed();
  }
  if (c_resh < 0) error(1, 1, "missing required column 'reshID'", line);
  if (c_n2 < 0) error(1, 1, "missing required column 'niva2_reshID'", line);
  if (errors > 0) return failed();
  const size_t ncols = fields.size();

  UnitsCatalogue out;
  std::unordered_map<std::string, uint32_t, KeyHash, std::equal_to<>> first_line;
  while (lines.next(line) && errors < kMaxErrors) {
    const uint32_t ln = lines.line_number();
    if (table_text::trim(line).empty()) continue;
    if (!table_text::split_fields(line, ';', fields, split_error)) {
      error(ln, 0, split_error, line);
      continue;
    }
    if (fields.size() < ncols) {
      if (char sep = table_text::wrong_separator(line)) {
        error(ln, static_cast<uint32_t>(line.find(sep) + 1),
              std::string("expected ';' separator, found ") + (sep == '\t' ? "a tab" : "','"),
              line);
      } else {
        error(ln, 0,
              "expected " + std::to_string(ncols) + " fields as in the header, found " +
                  std::to_string(fields.size()),
              line);
      }
      continue;
    }
    if (fields.size() > ncols) {
      error(ln, fields[ncols].column,
            "found " + std::to_string(fields.size()) + " fields, the header has " +
                std::to_string(ncols),
            line);
      continue;
    }
    auto get = [&](int c) { return c < 0 ? std::string() : fields[static_cast<size_t>(c)].value; };
    UnitEntry u;
    u.resh_id = get(c_resh);
    if (u.resh_id.empty()) {
      error(ln, fields[static_cast<size_t>(c_resh)].column, "empty reshID", line);
      continue;
    }
    u.navn = get(c_navn);
    u.niva2_resh_id = get(c_n2);
    u.niva2_navn = get(c_n2navn);
    if (u.niva2_resh_id.empty()) {
      u.niva2_resh_id = u.resh_id;  // the avdeling is its own level-2 unit
      if (u.niva2_navn.empty()) u.niva2_navn = u.navn;
    }
    bool ok = true;
    u.radiologi = parse_radiologi(get(c_rad), ok);
    if (!ok) {
      error(ln, fields[static_cast<size_t>(c_rad)].column,
            "bad radiologi value '" + get(c_rad) + "': expected ja or nei (also 1/0, true/false)",
            line);
      continue;
    }
    auto [it, inserted] = first_line.try_emplace(u.resh_id, ln);
    if (!inserted) {
      error(
          ln, fields[static_cast<size_t>(c_resh)].column,
          "duplicate reshID '" + u.resh_id + "' (first on line " + std::to_string(it->second) + ")",
          line);
      continue;
    }
    out.add(std::move(u));
  }
  if (errors >= kMaxErrors) {
    diagnostics.add({DiagnosticLevel::kNote,
                     name,
                     lines.line_number(),
                     0,
                     "stopped reading after " + std::to_string(errors) + " errors",
                     {}});
  }
  if (errors > 0) return failed();
  if (text->encoding == table_text::Encoding::kWindows1252) {
    diagnostics.add({DiagnosticLevel::kNote,
                     name,
                     0,
                     0,
                     "not valid UTF-8: read as Windows-1252 and converted",
                     {}});
  }
  return out;
}

}  // namespace nprcheck
