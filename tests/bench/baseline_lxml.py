#!/usr/bin/env python3
"""The peer of issue 7: rule sets v1 and v2 written the way a hospital analyst would, in Python + lxml.

A straightforward, honest implementation of the 17 rules of rules-v1.md (EPI-001..006,
KODE-001..007, BV-001..004) and the 9 rules of rules-v2.md (HT-001..005, KODE-008..010,
EPI-007) with the same semantics as the shipped rules in rules/*.yaml:

- streams each extract with lxml.etree.iterparse (elements matched by local name, any
  namespace, bare Melding or inside MsgHead; .xml or .xml.gz) and clears every Objektholder
  once its episodes are checked, so memory stays bounded;
- loads the code tables once (<tables>/<year>/<system>.csv, `Kode;Tekst`), the units catalogue
  (reshID;navn;niva2_reshID;niva2_navn;radiologi) and the rule data (rules/data/*.set and
  *.csv: sets with codes, `KE*` prefixes, `C60-C63` ranges, `ICD10:`/`NCSP:` qualifiers and
  `@mapping.column` includes; mappings with a header row);
- writes one JSON object per finding (NDJSON, the keys of nprcheck's findings.ndjson) and a
  per-rule tally on stderr.

It is a benchmark baseline, not part of the product: it does not write HTML/CSV/SARIF/JUnit.

Usage: baseline_lxml.py [--tables DIR] [--rules-data DIR] [--units FILE] --out FILE INPUT...
"""

import argparse
import collections
import csv
import datetime as dt
import glob
import gzip
import json
import os
import sys

from lxml import etree

ICD10, NCSP, NCMP, NCRP, ANNET = "ICD10", "NCSP", "NCMP", "NCRP", "ANNET"
SYSTEMS = (ICD10, NCSP, NCMP, NCRP)
PROCEDURE_SYSTEMS = (NCSP, NCMP, NCRP)
FILE_SYSTEM = {"icd10": ICD10, "ncsp": NCSP, "ncmp": NCMP, "ncrp": NCRP}
KODEVERK_SYSTEM = {"D": ICD10, "K": NCSP, "M": NCMP, "R": NCRP}
SEVERITY = {
    "EPI-001": "error", "EPI-002": "error", "EPI-003": "error", "EPI-004": "warning",
    "EPI-005": "warning", "EPI-006": "error", "KODE-001": "error", "KODE-002": "error",
    "KODE-003": "warning", "KODE-004": "error", "KODE-005": "error", "KODE-006": "error",
    "KODE-007": "warning", "BV-001": "error", "BV-002": "warning", "BV-003": "error",
    "BV-004": "warning",
    "EPI-007": "error", "HT-001": "error", "HT-002": "error", "HT-003": "warning",
    "HT-004": "warning", "HT-005": "info", "KODE-008": "error", "KODE-009": "warning",
    "KODE-010": "warning",
}
ISF = {"EPI-001", "EPI-007", "HT-001", "HT-002", "HT-003", "HT-004", "HT-005", "KODE-006"}
HT_001_FROM = dt.date(2021, 9, 1)
EPOCH = dt.date(1970, 1, 1)


# ----------------------------------------------------------------------------- code tables

class CodeTables:
    """Yearly snapshots: which codes exist in which year, with their texts."""

    def __init__(self, root):
        self.codes = {s: {} for s in SYSTEMS}          # system -> verdi -> {year: tekst}
        self.years = {s: set() for s in SYSTEMS}       # system -> years loaded
        self.prefixes = {s: {} for s in SYSTEMS}       # system -> year -> proper prefixes
        self.prefixes_any = {s: set() for s in SYSTEMS}
        for path in sorted(glob.glob(os.path.join(root, "*", "*.csv"))):
            year_dir = os.path.basename(os.path.dirname(path))
            system = FILE_SYSTEM.get(os.path.splitext(os.path.basename(path))[0].lower())
            if system is None or not year_dir.isdigit():
                continue
            year = int(year_dir)
            self.years[system].add(year)
            prefixes = self.prefixes[system].setdefault(year, set())
            with open(path, encoding="utf-8-sig", newline="") as f:
                reader = csv.reader(f, delimiter=";")
                header = [h.strip().lower() for h in next(reader)]
                ki, ti = header.index("kode"), header.index("tekst")
                for row in reader:
                    if len(row) <= max(ki, ti):
                        continue
                    verdi = row[ki].strip().replace(".", "")
                    if not verdi:
                        continue
                    self.codes[system].setdefault(verdi, {})[year] = row[ti]
                    for n in range(1, len(verdi)):
                        prefixes.add(verdi[:n])
            self.prefixes_any[system] |= prefixes

    def resolve_q(self, verdi, year):
        """The procedure system of a `Q` code: one that has it in `year`, else any, else ANNET."""
        found = ANNET
        for s in PROCEDURE_SYSTEMS:
            years = self.codes[s].get(verdi)
            if years is not None:
                if year in years:
                    return s
                if found == ANNET:
                    found = s
        return found

    def tekst(self, system, verdi, year):
        years = self.codes.get(system, {}).get(verdi)
        if not years:
            return ""
        return years.get(year) or years[max(years)]

    def tekst_any(self, verdi):
        for s in (NCRP, NCSP, NCMP, ICD10):
            t = self.tekst(s, verdi, 0)
            if t:
                return t
        return ""


# ----------------------------------------------------------------------------- rule data

class CodeSet:
    """A rule-data set: codes, `KE*` prefixes and `C60-C63` ranges, optionally system-qualified."""

    def __init__(self):
        self.exact = collections.defaultdict(set)     # system or None -> codes
        self.prefix = collections.defaultdict(set)    # system or None -> prefixes
        self.prefix_lengths = {}                      # system or None -> their lengths
        self.ranges = []                              # (system or None, lo, hi)

    def add(self, entry):
        system = None
        if ":" in entry:
            system, entry = entry.split(":", 1)
            system = system.strip().upper().replace("-", "")
            entry = entry.strip()
        if entry.endswith("*"):
            self.prefix[system].add(entry[:-1])
            self.prefix_lengths[system] = sorted({len(p) for p in self.prefix[system]})
        elif "-" in entry:
            lo, hi = entry.split("-", 1)
            self.ranges.append((system, lo.strip(), hi.strip()))
        else:
            self.exact[system].add(entry)

    def contains(self, verdi, system):
        for key in (None, system):
            if verdi in self.exact.get(key, ()):
                return True
            prefixes = self.prefix.get(key)
            if prefixes:
                for n in self.prefix_lengths[key]:
                    if verdi[:n] in prefixes:
                        return True
        for s, lo, hi in self.ranges:
            if s is None or s == system:
                head = verdi[:len(lo)]
                if lo <= head <= hi:
                    return True
        return False


MINIMUM_SETS = {  # rules-v1.md, used when no rules/data directory is given
    "kjonn_mann": ["ICD10:C60-C63", "ICD10:N40-N51", "NCSP:KE*", "NCSP:KF*", "NCSP:KG*"],
    "kjonn_kvinne": ["ICD10:O*", "ICD10:C51-C58", "ICD10:D25-D27", "ICD10:N70-N98",
                     "NCSP:L*", "NCSP:M*"],
    "stjernekoder": ["ICD10:%s*" % c for c in (
        "F00 F02 G01 G05 G07 G22 G32 G63 G99 H36 I32 I39 I41 I43 I52 I68 J17 J99 K23 K67 K77 "
        "K93 L14 L99 M01 M03 M07 M09 M14 M36 M49 M63 M68 M73 M82 M90 N08 N16 N22 N29 N33 N37 "
        "N51 N74 N77").split()],
    "bildeveiledet_ncsp": ["@ncsp_zxm_ncrp.ncsp"],
    # rules-v2.md
    "observasjon_z03": ["Z03*"], "ytre_arsaker": ["V01-Y98"], "respirasjonssvikt": ["J96*"],
    "j96_arsaker": ["J44*", "J12-J18", "C34*"], "radikulopati": ["M541*"],
    "dekompresjon_ncsp": ["ABC16", "ABC21", "ABC36", "ABC56"], "symptomkoder": ["R00-R99"],
    "ikke_definitive": ["R00-R99", "Z00-Z99", "V01-Y98"], "svangerskap": ["O00-O99"],
    "levendefodt": ["Z38*"],
}
MINIMUM_MAPPING = [("JJX00", "ZXM00", "JJB06K"), ("JJX00", "ZXM10", "JJB06A"),
                   ("JJX00", "ZXM20", "JJB06D"), ("BAX10", "ZXM00", "BAB06K"),
                   ("FEA00", "ZXM00", "FED10K"), ("FEA00", "ZXM10", "FED10A"),
                   ("FEA00", "ZXM20", "FED10D")]


def load_rule_data(data_dir):
    """The sets and the ncsp_zxm_ncrp mapping from rules/data, or the spec's minimum lists."""
    mappings, set_lines = {}, {}
    if data_dir and os.path.isdir(data_dir):
        for path in sorted(glob.glob(os.path.join(data_dir, "*.csv"))):
            with open(path, encoding="utf-8-sig") as f:
                lines = [l for l in f.read().splitlines() if l.strip() and not l.startswith("#")]
            header = [h.strip() for h in lines[0].split(";")]
            rows = [tuple(c.strip() for c in l.split(";")) for l in lines[1:]]
            mappings[os.path.splitext(os.path.basename(path))[0]] = (header, rows)
        for path in sorted(glob.glob(os.path.join(data_dir, "*.set"))):
            with open(path, encoding="utf-8-sig") as f:
                entries = [l.split("#", 1)[0].strip() for l in f]
            set_lines[os.path.splitext(os.path.basename(path))[0]] = [e for e in entries if e]
    else:
        mappings["ncsp_zxm_ncrp"] = (["ncsp", "zxm", "ncrp"], MINIMUM_MAPPING)
        set_lines = MINIMUM_SETS
    sets = {}
    for name, entries in set_lines.items():
        s = CodeSet()
        for e in entries:
            if e.startswith("@"):
                mapping, column = e[1:].split(".", 1)
                header, rows = mappings[mapping]
                for row in rows:
                    s.add(row[header.index(column)])
            else:
                s.add(e)
        sets[name] = s
    ncrp_of = {}
    for ncsp, zxm, ncrp in mappings["ncsp_zxm_ncrp"][1]:
        ncrp_of.setdefault((ncsp, zxm), ncrp)
    return sets, ncrp_of


def load_units(path):
    """reshID -> (niva2 reshID, niva2 name, name, radiologi)."""
    units = {}
    if not path:
        return units
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items()}
            units[row["reshid"]] = (row.get("niva2_reshid", ""), row.get("niva2_navn", ""),
                                    row.get("navn", ""),
                                    row.get("radiologi", "").lower() in ("ja", "1", "true"))
    return units


# ----------------------------------------------------------------------------- the episode

def local(tag):
    return tag.rpartition("}")[2] if tag[0] == "{" else tag


def to_int(text, default=0):
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def parse_dt(text):
    """xs:dateTime or a date alone; None when missing or malformed. Time zones become UTC."""
    if not text:
        return None
    try:
        d = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if d.tzinfo is not None:
        d = d.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return d


def day(d):
    return (d.date() - EPOCH).days


class Kode:
    __slots__ = ("verdi", "kodeverk", "nr", "system", "dato", "year", "diagnose", "hovedkode",
                 "checked", "line")

    def __init__(self, el, diagnose):
        self.verdi = (el.get("kodeVerdi") or "").strip().replace(".", "")
        self.kodeverk = (el.get("kodeverk") or el.get("Kodeverk") or "").strip()
        self.nr = to_int(el.get("kodeNr"))
        self.diagnose = diagnose
        self.line = el.sourceline


class Prosedyre:
    __slots__ = ("koder", "dato", "tiltak_type", "line", "tilst_nr")


class Tiltak:
    __slots__ = ("type", "prosedyrer", "line")


def read_kodes(el, diagnose):
    koder = [Kode(k, diagnose) for k in el if local(k.tag) == "Kode"]
    koder.sort(key=lambda k: k.nr)
    for i, k in enumerate(koder):
        k.hovedkode = i == 0
    return koder


# ----------------------------------------------------------------------------- the checker

class Checker:
    def __init__(self, tables, sets, ncrp_of, units, out):
        self.t = tables
        self.sets = sets
        self.ncrp_of = ncrp_of
        self.units = units
        self.out = out
        self.tally = collections.Counter()
        self.episodes = 0
        self.skipped = 0
        self.missing_years = set()

    # --- code helpers

    def resolve(self, k, dato):
        k.dato = dato
        k.year = year = dato.year
        kv = k.kodeverk.upper()
        if kv == "Q":
            k.system = self.t.resolve_q(k.verdi, year)
            if k.system == ANNET:
                k.checked = any(year in self.t.years[s] for s in PROCEDURE_SYSTEMS)
                if not k.checked:
                    self.note_missing("NCSP/NCMP/NCRP", year)
                return
        else:
            k.system = KODEVERK_SYSTEM.get(kv, ANNET)
            if k.system == ANNET:
                k.checked = False
                return
        k.checked = year in self.t.years[k.system]
        if not k.checked:
            self.note_missing(k.system, year)

    def note_missing(self, system, year):
        if (system, year) not in self.missing_years:
            self.missing_years.add((system, year))
            print("baseline: ADVARSEL: ingen %s-tabell for %d lastet; koder fra det året er "
                  "ukontrollert" % (system, year), file=sys.stderr)

    def known(self, k):
        return k.system in self.t.codes and k.verdi in self.t.codes[k.system]

    def longer_exists(self, k):
        systems = PROCEDURE_SYSTEMS if k.system == ANNET else (k.system,)
        return any(k.verdi in self.t.prefixes_any[s] for s in systems)

    def valid(self, k):
        years = self.t.codes.get(k.system, {}).get(k.verdi)
        return years is not None and k.year in years

    def tekst(self, k):
        return self.t.tekst(k.system, k.verdi, k.year)

    def in_set(self, k, name):
        return self.sets[name].contains(k.verdi, k.system)

    def code_json(self, k):
        return {"value": k.verdi, "system": k.system, "year": k.year if k.checked else 0,
                "text": self.tekst(k)}

    # --- findings

    def finding(self, rule, ep, line, koder, message):
        self.tally[rule] += 1
        self.out.write(json.dumps({
            "rule": rule, "version": 1, "severity": SEVERITY[rule], "isf": rule in ISF,
            "episode": ep["id"],
            "pasient": ep["pasient"], "unit": ep["unit"], "unit_name": ep["unit_name"],
            "avdeling": ep["avdeling"], "dato": ep["inn"].date().isoformat(), "file": ep["file"],
            "line": line, "codes": [self.code_json(k) for k in koder], "message": message,
        }, ensure_ascii=False))
        self.out.write("\n")

    # --- one episode

    def check_episode(self, el, pasient, enheter, file):
        a = el.attrib
        inn = parse_dt(a.get("innDatoTid"))
        if inn is None:
            self.skipped += 1  # the reader of a real tool would report this input error
            return
        self.episodes += 1
        ut = parse_dt(a.get("utDatoTid")) if a.get("utDatoTid") else None
        slutt = ut or inn
        omsorgsniva = to_int(a.get("omsorgsniva"))
        refs, tilstander, tiltak_list = [], [], []
        for child in el:
            name = local(child.tag)
            if name == "RefEnhet":
                refs.append((child.get("enhetID") or "", to_int(child.get("typeEnhet"))))
            elif name == "Tilstand":
                tilstander.append((to_int(child.get("tilstNr")), read_kodes(child, True)))
            elif name == "Tjeneste":
                tj_start = parse_dt(child.get("startDatoTid"))
                for tt in child:
                    if local(tt.tag) != "Tiltak":
                        continue
                    t = Tiltak()
                    t.type = to_int(tt.get("typeTiltak"))
                    t.line = tt.sourceline
                    dato = parse_dt(tt.get("startDatoTid")) or tj_start or inn
                    t.prosedyrer = []
                    for p_el in tt:
                        if local(p_el.tag) != "Prosedyre":
                            continue
                        p = Prosedyre()
                        p.koder = read_kodes(p_el, False)
                        tn = p_el.get("tilstNr")
                        p.tilst_nr = to_int(tn) if tn not in (None, "") else None
                        p.dato = dato
                        p.tiltak_type = t.type
                        p.line = p_el.sourceline
                        t.prosedyrer.append(p)
                    tiltak_list.append(t)
        tilstander.sort(key=lambda t: t[0])
        diagnosekoder = [k for _, koder in tilstander for k in koder]
        prosedyrer = [p for t in tiltak_list for p in t.prosedyrer]
        prosedyrekoder = [k for p in prosedyrer for k in p.koder]
        for k in diagnosekoder:
            self.resolve(k, slutt)
        for p in prosedyrer:
            for k in p.koder:
                self.resolve(k, p.dato)

        avdeling = ""
        for enhet_id, typ in refs:
            if typ == 7 and enhet_id in enheter:
                avdeling = enheter[enhet_id][0]
                break
        unit, unit_name = avdeling, ""
        for enhet_id, typ in refs:
            if typ == 7 and enhet_id in enheter:
                unit_name = enheter[enhet_id][1]
                break
        radiologi = False
        u = self.units.get(avdeling) if avdeling else None
        if u:
            unit = u[0] or avdeling
            unit_name = u[1] or (u[2] if unit == avdeling else "")
            radiologi = u[3]
        ep = {"file": file, "id": a.get("episodeID") or "", "pasient": pasient[0],
              "avdeling": avdeling, "unit": unit, "unit_name": unit_name, "inn": inn}
        line = el.sourceline
        kjonn, fodselsar = pasient[1], pasient[2]
        hoved = next((t for t in tilstander if t[1]), None)

        # Rules in id order: BV, EPI, KODE.
        # BV-001
        if not radiologi:
            for p in prosedyrer:
                h = p.koder[0] if p.koder else None
                if h is None or h.system != NCSP:
                    continue
                if p.tiltak_type == 2 or self.in_set(h, "bildeveiledet_ncsp"):
                    if not any(k.verdi.startswith("ZXM") for k in p.koder[1:]) and \
                            not any(k.system == NCRP for k in prosedyrekoder):
                        self.finding("BV-001", ep, p.line, p.koder,
                                     "Prosedyren %s (%s) er bildeveiledet, men har verken "
                                     "ZXM-tilleggskode eller NCRP-kode. Registrer NCRP-koden der "
                                     "en finnes; ellers NCSP-koden med ZXM-kode for teknikken."
                                     % (h.verdi, self.tekst(h)))
            # BV-002
            for p in prosedyrer:
                h = p.koder[0] if p.koder else None
                if h is None or h.system != NCSP:
                    continue
                zxm = next((k for k in p.koder[1:] if k.verdi.startswith("ZXM")
                            and (h.verdi, k.verdi) in self.ncrp_of), None)
                if zxm is None:
                    continue
                # Fires whenever the mapping has a row for the pair (rule set v1; whether the
                # NCRP code itself is valid on the date is KODE-001/KODE-002's business).
                ncrp = self.ncrp_of[(h.verdi, zxm.verdi)]
                self.finding("BV-002", ep, p.line, p.koder,
                             "Prosedyren er kodet %s + %s (%s, %s), men NCRP-koden %s (%s) "
                             "finnes. Registrer %s i stedet for NCSP- og ZXM-koden."
                             % (h.verdi, zxm.verdi, self.tekst(h), self.tekst(zxm), ncrp,
                                self.t.tekst_any(ncrp), ncrp))
            # BV-003
            for t in tiltak_list:
                if t.type == 2 and not any(p.koder for p in t.prosedyrer):
                    self.finding("BV-003", ep, t.line,
                                 [k for p in t.prosedyrer for k in p.koder],
                                 "Tiltaket er bildediagnostikk (typeTiltak 2), men har ingen "
                                 "prosedyre med kode: aktiviteten er ikke kodet. Registrer "
                                 "NCRP-koden for undersøkelsen/inngrepet.")
            # BV-004
            for p in prosedyrer:
                h = p.koder[0] if p.koder else None
                if h is None or h.system == NCSP:
                    continue
                zxms = [k.verdi for k in p.koder[1:] if k.verdi.startswith("ZXM")]
                if zxms:
                    self.finding("BV-004", ep, p.line, p.koder,
                                 "ZXM-koden %s står sammen med %s-koden %s (%s). ZXM brukes bare "
                                 "med NCSP-koder; NCRP-koden angir allerede modaliteten. Fjern "
                                 "ZXM-koden." % (", ".join(zxms), h.system, h.verdi, self.tekst(h)))
        # EPI-001
        if hoved is None:
            self.finding("EPI-001", ep, line, [],
                         "Episoden har ingen tilstand med kode, og dermed ingen hovedtilstand. "
                         "Registrer hovedtilstanden med en ICD-10-kode.")
        # EPI-002
        if ut is not None and ut < inn:
            self.finding("EPI-002", ep, line, [],
                         "Utdato/tid (%s) er tidligere enn inndato/tid (%s). Rett inn- eller "
                         "utdato for episoden." % (ut.date(), inn.date()))
        # EPI-003
        types = {typ for _, typ in refs}
        mangler = [str(t) for t in (1, 2, 7) if t not in types]
        ukjente = sum(1 for enhet_id, _ in refs if enhet_id not in enheter)
        if mangler or ukjente:
            self.finding("EPI-003", ep, line, [],
                         "Feil i episodens enheter: mangler typeEnhet %s; %d RefEnhet peker på en "
                         "enhetID som ikke finnes. Registrer behandlingssted, fagenhet og "
                         "avdeling for episoden." % (", ".join(mangler) or "-", ukjente))
        # EPI-004
        inn_day, ut_day = day(inn), (day(ut) if ut is not None else None)
        for p in prosedyrer:
            d = day(p.dato)
            if d < inn_day or (ut_day is not None and d > ut_day):
                self.finding("EPI-004", ep, p.line, p.koder,
                             "Prosedyren %s er datert %s, utenfor episodens dager (%s til %s). "
                             "Kontroller startdatoen til tiltaket/tjenesten."
                             % (p.koder[0].verdi if p.koder else "", p.dato.date(), inn.date(),
                                ut.date() if ut is not None else "uten utdato"))
        # EPI-005
        if omsorgsniva in (2, 3) and ut_day is not None and ut_day > inn_day:
            self.finding("EPI-005", ep, line, [],
                         "Omsorgsnivå %d skal starte og slutte samme dag, men episoden går fra %s "
                         "til %s." % (omsorgsniva, inn.date(), ut.date()))
        # EPI-006
        if fodselsar != 0 and (fodselsar > inn.year or inn.year - fodselsar > 125):
            self.finding("EPI-006", ep, line, [],
                         "Fødselsåret %d passer ikke med inndato %s. Kontroller pasientens "
                         "fødselsår." % (fodselsar, inn.date()))
        alle = diagnosekoder + prosedyrekoder
        # KODE-001
        for k in alle:
            if k.checked and not (self.known(k) or self.longer_exists(k)):
                self.finding("KODE-001", ep, k.line, [k],
                             "Koden %s finnes ikke i %s-kodeverket for noe år, og ingen lengre "
                             "kode begynner med den. Kontroller koden." % (k.verdi, k.system))
        # KODE-002
        for k in alle:
            if k.checked and self.known(k) and not self.valid(k):
                years = sorted(self.t.codes[k.system][k.verdi])
                self.finding("KODE-002", ep, k.line, [k],
                             "Koden %s (%s) er ikke gyldig i %s på %s; den er gyldig i %s."
                             % (k.verdi, self.tekst(k), k.system, k.dato.date(),
                                ", ".join(map(str, years))))
        # KODE-003
        for k in alle:
            if k.checked and k.system == ICD10 and k.verdi in self.t.prefixes[ICD10][k.year]:
                self.finding("KODE-003", ep, k.line, [k],
                             "Diagnosekoden %s er ikke den mest spesifikke: ICD-10 %d har lengre "
                             "koder som begynner med %s." % (k.verdi, k.year, k.verdi))
        # KODE-004
        if kjonn in (1, 2):
            for k in alle:
                menn = self.in_set(k, "kjonn_mann")
                kvinner = self.in_set(k, "kjonn_kvinne")
                if (kjonn == 2 and menn) or (kjonn == 1 and kvinner):
                    self.finding("KODE-004", ep, k.line, [k],
                                 "Koden %s (%s) gjelder bare %s, men pasienten er registrert som "
                                 "%s." % (k.verdi, self.tekst(k), "menn" if menn else "kvinner",
                                          "mann" if kjonn == 1 else "kvinne"))
        # KODE-005
        for p in prosedyrer:
            h = p.koder[0] if p.koder else None
            if h is not None and h.system in PROCEDURE_SYSTEMS and h.verdi.startswith("Z"):
                self.finding("KODE-005", ep, p.line, p.koder,
                             "Tilleggskoden %s (%s) står som første kode i prosedyren. Registrer "
                             "prosedyrekoden først og tilleggskodene etter den."
                             % (h.verdi, self.tekst(h)))
        # KODE-006
        if hoved is not None:
            first = hoved[1][0]
            if self.in_set(first, "stjernekoder"):
                self.finding("KODE-006", ep, first.line, [first],
                             "Hovedtilstanden begynner med manifestasjonskoden (stjernekoden) %s. "
                             "Registrer etiologikoden først." % first.verdi)
        # KODE-007: one finding per duplicated code, on its first occurrence
        counts = collections.Counter(k.verdi for k in diagnosekoder)
        reported = set()
        for k in diagnosekoder:
            n = counts[k.verdi]
            if n >= 2 and k.verdi not in reported:
                reported.add(k.verdi)
                self.finding("KODE-007", ep, k.line, [k],
                             "Diagnosekoden %s (%s) er registrert %d ganger i episoden. Fjern "
                             "duplikatet(ene)." % (k.verdi, self.tekst(k), n))
        self.check_v2(ep, line, slutt, inn, fodselsar, tilstander, hoved, prosedyrer, alle)

    # --- rule set v2 (rules-v2.md)

    def check_v2(self, ep, line, slutt, inn, fodselsar, tilstander, hoved, prosedyrer, alle):
        bi = [t for t in tilstander if t[1] and t is not hoved]
        bi_koder = [k for _, koder in bi for k in koder]
        first = hoved[1][0] if hoved is not None else None
        in_set = self.in_set
        # EPI-007
        nrs = {nr for nr, _ in tilstander}
        for p in prosedyrer:
            if p.tilst_nr is not None and p.tilst_nr not in nrs:
                self.finding("EPI-007", ep, p.line, p.koder,
                             "Prosedyren viser til tilstand %d, som ikke finnes." % p.tilst_nr)
        if first is not None:
            # HT-001 (in force from 2021-09-01, the episode's end date)
            if slutt.date() >= HT_001_FROM and in_set(first, "observasjon_z03"):
                self.finding("HT-001", ep, line, [first], "Z03 som hovedtilstand: %s" % first.verdi)
            # HT-002
            if in_set(first, "ytre_arsaker"):
                self.finding("HT-002", ep, line, [first], "Ytre årsak som hovedtilstand.")
            # HT-003
            if in_set(first, "respirasjonssvikt"):
                cause = next((k for k in bi_koder if in_set(k, "j96_arsaker")), None)
                if cause is not None:
                    self.finding("HT-003", ep, line, [first, cause],
                                 "Vurder %s som hovedtilstand." % cause.verdi)
            # HT-004
            if in_set(first, "radikulopati"):
                p = next((p for p in prosedyrer
                          if p.koder and in_set(p.koder[0], "dekompresjon_ncsp")), None)
                if p is not None:
                    self.finding("HT-004", ep, line, [first, p.koder[0]],
                                 "Vurder M511 eller M480 som hovedtilstand.")
            # HT-005
            if in_set(first, "symptomkoder"):
                d = next((k for k in bi_koder if not in_set(k, "ikke_definitive")), None)
                if d is not None:
                    self.finding("HT-005", ep, line, [first, d],
                                 "Vurder %s som hovedtilstand." % d.verdi)
        # KODE-008
        for nr, koder in bi:
            if in_set(koder[0], "stjernekoder"):
                self.finding("KODE-008", ep, koder[0].line, [koder[0]],
                             "Bitilstanden %d begynner med stjernekoden %s." % (nr, koder[0].verdi))
        # KODE-009, KODE-010: age = year(innDatoTid) - fodselsar, unknown without fodselsar
        if fodselsar != 0:
            alder = inn.year - fodselsar
            for k in alle:
                if in_set(k, "svangerskap") and not 10 <= alder <= 55:
                    self.finding("KODE-009", ep, k.line, [k], "Svangerskapskode, %d år." % alder)
            for k in alle:
                if in_set(k, "levendefodt") and alder > 1:
                    self.finding("KODE-010", ep, k.line, [k], "Z38, %d år." % alder)

    # --- one file

    def check_file(self, path):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            enheter = {}
            pasient = ("", -1, 0)
            for _, el in etree.iterparse(f, events=("end",), huge_tree=True, tag=(
                    "{*}Enhet", "{*}Pasient", "{*}Episode", "{*}Objektholder")):
                name = local(el.tag)
                if name == "Episode":
                    self.check_episode(el, pasient, enheter, path)
                elif name == "Pasient":
                    pasient = (el.get("pasientNr") or "", to_int(el.get("kjonn"), -1),
                               to_int(el.get("fodselsar")))
                elif name == "Enhet":
                    enheter[el.get("enhetID") or ""] = (el.get("reshID") or "",
                                                        el.get("enhetLokal") or "")
                elif name == "Objektholder":
                    el.clear()
                    while el.getprevious() is not None:  # drop checked Objektholders
                        del el.getparent()[0]
                    pasient = ("", -1, 0)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.normpath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tables", default=os.path.join(repo, "testdata", "tables"))
    ap.add_argument("--rules-data", default=os.path.join(repo, "rules", "data"))
    ap.add_argument("--units", default="")
    ap.add_argument("--out", required=True, help="findings NDJSON file")
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args()

    tables = CodeTables(args.tables)
    sets, ncrp_of = load_rule_data(args.rules_data)
    units = load_units(args.units)
    with open(args.out, "w", encoding="utf-8", buffering=1 << 20) as out:
        checker = Checker(tables, sets, ncrp_of, units, out)
        for path in args.inputs:
            if os.path.isdir(path):
                files = sorted(glob.glob(os.path.join(path, "*.xml")) +
                               glob.glob(os.path.join(path, "*.xml.gz")))
            else:
                files = [path]
            for f in files:
                checker.check_file(f)
    total = sum(checker.tally.values())
    print("baseline: %d episodes, %d findings%s" % (
        checker.episodes, total,
        ", %d episodes skipped (no innDatoTid)" % checker.skipped if checker.skipped else ""),
        file=sys.stderr)
    for rule in sorted(checker.tally):
        print("  %-9s %d" % (rule, checker.tally[rule]), file=sys.stderr)


if __name__ == "__main__":
    main()
