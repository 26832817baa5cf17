#pragma once
/// The streaming reader behind EpisodeReader: its state and the steps of the scan.
///
/// A light XML scanner walks the (decompressed, UTF-8) text byte by byte: it checks what makes XML
/// well-formed (tags, attributes, comments, CDATA, PIs, references, UTF-8, the element stack) and
/// handles everything outside an `Objektholder` itself (MsgHead, Melding, Institusjon, Enhet ...).
/// Each `Objektholder` element is kept in the buffer as one chunk, then parsed with pugixml and
/// converted to Episodes (objektholder.cpp). Only the current chunk (at most
/// ReaderLimits::max_chunk_bytes) and one input block are ever held, whatever the file size.
///
/// The class is defined across: episode_reader.cpp (the facade, errors), reader_input.cpp (the
/// byte source, encodings, the buffer), scanner.cpp (the tokeniser), scanner_names.cpp (names and
/// their keys), melding_header.cpp (elements, Melding/Institusjon/Enhet), chunk_cut.cpp
/// (Objektholder chunks, the end of the file).

#include <algorithm>
#include <climits>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "byte_source.hpp"
#include "chunk_text.hpp"
#include "nprcheck/episode_reader.hpp"
#include "objektholder.hpp"
#include "scanner.hpp"
#include "text_buffer.hpp"
#include "xml_text.hpp"

namespace nprcheck::reader {

/// The EpisodeReader of one file (see the file comment).
class ReaderImpl final : public EpisodeReader, private ChunkSink {
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

  bool next_batch(std::vector<Episode>& out, size_t max_episodes) override;

  bool next_chunks(std::vector<RawChunk>& out, size_t max_bytes) override;

  void accept(ConvertedChunk&& c, std::vector<Episode>& out) override;

  [[nodiscard]] std::shared_ptr<const MeldingInfo> melding() const override { return info_; }
  [[nodiscard]] bool complete() const override { return complete_ && replay_complete_; }
  [[nodiscard]] uint64_t bytes_read() const override { return src_.stream_bytes(); }
  [[nodiscard]] uint64_t file_bytes_read() const override { return src_.file_bytes(); }
  [[nodiscard]] uint64_t episodes_read() const override { return episodes_out_; }
  [[nodiscard]] size_t peak_buffer_bytes() const override { return peak_buffer_; }
  [[nodiscard]] std::string file_sha256() const override { return src_.digest(); }

 private:
  // ---- positions, errors -------------------------------------------------------------------

  [[nodiscard]] uint64_t abs(size_t idx) const { return base_ + idx; }
  [[nodiscard]] Pos here() const {
    uint64_t a = abs(pos_);
    return {a, line_, static_cast<uint32_t>(std::min<uint64_t>(a - line_start_ + 1, UINT32_MAX))};
  }

  /// The line around absolute position `at` (column `col` on it), as far as it is still held.
  std::string excerpt(uint64_t at, uint32_t col) const;

  void report(const Pos& p, std::string message, bool with_excerpt = true);

  /// accept(): an error in file order, under the per-file limit (as report() does for next_batch).
  void replay_error(Diagnostic d);

  /// An error that the scanner can go on after (inside an Objektholder: the chunk is skipped).
  void recoverable(const Pos& p, std::string message);

  /// An error that ends the file.
  void fatal(const Pos& p, std::string message, bool with_excerpt = true);
  void fatal_here(std::string message) { fatal(here(), std::move(message)); }

  void stop();

  // ---- input ----------------------------------------------------------------------------------

  /// Drops what is no longer needed and appends the next block; false at the end of the input.
  bool refill();

  void append_decoded(std::string_view raw);

  /// The first block: byte order mark, encoding, empty files.
  bool start();

  // ---- the scanner ----------------------------------------------------------------------------

  [[nodiscard]] bool in_tag() const;

  /// True once the scanner has something to hand out (episodes, or a cut chunk).
  [[nodiscard]] bool produced() const { return !pending_.empty() || !cut_.empty(); }

  /// Scans until an Objektholder produced episodes (or was cut), or the file ended or failed.
  void pump();

  void newline();

  void name_reset();
  /// The name is complete: name_hash_ becomes its key (name_key()).
  void name_done();
  void name_add(unsigned char c);
  /// name_add() of each of the `k` bytes at `s` (none of them may be a multi-byte character).
  void name_add_span(const unsigned char* s, size_t k);
  [[nodiscard]] std::string_view local() const;
  [[nodiscard]] std::string shown_name() const;

  /// Decodes one byte of a multi-byte UTF-8 sequence; reports invalid sequences.
  void utf8_byte(unsigned char c);

  void bad_utf8(unsigned char c) { bad_utf8_at(here(), "invalid UTF-8: byte 0x" + hex(c)); }

  /// A lead byte whose character is cut short by a byte that does not continue it.
  void cut_utf8();

  void bad_utf8_at(const Pos& p, std::string msg);

  static std::string hex(uint32_t v);

  /// Scans the bytes in the buffer (stops early after a completed Objektholder or an error).
  void scan();

  void begin_token();

  void step(unsigned char c);

  void attr_add(unsigned char c);
  /// attr_add() of each of the `k` bytes at `s`.
  void attr_add_span(const unsigned char* s, size_t k);

  void attr_name_done();
  void duplicate_attribute();

  void begin_ref(St back);
  void end_ref();

  void bang(unsigned char c);

  void pi_target_done();

  // ---- elements -------------------------------------------------------------------------------

  void start_name_done();

  Kind classify() const;

  void finish_start(bool empty);

  void finish_end();

  std::string open_name(const Open& o) const;

  void pop_element();

  // ---- outside Objektholder: the header ---------------------------------------------------------

  struct Namespace {
    size_t depth;
    std::string prefix;
    std::string uri;
  };

  void header_start(Kind kind);

  /// Why an Enhet's attribute is longer than attribute_limit() allows, or "".
  static std::string too_long(const Enhet& e);

  std::string attribute(std::string_view local_wanted) const;
  bool has_attribute(std::string_view local_wanted) const;

  // ---- Objektholder chunks --------------------------------------------------------------------

  void chunk_too_large();

  void end_chunk();

  /// The parallel path: copies the chunk buf_[i0, i1) for convert_chunk(), with the bytes around
  /// it that an excerpt of an error inside it may quote (the rest of its first and last line, as
  /// far as held now), so the excerpts come out as next_batch would print them.
  void cut_chunk(size_t i0, size_t i1);

  /// Moves the scanner's pending events into an item of their own (parallel path).
  void flush_events();

  Diagnostic skipped_note_at(uint32_t line, uint32_t col) const;

  void skipped_note();

  // ChunkSink: lines and errors inside the current chunk.
  uint32_t line_of(size_t offset) override { return lines_.line_of(offset); }

  void error_at(size_t offset, std::string message) override;

  // ---- the end ----------------------------------------------------------------------------------

  void at_end();

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
  TextEncoding encoding_ = TextEncoding::kUtf8;
  bool encoding_declared_ = false;

  std::string raw_;        // one block as read
  TextBuffer buf_;         // decoded UTF-8 text from base_ on
  std::string converted_;  // one block converted from windows-1252
  uint64_t base_ = 0;
  size_t pos_ = 0;
  size_t peak_buffer_ = 0;
  uint32_t line_ = 1;
  uint64_t line_start_ = 0;

  St st_ = St::kText;
  Pos tok_;
  bool tag_kept_ = true;
  uint64_t name_hash_ = 0;  // FNV-1a of the bytes beyond name_keep_; its key after name_done()
  uint64_t name_len_ = 0;
  char local_[kLocalMax]{};
  size_t local_len_ = 0;
  bool local_over_ = false;
  KeptName name_keep_;
  uint64_t attr_hash_ = 0;  // FNV-1a of the bytes beyond attr_keep_
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
  std::vector<RawAttribute> raw_attrs_;

  Mode mode_ = Mode::kHeader;
  Pos chunk_;
  bool chunk_bad_ = false;
  ChunkLines lines_;  // the chunk being converted (next_batch)

  // The parallel path (next_chunks / accept).
  bool deferred_ = false;                 // next_chunks was called: chunks are cut, not converted
  std::vector<Diagnostic> events_;        // scanner errors and notes not yet handed out
  std::deque<RawChunk> cut_;              // chunks cut, not yet handed out
  std::vector<std::string> spare_texts_;  // text buffers of converted chunks, for cut_chunk()
  size_t replay_errors_ = 0;              // errors accept() has counted
  bool replay_stopped_ = false;           // accept() reached the error limit
  bool replay_complete_ = true;           // accept() saw no error

  MeldingInfo base_info_;
  std::shared_ptr<const MeldingInfo> info_;
  std::vector<Episode> episodes_;
  std::deque<Episode> pending_;
  uint64_t sequence_ = 0;
  uint64_t episodes_out_ = 0;
};

}  // namespace nprcheck::reader
