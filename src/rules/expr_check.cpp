// Name resolution and type checking of expression trees (and the compile()/declare_let API).
#include <algorithm>
#include <cctype>

#include "expr_ast.hpp"
#include "nprcheck/code_tables.hpp"
#include "nprcheck/date.hpp"
#include "nprcheck/suggest.hpp"

namespace nprcheck::expr {

using namespace detail;

const char* scope_name(Scope s) {
  switch (s) {
    case Scope::kEpisode:
      return "episode";
    case Scope::kTilstand:
      return "tilstand";
    case Scope::kTiltak:
      return "tiltak";
    case Scope::kProsedyre:
      return "prosedyre";
    case Scope::kKode:
      return "kode";
  }
  return "episode";
}

bool parse_scope(std::string_view text, Scope& out) {
  for (Scope s :
       {Scope::kEpisode, Scope::kTilstand, Scope::kTiltak, Scope::kProsedyre, Scope::kKode}) {
    if (text == scope_name(s)) {
      out = s;
      return true;
    }
  }
  return false;
}

namespace {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kString:
      return "string";
    case Kind::kDate:
      return "date";
    case Kind::kKode:
      return "kode";
    case Kind::kTilstand:
      return "tilstand";
    case Kind::kTiltak:
      return "tiltak";
    case Kind::kProsedyre:
      return "prosedyre";
    case Kind::kRefEnhet:
      return "refenhet";
    case Kind::kEpisode:
      return "episode";
    case Kind::kPasient:
      return "pasient";
    case Kind::kList:
      return "list";
    case Kind::kAny:
      return "any";
  }
  return "any";
}

}  // namespace

std::string type_name(Type t) {
  if (t.kind == Kind::kList) return std::string("list<") + kind_name(t.elem) + ">";
  return kind_name(t.kind);
}

namespace {

struct ScopeVarInfo {
  const char* name;
  ScopeVar var;
  Kind kind;
  const char* doc;
};

constexpr ScopeVarInfo kScopeVars[] = {
    {"episode", ScopeVar::kEpisode, Kind::kEpisode, "the episode (every scope)"},
    {"pasient", ScopeVar::kPasient, Kind::kPasient, "the episode's patient (every scope)"},
    {"tilstand", ScopeVar::kTilstand, Kind::kTilstand,
     "scope tilstand: the Tilstand; scope kode: the Tilstand of a diagnosis code (else null)"},
    {"tiltak", ScopeVar::kTiltak, Kind::kTiltak,
     "scope tiltak: the Tiltak; scopes prosedyre and kode: the enclosing Tiltak (kode: null for "
     "a diagnosis code)"},
    {"prosedyre", ScopeVar::kProsedyre, Kind::kProsedyre,
     "scope prosedyre: the Prosedyre; scope kode: the Prosedyre of a procedure code (else null)"},
    {"kode", ScopeVar::kKode, Kind::kKode,
     "scope kode: the Kode (every code of the episode: diagnosis codes, then procedure codes)"},
};

bool var_in_scope(ScopeVar v, Scope s) {
  switch (v) {
    case ScopeVar::kEpisode:
    case ScopeVar::kPasient:
      return true;
    case ScopeVar::kTilstand:
      return s == Scope::kTilstand || s == Scope::kKode;
    case ScopeVar::kTiltak:
      return s == Scope::kTiltak || s == Scope::kProsedyre || s == Scope::kKode;
    case ScopeVar::kProsedyre:
      return s == Scope::kProsedyre || s == Scope::kKode;
    case ScopeVar::kKode:
      return s == Scope::kKode;
  }
  return false;
}

bool is_object(Kind k) {
  return k == Kind::kKode || k == Kind::kTilstand || k == Kind::kTiltak || k == Kind::kProsedyre ||
         k == Kind::kRefEnhet || k == Kind::kEpisode || k == Kind::kPasient;
}

bool is_scalar(Kind k) {
  return k == Kind::kBool || k == Kind::kInt || k == Kind::kString || k == Kind::kDate ||
         k == Kind::kKode;
}

class Checker {
 public:
  Checker(const Environment& env, CompileError& error) : env_(env), error_(error) {}

  bool check(Node& n) {
    switch (n.op) {
      case Op::kLiteral:
        return true;
      case Op::kIdent:
        return ident(n);
      case Op::kMember:
        return member(n);
      case Op::kCall:
        return call(n);
      case Op::kListLit:
        return list_literal(n);
      case Op::kNot:
        if (!check(*n.kids[0])) return false;
        if (!want(*n.kids[0], Kind::kBool, "the operand of '!'")) return false;
        n.type = Type{Kind::kBool};
        return true;
      case Op::kNeg:
        if (!check(*n.kids[0])) return false;
        if (!want(*n.kids[0], Kind::kInt, "the operand of unary '-'")) return false;
        n.type = Type{Kind::kInt};
        return true;
      case Op::kAnd:
      case Op::kOr:
        for (auto& k : n.kids) {
          if (!check(*k)) return false;
          if (!want(*k, Kind::kBool,
                    n.op == Op::kAnd ? "an operand of '&&'" : "an operand of '||'")) {
            return false;
          }
        }
        n.type = Type{Kind::kBool};
        return true;
      case Op::kBinary:
        return binary(n);
      case Op::kIn:
        return in(n);
      case Op::kCond:
        return cond(n);
      case Op::kTemplate:
        for (auto& k : n.kids) {
          if (!check(*k)) return false;
        }
        n.type = Type{Kind::kString};
        return true;
      default:
        return true;  // already resolved
    }
  }

 private:
  bool fail(uint32_t off, uint32_t len, std::string msg) {
    error_.offset = off;
    error_.length = len == 0 ? 1 : len;
    error_.message = std::move(msg);
    return false;
  }
  bool fail(const Node& n, std::string msg) { return fail(n.off, n.len, std::move(msg)); }

  bool want(const Node& n, Kind k, const std::string& what) {
    if (n.type.kind == k) return true;
    return fail(n, what + " must be " + kind_name(k) + ", got " + type_name(n.type));
  }

  struct Var {
    std::string name;
    uint32_t slot;
    Type type;
  };

  std::vector<std::string> visible_names() const {
    std::vector<std::string> names;
    for (const auto& v : vars_) names.push_back(v.name);
    for (const auto& l : env_.lets()) names.push_back(l.name);
    for (const auto& s : kScopeVars) {
      if (var_in_scope(s.var, env_.scope())) names.push_back(s.name);
    }
    return names;
  }

  bool ident(Node& n) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->name == n.name) {
        n.op = Op::kVar;
        n.slot = it->slot;
        n.type = it->type;
        return true;
      }
    }
    for (const auto& l : env_.lets()) {
      if (l.name == n.name) {
        n.op = Op::kLet;
        n.slot = l.node->slot;
        n.let_expr = l.node->let_expr;
        n.type = l.type;
        return true;
      }
    }
    for (const auto& s : kScopeVars) {
      if (n.name != s.name) continue;
      if (!var_in_scope(s.var, env_.scope())) {
        std::string avail;
        for (const auto& o : kScopeVars) {
          if (var_in_scope(o.var, env_.scope()))
            avail += (avail.empty() ? "" : ", ") + std::string(o.name);
        }
        return fail(n, "'" + n.name + "' is not available in scope " + scope_name(env_.scope()) +
                           " (variables: " + avail + ")");
      }
      n.op = Op::kScopeVar;
      n.var = s.var;
      n.type = Type{s.kind};
      return true;
    }
    if (find_builtin(n.name) != nullptr) {
      return fail(n, "'" + n.name + "' is a function: call it as " + n.name + "(...)");
    }
    std::string msg = "unknown name '" + n.name + "'";
    std::string near = closest_name(n.name, visible_names());
    if (!near.empty()) msg += "; did you mean '" + near + "'?";
    return fail(n, msg);
  }

  bool member(Node& n) {
    Node& obj = *n.kids[0];
    if (!check(obj)) return false;
    uint32_t name_len = static_cast<uint32_t>(n.name.size());
    if (!is_object(obj.type.kind)) {
      return fail(n.name_off, name_len,
                  "type " + type_name(obj.type) + " has no fields (asked for '" + n.name + "')");
    }
    const FieldDef* f = find_field(obj.type.kind, n.name);
    if (f == nullptr) {
      std::vector<std::string> names;
      for (const auto& d : field_table()) {
        if (d.owner == obj.type.kind) names.push_back(d.name);
      }
      std::string owner = kind_name(obj.type.kind);
      std::string msg = "unknown field '" + owner + "." + n.name + "'";
      std::string near = closest_name(n.name, names);
      if (!near.empty()) msg += "; did you mean '" + owner + "." + near + "'?";
      return fail(n.name_off, name_len, msg);
    }
    n.op = Op::kField;
    n.field = f;
    n.type = f->type;
    return true;
  }

  static bool arg_accepts(Arg a, Type t) {
    switch (a) {
      case Arg::kBool:
        return t.kind == Kind::kBool;
      case Arg::kInt:
        return t.kind == Kind::kInt;
      case Arg::kString:
      case Arg::kSystemName:
        return t.kind == Kind::kString;
      case Arg::kDate:
        return t.kind == Kind::kDate;
      case Arg::kKode:
        return t.kind == Kind::kKode;
      case Arg::kAny:
        return true;
      case Arg::kList:
        return t.kind == Kind::kList;
      case Arg::kListOrString:
        return t.kind == Kind::kList || t.kind == Kind::kString;
      case Arg::kKodeOrString:
        return t.kind == Kind::kKode || t.kind == Kind::kString;
      default:
        return true;
    }
  }

  static const char* arg_name(Arg a) {
    switch (a) {
      case Arg::kBool:
      case Arg::kPredicate:
        return "bool";
      case Arg::kInt:
        return "int";
      case Arg::kString:
      case Arg::kSystemName:
        return "string";
      case Arg::kDate:
        return "date";
      case Arg::kKode:
        return "kode";
      case Arg::kAny:
        return "any value";
      case Arg::kList:
        return "a list";
      case Arg::kListOrString:
        return "a list or a string";
      case Arg::kKodeOrString:
        return "kode or string";
      case Arg::kSetName:
        return "a set name in quotes";
      case Arg::kMappingName:
        return "a mapping name in quotes";
      case Arg::kKeyList:
        return "a list of strings in brackets";
      case Arg::kDateLiteral:
        return "a date in quotes ('YYYY-MM-DD')";
      case Arg::kVarName:
        return "a variable name";
    }
    return "?";
  }

  static std::string ordinal(size_t i) {
    static const char* names[] = {"first", "second", "third", "fourth"};
    return i < 4 ? names[i] : std::to_string(i + 1) + "th";
  }

  bool call(Node& n) {
    const BuiltinDef* fn = find_builtin(n.name);
    uint32_t name_len = static_cast<uint32_t>(n.name.size());
    if (fn == nullptr) {
      std::vector<std::string> names;
      for (const auto& b : builtin_table()) names.push_back(b.name);
      std::string msg = "unknown function '" + n.name + "'";
      std::string near = closest_name(n.name, names);
      if (!near.empty()) msg += "; did you mean '" + near + "'?";
      return fail(n.name_off, name_len, msg);
    }
    size_t argc = n.kids.size();
    if (argc < fn->min_args || argc > fn->max_args) {
      std::string want = fn->min_args == fn->max_args
                             ? std::to_string(fn->min_args)
                             : std::to_string(fn->min_args) + " or " + std::to_string(fn->max_args);
      bool one = fn->max_args == 1;
      return fail(n, "'" + n.name + "' takes " + want + (one ? " argument" : " arguments") +
                         ", got " + std::to_string(argc) + ": " + fn->signature);
    }
    n.fn = fn;
    bool has_var = false;
    for (size_t i = 0; i < argc; ++i) {
      Node& a = *n.kids[i];
      Arg spec = fn->args[i];
      std::string where = "the " + ordinal(i) + " argument of '" + n.name + "'";
      switch (spec) {
        case Arg::kSetName:
        case Arg::kMappingName:
          if (!name_argument(n, a, spec, where)) return false;
          continue;
        case Arg::kKeyList:
          if (!key_list(n, a, where)) return false;
          continue;
        case Arg::kDateLiteral:
          if (!date_literal(a, where)) return false;
          continue;
        case Arg::kVarName: {
          if (a.op != Op::kIdent) return fail(a, where + " must be a variable name");
          std::string why = env_.check_let_name(a.name);
          for (const auto& v : vars_) {
            if (v.name == a.name) why = "'" + a.name + "' is already a variable here";
          }
          if (!why.empty()) return fail(a, why);
          Type lt = n.kids[0]->type;
          n.slot = FrameAccess::new_var_slot(env_);
          vars_.push_back(Var{a.name, n.slot, Type{lt.elem == Kind::kAny ? Kind::kAny : lt.elem}});
          has_var = true;
          continue;
        }
        case Arg::kPredicate: {
          bool ok = check(a) && want(a, Kind::kBool, where);
          if (has_var) vars_.pop_back();
          has_var = false;
          if (!ok) return false;
          continue;
        }
        default:
          break;
      }
      if (!check(a)) return false;
      if (!arg_accepts(spec, a.type)) {
        return fail(a, where + " must be " + arg_name(spec) + ", got " + type_name(a.type));
      }
      if (spec == Arg::kSystemName && a.op == Op::kLiteral) {
        KodeSystem ks;
        if (!parse_kode_system(a.constant.s(), ks)) {
          return fail(a, "unknown code system '" + std::string(a.constant.s()) +
                             "': use ICD10, NCSP, NCMP or NCRP");
        }
      }
    }
    if (has_var) vars_.pop_back();
    switch (fn->ret) {
      case Ret::kFixed:
        n.type = fn->result;
        break;
      case Ret::kSameAsArg0:
        n.type = n.kids[0]->type;
        break;
      case Ret::kElemOfArg0:
        n.type = Type{n.kids[0]->type.elem};
        if (n.type.kind == Kind::kAny) {
          return fail(*n.kids[0], "'" + n.name + "' of the empty list [] has no type");
        }
        break;
    }
    n.op = Op::kBuiltin;
    return true;
  }

  bool name_argument(Node& call, Node& a, Arg spec, const std::string& where) {
    bool is_set = spec == Arg::kSetName;
    if (a.op != Op::kLiteral || !a.is_literal_string) {
      return fail(a, where + " must be " + arg_name(spec) +
                         " (names are resolved when the rule "
                         "is loaded)");
    }
    uint32_t off = a.off + 1;
    uint32_t len = a.len >= 2 ? a.len - 2 : a.len;
    const RuleData* data = env_.data();
    std::string name(a.constant.s());
    if (is_set) {
      call.set = data != nullptr ? data->find_set(name) : nullptr;
      if (call.set != nullptr) return true;
    } else {
      call.mapping = data != nullptr ? data->find_mapping(name) : nullptr;
      if (call.mapping != nullptr) return true;
    }
    std::string msg = std::string("unknown ") + (is_set ? "set" : "mapping") + " '" + name + "'";
    std::vector<std::string> names;
    if (data != nullptr) names = is_set ? data->set_names() : data->mapping_names();
    std::string near = closest_name(name, names);
    if (!near.empty()) {
      msg += "; did you mean '" + near + "'?";
    } else if (data != nullptr) {
      std::vector<std::string> other = is_set ? data->mapping_names() : data->set_names();
      if (std::find(other.begin(), other.end(), name) != other.end()) {
        msg += is_set ? " ('" + name + "' is a mapping: use lookup)"
                      : " ('" + name + "' is a set: use in_set)";
      } else if (names.empty()) {
        msg += is_set ? " (the rule data has no sets)" : " (the rule data has no mappings)";
      }
    }
    return fail(off, len, msg);
  }

  bool key_list(Node& call, Node& a, const std::string& where) {
    if (a.op != Op::kListLit) {
      return fail(a, where + " must be a list of strings in brackets, e.g. [a, b]");
    }
    if (!check(a)) return false;
    if (a.kids.empty()) return fail(a, where + " must not be empty");
    for (auto& k : a.kids) {
      if (k->type.kind != Kind::kString) {
        return fail(*k,
                    "the keys of '" + call.name + "' must be strings, got " + type_name(k->type));
      }
    }
    if (call.mapping != nullptr && a.kids.size() >= call.mapping->columns().size()) {
      return fail(a, "mapping '" + call.mapping->name() + "' has " +
                         std::to_string(call.mapping->columns().size()) +
                         " columns: give at most " +
                         std::to_string(call.mapping->columns().size() - 1) + " keys, got " +
                         std::to_string(a.kids.size()));
    }
    return true;
  }

  bool date_literal(Node& a, const std::string& where) {
    if (a.op != Op::kLiteral || !a.is_literal_string) {
      return fail(a, where + " must be a date in quotes ('YYYY-MM-DD')");
    }
    auto d = parse_date_time(a.constant.s());
    if (!d) {
      return fail(a, "'" + std::string(a.constant.s()) + "' is not a date (YYYY-MM-DD)");
    }
    a.constant = make_date(*d);
    a.type = Type{Kind::kDate};
    a.is_literal_string = false;
    return true;
  }

  bool list_literal(Node& n) {
    Type elem{Kind::kAny};
    for (auto& k : n.kids) {
      if (!check(*k)) return false;
      if (k->type.kind == Kind::kList) return fail(*k, "lists of lists are not supported");
      if (elem.kind == Kind::kAny) {
        elem = k->type;
      } else if (!(k->type == elem)) {
        return fail(*k, "list elements must have one type: " + type_name(elem) + " and " +
                            type_name(k->type));
      }
    }
    n.type = Type{Kind::kList, elem.kind};
    return true;
  }

  bool binary(Node& n) {
    Node& l = *n.kids[0];
    Node& r = *n.kids[1];
    if (!check(l) || !check(r)) return false;
    Type lt = l.type;
    Type rt = r.type;
    switch (n.bop) {
      case BinOp::kEq:
      case BinOp::kNe:
        if (!(lt == rt)) {
          return fail(n, "cannot compare " + type_name(lt) + " with " + type_name(rt));
        }
        if (!is_scalar(lt.kind)) {
          return fail(n, std::string("'") + (n.bop == BinOp::kEq ? "==" : "!=") +
                             "' is not defined for " + type_name(lt) +
                             (lt.kind == Kind::kList ? " (use 'in', exists() or size())" : ""));
        }
        n.type = Type{Kind::kBool};
        return true;
      case BinOp::kLt:
      case BinOp::kLe:
      case BinOp::kGt:
      case BinOp::kGe:
        if (!(lt == rt)) {
          return fail(n, "cannot compare " + type_name(lt) + " with " + type_name(rt));
        }
        if (lt.kind != Kind::kInt && lt.kind != Kind::kString && lt.kind != Kind::kDate) {
          return fail(n, "'<', '<=', '>', '>=' compare int, string or date, not " + type_name(lt));
        }
        n.type = Type{Kind::kBool};
        return true;
      case BinOp::kAdd:
        if (lt.kind == Kind::kInt && rt.kind == Kind::kInt) {
          n.type = Type{Kind::kInt};
          return true;
        }
        if (lt.kind == Kind::kString && rt.kind == Kind::kString) {
          n.type = Type{Kind::kString};
          return true;
        }
        return fail(
            n,
            "'+' adds two ints or joins two strings, got " + type_name(lt) + " + " + type_name(rt) +
                (rt.kind == Kind::kString || lt.kind == Kind::kString ? " (use tostring())" : ""));
      case BinOp::kSub:
        if (lt.kind == Kind::kInt && rt.kind == Kind::kInt) {
          n.type = Type{Kind::kInt};
          return true;
        }
        return fail(n, "'-' subtracts ints, got " + type_name(lt) + " - " + type_name(rt) +
                           (lt.kind == Kind::kDate ? " (use day() or year())" : ""));
    }
    return false;
  }

  bool in(Node& n) {
    Node& l = *n.kids[0];
    Node& r = *n.kids[1];
    if (!check(l) || !check(r)) return false;
    if (r.type.kind != Kind::kList) {
      return fail(r, "'in' needs a list on the right, got " + type_name(r.type) +
                         (r.type.kind == Kind::kString ? " (use contains())" : ""));
    }
    Kind e = r.type.elem;
    if (l.type.kind == Kind::kString && e == Kind::kKode) {
      n.kode_by_verdi = true;
    } else if (e != Kind::kAny && !(l.type == Type{e})) {
      return fail(n, "cannot look for " + type_name(l.type) + " in " + type_name(r.type));
    } else if (!is_scalar(l.type.kind)) {
      return fail(l, "'in' looks for bool, int, string, date or kode, not " + type_name(l.type));
    }
    // A constant list of strings: a hash set built once.
    if (r.op == Op::kListLit && e == Kind::kString && r.kids.size() > 4) {
      bool constant = std::all_of(r.kids.begin(), r.kids.end(),
                                  [](const NodePtr& k) { return k->op == Op::kLiteral; });
      if (constant) {
        n.const_set = std::make_unique<std::unordered_set<std::string_view, ViewHash>>();
        for (const auto& k : r.kids) n.const_set->insert(k->constant.s());
      }
    }
    n.type = Type{Kind::kBool};
    return true;
  }

  bool cond(Node& n) {
    for (auto& k : n.kids) {
      if (!check(*k)) return false;
    }
    if (!want(*n.kids[0], Kind::kBool, "the condition of '?:'")) return false;
    Type a = n.kids[1]->type;
    Type b = n.kids[2]->type;
    if (a.kind == Kind::kList && b.kind == Kind::kList) {
      if (a.elem == Kind::kAny) a.elem = b.elem;
      if (b.elem == Kind::kAny) b.elem = a.elem;
    }
    if (!(a == b)) {
      return fail(n, "the two branches of '?:' must have one type, got " + type_name(a) + " and " +
                         type_name(b));
    }
    n.type = a;
    return true;
  }

  const Environment& env_;
  CompileError& error_;
  std::vector<Var> vars_;
};

CompileResult finish_compile(NodePtr root, std::string_view text, const Environment& env,
                             Expect expect, std::string_view what, CompileError& err) {
  CompileResult out;
  if (!root) {
    out.error = err;
    return out;
  }
  Checker c(env, err);
  if (!c.check(*root)) {
    out.error = err;
    return out;
  }
  Type t = root->type;
  std::string name = "'" + std::string(what) + "'";
  bool ok = true;
  std::string need;
  switch (expect) {
    case Expect::kAny:
      break;
    case Expect::kBool:
      ok = t.kind == Kind::kBool;
      need = "bool";
      break;
    case Expect::kString:
      ok = t.kind == Kind::kString;
      need = "string";
      break;
    case Expect::kKodeList:
      ok = t.kind == Kind::kKode ||
           (t.kind == Kind::kList && (t.elem == Kind::kKode || t.elem == Kind::kAny));
      need = "list<kode>";
      break;
  }
  if (!ok) {
    out.error =
        CompileError{root->off, root->len, name + " must be " + need + ", got " + type_name(t)};
    return out;
  }
  FrameAccess::root(out.expr) = std::shared_ptr<const Node>(std::move(root));
  FrameAccess::text(out.expr) = std::make_shared<const std::string>(text);
  return out;
}

}  // namespace

Environment::Environment(Scope scope, const RuleData* data) : scope_(scope), data_(data) {}
Environment::~Environment() = default;

std::string Environment::check_let_name(std::string_view name) const {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return "'" + std::string(name) + "' is not a name (letters, digits and _, not first a digit)";
  }
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      return "'" + std::string(name) + "' is not a name (letters, digits and _, not first a digit)";
    }
  }
  if (name == "true" || name == "false" || name == "in") {
    return "'" + std::string(name) + "' is a keyword";
  }
  for (const auto& s : kScopeVars) {
    if (name == s.name) return "'" + std::string(name) + "' is a variable of the language";
  }
  if (find_builtin(name) != nullptr) {
    return "'" + std::string(name) + "' is a built-in function";
  }
  for (const auto& l : lets_) {
    if (l.name == name) return "'" + std::string(name) + "' is already defined";
  }
  return {};
}

bool Environment::declare_let(const std::string& name, CompiledExpr& expr) {
  if (!expr.valid() || !check_let_name(name).empty()) return false;
  auto node = std::make_shared<Node>();
  node->op = Op::kLet;
  node->slot = static_cast<uint32_t>(lets_.size());
  node->type = expr.type();
  node->let_expr = FrameAccess::root(expr);
  node->off = node->let_expr->off;
  node->len = node->let_expr->len;
  node->name = name;
  lets_.push_back(Let{name, node, node->type});
  FrameAccess::root(expr) = node;
  return true;
}

CompileResult compile(std::string_view text, const Environment& env, Expect expect,
                      std::string_view what) {
  CompileError err;
  NodePtr root = parse_expression(text, err);
  return finish_compile(std::move(root), text, env, expect, what, err);
}

CompileResult compile_template(std::string_view text, const Environment& env) {
  CompileError err;
  NodePtr root = parse_template(text, err);
  return finish_compile(std::move(root), text, env, Expect::kString, "message", err);
}

std::vector<NameInfo> scope_variables(Scope s) {
  std::vector<NameInfo> out;
  for (const auto& v : kScopeVars) {
    if (var_in_scope(v.var, s)) out.push_back(NameInfo{v.name, kind_name(v.kind), v.doc});
  }
  return out;
}

}  // namespace nprcheck::expr
