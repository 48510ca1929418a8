"""The NetworkX view, name resolution, trace, paths, centrality and plan comparison.

Most tests run on ``fixtures/network/mini.trig`` (three small documents designed for these
cases: see ``make_mini.py``); the last ones run on the real corpus build.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph import network as net
from plangraph.cli import main as cli_main
from plangraph.settings import get_settings, set_settings
from plangraph.store import open_store
from plangraph.vocab import ID, PG, SKOS, document_iri, industry_iri, region_iri

MINI = Path(__file__).parent / "fixtures" / "network" / "mini.trig"
PLAN_14 = str(document_iri("211000", "plan", "2021-2025"))
PLAN_13 = str(document_iri("211000", "plan", "2016-2020"))
REPORT = str(document_iri("210800", "report", "2017"))
ALUMINIUM = str(industry_iri("aluminium"))


@pytest.fixture(scope="module")
def mini() -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(MINI), format=ox.RdfFormat.TRIG)
    return store


def labels(graph) -> set[str]:
    return {d["label"] for _, d in graph.nodes(data=True)}


# --- the view --------------------------------------------------------------------------------


def test_network_has_typed_labelled_nodes_and_predicate_edges(mini):
    graph = net.network(mini)
    types = {d["type"] for _, d in graph.nodes(data=True)}
    assert types == {
        "Industry",
        "Park",
        "Project",
        "Region",
        "Indicator",
        "Document",
        "Box",
        "Division",
        "Observation",
        "Organization",
    }
    for node, data in graph.nodes(data=True):
        assert data["iri"] == node
        assert data["label"] and data["colour"] == net.PALETTE[data["type"]]
    # Mentions and reified statements are provenance, not nodes.
    assert not any("/mention/" in n for n in graph.nodes)
    plan = graph.nodes[PLAN_14]
    assert plan["type"] == "Document" and plan["subtype"] == "FiveYearPlan"
    assert plan["label"].startswith("辽阳市国民经济和社会发展第十四个五年规划")
    box = graph.nodes[f"{PLAN_14}/box/4"]
    assert box["label"] == "专栏5 铝合金精深加工产业重点项目"
    assert box["document"] == "liaoyang_14.txt" and box["quote"] == "专栏5 铝合金精深加工产业重点项目"
    obs = graph.nodes[f"{PLAN_14}/obs/7-1-2"]
    assert obs["label"] == "地区生产总值 2025 1200"


def test_edges_carry_predicates_and_evidence(mini):
    graph = net.network(mini)
    predicates = {d["label"] for _, _, d in graph.edges(data=True)}
    assert {"supportsIndustry", "hostsIndustry", "locatedIn", "listedIn", "isPartOf", "broader"} <= predicates
    # pg:document would only make every document a hub; skos:narrower is folded into broader.
    assert "document" not in predicates and "narrower" not in predicates
    foil, aluminium = str(industry_iri("aluminium-foil")), ALUMINIUM
    assert graph.has_edge(foil, aluminium)  # stated as aluminium skos:narrower foil
    (edge,) = graph.get_edge_data(foil, aluminium).values()
    assert edge["predicate"] == str(SKOS.broader)
    park = next(n for n, d in graph.nodes(data=True) if d["label"] == "辽阳铝产业园")
    (hosts,) = graph.get_edge_data(park, aluminium).values()
    assert hosts["quote"] == "辽阳铝产业园重点发展铝合金精深加工产业。"
    keys = [k for _, _, k in graph.edges(keys=True)]
    assert len(keys) == len(set(keys))  # edge ids unique across the graph


def test_restrict_to_document(mini):
    graph = net.network(mini, document="liaoyang_13.txt")
    assert graph.graph["document"] == PLAN_13
    names = labels(graph)
    assert {"有色金属产业", "芳烯烃及精细化工产业", "辽阳市", "铝电解槽改造项目"} <= names
    assert "特大高精铝及铝合金加工材项目" not in names  # from the 14th plan
    assert "港口起重机械项目" not in names
    # Title fragment and IRI name the same document.
    assert set(net.network(mini, document="第十三个五年").nodes) == set(graph.nodes)
    assert set(net.network(mini, document=PLAN_13).nodes) == set(graph.nodes)


def test_restrict_to_region_includes_regions_within(mini):
    liaoyang = net.network(mini, region="辽阳市")
    names = labels(liaoyang)
    assert {"宏伟区", "辽阳铝产业园", "特大高精铝及铝合金加工材项目", "铝电解槽改造项目"} <= names
    assert "港口起重机械项目" not in names and "营口市" not in names
    yingkou = net.network(mini, region="210800")
    assert "港口起重机械项目" in labels(yingkou) and "辽阳铝产业园" not in labels(yingkou)


def test_restrict_to_types(mini):
    graph = net.network(mini, types=["project", "Industry"])
    assert {d["type"] for _, d in graph.nodes(data=True)} == {"Project", "Industry"}
    assert {d["label"] for _, _, d in graph.edges(data=True)} == {"supportsIndustry", "broader"}
    plans = net.network(mini, types=["FiveYearPlan"])
    assert {d["subtype"] for _, d in plans.nodes(data=True)} == {"FiveYearPlan"}
    assert plans.number_of_nodes() == 2
    with pytest.raises(ValueError, match="unknown node type 'Widget'"):
        net.network(mini, types=["Widget"])


def test_neighbourhood_by_depth(mini):
    one = net.neighbourhood(mini, "辽阳铝产业园", depth=1)
    assert labels(one) == {"辽阳铝产业园", "铝合金精深加工产业", "宏伟区", "铝型材智能制造项目"}
    two = net.neighbourhood(mini, "辽阳铝产业园", depth=2)
    assert {"辽阳市", "有色金属产业", "铝箔产业", "特大高精铝及铝合金加工材项目"} <= labels(two)
    assert two.graph["focus"] == str(next(n for n, d in one.nodes(data=True) if d["label"] == "辽阳铝产业园"))
    zero = net.neighbourhood(mini, "辽阳铝产业园", depth=0)
    assert zero.number_of_nodes() == 1


def test_limit_truncates_and_says_so(mini):
    graph = net.network(mini, limit=5)
    assert graph.number_of_nodes() == 5 and graph.graph["truncated"] is True
    ego = net.network(mini, focus="铝合金精深加工", depth=3, limit=4)
    assert ego.number_of_nodes() == 4 and ego.graph["truncated"] is True
    assert net.network(mini).graph["truncated"] is False


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "铝合金精深加工产业",
        "铝合金精深加工",
        "铝合金精深加工业",
        "铝加工",
        " 铝合金 精深加工 ",
        ALUMINIUM,
        f"<{ALUMINIUM}>",
        "industry/aluminium",
    ],
)
def test_resolve_industry_by_label_alt_label_suffix_or_iri(mini, name):
    assert net.resolve_industry(mini, name) == ALUMINIUM


def test_unknown_industry_lists_closest_names(mini):
    with pytest.raises(net.UnknownEntity) as caught:
        net.resolve_industry(mini, "铝合金压铸")
    message = str(caught.value)
    assert "铝合金压铸" in message and "铝合金精深加工产业" in message
    assert caught.value.suggestions[0] == "铝合金精深加工产业"
    with pytest.raises(net.UnknownEntity, match="no industry in the graph is close"):
        net.resolve_industry(mini, "zzzz")


def test_resolve_any_entity_and_documents(mini):
    assert net.resolve(mini, "辽阳市") == str(region_iri("211000"))
    assert net.resolve(mini, "211000") == str(region_iri("211000"))
    assert net.resolve_document(mini, "yingkou_report_2017") == REPORT
    with pytest.raises(net.AmbiguousEntity, match="ambiguous"):
        net.resolve_document(mini, "辽阳市国民经济和社会发展")


def test_name_variants_keep_words_that_end_in_ye():
    assert net.name_variants("物流业") == {"物流业", "物流"}
    assert net.name_variants("铝合金精深加工产业") == {"铝合金精深加工产业", "铝合金精深加工"}
    assert net.name_variants("装备工业", strict=True) == {"装备工业"}
    assert net.name_variants("铝合金精深加工业") == {"铝合金精深加工业", "铝合金精深加工"}
    assert net.name_variants("农业") == {"农业"}


# --- trace -----------------------------------------------------------------------------------


def test_trace_finds_every_route_ranked_and_grouped(mini):
    result = net.trace_industry(mini, "铝合金精深加工")
    assert result.industry.iri == ALUMINIUM
    assert [i.label for i, _ in result.industries] == ["铝合金精深加工产业", "铝箔产业"]
    (group,) = result.documents
    assert group.source_file == "liaoyang_14.txt" and group.document.iri == PLAN_14
    ranked = [(p.project.label, p.route) for p in group.projects]
    assert ranked == [
        ("特大高精铝及铝合金加工材项目", "direct"),  # direct beats its section path
        ("高精铝箔生产线项目", "direct"),  # through the narrower industry, after the asked one
        ("铝型材智能制造项目", "park"),
        ("年产8万吨工业铝材精深加工生产线项目", "section"),  # box order, then item number
        ("新建铝材深加工项目", "section"),
    ]
    big = group.projects[0]
    assert [p.route for p in big.paths] == ["direct", "section"]
    quotes = {e.quote for e in big.evidence}
    assert "建设特大高精铝及铝合金加工材项目，壮大铝合金精深加工产业。" in quotes
    assert "1. 特大高精铝及铝合金加工材项目；" in quotes and "专栏5 铝合金精深加工产业重点项目" in quotes
    assert big.box.label == "专栏5 铝合金精深加工产业重点项目" and big.item_number == 1
    foil = group.projects[1]
    assert foil.paths[0].industry.label == "铝箔产业"


def test_trace_section_route_respects_box_titles(mini):
    # 专栏4 sits in the same section as 专栏5, but its title names another of the section's goals.
    aluminium = {p.project.label for p in net.trace_industry(mini, "铝合金精深加工").projects}
    assert "百万吨乙烯改扩建工程项目" not in aluminium
    # 专栏7 has no telling title: each item's group heading says which goal it serves.
    assert not {"数控机床项目", "乙烯下游项目"} & aluminium
    aromatics = net.trace_industry(mini, "芳烯烃")
    assert {p.project.label for p in aromatics.projects} == {
        "百万吨乙烯改扩建工程项目",
        "年产30万吨高性能聚丙烯项目",
        "乙烯下游项目",
    }
    (downstream,) = [p for p in aromatics.projects if p.project.label == "乙烯下游项目"]
    assert "芳烯烃产业" in {e.quote for e in downstream.evidence if e.role == "group"}
    # 专栏1 of the 13th plan names 有色金属 in its title, though its chapter promotes 芳烯烃.
    metals = net.trace_industry(mini, "有色金属")
    by_doc = {g.source_file: [(p.project.label, p.route) for p in g.projects] for g in metals.documents}
    assert by_doc["liaoyang_13.txt"] == [("铝电解槽改造项目", "box")]
    assert len(by_doc["liaoyang_14.txt"]) == 5  # everything of the narrower aluminium industry
    # A box whose title names no industry serves all goals of its division.
    equipment = net.trace_industry(mini, "装备制造")
    assert [(p.project.label, p.route) for p in equipment.projects] == [
        ("港口起重机械项目", "park"),
        ("大型起重装备项目", "section"),
        ("数控机床项目", "section"),
    ]


def test_trace_json_and_table(mini):
    result = net.trace_industry(mini, "铝加工")
    data = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert data["query"] == "铝加工" and data["count"] == 5
    project = data["documents"][0]["projects"][0]
    assert project["route"] == "direct" and project["evidence"][0]["quote"]
    assert project["paths"][0]["steps"][1]["predicate"] == "pg:supportsIndustry"
    table = result.format_table()
    assert "铝合金精深加工产业" in table and "“在辽阳铝产业园建设铝型材智能制造项目。”" in table


def test_trace_an_industry_nothing_serves(mini):
    result = net.trace_industry(mini, "新材料")
    assert [p.project.label for p in result.projects] == ["高性能金属材料项目"]


# --- path, centrality, compare ----------------------------------------------------------------


def test_shortest_path_with_labels_and_direction(mini):
    path = net.shortest_path(mini, "铝型材智能制造项目", "有色金属")
    assert [s.node.label for s in path] == [
        "铝型材智能制造项目",
        "辽阳铝产业园",
        "铝合金精深加工产业",
        "有色金属产业",
    ]
    assert [s.predicate for s in path[1:]] == ["pg:locatedIn", "pg:hostsIndustry", "skos:broader"]
    assert all(s.forward for s in path[1:])
    assert path[1].evidence[0].quote == "在辽阳铝产业园建设铝型材智能制造项目。"
    text = net.format_path(path)
    assert "—locatedIn→" in text and "有色金属产业 (Industry)" in text
    back = net.shortest_path(mini, "有色金属", "铝型材智能制造项目")
    assert [s.forward for s in back[1:]] == [False, False, False]
    assert "←broader—" in net.format_path(back)


def test_no_path_between_unconnected_entities():
    store = ox.Store()
    store.bulk_load(path=str(MINI), format=ox.RdfFormat.TRIG)
    lonely = ox.NamedNode(str(ID["industry/lonely"]))
    store.add(ox.Quad(lonely, ox.NamedNode(str(net.RDF.type)), ox.NamedNode(str(PG.Industry))))
    store.add(ox.Quad(lonely, ox.NamedNode(str(SKOS.prefLabel)), ox.Literal("孤立产业", language="zh")))
    assert net.shortest_path(store, "孤立产业", "辽阳市") == []
    assert net.format_path([]) == "no path"


def test_most_connected(mini):
    top = net.most_connected(mini, top=2)
    assert [c.node.label for c in top["Industry"]] == ["铝合金精深加工产业", "装备制造及汽车零部件产业"]
    assert top["Industry"][0].degree == 5 and top["Industry"][0].betweenness > 0
    assert {c.node.label for c in top["Park"]} == {"辽阳铝产业园", "营口经济技术开发区"}


def test_compare_plans(mini):
    comparison = net.compare_plans(mini, "liaoyang_13.txt", "第十四个五年")
    assert comparison.plan_a.iri == PLAN_13 and comparison.plan_b.iri == PLAN_14
    assert [r.label for r in comparison.industries_dropped] == ["有色金属产业"]
    assert {r.label for r in comparison.industries_added} == {
        "新材料产业",
        "铝合金精深加工产业",
        "装备制造及汽车零部件产业",
    }
    assert [r.label for r in comparison.industries_kept] == ["芳烯烃及精细化工产业"]
    changes = {c.indicator.label: c for c in comparison.indicators}
    assert set(changes) == {"地区生产总值", "研发经费投入强度", "森林覆盖率"}
    gdp = changes["地区生产总值"]
    assert (gdp.a.year, gdp.b.year, str(gdp.change), gdp.unit) == ("2020", "2025", "200", "亿元")
    assert changes["森林覆盖率"].change is None  # "完成省下达任务" is not a number
    assert [r.label for r in comparison.indicators_only_a] == ["常住人口城镇化率"]
    # "—" in the 13th plan's table sets no target, so the indicator is the 14th plan's alone.
    assert [r.label for r in comparison.indicators_only_b] == ["单位地区生产总值能源消耗降低"]
    data = comparison.to_json()
    assert data["indicators"][0]["change"] == "200"
    assert "地区生产总值" in comparison.format_table()


def test_compare_unknown_plan(mini):
    with pytest.raises(net.UnknownEntity, match="unknown document"):
        net.compare_plans(mini, "no-such-plan.txt", PLAN_14)


# --- the CLI on a build directory ------------------------------------------------------------


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mini-build")
    (out / "plangraph.trig").write_bytes(MINI.read_bytes())
    return out


def test_cli_trace_path_compare(mini_build, capsys):
    assert cli_main(["trace", "铝合金精深加工", "--build", str(mini_build), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 5
    assert cli_main(["trace", "铝合金压铸", "--build", str(mini_build)]) == 1
    assert "closest known: 铝合金精深加工产业" in capsys.readouterr().err
    assert cli_main(["path", "铝型材智能制造项目", "有色金属", "--build", str(mini_build)]) == 0
    assert "—hostsIndustry→" in capsys.readouterr().out
    assert cli_main(["compare", "liaoyang_13", "liaoyang_14", "--build", str(mini_build)]) == 0
    assert "有色金属产业" in capsys.readouterr().out


# --- the real corpus -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(corpus_build) -> ox.Store:
    return open_store(corpus_build)


def test_corpus_trace_aluminium_lists_the_ten_projects_of_box_5(corpus):
    result = net.trace_industry(corpus, "铝合金精深加工")
    groups = {g.source_file: g for g in result.documents}
    liaoyang = groups["004_b18dca5de18b2533.txt"]
    in_box = [p for p in liaoyang.projects if p.box and p.box.label.startswith("专栏5")]
    assert len(in_box) == 10
    assert sorted(p.item_number for p in in_box) == list(range(1, 11))
    for project in in_box:
        quotes = [e.quote for e in project.evidence]
        assert any(project.project.label in q for q in quotes), project.project.label
        assert any("铝合金精深加工" in q for q in quotes)
    # Projects of the neighbouring boxes of the same section are not about aluminium.
    assert not any(p.box and p.box.label.startswith(("专栏4", "专栏6")) for p in result.projects)


def test_corpus_network_and_path(corpus):
    graph = net.network(corpus)
    assert graph.number_of_nodes() > 300 and graph.number_of_edges() > 300
    assert all(d["label"] and d["type"] in net.NODE_TYPES for _, d in graph.nodes(data=True))
    path = net.shortest_path(corpus, "年产5000吨铝合金精深加工生产线", "辽阳市")
    assert path and path[0].node.label == "年产5000吨铝合金精深加工生产线" and path[-1].node.label == "辽阳市"


def test_settings_default_depth_is_used(mini):
    original = get_settings()
    try:
        set_settings(original.with_overrides(default_depth=1))
        assert net.neighbourhood(mini, "辽阳铝产业园").number_of_nodes() == 4
    finally:
        set_settings(original)


def test_a_change_in_target_needs_the_same_unit() -> None:
    from decimal import Decimal

    from plangraph.network import IndicatorChange, NodeRef, TargetValue

    ref = NodeRef("https://w3id.org/plangraph/id/indicator/x", "森林蓄积量", "Indicator")
    a = TargetValue("2020", "0.0296", Decimal("0.0296"), "Target")
    b = TargetValue("2020", "800", Decimal("800"), "Target")
    differing = IndicatorChange(ref, "亿立方米", "万立方米", a, b)
    assert differing.change is None and differing.unit == "亿立方米 / 万立方米"
    same = IndicatorChange(ref, "万立方米", "万立方米", a, b)
    assert same.change == Decimal("799.9704") and same.unit == "万立方米"
