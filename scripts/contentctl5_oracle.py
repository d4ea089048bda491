"""Runs contentctl 5.6.2's validation of a content tree and prints every error it finds.

`contentctl validate` stops at the first content type with an invalid file. This reads
each type as contentctl's Director does (same order, same pydantic models, same context,
so later types see the objects of earlier ones), but goes on after a type with errors,
then runs the checks `validate` runs after the Director. One line per error:
`<path>: <message>` (a pydantic error as `<field.path>: <message>`). Exit status 1 when
there is any error, 0 otherwise.

Usage: python contentctl5_oracle.py TREE   (with contentctl==5.6.2 importable)
"""

import os
import pathlib
import sys

from pydantic import ValidationError

# contentctl's command module imports every model in the order that lets pydantic resolve
# their forward references (Story <-> Detection); import it before the models.
import contentctl.contentctl  # noqa: F401
from contentctl.actions.validate import Validate
from contentctl.enrichments.attack_enrichment import AttackEnrichment
from contentctl.enrichments.cve_enrichment import CveEnrichment
from contentctl.helper.utils import Utils
from contentctl.input.director import Director, DirectorOutputDto
from contentctl.input.yml_reader import YmlReader
from contentctl.objects.atomic import AtomicEnrichment
from contentctl.objects.baseline import Baseline
from contentctl.objects.config import validate
from contentctl.objects.dashboard import Dashboard
from contentctl.objects.data_source import DataSource
from contentctl.objects.deployment import Deployment
from contentctl.objects.detection import Detection
from contentctl.objects.lookup import LookupAdapter
from contentctl.objects.macro import Macro
from contentctl.objects.playbook import Playbook
from contentctl.objects.removed_security_content_object import (
    RemovedSecurityContentObject,
)
from contentctl.objects.story import Story

# Director.execute's order.
CONTENT_TYPES = [
    Deployment,
    LookupAdapter,
    Macro,
    Story,
    Baseline,
    DataSource,
    Playbook,
    Detection,
    Dashboard,
    RemovedSecurityContentObject,
]


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        found = []
        for err in error.errors():
            location = ".".join(str(part) for part in err.get("loc", ()))
            message = one_line(err.get("msg", ""))
            found.append(f"{location}: {message}" if location else message)
        return found or [one_line(error)]
    return [one_line(error)]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    tree = pathlib.Path(sys.argv[1]).resolve()
    os.chdir(tree)
    errors: list[str] = []
    try:
        config_obj = YmlReader().load_file(pathlib.Path("contentctl.yml"), add_fields=False)
        config = validate.model_validate(config_obj)
    except Exception as e:  # contentctl.yml itself
        for message in messages(e):
            print(f"contentctl.yml: {message}")
        return 1
    output = DirectorOutputDto(
        AtomicEnrichment.getAtomicEnrichment(config),
        AttackEnrichment.getAttackEnrichment(config),
        CveEnrichment.getCveEnrichment(config),
    )
    director = Director(output)
    director.input_dto = config
    context = {"output_dto": output, "config": config}
    for content_type in CONTENT_TYPES:
        folder = config.path / content_type.containing_folder()
        try:
            files = list(Utils.get_all_yml_files_from_directory(folder))
        except FileNotFoundError as e:  # a content directory contentctl requires
            errors.extend(f"{content_type.containing_folder()}/: {m}" for m in messages(e))
            continue
        for file in files:
            relative = file.absolute().relative_to(tree)
            try:
                data = YmlReader.load_file(file)
                if content_type is LookupAdapter:
                    content = content_type.validate_python(data, context=context)
                else:
                    content = content_type.model_validate(data, context=context)
                output.addContentToDictMappings(content)
            except (ValidationError, ValueError) as e:
                errors.extend(f"{relative}: {m}" for m in messages(e))
    # What `validate` does after the Director, each step on its own.
    for step in (
        lambda: director.loadDeprecationInfo(config.app),
        director.buildRuntimeCsvs,
        lambda: Validate().ensure_no_orphaned_files_in_lookups(config.path, output),
    ):
        try:
            step()
        except Exception as e:
            errors.extend(f"(repository): {m}" for m in messages(e))
    for line in errors:
        print(line)
    print(f"contentctl 5.6.2: {len(errors)} error(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
