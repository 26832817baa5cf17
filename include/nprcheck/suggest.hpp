#pragma once
/// "Did you mean": the closest known name to a misspelt one (rule files, expressions, config).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nprcheck {

/// Levenshtein distance between two byte strings.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word` by edit distance, if it is near enough to be a likely typo
/// (at most max(2, |word|/3) edits) and not `word` itself; empty otherwise.
std::string closest_name(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace nprcheck
