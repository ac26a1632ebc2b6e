"""What editors' tools do to files: checks on raw bytes and text cells, before parsing.

Policy (also in the README): the tables are UTF-8 without BOM, `\n` line endings, no
blank lines; a missing final newline is tolerated (no data is lost). Text cells are
NFC, without zero-width or non-breaking spaces, without leading or trailing spaces,
and never start like a spreadsheet formula.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from cnbef.package.metadata import Stream
from cnbef.package.tables import unsafe_path, unsafe_paths
from cnbef.validation.report import Problem

BOM = b"\xef\xbb\xbf"
# Characters that make Excel or LibreOffice run a cell as a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
INVISIBLE = {"\u200b": "zero-width space", "\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner",
             "\ufeff": "zero-width no-break space (BOM)", "\u00a0": "non-breaking space", "\u3000": "full-width space",
             "\u2060": "word joiner"}


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def not_utf8(file: str, raw: bytes) -> list[Problem]:
    """The encoding problem of a file that is not UTF-8, naming the likely encoding."""
    try:
        raw.decode("utf-8")
        return []
    except UnicodeDecodeError as exc:
        position = exc.start
    try:
        raw.decode("gb18030")
        likely = "GBK/GB18030 (what Excel and WPS on Chinese Windows save as 'CSV' or 'ANSI')"
    except UnicodeDecodeError:
        likely = "an unknown encoding"
    return [Problem(file, _line_of(raw, position), None, "encoding", None,
                    f"the file is not UTF-8; it looks like {likely}. Re-save it as 'CSV UTF-8' "
                    f"(and remove the BOM) or convert it with iconv -f GB18030 -t UTF-8; nothing was decoded")]


CHUNK = 64 * 2**20  # bytes read at a time
# An empty line is an empty record; a line of spaces is caught as a row with too few cells.
_BLANK_LINE = re.compile(rb"\n\r?\n")


def scan_files(label: str, files: list[str], paths: list[Path], resource: dict,
               decode: bool = True) -> tuple[list[Problem], bool]:
    """A table's files (one, or the parts of a multi-part table) each scanned once; the size and hash
    of the table as Frictionless reads it against the descriptor. And whether every file can be parsed.
    ``decode=False``: the UTF-8 check is left to the reader that parses the file next (Arrow checks every
    string as it parses; decoding here too would cost a second pass over every byte)."""
    stream, problems, parseable = Stream(), [], True
    for file, path in zip(files, paths):
        found, ok = scan_file(file, path, resource, stream.part(), decode)
        problems += found
        parseable = parseable and ok
        if any(p.rule in ("encoding", "empty_file") for p in found):
            return problems, False
    return problems + metadata_problems(label, stream.stats(), resource), parseable


def scan_file(file: str, path: Path, resource: dict, feed, decode: bool = True) -> tuple[list[Problem], bool]:
    """Encoding, BOM, line endings and blank lines in one pass, the bytes fed to ``feed``; and whether it can be parsed."""
    size, line, previous = 0, 1, b""
    decoder = codecs.getincrementaldecoder("utf-8")()
    problems, first = [], True
    cr_found = blank_found = False
    wants_bom = str(resource.get("encoding", "utf-8")).lower().replace("_", "-") == "utf-8-sig"
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            feed(chunk)
            size += len(chunk)
            try:
                if decode:
                    decoder.decode(chunk)
            except UnicodeDecodeError:
                return not_utf8(file, path.read_bytes()), False  # a broken file: read whole to say where
            if first:
                first = False
                if chunk.startswith(BOM) != wants_bom:
                    problems.append(bom_problem(file, wants_bom))
            joined = previous + chunk
            if not cr_found and b"\r" in chunk:
                cr_found = True
                problems.append(line_endings(file, line + chunk.count(b"\n", 0, chunk.find(b"\r"))))
            blank = _BLANK_LINE.search(joined) if not blank_found else None  # faster than bytes.find: \n is frequent
            blank = blank.start() if blank else -1
            if blank >= 0:
                blank_found = True
                problems.append(blank_line(file, line - previous.count(b"\n") + joined.count(b"\n", 0, blank) + 1))
            line += chunk.count(b"\n")
            previous = chunk[-2:]
    if size == 0 or (size < CHUNK and path.read_bytes().isspace()):
        return [empty_file(file)], False
    return problems, not (cr_found or blank_found)


# One wording for each file problem.
def empty_file(file: str) -> Problem:
    return Problem(file, None, None, "empty_file", None, "the file is empty; it needs at least the header row")


def bom_problem(file: str, wants_bom: bool) -> Problem:
    return Problem(file, 1, None, "bom", None, (
        "this table is declared utf-8-sig for spreadsheets and must start with a UTF-8 byte-order mark; rebuild it"
        if wants_bom else "the file starts with a UTF-8 byte-order mark (Excel's 'CSV UTF-8' adds one); save without BOM"))


def line_endings(file: str, line: int) -> Problem:
    return Problem(file, line, None, "line_endings", None, "the file has Windows (CRLF) or old Mac (CR) line endings; use \\n (LF)")


def blank_line(file: str, line: int) -> Problem:
    return Problem(file, line, None, "blank_line", None, "blank line; remove it (a trailing blank line is an empty record)")


def cell_findings(value: str) -> list[tuple[str, str]]:
    """(rule, message) for each hygiene problem of a text cell: formula injection, invisible
    characters, stray spaces, non-NFC text. Only text fields are checked (sqlchecks.hygiene_checks):
    a number, date or boolean cell with such a character fails its type check. A query finds
    the suspects by SUSPECT; only they are looked at closely here."""
    return [(rule, _cell_message(rule, value)) for rule in _cell_rules(value)]


_SPACE = r"\s\p{Z}\x{1c}-\x{1f}\x{85}"  # what str.strip() strips
# Characters that need no closer look: printable ASCII, CJK ideographs and punctuation, full-width
# forms, general punctuation. None is invisible, and NFC changes none of them nor anything built
# from them (tests/test_faults.py proves it), so a cell made only of them is NFC already.
SAFE_RANGES = ((0x20, 0x7E), (0x4E00, 0x9FFF), (0x3001, 0x3029), (0x3030, 0x303F), (0xFF01, 0xFFEF),
               (0x2010, 0x2027), (0x2030, 0x205E))
SAFE = "".join(rf"\x{{{a:x}}}-\x{{{b:x}}}" for a, b in SAFE_RANGES)
# A sign starts a formula unless the cell is a plain number (PLAIN_NUMBER): -18.9 is not suspect, -18.9x is.
_SIGNED_NOT_PLAIN = r"^[+\-](?:$|[^0-9]|[0-9]+(?:[^0-9.]|\.(?:$|[^0-9]|[0-9]+[^0-9])))"
SUSPECT = rf"^[=@{_SPACE}]|{_SIGNED_NOT_PLAIN}|[{_SPACE}]$|[^{SAFE}]"


_C0 = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC "
       "FS GS RS US").split()


def _control_name(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return _C0[code]
    return "DEL" if code == 0x7F else ("C1 control" if 0x80 <= code <= 0x9F else unicodedata.name(ch, ""))


def _invisible(ch: str) -> str | None:
    """What an invisible or control character is, or None for a visible one (and the plain space).

    Named above where the name helps an editor; otherwise every control (C0, C1: NUL, BEL …),
    format character (bidirectional overrides, soft hyphen …) and space other than U+0020, by its
    Unicode name. A line break inside a cell is a control too: text cells are single lines.
    """
    if ch in INVISIBLE:
        return INVISIBLE[ch]
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") or (category == "Zs" and ch != " "):
        kind = {"Cc": "control character", "Cf": "format character", "Co": "private-use character",
                "Cs": "lone surrogate", "Zl": "line separator", "Zp": "paragraph separator", "Zs": "space character"}[category]
        return f"{kind} U+{ord(ch):04X} {_control_name(ch)}".rstrip()
    return None


def _cell_rules(value: str) -> list[str]:
    rules = []
    if value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value):
        rules.append("formula_injection")
    if any(_invisible(c) for c in value):
        rules.append("invisible_character")
    elif value != value.strip():
        rules.append("surrounding_space")
    if not unicodedata.is_normalized("NFC", value):
        rules.append("unicode_nfc")
    return rules


def _cell_message(rule: str, value: str) -> str:
    if rule == "formula_injection":
        return ("starts with a character that makes a spreadsheet run it as a formula "
                "(=, +, -, @, tab, CR); rephrase the cell")
    if rule == "invisible_character":
        return f"contains {', '.join(sorted({_invisible(c) for c in value if _invisible(c)}))}; delete it"
    if rule == "surrounding_space":
        return "has leading or trailing spaces; delete them"
    return "is not in Unicode NFC form; normalize it (NFC)"


def descriptor_problems(descriptor: dict) -> list[Problem]:
    problems = []
    for n, res in enumerate(descriptor.get("resources", [])):
        if not isinstance(res, dict):
            problems.append(Problem("datapackage.json", None, f"resources[{n}]", "descriptor", None, "a resource must be an object"))
            continue
        for key in ("path", "schema"):
            value = res.get(key)
            if key == "schema" and (value is None or isinstance(value, dict)):
                continue
            why = unsafe_paths(value) if key == "path" else unsafe_path(value)
            if why:
                problems.append(Problem("datapackage.json", None, f"resources[{n}].{key}", "unsafe_path", str(value),
                                        f"{why}; the resource was not read"))
    return problems


# What spreadsheet programs turn values into, and what to tell the editor.
EXCEL_DAMAGE = [
    (re.compile(r"[0-9]+\.0"), "looks like a code that a spreadsheet turned into a number (411100.0); format the column as Text and restore the code"),
    (re.compile(r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}"), "looks like a date a spreadsheet reformatted; write it as YYYY-MM-DD"),
    (re.compile(r"[0-9]{5}"), "may be a spreadsheet date serial number; write dates as YYYY-MM-DD"),
    (re.compile(r"[0-9](?:\.[0-9]+)?[eE][+-]?[0-9]+"), "looks like a number a spreadsheet wrote in scientific notation; restore the full number"),
]
HINTED_RULES = {"type-error", "constraint-error", "type", "pattern", "foreign-key", "foreign_key"}


def hint(value) -> str | None:
    """Advice for a value that failed a type or pattern check, when it looks like editor damage."""
    if not isinstance(value, str):
        return None
    if unicodedata.normalize("NFKC", value) != value:
        return "contains full-width characters (１３．１, ％, ，, full-width space); use ASCII"
    return next((text for pattern, text in EXCEL_DAMAGE if pattern.fullmatch(value.strip())), None)


def metadata_problems(path: str, stats: dict, resource: dict) -> list[Problem]:
    """The file's size and sha256 against the descriptor's ``bytes`` and ``hash``."""
    problems = []
    if "bytes" in resource and resource["bytes"] != stats["bytes"]:
        problems.append(Problem(path, None, None, "byte-count", str(resource["bytes"]),
                                f"the file has {stats['bytes']} bytes; run cnbef refresh after editing"))
    if "hash" in resource and resource["hash"] != stats["hash"]:
        problems.append(Problem(path, None, None, "hash-count", resource["hash"],
                                f"the file's hash is {stats['hash']}; run cnbef refresh after editing"))
    return problems
