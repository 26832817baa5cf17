#pragma once
// Shared by the tables tests: dates, the real tables loaded once, scratch folders, diagnostics.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/code_tables.hpp"
#include "nprcheck/date.hpp"
#include "nprcheck/diagnostic.hpp"

namespace nprcheck::test {

/// A calendar date (the test fails loudly if it does not exist).
inline DateTime date(int y, int m, int d, int hh = 0, int mm = 0) {
  auto dt = make_date_time(y, m, d, hh, mm);
  if (!dt) throw std::runtime_error("bad test date");
  return *dt;
}

inline std::string testdata(std::string_view rel) {
  return std::string(NPRCHECK_TESTDATA) + "/" + std::string(rel);
}

/// The real yearly tables of testdata/tables, loaded once for all tests.
inline const CodeTables& real_tables() {
  static const CodeTables tables = [] {
    Diagnostics d;
    auto t = CodeTables::load(testdata("tables"), d);
    if (!t || d.has_errors()) throw std::runtime_error("testdata/tables did not load cleanly");
    return std::move(*t);
  }();
  return tables;
}

/// A fresh, empty temporary folder for one test.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() /
           ("nprcheck-tables-test-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

/// Writes `content` to `dir/rel`, creating folders.
inline std::filesystem::path write_file(const std::filesystem::path& dir, const std::string& rel,
                                        std::string_view content) {
  auto p = dir / rel;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return p;
}

/// The diagnostics of one level.
inline std::vector<Diagnostic> of_level(const Diagnostics& d, DiagnosticLevel level) {
  std::vector<Diagnostic> out;
  for (auto& x : d.all()) {
    if (x.level == level) out.push_back(x);
  }
  return out;
}

}  // namespace nprcheck::test
