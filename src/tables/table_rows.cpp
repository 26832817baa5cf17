// Helpers shared by the code-table readers: system names, table dates, flag values.
#include "table_rows.hpp"

#include <algorithm>

#include "table_text.hpp"

namespace nprcheck::table_rows {

int system_index(KodeSystem s) {
  for (size_t i = 0; i < kSystems.size(); ++i) {
    if (kSystems[i] == s) return static_cast<int>(i);
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
    case KodeSystem::kSarkode:
      return "sarkode";
    case KodeSystem::kPakkeforlop:
      return "pakkeforlop";
    case KodeSystem::kOther:
      break;
  }
  return "";
}

std::optional<KodeSystem> system_from_name(std::string_view lower_stem, bool exact) {
  std::string stem(lower_stem);
  // `ICD-10.json`, `icd_10_kumulativ.csv`: the separator inside the name is not part of it.
  if (stem.rfind("icd-10", 0) == 0 || stem.rfind("icd_10", 0) == 0) stem.erase(3, 1);
  for (KodeSystem s : kSystems) {
    std::string_view n = system_file_name(s);
    if (exact ? stem == n : std::string_view(stem).substr(0, n.size()) == n) return s;
  }
  return std::nullopt;
}

int32_t first_day(int year) { return days_from_civil(year, 1, 1); }
int32_t last_day(int year) { return days_from_civil(year, 12, 31); }
int year_of_day(int32_t day) { return DateTime{int64_t{day} * 86400}.year(); }

std::string date_text(int32_t day) {
  return day == CodeEntry::kOpenEnd ? std::string("(no end)")
                                    : DateTime{int64_t{day} * 86400}.date_string();
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

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
  using table_text::equals_lower;
  const std::string_view s = table_text::trim(v);
  if (s.empty() || s.size() > 4) return false;
  return equals_lower(s, "j") || equals_lower(s, "ja") || s == "1" || s == "x" || s == "X" ||
         s == "*" || equals_lower(s, "y") || equals_lower(s, "yes") || equals_lower(s, "true") ||
         equals_lower(s, "sann");
}

std::optional<KodeKjonn> parse_kjonn(std::string_view v) {
  using table_text::equals_lower;
  const std::string_view s = table_text::trim(v);
  if (s.empty()) return KodeKjonn::kAlle;
  if (equals_lower(s, "m") || equals_lower(s, "mann") || equals_lower(s, "menn") || s == "1")
    return KodeKjonn::kMann;
  if (equals_lower(s, "k") || equals_lower(s, "kvinne") || equals_lower(s, "kvinner") ||
      equals_lower(s, "f") || s == "2")
    return KodeKjonn::kKvinne;
  return std::nullopt;
}

size_t append_with_npr_period(Row&& row, std::optional<int32_t> npr_from,
                              std::optional<int32_t> npr_to, std::vector<Row>& out) {
  const int32_t from = row.period.from_day;
  const int32_t to = row.period.to_day;
  const int32_t in_from = std::max(from, npr_from.value_or(from));
  const int32_t in_to = std::min(to, npr_to.value_or(to));
  if (in_from > in_to) {  // NPR never accepts it in the code's period
    row.period.rapporteres_til_npr = false;
    out.push_back(std::move(row));
    return 1;
  }
  // The row itself goes into the last piece; only the pieces before it are copies.
  const bool after = in_to < to;
  size_t n = 0;
  auto piece = [&](int32_t a, int32_t b, bool reportable, bool last) {
    if (last) {
      out.push_back(std::move(row));
    } else {
      out.push_back(row);
    }
    Row& r = out.back();
    r.period.from_day = a;
    r.period.to_day = b;
    r.period.rapporteres_til_npr = reportable;
    ++n;
  };
  const bool reportable = row.period.rapporteres_til_npr;
  if (from < in_from) piece(from, in_from - 1, false, false);
  piece(in_from, in_to, reportable, !after);
  if (after) piece(in_to + 1, to, false, true);
  return n;
}

void finish_file(ParsedFile& f, std::optional<uint64_t> distinct_codes) {
  int32_t min_from = CodeEntry::kOpenEnd;
  int32_t max_from = INT32_MIN;
  int32_t max_to = INT32_MIN;
  for (const Row& r : f.rows) {
    min_from = std::min(min_from, r.period.from_day);
    max_from = std::max(max_from, r.period.from_day);
    if (r.period.to_day != CodeEntry::kOpenEnd) max_to = std::max(max_to, r.period.to_day);
  }
  if (distinct_codes) {
    f.distinct_codes = *distinct_codes;
  } else {
    std::vector<std::string_view> codes;
    codes.reserve(f.rows.size());
    for (const Row& r : f.rows) codes.push_back(r.kode);
    std::sort(codes.begin(), codes.end());
    f.distinct_codes =
        static_cast<uint64_t>(std::unique(codes.begin(), codes.end()) - codes.begin());
  }
  if (f.rows.empty()) return;
  f.year_from = year_of_day(min_from);
  // A period that ends says what holds the day after: a code valid until 2025-12-31 is known
  // not to be valid in 2026, so the table speaks about 2026 too.
  f.year_to = std::max(year_of_day(max_from), max_to == INT32_MIN ? 0 : year_of_day(max_to + 1));
}

}  // namespace nprcheck::table_rows
