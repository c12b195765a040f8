"""The template's own logic: answer validation, the entity parser, and rendering.

Everything here runs in cookiecutter's interpreter (hooks and the Jinja
extension), so it uses only the standard library and jinja2.
"""
