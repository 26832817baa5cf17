// One rule's expressions compiled through the expression language (expr.hpp), and run per object.
#include "rule_program.hpp"

#include "nprcheck/expr.hpp"

namespace nprcheck::rules_detail {

namespace {

struct LetProgram {
  std::string name;
  expr::CompiledExpr expr;
};

// A Frame per thread, re-bound for every object (keeps its scratch space between objects).
struct ThreadFrame {
  std::unique_ptr<expr::Frame> frame;
  const CodeTables* tables = nullptr;
};

expr::Frame& frame_for(const Episode& episode, const CodeTables* tables, const ScopeObject& o) {
  thread_local ThreadFrame tf;
  expr::Bindings b{o.tilstand, o.tiltak, o.prosedyre, o.kode};
  if (!tf.frame || tf.tables != tables) {
    tf.frame = std::make_unique<expr::Frame>(episode, tables);
    tf.tables = tables;
    tf.frame->bind(b);
  } else {
    tf.frame->bind(episode, b);
  }
  return *tf.frame;
}

class ExprRuleProgram final : public RuleProgram {
 public:
  RuleScope scope = RuleScope::kEpisode;
  std::optional<expr::CompiledExpr> where;
  std::vector<LetProgram> lets;
  expr::CompiledExpr assert_expr;
  std::optional<expr::CompiledExpr> codes;
  expr::CompiledExpr message;

  [[nodiscard]] bool uses_field(std::string_view qualified) const override {
    if (where && where->uses_field(qualified)) return true;
    if (codes && codes->uses_field(qualified)) return true;
    for (const auto& let : lets) {
      if (let.expr.uses_field(qualified)) return true;
    }
    return assert_expr.uses_field(qualified) || message.uses_field(qualified);
  }

  void run(const Episode& episode, const ScopeObject& object, const EvalContext& ctx,
           bool want_trace, ObjectOutcome& out) const override {
    out.applies = false;
    out.holds = true;
    out.message.clear();
    out.codes.clear();
    out.trace.clear();
    expr::Frame& frame = frame_for(episode, ctx.tables, object);
    out.applies = !where || where->eval_bool(frame);
    if (want_trace && where) out.trace = "where: " + where->explain(frame);
    if (!out.applies) return;
    out.holds = assert_expr.eval_bool(frame);
    if (want_trace) {
      for (const auto& let : lets) {
        if (!out.trace.empty()) out.trace += "; ";
        out.trace += let.name + "=" + frame.to_debug(let.expr.eval(frame));
      }
      if (!out.trace.empty()) out.trace += "; ";
      out.trace += "assert: " + assert_expr.explain(frame);
    }
    if (out.holds) return;
    out.message = message.render(frame);
    if (codes) {
      codes->eval_codes(frame, out.codes);
    } else {
      default_codes(object, out.codes);
    }
  }

  // The codes a finding names when the rule has no `codes:`.
  void default_codes(const ScopeObject& o, std::vector<const Kode*>& out) const {
    switch (scope) {
      case RuleScope::kEpisode:
        break;
      case RuleScope::kTilstand:
        for (const auto& k : o.tilstand->koder) out.push_back(&k);
        break;
      case RuleScope::kTiltak:
        for (const auto& p : o.tiltak->prosedyrer) {
          for (const auto& k : p.koder) out.push_back(&k);
        }
        break;
      case RuleScope::kProsedyre:
        for (const auto& k : o.prosedyre->koder) out.push_back(&k);
        break;
      case RuleScope::kKode:
        out.push_back(o.kode);
        break;
    }
  }
};

}  // namespace

std::unique_ptr<RuleProgram> RuleProgram::compile(const RuleSpec& spec, const RuleData& data,
                                                  const CompileErrorFn& on_error) {
  auto program = std::make_unique<ExprRuleProgram>();
  program->scope = spec.info.scope;
  expr::Environment env(static_cast<expr::Scope>(spec.info.scope), &data);
  bool ok = true;
  auto fail = [&](const MappedText& text, const expr::CompileResult& r) {
    on_error(text, r.error->offset, r.error->message);
    ok = false;
  };

  if (spec.where.present) {
    auto r = expr::compile(spec.where.value, env, expr::Expect::kBool, "where");
    if (r) {
      program->where = std::move(r.expr);
    } else {
      fail(spec.where, r);
    }
  }
  bool lets_ok = true;
  for (const auto& let : spec.lets) {
    std::string why = env.check_let_name(let.name);
    if (!why.empty()) {
      MappedText at;
      at.start = let.name_pos;
      on_error(at, 0, why);
      ok = lets_ok = false;
      break;
    }
    auto r = expr::compile(let.expr.value, env, expr::Expect::kAny, "let");
    if (!r) {
      fail(let.expr, r);
      lets_ok = false;
      break;  // later expressions may use this name: do not cascade errors
    }
    env.declare_let(let.name, r.expr);
    program->lets.push_back(LetProgram{let.name, std::move(r.expr)});
  }
  if (!lets_ok) return nullptr;

  if (auto r = expr::compile(spec.assert_expr.value, env, expr::Expect::kBool, "assert")) {
    program->assert_expr = std::move(r.expr);
  } else {
    fail(spec.assert_expr, r);
  }
  if (spec.codes.present) {
    if (auto r = expr::compile(spec.codes.value, env, expr::Expect::kKodeList, "codes")) {
      program->codes = std::move(r.expr);
    } else {
      fail(spec.codes, r);
    }
  }
  if (auto r = expr::compile_template(spec.message.value, env)) {
    program->message = std::move(r.expr);
  } else {
    fail(spec.message, r);
  }
  if (!ok) return nullptr;
  return program;
}

}  // namespace nprcheck::rules_detail
