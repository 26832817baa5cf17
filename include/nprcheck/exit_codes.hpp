#pragma once
/// The exit codes of every nprcheck command (documented in README and docs/operations.md).

namespace nprcheck {

inline constexpr int kExitOk = 0;        ///< no finding at or above --fail-on
inline constexpr int kExitFindings = 1;  ///< findings at or above --fail-on, or a threshold hit
inline constexpr int kExitError = 2;     ///< usage, configuration, rule-file or input error
/// Nothing was checked: the inputs hold no episode, or the filters matched none
/// (unless --allow-empty / allow_empty: true).
inline constexpr int kExitNothingChecked = 3;
inline constexpr int kExitInterrupted = 130;  ///< stopped by SIGINT

}  // namespace nprcheck
