// Dates: civil calendar arithmetic (Howard Hinnant's algorithms) and xs:dateTime parsing.
#include "nprcheck/date.hpp"

#include <cstdio>
#include <ctime>

namespace nprcheck {

namespace {

constexpr int64_t kSecondsPerDay = 86400;

struct Civil {
  int year;
  int month;
  int day;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at text[pos]; false if any is not a digit.
bool digits(std::string_view text, size_t pos, size_t n, int& out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

int32_t days_from_civil(int year, int month, int day) {
  const int y = year - (month <= 2);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * static_cast<unsigned>(month + (month > 2 ? -3 : 9)) + 2) / 5 +
                       static_cast<unsigned>(day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

int32_t DateTime::day() const {
  int64_t d = seconds / kSecondsPerDay;
  if (seconds % kSecondsPerDay < 0) --d;
  return static_cast<int32_t>(d);
}

int DateTime::year() const { return civil_from_days(day()).year; }
int DateTime::month() const { return civil_from_days(day()).month; }
int DateTime::day_of_month() const { return civil_from_days(day()).day; }

std::string DateTime::date_string() const {
  Civil c = civil_from_days(day());
  char buf[40];  // room for any int year, so -Wformat-truncation has nothing to say
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
  return buf;
}

std::string DateTime::to_string() const {
  int64_t rem = seconds - static_cast<int64_t>(day()) * kSecondsPerDay;
  char buf[40];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return date_string() + buf;
}

std::optional<DateTime> make_date_time(int year, int month, int day, int hour, int minute,
                                       int second) {
  if (year < 1800 || year > 2200 || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, month) || hour < 0 || hour > 24 || minute < 0 || minute > 59 ||
      second < 0 || second > 60) {
    return std::nullopt;
  }
  if (hour == 24 && (minute != 0 || second != 0)) return std::nullopt;
  int64_t s = static_cast<int64_t>(days_from_civil(year, month, day)) * kSecondsPerDay +
              hour * 3600 + minute * 60 + (second == 60 ? 59 : second);
  return DateTime{s};
}

std::optional<DateTime> parse_date_time(std::string_view text) {
  // Trim surrounding white space (attribute values may carry it).
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() < 10 || !digits(text, 0, 4, y) || text[4] != '-' || !digits(text, 5, 2, mo) ||
      text[7] != '-' || !digits(text, 8, 2, d)) {
    return std::nullopt;
  }
  size_t pos = 10;
  if (pos < text.size() && text[pos] == 'T') {
    if (!digits(text, pos + 1, 2, h) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, mi)) {
      return std::nullopt;
    }
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      if (!digits(text, pos + 1, 2, s)) return std::nullopt;
      pos += 3;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
      }
    }
  }
  // Optional zone designator: Z or +hh:mm / -hh:mm (ignored: NPR times are local).
  if (pos < text.size()) {
    if (text[pos] == 'Z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      int zh = 0, zm = 0;
      if (!digits(text, pos + 1, 2, zh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
          !digits(text, pos + 4, 2, zm) || zh > 14 || zm > 59) {
        return std::nullopt;
      }
      pos += 6;
    }
  }
  if (pos != text.size()) return std::nullopt;
  return make_date_time(y, mo, d, h, mi, s);
}

std::string now_local_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

DateTime today_local() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return make_date_time(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday).value_or(DateTime{});
}

}  // namespace nprcheck
