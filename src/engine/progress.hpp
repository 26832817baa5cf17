#pragma once
// Progress on stderr for long runs: only when stderr is a terminal (private to the engine).

#include <chrono>
#include <cstdint>
#include <string>

namespace nprcheck {

/// One status line, redrawn at most five times a second: file n/N, MB, episodes, speed.
class Progress {
 public:
  Progress(bool wanted, size_t files);
  void start_file(const std::string& path, uint64_t size);
  void update(uint64_t file_bytes, uint64_t episodes);
  void finish_file();
  /// Clears the line.
  void done();

 private:
  void draw(bool force);
  bool enabled_ = false;
  size_t files_ = 0;
  size_t file_index_ = 0;
  std::string name_;
  uint64_t size_ = 0;
  uint64_t bytes_ = 0;
  uint64_t episodes_done_ = 0;  // in finished files
  uint64_t episodes_ = 0;       // in the current file
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace nprcheck
