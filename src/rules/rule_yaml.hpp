#pragma once
/// Private helpers for rule files: source positions of YAML scalars, diagnostics, suggestions.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/diagnostic.hpp"

namespace nprcheck::rules_detail {

/// A 1-based line and column (bytes) in a rule file.
struct TextPos {
  uint32_t line = 0;
  uint32_t col = 0;
};

/// One rule file: its path as shown to the user and its bytes.
class SourceFile {
 public:
  SourceFile(std::string display, std::string text);
  [[nodiscard]] const std::string& display() const { return display_; }
  [[nodiscard]] const std::string& text() const { return text_; }
  /// The 1-based line and column of byte offset `pos`.
  [[nodiscard]] TextPos pos_of(size_t pos) const;
  /// The position of a YAML mark (0-based line/column).
  [[nodiscard]] static TextPos pos_of(const YAML::Mark& m) {
    return {static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)};
  }
  /// Adds an error at `at` with the offending line and a caret.
  void error(Diagnostics& d, TextPos at, std::string message) const;
  void warning(Diagnostics& d, TextPos at, std::string message) const;

 private:
  std::string display_;
  std::string text_;
  std::vector<size_t> line_starts_;
};

/// A scalar's value with the source position of each of its bytes (plain, quoted or block).
struct MappedText {
  std::string value;
  TextPos start;                   ///< where the scalar starts (quote or block indicator included)
  std::vector<TextPos> positions;  ///< positions[i] = where value[i] stands in the file
  bool present = false;
  /// Position of byte `offset` of the value (the end of the scalar when past it).
  [[nodiscard]] TextPos at(size_t offset) const;
};

/// Maps a scalar node to its text and source positions.
MappedText map_scalar(const SourceFile& file, const YAML::Node& node);

/// The closest candidate to `word` (edit distance), or empty when none is close.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace nprcheck::rules_detail
