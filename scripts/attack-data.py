#!/usr/bin/env python3
"""Regenerate splforge's embedded ATT&CK Enterprise catalogue from a STIX bundle.

Standard library only (Python >= 3.8). Deterministic: the same bundle gives the same
bytes (sorted records, gzip header with mtime 0 and no file name).

    python3 scripts/attack-data.py BUNDLE [--attack-version V] [--out-dir crates/splforge-attack/data]
    python3 scripts/attack-data.py BUNDLE --check          # compare with the shipped file
    python3 scripts/attack-data.py BUNDLE --compare-jsonl DIR  # cross-check with extract.py output

BUNDLE is a STIX 2.x bundle (.json or .json.gz) of the enterprise-attack domain: an official
`enterprise-attack-<version>.json` from mitre-attack/attack-stix-data (its version is read from
the x-mitre-collection object), or a bundle written by extract.py --write-bundle (it carries
x_attack_version). Without either, pass --attack-version.

Output: <out-dir>/enterprise-attack-<version>.json.gz, one JSON document ("digest", format 1):

    {"format": 1, "domain": "enterprise-attack", "attack_version": "18.1", "source": {...},
     "tactics":    [{"id", "shortname", "name"}]                       in matrix order
     "techniques": [{"id", "name", "kill_chain_phases", "platforms", "parent",
                     "deprecated", "revoked", "revoked_by"}]            sorted by id
     "groups":     [{"id", "name", "aliases", "deprecated", "revoked", "techniques"}]  sorted by id}

`kill_chain_phases` keep the order of the STIX object (not matrix order); splforge derives the
tactic names in matrix order from `tactics`. `revoked_by` comes from the `revoked-by`
relationship, `parent` from `subtechnique-of` (or the id prefix), a group's `techniques` from its
live `uses` relationships to attack-patterns.

splforge embeds every release in one pack written by `scripts/attack-pack.py` from
extract.py's JSONL; a digest written here from a STIX bundle cross-checks that pack
(`scripts/attack-pack.py JSONL_DIR --compare-digest DIGEST`). Write it outside crates/splforge-attack/data.
"""

import argparse
import gzip
import io
import json
import os
import sys

DOMAIN = "enterprise-attack"
FORMAT = 1
ATTACK_SOURCES = ("mitre-attack",)


def load_bundle(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        doc = json.load(fh)
    if not (isinstance(doc, dict) and doc.get("type") == "bundle"):
        raise SystemExit("%s is not a STIX bundle" % path)
    by_id = {}
    for o in doc.get("objects") or []:
        sid = o.get("id")
        if sid and (sid not in by_id or (o.get("modified") or "") > (by_id[sid].get("modified") or "")):
            by_id[sid] = o
    source = {"bundle": os.path.basename(path)}
    if isinstance(doc.get("x_extract_provenance"), dict):
        prov = doc["x_extract_provenance"]
        source.update({k: prov[k] for k in ("repository", "ref", "commit", "commit_date") if k in prov})
    version = doc.get("x_attack_version")
    for o in by_id.values():
        if o.get("type") == "x-mitre-collection" and o.get("x_mitre_version"):
            version = version or o["x_mitre_version"]
    return by_id, version, source


def attack_id(o):
    for ref in o.get("external_references") or []:
        if ref.get("source_name") in ATTACK_SOURCES and ref.get("external_id"):
            return ref["external_id"]
    return None


def live(o):
    return not o.get("revoked") and not o.get("x_mitre_deprecated")


def of_type(by_id, typ):
    return [o for _, o in sorted(by_id.items()) if o.get("type") == typ]


def digest_tactics(by_id):
    tactics = {o["id"]: o for o in of_type(by_id, "x-mitre-tactic")}
    matrices = [m for m in of_type(by_id, "x-mitre-matrix") if live(m)]
    matrices.sort(key=lambda m: (attack_id(m) != DOMAIN, m["id"]))
    order = []
    for m in matrices:
        order += [ref for ref in m.get("tactic_refs") or [] if ref not in order and ref in tactics]
    order += sorted((s for s in tactics if s not in order), key=lambda s: attack_id(tactics[s]) or "")
    return [{"id": attack_id(tactics[s]), "shortname": tactics[s]["x_mitre_shortname"],
             "name": tactics[s]["name"]} for s in order]


def digest_techniques(by_id):
    patterns = {o["id"]: o for o in of_type(by_id, "attack-pattern") if attack_id(o)}
    revoked_by, parent_of = {}, {}
    for r in of_type(by_id, "relationship"):
        kind, src, dst = r.get("relationship_type"), r.get("source_ref"), r.get("target_ref")
        if src not in patterns or dst not in patterns:
            continue
        if kind == "revoked-by":
            revoked_by.setdefault(src, set()).add(attack_id(patterns[dst]))
        elif kind == "subtechnique-of" and live(r):
            parent_of[src] = attack_id(patterns[dst])
    rows = []
    for sid, o in patterns.items():
        tid = attack_id(o)
        phases = [p["phase_name"] for p in o.get("kill_chain_phases") or []
                  if p.get("kill_chain_name") in ATTACK_SOURCES]
        replacement = sorted(revoked_by.get(sid, ())) if o.get("revoked") else []
        if len(replacement) > 1:
            print("warning: %s revoked by several: %s" % (tid, replacement), file=sys.stderr)
        rows.append({
            "id": tid,
            "name": o["name"],
            "kill_chain_phases": list(dict.fromkeys(phases)),
            "platforms": list(o.get("x_mitre_platforms") or []),
            "parent": parent_of.get(sid) or (tid.split(".")[0] if "." in tid else None),
            "deprecated": bool(o.get("x_mitre_deprecated")),
            "revoked": bool(o.get("revoked")),
            "revoked_by": replacement[0] if replacement else None,
        })
    rows.sort(key=lambda t: (t["id"], t["revoked"], t["deprecated"]))
    seen, unique = set(), []
    for row in rows:  # one record per id: the live object wins
        if row["id"] not in seen:
            seen.add(row["id"])
            unique.append(row)
    return unique


def digest_groups(by_id):
    sets = {o["id"]: o for o in of_type(by_id, "intrusion-set") if attack_id(o)}
    patterns = {o["id"]: attack_id(o) for o in of_type(by_id, "attack-pattern") if attack_id(o)}
    uses = {}
    for r in of_type(by_id, "relationship"):
        src, dst = r.get("source_ref"), r.get("target_ref")
        if r.get("relationship_type") == "uses" and src in sets and dst in patterns and live(r):
            uses.setdefault(src, set()).add(patterns[dst])
    rows = [{"id": attack_id(o), "name": o["name"], "aliases": list(o.get("aliases") or []),
             "deprecated": bool(o.get("x_mitre_deprecated")), "revoked": bool(o.get("revoked")),
             "techniques": sorted(uses.get(sid, ()))} for sid, o in sets.items()]
    rows.sort(key=lambda g: (g["id"], g["revoked"]))
    return rows


def digest(by_id, version, source):
    return {"format": FORMAT, "domain": DOMAIN, "attack_version": version, "source": source,
            "tactics": digest_tactics(by_id), "techniques": digest_techniques(by_id),
            "groups": digest_groups(by_id)}


def encode(doc):
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buf.getvalue()


def compare_jsonl(doc, directory):
    """Cross-check the digest against extract.py's JSONL extracts of the same release."""
    prefix = os.path.join(directory, "%s-v%s." % (DOMAIN, doc["attack_version"]))
    read = lambda kind: [json.loads(line) for line in open(prefix + kind + ".jsonl", encoding="utf-8")]
    problems = []
    tactics = read("tactics")
    if [(t["id"], t["shortname"], t["name"]) for t in tactics] != \
            [(t["id"], t["shortname"], t["name"]) for t in doc["tactics"]]:
        problems.append("tactics differ")
    order = {t["shortname"]: i for i, t in enumerate(doc["tactics"])}
    name_of = {t["shortname"]: t["name"] for t in doc["tactics"]}
    ours = {t["id"]: t for t in doc["techniques"]}
    theirs = read("techniques")
    if len(theirs) != len(ours):
        problems.append("technique count %d != %d" % (len(theirs), len(ours)))
    for t in theirs:
        o = ours.get(t["id"])
        if o is None:
            problems.append("%s missing" % t["id"])
            continue
        matrix = [name_of[p] for p in sorted(o["kill_chain_phases"], key=order.get)]
        pairs = [("name", t["name"], o["name"]), ("tactics", t["tactics"], matrix),
                 ("kill_chain_phases", t["kill_chain_phases"], o["kill_chain_phases"]),
                 ("platforms", t["platforms"], o["platforms"]), ("parent", t["parent_id"], o["parent"]),
                 ("deprecated", t["deprecated"], o["deprecated"]), ("revoked", t["revoked"], o["revoked"]),
                 ("revoked_by", t["revoked_by"], o["revoked_by"]),
                 ("is_subtechnique", t["is_subtechnique"], "." in o["id"])]
        problems += ["%s %s: %r != %r" % (t["id"], f, a, b) for f, a, b in pairs if a != b]
    groups = {g["id"]: g for g in doc["groups"]}
    for g in read("groups"):
        o = groups.get(g["id"])
        fields = ("name", "aliases", "deprecated", "revoked", "techniques")
        if o is None or any(g[f] != o[f] for f in fields):
            problems.append("group %s differs" % g["id"])
    if len(groups) != len(read("groups")):
        problems.append("group count differs")
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bundle", help="STIX bundle (.json or .json.gz) of enterprise-attack")
    ap.add_argument("--attack-version", help="ATT&CK release, e.g. 18.1 (default: from the bundle)")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out-dir", default=os.path.normpath(os.path.join(here, "..", "crates", "splforge-attack", "data")))
    ap.add_argument("--check", action="store_true", help="compare with the file in --out-dir, write nothing")
    ap.add_argument("--compare-jsonl", metavar="DIR", help="cross-check with extract.py JSONL in DIR")
    args = ap.parse_args(argv)

    by_id, version, source = load_bundle(args.bundle)
    version = args.attack_version or version
    if not version:
        ap.error("the bundle does not say its ATT&CK version: pass --attack-version")
    doc = digest(by_id, version, source)
    if args.compare_jsonl:
        problems = compare_jsonl(doc, args.compare_jsonl)
        for p in problems[:50]:
            print("DIFF " + p)
        print("%s: %s" % (version, "agrees with the JSONL extracts" if not problems else "%d differences" % len(problems)))
        if problems:
            return 1
    data = encode(doc)
    target = os.path.join(args.out_dir, "%s-%s.json.gz" % (DOMAIN, version))
    if args.check:
        with gzip.open(target, "rt", encoding="utf-8") as fh:
            same = json.load(fh) == doc
        print("%s: %s" % (target, "up to date" if same else "DIFFERS"))
        return 0 if same else 1
    if not args.compare_jsonl:
        os.makedirs(args.out_dir, exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)
        print("wrote %s (%d bytes, %d techniques, %d tactics, %d groups)" % (
            target, len(data), len(doc["techniques"]), len(doc["tactics"]), len(doc["groups"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
