#!/usr/bin/env python3
"""Write each role's ``shares`` line of the entity rule files: the other roles of the same file that
hold one of its words (an overlap the integrity test accepts only when it is declared).

    .venv/bin/python scripts/declare_rule_overlaps.py [--check]

Run it after adding words to a role, then read the diff: a new overlap is a word given a second
job, which should be deliberate. ``--check`` lists undeclared overlaps and exits 1 if there are any.
"""

from __future__ import annotations

import argparse
import re
import sys

from plangraph.entities.lexicon import RULES_DIR, overlaps, read_rules


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    missing = 0
    for path in sorted(RULES_DIR.glob("*.toml")):
        source = read_rules(path)
        found = overlaps(source)
        wanted = {role: sorted(others) for role, others in found.items()}
        if args.check:
            for role, others in wanted.items():
                undeclared = [o for o in others if o not in source.roles[role].shares]
                for other in undeclared:
                    missing += 1
                    print(f"{path.name}: [{role}] and [{other}] share words but do not say so")
            continue
        lines = [
            line for line in path.read_text(encoding="utf-8").split("\n") if not line.startswith("shares = ")
        ]
        out: list[str] = []
        role = None
        for line in lines:
            out.append(line)
            m = re.match(r"^\[([a-z0-9_]+)\]$", line)
            if m:
                role = m.group(1)
            elif line.startswith("about = ") and role in wanted and wanted[role]:
                out.append("shares = [" + ", ".join(f'"{o}"' for o in wanted[role]) + "]")
        path.write_text("\n".join(out), encoding="utf-8")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
