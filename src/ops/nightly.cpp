// The nightly step of a check run: lock, history, waivers, in the order the run needs them.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

#include "nprcheck/history.hpp"
#include "nprcheck/run_lock.hpp"

namespace nprcheck {

namespace fs = std::filesystem;

struct NightlyRun::Impl {
  // Declared in the order they are released in reverse: the run (rollback) before the
  // database, the database before the lock.
  std::optional<RunLock> lock;
  std::optional<HistoryDb> db;
  std::optional<std::vector<Waiver>> waivers;
  std::optional<WaiverMatcher> matcher;
  std::optional<RunRecorder> recorder;
  std::optional<RunSummary> summary;
  WaiverReport waiver_report;
  std::string scope;
};

NightlyRun::NightlyRun(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NightlyRun::NightlyRun(NightlyRun&&) noexcept = default;
NightlyRun& NightlyRun::operator=(NightlyRun&&) noexcept = default;
NightlyRun::~NightlyRun() = default;

Result<NightlyRun> NightlyRun::start(const CheckOptions& options, Diagnostics& diagnostics,
                                     const std::function<bool()>& should_stop) {
  auto impl = std::make_unique<Impl>();
  impl->scope = scope_key(options);
  // The waivers first: a broken waivers file fails at once, without waiting for the lock.
  if (!options.waivers_file.empty()) {
    auto waivers = load_waivers(options.waivers_file, diagnostics);
    if (!waivers) return waivers.status();  // the errors are in diagnostics, with positions
    impl->waivers.emplace(std::move(*waivers));
  }
  if (!options.history_db.empty()) {
    const std::string lock_file = lock_path_for(options.history_db);
    const fs::path folder = fs::path(options.history_db).parent_path();
    std::error_code ec;
    if (!folder.empty()) fs::create_directories(folder, ec);  // the lock file lives there too
    auto now = RunLock::acquire(lock_file, 0);
    if (now) {
      impl->lock.emplace(std::move(*now));
    } else {
      Status failed = now.status();
      if (options.lock_wait_seconds > 0) {
        std::string holder = describe_lock_holder(lock_file);
        spdlog::warn("the history lock {} is held ({}); waiting up to {} s", lock_file,
                     holder.empty() ? std::string("by another run") : holder,
                     options.lock_wait_seconds);
        auto waited = RunLock::acquire(lock_file, options.lock_wait_seconds, should_stop);
        if (waited) {
          impl->lock.emplace(std::move(*waited));
        } else {
          failed = waited.status();
        }
      }
      if (!impl->lock) {
        diagnostics.error(options.history_db, 0, 0, failed.message());
        return failed;
      }
    }
    auto db = HistoryDb::open(options.history_db, /*create=*/true);
    if (!db) {
      diagnostics.error(options.history_db, 0, 0, db.status().message());
      return db.status();
    }
    impl->db.emplace(std::move(*db));
  }
  return NightlyRun(std::move(impl));
}

bool NightlyRun::active() const { return impl_ && (impl_->db || impl_->waivers); }

Status NightlyRun::annotate(const std::string& ndjson, const std::string& stage_dir,
                            const std::string& started, Diagnostics& diagnostics) {
  if (!active()) return Status::ok();
  Impl& r = *impl_;
  auto today = parse_date_time(started.substr(0, 10));
  if (!today) return Status::internal("the run's start time is not a date: " + started);
  if (r.waivers) r.matcher.emplace(*r.waivers, *today);
  if (r.db) {
    auto rec = r.db->begin_run(r.scope, started);
    if (!rec) {
      diagnostics.error(r.db->path(), 0, 0, rec.status().message());
      return rec.status();
    }
    r.recorder.emplace(std::move(*rec));
  }
  auto n = annotate_findings(ndjson_source(ndjson), ndjson, r.matcher ? &*r.matcher : nullptr,
                             r.recorder ? &*r.recorder : nullptr);
  if (!n) {
    diagnostics.error(ndjson, 0, 0, n.status().message());
    return n.status();
  }
  if (r.matcher) {
    r.waiver_report = r.matcher->report();
    report_waiver_outcomes(r.waiver_report, diagnostics);
    const std::string path = (fs::path(stage_dir) / "waivers.json").string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << waiver_report_json(r.waiver_report);
    out.close();
    if (!out) {
      diagnostics.error(path, 0, 0, "cannot write");
      return Status::io_error(path + ": cannot write");
    }
    spdlog::info("waivers: {} finding(s) waived; {} waiver(s) expired, {} matched nothing",
                 r.waiver_report.findings_waived,
                 r.waiver_report.count(WaiverState::kExpiredDate) +
                     r.waiver_report.count(WaiverState::kExpiredRuleVersion) +
                     r.waiver_report.count(WaiverState::kExpiredFingerprint),
                 r.waiver_report.count(WaiverState::kUnmatched));
  }
  if (r.recorder) {
    auto s = r.recorder->summarize();
    if (!s) {
      diagnostics.error(r.db->path(), 0, 0, s.status().message());
      return s.status();
    }
    r.summary = std::move(*s);
    spdlog::info("history: {} new, {} persisting, {} resolved {}", r.summary->total.new_findings,
                 r.summary->total.persisting, r.summary->total.resolved,
                 r.summary->previous_run_id
                     ? "since the run of " + r.summary->previous_started
                     : std::string("(the first run of scope ") + r.scope + ")");
  }
  return Status::ok();
}

const RunSummary* NightlyRun::summary() const {
  return impl_ && impl_->summary ? &*impl_->summary : nullptr;
}

uint64_t NightlyRun::new_errors() const {
  return impl_ && impl_->summary ? impl_->summary->total.new_errors : 0;
}

HistoryDb* NightlyRun::history() { return impl_ && impl_->db ? &*impl_->db : nullptr; }

const WaiverReport& NightlyRun::waiver_report() const {
  static const WaiverReport kEmpty;
  return impl_ ? impl_->waiver_report : kEmpty;
}

Status NightlyRun::finish(const RunManifest& manifest, bool record) {
  if (!impl_) return Status::ok();
  Impl& r = *impl_;
  Status result;
  if (r.recorder) {
    if (record) {
      auto s = r.recorder->commit(manifest);
      if (!s) {
        result = s.status();
      } else {
        spdlog::info("history: run {} recorded in {}", s->run_id, r.db->path());
      }
    } else {
      r.recorder->abandon();
      spdlog::warn("history: this run was not recorded (it did not check everything)");
    }
    r.recorder.reset();
  }
  return result;
}

void NightlyRun::release() {
  if (!impl_) return;
  impl_->recorder.reset();
  impl_->db.reset();
  impl_->lock.reset();
}

bool NightlyRun::report_set_committed(const std::string& set) const {
  if (!impl_ || !impl_->db) return false;
  auto found = impl_->db->has_report_set(set);
  return found && *found;
}

}  // namespace nprcheck
