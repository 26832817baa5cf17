#pragma once
/// Status and Result<T>: expected failures are values, exceptions stay at library edges.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace nprcheck {

/// What kind of failure a Status carries; maps onto the CLI's exit codes.
enum class StatusCode {
  kOk = 0,
  kInvalidInput,  ///< a file (extract, table, rule, config) is malformed
  kNotFound,      ///< a file or directory does not exist
  kIoError,       ///< reading or writing failed
  kUsage,         ///< the caller asked for something that makes no sense
  kInternal,      ///< a bug: should never happen
};

/// The outcome of an operation that returns nothing: ok, or a code and a message.
class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return {}; }
  static Status invalid_input(std::string msg) {
    return {StatusCode::kInvalidInput, std::move(msg)};
  }
  static Status not_found(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status io_error(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status usage(std::string msg) { return {StatusCode::kUsage, std::move(msg)}; }
  static Status internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  [[nodiscard]] bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  [[nodiscard]] StatusCode code() const { return code_; }
  /// The message; for input errors it already reads `file:line:col: message`.
  [[nodiscard]] const std::string& message() const { return message_; }

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

/// A value or a failed Status (in the style of std::expected / tl::expected).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status)                      // NOLINT(google-explicit-constructor)
      : v_(std::move(status)) {
    assert(!std::get<Status>(v_).is_ok());
  }

  [[nodiscard]] bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  /// The failure; only valid when !has_value().
  [[nodiscard]] const Status& status() const { return std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace nprcheck
