#pragma once
/// The expression language of rule files: compiled once (parsed, name-resolved, type-checked
/// against a scope and the rule data), then evaluated many times without name look-ups.
///
/// Typical use (one rule):
///   expr::Environment env(expr::Scope::kProsedyre, &rule_data);
///   auto where = expr::compile(text, env, expr::Expect::kBool, "where");
///   if (!where) report(where.error->offset, where.error->message);
///   auto ncrp = expr::compile(let_text, env, expr::Expect::kAny, "let");
///   env.declare_let("ncrp", ncrp.expr);       // later expressions may say `ncrp`
///   auto msg = expr::compile_template(message_text, env);
///   ...
///   expr::Frame frame(episode, ctx.tables);     // per evaluation (or reuse with bind())
///   frame.bind({.tiltak = &t, .prosedyre = &p});
///   if (where.expr.eval_bool(frame) && !assert_.expr.eval_bool(frame))
///     message = msg.expr.render(frame);
///
/// Compiled expressions are immutable and may be shared by threads; all mutable state of an
/// evaluation lives in the Frame (one per thread). The language reference is
/// docs/rule-language.md.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/model.hpp"

namespace nprcheck {

class CodeTables;
class RuleData;

namespace expr {

/// What a rule iterates over: decides which variables exist (`scope:` of a rule file).
enum class Scope : uint8_t { kEpisode, kTilstand, kTiltak, kProsedyre, kKode };

/// `episode`, `tilstand`, `tiltak`, `prosedyre`, `kode`.
const char* scope_name(Scope s);
/// Parses a scope name; false if unknown.
bool parse_scope(std::string_view text, Scope& out);

/// The kind of a value. kList values have an element kind (Type::elem).
enum class Kind : uint8_t {
  kBool,
  kInt,
  kString,
  kDate,
  kKode,
  kTilstand,
  kTiltak,
  kProsedyre,
  kRefEnhet,
  kEpisode,
  kPasient,
  kList,
  kAny,  ///< only as the element of the empty list literal `[]`
};

/// A static type: a kind, and for lists the element kind.
struct Type {
  Kind kind = Kind::kBool;
  Kind elem = Kind::kAny;  ///< element kind when kind == kList
  friend bool operator==(const Type&, const Type&) = default;
};

/// `bool`, `int`, `string`, `date`, `kode`, ..., `list<kode>`.
std::string type_name(Type t);

/// A runtime value. Strings are views into the model, the code tables, the compiled expression
/// or the Frame's scratch space; lists live in the Frame. Valid until the Frame is re-bound.
struct Value {
  Kind kind = Kind::kBool;
  bool null = false;  ///< an absent optional value (see "null" in docs/rule-language.md)
  Kind elem = Kind::kAny;
  uint32_t len = 0;  ///< kString: the length of the text at `str`
  union {
    bool b;
    int64_t i;        ///< kInt; kDate: seconds since 1970 (DateTime::seconds)
    const void* ptr;  ///< kKode, kTilstand, kTiltak, kProsedyre, kRefEnhet, kEpisode, kPasient
    struct {
      uint32_t offset;  ///< first element in the Frame's list pool
      uint32_t size;
    } list;
    const char* str;  ///< kString: the text (see s())
  };

  Value() : i(0) {}
  /// kString: the text (empty for any other kind).
  [[nodiscard]] std::string_view s() const {
    return kind == Kind::kString ? std::string_view(str, len) : std::string_view();
  }
  /// Makes the value the text `t` (its kind is the caller's to set).
  void set_string(std::string_view t) {
    str = t.data();
    len = static_cast<uint32_t>(t.size());
  }
};
// 16 bytes and trivially copyable: passed and returned in registers.
static_assert(sizeof(Value) == 16);

/// The objects an evaluation is about; which are set depends on the scope (see bind()).
struct Bindings {
  const Tilstand* tilstand = nullptr;
  const Tiltak* tiltak = nullptr;  ///< scope tiltak, and the enclosing Tiltak of a prosedyre
  const Prosedyre* prosedyre = nullptr;
  const Kode* kode = nullptr;
};

namespace detail {
struct Node;
struct FrameAccess;
}  // namespace detail

/// The mutable state of evaluating one rule on one object: bindings, `let` values (each
/// computed at most once, on first use), comprehension variables and scratch space. Not
/// thread-safe; cheap to re-bind, so keep one per thread and call bind() per object.
class Frame {
 public:
  /// A frame for `episode`; `tables` may be null (code-table built-ins then see no tables).
  Frame(const Episode& episode, const CodeTables* tables);

  /// Binds the scope objects and forgets every `let` value and scratch value.
  void bind(const Bindings& b) {
    bindings_ = b;
    clear_scratch();
  }
  /// Binds another episode (and `bindings`), keeping the allocated scratch space.
  void bind(const Episode& episode, const Bindings& b) {
    episode_ = &episode;
    bind(b);
  }

  [[nodiscard]] const Episode& episode() const { return *episode_; }
  [[nodiscard]] const Bindings& bindings() const { return bindings_; }
  [[nodiscard]] const CodeTables* tables() const { return tables_; }

  /// Elements of a list value (copies: a later evaluation may grow the pool).
  [[nodiscard]] Value list_at(const Value& list, uint32_t index) const;
  /// A value as a message shows it: int decimal, date YYYY-MM-DD, kode its verdi, bool ja/nei,
  /// list comma-separated (`, `), null empty.
  [[nodiscard]] std::string to_text(const Value& v) const;
  /// A value for traces: like to_text, but bool true/false, strings quoted, null as `null`,
  /// lists in brackets.
  [[nodiscard]] std::string to_debug(const Value& v) const;

 private:
  friend struct detail::FrameAccess;
  // Inline: it runs for every rule and object, and most of it is a few stores.
  void clear_scratch() {
    pool_.clear();
    tmp_.clear();
    // Forgetting the let values is a new epoch (on wrap-around, every slot is reset).
    if (++epoch_ == 0) reset_epochs();
    if (!strings_.empty()) strings_.clear();
  }
  void reset_epochs();

  const Episode* episode_;
  const CodeTables* tables_;
  Bindings bindings_;
  std::vector<Value> pool_;          // list elements
  std::vector<Value> tmp_;           // stack of elements of lists being built
  std::vector<Value> vars_;          // comprehension variables, by slot
  std::vector<Value> lets_;          // let values, by slot
  std::vector<uint32_t> let_epoch_;  // the binding (epoch_) a let value was computed in
  uint32_t epoch_ = 1;               // counts bindings: a let is computed iff its epoch matches
  std::deque<std::string> strings_;  // computed strings (concatenation, tostring ...)
};

/// A compiled expression (or message template). Immutable; copies share the compiled code.
class CompiledExpr {
 public:
  CompiledExpr();
  ~CompiledExpr();
  CompiledExpr(const CompiledExpr&);
  CompiledExpr& operator=(const CompiledExpr&);
  CompiledExpr(CompiledExpr&&) noexcept;
  CompiledExpr& operator=(CompiledExpr&&) noexcept;

  /// False for a default-constructed (never compiled) expression.
  [[nodiscard]] bool valid() const { return root_ != nullptr; }
  /// The static type of the result.
  [[nodiscard]] Type type() const;
  /// The source text it was compiled from.
  [[nodiscard]] const std::string& text() const;

  /// Evaluates to a value (lists and strings live in `frame` until it is re-bound).
  Value eval(Frame& frame) const;
  /// Evaluates a bool expression; null counts as false.
  bool eval_bool(Frame& frame) const;
  /// True if the expression reads the field `owner.name` (e.g. "episode.radiologi").
  [[nodiscard]] bool uses_field(std::string_view qualified) const;
  /// Evaluates a list<kode> (or kode) expression and appends the codes to `out` (null: none).
  void eval_codes(Frame& frame, std::vector<const Kode*>& out) const;
  /// Evaluates and converts to text as a message does (Frame::to_text); for templates, the
  /// rendered message.
  std::string render(Frame& frame) const;
  /// Evaluates and says which values decided the result, on one line, e.g.
  /// `prosedyre.hovedkode.system == 'NCSP' -> true; exists(...) -> false`. For `&&`/`||`
  /// chains, every operand evaluated (in order); otherwise the whole expression.
  std::string explain(Frame& frame) const;

 private:
  friend struct detail::FrameAccess;
  friend class Environment;
  std::shared_ptr<const detail::Node> root_;
  std::shared_ptr<const std::string> text_;
};

/// A compile error at byte `offset` (length `length`) of the expression or template text.
struct CompileError {
  uint32_t offset = 0;
  uint32_t length = 0;
  std::string message;  ///< e.g. `unknown field 'prosedyre.kode'; did you mean 'prosedyre.koder'?`
};

/// What a caller needs an expression to produce.
enum class Expect : uint8_t {
  kAny,       ///< any type (`let`)
  kBool,      ///< `where`, `assert`
  kKodeList,  ///< `codes`: list<kode> (a single kode is accepted too)
  kString,    ///< string
};

/// The outcome of compile(): the expression, or the first error.
struct CompileResult {
  CompiledExpr expr;
  std::optional<CompileError> error;
  explicit operator bool() const { return !error.has_value(); }
};

/// What names an expression may use: the scope's variables, the rule data, the earlier `let`s.
class Environment {
 public:
  /// `data` may be null (no sets or mappings: in_set/lookup then fail to compile).
  Environment(Scope scope, const RuleData* data);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  [[nodiscard]] Scope scope() const { return scope_; }
  [[nodiscard]] const RuleData* data() const { return data_; }

  /// Makes `name` usable by expressions compiled later; its value is `expr` evaluated at most
  /// once per Frame binding, on first use. Afterwards `expr` itself also reads and fills that
  /// cached value (so evaluating it for a trace costs nothing extra). Returns false (and does
  /// nothing) if the name is taken: a variable of the scope, a built-in, or an earlier let.
  bool declare_let(const std::string& name, CompiledExpr& expr);
  /// Why declare_let() would refuse `name`, or empty if it is free.
  [[nodiscard]] std::string check_let_name(std::string_view name) const;

  struct Let {
    std::string name;
    std::shared_ptr<const detail::Node> node;  ///< the let node (slot + expression)
    Type type;
  };
  /// The declared lets, in order.
  [[nodiscard]] const std::vector<Let>& lets() const { return lets_; }

 private:
  friend struct detail::FrameAccess;
  Scope scope_;
  const RuleData* data_;
  std::vector<Let> lets_;
  /// Comprehension-variable slots handed out so far: unique within the environment, so a let
  /// evaluated inside a comprehension never clobbers the caller's variables.
  mutable uint32_t var_slots_ = 0;
};

/// Compiles an expression. `what` names it in type errors (`'assert' must be bool, got string`).
CompileResult compile(std::string_view text, const Environment& env, Expect expect,
                      std::string_view what = "expression");

/// Compiles a message template: literal text with `{EXPR}` placeholders (`{{` and `}}` are
/// literal braces). The result has type string; render() it.
CompileResult compile_template(std::string_view text, const Environment& env);

/// One variable, field or built-in function, for documentation and suggestions.
struct NameInfo {
  std::string name;       ///< `prosedyre.hovedkode`, `valid`
  std::string signature;  ///< `kode (nullable)`, `valid(kode[, date]) -> bool`
  std::string doc;        ///< one line
};

/// Every field of every object type, in table order.
std::vector<NameInfo> field_infos();
/// Every built-in function, in table order.
std::vector<NameInfo> builtin_infos();
/// The variables of a scope (`episode`, `pasient`, ...), with their types.
std::vector<NameInfo> scope_variables(Scope s);

}  // namespace expr
}  // namespace nprcheck
