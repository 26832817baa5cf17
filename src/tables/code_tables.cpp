// Loading the versioned code tables (yearly snapshots and the official cumulative layout) and
// answering validity questions about codes with hash look-ups.
#include "nprcheck/code_tables.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "nprcheck/hash.hpp"
#include "table_text.hpp"

namespace nprcheck {

namespace {

namespace fs = std::filesystem;
using table_text::Field;

constexpr int kMinYear = 1800;
constexpr int kMaxYear = 2200;
constexpr size_t kMaxErrorsPerFile = 20;
constexpr size_t kMaxCodeLength = 16;
constexpr std::array<KodeSystem, 4> kSystems = {KodeSystem::kIcd10, KodeSystem::kNcsp,
                                                KodeSystem::kNcmp, KodeSystem::kNcrp};
constexpr std::array<KodeSystem, 3> kProcedureSystems = {KodeSystem::kNcsp, KodeSystem::kNcmp,
                                                         KodeSystem::kNcrp};

/// Hash for heterogeneous look-up: a std::string key found by std::string_view, no allocation.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

int system_index(KodeSystem s) {
  switch (s) {
    case KodeSystem::kIcd10:
      return 0;
    case KodeSystem::kNcsp:
      return 1;
    case KodeSystem::kNcmp:
      return 2;
    case KodeSystem::kNcrp:
      return 3;
    case KodeSystem::kOther:
      break;
  }
  return -1;
}

const char* system_file_name(KodeSystem s) {
  switch (s) {
    case KodeSystem::kIcd10:
      return "icd10";
    case KodeSystem::kNcsp:
      return "ncsp";
    case KodeSystem::kNcmp:
      return "ncmp";
    case KodeSystem::kNcrp:
      return "ncrp";
    case KodeSystem::kOther:
      break;
  }
  return "";
}

int32_t first_day(int year) { return days_from_civil(year, 1, 1); }
int32_t last_day(int year) { return days_from_civil(year, 12, 31); }
int year_of_day(int32_t day) { return DateTime{int64_t{day} * 86400}.year(); }

enum class DateKind { kDate, kOpen, kBad };

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

/// `YYYY-MM-DD` or `DD.MM.YYYY` (a time after a space or `T` is ignored); years from 9000 on mean
/// "no end" (`9999-12-31`).
DateKind parse_table_date(std::string_view s, int32_t& day) {
  s = table_text::trim(s);
  size_t cut = s.find(' ');
  if (cut != std::string_view::npos) s = s.substr(0, cut);
  if (s.size() > 10 && s[10] == 'T') s = s.substr(0, 10);
  int y = 0, m = 0, d = 0;
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && all_digits(s.substr(0, 4)) &&
      all_digits(s.substr(5, 2)) && all_digits(s.substr(8, 2))) {
    y = to_int(s.substr(0, 4));
    m = to_int(s.substr(5, 2));
    d = to_int(s.substr(8, 2));
  } else {
    size_t p1 = s.find('.');
    size_t p2 = p1 == std::string_view::npos ? p1 : s.find('.', p1 + 1);
    if (p2 == std::string_view::npos) return DateKind::kBad;
    std::string_view ds = s.substr(0, p1), ms = s.substr(p1 + 1, p2 - p1 - 1),
                     ys = s.substr(p2 + 1);
    if (ds.empty() || ds.size() > 2 || ms.empty() || ms.size() > 2 || ys.size() != 4 ||
        !all_digits(ds) || !all_digits(ms) || !all_digits(ys)) {
      return DateKind::kBad;
    }
    y = to_int(ys);
    m = to_int(ms);
    d = to_int(ds);
  }
  if (y >= 9000 && m >= 1 && m <= 12 && d >= 1 && d <= 31) return DateKind::kOpen;
  auto dt = make_date_time(y, m, d);
  if (!dt) return DateKind::kBad;
  day = dt->day();
  return DateKind::kDate;
}

bool truthy(std::string_view v) {
  std::string s = table_text::to_lower(table_text::trim(v));
  return s == "j" || s == "ja" || s == "1" || s == "x" || s == "*" || s == "y" || s == "yes" ||
         s == "true" || s == "sann";
}

bool says_no(std::string_view v) {
  std::string s = table_text::to_lower(table_text::trim(v));
  return s == "n" || s == "nei" || s == "0" || s == "no" || s == "false" || s == "usann";
}

KodeKjonn parse_kjonn(std::string_view v) {
  std::string s = table_text::to_lower(table_text::trim(v));
  if (s == "m" || s == "mann" || s == "menn" || s == "1") return KodeKjonn::kMann;
  if (s == "k" || s == "kvinne" || s == "kvinner" || s == "f" || s == "2")
    return KodeKjonn::kKvinne;
  return KodeKjonn::kAlle;
}

std::string date_text(int32_t day) {
  return day == CodeEntry::kOpenEnd ? std::string("(no end)")
                                    : DateTime{int64_t{day} * 86400}.date_string();
}

/// One row as read from a table file.
struct Row {
  std::string kode;
  CodeEntry::Period period;
  bool stjernekode = false;
  bool tilleggskode = false;
  KodeKjonn kjonn = KodeKjonn::kAlle;
  uint32_t line = 0;
};

/// One table file as read.
struct ParsedFile {
  KodeSystem system = KodeSystem::kOther;
  int year_from = 0;
  int year_to = 0;
  std::vector<Row> rows;
  uint64_t distinct_codes = 0;
};

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
    } else if (name == "foreldrekode" || name == "foreldrekodetekst" || name == "uspesifikkkode") {
      c.any_known = true;
    }
  }
  return c;
}

std::optional<KodeSystem> system_from_name(std::string_view lower_stem, bool exact) {
  for (KodeSystem s : kSystems) {
    std::string_view n = system_file_name(s);
    if (exact ? lower_stem == n : lower_stem.substr(0, n.size()) == n) return s;
  }
  return std::nullopt;
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

  table_text::LineReader lines(text->text);
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
  // Duplicates: yearly -> code seen before; cumulative -> periods of one code overlap.
  StringMap<std::vector<size_t>> seen;
  int32_t min_from = CodeEntry::kOpenEnd;
  int32_t max_from = INT32_MIN;
  int32_t max_to = INT32_MIN;
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
        int32_t ignored = 0;
        bool ignored_open = false;
        if (ok && !get(c).empty() &&
            !read_date(fields, c, c == cols.npr_fra ? "NPR_Gyldig_fra" : "NPR_Gyldig_til", line,
                       true, ignored, ignored_open)) {
          ok = false;
        }
      }
      row.period.from_day = from;
      row.period.to_day = to;
    } else {
      row.period.from_day = first_day(*yearly_year);
      row.period.to_day = last_day(*yearly_year);
    }
    if (!ok) continue;
    row.period.rapporteres_til_npr = !says_no(get(cols.rapporteres));
    row.stjernekode = truthy(get(cols.stjernekode));
    row.tilleggskode = truthy(get(cols.tilleggskode));
    row.kjonn = parse_kjonn(get(cols.kjonn));

    auto& previous = seen[row.kode];
    bool duplicate = false;
    for (size_t idx : previous) {
      const Row& p = out.rows[idx];
      if (p.period.from_day <= row.period.to_day && row.period.from_day <= p.period.to_day) {
        error(line_no_, fields[static_cast<size_t>(cols.kode)].column,
              cumulative ? "duplicate code '" + row.kode +
                               "': its validity overlaps the row on line " + std::to_string(p.line)
                         : "duplicate code '" + row.kode + "' (first on line " +
                               std::to_string(p.line) + ")",
              line);
        duplicate = true;
        break;
      }
    }
    if (duplicate) continue;
    if (previous.empty()) ++out.distinct_codes;
    previous.push_back(out.rows.size());
    row.line = line_no_;
    min_from = std::min(min_from, row.period.from_day);
    max_from = std::max(max_from, row.period.from_day);
    if (row.period.to_day != CodeEntry::kOpenEnd) max_to = std::max(max_to, row.period.to_day);
    out.rows.push_back(std::move(row));
  }
  if (errors_ > 0) return not_loaded();
  if (out.rows.empty()) {
    diags_.warning(file_, 0, 0, "the table holds no codes: skipped");
    return std::nullopt;
  }
  if (cumulative) {
    out.year_from = year_of_day(min_from);
    out.year_to = std::max(year_of_day(max_from), max_to == INT32_MIN ? 0 : year_of_day(max_to));
  } else {
    out.year_from = out.year_to = *yearly_year;
  }
  if (text->encoding == table_text::Encoding::kWindows1252) {
    note(0, "not valid UTF-8: read as Windows-1252 and converted");
  }
  sha256 = sha256_hex(text->raw);
  return out;
}

/// Everything loaded for one code system.
struct SystemData {
  std::vector<CodeEntry> entries;
  StringMap<uint32_t> index;  ///< code -> entry id
  /// Every proper prefix of a code -> the range [first, last) in `sorted` of the codes that are
  /// longer and start with it (codes sharing a prefix are contiguous in sorted order).
  StringMap<std::pair<uint32_t, uint32_t>> prefixes;
  std::vector<uint32_t> sorted;  ///< entry ids in code order
  std::array<bool, kMaxYear - kMinYear + 1> covered{};

  [[nodiscard]] bool covers(int year) const {
    return year >= kMinYear && year <= kMaxYear && covered[static_cast<size_t>(year - kMinYear)];
  }
};

bool same_flags(const CodeEntry::Period& a, const CodeEntry::Period& b) {
  return a.tekst == b.tekst && a.rapporteres_til_npr == b.rapporteres_til_npr;
}

/// Sorts the periods of a code and joins touching or overlapping ones with the same text.
void normalize_periods(std::vector<CodeEntry::Period>& periods) {
  std::sort(periods.begin(), periods.end(), [](const auto& a, const auto& b) {
    return std::tie(a.from_day, a.to_day) < std::tie(b.from_day, b.to_day);
  });
  std::vector<CodeEntry::Period> out;
  for (auto& p : periods) {
    if (!out.empty() && same_flags(out.back(), p) &&
        int64_t{p.from_day} <= int64_t{out.back().to_day} + 1) {
      out.back().to_day = std::max(out.back().to_day, p.to_day);
      continue;
    }
    out.push_back(std::move(p));
  }
  periods = std::move(out);
}

void build_indexes(SystemData& sd) {
  for (auto& e : sd.entries) normalize_periods(e.periods);
  sd.sorted.resize(sd.entries.size());
  for (uint32_t i = 0; i < sd.sorted.size(); ++i) sd.sorted[i] = i;
  std::sort(sd.sorted.begin(), sd.sorted.end(),
            [&](uint32_t a, uint32_t b) { return sd.entries[a].verdi < sd.entries[b].verdi; });
  for (uint32_t pos = 0; pos < sd.sorted.size(); ++pos) {
    const std::string& code = sd.entries[sd.sorted[pos]].verdi;
    for (size_t len = 1; len < code.size(); ++len) {
      auto [it, inserted] = sd.prefixes.try_emplace(code.substr(0, len), pos, pos + 1);
      if (!inserted) it->second.second = pos + 1;
    }
  }
}

bool period_overlaps_year(const CodeEntry::Period& p, int year) {
  return p.from_day <= last_day(year) && first_day(year) <= p.to_day;
}

}  // namespace

struct CodeTables::Impl {
  std::array<SystemData, 4> systems;
  std::vector<ManifestTable> files;

  [[nodiscard]] const SystemData* data(KodeSystem s) const {
    int i = system_index(s);
    return i < 0 ? nullptr : &systems[static_cast<size_t>(i)];
  }

  void add(const ParsedFile& f, std::string file, std::string sha256) {
    SystemData& sd = systems[static_cast<size_t>(system_index(f.system))];
    for (const Row& r : f.rows) {
      auto [it, inserted] = sd.index.try_emplace(r.kode, static_cast<uint32_t>(sd.entries.size()));
      if (inserted) {
        CodeEntry e;
        e.verdi = r.kode;
        e.system = f.system;
        sd.entries.push_back(std::move(e));
      }
      CodeEntry& e = sd.entries[it->second];
      e.stjernekode = e.stjernekode || r.stjernekode;
      e.tilleggskode = e.tilleggskode || r.tilleggskode;
      if (r.kjonn != KodeKjonn::kAlle) e.kjonn = r.kjonn;
      e.periods.push_back(r.period);
    }
    for (int y = std::max(f.year_from, kMinYear); y <= std::min(f.year_to, kMaxYear); ++y) {
      sd.covered[static_cast<size_t>(y - kMinYear)] = true;
    }
    ManifestTable t;
    t.system = kode_system_name(f.system);
    t.year_from = f.year_from;
    t.year_to = f.year_to;
    t.file = std::move(file);
    t.sha256 = std::move(sha256);
    t.codes = f.distinct_codes;
    files.push_back(std::move(t));
  }
};

CodeTables::CodeTables() : impl_(std::make_unique<Impl>()) {}
CodeTables::~CodeTables() = default;
CodeTables::CodeTables(CodeTables&&) noexcept = default;
CodeTables& CodeTables::operator=(CodeTables&&) noexcept = default;

Result<CodeTables> CodeTables::load(const std::filesystem::path& dir, Diagnostics& diagnostics) {
  std::error_code ec;
  auto status = fs::status(dir, ec);
  if (ec || !fs::exists(status)) {
    return Status::not_found("code table directory '" + dir.string() + "' does not exist");
  }
  std::vector<fs::path> paths;
  auto is_csv = [](const fs::path& p) {
    return table_text::to_lower(p.extension().string()) == ".csv";
  };
  if (fs::is_regular_file(status)) {
    paths.push_back(dir);
  } else if (fs::is_directory(status)) {
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      return Status::io_error("cannot read code table directory '" + dir.string() +
                              "': " + ec.message());
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const fs::path& p = it->path();
      if (!p.filename().empty() && p.filename().string().front() == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && is_csv(p)) paths.push_back(p);
    }
    if (ec) {
      return Status::io_error("cannot read code table directory '" + dir.string() +
                              "': " + ec.message());
    }
  } else {
    return Status::invalid_input("'" + dir.string() + "' is neither a directory nor a file");
  }
  std::sort(paths.begin(), paths.end());

  CodeTables tables;
  for (const auto& p : paths) {
    FileReader reader(p, diagnostics);
    std::string sha;
    if (auto parsed = reader.read(sha)) tables.impl_->add(*parsed, p.string(), std::move(sha));
  }
  if (tables.impl_->files.empty()) {
    diagnostics.warning(dir.string(), 0, 0,
                        "no code tables loaded: every code will be reported as unchecked");
  }
  for (auto& sd : tables.impl_->systems) build_indexes(sd);
  return tables;
}

const std::vector<ManifestTable>& CodeTables::files() const { return impl_->files; }

bool CodeTables::has_year(KodeSystem system, int year) const {
  const SystemData* sd = impl_->data(system);
  return sd != nullptr && sd->covers(year);
}

std::vector<int> CodeTables::years(KodeSystem system) const {
  std::vector<int> out;
  const SystemData* sd = impl_->data(system);
  if (sd == nullptr) return out;
  for (int y = kMinYear; y <= kMaxYear; ++y) {
    if (sd->covers(y)) out.push_back(y);
  }
  return out;
}

const CodeEntry* CodeTables::find(KodeSystem system, std::string_view verdi) const {
  const SystemData* sd = impl_->data(system);
  if (sd == nullptr) return nullptr;
  auto it = sd->index.find(verdi);
  return it == sd->index.end() ? nullptr : &sd->entries[it->second];
}

const CodeEntry::Period* CodeTables::period_on(const CodeEntry& entry, DateTime date) {
  const int32_t day = date.day();
  for (const auto& p : entry.periods) {
    if (p.from_day <= day && day <= p.to_day) return &p;
  }
  return nullptr;
}

bool CodeTables::valid_on(KodeSystem system, std::string_view verdi, DateTime date) const {
  const CodeEntry* e = find(system, verdi);
  return e != nullptr && period_on(*e, date) != nullptr;
}

std::vector<int> CodeTables::valid_years(KodeSystem system, std::string_view verdi) const {
  std::vector<int> out;
  const CodeEntry* e = find(system, verdi);
  if (e == nullptr) return out;
  const SystemData& sd = *impl_->data(system);
  for (int y = kMinYear; y <= kMaxYear; ++y) {
    if (!sd.covers(y)) continue;
    if (std::any_of(e->periods.begin(), e->periods.end(),
                    [&](const auto& p) { return period_overlaps_year(p, y); })) {
      out.push_back(y);
    }
  }
  return out;
}

bool CodeTables::more_specific_exists(KodeSystem system, std::string_view prefix,
                                      DateTime date) const {
  const SystemData* sd = impl_->data(system);
  if (sd == nullptr) return false;
  auto it = sd->prefixes.find(prefix);
  if (it == sd->prefixes.end()) return false;
  for (uint32_t pos = it->second.first; pos < it->second.second; ++pos) {
    if (period_on(sd->entries[sd->sorted[pos]], date) != nullptr) return true;
  }
  return false;
}

bool CodeTables::longer_code_exists(KodeSystem system, std::string_view prefix) const {
  const SystemData* sd = impl_->data(system);
  return sd != nullptr && sd->prefixes.find(prefix) != sd->prefixes.end();
}

std::string_view CodeTables::tekst(KodeSystem system, std::string_view verdi, DateTime date) const {
  const CodeEntry* e = find(system, verdi);
  if (e == nullptr || e->periods.empty()) return {};
  if (const auto* p = period_on(*e, date)) return p->tekst;
  const CodeEntry::Period* latest = &e->periods.front();
  for (const auto& p : e->periods) {
    if (p.to_day >= latest->to_day) latest = &p;
  }
  return latest->tekst;
}

std::vector<std::string_view> CodeTables::successors(KodeSystem system, std::string_view verdi,
                                                     DateTime date) const {
  std::vector<std::string_view> out;
  const SystemData* sd = impl_->data(system);
  if (sd == nullptr) return out;
  // 1. The same code with further characters, valid on the date: the shortest such codes
  //    (D370 -> D3700, D3701), in code order.
  if (auto it = sd->prefixes.find(verdi); it != sd->prefixes.end()) {
    size_t shortest = SIZE_MAX;
    for (uint32_t pos = it->second.first; pos < it->second.second; ++pos) {
      const CodeEntry& e = sd->entries[sd->sorted[pos]];
      if (e.verdi.size() > shortest || period_on(e, date) == nullptr) continue;
      if (e.verdi.size() < shortest) {
        shortest = e.verdi.size();
        out.clear();
      }
      out.push_back(e.verdi);
    }
    if (!out.empty()) return out;
  }
  // 2. Another code with the same text, valid on the date (NCSP TBA10 -> BAX10 "Nålebiopsi av
  //    tyreoidea"). A scan of the system: this runs only to word a finding, never per code.
  const CodeEntry* self = find(system, verdi);
  if (self == nullptr) return out;
  for (uint32_t id : sd->sorted) {
    const CodeEntry& e = sd->entries[id];
    if (&e == self) continue;
    const CodeEntry::Period* p = period_on(e, date);
    if (p == nullptr) continue;
    if (std::any_of(self->periods.begin(), self->periods.end(),
                    [&](const auto& q) { return !q.tekst.empty() && q.tekst == p->tekst; })) {
      out.push_back(e.verdi);
    }
  }
  return out;
}

KodeSystem CodeTables::resolve_procedure_system(std::string_view verdi, DateTime date) const {
  KodeSystem any = KodeSystem::kOther;
  for (KodeSystem s : kProcedureSystems) {
    const CodeEntry* e = find(s, verdi);
    if (e == nullptr) continue;
    if (period_on(*e, date) != nullptr) return s;
    if (any == KodeSystem::kOther) any = s;
  }
  return any;
}

}  // namespace nprcheck
