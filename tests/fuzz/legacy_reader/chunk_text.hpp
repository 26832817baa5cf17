// LEGACY COPY of src/reader/chunk_text.hpp as it was before issue 16 (the differential fuzz target
// compares it with the current reader); namespace nprcheck::legacy_reader. Do not edit.
#pragma once
/// Positions and excerpts inside one Objektholder chunk, shared by the reader and convert_chunk.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nprcheck::legacy_reader {

/// Bytes of the current line the reader keeps for excerpts.
constexpr size_t kLineContext = 4096;

/// A position in the (decoded) stream: absolute offset, 1-based line and column.
struct TextPos {
  uint64_t abs = 0;
  uint32_t line = 1;
  uint32_t col = 1;
};

/// The line around stream position `at` (column `col` on it) as an excerpt, from the text
/// `window` that starts at stream position `window_abs`; `held_from` is the first position the
/// reader still held when the error was found (text before it is never quoted).
std::string excerpt_window(std::string_view window, uint64_t window_abs, uint64_t held_from,
                           uint64_t at, uint32_t col);

/// Lines and columns of byte offsets inside one chunk whose '<' is at `start`.
class ChunkLines {
 public:
  ChunkLines() = default;
  /// Starts over for the chunk `text` whose first byte is at `start`.
  ChunkLines(std::string_view text, TextPos start) : text_(text), start_(start) {
    line_ = start.line;
  }

  /// The chunk's text.
  [[nodiscard]] std::string_view text() const { return text_; }
  /// Where the chunk starts.
  [[nodiscard]] const TextPos& start() const { return start_; }

  /// The line of byte `offset` of the chunk: counted on from the last offset asked for (objects
  /// are visited in document order), from the start when asked for an earlier one.
  uint32_t line_of(size_t offset);
  /// The stream position, line and column of byte `offset` of the chunk.
  TextPos pos(size_t offset);

 private:
  std::string_view text_;
  TextPos start_;
  size_t at_ = 0;
  uint32_t line_ = 1;
};

}  // namespace nprcheck::legacy_reader
