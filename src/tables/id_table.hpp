#pragma once
/// The hash index of the code tables: an open-addressing set of 32-bit ids whose keys (codes,
/// prefixes of codes) live elsewhere, the hash of a code, which extends one byte at a time, and
/// the prefix ranges and sort keys the index is built from.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace nprcheck::table_rows {

/// FNV-1a over the bytes of a code, extended one byte at a time (a code's prefixes hash on the
/// way), and a final multiply that spreads it over the top bits, where the tables take the slot.
inline constexpr uint64_t kFnvBasis = 14695981039346656037ULL;
inline constexpr uint64_t kFnvPrime = 1099511628211ULL;
constexpr uint64_t fnv_step(uint64_t h, char c) {
  return (h ^ static_cast<unsigned char>(c)) * kFnvPrime;
}
constexpr uint64_t fnv_final(uint64_t h) { return (h ^ (h >> 32)) * 0x9E3779B97F4A7C15ULL; }
inline uint64_t code_hash(std::string_view s) {
  uint64_t h = kFnvBasis;
  for (char c : s) h = fnv_step(h, c);
  return fnv_final(h);
}

/// An open-addressing hash set of 32-bit ids whose keys live elsewhere (the codes in
/// SystemData::entries): one array, no node or key string per id. The caller passes the hash
/// and a predicate "id has the key"; linear probing, at most half full.
class IdTable {
 public:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  [[nodiscard]] uint32_t size() const { return count_; }

  /// The id whose key matches (`is_key(id)`), or kEmpty.
  template <typename IsKey>
  [[nodiscard]] uint32_t find(uint64_t hash, IsKey&& is_key) const {
    if (slots_.empty()) return kEmpty;
    for (size_t i = slot(hash);; i = (i + 1) & mask()) {
      const uint32_t id = slots_[i];
      if (id == kEmpty || is_key(id)) return id;
    }
  }
  /// Calls `fn(id)` for every id on the probe path of `hash` (ids of other keys among them).
  template <typename Fn>
  void for_each(uint64_t hash, Fn&& fn) const {
    if (slots_.empty()) return;
    for (size_t i = slot(hash); slots_[i] != kEmpty; i = (i + 1) & mask()) fn(slots_[i]);
  }
  /// Adds `id` (not in the table yet); `hash_of(id)` rehashes the ids already in when it grows.
  template <typename HashOf>
  void insert(uint64_t hash, uint32_t id, HashOf&& hash_of) {
    if (2 * (size_t{count_} + 1) > slots_.size()) grow(size_t{count_} + 1, hash_of);
    place(hash, id);
    ++count_;
  }
  /// Room for `n` ids without growing.
  template <typename HashOf>
  void reserve(size_t n, HashOf&& hash_of) {
    if (2 * n > slots_.size()) grow(n, hash_of);
  }

 private:
  [[nodiscard]] size_t mask() const { return slots_.size() - 1; }
  [[nodiscard]] size_t slot(uint64_t hash) const { return hash >> shift_; }
  void place(uint64_t hash, uint32_t id) {
    size_t i = slot(hash);
    while (slots_[i] != kEmpty) i = (i + 1) & mask();
    slots_[i] = id;
  }
  template <typename HashOf>
  void grow(size_t n, HashOf&& hash_of) {
    size_t cap = 16;
    int bits = 4;
    while (cap < 2 * n) {
      cap *= 2;
      ++bits;
    }
    std::vector<uint32_t> old = std::exchange(slots_, std::vector<uint32_t>(cap, kEmpty));
    shift_ = 64 - bits;
    for (uint32_t id : old) {
      if (id != kEmpty) place(hash_of(id), id);
    }
  }

  std::vector<uint32_t> slots_;
  int shift_ = 64;
  uint32_t count_ = 0;
};

/// A proper prefix of some reportable code: its first `len` characters of entry `id`, and the
/// range [first, last) in SystemData::sorted of the codes that are longer and start with it.
struct PrefixRange {
  uint32_t id = 0;
  uint32_t len = 0;
  uint32_t first = 0;
  uint32_t last = 0;
};

/// The first 8 bytes of a code, big-endian (zero-padded): ordered as the codes, ties aside.
inline uint64_t sort_key(std::string_view s) {
  uint64_t k = 0;
  for (size_t i = 0; i < 8; ++i) {
    k = (k << 8) | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0U);
  }
  return k;
}

/// Room for `n` more elements: at least doubling, so that many small files stay linear.
template <typename T>
void reserve_more(std::vector<T>& v, size_t n) {
  if (v.size() + n > v.capacity()) v.reserve(std::max(v.size() + n, 2 * v.capacity()));
}

/// Sorts `v` by `less` (a strict total order: one result whatever the algorithm): a few
/// ascending runs (a table's codes come file by file, each file mostly in code order) are
/// merged pairwise; anything else is sorted.
template <typename T, typename Less>
void sort_by_runs(std::vector<T>& v, Less less) {
  constexpr size_t kMaxRuns = 32;
  std::vector<size_t> runs{0};
  for (size_t i = 1; i < v.size() && runs.size() <= kMaxRuns; ++i) {
    if (less(v[i], v[i - 1])) runs.push_back(i);
  }
  if (runs.size() > kMaxRuns) {
    std::sort(v.begin(), v.end(), less);
    return;
  }
  runs.push_back(v.size());
  auto at = [&](size_t i) { return v.begin() + static_cast<std::ptrdiff_t>(i); };
  while (runs.size() > 2) {
    std::vector<size_t> merged{0};
    for (size_t r = 0; r + 1 < runs.size(); r += 2) {
      const size_t last = r + 2 < runs.size() ? runs[r + 2] : runs[r + 1];
      std::inplace_merge(at(runs[r]), at(runs[r + 1]), at(last), less);
      merged.push_back(last);
    }
    runs = std::move(merged);
  }
}

}  // namespace nprcheck::table_rows
