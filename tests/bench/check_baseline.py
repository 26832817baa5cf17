#!/usr/bin/env python3
"""Checks that the Python baseline (baseline_lxml.py) really implements rule sets v1 and v2: runs every
test case of the shipped rules (rules/**/*.yaml, `tests:`) through the baseline and compares
fire/pass, the number of findings and the codes named with what the test expects.

Each compact test episode is written as an NPR-melding XML file the way the C++ test runner
builds it (Enhet 1/2/3 with the avdeling as Enhet 3, RefEnhet types 1, 2, 7 unless given, one
Tjeneste per Tiltak); `radiologi: true` puts the avdeling in a units catalogue as radiology.

Usage: check_baseline.py [RULES_DIR]   (needs PyYAML and lxml; exit 1 on any mismatch)
"""

import glob
import io
import json
import os
import sys
import tempfile
from xml.sax.saxutils import quoteattr

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import baseline_lxml as bl  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def s(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def kode_xml(c, default_kodeverk, nr):
    if isinstance(c, dict):
        verdi, kodeverk = s(c["verdi"]), s(c.get("kodeverk", default_kodeverk))
    else:
        verdi, kodeverk = s(c), default_kodeverk
    return '<Kode kodeNr="%d" kodeverk=%s kodeVerdi=%s/>' % (nr, quoteattr(kodeverk),
                                                             quoteattr(verdi))


def koder_xml(koder, default_kodeverk):
    return "".join(kode_xml(c, default_kodeverk, i + 1) for i, c in enumerate(koder or []))


def episode_xml(e):
    avdeling = s(e.get("avdeling", "4200"))
    attrs = {"episodeID": s(e.get("id", "T1")), "innDatoTid": s(e["inn"])}
    if "ut" in e:
        attrs["utDatoTid"] = s(e["ut"])
    for key in ("omsorgsniva", "innmateHast"):
        if key in e:
            attrs[key] = s(e[key])
    pas = {"pasientNr": "P1"}
    if "kjonn" in e:
        pas["kjonn"] = s(e["kjonn"])
    if "fodselsar" in e:
        pas["fodselsar"] = s(e["fodselsar"])
    x = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<Melding xmlns="http://www.npr.no/xmlstds/57_0_1_ord" versjon="57.0.1">',
         '<Institusjon institusjonID="983974724">',
         '<Enhet enhetID="1" reshID="4001" enhetLokal="Behandlingssted"/>',
         '<Enhet enhetID="2" reshID="4210" enhetLokal="Fagenhet"/>',
         '<Enhet enhetID="3" reshID=%s enhetLokal="Avdeling"/>' % quoteattr(avdeling),
         '<Objektholder pasientNr="P1">',
         "<Pasient %s/>" % " ".join("%s=%s" % (k, quoteattr(v)) for k, v in pas.items()),
         "<Episode %s>" % " ".join("%s=%s" % (k, quoteattr(v)) for k, v in attrs.items())]
    for enhet_id, typ in e.get("ref_enheter", [[1, 1], [2, 2], [3, 7]]):
        x.append('<RefEnhet enhetID=%s typeEnhet="%s"/>' % (quoteattr(s(enhet_id)), s(typ)))
    for i, t in enumerate(e.get("tilstander") or []):
        nr, koder = (t.get("nr", i + 1), t.get("koder")) if isinstance(t, dict) else (i + 1, t)
        x.append('<Tilstand tilstNr="%s">%s</Tilstand>' % (nr, koder_xml(koder, "D")))
    pros_nr = 0
    for t in e.get("tiltak") or []:
        tj = ' startDatoTid="%s"' % s(t["tjeneste_dato"]) if "tjeneste_dato" in t else ""
        ta = ' typeTiltak="%s"' % s(t["type"]) if "type" in t else ""
        if "dato" in t:
            ta += ' startDatoTid="%s"' % s(t["dato"])
        pros = []
        for p in t.get("prosedyrer") or []:
            pros_nr += 1
            nr, koder = (p.get("nr", pros_nr), p.get("koder")) if isinstance(p, dict) else \
                (pros_nr, p)
            tn = ' tilstNr="%s"' % s(p["tilstNr"]) if isinstance(p, dict) and "tilstNr" in p else ""
            pros.append('<Prosedyre prosNr="%s"%s>%s</Prosedyre>' % (nr, tn, koder_xml(koder, "Q")))
        x.append("<Tjeneste%s><Tiltak%s>%s</Tiltak></Tjeneste>" % (tj, ta, "".join(pros)))
    x.append("</Episode></Objektholder></Institusjon></Melding>")
    return "\n".join(x)


def main():
    rules_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "rules")
    tables = bl.CodeTables(os.path.join(REPO, "testdata", "tables"))
    sets, ncrp_of = bl.load_rule_data(os.path.join(rules_dir, "data"))
    failures = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(glob.glob(os.path.join(rules_dir, "**", "*.yaml"), recursive=True)):
            with open(path, encoding="utf-8") as f:
                rule = yaml.safe_load(f)
            for case in rule.get("tests") or []:
                total += 1
                units = {}
                if "xml" in case:
                    xml_path = os.path.normpath(os.path.join(os.path.dirname(path), case["xml"]))
                    want_episode = s(case["episode_id"])
                else:
                    e = case["episode"]
                    xml_path = os.path.join(tmp, "case.xml")
                    with open(xml_path, "w", encoding="utf-8") as f:
                        f.write(episode_xml(e))
                    want_episode = s(e.get("id", "T1"))
                    if e.get("radiologi"):
                        units[s(e.get("avdeling", "4200"))] = ("", "", "", True)
                out = io.StringIO()
                checker = bl.Checker(tables, sets, ncrp_of, units, out)
                checker.check_file(xml_path)
                found = [json.loads(l) for l in out.getvalue().splitlines()]
                found = [f for f in found if f["rule"] == rule["id"] and
                         f["episode"] == want_episode]
                problems = []
                fired = bool(found)
                if fired != (case["expect"] == "fire"):
                    problems.append("expected %s, got %d finding(s)" % (case["expect"], len(found)))
                if "count" in case and len(found) != case["count"]:
                    problems.append("expected %d finding(s), got %d" % (case["count"], len(found)))
                if "codes" in case and found:
                    got = [c["value"] for c in found[0]["codes"]]
                    if got != [s(c) for c in case["codes"]]:
                        problems.append("codes %s, expected %s" % (got, case["codes"]))
                if problems:
                    failures += 1
                    print("FAIL %s: %s: %s" % (rule["id"], case["name"], "; ".join(problems)))
    print("%d of %d rule test cases agree with the baseline" % (total - failures, total))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
