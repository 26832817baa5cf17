#pragma once
/// Logging (spdlog): a human log on stderr and, with a log file, a rotating file; JSON lines for
/// log collectors. Info-level messages never carry patient numbers or episode ids: those are
/// logged at debug level at most (see docs/operations.md).

#include <string>

#include "nprcheck/status.hpp"

namespace nprcheck {

/// Where and how to log.
struct LoggingOptions {
  std::string level = "info";   ///< trace, debug, info, warning (warn), error, critical, off
  std::string format = "text";  ///< text | json
  std::string log_file;         ///< empty: stderr only
  size_t max_file_bytes = 10 * 1024 * 1024;  ///< rotate the log file at this size
  size_t max_files = 5;                      ///< rotated files kept (log.1 ... log.5)
  bool to_stderr = true;                     ///< also log to stderr
  std::string stderr_level;  ///< the terminal's level when it differs (`-q`); empty: `level`
};

/// Installs the default spdlog logger "nprcheck": stderr in the given format (json: one JSON
/// object per line with ts, level, pid, msg), plus with a log file a rotating file sink (same
/// format). Bad level/format or an unwritable file -> usage/io error, logging left as it was.
/// The log file is created with mode 0640 (less under the umask) and every write failure is
/// counted (log_write_failure()).
Status setup_logging(const LoggingOptions& options);
/// Shorthand for the three settings CheckOptions has.
Status setup_logging(const std::string& level, const std::string& format,
                     const std::string& log_file);

/// Writes `message` to the log file only (not the terminal), at `level` ("info", "warning",
/// "error"): for what the terminal gets by other means (diagnostics, the summary). Does nothing
/// without a log file or below its level.
void log_to_file(const std::string& level, const std::string& message);

/// The first failure to write the log file since setup_logging() ("" when none), and how many.
std::string log_write_failure(size_t* count = nullptr);

/// True when `level` is a level name setup_logging() accepts.
bool is_log_level(const std::string& level);
/// The level names setup_logging() accepts (for help texts and suggestions).
const char* log_level_names();

/// Flushes and drops the installed sinks (before exit, or in tests).
void shutdown_logging();

}  // namespace nprcheck
