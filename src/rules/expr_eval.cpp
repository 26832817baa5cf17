// The evaluator of compiled expressions, the Frame, and value formatting.
#include <algorithm>
#include <cstring>
#include <new>
#include <type_traits>

#include "expr_ast.hpp"

namespace nprcheck::expr {

using namespace detail;

// ---- Frame ----

Frame::Frame(const Episode& episode, const CodeTables* tables)
    : episode_(&episode), tables_(tables) {}

void Frame::reset_epochs() {
  std::fill(let_epoch_.begin(), let_epoch_.end(), 0u);
  epoch_ = 1;
}

Value Frame::list_at(const Value& list, uint32_t index) const {
  return pool_[list.list.offset + index];
}

namespace {

std::string date_text(int64_t seconds) { return DateTime{seconds}.date_string(); }

std::string object_text(const Value& v) {
  switch (v.kind) {
    case Kind::kKode:
      return kode_of(v).verdi;
    case Kind::kTilstand: {
      const auto& t = *static_cast<const Tilstand*>(v.ptr);
      std::string s;
      for (const auto& k : t.koder) s += (s.empty() ? "" : " ") + k.verdi;
      return s;
    }
    case Kind::kProsedyre: {
      const auto& p = *static_cast<const Prosedyre*>(v.ptr);
      std::string s;
      for (const auto& k : p.koder) s += (s.empty() ? "" : " ") + k.verdi;
      return s;
    }
    case Kind::kTiltak:
      return "typeTiltak " + std::to_string(static_cast<const Tiltak*>(v.ptr)->type_tiltak);
    case Kind::kRefEnhet:
      return static_cast<const RefEnhet*>(v.ptr)->enhet_id;
    case Kind::kEpisode:
      return static_cast<const Episode*>(v.ptr)->episode_id;
    case Kind::kPasient:
      return static_cast<const Pasient*>(v.ptr)->pasient_nr;
    default:
      return {};
  }
}

}  // namespace

std::string Frame::to_text(const Value& v) const {
  if (v.null) return {};
  switch (v.kind) {
    case Kind::kBool:
      return v.b ? "ja" : "nei";
    case Kind::kInt:
      return std::to_string(v.i);
    case Kind::kString:
      return std::string(v.s());
    case Kind::kDate:
      return date_text(v.i);
    case Kind::kList: {
      std::string s;
      for (uint32_t i = 0; i < v.list.size; ++i) {
        if (i > 0) s += ", ";
        s += to_text(pool_[v.list.offset + i]);
      }
      return s;
    }
    case Kind::kAny:
      return {};
    default:
      return object_text(v);
  }
}

std::string Frame::to_debug(const Value& v) const {
  if (v.null) return "null";
  switch (v.kind) {
    case Kind::kBool:
      return v.b ? "true" : "false";
    case Kind::kString:
      return "'" + std::string(v.s()) + "'";
    case Kind::kDate: {
      DateTime d{v.i};
      return d.seconds % 86400 == 0 ? d.date_string() : d.to_string();
    }
    case Kind::kList: {
      std::string s = "[";
      for (uint32_t i = 0; i < v.list.size; ++i) {
        if (i > 0) s += ", ";
        s += to_debug(pool_[v.list.offset + i]);
      }
      return s + "]";
    }
    default:
      return to_text(v);
  }
}

// ---- Evaluation ----

namespace detail {

Value FrameAccess::let(Frame& f, const Node& n) {
  uint32_t slot = n.slot;
  if (slot >= f.lets_.size()) {
    f.lets_.resize(slot + 1);
    f.let_epoch_.resize(slot + 1, 0);
  }
  if (f.let_epoch_[slot] == f.epoch_) return f.lets_[slot];
  // (A let refers only to earlier lets, so it is never asked for while it is computed.)
  Value v = eval(*n.let_expr, f);
  f.lets_[slot] = v;
  f.let_epoch_[slot] = f.epoch_;
  return v;
}

namespace {

[[gnu::always_inline]] inline Value scope_var(const Node& n, const Frame& f) {
  const Bindings& b = f.bindings();
  switch (n.var) {
    case ScopeVar::kEpisode:
      return make_ptr(Kind::kEpisode, &f.episode());
    case ScopeVar::kPasient:
      return make_ptr(Kind::kPasient, f.episode().pasient.get());
    case ScopeVar::kTilstand:
      return make_ptr(Kind::kTilstand, b.tilstand);
    case ScopeVar::kTiltak:
      return make_ptr(Kind::kTiltak, b.tiltak);
    case ScopeVar::kProsedyre:
      return make_ptr(Kind::kProsedyre, b.prosedyre);
    case ScopeVar::kKode:
      return make_ptr(Kind::kKode, b.kode);
  }
  return null_of(n.type);
}

/// eval() with the commonest leaves done in place (a literal, a scope or comprehension
/// variable, a field of one): most operands are such leaves, and this saves a call each.
inline Value eval_operand(const Node& n, Frame& f) {
  switch (n.op) {
    case Op::kLiteral:
      return n.constant;
    case Op::kScopeVar:
      return scope_var(n, f);
    case Op::kVar:
      return FrameAccess::var(f, n.slot);
    case Op::kField: {
      const Node& k = *n.kids[0];
      if (k.op != Op::kScopeVar && k.op != Op::kVar) break;
      const Value o = k.op == Op::kScopeVar ? scope_var(k, f) : FrameAccess::var(f, k.slot);
      if (o.null) return null_of(n.type);
      return n.field->get(o, f);
    }
    default:
      break;
  }
  return eval(n, f);
}

bool kode_equal(const Value& a, const Value& b) {
  const Kode& x = kode_of(a);
  const Kode& y = kode_of(b);
  return &x == &y || (x.system == y.system && x.verdi == y.verdi);
}

// Compares two non-null scalars of one kind: <0, 0, >0.
int compare(const Value& a, const Value& b) {
  switch (a.kind) {
    case Kind::kBool:
      return static_cast<int>(a.b) - static_cast<int>(b.b);
    case Kind::kInt:
    case Kind::kDate:
      return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
    case Kind::kString: {
      int c = a.s().compare(b.s());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Kind::kKode:
      return kode_equal(a, b) ? 0 : 1;
    default:
      return 1;
  }
}

[[gnu::noinline]] Value eval_binary(const Node& n, Frame& f) {
  Value a = eval_operand(*n.kids[0], f);
  Value b = eval_operand(*n.kids[1], f);
  switch (n.bop) {
    case BinOp::kAdd:
      if (a.null || b.null) return null_of(n.type);
      if (n.type.kind == Kind::kInt) {
        return make_int(
            static_cast<int64_t>(static_cast<uint64_t>(a.i) + static_cast<uint64_t>(b.i)));
      }
      if (a.s().empty()) return b;
      if (b.s().empty()) return a;
      {
        std::string s;
        s.reserve(a.s().size() + b.s().size());
        s.append(a.s()).append(b.s());
        return make_string(FrameAccess::keep(f, std::move(s)));
      }
    case BinOp::kSub:
      if (a.null || b.null) return null_of(n.type);
      return make_int(
          static_cast<int64_t>(static_cast<uint64_t>(a.i) - static_cast<uint64_t>(b.i)));
    default:
      break;
  }
  if (a.null || b.null) return make_bool(false);  // null makes every comparison false
  // Ints and dates (most comparisons: kjonn, typeEnhet, ages, days) without the call.
  int c = a.kind == Kind::kInt || a.kind == Kind::kDate ? (a.i < b.i ? -1 : (a.i > b.i ? 1 : 0))
                                                        : compare(a, b);
  switch (n.bop) {
    case BinOp::kEq:
      return make_bool(c == 0);
    case BinOp::kNe:
      return make_bool(c != 0);
    case BinOp::kLt:
      return make_bool(c < 0);
    case BinOp::kLe:
      return make_bool(c <= 0);
    case BinOp::kGt:
      return make_bool(c > 0);
    case BinOp::kGe:
      return make_bool(c >= 0);
    default:
      return make_bool(false);
  }
}

[[gnu::noinline]] Value eval_in(const Node& n, Frame& f) {
  Value x = eval_operand(*n.kids[0], f);
  if (x.null) return make_bool(false);
  if (n.const_set) return make_bool(n.const_set->count(x.s()) != 0);
  Value list = eval(*n.kids[1], f);
  for (uint32_t i = 0; i < list.list.size; ++i) {
    const Value& e = FrameAccess::element(f, list, i);
    if (e.null) continue;
    if (n.kode_by_verdi) {
      if (kode_of(e).verdi == x.s()) return make_bool(true);
    } else if (compare(x, e) == 0) {
      return make_bool(true);
    }
  }
  return make_bool(false);
}

// The default result of a non-null-aware built-in given a null argument.
Value default_of(Frame& f, Type t) {
  switch (t.kind) {
    case Kind::kBool:
      return make_bool(false);
    case Kind::kString:
      return make_string({});
    case Kind::kList:
      return FrameAccess::finish_list(f, FrameAccess::begin_list(f), t.elem);
    default:
      return null_of(t);
  }
}

[[gnu::noinline]] Value eval_builtin(const Node& n, Frame& f) {
  const BuiltinDef& fn = *n.fn;
  if (fn.lazy) return fn.fn(f, n, nullptr);
  // Left unconstructed: a built-in reads only the arguments its node has (a set or mapping
  // name is never read), and setting three defaults was a tenth of this function's work.
  static_assert(std::is_trivially_destructible_v<Value> && std::is_trivially_copyable_v<Value>);
  union Args {
    Args() {}  // NOLINT: members deliberately left uninitialised
    Value v[3];
  } slots;
  Value* args = slots.v;
  size_t argc = n.kids.size();
  for (size_t i = 0; i < argc; ++i) {
    const Node& k = *n.kids[i];
    // Set and mapping names are resolved at compile time; key lists are evaluated by lookup().
    if (fn.args[i] == Arg::kSetName || fn.args[i] == Arg::kMappingName ||
        fn.args[i] == Arg::kKeyList) {
      continue;
    }
    // Constructed in place (not assigned from a temporary): the callee's stores are not
    // reloaded at once as a wider copy, which stalls store forwarding.
    ::new (static_cast<void*>(&args[i])) Value(eval_operand(k, f));
    if (args[i].null && !fn.null_aware) return default_of(f, n.type);
  }
  return fn.fn(f, n, args);
}

[[gnu::noinline]] Value eval_list(const Node& n, Frame& f) {
  size_t mark = FrameAccess::tmp_mark(f);
  for (const auto& k : n.kids) FrameAccess::tmp_push(f, eval(*k, f));
  return FrameAccess::tmp_to_list(f, mark, n.type.elem);
}

[[gnu::noinline]] Value eval_template(const Node& n, Frame& f) {
  std::string s;
  for (const auto& k : n.kids) {
    if (k->op == Op::kLiteral) {
      s.append(k->constant.s());
    } else {
      s += f.to_text(eval(*k, f));
    }
  }
  return make_string(FrameAccess::keep(f, std::move(s)));
}

}  // namespace

Value eval(const Node& n, Frame& f) {
  switch (n.op) {
    case Op::kLiteral:
      return n.constant;
    case Op::kScopeVar:
      return scope_var(n, f);
    case Op::kVar:
      return FrameAccess::var(f, n.slot);
    case Op::kLet:
      return FrameAccess::let(f, n);
    case Op::kField: {
      Value o = eval_operand(*n.kids[0], f);
      if (o.null) return null_of(n.type);
      return n.field->get(o, f);
    }
    case Op::kBuiltin:
      return eval_builtin(n, f);
    case Op::kListLit:
      return eval_list(n, f);
    case Op::kNot:
      return make_bool(!truthy(eval_operand(*n.kids[0], f)));
    case Op::kNeg: {
      Value v = eval(*n.kids[0], f);
      if (v.null) return v;
      return make_int(static_cast<int64_t>(0ULL - static_cast<uint64_t>(v.i)));
    }
    case Op::kAnd:
      for (const auto& k : n.kids) {
        if (!truthy(eval_operand(*k, f))) return make_bool(false);
      }
      return make_bool(true);
    case Op::kOr:
      for (const auto& k : n.kids) {
        if (truthy(eval_operand(*k, f))) return make_bool(true);
      }
      return make_bool(false);
    case Op::kBinary:
      return eval_binary(n, f);
    case Op::kIn:
      return eval_in(n, f);
    case Op::kCond:
      return truthy(eval(*n.kids[0], f)) ? eval(*n.kids[1], f) : eval(*n.kids[2], f);
    case Op::kTemplate:
      return eval_template(n, f);
    case Op::kIdent:
    case Op::kMember:
    case Op::kCall:
      break;  // never in a checked tree
  }
  return null_of(n.type);
}

}  // namespace detail

// ---- CompiledExpr ----

CompiledExpr::CompiledExpr() = default;
CompiledExpr::~CompiledExpr() = default;
CompiledExpr::CompiledExpr(const CompiledExpr&) = default;
CompiledExpr& CompiledExpr::operator=(const CompiledExpr&) = default;
CompiledExpr::CompiledExpr(CompiledExpr&&) noexcept = default;
CompiledExpr& CompiledExpr::operator=(CompiledExpr&&) noexcept = default;

Type CompiledExpr::type() const { return root_ ? root_->type : Type{}; }

const std::string& CompiledExpr::text() const {
  static const std::string empty;
  return text_ ? *text_ : empty;
}

Value CompiledExpr::eval(Frame& frame) const {
  if (!root_) return null_of(Type{});
  return detail::eval(*root_, frame);
}

bool CompiledExpr::eval_bool(Frame& frame) const { return root_ && truthy(eval(frame)); }

namespace {

bool node_uses_field(const detail::Node& n, std::string_view qualified) {
  if (n.op == detail::Op::kField && n.field != nullptr) {
    const std::string owner = type_name(Type{n.field->owner});
    if (qualified.size() == owner.size() + 1 + std::strlen(n.field->name) &&
        qualified.substr(0, owner.size()) == owner && qualified[owner.size()] == '.' &&
        qualified.substr(owner.size() + 1) == n.field->name) {
      return true;
    }
  }
  if (n.let_expr && node_uses_field(*n.let_expr, qualified)) return true;
  for (const auto& k : n.kids) {
    if (k && node_uses_field(*k, qualified)) return true;
  }
  return false;
}

}  // namespace

bool CompiledExpr::uses_field(std::string_view qualified) const {
  return root_ && node_uses_field(*root_, qualified);
}

void CompiledExpr::eval_codes(Frame& frame, std::vector<const Kode*>& out) const {
  if (!root_) return;
  Value v = eval(frame);
  if (v.null) return;
  if (v.kind == Kind::kKode) {
    out.push_back(&kode_of(v));
    return;
  }
  if (v.kind != Kind::kList) return;
  for (uint32_t i = 0; i < v.list.size; ++i) {
    Value e = frame.list_at(v, i);
    if (!e.null && e.kind == Kind::kKode) out.push_back(&kode_of(e));
  }
}

std::string CompiledExpr::render(Frame& frame) const {
  if (!root_) return {};
  const Node* n = root_.get();
  if (n->op == Op::kTemplate) {  // straight into the result, no scratch copy
    std::string s;
    for (const auto& k : n->kids) {
      if (k->op == Op::kLiteral) {
        s.append(k->constant.s());
      } else {
        s += frame.to_text(detail::eval(*k, frame));
      }
    }
    return s;
  }
  return frame.to_text(eval(frame));
}

std::string CompiledExpr::explain(Frame& frame) const {
  if (!root_) return {};
  std::string_view text = this->text();
  const Node* n = root_.get();
  while (n->op == Op::kLet) n = n->let_expr.get();
  auto part = [&](const Node& k, const Value& v) {
    return std::string(node_text(text, k)) + " -> " + frame.to_debug(v);
  };
  if (n->op == Op::kAnd || n->op == Op::kOr) {
    std::string out;
    bool stop_on = n->op == Op::kOr;
    for (const auto& k : n->kids) {
      Value v = detail::eval(*k, frame);
      if (!out.empty()) out += "; ";
      out += part(*k, v);
      if (truthy(v) == stop_on) break;
    }
    // Keep the cached let value in step with what was shown.
    if (root_->op == Op::kLet) (void)eval(frame);
    return out;
  }
  return part(*n, eval(frame));
}

}  // namespace nprcheck::expr
