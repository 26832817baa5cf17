// Source positions of YAML scalars in rule files, and "did you mean" suggestions.
#include "rule_yaml.hpp"

#include <algorithm>

#include "nprcheck/suggest.hpp"

namespace nprcheck::rules_detail {

SourceFile::SourceFile(std::string display, std::string text)
    : display_(std::move(display)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

TextPos SourceFile::pos_of(size_t pos) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
  size_t line = static_cast<size_t>(it - line_starts_.begin());  // 1-based
  size_t col = pos - line_starts_[line - 1] + 1;
  return {static_cast<uint32_t>(line), static_cast<uint32_t>(col)};
}

void SourceFile::error(Diagnostics& d, TextPos at, std::string message) const {
  d.error(display_, at.line, at.col, std::move(message), excerpt_line(text_, at.line, at.col));
}

void SourceFile::warning(Diagnostics& d, TextPos at, std::string message) const {
  d.warning(display_, at.line, at.col, std::move(message), excerpt_line(text_, at.line, at.col));
}

TextPos MappedText::at(size_t offset) const {
  if (offset < positions.size()) return positions[offset];
  if (positions.empty()) return start;
  TextPos p = positions.back();
  p.col += static_cast<uint32_t>(offset - positions.size() + 1);
  return p;
}

namespace {

// Length of a double-quoted escape sequence starting at src[p] == '\\'.
size_t escape_length(const std::string& src, size_t p) {
  if (p + 1 >= src.size()) return 1;
  switch (src[p + 1]) {
    case 'x':
      return 4;
    case 'u':
      return 6;
    case 'U':
      return 10;
    case '\n':
      return 2;
    default:
      return 2;
  }
}

}  // namespace

MappedText map_scalar(const SourceFile& file, const YAML::Node& node) {
  MappedText out;
  out.present = true;
  out.value = node.Scalar();
  const std::string& src = file.text();
  YAML::Mark m = node.Mark();
  size_t p = m.pos >= 0 ? static_cast<size_t>(m.pos) : 0;
  out.start = SourceFile::pos_of(m);
  if (p >= src.size()) {
    out.positions.assign(out.value.size(), out.start);
    return out;
  }
  char style = src[p];
  bool dq = false;
  bool sq = false;
  if (style == '|' || style == '>') {
    size_t nl = src.find('\n', p);
    p = nl == std::string::npos ? src.size() : nl + 1;
  } else if (style == '"') {
    dq = true;
    ++p;
  } else if (style == '\'') {
    sq = true;
    ++p;
  }
  out.positions.reserve(out.value.size());
  size_t last = p;
  for (size_t i = 0; i < out.value.size(); ++i) {
    if (p >= src.size()) {
      out.positions.push_back(file.pos_of(last));
      continue;
    }
    if (dq && src[p] == '\\') {
      out.positions.push_back(file.pos_of(p));
      last = p;
      p += escape_length(src, p);
      continue;
    }
    if (sq && src[p] == '\'' && p + 1 < src.size() && src[p + 1] == '\'') {
      out.positions.push_back(file.pos_of(p));
      last = p;
      p += 2;
      continue;
    }
    // Find the next source byte equal to the value byte (skips indentation and line folds).
    size_t q = p;
    while (q < src.size() && src[q] != out.value[i]) {
      if ((dq || sq) && src[q] == (dq ? '"' : '\'')) break;  // never run past the closing quote
      ++q;
    }
    if (q >= src.size() || src[q] != out.value[i]) {
      // A folded line break or an escape we do not model: keep the previous position.
      out.positions.push_back(file.pos_of(p < src.size() ? p : last));
      continue;
    }
    out.positions.push_back(file.pos_of(q));
    last = q;
    p = q + 1;
  }
  return out;
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  return closest_name(word, candidates);
}

}  // namespace nprcheck::rules_detail
