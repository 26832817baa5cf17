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
};

/// Installs the default spdlog logger "nprcheck": stderr in the given format (json: one JSON
/// object per line with ts, level, pid, msg), plus with a log file a rotating file sink (same
/// format). Bad level/format or an unwritable file -> usage/io error, logging left as it was.
Status setup_logging(const LoggingOptions& options);
/// Shorthand for the three settings CheckOptions has.
Status setup_logging(const std::string& level, const std::string& format,
                     const std::string& log_file);

/// True when `level` is a level name setup_logging() accepts.
bool is_log_level(const std::string& level);
/// The level names setup_logging() accepts (for help texts and suggestions).
const char* log_level_names();

/// Flushes and drops the installed sinks (before exit, or in tests).
void shutdown_logging();

}  // namespace nprcheck
