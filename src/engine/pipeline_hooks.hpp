#pragma once
// The nightly-operation step between evaluation and reports (private to the engine):
// waivers and run history rewrite findings.ndjson with each finding's status.

#include <cstdint>
#include <filesystem>

#include "nprcheck/check.hpp"
#include "nprcheck/diagnostic.hpp"
#include "nprcheck/manifest.hpp"

namespace nprcheck {

/// What the nightly step decided.
struct HookResult {
  int exit_code = 0;             ///< kExitError when history or waivers could not be used
  uint64_t new_errors = 0;       ///< new error-severity findings since the previous run
  bool history_recorded = false;
};

/// Applies waivers and records the run in the history database, if the options ask for them.
HookResult run_post_check_hooks(const CheckOptions& options, RunManifest& manifest,
                                const std::filesystem::path& stage_dir, Diagnostics& diagnostics);

}  // namespace nprcheck
