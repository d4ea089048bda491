"""Runs the 2022 security_content docs generator (../shared/reference/security_content-2022-generator,
unchanged) on a 2022 content tree, offline, and writes its _posts/ and _stories/ pages.

Usage: python run_2022_generator.py GENERATOR_DIR STIX_BUNDLE_GZ INPUT_DIR OUTPUT_DIR

The generator imports stix2 and pycvesearch at the top and reads ATT&CK from a cti checkout
(`get_all_techniques`). Here stix2 and pycvesearch are stand-in modules, and the techniques
are the attack-pattern objects of the ATT&CK v10.1 STIX bundle (every one, revoked and
deprecated too, as the generator's FileSystemSource query returned them; their ids are
unique, so its first-match lookup does not depend on order). Inputs with a `cve:` tag are
not supported (the generator fetched those online). Everything else is the generator's own
code and templates, run as its __main__ runs them.
"""
import gzip
import json
import os
import sys
import types

generator_dir, bundle, input_dir, output_dir = (os.path.abspath(a) for a in sys.argv[1:5])

stix2 = types.ModuleType("stix2")
stix2.FileSystemSource = None
stix2.Filter = None
sys.modules["stix2"] = stix2
pycvesearch = types.ModuleType("pycvesearch")


class CVESearch:
    def __init__(self, *args):
        raise SystemExit("a cve: tag needs the online CVE service; not supported offline")


pycvesearch.CVESearch = CVESearch
sys.modules["pycvesearch"] = pycvesearch

sys.path.insert(0, generator_dir)
import doc_gen  # noqa: E402

with gzip.open(bundle, "rt", encoding="utf-8") as f:
    techniques = [o for o in json.load(f)["objects"] if o.get("type") == "attack-pattern"]

doc_gen.VERBOSE = False
for sub in ("_posts", "_stories", "_pages", "_data", "_playbooks"):
    os.makedirs(os.path.join(output_dir, sub), exist_ok=True)
templates = os.path.join(generator_dir, "jinja2_templates")
# The generator reads `./detections`, `./stories`, ... relative to the working directory.
os.chdir(input_dir)
messages = []
detections, messages = doc_gen.generate_doc_detections(".", output_dir, templates, techniques, messages, False)
stories, messages = doc_gen.generate_doc_stories(".", output_dir, templates, techniques, detections, messages, False)
print("\n".join(messages))
