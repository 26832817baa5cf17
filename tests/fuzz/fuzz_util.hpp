#pragma once
// Shared by the fuzz targets: a private temporary directory and writing the input into it.

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace nprcheck::fuzz {

/// A per-process scratch directory, created once.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    auto p =
        std::filesystem::temp_directory_path() / ("nprcheck-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    return p;
  }();
  return dir;
}

/// Writes the fuzz input to `scratch()/relative` (creating folders) and returns the path.
inline std::filesystem::path write_input(const std::string& relative, const uint8_t* data,
                                         size_t size) {
  auto p = scratch() / relative;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return p;
}

}  // namespace nprcheck::fuzz
