#pragma once
/// The in-memory model of an NPR-melding: Melding, Enhet, Pasient, Episode and what it holds.
///
/// Names follow the NPR-melding spec (../shared/spec/npr-melding.md) so that code, rule files and
/// the spec read alike. The reader fills the "as read" fields; prepare_episode() (prepare.hpp)
/// fills the "resolved" fields from the code tables and the units catalogue before rules run.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nprcheck/date.hpp"

namespace nprcheck {

class CodeTables;
struct CodeEntry;

/// A code system; `kodeverk` Q is resolved to NCSP, NCMP or NCRP by the code tables.
enum class KodeSystem : uint8_t {
  kIcd10,
  kNcsp,
  kNcmp,
  kNcrp,
  kSarkode,      ///< kodeverk S: temporary national special codes (særkoder)
  kPakkeforlop,  ///< kodeverk P: cancer pathway codes (pakkeforløp)
  kOther
};

/// `ICD10`, `NCSP`, `NCMP`, `NCRP` or `ANNET` (the names rule files use).
const char* kode_system_name(KodeSystem s);

/// Where a model object came from: the input file (index into the run's file list) and line.
struct SourceLocation {
  uint32_t file_id = 0;
  uint32_t line = 0;
};

/// `Enhet`: an organisational unit of the institution; RefEnhet points to it by enhetID.
struct Enhet {
  std::string enhet_id;     ///< @enhetID
  std::string resh_id;      ///< @reshID
  std::string enhet_lokal;  ///< @enhetLokal (local name)
  std::string org_nr;       ///< @orgNr
  uint32_t line = 0;
};

/// What the reader learns from the message header: shared by all episodes of a file.
struct MeldingInfo {
  std::string file;            ///< path of the input file as given
  uint32_t file_id = 0;        ///< index of the file in the run
  std::string versjon;         ///< Melding/@versjon, e.g. 57.0.1
  std::string meldingstype;    ///< Melding/@meldingstype
  std::string namespace_uri;   ///< namespace of the Melding element, if any
  std::string institusjon_id;  ///< Institusjon/@institusjonID
  std::vector<Enhet> enheter;  ///< all Enhet elements of the Institusjon
  /// Hash index made by index_enheter(): [enheter.size(), then slots of position + 1 (0 empty)];
  /// find_enhet() scans `enheter` when it is not the size the index was made for.
  std::vector<uint32_t> enhet_index;
  /// Builds enhet_index: call after the last change to `enheter`, before the info is shared.
  void index_enheter();
  /// The first Enhet with this enhetID, or nullptr.
  [[nodiscard]] const Enhet* find_enhet(std::string_view enhet_id) const;
};

/// `Pasient`: sex and birth year; no personal identity number exists in the message.
struct Pasient {
  std::string pasient_nr;  ///< @pasientNr (internal number, patient data: never logged at info)
  int kjonn = -1;          ///< @kjonn 0 unknown, 1 male, 2 female, 9 not specified; -1 absent
  int fodselsar = 0;       ///< @fodselsar; 0 absent
  uint32_t line = 0;
};

/// `Kode`: one code in a Tilstand or a Prosedyre.
struct Kode {
  std::string verdi;         ///< @kodeVerdi, without dots (E702)
  std::string kodeverk;      ///< @kodeverk / @Kodeverk as read: D, Q, K, M, R, F, S, P ...
  int kode_nr = 0;           ///< @kodeNr (order within its Tilstand or Prosedyre)
  std::string kode_versjon;  ///< @kodeVersjon
  uint32_t line = 0;

  // Resolved by prepare_episode():
  KodeSystem system = KodeSystem::kOther;  ///< D -> ICD10; K/M/R; Q by table look-up
  DateTime dato;                           ///< the date the code is checked against
  /// How many of the episode's diagnosis codes (for a Tilstand's code) or procedure codes (for
  /// a Prosedyre's) have this verdi, this one included.
  uint32_t forekomster = 1;
  bool forste_forekomst = true;  ///< no code of the same kind before it has this verdi
  /// What the code tables say about the code on `dato`, found once (CodeTables::resolve()) so
  /// that rules do not look the code up again. Valid only while `tables` is the CodeTables the
  /// rules run with; null `tables`: not resolved (the built-ins then look the code up).
  const CodeTables* tables = nullptr;
  const CodeEntry* entry = nullptr;  ///< the code in its system's tables (any year), or null
  std::string_view tekst;            ///< CodeTables::tekst() on dato
  int32_t dag = 0;                   ///< dato.day()
  int32_t ar = 0;                    ///< dato.year()
  uint8_t fakta = 0;                 ///< KodeFakta bits
};

/// Bits of Kode::fakta: what the rule built-ins of the same name answer on kode.dato.
enum KodeFakta : uint8_t {
  kFaktaChecked = 1,        ///< checked(kode): a table of its system covers year(dato)
  kFaktaKnown = 2,          ///< known(kode)
  kFaktaValid = 4,          ///< valid(kode) (= rapporteres(kode)): a reportable period on dato
  kFaktaListed = 8,         ///< a table lists it on dato (reportable or not)
  kFaktaLonger = 16,        ///< longer_exists(kode)
  kFaktaMoreSpecific = 32,  ///< more_specific_exists(kode)
  kFaktaHasYear = 64,       ///< its own system (not kOther) covers year(dato)
};

/// `Tilstand`: a diagnosis; the one with the lowest tilstNr is the hovedtilstand.
struct Tilstand {
  int tilst_nr = 0;
  std::vector<Kode> koder;  ///< sorted by kodeNr: etiology first, then manifestation
  uint32_t line = 0;
};

/// `Prosedyre`: a procedure; koder[0] is the main code, the rest are tilleggskoder.
struct Prosedyre {
  int pros_nr = 0;
  std::optional<int> tilst_nr;  ///< @tilstNr: the Tilstand it was done for
  std::vector<Kode> koder;      ///< sorted by kodeNr
  uint32_t line = 0;

  // Resolved by prepare_episode():
  DateTime dato;  ///< Tiltak start, else Tjeneste start, else the episode's innDatoTid
};

/// `Tiltak` (inside `Tjeneste`): a measure; typeTiltak 1 medical/surgical, 2 imaging.
struct Tiltak {
  int type_tiltak = 0;                     ///< 0 when absent
  std::optional<DateTime> start;           ///< Tiltak/@startDatoTid
  std::optional<DateTime> slutt;           ///< Tiltak/@sluttDatoTid
  std::optional<DateTime> tjeneste_start;  ///< the enclosing Tjeneste/@startDatoTid
  std::vector<Prosedyre> prosedyrer;
  uint32_t line = 0;
};

/// `RefEnhet`: a reference from the episode to an Enhet, with its role (typeEnhet, OID 8476).
struct RefEnhet {
  std::string enhet_id;
  int type_enhet = 0;  ///< 1 behandlingssted, 2 fagenhet, 7 avdeling, ...
  uint32_t line = 0;
};

/// `Episode`: one contact or stay, the unit that rules check and reports count.
struct Episode {
  std::string episode_id;      ///< @episodeID (patient data: never logged at info)
  std::string episode_guid;    ///< @episodeGUID
  DateTime inn;                ///< @innDatoTid (required)
  std::optional<DateTime> ut;  ///< @utDatoTid
  int omsorgsniva = 0;         ///< 1 døgn, 2 dag, 3 poliklinikk, 8 ...; 0 absent
  int innmate_hast = 0;        ///< 0 absent
  /// `Kontakt/Helseperson` (NPR-melding 57+): the performing clinician of the contact. The
  /// responsible one (rolle 1) when there is one, else the first. helsepersonHPR is personal
  /// data and is not kept.
  bool helseperson = false;        ///< some Kontakt holds a Helseperson
  int helseperson_rolle = 0;       ///< @rolle: 1 responsible, 2 co-therapist; 0 absent
  int helseperson_spesialist = 0;  ///< @spesialist: 1 yes, 2 no, 9 unknown; 0 absent
  std::vector<RefEnhet> ref_enheter;
  std::vector<Tilstand> tilstander;            ///< sorted by tilstNr
  std::vector<Tiltak> tiltak;                  ///< all Tiltak of all Tjeneste, in document order
  std::shared_ptr<const Pasient> pasient;      ///< never null after reading
  std::shared_ptr<const MeldingInfo> melding;  ///< never null after reading
  SourceLocation location;
  uint64_t sequence = 0;  ///< position in its file (0, 1, 2 ...): the stable order of findings

  // Resolved by prepare_episode():
  std::string avdeling;       ///< reshID of the avdeling (RefEnhet typeEnhet 7); empty if none
  std::string unit;           ///< reshID of the level-2 unit (= avdeling without a catalogue)
  std::string unit_name;      ///< name of the level-2 unit (catalogue, else enhetLokal)
  bool radiologi = false;     ///< the avdeling is a radiology unit (units catalogue)
  bool in_catalogue = false;  ///< the avdeling has a row in the units catalogue
  /// Bit (1 << KodeSystem) for each code system among the procedure codes.
  uint8_t prosedyre_systemer = 0;
  /// Error findings of this episode in this run, set by the engine after the rules ran (0
  /// while they run): what indicators see as `episode.feil`.
  uint32_t feil = 0;

  /// utDatoTid, or innDatoTid when there is no end: the date diagnoses are checked against.
  [[nodiscard]] DateTime slutt_dato() const { return ut.value_or(inn); }
};

}  // namespace nprcheck
