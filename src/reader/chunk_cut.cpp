// Objektholder chunks: converted at once (next_batch) or cut for convert_chunk (next_chunks); the
// end of the file.
#include <cstring>
#include <pugixml.hpp>

#include "reader_impl.hpp"

namespace nprcheck::reader {

void ReaderImpl::chunk_too_large() {
  recoverable(chunk_, "this Objektholder is larger than " +
                          std::to_string(limits_.max_chunk_bytes) +
                          " bytes (the reader's limit): its episodes are skipped");
  mode_ = Mode::kSkip;
}

void ReaderImpl::end_chunk() {
  Mode was = mode_;
  mode_ = Mode::kHeader;
  if (was == Mode::kSkip || chunk_bad_) {
    skipped_note();
    return;
  }
  size_t i0 = static_cast<size_t>(chunk_.abs - base_);
  size_t i1 = pos_ + 1;  // after the '>' of the end tag (or of an empty element)
  if (i1 - i0 > limits_.max_chunk_bytes) {
    chunk_too_large();
    mode_ = Mode::kHeader;
    skipped_note();
    return;
  }
  if (deferred_) {
    cut_chunk(i0, i1);
    return;
  }
  lines_ = ChunkLines(buf_.view(i0, i1 - i0), chunk_);
  try {
    episodes_.clear();
    if (!fast_convert_chunk(lines_.text(), *this, info_, file_id_, episodes_)) {
      pugi::xml_node root;
      auto res = parse_chunk(lines_.text(), root);
      if (!res) {
        error_at(res.offset > 0 ? static_cast<size_t>(res.offset) : 0,
                 std::string("malformed XML: ") + res.description());
        skipped_note();
        return;
      }
      if (!convert_objektholder(root, *this, info_, file_id_, episodes_)) {
        skipped_note();
        return;
      }
    }
    for (auto& e : episodes_) {
      e.sequence = sequence_++;
      pending_.push_back(std::move(e));
    }
    episodes_.clear();
  } catch (const std::bad_alloc&) {
    report(chunk_, "out of memory while reading this Objektholder: its episodes are skipped");
  }
}

void ReaderImpl::cut_chunk(size_t i0, size_t i1) {
  try {
    size_t size = i1 - i0;
    uint64_t from = std::max(base_, chunk_.abs >= kLineContext ? chunk_.abs - kLineContext : 0);
    if (static_cast<uint64_t>(chunk_.col) - 1 + size < UINT32_MAX) {
      from = std::max(from, chunk_.abs - (chunk_.col - 1));  // the start of the chunk's line
    }
    size_t w0 = static_cast<size_t>(from - base_);
    size_t w1 = std::min(buf_.size(), i1 + kLineContext);
    if (const void* nl = std::memchr(buf_.data() + i1, '\n', w1 - i1); nl != nullptr) {
      w1 = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
    }
    RawChunk raw;
    if (!spare_texts_.empty()) {  // memory of a chunk converted already (see accept())
      raw.text = std::move(spare_texts_.back());
      spare_texts_.pop_back();
    }
    raw.text.assign(buf_.data() + w0, w1 - w0);
    raw.has_chunk = true;
    raw.begin = i0 - w0;
    raw.size = size;
    raw.text_abs = from;
    raw.held_from = base_;
    raw.abs = chunk_.abs;
    raw.line = chunk_.line;
    raw.col = chunk_.col;
    raw.file_id = file_id_;
    raw.melding = info_;
    cut_.emplace_back();  // may throw: the events are moved only after it
    raw.events = std::move(events_);
    events_.clear();
    cut_.back() = std::move(raw);
  } catch (const std::bad_alloc&) {
    report(chunk_, "out of memory while reading this Objektholder: its episodes are skipped");
  }
}

void ReaderImpl::flush_events() {
  RawChunk raw;
  raw.events = std::move(events_);
  events_.clear();
  cut_.push_back(std::move(raw));
}

Diagnostic ReaderImpl::skipped_note_at(uint32_t line, uint32_t col) const {
  return {DiagnosticLevel::kNote, path_, line, col, skipped_message(), {}};
}

void ReaderImpl::skipped_note() {
  if (deferred_) {
    events_.push_back(skipped_note_at(chunk_.line, chunk_.col));
    flush_events();  // hand it out now: skipped chunks must not pile up events
    return;
  }
  diag_.add(skipped_note_at(chunk_.line, chunk_.col));
}

void ReaderImpl::error_at(size_t offset, std::string message) {
  report(lines_.pos(offset), std::move(message));
}

void ReaderImpl::at_end() {
  Pos p = here();
  if (u8_need_ > 0) cut_utf8();
  if (!stack_.empty()) {
    const Open& root = stack_.front();
    std::string msg = "unexpected end of file: <" + open_name(root) + "> opened at line " +
                      std::to_string(root.line) + " is not closed";
    if (stack_.size() > 1) {
      const Open& last = stack_.back();
      msg += " (the file is cut short inside <" + open_name(last) + "> opened at line " +
             std::to_string(last.line) + ")";
    }
    fatal(p, msg);
    return;
  }
  if (st_ != St::kText) {
    fatal(p, "unexpected end of file inside a comment, processing instruction or tag");
  } else if (!root_seen_) {
    fatal(p, "no <Melding> element: the file holds no XML element (no NPR-melding)", false);
  } else if (!melding_seen_) {
    fatal(p, "no <Melding> element inside the <MsgHead> envelope (no NPR-melding)", false);
  }
  done_ = true;
}

}  // namespace nprcheck::reader
