// The field table of the expression language: every field of every object type, in one place
// (name, type, nullability, documentation line, accessor).
#include "expr_ast.hpp"
#include "nprcheck/code_tables.hpp"

namespace nprcheck::expr::detail {

namespace {

const Episode& E(const Value& v) { return *static_cast<const Episode*>(v.ptr); }
const Pasient& P(const Value& v) { return *static_cast<const Pasient*>(v.ptr); }
const Tilstand& TS(const Value& v) { return *static_cast<const Tilstand*>(v.ptr); }
const Tiltak& TT(const Value& v) { return *static_cast<const Tiltak*>(v.ptr); }
const Prosedyre& PR(const Value& v) { return *static_cast<const Prosedyre*>(v.ptr); }
const Kode& K(const Value& v) { return *static_cast<const Kode*>(v.ptr); }
const RefEnhet& R(const Value& v) { return *static_cast<const RefEnhet*>(v.ptr); }

constexpr Type kBoolT{Kind::kBool};
constexpr Type kIntT{Kind::kInt};
constexpr Type kStringT{Kind::kString};
constexpr Type kDateT{Kind::kDate};
constexpr Type kKodeT{Kind::kKode};
constexpr Type kTilstandT{Kind::kTilstand};
constexpr Type kKodeList{Kind::kList, Kind::kKode};
constexpr Type kStringList{Kind::kList, Kind::kString};
constexpr Type kTilstandList{Kind::kList, Kind::kTilstand};
constexpr Type kTiltakList{Kind::kList, Kind::kTiltak};
constexpr Type kProsedyreList{Kind::kList, Kind::kProsedyre};
constexpr Type kRefEnhetList{Kind::kList, Kind::kRefEnhet};

// The first Tilstand that has at least one code, or nullptr.
const Tilstand* hovedtilstand_of(const Episode& e) {
  for (const auto& t : e.tilstander) {
    if (!t.koder.empty()) return &t;
  }
  return nullptr;
}

// The bitilstander (every Tilstand with a code but the hovedtilstand), or their codes.
Value bitilstand_list(Frame& f, const Episode& e, bool codes) {
  const Tilstand* hoved = hovedtilstand_of(e);
  uint32_t b = FrameAccess::begin_list(f);
  for (const auto& t : e.tilstander) {
    if (&t == hoved || t.koder.empty()) continue;
    if (!codes) {
      FrameAccess::push(f, make_ptr(Kind::kTilstand, &t));
      continue;
    }
    for (const auto& k : t.koder) FrameAccess::push(f, make_ptr(Kind::kKode, &k));
  }
  return FrameAccess::finish_list(f, b, codes ? Kind::kKode : Kind::kTilstand);
}

// Appends the codes of the episode: diagnoses (if `diag`), then procedures (if `pros`).
Value codes_of(Frame& f, const Episode& e, bool diag, bool pros) {
  uint32_t b = FrameAccess::begin_list(f);
  if (diag) {
    for (const auto& t : e.tilstander) {
      for (const auto& k : t.koder) FrameAccess::push(f, make_ptr(Kind::kKode, &k));
    }
  }
  if (pros) {
    for (const auto& t : e.tiltak) {
      for (const auto& p : t.prosedyrer) {
        for (const auto& k : p.koder) FrameAccess::push(f, make_ptr(Kind::kKode, &k));
      }
    }
  }
  return FrameAccess::finish_list(f, b, Kind::kKode);
}

// Where a Kode stands: is it a diagnosis code, and is it the first code of its owner.
struct KodePlace {
  bool diagnose = false;
  bool first = false;
};

KodePlace place_of(const Frame& f, const Kode& k) {
  const Episode& e = f.episode();
  for (const auto& t : e.tilstander) {
    if (!t.koder.empty() && &k >= &t.koder.front() && &k <= &t.koder.back()) {
      return {true, &k == &t.koder.front()};
    }
  }
  for (const auto& tt : e.tiltak) {
    for (const auto& p : tt.prosedyrer) {
      if (!p.koder.empty() && &k >= &p.koder.front() && &k <= &p.koder.back()) {
        return {false, &k == &p.koder.front()};
      }
    }
  }
  return {};
}

// A Kode's place, fast when it is the bound kode or in the bound tilstand/prosedyre.
KodePlace kode_place(const Frame& f, const Kode& k) {
  const Bindings& b = f.bindings();
  if (b.tilstand != nullptr && !b.tilstand->koder.empty() && &k >= &b.tilstand->koder.front() &&
      &k <= &b.tilstand->koder.back()) {
    return {true, &k == &b.tilstand->koder.front()};
  }
  if (b.prosedyre != nullptr && !b.prosedyre->koder.empty() && &k >= &b.prosedyre->koder.front() &&
      &k <= &b.prosedyre->koder.back()) {
    return {false, &k == &b.prosedyre->koder.front()};
  }
  return place_of(f, k);
}

const FieldDef kFields[] = {
    // ---- episode ----
    {Kind::kEpisode, "id", kStringT, false, "@episodeID",
     [](const Value& o, Frame&) { return make_string(E(o).episode_id); }},
    {Kind::kEpisode, "innDatoTid", kDateT, false, "@innDatoTid (date and time)",
     [](const Value& o, Frame&) { return make_date(E(o).inn); }},
    {Kind::kEpisode, "utDatoTid", kDateT, true, "@utDatoTid; null when absent",
     [](const Value& o, Frame&) {
       const Episode& e = E(o);
       return e.ut ? make_date(*e.ut) : null_of(kDateT);
     }},
    {Kind::kEpisode, "slutt_dato", kDateT, false,
     "utDatoTid, else innDatoTid: the date diagnoses are checked against",
     [](const Value& o, Frame&) { return make_date(E(o).slutt_dato()); }},
    {Kind::kEpisode, "omsorgsniva", kIntT, false,
     "@omsorgsniva (1 døgn, 2 dag, 3 poliklinikk, ...); 0 when absent",
     [](const Value& o, Frame&) { return make_int(E(o).omsorgsniva); }},
    {Kind::kEpisode, "innmateHast", kIntT, false, "@innmateHast; 0 when absent",
     [](const Value& o, Frame&) { return make_int(E(o).innmate_hast); }},
    // Kontakt/Helseperson (NPR-melding 57+, issue 11); helsepersonHPR is not a field.
    {Kind::kEpisode, "helseperson", kBoolT, false,
     "a Kontakt holds a Helseperson (the performing clinician, NPR-melding 57+)",
     [](const Value& o, Frame&) { return make_bool(E(o).helseperson); }},
    {Kind::kEpisode, "helseperson_rolle", kIntT, false,
     "@rolle of the Helseperson (the responsible one, rolle 1, if any, else the first): "
     "1 responsible, 2 co-therapist; 0 when none or absent",
     [](const Value& o, Frame&) { return make_int(E(o).helseperson_rolle); }},
    {Kind::kEpisode, "helseperson_spesialist", kIntT, false,
     "@spesialist of that Helseperson: 1 yes, 2 no, 9 unknown; 0 when none or absent",
     [](const Value& o, Frame&) { return make_int(E(o).helseperson_spesialist); }},
    {Kind::kEpisode, "avdeling", kStringT, false,
     "reshID of the avdeling (RefEnhet typeEnhet 7); '' when none",
     [](const Value& o, Frame&) { return make_string(E(o).avdeling); }},
    {Kind::kEpisode, "unit", kStringT, false,
     "reshID of the level-2 unit (the avdeling without a units catalogue)",
     [](const Value& o, Frame&) { return make_string(E(o).unit); }},
    {Kind::kEpisode, "radiologi", kBoolT, false,
     "the avdeling is a radiology unit in the units catalogue",
     [](const Value& o, Frame&) { return make_bool(E(o).radiologi); }},
    {Kind::kEpisode, "feil", kIntT, false,
     "error findings of the episode in this run (indicators; 0 while rules run)",
     [](const Value& o, Frame&) { return make_int(E(o).feil); }},
    {Kind::kEpisode, "tilstander", kTilstandList, false, "every Tilstand, sorted by tilstNr",
     [](const Value& o, Frame& f) {
       return FrameAccess::list_of(f, E(o).tilstander, Kind::kTilstand);
     }},
    {Kind::kEpisode, "hovedtilstand", kTilstandT, true,
     "the first Tilstand that has at least one code; null when none",
     [](const Value& o, Frame&) { return make_ptr(Kind::kTilstand, hovedtilstand_of(E(o))); }},
    {Kind::kEpisode, "bitilstander", kTilstandList, false,
     "every Tilstand with a code other than the hovedtilstand, by tilstNr",
     [](const Value& o, Frame& f) { return bitilstand_list(f, E(o), false); }},
    {Kind::kEpisode, "bitilstandkoder", kKodeList, false,
     "the codes of every bitilstand, by tilstNr and kodeNr",
     [](const Value& o, Frame& f) { return bitilstand_list(f, E(o), true); }},
    {Kind::kEpisode, "alder", kIntT, true,
     "the patient's age: year of innDatoTid - fodselsar; null when fodselsar is absent",
     [](const Value& o, Frame&) {
       const Episode& e = E(o);
       if (!e.pasient || e.pasient->fodselsar == 0) return null_of(kIntT);
       return make_int(year_of(e.inn) - e.pasient->fodselsar);
     }},
    {Kind::kEpisode, "tiltak", kTiltakList, false, "every Tiltak, in document order",
     [](const Value& o, Frame& f) { return FrameAccess::list_of(f, E(o).tiltak, Kind::kTiltak); }},
    {Kind::kEpisode, "prosedyrer", kProsedyreList, false,
     "every Prosedyre of every Tiltak, in document order",
     [](const Value& o, Frame& f) {
       uint32_t b = FrameAccess::begin_list(f);
       for (const auto& t : E(o).tiltak) {
         for (const auto& p : t.prosedyrer) FrameAccess::push(f, make_ptr(Kind::kProsedyre, &p));
       }
       return FrameAccess::finish_list(f, b, Kind::kProsedyre);
     }},
    {Kind::kEpisode, "ref_enheter", kRefEnhetList, false, "every RefEnhet",
     [](const Value& o, Frame& f) {
       return FrameAccess::list_of(f, E(o).ref_enheter, Kind::kRefEnhet);
     }},
    {Kind::kEpisode, "koder", kKodeList, false,
     "every code: the diagnosis codes, then the procedure codes",
     [](const Value& o, Frame& f) { return codes_of(f, E(o), true, true); }},
    {Kind::kEpisode, "diagnosekoder", kKodeList, false, "the codes of every Tilstand",
     [](const Value& o, Frame& f) { return codes_of(f, E(o), true, false); }},
    {Kind::kEpisode, "prosedyrekoder", kKodeList, false, "the codes of every Prosedyre",
     [](const Value& o, Frame& f) { return codes_of(f, E(o), false, true); }},
    {Kind::kEpisode, "prosedyresystemer", kStringList, false,
     "the systems ('NCSP', 'NCMP', 'NCRP', 'ICD10', 'ANNET') of the procedure codes, each once "
     "(known per episode: 'NCRP' in episode.prosedyresystemer is constant time)",
     [](const Value& o, Frame& f) {
       uint32_t b = FrameAccess::begin_list(f);
       for (unsigned s = 0; s <= static_cast<unsigned>(KodeSystem::kOther); ++s) {
         if ((E(o).prosedyre_systemer & (1u << s)) != 0) {
           FrameAccess::push(f, make_string(kode_system_name(static_cast<KodeSystem>(s))));
         }
       }
       return FrameAccess::finish_list(f, b, Kind::kString);
     }},
    // ---- pasient ----
    {Kind::kPasient, "nr", kStringT, false, "@pasientNr",
     [](const Value& o, Frame&) { return make_string(P(o).pasient_nr); }},
    {Kind::kPasient, "kjonn", kIntT, false,
     "@kjonn: 0 unknown, 1 male, 2 female, 9 not specified; -1 when absent",
     [](const Value& o, Frame&) { return make_int(P(o).kjonn); }},
    {Kind::kPasient, "fodselsar", kIntT, false, "@fodselsar; 0 when absent",
     [](const Value& o, Frame&) { return make_int(P(o).fodselsar); }},
    // ---- tilstand ----
    {Kind::kTilstand, "nr", kIntT, false, "@tilstNr",
     [](const Value& o, Frame&) { return make_int(TS(o).tilst_nr); }},
    {Kind::kTilstand, "koder", kKodeList, false, "its codes, by kodeNr",
     [](const Value& o, Frame& f) { return FrameAccess::list_of(f, TS(o).koder, Kind::kKode); }},
    {Kind::kTilstand, "hovedtilstand", kBoolT, false,
     "it is the episode's hovedtilstand (the first Tilstand with a code)",
     [](const Value& o, Frame& f) { return make_bool(hovedtilstand_of(f.episode()) == &TS(o)); }},
    // ---- tiltak ----
    {Kind::kTiltak, "type", kIntT, false,
     "@typeTiltak (1 medical/surgical, 2 imaging); 0 when absent",
     [](const Value& o, Frame&) { return make_int(TT(o).type_tiltak); }},
    {Kind::kTiltak, "dato", kDateT, true,
     "Tiltak @startDatoTid, else the Tjeneste's @startDatoTid; null when neither",
     [](const Value& o, Frame&) {
       const Tiltak& t = TT(o);
       if (t.start) return make_date(*t.start);
       if (t.tjeneste_start) return make_date(*t.tjeneste_start);
       return null_of(kDateT);
     }},
    {Kind::kTiltak, "prosedyrer", kProsedyreList, false, "its Prosedyre elements",
     [](const Value& o, Frame& f) {
       return FrameAccess::list_of(f, TT(o).prosedyrer, Kind::kProsedyre);
     }},
    // ---- prosedyre ----
    {Kind::kProsedyre, "nr", kIntT, false, "@prosNr",
     [](const Value& o, Frame&) { return make_int(PR(o).pros_nr); }},
    {Kind::kProsedyre, "tilstNr", kIntT, true,
     "@tilstNr: the Tilstand the procedure was done for; null when absent",
     [](const Value& o, Frame&) {
       const Prosedyre& p = PR(o);
       return p.tilst_nr ? make_int(*p.tilst_nr) : null_of(kIntT);
     }},
    {Kind::kProsedyre, "hovedkode", kKodeT, true, "koder[0], the main code; null when no code",
     [](const Value& o, Frame&) {
       const Prosedyre& p = PR(o);
       return make_ptr(Kind::kKode, p.koder.empty() ? nullptr : &p.koder.front());
     }},
    {Kind::kProsedyre, "koder", kKodeList, false, "its codes, by kodeNr",
     [](const Value& o, Frame& f) { return FrameAccess::list_of(f, PR(o).koder, Kind::kKode); }},
    {Kind::kProsedyre, "tilleggskoder", kKodeList, false, "koder[1..]: the supplementary codes",
     [](const Value& o, Frame& f) {
       const Prosedyre& p = PR(o);
       uint32_t b = FrameAccess::begin_list(f);
       for (size_t i = 1; i < p.koder.size(); ++i) {
         FrameAccess::push(f, make_ptr(Kind::kKode, &p.koder[i]));
       }
       return FrameAccess::finish_list(f, b, Kind::kKode);
     }},
    {Kind::kProsedyre, "dato", kDateT, false,
     "Tiltak start, else Tjeneste start, else the episode's innDatoTid",
     [](const Value& o, Frame&) { return make_date(PR(o).dato); }},
    {Kind::kProsedyre, "tiltak_type", kIntT, false,
     "typeTiltak of its Tiltak (0 when absent or not known)",
     [](const Value& o, Frame& f) {
       const Prosedyre* p = &PR(o);
       const Bindings& b = f.bindings();
       if (b.tiltak != nullptr && b.prosedyre == p) return make_int(b.tiltak->type_tiltak);
       for (const auto& t : f.episode().tiltak) {
         if (!t.prosedyrer.empty() && p >= &t.prosedyrer.front() && p <= &t.prosedyrer.back()) {
           return make_int(t.type_tiltak);
         }
       }
       return make_int(0);
     }},
    // ---- kode ----
    {Kind::kKode, "verdi", kStringT, false, "@kodeVerdi, without dots (E702)",
     [](const Value& o, Frame&) { return make_string(K(o).verdi); }},
    {Kind::kKode, "kodeverk", kStringT, false, "@kodeverk as read (D, Q, K, M, R, ...)",
     [](const Value& o, Frame&) { return make_string(K(o).kodeverk); }},
    {Kind::kKode, "system", kStringT, false,
     "'ICD10', 'NCSP', 'NCMP', 'NCRP' or 'ANNET' (Q resolved through the code tables)",
     [](const Value& o, Frame&) { return make_string(kode_system_name(K(o).system)); }},
    {Kind::kKode, "nr", kIntT, false, "@kodeNr",
     [](const Value& o, Frame&) { return make_int(K(o).kode_nr); }},
    {Kind::kKode, "dato", kDateT, false,
     "the date the code is checked against (diagnosis: episode slutt_dato; procedure: its "
     "Prosedyre's dato)",
     [](const Value& o, Frame&) { return make_date(K(o).dato); }},
    {Kind::kKode, "diagnose", kBoolT, false, "it stands in a Tilstand (else in a Prosedyre)",
     [](const Value& o, Frame& f) { return make_bool(kode_place(f, K(o)).diagnose); }},
    {Kind::kKode, "hovedkode", kBoolT, false, "it is the first code of its Tilstand or Prosedyre",
     [](const Value& o, Frame& f) { return make_bool(kode_place(f, K(o)).first); }},
    {Kind::kKode, "forekomster", kIntT, false,
     "how many of the episode's diagnosis codes (for a diagnosis) or procedure codes (for a "
     "procedure code) have its verdi, itself included (counted once per episode)",
     [](const Value& o, Frame&) { return make_int(K(o).forekomster); }},
    {Kind::kKode, "forste_forekomst", kBoolT, false,
     "no diagnosis code (procedure code) before it in the episode has its verdi",
     [](const Value& o, Frame&) { return make_bool(K(o).forste_forekomst); }},
    {Kind::kKode, "tekst", kStringT, false,
     "the code-table text on its date, else the latest text, else ''",
     [](const Value& o, Frame& f) {
       const Kode& k = K(o);
       if (k.tables != nullptr && k.tables == f.tables()) return make_string(k.tekst);
       if (f.tables() == nullptr || k.system == KodeSystem::kOther) return make_string({});
       return make_string(f.tables()->tekst(k.system, k.verdi, k.dato));
     }},
    // ---- refenhet ----
    {Kind::kRefEnhet, "enhet_id", kStringT, false, "@enhetID it points to",
     [](const Value& o, Frame&) { return make_string(R(o).enhet_id); }},
    {Kind::kRefEnhet, "type", kIntT, false,
     "@typeEnhet (1 behandlingssted, 2 fagenhet, 7 avdeling)",
     [](const Value& o, Frame&) { return make_int(R(o).type_enhet); }},
    {Kind::kRefEnhet, "finnes", kBoolT, false, "an Enhet with that enhetID exists in the message",
     [](const Value& o, Frame& f) {
       const auto& m = f.episode().melding;
       return make_bool(m != nullptr && m->find_enhet(R(o).enhet_id) != nullptr);
     }},
};

}  // namespace

std::span<const FieldDef> field_table() { return kFields; }

const FieldDef* find_field(Kind owner, std::string_view name) {
  for (const auto& f : kFields) {
    if (f.owner == owner && name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace nprcheck::expr::detail
