"""The rule data of the entity extractors: the TOML files of ``entities/rules/``, read once.

Rules as data, logic as code (as dateparser keeps its language data and spaCy its patterns): the
words that make, bound and disqualify names live in one TOML file per extractor, grouped by the
role they play; the code says only what a role does. A role is a table::

    [boundary]
    about = "Words before a name that are not part of it"
    words = [
      "推进",
      "有",    # a short reason where it is not obvious
    ]
    patterns = ['有(?!机|限)']   # regex fragments, for what a plain word cannot say
    include = ["status_done"]    # the words of other roles of the same file, as if written here
    shares = ["list_triggers"]   # roles that may hold the same words (a declared overlap)
    groups = { 开发区 = ["经济开发区", "开发区"] }   # words under a label (a mapping role)

and ``[templates]`` holds whole regexes, in which ``<role>`` stands for the alternation of that
role's patterns and words (longest word first) and ``<role:chars>`` for a character class of its
one-character words. Code asks for ``rules("projects").words("generic")`` or
``rules("projects").regex("not_a_project")``; every role and template asked for is recorded, so
the integrity test (``tests/test_rules.py``) can tell an entry no code reads.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

#: Where the rule files are: package data beside this module.
RULES_DIR = Path(str(files("plangraph.entities").joinpath("rules")))
#: ``<role>`` or ``<role:chars>`` inside a template.
PLACEHOLDER = re.compile(r"<([a-z][a-z0-9_]*)(:chars)?>")
#: Keys a role table may have.
ROLE_KEYS = frozenset({"about", "words", "patterns", "include", "shares", "groups"})


class RuleError(ValueError):
    """A rule file that cannot be read as rules (names the file and the role)."""


@dataclass(frozen=True)
class Role:
    name: str
    about: str
    words: tuple[str, ...]
    patterns: tuple[str, ...]
    include: tuple[str, ...]
    shares: tuple[str, ...]
    groups: dict[str, tuple[str, ...]]


@dataclass
class Rules:
    """The roles and templates of one rule file."""

    name: str
    path: Path
    roles: dict[str, Role]
    templates: dict[str, str]
    used: set[str] = field(default_factory=set)

    def role(self, name: str) -> Role:
        try:
            role = self.roles[name]
        except KeyError:
            raise RuleError(f"{self.path.name}: no role [{name}]") from None
        self.used.add(name)
        return role

    def words(self, name: str) -> tuple[str, ...]:
        """The literal words of a role and of the roles it includes, in the order written."""
        role = self.role(name)
        out = list(role.words)
        for group in role.groups.values():
            out.extend(group)
        for other in role.include:
            out.extend(self.words(other))
        return tuple(dict.fromkeys(out))

    def patterns(self, name: str) -> tuple[str, ...]:
        role = self.role(name)
        out = list(role.patterns)
        for other in role.include:
            out.extend(self.patterns(other))
        return tuple(dict.fromkeys(out))

    def groups(self, name: str) -> dict[str, tuple[str, ...]]:
        """A mapping role: label -> its words."""
        return dict(self.role(name).groups)

    def label_of(self, name: str) -> dict[str, str]:
        """A mapping role read backwards: word -> its label."""
        return {word: label for label, words in self.groups(name).items() for word in words}

    def alternation(self, name: str) -> str:
        """A regex alternation: the role's patterns, then its words longest first (so that the
        longest word wins where several start at one place)."""
        words = sorted(self.words(name), key=len, reverse=True)
        return "|".join([*self.patterns(name), *(re.escape(w) for w in words)])

    def chars(self, name: str) -> str:
        """A character class of the role's one-character words."""
        singles = [w for w in self.words(name) if len(w) == 1]
        if len(singles) != len(self.words(name)):
            raise RuleError(f"{self.path.name}: [{name}] is used as characters but has longer words")
        return "[" + "".join(re.escape(c) for c in singles) + "]"

    def template(self, name: str) -> str:
        """A template with its placeholders filled in."""
        try:
            text = self.templates[name]
        except KeyError:
            raise RuleError(f"{self.path.name}: no template {name!r}") from None
        self.used.add(f"templates.{name}")

        def fill(m: re.Match[str]) -> str:
            if m.group(2):
                return self.chars(m.group(1))
            return f"(?:{self.alternation(m.group(1))})"

        return PLACEHOLDER.sub(fill, text)

    def regex(self, name: str, flags: int = 0) -> re.Pattern[str]:
        """A compiled template."""
        return _compiled(self.name, name, flags)


@cache
def _compiled(file: str, name: str, flags: int) -> re.Pattern[str]:
    source = rules(file)
    text = source.template(name)
    try:
        return re.compile(text, flags)
    except re.error as e:
        raise RuleError(f"{source.path.name}: template {name!r} is no regex: {e}") from None


def read_rules(path: Path) -> Rules:
    """The rules of one TOML file (RuleError naming the file and the problem)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RuleError(f"{path}: {e}") from None
    templates = data.pop("templates", {})
    if not all(isinstance(v, str) for v in templates.values()):
        raise RuleError(f"{path.name}: every template is a string")
    roles: dict[str, Role] = {}
    for name, table in data.items():
        if not isinstance(table, dict) or not set(table) <= ROLE_KEYS:
            raise RuleError(f"{path.name}: [{name}] is not a role (keys: {sorted(ROLE_KEYS)})")
        groups = {str(k): tuple(v) for k, v in table.get("groups", {}).items()}
        roles[name] = Role(
            name=name,
            about=table.get("about", ""),
            words=tuple(table.get("words", ())),
            patterns=tuple(table.get("patterns", ())),
            include=tuple(table.get("include", ())),
            shares=tuple(table.get("shares", ())),
            groups=groups,
        )
    for role in roles.values():
        for other in (*role.include, *role.shares):
            if other.split(".")[-1] not in roles and "." not in other:
                raise RuleError(f"{path.name}: [{role.name}] names an unknown role {other!r}")
    return Rules(path.stem, path, roles, templates)


@cache
def rules(name: str) -> Rules:
    """The rules of ``entities/rules/<name>.toml``, read once per process."""
    return read_rules(RULES_DIR / f"{name}.toml")


def rule_files() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.toml"))


def overlaps(source: Rules) -> dict[str, set[str]]:
    """For each role, the other roles of the file that hold one of its words, leaving out roles
    it includes (or that include it): an include is a declared overlap already."""
    own = {
        name: set(role.words) | {w for g in role.groups.values() for w in g}
        for name, role in source.roles.items()
    }
    found: dict[str, set[str]] = {}
    for a, words_a in own.items():
        for b, words_b in own.items():
            if a == b or not words_a & words_b:
                continue
            if b in source.roles[a].include or a in source.roles[b].include:
                continue
            found.setdefault(a, set()).add(b)
    return found
