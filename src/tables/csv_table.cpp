// Reading code tables in the `;`-separated layouts: yearly `<year>/<system>.csv` lists and the
// official cumulative CSV (columns found by header name).
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "nprcheck/hash.hpp"
#include "table_rows.hpp"
#include "table_text.hpp"

namespace nprcheck::table_rows {

namespace {

namespace fs = std::filesystem;
using table_text::Field;

/// The rows of a file by code, for the duplicate check: an open-addressing table of the index
/// of each code's first row (the code itself is read from the rows, nothing is copied), and
/// per row the next row with the same code, in file order.
class RowsByCode {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  /// `expected_codes`: how many distinct codes to make room for at first.
  explicit RowsByCode(size_t expected_codes) {
    size_t capacity = 16;
    while (capacity < 2 * expected_codes) capacity <<= 1;
    slots_.assign(capacity, kNone);
    next_.reserve(expected_codes);
  }
  /// The slot of `code`: the index of its first row, or kNone. Valid until the next call.
  uint32_t& first(std::string_view code, const std::vector<Row>& rows) {
    if (2 * (distinct_ + 1) > slots_.size()) grow(rows);
    return slots_[find(code, rows)];
  }
  /// The row after `row` with the same code, or kNone.
  [[nodiscard]] uint32_t next(uint32_t row) const {
    return row < next_.size() ? next_[row] : kNone;
  }
  /// Records `row` (the index it will have) as the last row of the code whose slot is `head`.
  void add(uint32_t& head, uint32_t row) {
    if (next_.size() <= row) next_.resize(row + 1, kNone);
    if (head == kNone) {
      head = row;
      ++distinct_;
      return;
    }
    uint32_t last = head;
    while (next_[last] != kNone) last = next_[last];
    next_[last] = row;
  }
  [[nodiscard]] uint64_t distinct() const { return distinct_; }

 private:
  static size_t hash(std::string_view code) {
    uint64_t h = 14695981039346656037ULL;  // FNV-1a: codes are short
    for (char c : code) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return static_cast<size_t>(h ^ (h >> 29));
  }
  size_t find(std::string_view code, const std::vector<Row>& rows) const {
    const size_t mask = slots_.size() - 1;
    size_t i = hash(code) & mask;
    while (slots_[i] != kNone && rows[slots_[i]].kode != code) i = (i + 1) & mask;
    return i;
  }
  void grow(const std::vector<Row>& rows) {
    std::vector<uint32_t> old(slots_.size() * 2, kNone);
    old.swap(slots_);
    for (uint32_t head : old) {
      if (head != kNone) slots_[find(rows[head].kode, rows)] = head;
    }
  }

  std::vector<uint32_t> slots_;
  std::vector<uint32_t> next_;
  uint64_t distinct_ = 0;
};

/// The number of lines of `text` (memchr finds the line ends a word at a time).
size_t count_lines(std::string_view text) {
  size_t n = 1;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (nl == nullptr) break;
    ++n;
    p = static_cast<const char*>(nl) + 1;
  }
  return n;
}

/// Column positions of a header (-1: absent).
struct Columns {
  int kode = -1;
  int tekst = -1;
  int gyldig_fra = -1;
  int gyldig_til = -1;
  int kjonn = -1;
  int stjernekode = -1;
  int tilleggskode = -1;
  int rapporteres = -1;
  int npr_fra = -1;
  int npr_til = -1;
  int foreldrekode = -1;
  int uspesifikk = -1;
  bool any_known = false;
  std::string tekst_name;
};

Columns find_columns(const std::vector<Field>& header) {
  Columns c;
  int tekst_rank = 0;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string name = table_text::normalize_name(header[i].value);
    const int idx = static_cast<int>(i);
    auto set = [&](int& slot) {
      if (slot < 0) slot = idx;
      c.any_known = true;
    };
    if (name == "kode" || name == "kodeverdi") {
      set(c.kode);
    } else if (name == "tekstutenlengdebegrensning" || name == "tekstmedmaksimalt60tegn" ||
               name == "tekst") {
      int rank = name == "tekstutenlengdebegrensning" ? 3
                 : name == "tekstmedmaksimalt60tegn"  ? 2
                                                      : 1;
      if (rank > tekst_rank) {
        tekst_rank = rank;
        c.tekst = idx;
        c.tekst_name = header[i].value;
      }
      c.any_known = true;
    } else if (name == "gyldigfra") {
      set(c.gyldig_fra);
    } else if (name == "gyldigtil") {
      set(c.gyldig_til);
    } else if (name == "kjonn" || name == "kjoenn") {
      set(c.kjonn);
    } else if (name == "stjernekode") {
      set(c.stjernekode);
    } else if (name == "tilleggskode") {
      set(c.tilleggskode);
    } else if (name == "rapporterestilnpr") {
      set(c.rapporteres);
    } else if (name == "nprgyldigfra") {
      set(c.npr_fra);
    } else if (name == "nprgyldigtil") {
      set(c.npr_til);
    } else if (name == "foreldrekode") {
      set(c.foreldrekode);
    } else if (name == "uspesifikkkode") {
      set(c.uspesifikk);
    } else if (name == "foreldrekodetekst") {
      c.any_known = true;
    }
  }
  return c;
}

/// Reads one table file; nullopt (with diagnostics) when it is not loaded.
class FileReader {
 public:
  FileReader(const fs::path& path, Diagnostics& diags)
      : path_(path), file_(path.string()), diags_(diags) {}

  std::optional<ParsedFile> read(std::string& sha256);

 private:
  void error(uint32_t line, uint32_t column, std::string message, std::string_view src) {
    ++errors_;
    diags_.error(file_, line, column, std::move(message), table_text::excerpt(src, column));
  }
  bool too_many() const { return errors_ >= kMaxErrorsPerFile; }
  void note(uint32_t line, std::string message) {
    diags_.add(Diagnostic{DiagnosticLevel::kNote, file_, line, 0, std::move(message), {}});
  }
  std::optional<ParsedFile> not_loaded() {
    if (too_many()) note(line_no_, "stopped reading after " + std::to_string(errors_) + " errors");
    note(0, "this table was not loaded because of the errors above");
    return std::nullopt;
  }
  bool read_date(const std::vector<Field>& f, int col, const char* name, std::string_view line,
                 bool allow_open, int32_t& day, bool& open);

  fs::path path_;
  std::string file_;
  Diagnostics& diags_;
  size_t errors_ = 0;
  uint32_t line_no_ = 0;
};

bool FileReader::read_date(const std::vector<Field>& f, int col, const char* name,
                           std::string_view line, bool allow_open, int32_t& day, bool& open) {
  open = false;
  const Field& field = f[static_cast<size_t>(col)];
  DateKind k = parse_table_date(field.value, day);
  if (k == DateKind::kDate) return true;
  if (k == DateKind::kOpen && allow_open) {
    open = true;
    return true;
  }
  std::string msg = field.value.empty() ? std::string("empty ") + name + ": expected a date"
                                        : "bad date '" + field.value + "' in column " + name;
  error(line_no_, field.column, msg + " (YYYY-MM-DD or DD.MM.YYYY)", line);
  return false;
}

std::optional<ParsedFile> FileReader::read(std::string& sha256) {
  auto text = table_text::read_text_file(path_);
  if (!text) {
    diags_.error(file_, 0, 0, text.status().message());
    return std::nullopt;
  }
  const std::string lower_stem = table_text::to_lower(path_.stem().string());
  const std::string parent = path_.parent_path().filename().string();
  std::optional<int> yearly_year;
  if (parent.size() == 4 && all_digits(parent) && to_int(parent) >= kMinYear &&
      to_int(parent) <= kMaxYear && system_from_name(lower_stem, true)) {
    yearly_year = to_int(parent);
  }
  const std::optional<KodeSystem> named = system_from_name(lower_stem, false);
  const bool candidate = yearly_year.has_value() || named.has_value();
  auto not_a_table = [&](const char* why) {
    diags_.warning(file_, 0, 0,
                   std::string("not a code table (") + why +
                       "; expected <year>/<system>.csv or a cumulative <system>*.csv with a "
                       "Gyldig_fra column): skipped");
    return std::nullopt;
  };

  const std::string_view body = text->text();
  table_text::LineReader lines(body);
  std::string_view header_line;
  bool has_header = lines.next(header_line);
  if (!has_header || table_text::trim(header_line).empty()) {
    if (!candidate) return not_a_table("empty first line");
    error(has_header ? 1 : 0, 0,
          "empty file or empty first line: expected a header row (Kode;Tekst)", {});
    return not_loaded();
  }
  if (char sep = table_text::wrong_separator(header_line)) {
    if (!candidate) return not_a_table("not ';'-separated");
    auto col = static_cast<uint32_t>(header_line.find(sep) + 1);
    error(1, col,
          std::string("expected ';' separator, found ") + (sep == '\t' ? "a tab" : "','") +
              " (save the table as ';'-separated text)",
          header_line);
    return not_loaded();
  }
  std::vector<Field> fields;
  std::string split_error;
  if (!table_text::split_fields(header_line, ';', fields, split_error)) {
    if (!candidate) return not_a_table("unreadable header");
    error(1, 0, split_error, header_line);
    return not_loaded();
  }
  const Columns cols = find_columns(fields);
  if (!cols.any_known) {
    if (!candidate) return not_a_table("no known column");
    error(1, 1, "missing header row: the first line must name the columns (Kode;Tekst)",
          header_line);
    return not_loaded();
  }
  const bool cumulative = cols.gyldig_fra >= 0;
  ParsedFile out;
  if (cumulative) {
    if (!named) {
      error(1, 0,
            "cannot tell the code system from the file name: a cumulative table's name starts "
            "with icd10, ncsp, ncmp or ncrp (e.g. icd10_2024.csv)",
            {});
      return not_loaded();
    }
    out.system = *named;
  } else if (yearly_year) {
    out.system = *system_from_name(lower_stem, true);
  } else if (named) {
    error(1, 1,
          "missing required column 'Gyldig_fra' (a table outside a <year>/ folder is read in the "
          "cumulative layout)",
          header_line);
    return not_loaded();
  } else {
    return not_a_table("no Gyldig_fra column and not in a <year>/ folder");
  }
  if (cols.kode < 0) {
    error(1, 1, "missing required column 'Kode'", header_line);
  }
  if (cols.tekst < 0) {
    error(1, 1,
          "missing required column 'Tekst' (or Tekst_uten_lengdebegrensning, "
          "Tekst_med_maksimalt_60_tegn)",
          header_line);
  }
  if (errors_ > 0) return not_loaded();

  const size_t ncols = fields.size();
  const int required_max = std::max({cols.kode, cols.tekst, cols.gyldig_fra});
  // Mostly one row per line (up to three with the NPR period): room for the lines up front, so
  // that the rows are not moved while they grow (a bound keeps a hostile file of empty lines
  // from reserving gigabytes; beyond it the vector grows as usual).
  const size_t expected_rows = std::min(count_lines(body), size_t{1} << 18);
  out.rows.reserve(expected_rows);
  // Duplicates: yearly -> code seen before; cumulative -> periods of one code overlap. The
  // index starts small and doubles (every real table passes through its growth).
  RowsByCode seen(64);
  std::vector<std::pair<int32_t, int32_t>> gyldig;  ///< per row: Gyldig_fra..Gyldig_til
  gyldig.reserve(expected_rows);
  const int32_t yearly_first_day = yearly_year ? first_day(*yearly_year) : 0;
  const int32_t yearly_last_day = yearly_year ? last_day(*yearly_year) : 0;
  std::string_view line;
  while (lines.next(line) && !too_many()) {
    line_no_ = lines.line_number();
    if (table_text::trim(line).empty()) continue;
    if (!table_text::split_fields(line, ';', fields, split_error)) {
      error(line_no_, 0, split_error, line);
      continue;
    }
    if (std::all_of(fields.begin(), fields.end(), [](const Field& f) { return f.value.empty(); })) {
      continue;  // `;;;;` rows that spreadsheets write for empty lines
    }
    if (static_cast<int>(fields.size()) <= required_max || fields.size() < ncols) {
      if (char sep = table_text::wrong_separator(line)) {
        error(line_no_, static_cast<uint32_t>(line.find(sep) + 1),
              std::string("expected ';' separator, found ") + (sep == '\t' ? "a tab" : "','"),
              line);
        continue;
      }
      if (static_cast<int>(fields.size()) <= required_max) {
        error(line_no_, 0,
              "expected " + std::to_string(ncols) + " fields as in the header, found " +
                  std::to_string(fields.size()),
              line);
        continue;
      }
    }
    if (fields.size() > ncols &&
        std::any_of(fields.begin() + static_cast<std::ptrdiff_t>(ncols), fields.end(),
                    [](const Field& f) { return !f.value.empty(); })) {
      error(line_no_, fields[ncols].column,
            "found " + std::to_string(fields.size()) + " fields, the header has " +
                std::to_string(ncols) + " (quote a text that holds ';')",
            line);
      continue;
    }
    auto get = [&](int col) -> std::string_view {
      return col >= 0 && static_cast<size_t>(col) < fields.size()
                 ? std::string_view(fields[static_cast<size_t>(col)].value)
                 : std::string_view();
    };
    Row row;
    row.kode = std::string(get(cols.kode));
    std::erase(row.kode, '.');
    if (row.kode.empty()) {
      error(line_no_, fields[static_cast<size_t>(cols.kode)].column, "empty code", line);
      continue;
    }
    // Every proper prefix of a code is indexed (build_indexes): a code of n characters costs
    // n^2 bytes, so a 100 KB "code" took 5 GB. Real codes have at most 7 characters.
    if (row.kode.size() > kMaxCodeLength) {
      error(line_no_, fields[static_cast<size_t>(cols.kode)].column,
            "code of " + std::to_string(row.kode.size()) + " characters is too long (at most " +
                std::to_string(kMaxCodeLength) + ")",
            line);
      continue;
    }
    if (auto bad =
            std::find_if(row.kode.begin(), row.kode.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
        bad != row.kode.end()) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X",
                    static_cast<unsigned>(static_cast<unsigned char>(*bad)));
      error(line_no_, fields[static_cast<size_t>(cols.kode)].column,
            std::string("control character (byte ") + hex + ") in code", line);
      continue;
    }
    row.period.tekst = std::string(get(cols.tekst));
    bool ok = true;
    std::optional<int32_t> npr_from;
    std::optional<int32_t> npr_to;
    if (cumulative) {
      bool open = false;
      int32_t from = 0;
      if (!read_date(fields, cols.gyldig_fra, "Gyldig_fra", line, false, from, open)) ok = false;
      int32_t to = CodeEntry::kOpenEnd;
      if (ok && !get(cols.gyldig_til).empty() &&
          read_date(fields, cols.gyldig_til, "Gyldig_til", line, true, to, open)) {
        if (open) to = CodeEntry::kOpenEnd;
        if (to < from) {
          error(line_no_, fields[static_cast<size_t>(cols.gyldig_til)].column,
                "Gyldig_til " + date_text(to) + " is before Gyldig_fra " + date_text(from), line);
          ok = false;
        }
      } else if (ok && !get(cols.gyldig_til).empty()) {
        ok = false;
      }
      for (int c : {cols.npr_fra, cols.npr_til}) {
        int32_t day = 0;
        bool day_open = false;
        if (!ok || get(c).empty()) continue;
        if (!read_date(fields, c, c == cols.npr_fra ? "NPR_Gyldig_fra" : "NPR_Gyldig_til", line,
                       true, day, day_open)) {
          ok = false;
        } else if (!day_open) {
          (c == cols.npr_fra ? npr_from : npr_to) = day;
        }
      }
      row.period.from_day = from;
      row.period.to_day = to;
    } else {
      row.period.from_day = yearly_first_day;
      row.period.to_day = yearly_last_day;
    }
    if (!ok) continue;
    // Where the column exists, only a yes (`Ja`, `J`, ...) makes the code reportable: the
    // official download leaves it empty on categories with subdivisions.
    row.period.rapporteres_til_npr = cols.rapporteres < 0 || truthy(get(cols.rapporteres));
    row.stjernekode = truthy(get(cols.stjernekode));
    row.tilleggskode = truthy(get(cols.tilleggskode));
    row.uspesifikk = truthy(get(cols.uspesifikk));
    row.kjonn = parse_kjonn(get(cols.kjonn)).value_or(KodeKjonn::kAlle);
    if (cols.foreldrekode >= 0) {
      row.foreldrekode = std::string(get(cols.foreldrekode));
      std::erase(row.foreldrekode, '.');
    }

    uint32_t& previous = seen.first(row.kode, out.rows);
    bool duplicate = false;
    for (uint32_t idx = previous; idx != RowsByCode::kNone; idx = seen.next(idx)) {
      const auto& [p_from, p_to] = gyldig[idx];
      if (p_from <= row.period.to_day && row.period.from_day <= p_to) {
        error(line_no_, fields[static_cast<size_t>(cols.kode)].column,
              cumulative
                  ? "duplicate code '" + row.kode + "': its validity overlaps the row on line " +
                        std::to_string(out.rows[idx].line)
                  : "duplicate code '" + row.kode + "' (first on line " +
                        std::to_string(out.rows[idx].line) + ")",
              line);
        duplicate = true;
        break;
      }
    }
    if (duplicate) continue;
    seen.add(previous, static_cast<uint32_t>(out.rows.size()));
    const std::pair<int32_t, int32_t> period{row.period.from_day, row.period.to_day};
    row.line = line_no_;
    const size_t added = append_with_npr_period(std::move(row), npr_from, npr_to, out.rows);
    for (size_t k = 0; k < added; ++k) gyldig.push_back(period);
  }
  if (errors_ > 0) return not_loaded();
  if (out.rows.empty()) {
    diags_.error(file_, 0, 0, "the table holds no codes");
    return std::nullopt;
  }
  out.layout = cumulative ? "cumulative CSV" : "yearly CSV";
  finish_file(out, seen.distinct());
  if (!cumulative) out.year_from = out.year_to = *yearly_year;  // exactly its year
  if (text->encoding == table_text::Encoding::kWindows1252) {
    note(0, "not valid UTF-8: read as Windows-1252 and converted");
  }
  sha256 = sha256_hex(text->raw);
  return out;
}

}  // namespace

std::optional<ParsedFile> read_csv_table(const fs::path& path, Diagnostics& diags,
                                         std::string& sha256) {
  FileReader reader(path, diags);
  return reader.read(sha256);
}

}  // namespace nprcheck::table_rows
