// The compact episode form of rule tests: a few YAML lines -> an Episode of the model.
#include <memory>

#include "rule_file.hpp"

namespace nprcheck::rules_detail {

namespace {

const std::vector<std::string> kEpisodeKeys = {"id",
                                               "inn",
                                               "ut",
                                               "omsorgsniva",
                                               "innmateHast",
                                               "kjonn",
                                               "fodselsar",
                                               "avdeling",
                                               "radiologi",
                                               "ref_enheter",
                                               "tilstander",
                                               "tiltak",
                                               "helseperson_rolle",
                                               "helseperson_spesialist"};
const std::vector<std::string> kTilstandKeys = {"nr", "koder"};
const std::vector<std::string> kKodeKeys = {"verdi", "kodeverk"};
const std::vector<std::string> kTiltakKeys = {"type", "dato", "slutt", "tjeneste_dato",
                                              "prosedyrer"};
const std::vector<std::string> kProsedyreKeys = {"nr", "tilstNr", "koder"};

struct Builder {
  const SourceFile& file;
  Diagnostics& diag;
  bool ok = true;

  void error(const YAML::Node& n, std::string msg) {
    file.error(diag, SourceFile::pos_of(n.Mark()), std::move(msg));
    ok = false;
  }
  uint32_t line(const YAML::Node& n) const { return SourceFile::pos_of(n.Mark()).line; }

  std::string text(const YAML::Node& n, const char* key) {
    if (!n.IsScalar()) {
      error(n, std::string("'") + key + "' must be a text");
      return {};
    }
    return n.Scalar();
  }
  int integer(const YAML::Node& n, const char* key) {
    if (n.IsScalar()) {
      try {
        size_t used = 0;
        int v = std::stoi(n.Scalar(), &used);
        if (used == n.Scalar().size()) return v;
      } catch (...) {
      }
    }
    error(n, std::string("'") + key + "' must be an integer");
    return 0;
  }
  std::optional<DateTime> date(const YAML::Node& n, const char* key) {
    if (n.IsScalar()) {
      if (auto d = parse_date_time(n.Scalar())) return d;
    }
    error(n, std::string("'") + key + "' is not a date or date-time (2017-03-02T08:15:00)");
    return std::nullopt;
  }
  bool boolean(const YAML::Node& n, const char* key) {
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      if (s == "true" || s == "yes") return true;
      if (s == "false" || s == "no") return false;
    }
    error(n, std::string("'") + key + "' must be true or false");
    return false;
  }

  // A code: `E702` or {verdi: E702, kodeverk: D}.
  std::optional<Kode> kode(const YAML::Node& n, const char* default_kodeverk, int nr) {
    Kode k;
    k.kodeverk = default_kodeverk;
    k.kode_nr = nr;
    k.line = line(n);
    if (n.IsScalar()) {
      k.verdi = n.Scalar();
    } else if (n.IsMap()) {
      if (!check_keys(file, n, kKodeKeys, "a code", diag)) ok = false;
      if (auto v = n["verdi"]) {
        k.verdi = text(v, "verdi");
      } else {
        error(n, "a code needs 'verdi'");
      }
      if (auto v = n["kodeverk"]) k.kodeverk = text(v, "kodeverk");
    } else {
      error(n, "a code is a value (E702) or a map {verdi: E702, kodeverk: D}");
      return std::nullopt;
    }
    return k;
  }

  std::vector<Kode> koder(const YAML::Node& n, const char* default_kodeverk) {
    std::vector<Kode> out;
    if (!n.IsSequence()) {
      error(n, "codes must be a list, e.g. [E702, M368]");
      return out;
    }
    int nr = 1;
    for (const auto& c : n) {
      if (auto k = kode(c, default_kodeverk, nr++)) out.push_back(std::move(*k));
    }
    return out;
  }

  Tilstand tilstand(const YAML::Node& n, int index) {
    Tilstand t;
    t.tilst_nr = index + 1;
    t.line = line(n);
    if (n.IsSequence()) {
      t.koder = koder(n, "D");
    } else if (n.IsMap()) {
      if (!check_keys(file, n, kTilstandKeys, "a tilstand", diag)) ok = false;
      if (auto v = n["nr"]) t.tilst_nr = integer(v, "nr");
      if (auto v = n["koder"]) t.koder = koder(v, "D");
    } else {
      error(n, "a tilstand is a list of codes or a map {nr: 1, koder: [...]}");
    }
    return t;
  }

  Prosedyre prosedyre(const YAML::Node& n, int index) {
    Prosedyre p;
    p.pros_nr = index + 1;
    p.line = line(n);
    if (n.IsSequence()) {
      p.koder = koder(n, "Q");
    } else if (n.IsMap()) {
      if (!check_keys(file, n, kProsedyreKeys, "a prosedyre", diag)) ok = false;
      if (auto v = n["nr"]) p.pros_nr = integer(v, "nr");
      if (auto v = n["tilstNr"]) p.tilst_nr = integer(v, "tilstNr");
      if (auto v = n["koder"]) p.koder = koder(v, "Q");
    } else {
      error(n, "a prosedyre is a list of codes or a map {nr: 1, koder: [...]}");
    }
    return p;
  }

  Tiltak tiltak(const YAML::Node& n, int& pros_index) {
    Tiltak t;
    t.line = line(n);
    if (!check_keys(file, n, kTiltakKeys, "a tiltak", diag)) {
      ok = false;
      if (!n.IsMap()) return t;
    }
    if (auto v = n["type"]) t.type_tiltak = integer(v, "type");
    if (auto v = n["dato"]) t.start = date(v, "dato");
    if (auto v = n["slutt"]) t.slutt = date(v, "slutt");
    if (auto v = n["tjeneste_dato"]) t.tjeneste_start = date(v, "tjeneste_dato");
    if (auto v = n["prosedyrer"]) {
      if (!v.IsSequence()) {
        error(v, "'prosedyrer' must be a list");
      } else {
        for (const auto& p : v) t.prosedyrer.push_back(prosedyre(p, pros_index++));
      }
    }
    return t;
  }
};

}  // namespace

std::shared_ptr<const Episode> build_compact_episode(const SourceFile& file, const YAML::Node& node,
                                                     Diagnostics& diagnostics, bool& radiologi) {
  Builder b{file, diagnostics};
  if (!check_keys(file, node, kEpisodeKeys, "a test episode", diagnostics)) {
    if (!node.IsMap()) return nullptr;
    b.ok = false;
  }
  auto e = std::make_shared<Episode>();
  e->location.line = b.line(node);
  e->episode_id = "T1";
  if (auto v = node["id"]) e->episode_id = b.text(v, "id");
  if (auto v = node["inn"]) {
    if (auto d = b.date(v, "inn")) e->inn = *d;
  } else {
    b.error(node, "a test episode needs 'inn' (innDatoTid)");
  }
  if (auto v = node["ut"]) e->ut = b.date(v, "ut");
  if (auto v = node["omsorgsniva"]) e->omsorgsniva = b.integer(v, "omsorgsniva");
  if (auto v = node["innmateHast"]) e->innmate_hast = b.integer(v, "innmateHast");
  // Kontakt/Helseperson (57+): either key makes the episode have one.
  if (auto v = node["helseperson_rolle"]) {
    e->helseperson = true;
    e->helseperson_rolle = b.integer(v, "helseperson_rolle");
  }
  if (auto v = node["helseperson_spesialist"]) {
    e->helseperson = true;
    e->helseperson_spesialist = b.integer(v, "helseperson_spesialist");
  }

  auto pasient = std::make_shared<Pasient>();
  pasient->pasient_nr = "P1";
  pasient->line = e->location.line;
  if (auto v = node["kjonn"]) pasient->kjonn = b.integer(v, "kjonn");
  if (auto v = node["fodselsar"]) pasient->fodselsar = b.integer(v, "fodselsar");
  e->pasient = pasient;

  std::string avdeling = "4200";
  if (auto v = node["avdeling"]) avdeling = b.text(v, "avdeling");
  radiologi = false;
  if (auto v = node["radiologi"]) radiologi = b.boolean(v, "radiologi");

  auto melding = std::make_shared<MeldingInfo>();
  melding->file = file.display();
  melding->versjon = "57.0.1";
  melding->meldingstype = "NPR_ORD";
  melding->enheter = {Enhet{"1", "4001", "Behandlingssted", "983974724", 0},
                      Enhet{"2", "4210", "Fagenhet", "983974724", 0},
                      Enhet{"3", avdeling, "Avdeling " + avdeling, "983974724", 0}};
  e->melding = melding;

  if (auto v = node["ref_enheter"]) {
    if (!v.IsSequence()) {
      b.error(v, "'ref_enheter' must be a list of [enhetID, typeEnhet] pairs");
    } else {
      for (const auto& r : v) {
        if (!r.IsSequence() || r.size() != 2) {
          b.error(r, "a ref_enhet is a pair [enhetID, typeEnhet]");
          continue;
        }
        e->ref_enheter.push_back(
            RefEnhet{b.text(r[0], "enhetID"), b.integer(r[1], "typeEnhet"), b.line(r)});
      }
    }
  } else {
    e->ref_enheter = {RefEnhet{"1", 1, 0}, RefEnhet{"2", 2, 0}, RefEnhet{"3", 7, 0}};
  }

  if (auto v = node["tilstander"]) {
    if (!v.IsSequence()) {
      b.error(v, "'tilstander' must be a list");
    } else {
      int i = 0;
      for (const auto& t : v) e->tilstander.push_back(b.tilstand(t, i++));
      std::stable_sort(
          e->tilstander.begin(), e->tilstander.end(),
          [](const Tilstand& x, const Tilstand& y) { return x.tilst_nr < y.tilst_nr; });
    }
  }
  if (auto v = node["tiltak"]) {
    if (!v.IsSequence()) {
      b.error(v, "'tiltak' must be a list");
    } else {
      int pros_index = 0;
      for (const auto& t : v) e->tiltak.push_back(b.tiltak(t, pros_index));
    }
  }
  if (!b.ok) return nullptr;
  return e;
}

}  // namespace nprcheck::rules_detail
