"""Excel exports in the shape officials submit. See README.md in this folder for the layout of
each template and the hidden keys a later import checks."""

from .commune_table import build_commune_table
from .data import commune_table_data
from .summary_table import build_summary_table

__all__ = ["build_commune_table", "build_summary_table", "commune_table_data"]
