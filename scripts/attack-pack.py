#!/usr/bin/env python3
"""Pack every embedded ATT&CK Enterprise release into one file (digest format 2).

Standard library only (Python >= 3.8). Deterministic: the same input gives the same bytes
(records in a fixed order, gzip header with mtime 0 and no file name).

    python3 scripts/attack-pack.py JSONL_DIR [--out-dir crates/splforge-attack/data]   # write the pack
    python3 scripts/attack-pack.py JSONL_DIR --check                  # compare with the shipped pack
    python3 scripts/attack-pack.py JSONL_DIR --compare-digest FILE... # cross-check with attack-data.py

JSONL_DIR holds extract.py's per-release extracts (`enterprise-attack-v<V>.{techniques,
tactics,groups}.jsonl` and `.meta.json`; ../shared/data/attack/). Every release found there
is packed, oldest first. A digest of format 1 written by `scripts/attack-data.py` from a STIX
bundle can be compared with the same release unpacked from JSONL (`--compare-digest`).

Output: <out-dir>/enterprise-attack.pack.json.gz and <out-dir>/releases.txt (the versions,
oldest first, one a line: splforge lists and checks versions from it without decoding).

Releases share most records, so each distinct record is stored once with a bit mask of the
releases it belongs to (bit i = releases[i]):

    {"format": 2, "domain": "enterprise-attack",
     "releases":   [{"version": "8.2", "ref": ..., "commit": ..., "commit_date": ...}, ...],
     "tactics":    [{"id", "shortname", "name", "in"}]                       matrix order
     "techniques": [{"id", "name", "kill_chain_phases", "platforms", "parent",
                     "deprecated", "revoked", "revoked_by", "in"}]            by id, then mask
     "groups":     [{"id", "name", "aliases", "deprecated", "revoked", "in"}] by id, then mask
     "uses":       [["G0001", [["T1001.002", mask], ...]], ...]}              by group, technique

A group's techniques in release i are the `uses` entries of its id whose mask has bit i. A
release decoded from the pack equals that release's digest of format 1 field for field.
"""

import argparse
import gzip
import io
import json
import os
import re
import sys

DOMAIN = "enterprise-attack"
FORMAT = 2
PACK = "enterprise-attack.pack.json.gz"
RELEASES = "releases.txt"


def version_key(version):
    return tuple(int(part) for part in version.split("."))


def releases_in(directory):
    found = set()
    for name in os.listdir(directory):
        m = re.fullmatch(r"enterprise-attack-v(\d+\.\d+)\.meta\.json", name)
        if m:
            found.add(m.group(1))
    return sorted(found, key=version_key)


def read_jsonl(directory, version, kind):
    path = os.path.join(directory, "enterprise-attack-v%s.%s.jsonl" % (version, kind))
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def release_digest(directory, version):
    """One release in the record shapes of digest format 1."""
    tactics = [{"id": r["id"], "shortname": r["shortname"], "name": r["name"]}
               for r in sorted(read_jsonl(directory, version, "tactics"), key=lambda r: r["order"])]
    techniques = [{"id": r["id"], "name": r["name"], "kill_chain_phases": r["kill_chain_phases"],
                   "platforms": r["platforms"], "parent": r["parent_id"],
                   "deprecated": r["deprecated"], "revoked": r["revoked"],
                   "revoked_by": r["revoked_by"]}
                  for r in read_jsonl(directory, version, "techniques")]
    groups = [{"id": r["id"], "name": r["name"], "aliases": r["aliases"],
               "deprecated": r["deprecated"], "revoked": r["revoked"],
               "techniques": r["techniques"]}
              for r in read_jsonl(directory, version, "groups")]
    techniques.sort(key=lambda t: t["id"])
    groups.sort(key=lambda g: g["id"])
    return {"tactics": tactics, "techniques": techniques, "groups": groups}


def masked(records_by_release, key):
    """Distinct records with the mask of releases holding each, in (key, mask) order; the
    first-seen order of equal keys is kept for tactics (matrix order) by the caller."""
    masks, order = {}, []
    for bit, records in enumerate(records_by_release):
        for record in records:
            text = json.dumps(record, sort_keys=True, ensure_ascii=False)
            if text not in masks:
                masks[text] = 0
                order.append(text)
            masks[text] |= 1 << bit
    out = []
    for text in order:
        record = json.loads(text)
        out.append((record, masks[text]))
    if key is not None:
        out.sort(key=lambda pair: (key(pair[0]), pair[1]))
    return out


def pack(directory):
    versions = releases_in(directory)
    if not versions:
        raise SystemExit("no enterprise-attack-v*.meta.json in %s" % directory)
    digests = [release_digest(directory, v) for v in versions]
    sources = []
    for v in versions:
        with open(os.path.join(directory, "enterprise-attack-v%s.meta.json" % v), encoding="utf-8") as fh:
            meta = json.load(fh)
        if meta.get("attack_version") != v or meta.get("domain") != DOMAIN:
            raise SystemExit("meta.json of %s names %s %s" % (v, meta.get("domain"), meta.get("attack_version")))
        source = meta.get("source") or {}
        sources.append(dict({"version": v}, **{k: source[k] for k in ("repository", "ref", "commit", "commit_date") if k in source}))
    fields = ("id", "name", "kill_chain_phases", "platforms", "parent", "deprecated", "revoked", "revoked_by")
    tactics = []
    for record, mask in masked([d["tactics"] for d in digests], None):
        tactics.append(dict(id=record["id"], shortname=record["shortname"], name=record["name"], **{"in": mask}))
    techniques = [dict({f: record[f] for f in fields}, **{"in": mask})
                  for record, mask in masked([d["techniques"] for d in digests], lambda r: r["id"])]
    metas = [[{k: g[k] for k in ("id", "name", "aliases", "deprecated", "revoked")} for g in d["groups"]] for d in digests]
    groups = [dict(record, **{"in": mask}) for record, mask in masked(metas, lambda r: r["id"])]
    uses = {}
    for bit, d in enumerate(digests):
        for g in d["groups"]:
            for t in g["techniques"]:
                key = (g["id"], t)
                uses[key] = uses.get(key, 0) | (1 << bit)
    by_group = {}
    for (gid, tid), mask in sorted(uses.items()):
        by_group.setdefault(gid, []).append([tid, mask])
    doc = {"format": FORMAT, "domain": DOMAIN, "releases": sources, "tactics": tactics,
           "techniques": techniques, "groups": groups, "uses": sorted(by_group.items())}
    for bit, v in enumerate(versions):  # the pack must give back every release exactly
        if unpack(doc, v) != digests[bit]:
            raise SystemExit("internal error: release %s does not round-trip" % v)
    return versions, doc, digests


def unpack(doc, version):
    """One release of a pack, in the record shapes of digest format 1."""
    bit = [r["version"] for r in doc["releases"]].index(version)
    has = lambda record: record["in"] >> bit & 1
    strip = lambda record: {k: v for k, v in record.items() if k != "in"}
    uses = {gid: [tid for tid, mask in entries if mask >> bit & 1] for gid, entries in doc["uses"]}
    return {"tactics": [strip(t) for t in doc["tactics"] if has(t)],
            "techniques": [strip(t) for t in doc["techniques"] if has(t)],
            "groups": [dict(strip(g), techniques=uses.get(g["id"], [])) for g in doc["groups"] if has(g)]}


def encode(doc):
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buf.getvalue(), len(text.encode("utf-8"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("jsonl_dir")
    ap.add_argument("--out-dir", default=os.path.join(os.path.dirname(__file__), "..", "crates", "splforge-attack", "data"))
    ap.add_argument("--check", action="store_true", help="compare with the shipped files, write nothing")
    ap.add_argument("--compare-digest", nargs="+", metavar="FILE", help="format-1 digests to compare with")
    args = ap.parse_args(argv)
    versions, doc, digests = pack(args.jsonl_dir)
    if args.compare_digest:
        status = 0
        for path in args.compare_digest:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                other = json.load(fh)
            v = other["attack_version"]
            mine = digests[versions.index(v)]
            same = all(mine[k] == other[k] for k in ("tactics", "techniques", "groups"))
            print("%s: %s" % (v, "same records" if same else "DIFFERENT"))
            status |= not same
        return status
    data, json_bytes = encode(doc)
    listing = "".join(v + "\n" for v in versions).encode()
    targets = [(os.path.join(args.out_dir, PACK), data), (os.path.join(args.out_dir, RELEASES), listing)]
    if args.check:
        status = 0
        for path, content in targets:
            with open(path, "rb") as fh:
                ok = fh.read() == content
            print("%s: %s" % (path, "OK" if ok else "DIFFERS"))
            status |= not ok
        return status
    for path, content in targets:
        with open(path, "wb") as fh:
            fh.write(content)
    print("%d releases (%s), %d JSON bytes, %d gzip bytes" % (len(versions), ", ".join(versions), json_bytes, len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
