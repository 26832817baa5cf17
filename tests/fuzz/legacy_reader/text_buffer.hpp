// LEGACY COPY of src/reader/text_buffer.hpp as it was before issue 16 (the differential fuzz target
// compares it with the current reader); namespace nprcheck::legacy_reader. Do not edit.
#pragma once
/// A byte buffer whose capacity is exactly what the reader asks for (std::string doubles).

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace nprcheck::legacy_reader {

/// Text kept by the scanner: appended at the back, dropped at the front.
class TextBuffer {
 public:
  TextBuffer() = default;
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;
  ~TextBuffer() { std::free(data_); }

  [[nodiscard]] const char* data() const { return data_; }
  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] size_t capacity() const { return cap_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  char operator[](size_t i) const { return data_[i]; }
  [[nodiscard]] std::string_view view() const { return {data_, size_}; }
  [[nodiscard]] std::string_view view(size_t from, size_t n) const { return {data_ + from, n}; }

  /// Makes the capacity exactly `n` (never below the size); throws std::bad_alloc.
  void set_capacity(size_t n) {
    if (n < size_) n = size_;
    if (n == cap_) return;
    if (n == 0) {
      std::free(data_);
      data_ = nullptr;
      cap_ = 0;
      return;
    }
    void* p = std::realloc(data_, n);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<char*>(p);
    cap_ = n;
  }
  void append(std::string_view s) {
    if (size_ + s.size() > cap_) set_capacity(size_ + s.size());
    if (!s.empty()) std::memcpy(data_ + size_, s.data(), s.size());
    size_ += s.size();
  }
  /// Drops the first `n` bytes.
  void erase_front(size_t n) {
    if (n >= size_) {
      size_ = 0;
      return;
    }
    std::memmove(data_, data_ + n, size_ - n);
    size_ -= n;
  }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

}  // namespace nprcheck::legacy_reader
