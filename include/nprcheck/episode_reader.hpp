#pragma once
/// Streaming NPR-melding reader: episodes in batches, in bounded memory, plain or gzip.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nprcheck/diagnostic.hpp"
#include "nprcheck/model.hpp"
#include "nprcheck/status.hpp"

namespace nprcheck {

/// Limits that keep memory bounded whatever the input.
struct ReaderLimits {
  size_t max_chunk_bytes = 64u << 20;            ///< one Objektholder may be at most this large
  uint64_t max_uncompressed_bytes = 1ull << 40;  ///< refuse gzip input that inflates beyond this
};

/// One Objektholder cut from a file by EpisodeReader::next_chunks(), not yet parsed, with what
/// the scanner reported before it. Convert it on any thread with convert_chunk().
struct RawChunk {
  std::vector<Diagnostic> events;  ///< scanner errors and notes before this chunk, in file order
  bool has_chunk = false;          ///< false: only `events` (a skipped Objektholder, the end)
  std::string text;                ///< the chunk, with the rest of its first and last line
  size_t begin = 0;                ///< where the chunk starts in `text`
  size_t size = 0;                 ///< the chunk's length in `text`
  uint64_t text_abs = 0;           ///< stream position of text[0]
  uint64_t held_from = 0;          ///< the first stream position the reader still held
  uint64_t abs = 0;                ///< stream position of the chunk's '<'
  uint32_t line = 0;               ///< line of the chunk's '<'
  uint32_t col = 0;                ///< column of the chunk's '<'
  uint32_t file_id = 0;            ///< the file's id (set on every episode)
  std::shared_ptr<const MeldingInfo> melding;  ///< header in force at this Objektholder
};

/// A RawChunk after convert_chunk(): its episodes, or the errors that made it skipped.
struct ConvertedChunk {
  std::vector<Diagnostic> events;  ///< carried over from the RawChunk
  bool has_chunk = false;          ///< false: only `events`
  uint32_t line = 0;               ///< line of the chunk's '<' (for the "skipped" note)
  uint32_t col = 0;                ///< column of the chunk's '<'
  std::vector<Diagnostic> errors;  ///< conversion errors, in order (file name not yet set)
  bool skipped = false;            ///< errors made the Objektholder skipped (a note follows them)
  std::vector<Episode> episodes;   ///< the episodes when there were no errors (sequence 0)
  std::string spare_text;          ///< the RawChunk's text buffer, given back for reuse by accept()
};

/// Parses and converts one chunk (taken over); touches nothing shared, so any thread may call it.
ConvertedChunk convert_chunk(RawChunk chunk);

/// Reads one NPR-melding file (bare `Melding` or inside a `MsgHead` envelope), episode by episode.
///
/// Errors go to the Diagnostics sink with file, line and a quote of the offending text. An error
/// inside one Objektholder skips that Objektholder (the rest of the file is still read); an error
/// that breaks the XML structure ends the file. complete() tells whether the file was fully read.
class EpisodeReader {
 public:
  /// Opens `path` (gzip detected by its magic bytes). Fails if it cannot be opened.
  static Result<std::unique_ptr<EpisodeReader>> open(const std::string& path, uint32_t file_id,
                                                     Diagnostics& diagnostics,
                                                     ReaderLimits limits = {});
  virtual ~EpisodeReader() = default;

  /// Appends up to `max_episodes` episodes to `out`; returns false when the file is exhausted
  /// (or stopped by an error) and nothing was appended.
  virtual bool next_batch(std::vector<Episode>& out, size_t max_episodes) = 0;

  /// The parallel path (use instead of next_batch, never both on one reader): appends the next
  /// Objektholder chunks, unparsed, until about `max_bytes` of text; returns false when the file
  /// is exhausted (or stopped) and nothing was appended. Convert each chunk with convert_chunk()
  /// on any thread, then give every result to accept() on this reader's thread, in file order.
  virtual bool next_chunks(std::vector<RawChunk>& out, size_t max_bytes) = 0;

  /// Takes the next converted chunk in file order: reports its diagnostics (and the scanner's
  /// before it) exactly as next_batch would, applies the per-file error limit, numbers its
  /// episodes and appends them to `out`. complete() is final once every chunk was accepted.
  virtual void accept(ConvertedChunk&& chunk, std::vector<Episode>& out) = 0;

  /// The header information (valid once the first batch was requested).
  [[nodiscard]] virtual std::shared_ptr<const MeldingInfo> melding() const = 0;
  /// False if an error meant part of the file was not read.
  [[nodiscard]] virtual bool complete() const = 0;
  /// Bytes consumed from the (decompressed) stream so far, for progress.
  [[nodiscard]] virtual uint64_t bytes_read() const = 0;
  /// Bytes consumed from the file on disk so far (compressed size for .gz), for progress.
  [[nodiscard]] virtual uint64_t file_bytes_read() const = 0;
  /// Episodes handed out so far.
  [[nodiscard]] virtual uint64_t episodes_read() const = 0;
  /// The largest the reader's text buffer has been (bytes): bounded by the largest Objektholder.
  [[nodiscard]] virtual size_t peak_buffer_bytes() const = 0;
  /// SHA-256 (64 lower-case hex) of the file's bytes on disk (the compressed bytes of a .gz),
  /// hashed as they were read: "" unless the reader read the file to its end (then hash the
  /// file again with sha256_file()).
  [[nodiscard]] virtual std::string file_sha256() const { return {}; }
};

/// Reads a whole file into memory (tests, `explain`): all episodes, or the failure.
Result<std::vector<Episode>> read_all_episodes(const std::string& path, Diagnostics& diagnostics);

}  // namespace nprcheck
