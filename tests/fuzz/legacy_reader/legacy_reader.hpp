#pragma once
/// The reader as it was before issue 16, kept (for tests/fuzz only) until the old path is removed.

#include <memory>
#include <string>

#include "nprcheck/episode_reader.hpp"

namespace nprcheck::legacy_reader {

/// The legacy EpisodeReader::open().
Result<std::unique_ptr<EpisodeReader>> open_reader(const std::string& path, uint32_t file_id,
                                                   Diagnostics& diagnostics,
                                                   ReaderLimits limits = {});

/// The legacy convert_chunk().
ConvertedChunk convert_chunk(RawChunk chunk);

}  // namespace nprcheck::legacy_reader
