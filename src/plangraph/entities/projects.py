"""Projects: the numbered items of project boxes, and named projects and facilities in prose.

Box items become projects listed in their box, with their number and group, supporting the
industry the group label or the box title names. In prose, a project is a concrete named thing
one could build or complete: a name ending like a work or a facility (…工程, …项目, …码头,
…泊位, …机场, …高速公路, …污水处理厂, …医院 …) in a clause about building it, or an item of a
list closed by 等项目 / 等工程 / 等…设施 (望海珍珠湾、北海浴场及海蚀地貌景观区等项目). Generic
phrases (城市垃圾处理厂, 医疗废弃物集中处置设施项目) are left out: a name must keep a proper element
once generic words are taken out, and a kind of base or platform (生产基地, 服务平台, 创新中心) needs a
place, a number or a Latin name. A list must be built (a building verb before it, or 建成/开工 after
it); its items name works unless it closes on a field (等领域重大项目). Names used as landmarks
(…两侧), roles (以X为核心), things in use (发挥X作用, 依托X), companies alone, state designations
and the parks the park extractor found are not projects. Status comes from the verbs of its
clause (建成/竣工/通车 -> completed; 续建/加快建设/推进 -> ongoing; 开工/谋划/建设 -> planned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..model import Box, Evidence, Park, Project
from ..vocab import normalise_name
from . import industries as ind
from .common import sentence_around

if TYPE_CHECKING:
    from .common import BlockContext, DocumentContext

#: Box titles that announce projects.
_PROJECT_TITLE = re.compile(r"项目|工程|设施|重点|建设")


def is_project_box(box: Box) -> bool:
    """A box whose items are projects (the structure stage may leave a titled list as "other")."""
    if box.kind == "projects":
        return True
    if box.kind == "indicators" or not box.items:
        return False
    if re.search(r"指标|名录|目录|清单|布局|方向|格局|行动计划|企业", box.title or ""):
        return False
    return bool(_PROJECT_TITLE.search(box.title or ""))


# --- box items -------------------------------------------------------------------------------


def box_projects(ctx: DocumentContext, parks: list[Park]) -> list[Project]:
    projects: list[Project] = []
    for box in ctx.doc.boxes:
        if not is_project_box(box):
            continue
        if box.kind == "other":
            box.kind = "projects"
        title_industry = ind.industry_from_title(box.title or "")
        for item in box.items:
            name = normalise_name(item.name)
            if not name:
                continue
            evidence = Evidence(item.span, item.line)
            group_industry = ind.industry_from_title(item.group) if item.group else None
            industry_name = group_industry or title_industry
            industry = None
            if industry_name:
                concept = ind.concept_for(industry_name)
                ctx.industry_labels.setdefault(concept, ind.display_name(industry_name))
                industry = (concept, evidence)
            projects.append(
                Project(
                    name=name,
                    spans=[evidence],
                    box=box.order,
                    item_number=item.number,
                    group=item.group,
                    industry=industry,
                    status=_status(item.description or item.span.text, default=None),
                    location=_location(name, parks, ctx, evidence),
                    capacity=capacity_of(name),
                )
            )
    return projects


# --- prose -----------------------------------------------------------------------------------

#: Endings of project and facility names, longest first.
_ENDINGS = sorted(
    [
        "工程",
        "项目",
        "码头",
        "泊位",
        "机场",
        "高铁",
        "铁路",
        "城际铁路",
        "高速公路",
        "公路",
        "大桥",
        "隧道",
        "大通道",
        "通道",
        "大道",
        "环路",
        "快速路",
        "客运站",
        # a city's stations are named by their side of town (客运南站, 客运东站)
        "客运东站",
        "客运南站",
        "客运西站",
        "客运北站",
        "火车站",
        "枢纽",
        "热电厂",
        "电厂",
        "电站",
        "污水处理厂",
        "水厂",
        "医院",
        "大厦",
        "商城",
        "工作站",
        "公园",
        "湿地公园",
        "博物馆",
        "展览馆",
        "图书馆",
        "体育馆",
        "美术馆",
        "科技馆",
        "文化馆",
        # tourist facilities a coastal or scenic plan builds (海滨浴场, 地貌景观区, 旅游度假区)
        "浴场",
        "景观区",
        "度假区",
        "生产线",
        "创新中心",
        "研发中心",
        "检测中心",
        "总部中心",
        "孵化基地",
        "示范基地",
        "生产基地",
        "服务平台",
        "支撑平台",
        "水库",
        "输水工程",
        "港区",
    ],
    key=len,
    reverse=True,
)
_ENDING_RE = re.compile("|".join(re.escape(e) for e in _ENDINGS))
#: A work named by what it builds and how: "辽阳市北城墙遗址公园改造".
_ENDS_LIKE_WORK = re.compile(
    f"(?:{_ENDING_RE.pattern})(?:改扩建|扩建|改造|建设|提升|整治|修复|升级|续建|新建)?$"
)
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9０-９#＃\-—－.．·“”\"（）() ]")
_MAX_NAME = 36

#: Words before a name that are not part of it.
_BOUNDARY = re.compile(
    r"重点推进|加快推进|全面推进|积极推进|推进|推动|加快建设|重点建设|加快|建设|建成|实施|启动|开工|"
    r"谋划|完成|保证|确保|争取|力争|抓好|围绕|依托|利用|支持|鼓励|引导|打造|发挥|"
    r"(?:新建|改建|扩建|续建)(?!工程|项目)|"  # 京哈高速改扩建工程 keeps its 改扩建
    r"筹建|开展|推广|加强|完善|提升|开通|规划|引进|落户|紧跟|瞄准|对接|包括|其中|以及|以|在|和|与|建立|新增|"
    r"贯通|连接|构建|搭建|改善|打通|修建|增加|毗邻|邻|投产|运营|"
    r"及|将|把|为|对|从|向|等|的|了|并|即|是|有(?!机|限)|年(?!产)|全力|积极|大力|着力|全面|主动|继续|进一步|"
    r"做好|一批|多个|若干|各类|各"
)

#: Words that carry no proper name in a project name.
_GENERIC = (
    "城市",
    "城区",
    "市区",
    "农村",
    "乡村",
    "城乡",
    "污水",
    "处理",
    "垃圾",
    "生活",
    "医疗",
    "废弃物",
    "集中",
    "处置",
    "设施",
    "基础设施",
    "公共",
    "服务",
    "平台",
    "电子",
    "交易",
    "重点",
    "重大",
    "改造",
    "提升",
    "建设",
    "新建",
    "改建",
    "扩建",
    "续建",
    "升级",
    "一期",
    "二期",
    "三期",
    "配套",
    "综合",
    "示范",
    "国道",
    "省道",
    "农村公路",
    "道路",
    "管网",
    "供热",
    "供水",
    "燃气",
    "智慧",
    "数字",
    "信息化",
    "网络",
    "宽带",
    "工程",
    "项目",
    "体系",
    "能力",
    "标准化",
    "规范化",
    "产业化",
    "专项",
    "行动",
    "计划",
    "各类",
    "一批",
    "相关",
    "有关",
    "市县级",
    "县级",
    "市级",
    "省级",
    "国家级",
    "客运站场",
    "站场",
    "民生",
    "保障",
    "保障性",
    "安居",
    "棚户区",
    "老旧小区",
    "小区",
    "住房",
    "公益",
    "文化",
    "体育",
    "教育",
    "卫生",
    "健康",
    "养老",
    "旅游",
    "生态",
    "环境",
    "治理",
    "保护",
    "修复",
    "节能",
    "环保",
    "减排",
    "脱硫",
    "脱硝",
    "除尘",
    "水利",
    "防洪",
    "农田",
    "高标准",
    "标准",
    "安全",
    "应急",
    "监测",
    "中心",
    "基地",
    "园区",
    "产业",
    "企业",
    "科技",
    "创新",
    "研发",
    "技术",
    "电商",
    "物流",
    "现代",
    "新型",
    "特色",
    "绿色",
    "高端",
    "智能",
    "智造",
    "新",
    "大",
    "小",
    "型",
    "类",
    "级",
    "的",
    "化",
    "性",
    "和",
    "及",
    "与",
    "等",
    "各",
    "个",
    "全市",
    "全县",
    "全区",
    "本地",
    "地区",
    "区域",
    "经济",
    "休闲",
    "应用",
    "基础",
    "流通",
    "共性",
    "普通",
    "县乡",
    "河流",
    "高新技术",
    "高新",
    "创业",
    "孵化",
    "人均",
    "实体店",
    "供需",
    "分布式",
)


#: More words seen in plans' generic facility and programme names.
_MORE_GENERIC = (
    "院士",
    "专家",
    "博士后",
    "科研",
    "专科",
    "传染病",
    "城镇",
    "燃煤",
    "主题",
    "热电联产",
    "大型",
    "重点实验室",
    "实验室",
    "试点",
    "专业",
    "城管",
    "气象",
    "供暖",
    "交通",
    "社区",
    "政务",
    "支付",
    "文明",
    "美丽",
    "幸福",
    "非物质文化遗产",
    "代表性",
    "传承人",
    "立德树人",
    "惠民",
    "救援",
    "消防",
    "装备",
    "健身",
    "步道",
    "骑行",
    "赛道",
    "足球",
    "场地",
    "管理",
    "雨污",
    "分流",
    "节水",
    "水污染",
    "煤改气",
    "路网",
    "用氢",
    "市政",
    "住宅",
    "节能住宅",
    "全装修",
    "装配式",
    "车间",
    "矿山",
    "绿色矿山",
    "药品",
    "食品",
    "追溯",
    "口岸",
    "通关",
    "进出口",
    "货物",
    "便捷",
    "一站式",
    "电网",
    "变电站",
    "饮水",
    "危房",
    "信息",
    "畅通",
    "科教文卫",
    "上网",
    "拓展",
    "培育",
    "壮大",
    "提质增效",
    "增效",
    "提质",
    "集聚区",
    "服务业",
    "外环",
    "内环",
    "维护",
    "灌溉",
    "农业生产",
    "监测预警",
    "预警",
    "逃避险",
    "雨洪",
    "调蓄",
    "种子",
    "畜禽",
    "良种",
    "两化",
    "融合",
    "工业化",
    "粮食",
    "收储",
    "供应",
    "网上",
    "订餐",
    "生鲜",
    "销售",
    "业态",
    "连锁",
    "便利",
    "街区",
    "创建",
    "循环经济",
    "深化",
    "闭坑",
    "滩涂",
    "沿海",
    "投资",
    "用户",
    "国外",
    "公立",
    "三级",
    "二级",
    "小时",
    "就业",
    "人才",
    "暖心",
    "乡镇",
    "市县",
    "国家",
    "东北",
    "区域性",
    "领域",
    "基层",
    "自动",
    "养殖",
    "动态",
    "管控",
    "病虫",
    "防护",
    "植保",
    "淡水",
    "观光",
    "采摘",
    "农庄",
    "家乐",
    "种苗",
    "密集型",
    "社会",
    "政府",
    "国际",
    "东北亚",
    "全球",
    "前沿",
    "峰会",
    "大会",
    "博览会",
    "供应商",
    "农博会",
    "新时代",
)


@lru_cache(maxsize=1)
def _generic_words() -> tuple[str, ...]:
    words = set(_GENERIC) | set(_MORE_GENERIC)
    for concept in ind.scheme().values():
        for label in (concept.label, *concept.alt_labels):
            if len(label) >= 2:
                words.add(label)
    # Ties in a fixed order, so that builds are reproducible.
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


#: What a work (…工程, …项目) builds when it is a thing rather than a programme.
_CONCRETE = re.compile(
    r"路|桥|码头|港|泊位|水库|管线|管网|厂|站|河|堤|渠|铁|隧道|湿地|公园|输水|供水|污水|热电|电网|线路|"
    r"枢纽|机场|大厦|医院|馆|中心|基地|园|城|广场|楼|场|库|坝|闸|扩建|改扩建|技改|生产线|装置|乙烯|炼|"
    r"发电|光伏|风电|储能|供热|机组"
)
_QUANTITY = re.compile(
    r"[0-9０-９]+(?:\.[0-9]+)?\s*(?:万|千|百|亿)?\s*(?:吨|千瓦|兆瓦|千伏|kV|标箱|平方米|立方米|亩|米)|[百千万]+吨"
)


def has_proper_name(name: str, places: list[tuple[int, int]] = ()) -> bool:
    """Whether a project name names one particular thing (a place, an owner, a number …)."""
    name = _BRACKET_GLOSS.sub("", name)  # 农（渔）家乐 is 农家乐
    core = _ENDING_RE.sub("", name) if _ENDING_RE.search(name) else name
    built = _without_last_ending(name)  # 沈辽鞍城际铁路项目 builds a 城际铁路
    if name.endswith(("工程", "项目")) and not (_CONCRETE.search(built) or places or _QUANTITY.search(built)):
        return False  # a programme (种子工程, 文化惠民工程), not a thing one builds
    if _DESIGNATION.search(name):
        return False  # 国家新型工业化示范基地: a title the state awards, not a thing one builds
    if re.search(r"[0-9０-９]", core):
        return True
    if name.endswith(_WEAK_ENDINGS) and not (places or re.search(r"[A-Za-z]", core)):
        return False  # 优质水稻生产基地, 外贸综合服务平台: a kind of base, not one named base
    left = _strip_generic(core, places)
    return len(left) >= 2 or bool(re.search(r"[A-Za-z]", left))


#: Endings that name a kind of thing unless a place, a number or a Latin name says which one.
_WEAK_ENDINGS = (
    "生产基地",
    "孵化基地",
    "示范基地",
    "服务平台",
    "支撑平台",
    "创新中心",
    "研发中心",
    "检测中心",
)
_BRACKET_GLOSS = re.compile(r"[（(][\u4e00-\u9fff]{1,2}[）)]")
_DESIGNATION = re.compile(r"国家(?:级)?.{0,8}(?:示范|试点)|代表性项目|名录")


def _without_last_ending(name: str) -> str:
    endings = list(_ENDING_RE.finditer(name))
    if endings and endings[-1].end() == len(name):
        return name[: endings[-1].start()]
    return name


def _strip_generic(text: str, places: list[tuple[int, int]]) -> str:
    if places:
        return "xx"  # a place name inside the name is a proper element
    chars = list(text)
    joined = text
    for word in _generic_words():
        if len(word) < 2:
            continue  # single characters are parts of proper names too (哈大高铁, 光大金融大厦)
        start = 0
        while (i := joined.find(word, start)) >= 0:
            for j in range(i, i + len(word)):
                chars[j] = "\0"
            start = i + len(word)
    return re.sub(r"[\0\s（）()“”\"#＃\-—－.．·]", "", "".join(chars))


_COMPLETED = re.compile(
    r"建成|竣工|通车|投入使用|交付使用|投产|投入运营|开航|开通|落成|完工|运营|试运行|建设完成"
)
_ONGOING = re.compile(r"续建|加快建设|加快推进|推进|在建|按期完工|开工建设|实施|进展")
_PLANNED = re.compile(r"开工|谋划|建设|新建|启动|规划|筹建|打造|争取|改造|实施")


def _status(clause: str, default: str | None = "Planned") -> str | None:
    if re.search(r"按期完工|确保.{0,6}完工|力争.{0,6}(建成|完工)", clause):
        return "Ongoing"
    if _COMPLETED.search(clause) and not re.search(
        r"(?:加快|推进|力争|确保|争取|到20\d\d年).{0,8}(?:建成|竣工|通车)", clause
    ):
        return "Completed"
    if _ONGOING.search(clause):
        return "Ongoing"
    if _PLANNED.search(clause):
        return "Planned"
    return default


_CAPACITY = re.compile(
    r"[0-9０-９]+(?:\.[0-9]+)?\s*(?:万|千|百|亿)?\s*(?:吨级|吨/年|吨|t/a|千瓦|兆瓦|千伏|kV|KV|标箱|平方米|立方米|"
    r"亩|台份|台|套|件|辆|个|万人|床|公里|米)"
)


def capacity_of(name: str) -> str | None:
    m = _CAPACITY.search(name)
    return m.group(0) if m else None


@dataclass
class _Found:
    name: str
    start: int
    end: int
    closer: str = ""  # for an item of a list closed by 等…: the closing word (项目, 设施 …)


def _name_start(text: str, end: int, floor: int) -> int:
    i = end
    while i > floor and end - i < _MAX_NAME and _NAME_CHARS.match(text[i - 1]):
        i -= 1
    window = text[i:end]
    start = i
    last = None
    for m in _BOUNDARY.finditer(window):
        if m.end() < len(window) - 1:
            last = m
    if last is not None:
        start = i + last.end()
    while start < end and text[start] in ' ）)”"、':
        start += 1
    return start


#: A list closed by "等…项目/工程/设施/平台": its items are projects — unless the words between
#: say they are fields ("参与基础设施、基础产业等领域重大项目").
_LIST_CLOSER = re.compile(r"等([\u4e00-\u9fff]{0,10}?)(项目|工程|设施|平台|泊位)")
_FIELDS = re.compile(r"领域|方面|行业|类|产业|业$")
_LIST_TRIGGER = re.compile(
    r"(?:重点推进|加快推进|全面推进|推进|推动|重点建设|加快建设|建设|实施|启动|开工|谋划|完成|保证|确保|"
    r"抓好|围绕|包括|加快)"
)
_CLAUSE_BREAK = re.compile(r"[，。；：！？,;:!?]")


def _list_items(text: str) -> list[_Found]:
    found: list[_Found] = []
    for closer in _LIST_CLOSER.finditer(text):
        if _FIELDS.search(closer.group(1)):
            continue
        clause_start = 0
        for m in _CLAUSE_BREAK.finditer(text, 0, closer.start()):
            clause_start = m.end()
        triggers = list(_LIST_TRIGGER.finditer(text, clause_start, closer.start()))
        if triggers:
            segment_start = triggers[-1].end()
        elif _BUILD_CONTEXT.search(_clause_after(text, closer.end())):
            segment_start = clause_start  # "A、B等项目建成投产": the list is the subject
        else:
            continue  # "发挥A、B等平台作用": things that exist, not things to build
        for start, end in _split_list(text, segment_start, closer.start()):
            cut = _name_start(text, end, start)
            if cut == start + 1 and text[start] in "和与及" and text[start - 1 : start] == "、":
                cut = start  # "中粮集团、和润集团粮油深加工": 和 right after 、 begins a name
            found.append(_Found(text[cut:end], cut, end, closer.group(2)))
    return found


def _clause_after(text: str, start: int) -> str:
    m = _CLAUSE_BREAK.search(text, start)
    return text[start : m.start() if m else len(text)]


def _split_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Items of a 、-list as (start, end); 及/和 split an item only when what follows is itself a
    facility name (北海浴场及海蚀地貌景观区), not inside one name (特大高精铝及铝合金加工材)."""
    items: list[tuple[int, int]] = []
    pos = start
    for piece in _outside_quotes_split(text[start:end]):
        a, b = pos, pos + len(piece)
        m = re.search(r"以及|及|和", piece)
        if m and _ENDING_RE.search(piece[: m.start()]) and _ENDING_RE.search(piece[m.end() :]):
            items += [(a, a + m.start()), (a + m.end(), b)]
        else:
            items.append((a, b))
        pos = b + 1
    return [(a, b) for a, b in items if b > a]


def _outside_quotes_split(text: str) -> list[str]:
    """Split at 、 except inside quotes: “千村美丽、万村整洁”行动 is one item."""
    pieces, depth, last = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch == "、" and depth == 0:
            pieces.append(text[last:i])
            last = i + 1
    pieces.append(text[last:])
    return pieces


#: Words that continue a name past an ending: "三级医院服务中心" is no 医院.
_NAME_GOES_ON = re.compile(r"服务|中心|圈|网|体系|系统|水平|能力|绿地|面积")


_QUANTITY_START = re.compile(r"\s*[0-9０-９]+(?:\.[0-9]+)?\s*[万千百亿]?\s*[\u4e00-\u9fff]")


def _shared_head_start(text: str, start: int, floor: int) -> int:
    """ "100 万亩优质玉米、60 万亩优质水稻生产基地": quantified items that share one head are one name."""
    while text[start - 1 : start] == "、" and _QUANTITY_START.match(text, start):
        before = _name_start(text, start - 1, floor)
        piece = text[before : start - 1]
        if not _QUANTITY_START.match(piece) or _ENDING_RE.search(piece):
            break
        start = before
    return start


def _suffix_names(text: str) -> list[_Found]:
    found: list[_Found] = []
    for m in _ENDING_RE.finditer(text):
        # "工程项目" ends at 项目: skip an ending immediately followed by another ending.
        if _ENDING_RE.match(text, m.end()) or _NAME_GOES_ON.match(text, m.end()):
            continue
        clause_start = 0
        for b in _CLAUSE_BREAK.finditer(text, 0, m.start()):
            clause_start = b.end()
        start = _name_start(text, m.end(), clause_start)
        start = _shared_head_start(text, start, clause_start)
        if re.search(r"等(?:一批|一大批|多个|若干|各类)?$", text[max(0, start - 4) : start]):
            continue  # "…等港口基础设施项目": the class of a list's items, not one of them
        if m.end() - start > len(m.group(0)):
            found.append(_Found(text[start : m.end()], start, m.end()))
    return found


_BUILD_CONTEXT = re.compile(
    r"建设|建成|推进|实施|开工|竣工|通车|投入使用|交付使用|投产|运营|开航|开通|谋划|启动|续建|完工|"
    r"新建|改建|扩建|改造|落户|引进|打造|筹建|规划|争取|加快"
)
_NOT_A_PROJECT = re.compile(
    r"^(?:重点|重大|一批|一大批|各类|相关|有关|示范|试点|民生|基础设施|配套|建设|新建|续建|改造|专项|工程|"
    r"项目|城市|农村|乡村|发挥|支持|大力|鼓励|推行|建立|搭建|维护|完善|深化|强化|落实|借助|布局|坚持|按照|"
    r"积极|集中|提高|满足|精准|进一步|上|方面|领域|省级|国家级|市级|县级|探索|培育|提供|参与|申报|打造|"
    r"紧跟|发展|加大|借|利用)|(?:体系|机制|制度|行动|计划|战略|政策|规划|能力|水平|模式|会$)|"
    r"(?:重要|核心|主要)(?:枢纽|通道|节点|基地|中心)$|"
    r"[0-9０-９一二三四五六七八九十百]+\s*个|"
    r"^[^\u4e00-\u9fff]*$"
)


def _clean_name(name: str) -> str:
    name = name.strip(" “”\"'（）()、")
    if name.count("“") != name.count("”"):
        name = name.replace("“", "").replace("”", "")
    return re.sub(r"^(?:了|是|把|将|对|在)", "", name)


def prose_projects(ctx: DocumentContext, parks: list[Park]) -> list[Project]:
    from .places import find_places
    from .regions import Gazetteer

    gazetteer = Gazetteer.load()
    context = gazetteer.context_for(ctx.region_code) if ctx.region_code else []
    projects: dict[str, Project] = {}
    order: list[str] = []
    for bc in ctx.blocks:
        if bc.box is not None:
            continue  # box contents are box items, not prose
        text = bc.block.text
        candidates = _list_items(text) + _suffix_names(text)
        for found in sorted(candidates, key=lambda f: (f.start, -f.end)):
            name = _clean_name(found.name)
            if not 3 <= len(name) <= _MAX_NAME or _NOT_A_PROJECT.search(name):
                continue
            if found.closer and found.closer not in ("项目", "泊位") and not _ENDS_LIKE_WORK.search(name):
                continue  # "工业互联网、物联网等新一代信息技术基础设施": kinds, not works
            if _only_a_reference(text, found):
                continue
            printed, printed_found = name, found
            name, found = _without_park_prefix(name, found, parks)
            if _is_park(name, parks) or _NOT_A_PROJECT.search(name) or _COMPANY.search(name):
                continue
            if _COUNTED_FACILITIES.match(name):
                continue
            places = [(s, e) for s, e, _ in find_places(name, context, gazetteer)]
            if not has_proper_name(name, places):
                if name == printed or not has_proper_name(name, [(0, 0)]):
                    continue
                # 西海工业园区分布式光伏发电示范项目: without its park the name says nothing.
                name, found = printed, printed_found
            sentence = sentence_around(bc.block.span, found.start, found.end)
            if not _BUILD_CONTEXT.search(sentence.text) and not _LIST_CLOSER.search(sentence.text):
                continue
            key = normalise_name(name)
            start = bc.block.text.find(name, found.start)
            if start < 0:
                continue
            span = bc.block.span.slice(start, start + len(name))
            evidence = Evidence(span, bc.block.line)
            if key in projects:
                projects[key].spans.append(evidence)
                continue
            if any(key in other and len(key) < len(other) for other in order):
                continue  # a piece of a longer name already taken
            clause = _clause_of(text, found.start, found.end)
            project = Project(
                name=name,
                spans=[evidence],
                status=_status(clause),
                capacity=capacity_of(name),
                industry=_industry(bc, sentence, ctx),
                location=_location(name, parks, ctx, evidence),
            )
            projects[key] = project
            order.append(key)
    # A name that is a piece of a longer one found too (东部污水处理厂 of 东部污水处理厂深度处理工程).
    return [projects[k] for k in order if not any(k != o and k in o for o in order)]


#: After a name, words that use it as a landmark ("沈大高速公路、哈大铁路两侧骨干林带建设").
_LANDMARK = re.compile(r"^(?:[、和及与][^，。；,;]*?)?(?:两侧|沿线|周边|沿岸|两岸|附近|一带)")


#: A company is who builds, not what is built ("加快中粮集团、和润集团粮油深加工等项目").
_COMPANY = re.compile(r"(?:集团|公司|企业|有限)$")
#: "5座220千伏变电站": a number of facilities, not one.
_COUNTED_FACILITIES = re.compile(r"^[0-9０-９一二两三四五六七八九十百千]+\s*(?:座|个|条|所|家|处|批|项)")


def _only_a_reference(text: str, found: _Found) -> bool:
    """Whether the text names the thing only as a landmark or a role ("以500kV变电站为核心")."""
    before = text[max(0, found.start - 4) : found.start].rstrip()
    after = text[found.end : found.end + 40].lstrip()
    if _LANDMARK.match(after):
        return True
    if before.endswith("发挥") and after.startswith(("作用", "优势", "功能")):
        return True  # "发挥X作用": something that works already
    if re.search(r"(?:邻|位于|地处|临近|紧邻|依托)$", before):
        return True  # "西侧邻大辽河营口老港区": where something else lies
    return before.endswith("以") and after.startswith("为")


def _is_park(name: str, parks: list[Park]) -> bool:
    """A name the park extractor holds is a park (营口港口金融创新试验区), unless it is written as
    a project (中德（营口）医疗健康产业园项目)."""
    if name.endswith(("项目", "工程")):
        return False
    return any(name == park.name or name in park.aliases for park in parks)


def _without_park_prefix(name: str, found: _Found, parks: list[Park]) -> tuple[str, _Found]:
    """中德园宝马新工厂 -> 宝马新工厂 (the park is where it is, not part of its name)."""
    for park in parks:
        for label in (park.name, *sorted(park.aliases)):
            if name.startswith(label) and len(name) - len(label) >= 4:
                rest = name[len(label) :]
                if rest.startswith(("至", "到", "—", "-", "连接")):
                    continue  # "自贸区至营口港铁路专用线": the park is where the route starts
                return rest, _Found(rest, found.start + len(label), found.end)
    return name, found


def _clause_of(text: str, start: int, end: int) -> str:
    left = max((text.rfind(c, 0, start) for c in "，。；,;"), default=-1) + 1
    rights = [i for i in (text.find(c, end) for c in "，。；,;") if i >= 0]
    right = min(rights) if rights else len(text)
    return text[left:right]


def _industry(bc: BlockContext, sentence, ctx: DocumentContext) -> tuple[str, Evidence] | None:
    """The industry the paragraph is about (its lead-in), else one the sentence sets as a goal."""
    for mention in ind._lead_mentions(bc.block.text):
        concept = ind.concept_for(mention.name)
        ctx.industry_labels.setdefault(concept, ind.display_name(mention.name))
        return concept, Evidence(sentence, bc.block.line)
    mentions = ind.find_goal_industries(sentence.text)
    if mentions:
        concept = ind.concept_for(mentions[0].name)
        ctx.industry_labels.setdefault(concept, ind.display_name(mentions[0].name))
        return concept, Evidence(sentence, bc.block.line)
    return None


def _location(name: str, parks: list[Park], ctx: DocumentContext, evidence: Evidence):
    """A park whose name (or alias) the project's name holds, else a region it names."""
    for park in parks:
        for label in sorted({park.name, *park.aliases}, key=lambda n: (-len(n), n)):
            if len(label) >= 4 and label in name and label != name:
                return ("park", park.name, evidence)
    try:
        from .places import find_places
        from .regions import Gazetteer

        gazetteer = Gazetteer.load()
        context = gazetteer.context_for(ctx.region_code) if ctx.region_code else []
        hits = find_places(name, context, gazetteer)
    except Exception:
        return None
    if hits:
        _, _, region = max(hits, key=lambda h: len(h[2].code.rstrip("0")))
        return ("region", region.code, evidence)
    return None


def extract_projects(ctx: DocumentContext, parks: list[Park]) -> list[Project]:
    return box_projects(ctx, parks) + prose_projects(ctx, parks)
