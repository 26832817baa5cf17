// The reader's input: blocks from the byte source, the encoding, the kept text buffer.
#include "reader_impl.hpp"

namespace nprcheck::reader {

bool ReaderImpl::refill() {
  if (src_eof_) return false;
  size_t keep = pos_;
  if (mode_ == Mode::kChunk) {
    size_t chunk_idx = static_cast<size_t>(chunk_.abs - base_);
    if (buf_.size() - chunk_idx > limits_.max_chunk_bytes) {
      chunk_too_large();
    } else {
      keep = std::min(keep, chunk_idx);
    }
  }
  if (mode_ == Mode::kHeader && in_tag() && tag_kept_) {
    size_t tok_idx = static_cast<size_t>(tok_.abs - base_);
    if (buf_.size() - tok_idx > limits_.max_chunk_bytes) {
      tag_kept_ = false;
      recoverable(tok_, "start tag longer than " + std::to_string(limits_.max_chunk_bytes) +
                            " bytes (the reader's limit): its attributes are ignored");
    } else {
      keep = std::min(keep, tok_idx);
    }
  }
  uint64_t line_keep =
      std::max<uint64_t>(line_start_, abs(pos_) > kLineContext ? abs(pos_) - kLineContext : 0);
  if (line_keep >= base_) keep = std::min(keep, static_cast<size_t>(line_keep - base_));
  // Erase when at least half of the buffer can go (amortised: no quadratic copying).
  if (keep > 0 && keep >= buf_.size() - keep) {
    buf_.erase_front(keep);
    base_ += keep;
    pos_ -= keep;
  }
  // After a large Objektholder, give the memory back.
  if (buf_.capacity() > 16 * kBlockBytes && buf_.size() < buf_.capacity() / 8) {
    buf_.set_capacity(std::max(buf_.size(), 2 * kBlockBytes));
  }
  if (!started_) return start();
  raw_.resize(kBlockBytes);
  size_t got = src_.read(raw_.data(), raw_.size());
  if (got == 0) {
    src_eof_ = true;
    if (!src_.error().empty()) {
      fatal({abs(pos_), line_, 0}, src_.error(), false);
    }
    return false;
  }
  append_decoded(std::string_view(raw_.data(), got));
  return true;
}

void ReaderImpl::append_decoded(std::string_view raw) {
  // Grow by doubling, but not far beyond what the chunk limit can need.
  size_t needed = buf_.size() + raw.size() * (encoding_ == TextEncoding::kUtf8 ? 1 : 3);
  if (needed > buf_.capacity()) {
    size_t cap = std::min(buf_.capacity() * 2, limits_.max_chunk_bytes + 4 * kBlockBytes);
    buf_.set_capacity(std::max(needed, cap));
  }
  if (encoding_ == TextEncoding::kWindows1252) {
    converted_.clear();
    windows1252_to_utf8(raw, converted_);
    buf_.append(converted_);
  } else {
    buf_.append(raw);
  }
  peak_buffer_ = std::max(peak_buffer_, buf_.capacity());
}

bool ReaderImpl::start() {
  started_ = true;
  raw_.resize(kBlockBytes);
  size_t got = 0;
  while (got < 1024) {  // enough to see the XML declaration
    size_t n = src_.read(raw_.data() + got, raw_.size() - got);
    if (n == 0) break;
    got += n;
  }
  if (got == 0) {
    src_eof_ = true;
    if (!src_.error().empty()) {
      fatal({0, 0, 0}, src_.error(), false);
    } else {
      fatal({0, 0, 0}, "the file is empty (no NPR-melding)", false);
    }
    return false;
  }
  std::string_view head(raw_.data(), got);
  auto enc = detect_encoding(head);
  if (enc.encoding == TextEncoding::kUnsupported) {
    fatal({0, 1, 1},
          "encoding " + enc.name +
              " is not supported: NPR-melding files must be UTF-8 (ISO-8859-1 and "
              "windows-1252 are converted when the XML declaration names them)",
          false);
    return false;
  }
  encoding_ = enc.encoding;
  encoding_declared_ = enc.declared;
  append_decoded(head.substr(enc.bom_bytes));
  return true;
}

}  // namespace nprcheck::reader
