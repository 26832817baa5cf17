// The streaming NPR-melding reader.
//
// A light XML scanner walks the (decompressed, UTF-8) text byte by byte: it checks what makes XML
// well-formed (tags, attributes, comments, CDATA, PIs, references, UTF-8, the element stack) and
// handles everything outside an `Objektholder` itself (MsgHead, Melding, Institusjon, Enhet ...).
// Each `Objektholder` element is kept in the buffer as one chunk, then parsed with pugixml and
// converted to Episodes (objektholder.cpp). Only the current chunk (at most
// ReaderLimits::max_chunk_bytes) and one input block are ever held, whatever the file size.
#include "nprcheck/episode_reader.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>
#include <deque>
#include <new>
#include <pugixml.hpp>
#include <unordered_set>

#include "byte_source.hpp"
#include "chunk_text.hpp"
#include "objektholder.hpp"
#include "text_buffer.hpp"
#include "xml_text.hpp"

namespace nprcheck {

namespace {

using reader::ByteSource;
using reader::is_xml_space;
using reader::kLineContext;

constexpr size_t kBlockBytes = 256u << 10;  // bytes read from the source at a time
constexpr size_t kMaxDepth = 1000000;       // element nesting refused beyond this
constexpr size_t kMaxErrors = 100;          // per file; then the file is given up
constexpr size_t kLocalMax = 32;            // longest local name the reader needs to know
constexpr size_t kNameKeep = 64;            // bytes of a name kept for messages
constexpr size_t kMaxNamespaces = 256;      // namespace declarations tracked outside chunks
constexpr size_t kMaxItems = 4096;          // items next_chunks appends at most per call

std::string too_many_errors() {
  return "too many errors (" + std::to_string(kMaxErrors) + "): the rest of the file is not read";
}

std::string skipped_message() {
  return "this Objektholder (patient) was skipped because of the errors above: its episodes are "
         "not checked";
}

// Characters that need no attention in text content (ASCII, not < & or a line feed; tab and CR
// are fine). Everything else goes through the slow path.
struct CharTable {
  bool text[256]{};
  bool attr[256]{};
  bool name[256]{};
  constexpr CharTable() {
    for (int c = 0x20; c < 0x80; ++c) text[c] = c != '<' && c != '&';
    text[static_cast<unsigned char>('\t')] = true;
    text[static_cast<unsigned char>('\r')] = true;
    for (int c = 0; c < 256; ++c) attr[c] = text[c] && c != '"' && c != '\'';
    for (int c = 'a'; c <= 'z'; ++c) name[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) name[c] = true;
    for (int c = '0'; c <= '9'; ++c) name[c] = true;
    name[static_cast<unsigned char>('-')] = true;
    name[static_cast<unsigned char>('.')] = true;
    name[static_cast<unsigned char>('_')] = true;
    name[static_cast<unsigned char>(':')] = true;
    for (int c = 0x80; c < 256; ++c) name[c] = true;
  }
};
constexpr CharTable kChars;

bool is_name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

/// What an open element is to the reader.
enum class Kind : uint8_t { kOther, kMsgHead, kMelding, kInstitusjon, kEnhet, kObjektholder };

/// Lexer states; the scanner can stop after any byte and go on with the next block.
enum class St : uint8_t {
  kText,
  kLt,         // after '<'
  kStartName,  // element name of a start tag
  kTagSpace,   // inside a start tag, between attributes
  kAttrName,
  kAttrEq,     // after an attribute name and white space, expecting '='
  kAttrQuote,  // after '=', expecting a quote
  kAttrValue,
  kAfterValue,  // after the closing quote
  kEmptyEnd,    // after '/' in a start tag
  kEndName,     // element name of an end tag
  kEndSpace,    // after the name of an end tag
  kPiTarget,
  kPi,
  kPiQuestion,  // '?' inside a PI
  kBang,        // after '<!'
  kComment,
  kCdata,
  kRef,  // after '&'
};

/// Where the scanner is in the input: a position, its line and column.
using Pos = reader::TextPos;

/// The first bytes of a name, kept for messages (names may be any length).
struct KeptName {
  char buf[kNameKeep];
  size_t len = 0;
  void clear() { len = 0; }
  void add(char c) {
    if (len < kNameKeep) buf[len++] = c;
  }
  [[nodiscard]] std::string_view view() const { return {buf, len}; }
  [[nodiscard]] std::string str() const { return std::string(buf, len); }
};

/// One open element.
struct Open {
  uint64_t hash;
  uint64_t name_len;
  uint32_t line;
  uint32_t name_off;  // into stack_names_
  uint16_t name_keep;
  Kind kind;
};

class ReaderImpl final : public EpisodeReader, private reader::ChunkSink {
 public:
  ReaderImpl(std::string path, uint32_t file_id, Diagnostics& diagnostics, ReaderLimits limits)
      : path_(std::move(path)), file_id_(file_id), diag_(diagnostics), limits_(limits) {
    auto info = std::make_shared<MeldingInfo>();
    info->file = path_;
    info->file_id = file_id_;
    base_info_ = *info;
    info_ = std::move(info);
  }

  Status open() { return src_.open(path_, limits_.max_uncompressed_bytes); }

  bool next_batch(std::vector<Episode>& out, size_t max_episodes) override {
    size_t added = 0;
    try {
      while (added < max_episodes) {
        if (pending_.empty()) {
          if (done_) break;
          pump();
          continue;
        }
        out.push_back(std::move(pending_.front()));
        pending_.pop_front();
        ++added;
      }
    } catch (const std::bad_alloc&) {
      fatal_here("out of memory while reading the file");
    } catch (const std::exception& e) {
      fatal_here(std::string("internal error while reading the file: ") + e.what());
    }
    episodes_out_ += added;
    if (max_episodes == 0) return !(done_ && pending_.empty());
    return added > 0;
  }

  bool next_chunks(std::vector<RawChunk>& out, size_t max_bytes) override {
    deferred_ = true;
    size_t bytes = 0;
    size_t items = 0;
    try {
      while (bytes < max_bytes && items < kMaxItems && !replay_stopped_) {
        if (cut_.empty()) {
          if (done_) break;
          pump();
          continue;
        }
        bytes += cut_.front().text.size();
        out.push_back(std::move(cut_.front()));
        cut_.pop_front();
        ++items;
      }
    } catch (const std::bad_alloc&) {
      fatal_here("out of memory while reading the file");
    } catch (const std::exception& e) {
      fatal_here(std::string("internal error while reading the file: ") + e.what());
    }
    if (done_ && cut_.empty() && !events_.empty() && !replay_stopped_) {
      flush_events();  // what the scanner reported after the last chunk (the end of the file)
      out.push_back(std::move(cut_.front()));
      cut_.pop_front();
      ++items;
    }
    return items > 0;
  }

  void accept(ConvertedChunk&& c, std::vector<Episode>& out) override {
    for (auto& d : c.events) {
      if (replay_stopped_) return;
      if (d.level == DiagnosticLevel::kError) {
        replay_error(std::move(d));
      } else {
        d.file = path_;
        diag_.add(std::move(d));
      }
    }
    if (replay_stopped_ || !c.has_chunk) return;
    for (auto& d : c.errors) replay_error(std::move(d));
    if (c.skipped) diag_.add(skipped_note_at(c.line, c.col));
    if (!c.errors.empty() || c.skipped) return;
    for (auto& e : c.episodes) {
      e.sequence = sequence_++;
      out.push_back(std::move(e));
      ++episodes_out_;
    }
  }

  [[nodiscard]] std::shared_ptr<const MeldingInfo> melding() const override { return info_; }
  [[nodiscard]] bool complete() const override { return complete_ && replay_complete_; }
  [[nodiscard]] uint64_t bytes_read() const override { return src_.stream_bytes(); }
  [[nodiscard]] uint64_t file_bytes_read() const override { return src_.file_bytes(); }
  [[nodiscard]] uint64_t episodes_read() const override { return episodes_out_; }
  [[nodiscard]] size_t peak_buffer_bytes() const override { return peak_buffer_; }

 private:
  // ---- positions, errors -------------------------------------------------------------------

  [[nodiscard]] uint64_t abs(size_t idx) const { return base_ + idx; }
  [[nodiscard]] Pos here() const {
    uint64_t a = abs(pos_);
    return {a, line_, static_cast<uint32_t>(std::min<uint64_t>(a - line_start_ + 1, UINT32_MAX))};
  }

  /// The line around absolute position `at` (column `col` on it), as far as it is still held.
  std::string excerpt(uint64_t at, uint32_t col) const {
    return reader::excerpt_window(buf_.view(), base_, base_, at, col);
  }

  void report(const Pos& p, std::string message, bool with_excerpt = true) {
    complete_ = false;
    // A file that has not shown an NPR-melding root may be anything (a link to /etc/shadow):
    // its lines are never quoted.
    with_excerpt = with_excerpt && extract_root_;
    if (stopped_) return;
    ++errors_;
    if (deferred_) {
      // Kept in file order for accept(), which counts them again together with the conversion
      // errors of the chunks before them and says "too many errors" where next_batch would.
      events_.push_back({DiagnosticLevel::kError,
                         {},
                         p.line,
                         p.col,
                         std::move(message),
                         with_excerpt ? excerpt(p.abs, p.col) : ""});
      if (errors_ > kMaxErrors) stop();
      return;
    }
    if (errors_ > kMaxErrors) {
      diag_.error(path_, p.line, p.col, too_many_errors());
      stop();
      return;
    }
    diag_.error(path_, p.line, p.col, std::move(message),
                with_excerpt ? excerpt(p.abs, p.col) : "");
  }

  /// accept(): an error in file order, under the per-file limit (as report() does for next_batch).
  void replay_error(Diagnostic d) {
    replay_complete_ = false;
    if (replay_stopped_) return;
    if (++replay_errors_ > kMaxErrors) {
      diag_.error(path_, d.line, d.column, too_many_errors());
      replay_stopped_ = true;
      return;
    }
    d.file = path_;
    diag_.add(std::move(d));
  }

  /// An error that the scanner can go on after (inside an Objektholder: the chunk is skipped).
  void recoverable(const Pos& p, std::string message) {
    if (mode_ != Mode::kHeader) chunk_bad_ = true;
    report(p, std::move(message));
  }

  /// An error that ends the file.
  void fatal(const Pos& p, std::string message, bool with_excerpt = true) {
    report(p, std::move(message), with_excerpt);
    stop();
  }
  void fatal_here(std::string message) { fatal(here(), std::move(message)); }

  void stop() {
    complete_ = false;
    done_ = true;
    stopped_ = true;
  }

  // ---- input ----------------------------------------------------------------------------------

  /// Drops what is no longer needed and appends the next block; false at the end of the input.
  bool refill() {
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

  void append_decoded(std::string_view raw) {
    // Grow by doubling, but not far beyond what the chunk limit can need.
    size_t needed = buf_.size() + raw.size() * (encoding_ == reader::TextEncoding::kUtf8 ? 1 : 3);
    if (needed > buf_.capacity()) {
      size_t cap = std::min(buf_.capacity() * 2, limits_.max_chunk_bytes + 4 * kBlockBytes);
      buf_.set_capacity(std::max(needed, cap));
    }
    if (encoding_ == reader::TextEncoding::kWindows1252) {
      converted_.clear();
      reader::windows1252_to_utf8(raw, converted_);
      buf_.append(converted_);
    } else {
      buf_.append(raw);
    }
    peak_buffer_ = std::max(peak_buffer_, buf_.capacity());
  }

  /// The first block: byte order mark, encoding, empty files.
  bool start() {
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
    auto enc = reader::detect_encoding(head);
    if (enc.encoding == reader::TextEncoding::kUnsupported) {
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

  // ---- the scanner ----------------------------------------------------------------------------

  [[nodiscard]] bool in_tag() const {
    switch (st_) {
      case St::kStartName:
      case St::kTagSpace:
      case St::kAttrName:
      case St::kAttrEq:
      case St::kAttrQuote:
      case St::kAttrValue:
      case St::kAfterValue:
      case St::kEmptyEnd:
        return true;
      case St::kRef:
        return ref_return_ == St::kAttrValue;
      default:
        return false;
    }
  }

  /// True once the scanner has something to hand out (episodes, or a cut chunk).
  [[nodiscard]] bool produced() const { return !pending_.empty() || !cut_.empty(); }

  /// Scans until an Objektholder produced episodes (or was cut), or the file ended or failed.
  void pump() {
    while (!produced() && !done_) {
      if (pos_ >= buf_.size()) {
        if (!refill()) {
          if (!done_) at_end();
          return;
        }
        continue;
      }
      scan();
    }
  }

  void newline() {
    ++line_;
    line_start_ = abs(pos_) + 1;
  }

  void name_reset() {
    name_hash_ = 1469598103934665603ull;
    name_len_ = 0;
    local_len_ = 0;
    local_over_ = false;
    name_keep_.clear();
  }
  void name_add(unsigned char c) {
    name_hash_ = (name_hash_ ^ c) * 1099511628211ull;
    ++name_len_;
    name_keep_.add(static_cast<char>(c));
    if (c == ':') {
      local_len_ = 0;
      local_over_ = false;
    } else if (local_len_ < kLocalMax) {
      local_[local_len_++] = static_cast<char>(c);
    } else {
      local_over_ = true;
    }
  }
  [[nodiscard]] std::string_view local() const {
    return local_over_ ? std::string_view() : std::string_view(local_, local_len_);
  }
  [[nodiscard]] std::string shown_name() const {
    return name_len_ > name_keep_.len ? name_keep_.str() + "..." : name_keep_.str();
  }

  /// Decodes one byte of a multi-byte UTF-8 sequence; reports invalid sequences.
  void utf8_byte(unsigned char c) {
    if (u8_need_ == 0) {
      if (c >= 0xC2 && c <= 0xDF) {
        u8_need_ = 1;
        u8_cp_ = c & 0x1F;
        u8_min_ = 0x80;
      } else if (c >= 0xE0 && c <= 0xEF) {
        u8_need_ = 2;
        u8_cp_ = c & 0x0F;
        u8_min_ = 0x800;
      } else if (c >= 0xF0 && c <= 0xF4) {
        u8_need_ = 3;
        u8_cp_ = c & 0x07;
        u8_min_ = 0x10000;
      } else {
        bad_utf8(c);
        return;
      }
      u8_start_ = here();
      u8_lead_ = c;
      return;
    }
    if ((c & 0xC0) != 0x80) {
      cut_utf8();
      utf8_byte(c);  // the byte may start a character of its own
      return;
    }
    u8_cp_ = (u8_cp_ << 6) | (c & 0x3F);
    if (--u8_need_ == 0) {
      if (u8_cp_ < u8_min_ || (u8_cp_ >= 0xD800 && u8_cp_ <= 0xDFFF) || u8_cp_ > 0x10FFFF) {
        recoverable(u8_start_, "invalid UTF-8 (overlong, surrogate or beyond U+10FFFF)");
      } else if (!reader::is_xml_char(u8_cp_)) {
        recoverable(u8_start_, "character U+" + hex(u8_cp_) + " is not allowed in XML");
      }
    }
  }

  void bad_utf8(unsigned char c) { bad_utf8_at(here(), "invalid UTF-8: byte 0x" + hex(c)); }

  /// A lead byte whose character is cut short by a byte that does not continue it.
  void cut_utf8() {
    u8_need_ = 0;
    bad_utf8_at(u8_start_, "invalid UTF-8: byte 0x" + hex(u8_lead_) +
                               " is not followed by the rest of its character");
  }

  void bad_utf8_at(const Pos& p, std::string msg) {
    if (p.line == u8_error_line_) {  // one encoding error per line is enough
      complete_ = false;
      if (mode_ != Mode::kHeader) chunk_bad_ = true;
      return;
    }
    u8_error_line_ = p.line;
    if (!encoding_declared_ && !u8_hinted_) {
      u8_hinted_ = true;
      msg +=
          " (the file is not UTF-8; an ISO-8859-1 or windows-1252 file must say so in its "
          "XML declaration, <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>)";
    }
    recoverable(p, std::move(msg));
  }

  static std::string hex(uint32_t v) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    do {
      out.insert(out.begin(), digits[v & 0xF]);
      v >>= 4;
    } while (v != 0);
    if (out.size() < 2) out.insert(out.begin(), '0');
    if (out.size() == 3) out.insert(out.begin(), '0');
    return out;
  }

  /// Scans the bytes in the buffer (stops early after a completed Objektholder or an error).
  void scan() {
    const auto* data = reinterpret_cast<const unsigned char*>(buf_.data());
    const size_t n = buf_.size();
    while (pos_ < n && !done_ && !produced()) {
      // Fast paths over plain ASCII.
      if (u8_need_ > 0) {
        // inside a multi-byte character: no fast path
      } else if (st_ == St::kText && !stack_.empty()) {
        size_t p = pos_;
        while (p < n && kChars.text[data[p]]) ++p;
        pos_ = p;
        if (p == n) break;
      } else if (st_ == St::kAttrValue) {
        size_t p = pos_;
        while (p < n && kChars.attr[data[p]]) ++p;
        pos_ = p;
        if (p == n) break;
      } else if ((st_ == St::kStartName || st_ == St::kEndName) && name_len_ > 0) {
        size_t p = pos_;
        while (p < n && data[p] < 0x80 && kChars.name[data[p]]) name_add(data[p++]);
        pos_ = p;
        if (p == n) break;
      } else if (st_ == St::kAttrName) {
        size_t p = pos_;
        while (p < n && data[p] < 0x80 && kChars.name[data[p]]) attr_add(data[p++]);
        pos_ = p;
        if (p == n) break;
      } else if (st_ == St::kTagSpace) {
        size_t p = pos_;
        while (p < n && (data[p] == ' ' || data[p] == '\t')) ++p;
        pos_ = p;
        if (p == n) break;
      }
      unsigned char c = data[pos_];
      if (c >= 0x80) {
        utf8_byte(c);
      } else {
        if (u8_need_ > 0) cut_utf8();
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          recoverable(here(), c == 0
                                  ? std::string("NUL byte: not allowed in XML")
                                  : "control character U+00" + hex(c) + " is not allowed in XML");
          ++pos_;
          continue;
        }
      }
      step(c);
      if (c == '\n') newline();
      ++pos_;
    }
  }

  void begin_token() {
    tok_ = here();
    tag_kept_ = true;
  }

  void step(unsigned char c) {
    switch (st_) {
      case St::kText:
        if (c == '<') {
          begin_token();
          st_ = St::kLt;
        } else if (c == '&') {
          begin_ref(St::kText);
        } else if (stack_.empty() && !is_xml_space(c)) {
          if (c == 0xEF && buf_.view().substr(pos_, 3) == "\xEF\xBB\xBF") {
            fatal_here(root_seen_ ? "a byte order mark after the end of the root element"
                                  : "a byte order mark that is not the first thing in the file "
                                    "(a second one, or one after white space)");
          } else if (!root_seen_) {
            fatal_here(pos_ == 0 && base_ == 0
                           ? "not an XML file: it does not start with '<' (no NPR-melding)"
                           : "text before the root element (no NPR-melding)");
          } else {
            fatal_here("text after the end of the root element");
          }
        }
        return;
      case St::kLt:
        if (c == '/') {
          name_reset();
          st_ = St::kEndName;
        } else if (c == '?') {
          pi_target_.clear();
          st_ = St::kPiTarget;
        } else if (c == '!') {
          bang_.clear();
          st_ = St::kBang;
        } else if (is_name_start(c)) {
          name_reset();
          name_add(c);
          st_ = St::kStartName;
        } else {
          fatal_here("'<' not followed by an element name");
        }
        return;
      case St::kStartName:
        if (kChars.name[c]) {
          name_add(c);
        } else if (is_xml_space(c)) {
          start_name_done();
          st_ = St::kTagSpace;
        } else if (c == '>') {
          start_name_done();
          if (!done_) finish_start(false);
        } else if (c == '/') {
          start_name_done();
          st_ = St::kEmptyEnd;
        } else {
          fatal_here(std::string("invalid character '") + static_cast<char>(c) +
                     "' in an element name");
        }
        return;
      case St::kTagSpace:
        if (is_xml_space(c)) return;
        if (c == '>') {
          finish_start(false);
        } else if (c == '/') {
          st_ = St::kEmptyEnd;
        } else if (is_name_start(c)) {
          attr_hash_ = 1469598103934665603ull;
          attr_len_ = 0;
          attr_keep_.clear();
          attr_add(c);
          st_ = St::kAttrName;
        } else {
          fatal_here(std::string("unexpected character '") + static_cast<char>(c) + "' in <" +
                     shown_name() + ">");
        }
        return;
      case St::kAttrName:
        if (kChars.name[c]) {
          attr_add(c);
        } else if (c == '=') {
          attr_name_done();
          st_ = St::kAttrQuote;
        } else if (is_xml_space(c)) {
          attr_name_done();
          st_ = St::kAttrEq;
        } else {
          fatal_here("attribute '" + attr_keep_.str() + "' of <" + shown_name() + "> has no value");
        }
        return;
      case St::kAttrEq:
        if (is_xml_space(c)) return;
        if (c == '=') {
          st_ = St::kAttrQuote;
        } else {
          fatal_here("attribute '" + attr_keep_.str() + "' of <" + shown_name() + "> has no value");
        }
        return;
      case St::kAttrQuote:
        if (is_xml_space(c)) return;
        if (c == '"' || c == '\'') {
          quote_ = static_cast<char>(c);
          st_ = St::kAttrValue;
        } else {
          fatal_here("the value of attribute '" + attr_keep_.str() + "' of <" + shown_name() +
                     "> is not in quotes");
        }
        return;
      case St::kAttrValue:
        if (c == static_cast<unsigned char>(quote_)) {
          st_ = St::kAfterValue;
        } else if (c == '<') {
          fatal_here("'<' inside the value of attribute '" + attr_keep_.str() +
                     "' (a tag not closed?)");
        } else if (c == '&') {
          begin_ref(St::kAttrValue);
        }
        return;
      case St::kAfterValue:
        if (is_xml_space(c)) {
          st_ = St::kTagSpace;
        } else if (c == '>') {
          finish_start(false);
        } else if (c == '/') {
          st_ = St::kEmptyEnd;
        } else {
          fatal_here("missing white space after the value of attribute '" + attr_keep_.str() + "'");
        }
        return;
      case St::kEmptyEnd:
        if (c == '>') {
          finish_start(true);
        } else {
          fatal_here("expected '>' after '/' in <" + shown_name() + ">");
        }
        return;
      case St::kEndName:
        if (name_len_ == 0 ? is_name_start(c) : kChars.name[c]) {
          name_add(c);
        } else if (name_len_ > 0 && is_xml_space(c)) {
          st_ = St::kEndSpace;
        } else if (name_len_ > 0 && c == '>') {
          finish_end();
        } else {
          fatal_here("malformed end tag");
        }
        return;
      case St::kEndSpace:
        if (is_xml_space(c)) return;
        if (c == '>') {
          finish_end();
        } else {
          fatal_here("malformed end tag </" + shown_name() + ">");
        }
        return;
      case St::kPiTarget:
        if (kChars.name[c] && !(pi_target_.empty() && !is_name_start(c))) {
          if (pi_target_.size() < 8) pi_target_ += static_cast<char>(c);
        } else if (!pi_target_.empty() && (is_xml_space(c) || c == '?')) {
          pi_target_done();
          if (!done_) st_ = c == '?' ? St::kPiQuestion : St::kPi;
        } else {
          fatal_here("malformed processing instruction");
        }
        return;
      case St::kPi:
        if (c == '?') st_ = St::kPiQuestion;
        return;
      case St::kPiQuestion:
        if (c == '>') {
          st_ = St::kText;
        } else if (c != '?') {
          st_ = St::kPi;
        }
        return;
      case St::kBang:
        bang(c);
        return;
      case St::kComment:
        if (c == '-') {
          ++dashes_;
        } else if (c == '>' && dashes_ >= 2) {
          st_ = St::kText;
        } else {
          dashes_ = 0;
        }
        return;
      case St::kCdata:
        if (c == ']') {
          ++brackets_;
        } else if (c == '>' && brackets_ >= 2) {
          st_ = St::kText;
        } else {
          brackets_ = 0;
        }
        return;
      case St::kRef:
        if (c == ';') {
          end_ref();
        } else if (ref_.size() < 16 && (kChars.name[c] || c == '#')) {
          ref_ += static_cast<char>(c);
        } else {
          recoverable(ref_start_, "'&' that does not start a reference (write &amp;)");
          st_ = ref_return_;
          step(c);  // the byte belongs to the text or value again
        }
        return;
    }
  }

  void attr_add(unsigned char c) {
    attr_hash_ = (attr_hash_ ^ c) * 1099511628211ull;
    ++attr_len_;
    attr_keep_.add(static_cast<char>(c));
  }

  void attr_name_done() {
    uint64_t key = attr_hash_ ^ (attr_len_ * 0x9E3779B97F4A7C15ull);
    if (attrs_.size() < 16) {
      if (std::find(attrs_.begin(), attrs_.end(), key) != attrs_.end()) {
        duplicate_attribute();
        return;
      }
      attrs_.push_back(key);
      if (attrs_.size() == 16) attr_set_.insert(attrs_.begin(), attrs_.end());
    } else if (!attr_set_.insert(key).second) {
      duplicate_attribute();
    }
  }
  void duplicate_attribute() {
    recoverable(here(),
                "attribute '" + attr_keep_.str() + "' appears twice on <" + shown_name() + ">");
  }

  void begin_ref(St back) {
    ref_return_ = back;
    ref_.clear();
    ref_start_ = here();
    st_ = St::kRef;
  }
  void end_ref() {
    st_ = ref_return_;
    if (auto problem = reader::check_reference(ref_)) {
      recoverable(ref_start_, "bad reference '&" + ref_ + ";': " + *problem);
    }
  }

  void bang(unsigned char c) {
    bang_ += static_cast<char>(c);
    std::string_view b = bang_;
    if (b == "--") {
      dashes_ = 0;
      st_ = St::kComment;
    } else if (b == "[CDATA[") {
      if (stack_.empty()) {
        fatal(tok_, "CDATA section outside the root element");
        return;
      }
      brackets_ = 0;
      st_ = St::kCdata;
    } else if (b == "DOCTYPE") {
      fatal(tok_,
            "DOCTYPE declarations are refused: NPR-melding files have none, and entities are "
            "never expanded or fetched");
    } else if (b == "ENTITY" || b == "ELEMENT" || b == "ATTLIST") {
      fatal(tok_, "<!" + bang_ + "> declarations are refused (no DTD is ever read)");
    } else if (!(std::string_view("--").substr(0, b.size()) == b ||
                 std::string_view("[CDATA[").substr(0, b.size()) == b ||
                 std::string_view("DOCTYPE").substr(0, b.size()) == b ||
                 std::string_view("ENTITY").substr(0, b.size()) == b ||
                 std::string_view("ELEMENT").substr(0, b.size()) == b ||
                 std::string_view("ATTLIST").substr(0, b.size()) == b)) {
      fatal(tok_, "malformed markup '<!" + bang_ + "'");
    }
  }

  void pi_target_done() {
    std::string t = pi_target_;
    for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (t == "xml") {
      if (tok_.abs != 0 || decl_seen_) {
        fatal(tok_,
              "an XML declaration (<?xml ...?>) is only allowed at the very start of the file");
        return;
      }
      decl_seen_ = true;
    }
  }

  // ---- elements -------------------------------------------------------------------------------

  void start_name_done() {
    attrs_.clear();
    attr_set_.clear();
    if (stack_.empty()) {
      if (root_seen_) {
        fatal(tok_, "a second root element <" + shown_name() + "> after the end of the message");
        return;
      }
      root_seen_ = true;
      auto l = local();
      extract_root_ = l == "Melding" || l == "MsgHead";
      if (!extract_root_) {
        fatal(tok_, "not an NPR-melding: the root element is <" + shown_name() +
                        ">, expected <Melding> or <MsgHead>");
      }
    }
  }

  Kind classify() const {
    if (mode_ != Mode::kHeader) return Kind::kOther;
    auto l = local();
    if (stack_.empty()) return l == "Melding" ? Kind::kMelding : Kind::kMsgHead;
    if (melding_open_ == 0) {
      return l == "Melding" && stack_.front().kind == Kind::kMsgHead ? Kind::kMelding
                                                                     : Kind::kOther;
    }
    if (l == "Institusjon") return Kind::kInstitusjon;
    if (l == "Enhet") return Kind::kEnhet;
    if (l == "Objektholder") return Kind::kObjektholder;
    return Kind::kOther;
  }

  void finish_start(bool empty) {
    st_ = St::kText;
    if (stack_.size() >= kMaxDepth) {
      fatal(tok_, "elements nested deeper than " + std::to_string(kMaxDepth));
      return;
    }
    Kind kind = classify();
    Open o{name_hash_,
           name_len_,
           tok_.line,
           static_cast<uint32_t>(stack_names_.size()),
           static_cast<uint16_t>(name_keep_.len),
           kind};
    stack_names_.append(name_keep_.buf, name_keep_.len);
    stack_.push_back(o);
    if (mode_ == Mode::kHeader) header_start(kind);
    if (empty && !done_) pop_element();
  }

  void finish_end() {
    st_ = St::kText;
    if (stack_.empty()) {
      fatal(tok_, "end tag </" + shown_name() + "> without a start tag");
      return;
    }
    const Open& top = stack_.back();
    if (top.hash != name_hash_ || top.name_len != name_len_) {
      fatal(tok_, "end tag </" + shown_name() + "> does not match <" + open_name(top) +
                      "> opened at line " + std::to_string(top.line));
      return;
    }
    pop_element();
  }

  std::string open_name(const Open& o) const {
    std::string s = stack_names_.substr(o.name_off, o.name_keep);
    if (o.name_len > o.name_keep) s += "...";
    return s;
  }

  void pop_element() {
    Open top = stack_.back();
    stack_.pop_back();
    stack_names_.resize(top.name_off);
    while (!namespaces_.empty() && namespaces_.back().depth > stack_.size()) namespaces_.pop_back();
    switch (top.kind) {
      case Kind::kMelding:
        --melding_open_;
        break;
      case Kind::kObjektholder:
        end_chunk();
        break;
      default:
        break;
    }
  }

  // ---- outside Objektholder: the header ---------------------------------------------------------

  struct Namespace {
    size_t depth;
    std::string prefix;
    std::string uri;
  };

  void header_start(Kind kind) {
    // Namespace declarations and attributes are read from the tag text, still in the buffer.
    std::string_view tag;
    if (tag_kept_) {
      size_t i0 = static_cast<size_t>(tok_.abs - base_);
      tag = buf_.view(i0, pos_ + 1 - i0);
      reader::split_attributes(tag, raw_attrs_);
    } else {
      raw_attrs_.clear();
    }
    for (const auto& a : raw_attrs_) {
      if (namespaces_.size() >= kMaxNamespaces) break;
      if (a.qname == "xmlns") {
        namespaces_.push_back({stack_.size(), "", reader::attribute_value(a.raw_value)});
      } else if (a.qname.substr(0, 6) == "xmlns:") {
        namespaces_.push_back(
            {stack_.size(), std::string(a.qname.substr(6)), reader::attribute_value(a.raw_value)});
      }
    }
    switch (kind) {
      case Kind::kMelding: {
        ++melding_open_;
        melding_seen_ = true;
        MeldingInfo m;
        m.file = path_;
        m.file_id = file_id_;
        m.versjon = attribute("versjon");
        m.meldingstype = attribute("meldingstype");
        std::string_view q = name_keep_.view();
        auto colon = q.find(':');
        std::string prefix = colon == std::string_view::npos ? "" : std::string(q.substr(0, colon));
        for (auto it = namespaces_.rbegin(); it != namespaces_.rend(); ++it) {
          if (it->prefix == prefix) {
            m.namespace_uri = it->uri;
            break;
          }
        }
        base_info_ = m;
        info_ = std::make_shared<MeldingInfo>(std::move(m));
        break;
      }
      case Kind::kInstitusjon: {
        auto m = std::make_shared<MeldingInfo>(base_info_);
        m->institusjon_id = attribute("institusjonID");
        info_ = std::move(m);
        break;
      }
      case Kind::kEnhet: {
        if (!tag_kept_) break;
        Enhet e;
        e.line = tok_.line;
        e.enhet_id = attribute("enhetID");
        e.resh_id = attribute("reshID");
        e.enhet_lokal = attribute("enhetLokal");
        e.org_nr = attribute("orgNr");
        // Names and ids reach every report: bounded like the Objektholder's attributes.
        if (std::string why = too_long(e); !why.empty()) {
          report(tok_, why);
          break;
        }
        if (e.enhet_id.empty()) {
          report(tok_, has_attribute("enhetID")
                           ? "empty value for required attribute 'enhetID' on <Enhet>"
                           : "missing required attribute 'enhetID' on <Enhet>");
          break;
        }
        // Copy on write: episodes already handed out keep the MeldingInfo they were given.
        auto m = std::make_shared<MeldingInfo>(*info_);
        m->enheter.push_back(std::move(e));
        info_ = std::move(m);
        break;
      }
      case Kind::kObjektholder:
        chunk_ = tok_;
        chunk_bad_ = !tag_kept_;  // a start tag beyond the limit was reported already
        mode_ = tag_kept_ ? Mode::kChunk : Mode::kSkip;
        break;
      default:
        break;
    }
  }

  /// Why an Enhet's attribute is longer than attribute_limit() allows, or "".
  static std::string too_long(const Enhet& e) {
    for (const auto& [name, value] :
         {std::pair<const char*, const std::string*>{"enhetID", &e.enhet_id},
          {"reshID", &e.resh_id},
          {"enhetLokal", &e.enhet_lokal},
          {"orgNr", &e.org_nr}}) {
      if (value->size() > reader::attribute_limit(name)) {
        return std::string("value of '") + name + "' on <Enhet> is " +
               std::to_string(value->size()) + " bytes long (at most " +
               std::to_string(reader::attribute_limit(name)) + ")";
      }
    }
    return {};
  }

  std::string attribute(std::string_view local_wanted) const {
    for (const auto& a : raw_attrs_) {
      if (reader::local_name(a.qname) == local_wanted && a.qname.substr(0, 6) != "xmlns:") {
        return reader::sanitize_utf8(reader::attribute_value(a.raw_value));
      }
    }
    return {};
  }
  bool has_attribute(std::string_view local_wanted) const {
    for (const auto& a : raw_attrs_) {
      if (reader::local_name(a.qname) == local_wanted) return true;
    }
    return false;
  }

  // ---- Objektholder chunks --------------------------------------------------------------------

  void chunk_too_large() {
    recoverable(chunk_, "this Objektholder is larger than " +
                            std::to_string(limits_.max_chunk_bytes) +
                            " bytes (the reader's limit): its episodes are skipped");
    mode_ = Mode::kSkip;
  }

  void end_chunk() {
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
    lines_ = reader::ChunkLines(buf_.view(i0, i1 - i0), chunk_);
    try {
      pugi::xml_document doc;
      auto res = doc.load_buffer(lines_.text().data(), lines_.text().size(), pugi::parse_default,
                                 pugi::encoding_utf8);
      if (!res) {
        error_at(res.offset > 0 ? static_cast<size_t>(res.offset) : 0,
                 std::string("malformed XML: ") + res.description());
        skipped_note();
        return;
      }
      episodes_.clear();
      if (!reader::convert_objektholder(doc.document_element(), *this, info_, file_id_,
                                        episodes_)) {
        skipped_note();
        return;
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

  /// The parallel path: copies the chunk buf_[i0, i1) for convert_chunk(), with the bytes around
  /// it that an excerpt of an error inside it may quote (the rest of its first and last line, as
  /// far as held now), so the excerpts come out as next_batch would print them.
  void cut_chunk(size_t i0, size_t i1) {
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

  /// Moves the scanner's pending events into an item of their own (parallel path).
  void flush_events() {
    RawChunk raw;
    raw.events = std::move(events_);
    events_.clear();
    cut_.push_back(std::move(raw));
  }

  Diagnostic skipped_note_at(uint32_t line, uint32_t col) const {
    return {DiagnosticLevel::kNote, path_, line, col, skipped_message(), {}};
  }

  void skipped_note() {
    if (deferred_) {
      events_.push_back(skipped_note_at(chunk_.line, chunk_.col));
      flush_events();  // hand it out now: skipped chunks must not pile up events
      return;
    }
    diag_.add(skipped_note_at(chunk_.line, chunk_.col));
  }

  // ChunkSink: lines and errors inside the current chunk.
  uint32_t line_of(size_t offset) override { return lines_.line_of(offset); }

  void error_at(size_t offset, std::string message) override {
    report(lines_.pos(offset), std::move(message));
  }

  // ---- the end ----------------------------------------------------------------------------------

  void at_end() {
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

  // ---- state ----------------------------------------------------------------------------------

  enum class Mode : uint8_t { kHeader, kChunk, kSkip };

  std::string path_;
  uint32_t file_id_;
  Diagnostics& diag_;
  ReaderLimits limits_;
  ByteSource src_;

  bool started_ = false;
  bool src_eof_ = false;
  bool done_ = false;
  bool stopped_ = false;
  bool complete_ = true;
  size_t errors_ = 0;
  reader::TextEncoding encoding_ = reader::TextEncoding::kUtf8;
  bool encoding_declared_ = false;

  std::string raw_;         // one block as read
  reader::TextBuffer buf_;  // decoded UTF-8 text from base_ on
  std::string converted_;   // one block converted from windows-1252
  uint64_t base_ = 0;
  size_t pos_ = 0;
  size_t peak_buffer_ = 0;
  uint32_t line_ = 1;
  uint64_t line_start_ = 0;

  St st_ = St::kText;
  Pos tok_;
  bool tag_kept_ = true;
  uint64_t name_hash_ = 0;
  uint64_t name_len_ = 0;
  char local_[kLocalMax]{};
  size_t local_len_ = 0;
  bool local_over_ = false;
  KeptName name_keep_;
  uint64_t attr_hash_ = 0;
  uint64_t attr_len_ = 0;
  KeptName attr_keep_;
  std::vector<uint64_t> attrs_;
  std::unordered_set<uint64_t> attr_set_;
  char quote_ = '"';
  std::string ref_;
  Pos ref_start_;
  St ref_return_ = St::kText;
  std::string pi_target_;
  std::string bang_;
  int dashes_ = 0;
  int brackets_ = 0;
  uint32_t u8_cp_ = 0;
  uint32_t u8_min_ = 0;
  int u8_need_ = 0;
  unsigned char u8_lead_ = 0;
  uint32_t u8_error_line_ = 0;
  bool u8_hinted_ = false;
  Pos u8_start_;

  bool decl_seen_ = false;
  bool root_seen_ = false;
  bool extract_root_ = false;  ///< the root element is <Melding> or <MsgHead>
  bool melding_seen_ = false;
  int melding_open_ = 0;
  std::vector<Open> stack_;
  std::string stack_names_;
  std::vector<Namespace> namespaces_;
  std::vector<reader::RawAttribute> raw_attrs_;

  Mode mode_ = Mode::kHeader;
  Pos chunk_;
  bool chunk_bad_ = false;
  reader::ChunkLines lines_;  // the chunk being converted (next_batch)

  // The parallel path (next_chunks / accept).
  bool deferred_ = false;           // next_chunks was called: chunks are cut, not converted
  std::vector<Diagnostic> events_;  // scanner errors and notes not yet handed out
  std::deque<RawChunk> cut_;        // chunks cut, not yet handed out
  size_t replay_errors_ = 0;        // errors accept() has counted
  bool replay_stopped_ = false;     // accept() reached the error limit
  bool replay_complete_ = true;     // accept() saw no error

  MeldingInfo base_info_;
  std::shared_ptr<const MeldingInfo> info_;
  std::vector<Episode> episodes_;
  std::deque<Episode> pending_;
  uint64_t sequence_ = 0;
  uint64_t episodes_out_ = 0;
};

}  // namespace

Result<std::unique_ptr<EpisodeReader>> EpisodeReader::open(const std::string& path,
                                                           uint32_t file_id,
                                                           Diagnostics& diagnostics,
                                                           ReaderLimits limits) {
  try {
    auto reader = std::make_unique<ReaderImpl>(path, file_id, diagnostics, limits);
    if (Status s = reader->open(); !s) return s;
    return std::unique_ptr<EpisodeReader>(std::move(reader));
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory opening the file");
  }
}

Result<std::vector<Episode>> read_all_episodes(const std::string& path, Diagnostics& diagnostics) {
  try {
    auto reader = EpisodeReader::open(path, 0, diagnostics);
    if (!reader) {
      const Status& s = reader.status();
      if (s.code() == StatusCode::kNotFound) return Status::not_found(path + ": " + s.message());
      return Status::io_error(path + ": " + s.message());
    }
    std::vector<Episode> all;
    while ((*reader)->next_batch(all, 1024)) {
    }
    if (!(*reader)->complete()) {
      return Status::invalid_input(path +
                                   ": the file could not be read completely (see the "
                                   "errors above)");
    }
    return all;
  } catch (const std::bad_alloc&) {
    return Status::internal(path + ": out of memory reading the file");
  }
}

}  // namespace nprcheck
