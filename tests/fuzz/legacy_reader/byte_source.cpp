// LEGACY COPY of src/reader/byte_source.cpp as it was before issue 16 (the differential fuzz target
// compares it with the current reader); namespace nprcheck::legacy_reader. Do not edit.
// ByteSource: plain or gzip-compressed file bytes in blocks, with bounded inflation.
#include "byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nprcheck::legacy_reader {

namespace {

constexpr size_t kRawBlock = 256u << 10;

}  // namespace

ByteSource::~ByteSource() {
  if (z_init_) inflateEnd(&zs_);
  if (fd_ >= 0) ::close(fd_);
}

Status ByteSource::open(const std::string& path, uint64_t max_uncompressed_bytes) {
  max_uncompressed_ = max_uncompressed_bytes;
  // O_NONBLOCK: opening a FIFO must not wait for a writer; cleared again for regular files.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    std::string msg = std::string("cannot open: ") + std::strerror(e);
    return e == ENOENT ? Status::not_found(msg) : Status::io_error(msg);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    std::string msg = std::string("cannot stat: ") + std::strerror(errno);
    ::close(fd);
    return Status::io_error(msg);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::io_error("is a directory, not an extract file");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::io_error("not a regular file (a FIFO, device or socket is not read)");
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  fd_ = fd;
  in_.resize(kRawBlock);
  return Status::ok();
}

bool ByteSource::fill() {
  if (eof_ || !error_.empty()) return false;
  // Keep unconsumed input at the front.
  if (in_pos_ > 0) {
    std::memmove(in_.data(), in_.data() + in_pos_, in_len_ - in_pos_);
    in_len_ -= in_pos_;
    in_pos_ = 0;
  }
  if (in_len_ == in_.size()) return true;
  for (;;) {
    ssize_t got = ::read(fd_, in_.data() + in_len_, in_.size() - in_len_);
    if (got < 0) {
      if (errno == EINTR) continue;
      error_ = std::string("read error: ") + std::strerror(errno);
      return false;
    }
    if (got == 0) {
      eof_ = true;
      return false;
    }
    in_len_ += static_cast<size_t>(got);
    raw_total_ += static_cast<uint64_t>(got);
    return true;
  }
}

size_t ByteSource::read(char* dst, size_t n) {
  if (fd_ < 0 || !error_.empty() || n == 0) return 0;
  if (!detected_) {
    // Read at least two bytes (or to the end) to look for the gzip magic.
    while (in_len_ < 2 && fill()) {
    }
    if (!error_.empty()) return 0;
    detected_ = true;
    gzip_ = in_len_ >= 2 && in_[0] == 0x1f && in_[1] == 0x8b;
    if (gzip_) {
      zs_ = z_stream{};
      if (inflateInit2(&zs_, 15 + 16) != Z_OK) {
        error_ = "cannot initialise zlib";
        return 0;
      }
      z_init_ = true;
    }
  }
  return gzip_ ? read_gzip(dst, n) : read_plain(dst, n);
}

size_t ByteSource::read_plain(char* dst, size_t n) {
  if (in_pos_ == in_len_ && !fill()) return 0;
  size_t k = std::min(n, in_len_ - in_pos_);
  std::memcpy(dst, in_.data() + in_pos_, k);
  in_pos_ += k;
  out_total_ += k;
  return k;
}

size_t ByteSource::read_gzip(char* dst, size_t n) {
  size_t produced = 0;
  while (produced == 0) {
    if (in_pos_ == in_len_) {
      fill();
      if (!error_.empty()) return 0;
    }
    if (member_end_) {
      if (in_pos_ == in_len_) return 0;  // the end of the last member: the end of the stream
      // Another gzip member follows (concatenated .gz files are one stream).
      if (inflateReset(&zs_) != Z_OK) {
        error_ = "cannot reset zlib";
        return 0;
      }
      member_end_ = false;
    }
    size_t in_before = in_pos_;
    zs_.next_in = in_.data() + in_pos_;
    zs_.avail_in = static_cast<uInt>(in_len_ - in_pos_);
    zs_.next_out = reinterpret_cast<Bytef*>(dst);
    zs_.avail_out = static_cast<uInt>(n);
    int ret = inflate(&zs_, Z_NO_FLUSH);
    in_pos_ = in_len_ - zs_.avail_in;
    produced = n - zs_.avail_out;
    if (ret == Z_STREAM_END) {
      member_end_ = true;
      if (produced == 0 && in_pos_ == in_len_ && eof_) return 0;
    } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
      error_ = std::string("the gzip stream is corrupt (") +
               (zs_.msg != nullptr ? zs_.msg : "inflate failed") + ")";
      return 0;
    } else if (produced == 0 && in_pos_ == in_before) {
      if (in_pos_ < in_len_) {  // input left, yet no progress: cannot happen with valid data
        error_ = "the gzip stream is corrupt (no progress)";
        return 0;
      }
      if (eof_) {  // no progress, no input left: the stream was cut short
        error_ = "the gzip stream is truncated (unexpected end of file)";
        return 0;
      }
    }
  }
  out_total_ += produced;
  if (out_total_ > max_uncompressed_) {
    error_ = "the gzip stream inflates to more than " + std::to_string(max_uncompressed_) +
             " bytes (limit): refused";
    return 0;
  }
  return produced;
}

}  // namespace nprcheck::legacy_reader
