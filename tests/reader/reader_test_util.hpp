#pragma once
// Helpers of the reader tests: read a fixture fully and look at what came out.
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "nprcheck/diagnostic.hpp"
#include "nprcheck/episode_reader.hpp"

namespace reader_test {

/// Path of a fixture under testdata/xml/.
inline std::string fixture(const std::string& name) {
  return std::string(NPRCHECK_TESTDATA) + "/xml/" + name;
}

/// A fresh temporary folder for one test.
inline std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("nprcheck-reader-test-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

/// Writes `content` gzip-compressed to `p` (as one gzip member, or `members` concatenated ones).
inline void write_gzip(const std::filesystem::path& p, const std::string& content,
                       int members = 1) {
  std::ofstream(p, std::ios::binary | std::ios::trunc);  // truncate
  size_t per = content.size() / static_cast<size_t>(members) + 1;
  for (int m = 0; m < members; ++m) {
    size_t from = static_cast<size_t>(m) * per;
    if (from > content.size()) from = content.size();
    size_t len = std::min(per, content.size() - from);
    gzFile gz = gzopen(p.c_str(), "ab");
    gzwrite(gz, content.data() + from, static_cast<unsigned>(len));
    gzclose(gz);
  }
}

/// Everything one read of a file produced.
struct ReadResult {
  bool opened = false;
  std::string open_error;
  std::vector<nprcheck::Episode> episodes;
  std::vector<nprcheck::Diagnostic> diagnostics;
  bool complete = false;
  std::shared_ptr<const nprcheck::MeldingInfo> melding;
  size_t peak_buffer = 0;
  size_t batches = 0;
  size_t largest_batch = 0;

  [[nodiscard]] std::vector<nprcheck::Diagnostic> errors() const {
    std::vector<nprcheck::Diagnostic> out;
    for (const auto& d : diagnostics) {
      if (d.level == nprcheck::DiagnosticLevel::kError) out.push_back(d);
    }
    return out;
  }
  /// All diagnostics rendered, for INFO().
  [[nodiscard]] std::string rendered() const {
    std::string s;
    for (const auto& d : diagnostics) s += nprcheck::format_diagnostic(d) + "\n";
    return s;
  }
  [[nodiscard]] std::vector<std::string> episode_ids() const {
    std::vector<std::string> ids;
    for (const auto& e : episodes) ids.push_back(e.episode_id);
    return ids;
  }
};

/// Reads `path` with the streaming API in batches of `batch` episodes.
inline ReadResult read_file(const std::string& path, size_t batch = 1000,
                            nprcheck::ReaderLimits limits = {}) {
  ReadResult r;
  nprcheck::Diagnostics diagnostics;
  auto reader = nprcheck::EpisodeReader::open(path, 7, diagnostics, limits);
  if (!reader) {
    r.open_error = reader.status().message();
    r.diagnostics = diagnostics.all();
    return r;
  }
  r.opened = true;
  std::vector<nprcheck::Episode> out;
  while (true) {
    out.clear();
    if (!(*reader)->next_batch(out, batch)) break;
    ++r.batches;
    r.largest_batch = std::max(r.largest_batch, out.size());
    for (auto& e : out) r.episodes.push_back(std::move(e));
  }
  r.complete = (*reader)->complete();
  r.melding = (*reader)->melding();
  r.peak_buffer = (*reader)->peak_buffer_bytes();
  r.diagnostics = diagnostics.all();
  return r;
}

/// A line-free description of the episodes (everything the reader fills except lines), to
/// compare the same content read from differently shaped files.
inline std::string describe(const std::vector<nprcheck::Episode>& episodes) {
  std::ostringstream o;
  for (const auto& e : episodes) {
    o << "Episode " << e.episode_id << " guid=" << e.episode_guid << " inn=" << e.inn.to_string()
      << " ut=" << (e.ut ? e.ut->to_string() : "-") << " omsorgsniva=" << e.omsorgsniva
      << " innmateHast=" << e.innmate_hast << " seq=" << e.sequence << "\n";
    o << "  Pasient " << e.pasient->pasient_nr << " kjonn=" << e.pasient->kjonn
      << " fodselsar=" << e.pasient->fodselsar << "\n";
    o << "  Melding versjon=" << e.melding->versjon << " type=" << e.melding->meldingstype
      << " inst=" << e.melding->institusjon_id << " enheter=" << e.melding->enheter.size() << "\n";
    for (const auto& r : e.ref_enheter)
      o << "  RefEnhet " << r.enhet_id << "/" << r.type_enhet << "\n";
    for (const auto& t : e.tilstander) {
      o << "  Tilstand " << t.tilst_nr << "\n";
      for (const auto& k : t.koder) {
        o << "    Kode " << k.kode_nr << " " << k.kodeverk << " " << k.kode_versjon << " "
          << k.verdi << "\n";
      }
    }
    for (const auto& t : e.tiltak) {
      o << "  Tiltak type=" << t.type_tiltak << " start=" << (t.start ? t.start->to_string() : "-")
        << " slutt=" << (t.slutt ? t.slutt->to_string() : "-")
        << " tjeneste=" << (t.tjeneste_start ? t.tjeneste_start->to_string() : "-") << "\n";
      for (const auto& p : t.prosedyrer) {
        o << "    Prosedyre " << p.pros_nr
          << " tilstNr=" << (p.tilst_nr ? std::to_string(*p.tilst_nr) : "-") << "\n";
        for (const auto& k : p.koder) {
          o << "      Kode " << k.kode_nr << " " << k.kodeverk << " " << k.verdi << "\n";
        }
      }
    }
  }
  return o.str();
}

}  // namespace reader_test
