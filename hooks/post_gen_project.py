"""Post-generation hook: render the entity packages and finish the project. The logic is in sqlmodel_scaffold.hooks."""

import sys

sys.path.insert(0, {{ template_dir | pyrepr }})
from sqlmodel_scaffold.hooks import post_gen  # noqa: E402

sys.exit(post_gen({{ cookiecutter | pyrepr }}, caller_cwd={{ caller_cwd | pyrepr }}))
