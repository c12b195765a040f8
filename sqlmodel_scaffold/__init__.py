"""The template's own logic: answer validation, the entity parser, and rendering.

Everything here runs in cookiecutter's interpreter (hooks and the Jinja
extension), so it uses only the standard library and jinja2.
"""

from pathlib import Path

# The template repository: cookiecutter.json, entity_files/, hooks/ and this package.
TEMPLATE_DIR = Path(__file__).resolve().parent.parent
