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
};

/// Reads a whole file into memory (tests, `explain`): all episodes, or the failure.
Result<std::vector<Episode>> read_all_episodes(const std::string& path, Diagnostics& diagnostics);

}  // namespace nprcheck
