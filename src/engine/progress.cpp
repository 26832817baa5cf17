// Terminal progress line.
#include "progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace nprcheck {

Progress::Progress(bool wanted, size_t files)
    : enabled_(wanted && ::isatty(STDERR_FILENO) == 1),
      files_(files),
      start_(std::chrono::steady_clock::now()) {}

void Progress::start_file(const std::string& path, uint64_t size) {
  ++file_index_;
  name_ = std::filesystem::path(path).filename().string();
  size_ = size;
  bytes_ = 0;
  episodes_ = 0;
  draw(true);
}

void Progress::update(uint64_t file_bytes, uint64_t episodes) {
  bytes_ = file_bytes;
  episodes_ = episodes;
  draw(false);
}

void Progress::finish_file() {
  episodes_done_ += episodes_;
  episodes_ = 0;
}

void Progress::draw(bool force) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  uint64_t total = episodes_done_ + episodes_;
  int pct = size_ > 0 ? static_cast<int>(100.0 * static_cast<double>(bytes_) / size_) : 0;
  std::fprintf(stderr, "\r\033[K[%zu/%zu] %s %3d%%  %llu episodes  %.0f episodes/s", file_index_,
               files_, name_.c_str(), pct > 100 ? 100 : pct, static_cast<unsigned long long>(total),
               secs > 0 ? total / secs : 0.0);
  std::fflush(stderr);
}

void Progress::done() {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace nprcheck
