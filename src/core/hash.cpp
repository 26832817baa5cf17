// SHA-256 (FIPS 180-4) through OpenSSL's libcrypto (EVP), which uses the CPU's SHA extensions
// where there are any.
#include "nprcheck/hash.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <utility>

namespace nprcheck {

namespace {

/// A failing EVP call on a valid context is a broken libcrypto (or a bug here), not bad input:
/// say which call failed and stop.
[[noreturn]] void openssl_failed(const char* call) {
  std::array<char, 256> why{};
  ERR_error_string_n(ERR_get_error(), why.data(), why.size());
  std::fprintf(stderr, "nprcheck: internal error: OpenSSL %s failed: %s\n", call, why.data());
  std::abort();
}

/// SHA-256, fetched from the default provider once (an explicit fetch spares every
/// initialisation the implicit look-up `EVP_sha256()` would cost). Held until exit.
const EVP_MD* sha256_md() {
  static const EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) openssl_failed("EVP_MD_fetch(SHA256)");
    return fetched;
  }();
  return md;
}

}  // namespace

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

Sha256::Sha256(Sha256&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

evp_md_ctx_st* Sha256::context() {
  if (ctx_ == nullptr) {
    ctx_ = EVP_MD_CTX_new();
    if (ctx_ == nullptr) throw std::bad_alloc();
    if (EVP_DigestInit_ex(ctx_, sha256_md(), nullptr) != 1) openssl_failed("EVP_DigestInit_ex");
  }
  return ctx_;
}

void Sha256::update(const void* data, size_t len) {
  EVP_MD_CTX* ctx = context();
  if (len > 0 && EVP_DigestUpdate(ctx, data, len) != 1) openssl_failed("EVP_DigestUpdate");
}

std::string Sha256::hex_digest() {
  EVP_MD_CTX* ctx = context();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx, digest.data(), &n) != 1 || n != 32) {
    openssl_failed("EVP_DigestFinal_ex");
  }
  // Start over: the same context serves the next message without a new allocation.
  if (EVP_DigestInit_ex(ctx, nullptr, nullptr) != 1) openssl_failed("EVP_DigestInit_ex");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * n, '\0');
  for (unsigned int i = 0; i < n; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

Result<std::string> sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io_error(path.string() + ": cannot open for reading");
  Sha256 h;
  std::array<char, 1 << 16> buf{};
  while (in) {
    in.read(buf.data(), buf.size());
    h.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return Status::io_error(path.string() + ": read error");
  return h.hex_digest();
}

}  // namespace nprcheck
