// The one table of sub-commands (like ninja's tool table).
#include "commands.hpp"

#include <array>

namespace nprcheck::cli {

namespace {
constexpr std::array kCommands = {
    Command{"check", "check NPR-melding extracts against the code tables and rules; write reports",
            run_check},
    Command{"explain", "show one episode as read and what every rule decided about it",
            run_explain},
    Command{"tables", "list the loaded code tables, or look up a code in them", run_tables},
    Command{"rules", "list, lint, test, document and diff rule sets", run_rules},
    Command{"history", "query and prune the run history database", run_history},
    Command{"indicators", "coding-quality indicators per unit and month, with control limits",
            run_indicators},
    Command{"config", "validate a configuration file", run_config},
};
}  // namespace

std::span<const Command> commands() { return kCommands; }

}  // namespace nprcheck::cli
