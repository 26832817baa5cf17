// LEGACY COPY of src/reader/objektholder.hpp as it was before issue 16 (the differential fuzz
// target compares it with the current reader); namespace nprcheck::legacy_reader. Do not edit.
#pragma once
/// Converts one parsed `Objektholder` (a pugixml chunk) into model Episodes.

#include <cstdint>
#include <memory>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/model.hpp"

namespace nprcheck::legacy_reader {

/// What converting one Objektholder needs from the reader: lines and an error sink.
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  /// The 1-based line (in the original file) of byte `offset` of the chunk.
  virtual uint32_t line_of(size_t offset) = 0;
  /// Reports an error at byte `offset` of the chunk.
  virtual void error_at(size_t offset, std::string message) = 0;
};

/// The longest value an attribute may have (a longer one is an input error): a kodeVerdi 32
/// bytes, ids and numbers (`…ID`, `…Nr`, `…GUID`) 100, anything else (names, versions) 1000.
size_t attribute_limit(std::string_view local_name);

/// Converts `objektholder` into episodes appended to `out` (with `melding`, `file_id` and their
/// lines set, sequence left 0). Returns false, leaving `out` as it was, if any error was reported.
bool convert_objektholder(const pugi::xml_node& objektholder, ChunkSink& sink,
                          const std::shared_ptr<const MeldingInfo>& melding, uint32_t file_id,
                          std::vector<Episode>& out);

}  // namespace nprcheck::legacy_reader
