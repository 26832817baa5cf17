#pragma once
/// Content hashes for the run manifest and finding fingerprints (SHA-256, streaming).

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "nprcheck/status.hpp"

// OpenSSL's digest context (EVP_MD_CTX); only src/core/hash.cpp includes OpenSSL's headers.
struct evp_md_ctx_st;

namespace nprcheck {

/// Incremental SHA-256 (FIPS 180-4), computed by OpenSSL's libcrypto.
class Sha256 {
 public:
  Sha256() noexcept = default;
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t len);
  void update(std::string_view s) { update(s.data(), s.size()); }
  /// Finishes and returns the digest as 64 lower-case hex characters; the hasher then starts
  /// over (as does a moved-from one).
  std::string hex_digest();

 private:
  /// The context, created and initialised on first use.
  evp_md_ctx_st* context();
  evp_md_ctx_st* ctx_ = nullptr;
};

/// SHA-256 of a string, hex.
std::string sha256_hex(std::string_view data);
/// SHA-256 of a file's bytes, hex.
Result<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace nprcheck
