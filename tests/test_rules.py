"""Integrity of the entity rule data (entities/rules/*.toml) and its separation from the code.

The rules are data: every role is read by some code, no word is listed twice, a word that plays
two roles of one extractor says so (``shares`` or ``include``), every template is a regex, every
word occurs in real text of the genre (the bundled and the wild corpus, and the case tables), and
no string in ``entities/*.py`` holds a Chinese word any more.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from entity_cases import document
from plangraph.entities import extract, industries, parks, places, projects, regions  # noqa: F401
from plangraph.entities.lexicon import PLACEHOLDER, RULES_DIR, overlaps, read_rules, rule_files, rules
from plangraph.settings import PACKAGE_DIR

ROOT = Path(__file__).resolve().parents[1]
WILD = ROOT.parent / "shared" / "corpus-wild"
CASES = Path(__file__).parent / "cases"
CJK = re.compile(r"[\u3400-\u9fff]")


def _genre_text() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "corpus").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(WILD.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(CASES.glob("*.tsv"))]
    return "\n".join(texts)


def _entries(role) -> list[str]:
    return [*role.words, *role.patterns, *(w for group in role.groups.values() for w in group)]


@pytest.mark.parametrize("name", rule_files())
def test_roles_are_explained_and_hold_no_duplicates(name: str) -> None:
    source = read_rules(RULES_DIR / f"{name}.toml")
    for role in source.roles.values():
        assert role.about, f"{name}.toml: [{role.name}] says nothing about its role"
        entries = _entries(role)
        twice = sorted({e for e in entries if entries.count(e) > 1})
        assert not twice, f"{name}.toml: [{role.name}] lists {twice} twice"


@pytest.mark.parametrize("name", rule_files())
def test_a_word_in_two_roles_is_declared(name: str) -> None:
    source = read_rules(RULES_DIR / f"{name}.toml")
    for role, others in overlaps(source).items():
        undeclared = sorted(o for o in others if o not in source.roles[role].shares)
        assert not undeclared, (
            f"{name}.toml: [{role}] shares words with {undeclared} without saying so "
            "(scripts/declare_rule_overlaps.py writes the declarations for review)"
        )


@pytest.mark.parametrize("name", rule_files())
def test_every_role_and_template_is_read_by_the_code(name: str) -> None:
    # the extractors imported above read most rules at import time, the others when they run
    document(["新建锦州湾空港产业园、大连港总部大厦和垃圾焚烧发电厂，重点发展新材料产业。"], "210700")
    source = rules(name)
    defined = set(source.roles) | {f"templates.{t}" for t in source.templates}
    # a role reached only through a template or an include is used when that one is
    reached = set(source.used)
    for used in list(reached):
        if used.startswith("templates."):
            reached |= {m.group(1) for m in PLACEHOLDER.finditer(source.templates[used[10:]])}
    changed = True
    while changed:
        before = len(reached)
        reached |= {inc for r in list(reached) if r in source.roles for inc in source.roles[r].include}
        changed = len(reached) != before
    assert defined <= reached, f"{name}.toml: no code reads {sorted(defined - reached)}"


@pytest.mark.parametrize("name", rule_files())
def test_templates_and_patterns_are_regexes(name: str) -> None:
    source = read_rules(RULES_DIR / f"{name}.toml")
    for role in source.roles.values():
        for pattern in role.patterns:
            re.compile(pattern)
    for template, text in source.templates.items():
        assert "(?P<" not in text, f"{name}.toml: template {template} uses a named group"
        for m in PLACEHOLDER.finditer(text):
            assert m.group(1) in source.roles, f"{name}.toml: template {template} names no role {m.group(1)}"
        re.compile(source.template(template))


@pytest.mark.skipif(not WILD.is_dir(), reason="the wild corpus is not beside the checkout")
def test_every_word_occurs_in_real_text() -> None:
    """A word no document of the genre uses is speculation: nothing tells whether it helps."""
    text = _genre_text()
    unseen = []
    for name in rule_files():
        for role in read_rules(RULES_DIR / f"{name}.toml").roles.values():
            words = [*role.words, *(w for group in role.groups.values() for w in group)]
            unseen += [f"{name}.{role.name}: {w}" for w in words if w and w not in text]
            unseen += [
                f"{name}.{role.name}: /{p}/" for p in role.patterns if not re.search(p, text, re.MULTILINE)
            ]
    assert not unseen, unseen


def test_no_chinese_words_are_left_in_the_entity_code() -> None:
    """Words and patterns live in the rule files; the code may show examples in its comments and
    docstrings only."""
    found = []
    for path in sorted((PACKAGE_DIR / "entities").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and CJK.search(node.value)
            ):
                found.append(f"{path.name}:{node.lineno}: {node.value[:40]!r}")
    assert not found, found
