"""Loader for the reference case tables in tests/data/cases/."""

from __future__ import annotations

import re
from pathlib import Path

CASES_DIR = Path(__file__).parent / "data" / "cases"
DATA_DIR = Path(__file__).parent / "data"
UNKNOWN = "-"

_REPEAT = re.compile(r"(.)\{(\d+)\}")


def load_cases(name: str) -> list[dict[str, str]]:
    """Read ``<name>.tsv``, where lines starting with "#" are comments and the first other line is the header."""
    lines = [
        line.rstrip("\n")
        for line in (CASES_DIR / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    header = lines[0].split("\t")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        assert len(cells) == len(header), f"{name}.tsv row {number} has {len(cells)} cells, expected {len(header)}"
        rows.append(dict(zip(header, cells)))
    return rows


def optional(cell: str) -> str | None:
    """Return None for the "-" placeholder, else the cell itself."""
    return None if cell == UNKNOWN else cell


def expand_repeats(text: str) -> str:
    """Expand "x{N}" into the letter x repeated N times."""
    return _REPEAT.sub(lambda match: match.group(1) * int(match.group(2)), text)


def unescape_newlines(text: str) -> str:
    """Turn a backslash followed by n into a line break."""
    return text.replace("\\n", "\n")


def case_id(text: str, limit: int = 40) -> str:
    """Return a short printable test id for a table cell."""
    text = text.replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= limit else text[: limit - 3] + "..."
