"""The industry scheme (SKOS) and the recognition of industries set as goals."""

from __future__ import annotations

from rdflib import Graph
from rdflib.compare import isomorphic

from plangraph.entities import industries as ind
from plangraph.settings import get_settings
from plangraph.vocab import PG, SKOS, industry_iri, name_key


def test_magnesia_is_reachable_from_new_materials():
    g = ind.industry_scheme_graph()
    q = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    ASK { ?new skos:prefLabel "新材料"@zh . ?mg skos:prefLabel "镁质材料"@zh .
          ?new skos:narrower+ ?mg . ?mg skos:broader+ ?new }"""
    assert g.query(q).askAnswer


def test_every_concept_is_in_the_scheme_with_labels_and_sources():
    g = ind.industry_scheme_graph()
    for key, concept in ind.scheme().items():
        iri = industry_iri(key)
        assert (iri, SKOS.inScheme, ind.SCHEME_IRI) in g
        assert (iri, PG.Industry, None) not in g  # typed, not used as a predicate
        labels = [lit for lit in g.objects(iri, SKOS.prefLabel) if lit.language == "zh"]
        assert len(labels) == 1, key
        if concept.notation:
            assert concept.source, f"{key} has a code but no source"


def test_turtle_file_is_up_to_date():
    published = Graph().parse(get_settings().ontology_dir / "industries.ttl", format="turtle")
    assert isomorphic(published, ind.industry_scheme_graph())


def test_resolve_trims_suffixes_and_uses_alt_labels():
    assert ind.resolve_industry("菱镁产业") == ind.resolve_industry("镁质材料") == "magnesia-materials"
    assert ind.resolve_industry("现代物流业") == "logistics"
    assert ind.resolve_industry("金融服务业") == ind.resolve_industry("金融") == "finance"
    assert ind.resolve_industry("铝合金精深加工产业") == "aluminium-alloy-deep-processing"
    assert ind.resolve_industry("量子通信") is None


def test_candidate_concepts_are_flagged_and_placed_under_a_curated_concept():
    key = ind.concept_for("稻米精深加工产业")
    assert key == name_key("稻米精深加工")
    g = ind.candidate_concepts_graph([(key, "稻米精深加工产业")])
    iri = industry_iri(key)
    assert (iri, None, PG.CandidateIndustry) in g
    assert (iri, SKOS.inScheme, ind.SCHEME_IRI) in g
    assert str(g.value(iri, SKOS.prefLabel)) == "稻米精深加工"
    # curated keys are never re-declared as candidates
    assert len(ind.candidate_concepts_graph([("finance", "金融")])) == 0


def _names(text: str) -> list[str]:
    return [m.name for m in ind.find_goal_industries(text)]


def test_goal_lists_after_trigger_verbs():
    text = "老城区板块重点发展安全装备制造、印刷设备制造、新材料、商贸、物流、现代服务业；"
    assert _names(text) == ["安全装备制造", "印刷设备制造", "新材料", "商贸", "物流", "现代服务业"]


def test_sub_sectors_of_a_yi_wei_list_are_goals():
    text = "重点发展以优质水稻、蔬菜、经济作物、水产品、畜牧养殖为主的现代农业。"
    assert _names(text) == ["优质水稻", "蔬菜", "经济作物", "水产品", "畜牧养殖", "现代农业"]


def test_lists_of_products_and_umbrella_terms_are_not_industries():
    assert _names("大力发展苹果、葡萄、榛子、中草药等产品。") == []
    assert _names("大力发展战略性新兴产业。实施一批重大项目") == []
    assert ind.is_umbrella("传统优势产业") and ind.is_umbrella("战略性新兴产业")
    assert not ind.is_umbrella("新材料产业")


def test_paragraph_lead_ins_and_compound_names():
    assert _names("芳烯烃及精细化工产业。坚持大化工发展方向") == ["芳烯烃及精细化工产业"]
    assert _names("推动建设电子信息制造产业和信息服务产业。支持企业") == ["电子信息制造产业", "信息服务产业"]
    assert _names("深化科技体制改革。确保科技创新政策落地落实") == []


def test_industry_from_box_titles_and_group_labels():
    assert ind.industry_from_title("铝合金精深加工产业重点项目") == "铝合金精深加工产业"
    assert ind.industry_from_title("新材料产业：") == "新材料产业"
    assert ind.industry_from_title("“三个特色产业”重点工程项目") is None
    assert ind.industry_from_title("城市建设重点项目及工程") is None
