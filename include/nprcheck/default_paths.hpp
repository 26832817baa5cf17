#pragma once
/// Where the bundled rules and code tables are: the source tree for a build-tree binary,
/// `<prefix>/share/nprcheck` after `cmake --install`. Environment variables override.

#include <string>

namespace nprcheck {

/// NPRCHECK_RULES, else <exe>/../share/nprcheck/rules if present, else the source tree's rules/.
std::string default_rules_dir();
/// NPRCHECK_INDICATORS, else <exe>/../share/nprcheck/indicators if present, else indicators/.
std::string default_indicators_dir();
/// NPRCHECK_TABLES, else <exe>/../share/nprcheck/tables if present, else testdata/tables.
std::string default_tables_dir();

}  // namespace nprcheck
