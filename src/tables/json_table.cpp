// Reading the terminology service's cumulative JSON download (`ICD10.json`, `NCSP.json`, plain
// or gzip): one array of objects, one per node of the code system's hierarchy.
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "nprcheck/hash.hpp"
#include "table_rows.hpp"
#include "table_text.hpp"

namespace nprcheck::table_rows {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

/// A decompressed download larger than this is refused (the real ICD-10 file is a few MB).
constexpr size_t kMaxJsonBytes = size_t{512} << 20;

/// Inflates gzip bytes (concatenated members included); an error text on failure.
Result<std::string> gunzip(std::string_view in) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Status::io_error("zlib: cannot start");
  std::string out;
  char buf[1 << 16];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > kMaxJsonBytes) {
      inflateEnd(&zs);
      return Status::invalid_input("the decompressed file is larger than 512 MB");
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // another gzip member follows
      continue;
    }
    if (rc != Z_OK || (zs.avail_in == 0 && zs.avail_out != 0)) break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::invalid_input("corrupt or truncated gzip data");
  return out;
}

/// 1-based line and byte column of `offset` in `text`.
std::pair<uint32_t, uint32_t> line_col(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  uint32_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<uint32_t>(offset - line_start + 1)};
}

/// The byte offsets of the elements of the top-level array of a well-formed JSON text.
std::vector<size_t> element_offsets(std::string_view text) {
  std::vector<size_t> out;
  int depth = 0;
  bool in_string = false;
  bool expect_value = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (expect_value && depth == 1) {
      if (c != ']') out.push_back(i);
      expect_value = false;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
      if (depth == 1) expect_value = true;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_value = true;
    }
  }
  return out;
}

/// nlohmann's DOM builder without exceptions, keeping where and why parsing stopped (a bad
/// file is an expected failure: a value, not an exception).
struct DomParser : nlohmann::detail::json_sax_dom_parser<json> {
  explicit DomParser(json& root) : nlohmann::detail::json_sax_dom_parser<json>(root, false) {}
  /// Hides the base's parse_error (sax_parse calls it on this type).
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) {
    error_byte = position;
    error = ex.what();
    return false;
  }
  size_t error_byte = 0;
  std::string error;
};

/// A chapter (`I`, `XXI`) or a block (`A00-A09`): hierarchy, not a code.
bool is_hierarchy_node(std::string_view kode, bool has_parent) {
  if (kode.find('-') != std::string_view::npos) return true;
  return !has_parent && !kode.empty() && std::all_of(kode.begin(), kode.end(), [](char c) {
    return c == 'I' || c == 'V' || c == 'X' || c == 'L';
  });
}

class JsonReader {
 public:
  JsonReader(const fs::path& path, Diagnostics& diags)
      : path_(path), file_(path.string()), diags_(diags) {}

  std::optional<ParsedFile> read(std::string& sha256);

 private:
  void error_at(size_t offset, std::string message) {
    ++errors_;
    auto [line, col] = line_col(text_, offset);
    size_t begin = offset - std::min<size_t>(offset, col - 1);
    size_t end = text_.find('\n', begin);
    std::string_view src = std::string_view(text_).substr(
        begin, end == std::string::npos ? std::string::npos : end - begin);
    if (src.size() > 2000) src = src.substr(0, 2000);  // a file on one line
    diags_.error(file_, line, col, std::move(message), table_text::excerpt(src, col));
  }
  std::optional<ParsedFile> not_loaded() {
    if (errors_ >= kMaxErrorsPerFile) {
      diags_.add(Diagnostic{DiagnosticLevel::kNote,
                            file_,
                            0,
                            0,
                            "stopped reading after " + std::to_string(errors_) + " errors",
                            {}});
    }
    diags_.add(Diagnostic{DiagnosticLevel::kNote,
                          file_,
                          0,
                          0,
                          "this table was not loaded because of the errors above",
                          {}});
    return std::nullopt;
  }
  /// The string value of `key` (nullopt when null or absent); an error when it is not a string.
  bool string_of(const json& obj, const char* key, size_t at, std::string_view kode,
                 std::optional<std::string>& out);
  bool date_of(const json& obj, const char* key, size_t at, std::string_view kode,
               std::optional<int32_t>& day);
  void read_node(const json& obj, size_t at, ParsedFile& out);
  /// The 1-based line of `offset`, counted on from the previous call (the objects come in
  /// file order, so the text is scanned once, not once per object).
  uint32_t line_of(size_t offset) {
    offset = std::min(offset, text_.size());
    if (offset < line_offset_) {
      line_offset_ = 0;
      line_ = 1;
    }
    const char* p = text_.data() + line_offset_;
    const char* end = text_.data() + offset;
    while (p < end) {
      const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
      if (nl == nullptr) break;
      ++line_;
      p = static_cast<const char*>(nl) + 1;
    }
    line_offset_ = offset;
    return line_;
  }

  fs::path path_;
  std::string file_;
  Diagnostics& diags_;
  std::string text_;
  size_t line_offset_ = 0;  ///< line_of: where the count stands
  uint32_t line_ = 1;
  size_t errors_ = 0;
  /// code -> (line, Gyldig period) of its objects, for overlapping duplicates.
  std::unordered_map<std::string, std::vector<std::pair<uint32_t, std::pair<int32_t, int32_t>>>>
      seen_;
};

bool JsonReader::string_of(const json& obj, const char* key, size_t at, std::string_view kode,
                           std::optional<std::string>& out) {
  out.reset();
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_string()) {
    error_at(at, std::string("code '") + std::string(kode) + "': " + key +
                     " must be a string or null, found " + it->type_name());
    return false;
  }
  out = std::string(table_text::trim(it->get_ref<const std::string&>()));
  if (out->empty()) out.reset();
  return true;
}

bool JsonReader::date_of(const json& obj, const char* key, size_t at, std::string_view kode,
                         std::optional<int32_t>& day) {
  day.reset();
  std::optional<std::string> s;
  if (!string_of(obj, key, at, kode, s)) return false;
  if (!s) return true;
  int32_t d = 0;
  switch (parse_table_date(*s, d)) {
    case DateKind::kDate:
      day = d;
      return true;
    case DateKind::kOpen:
      day = CodeEntry::kOpenEnd;
      return true;
    case DateKind::kBad:
      break;
  }
  error_at(at, std::string("code '") + std::string(kode) + "': bad date '" + *s + "' in " + key +
                   " (expected YYYY-MM-DDTHH:MM:SS)");
  return false;
}

void JsonReader::read_node(const json& obj, size_t at, ParsedFile& out) {
  if (!obj.is_object()) {
    error_at(at, std::string("expected an object per code, found ") + obj.type_name());
    return;
  }
  auto kode_it = obj.find("Kode");
  if (kode_it == obj.end() || !kode_it->is_string() ||
      kode_it->get_ref<const std::string&>().empty()) {
    error_at(at, "missing 'Kode': every object names its code");
    return;
  }
  const std::string& dotted = kode_it->get_ref<const std::string&>();
  std::optional<std::string> foreldre, tekst, tekst60, rapporteres, stjerne, tillegg, kjonn,
      uspesifikk;
  bool ok = string_of(obj, "Foreldrekode", at, dotted, foreldre);
  ok = string_of(obj, "Tekst_uten_lengdebegrensning", at, dotted, tekst) && ok;
  ok = string_of(obj, "Tekst_med_maksimalt_60_tegn", at, dotted, tekst60) && ok;
  if (!ok) return;
  if (is_hierarchy_node(dotted, foreldre.has_value())) return;
  ok = string_of(obj, "Rapporteres_til_NPR", at, dotted, rapporteres) && ok;
  ok = string_of(obj, "Stjernekode", at, dotted, stjerne) && ok;
  ok = string_of(obj, "Tilleggskode", at, dotted, tillegg) && ok;
  ok = string_of(obj, "Kjønn", at, dotted, kjonn) && ok;
  ok = string_of(obj, "Uspesifikk_kode", at, dotted, uspesifikk) && ok;
  std::optional<int32_t> fra, til, npr_fra, npr_til;
  ok = date_of(obj, "Gyldig_fra", at, dotted, fra) && ok;
  ok = date_of(obj, "Gyldig_til", at, dotted, til) && ok;
  ok = date_of(obj, "NPR_Gyldig_fra", at, dotted, npr_fra) && ok;
  ok = date_of(obj, "NPR_Gyldig_til", at, dotted, npr_til) && ok;
  if (!ok) return;

  Row row;
  row.kode = dotted;
  std::erase(row.kode, '.');
  if (row.kode.size() > kMaxCodeLength || std::any_of(row.kode.begin(), row.kode.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
      })) {
    error_at(at, "code '" + dotted + "' is not a code (too long, or a space or control character)");
    return;
  }
  if (!fra || *fra == CodeEntry::kOpenEnd) {
    error_at(at, "code '" + dotted + "': Gyldig_fra is missing");
    return;
  }
  row.period.from_day = *fra;
  row.period.to_day = til.value_or(CodeEntry::kOpenEnd);
  if (row.period.to_day < row.period.from_day) {
    error_at(at, "code '" + dotted + "': Gyldig_til " + date_text(row.period.to_day) +
                     " is before Gyldig_fra " + date_text(row.period.from_day));
    return;
  }
  if (kjonn) {
    auto k = parse_kjonn(*kjonn);
    if (!k) {
      error_at(at, "code '" + dotted + "': Kjønn value '" + *kjonn +
                       "' is not understood (expected M/K, Mann/Kvinne or 1/2)");
      return;
    }
    row.kjonn = *k;
  }
  // Only "Ja" means reportable; null on chapters, blocks and categories with subdivisions.
  row.period.rapporteres_til_npr = rapporteres && table_text::to_lower(*rapporteres) == "ja";
  row.period.tekst = tekst ? std::move(*tekst) : tekst60.value_or(std::string());
  row.stjernekode = stjerne.has_value();
  row.tilleggskode = tillegg.has_value();
  row.uspesifikk = uspesifikk && table_text::to_lower(*uspesifikk) == "ja";
  if (foreldre) {
    row.foreldrekode = std::move(*foreldre);
    std::erase(row.foreldrekode, '.');
  }
  auto& previous = seen_[row.kode];
  row.line = line_of(at);
  for (const auto& [line, period] : previous) {
    if (period.first <= row.period.to_day && row.period.from_day <= period.second) {
      error_at(at, "duplicate code '" + dotted + "': its validity overlaps the object on line " +
                       std::to_string(line));
      return;
    }
  }
  previous.emplace_back(row.line, std::make_pair(row.period.from_day, row.period.to_day));
  append_with_npr_period(std::move(row), npr_fra == CodeEntry::kOpenEnd ? std::nullopt : npr_fra,
                         npr_til, out.rows);
}

std::optional<ParsedFile> JsonReader::read(std::string& sha256) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    diags_.error(file_, 0, 0, "cannot open the file");
    return std::nullopt;
  }
  std::string raw;
  {
    std::array<char, 1 << 16> buf{};
    while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
      raw.append(buf.data(), static_cast<size_t>(in.gcount()));
    }
  }
  if (in.bad()) {
    diags_.error(file_, 0, 0, "cannot read the file");
    return std::nullopt;
  }
  const std::string lower = table_text::to_lower(path_.filename().string());
  const auto system = system_from_name(lower, false);
  if (!system) {
    diags_.error(file_, 0, 0,
                 "cannot tell the code system from the file name: a JSON table's name starts "
                 "with the system (ICD10.json, NCSP.json, NCMP.json, NCRP.json)");
    return std::nullopt;
  }
  const bool gzipped = raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0x1f &&
                       static_cast<unsigned char>(raw[1]) == 0x8b;
  if (gzipped) {
    auto inflated = gunzip(raw);
    if (!inflated) {
      diags_.error(file_, 0, 0, inflated.status().message());
      return std::nullopt;
    }
    text_ = std::move(*inflated);
  }
  // The hash is of the file's bytes; plain JSON is then parsed from them without a copy.
  std::string digest = sha256_hex(raw);
  if (!gzipped) text_ = std::move(raw);
  if (text_.rfind("\xEF\xBB\xBF", 0) == 0) text_.erase(0, 3);
  json doc;
  DomParser sax(doc);
  if (!json::sax_parse(text_, &sax)) {
    // nlohmann's message starts with "[json.exception.parse_error.101] parse error at line..":
    // keep what follows the position, the file:line:col prefix says where.
    const std::string& what = sax.error;
    size_t cut = what.find(": ");
    error_at(sax.error_byte == 0 ? 0 : sax.error_byte - 1,
             "not valid JSON: " + (cut == std::string::npos ? what : what.substr(cut + 2)));
    return not_loaded();
  }
  if (!doc.is_array()) {
    error_at(0, std::string("expected a JSON array of code objects, found ") + doc.type_name());
    return not_loaded();
  }
  const std::vector<size_t> offsets = element_offsets(text_);
  ParsedFile out;
  out.system = *system;
  out.layout = "JSON";
  for (size_t i = 0; i < doc.size() && errors_ < kMaxErrorsPerFile; ++i) {
    read_node(doc[i], i < offsets.size() ? offsets[i] : 0, out);
  }
  if (errors_ > 0) return not_loaded();
  if (out.rows.empty()) {
    diags_.error(file_, 0, 0, "the table holds no codes");
    return std::nullopt;
  }
  finish_file(out);
  sha256 = std::move(digest);
  return out;
}

}  // namespace

std::optional<ParsedFile> read_json_table(const fs::path& path, Diagnostics& diags,
                                          std::string& sha256) {
  JsonReader reader(path, diags);
  return reader.read(sha256);
}

}  // namespace nprcheck::table_rows
