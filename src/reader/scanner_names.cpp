// Names of elements and attributes as the scanner meets them: their kept bytes, local part and
// keys (end tags matched, duplicate attributes found).
#include <algorithm>
#include <cstring>

#include "reader_impl.hpp"

namespace nprcheck::reader {

namespace {

/// FNV-1a of the bytes of a name beyond its first kNameKeep (kept in a KeptName).
uint64_t fnv_span(uint64_t h, const unsigned char* s, size_t k) {
  for (size_t i = 0; i < k; ++i) h = (h ^ s[i]) * kFnvPrime;
  return h;
}

}  // namespace

uint64_t name_key(const KeptName& keep, uint64_t len, uint64_t tail) {
  // Eight bytes at a time (one step for most names): the kept bytes are complete here, so the
  // key does not depend on how the name was split between blocks or steps.
  uint64_t h = kFnvBasis ^ (len * 0x9E3779B97F4A7C15ull);
  size_t i = 0;
  for (; i + 8 <= keep.len; i += 8) {
    uint64_t w;
    std::memcpy(&w, keep.buf + i, 8);
    h = (h ^ w) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 29;
  }
  if (i < keep.len) {
    uint64_t w = 0;
    std::memcpy(&w, keep.buf + i, keep.len - i);
    h = (h ^ w) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 29;
  }
  return (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
}

void ReaderImpl::name_done() { name_hash_ = name_key(name_keep_, name_len_, name_hash_); }

void ReaderImpl::name_add(unsigned char c) {
  if (name_len_ >= kNameKeep) name_hash_ = (name_hash_ ^ c) * kFnvPrime;
  ++name_len_;
  name_keep_.add(static_cast<char>(c));
  if (c == ':') {
    local_len_ = 0;
    local_over_ = false;
  } else if (local_len_ < kLocalMax) {
    local_[local_len_++] = static_cast<char>(c);
  } else {
    local_over_ = true;
  }
}

void ReaderImpl::name_add_span(const unsigned char* s, size_t k) {
  const size_t keep = std::min(k, kNameKeep - name_keep_.len);
  std::memcpy(name_keep_.buf + name_keep_.len, s, keep);
  name_keep_.len += keep;
  if (keep < k) name_hash_ = fnv_span(name_hash_, s + keep, k - keep);
  name_len_ += k;
  // The local part: what follows the last ':' (as name_add() one byte at a time).
  const unsigned char* from = s;
  if (const void* colon = ::memrchr(s, ':', k); colon != nullptr) {
    from = static_cast<const unsigned char*>(colon) + 1;
    local_len_ = 0;
    local_over_ = false;
  }
  const size_t rest = static_cast<size_t>(s + k - from);
  const size_t room = kLocalMax - local_len_;
  if (rest > room) {
    std::memcpy(local_ + local_len_, from, room);
    local_len_ = kLocalMax;
    local_over_ = true;
  } else {
    std::memcpy(local_ + local_len_, from, rest);
    local_len_ += rest;
  }
}

std::string_view ReaderImpl::local() const {
  return local_over_ ? std::string_view() : std::string_view(local_, local_len_);
}

std::string ReaderImpl::shown_name() const {
  return name_len_ > name_keep_.len ? name_keep_.str() + "..." : name_keep_.str();
}

void ReaderImpl::attr_add(unsigned char c) {
  if (attr_len_ >= kNameKeep) attr_hash_ = (attr_hash_ ^ c) * kFnvPrime;
  ++attr_len_;
  attr_keep_.add(static_cast<char>(c));
}

void ReaderImpl::attr_add_span(const unsigned char* s, size_t k) {
  const size_t keep = std::min(k, kNameKeep - attr_keep_.len);
  std::memcpy(attr_keep_.buf + attr_keep_.len, s, keep);
  attr_keep_.len += keep;
  if (keep < k) attr_hash_ = fnv_span(attr_hash_, s + keep, k - keep);
  attr_len_ += k;
}

void ReaderImpl::attr_name_done() {
  uint64_t key = name_key(attr_keep_, attr_len_, attr_hash_);
  if (attrs_.size() < 16) {
    if (std::find(attrs_.begin(), attrs_.end(), key) != attrs_.end()) {
      duplicate_attribute();
      return;
    }
    attrs_.push_back(key);
    if (attrs_.size() == 16) attr_set_.insert(attrs_.begin(), attrs_.end());
  } else if (!attr_set_.insert(key).second) {
    duplicate_attribute();
  }
}

void ReaderImpl::duplicate_attribute() {
  recoverable(here(),
              "attribute '" + attr_keep_.str() + "' appears twice on <" + shown_name() + ">");
}

}  // namespace nprcheck::reader
