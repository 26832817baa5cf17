// LEGACY COPY of src/reader/byte_source.hpp as it was before issue 16 (the differential fuzz target
// compares it with the current reader); namespace nprcheck::legacy_reader. Do not edit.
#pragma once
/// The bytes of an extract on disk: plain or gzip (detected by its magic bytes), read in blocks.

#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nprcheck/status.hpp"

namespace nprcheck::legacy_reader {

/// A file read block by block, inflated on the fly when it starts with the gzip magic 1f 8b.
/// Concatenated gzip members are read as one stream. Errors are sticky.
class ByteSource {
 public:
  ByteSource() = default;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;
  ~ByteSource();

  /// Opens `path` (regular files only: a FIFO or a directory is refused, never blocked on).
  Status open(const std::string& path, uint64_t max_uncompressed_bytes);
  /// Reads up to `n` bytes of the (decompressed) stream; returns 0 at the end or on an error
  /// (then error() is set).
  size_t read(char* dst, size_t n);
  /// The read or decompression error, if any (message without the file name).
  [[nodiscard]] const std::string& error() const { return error_; }
  /// Whether the file is gzip-compressed (known after the first read).
  [[nodiscard]] bool gzip() const { return gzip_; }
  /// Bytes of the file on disk consumed so far.
  [[nodiscard]] uint64_t file_bytes() const { return raw_total_ - (in_len_ - in_pos_); }
  /// Bytes of the (decompressed) stream delivered so far.
  [[nodiscard]] uint64_t stream_bytes() const { return out_total_; }

 private:
  bool fill();  // reads the next raw block into in_; false at end of file or on error
  size_t read_plain(char* dst, size_t n);
  size_t read_gzip(char* dst, size_t n);

  int fd_ = -1;
  bool detected_ = false;
  bool gzip_ = false;
  bool eof_ = false;
  bool z_init_ = false;
  bool member_end_ = false;
  z_stream zs_{};
  std::vector<unsigned char> in_;
  size_t in_pos_ = 0;
  size_t in_len_ = 0;
  uint64_t raw_total_ = 0;
  uint64_t out_total_ = 0;
  uint64_t max_uncompressed_ = 0;
  std::string error_;
};

}  // namespace nprcheck::legacy_reader
