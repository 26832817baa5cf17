#pragma once
/// Private: one rule file parsed and checked (everything but the expressions, which
/// rule_set.cpp compiles through the expression language).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nprcheck/rules.hpp"
#include "rule_yaml.hpp"

namespace nprcheck::rules_detail {

/// A `let:` entry: its name, where the name stands, and its expression.
struct LetSpec {
  std::string name;
  TextPos name_pos;
  MappedText expr;
};

struct RuleSpec;

/// A rule file after YAML parsing and field checks.
struct RuleSpec {
  std::shared_ptr<const SourceFile> source;
  RuleInfo info;
  TextPos id_pos;  ///< where the id value stands (for duplicate-id errors)
  MappedText where;
  std::vector<LetSpec> lets;
  MappedText assert_expr;
  MappedText codes;
  MappedText message;
  /// One full spec per `versions:` entry (the rule's fields with the entry's replacements),
  /// in the order of info.versions.
  std::vector<RuleSpec> versions;
};

/// Parses and checks one rule file (`display` is its path as shown in diagnostics). Returns
/// nullopt if any error was reported.
std::optional<RuleSpec> parse_rule_file(const std::filesystem::path& path, std::string display,
                                        Diagnostics& diagnostics);

}  // namespace nprcheck::rules_detail

namespace nprcheck::rules_detail {

/// Builds an Episode (not yet prepared) from the compact test form; nullptr after an error.
/// `radiologi` is set from the `radiologi:` key.
std::shared_ptr<const Episode> build_compact_episode(const SourceFile& file, const YAML::Node& node,
                                                     Diagnostics& diagnostics, bool& radiologi);

/// Every `*.yaml` file below `dir` (not in its top-level `data/` folder), sorted by path; an
/// unreadable folder is an error naming `what` ("rule", "indicator").
std::vector<std::filesystem::path> yaml_files_under(const std::filesystem::path& dir,
                                                    const char* what, Diagnostics& diagnostics);

/// Checks that the keys of a YAML map are among `known`; reports the others with "did you mean".
/// Returns false if there was an unknown key or the node is not a map.
bool check_keys(const SourceFile& file, const YAML::Node& map,
                const std::vector<std::string>& known, const char* what, Diagnostics& diagnostics);

}  // namespace nprcheck::rules_detail
