// Logging setup: spdlog with a human or JSON-lines format, stderr and a rotating file.
#include "nprcheck/logging.hpp"

#include <fcntl.h>
#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

namespace nprcheck {

namespace {

constexpr const char* kTextPattern = "[%Y-%m-%d %H:%M:%S] %l: %v";

/// One JSON object per line: {"ts": ISO 8601 local with offset, "level", "pid", "msg"}.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    const auto t = system_clock::to_time_t(msg.time);
    const auto ms = duration_cast<milliseconds>(msg.time.time_since_epoch()).count() % 1000;
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char date[32], zone[8], ts[48];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    std::strftime(zone, sizeof zone, "%z", &tm);  // +0100
    std::snprintf(ts, sizeof ts, "%s.%03d%.3s:%.2s", date, static_cast<int>(ms), zone, zone + 3);
    nlohmann::ordered_json j;
    j["ts"] = ts;
    const auto level = spdlog::level::to_string_view(msg.level);
    j["level"] = std::string(level.data(), level.size());
    j["pid"] = static_cast<long>(::getpid());
    j["msg"] = std::string(msg.payload.data(), msg.payload.size());
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }
  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

bool parse_level(const std::string& name, spdlog::level::level_enum& out) {
  static const std::pair<const char*, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace},       {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},         {"warning", spdlog::level::warn},
      {"warn", spdlog::level::warn},         {"error", spdlog::level::err},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off}};
  for (const auto& [n, l] : kLevels) {
    if (name == n) {
      out = l;
      return true;
    }
  }
  return false;
}

std::unique_ptr<spdlog::formatter> make_formatter(bool json) {
  if (json) return std::make_unique<JsonFormatter>();
  return std::make_unique<spdlog::pattern_formatter>(kTextPattern);
}

/// The log file's own logger (no terminal sink) and its write failures.
struct FileLog {
  std::mutex mutex;
  std::shared_ptr<spdlog::logger> logger;
  std::string path;
  std::string first_failure;
  size_t failures = 0;
};

FileLog& file_log() {
  static FileLog log;
  return log;
}

void note_failure(const std::string& what) {
  FileLog& f = file_log();
  std::lock_guard<std::mutex> lock(f.mutex);
  if (f.failures++ == 0) f.first_failure = f.path + ": " + what;
}

}  // namespace

bool is_log_level(const std::string& level) {
  spdlog::level::level_enum l{};
  return parse_level(level, l);
}

const char* log_level_names() { return "trace, debug, info, warning, error, critical, off"; }

Status setup_logging(const LoggingOptions& options) {
  spdlog::level::level_enum level{};
  if (!parse_level(options.level, level)) {
    return Status::usage("unknown log level '" + options.level + "' (" + log_level_names() + ")");
  }
  if (options.format != "text" && options.format != "json") {
    return Status::usage("unknown log format '" + options.format + "' (text, json)");
  }
  spdlog::level::level_enum stderr_level = level;
  if (!options.stderr_level.empty() && !parse_level(options.stderr_level, stderr_level)) {
    return Status::usage("unknown log level '" + options.stderr_level + "' (" + log_level_names() +
                         ")");
  }
  const bool json = options.format == "json";
  std::vector<spdlog::sink_ptr> sinks;
  if (options.to_stderr) {
    auto err = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    err->set_formatter(make_formatter(json));
    err->set_level(stderr_level);
    sinks.push_back(std::move(err));
  }
  std::shared_ptr<spdlog::logger> file_logger;
  if (!options.log_file.empty()) {
    // Created here with 0640 (less under the umask): spdlog would create it 0666 & ~umask.
    int fd = ::open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) {
      return Status::io_error("cannot open log file " + options.log_file + ": " +
                              std::strerror(errno));
    }
    ::close(fd);
    try {
      auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
          options.log_file, options.max_file_bytes, options.max_files);
      file->set_formatter(make_formatter(json));
      file->set_level(level);
      sinks.push_back(file);
      file_logger = std::make_shared<spdlog::logger>("nprcheck-file", file);
    } catch (const spdlog::spdlog_ex& e) {
      return Status::io_error("cannot open log file " + options.log_file + ": " + e.what());
    }
  }
  auto logger = std::make_shared<spdlog::logger>("nprcheck", sinks.begin(), sinks.end());
  logger->set_level(std::min(level, stderr_level));
  // Flush every message at info and above: a killed run still leaves its log behind.
  logger->flush_on(spdlog::level::info);
  logger->set_error_handler([](const std::string& what) { note_failure(what); });
  {
    FileLog& f = file_log();
    std::lock_guard<std::mutex> lock(f.mutex);
    f.path = options.log_file;
    f.first_failure.clear();
    f.failures = 0;
    if (file_logger) {
      file_logger->set_level(level);
      file_logger->flush_on(spdlog::level::trace);
      file_logger->set_error_handler([](const std::string& what) { note_failure(what); });
    }
    f.logger = std::move(file_logger);
  }
  spdlog::set_default_logger(std::move(logger));
  return Status::ok();
}

void log_to_file(const std::string& level, const std::string& message) {
  std::shared_ptr<spdlog::logger> logger;
  {
    FileLog& f = file_log();
    std::lock_guard<std::mutex> lock(f.mutex);
    logger = f.logger;
  }
  spdlog::level::level_enum l{};
  if (!logger || !parse_level(level, l)) return;
  logger->log(l, "{}", message);
}

std::string log_write_failure(size_t* count) {
  FileLog& f = file_log();
  std::lock_guard<std::mutex> lock(f.mutex);
  if (count != nullptr) *count = f.failures;
  return f.first_failure;
}

Status setup_logging(const std::string& level, const std::string& format,
                     const std::string& log_file) {
  LoggingOptions o;
  o.level = level;
  o.format = format;
  o.log_file = log_file;
  return setup_logging(o);
}

void shutdown_logging() {
  if (auto current = spdlog::default_logger()) current->flush();
  {
    FileLog& f = file_log();
    std::lock_guard<std::mutex> lock(f.mutex);
    f.logger.reset();
  }
  auto err = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  err->set_formatter(make_formatter(false));
  auto logger = std::make_shared<spdlog::logger>("nprcheck", std::move(err));
  logger->set_level(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace nprcheck
