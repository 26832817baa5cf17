#pragma once
/// Private: one rule's expressions (where, let, assert, codes, message) compiled through the
/// expression language (expr.hpp), and run on one object of an episode.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nprcheck/rule_data.hpp"
#include "nprcheck/rules.hpp"
#include "rule_file.hpp"

namespace nprcheck::rules_detail {

/// The object a rule looks at: which pointers are set depends on the rule's scope.
struct ScopeObject {
  const Tilstand* tilstand = nullptr;
  const Tiltak* tiltak = nullptr;  ///< scope tiltak, and the enclosing Tiltak of a prosedyre
  const Prosedyre* prosedyre = nullptr;
  const Kode* kode = nullptr;
};

/// What a rule decided about one object.
struct ObjectOutcome {
  bool applies = false;            ///< `where` held (or there is none)
  bool holds = true;               ///< `assert` held
  std::string message;             ///< rendered when !holds
  std::vector<const Kode*> codes;  ///< the codes named by the finding when !holds
  std::string trace;               ///< for explain: `name=value` of the let values, when asked for
};

/// Reports a compile error at byte `offset` of the expression `text`.
using CompileErrorFn =
    std::function<void(const MappedText& text, size_t offset, std::string message)>;

/// The compiled expressions of one rule (immutable after compile(): safe to share by threads).
class RuleProgram {
 public:
  virtual ~RuleProgram() = default;
  /// Compiles the expressions of `spec`; every error goes to `on_error`. nullptr on error.
  static std::unique_ptr<RuleProgram> compile(const RuleSpec& spec, const RuleData& data,
                                              const CompileErrorFn& on_error);
  /// Runs the rule on one object of a prepared episode into `out` (reset first: one outcome
  /// may be reused for every object, keeping its buffers).
  virtual void run(const Episode& episode, const ScopeObject& object, const EvalContext& ctx,
                   bool want_trace, ObjectOutcome& out) const = 0;
  /// True if one of the rule's expressions reads the field `owner.name`.
  [[nodiscard]] virtual bool uses_field(std::string_view qualified) const = 0;
};

}  // namespace nprcheck::rules_detail
