"""Make the PDF and DOCX test files of tests/fixtures/formats/ from a corpus text, with real producers.

    .venv/bin/python scripts/make_format_fixtures.py            # needs chromium and soffice

A corpus text becomes the HTML page a publisher would make of it (headings as <h1>-<h3>, as the
text's own numbering nests them; the 专栏 tables as <table>; paragraphs as <p>). Then:

- ``liaoyang_ch1-4.txt``: the text version (chapters 1-4 of the corpus text, cut unchanged);
- ``liaoyang_chromium.pdf``: headless Chromium prints it (DevTools ``Page.printToPDF``, through
  Playwright) on A4 with a running header (the title) and a footer ``— N —``, as government PDFs
  carry;
- ``liaoyang.docx``: LibreOffice (Debian's ``libreoffice-writer-nogui``) converts the page to Word;
- ``liaoyang_libreoffice.pdf``: LibreOffice exports that Word file to PDF;
- ``textbox_footnote.docx``: LibreOffice converts a small flat ODT holding a 专栏 in a text frame
  and a footnote (Word's text box and footnote parts, as LibreOffice writes them);
- ``scanned.pdf``: the first page of the Chromium PDF as an image only (a scan without text).

Fonts: Debian's ``fonts-noto-cjk`` and ``fonts-droid-fallback``; PDFs embed a subset.
The outputs are committed; this script documents and repeats how they were made.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "formats"
CORPUS_TEXT = ROOT / "data" / "corpus" / "004_b18dca5de18b2533.txt"
#: Chapters 1-4 of the corpus text (its indicator tables 专栏1-2 and project boxes 专栏4-7): the
#: whole plan printed by Chromium would be 1.7 MB (Chromium embeds CJK fonts as Type 3).
EXCERPT_LINES = 345
SOURCE = OUT / "liaoyang_ch1-4.txt"
TITLE = "辽阳市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"

#: Chromium embeds CJK fonts as Type 3 whatever the font; Noto Sans CJK gives the smallest file.
CHROMIUM_FONT = "Noto Sans CJK SC"
#: LibreOffice subsets a TrueType font well (Droid Sans Fallback: 0.3 MB against 0.6 MB for Noto).
WORD_FONT = "Droid Sans Fallback"

CSS = """
@page { size: A4; margin: 25mm 22mm 25mm 22mm; }
body { font-family: FONT, sans-serif; font-size: 12pt; line-height: 1.6; }
h1 { font-size: 18pt; text-align: center; } h2 { font-size: 15pt; } h3 { font-size: 13pt; }
p { text-indent: 2em; margin: 0 0 0.3em 0; text-align: justify; }
p.title { text-indent: 0; text-align: center; font-size: 20pt; font-weight: bold; }
p.box { text-indent: 0; font-weight: bold; text-align: center; margin-top: 1em; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: 0.5em 0 1em 0; }
td { border: 0.75pt solid #000; padding: 2pt 3pt; vertical-align: middle; }
"""


def corpus_html(text: str, font: str) -> str:
    """The corpus text as a publisher's HTML page (headings from the text's own numbering)."""
    sys.path.insert(0, str(ROOT / "src"))
    from plangraph.ingest import read_documents
    from plangraph.structure import parse_structure

    doc = read_documents(SOURCE)[0]
    divisions, _ = parse_structure(doc)
    heading_level = {d.line: d.level for d in divisions}
    lines = text.splitlines()
    out = [f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{TITLE}</title>"]
    out.append(f"<style>{CSS.replace('FONT', repr(font))}</style></head><body>")
    table: list[list[str]] = []

    def flush() -> None:
        if table:
            width = max(len(r) for r in table)
            out.append("<table border='1' cellspacing='0'>")
            for row in table:
                cells = "".join(f"<td>{html.escape(c.strip())}</td>" for c in row + [""] * (width - len(row)))
                out.append(f"<tr>{cells}</tr>")
            out.append("</table>")
            table.clear()

    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        cells = raw.rstrip("\n").split("\t")
        is_box_title = bool(re.match(r"^专栏\s*\d", line))
        if "\t" in raw.strip("\t") and not is_box_title:
            table.append(cells)
            continue
        flush()
        line = line.strip("\t").strip()
        if not line:
            continue
        escaped = html.escape(line)
        if number <= 3 and ("纲要" in line or "规划" in line):
            out.append(f"<p class='title'>{escaped}</p>")
        elif number in heading_level:
            level = min(heading_level[number], 3)
            out.append(f"<h{level}>{escaped}</h{level}>")
        elif is_box_title:
            out.append(f"<p class='box'>{escaped}</p>")
        else:
            out.append(f"<p>{escaped}</p>")
    flush()
    out.append("</body></html>")
    return "\n".join(out)


def chromium_pdf(page: Path, target: Path) -> None:
    from playwright.sync_api import sync_playwright

    header = (
        f"<div style='font-size:8pt;width:100%;text-align:center;font-family:Noto Sans CJK SC'>{TITLE}</div>"
    )
    footer = (
        "<div style='font-size:10pt;width:100%;text-align:center;font-family:Noto Sans CJK SC'>"
        "— <span class='pageNumber'></span> —</div>"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        tab = browser.new_page()
        tab.goto(page.as_uri())
        tab.pdf(
            path=str(target),
            format="A4",
            display_header_footer=True,
            header_template=header,
            footer_template=footer,
            margin={"top": "25mm", "bottom": "25mm", "left": "22mm", "right": "22mm"},
        )
        browser.close()


def soffice(source: Path, to: str, outdir: Path) -> Path:
    # an .html file is opened as a Writer document (not Writer/Web, which cannot export to Word)
    infilter = ["--infilter=HTML (StarWriter)"] if source.suffix == ".html" else []
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            *infilter,
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return outdir / (source.stem + "." + to.split(":")[0])


FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text>
<text:h text:outline-level="1">第一章 推动产业转型升级</text:h>
<text:p>做大做强芳烃产业<text:note text:note-class="footnote"><text:note-body><text:p>芳烃：指含苯环结构的碳氢化合物。</text:p></text:note-body></text:note>，建设精细化工产业基地。</text:p>
<text:p><draw:frame draw:name="专栏" text:anchor-type="paragraph" svg:width="15cm" svg:height="4cm"><draw:text-box>
<text:p>专栏1 芳烃及精细化工产业重点项目</text:p>
<text:p>1.辽阳石化炼油结构调整转型升级项目。</text:p>
<text:p>2.芳烃新材料产业园建设项目。</text:p>
</draw:text-box></draw:frame>重点项目见专栏1。</text:p>
<text:h text:outline-level="1">第二章 保障措施</text:h>
<text:p>加强组织领导，确保规划落实。</text:p>
</office:text></office:body></office:document>
"""


def scanned_pdf(pdf: Path, target: Path) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    image = document[0].render(scale=1).to_pil().convert("L")
    image.save(target, "PDF", resolution=72)


def main() -> int:
    for tool in ("chromium", "soffice"):
        if shutil.which(tool) is None:
            print(f"{tool} is needed (apt-get install chromium libreoffice-writer-nogui fonts-noto-cjk)")
            return 1
    OUT.mkdir(parents=True, exist_ok=True)
    lines = CORPUS_TEXT.read_text(encoding="utf-8").splitlines(keepends=True)
    SOURCE.write_text("".join(lines[:EXCERPT_LINES]), encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        text = SOURCE.read_text(encoding="utf-8")
        printed = tmp / "liaoyang_print.html"
        printed.write_text(corpus_html(text, CHROMIUM_FONT), encoding="utf-8")
        chromium_pdf(printed, OUT / "liaoyang_chromium.pdf")
        page = tmp / "liaoyang.html"
        page.write_text(corpus_html(text, WORD_FONT), encoding="utf-8")
        docx = soffice(page, "docx:MS Word 2007 XML", tmp)
        shutil.copyfile(docx, OUT / "liaoyang.docx")
        pdf = soffice(OUT / "liaoyang.docx", "pdf", tmp)
        shutil.copyfile(pdf, OUT / "liaoyang_libreoffice.pdf")
        fodt = tmp / "textbox_footnote.fodt"
        fodt.write_text(FODT, encoding="utf-8")
        shutil.copyfile(soffice(fodt, "docx:MS Word 2007 XML", tmp), OUT / "textbox_footnote.docx")
        scanned_pdf(OUT / "liaoyang_chromium.pdf", OUT / "scanned.pdf")
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
