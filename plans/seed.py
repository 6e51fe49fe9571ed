"""Parse the text of a commune's Directive 31 implementation plan, as extracted from its PDF.

Pure: text in, dataclasses out; no database. The loader (``plans.loader``) writes the result.

The extraction breaks every printed line into its own line, separated by blank lines, and page
breaks leave leading spaces. The parser therefore

- strips every line, drops the blank ones and rebuilds paragraphs by joining lines with one space,
  except after a hyphen that breaks a token (``31-`` + ``CT/TW`` gives ``31-CT/TW``);
- starts a new block only at a structural mark: a section heading (``III.``), a numbered item
  (``2.``), a bullet (``-`` followed, with or without a space, by an uppercase letter), the
  recipients heading (``Nơi nhận:``), the signature block (``TM.``, ``KT.``), or an uppercase line
  after a line that ends a sentence (``.`` or ``:``). A line such as ``- xã hội của xã`` is the
  second half of ``kinh tế - xã hội``, not a bullet, because a lowercase letter follows the dash;
- keeps the wording verbatim, typos included.

The bundled seed (``SEED_PATH``) is the Ea Ly plan: 3 purposes, 1 requirement, 3 goals, 7 task
groups of 3/4/2/3/4/2/3 tasks and 5 units in section IV.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

SEED_PATH = Path(__file__).resolve().parent / "seed" / "ke-hoach-chi-thi-31-xa-ea-ly.txt"

SECTION_PURPOSES, SECTION_GOALS, SECTION_TASKS, SECTION_UNITS = "I", "II", "III", "IV"
ITEM_PURPOSES, ITEM_REQUIREMENTS = 1, 2

_SEPARATOR = re.compile(r"^-{3,}$")
_SECTION = re.compile(r"^(?P<key>I|II|III|IV|V|VI)\.\s+(?P<text>\S.*)$")
_ITEM = re.compile(r"^(?P<key>\d{1,2})\.\s+(?P<text>\S.*)$")
_BULLET = re.compile(r"^-\s*(?P<text>\S.*)$")
_SIGNATURE = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s")
_RECIPIENTS = "Nơi nhận:"
_LEGAL_BASIS_OPENER = "Căn cứ"
_CLOSING_OPENER = "Trên đây"

_CITATION = re.compile(
    r"(?P<kind>Kế hoạch|Chỉ thị|Nghị quyết|Nghị định|Quyết định|Thông tư|Luật|Công văn)"
    r" số (?P<number>\d+)\s*-\s*(?P<symbol>[A-ZĐ]+(?:/[A-ZĐ]+)+)"
)
_CITED_ON = re.compile(
    r"^,?\s*ngày\s+(?:(?P<d1>\d{1,2})/(?P<m1>\d{1,2})/(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2}) tháng (?P<m2>\d{1,2}) năm (?P<y2>\d{4}))"
)
_CITED_BY = re.compile(r"^\s*của (?P<issuer>.+?)(?= về |,| và |;|\.(?:\s|$)|$)")
_CITED_ABOUT = re.compile(r"^ về (?P<title>.+?)(?:\.(?:\s|$)|$)")


class PlanTextError(ValueError):
    """The text does not have the structure of a plan."""


@dataclass(frozen=True)
class ParsedLegalBasis:
    document: str  # "Chỉ thị số 31-CT/TW"
    issued_on: date | None = None
    issuer: str = ""
    title: str = ""


@dataclass(frozen=True)
class ParsedTaskGroup:
    number: int
    title: str
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class ParsedUnit:
    """A unit of section IV with its duties (its bullets, or its paragraph)."""

    number: int
    name: str
    duties: tuple[str, ...]

    @property
    def duty_text(self) -> str:
        return "\n".join(self.duties)


@dataclass(frozen=True)
class ParsedSignature:
    authority: str = ""  # "TM. ỦY BAN NHÂN DÂN XÃ\nKT. CHỦ TỊCH"
    position: str = ""  # "PHÓ CHỦ TỊCH"
    name: str = ""


@dataclass(frozen=True)
class ParsedPlan:
    doc_type: str  # "KẾ HOẠCH"
    subtitle: str
    legal_basis_text: str
    legal_bases: tuple[ParsedLegalBasis, ...]
    preamble: str
    purposes: tuple[str, ...]
    requirements: tuple[str, ...]
    goals: tuple[str, ...]
    task_groups: tuple[ParsedTaskGroup, ...]
    units: tuple[ParsedUnit, ...]
    closing: str
    recipients: tuple[str, ...]
    signature: ParsedSignature

    @property
    def title(self) -> str:
        return f"{self.doc_type} {self.subtitle}"

    @property
    def task_count(self) -> int:
        return sum(len(group.tasks) for group in self.task_groups)

    def texts(self) -> Iterator[str]:
        """Every piece of wording, for checks that hold across the whole document."""
        yield from (self.title, self.legal_basis_text, self.preamble, self.closing)
        yield from (*self.purposes, *self.requirements, *self.goals, *self.recipients)
        for group in self.task_groups:
            yield group.title
            yield from group.tasks
        for unit in self.units:
            yield unit.name
            yield from unit.duties


# Lines and blocks -------------------------------------------------------------------------


def clean_lines(text: str) -> list[str]:
    """The non-blank lines, stripped, with inner runs of whitespace reduced to one space."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def join_lines(head: str, tail: str) -> str:
    """Join two printed lines: one space, none after a hyphen that breaks a token ("31-")."""
    if head.endswith("-") and len(head) > 1 and not head[-2].isspace():
        return head + tail
    return f"{head} {tail}"


@dataclass
class _Block:
    kind: str  # section | item | bullet | paragraph | recipients | signature
    text: str
    key: str = ""


def _starts_upper(text: str) -> bool:
    return bool(text) and text[0].isupper()


def _block_start(line: str, previous: _Block | None) -> _Block | None:
    """The block a line opens, or None when it continues the previous block."""
    if line == _RECIPIENTS:
        return _Block("recipients", "")
    if _SIGNATURE.match(line) or (previous is not None and previous.kind == "signature"):
        return _Block("signature", line)
    if match := _SECTION.match(line):
        return _Block("section", match["text"], match["key"])
    if match := _ITEM.match(line):
        return _Block("item", match["text"], match["key"])
    if (match := _BULLET.match(line)) and _starts_upper(match["text"]):
        return _Block("bullet", match["text"])
    if previous is None or (previous.text.endswith((".", ":")) and _starts_upper(line)):
        return _Block("paragraph", line)
    return None


def _blocks(lines: Iterable[str]) -> list[_Block]:
    blocks: list[_Block] = []
    for line in lines:
        previous = blocks[-1] if blocks else None
        block = _block_start(line, previous)
        if block is not None:
            blocks.append(block)
        elif previous is not None:
            previous.text = join_lines(previous.text, line)
    return blocks


def _heading(lines: list[str]) -> tuple[str, str, list[str]]:
    """The document type, the subtitle and the lines after the separator under the heading."""
    if not lines:
        raise PlanTextError("The text is empty.")
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line):
            doc_type, *subtitle = lines[:index]
            if not subtitle:
                raise PlanTextError("The heading has no subtitle.")
            text = subtitle[0]
            for line_ in subtitle[1:]:
                text = join_lines(text, line_)
            return doc_type, text, lines[index + 1 :]
    raise PlanTextError("The heading is not closed by a separator line (-----).")


# Sections ---------------------------------------------------------------------------------


@dataclass
class _Draft:
    legal_basis_text: str = ""
    preamble: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    groups: list[tuple[int, str, list[str]]] = field(default_factory=list)
    units: list[tuple[int, str, list[str]]] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)


class _Reader:
    """Walks the blocks, keeping track of the section and item they belong to."""

    def __init__(self) -> None:
        self.draft = _Draft()
        self.section = ""
        self.item = 0
        self.tail = ""  # "", "closing", "recipients" or "signature" once section IV is over

    def read(self, blocks: Iterable[_Block]) -> _Draft:
        for block in blocks:
            self._read(block)
        return self.draft

    def _read(self, block: _Block) -> None:
        if block.kind == "section":
            self.section, self.item = block.key, 0
        elif block.kind == "recipients":
            self.tail = "recipients"
        elif block.kind == "signature":
            self.tail = "signature"
            self.draft.signature.append(block.text)
        elif self.tail == "recipients" and block.kind == "bullet":
            self.draft.recipients.append(block.text)
        elif self.tail:
            self.draft.closing.append(block.text)
        elif block.kind == "item":
            self._item(int(block.key), block.text)
        else:
            self._content(block)

    def _item(self, number: int, text: str) -> None:
        self.item = number
        if self.section == SECTION_TASKS:
            self.draft.groups.append((number, text, []))
        elif self.section == SECTION_UNITS:
            self.draft.units.append((number, text.removesuffix(":").rstrip(), []))

    def _content(self, block: _Block) -> None:
        draft, text = self.draft, block.text
        if not self.section:
            if text.startswith(_LEGAL_BASIS_OPENER) and not draft.legal_basis_text:
                draft.legal_basis_text = text
            else:
                draft.preamble.append(text)
        elif self.section == SECTION_PURPOSES:
            target = draft.purposes if self.item == ITEM_PURPOSES else draft.requirements
            target.append(text)
        elif self.section == SECTION_GOALS:
            draft.goals.append(text)
        elif self.section == SECTION_TASKS and draft.groups:
            draft.groups[-1][2].append(text)
        elif self.section == SECTION_UNITS and draft.units:
            self._duty(block)
        else:
            raise PlanTextError(f"Unexpected text in section {self.section}: {text[:60]}")

    def _duty(self, block: _Block) -> None:
        duties = self.draft.units[-1][2]
        closes = block.kind == "paragraph" and (block.text.startswith(_CLOSING_OPENER) or duties)
        if closes:
            self.tail = "closing"
            self.draft.closing.append(block.text)
        else:
            duties.append(block.text)


# Legal bases ------------------------------------------------------------------------------


def _cited_on(match: re.Match[str] | None) -> date | None:
    if match is None:
        return None
    day, month, year = (match["d1"], match["m1"], match["y1"])
    if day is None:
        day, month, year = (match["d2"], match["m2"], match["y2"])
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _citations(text: str) -> Iterator[ParsedLegalBasis]:
    """Every document cited in a text, with what the text says about it."""
    for match in _CITATION.finditer(text):
        rest = text[match.end() :]
        on = _CITED_ON.match(rest)
        issued_on = _cited_on(on)
        rest = rest[on.end() :] if on else rest
        by = _CITED_BY.match(rest)
        issuer = by["issuer"] if by else ""
        rest = rest[by.end() :] if by else rest
        about = _CITED_ABOUT.match(rest) if by else None
        yield ParsedLegalBasis(
            document=f"{match['kind']} số {match['number']}-{match['symbol']}",
            issued_on=issued_on,
            issuer=issuer,
            title=about["title"] if about else "",
        )


def legal_bases_from(texts: Iterable[str]) -> tuple[ParsedLegalBasis, ...]:
    """The documents cited, first-cited first, each completed from its later citations."""
    found: dict[str, ParsedLegalBasis] = {}
    for text in texts:
        for cited in _citations(text):
            known = found.get(cited.document, ParsedLegalBasis(cited.document))
            found[cited.document] = ParsedLegalBasis(
                document=cited.document,
                issued_on=known.issued_on or cited.issued_on,
                issuer=known.issuer or cited.issuer,
                title=known.title or cited.title,
            )
    return tuple(found.values())


# Entry point ------------------------------------------------------------------------------


def _signature(lines: list[str]) -> ParsedSignature:
    if len(lines) < 2:
        return ParsedSignature(name=lines[0] if lines else "")
    *authority, position, name = lines
    return ParsedSignature(authority="\n".join(authority), position=position, name=name)


def _check(draft: _Draft) -> None:
    if not draft.groups:
        raise PlanTextError("Section III (task groups) was not found.")
    if empty := [number for number, _title, tasks in draft.groups if not tasks]:
        raise PlanTextError(f"Task groups without tasks: {empty}.")
    if not draft.goals:
        raise PlanTextError("Section II (goals) was not found.")


def parse_plan_text(text: str) -> ParsedPlan:
    """Parse the extracted text of a plan; raises ``PlanTextError`` when its structure is off."""
    doc_type, subtitle, body = _heading(clean_lines(text))
    draft = _Reader().read(_blocks(body))
    _check(draft)
    # The legal-basis paragraph first, so its citations come first; then everything else.
    cited_in = [
        draft.legal_basis_text,
        *draft.preamble,
        *draft.requirements,
        *(task for _number, _title, tasks in draft.groups for task in tasks),
        *(duty for _number, _name, duties in draft.units for duty in duties),
        *draft.closing,
    ]
    return ParsedPlan(
        doc_type=doc_type,
        subtitle=subtitle,
        legal_basis_text=draft.legal_basis_text,
        legal_bases=legal_bases_from(cited_in),
        preamble="\n".join(draft.preamble),
        purposes=tuple(draft.purposes),
        requirements=tuple(draft.requirements),
        goals=tuple(draft.goals),
        task_groups=tuple(
            ParsedTaskGroup(number, title, tuple(tasks)) for number, title, tasks in draft.groups
        ),
        units=tuple(
            ParsedUnit(number, name, tuple(duties)) for number, name, duties in draft.units
        ),
        closing="\n".join(draft.closing),
        recipients=tuple(draft.recipients),
        signature=_signature(draft.signature),
    )


def read_seed(path: Path | None = None) -> str:
    """The text of a plan file (the bundled Ea Ly seed by default)."""
    return (path or SEED_PATH).read_text(encoding="utf-8")
