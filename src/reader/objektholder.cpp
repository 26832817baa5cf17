// Objektholder -> Pasient + Episodes (RefEnhet, Tilstand/Kode, Tjeneste/Tiltak/Prosedyre/Kode).
#include "objektholder.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "fast_chunk.hpp"
#include "nprcheck/date.hpp"
#include "xml_text.hpp"

namespace nprcheck::reader {

namespace {

constexpr size_t kMaxKodeVerdiBytes = 32;
constexpr size_t kMaxIdBytes = 100;
constexpr size_t kMaxAttributeBytes = 1000;

const char* local_of(const char* qname) {
  const char* colon = std::strrchr(qname, ':');
  return colon != nullptr ? colon + 1 : qname;
}

/// The attribute type of a node type (pugi::xml_attribute, FastAttr).
template <typename Node>
using AttrOf = decltype(std::declval<const Node&>().first_attribute());

template <typename Node>
bool is_element(const Node& n, const char* local) {
  return n.type() == pugi::node_element && std::strcmp(local_of(n.name()), local) == 0;
}

/// The local name of an element node, "" for any other node.
template <typename Node>
std::string_view element_local(const Node& n) {
  return n.type() == pugi::node_element ? std::string_view(local_of(n.name())) : std::string_view();
}

/// The attributes of one element that the converter reads, found in one pass over them: for each
/// wanted local name the first attribute that has it (what a search by name would find).
template <typename Node, size_t N>
class Attrs {
 public:
  Attrs(const Node& n, const std::string_view (&names)[N]) {
    for (AttrOf<Node> a = n.first_attribute(); a; a = a.next_attribute()) {
      const std::string_view local = local_of(a.name());
      for (size_t i = 0; i < N; ++i) {
        if (names[i] == local) {
          if (!slot_[i]) slot_[i] = a;
          break;
        }
      }
    }
  }
  AttrOf<Node> operator[](size_t i) const { return slot_[i]; }

 private:
  AttrOf<Node> slot_[N];
};

/// Sorts `v` by `key` keeping equal keys in their order, as std::stable_sort, without its
/// temporary buffer when `v` is sorted already (nearly always).
template <typename T, typename Key>
void stable_sort_by(std::vector<T>& v, Key key) {
  auto less = [&key](const T& a, const T& b) { return key(a) < key(b); };
  if (std::is_sorted(v.begin(), v.end(), less)) return;
  std::stable_sort(v.begin(), v.end(), less);
}

// The attribute names each element's converter reads (indices into its Attrs).
constexpr std::string_view kPasientAttrs[] = {"pasientNr", "kjonn", "fodselsar"};
constexpr std::string_view kKodeAttrs[] = {"kodeVerdi", "kodeverk", "Kodeverk", "kodeNr",
                                           "kodeVersjon"};
constexpr std::string_view kTiltakAttrs[] = {"typeTiltak", "startDatoTid", "sluttDatoTid"};
constexpr std::string_view kProsedyreAttrs[] = {"prosNr", "tilstNr"};
constexpr std::string_view kHelsepersonAttrs[] = {"rolle", "spesialist"};
constexpr std::string_view kEpisodeAttrs[] = {"episodeID", "episodeGUID", "innDatoTid",
                                              "utDatoTid", "omsorgsniva", "innmateHast"};
constexpr std::string_view kRefEnhetAttrs[] = {"enhetID", "typeEnhet"};
constexpr std::string_view kTilstandAttrs[] = {"tilstNr"};
constexpr std::string_view kTjenesteAttrs[] = {"startDatoTid"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_xml_space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && is_xml_space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// Walks one Objektholder, reporting every problem it finds (not only the first).
template <typename Node>
class Converter {
  using Attr = AttrOf<Node>;

 public:
  Converter(ChunkSink& sink, std::shared_ptr<const MeldingInfo> melding, uint32_t file_id)
      : sink_(sink), melding_(std::move(melding)), file_id_(file_id) {}

  bool run(const Node& oh, std::vector<Episode>& out) {
    check_structure(oh);
    if (!ok_) return false;
    auto pasient = read_pasient(oh);
    std::vector<Episode> episodes;
    episodes.reserve(episode_count_);
    for (auto child : oh.children()) {
      if (is_element(child, "Episode")) episodes.push_back(read_episode(child, pasient));
    }
    if (!ok_) return false;
    if (out.empty()) {
      out = std::move(episodes);
    } else {
      for (auto& e : episodes) out.push_back(std::move(e));
    }
    return true;
  }

 private:
  /// One pass over the Objektholder before it is read: every attribute value within its length
  /// limit (a 60 MB kodeVerdi would otherwise reach every report), and no <Episode> inside
  /// another (it would be dropped without a word). Linear, no allocation; stops at the first
  /// problem (the Objektholder is then skipped whole).
  void check_structure(const Node& oh) {
    int in_episode = 0;
    Node n = oh.first_child();
    while (n) {
      if (n.type() == pugi::node_element) {
        for (Attr a = n.first_attribute(); a; a = a.next_attribute()) {
          // Every limit is at least kMaxKodeVerdiBytes: a value that short is within any.
          if (::strnlen(a.value(), kMaxKodeVerdiBytes + 1) <= kMaxKodeVerdiBytes) continue;
          const char* name = local_of(a.name());
          const size_t limit = attribute_limit(name);
          if (::strnlen(a.value(), limit + 1) > limit) {
            error(n, "value of '" + std::string(name) + "' on <" + local_of(n.name()) + "> is " +
                         std::to_string(std::strlen(a.value())) + " bytes long (at most " +
                         std::to_string(limit) + ")");
            return;  // the Objektholder is not read: one error says why
          }
        }
        const bool episode = is_element(n, "Episode");
        if (episode && n.parent() == oh) ++episode_count_;
        if (in_episode > 0 && episode) {
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

  size_t offset(const Node& n) const {
    ptrdiff_t o = n.offset_debug();  // the name, just after '<'
    return o > 0 ? static_cast<size_t>(o - 1) : 0;
  }
  uint32_t line(const Node& n) { return sink_.line_of(offset(n)); }

  void error(const Node& n, std::string message) {
    ok_ = false;
    sink_.error_at(offset(n), std::move(message));
  }

  static Attr attr(const Node& n, const char* local) {
    for (Attr a = n.first_attribute(); a; a = a.next_attribute()) {
      if (std::strcmp(local_of(a.name()), local) == 0) return a;
    }
    return {};
  }

  static std::string where(const char* name, const Node& n) {
    return std::string("'") + name + "' on <" + local_of(n.name()) + ">";
  }

  /// A required, non-empty attribute; reports and returns nullopt when absent or empty.
  std::optional<std::string_view> required(const Node& n, const char* name) {
    return required(n, attr(n, name), name);
  }
  /// required() of the attribute `a` (found by its local name `name`).
  std::optional<std::string_view> required(const Node& n, Attr a, const char* name) {
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

  std::optional<DateTime> date_value(const Node& n, const char* name, std::string_view text) {
    auto d = parse_date_time(trim(text));
    if (!d) {
      error(n, "bad date in " + where(name, n) + ": " + quote_value(text) +
                   " (expected a real date as YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)");
    }
    return d;
  }

  /// An optional date attribute: nullopt when absent (or bad, which is reported).
  std::optional<DateTime> optional_date(const Node& n, const char* name) {
    return optional_date(n, attr(n, name), name);
  }
  std::optional<DateTime> optional_date(const Node& n, Attr a, const char* name) {
    if (!a) return std::nullopt;
    return date_value(n, name, a.value());
  }

  /// A whole, non-negative number that fits an int; reports garbage and returns nullopt.
  std::optional<int> number_value(const Node& n, const char* name, std::string_view text) {
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
  int optional_number(const Node& n, const char* name, int fallback) {
    return optional_number(n, attr(n, name), name, fallback);
  }
  int optional_number(const Node& n, Attr a, const char* name, int fallback) {
    if (!a) return fallback;
    return number_value(n, name, a.value()).value_or(fallback);
  }

  std::shared_ptr<const Pasient> read_pasient(const Node& oh) {
    auto p = std::make_shared<Pasient>();
    Node node;
    for (auto child : oh.children()) {
      if (is_element(child, "Pasient")) {
        node = child;
        break;
      }
    }
    auto oh_nr = attr(oh, "pasientNr");
    if (node) {
      p->line = line(node);
      const Attrs a(node, kPasientAttrs);
      auto nr = a[0];
      if (nr && !trim(nr.value()).empty()) {
        p->pasient_nr = nr.value();
      } else if (oh_nr && !trim(oh_nr.value()).empty()) {
        p->pasient_nr = oh_nr.value();
      } else {
        error(node, "missing required attribute 'pasientNr' on <Pasient> (and on <Objektholder>)");
      }
      p->kjonn = optional_number(node, a[1], "kjonn", -1);
      p->fodselsar = optional_number(node, a[2], "fodselsar", 0);
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

  /// Reads <Kode> `n` into `k` (a new Kode, filled in place).
  void read_kode(const Node& n, Kode& k) {
    k.line = line(n);
    const Attrs a(n, kKodeAttrs);
    if (auto v = required(n, a[0], "kodeVerdi")) k.verdi = *v;
    auto kv = a[1];
    if (!kv) kv = a[2];
    if (!kv) {
      error(n, "missing required attribute 'kodeverk' on <Kode>");
    } else if (trim(kv.value()).empty()) {
      error(n, std::string("empty value for required attribute '") + local_of(kv.name()) +
                   "' on <Kode>");
    } else {
      k.kodeverk = trim(kv.value());
    }
    k.kode_nr = optional_number(n, a[3], "kodeNr", 0);
    if (auto v = a[4]) k.kode_versjon = v.value();
  }

  std::vector<Kode> read_koder(const Node& parent) {
    std::vector<Kode> koder;
    for (auto child : parent.children()) {
      if (!is_element(child, "Kode")) continue;
      if (koder.empty()) koder.reserve(2);  // one or two codes nearly always
      read_kode(child, koder.emplace_back());
    }
    stable_sort_by(koder, [](const Kode& k) { return k.kode_nr; });
    return koder;
  }

  Tiltak read_tiltak(const Node& n, const std::optional<DateTime>& tjeneste_start) {
    Tiltak t;
    t.line = line(n);
    const Attrs a(n, kTiltakAttrs);
    t.type_tiltak = optional_number(n, a[0], "typeTiltak", 0);
    t.start = optional_date(n, a[1], "startDatoTid");
    t.slutt = optional_date(n, a[2], "sluttDatoTid");
    t.tjeneste_start = tjeneste_start;
    for (auto child : n.children()) {
      if (!is_element(child, "Prosedyre")) continue;
      Prosedyre p;
      p.line = line(child);
      const Attrs pa(child, kProsedyreAttrs);
      p.pros_nr = optional_number(child, pa[0], "prosNr", 0);
      if (auto v = pa[1]) p.tilst_nr = number_value(child, "tilstNr", v.value());
      p.koder = read_koder(child);
      t.prosedyrer.push_back(std::move(p));
    }
    return t;
  }

  /// `Kontakt/Helseperson` (57+): whether there is one, its rolle and spesialist. The
  /// responsible one (rolle 1) wins over the others; helsepersonHPR is never read.
  void read_helseperson(const Node& kontakt, Episode& e) {
    for (auto hp : kontakt.children()) {
      if (!is_element(hp, "Helseperson")) continue;
      const Attrs a(hp, kHelsepersonAttrs);
      const int rolle = optional_number(hp, a[0], "rolle", 0);
      const int spesialist = optional_number(hp, a[1], "spesialist", 0);
      if (!e.helseperson || (e.helseperson_rolle != 1 && rolle == 1)) {
        e.helseperson_rolle = rolle;
        e.helseperson_spesialist = spesialist;
      }
      e.helseperson = true;
    }
  }

  Episode read_episode(const Node& n, const std::shared_ptr<const Pasient>& pasient) {
    Episode e;
    e.location = {file_id_, line(n)};
    e.pasient = pasient;
    e.melding = melding_;
    const Attrs a(n, kEpisodeAttrs);
    if (auto v = required(n, a[0], "episodeID")) e.episode_id = *v;
    if (auto v = a[1]) e.episode_guid = v.value();
    if (auto v = required(n, a[2], "innDatoTid")) {
      if (auto d = date_value(n, "innDatoTid", *v)) e.inn = *d;
    }
    e.ut = optional_date(n, a[3], "utDatoTid");
    e.omsorgsniva = optional_number(n, a[4], "omsorgsniva", 0);
    e.innmate_hast = optional_number(n, a[5], "innmateHast", 0);
    for (auto child : n.children()) {
      const std::string_view local = element_local(child);
      if (local == "Kontakt") {
        read_helseperson(child, e);
      } else if (local == "RefEnhet") {
        RefEnhet r;
        r.line = line(child);
        const Attrs ra(child, kRefEnhetAttrs);
        if (auto v = required(child, ra[0], "enhetID")) r.enhet_id = *v;
        if (auto v = ra[1]; !v) {
          error(child, "missing required attribute 'typeEnhet' on <RefEnhet>");
        } else {
          r.type_enhet = number_value(child, "typeEnhet", v.value()).value_or(0);
        }
        e.ref_enheter.push_back(std::move(r));
      } else if (local == "Tilstand") {
        Tilstand t;
        t.line = line(child);
        const Attrs ta(child, kTilstandAttrs);
        t.tilst_nr = optional_number(child, ta[0], "tilstNr", 0);
        t.koder = read_koder(child);
        e.tilstander.push_back(std::move(t));
      } else if (local == "Tjeneste") {
        const Attrs ta(child, kTjenesteAttrs);
        auto start = optional_date(child, ta[0], "startDatoTid");
        for (auto tiltak : child.children()) {
          if (is_element(tiltak, "Tiltak")) e.tiltak.push_back(read_tiltak(tiltak, start));
        }
      }
    }
    stable_sort_by(e.tilstander, [](const Tilstand& t) { return t.tilst_nr; });
    return e;
  }

  ChunkSink& sink_;
  std::shared_ptr<const MeldingInfo> melding_;
  uint32_t file_id_;
  bool ok_ = true;
  size_t episode_count_ = 0;  ///< <Episode> children of the Objektholder (check_structure)
};

}  // namespace

size_t attribute_limit(std::string_view local_name) {
  if (local_name == "kodeVerdi") return kMaxKodeVerdiBytes;
  if (local_name.ends_with("ID") || local_name.ends_with("Nr") || local_name.ends_with("GUID")) {
    return kMaxIdBytes;
  }
  return kMaxAttributeBytes;
}

pugi::xml_parse_result parse_chunk(std::string_view text, pugi::xml_node& root) {
  struct Parser {
    pugi::xml_document doc;
    std::vector<char> buf;
  };
  thread_local Parser p;
  // Memory stays bounded: the buffer of a huge chunk is not kept for the small ones after it.
  if (p.buf.capacity() > (size_t{1} << 20) && p.buf.capacity() > 4 * text.size()) {
    p.doc.reset();
    std::vector<char>().swap(p.buf);
  }
  // With a NUL after the text, as load_buffer() copies it: pugixml then parses the same bytes
  // (in place it would take the last byte, the '>', as its end, and some errors read otherwise).
  p.buf.clear();
  p.buf.reserve(text.size() + 1);  // exactly: a 60 MB chunk must not grow it to 120 MB
  p.buf.insert(p.buf.end(), text.begin(), text.end());
  p.buf.push_back('\0');
  pugi::xml_parse_result res = p.doc.load_buffer_inplace(p.buf.data(), p.buf.size(),
                                                         pugi::parse_default, pugi::encoding_utf8);
  root = p.doc.document_element();
  return res;
}

bool convert_objektholder(const pugi::xml_node& objektholder, ChunkSink& sink,
                          const std::shared_ptr<const MeldingInfo>& melding, uint32_t file_id,
                          std::vector<Episode>& out) {
  Converter<pugi::xml_node> c(sink, melding, file_id);
  return c.run(objektholder, out);
}

namespace {

/// The fast attempt's sink: lines from the real one; an error only marks the attempt failed
/// (the chunk is then parsed and converted again by pugixml, which reports the errors).
class DecliningSink final : public ChunkSink {
 public:
  explicit DecliningSink(ChunkSink& real) : real_(real) {}
  uint32_t line_of(size_t offset) override { return real_.line_of(offset); }
  void error_at(size_t /*offset*/, std::string /*message*/) override {}

 private:
  ChunkSink& real_;
};

}  // namespace

bool fast_convert_chunk(std::string_view text, ChunkSink& sink,
                        const std::shared_ptr<const MeldingInfo>& melding, uint32_t file_id,
                        std::vector<Episode>& out) {
  thread_local FastDoc doc;
  if (!doc.parse(text)) return false;
  DecliningSink declining(sink);
  Converter<FastNode> c(declining, melding, file_id);
  return c.run(doc.root(), out);
}

}  // namespace nprcheck::reader
