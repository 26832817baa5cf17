#pragma once
/// Reading hand-written input files safely: regular files only, a size limit, folder walks that
/// report what they cannot read, one YAML document per file.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nprcheck/status.hpp"

namespace nprcheck {

/// Size limit for config, waivers, units and rule files (far above any real one).
constexpr uint64_t kMaxSmallFileBytes = 16u << 20;

/// The bytes of `path` if it is (or a symlink leads to) a regular file of at most `max_bytes`;
/// a FIFO, a device, a folder, a dangling link or a larger file is an error, never blocked on.
Result<std::string> read_regular_file(const std::filesystem::path& path, uint64_t max_bytes);

/// Why `path` is not a readable regular file ("a folder, not a file", "a dangling symlink"...),
/// or an empty string when it is one.
std::string not_a_regular_file_reason(const std::filesystem::path& path);

/// What a folder walk found at one place.
enum class WalkKind { kFile, kSymlink, kOther };

/// One entry below the walked folder (folders themselves are not listed).
struct WalkEntry {
  std::filesystem::path path;
  WalkKind kind = WalkKind::kFile;
};

/// The result of walk_folder: entries in sorted path order, and the folders it could not read.
struct FolderWalk {
  std::vector<WalkEntry> entries;
  std::vector<std::pair<std::filesystem::path, std::string>> unreadable;  ///< folder, reason
};

/// Walks `root` recursively without following symlinks; `enter(folder)` decides whether a
/// sub-folder is entered. A folder that cannot be read is listed in `unreadable`, not skipped.
template <typename Enter>
FolderWalk walk_folder(const std::filesystem::path& root, Enter enter);

/// A line (1-based) where a second YAML document starts (`---` or `...` followed by more at
/// column 1 after the first document's content), if any.
std::optional<uint32_t> second_yaml_document_line(std::string_view text);

/// The byte offset of the first byte that is not valid UTF-8 (or a NUL), or npos.
size_t first_invalid_utf8(std::string_view text);

/// 1-based line and column of byte `offset` in `text`.
std::pair<uint32_t, uint32_t> line_col_of(std::string_view text, size_t offset);

namespace file_input_detail {
void walk_into(const std::filesystem::path& dir, FolderWalk& out,
               bool (*enter)(const std::filesystem::path&, void*), void* ctx);
}  // namespace file_input_detail

template <typename Enter>
FolderWalk walk_folder(const std::filesystem::path& root, Enter enter) {
  FolderWalk out;
  file_input_detail::walk_into(
      root, out,
      [](const std::filesystem::path& p, void* ctx) { return (*static_cast<Enter*>(ctx))(p); },
      &enter);
  return out;
}

}  // namespace nprcheck
