"""A Markdown cheat sheet -> lookup entries in the content format, so a team can add its own sheet.

What becomes an entry:
- each row of a `| Question | ... |` table (title: the question, body: the other columns);
- each `Q:`/`A:` pair, in a fenced block or in the text;
- each commented group (`# Disk`, `# Network`) of a shell command block;
- everything else under a heading (prose, bullet lists, quotes, other tables, other code blocks)
  becomes one entry titled by that heading, split into parts when too long for one message.
`## Sections` become topics unless a topic slug is given; a table of contents is skipped, but its
third column, when it has one, becomes the topics' descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.authoring.markdown_blocks import Fence, Heading, Prose, Rule, Table, blocks
from bot.authoring.naming import anchor, clean, entry_slug, shorten, slugify, title_case, unique
from bot.catalog.model import BODY_MAX, KEYWORD_MAX, SLUG_PATTERN, TITLE_MAX

_QUESTION_HEADERS = {"question", "questions", "q"}
_SHELL_LANGUAGES = {"bash", "sh", "shell", "console", "zsh", "terminal"}
_CONTENTS = re.compile(r"^(table of )?contents$|^toc$")
_GENERIC_HEADING = re.compile(r"\b(interview|q&a|questions?|answers?)\b", re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_DEFAULT_TOPIC = "imported"


class ImportProblem(ValueError):
    """The sheet cannot be imported (for instance: an invalid topic slug, or no entries at all)."""


@dataclass
class _Entry:
    title: str
    body: str
    keywords: list[str] = field(default_factory=list)
    # Titled by its heading ("Best Practices"), which needs its section to tell it apart.
    by_heading: bool = False


@dataclass
class _Section:
    title: str
    entries: list[_Entry] = field(default_factory=list)


@dataclass
class _Reader:
    """Walks the blocks, keeping track of the heading each piece of prose belongs to."""

    sections: list[_Section] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)
    document_title: str = ""
    _headings: list[str] = field(default_factory=list)
    _prose: list[str] = field(default_factory=list)
    _skipping: bool = False

    def read(self, text: str) -> None:
        for block in blocks(text):
            if isinstance(block, Heading):
                self._heading(block)
            elif self._skipping:
                if isinstance(block, Table):
                    self._contents(block)
            elif isinstance(block, Rule):
                # A rule closes the subsection: what follows belongs to the section itself.
                self._flush()
                del self._headings[1:]
            elif isinstance(block, Table):
                self._table(block)
            elif isinstance(block, Fence):
                self._fence(block)
            elif isinstance(block, Prose):
                pairs, rest = question_answers(block.lines, in_fence=False)
                for question, answer in pairs:
                    self._add(question, answer, self._keywords())
                self._prose.append("\n".join(rest).strip())
        self._flush()

    def _heading(self, heading: Heading) -> None:
        self._flush()
        # "1. Web App" and "Questions to Ask Them:" read as "Web App", "Questions to Ask Them".
        text = title_case(re.sub(r"^\d+[.)]\s+", "", clean(heading.text)).rstrip(": "))
        if heading.level == 1:
            self.document_title = self.document_title or text
            return
        if heading.level == 2:
            self._skipping = bool(_CONTENTS.match(text.lower()))
            self._headings = [text]
            if not self._skipping:
                self.sections.append(_Section(text))
            return
        self._section()
        depth = heading.level - 2
        self._headings = [*self._headings[:depth], text]

    def _section(self) -> _Section:
        if not self.sections:
            self.sections.append(_Section(self.document_title or _DEFAULT_TOPIC))
            self._headings = [self.sections[-1].title]
        return self.sections[-1]

    def _keywords(self) -> list[str]:
        # The subsection names the subject ("State Management"), unless it only says what kind
        # of text follows ("Key Interview Q&A").
        below_topic = self._headings[1:]
        if not below_topic or _GENERIC_HEADING.search(below_topic[-1]):
            return []
        return [below_topic[-1]]

    def _add(self, title: str, body: str, keywords: list[str], by_heading: bool = False) -> None:
        self._section().entries.append(_Entry(title, body, keywords, by_heading))

    def _table(self, table: Table) -> None:
        if not table.header:
            return
        first = clean(table.header[0]).lower()
        if first not in _QUESTION_HEADERS or len(table.header) < 2:
            self._prose.append(table_as_list(table))
            return
        for row in table.rows:
            question = clean(row[0]) if row else ""
            answers = [cell for cell in row[1:] if cell.strip()]
            if not question or not answers:
                continue
            if len(table.header) == 2:
                body = answers[0]
            else:
                body = "\n".join(
                    f"**{clean(name)}:** {cell}"
                    for name, cell in zip(table.header[1:], row[1:], strict=False)
                    if cell.strip()
                )
            self._add(question, body, self._keywords())

    def _fence(self, fence: Fence) -> None:
        if any(line.lstrip().startswith("Q:") for line in fence.lines):
            pairs, rest = question_answers(fence.lines, in_fence=True)
            for question, answer in pairs:
                self._add(question, answer, self._keywords())
            if any(line.strip() for line in rest):
                self._prose.append(as_code(fence.language, rest))
            return
        groups = command_groups(fence) if fence.language in _SHELL_LANGUAGES else []
        if len(groups) < 2:
            self._prose.append(as_code(fence.language, fence.lines))
            return
        heading = self._headings[-1] if len(self._headings) > 1 else ""
        for name, lines in groups:
            title = f"{heading}: {name}" if heading else name
            self._add(title, as_code(fence.language, lines), [name, *self._keywords()], True)

    def _contents(self, table: Table) -> None:
        for row in table.rows:
            anchors = [m.group(2) for cell in row for m in _LINK.finditer(cell)]
            if anchors and anchors[0].startswith("#") and len(row) >= 3:
                self.descriptions[anchors[0][1:]] = clean(row[-1])

    def _flush(self) -> None:
        text = "\n\n".join(part for part in self._prose if part.strip())
        self._prose.clear()
        if not text or self._skipping:
            return
        heading = self._headings[-1] if self._headings else self._section().title
        parts = split_body(text)
        for number, part in enumerate(parts, start=1):
            suffix = f" (part {number})" if len(parts) > 1 else ""
            self._add(shorten(heading, TITLE_MAX - len(suffix)) + suffix, part, self._keywords(),
                      True)


def import_cheatsheet(text: str, topic: str | None = None) -> dict[str, dict[str, Any]]:
    """The content files a Markdown sheet becomes: {topic slug: topic file data}, in sheet order.

    With `topic`, every section goes into that one topic, and entries titled by a heading get
    their section in front, so the "Best Practices" of two sections stay apart.
    """
    if topic is not None and not re.fullmatch(SLUG_PATTERN, topic):
        raise ImportProblem(f"topic {topic!r} must be a lower-case slug like 'k8s' or 'my-team'")
    reader = _Reader()
    reader.read(text)
    sections = [s for s in reader.sections if s.entries]
    if not sections:
        raise ImportProblem("no sections with questions, tables, code or text were found")
    if topic is not None:
        title = sections[0].title if len(sections) == 1 else reader.document_title or topic
        merged = _Section(title)
        for section in sections:
            for entry in section.entries:
                named = len(sections) > 1 and entry.by_heading and entry.title != section.title
                prefix = f"{section.title}: " if named else ""
                merged.entries.append(
                    _Entry(shorten(prefix + entry.title, TITLE_MAX), entry.body, entry.keywords)
                )
        return {topic: _topic_file(topic, merged, reader.descriptions.get(anchor(title), ""))}
    files: dict[str, dict[str, Any]] = {}
    for section in sections:
        slug = unique(slugify(section.title, 32) or _DEFAULT_TOPIC, files)
        files[slug] = _topic_file(slug, section, reader.descriptions.get(anchor(section.title), ""))
    return files


def _topic_file(slug: str, section: _Section, description: str) -> dict[str, Any]:
    if not description:
        subjects = dict.fromkeys(k for e in section.entries for k in e.keywords[-1:])
        description = ", ".join(subjects)
    entries: list[dict[str, Any]] = []
    ids: set[str] = set()
    for entry in section.entries:
        entry_id = unique(f"{slug}.{entry_slug(entry.title)}", ids)
        ids.add(entry_id)
        item: dict[str, Any] = {"id": entry_id, "title": shorten(entry.title, TITLE_MAX)}
        keywords = [k for k in dict.fromkeys(entry.keywords) if 0 < len(k) <= KEYWORD_MAX]
        if keywords:
            item["keywords"] = keywords
        item["body"] = entry.body
        entries.append(item)
    return {
        "topic": {
            "slug": slug,
            "title": shorten(title_case(section.title), TITLE_MAX),
            "description": shorten(description, TITLE_MAX),
        },
        "entries": entries,
        "questions": [],
    }


def question_answers(lines: list[str], in_fence: bool) -> tuple[list[tuple[str, str]], list[str]]:
    """`Q:`/`A:` pairs, and the lines that are not part of one. An answer runs on over the next
    lines; outside a code block only over indented ones, since prose goes on after it."""
    pairs: list[tuple[str, str]] = []
    rest: list[str] = []
    question: str | None = None
    answer: list[str] | None = None

    def close() -> None:
        if question and answer and any(a.strip() for a in answer):
            pairs.append((shorten(clean(question), TITLE_MAX), "\n".join(answer).strip()))

    for line in lines:
        stripped = line.strip()
        if stripped.startswith("Q:"):
            close()
            question, answer = stripped[2:].strip(), None
        elif stripped.startswith("A:") and question is not None:
            answer = [stripped[2:].strip()]
        elif question is not None and stripped and (in_fence or line[:1].isspace()):
            if answer is None:
                question = f"{question} {stripped}"
            else:
                answer.append(stripped)
        elif stripped or question is None:
            close()
            question, answer = None, None
            rest.append(line)
    close()
    return pairs, rest


def command_groups(fence: Fence) -> list[tuple[str, list[str]]]:
    """A shell block cut at its `# Heading` comment lines: [(heading, command lines)]."""
    groups: list[tuple[str, list[str]]] = []
    for line in fence.lines:
        stripped = line.strip()
        if stripped.startswith("#") and not stripped.startswith("#!"):
            groups.append((clean(stripped.lstrip("#")), []))
        elif stripped and groups:
            groups[-1][1].append(line)
        elif stripped:
            return []  # commands before any heading: not a grouped block
    return [(name, lines) for name, lines in groups if name and lines]


def table_as_list(table: Table) -> str:
    """A table as a bullet list: neither Discord nor Slack draws Markdown tables."""
    lines: list[str] = []
    names = [clean(h) for h in table.header]
    for row in table.rows:
        if not row:
            continue
        lead = clean(row[0])
        rest = [
            f"{name}: {cell}" if name else cell
            for name, cell in zip(names[1:], row[1:], strict=False)
            if cell.strip()
        ]
        if len(names) == 2 and rest:
            rest = [row[1]]
        lines.append(f"- **{lead}**" + (f" — {'; '.join(rest)}" if rest else ""))
    return "\n".join(lines)


def as_code(language: str, lines: list[str]) -> str:
    return "\n".join([f"```{language}", *lines, "```"])


def split_body(text: str, limit: int = BODY_MAX) -> list[str]:
    """Text cut into pieces of at most limit characters, between paragraphs where possible and
    between lines of a code block otherwise (each piece re-fenced, so each renders alone)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    for paragraph in _paragraphs(text):
        for chunk in _fit(paragraph, limit):
            if pieces and len(pieces[-1]) + 2 + len(chunk) <= limit:
                pieces[-1] = f"{pieces[-1]}\n\n{chunk}"
            else:
                pieces.append(chunk)
    return pieces


def _paragraphs(text: str) -> list[str]:
    # Blank lines inside a code block do not end a paragraph.
    result: list[str] = []
    current: list[str] = []
    in_code = False
    for line in text.split("\n"):
        if line.startswith("```"):
            in_code = not in_code
        if not line.strip() and not in_code:
            if current:
                result.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        result.append("\n".join(current))
    return result


def _fit(paragraph: str, limit: int) -> list[str]:
    if len(paragraph) <= limit:
        return [paragraph]
    lines = paragraph.split("\n")
    fenced = lines[0].startswith("```") and lines[-1].startswith("```") and len(lines) > 1
    opening, closing = (lines[0], lines[-1]) if fenced else ("", "")
    inner = lines[1:-1] if fenced else lines
    room = limit - len(opening) - len(closing) - 2
    chunks: list[list[str]] = [[]]
    size = 0
    for line in inner:
        line = shorten(line, room)
        if chunks[-1] and size + len(line) + 1 > room:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    if fenced:
        return ["\n".join([opening, *chunk, closing]) for chunk in chunks]
    return ["\n".join(chunk) for chunk in chunks]
