"""Benchmark: reading a 200-page PDF (and the Word and HTML readers) against reading the same text.

    .venv/bin/python benchmarks/formats.py [--repeat N] [--json]      (also run by `make bench`)

The PDF is the Chromium rendering of tests/fixtures/formats (20 pages of a corpus plan) with its
pages imported ten times into one file (200 pages, made in a temporary folder by pypdfium2); the
text file is that plan's text version ten times. Both are read the same way, up to the blocks the
later stages take (``ingest.read_documents``), and the result is a ratio measured in the same run:
"reading the PDF costs 12x reading the text".
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium

from plangraph.ingest import read_documents

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "formats"
COPIES = 10


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_inputs(folder: Path) -> tuple[Path, Path, Path]:
    source = pdfium.PdfDocument(str(FIXTURES / "liaoyang_chromium.pdf"))
    big = pdfium.PdfDocument.new()
    for _ in range(COPIES):
        big.import_pages(source)
    pdf = folder / "plan_200_pages.pdf"
    big.save(str(pdf))
    text = folder / "plan_200_pages.txt"
    text.write_text((FIXTURES / "liaoyang_ch1-4.txt").read_text(encoding="utf-8") * COPIES, encoding="utf-8")
    docx = folder / "plan.docx"
    docx.write_bytes((FIXTURES / "liaoyang.docx").read_bytes())
    return pdf, text, docx


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median is kept)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        pdf, text, docx = make_inputs(Path(tmp))
        with pdfium.PdfDocument(str(pdf)) as document:
            pages = len(document)
        base = timed(lambda: read_documents(text), args.repeat)
        pdf_time = timed(lambda: read_documents(pdf), args.repeat)
        one_text = Path(tmp) / "one.txt"
        one_text.write_text((FIXTURES / "liaoyang_ch1-4.txt").read_text(encoding="utf-8"), encoding="utf-8")
        one_base = timed(lambda: read_documents(one_text), args.repeat)
        docx_time = timed(lambda: read_documents(docx), args.repeat)
    result = {
        "pdf": {"pages": pages, "text characters": 0},
        "reading (x reading the same text)": {
            f"PDF, {pages} pages": round(pdf_time / base, 1),
            "Word (.docx), 20 pages": round(docx_time / one_base, 1),
        },
        "baseline seconds (for orientation only)": {
            "text of 200 pages": round(base, 3),
            "PDF of 200 pages": round(pdf_time, 3),
            "pages per second": round(pages / pdf_time, 1),
        },
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for section, values in result.items():
            print(section)
            for k, v in values.items():
                print(f"  {k:<36} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
