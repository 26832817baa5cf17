"""Reference checker for rule sets v1 and v2 (the oracle behind the example's expected findings).

An independent, deliberately plain Python reading of /work/shared/spec/rules-v1.md (the 17
rules EPI-001..006, KODE-001..007, BV-001..004) and rules-v2.md (the 9 rules HT-001..005,
KODE-008..010, EPI-007: one function per rule, `check_v2`). The generator (gen_extract.py) runs every
episode it writes through `check_episode` and writes what it returns to the expected-findings
file; it also uses `Ambiguous` to refuse episodes whose outcome the spec leaves open.

It also reads NPR-melding files (bare or in a MsgHead envelope, any namespace or prefix,
`kodeverk` or `Kodeverk`, plain or .gz), so the expected findings can be recomputed from the
written files:

    python3 testdata/generator/npr_oracle.py --tables testdata/tables \
        --units testdata/example/units.csv testdata/example/*.xml*

Standard library only. This is a test-data tool, not part of the product.
"""

import argparse
import csv
import datetime as dt
import gzip
import os
import sys
import xml.etree.ElementTree as ET

# kodeverk (OID 8410) -> code system; Q is resolved from the code; others are not table-checked.
KODEVERK_SYSTEM = {"D": "ICD10", "K": "NCSP", "M": "NCMP", "R": "NCRP"}
PROC_SYSTEMS = ("NCSP", "NCMP", "NCRP")
UNKNOWN_PROC = "PROC?"  # a Q code found in none of the procedure lists
TABLE_FILES = {"ICD10": "icd10.csv", "NCSP": "ncsp.csv", "NCMP": "ncmp.csv", "NCRP": "ncrp.csv"}

# What a finding of each rule names in its `codes` (see docs/example-data.md):
#   kode scope      -> the code
#   prosedyre scope -> all codes of the Prosedyre, in kodeNr order
#   tiltak scope    -> all codes of the Tiltak's Prosedyrer (BV-003: none)
#   tilstand scope  -> KODE-006 names the manifestation code, i.e. the first code of the
#                      hovedtilstand (as the shipped rule file does)
#   episode scope   -> nothing
RULE_IDS = (
    "EPI-001", "EPI-002", "EPI-003", "EPI-004", "EPI-005", "EPI-006",
    "KODE-001", "KODE-002", "KODE-003", "KODE-004", "KODE-005", "KODE-006", "KODE-007",
    "BV-001", "BV-002", "BV-003", "BV-004",
)
# Rule set v2 (rules-v2.md). Codes named: HT-001/002 the hovedtilstand's first code; HT-003/004/005
# that code and the first bitilstand code (HT-004: procedure main code) that makes the rule fire;
# KODE-008 the bitilstand's first code; KODE-009/010 the code; EPI-007 the Prosedyre's codes.
V2_RULE_IDS = ("EPI-007", "HT-001", "HT-002", "HT-003", "HT-004", "HT-005",
               "KODE-008", "KODE-009", "KODE-010")
RULE_IDS = RULE_IDS + V2_RULE_IDS


class Ambiguous(Exception):
    """The spec does not decide this episode's findings unambiguously."""


# --------------------------------------------------------------------------------------------
# Model (NPR names)


class Kode:
    __slots__ = ("nr", "kodeverk", "verdi", "versjon")

    def __init__(self, nr, kodeverk, verdi, versjon=""):
        self.nr, self.kodeverk, self.verdi, self.versjon = nr, kodeverk, verdi, versjon


class Tilstand:
    __slots__ = ("nr", "koder")

    def __init__(self, nr, koder):
        self.nr, self.koder = nr, koder


class Prosedyre:
    __slots__ = ("nr", "tilst_nr", "koder")

    def __init__(self, nr, koder, tilst_nr=None):
        self.nr, self.koder, self.tilst_nr = nr, koder, tilst_nr


class Tiltak:
    __slots__ = ("type", "start", "prosedyrer")

    def __init__(self, type_, start, prosedyrer):
        self.type, self.start, self.prosedyrer = type_, start, prosedyrer


class Tjeneste:
    __slots__ = ("start", "slutt", "tiltak", "date_only")

    def __init__(self, start, tiltak, slutt=None, date_only=False):
        self.start, self.tiltak, self.slutt, self.date_only = start, tiltak, slutt, date_only


class Pasient:
    __slots__ = ("nr", "kjonn", "fodselsar")

    def __init__(self, nr, kjonn, fodselsar):
        self.nr, self.kjonn, self.fodselsar = nr, kjonn, fodselsar


class Episode:
    __slots__ = ("id", "guid", "inn", "ut", "omsorgsniva", "refs", "tilstander", "tjenester",
                 "pasient", "extra")

    def __init__(self, id_, inn, ut, omsorgsniva, refs, tilstander, tjenester, pasient):
        self.id, self.inn, self.ut, self.omsorgsniva = id_, inn, ut, omsorgsniva
        self.refs, self.tilstander, self.tjenester, self.pasient = refs, tilstander, tjenester, pasient
        self.guid = ""
        self.extra = {}


# --------------------------------------------------------------------------------------------
# Code tables and rule data


class CodeTables:
    """testdata/tables/<year>/<system>.csv (Kode;Tekst)."""

    def __init__(self, tables_dir):
        self.by = {s: {} for s in TABLE_FILES}  # system -> year -> {code: text}
        for year_name in sorted(os.listdir(tables_dir)):
            if not year_name.isdigit():
                continue
            for system, fname in TABLE_FILES.items():
                path = os.path.join(tables_dir, year_name, fname)
                if os.path.exists(path):
                    with open(path, encoding="utf-8-sig", newline="") as f:
                        rows = csv.reader(f, delimiter=";")
                        next(rows, None)
                        self.by[system][int(year_name)] = {
                            r[0].strip(): (r[1] if len(r) > 1 else "") for r in rows if r and r[0].strip()}
        self.any = {s: set().union(*y.values()) if y else set() for s, y in self.by.items()}
        self.prefixes_any = {s: _prefixes(codes) for s, codes in self.any.items()}
        self.prefixes_year = {s: {y: _prefixes(c) for y, c in ys.items()} for s, ys in self.by.items()}
        self.q_system = {}
        for s in PROC_SYSTEMS:
            for c in self.any[s]:
                if c in self.q_system and self.q_system[c] != s:
                    self.q_system[c] = None  # ambiguous between lists
                else:
                    self.q_system.setdefault(c, s)

    def loaded(self, system, year):
        if system == UNKNOWN_PROC:
            n = sum(1 for s in PROC_SYSTEMS if year in self.by[s])
            if n == 0:
                return False
            if n < len(PROC_SYSTEMS):
                raise Ambiguous("unknown Q code in a year where only some procedure lists are loaded")
            return True
        return year in self.by.get(system, {})

    def valid(self, system, year, code):
        return code in self.by.get(system, {}).get(year, ())

    def known(self, system, code):
        if system == UNKNOWN_PROC:
            return False
        return code in self.any.get(system, ())

    def longer_any(self, system, code):
        systems = PROC_SYSTEMS if system == UNKNOWN_PROC else (system,)
        return any(code in self.prefixes_any[s] for s in systems)

    def longer_on(self, system, year, code):
        return code in self.prefixes_year.get(system, {}).get(year, ())

    def text(self, system, code):
        for y in sorted(self.by.get(system, {}), reverse=True):
            t = self.by[system][y].get(code)
            if t is not None:
                return t
        return ""

    def system_of(self, kode):
        kv = kode.kodeverk
        if kv in KODEVERK_SYSTEM:
            return KODEVERK_SYSTEM[kv]
        if kv == "Q":
            s = self.q_system.get(kode.verdi, UNKNOWN_PROC)
            if s is None:
                raise Ambiguous("Q code %s is in more than one procedure list" % kode.verdi)
            return s
        return None  # F, S, P, ...: not table-checked


def _prefixes(codes):
    out = set()
    for c in codes:
        for i in range(1, len(c)):
            out.add(c[:i])
    return out


class CodeSet:
    """A rule-data code set: entries `SYSTEM:PATTERN`, PATTERN = CODE, PREFIX*, or FROM-TO (on
    the first len(FROM) characters)."""

    def __init__(self):
        self.exact, self.prefix, self.ranges = set(), [], []

    def add(self, system, pattern):
        pattern = pattern.strip()
        if pattern.endswith("*"):
            self.prefix.append((system, pattern[:-1]))
        elif "-" in pattern:
            a, b = pattern.split("-", 1)
            self.ranges.append((system, a.strip(), b.strip()))
        else:
            self.exact.add((system, pattern))

    def __contains__(self, item):
        system, code = item
        if (system, code) in self.exact:
            return True
        for s, p in self.prefix:
            if s == system and code.startswith(p):
                return True
        for s, a, b in self.ranges:
            if s == system and a <= code[:len(a)] <= b:
                return True
        return False


# The minimum the spec requires; rules/data/* is read on top of it when present.
SPEC_MALE = [("ICD10", "C60-C63"), ("ICD10", "N40-N51"), ("NCSP", "KE*"), ("NCSP", "KF*"),
             ("NCSP", "KG*")]
SPEC_FEMALE = [("ICD10", "O*"), ("ICD10", "C51-C58"), ("ICD10", "D25-D27"), ("ICD10", "N70-N98"),
               ("NCSP", "L*"), ("NCSP", "M*")]
SPEC_ASTERISK = ["F00", "F02", "G01", "G05", "G07", "G22", "G32", "G63", "G99", "H36", "I32",
                 "I39", "I41", "I43", "I52", "I68", "J17", "J99", "K23", "K67", "K77", "K93",
                 "L14", "L99", "M01", "M03", "M07", "M09", "M14", "M36", "M49", "M63", "M68",
                 "M73", "M82", "M90", "N08", "N16", "N22", "N29", "N33", "N37", "N51", "N74", "N77"]
SPEC_MAPPING = [("JJX00", "ZXM00", "JJB06K"), ("JJX00", "ZXM10", "JJB06A"),
                ("JJX00", "ZXM20", "JJB06D"), ("BAX10", "ZXM00", "BAB06K"),
                ("FEA00", "ZXM00", "FED10K"), ("FEA00", "ZXM10", "FED10A"),
                ("FEA00", "ZXM20", "FED10D")]


class RuleData:
    def __init__(self, rules_data_dir=None):
        self.male, self.female, self.asterisk = CodeSet(), CodeSet(), CodeSet()
        for s, p in SPEC_MALE:
            self.male.add(s, p)
        for s, p in SPEC_FEMALE:
            self.female.add(s, p)
        for c in SPEC_ASTERISK:
            self.asterisk.add("ICD10", c + "*")
        self.mapping = {(a, z): n for a, z, n in SPEC_MAPPING}
        self.image_guided = set()
        self.sources = ["spec minimum (rules-v1.md)"]
        if rules_data_dir and os.path.isdir(rules_data_dir):
            self._load(rules_data_dir)
        self.image_guided |= {a for a, _ in self.mapping}

    def _load(self, d):
        def lines(name):
            path = os.path.join(d, name)
            if not os.path.exists(path):
                return None
            self.sources.append(os.path.relpath(path))
            with open(path, encoding="utf-8") as f:
                return [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]

        for name, target in (("kjonn_mann.set", self.male), ("kjonn_kvinne.set", self.female),
                             ("stjernekoder.set", self.asterisk)):
            for ln in lines(name) or []:
                if ":" in ln:
                    s, p = ln.split(":", 1)
                    target.add(s.strip().upper(), p)
        rows = lines("ncsp_zxm_ncrp.csv")
        for ln in rows or []:
            parts = [p.strip() for p in ln.split(";")]
            if len(parts) >= 3 and parts[0].lower() != "ncsp":
                self.mapping[(parts[0], parts[1])] = parts[2]
        for ln in lines("bildeveiledet_ncsp.set") or []:
            if ln.startswith("@"):
                continue  # "@ncsp_zxm_ncrp.ncsp": the mapping's NCSP codes, added anyway
            if ":" in ln:
                s, p = ln.split(":", 1)
                if s.strip().upper() == "NCSP":
                    self.image_guided.add(p.strip())
            else:
                self.image_guided.add(ln)


def load_units(path):
    """units.csv: reshID;navn;niva2_reshID;niva2_navn;radiologi -> {reshID: (niva2, radiologi)}."""
    units = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f, delimiter=";")
        header = next(rows)
        idx = {h.strip(): i for i, h in enumerate(header)}
        for r in rows:
            if not r or not r[0].strip():
                continue
            units[r[idx["reshID"]].strip()] = (r[idx["niva2_reshID"]].strip(),
                                               r[idx["radiologi"]].strip().lower() in ("ja", "j", "1", "true"))
    return units


# --------------------------------------------------------------------------------------------
# The rules


class Checker:
    def __init__(self, tables, rule_data, units=None):
        self.t, self.r, self.units = tables, rule_data, units

    def check_episode(self, ep, enheter):
        """Findings of one episode as a sorted list of (rule, codes-tuple).

        enheter: {enhetID: reshID} of the file's Institusjon. Raises Ambiguous where the spec
        leaves the outcome open."""
        t, r = self.t, self.r
        out = []
        inn, ut = ep.inn, ep.ut
        if ut is not None and ut.year != inn.year:
            raise Ambiguous("episode spans a year boundary")
        diag_date = ut if ut is not None else inn

        # ---- episode checks
        coded = [ts for ts in ep.tilstander if ts.koder]
        if not coded:
            out.append(("EPI-001", ()))
        if ut is not None and ut < inn:
            out.append(("EPI-002", ()))
        types = {ty for _, ty in ep.refs}
        if not {1, 2, 7} <= types or any(eid not in enheter for eid, _ in ep.refs):
            out.append(("EPI-003", ()))
        if ep.omsorgsniva in (2, 3) and ut is not None and ut.date() > inn.date():
            out.append(("EPI-005", ()))
        fa = ep.pasient.fodselsar
        if fa:
            if fa > inn.year or inn.year - fa > 125:
                out.append(("EPI-006", ()))
            elif inn.year - fa == 126:
                raise Ambiguous("age 126 by year difference")

        # ---- the unit: radiology?
        avd = [eid for eid, ty in ep.refs if ty == 7]
        if len(avd) > 1:
            raise Ambiguous("more than one avdeling")
        radiologi = False
        if avd and self.units is not None:
            resh = enheter.get(avd[0])
            radiologi = bool(resh in self.units and self.units[resh][1])

        # ---- diagnosis codes
        sorted_tilst = sorted(ep.tilstander, key=lambda ts: ts.nr)
        if coded and not sorted_tilst[0].koder:
            raise Ambiguous("first Tilstand has no code but a later one has")
        counts = {}
        for ts in sorted_tilst:
            for k in sorted(ts.koder, key=lambda k: k.nr):
                system = t.system_of(k)
                if system not in (None, "ICD10"):
                    raise Ambiguous("procedure code in a Tilstand")
                counts[k.verdi] = counts.get(k.verdi, 0) + 1
                if system is None:
                    continue
                self._table_checks(out, k, system, diag_date, diagnosis=True)
                self._sex_check(out, k, system, ep.pasient.kjonn)
        if coded:
            first = sorted(sorted_tilst[0].koder, key=lambda k: k.nr)[0]
            if t.system_of(first) == "ICD10" and ("ICD10", first.verdi) in r.asterisk:
                out.append(("KODE-006", (first.verdi,)))
        for v, n in counts.items():
            if n > 1:
                out.append(("KODE-007", (v,)))

        # ---- procedures
        all_proc = []  # (tiltak, date, prosedyre, [(kode, system)])
        for tj in ep.tjenester:
            for tt in tj.tiltak:
                date = tt.start or tj.start or inn
                for p in tt.prosedyrer:
                    ks = [(k, t.system_of(k)) for k in sorted(p.koder, key=lambda k: k.nr)]
                    for k, s in ks:
                        if s == "ICD10":
                            raise Ambiguous("diagnosis code in a Prosedyre")
                    all_proc.append((tt, date, p, ks))
        episode_has_ncrp = any(s == "NCRP" for _, _, _, ks in all_proc for _, s in ks)

        for tt, date, p, ks in all_proc:
            codes = tuple(k.verdi for k, _ in ks)
            if ut is None and date.date() > inn.date():
                raise Ambiguous("EPI-004: procedure after the inn day of an episode without utDatoTid")
            if date.date() < inn.date() or (ut is not None and date.date() > ut.date()):
                if not ks:
                    raise Ambiguous("EPI-004 on a Prosedyre without codes")
                out.append(("EPI-004", codes))
            for k, s in ks:
                if s is None:
                    continue
                self._table_checks(out, k, s, date, diagnosis=False)
                self._sex_check(out, k, s, ep.pasient.kjonn)
            if not ks:
                continue
            main, main_s = ks[0]
            rest = ks[1:]
            if main_s in PROC_SYSTEMS and main.verdi.startswith("Z"):
                out.append(("KODE-005", codes))
            elif main_s == UNKNOWN_PROC and main.verdi.startswith("Z"):
                raise Ambiguous("unknown Z code first in a Prosedyre")
            if radiologi:
                continue
            zxm = [k for k, _ in rest if k.verdi.startswith("ZXM")]
            if main_s == "NCSP":
                if (tt.type == 2 or main.verdi in r.image_guided) and not zxm and not episode_has_ncrp:
                    out.append(("BV-001", codes))
                for z in zxm:
                    ncrp = r.mapping.get((main.verdi, z.verdi))
                    if ncrp:
                        if not t.loaded("NCRP", date.year) or not t.valid("NCRP", date.year, ncrp):
                            raise Ambiguous("BV-002: mapped NCRP code %s not valid on %s" % (ncrp, date.date()))
                        out.append(("BV-002", codes))
                        break
            elif zxm:
                if main_s not in ("NCRP", "NCMP"):
                    raise Ambiguous("ZXM with a main code of unknown system")
                out.append(("BV-004", codes))

        if not radiologi:
            for tj in ep.tjenester:
                for tt in tj.tiltak:
                    if tt.type == 2 and not any(p.koder for p in tt.prosedyrer):
                        out.append(("BV-003", ()))
        out.extend(check_v2(ep, r))
        out.sort()
        return out

    def _table_checks(self, out, k, system, date, diagnosis):
        t = self.t
        if not t.loaded(system, date.year):
            return  # no table for that system and year: unchecked
        code = k.verdi
        if not t.known(system, code):
            if not t.longer_any(system, code):
                out.append(("KODE-001", (code,)))
            elif system == "ICD10" and not t.longer_on(system, date.year, code):
                raise Ambiguous("short code %s with longer codes only in other years" % code)
            elif system != "ICD10":
                raise Ambiguous("short procedure code %s" % code)
        elif not t.valid(system, date.year, code):
            if system == "ICD10" and t.longer_on(system, date.year, code):
                raise Ambiguous("code %s invalid on date but has longer codes then" % code)
            out.append(("KODE-002", (code,)))
        if system == "ICD10" and t.longer_on(system, date.year, code):
            out.append(("KODE-003", (code,)))

    def _sex_check(self, out, k, system, kjonn):
        if kjonn not in (1, 2):
            return
        item = (system, k.verdi)
        male, female = item in self.r.male, item in self.r.female
        if male and female:
            raise Ambiguous("code %s in both sex sets" % k.verdi)
        if (kjonn == 2 and male) or (kjonn == 1 and female):
            out.append(("KODE-004", (k.verdi,)))


# --------------------------------------------------------------------------------------------
# Rule set v2 (rules-v2.md), one function per rule. "In a range such as R00-R99": the code's
# first three characters, compared as text, lie in it; "in Z03"/"in J96"/"in M541": the code
# starts with it. The hovedtilstand is the first Tilstand (lowest tilstNr) with a code, its
# first code the one with the lowest kodeNr; a bitilstand is any other Tilstand with a code.

V2_Z03_FROM = dt.date(2021, 9, 1)
V2_J96_CAUSES = ("J44", ("J12", "J18"), "C34")  # rules-v2.md: at least these
V2_DECOMPRESSION = ("ABC16", "ABC21", "ABC36", "ABC56")


def in_range(code, lo, hi):
    return lo <= code[:3] <= hi


def _by_nr(koder):
    return sorted(koder, key=lambda k: k.nr)


def _v2_parts(ep):
    """(first code of the hovedtilstand or None, bitilstand codes in tilstNr/kodeNr order)."""
    coded = [ts for ts in sorted(ep.tilstander, key=lambda ts: ts.nr) if ts.koder]
    if not coded:
        return None, [], []
    bi = coded[1:]
    return _by_nr(coded[0].koder)[0].verdi, [k.verdi for ts in bi for k in _by_nr(ts.koder)], bi


def _age(ep):
    fa = ep.pasient.fodselsar if ep.pasient else 0
    return ep.inn.year - fa if fa else None


def _all_codes(ep):
    codes = [k.verdi for ts in sorted(ep.tilstander, key=lambda ts: ts.nr) for k in _by_nr(ts.koder)]
    for tj in ep.tjenester:
        for tt in tj.tiltak:
            for p in tt.prosedyrer:
                codes += [k.verdi for k in _by_nr(p.koder)]
    return codes


def ht_001(ep, first, bi_codes, r):
    end = (ep.ut or ep.inn).date()
    if first and first[:3] == "Z03" and end >= V2_Z03_FROM:
        return [("HT-001", (first,))]
    return []


def ht_002(ep, first, bi_codes, r):
    return [("HT-002", (first,))] if first and in_range(first, "V01", "Y98") else []


def _j96_cause(code):
    for c in V2_J96_CAUSES:
        if isinstance(c, tuple) and in_range(code, c[0], c[1]):
            return True
        if isinstance(c, str) and code.startswith(c):
            return True
    return False


def ht_003(ep, first, bi_codes, r):
    if not first or not first.startswith("J96"):
        return []
    causes = [c for c in bi_codes if _j96_cause(c)]
    return [("HT-003", (first, causes[0]))] if causes else []


def ht_004(ep, first, bi_codes, r):
    if not first or not first.startswith("M541"):
        return []
    for tj in ep.tjenester:
        for tt in tj.tiltak:
            for p in tt.prosedyrer:
                if p.koder and _by_nr(p.koder)[0].verdi in V2_DECOMPRESSION:
                    return [("HT-004", (first, _by_nr(p.koder)[0].verdi))]
    return []


def ht_005(ep, first, bi_codes, r):
    if not first or not in_range(first, "R00", "R99"):
        return []
    definite = [c for c in bi_codes if not (in_range(c, "R00", "R99") or in_range(c, "Z00", "Z99")
                                            or in_range(c, "V01", "Y98"))]
    return [("HT-005", (first, definite[0]))] if definite else []


def kode_008(ep, bi, r):
    out = []
    for ts in bi:
        k = _by_nr(ts.koder)[0]
        if k.kodeverk.upper() == "D" and ("ICD10", k.verdi) in r.asterisk:
            out.append(("KODE-008", (k.verdi,)))
    return out


def kode_009(ep, r):
    age = _age(ep)
    if age is None or 10 <= age <= 55:
        return []
    return [("KODE-009", (c,)) for c in _all_codes(ep) if in_range(c, "O00", "O99")]


def kode_010(ep, r):
    age = _age(ep)
    if age is None or age <= 1:
        return []
    return [("KODE-010", (c,)) for c in _all_codes(ep) if c[:3] == "Z38"]


def epi_007(ep, r):
    nrs = {ts.nr for ts in ep.tilstander}
    out = []
    for tj in ep.tjenester:
        for tt in tj.tiltak:
            for p in tt.prosedyrer:
                if p.tilst_nr is not None and p.tilst_nr not in nrs:
                    out.append(("EPI-007", tuple(k.verdi for k in _by_nr(p.koder))))
    return out


def check_v2(ep, r):
    """The findings of rule set v2 on one episode (unsorted)."""
    first, bi_codes, bi = _v2_parts(ep)
    out = []
    for rule in (ht_001, ht_002, ht_003, ht_004, ht_005):
        out += rule(ep, first, bi_codes, r)
    out += kode_008(ep, bi, r)
    out += kode_009(ep, r)
    out += kode_010(ep, r)
    out += epi_007(ep, r)
    return out


# --------------------------------------------------------------------------------------------
# Reading NPR-melding files


def parse_dt(s):
    if s is None or s == "":
        return None
    s = s.strip()
    if "T" in s:
        return dt.datetime.fromisoformat(s[:19])
    return dt.datetime.fromisoformat(s[:10] + "T00:00:00")


def _local(tag):
    return tag.rsplit("}", 1)[-1].split(":")[-1]


def _attr(el, name, default=None):
    for k, v in el.attrib.items():
        if _local(k) == name:
            return v
    return default


def _kode(el):
    kv = _attr(el, "kodeverk")
    if kv is None:
        kv = _attr(el, "Kodeverk", "")
    return Kode(int(_attr(el, "kodeNr", "0") or 0), kv.strip(), _attr(el, "kodeVerdi", "").strip(),
                _attr(el, "kodeVersjon", ""))


def read_file(path):
    """Yields (enheter, Episode) for every Episode of the file, streaming."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        enheter = {}
        pasient = None
        for event, el in ET.iterparse(f, events=("start", "end")):
            name = _local(el.tag)
            if event == "start":
                continue
            if name == "Enhet":
                enheter[_attr(el, "enhetID")] = _attr(el, "reshID")
            elif name == "Pasient":
                fa = _attr(el, "fodselsar")
                pasient = Pasient(_attr(el, "pasientNr"), int(_attr(el, "kjonn", "0") or 0),
                                  int(fa) if fa else 0)
            elif name == "Episode":
                yield enheter, _episode(el, pasient)
                el.clear()
            elif name == "Objektholder":
                el.clear()
                pasient = None


def _episode(el, pasient):
    refs, tilst, tjen = [], [], []
    for c in el:
        n = _local(c.tag)
        if n == "RefEnhet":
            refs.append((_attr(c, "enhetID"), int(_attr(c, "typeEnhet", "0"))))
        elif n == "Tilstand":
            tilst.append(Tilstand(int(_attr(c, "tilstNr", "0")),
                                  [_kode(k) for k in c if _local(k.tag) == "Kode"]))
        elif n == "Tjeneste":
            tiltak = []
            for tt in c:
                if _local(tt.tag) != "Tiltak":
                    continue
                pros = []
                for p in tt:
                    if _local(p.tag) == "Prosedyre":
                        tn = _attr(p, "tilstNr")
                        pros.append(Prosedyre(int(_attr(p, "prosNr", "0")),
                                              [_kode(k) for k in p if _local(k.tag) == "Kode"],
                                              int(tn) if tn not in (None, "") else None))
                tiltak.append(Tiltak(int(_attr(tt, "typeTiltak", "0")),
                                     parse_dt(_attr(tt, "startDatoTid")), pros))
            tjen.append(Tjeneste(parse_dt(_attr(c, "startDatoTid")), tiltak))
    return Episode(_attr(el, "episodeID"), parse_dt(_attr(el, "innDatoTid")),
                   parse_dt(_attr(el, "utDatoTid")), int(_attr(el, "omsorgsniva", "0") or 0),
                   refs, tilst, tjen, pasient)


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser(description="Reference findings (rule sets v1 and v2) of NPR-melding files, "
                                 "as the expected-findings TSV (file, episode, rule, codes).")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--tables", default=os.path.join(root, "testdata", "tables"))
    ap.add_argument("--rules-data", default=os.path.join(root, "rules", "data"))
    ap.add_argument("--units", help="units catalogue (reshID;navn;niva2_reshID;niva2_navn;radiologi)")
    a = ap.parse_args(argv)
    checker = Checker(CodeTables(a.tables), RuleData(a.rules_data),
                      load_units(a.units) if a.units else None)
    rows = []
    for path in a.files:
        for enheter, ep in read_file(path):
            for rule, codes in checker.check_episode(ep, enheter):
                rows.append((os.path.basename(path), ep.id, rule, ",".join(codes)))
    rows.sort()
    w = sys.stdout
    w.write("file\tepisode\trule\tcodes\n")
    for row in rows:
        w.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
