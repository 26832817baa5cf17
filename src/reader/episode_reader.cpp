// The EpisodeReader facade: next_batch, next_chunks, accept, the per-file error limit, open().
#include "nprcheck/episode_reader.hpp"

#include <new>

#include "reader_impl.hpp"

namespace nprcheck {

namespace reader {

bool ReaderImpl::next_batch(std::vector<Episode>& out, size_t max_episodes) {
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

bool ReaderImpl::next_chunks(std::vector<RawChunk>& out, size_t max_bytes) {
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

void ReaderImpl::accept(ConvertedChunk&& c, std::vector<Episode>& out) {
  // Keep the chunk's text buffer for the next chunks cut (bounded: few, and no large ones).
  if (c.spare_text.capacity() > 0 && c.spare_text.capacity() <= kMaxSpareTextBytes &&
      spare_texts_.size() < kMaxSpareTexts) {
    spare_texts_.push_back(std::move(c.spare_text));
  }
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

std::string ReaderImpl::excerpt(uint64_t at, uint32_t col) const {
  return excerpt_window(buf_.view(), base_, base_, at, col);
}

void ReaderImpl::report(const Pos& p, std::string message, bool with_excerpt) {
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
  diag_.error(path_, p.line, p.col, std::move(message), with_excerpt ? excerpt(p.abs, p.col) : "");
}

void ReaderImpl::replay_error(Diagnostic d) {
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

void ReaderImpl::recoverable(const Pos& p, std::string message) {
  if (mode_ != Mode::kHeader) chunk_bad_ = true;
  report(p, std::move(message));
}

void ReaderImpl::fatal(const Pos& p, std::string message, bool with_excerpt) {
  report(p, std::move(message), with_excerpt);
  stop();
}

void ReaderImpl::stop() {
  complete_ = false;
  done_ = true;
  stopped_ = true;
}

}  // namespace reader

using reader::ReaderImpl;

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
