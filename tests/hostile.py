"""Hostile inputs for `plangraph build`, generated (never committed as blobs).

    .venv/bin/python tests/hostile.py OUT_DIR      # writes them all, prints what each one is

Each maker writes one input into a folder and returns its path; :data:`MAKERS` names them all, and
:func:`make_all` writes every one. They start from the bundled corpus (``data/corpus``) so the bad
byte sits inside a real plan: ``002_aeb35f2bbea0796b.txt`` is the 72 KB plan of issue 9.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
#: The 72 KB district plan (站前区) the issue's NUL and invalid-byte cases were found with.
PLAN_72K = CORPUS / "002_aeb35f2bbea0796b.txt"

#: A small plan that builds in well under a second (a title with a region, headings, a box).
SMALL_PLAN = (
    "义县国民经济和社会发展第十四个五年规划纲要\n\n"
    "第一章 发展基础\n\n全县经济总量稳步提升，产业结构持续优化，人民生活水平显著提高。\n\n"
    "第二章 主要任务\n\n第一节 产业发展\n\n大力发展新材料产业和现代物流业。\n\n"
    "专栏1 重点项目\n\n1. 年产10万吨新材料项目；2. 物流园区建设工程。\n"
)


def small_plan(region: str = "义县", text: str = "") -> str:
    """SMALL_PLAN for another region (its title names the place), with ``text`` added."""
    return SMALL_PLAN.replace("义县", region, 1) + text


def plan_bytes() -> bytes:
    return PLAN_72K.read_bytes()


def _boundary(data: bytes, near: int) -> int:
    """The first character boundary at or after ``near`` in UTF-8 bytes (not inside a character)."""
    while near < len(data) and 0x80 <= data[near] < 0xC0:
        near += 1
    return near


def _insert(data: bytes, at: int, extra: bytes) -> bytes:
    at = _boundary(data, at)
    return data[:at] + extra + data[at:]


def nul_in_plan(folder: Path) -> Path:
    """The 72 KB plan with one NUL byte between two characters in its middle."""
    data = plan_bytes()
    path = folder / "nul_in_plan.txt"
    path.write_bytes(_insert(data, len(data) // 2, b"\x00"))
    return path


def invalid_utf8_in_plan(folder: Path) -> Path:
    """The 72 KB plan with one 0xFF byte (never valid UTF-8) between two characters."""
    data = plan_bytes()
    path = folder / "invalid_utf8_in_plan.txt"
    path.write_bytes(_insert(data, len(data) // 2, b"\xff"))
    return path


def truncated_plan(folder: Path) -> Path:
    """The plan cut in the middle of its last character (a download cut short)."""
    data = plan_bytes().rstrip()
    path = folder / "truncated_plan.txt"
    path.write_bytes(data[:-1])
    return path


def gbk_plan_with_bad_byte(folder: Path) -> Path:
    data = SMALL_PLAN.encode("gbk")
    path = folder / "gbk_bad_byte.txt"
    path.write_bytes(data[:40] + b"\xff" + data[40:])
    return path


def empty(folder: Path) -> Path:
    path = folder / "empty.txt"
    path.write_bytes(b"")
    return path


def blank(folder: Path) -> Path:
    path = folder / "blank.txt"
    path.write_text(" \n\t\r\n\u3000\n", encoding="utf-8")
    return path


def binary(folder: Path) -> Path:
    path = folder / "picture.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16)
    return path


def english(folder: Path) -> Path:
    path = folder / "english.txt"
    path.write_text("Hello world, this is not a plan.\n" * 50, encoding="utf-8")
    return path


def fifo(folder: Path) -> Path:
    """A named pipe nobody writes to: reading it would wait for ever."""
    path = folder / "fifo.txt"
    os.mkfifo(path)
    return path


def device(folder: Path) -> Path:
    """A link to /dev/zero: reading it would never end."""
    path = folder / "zero.txt"
    path.symlink_to("/dev/zero")
    return path


def symlink_loop(folder: Path) -> Path:
    path = folder / "loop.txt"
    path.symlink_to(folder / "loop-back.txt")
    (folder / "loop-back.txt").symlink_to(path)
    return path


def dangling_link(folder: Path) -> Path:
    path = folder / "dangling.txt"
    path.symlink_to(folder / "gone.txt")
    return path


def folder_named_txt(folder: Path) -> Path:
    path = folder / "folder.txt"
    path.mkdir()
    return path


def missing(folder: Path) -> Path:
    return folder / "missing.txt"


def long_markdown_line(folder: Path, chars: int = 80_000) -> Path:
    """One line of ``chars`` characters full of ``**`` (issue 9: 80k chars took 5.2 s, quadratic)."""
    path = folder / "long_markdown_line.txt"
    unit = "推动**高质量**发展，"
    path.write_text(
        small_plan(text="\n" + (unit * (chars // len(unit) + 1))[:chars] + "\n"), encoding="utf-8"
    )
    return path


def many_headings(folder: Path, headings: int = 10_000) -> Path:
    """A plan of ``headings`` headings (chapters of nine sections), each with a sentence."""
    cn = "一二三四五六七八九"
    lines = ["辽阳市国民经济和社会发展第十四个五年规划纲要", ""]
    count, chapter = 0, 0
    while count < headings:
        chapter += 1
        lines += [
            f"第{chapter}章 推进产业发展第{chapter}部分",
            "",
            "全市经济总量稳步提升，大力发展新材料产业。",
            "",
        ]
        count += 1
        for section in range(9):
            if count >= headings:
                break
            lines += [
                f"{cn[section]}、加快发展现代物流业第{section + 1}项",
                "",
                "建设物流园区，提升服务能力。",
                "",
            ]
            count += 1
    path = folder / f"headings_{headings}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def corpus_repeated(folder: Path, copies: int = 2) -> Path:
    """The bundled corpus concatenated ``copies`` times (issue 9: 32 copies, 19 MB, lost 75%)."""
    data = b"".join(p.read_bytes() + b"\n\n" for p in sorted(CORPUS.glob("*.txt")))
    path = folder / f"corpus_x{copies}.txt"
    path.write_bytes(data * copies)
    return path


def same_name_twice(folder: Path) -> tuple[Path, Path]:
    """Two different plans, both called plan.txt, in two folders."""
    a, b = folder / "a", folder / "b"
    a.mkdir(parents=True)
    b.mkdir()
    (a / "plan.txt").write_text(small_plan("义县"), encoding="utf-8")
    (b / "plan.txt").write_text(
        small_plan("黑山县", "\n补充说明：本规划由县发展和改革局负责解释。\n"), encoding="utf-8"
    )
    return a / "plan.txt", b / "plan.txt"


#: Every single-file maker, by name (cheap ones: the costly ones take a size argument).
MAKERS: dict[str, Callable[[Path], Path]] = {
    "nul_in_plan": nul_in_plan,
    "invalid_utf8_in_plan": invalid_utf8_in_plan,
    "truncated_plan": truncated_plan,
    "gbk_plan_with_bad_byte": gbk_plan_with_bad_byte,
    "empty": empty,
    "blank": blank,
    "binary": binary,
    "english": english,
    "fifo": fifo,
    "device": device,
    "symlink_loop": symlink_loop,
    "dangling_link": dangling_link,
    "folder_named_txt": folder_named_txt,
    "missing": missing,
    "long_markdown_line": long_markdown_line,
}


def make_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: make(folder) for name, make in MAKERS.items()}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tests/hostile.py OUT_DIR")
    for name, path in make_all(Path(sys.argv[1])).items():
        print(f"{name:<24} {path}")
