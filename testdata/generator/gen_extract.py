#!/usr/bin/env python3
"""Deterministic generator of realistic NPR-melding extracts with known planted coding errors.

    python3 testdata/generator/gen_extract.py --seed 42 --episodes 400 --files 5 --gzip-one \
        --out testdata/example --expected testdata/example/expected-findings.tsv

Writes NPR-melding XML (real codes from testdata/tables/<year>/<system>.csv, years 2015-2017 by
default; --period 2026-01-01:2026-03-31 --melding 58 for a current-year file in the NPR-melding
58 style, whose procedure codes have no table and stay unchecked)
for a fictional health trust with nine avdelinger under four level-2 units, one of them
radiology; the units catalogue (units.csv); and, with --expected, the findings rule set v1
must give on the files, one line per finding (file, episode, rule, codes), computed by the
reference checker npr_oracle.py and checked against what each planted episode was built to
trigger. See docs/example-data.md.

Without --error-rate every planted variant of the catalogue (VARIANTS below) is used exactly
once (the example); with --error-rate R a fraction R of the episodes carry planted errors,
drawn from the catalogue (benchmark extracts). Episodes are written as they are made: memory
does not grow with --episodes.

Standard library only. A test-data tool, not part of the product.
"""

import argparse
import datetime as dt
import gzip
import io
import os
import random
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npr_oracle as O  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

# Message versions: namespace and Melding/@versjon (--melding). 58 adds Helseperson under Kontakt.
MELDING_VERSIONS = {
    "53": ("http://www.npr.no/xmlstds/53_1_1_ord", "53.1.1"),
    "58": ("http://www.npr.no/xmlstds/58_0_1_ord", "58.0.1"),
}
NS_NPR, NPR_VERSJON = MELDING_VERSIONS["53"]
NS_MSGHEAD = "http://www.kith.no/xmlstds/msghead/2006-05-24"
PERIOD_START = dt.date(2015, 1, 1)
PERIOD_END = dt.date(2017, 12, 31)

# --------------------------------------------------------------------------------------------
# The health trust: behandlingssteder, avdelinger (with their fagenhet) and level-2 units.

INSTITUSJON_ID = "983974724"
BEHANDLINGSSTEDER = [("1", "4001", "Haukeland universitetssjukehus", "974557746"),
                     ("2", "4002", "Voss sjukehus", "974742985")]

# key, avdeling reshID, navn, nivå 2 reshID, nivå 2 navn, radiologi, fagenhet reshID, fagenhet
UNITS = [
    ("gastro", "4210", "Gastroenterologisk seksjon", "4200", "Medisinsk avdeling", False,
     "5210", "Fordøyelsessykdommer"),
    ("lunge", "4211", "Lungeseksjon", "4200", "Medisinsk avdeling", False,
     "5211", "Lungesykdommer"),
    ("hjerte", "4212", "Hjerteseksjon", "4200", "Medisinsk avdeling", False,
     "5212", "Hjertesykdommer"),
    ("orto", "4310", "Ortopedisk seksjon", "4300", "Kirurgisk avdeling", False,
     "5310", "Ortopedi"),
    ("gastrokir", "4311", "Gastrokirurgisk seksjon", "4300", "Kirurgisk avdeling", False,
     "5311", "Gastroenterologisk kirurgi"),
    ("uro", "4312", "Urologisk seksjon", "4300", "Kirurgisk avdeling", False,
     "5312", "Urologi"),
    ("gyn", "4410", "Gynekologisk seksjon", "4400", "Kvinneklinikken", False,
     "5410", "Gynekologi"),
    ("fode", "4411", "Fødeseksjon", "4400", "Kvinneklinikken", False,
     "5411", "Fødselshjelp"),
    ("radio", "4510", "Seksjon for intervensjonsradiologi", "4500", "Radiologisk avdeling", True,
     "5510", "Radiologi"),
]
UNIT = {u[0]: u for u in UNITS}
NONRAD = [u[0] for u in UNITS if not u[5]]
RAD = [u[0] for u in UNITS if u[5]]

# Clean episode profiles. Recipes: list of Tiltak (typeTiltak, [Prosedyre codes]); a code is
# "CODE" (kodeverk Q), "K:CODE" / "M:CODE" / "R:CODE" (explicit kodeverk), or "A|B" (the first
# of the alternatives that is valid in the year: real year-to-year changes such as the 2015
# endoscopy codes UJD02 -> JUD02 in 2016). A recipe is used only in years where all its codes
# are valid.
P = {
    "gastro": dict(
        sex=None, age=(18, 92), niva={1: 25, 2: 15, 3: 60},
        dx="K703 K709 K500 K501 K510 K519 K219 K297 K250 K922 K591 K746 D500 R101 K760 C220 K802 R160",
        comorb="E119 I10 D500 F329 E660 I480 J449 E109",
        pairs=[("E114", "G632")],
        recipes={
            3: [[], [], [(1, [["UJD02|JUD02"]])], [(1, [["UJD05|JUD05"]])], [(1, [["UJF32|JUF32"]])],
                [(1, [["UJF35|JUF35"]])], [(1, [["UJF35|JUF35"], ["JFA15"]])],
                [(2, [["JJB06K"]])], [(2, [["JXDE00|SSD0AK"]])], [(1, [["JJX00", "ZXM30"]])]],
            2: [[(1, [["M:WBGM00", "F:L04AB02"]])], [(1, [["WBGM00", "F:L04AB04"]])],
                [(1, [["M:WBGM00"]])], [(1, [["UJF35|JUF35"]])],
                [(1, [["UJD05|JUD05"]])], [(2, [["JJB06K"]])]],
            1: [[], [(1, [["UJD05|JUD05"]])], [(1, [["UJD05|JUD05"]]), (2, [["SSD0AD"]])],
                [(2, [["R:SSD0AD"]])], [(1, [["UJF35|JUF35"]])],
                [(1, [["JJX00"]]), (2, [["JJB06K"]])]],
        }),
    "lunge": dict(
        sex=None, age=(2, 95), niva={1: 35, 2: 10, 3: 55},
        dx="J441 J449 J189 J159 J690 J450 J459 C341 J90 R91",
        comorb="I10 E119 I500 F329 I480 E660",
        pairs=[("A390", "G01")],
        recipes={
            3: [[], [(1, [["M:GDFC00"]])], [(1, [["GDFC05"]])], [(2, [["SSC0AA"]])],
                [(2, [["SSC0AD"]])], [(2, [["GXDE00"]])], [(1, [["UGC12|GUC12"]])]],
            2: [[(1, [["UGC12|GUC12"]])], [(2, [["GAD10K"]])], [(1, [["GDFC00"]])]],
            1: [[], [(2, [["SSC0AA"]])], [(1, [["UGC12|GUC12"]]), (2, [["SSC0AD"]])],
                [(1, [["GAA10"]])], [(2, [["GAD10K"]]), (2, [["SSC0AA"]])]],
        }),
    "hjerte": dict(
        sex=None, age=(25, 95), niva={1: 35, 2: 15, 3: 50},
        dx="I200 I480 I481 I500 I10 I259 I251 R074",
        comorb="E119 E660 J449 N390 F329 E109",
        pairs=[("E114", "G632")],
        recipes={
            3: [[], [(1, [["FPFE15"]])], [(1, [["FPFE50"]])], [(2, [["SSC0AA"]])]],
            2: [[(1, [["FPGX24"]])], [(1, [["FNG05|FNQ05B"]])]],
            1: [[], [(1, [["FNG05|FNQ05B"]])], [(1, [["FPGX24"]])], [(2, [["SSC0AA"]])],
                [(1, [["FED10K"]])]],
        }),
    "orto": dict(
        sex=None, age=(5, 97), niva={1: 40, 2: 15, 3: 45},
        dx="S7200 S5250 M170 M161 S8260 M545",
        comorb="I10 E119 E660 I480 J449",
        pairs=[("E702", "M368")],
        recipes={
            3: [[], [], [(2, [["SNF0AA"]])], [(2, [["SNG0AA"]])]],
            2: [[(1, [["NGA11", "ZXA00"]])], [(1, [["NGA11", "ZXA05"]])]],
            1: [[(1, [["NFB40", "ZXA00"]])], [(1, [["NFB20", "ZXA05"]])],
                [(1, [["NFJ70", "ZXM10"]])], [(1, [["NFJ50", "ZXA00", "ZXM10"]])],
                [(1, [["NGB40", "ZXA10"]])], [(1, [["NFJ60", "ZXM10"]]), (2, [["SNF0AA"]])]],
        }),
    "gastrokir": dict(
        sex=None, age=(8, 92), niva={1: 50, 2: 15, 3: 35},
        dx="K358 K802 K800 C189 K566",
        comorb="I10 E119 E660 F329",
        pairs=[],
        recipes={
            3: [[], [(2, [["SSD0AK"]])]],
            2: [[(1, [["JKA21"]])], [(1, [["JEA01"]])]],
            1: [[(1, [["JEA01"]])], [(1, [["JEA00"]])], [(1, [["JKA21"]])],
                [(1, [["JFB30"]]), (2, [["SSD0AD"]])], [(2, [["SSL0AD"]])]],
        }),
    "uro": dict(
        sex=None, age=(20, 94), niva={1: 30, 2: 20, 3: 50},
        dx="N200 N390 R31 C61 N40 N10",
        comorb="I10 E119 E660",
        pairs=[],
        recipes={
            3: [[], [(1, [["UKC02|KUC02"]])], [(2, [["KADE87|SSE0AK"]])]],
            2: [[(1, [["UKC05|KUC05"]])], [(1, [["KED22"]])]],
            1: [[(1, [["KED22"]])], [(1, [["KEC00"]])], [(1, [["UKC05|KUC05"]])]],
        }),
    "gyn": dict(
        sex=2, age=(18, 88), niva={1: 25, 2: 25, 3: 50},
        dx="N800 N832 D259 N920 C541 N952",
        comorb="I10 E119 E660 F329",
        pairs=[],
        recipes={
            3: [[], [(1, [["ULC02|LUC02"]])], [(2, [["SSE0AK"]])]],
            2: [[(1, [["ULC05|LUC05"]])], [(1, [["LCD01"]])]],
            1: [[(1, [["LCD00"]])], [(1, [["LCD10"]])], [(1, [["LCD01"]])]],
        }),
    "fode": dict(
        sex=2, age=(18, 45), niva={1: 60, 2: 10, 3: 30},
        dx="O342 O48 O601 O602 O700 O701 O680 O244",
        comorb="Z370",
        pairs=[],
        recipes={
            3: [[], [(2, [["SSE0AK"]])]],
            2: [[]],
            1: [[], [(1, [["MCA10"]])], [(1, [["MBC10"]])], [(1, [["MAX20"]])]],
        }),
    "radio": dict(
        sex=None, age=(1, 95), niva={1: 5, 2: 15, 3: 80},
        dx="R91 R101 K746 C220 K802 N200 M545 R160 J90 S0600 I639 C341",
        comorb="I10 E119",
        pairs=[],
        recipes={
            3: [[(2, [["SSC0AD"]])], [(2, [["SSD0AD"]])], [(2, [["SSH0AG"]])],
                [(2, [["SSL0AD"]])], [(2, [["SNF0AA"]])], [(2, [["JXDE00|SSD0AK"]])],
                [(2, [["GXDE00|SSC0AK"]])], [(2, [["JJB06K"]])], [(2, [["BAB06K"]])],
                [(1, [["JJX00", "ZXM30"]])]],
            2: [[(2, [["JJB06K"]])], [(2, [["GAD10K"]])], [(1, [["PHX16", "ZXM00"]])]],
            1: [[(2, [["SSK0AD"]])], [(2, [["FED10K"]])]],
        }),
}


# --------------------------------------------------------------------------------------------
# Planted variants. rules: the findings the episode is built to give (rule ids; [] = a clean
# edge case). years: allowed years. units: eligible unit keys. build(g, e) edits the clean
# episode e that g.base() made from the variant's `base` arguments.

def _v(name, rules, years, units, build=None, **base):
    return dict(name=name, rules=sorted(rules), years=years, units=units, build=build, base=base)


def _set_tiltak_start(delta_days):
    def f(g, e):
        tt = e.tjenester[0].tiltak[0]
        tt.start = e.inn + dt.timedelta(days=delta_days, hours=1)
    return f


def _after_ut(g, e):
    tt = e.tjenester[0].tiltak[0]
    tt.start = dt.datetime.combine(e.ut.date() + dt.timedelta(days=1), dt.time(9, 30))


def _tjeneste_before_inn(g, e):
    tj = e.tjenester[0]
    tj.start = e.inn - dt.timedelta(days=1)
    tj.date_only = False
    for tt in tj.tiltak:
        tt.start = None


def _ut_before(days, hours=0):
    def f(g, e):
        e.ut = e.inn - dt.timedelta(days=days, hours=hours)
    return f


def _ut_later_days(days):
    def f(g, e):
        e.ut = dt.datetime.combine(e.inn.date() + dt.timedelta(days=days), dt.time(10, 5))
    return f


def _same_day_ut_earlier(g, e):
    e.inn = e.inn.replace(hour=13, minute=20)
    e.ut = e.inn.replace(hour=12, minute=5)
    e.tjenester[0].start = e.inn.replace(hour=12, minute=40)
    e.tjenester[0].date_only = False
    e.tjenester[0].tiltak[0].start = e.inn.replace(hour=12, minute=45)


def _drop_ref(ty):
    def f(g, e):
        e.refs = [r for r in e.refs if r[1] != ty]
    return f


def _ref_unknown(g, e):
    e.refs = [(("99" if ty == 2 else eid), ty) for eid, ty in e.refs]


def _fodselsar(delta_from_year):
    def f(g, e):
        e.pasient.fodselsar = e.inn.year + delta_from_year
    return f


def _no_tilstand(g, e):
    e.tilstander = []
    _no_tilst_nr(g, e)  # a procedure cannot name a diagnosis the episode does not have


def _no_tilst_nr(g, e):
    """Prosedyre without @tilstNr (EPI-007 does not apply)."""
    for tj in e.tjenester:
        for tt in tj.tiltak:
            for pr in tt.prosedyrer:
                pr.tilst_nr = None


def _tilst_nr(nr):
    """The first Prosedyre names Tilstand `nr` (EPI-007 when there is no such Tilstand)."""
    def f(g, e):
        e.tjenester[0].tiltak[0].prosedyrer[0].tilst_nr = nr
    return f


def _no_fodselsar(g, e):
    e.pasient.fodselsar = 0  # written without @fodselsar: the age is unknown


def _empty_tilstand(g, e):
    e.tilstander = [O.Tilstand(1, [])]


def _tiltak2_empty(with_empty_prosedyre):
    def f(g, e):
        tj = e.tjenester[0] if e.tjenester else g.tjeneste(e, [])
        if not e.tjenester:
            e.tjenester.append(tj)
        start = g.proc_time(e)
        tj.tiltak.append(O.Tiltak(2, start, [O.Prosedyre(1, [])] if with_empty_prosedyre else []))
    return f


def _kjonn(k):
    def f(g, e):
        e.pasient.kjonn = k
    return f


def _both(*fs):
    def f(g, e):
        for x in fs:
            x(g, e)
    return f


VARIANTS = [
    # EPI-001: no hovedtilstand
    _v("EPI-001 ingen Tilstand", ["EPI-001"], [2017], NONRAD, _no_tilstand, niva=3),
    _v("EPI-001 Tilstand uten Kode", ["EPI-001"], [2016], NONRAD, _empty_tilstand, niva=3),
    _v("EPI-001 ingen Tilstand, radiologi", ["EPI-001"], [2016, 2017], RAD, _no_tilstand, niva=3),
    _v("EPI-001 døgn uten Tilstand", ["EPI-001"], [2015], NONRAD, _no_tilstand, niva=1, recipe=[]),
    # EPI-002: ut before inn
    _v("EPI-002 ut dagen før inn", ["EPI-002"], [2015, 2017], NONRAD, _ut_before(1), niva=1, recipe=[]),
    _v("EPI-002 ut før inn samme dag", ["EPI-002"], [2016, 2017], NONRAD, _same_day_ut_earlier,
       niva=3, recipe="proc"),
    _v("EPI-002 dag, ut to dager før", ["EPI-002"], [2016], NONRAD, _ut_before(2, 3), niva=2, recipe=[]),
    # EPI-003: RefEnhet
    _v("EPI-003 mangler fagenhet", ["EPI-003"], [2015, 2016, 2017], NONRAD, _drop_ref(2), recipe=[]),
    _v("EPI-003 mangler behandlingssted", ["EPI-003"], [2016, 2017], NONRAD, _drop_ref(1), recipe=[]),
    _v("EPI-003 mangler avdeling", ["EPI-003"], [2017], NONRAD, _drop_ref(7), recipe=[]),
    _v("EPI-003 RefEnhet til ukjent Enhet", ["EPI-003"], [2015], NONRAD, _ref_unknown, recipe=[]),
    # EPI-004: procedure outside the episode's days
    _v("EPI-004 tiltak dagen før inn", ["EPI-004"], [2015, 2016, 2017], NONRAD,
       _set_tiltak_start(-1), niva=1, recipe="proc"),
    _v("EPI-004 tiltak dagen etter ut", ["EPI-004"], [2016, 2017], NONRAD, _after_ut, niva=3,
       recipe="proc"),
    _v("EPI-004 tjeneste før inn, tiltak uten dato", ["EPI-004"], [2015, 2017], NONRAD,
       _tjeneste_before_inn, niva=1, recipe="proc"),
    _v("EPI-004 dag, tiltak fem dager før", ["EPI-004"], [2016], NONRAD, _set_tiltak_start(-5),
       niva=2, recipe="proc"),
    # EPI-005: dag/poliklinikk over several days
    _v("EPI-005 poliklinikk over to dager", ["EPI-005"], [2015, 2017], NONRAD, _ut_later_days(1),
       niva=3, recipe=[]),
    _v("EPI-005 dag over tre dager", ["EPI-005"], [2016], NONRAD, _ut_later_days(2), niva=2, recipe=[]),
    _v("EPI-005 poliklinikk over en uke, med prosedyre", ["EPI-005"], [2017], NONRAD,
       _ut_later_days(7), niva=3, recipe="proc"),
    # EPI-006: fodselsar
    _v("EPI-006 født etter episodeåret", ["EPI-006"], [2017], NONRAD, _fodselsar(1)),
    _v("EPI-006 130 år", ["EPI-006"], [2017], NONRAD, _fodselsar(-130)),
    _v("EPI-006 131 år", ["EPI-006"], [2016], NONRAD, _fodselsar(-131)),
    _v("EPI-006 født tre år etter", ["EPI-006"], [2015], NONRAD, _fodselsar(3)),
    # KODE-001: code in no table
    # XYZ99 as hovedtilstand is also HT-002 (v2): its first three characters, compared as text,
    # lie in V01-Y98.
    _v("KODE-001 XYZ99 hovedtilstand (+ HT-002)", ["HT-002", "KODE-001"], [2017], NONRAD,
       dx=[["XYZ99"]], recipe=[]),
    _v("KODE-001 XYZ99 bitilstand", ["KODE-001"], [2015], NONRAD, dx=["main", ["XYZ99"]], recipe=[]),
    _v("KODE-001 XYZ99 prosedyre (Q)", ["KODE-001"], [2017], NONRAD, recipe=[(1, [["XYZ99"]])]),
    _v("KODE-001 XYZ99 prosedyre 2016 (Q)", ["KODE-001"], [2016], NONRAD, recipe=[(1, [["XYZ99"]])]),
    # KODE-002: not valid on its date
    _v("KODE-002 A90 i 2017", ["KODE-002"], [2017], ["gastro", "lunge"], dx=[["A90"]], recipe=[]),
    _v("KODE-002 A970 i 2015", ["KODE-002"], [2015], ["gastro", "lunge"], dx=[["A970"]], recipe=[]),
    _v("KODE-002 Z5110 i 2017", ["KODE-002"], [2017], ["gastro", "lunge", "gyn"],
       dx=["main", ["Z5110"]], niva=2, recipe=[(1, [["WBGM00"]])]),
    _v("KODE-002 JJX00+ZXM30 i 2015", ["KODE-002"], [2015], ["gastro"],
       recipe=[(1, [["JJX00", "ZXM30"]])]),
    _v("KODE-002 + BV-001 JJX00 alene i 2015", ["BV-001", "KODE-002"], [2015], ["gastro"],
       recipe=[(1, [["JJX00"]])]),
    _v("KODE-002 UJD05 (2015-kode) i 2017", ["KODE-002"], [2017], ["gastro"], niva=3,
       recipe=[(1, [["UJD05"]])]),
    _v("KODE-002 NCRP KAD10K (bare 2016) i 2017", ["KODE-002"], [2017], ["uro"],
       recipe=[(2, [["KAD10K"]])]),
    # KODE-003: not the most specific ICD-10 code
    _v("KODE-003 S720", ["KODE-003"], [2017], ["orto"], dx=[["S720"]], recipe=[]),
    _v("KODE-003 J18", ["KODE-003"], [2015], ["lunge"], dx=[["J18"]], recipe=[]),
    _v("KODE-003 S525 bitilstand", ["KODE-003"], [2017], ["orto"], dx=["main", ["S525"]], recipe=[]),
    _v("KODE-003 I21", ["KODE-003"], [2015], ["hjerte"], dx=[["I21"]], recipe=[]),
    # KODE-004: sex-specific code, other sex
    _v("KODE-004 C61 kvinne", ["KODE-004"], [2017], ["uro"], dx=[["C61"]], sex=2, recipe=[]),
    _v("KODE-004 N40 kvinne", ["KODE-004"], [2015], ["uro"], dx=[["N40"]], sex=2, recipe=[]),
    _v("KODE-004 O342 mann", ["KODE-004"], [2017], ["fode"], dx=[["O342"]], sex=1, recipe=[]),
    _v("KODE-004 O601 mann 2016 (uten ICD-10-tabell)", ["KODE-004"], [2016], ["fode"],
       dx=[["O601"]], sex=1, recipe=[]),
    _v("KODE-004 D259 + LCD00 mann (to funn)", ["KODE-004", "KODE-004"], [2016], ["gyn"], dx=[["D259"]], sex=1,
       recipe=[(1, [["LCD00"]])]),
    _v("KODE-004 KED22 kvinne", ["KODE-004"], [2017], ["uro"], dx=[["N390"]], sex=2,
       recipe=[(1, [["KED22"]])]),
    # KODE-005: supplementary code first
    _v("KODE-005 ZXM00 før JJX00", ["KODE-005"], [2017], ["gastro"], recipe=[(1, [["ZXM00", "JJX00"]])]),
    _v("KODE-005 bare ZXM00", ["KODE-005"], [2016], ["gastro", "lunge"], recipe=[(1, [["ZXM00"]])]),
    _v("KODE-005 ZXA00 før NFB40", ["KODE-005"], [2015], ["orto"], niva=1,
       recipe=[(1, [["ZXA00", "NFB40"]])]),
    _v("KODE-005 bare ZXA05 (kodeverk K)", ["KODE-005"], [2017], ["orto"], recipe=[(1, [["K:ZXA05"]])]),
    # KODE-006: asterisk code first in the hovedtilstand
    _v("KODE-006 M368 før E702", ["KODE-006"], [2017], ["orto", "gastro"], dx=[["M368", "E702"]],
       recipe=[]),
    _v("KODE-006 G01 alene", ["KODE-006"], [2015], ["lunge"], dx=[["G01"]], recipe=[]),
    _v("KODE-006 G632 før E114 (2016)", ["KODE-006"], [2016], ["hjerte", "gastro"],
       dx=[["G632", "E114"]], recipe=[]),
    _v("KODE-006 G01 før A390", ["KODE-006"], [2017], ["lunge"], dx=[["G01", "A390"]], recipe=[]),
    # KODE-007: duplicate diagnosis code
    _v("KODE-007 samme kode i to tilstander", ["KODE-007"], [2017], ["gastro"],
       dx=[["K703"], ["E119"], ["K703"]], recipe=[]),
    _v("KODE-007 tre forekomster gir ett funn", ["KODE-007"], [2015], ["hjerte"],
       dx=[["I480"], ["E119"], ["E119"], ["E119"]], recipe=[]),
    _v("KODE-007 to dupliserte koder", ["KODE-007", "KODE-007"], [2017], ["hjerte", "lunge"],
       dx=[["I500"], ["E119"], ["I10"], ["E119"], ["I10"]], recipe=[]),
    _v("KODE-007 duplikat 2016 (+ KODE-008: M368 alene i en bitilstand)", ["KODE-007", "KODE-008"],
       [2016], ["orto"],
       dx=[["E702", "M368"], ["M368"]], recipe=[]),
    # BV-001: image-guided NCSP without ZXM and without NCRP
    _v("BV-001 JJX00 alene", ["BV-001"], [2017], ["gastro"], recipe=[(1, [["JJX00"]])]),
    _v("BV-001 BAX10 alene", ["BV-001"], [2016], ["gastro", "hjerte"], recipe=[(1, [["BAX10"]])]),
    _v("BV-001 NCSP under typeTiltak 2", ["BV-001"], [2017], ["lunge"], niva=1,
       recipe=[(2, [["GAA10"]])]),
    _v("BV-001 FEA00 alene", ["BV-001"], [2015], ["hjerte"], niva=1, recipe=[(1, [["FEA00"]])]),
    # BV-002: NCSP + ZXM where the mapping gives an NCRP code
    _v("BV-002 JJX00+ZXM00 (JJB06K)", ["BV-002"], [2017], ["gastro"], recipe=[(1, [["JJX00", "ZXM00"]])]),
    _v("BV-002 BAX10+ZXM00 (BAB06K)", ["BV-002"], [2016], ["gastro", "hjerte"],
       recipe=[(1, [["BAX10", "ZXM00"]])]),
    _v("BV-002 FEA00+ZXM10 (FED10A)", ["BV-002"], [2017], ["hjerte"], niva=1,
       recipe=[(1, [["FEA00", "ZXM10"]])]),
    _v("BV-002 FEA00+ZXM00 (FED10K)", ["BV-002"], [2016], ["hjerte"], niva=1,
       recipe=[(1, [["FEA00", "ZXA00", "ZXM00"]])]),
    # BV-003: imaging Tiltak without a coded Prosedyre
    _v("BV-003 typeTiltak 2 uten prosedyre", ["BV-003"], [2017], NONRAD, _tiltak2_empty(False), recipe=[]),
    _v("BV-003 typeTiltak 2, prosedyre uten kode", ["BV-003"], [2016], NONRAD, _tiltak2_empty(True),
       recipe=[]),
    _v("BV-003 typeTiltak 2 uten prosedyre 2015", ["BV-003"], [2015], NONRAD, _tiltak2_empty(False),
       recipe=[]),
    # BV-004: ZXM with a main code that is not NCSP
    _v("BV-004 JJB06K+ZXM00", ["BV-004"], [2017], ["gastro"], recipe=[(2, [["JJB06K", "ZXM00"]])]),
    _v("BV-004 SSC0AD+ZXM20", ["BV-004"], [2016], ["lunge"], recipe=[(2, [["SSC0AD", "ZXM20"]])]),
    _v("BV-004 BAB06K+ZXM00", ["BV-004"], [2017], ["hjerte", "gastro"], recipe=[(1, [["BAB06K", "ZXM00"]])]),
    _v("BV-004 NCMP JXDE00+ZXM00", ["BV-004"], [2015], ["gastro"], recipe=[(2, [["JXDE00", "ZXM00"]])]),
    # More of the same, in other places: the radiology unit is exempt from BV rules only.
    _v("EPI-003 radiologi mangler fagenhet", ["EPI-003"], [2016], RAD, _drop_ref(2), recipe=[]),
    _v("EPI-004 radiologi, tiltak dagen etter", ["EPI-004"], [2017], RAD, _after_ut, niva=3,
       recipe=[(2, [["SSC0AD"]])]),
    _v("EPI-006 radiologi 132 år", ["EPI-006"], [2015], RAD, _fodselsar(-132)),
    _v("KODE-001 XYZ99 med kodeverk R, radiologi", ["KODE-001"], [2017], RAD,
       recipe=[(2, [["R:XYZ99"]])]),
    _v("KODE-001 XYZ99 med kodeverk K", ["KODE-001"], [2016], ["gastro", "gastrokir"],
       recipe=[(1, [["K:XYZ99"]])]),
    _v("KODE-002 NCMP KADE87 (bare 2015) i 2016", ["KODE-002"], [2016], ["uro"],
       recipe=[(2, [["M:KADE87"]])]),
    _v("KODE-005 bare ZXM00, radiologi", ["KODE-005"], [2017], RAD, recipe=[(1, [["ZXM00"]])]),
    _v("BV-001 JJX00 under typeTiltak 2", ["BV-001"], [2016], ["gastro"], recipe=[(2, [["JJX00"]])]),
    _v("BV-002 JJX00+ZXM20 (JJB06D)", ["BV-002"], [2017], ["gastro"],
       recipe=[(1, [["JJX00", "ZXM20"]])]),
    # Several errors in one episode.
    _v("KODE-003 J18 + KODE-007 E119", ["KODE-003", "KODE-007"], [2017], ["lunge"],
       dx=[["J18"], ["E119"], ["E119"]], recipe=[]),
    _v("KODE-002 A90 + EPI-005", ["EPI-005", "KODE-002"], [2017], ["gastro", "lunge"],
       _ut_later_days(1), dx=[["A90"]], niva=3, recipe=[]),
    _v("EPI-001 + BV-003", ["BV-003", "EPI-001"], [2017], NONRAD,
       _both(_no_tilstand, _tiltak2_empty(False)), recipe=[]),
    _v("KODE-004 C61 + KODE-006 G01 (kvinne)", ["KODE-004", "KODE-006"], [2015], ["uro"],
       dx=[["G01", "A390"], ["C61"]], sex=2, recipe=[]),
    # The same BV errors in the radiology unit: no finding (BV rules apply outside radiology).
    _v("radiologi: JJX00 alene", [], [2017], RAD, recipe=[(1, [["JJX00"]])]),
    _v("radiologi: JJX00+ZXM00", [], [2017], RAD, recipe=[(1, [["JJX00", "ZXM00"]])]),
    _v("radiologi: FEA00+ZXM10", [], [2017], RAD, recipe=[(1, [["FEA00", "ZXM10"]])]),
    _v("radiologi: typeTiltak 2 uten prosedyre", [], [2016], RAD, _tiltak2_empty(False), recipe=[]),
    _v("radiologi: JJB06K+ZXM00", [], [2016], RAD, recipe=[(2, [["JJB06K", "ZXM00"]])]),
    # Clean edge cases.
    _v("2016 ukjent ICD-10-kode er ukontrollert (bare HT-002, XYZ i V01-Y98)", ["HT-002"], [2016],
       ["gastro", "lunge"],
       dx=[["XYZ99"]], recipe=[]),
    _v("ren: 2016 A90 er ukontrollert", [], [2016], ["gastro", "lunge"], dx=[["A90"]], recipe=[]),
    _v("ren: 2016 J18 er ukontrollert", [], [2016], ["lunge"], dx=[["J18"]], recipe=[]),
    _v("ren: E702+M368 i riktig rekkefølge", [], [2017], ["orto"], dx=[["E702", "M368"]], recipe=[]),
    _v("KODE-008 (v2), ikke KODE-006: stjernekode alene i en bitilstand", ["KODE-008"], [2015],
       ["lunge"], dx=[["A390"], ["G01"]], recipe=[]),
    _v("ren: JJX00 med NCRP-kode i episoden", [], [2017], ["gastro"], niva=1,
       recipe=[(1, [["JJX00"]]), (2, [["JJB06K"]])]),
    _v("ren: JJX00+ZXM30 (ingen NCRP for MR)", [], [2016], ["gastro"], recipe=[(1, [["JJX00", "ZXM30"]])]),
    _v("ren: kjønn 9 med C61", [], [2017], ["uro"], _kjonn(9), dx=[["C61"]], sex=1, recipe=[]),
    _v("ren: 125 år", [], [2017], ["hjerte"], _fodselsar(-125), recipe=[]),
    _v("ren: nyfødt (fødselsår = episodeår)", [], [2016], ["lunge"], _fodselsar(0), dx=[["J069"]],
       recipe=[]),
    _v("ren: radiologi, NCSP under typeTiltak 2", [], [2017], RAD, niva=2, recipe=[(2, [["GAA10"]])]),
    _v("ren: døgn uten utdato", [], [2017], ["orto"], _both(), niva=1, open_episode=True, recipe="proc"),
    # 2026 (NPR-melding 58, ICD-10 2026; no procedure tables: procedure codes unchecked). Only
    # used by a run whose --period covers 2026, so the 2015-2017 example is unchanged.
    # XYZ lies between V01 and Y98 as text: HT-002 fires too (rules-v2.md compares text).
    _v("2026: KODE-001 XYZ99 hovedtilstand", ["HT-002", "KODE-001"], [2026], NONRAD, dx=[["XYZ99"]],
       recipe=[]),
    _v("2026: KODE-002 K580 (utgått etter 2017)", ["KODE-002"], [2026], ["gastro"], dx=[["K580"]],
       recipe=[]),
    _v("2026: KODE-002 B59 (utgått etter 2017) bitilstand", ["KODE-002"], [2026], ["lunge"],
       dx=["main", ["B59"]], recipe=[]),
    _v("2026: KODE-003 J18", ["KODE-003"], [2026], ["lunge"], dx=[["J18"]], recipe=[]),
    _v("2026: KODE-003 S720", ["KODE-003"], [2026], ["orto"], dx=[["S720"]], recipe=[]),
    _v("2026: KODE-004 C61 kvinne", ["KODE-004"], [2026], ["uro"], dx=[["C61"]], sex=2, recipe=[]),
    _v("2026: KODE-006 M368 før E702", ["KODE-006"], [2026], ["orto", "gastro"],
       dx=[["M368", "E702"]], recipe=[]),
    _v("2026: KODE-007 samme kode i to tilstander", ["KODE-007"], [2026], ["gastro"],
       dx=[["K703"], ["E119"], ["K703"]], recipe=[]),
    _v("2026: EPI-001 ingen Tilstand", ["EPI-001"], [2026], NONRAD, _no_tilstand, niva=3),
    _v("2026: EPI-002 ut dagen før inn", ["EPI-002"], [2026], NONRAD, _ut_before(1), niva=1, recipe=[]),
    _v("2026: EPI-003 mangler fagenhet", ["EPI-003"], [2026], NONRAD, _drop_ref(2), recipe=[]),
    _v("2026: EPI-006 130 år", ["EPI-006"], [2026], NONRAD, _fodselsar(-130)),
    _v("2026 ren: ukjent prosedyrekode uten prosedyretabell er ukontrollert", [], [2026],
       ["gastro", "orto"], recipe=[(1, [["XYZ99"]])]),
]

# Rule set v2 (rules-v2.md). Clean episodes stay clean under v2 deliberately: make_clean() and
# make_planted() reject a draw the oracle finds more in (e.g. a symptom code as hovedtilstand
# with a definite diagnosis as bitilstand, HT-005) and draw again. HT-001 is in force from
# 2021-09-01 only: in 2015-2017 a Z03 hovedtilstand is a clean edge case.
V2_VARIANTS = [
    _v("HT-002 fotgjenger (V0n0a) som hovedtilstand", ["HT-002"], [2015, 2017], ["orto"],
       dx=[["V0n0a"], ["S7200"]], recipe=[]),
    _v("HT-002 livsstilsrelatert (Y98) som hovedtilstand", ["HT-002"], [2017], ["hjerte"],
       dx=[["Y98"]], recipe=[]),
    _v("HT-003 J9600 med KOLS (J441) som bitilstand", ["HT-003"], [2015, 2017], ["lunge"], niva=1,
       dx=[["J9600"], ["I10"], ["J441"]], recipe=[]),
    _v("HT-003 J9601 med lungekreft (C341)", ["HT-003"], [2017], ["lunge"], niva=1,
       dx=[["J9601"], ["C341"]], recipe=[]),
    _v("HT-004 M5416 med dekompresjon (ABC56)", ["HT-004"], [2015, 2017], ["orto"], niva=1,
       dx=[["M5416"]], recipe=[(1, [["ABC56"]])]),
    _v("HT-005 brystsmerter (R074) med angina pectoris (I200)", ["HT-005"], [2015, 2017], ["hjerte"],
       dx=[["R074"], ["I200"]], recipe=[]),
    _v("KODE-008 G01 først i en bitilstand", ["KODE-008"], [2015, 2017], ["lunge"],
       dx=[["J189"], ["G01", "A390"]], recipe=[]),
    _v("KODE-009 fødsel hos 58-åring", ["KODE-009"], [2015, 2017], ["fode"], _fodselsar(-58),
       dx=[["O700"]], recipe=[]),
    _v("KODE-009 svangerskap hos 9-åring", ["KODE-009"], [2016], ["fode"], _fodselsar(-9),
       dx=[["O000"]], recipe=[]),
    _v("KODE-010 Z380 hos voksen", ["KODE-010"], [2015, 2017], ["gastro"],
       dx=[["K703"], ["Z380"]], recipe=[]),
    _v("EPI-007 prosedyre viser til tilstand 5", ["EPI-007"], [2015, 2016, 2017], NONRAD,
       _tilst_nr(5), recipe="proc"),
    _v("EPI-007 prosedyre viser til tilstand 2, bare tilstand 1 finnes", ["EPI-007"], [2017], ["gastro"],
       _tilst_nr(2), dx=[["K703"]], niva=3, recipe=[(1, [["JFA15"]])]),
    _v("ren: Z031 som hovedtilstand før 2021-09-01 (HT-001 ikke i kraft)", [], [2015, 2017],
       ["hjerte"], dx=[["Z031"]], recipe=[]),
    _v("ren: J9600 uten kjent årsak", [], [2017], ["lunge"], dx=[["J9600"], ["I10"]], recipe=[]),
    _v("ren: R074 med bare Z- og R-bitilstander", [], [2015], ["hjerte"],
       dx=[["R074"], ["Z038"], ["R11"]], recipe=[]),
    _v("KODE-006, ikke KODE-008: stjernekode først i hovedtilstanden", ["KODE-006"], [2017],
       ["lunge"], dx=[["G01", "A390"], ["J189"]], recipe=[]),
    _v("ren: O-kode uten fødselsår (alder ukjent)", [], [2016, 2017], ["fode"], _no_fodselsar,
       dx=[["O700"]], recipe=[]),
    _v("ren: prosedyre uten tilstNr", [], [2016], ["gastro"], _no_tilst_nr, recipe="proc"),
    # 2026: HT-001 is in force (from 2021-09-01), and the v2 rules that need no procedure table.
    _v("2026: HT-001 Z031 som hovedtilstand", ["HT-001"], [2026], ["hjerte"], dx=[["Z031"]],
       recipe=[]),
    _v("2026: HT-001 Z034 som hovedtilstand med bitilstand", ["HT-001"], [2026], ["hjerte"],
       dx=[["Z034"], ["I10"]], recipe=[]),
    _v("2026 ren: Z038 som bitilstand (HT-001 gjelder bare hovedtilstanden)", [], [2026],
       ["hjerte"], dx=[["R074"], ["Z038"]], recipe=[]),
    _v("2026: HT-002 V0n0a som hovedtilstand", ["HT-002"], [2026], ["orto"],
       dx=[["V0n0a"], ["S7200"]], recipe=[]),
    _v("2026: HT-003 J9601 med lungekreft (C341)", ["HT-003"], [2026], ["lunge"], niva=1,
       dx=[["J9601"], ["C341"]], recipe=[]),
    _v("2026: HT-005 R074 med ustabil angina (I200)", ["HT-005"], [2026], ["hjerte"],
       dx=[["R074"], ["I200"]], recipe=[]),
    _v("2026: KODE-008 G01 først i en bitilstand", ["KODE-008"], [2026], ["lunge"],
       dx=[["J189"], ["G01", "A390"]], recipe=[]),
    _v("2026: KODE-009 fødsel hos 58-åring", ["KODE-009"], [2026], ["fode"], _fodselsar(-58),
       dx=[["O700"]], recipe=[]),
    _v("2026: KODE-010 Z380 hos voksen", ["KODE-010"], [2026], ["gastro"],
       dx=[["K703"], ["Z380"]], recipe=[]),
    _v("2026: EPI-007 prosedyre viser til tilstand 5", ["EPI-007"], [2026], NONRAD,
       _tilst_nr(5), recipe="proc"),
]
VARIANTS = VARIANTS + V2_VARIANTS


# --------------------------------------------------------------------------------------------


class Generator:
    def __init__(self, seed, tables, rule_data, checker):
        self.rng = random.Random(seed)
        self.t, self.r, self.checker = tables, rule_data, checker
        self.enheter = {eid: resh for eid, resh, _, _ in BEHANDLINGSSTEDER}
        self.fag_eid, self.avd_eid = {}, {}
        for i, u in enumerate(UNITS):
            self.fag_eid[u[0]] = str(11 + i)
            self.avd_eid[u[0]] = str(21 + i)
            self.enheter[str(11 + i)] = u[6]
            self.enheter[str(21 + i)] = u[1]
        self._prepare_pools()

    # ---- code pools, filtered so that clean episodes are clean by construction
    def _prepare_pools(self):
        t, r = self.t, self.r
        icd_years = sorted(t.by["ICD10"])

        def ok_dx(c, first=False):
            for y in icd_years:
                if not t.valid("ICD10", y, c) or t.longer_on("ICD10", y, c):
                    return False
            if first and ("ICD10", c) in r.asterisk:
                return False
            return True

        self.pool = {}
        for key, p in P.items():
            dx = [c for c in p["dx"].split() if ok_dx(c, first=True)]
            comorb = [c for c in p["comorb"].split() if ok_dx(c, first=True)]
            pairs = [pr for pr in p["pairs"] if ok_dx(pr[0], True) and ok_dx(pr[1])]
            dropped = set(p["dx"].split()) - set(dx) | set(p["comorb"].split()) - set(comorb)
            if dropped:
                raise SystemExit("profile %s: codes not clean in every ICD-10 table: %s" % (key, sorted(dropped)))
            recipes = {}
            for y in range(PERIOD_START.year, PERIOD_END.year + 1):
                for niva, rs in p["recipes"].items():
                    usable = []
                    for rec in rs:
                        res = self._resolve_recipe(rec, y)
                        if res is not None:
                            usable.append(res)
                    recipes[(y, niva)] = usable
            self.pool[key] = dict(dx=dx, comorb=comorb, pairs=pairs, recipes=recipes)

    def _resolve_code(self, spec, year):
        if not any(self.t.loaded(s, year) for s in O.PROC_SYSTEMS):
            # No procedure table for the year (2018 on): the code is written unchecked; of
            # year-to-year alternatives the latest (UJD02|JUD02 -> JUD02).
            kv, _, code = spec.split("|")[-1].rpartition(":")
            return kv or "Q", code
        for alt in spec.split("|"):
            kv, _, code = alt.rpartition(":")
            kv = kv or "Q"
            if kv not in ("D", "Q", "K", "M", "R"):
                return kv, code  # ATC (F), special codes (S), ...: not table-checked
            k = O.Kode(0, kv, code)
            s = self.t.system_of(k)
            if s in O.PROC_SYSTEMS and self.t.loaded(s, year) and self.t.valid(s, year, code):
                return kv, code
        return None

    def _resolve_recipe(self, rec, year):
        out = []
        for ttype, prosedyrer in rec:
            ps = []
            for codes in prosedyrer:
                cs = []
                for spec in codes:
                    rc = self._resolve_code(spec, year)
                    if rc is None:
                        return None
                    cs.append(rc)
                ps.append(cs)
            out.append((ttype, ps))
        return out

    def _literal_recipe(self, rec, year):
        """Planted recipes: codes as given (no validity filter)."""
        out = []
        for ttype, prosedyrer in rec:
            ps = []
            for codes in prosedyrer:
                cs = []
                for spec in codes:
                    alts = spec.split("|")
                    kv, _, code = alts[0].rpartition(":")
                    cs.append((kv or "Q", code))
                ps.append(cs)
            out.append((ttype, ps))
        return out

    def sex_ok(self, kjonn, system, code):
        if kjonn not in (1, 2):
            return True
        m, f = (system, code) in self.r.male, (system, code) in self.r.female
        # NCMP/NCRP codes with the NCSP sex prefixes are kept away from the other sex too.
        if system in ("NCMP", "NCRP"):
            m = m or ("NCSP", code) in self.r.male
            f = f or ("NCSP", code) in self.r.female
        return not ((kjonn == 2 and m) or (kjonn == 1 and f))

    def recipe_sex_ok(self, recipe, kjonn):
        for _, ps in recipe:
            for cs in ps:
                for kv, code in cs:
                    s = self.t.system_of(O.Kode(0, kv, code))
                    if s and not self.sex_ok(kjonn, s, code):
                        return False
        return True

    # ---- building blocks
    def patient(self, nr, unit, year, sex=None):
        p = P[unit]
        rng = self.rng
        kjonn = sex or p["sex"] or rng.choice((1, 2))
        lo, hi = p["age"]
        age = rng.randint(lo, hi)
        return O.Pasient(nr, kjonn, year - age)

    def when(self, day, niva, open_episode=False):
        rng = self.rng
        if niva == 1:
            inn = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50))))
            los = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 11))
            end = day + dt.timedelta(days=los)
            if end.year != day.year:
                end = dt.date(day.year, 12, 31)
            ut = None if open_episode else dt.datetime.combine(end, dt.time(rng.randint(8, 16), rng.choice((0, 15, 30, 45))))
        else:
            inn = dt.datetime.combine(day, dt.time(rng.randint(7, 14), rng.choice((0, 10, 15, 20, 30, 40, 45))))
            ut = inn + dt.timedelta(minutes=rng.choice((20, 30, 45, 60, 90, 120, 180, 240, 300)))
            if ut.date() != inn.date():
                ut = inn.replace(hour=23, minute=30)
        return inn, ut

    def proc_time(self, e):
        rng = self.rng
        if e.ut is None:
            # Same day as inn: without utDatoTid, only "not before inn" is certain (EPI-004).
            left = 24 * 60 - 1 - (e.inn.hour * 60 + e.inn.minute)
            return e.inn + dt.timedelta(minutes=rng.randint(0, max(left, 0)))
        span = max(int((e.ut - e.inn).total_seconds() // 60), 1)
        return e.inn + dt.timedelta(minutes=rng.randint(0, span))

    def tjeneste(self, e, tiltak):
        start = min((tt.start for tt in tiltak if tt.start), default=e.inn)
        date_only = self.rng.random() < 0.15
        if date_only:
            start = dt.datetime.combine(start.date(), dt.time(0, 0))
        return O.Tjeneste(start, tiltak, date_only=date_only)

    def make_tiltak(self, e, recipe, year):
        tiltak = []
        for ttype, ps in recipe:
            start = self.proc_time(e)
            pros = []
            for i, cs in enumerate(ps, 1):
                koder = [O.Kode(j, kv, code, str(year)) for j, (kv, code) in enumerate(cs, 1)]
                pros.append(O.Prosedyre(i, koder, tilst_nr=1))
            tiltak.append(O.Tiltak(ttype, start, pros))
        tiltak.sort(key=lambda tt: tt.start)
        return tiltak

    def base(self, ep_id, pasient, unit, day, niva=None, dx=None, recipe=None, open_episode=False):
        rng = self.rng
        p, pool = P[unit], self.pool[unit]
        if niva is None:
            niva = rng.choices(list(p["niva"]), weights=list(p["niva"].values()))[0]
        inn, ut = self.when(day, niva, open_episode)
        year = inn.year
        diag_year = str((ut or inn).year)
        kjonn = pasient.kjonn

        # Tilstander
        dx_ok = [c for c in pool["dx"] if self.sex_ok(kjonn, "ICD10", c)]
        comorb_ok = [c for c in pool["comorb"] if self.sex_ok(kjonn, "ICD10", c)]
        if dx is None:
            if pool["pairs"] and rng.random() < 0.1:
                groups = [list(rng.choice(pool["pairs"]))]
            else:
                groups = [[rng.choice(dx_ok)]]
            used = set(groups[0])
            for _ in range(rng.choices((0, 1, 2), weights=(55, 30, 15))[0]):
                c = rng.choice(comorb_ok)
                if c not in used:
                    used.add(c)
                    groups.append([c])
        else:
            groups = []
            used = set()
            for g in dx:
                if g == "main":
                    c = rng.choice(dx_ok)
                    groups.append([c])
                else:
                    groups.append(list(g))
        tilstander = [O.Tilstand(i, [O.Kode(j, "D", c, diag_year) for j, c in enumerate(g, 1)])
                      for i, g in enumerate(groups, 1)]

        refs = [(BEHANDLINGSSTED_FOR(unit, rng), 1), (self.fag_eid[unit], 2), (self.avd_eid[unit], 7)]
        e = O.Episode(ep_id, inn, ut, niva, refs, tilstander, [], pasient)
        e.guid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        e.extra = dict(innmateHast=("4" if niva != 1 or rng.random() < 0.4 else "1"),
                       komNrHjem=rng.choice(("1201", "1201", "1201", "1235", "1246", "1247", "1263")),
                       henvisning=rng.random() < 0.2)

        # Procedures
        if recipe == "proc":
            rs = [x for x in pool["recipes"][(year, niva)] if x and self.recipe_sex_ok(x, kjonn)]
            if not rs:
                rs = [x for n in (3, 2, 1) for x in pool["recipes"][(year, n)] if x and self.recipe_sex_ok(x, kjonn)]
            rec = rng.choice(rs)
        elif recipe is None:
            rs = [x for x in pool["recipes"][(year, niva)] if self.recipe_sex_ok(x, kjonn)]
            rec = rng.choice(rs) if rs else []
        else:
            rec = self._literal_recipe(recipe, year)
        if rec:
            tiltak = self.make_tiltak(e, rec, year)
            e.tjenester.append(self.tjeneste(e, tiltak))
        return e


def BEHANDLINGSSTED_FOR(unit, rng):
    if unit in ("gastro", "lunge", "hjerte", "orto") and rng.random() < 0.12:
        return "2"
    return "1"


# --------------------------------------------------------------------------------------------
# XML


def _dt(x, date_only=False):
    return x.strftime("%Y-%m-%d") if date_only else x.strftime("%Y-%m-%dT%H:%M:%S")


class FileWriter:
    """One NPR-melding file, written as episodes come (plain or gzip, bare / MsgHead / prefix)."""

    def __init__(self, path, index, fra, til, style, kodeverk_attr, gz, melding="53"):
        self.path, self.style, self.kv = path, style, kodeverk_attr
        self.melding = melding
        ns_npr, versjon = MELDING_VERSIONS[melding]
        raw = open(path, "wb")
        if gz:
            # mtime=0 and no file name in the header: byte-identical output for a seed.
            self.raw = raw
            self.f = io.TextIOWrapper(gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0),
                                      encoding="utf-8", newline="\n")
        else:
            self.raw = None
            self.f = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        self.p = "npr:" if style == "prefix" else ""
        w = self.f.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n')
        ind = ""
        uttak = til + dt.timedelta(days=2)
        if style == "msghead":
            w('<MsgHead xmlns="%s" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' % NS_MSGHEAD)
            w('  <MsgInfo>\n')
            w('    <Type V="NPR_ORD" DN="NPR-melding"/>\n')
            w('    <MIGversion>v1.2 2006-05-24</MIGversion>\n')
            w('    <GenDate>%sT02:15:00</GenDate>\n' % uttak.isoformat())
            w('    <MsgId>%s</MsgId>\n' % uuid.UUID(int=random.Random(index).getrandbits(128), version=4))
            w('    <Sender><Organisation><OrganisationName>Helse Bergen HF</OrganisationName>'
              '<Ident><Id>%s</Id><TypeId V="ENH" S="2.16.578.1.12.4.1.1.9051" '
              'DN="Organisasjonsnummeret i Enhetsregisteret"/></Ident></Organisation></Sender>\n'
              % INSTITUSJON_ID)
            w('    <Receiver><Organisation><OrganisationName>Norsk pasientregister</OrganisationName>'
              '<Ident><Id>983544622</Id><TypeId V="ENH" S="2.16.578.1.12.4.1.1.9051" '
              'DN="Organisasjonsnummeret i Enhetsregisteret"/></Ident></Organisation></Receiver>\n')
            w('  </MsgInfo>\n')
            w('  <Document>\n    <RefDoc>\n      <MsgType V="XML" DN="XML-instans"/>\n'
              '      <MimeType>text/xml</MimeType>\n      <Content>\n')
            ind = "        "
        self.ind = ind
        p = self.p
        ns = ('xmlns:npr="%s"' if style == "prefix" else 'xmlns="%s"') % ns_npr
        w('%s<%sMelding %s versjon="%s" meldingstype="NPR_ORD" fraDatoPeriode="%s" '
          'tilDatoPeriode="%s" uttakDato="%s" leverandor="DIPS ASA" navnEPJ="DIPS" '
          'versjonEPJ="7.1.3" lopenr="%d">\n'
          % (ind, p, ns, versjon, fra.isoformat(), til.isoformat(), uttak.isoformat(), index + 1))
        w('%s  <%sKontaktperson kontPerson="Kodekontroll Helse Bergen" '
          'meldEpost1="kodekontroll@helse-bergen.example" typeKontaktperson="1"/>\n' % (ind, p))
        w('%s  <%sInstitusjon institusjonID="%s">\n' % (ind, p, INSTITUSJON_ID))
        for eid, resh, navn, org in BEHANDLINGSSTEDER:
            w('%s    <%sEnhet enhetID="%s" reshID="%s" enhetLokal="%s" orgNr="%s"/>\n'
              % (ind, p, eid, resh, navn, org))
        for i, u in enumerate(UNITS):
            w('%s    <%sEnhet enhetID="%d" reshID="%s" enhetLokal="%s"/>\n' % (ind, p, 11 + i, u[6], u[7]))
        for i, u in enumerate(UNITS):
            w('%s    <%sEnhet enhetID="%d" reshID="%s" enhetLokal="%s"/>\n' % (ind, p, 21 + i, u[1], u[2]))

    def objektholder(self, pasient, episodes):
        p, ind, kv = self.p, self.ind + "    ", self.kv
        L = []
        a = L.append
        a('%s<%sObjektholder pasientNr="%s">\n' % (ind, p, pasient.nr))
        fodselsar = ' fodselsar="%d"' % pasient.fodselsar if pasient.fodselsar else ""  # 0: absent
        a('%s  <%sPasient pasientNr="%s" kjonn="%d"%s/>\n'
          % (ind, p, pasient.nr, pasient.kjonn, fodselsar))
        for e in episodes:
            ut = ' utDatoTid="%s"' % _dt(e.ut) if e.ut is not None else ""
            ex = e.extra
            a('%s  <%sEpisode episodeID="%s" episodeGUID="%s" innDatoTid="%s"%s omsorgsniva="%d" '
              'innmateHast="%s" debitor="01" komNrHjem="%s"%s>\n'
              % (ind, p, e.id, e.guid, _dt(e.inn), ut, e.omsorgsniva, ex.get("innmateHast", "4"),
                 ex.get("komNrHjem", "1201"), ' utTilstand="1"' if e.ut is not None else ""))
            i2 = ind + "    "
            if ex.get("henvisning"):
                # Not read by the checker: readers must ignore elements they do not know.
                a('%s<%sHenvisningsperiode mottattDato="%s" henvType="1"/>\n'
                  % (i2, p, (e.inn - dt.timedelta(days=30)).strftime("%Y-%m-%d")))
            kontakt = '%s<%sKontakt kontaktType="%d" stedAktivitet="1"' % (i2, p, 1 if e.omsorgsniva == 1 else 2)
            if self.melding == "58":
                # 57+: the performing clinician. The HPR number is fictional (made from the
                # episode number), and personal data in a real extract.
                a(kontakt + '>\n')
                a('%s  <%sHelseperson polUtforende="1" helsepersonHPR="%d" spesialist="%d" rolle="1"/>\n'
                  % (i2, p, 90000000 + int(e.id[1:]), 1 if e.omsorgsniva == 1 else 2))
                a('%s</%sKontakt>\n' % (i2, p))
            else:
                a(kontakt + '/>\n')
            for eid, ty in e.refs:
                a('%s<%sRefEnhet enhetID="%s" typeEnhet="%d"/>\n' % (i2, p, eid, ty))
            for ts in e.tilstander:
                if not ts.koder:
                    a('%s<%sTilstand tilstNr="%d"/>\n' % (i2, p, ts.nr))
                    continue
                a('%s<%sTilstand tilstNr="%d">\n' % (i2, p, ts.nr))
                for k in ts.koder:
                    a('%s  <%sKode kodeNr="%d" %s="%s" kodeVersjon="%s" kodeVerdi="%s"/>\n'
                      % (i2, p, k.nr, kv, k.kodeverk, k.versjon, k.verdi))
                a('%s</%sTilstand>\n' % (i2, p))
            for tj in e.tjenester:
                a('%s<%sTjeneste startDatoTid="%s">\n' % (i2, p, _dt(tj.start, tj.date_only)))
                for tt in tj.tiltak:
                    st = ' startDatoTid="%s"' % _dt(tt.start) if tt.start else ""
                    if not tt.prosedyrer:
                        a('%s  <%sTiltak typeTiltak="%d"%s/>\n' % (i2, p, tt.type, st))
                        continue
                    a('%s  <%sTiltak typeTiltak="%d"%s>\n' % (i2, p, tt.type, st))
                    for pr in tt.prosedyrer:
                        if not pr.koder:
                            a('%s    <%sProsedyre prosNr="%d"/>\n' % (i2, p, pr.nr))
                            continue
                        tn = ' tilstNr="%d"' % pr.tilst_nr if pr.tilst_nr is not None else ""
                        a('%s    <%sProsedyre prosNr="%d"%s>\n' % (i2, p, pr.nr, tn))
                        for k in pr.koder:
                            a('%s      <%sKode kodeNr="%d" %s="%s" kodeVersjon="%s" kodeVerdi="%s"/>\n'
                              % (i2, p, k.nr, kv, k.kodeverk, k.versjon, k.verdi))
                        a('%s    </%sProsedyre>\n' % (i2, p))
                    a('%s  </%sTiltak>\n' % (i2, p))
                a('%s</%sTjeneste>\n' % (i2, p))
            a('%s  </%sEpisode>\n' % (ind, p))
        a('%s</%sObjektholder>\n' % (ind, p))
        self.f.write("".join(L))

    def close(self):
        ind, p, w = self.ind, self.p, self.f.write
        w('%s  </%sInstitusjon>\n' % (ind, p))
        w('%s</%sMelding>\n' % (ind, p))
        if self.style == "msghead":
            w('      </Content>\n    </RefDoc>\n  </Document>\n</MsgHead>\n')
        self.f.close()
        if self.raw is not None:
            self.raw.close()


# --------------------------------------------------------------------------------------------


def periods(n_files):
    days = (PERIOD_END - PERIOD_START).days + 1
    out = []
    for i in range(n_files):
        a = PERIOD_START + dt.timedelta(days=days * i // n_files)
        b = PERIOD_START + dt.timedelta(days=days * (i + 1) // n_files - 1)
        out.append((a, b))
    return out


def year_window(period, year, margin=True):
    """Days of `period` in `year`, keeping off the year's first and last days (room for
    a procedure a day before, or a stay of some days) when margin is set."""
    a, b = period
    lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if margin:
        lo, hi = dt.date(year, 1, 10), dt.date(year, 12, 15)
    lo, hi = max(a, lo), min(b, hi)
    return (lo, hi) if lo <= hi else None


def random_day(rng, window):
    lo, hi = window
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def write_units(path):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("reshID;navn;niva2_reshID;niva2_navn;radiologi\n")
        for u in UNITS:
            f.write("%s;%s;%s;%s;%s\n" % (u[1], u[2], u[3], u[4], "ja" if u[5] else "nei"))


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Generate realistic NPR-melding extracts with planted coding errors and the "
                    "findings rule sets v1 and v2 must give on them.",
        epilog="The bundled example: --seed 42 --episodes 400 --files 5 --gzip-one "
               "--out testdata/example --expected testdata/example/expected-findings.tsv")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--episodes", type=int, help="number of episodes (required)")
    ap.add_argument("--out", help="output folder (required; npr-*.xml[.gz] there are replaced)")
    ap.add_argument("--files", type=int, default=5)
    ap.add_argument("--gzip-one", action="store_true", help="write the last file as .xml.gz")
    ap.add_argument("--plain", action="store_true",
                    help="all files bare with the default namespace (no MsgHead, prefix or Kodeverk)")
    ap.add_argument("--error-rate", type=float, default=None,
                    help="fraction of episodes with planted errors (default: each planted variant once)")
    ap.add_argument("--expected", help="write the expected findings (TSV) here")
    ap.add_argument("--units", help="write the units catalogue here (default OUT/units.csv)")
    ap.add_argument("--planted", help="write which planted variant each planted episode is (TSV)")
    ap.add_argument("--tables", default=os.path.join(ROOT, "testdata", "tables"))
    ap.add_argument("--rules-data", default=os.path.join(ROOT, "rules", "data"))
    ap.add_argument("--no-verify", action="store_true",
                    help="skip the reference check of every episode (faster; no --expected)")
    ap.add_argument("--list-variants", action="store_true", help="print the planted variants and exit")
    ap.add_argument("--period", default="2015-01-01:2017-12-31",
                    help="FROM:TO, the days the files cover (default 2015-01-01:2017-12-31)")
    ap.add_argument("--melding", choices=sorted(MELDING_VERSIONS), default="53",
                    help="NPR-melding style: 53 (53.1.1) or 58 (58.0.1, Helseperson under Kontakt)")
    ap.add_argument("--first-file", type=int, default=1, help="number of the first file (npr-NN-...)")
    ap.add_argument("--append", action="store_true",
                    help="keep the npr-* files in OUT and append to --expected and --planted (an "
                         "extra file of another period beside the example)")
    a = ap.parse_args(argv)
    global PERIOD_START, PERIOD_END
    try:
        PERIOD_START, PERIOD_END = (dt.date.fromisoformat(x) for x in a.period.split(":"))
    except ValueError:
        ap.error("--period must be YYYY-MM-DD:YYYY-MM-DD")

    if a.list_variants:
        for v in VARIANTS:
            print("%-70s %-22s %s" % (v["name"], ",".join(v["rules"]) or "-", v["years"]))
        return 0
    if a.episodes is None or a.out is None:
        ap.error("--episodes and --out are required")
    if a.episodes < 1 or a.files < 1:
        ap.error("--episodes and --files must be positive")
    if a.error_rate is not None and not 0 <= a.error_rate <= 1:
        ap.error("--error-rate must be between 0 and 1")
    if a.expected and a.no_verify:
        ap.error("--expected needs the reference check (drop --no-verify)")

    tables = O.CodeTables(a.tables)
    rule_data = O.RuleData(a.rules_data)
    os.makedirs(a.out, exist_ok=True)
    units_path = a.units or os.path.join(a.out, "units.csv")
    write_units(units_path)
    checker = O.Checker(tables, rule_data, O.load_units(units_path))
    g = Generator(a.seed, tables, rule_data, checker)
    rng = g.rng

    for name in ([] if a.append else os.listdir(a.out)):
        if name.startswith("npr-") and (name.endswith(".xml") or name.endswith(".xml.gz")):
            os.remove(os.path.join(a.out, name))

    pers = periods(a.files)
    sizes = [a.episodes // a.files + (1 if i < a.episodes % a.files else 0) for i in range(a.files)]
    width = max(7, len(str(a.episodes)))

    errors = [v for v in VARIANTS if v["rules"]]
    specials = [v for v in VARIANTS if not v["rules"]]

    def eligible(v, i):
        return any(year_window(pers[i], y) for y in v["years"])

    # Which planted variants go to which file.
    plan = [[] for _ in range(a.files)]
    if a.error_rate is None:
        for v in VARIANTS:
            if not any(PERIOD_START.year <= y <= PERIOD_END.year for y in v["years"]):
                continue  # a variant of other years (the 2026 ones in the 2015-2017 example)
            cands = [i for i in range(a.files) if eligible(v, i)]
            if not cands:
                raise SystemExit("no file covers the years of variant %r" % v["name"])
            best = min(len(plan[i]) / sizes[i] if sizes[i] else 1e9 for i in cands)
            i = rng.choice([i for i in cands if (len(plan[i]) / sizes[i] if sizes[i] else 1e9) == best])
            plan[i].append(v)
        for i in range(a.files):
            if len(plan[i]) > sizes[i]:
                raise SystemExit("too few episodes for the planted variants: use --episodes >= %d"
                                 % (len(VARIANTS) * 2))
            rng.shuffle(plan[i])

    unit_use = {}

    def pick_unit(v):
        rule = ",".join(v["rules"]) or v["name"]
        cands = v["units"]
        use = unit_use.setdefault(rule, {})
        least = min(use.get(u, 0) for u in cands)
        u = rng.choice([u for u in cands if use.get(u, 0) == least])
        use[u] = use.get(u, 0) + 1
        return u

    exp = None
    if a.expected:
        exp = open(a.expected, "a" if a.append else "w", encoding="utf-8", newline="\n")
    if exp and a.append:
        exp.write("# + testdata/generator/gen_extract.py %s\n"
                  % " ".join(argv if argv is not None else sys.argv[1:]))
    elif exp:
        exp.write("# Expected findings of rule sets v1 and v2 on the extract in this folder. Generated by\n")
        exp.write("# testdata/generator/gen_extract.py %s\n" % " ".join(argv if argv is not None else sys.argv[1:]))
        exp.write("# Do not edit: regenerate. One line per finding; columns separated by one TAB;\n")
        exp.write("# codes = the code values the finding names, comma-separated (empty for episode-level\n")
        exp.write("# rules). Sorted by file, episode, rule, codes. See docs/example-data.md.\n")
        exp.write("file\tepisode\trule\tcodes\n")

    planted_out = None
    if a.planted:
        planted_out = open(a.planted, "a" if a.append else "w", encoding="utf-8", newline="\n")
    if planted_out and not a.append:
        planted_out.write("# The planted episodes of the extract in this folder and what each was built to\n")
        planted_out.write("# trigger (rules: the expected findings' rule ids; '-' = a clean edge case).\n")
        planted_out.write("# Generated by gen_extract.py with the same arguments as expected-findings.tsv.\n")
        planted_out.write("file\tepisode\trules\tvariant\n")

    # An extra file (--first-file N) numbers its episodes and patients after the example's.
    counters = dict(episode=10000 * (a.first_file - 1), patient=10000 * (a.first_file - 1))
    stats = {"episodes": 0, "clean": 0, "planted": 0, "findings": {}, "variants": {}}
    last_key = None

    def next_ids():
        counters["episode"] += 1
        return "E%0*d" % (width, counters["episode"])

    def next_patient():
        counters["patient"] += 1
        return str(10 ** width + counters["patient"])

    def verify(e, want, what):
        if a.no_verify:
            return []
        try:
            got = checker.check_episode(e, g.enheter)
        except O.Ambiguous as ex:
            return ("ambiguous", str(ex))
        rules = sorted(r for r, _ in got)
        if rules != want:
            return ("mismatch", "%s gives %s, wanted %s" % (what, rules, want))
        return got

    def make_clean(pasient, unit, day):
        for attempt in range(50):
            ep_id = "E?"
            e = g.base(ep_id, pasient, unit, day)
            res = verify(e, [], "clean episode")
            if isinstance(res, list):
                return e, res
        raise SystemExit("could not make a clean episode for %s on %s: %s" % (unit, day, res))

    def make_planted(v, file_i):
        years = [y for y in v["years"] if year_window(pers[file_i], y)]
        res = None
        for attempt in range(50):
            year = rng.choice(years)
            day = random_day(rng, year_window(pers[file_i], year))
            unit = pick_unit(v) if attempt == 0 else rng.choice(v["units"])
            base = dict(v["base"])
            pas = g.patient(None, unit, day.year, base.pop("sex", None))
            e = g.base("E?", pas, unit, day, **base)
            if v["build"]:
                v["build"](g, e)
            res = verify(e, v["rules"], "variant %r" % v["name"])
            if isinstance(res, list):
                return pas, e, res
        raise SystemExit("variant %r: %s" % (v["name"], res[1]))

    for fi in range(a.files):
        fra, til = pers[fi]
        style = "bare"
        if not a.plain:
            style = {1: "msghead", 2: "prefix"}.get(fi, "bare")
        gz = a.gzip_one and fi == a.files - 1
        kv_attr = "Kodeverk" if (not a.plain and fi == 3) else "kodeverk"
        name = "npr-%02d-%s_%s.xml%s" % (fi + a.first_file, fra.isoformat(), til.isoformat(),
                                         ".gz" if gz else "")
        fw = FileWriter(os.path.join(a.out, name), fi + a.first_file - 1, fra, til, style, kv_attr, gz,
                        a.melding)

        n = sizes[fi]
        if a.error_rate is None:
            queue = list(plan[fi])
            n_planted = len(queue)
        else:
            n_planted = round(n * a.error_rate)
            pool = [v for v in errors if eligible(v, fi)]
            spool = [v for v in specials if eligible(v, fi)]
            order = []

        def next_variant():
            if a.error_rate is None:
                return queue.pop()
            if not order:
                order.extend(pool)
                rng.shuffle(order)
            return order.pop()

        slot, planted_left = 0, n_planted
        pending = None  # (pasient, unit, [(episode, findings)])

        def flush():
            nonlocal pending, last_key
            if pending is None:
                return
            pas, _, eps = pending
            for e, _f in eps:
                e.id = next_ids()
            fw.objektholder(pas, [e for e, _ in eps])
            for e, found in eps:
                stats["episodes"] += 1
                for rule, codes in found:
                    stats["findings"][rule] = stats["findings"].get(rule, 0) + 1
                    if exp:
                        key = (name, e.id, rule, ",".join(codes))
                        if last_key is not None and key < last_key:
                            raise SystemExit("internal: expected findings out of order")
                        last_key = key
                        exp.write("\t".join(key) + "\n")
            pending = None

        pending_target = [1]
        while slot < n:
            remaining = n - slot
            planted = rng.random() < planted_left / remaining if remaining else False
            if planted:
                planted_left -= 1
                v = next_variant()
                flush()
                pas, e, found = make_planted(v, fi)
                pas.nr = next_patient()
                pending = (pas, None, [(e, found)])
                flush()
                if planted_out:
                    planted_out.write("%s\t%s\t%s\t%s\n" % (name, e.id, ",".join(v["rules"]) or "-", v["name"]))
                stats["planted" if v["rules"] else "clean"] += 1
                stats["variants"][v["name"]] = stats["variants"].get(v["name"], 0) + 1
            else:
                if a.error_rate is not None and spool and rng.random() < 0.01:
                    v = rng.choice(spool)
                    flush()
                    pas, e, found = make_planted(v, fi)
                    pas.nr = next_patient()
                    pending = (pas, None, [(e, found)])
                    flush()
                    stats["clean"] += 1
                    slot += 1
                    continue
                # A patient with 1-3 clean episodes in one unit.
                if pending is None or len(pending[2]) >= pending_target[0]:
                    flush()
                    unit = rng.choices([u[0] for u in UNITS], weights=[14, 12, 12, 14, 10, 10, 9, 9, 10])[0]
                    day = random_day(rng, (fra, til))
                    pas = g.patient(next_patient(), unit, day.year)
                    pending = (pas, unit, [])
                    pending_target[0] = rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
                else:
                    unit = pending[1]
                    day = random_day(rng, (fra, til))
                    pas = pending[0]
                    if day.year - pas.fodselsar > 100 or day.year < pas.fodselsar:
                        flush()
                        continue
                e, found = make_clean(pas, unit, day)
                pending[2].append((e, found))
                stats["clean"] += 1
            slot += 1
        flush()
        fw.close()

    if exp:
        exp.close()
    if planted_out:
        planted_out.close()
    s = stats
    print("wrote %d episodes (%d clean, %d planted) in %d files to %s"
          % (s["episodes"], s["clean"], s["planted"], a.files, a.out), file=sys.stderr)
    if not a.no_verify:
        print("findings per rule: " + ", ".join("%s %d" % (r, s["findings"].get(r, 0)) for r in O.RULE_IDS),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
