#pragma once
/// Calendar dates and date-times as NPR-melding writes them (xs:dateTime or xs:date).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nprcheck {

/// A local date-time with minute... second precision, stored as seconds since 1970-01-01T00:00.
/// Time zones in the input are ignored: NPR-melding times are Norwegian local time.
struct DateTime {
  int64_t seconds = 0;

  /// Days since 1970-01-01 (the calendar day, for "same day" comparisons).
  [[nodiscard]] int32_t day() const;
  [[nodiscard]] int year() const;
  [[nodiscard]] int month() const;
  [[nodiscard]] int day_of_month() const;
  /// `YYYY-MM-DD`.
  [[nodiscard]] std::string date_string() const;
  /// `YYYY-MM-DDThh:mm:ss`.
  [[nodiscard]] std::string to_string() const;

  friend auto operator<=>(const DateTime&, const DateTime&) = default;
};

/// Builds a DateTime from parts; nullopt when the date does not exist (2017-02-30, month 13...).
std::optional<DateTime> make_date_time(int year, int month, int day, int hour = 0, int minute = 0,
                                       int second = 0);

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm|-hh:mm]`; nullopt if malformed
/// or if the date does not exist. Years 1800..2200 only.
std::optional<DateTime> parse_date_time(std::string_view text);

/// Days since 1970-01-01 for a civil date (no validation).
int32_t days_from_civil(int year, int month, int day);

/// The machine's local time now, `YYYY-MM-DDThh:mm:ss` (run stamps, lock files, history).
std::string now_local_iso();
/// The machine's local calendar day today (at midnight).
DateTime today_local();

}  // namespace nprcheck
