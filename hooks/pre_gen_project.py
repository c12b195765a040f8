"""Pre-generation hook: validate every answer. The logic is in sqlmodel_scaffold.hooks."""

import sys

sys.path.insert(0, {{ template_dir | pyrepr }})
from sqlmodel_scaffold.hooks import pre_gen  # noqa: E402

sys.exit(pre_gen({{ cookiecutter | pyrepr }}, caller_cwd={{ caller_cwd | pyrepr }}))
