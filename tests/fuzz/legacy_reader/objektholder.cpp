// LEGACY COPY of src/reader/objektholder.cpp as it was before issue 16 (the differential fuzz
// target compares it with the current reader); namespace nprcheck::legacy_reader. Do not edit.
// Objektholder -> Pasient + Episodes (RefEnhet, Tilstand/Kode, Tjeneste/Tiltak/Prosedyre/Kode).
#include "objektholder.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>
#include <string_view>

#include "nprcheck/date.hpp"
#include "xml_text.hpp"

namespace nprcheck::legacy_reader {

namespace {

constexpr size_t kMaxKodeVerdiBytes = 32;
constexpr size_t kMaxIdBytes = 100;
constexpr size_t kMaxAttributeBytes = 1000;

const char* local_of(const char* qname) {
  const char* colon = std::strrchr(qname, ':');
  return colon != nullptr ? colon + 1 : qname;
}

bool is_element(const pugi::xml_node& n, const char* local) {
  return n.type() == pugi::node_element && std::strcmp(local_of(n.name()), local) == 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_xml_space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && is_xml_space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// Walks one Objektholder, reporting every problem it finds (not only the first).
class Converter {
 public:
  Converter(ChunkSink& sink, std::shared_ptr<const MeldingInfo> melding, uint32_t file_id)
      : sink_(sink), melding_(std::move(melding)), file_id_(file_id) {}

  bool run(const pugi::xml_node& oh, std::vector<Episode>& out) {
    check_structure(oh);
    if (!ok_) return false;
    auto pasient = read_pasient(oh);
    std::vector<Episode> episodes;
    for (auto child : oh.children()) {
      if (is_element(child, "Episode")) episodes.push_back(read_episode(child, pasient));
    }
    if (!ok_) return false;
    for (auto& e : episodes) out.push_back(std::move(e));
    return true;
  }

 private:
  /// One pass over the Objektholder before it is read: every attribute value within its length
  /// limit (a 60 MB kodeVerdi would otherwise reach every report), and no <Episode> inside
  /// another (it would be dropped without a word). Linear, no allocation; stops at the first
  /// problem (the Objektholder is then skipped whole).
  void check_structure(const pugi::xml_node& oh) {
    int in_episode = 0;
    pugi::xml_node n = oh.first_child();
    while (n) {
      if (n.type() == pugi::node_element) {
        for (auto a : n.attributes()) {
          const char* name = local_of(a.name());
          const size_t limit = attribute_limit(name);
          if (::strnlen(a.value(), limit + 1) > limit) {
            error(n, "value of '" + std::string(name) + "' on <" + local_of(n.name()) + "> is " +
                         std::to_string(std::strlen(a.value())) + " bytes long (at most " +
                         std::to_string(limit) + ")");
            return;  // the Objektholder is not read: one error says why
          }
        }
        if (in_episode > 0 && is_element(n, "Episode")) {
          error(n,
                "an <Episode> inside another <Episode> is not read: each Episode belongs "
                "directly in its <Objektholder>");
          return;  // 200,000 nested ones must not give 200,000 errors
        }
      }
      if (n.first_child()) {
        if (is_element(n, "Episode")) ++in_episode;
        n = n.first_child();
        continue;
      }
      while (n != oh && !n.next_sibling()) {
        n = n.parent();
        if (n != oh && is_element(n, "Episode")) --in_episode;
      }
      if (n == oh) break;
      n = n.next_sibling();
    }
  }

  size_t offset(const pugi::xml_node& n) const {
    ptrdiff_t o = n.offset_debug();  // the name, just after '<'
    return o > 0 ? static_cast<size_t>(o - 1) : 0;
  }
  uint32_t line(const pugi::xml_node& n) { return sink_.line_of(offset(n)); }

  void error(const pugi::xml_node& n, std::string message) {
    ok_ = false;
    sink_.error_at(offset(n), std::move(message));
  }

  static pugi::xml_attribute attr(const pugi::xml_node& n, const char* local) {
    for (auto a : n.attributes()) {
      if (std::strcmp(local_of(a.name()), local) == 0) return a;
    }
    return {};
  }

  static std::string where(const char* name, const pugi::xml_node& n) {
    return std::string("'") + name + "' on <" + local_of(n.name()) + ">";
  }

  /// A required, non-empty attribute; reports and returns nullopt when absent or empty.
  std::optional<std::string_view> required(const pugi::xml_node& n, const char* name) {
    auto a = attr(n, name);
    if (!a) {
      error(n, "missing required attribute " + where(name, n));
      return std::nullopt;
    }
    if (trim(a.value()).empty()) {
      error(n, "empty value for required attribute " + where(name, n));
      return std::nullopt;
    }
    return std::string_view(a.value());
  }

  std::optional<DateTime> date_value(const pugi::xml_node& n, const char* name,
                                     std::string_view text) {
    auto d = parse_date_time(trim(text));
    if (!d) {
      error(n, "bad date in " + where(name, n) + ": " + quote_value(text) +
                   " (expected a real date as YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)");
    }
    return d;
  }

  /// An optional date attribute: nullopt when absent (or bad, which is reported).
  std::optional<DateTime> optional_date(const pugi::xml_node& n, const char* name) {
    auto a = attr(n, name);
    if (!a) return std::nullopt;
    return date_value(n, name, a.value());
  }

  /// A whole, non-negative number that fits an int; reports garbage and returns nullopt.
  std::optional<int> number_value(const pugi::xml_node& n, const char* name,
                                  std::string_view text) {
    std::string_view t = trim(text);
    size_t p = 0;
    bool negative = false;
    if (p < t.size() && (t[p] == '+' || t[p] == '-')) negative = t[p++] == '-';
    size_t digits = 0;
    int64_t v = 0;
    bool overflow = false;
    for (; p < t.size() && t[p] >= '0' && t[p] <= '9'; ++p, ++digits) {
      if (v > (int64_t{1} << 40)) {
        overflow = true;
      } else {
        v = v * 10 + (t[p] - '0');
      }
    }
    if (digits == 0 || p != t.size()) {
      error(n, "bad number in " + where(name, n) + ": " + quote_value(text) +
                   " (expected a whole number)");
      return std::nullopt;
    }
    if (negative) v = -v;
    if (overflow || v > INT_MAX || v < INT_MIN) {
      error(n, "number out of range in " + where(name, n) + ": " + quote_value(text));
      return std::nullopt;
    }
    if (v < 0) {
      error(n, "negative number in " + where(name, n) + ": " + quote_value(text));
      return std::nullopt;
    }
    return static_cast<int>(v);
  }

  /// An optional number attribute: `fallback` when absent or bad (bad is reported).
  int optional_number(const pugi::xml_node& n, const char* name, int fallback) {
    auto a = attr(n, name);
    if (!a) return fallback;
    return number_value(n, name, a.value()).value_or(fallback);
  }

  std::shared_ptr<const Pasient> read_pasient(const pugi::xml_node& oh) {
    auto p = std::make_shared<Pasient>();
    pugi::xml_node node;
    for (auto child : oh.children()) {
      if (is_element(child, "Pasient")) {
        node = child;
        break;
      }
    }
    auto oh_nr = attr(oh, "pasientNr");
    if (node) {
      p->line = line(node);
      auto nr = attr(node, "pasientNr");
      if (nr && !trim(nr.value()).empty()) {
        p->pasient_nr = nr.value();
      } else if (oh_nr && !trim(oh_nr.value()).empty()) {
        p->pasient_nr = oh_nr.value();
      } else {
        error(node, "missing required attribute 'pasientNr' on <Pasient> (and on <Objektholder>)");
      }
      p->kjonn = optional_number(node, "kjonn", -1);
      p->fodselsar = optional_number(node, "fodselsar", 0);
    } else {
      p->line = line(oh);
      if (oh_nr && !trim(oh_nr.value()).empty()) {
        p->pasient_nr = oh_nr.value();
      } else {
        error(oh, "missing required attribute 'pasientNr' on <Objektholder> (and no <Pasient>)");
      }
    }
    return p;
  }

  Kode read_kode(const pugi::xml_node& n) {
    Kode k;
    k.line = line(n);
    if (auto v = required(n, "kodeVerdi")) k.verdi = *v;
    auto kv = attr(n, "kodeverk");
    if (!kv) kv = attr(n, "Kodeverk");
    if (!kv) {
      error(n, "missing required attribute 'kodeverk' on <Kode>");
    } else if (trim(kv.value()).empty()) {
      error(n, std::string("empty value for required attribute '") + local_of(kv.name()) +
                   "' on <Kode>");
    } else {
      k.kodeverk = trim(kv.value());
    }
    k.kode_nr = optional_number(n, "kodeNr", 0);
    if (auto a = attr(n, "kodeVersjon")) k.kode_versjon = a.value();
    return k;
  }

  std::vector<Kode> read_koder(const pugi::xml_node& parent) {
    std::vector<Kode> koder;
    for (auto child : parent.children()) {
      if (is_element(child, "Kode")) koder.push_back(read_kode(child));
    }
    std::stable_sort(koder.begin(), koder.end(),
                     [](const Kode& a, const Kode& b) { return a.kode_nr < b.kode_nr; });
    return koder;
  }

  Tiltak read_tiltak(const pugi::xml_node& n, const std::optional<DateTime>& tjeneste_start) {
    Tiltak t;
    t.line = line(n);
    t.type_tiltak = optional_number(n, "typeTiltak", 0);
    t.start = optional_date(n, "startDatoTid");
    t.slutt = optional_date(n, "sluttDatoTid");
    t.tjeneste_start = tjeneste_start;
    for (auto child : n.children()) {
      if (!is_element(child, "Prosedyre")) continue;
      Prosedyre p;
      p.line = line(child);
      p.pros_nr = optional_number(child, "prosNr", 0);
      if (auto a = attr(child, "tilstNr")) p.tilst_nr = number_value(child, "tilstNr", a.value());
      p.koder = read_koder(child);
      t.prosedyrer.push_back(std::move(p));
    }
    return t;
  }

  /// `Kontakt/Helseperson` (57+): whether there is one, its rolle and spesialist. The
  /// responsible one (rolle 1) wins over the others; helsepersonHPR is never read.
  void read_helseperson(const pugi::xml_node& kontakt, Episode& e) {
    for (auto hp : kontakt.children()) {
      if (!is_element(hp, "Helseperson")) continue;
      const int rolle = optional_number(hp, "rolle", 0);
      const int spesialist = optional_number(hp, "spesialist", 0);
      if (!e.helseperson || (e.helseperson_rolle != 1 && rolle == 1)) {
        e.helseperson_rolle = rolle;
        e.helseperson_spesialist = spesialist;
      }
      e.helseperson = true;
    }
  }

  Episode read_episode(const pugi::xml_node& n, const std::shared_ptr<const Pasient>& pasient) {
    Episode e;
    e.location = {file_id_, line(n)};
    e.pasient = pasient;
    e.melding = melding_;
    if (auto v = required(n, "episodeID")) e.episode_id = *v;
    if (auto a = attr(n, "episodeGUID")) e.episode_guid = a.value();
    if (auto v = required(n, "innDatoTid")) {
      if (auto d = date_value(n, "innDatoTid", *v)) e.inn = *d;
    }
    e.ut = optional_date(n, "utDatoTid");
    e.omsorgsniva = optional_number(n, "omsorgsniva", 0);
    e.innmate_hast = optional_number(n, "innmateHast", 0);
    for (auto child : n.children()) {
      if (is_element(child, "Kontakt")) {
        read_helseperson(child, e);
      } else if (is_element(child, "RefEnhet")) {
        RefEnhet r;
        r.line = line(child);
        if (auto v = required(child, "enhetID")) r.enhet_id = *v;
        if (auto a = attr(child, "typeEnhet"); !a) {
          error(child, "missing required attribute 'typeEnhet' on <RefEnhet>");
        } else {
          r.type_enhet = number_value(child, "typeEnhet", a.value()).value_or(0);
        }
        e.ref_enheter.push_back(std::move(r));
      } else if (is_element(child, "Tilstand")) {
        Tilstand t;
        t.line = line(child);
        t.tilst_nr = optional_number(child, "tilstNr", 0);
        t.koder = read_koder(child);
        e.tilstander.push_back(std::move(t));
      } else if (is_element(child, "Tjeneste")) {
        auto start = optional_date(child, "startDatoTid");
        for (auto tiltak : child.children()) {
          if (is_element(tiltak, "Tiltak")) e.tiltak.push_back(read_tiltak(tiltak, start));
        }
      }
    }
    std::stable_sort(e.tilstander.begin(), e.tilstander.end(),
                     [](const Tilstand& a, const Tilstand& b) { return a.tilst_nr < b.tilst_nr; });
    return e;
  }

  ChunkSink& sink_;
  std::shared_ptr<const MeldingInfo> melding_;
  uint32_t file_id_;
  bool ok_ = true;
};

}  // namespace

size_t attribute_limit(std::string_view local_name) {
  if (local_name == "kodeVerdi") return kMaxKodeVerdiBytes;
  if (local_name.ends_with("ID") || local_name.ends_with("Nr") || local_name.ends_with("GUID")) {
    return kMaxIdBytes;
  }
  return kMaxAttributeBytes;
}

bool convert_objektholder(const pugi::xml_node& objektholder, ChunkSink& sink,
                          const std::shared_ptr<const MeldingInfo>& melding, uint32_t file_id,
                          std::vector<Episode>& out) {
  Converter c(sink, melding, file_id);
  return c.run(objektholder, out);
}

}  // namespace nprcheck::legacy_reader
