// The check pipeline: read episodes -> load tables -> compile rules -> evaluate -> collect
// findings -> write reports.
//
// Threads: the calling thread reads the inputs (one file after another): it only scans the bytes
// and cuts them into Objektholder chunks. A small worker pool parses and converts each batch of
// chunks into episodes; the reading thread takes the converted batches back in order (which
// reports their errors in file order and numbers their episodes) and hands the episodes to the
// pool again, which prepares and evaluates them. Results are written back in batch order, so the
// findings and diagnostics come out in a stable order whatever the scheduling.
#include "nprcheck/check.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "nprcheck/code_tables.hpp"
#include "nprcheck/config.hpp"
#include "nprcheck/date.hpp"
#include "nprcheck/default_paths.hpp"
#include "nprcheck/episode_reader.hpp"
#include "nprcheck/exit_codes.hpp"
#include "nprcheck/hash.hpp"
#include "nprcheck/history.hpp"
#include "nprcheck/history_trend.hpp"
#include "nprcheck/output_stage.hpp"
#include "nprcheck/prepare.hpp"
#include "nprcheck/report.hpp"
#include "nprcheck/rules.hpp"
#include "nprcheck/units.hpp"
#include "progress.hpp"
#include "tally.hpp"
#include "thread_pool.hpp"

namespace nprcheck {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop{false};

constexpr size_t kBatchBytes = 1u << 20;  // chunk text per conversion batch (~1000 episodes)
// Chunk text being converted at most (one batch may be larger: an Objektholder is never split).
constexpr size_t kMaxConvertingBytes = 16u << 20;

bool is_extract_name(const std::string& name) {
  return name.ends_with(".xml") || name.ends_with(".xml.gz");
}

/// What a worker learns from one batch besides its findings.
struct BatchResult {
  std::string ndjson;  ///< the batch's findings as findings.ndjson lines, in order
  uint64_t episodes_checked = 0;
  std::map<std::string, std::pair<std::string, uint64_t>> unit_episodes;  // unit -> (name, n)
  std::set<std::pair<std::string, int>> missing;  // (system, year) of codes left unchecked
  uint64_t unchecked_codes = 0;
};

bool code_is_table_checked(const Kode& k) {
  if (k.kodeverk.size() != 1) return false;
  switch (k.kodeverk[0]) {
    case 'D':
    case 'd':
    case 'Q':
    case 'q':
    case 'K':
    case 'k':
    case 'M':
    case 'm':
    case 'R':
    case 'r':
      return true;
    default:
      return false;
  }
}

/// Records codes whose system has no table for their year (reported once per system and year).
void note_missing_tables(const Episode& e, const CodeTables& tables, BatchResult& r) {
  auto visit = [&](const Kode& k) {
    if (!code_is_table_checked(k)) return;
    int year = k.dato.year();
    if (k.system == KodeSystem::kOther) {
      // A Q code no table resolved: unchecked only if no procedure table covers the year.
      if (!tables.has_year(KodeSystem::kNcsp, year) && !tables.has_year(KodeSystem::kNcmp, year) &&
          !tables.has_year(KodeSystem::kNcrp, year)) {
        r.missing.insert({"NCSP/NCMP/NCRP", year});
        ++r.unchecked_codes;
      }
      return;
    }
    if (!tables.has_year(k.system, year)) {
      r.missing.insert({kode_system_name(k.system), year});
      ++r.unchecked_codes;
    }
  };
  for (const auto& t : e.tilstander) {
    for (const auto& k : t.koder) visit(k);
  }
  for (const auto& tt : e.tiltak) {
    for (const auto& p : tt.prosedyrer) {
      for (const auto& k : p.koder) visit(k);
    }
  }
}

bool episode_selected(const Episode& e, const CheckOptions& o) {
  if (!o.episode_id.empty() && e.episode_id != o.episode_id) return false;
  if (!o.unit.empty() && e.unit != o.unit && e.avdeling != o.unit) return false;
  if (o.from && e.inn.day() < o.from->day()) return false;
  if (o.to && e.inn.day() > o.to->day()) return false;
  return true;
}

BatchResult process_batch(std::vector<Episode>& episodes, const CheckOptions& o,
                          const CodeTables& tables, const UnitsCatalogue& units,
                          const RuleSet& rules) {
  BatchResult r;
  EvalContext ctx{&tables, &units};
  std::vector<Finding> findings;
  for (auto& e : episodes) {
    prepare_episode(e, tables, units);
    if (!episode_selected(e, o)) continue;
    ++r.episodes_checked;
    auto& u = r.unit_episodes[e.unit];
    if (u.first.empty()) u.first = e.unit_name;
    ++u.second;
    note_missing_tables(e, tables, r);
    rules.evaluate(e, ctx, findings);
  }
  for (const auto& f : findings) (r.ndjson += finding_to_json(f)) += '\n';
  episodes.clear();  // freed here, on the worker, not on the reading thread
  return r;
}

std::string describe_filters(const CheckOptions& o) {
  std::string f;
  auto add = [&](const std::string& s) { f += (f.empty() ? "" : ", ") + s; };
  if (!o.unit.empty()) add("unit=" + o.unit);
  if (!o.rule_glob.empty()) add("rule=" + o.rule_glob);
  if (o.from) add("from=" + o.from->date_string());
  if (o.to) add("to=" + o.to->date_string());
  if (!o.episode_id.empty()) add("episode=<one episode>");
  return f;
}

}  // namespace

void request_stop() { g_stop.store(true, std::memory_order_relaxed); }
bool stop_requested() { return g_stop.load(std::memory_order_relaxed); }

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs,
                                       Diagnostics& diagnostics) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    auto st = fs::status(in, ec);
    if (ec || !fs::exists(st)) {
      diagnostics.error(in, 0, 0, "no such file or directory");
      continue;
    }
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(
               in, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && is_extract_name(it->path().filename().string())) {
          found.push_back(it->path().string());
        }
      }
      if (ec) diagnostics.error(in, 0, 0, "cannot read directory: " + ec.message());
      std::sort(found.begin(), found.end());
      if (found.empty()) diagnostics.warning(in, 0, 0, "no *.xml or *.xml.gz files in directory");
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(in);
    }
  }
  return files;
}

CheckOutcome run_check(const CheckOptions& options, Diagnostics& diagnostics) {
  CheckOutcome outcome;
  RunManifest& m = outcome.manifest;
  m.tool_version = NPRCHECK_VERSION;
  m.started = now_local_iso();
  m.filters = describe_filters(options);
  auto fail = [&](int code) {
    outcome.exit_code = code;
    return outcome;
  };

  // Compile rules first: a broken rule set stops the run before any input is read.
  m.rules_dir = options.rules_dir.empty() ? default_rules_dir() : options.rules_dir;
  auto rules = RuleSet::load(m.rules_dir, diagnostics);
  if (!rules) {
    if (!rules.status().message().empty())
      diagnostics.error(m.rules_dir, 0, 0, rules.status().message());
    return fail(kExitError);
  }
  if (!options.rule_glob.empty() && rules->select(options.rule_glob) == 0) {
    diagnostics.error(m.rules_dir, 0, 0, "no rule matches --rule '" + options.rule_glob + "'");
    return fail(kExitError);
  }
  m.rules = rules->manifest();
  m.rules_hash = rules->hash();

  m.tables_dir = options.tables_dir.empty() ? default_tables_dir() : options.tables_dir;
  auto tables = CodeTables::load(m.tables_dir, diagnostics);
  if (!tables) {
    diagnostics.error(m.tables_dir, 0, 0, tables.status().message());
    return fail(kExitError);
  }
  m.tables = tables->files();

  UnitsCatalogue units;
  if (!options.units_file.empty()) {
    auto loaded = UnitsCatalogue::load(options.units_file, diagnostics);
    if (!loaded) {
      diagnostics.error(options.units_file, 0, 0, loaded.status().message());
      return fail(kExitError);
    }
    units = std::move(*loaded);
    m.units_file = options.units_file;
  }

  if (options.out_dir.empty()) {
    diagnostics.error("", 0, 0, "no output directory: give --out DIR");
    return fail(kExitError);
  }
  // Reports hold patient numbers: owner/group only (0640 files, 0750 folders by default).
  ::umask(static_cast<mode_t>(options.umask & 0777));
  auto stage = OutputStage::create(options.out_dir);
  if (!stage) {
    diagnostics.error("", 0, 0, stage.status().message());
    return fail(kExitError);
  }

  // Nightly operation: the history lock, the history database and the waivers, before any
  // input is read (a held lock or a newer database stops the run here).
  auto nightly = NightlyRun::start(options, diagnostics, [] { return stop_requested(); });
  if (!nightly) {
    if (!nightly.status().message().empty() && !diagnostics.has_errors()) {
      diagnostics.error("", 0, 0, nightly.status().message());
    }
    return fail(stop_requested() ? kExitInterrupted : kExitError);
  }
  // The nightly job warns loudly when the new year's tables are missing (ad-hoc checks of old
  // extracts are told about missing years per year seen instead).
  if (std::string w = nightly->active()
                          ? new_year_tables_warning(m.tables, m.tables_dir, today_local())
                          : std::string();
      !w.empty()) {
    spdlog::warn("{}", w);
    diagnostics.warning(m.tables_dir, 0, 0, w);
  }

  std::vector<std::string> files = expand_inputs(options.inputs, diagnostics);
  if (files.empty()) {
    diagnostics.error("", 0, 0, "no input extracts to check");
    return fail(kExitError);
  }

  const fs::path ndjson_path = stage->dir() / "findings.ndjson";
  std::ofstream ndjson(ndjson_path, std::ios::binary);
  if (!ndjson) {
    diagnostics.error(ndjson_path.string(), 0, 0, "cannot write");
    return fail(kExitError);
  }

  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  ThreadPool pool(std::max(1u, threads));
  Progress progress(options.progress, files.size());
  std::set<std::pair<std::string, int>> missing;

  auto drain = [&](BatchResult r) {
    m.episodes += r.episodes_checked;
    for (auto& [unit, v] : r.unit_episodes) {
      auto& uc = m.per_unit[unit];
      uc.unit = unit;
      if (uc.unit_name.empty()) uc.unit_name = v.first;
      uc.episodes += v.second;
    }
    missing.insert(r.missing.begin(), r.missing.end());
    ndjson << r.ndjson;
  };

  for (uint32_t file_id = 0; file_id < files.size() && !stop_requested(); ++file_id) {
    const std::string& path = files[file_id];
    ManifestInput input;
    input.path = path;
    std::error_code ec;
    input.size = fs::file_size(path, ec);
    progress.start_file(path, input.size);
    auto reader = EpisodeReader::open(path, file_id, diagnostics);
    if (!reader) {
      diagnostics.error(path, 0, 0, reader.status().message());
      input.complete = false;
      outcome.incomplete_inputs.push_back(path);
      m.inputs.push_back(std::move(input));
      continue;
    }
    // The file's SHA-256 (for run.json) on a worker, beside the reading: the workers have time
    // to spare, the reading thread has none.
    auto hash = pool.submit([path] { return sha256_file(path); });
    // Two stages in flight, each bounded: chunk batches being converted, episode batches being
    // evaluated. Both are taken back in the order they were submitted.
    std::deque<std::pair<std::future<std::vector<ConvertedChunk>>, size_t>> converting;
    size_t converting_bytes = 0;
    std::deque<std::future<BatchResult>> inflight;
    const size_t max_inflight = 2 * pool.size() + 1;
    auto evaluate = [&](std::vector<ConvertedChunk> converted) {
      auto batch = std::make_shared<std::vector<Episode>>();
      for (auto& c : converted) (*reader)->accept(std::move(c), *batch);
      if (batch->empty()) return;
      inflight.push_back(pool.submit([batch, &options, &tables, &units, &rules] {
        return process_batch(*batch, options, *tables, units, *rules);
      }));
      while (inflight.size() >= max_inflight) {
        drain(inflight.front().get());
        inflight.pop_front();
      }
    };
    for (;;) {
      if (stop_requested()) break;
      std::vector<RawChunk> chunks;
      if (!(*reader)->next_chunks(chunks, kBatchBytes)) break;
      size_t bytes = 0;
      for (const auto& c : chunks) bytes += c.text.size();
      converting_bytes += bytes;
      auto converted = pool.submit([chunks = std::move(chunks)]() mutable {
        std::vector<ConvertedChunk> out;
        out.reserve(chunks.size());
        for (auto& c : chunks) out.push_back(convert_chunk(std::move(c)));
        return out;
      });
      converting.emplace_back(std::move(converted), bytes);
      // Take back what is ready without waiting; wait only when too much is in flight.
      while (!converting.empty() &&
             (converting.size() >= max_inflight || converting_bytes > kMaxConvertingBytes ||
              converting.front().first.wait_for(std::chrono::seconds(0)) ==
                  std::future_status::ready)) {
        converting_bytes -= converting.front().second;
        evaluate(converting.front().first.get());
        converting.pop_front();
      }
      progress.update((*reader)->file_bytes_read(), (*reader)->episodes_read());
    }
    while (!converting.empty()) {
      evaluate(converting.front().first.get());
      converting.pop_front();
    }
    while (!inflight.empty()) {
      drain(inflight.front().get());
      inflight.pop_front();
    }
    input.episodes = (*reader)->episodes_read();
    input.complete = (*reader)->complete() && !stop_requested();
    if (!input.complete) outcome.incomplete_inputs.push_back(path);
    if (auto digest = hash.get()) input.sha256 = *digest;
    m.inputs.push_back(std::move(input));
    progress.finish_file();
  }
  progress.done();
  ndjson.close();
  if (!ndjson) {
    diagnostics.error(ndjson_path.string(), 0, 0, "write failed (disk full?)");
    return fail(kExitError);
  }
  if (stop_requested()) return fail(kExitInterrupted);

  for (const auto& [system, year] : missing) {
    m.missing_tables.push_back(system + " " + std::to_string(year));
    diagnostics.warning(m.tables_dir, 0, 0,
                        "no " + system + " table for " + std::to_string(year) +
                            " is loaded: codes of that year were NOT checked against a table");
  }

  // Nightly operation: waivers and run history rewrite the findings with their status.
  uint64_t new_errors = 0;
  const PreviousRun* previous = nullptr;
  PreviousRun previous_with_resolved;
  if (nightly->active()) {
    if (Status s =
            nightly->annotate(ndjson_path.string(), stage->dir().string(), m.started, diagnostics);
        !s) {
      diagnostics.error("", 0, 0, s.message());
      return fail(kExitError);
    }
    new_errors = nightly->new_errors();
    if (const RunSummary* summary = nightly->summary(); summary != nullptr && summary->previous) {
      // The previous run's figures, with how many of its findings this run no longer has.
      previous_with_resolved = *summary->previous;
      previous_with_resolved.total.resolved = summary->total.resolved;
      for (const auto& [unit, c] : summary->per_unit) {
        previous_with_resolved.per_unit[unit].resolved = c.resolved;
      }
      for (const auto& [rule, c] : summary->per_rule) {
        previous_with_resolved.per_rule[rule].resolved = c.resolved;
      }
      previous = &previous_with_resolved;
    }
  }
  // With a history, the unit pages show the trend over the last runs and what was resolved.
  std::optional<ReportTrend> trend;
  if (const RunSummary* summary = nightly->summary(); summary != nullptr && nightly->history()) {
    auto t = load_report_trend(*nightly->history(), *summary);
    if (!t) {
      diagnostics.error("", 0, 0, t.status().message());
      return fail(kExitError);
    }
    trend = std::move(*t);
  }

  // findings.ndjson is read once more; every later pass replays a binary copy of it.
  const fs::path spill_path = stage->dir() / ".findings.spill";
  auto spilled = spill_findings(spill_path.string(), ndjson_source(ndjson_path.string()));
  if (!spilled) {
    diagnostics.error("", 0, 0, spilled.status().message());
    return fail(kExitError);
  }
  const FindingSource& source = *spilled;
  tally_findings(m, source);
  m.finished = now_local_iso();

  ReportOptions report_options;
  report_options.previous = previous;
  report_options.fail_on = options.fail_on;
  if (trend) report_options.trend = &*trend;
  if (!units.empty()) {
    report_options.avdeling_name = [&units](const std::string& avdeling) {
      const UnitEntry* e = units.find(avdeling);
      return e != nullptr ? e->navn : std::string();
    };
  }
  if (Status s = write_reports(stage->dir().string(), m, source, options.formats, report_options);
      !s) {
    diagnostics.error("", 0, 0, s.message());
    return fail(kExitError);
  }
  if (Status s = write_run_json((stage->dir() / "run.json").string(), m); !s) {
    diagnostics.error("", 0, 0, s.message());
    return fail(kExitError);
  }
  if (Status s = write_summary_json((stage->dir() / "summary.json").string(), m, source, previous);
      !s) {
    diagnostics.error("", 0, 0, s.message());
    return fail(kExitError);
  }
  std::error_code ec;
  fs::remove(spill_path, ec);
  if (Status s = stage->commit(); !s) {
    diagnostics.error("", 0, 0, s.message());
    return fail(kExitError);
  }
  outcome.reports_written = true;
  spdlog::info("reports written: {} episodes, {} findings", m.episodes, m.findings);

  // A run that could not check everything must not become the next night's baseline.
  const bool complete = !diagnostics.has_errors() && outcome.incomplete_inputs.empty();
  if (nightly->active()) {
    if (Status s = nightly->finish(m, complete); !s) {
      diagnostics.error("", 0, 0, "run history: " + s.message());
      return fail(kExitError);
    }
  }

  // Exit code: input errors first, then findings at or above --fail-on, then thresholds.
  if (!complete) return fail(kExitError);
  uint64_t failing = 0;
  for (const auto& [sev, n] : m.per_severity) {
    Severity s{};
    if (parse_severity(sev, s) && s >= options.fail_on) failing += n;
  }
  bool threshold_hit = false;
  if (options.max_error_rate && m.episodes > 0) {
    uint64_t with_error = 0;
    for (const auto& [unit, uc] : m.per_unit) with_error += uc.episodes_with_error;
    double rate = static_cast<double>(with_error) / static_cast<double>(m.episodes);
    if (rate > *options.max_error_rate) {
      threshold_hit = true;
      diagnostics.warning("", 0, 0,
                          "error rate " + std::to_string(rate) + " exceeds --max-error-rate " +
                              std::to_string(*options.max_error_rate));
    }
  }
  if (options.max_new_errors && new_errors > *options.max_new_errors) {
    threshold_hit = true;
    diagnostics.warning("", 0, 0,
                        std::to_string(new_errors) + " new errors exceed --max-new-errors " +
                            std::to_string(*options.max_new_errors));
  }
  outcome.exit_code = (failing > 0 || threshold_hit) ? kExitFindings : kExitOk;
  return outcome;
}

}  // namespace nprcheck
