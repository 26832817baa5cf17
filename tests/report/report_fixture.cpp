// Findings and a manifest for the report tests (see report_fixture.hpp).
#include "report_fixture.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "nprcheck/hash.hpp"

namespace report_test {

namespace fs = std::filesystem;
using nprcheck::Finding;
using nprcheck::FindingCode;
using nprcheck::KodeSystem;
using nprcheck::ManifestRule;
using nprcheck::Severity;

std::string code_text(int year, const std::string& system, const std::string& code) {
  static std::map<std::string, std::map<std::string, std::string>> cache;
  std::string file =
      std::string(NPRCHECK_TESTDATA) + "/tables/" + std::to_string(year) + "/" + system + ".csv";
  auto [it, inserted] = cache.try_emplace(file);
  if (inserted) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      auto semi = line.find(';');
      if (semi == std::string::npos) continue;
      std::string text = line.substr(semi + 1);
      if (!text.empty() && text.back() == '\r') text.pop_back();
      it->second[line.substr(0, semi)] = text;
    }
  }
  auto c = it->second.find(code);
  return c == it->second.end() ? std::string() : c->second;
}

FindingCode code(const std::string& value, KodeSystem system, int year) {
  FindingCode c;
  c.verdi = value;
  c.system = system;
  c.table_year = year;
  std::string sys = system == KodeSystem::kIcd10  ? "icd10"
                    : system == KodeSystem::kNcsp ? "ncsp"
                    : system == KodeSystem::kNcmp ? "ncmp"
                                                  : "ncrp";
  c.tekst = code_text(year, sys, value);
  if (c.tekst.empty()) {
    // Expired codes: the text from the latest table that has it (as the engine does).
    for (int y = 2017; y >= 2015 && c.tekst.empty(); --y) c.tekst = code_text(y, sys, value);
  }
  return c;
}

std::vector<ManifestRule> manifest_rules() {
  auto r = [](const char* id, Severity s, const char* title, const char* source, const char* docs) {
    ManifestRule m;
    m.id = id;
    m.severity = s;
    m.title = title;
    m.source = source;
    // As the rule files write it: Markdown with code, bold, hard line breaks and the
    // "what to do" sentence last.
    m.docs = std::string("Regelen `") + id + "` kontrollerer episodene i uttrekket, og\n" +
             "gjelder **alle** episoder ved enheten.\n\n- kilde: " + source +
             "\n- se også regelsettet\n\n**Hva du gjør:** " + docs;
    m.isf = std::string_view(id) == "EPI-001";
    return m;
  };
  const Severity E = Severity::kError, W = Severity::kWarning;
  const char* npr = "NPRs krav til NPR-melding";
  const char* kv = "Kodeveiledning ICD-10/NCSP";
  const char* bv = "RHF/13/03/03-179 Koding av bildeveiledet aktivitet (BV)";
  return {
      r("EPI-001", E, "Episoden mangler hovedtilstand", npr,
        "Registrer minst én tilstand med kode på episoden i DIPS før den rapporteres."),
      r("EPI-002", E, "Utdato er før inndato", npr,
        "Rett inn- eller utdato i DIPS slik at utdato ikke er før inndato."),
      r("EPI-003", E, "Mangler behandlingssted, fagenhet eller avdeling", npr,
        "Kontroller at episoden har behandlingssted, fagenhet og avdeling, og at enhetene finnes."),
      r("EPI-004", W, "Prosedyredato utenfor episoden", npr,
        "Kontroller datoen på tiltaket, eller om prosedyren hører til en annen episode."),
      r("EPI-005", W, "Dagbehandling eller poliklinikk over flere døgn", npr,
        "Kontroller omsorgsnivå og utdato."),
      r("EPI-006", E, "Ugyldig fødselsår", npr, "Kontroller fødselsåret i pasientopplysningene."),
      r("KODE-001", E, "Ukjent kode", kv,
        "Koden finnes ikke i kodeverket. Rett skrivefeilen eller velg en gyldig kode."),
      r("KODE-002", E, "Koden er ikke gyldig på datoen", kv,
        "Koden er utgått eller ikke innført på datoen. Velg koden som gjelder for datoen."),
      r("KODE-003", W, "Ikke mest spesifikke kode", kv,
        "Bruk en mer spesifikk underkode når den finnes."),
      r("KODE-004", E, "Kjønnsspesifikk kode passer ikke pasientens kjønn", kv,
        "Kontroller koden og pasientens kjønn."),
      r("KODE-005", E, "Tilleggskode står først eller alene", kv,
        "Registrer hovedprosedyren først og tilleggskoden (Z) etter."),
      r("KODE-006", E, "Stjernekode som hovedtilstand", kv,
        "Registrer etiologikoden først og stjernekoden etter."),
      r("KODE-007", W, "Samme diagnosekode flere ganger", kv, "Fjern den doble registreringen."),
      r("BV-001", E, "Bildeveiledet prosedyre uten ZXM eller NCRP", bv,
        "Registrer NCRP-koden der den finnes; ellers NCSP-koden med tilleggskode fra ZXM for "
        "bildeveiledningen."),
      r("BV-002", W, "NCSP + ZXM der en NCRP-kode finnes", bv,
        "Erstatt NCSP + ZXM med NCRP-koden meldingen nevner."),
      r("BV-003", E, "Bildediagnostisk tiltak uten prosedyrekode", bv,
        "Kod all bildediagnostikk, også ultralyd og mobile enheter som C-bue."),
      r("BV-004", W, "ZXM-kode til en kode som ikke er NCSP", bv,
        "Fjern ZXM-koden: NCRP-koden angir allerede modaliteten."),
  };
}

namespace {

struct UnitDef {
  std::string id;
  std::string name;
  std::vector<std::string> avdelinger;
};

Finding base(const UnitDef& u, int i, const std::string& avdeling, uint64_t seq) {
  Finding f;
  f.file = "testdata/example/uttrekk-2017.xml";
  f.file_id = 0;
  f.episode_sequence = seq;
  f.line = static_cast<uint32_t>(100 + seq * 40);
  f.episode_id = "E17-" + u.id + "-" + std::to_string(1000 + i);
  f.pasient_nr = "P" + std::to_string(500000 + static_cast<int>(seq) * 7);
  f.avdeling = avdeling;
  f.unit = u.id;
  f.unit_name = u.name;
  char date[16];
  std::snprintf(date, sizeof date, "2017-%02d-%02d", 1 + i % 12, 1 + i % 28);
  f.dato = date;
  return f;
}

/// The planted findings of one episode: kind 0..6.
std::vector<Finding> plant(const Finding& b, int kind) {
  std::vector<Finding> out;
  auto add = [&](const char* rule, Severity s, std::vector<FindingCode> codes, std::string msg) {
    Finding f = b;
    f.rule_id = rule;
    f.severity = s;
    f.isf = std::string_view(rule) == "EPI-001";  // ISF-relevant in the shipped rules
    f.codes = std::move(codes);
    f.message = std::move(msg);
    f.object_index = static_cast<uint32_t>(out.size());
    out.push_back(std::move(f));
  };
  switch (kind) {
    case 0:
      add("EPI-001", Severity::kError, {},
          "Episoden har ingen tilstand med kode. Registrer hovedtilstand.");
      break;
    case 1:
      add("KODE-002", Severity::kError, {code("A90", KodeSystem::kIcd10, 2017)},
          "A90 er ikke gyldig i 2017 (gyldig 2015). Velg koden som gjelder for datoen.");
      add("KODE-003", Severity::kWarning, {code("S720", KodeSystem::kIcd10, 2017)},
          "S720 er ikke mest spesifikk: bruk en underkode, f.eks. S7200.");
      break;
    case 2:
      add("BV-001", Severity::kError, {code("JJX00", KodeSystem::kNcsp, 2017)},
          "JJX00 var bildeveiledet, men mangler ZXM-kode, og episoden har ingen NCRP-kode.");
      break;
    case 3:
      add("BV-002", Severity::kWarning,
          {code("JJX00", KodeSystem::kNcsp, 2017), code("ZXM00", KodeSystem::kNcsp, 2017)},
          "JJX00 + ZXM00 har en NCRP-kode: bruk JJB06K.");
      break;
    case 4:
      add("KODE-004", Severity::kError, {code("C61", KodeSystem::kIcd10, 2017)},
          "C61 gjelder bare menn, men pasienten er kvinne.");
      break;
    case 5:
      add("KODE-007", Severity::kWarning, {code("E702", KodeSystem::kIcd10, 2017)},
          "E702 er registrert flere ganger i episoden.");
      break;
    default:
      add("KODE-001", Severity::kError, {code("XYZ99", KodeSystem::kIcd10, 2017)},
          "XYZ99 finnes ikke i ICD-10.");
      break;
  }
  return out;
}

}  // namespace

Fixture make_fixture(const FixtureOptions& o) {
  Fixture fx;
  nprcheck::RunManifest& m = fx.manifest;
  m.tool_version = "0.1.0";
  m.rules_dir = std::string(NPRCHECK_SOURCE_DIR) + "/rules";
  m.rules_hash = nprcheck::sha256_hex("rules v1");
  m.rules = manifest_rules();
  m.tables_dir = std::string(NPRCHECK_TESTDATA) + "/tables";
  for (int year : {2015, 2016, 2017}) {
    for (const char* sys : {"icd10", "ncsp", "ncmp", "ncrp"}) {
      fs::path file = fs::path(m.tables_dir) / std::to_string(year) / (std::string(sys) + ".csv");
      if (!fs::exists(file)) continue;
      nprcheck::ManifestTable t;
      t.system = sys;
      for (auto& ch : t.system) ch = static_cast<char>(std::toupper(ch));
      t.year_from = t.year_to = year;
      t.file = file.string();
      auto h = nprcheck::sha256_file(file);
      if (h) t.sha256 = *h;
      t.codes = 1000;
      m.tables.push_back(std::move(t));
    }
  }
  m.missing_tables = {"ICD10 2016"};
  m.units_file = "testdata/example/units.csv";
  m.started = "2017-12-01T02:00:00";
  m.finished = "2017-12-01T02:03:10";

  std::vector<UnitDef> units = {
      {"4201", "Kirurgisk klinikk", {"420101", "420102"}},
      {"4202", "Medisinsk klinikk", {"420201", "420202"}},
      {"4203", "Kvinneklinikken", {"420301"}},
  };
  if (o.evil) {
    units[1].name = "Medisinsk <script>alert('enhet')</script> klinikk";
    units[1].avdelinger.push_back("4202<b>99");
    units.push_back({"../../etc", "Sti <img src=x onerror=alert(3)>", {"../x"}});
  }
  uint64_t seq = 0;
  for (int i = 0; i < o.episodes_per_unit; ++i) {
    for (size_t j = 0; j < units.size(); ++j) {
      const UnitDef& u = units[j];
      const int step = static_cast<int>(j) + 2;  // unit 0: every 2nd episode, unit 1: every 3rd
      // Planted episodes go round the unit's avdelinger, so that each one has findings.
      const std::string& avd = u.avdelinger[static_cast<size_t>(i / step) % u.avdelinger.size()];
      auto& uc = m.per_unit[u.id];
      uc.unit = u.id;
      uc.unit_name = u.name;
      ++uc.episodes;
      ++m.episodes;
      ++seq;
      if (i % step != 0) continue;
      Finding b = base(u, i, avd, seq);
      int kind = (i / step + static_cast<int>(j)) % 7;
      for (Finding& f : plant(b, kind)) {
        if (o.evil && i % 4 == 0) {
          f.message = (i % 8 == 0 ? "=HYPERLINK(\"http://x\";\"klikk\") "
                                  : "<img src=x onerror=alert(1)> ") +
                      f.message;
          for (auto& c : f.codes) c.tekst = "</script><script>alert(2)</script>" + c.tekst;
        }
        if (o.novelty) {
          f.novelty = (i % 3 == 0) ? Finding::Novelty::kNew : Finding::Novelty::kPersisting;
          if (f.novelty == Finding::Novelty::kPersisting) {
            f.first_seen = "2017-11-0" + std::to_string(1 + i % 9);
            f.nights = 2 + i % 20;
          } else {
            f.first_seen = "2017-12-01";
            f.nights = 1;
          }
          if (i == 6 && j == 0) {
            f.waived = true;
            f.waiver_reason =
                "Avklart med NPR: korrekt koding (sak 2017/123) (kari, til 2018-06-30)";
          }
        }
        fx.findings.push_back(std::move(f));
      }
    }
  }
  if (o.large_unit_findings > 0) {
    UnitDef big{"4299", "Stor enhet (ytelsestest)", {"429901", "429902", "429903"}};
    auto& uc = m.per_unit[big.id];
    uc.unit = big.id;
    uc.unit_name = big.name;
    for (uint64_t i = 0; i < o.large_unit_findings; ++i) {
      ++uc.episodes;
      ++m.episodes;
      ++seq;
      Finding b = base(big, static_cast<int>(i), big.avdelinger[i % 3], seq);
      fx.findings.push_back(plant(b, static_cast<int>(i % 7)).front());  // one per episode
    }
  }
  for (const auto& f : fx.findings) {
    ++m.findings;
    ++m.per_rule[f.rule_id];
    ++m.per_severity[f.waived ? "waived" : nprcheck::severity_name(f.severity)];
  }
  return fx;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path temp_dir(const std::string& name) {
  static int counter = 0;
  fs::path p = fs::temp_directory_path() / ("nprcheck-report-test-" + std::to_string(::getpid()) +
                                            "-" + name + "-" + std::to_string(counter++));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  bool in_quotes = false;
  size_t i = 0;
  auto end_cell = [&]() {
    row.push_back(cell);
    cell.clear();
    quoted = false;
  };
  while (i < text.size()) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          i += 2;
          continue;
        }
        in_quotes = false;
      } else {
        cell += c;
      }
      ++i;
      continue;
    }
    if (c == '"' && cell.empty() && !quoted) {
      in_quotes = true;
      quoted = true;
    } else if (c == ';') {
      end_cell();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      end_cell();
      rows.push_back(row);
      row.clear();
      ++i;
    } else {
      cell += c;
    }
    ++i;
  }
  if (!cell.empty() || !row.empty()) {
    end_cell();
    rows.push_back(row);
  }
  return rows;
}

std::string xml_problem(const std::string& xml) {
  std::vector<std::string> stack;
  size_t i = 0;
  auto check_text = [&](const std::string& t) -> std::string {
    for (size_t k = 0; k < t.size(); ++k) {
      if (t[k] == '<') return "raw '<' in text";
      if (t[k] == '&') {
        auto semi = t.find(';', k);
        if (semi == std::string::npos) return "unterminated entity";
        std::string ent = t.substr(k, semi - k + 1);
        if (ent != "&amp;" && ent != "&lt;" && ent != "&gt;" && ent != "&quot;" &&
            ent != "&apos;" && ent.rfind("&#", 0) != 0) {
          return "unknown entity " + ent;
        }
      }
    }
    return "";
  };
  bool root_seen = false;
  while (i < xml.size()) {
    size_t lt = xml.find('<', i);
    std::string text = xml.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    if (auto p = check_text(text); !p.empty()) return p;
    if (lt == std::string::npos) break;
    if (xml.compare(lt, 2, "<?") == 0) {
      size_t e = xml.find("?>", lt);
      if (e == std::string::npos) return "unterminated <?";
      i = e + 2;
      continue;
    }
    size_t gt = lt + 1;
    char q = 0;
    for (; gt < xml.size(); ++gt) {
      if (q != 0) {
        if (xml[gt] == q) q = 0;
        if (xml[gt] == '<') return "raw '<' in attribute";
      } else if (xml[gt] == '"' || xml[gt] == '\'') {
        q = xml[gt];
      } else if (xml[gt] == '>') {
        break;
      }
    }
    if (gt >= xml.size()) return "unterminated tag";
    std::string tag = xml.substr(lt + 1, gt - lt - 1);
    if (!tag.empty() && tag[0] == '/') {
      std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name) return "mismatched </" + name + ">";
      stack.pop_back();
    } else {
      bool self = !tag.empty() && tag.back() == '/';
      std::string name = tag.substr(0, tag.find_first_of(" \t\n/"));
      if (name.empty()) return "empty tag name";
      // Attribute values must be quoted: name="value" pairs only.
      std::string attrs =
          tag.substr(name.size(), self ? tag.size() - name.size() - 1 : std::string::npos);
      size_t k = 0;
      while (k < attrs.size()) {
        while (k < attrs.size() && std::isspace(static_cast<unsigned char>(attrs[k]))) ++k;
        if (k >= attrs.size()) break;
        size_t eq = attrs.find('=', k);
        if (eq == std::string::npos || eq + 1 >= attrs.size() || attrs[eq + 1] != '"') {
          return "unquoted attribute in <" + name + ">";
        }
        size_t close = attrs.find('"', eq + 2);
        if (close == std::string::npos) return "unterminated attribute in <" + name + ">";
        if (auto p = check_text(attrs.substr(eq + 2, close - eq - 2)); !p.empty()) return p;
        k = close + 1;
      }
      if (stack.empty() && root_seen) return "second root element <" + name + ">";
      root_seen = true;
      if (!self) stack.push_back(name);
    }
    i = gt + 1;
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (!root_seen) return "no root element";
  return "";
}

}  // namespace report_test
