#pragma once
/// The reader's differential check, shared by fuzz_reader (libFuzzer) and reader_differential
/// (a CTest over files): the legacy reader (tests/fuzz/legacy_reader, the code before issue 16)
/// and the current one must read every input alike, by both of their paths (next_batch and
/// next_chunks -> convert_chunk -> accept): the same episodes with every field of the model,
/// their sequence and lines, the same diagnostics text in order, the same complete().

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "legacy_reader/legacy_reader.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/episode_reader.hpp"
#include "nprcheck/hash.hpp"

namespace nprcheck::fuzz {

/// Every field of the model as text (the reader's and the defaults of the resolved ones).
class OutcomeText {
 public:
  /// The episodes of one batch.
  void add(const std::vector<Episode>& episodes) {
    for (const auto& e : episodes) add(e);
  }

  /// The diagnostics and complete() at the end of the file.
  void finish(const Diagnostics& d, bool complete) {
    for (const auto& x : d.all()) text += format_diagnostic(x) + '\n';
    text += complete ? "complete\n" : "incomplete\n";
  }

  std::string text;

 private:
  static std::string date(const DateTime& d) { return std::to_string(d.seconds); }
  static std::string date(const std::optional<DateTime>& d) { return d ? date(*d) : "-"; }

  void kode(const Kode& k) {
    text += "  kode " + k.verdi + '|' + k.kodeverk + '|' + std::to_string(k.kode_nr) + '|' +
            k.kode_versjon + '@' + std::to_string(k.line) + ' ' +
            std::to_string(static_cast<int>(k.system)) + ' ' + date(k.dato) + ' ' +
            std::to_string(k.forekomster) + (k.forste_forekomst ? " first" : " later") + '\n';
  }

  void melding(const MeldingInfo* m) {
    if (m == nullptr) {
      text += " melding null\n";
      return;
    }
    if (m == last_melding_) return;  // printed already (shared by the episodes of a header)
    last_melding_ = m;
    text += " melding " + m->file + '#' + std::to_string(m->file_id) + ' ' + m->versjon + '|' +
            m->meldingstype + '|' + m->namespace_uri + '|' + m->institusjon_id + '\n';
    for (const auto& u : m->enheter) {
      text += "  enhet " + u.enhet_id + '|' + u.resh_id + '|' + u.enhet_lokal + '|' + u.org_nr +
              '@' + std::to_string(u.line) + '\n';
    }
  }

  void add(const Episode& e) {
    text += "episode " + e.episode_id + '|' + e.episode_guid + " #" + std::to_string(e.sequence) +
            " @" + std::to_string(e.location.file_id) + ':' + std::to_string(e.location.line) +
            ' ' + date(e.inn) + ' ' + date(e.ut) + ' ' + std::to_string(e.omsorgsniva) + ' ' +
            std::to_string(e.innmate_hast) + (e.helseperson ? " hp " : " - ") +
            std::to_string(e.helseperson_rolle) + ' ' + std::to_string(e.helseperson_spesialist) +
            '\n';
    if (e.pasient) {
      text += " pasient " + e.pasient->pasient_nr + ' ' + std::to_string(e.pasient->kjonn) + ' ' +
              std::to_string(e.pasient->fodselsar) + '@' + std::to_string(e.pasient->line) + '\n';
    } else {
      text += " pasient null\n";
    }
    melding(e.melding.get());
    for (const auto& r : e.ref_enheter) {
      text += " ref " + r.enhet_id + ' ' + std::to_string(r.type_enhet) + '@' +
              std::to_string(r.line) + '\n';
    }
    for (const auto& t : e.tilstander) {
      text += " tilstand " + std::to_string(t.tilst_nr) + '@' + std::to_string(t.line) + '\n';
      for (const auto& k : t.koder) kode(k);
    }
    for (const auto& t : e.tiltak) {
      text += " tiltak " + std::to_string(t.type_tiltak) + ' ' + date(t.start) + ' ' +
              date(t.slutt) + ' ' + date(t.tjeneste_start) + '@' + std::to_string(t.line) + '\n';
      for (const auto& p : t.prosedyrer) {
        text += " prosedyre " + std::to_string(p.pros_nr) + ' ' +
                (p.tilst_nr ? std::to_string(*p.tilst_nr) : "-") + ' ' + date(p.dato) + '@' +
                std::to_string(p.line) + '\n';
        for (const auto& k : p.koder) kode(k);
      }
    }
    text += " resolved " + e.avdeling + '|' + e.unit + '|' + e.unit_name + '|' +
            std::to_string(e.radiologi) + std::to_string(e.in_catalogue) + ' ' +
            std::to_string(e.prosedyre_systemer) + ' ' + std::to_string(e.feil) + '\n';
  }

  const MeldingInfo* last_melding_ = nullptr;
};

/// How the inputs are read.
struct DifferentialOptions {
  ReaderLimits limits;
  size_t batch_episodes = 64;  ///< next_batch's batch size
  size_t chunk_bytes = 4096;   ///< next_chunks' batch bytes (small: boundaries fall everywhere)
};

/// What one way of reading gave; `opened` is false when open() failed (then only its message).
struct ReadOutcome {
  bool opened = false;
  std::string text;
};

/// The current reader through next_batch.
inline ReadOutcome read_serial(const std::string& path, const DifferentialOptions& o) {
  ReadOutcome out;
  Diagnostics diagnostics;
  auto reader = EpisodeReader::open(path, 0, diagnostics, o.limits);
  if (!reader) {
    out.text = reader.status().message();
    return out;
  }
  out.opened = true;
  OutcomeText t;
  std::vector<Episode> batch;
  while ((*reader)->next_batch(batch, o.batch_episodes)) {
    t.add(batch);
    batch.clear();
  }
  t.finish(diagnostics, (*reader)->complete());
  out.text = std::move(t.text);
  return out;
}

/// The current reader through next_chunks -> convert_chunk -> accept. When it read the file to
/// its end, its digest must be the hash of the file's bytes (`digest_mismatch` says otherwise).
inline ReadOutcome read_parallel(const std::string& path, const DifferentialOptions& o,
                                 bool* digest_mismatch = nullptr) {
  ReadOutcome out;
  Diagnostics diagnostics;
  auto reader = EpisodeReader::open(path, 0, diagnostics, o.limits);
  if (!reader) {
    out.text = reader.status().message();
    return out;
  }
  out.opened = true;
  OutcomeText t;
  std::vector<RawChunk> chunks;
  while ((*reader)->next_chunks(chunks, o.chunk_bytes)) {
    std::vector<Episode> episodes;
    for (auto& c : chunks) (*reader)->accept(convert_chunk(std::move(c)), episodes);
    t.add(episodes);
    chunks.clear();
  }
  t.finish(diagnostics, (*reader)->complete());
  out.text = std::move(t.text);
  if (digest_mismatch != nullptr) {
    *digest_mismatch = false;
    if (auto digest = (*reader)->file_sha256(); !digest.empty()) {
      auto expected = sha256_file(path);
      *digest_mismatch = !expected || *expected != digest;
    }
  }
  return out;
}

/// The legacy reader through next_batch (serial) or next_chunks (parallel).
inline ReadOutcome read_legacy(const std::string& path, const DifferentialOptions& o,
                               bool parallel) {
  ReadOutcome out;
  Diagnostics diagnostics;
  auto reader = legacy_reader::open_reader(path, 0, diagnostics, o.limits);
  if (!reader) {
    out.text = reader.status().message();
    return out;
  }
  out.opened = true;
  OutcomeText t;
  if (parallel) {
    std::vector<RawChunk> chunks;
    while ((*reader)->next_chunks(chunks, o.chunk_bytes)) {
      std::vector<Episode> episodes;
      for (auto& c : chunks) {
        (*reader)->accept(legacy_reader::convert_chunk(std::move(c)), episodes);
      }
      t.add(episodes);
      chunks.clear();
    }
  } else {
    std::vector<Episode> batch;
    while ((*reader)->next_batch(batch, o.batch_episodes)) {
      t.add(batch);
      batch.clear();
    }
  }
  t.finish(diagnostics, (*reader)->complete());
  out.text = std::move(t.text);
  return out;
}

/// Reads `path` the four ways; "" when they agree, else which differ (and the two texts).
inline std::string compare_readers(const std::string& path, const DifferentialOptions& o) {
  ReadOutcome legacy_parallel = read_legacy(path, o, true);
  ReadOutcome legacy_serial = read_legacy(path, o, false);
  ReadOutcome serial = read_serial(path, o);
  bool digest_mismatch = false;
  ReadOutcome parallel = read_parallel(path, o, &digest_mismatch);
  auto differ = [](const char* what, const ReadOutcome& a, const ReadOutcome& b) -> std::string {
    if (a.opened == b.opened && a.text == b.text) return {};
    return std::string(what) + " differ\n--- first:\n" + a.text + "--- second:\n" + b.text;
  };
  for (auto r : {differ("legacy next_chunks and legacy next_batch", legacy_parallel, legacy_serial),
                 differ("legacy next_chunks and new next_chunks", legacy_parallel, parallel),
                 differ("new next_chunks and new next_batch", parallel, serial)}) {
    if (!r.empty()) return r;
  }
  if (digest_mismatch) return "file_sha256() is not the SHA-256 of the file";
  return {};
}

}  // namespace nprcheck::fuzz
