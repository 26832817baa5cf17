#pragma once
/// Helpers shared by the sub-commands: printing diagnostics, parsing common option values.

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/date.hpp"
#include "nprcheck/diagnostic.hpp"

namespace nprcheck::cli {

/// Prints every diagnostic to stderr, compiler style; returns how many were errors.
size_t print_diagnostics(const Diagnostics& diagnostics);

/// Parses `args` with `visible` options (and `positional`); prints a usage error and returns
/// false on failure.
bool parse_args(const std::vector<std::string>& args,
                const boost::program_options::options_description& options,
                const boost::program_options::positional_options_description* positional,
                boost::program_options::variables_map& vm, const char* command);

/// " (did you mean 'X'?)" with the known name closest to `word`, or "" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& known);

/// Parses a YYYY-MM-DD option value; prints an error naming `option` when malformed.
std::optional<DateTime> parse_date_option(const std::string& value, const char* option, bool& ok);

}  // namespace nprcheck::cli
