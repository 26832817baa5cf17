#!/usr/bin/env python3
"""Builds ICD10.json (the terminology service's JSON layout, ../../../shared/spec/kote-json.md)
from the REAL yearly ICD-10 lists in testdata/tables/{2017,2024,2025,2026}/icd10.csv.

Every code of the chosen categories that is in one of those lists becomes an object with the
dot put back (A000 -> A00.0). Its validity follows the yearly lists: rows split where the
list's text changes or the code is absent; a code starts on 1 January of the first of these
years that lists it (2017 at the earliest: the fixture covers 2017-2026, the years the lists
tell, so that its findings equal theirs, "valid in" years included); a text change between 2017 and 2024 is
dated 2018-01-01 (the lists of 2018-2023 are not public). A code that leaves the lists keeps
an open Gyldig_til for every second such code and is narrowed by NPR_Gyldig_til instead (the
NPR period narrows the code's validity), so both ways of ending are exercised. Categories with
subdivisions, their blocks and chapters are added as in the real download (Rapporteres_til_NPR
null; chapters and blocks from 1999-01-01). Flags are the facts the rule data
also holds: M36* Stjernekode, C61 Kjønn M, J18.9/A09.9 Uspesifikk_kode.

It also writes ../tables-json-yearly/<year>/icd10.csv: the real yearly lists cut to the same
categories, for the test that JSON and CSV tables give identical findings.

Run from the repository root: python3 testdata/tables-json/make_fixture.py
"""
import json
import os

ROOT = os.path.dirname(os.path.abspath(__file__))
TABLES = os.path.join(ROOT, "..", "tables")
YEARS = [2017, 2024, 2025, 2026]

# block -> (text, chapter); category prefix -> block
BLOCKS = {
    "A00-A09": ("Infeksiøse tarmsykdommer", "I"),
    "A90-A99": ("Virusfebere overført av leddyr og virale hemoragiske febere", "I"),
    "B15-B19": ("Virushepatitt", "I"),
    "C60-C63": ("Ondartede svulster i mannlige kjønnsorganer", "II"),
    "D37-D48": ("Svulster med usikker eller ukjent malignitet", "II"),
    "E70-E90": ("Metabolske forstyrrelser", "IV"),
    "F00-F09": ("Organiske, inklusive symptomatiske, psykiske lidelser", "V"),
    "I20-I25": ("Iskemiske hjertesykdommer", "IX"),
    "J09-J18": ("Influensa og pneumoni", "X"),
    "J30-J39": ("Andre sykdommer i øvre luftveier", "X"),
    "K55-K64": ("Andre sykdommer i tarm", "XI"),
    "K70-K77": ("Sykdommer i lever", "XI"),
    "M15-M19": ("Artroser", "XIII"),
    "M30-M36": ("Systemiske bindevevssykdommer", "XIII"),
    "M70-M79": ("Andre bløtvevssykdommer", "XIII"),
    "R10-R19": ("Symptomer og tegn som gjelder fordøyelsessystemet og buken", "XVIII"),
    "S70-S79": ("Skader i hofte og lår", "XIX"),
    "U00-U49": ("Provisorisk tildeling av nye sykdommer med usikker etiologi", "XXII"),
}
CHAPTERS = {
    "I": "(A00-B99) Visse infeksjonssykdommer og parasittsykdommer",
    "II": "(C00-D48) Svulster",
    "IV": "(E00-E90) Endokrine sykdommer, ernæringssykdommer og metabolske forstyrrelser",
    "V": "(F00-F99) Psykiske lidelser og atferdsforstyrrelser",
    "IX": "(I00-I99) Sykdommer i sirkulasjonssystemet",
    "X": "(J00-J99) Sykdommer i åndedrettssystemet",
    "XI": "(K00-K93) Sykdommer i fordøyelsessystemet",
    "XIII": "(M00-M99) Sykdommer i muskel-skjelettsystemet og bindevev",
    "XVIII": "(R00-R99) Symptomer, tegn, unormale kliniske funn og laboratoriefunn",
    "XIX": "(S00-T98) Skader, forgiftninger og visse andre konsekvenser av ytre årsaker",
    "XXII": "(U00-U99) Koder for spesielle formål",
}
CATEGORIES = {
    "A00-A09": ["A00", "A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A09"],
    "A90-A99": ["A90", "A91", "A92", "A97"],
    "B15-B19": ["B18"],
    "C60-C63": ["C61"],
    "D37-D48": ["D37", "D44"],
    "E70-E90": ["E70", "E78"],
    "F00-F09": ["F05", "F06"],
    "I20-I25": ["I21"],
    "J09-J18": ["J12", "J13", "J14", "J15", "J18"],
    "J30-J39": ["J38"],
    "K55-K64": ["K58", "K63"],
    "K70-K77": ["K70"],
    "M15-M19": ["M19"],
    "M30-M36": ["M36"],
    "M70-M79": ["M72"],
    "R10-R19": ["R17"],
    "S70-S79": ["S72"],
    "U00-U49": ["U06"],
}


def load(year):
    out = {}
    with open(os.path.join(TABLES, str(year), "icd10.csv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            kode, tekst = line.rstrip("\n").split(";", 1)
            out[kode] = tekst
    return out


def dotted(kode):
    return kode if len(kode) <= 3 else kode[:3] + "." + kode[3:]


def node(kode, tekst, parent, parent_text, fra, til=None, rapporteres=None, npr_fra=None,
         npr_til=None, short=None, stjerne=None, kjonn=None, uspesifikk=None):
    return {
        "Kode": kode, "Tekst_uten_lengdebegrensning": tekst, "Tekst_med_maksimalt_60_tegn": short,
        "Foreldrekode": parent, "Foreldrekodetekst": parent_text,
        "Gyldig_fra": fra + "T00:00:00", "Gyldig_til": til and til + "T00:00:00",
        "Rapporteres_til_NPR": rapporteres, "NPR_Gyldig_fra": npr_fra and npr_fra + "T00:00:00",
        "NPR_Gyldig_til": npr_til and npr_til + "T23:59:00", "Stjernekode": stjerne,
        "Tilleggskode": None, "Kjønn": kjonn, "Uspesifikk_kode": uspesifikk,
    }


def main():
    lists = {y: load(y) for y in YEARS}
    out = []
    ending = 0
    for ch, ch_text in CHAPTERS.items():
        out.append(node(ch, ch_text, None, None, "1999-01-01"))
    for block, (b_text, ch) in BLOCKS.items():
        out.append(node(block, b_text, ch, CHAPTERS[ch], "1999-01-01"))
        for cat in CATEGORIES[block]:
            codes = sorted({k for y in YEARS for k in lists[y] if k[:3] == cat})
            if not codes:
                continue
            if cat not in codes:  # a category with subdivisions: a node, not reportable
                cat_text = next(lists[y][k] for y in reversed(YEARS) for k in codes
                                if k in lists[y]).split(",")[0]
                out.append(node(cat, "Kategori " + cat + " (" + cat_text + ")", block, b_text,
                                "2017-01-01"))
            for kode in codes:
                parent = cat if kode != cat else block
                parent_text = b_text if kode == cat else None
                flags = {}
                if kode.startswith("M36"):
                    flags["stjerne"] = "*"
                if kode == "C61":
                    flags["kjonn"] = "M"
                if kode in ("J189", "A099"):
                    flags["uspesifikk"] = "Ja"
                # rows: runs of the same text over consecutive listed years
                runs = []
                for i, y in enumerate(YEARS):
                    t = lists[y].get(kode)
                    if t is None:
                        continue
                    prev = YEARS[i - 1] if i > 0 else None
                    if runs and runs[-1]["last"] == prev and runs[-1]["text"] == t:
                        runs[-1]["last"] = y
                    else:
                        contiguous = bool(runs) and runs[-1]["last"] == prev
                        start = (f"{runs[-1]['last'] + 1}-01-01" if contiguous
                                 else f"{y}-01-01")
                        runs.append({"first": y, "last": y, "text": t, "start": start})
                for j, r in enumerate(runs):
                    nxt = runs[j + 1] if j + 1 < len(runs) else None
                    end = None
                    npr_til = None
                    if nxt is not None:
                        end = f"{int(nxt['start'][:4]) - 1}-12-31"
                    elif r["last"] != YEARS[-1]:
                        ending += 1
                        if ending % 2 == 0:
                            npr_til = f"{r['last']}-12-31"
                        else:
                            end = f"{r['last']}-12-31"
                    out.append(node(dotted(kode), r["text"], dotted(parent) if parent else None,
                                    parent_text, r["start"], end, "Ja", r["start"], npr_til,
                                    short=r["text"][:60], **flags))
    with open(os.path.join(ROOT, "ICD10.json"), "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join("  " + json.dumps(o, ensure_ascii=False) for o in out))
        f.write("\n]\n")
    print(len(out), "objects")
    # The same codes as yearly lists (the real lines, filtered): ../tables-json-yearly/
    chosen = {c for cats in CATEGORIES.values() for c in cats}
    for y in YEARS:
        d = os.path.join(ROOT, "..", "tables-json-yearly", str(y))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "icd10.csv"), "w", encoding="utf-8") as f:
            f.write("Kode;Tekst\n")
            for k, t in lists[y].items():
                if k[:3] in chosen:
                    f.write(f"{k};{t}\n")


if __name__ == "__main__":
    main()
