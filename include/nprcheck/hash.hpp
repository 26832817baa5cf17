#pragma once
/// Content hashes for the run manifest and finding fingerprints (SHA-256, streaming).

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "nprcheck/status.hpp"

namespace nprcheck {

/// Incremental SHA-256 (FIPS 180-4).
class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t len);
  void update(std::string_view s) { update(s.data(), s.size()); }
  /// Finishes and returns the digest as 64 lower-case hex characters.
  std::string hex_digest();

 private:
  std::array<uint32_t, 8> h_{};
  std::array<uint8_t, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

/// SHA-256 of a string, hex.
std::string sha256_hex(std::string_view data);
/// SHA-256 of a file's bytes, hex.
Result<std::string> sha256_file(const std::filesystem::path& path);

/// Whether SHA-256 uses the CPU's SHA extensions (x86 SHA-NI), chosen once at start-up.
bool sha256_uses_cpu_extensions();
/// Makes SHA-256 use the portable code even where the CPU has SHA extensions (tests compare the
/// two); `false` returns to the start-up choice.
void sha256_force_portable(bool portable);

}  // namespace nprcheck
