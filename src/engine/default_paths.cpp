// Locating the bundled rules and tables.
#include "nprcheck/default_paths.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace nprcheck {

namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return exe.parent_path();
}

std::string locate(const char* env, const char* share_name, const char* source_rel) {
  if (const char* v = std::getenv(env); v != nullptr && *v != '\0') return v;
  std::error_code ec;
  auto installed = executable_dir() / ".." / NPRCHECK_SHARE_SUBDIR / share_name;
  if (std::filesystem::is_directory(installed, ec)) {
    return std::filesystem::weakly_canonical(installed, ec).string();
  }
  return (std::filesystem::path(NPRCHECK_SOURCE_DIR) / source_rel).string();
}

}  // namespace

std::string default_rules_dir() { return locate("NPRCHECK_RULES", "rules", "rules"); }
std::string default_indicators_dir() {
  return locate("NPRCHECK_INDICATORS", "indicators", "indicators");
}
std::string default_tables_dir() { return locate("NPRCHECK_TABLES", "tables", "testdata/tables"); }

}  // namespace nprcheck
