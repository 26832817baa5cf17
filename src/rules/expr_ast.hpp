#pragma once
/// Private: the expression tree shared by the parser, the checker, the evaluator and the
/// built-in and field tables of the expression language (expr.hpp).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "nprcheck/expr.hpp"
#include "nprcheck/rule_data.hpp"

namespace nprcheck::expr::detail {

/// Deepest expression tree accepted (parser recursion and tree depth): deeper is an error.
inline constexpr uint32_t kMaxDepth = 256;

/// Node kinds. The parser makes the "untyped" ones; the checker rewrites kIdent, kMember and
/// kCall into resolved kinds and fills Node::type.
enum class Op : uint8_t {
  kLiteral,   ///< constant (bool, int, string; date from date('...'))
  kIdent,     ///< name (untyped)
  kMember,    ///< kids[0] . name (untyped)
  kCall,      ///< name(kids...) (untyped)
  kListLit,   ///< [kids...]
  kNot,       ///< !kids[0]
  kNeg,       ///< -kids[0]
  kBinary,    ///< kids[0] bop kids[1]
  kAnd,       ///< kids[0] && kids[1] && ... (n-ary)
  kOr,        ///< kids[0] || kids[1] || ... (n-ary)
  kCond,      ///< kids[0] ? kids[1] : kids[2]
  kIn,        ///< kids[0] in kids[1]
  kTemplate,  ///< message template: kids are the parts (string literals and expressions)
  // Resolved by the checker:
  kScopeVar,  ///< a variable of the scope (ScopeVar in `var`)
  kVar,       ///< a comprehension variable (frame slot `slot`)
  kLet,       ///< a let value (slot `slot`, expression `let_expr`)
  kField,     ///< kids[0].field
  kBuiltin,   ///< fn(kids...)
};

/// Binary operators other than && || in.
enum class BinOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kAdd, kSub };

/// The variables a scope can have.
enum class ScopeVar : uint8_t { kEpisode, kPasient, kTilstand, kTiltak, kProsedyre, kKode };

struct FieldDef;
struct BuiltinDef;

/// Hash for string views (constant string sets of `x in [...]`).
struct ViewHash {
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// One node of a compiled expression.
struct Node {
  Op op = Op::kLiteral;
  Type type;
  uint32_t off = 0;       ///< byte offset of the node's text in the expression
  uint32_t len = 0;       ///< byte length of the node's text
  uint32_t name_off = 0;  ///< kMember: offset of the field name; kCall: of the function name
  uint32_t depth = 1;     ///< height of the subtree (for the depth limit)
  std::string name;       ///< kIdent, kMember, kCall: the name as written
  std::string str;        ///< string literal storage (constant.s() points here)
  std::vector<std::unique_ptr<Node>> kids;
  Value constant;                     ///< kLiteral
  BinOp bop = BinOp::kEq;             ///< kBinary
  ScopeVar var = ScopeVar::kEpisode;  ///< kScopeVar
  uint32_t slot = 0;                  ///< kVar, kLet; comprehension variable of kBuiltin
  bool kode_by_verdi = false;         ///< kIn: a string looked up in a list<kode> by verdi
  bool is_literal_string = false;     ///< kLiteral written as a string literal (for names)
  const FieldDef* field = nullptr;    ///< kField
  const BuiltinDef* fn = nullptr;     ///< kBuiltin
  const CodeSet* set = nullptr;       ///< in_set
  const Mapping* mapping = nullptr;   ///< lookup
  /// kIn with a constant list of strings of more than a few elements: a pre-built hash set.
  std::unique_ptr<std::unordered_set<std::string_view, ViewHash>> const_set;
  std::shared_ptr<const Node> let_expr;  ///< kLet: the let's expression
};

using NodePtr = std::unique_ptr<Node>;

/// Parses `text` into an untyped tree; on error fills `error` and returns nullptr.
NodePtr parse_expression(std::string_view text, CompileError& error);
/// Parses a message template into a kTemplate node (placeholders parsed as expressions).
NodePtr parse_template(std::string_view text, CompileError& error);

/// Resolves names and types of the tree in place; false (with `error`) on the first problem.
bool check_tree(Node& root, const Environment& env, CompileError& error);

/// Evaluates a checked node.
Value eval(const Node& n, Frame& f);
/// A bool value as a condition: null is false.
inline bool truthy(const Value& v) { return !v.null && v.kind == Kind::kBool && v.b; }
/// A null value of type `t`.
inline Value null_of(Type t) {
  Value v;
  v.kind = t.kind;
  v.elem = t.elem;
  v.null = true;
  return v;
}

inline Value make_bool(bool b) {
  Value v;
  v.kind = Kind::kBool;
  v.b = b;
  return v;
}
inline Value make_int(int64_t i) {
  Value v;
  v.kind = Kind::kInt;
  v.i = i;
  return v;
}
inline Value make_string(std::string_view s) {
  Value v;
  v.kind = Kind::kString;
  v.set_string(s);
  return v;
}
inline Value make_date(DateTime d) {
  Value v;
  v.kind = Kind::kDate;
  v.i = d.seconds;
  return v;
}
inline Value make_ptr(Kind k, const void* p) {
  Value v;
  v.kind = k;
  v.ptr = p;
  v.null = p == nullptr;
  return v;
}
inline DateTime date_of(const Value& v) { return DateTime{v.i}; }
/// d.year(), answered from the last year asked on this thread when d falls in it (an episode's
/// dates, and most episodes', share a year; DateTime::year converts the day to a civil date).
inline int year_of(DateTime d) {
  struct Memo {
    int64_t lo = 1, hi = 0;  ///< [lo, hi): the seconds of `year` (empty at first)
    int year = 0;
  };
  thread_local Memo m;
  if (d.seconds >= m.lo && d.seconds < m.hi) return m.year;
  int y = d.year();
  if (y >= 1 && y <= 9999) {
    constexpr int64_t kDay = 86400;
    m = Memo{int64_t{days_from_civil(y, 1, 1)} * kDay, int64_t{days_from_civil(y + 1, 1, 1)} * kDay,
             y};
  }
  return y;
}
inline const Kode& kode_of(const Value& v) { return *static_cast<const Kode*>(v.ptr); }

/// Access to a Frame's scratch space for the evaluator, the fields and the built-ins.
struct FrameAccess {
  /// A string that lives until the frame is re-bound.
  static std::string_view keep(Frame& f, std::string s) {
    f.strings_.push_back(std::move(s));
    return f.strings_.back();
  }
  /// Starts a list directly in the pool (nothing else may be evaluated until finish_list).
  static uint32_t begin_list(Frame& f) { return static_cast<uint32_t>(f.pool_.size()); }
  static void push(Frame& f, const Value& v) { f.pool_.push_back(v); }
  static Value finish_list(Frame& f, uint32_t begin, Kind elem) {
    Value v;
    v.kind = Kind::kList;
    v.elem = elem;
    v.list.offset = begin;
    v.list.size = static_cast<uint32_t>(f.pool_.size() - begin);
    return v;
  }
  /// A list of pointers to the objects of a vector (tilstand.koder, episode.tiltak, ...).
  template <typename T>
  static Value list_of(Frame& f, const std::vector<T>& items, Kind elem) {
    uint32_t b = begin_list(f);
    for (const auto& x : items) f.pool_.push_back(make_ptr(elem, &x));
    return finish_list(f, b, elem);
  }
  /// The temporary stack for lists whose elements need evaluation (list literals, filter):
  /// push elements with tmp_push(), then move them into the pool with tmp_to_list().
  static size_t tmp_mark(Frame& f) { return f.tmp_.size(); }
  static void tmp_push(Frame& f, const Value& v) { f.tmp_.push_back(v); }
  static Value tmp_to_list(Frame& f, size_t mark, Kind elem) {
    uint32_t b = begin_list(f);
    f.pool_.insert(f.pool_.end(), f.tmp_.begin() + static_cast<std::ptrdiff_t>(mark), f.tmp_.end());
    f.tmp_.resize(mark);
    return finish_list(f, b, elem);
  }
  static const Value& element(const Frame& f, const Value& list, uint32_t i) {
    return f.pool_[list.list.offset + i];
  }
  static Value& var(Frame& f, uint32_t slot) {
    if (slot >= f.vars_.size()) f.vars_.resize(slot + 1);
    return f.vars_[slot];
  }
  static Value let(Frame& f, const Node& n);
  static std::shared_ptr<const Node>& root(CompiledExpr& e) { return e.root_; }
  static const std::shared_ptr<const Node>& root(const CompiledExpr& e) { return e.root_; }
  static std::shared_ptr<const std::string>& text(CompiledExpr& e) { return e.text_; }
  static uint32_t new_var_slot(const Environment& env) { return env.var_slots_++; }
};

// ---- Field table (expr_fields.cpp) ----

/// One field of an object type: `prosedyre.hovedkode`.
struct FieldDef {
  Kind owner;
  const char* name;
  Type type;
  bool nullable;
  const char* doc;
  Value (*get)(const Value& obj, Frame& f);  ///< obj is never null
};

/// Every field, in documentation order.
std::span<const FieldDef> field_table();
/// The field `name` of `owner`, or nullptr.
const FieldDef* find_field(Kind owner, std::string_view name);

// ---- Built-in table (builtins.cpp) ----

/// What a built-in accepts at one argument position.
enum class Arg : uint8_t {
  kBool,
  kInt,
  kString,
  kDate,
  kKode,
  kAny,   ///< any value
  kList,  ///< any list
  kListOrString,
  kKodeOrString,
  kSetName,      ///< string literal naming a set of the rule data
  kMappingName,  ///< string literal naming a mapping
  kKeyList,      ///< list literal of strings (lookup keys)
  kDateLiteral,  ///< string literal 'YYYY-MM-DD'
  kSystemName,   ///< string naming a code system (ICD10, NCSP, NCMP, NCRP)
  kVarName,      ///< a new variable name (comprehensions)
  kPredicate,    ///< bool expression over the variable (comprehensions)
};

/// How a built-in's result type is found.
enum class Ret : uint8_t {
  kFixed,       ///< BuiltinDef::result
  kSameAsArg0,  ///< the type of the first argument (filter)
  kElemOfArg0,  ///< the element type of the first argument (first)
};

/// One built-in function.
struct BuiltinDef {
  const char* name;
  const char* signature;  ///< for docs: `valid(kode[, date]) -> bool`
  const char* doc;        ///< one line, for docs
  uint8_t min_args;
  uint8_t max_args;
  Arg args[3];
  Ret ret;
  Type result;
  /// Null-aware built-ins get null arguments; the others return the result type's default
  /// (false, '', [], or null for int, date, kode) when an argument is null.
  bool null_aware;
  /// Special forms get their arguments unevaluated (args == nullptr): comprehensions, date().
  bool lazy;
  Value (*fn)(Frame& f, const Node& call, const Value* args);
};

/// Every built-in, in documentation order.
std::span<const BuiltinDef> builtin_table();
/// The built-in `name`, or nullptr.
const BuiltinDef* find_builtin(std::string_view name);

// ---- Helpers ----

/// Text of a node in its expression.
inline std::string_view node_text(std::string_view text, const Node& n) {
  if (n.off >= text.size()) return {};
  return text.substr(n.off, n.len);
}

}  // namespace nprcheck::expr::detail
