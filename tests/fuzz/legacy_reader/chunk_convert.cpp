// LEGACY COPY of src/reader/chunk_convert.cpp as it was before issue 16 (the differential fuzz
// target compares it with the current reader); namespace nprcheck::legacy_reader. Do not edit. The
// parallel half of the reader: one Objektholder chunk, cut by the scanner, is parsed with pugixml
// and converted into Episodes here, on any thread. Errors are collected (not emitted):
// EpisodeReader::accept() emits them on the reading thread, in file order.
#include <algorithm>
#include <cstring>
#include <new>
#include <pugixml.hpp>

#include "chunk_text.hpp"
#include "legacy_reader.hpp"
#include "objektholder.hpp"
#include "xml_text.hpp"

namespace nprcheck {

namespace legacy_reader {

std::string excerpt_window(std::string_view window, uint64_t window_abs, uint64_t held_from,
                           uint64_t at, uint32_t col) {
  if (col == 0 || window.empty() || at < held_from) return {};
  uint64_t line_begin = at >= col - 1 ? at - (col - 1) : 0;
  uint64_t from = std::max(line_begin, held_from);
  if (at > window_abs + window.size()) return {};
  if (at >= from + kLineContext) from = at - kLineContext / 2;
  if (from < window_abs) return {};  // not held (cannot happen for the windows the reader cuts)
  size_t i0 = static_cast<size_t>(from - window_abs);
  size_t limit = std::min(window.size(), static_cast<size_t>(at - window_abs) + kLineContext);
  size_t i1 = i0;
  while (i1 < limit && window[i1] != '\n') ++i1;
  std::string_view text(window.data() + i0, i1 - i0);
  return sanitize_utf8(excerpt_line(text, 1, static_cast<uint32_t>(at - from + 1)));
}

uint32_t ChunkLines::line_of(size_t offset) {
  offset = std::min(offset, text_.size());
  if (offset < at_) {
    at_ = 0;
    line_ = start_.line;
  }
  const char* p = text_.data() + at_;
  const char* end = text_.data() + offset;
  while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))) !=
         nullptr) {
    ++line_;
    ++p;
  }
  at_ = offset;
  return line_;
}

TextPos ChunkLines::pos(size_t offset) {
  offset = std::min(offset, text_.size());
  line_of(offset);
  const char* p = text_.data();
  // The column: back to the last line feed (or the chunk start, on its first line).
  size_t i = offset;
  while (i > 0 && p[i - 1] != '\n') --i;
  uint32_t col =
      i == 0 ? start_.col + static_cast<uint32_t>(offset) : static_cast<uint32_t>(offset - i + 1);
  return {start_.abs + offset, line_, col};
}

namespace {

/// Collects a chunk's errors with their excerpts, as the reader would have reported them.
class CollectingSink final : public ChunkSink {
 public:
  CollectingSink(const RawChunk& raw, std::vector<Diagnostic>& errors)
      : raw_(raw),
        lines_(std::string_view(raw.text).substr(raw.begin, raw.size),
               {raw.abs, raw.line, raw.col}),
        errors_(errors) {}

  uint32_t line_of(size_t offset) override { return lines_.line_of(offset); }
  void error_at(size_t offset, std::string message) override {
    add(lines_.pos(offset), std::move(message));
  }
  /// An error at `p` (within the chunk).
  void add(const TextPos& p, std::string message) {
    errors_.push_back({DiagnosticLevel::kError,
                       {},
                       p.line,
                       p.col,
                       std::move(message),
                       excerpt_window(raw_.text, raw_.text_abs, raw_.held_from, p.abs, p.col)});
  }

 private:
  const RawChunk& raw_;
  ChunkLines lines_;
  std::vector<Diagnostic>& errors_;
};

}  // namespace

ConvertedChunk convert_chunk(RawChunk raw) {
  ConvertedChunk out;
  out.events = std::move(raw.events);
  out.has_chunk = raw.has_chunk;
  out.line = raw.line;
  out.col = raw.col;
  if (!raw.has_chunk) return out;
  CollectingSink sink(raw, out.errors);
  try {
    pugi::xml_document doc;
    auto res = doc.load_buffer(raw.text.data() + raw.begin, raw.size, pugi::parse_default,
                               pugi::encoding_utf8);
    if (!res) {
      sink.error_at(res.offset > 0 ? static_cast<size_t>(res.offset) : 0,
                    std::string("malformed XML: ") + res.description());
      out.skipped = true;
      return out;
    }
    if (!convert_objektholder(doc.document_element(), sink, raw.melding, raw.file_id,
                              out.episodes)) {
      out.skipped = true;
      return out;
    }
  } catch (const std::bad_alloc&) {
    out.episodes.clear();
    out.skipped = false;
    sink.add({raw.abs, raw.line, raw.col},
             "out of memory while reading this Objektholder: its episodes are skipped");
  }
  return out;
}

}  // namespace legacy_reader

}  // namespace nprcheck
