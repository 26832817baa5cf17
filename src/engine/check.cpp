// The check pipeline: read episodes -> load tables -> compile rules -> evaluate -> collect
// findings -> write reports.
//
// The evaluate stage (prepare, rules, indicators, findings per batch) is batch.cpp; which files
// are read, input_files.cpp.
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
#include <optional>
#include <set>
#include <string_view>
#include <thread>
#include <vector>

#include "batch.hpp"
#include "file_identity.hpp"
#include "indicator_stage.hpp"
#include "nprcheck/code_tables.hpp"
#include "nprcheck/config.hpp"
#include "nprcheck/date.hpp"
#include "nprcheck/default_paths.hpp"
#include "nprcheck/episode_reader.hpp"
#include "nprcheck/exit_codes.hpp"
#include "nprcheck/expr.hpp"
#include "nprcheck/fault_point.hpp"
#include "nprcheck/file_input.hpp"
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

/// Gaps in the units catalogue, on stderr, in the log and in the manifest (summary.json and the
/// HTML index show them): avdelinger it lacks, or no catalogue while rules need one. Warnings,
/// or errors (exit 2) with --unknown-units error.
void report_units_gaps(const CheckOptions& o, const RuleSet& rules, RunManifest& m,
                       Diagnostics& diagnostics) {
  auto say = [&](const std::string& file, const std::string& text) {
    if (o.unknown_units_error) {
      spdlog::error("{}", text);
      diagnostics.error(file, 0, 0, text);
    } else {
      spdlog::warn("{}", text);
      diagnostics.warning(file, 0, 0, text);
    }
  };
  if (o.units_file.empty() && m.episodes > 0 && rules.selected_use_field("episode.radiologi")) {
    m.units_catalogue_missing = true;
    say("",
        "no units catalogue (--units): rules that exempt radiology units ran as if no unit "
        "were radiology");
  }
  for (const auto& [resh, n] : m.unknown_units) {
    say(o.units_file, "avdeling reshID " + resh + " is not in the units catalogue: " +
                          std::to_string(n) + " episode(s) counted as a unit of their own");
  }
}

}  // namespace

void request_stop() { g_stop.store(true, std::memory_order_relaxed); }
bool stop_requested() { return g_stop.load(std::memory_order_relaxed); }

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
  auto indicators = load_run_indicators(options, diagnostics);
  if (!indicators) return fail(kExitError);
  const IndicatorSet* indicator_set = indicators->get();
  IndicatorTally run_indicators(indicator_set != nullptr ? indicator_set->size() : 0);

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
  if (Status s = claim_report_folder(options.out_dir); !s) {
    diagnostics.error("", 0, 0, s.message());
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

  // Under the history lock: finish or undo what a killed run left in OUT.
  if (Status s = recover_report_sets(
          options.out_dir,
          [&](const std::string& set) { return nightly->report_set_committed(set); });
      !s) {
    diagnostics.error("", 0, 0, s.message());
    return fail(kExitError);
  }
  m.report_set = new_report_set_name();
  auto stage = OutputStage::create(options.out_dir, m.report_set);
  if (!stage) {
    diagnostics.error("", 0, 0, stage.status().message());
    return fail(kExitError);
  }

  std::vector<std::string> files =
      expand_inputs(options.inputs, diagnostics, options.follow_symlinks);
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
  // The same findings as binary records for the report passes (no parse of findings.ndjson).
  const fs::path spill_path = stage->dir() / ".findings.spill";
  std::ofstream spill(spill_path, std::ios::binary);
  if (!spill) {
    diagnostics.error(spill_path.string(), 0, 0, "cannot write");
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
    run_indicators.merge(r.indicators);
    for (const auto& [resh, n] : r.unknown_units) m.unknown_units[resh] += n;
    ndjson << r.ndjson;
    spill << r.spill;
  };

  for (uint32_t file_id = 0; file_id < files.size() && !stop_requested(); ++file_id) {
    const std::string& path = files[file_id];
    ManifestInput input;
    input.path = path;
    std::error_code ec;
    input.size = fs::file_size(path, ec);
    const FileIdentity before = file_identity(path);
    progress.start_file(path, input.size);
    auto reader = EpisodeReader::open(path, file_id, diagnostics);
    if (!reader) {
      diagnostics.error(path, 0, 0, reader.status().message());
      input.complete = false;
      outcome.incomplete_inputs.push_back(path);
      m.inputs.push_back(std::move(input));
      continue;
    }
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
      inflight.push_back(pool.submit([batch, &options, &tables, &units, &rules, indicator_set] {
        return process_batch(*batch, options, *tables, units, *rules, indicator_set);
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
    if (auto melding = (*reader)->melding()) {
      input.melding_versjon = melding->versjon;
      input.melding_namespace = melding->namespace_uri;
    }
    input.complete = (*reader)->complete() && !stop_requested();
    // The file's SHA-256 (for run.json), hashed by the reader as it read the bytes on disk; a
    // file not read to its end is hashed on its own.
    if (std::string digest = (*reader)->file_sha256(); !digest.empty()) {
      input.sha256 = std::move(digest);
    } else if (auto digest = sha256_file(path)) {
      input.sha256 = *digest;
    }
    // The findings and the hash must be of one version of the file.
    if (before.regular && !(file_identity(path) == before)) {
      diagnostics.error(path, 0, 0,
                        "file changed during the check: it was written to while it was read; "
                        "check it again once it is complete");
      input.complete = false;
      input.sha256.clear();
    }
    if (!input.complete) outcome.incomplete_inputs.push_back(path);
    m.inputs.push_back(std::move(input));
    progress.finish_file();
  }
  progress.done();
  ndjson.close();
  spill.close();
  if (!ndjson || !spill) {
    diagnostics.error((ndjson ? spill_path : ndjson_path).string(), 0, 0,
                      "write failed (disk full?)");
    return fail(kExitError);
  }
  if (stop_requested()) return fail(kExitInterrupted);
  if (m.episodes == 0 && !options.allow_empty && !diagnostics.has_errors() &&
      outcome.incomplete_inputs.empty()) {
    uint64_t read = 0;
    for (const auto& in : m.inputs) read += in.episodes;
    diagnostics.error("", 0, 0,
                      (read == 0 ? std::string("the inputs hold no episode")
                                 : "no episode of the " + std::to_string(read) +
                                       " read matches the filters (" + m.filters + ")") +
                          ": nothing was checked (give --allow-empty if that is expected)");
    return fail(kExitNothingChecked);
  }

  for (const auto& [system, year] : missing) {
    m.missing_tables.push_back(system + " " + std::to_string(year));
    diagnostics.warning(m.tables_dir, 0, 0,
                        "no " + system + " table for " + std::to_string(year) +
                            " is loaded: codes of that year were NOT checked against a table");
  }

  report_units_gaps(options, *rules, m, diagnostics);

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

  // Every later pass replays the binary copy of findings.ndjson; only when the nightly step
  // rewrote findings.ndjson is it read back into a new copy.
  auto spilled = nightly->active()
                     ? spill_findings(spill_path.string(), ndjson_source(ndjson_path.string()))
                     : Result<FindingSource>(spill_file_source(spill_path.string()));
  if (!spilled) {
    diagnostics.error("", 0, 0, spilled.status().message());
    return fail(kExitError);
  }
  const FindingSource& source = *spilled;
  tally_findings(m, source);
  m.finished = now_local_iso();

  // Indicators: this run's counts, charted with the stored months of the history.
  IndicatorCoverage indicator_coverage;
  std::optional<IndicatorReport> indicator_report;
  if (indicator_set != nullptr) {
    indicator_coverage.rows = run_indicators.rows(indicator_set->infos());
    std::set<std::string> run_units;
    for (const auto& [unit, uc] : m.per_unit) run_units.insert(unit);
    auto built = run_indicator_report(options, *indicator_set, indicator_coverage, run_units);
    if (!built) {
      diagnostics.error("", 0, 0, "indicators: " + built.status().message());
      return fail(kExitError);
    }
    indicator_report = std::move(*built);
  }
  const IndicatorReport* indicator_charts = indicator_report ? &*indicator_report : nullptr;

  ReportOptions report_options;
  report_options.previous = previous;
  report_options.indicators = indicator_charts;
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
  if (Status s = write_summary_json((stage->dir() / "summary.json").string(), m, source, previous,
                                    indicator_charts);
      !s) {
    diagnostics.error("", 0, 0, s.message());
    return fail(kExitError);
  }
  std::error_code ec;
  fs::remove(spill_path, ec);

  // The commit: seal the set (fsync, rename), record the history (the commit point), publish
  // the set (one symlink rename). A crash before the history commit leaves the previous reports
  // and history; after it, the next run publishes the sealed set (recover_report_sets).
  fault_point("reports-written");
  if (stop_requested()) return fail(kExitInterrupted);
  if (Status s = stage->seal(); !s) {
    diagnostics.error("", 0, 0, s.message());
    return fail(kExitError);
  }
  fault_point("sealed");
  if (stop_requested()) return fail(kExitInterrupted);
  // A run that could not check everything must not become the next night's baseline.
  const bool complete = !diagnostics.has_errors() && outcome.incomplete_inputs.empty();
  if (nightly->active()) {
    const int64_t run_id = nightly->summary() != nullptr ? nightly->summary()->run_id : 0;
    if (Status s = nightly->finish(m, complete); !s) {
      diagnostics.error("", 0, 0, "run history: " + s.message());
      return fail(kExitError);
    }
    if (complete && run_id != 0 && indicator_set != nullptr) {
      if (Status s = store_run_indicators(options, run_id, indicator_coverage); !s) {
        diagnostics.error("", 0, 0, "run history: indicators: " + s.message());
        return fail(kExitError);
      }
    }
  }
  fault_point("history-committed");
  if (Status s = stage->publish(); !s) {
    diagnostics.error("", 0, 0, s.message());
    if (complete && nightly->active()) {
      stage->release();  // recorded: the next run publishes it
      diagnostics.error("", 0, 0,
                        "the run is recorded in the history; its reports are in " +
                            stage->dir().string() + " and the next run publishes them");
    }
    return fail(kExitError);
  }
  fault_point("published");
  nightly->release();
  outcome.reports_written = true;
  spdlog::info("reports written: {} episodes, {} findings", m.episodes, m.findings);

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
