// The built-in functions of the expression language, registered in ONE table (kBuiltins at the
// end of this file): name, signature, documentation line, argument kinds, result type and
// implementation. docs/rule-language.md documents every entry (a test checks it).
#include <algorithm>

#include "expr_ast.hpp"
#include "nprcheck/code_tables.hpp"

namespace nprcheck::expr::detail {

namespace {

constexpr Type kBoolT{Kind::kBool};
constexpr Type kIntT{Kind::kInt};
constexpr Type kStringT{Kind::kString};
constexpr Type kDateT{Kind::kDate};
constexpr Type kNoT{Kind::kAny};
constexpr Type kIntList{Kind::kList, Kind::kInt};

// ---- General ----

Value fn_has(Frame&, const Node&, const Value* a) { return make_bool(!a[0].null); }

Value fn_size(Frame&, const Node&, const Value* a) {
  return make_int(a[0].kind == Kind::kList ? a[0].list.size
                                           : static_cast<int64_t>(a[0].s().size()));
}

Value fn_starts_with(Frame&, const Node&, const Value* a) {
  return make_bool(a[0].s().substr(0, a[1].s().size()) == a[1].s());
}

Value fn_ends_with(Frame&, const Node&, const Value* a) {
  return make_bool(a[0].s().size() >= a[1].s().size() &&
                   a[0].s().substr(a[0].s().size() - a[1].s().size()) == a[1].s());
}

Value fn_contains(Frame&, const Node&, const Value* a) {
  return make_bool(a[0].s().find(a[1].s()) != std::string_view::npos);
}

Value fn_substr(Frame&, const Node&, const Value* a) {
  std::string_view s = a[0].s();
  int64_t start = std::clamp<int64_t>(a[1].i, 0, static_cast<int64_t>(s.size()));
  int64_t len = std::clamp<int64_t>(a[2].i, 0, static_cast<int64_t>(s.size()) - start);
  return make_string(s.substr(static_cast<size_t>(start), static_cast<size_t>(len)));
}

Value fn_tostring(Frame& f, const Node&, const Value* a) {
  if (a[0].null) return make_string({});
  if (a[0].kind == Kind::kString) return a[0];
  if (a[0].kind == Kind::kKode) return make_string(kode_of(a[0]).verdi);
  return make_string(FrameAccess::keep(f, f.to_text(a[0])));
}

Value fn_join(Frame& f, const Node&, const Value* a) {
  std::string s;
  for (uint32_t i = 0; i < a[0].list.size; ++i) {
    if (i > 0) s.append(a[1].s());
    s += f.to_text(FrameAccess::element(f, a[0], i));
  }
  return make_string(FrameAccess::keep(f, std::move(s)));
}

Value fn_year(Frame&, const Node&, const Value* a) { return make_int(year_of(date_of(a[0]))); }
Value fn_day(Frame&, const Node&, const Value* a) { return make_int(date_of(a[0]).day()); }

// date('YYYY-MM-DD'): the checker turned the literal into a date constant.
Value fn_date(Frame&, const Node& n, const Value*) { return n.kids[0]->constant; }

Value fn_first(Frame& f, const Node& n, const Value* a) {
  if (a[0].list.size == 0) return null_of(n.type);
  return FrameAccess::element(f, a[0], 0);
}

enum class Comp { kExists, kAll, kCount, kFilter };

template <Comp C>
Value fn_comprehension(Frame& f, const Node& n, const Value*) {
  Value list = eval(*n.kids[0], f);
  const Node& pred = *n.kids[2];
  uint32_t size = list.null ? 0 : list.list.size;
  int64_t count = 0;
  size_t mark = FrameAccess::tmp_mark(f);
  for (uint32_t i = 0; i < size; ++i) {
    Value e = FrameAccess::element(f, list, i);
    FrameAccess::var(f, n.slot) = e;  // re-fetched: nested evaluation may grow the slots
    bool ok = truthy(eval(pred, f));
    if constexpr (C == Comp::kExists) {
      if (ok) return make_bool(true);
    } else if constexpr (C == Comp::kAll) {
      if (!ok) return make_bool(false);
    } else if constexpr (C == Comp::kCount) {
      count += ok ? 1 : 0;
    } else {
      if (ok) FrameAccess::tmp_push(f, e);
    }
  }
  if constexpr (C == Comp::kExists) return make_bool(false);
  if constexpr (C == Comp::kAll) return make_bool(true);
  if constexpr (C == Comp::kCount) return make_int(count);
  return FrameAccess::tmp_to_list(f, mark, n.type.elem);
}

// ---- Code tables ----

bool is_q(const Kode& k) { return k.kodeverk == "Q" || k.kodeverk == "q"; }

constexpr KodeSystem kProcedureSystems[] = {KodeSystem::kNcsp, KodeSystem::kNcmp,
                                            KodeSystem::kNcrp};

// Calls pred(system) for the systems a code may belong to: its own, or every procedure system
// for a Q code that no table resolved. True if pred returned true for one.
template <typename Pred>
bool any_system(const Kode& k, Pred&& pred) {
  if (k.system != KodeSystem::kOther) return pred(k.system);
  if (!is_q(k)) return false;
  for (KodeSystem s : kProcedureSystems) {
    if (pred(s)) return true;
  }
  return false;
}

/// True if prepare_episode() resolved `k` against the frame's tables: its facts (Kode::fakta,
/// entry, tekst) answer without a look-up.
bool resolved(const Frame& f, const Kode& k) {
  return k.tables != nullptr && k.tables == f.tables();
}

Value fn_checked(Frame& f, const Node&, const Value* a) {
  const CodeTables* t = f.tables();
  const Kode& k = kode_of(a[0]);
  if (resolved(f, k)) return make_bool((k.fakta & kFaktaChecked) != 0);
  if (t == nullptr) return make_bool(false);
  int year = k.dato.year();
  return make_bool(any_system(k, [&](KodeSystem s) { return t->has_year(s, year); }));
}

Value fn_known(Frame& f, const Node&, const Value* a) {
  const CodeTables* t = f.tables();
  const Kode& k = kode_of(a[0]);
  if (resolved(f, k)) return make_bool((k.fakta & kFaktaKnown) != 0);
  return make_bool(t != nullptr && k.system != KodeSystem::kOther && t->known(k.system, k.verdi));
}

DateTime date_arg(const Node& n, const Value* a, const Kode& k) {
  return n.kids.size() > 1 ? date_of(a[1]) : k.dato;
}

Value fn_valid(Frame& f, const Node& n, const Value* a) {
  const CodeTables* t = f.tables();
  const Kode& k = kode_of(a[0]);
  if (n.kids.size() == 1 && resolved(f, k)) return make_bool((k.fakta & kFaktaValid) != 0);
  return make_bool(t != nullptr && k.system != KodeSystem::kOther &&
                   t->valid_on(k.system, k.verdi, date_arg(n, a, k)));
}

Value fn_longer_exists(Frame& f, const Node&, const Value* a) {
  const CodeTables* t = f.tables();
  const Kode& k = kode_of(a[0]);
  if (resolved(f, k)) return make_bool((k.fakta & kFaktaLonger) != 0);
  if (t == nullptr) return make_bool(false);
  return make_bool(any_system(k, [&](KodeSystem s) { return t->longer_code_exists(s, k.verdi); }));
}

Value fn_more_specific_exists(Frame& f, const Node& n, const Value* a) {
  const CodeTables* t = f.tables();
  const Kode& k = kode_of(a[0]);
  if (n.kids.size() == 1 && resolved(f, k)) return make_bool((k.fakta & kFaktaMoreSpecific) != 0);
  if (t == nullptr) return make_bool(false);
  DateTime d = date_arg(n, a, k);
  return make_bool(
      any_system(k, [&](KodeSystem s) { return t->more_specific_exists(s, k.verdi, d); }));
}

Value fn_valid_years(Frame& f, const Node&, const Value* a) {
  const CodeTables* t = f.tables();
  const Kode& k = kode_of(a[0]);
  uint32_t b = FrameAccess::begin_list(f);
  if (t != nullptr && k.system != KodeSystem::kOther) {
    for (int y : t->valid_years(k.system, k.verdi)) FrameAccess::push(f, make_int(y));
  }
  return FrameAccess::finish_list(f, b, Kind::kInt);
}

Value fn_etterfolger(Frame& f, const Node&, const Value* a) {
  const CodeTables* t = f.tables();
  const Kode& k = kode_of(a[0]);
  if (t == nullptr || k.system == KodeSystem::kOther) return make_string({});
  constexpr size_t kMaxNamed = 4;  // D37 in 2024 has dozens: name a few and say there are more
  const std::vector<std::string_view> codes = t->successors(k.system, k.verdi, k.dato);
  std::string s;
  for (size_t i = 0; i < codes.size() && i < kMaxNamed; ++i) {
    if (i > 0) s += ", ";
    s += codes[i];
  }
  if (codes.size() > kMaxNamed) s += " m.fl.";
  return make_string(FrameAccess::keep(f, std::move(s)));
}

Value fn_table_year(Frame& f, const Node& n, const Value* a) {
  const Kode& k = kode_of(a[0]);
  if (resolved(f, k)) return make_int((k.fakta & kFaktaChecked) != 0 ? k.ar : 0);
  Value c = fn_checked(f, n, a);
  return make_int(c.b ? kode_of(a[0]).dato.year() : 0);
}

Value fn_tekst(Frame& f, const Node&, const Value* a) {
  const CodeTables* t = f.tables();
  const Kode& k = kode_of(a[0]);
  if (resolved(f, k)) return make_string(k.tekst);
  if (t == nullptr || k.system == KodeSystem::kOther) return make_string({});
  return make_string(t->tekst(k.system, k.verdi, k.dato));
}

Value fn_tekst_of(Frame& f, const Node&, const Value* a) {
  const CodeTables* t = f.tables();
  if (t == nullptr) return make_string({});
  // The latest text: a date after every table.
  const DateTime far{int64_t{253402214400}};  // 9999-12-31
  for (KodeSystem s :
       {KodeSystem::kNcrp, KodeSystem::kNcsp, KodeSystem::kNcmp, KodeSystem::kIcd10}) {
    std::string_view x = t->tekst(s, a[0].s(), far);
    if (!x.empty()) return make_string(x);
  }
  return make_string({});
}

const CodeEntry* entry_of(Frame& f, const Kode& k) {
  if (resolved(f, k)) return k.entry;
  const CodeTables* t = f.tables();
  if (t == nullptr || k.system == KodeSystem::kOther) return nullptr;
  return t->find(k.system, k.verdi);
}

Value fn_kjonn_of(Frame& f, const Node&, const Value* a) {
  const CodeEntry* e = entry_of(f, kode_of(a[0]));
  if (e == nullptr || e->kjonn == KodeKjonn::kAlle) return make_string({});
  return make_string(e->kjonn == KodeKjonn::kMann ? "M" : "K");
}

Value fn_stjernekode(Frame& f, const Node&, const Value* a) {
  const CodeEntry* e = entry_of(f, kode_of(a[0]));
  return make_bool(e != nullptr && e->stjernekode);
}

// ---- Code-table flags on the code's date (issue 11: the JSON download's columns) ----

/// The code's entry when a table of its system lists it (reportable or not) on kode.dato.
const CodeEntry* entry_on_date(Frame& f, const Kode& k) {
  if (resolved(f, k)) return (k.fakta & kFaktaListed) != 0 ? k.entry : nullptr;
  const CodeEntry* e = entry_of(f, k);
  if (e == nullptr) return nullptr;
  const int32_t day = k.dato.day();
  for (const auto& p : e->periods) {
    if (p.from_day <= day && day <= p.to_day) return e;
  }
  return nullptr;
}

Value fn_tilleggskode(Frame& f, const Node&, const Value* a) {
  const CodeEntry* e = entry_on_date(f, kode_of(a[0]));
  return make_bool(e != nullptr && e->tilleggskode);
}

Value fn_uspesifikk(Frame& f, const Node&, const Value* a) {
  const CodeEntry* e = entry_on_date(f, kode_of(a[0]));
  return make_bool(e != nullptr && e->uspesifikk);
}

Value fn_rapporteres(Frame& f, const Node&, const Value* a) {
  const Kode& k = kode_of(a[0]);
  if (resolved(f, k)) return make_bool((k.fakta & kFaktaValid) != 0);
  const CodeEntry* e = entry_of(f, k);
  return make_bool(e != nullptr && CodeTables::period_on(*e, k.dato) != nullptr);
}

Value fn_kjonn_kode(Frame& f, const Node&, const Value* a) {
  const CodeEntry* e = entry_on_date(f, kode_of(a[0]));
  if (e == nullptr) return make_int(0);
  return make_int(e->kjonn == KodeKjonn::kMann ? 1 : e->kjonn == KodeKjonn::kKvinne ? 2 : 0);
}

Value fn_foreldrekode(Frame& f, const Node&, const Value* a) {
  const CodeEntry* e = entry_on_date(f, kode_of(a[0]));
  return make_string(e == nullptr ? std::string_view() : std::string_view(e->foreldrekode));
}

Value fn_code_valid(Frame& f, const Node&, const Value* a) {
  const CodeTables* t = f.tables();
  KodeSystem s;
  if (t == nullptr || !parse_kode_system(a[0].s(), s) || s == KodeSystem::kOther) {
    return make_bool(false);
  }
  return make_bool(t->valid_on(s, a[1].s(), date_of(a[2])));
}

Value fn_table_loaded(Frame& f, const Node&, const Value* a) {
  const CodeTables* t = f.tables();
  KodeSystem s;
  if (t == nullptr || !parse_kode_system(a[0].s(), s) || s == KodeSystem::kOther) {
    return make_bool(false);
  }
  return make_bool(a[1].i > 0 && a[1].i < 10000 && t->has_year(s, static_cast<int>(a[1].i)));
}

// ---- Rule data ----

Value fn_in_set(Frame&, const Node& n, const Value* a) {
  if (a[0].kind == Kind::kKode) return make_bool(n.set->contains(kode_of(a[0])));
  return make_bool(n.set->contains(a[0].s()));
}

Value fn_lookup(Frame& f, const Node& n, const Value*) {
  const Node& keys = *n.kids[1];
  size_t k = keys.kids.size();
  std::string_view small[8];
  std::vector<std::string_view> big;
  std::string_view* p = small;
  if (k > 8) {
    big.resize(k);
    p = big.data();
  }
  for (size_t i = 0; i < k; ++i) {
    Value v = eval(*keys.kids[i], f);
    if (v.null) return make_string({});
    p[i] = v.s();
  }
  return make_string(n.mapping->lookup(std::span<const std::string_view>(p, k)));
}

using A = Arg;

// clang-format off
const BuiltinDef kBuiltins[] = {
  // name, signature, doc, min, max, args, ret, result, null_aware, lazy, fn
  {"has", "has(x) -> bool",
   "true unless x is null (an absent optional value: episode.utDatoTid, prosedyre.hovedkode, "
   "episode.hovedtilstand, tiltak.dato, first([]))",
   1, 1, {A::kAny}, Ret::kFixed, kBoolT, true, false, fn_has},
  {"size", "size(list | string) -> int", "number of elements of a list, or bytes of a string",
   1, 1, {A::kListOrString}, Ret::kFixed, kIntT, false, false, fn_size},
  {"startsWith", "startsWith(s, prefix) -> bool", "s starts with prefix",
   2, 2, {A::kString, A::kString}, Ret::kFixed, kBoolT, false, false, fn_starts_with},
  {"endsWith", "endsWith(s, suffix) -> bool", "s ends with suffix",
   2, 2, {A::kString, A::kString}, Ret::kFixed, kBoolT, false, false, fn_ends_with},
  {"contains", "contains(s, sub) -> bool", "s contains sub",
   2, 2, {A::kString, A::kString}, Ret::kFixed, kBoolT, false, false, fn_contains},
  {"substr", "substr(s, start, length) -> string",
   "length bytes of s from byte start (0-based; clipped to s)",
   3, 3, {A::kString, A::kInt, A::kInt}, Ret::kFixed, kStringT, false, false, fn_substr},
  {"tostring", "tostring(x) -> string",
   "x as a message shows it: int decimal, date YYYY-MM-DD, kode its verdi, bool ja/nei, list "
   "comma-separated, null ''",
   1, 1, {A::kAny}, Ret::kFixed, kStringT, true, false, fn_tostring},
  {"join", "join(list, sep) -> string",
   "the elements as tostring() shows them (a kode as its verdi), separated by sep",
   2, 2, {A::kList, A::kString}, Ret::kFixed, kStringT, false, false, fn_join},
  {"year", "year(date) -> int", "the calendar year of a date",
   1, 1, {A::kDate}, Ret::kFixed, kIntT, false, false, fn_year},
  {"day", "day(date) -> int",
   "days since 1970-01-01 of the date's calendar day: compares days, ignoring the time",
   1, 1, {A::kDate}, Ret::kFixed, kIntT, false, false, fn_day},
  {"date", "date('YYYY-MM-DD') -> date", "a date constant (the argument must be a literal)",
   1, 1, {A::kDateLiteral}, Ret::kFixed, kDateT, false, true, fn_date},
  {"first", "first(list<T>) -> T", "the first element; null when the list is empty",
   1, 1, {A::kList}, Ret::kElemOfArg0, kNoT, false, false, fn_first},
  {"exists", "exists(list, x, pred) -> bool",
   "pred holds for at least one element x of the list (x is only visible in pred)",
   3, 3, {A::kList, A::kVarName, A::kPredicate}, Ret::kFixed, kBoolT, false, true,
   fn_comprehension<Comp::kExists>},
  {"all", "all(list, x, pred) -> bool", "pred holds for every element x (true for [])",
   3, 3, {A::kList, A::kVarName, A::kPredicate}, Ret::kFixed, kBoolT, false, true,
   fn_comprehension<Comp::kAll>},
  {"count", "count(list, x, pred) -> int", "the number of elements x for which pred holds",
   3, 3, {A::kList, A::kVarName, A::kPredicate}, Ret::kFixed, kIntT, false, true,
   fn_comprehension<Comp::kCount>},
  {"filter", "filter(list, x, pred) -> list",
   "the elements x for which pred holds, in order",
   3, 3, {A::kList, A::kVarName, A::kPredicate}, Ret::kSameAsArg0, kNoT, false, true,
   fn_comprehension<Comp::kFilter>},
  {"checked", "checked(kode) -> bool",
   "the code can be checked: its system is ICD10, NCSP, NCMP, NCRP, SARKODE or PAKKEFORLOP (or "
   "its kodeverk is Q) and "
   "a table of that system covers year(kode.dato) (an unresolved Q code: any procedure system)",
   1, 1, {A::kKode}, Ret::kFixed, kBoolT, false, false, fn_checked},
  {"known", "known(kode) -> bool",
   "the code is in some loaded table of its system as reportable, any year (unresolved Q code: "
   "false; a category with subdivisions such as A00: false)",
   1, 1, {A::kKode}, Ret::kFixed, kBoolT, false, false, fn_known},
  {"valid", "valid(kode[, date]) -> bool",
   "the code is in a table of its system that is valid on the date (default kode.dato)",
   1, 2, {A::kKode, A::kDate}, Ret::kFixed, kBoolT, false, false, fn_valid},
  {"longer_exists", "longer_exists(kode) -> bool",
   "some longer code of its system (any year) starts with the code",
   1, 1, {A::kKode}, Ret::kFixed, kBoolT, false, false, fn_longer_exists},
  {"more_specific_exists", "more_specific_exists(kode[, date]) -> bool",
   "some longer code that starts with the code is valid on the date (default kode.dato)",
   1, 2, {A::kKode, A::kDate}, Ret::kFixed, kBoolT, false, false, fn_more_specific_exists},
  {"valid_years", "valid_years(kode) -> list<int>",
   "the loaded years in which the code is valid, ascending",
   1, 1, {A::kKode}, Ret::kFixed, kIntList, false, false, fn_valid_years},
  {"etterfolger", "etterfolger(kode) -> string",
   "the code(s) that stand for the code on kode.dato: the shortest longer codes starting with it "
   "that are valid then (D370 -> 'D3700, D3701'), else the codes valid then with the same text "
   "(NCSP TBA10 -> 'BAX10'); at most 4, then ' m.fl.'; '' if none",
   1, 1, {A::kKode}, Ret::kFixed, kStringT, false, false, fn_etterfolger},
  {"table_year", "table_year(kode) -> int",
   "year(kode.dato) when checked(kode), else 0: the table year a finding names",
   1, 1, {A::kKode}, Ret::kFixed, kIntT, false, false, fn_table_year},
  {"tekst", "tekst(kode) -> string", "same as kode.tekst: the code-table text ('' if unknown)",
   1, 1, {A::kKode}, Ret::kFixed, kStringT, false, false, fn_tekst},
  {"tekst_of", "tekst_of(verdi) -> string",
   "the latest text of a code value in any table (NCRP, NCSP, NCMP, then ICD10), for codes that "
   "are not in the episode; '' if none",
   1, 1, {A::kString}, Ret::kFixed, kStringT, false, false, fn_tekst_of},
  {"kjonn_of", "kjonn_of(kode) -> string",
   "'M' or 'K' from a table's Kjønn column, '' when the code has no sex restriction there",
   1, 1, {A::kKode}, Ret::kFixed, kStringT, false, false, fn_kjonn_of},
  {"stjernekode", "stjernekode(kode) -> bool",
   "a table's Stjernekode column marks the code as an asterisk (manifestation) code",
   1, 1, {A::kKode}, Ret::kFixed, kBoolT, false, false, fn_stjernekode},
  // Code-table flags on kode.dato (issue 11); false / 0 / '' when no table lists the code then.
  {"tilleggskode", "tilleggskode(kode) -> bool",
   "the table valid on kode.dato marks the code as a supplementary code (Tilleggskode)",
   1, 1, {A::kKode}, Ret::kFixed, kBoolT, false, false, fn_tilleggskode},
  {"uspesifikk", "uspesifikk(kode) -> bool",
   "the table valid on kode.dato marks the code as unspecific (Uspesifikk_kode = Ja, e.g. J189)",
   1, 1, {A::kKode}, Ret::kFixed, kBoolT, false, false, fn_uspesifikk},
  {"rapporteres", "rapporteres(kode) -> bool",
   "the code may be reported to NPR on kode.dato (Rapporteres_til_NPR = Ja and the date in "
   "Gyldig_* and NPR_Gyldig_*); false for a category with subdivisions such as A00",
   1, 1, {A::kKode}, Ret::kFixed, kBoolT, false, false, fn_rapporteres},
  {"kjonn_kode", "kjonn_kode(kode) -> int",
   "the Kjønn restriction of the table valid on kode.dato: 1 male only, 2 female only, 0 none",
   1, 1, {A::kKode}, Ret::kFixed, kIntT, false, false, fn_kjonn_kode},
  {"foreldrekode", "foreldrekode(kode) -> string",
   "the parent node (Foreldrekode, without dots: A000 -> 'A00', A00 -> 'A00-A09') in the table "
   "valid on kode.dato; '' when none",
   1, 1, {A::kKode}, Ret::kFixed, kStringT, false, false, fn_foreldrekode},
  {"code_valid", "code_valid(system, verdi, date) -> bool",
   "the code value exists in a table of that system ('ICD10', 'NCSP', 'NCMP', 'NCRP') and is "
   "valid on the date",
   3, 3, {A::kSystemName, A::kString, A::kDate}, Ret::kFixed, kBoolT, false, false,
   fn_code_valid},
  {"table_loaded", "table_loaded(system, year) -> bool",
   "a table of that system covers the year",
   2, 2, {A::kSystemName, A::kInt}, Ret::kFixed, kBoolT, false, false, fn_table_loaded},
  {"in_set", "in_set(kode | string, 'set') -> bool",
   "membership in a set of the rule data; a kode matches unqualified entries and entries "
   "qualified by its system, a string only unqualified entries",
   2, 2, {A::kKodeOrString, A::kSetName}, Ret::kFixed, kBoolT, false, false, fn_in_set},
  {"lookup", "lookup('mapping', [k1, ..., kn]) -> string",
   "column n+1 of the first row of the mapping whose first n columns equal k1..kn; '' if none",
   2, 2, {A::kMappingName, A::kKeyList}, Ret::kFixed, kStringT, false, true, fn_lookup},
};
// clang-format on

}  // namespace

std::span<const BuiltinDef> builtin_table() { return kBuiltins; }

const BuiltinDef* find_builtin(std::string_view name) {
  for (const auto& b : kBuiltins) {
    if (name == b.name) return &b;
  }
  return nullptr;
}

}  // namespace nprcheck::expr::detail

namespace nprcheck::expr {

std::vector<NameInfo> builtin_infos() {
  std::vector<NameInfo> out;
  for (const auto& b : detail::kBuiltins) out.push_back(NameInfo{b.name, b.signature, b.doc});
  return out;
}

std::vector<NameInfo> field_infos() {
  std::vector<NameInfo> out;
  for (const auto& f : detail::field_table()) {
    std::string owner = type_name(Type{f.owner});
    std::string sig = type_name(f.type) + (f.nullable ? " (nullable)" : "");
    out.push_back(NameInfo{owner + "." + f.name, sig, f.doc});
  }
  return out;
}

}  // namespace nprcheck::expr
