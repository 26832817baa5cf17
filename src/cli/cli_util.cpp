// Shared sub-command helpers.
#include "cli_util.hpp"

#include <cstdio>

#include "nprcheck/suggest.hpp"

namespace nprcheck::cli {

namespace po = boost::program_options;

size_t print_diagnostics(const Diagnostics& diagnostics) {
  size_t errors = 0;
  for (const auto& d : diagnostics.all()) {
    std::fprintf(stderr, "%s\n", format_diagnostic(d).c_str());
    if (d.level == DiagnosticLevel::kError) ++errors;
  }
  return errors;
}

bool parse_args(const std::vector<std::string>& args, const po::options_description& options,
                const po::positional_options_description* positional, po::variables_map& vm,
                const char* command) {
  try {
    po::command_line_parser parser(args);
    parser.options(options);
    if (positional != nullptr) parser.positional(*positional);
    po::store(parser.run(), vm);
    po::notify(vm);
    return true;
  } catch (const po::unknown_option& e) {
    // "--ruel" -> did you mean '--rule'? Candidates: every long option the command knows.
    std::vector<std::string> known;
    for (const auto& o : options.options()) {
      if (!o->long_name().empty()) known.push_back("--" + o->long_name());
    }
    std::fprintf(stderr, "nprcheck %s: %s%s\nTry 'nprcheck %s --help'.\n", command, e.what(),
                 did_you_mean(e.get_option_name(), known).c_str(), command);
    return false;
  } catch (const po::error& e) {
    std::fprintf(stderr, "nprcheck %s: %s\nTry 'nprcheck %s --help'.\n", command, e.what(),
                 command);
    return false;
  }
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& known) {
  std::string best = closest_name(word, known);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

std::optional<DateTime> parse_date_option(const std::string& value, const char* option, bool& ok) {
  auto d = parse_date_time(value);
  if (!d) {
    std::fprintf(stderr, "nprcheck: %s '%s' is not a date (YYYY-MM-DD)\n", option, value.c_str());
    ok = false;
  }
  return d;
}

}  // namespace nprcheck::cli
