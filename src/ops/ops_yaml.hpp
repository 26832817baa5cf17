#pragma once
// Private helpers of the ops module for YAML files (config, waivers): reading the file, source
// positions and diagnostics with the offending line, scalar conversions, "did you mean".

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/date.hpp"
#include "nprcheck/diagnostic.hpp"

namespace nprcheck::ops_detail {

/// A YAML file being read: its path as the user gave it and its text.
class YamlSource {
 public:
  YamlSource(std::string display, std::string text)
      : display_(std::move(display)), text_(std::move(text)) {}
  [[nodiscard]] const std::string& display() const { return display_; }
  [[nodiscard]] const std::string& text() const { return text_; }

  /// An error at a node (or the whole file when the node has no position).
  void error(Diagnostics& d, const YAML::Node& at, const std::string& message) const;
  void warning(Diagnostics& d, const YAML::Node& at, const std::string& message) const;
  /// An error at a YAML mark (0-based line and column).
  void error_at(Diagnostics& d, const YAML::Mark& at, const std::string& message) const;

 private:
  std::string display_;
  std::string text_;
};

/// Reads a whole regular file of at most kMaxSmallFileBytes (a UTF-8 BOM is dropped); nullopt
/// (and an error naming the file) when it cannot be read, is not a regular file or not UTF-8.
std::optional<std::string> read_text_file(const std::string& path, Diagnostics& d);

/// Parses `src`'s text; an undefined node (and an error at the parser's position) on a syntax
/// error or a second document. An empty document parses as a null node.
std::optional<YAML::Node> parse_yaml(const YamlSource& src, Diagnostics& d);

/// The closest candidate to `word` by edit distance, or empty when none is close.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);
/// "; did you mean 'x'?" or empty.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// Checks a map's keys: every key a known one, none twice. Reports each problem; false if any.
bool check_keys(const YamlSource& src, const YAML::Node& map, const std::vector<std::string>& known,
                const std::string& where, Diagnostics& d);

/// A short description of a node for type errors: "a list", "a map", "empty", 'value' (clipped).
std::string node_kind(const YAML::Node& n);

/// The scalar as text; error "KEY must be a string" when it is not a scalar.
std::optional<std::string> get_string(const YamlSource& src, const YAML::Node& n,
                                      const std::string& key, Diagnostics& d);
/// A non-negative integer (decimal digits only); error otherwise.
std::optional<uint64_t> get_uint(const YamlSource& src, const YAML::Node& n, const std::string& key,
                                 uint64_t max, Diagnostics& d);
/// A number (decimal, e.g. 0.05); error otherwise.
std::optional<double> get_double(const YamlSource& src, const YAML::Node& n, const std::string& key,
                                 Diagnostics& d);
/// true/false (also yes/no, on/off); error otherwise.
std::optional<bool> get_bool(const YamlSource& src, const YAML::Node& n, const std::string& key,
                             Diagnostics& d);
/// A date YYYY-MM-DD; error otherwise.
std::optional<DateTime> get_date(const YamlSource& src, const YAML::Node& n, const std::string& key,
                                 Diagnostics& d);

}  // namespace nprcheck::ops_detail
