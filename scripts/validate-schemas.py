#!/usr/bin/env python3
"""Check splforge's JSON Schemas against a content tree (a development aid, not part of the build).

Usage: scripts/validate-schemas.py GENERATION ROOT [ROOT ...]
       GENERATION is 2022, 4 or 5; each ROOT is a content tree in the security_content layout.

Every *.yml / *.yaml file under the content directories of each ROOT is loaded with PyYAML (dates
become ISO strings, as the Rust loader hands them over), the schema is picked by directory
(detections/** -> detection, stories/** -> story, ...) and the document is validated with
jsonschema's Draft202012Validator and its FormatChecker. Each error is printed as
`file: /json/path: message`; a summary per content type follows. Exit status 1 when any error.

Needs PyYAML and jsonschema. When they are not importable this script creates a virtual environment
under target/validate-schemas-venv (or $SPLFORGE_SCHEMA_VENV), installs them there and re-runs itself.
"""
import datetime
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO / "schemas"
GENERATIONS = ("2022", "4", "5")
# content directory -> schema type
CONTENT_DIRS = {
    "detections": "detection",
    "stories": "story",
    "macros": "macro",
    "lookups": "lookup",
    "data_sources": "data_source",
    "deployments": "deployment",
    "baselines": "baseline",
    "investigations": "investigation",
}


def ensure_dependencies():
    try:
        import jsonschema  # noqa: F401
        import yaml  # noqa: F401
        return
    except ImportError:
        pass
    if os.environ.get("SPLFORGE_SCHEMA_VENV_ACTIVE"):
        sys.exit("validate-schemas: jsonschema/PyYAML still missing inside the virtual environment")
    venv = Path(os.environ.get("SPLFORGE_SCHEMA_VENV", REPO / "target" / "validate-schemas-venv"))
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "jsonschema", "PyYAML"], check=True)
    env = dict(os.environ, SPLFORGE_SCHEMA_VENV_ACTIVE="1")
    os.execve(str(python), [str(python), __file__, *sys.argv[1:]], env)


def load_yaml(path):
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def iso(node_value):
        if isinstance(node_value, (datetime.date, datetime.datetime)):
            return node_value.isoformat()
        return node_value

    def construct_timestamp(loader, node):
        return iso(yaml.SafeLoader.construct_yaml_timestamp(loader, node))

    Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader)


def json_path(error):
    parts = [str(p) for p in error.absolute_path]
    return "/" + "/".join(parts)


def describe(error):
    """One line per error; for anyOf/oneOf failures, name the best sub-error too."""
    from jsonschema.exceptions import best_match
    if error.context:
        inner = best_match(error.context)
        return f"{error.message} ({json_path(inner)}: {inner.message})"
    return error.message


def main(argv):
    if len(argv) < 3 or argv[1] not in GENERATIONS:
        sys.exit(__doc__)
    ensure_dependencies()
    import json
    from jsonschema import Draft202012Validator, FormatChecker

    generation, roots = argv[1], [Path(r) for r in argv[2:]]
    validators = {}
    for schema_type in CONTENT_DIRS.values():
        schema_path = SCHEMA_DIR / generation / f"{schema_type}.schema.json"
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        validators[schema_type] = Draft202012Validator(schema, format_checker=FormatChecker())

    totals = {}
    error_count = 0
    for root in roots:
        for directory, schema_type in CONTENT_DIRS.items():
            base = root / directory
            if not base.is_dir():
                continue
            files = sorted(p for p in base.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
            for path in files:
                shown = path.relative_to(root) if len(roots) == 1 else path
                stats = totals.setdefault(schema_type, [0, 0, 0])
                stats[0] += 1
                try:
                    document = load_yaml(path)
                except Exception as exc:  # a YAML error is a finding too
                    print(f"{shown}: /: YAML error: {exc}")
                    stats[1] += 1
                    stats[2] += 1
                    error_count += 1
                    continue
                errors = sorted(validators[schema_type].iter_errors(document),
                                key=lambda e: [str(p) for p in e.absolute_path])
                if errors:
                    stats[1] += 1
                for error in errors:
                    print(f"{shown}: {json_path(error)}: {describe(error)}")
                stats[2] += len(errors)
                error_count += len(errors)

    print(f"\nschema generation {generation}:")
    for schema_type, (files, bad, errs) in sorted(totals.items()):
        print(f"  {schema_type:<14} {files:>5} files, {bad:>4} with errors, {errs:>4} errors")
    print(f"  total errors: {error_count}")
    return 1 if error_count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
