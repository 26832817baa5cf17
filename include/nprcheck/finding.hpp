#pragma once
/// Finding: one rule firing on one object of one episode, as written to every report.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/model.hpp"

namespace nprcheck {

/// Severity of a rule (and its findings), ordered: info < warning < error.
enum class Severity : uint8_t { kInfo = 0, kWarning = 1, kError = 2 };

/// `info`, `warning`, `error`.
const char* severity_name(Severity s);
/// Parses `info`, `warning`, `error`; false if unknown.
bool parse_severity(std::string_view text, Severity& out);

/// A code named by a finding, with the code-table year used and its text there.
struct FindingCode {
  std::string verdi;
  KodeSystem system = KodeSystem::kOther;
  int table_year = 0;  ///< year of the table the code was checked against; 0 if none
  std::string tekst;   ///< text from that table (or the latest table that has it)
};

/// One finding. Everything a report needs is copied in: findings outlive their episodes.
struct Finding {
  std::string rule_id;
  int rule_version = 1;
  Severity severity = Severity::kError;
  bool isf = false;     ///< the rule is ISF-relevant (the finding can change the DRG grouping)
  std::string message;  ///< rendered, Norwegian

  std::string file;   ///< input file
  uint32_t line = 0;  ///< line of the object the rule fired on
  std::string episode_id;
  std::string pasient_nr;
  std::string avdeling;  ///< reshID of the avdeling
  std::string unit;      ///< reshID of the level-2 unit (= avdeling without catalogue)
  std::string unit_name;
  std::string dato;  ///< episode date (innDatoTid), YYYY-MM-DD
  std::vector<FindingCode> codes;

  // Filled by the history and waivers step of a nightly run (ops); defaults otherwise.
  enum class Novelty : uint8_t { kUnknown, kNew, kPersisting };
  Novelty novelty = Novelty::kUnknown;  ///< compared with the previous run of the same scope
  std::string first_seen;               ///< date (YYYY-MM-DD) of the first run that had it
  int nights = 0;                       ///< how many runs have had it, this one included
  bool waived = false;                  ///< accepted in the waivers file: not an error
  std::string waiver_reason;

  // Stable order: (file_id, episode sequence, rule_id, object_index).
  uint32_t file_id = 0;
  uint64_t episode_sequence = 0;
  uint32_t object_index = 0;  ///< which object of the rule's scope in the episode
};

/// Strict weak order for the stable output order: file, episode, rule, object.
bool finding_less(const Finding& a, const Finding& b);

/// A finding's identity across runs: rule id + rule version + episodeID + codes (hex string).
std::string fingerprint(const Finding& f);

}  // namespace nprcheck
