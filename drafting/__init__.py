"""drafting: letters for criminal-defense firms from YAML case files and Word templates."""

__version__ = "0.1.0"
