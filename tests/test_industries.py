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


# --- error types found on the corpus, one test each ---------------------------------------------


def test_a_list_closed_by_a_non_industry_noun_names_no_industry():
    """ "A、B等企业/技术/消费/方面": what comes after 等 says what the items are."""
    assert _names("推动装备制造、汽车零部件、纺织服装和农产品加工等优势企业和产品走出去。") == []
    assert _names("加快文旅、娱乐、体育、家政、康养等服务消费提质。") == []
    assert _names("推动大数据、物联网等技术应用于家政服务业。") == []
    assert _names("加快交通、金融、教育、社会保障等方面的一体化进程。") == []
    assert _names("重点发展钢琴、小提琴等乐器及配件产品。") == []


def test_items_before_a_named_industry_are_its_examples():
    """ "A等C产业": C is the goal; A only when the scheme places it under C (else a product)."""
    assert _names("加快推进大榛子等特色果业发展。") == ["特色果业"]
    assert _names("大力发展文化创意、出版印刷、演出娱乐等文化产业。") == [
        "文化创意",
        "出版印刷",
        "演出娱乐",
        "文化产业",
    ]
    assert _names("推进水果、蔬菜、花卉等特色经济作物高质量发展。") == ["特色经济作物"]
    assert _names("着力发展商务咨询、法律援助、信息咨询等服务。") == []  # services rendered
    assert _names("大力支持新能源、新材料等领域技术研发和产业化发展。") == ["新能源", "新材料"]


def test_words_before_a_de_modify_the_industry():
    assert _names("大力发展安全、环保、节能、降噪的新型建筑材料及制品。") == []
    assert _names("积极发展基于互联网的电子商务。") == ["电子商务"]


def test_verbs_glued_to_a_name_are_taken_off():
    assert _names("提质发展生活性服务业。围绕需求") == ["生活性服务业"]
    assert _names("推动住宿餐饮业发展新业态新模式。") == ["住宿餐饮业"]
    assert _names("进一步壮大外贸支柱产业。充分发挥") == []  # an umbrella once the verb is gone


def test_counted_groups_and_umbrellas():
    assert _names("重点发展仓储物流、加工贸易、服务外包三大产业。") == ["仓储物流", "加工贸易", "服务外包"]
    assert ind.is_umbrella("农村一二三产业") and ind.is_umbrella("外贸支柱产业")
    assert ind.is_umbrella("临港产业") and not ind.is_umbrella("港口物流产业")


def test_enumerations_split_only_where_the_parts_stand_alone():
    assert _names("着重推进芳烯烃及精细化工、铝合金精深加工等重点产业领域的发展。") == [
        "芳烯烃及精细化工",
        "铝合金精深加工",
    ]
    assert _names("重点发展汽车及零部件产业。") == ["汽车及零部件产业"]
    assert ind.resolve_industry("汽车及零部件") == "auto"
    # One item with its own 产业 names one industry (the gold of 锦州 keeps 光伏新能源及电子信息);
    # in a longer list 及 joins two (营口: 新材料及港口物流 are 新材料 and 港口物流).
    assert _names("重点发展光伏新能源及电子信息产业。") == ["光伏新能源及电子信息产业"]
    assert _names("鲅鱼圈板块重点发展钢铁精深加工、健康食品、新材料及港口物流、现代服务业；") == [
        "钢铁精深加工",
        "健康食品",
        "新材料",
        "港口物流",
        "现代服务业",
    ]
    assert _names("——新能源及新能源汽车产业。新能源产业力争建成") == ["新能源", "新能源汽车产业"]
    assert _names("五、大力发展普惠可及养老服务") == ["养老服务"]  # 可及 is a word, not a joiner


def test_lists_that_say_where_or_with_whom_are_not_goals():
    assert _names("加快铝合金相关产品在建筑、5G、轨道交通等领域的应用。") == []
    assert _names("促进消费向绿色、健康、安全发展。") == []
    assert _names("推动装备制造产业与先进国家进行投资合作。") == []
    assert _names("促进5G与工业互联网、智能制造深度融合。") == []
    assert _names("加快实体经济和数字产业融合发展。") == []


def test_a_weak_verb_needs_a_list_of_industries():
    assert _names("推进大宗工业固体废物和建筑、道路废弃物以及农林废物资源化利用。") == []
    assert _names("推进钢铁、石化产业发展。") == ["钢铁", "石化产业"]


def test_an_industry_paragraph_lists_products_unless_they_say_industry():
    text = "——汽车及零部件产业。重点发展特种车制造、车用曲轴加工、轮毂等零部件制造及发展汽车服务业。"
    assert _names(text) == ["汽车及零部件产业", "汽车服务业"]


def test_a_bracketed_gloss_does_not_end_the_list():
    assert _names("重点推动 RFID（射频识别）、传感器、云计算等物联网产业加快发展。") == ["物联网产业"]


def test_scope_words_and_internet_plus_give_the_industry_itself():
    assert _names("“互联网+”现代农业：利用互联网提升农业。") == ["现代农业"]
    assert _names("大力发展东部山区生态农业。") == ["生态农业"]
    assert _names("积极发展工具类、控制类工业软件，研发应用软件。") == ["工业软件"]
    assert ind.resolve_industry("新一代人工智能") == "artificial-intelligence"


def test_public_services_and_policies_are_not_industries():
    assert _names("优先发展残疾人基本公共服务。") == []
    assert _names("推进医师多点执业。") == []
    assert ind.resolve_industry("医养结合") is None


def test_a_place_before_an_industry_is_where_it_is_not_what_it_is():
    from pathlib import Path

    from plangraph.entities.common import document_context
    from plangraph.entities.extract import extract_industry_goals
    from plangraph.model import Block, DocumentText, Metadata, ParsedDocument, SourceFile

    text = "扩大消费。做精做优辽阳消费品工业，鼓励老旧厂区转型。\n"
    source = SourceFile("t.txt", path=Path("t.txt"), text=text, encoding="utf-8")
    block = Block(source.span(0, len(text) - 1), 1)
    meta = Metadata(doc_type="five-year-plan", title="t", region_code="211000")
    doc = ParsedDocument(DocumentText(source, 0, [block], 1, 1), meta)
    goals = extract_industry_goals(document_context(doc))
    assert [(g.name, g.concept) for g in goals] == [("消费品工业", "consumer-goods")]
    assert goals[0].span.text == "消费品工业"


def test_a_list_with_two_closers_reads_to_the_last():
    text = "引进培育大数据、人工智能、工业互联网等新一代信息技术、电子信息制造等产业。"
    assert _names(text) == ["大数据", "人工智能", "新一代信息技术", "电子信息制造"]


def test_public_education_is_not_an_industry_goal():
    assert _names("推动教育高质量发展。坚持立德树人") == []
    assert ind.industry_from_title("教育重点项目") is None
    assert _names("重点发展教育培训和体育产业。") == ["教育培训", "体育产业"]


def test_a_second_verb_ends_the_list_of_the_first():
    assert _names("培育壮大“新字号”大力发展战略新兴产业") == []


def test_a_heading_sets_the_goal_of_its_part():
    from pathlib import Path

    from plangraph.entities.common import document_context
    from plangraph.entities.extract import extract_industry_goals
    from plangraph.model import Block, Division, DocumentText, Metadata, ParsedDocument, SourceFile

    text = "第五章 加快发展现代服务业 塑造“辽阳服务”品牌\n推进服务业提质。\n"
    source = SourceFile("t.txt", path=Path("t.txt"), text=text, encoding="utf-8")
    heading = source.span(0, text.index("\n"))
    body = Block(source.span(text.index("\n") + 1, len(text) - 1), 2)
    meta = Metadata(doc_type="five-year-plan", title="t", region_code="211000")
    doc = ParsedDocument(DocumentText(source, 0, [Block(heading, 1), body], 1, 2), meta)
    doc.divisions = [Division(0, 1, "第五章", "加快发展现代服务业 塑造“辽阳服务”品牌", 1, heading, "章")]
    goals = extract_industry_goals(document_context(doc))
    assert [(g.concept, g.division, g.line, g.span.text) for g in goals] == [
        ("modern-services", 0, 1, "现代服务业")
    ]


def test_parts_sharing_a_head_stay_one_industry():
    assert _names("重点发展新材料、矿山和包装机械、输变电等产业。") == ["新材料", "矿山和包装机械", "输变电"]
    assert _names("重点发展航天航海和电子信息产业。") == ["航天航海", "电子信息产业"]
    assert _names("打造中国最大的汽车保修设备和服务用品产业集群。")[0] == "汽车保修设备"


def test_printed_forms_with_a_suffix_are_alt_labels_of_the_concept():
    g = ind.industry_scheme_graph()
    alts = {str(a) for a in g.objects(industry_iri("coastal-tourism"), SKOS.altLabel)}
    assert {"滨海旅游业", "滨海旅游产业"} <= alts
    # a variant another concept already uses is not taken
    finance_alts = {str(a) for a in g.objects(industry_iri("finance"), SKOS.altLabel)}
    assert "金融业" in finance_alts and "金融服务业业" not in finance_alts


def test_industries_to_phase_out_and_bare_services_are_no_goals():
    assert _names("实施镁产业提标升级,促进低端产业和落后产能有序退出。") == []
    assert _names("强化对项目建设的服务、推动和指导。") == []
    assert ind.is_umbrella("临港大工业")


def test_counts_with_grouping_words_and_upgrade_tails_are_taken_off():
    assert _names("做大做强石化、冶金两大支柱产业。") == ["石化", "冶金"]
    assert _names("重点发展绿色食品、生物医药和新能源三大主导产业。") == ["绿色食品", "生物医药", "新能源"]
    assert _names("推动钢铁、有色、建材等传统产业改造升级。") == ["钢铁", "有色", "建材"]
    assert _names("以生态建设倒逼产业转型升级。") == []
    assert _names("加快利用新技术改造提升冶金、石化等传统产业。") == ["冶金", "石化"]


def test_matching_at_any_depth():
    """A plan's narrower wording resolves to the concept behind its grouping words; an unknown one
    is a candidate under the concept its head names; an umbrella or a public activity is neither."""
    assert ind.resolve_industry("高端金融业") == "finance"
    assert ind.resolve_industry("特色旅游业") == "tourism"
    assert ind.resolve_industry("传统服务业") is None  # an umbrella
    assert ind.resolve_industry("未来健康") is None  # a public activity under a grouping word
    assert ind.resolve_industry("绿色制造") is None  # manufacturing as a whole
    assert ind.resolve_industry("数字经济核心产业") == "digital-economy"
    key = ind.concept_for("健康食品")
    assert not ind.is_curated(key) and ind.looks_like_industry("健康食品")
    g = ind.candidate_concepts_graph([(key, "健康食品")])
    assert (industry_iri(key), SKOS.broader, industry_iri("food")) in g
    assert not ind.looks_like_industry("全民体育")  # 体育 names a public activity as often


def test_curated_codes_come_from_the_classifications_named():
    """Every code is a GB/T 4754-2017 class (a section letter and up to four digits) or a
    战略性新兴产业分类(2018) one (dotted numbers), as its source column says."""
    import re

    for concept in ind.scheme().values():
        if concept.notation is None:
            continue
        if concept.source == ind.SOURCES["GB"]:
            assert re.fullmatch(r"[A-T](?:\d{2,4})?", concept.notation), concept.key
        else:
            assert concept.source == ind.SOURCES["SEI"] and re.fullmatch(r"\d(?:\.\d)*", concept.notation)
