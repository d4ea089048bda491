#!/usr/bin/env python3
"""Check splforge's format versions (data/formats/*.toml) against contentctl's own model schemas.

    python3 scripts/check-formats.py [REFERENCE_DIR] [--splforge target/debug/splforge]

REFERENCE_DIR is ../shared/reference/contentctl-model-schemas (one directory per contentctl
release, 4.0.5 ... 5.6.2, holding `model_json_schema()` of each content model). For every
contentctl format version, the schema splforge prints (`splforge schema TYPE --format-version V`)
is compared with that release's models where the two say the same thing:

- `tags.security_domain` values (detection, baseline, investigation);
- whether production detections need `drilldown_searches` (a field of the model only from 4.4);
- detection `status` values (5.x; 5.3+ narrows the shared enum with a validator, without `removed`);
- which release's data source model has a `supported_TA` mapping and event sources (4.1).

What the schemas cannot show (observable roles, which validators run) comes from the
reference README and is cited in each format file. Exit status 1 on any difference.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def ref_model(ref_dir, release, model):
    with open(os.path.join(ref_dir, release, model + ".json"), encoding="utf-8") as fh:
        doc = json.load(fh)
    if "$ref" in doc and "properties" not in doc:
        name = doc["$ref"].split("/")[-1]
        body = dict(doc["$defs"][name])
        body["$defs"] = doc["$defs"]
        return body
    return doc


def enum_of(model, pattern):
    for name, definition in model.get("$defs", {}).items():
        if pattern in name and "enum" in definition:
            return set(definition["enum"])
    return None


def ours(binary, kind, version):
    out = subprocess.run([binary, "schema", kind, "--format-version", version], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def security_domains(schema):
    tags = schema.get("$defs", {}).get("tags") or schema["properties"]["tags"]
    return set(tags["properties"]["security_domain"].get("enum", []))


def needs_drilldowns(schema):
    return any("drilldown_searches" in (rule.get("then", {}).get("required") or [])
               for rule in schema.get("allOf", []))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reference", nargs="?", default=os.path.join(HERE, "..", "..", "shared", "reference", "contentctl-model-schemas"))
    ap.add_argument("--splforge", default=os.path.join(HERE, "..", "target", "debug", "splforge"))
    args = ap.parse_args()
    releases = sorted(d for d in os.listdir(args.reference) if d[0].isdigit())
    listing = subprocess.run([args.splforge, "schema", "--format-version", "list"], check=True,
                             capture_output=True, text=True).stdout
    status = 0

    def check(what, version, mine, theirs):
        nonlocal status
        ok = mine == theirs
        status |= not ok
        print("%-4s %-16s %-32s ours %s, contentctl %s" % ("ok" if ok else "DIFF", version, what,
                                                       sorted(mine) if isinstance(mine, set) else mine,
                                                       sorted(theirs) if isinstance(theirs, set) else theirs))

    for line in listing.splitlines():
        version = line.split()[0]
        if not version.startswith("contentctl-"):
            continue
        minor = version.split("-", 1)[1]
        release = next((r for r in releases if r.startswith(minor + ".")), None)
        if release is None:
            print("skip %s: no reference release" % version)
            continue
        detection = ref_model(args.reference, release, "Detection")
        tags = ref_model(args.reference, release, "DetectionTags")
        if minor.startswith("4."):
            expected = enum_of(tags, "SecurityDomain")
            for kind in ("detection", "baseline", "investigation"):
                check(kind + " security_domain", version, security_domains(ours(args.splforge, kind, version)), expected)
            check("drilldown_searches required", version, needs_drilldowns(ours(args.splforge, "detection", version)),
                  "drilldown_searches" in detection["properties"])
            data_source = ref_model(args.reference, release, "DataSource")
            ta = data_source["properties"].get("supported_TA", {})
            mapping = ta.get("type") == "object"
            mine = ours(args.splforge, "data_source", version)["properties"].get("supported_TA", {}).get("type") == "object"
            if release >= "4.1":
                check("data source supported_TA mapping", version, mine, mapping)
        else:
            status_enum = enum_of(detection, "DetectionStatus") or (enum_of(detection, "ContentStatus") - {"removed"})
            check("detection status", version, set(ours(args.splforge, "detection", version)["properties"]["status"]["enum"]), status_enum)
    return status


if __name__ == "__main__":
    sys.exit(main())
