"""Word segmentation of plan text: where words begin and end, and what part of speech each is.

The extractors find names by what they are made of (a head noun, a proper part before it, the
verb that introduces them); the segmenter tells them where the words of a sentence are, so that a
boundary word or a place name is only read as one where it is a whole word (和 in 和平路 or 金和机电
is no conjunction, 佛山 in 卧佛山 and 南京 in 南京理工大学 are no places).

The segmenter is rjieba, the Python binding of jieba-rs (MIT licence, maintained: release 0.2.2
in 2026-10, py.typed). It ships jieba's dictionary compiled into its wheel, so nothing is
downloaded at run time. Measured on this project's text (the 52 documents of data/corpus and
corpus-wild, 1.33 M characters; the gold names of prose projects, parks and industries, counting
a name as well cut when both its edges are word boundaries of its clause):

=====================  ==========  ==========  =========================================
segmenter              cut (k/s)   tag (k/s)   names with both edges on a word boundary
=====================  ==========  ==========  =========================================
rjieba 0.2.2, no HMM   10,850      7,490       projects 0.997, parks 1.000, industries 0.927
rjieba 0.2.2, HMM      10,740      6,700       projects 0.976, parks 0.981, industries 0.921
jieba 0.42.1, no HMM   656         –           same as rjieba (same dictionary and algorithm)
jieba 0.42.1, HMM      577         114         same as rjieba with HMM
jieba-py 0.46.12, HMM  569         44          projects 0.986, parks 0.981, industries 0.924
=====================  ==========  ==========  =========================================

(chars per second on one core; rjieba starts in 0.16 s, jieba in 0.76 s.) jieba itself is
unmaintained since 2020; spacy-pkuseg and pkuseg need a model downloaded at run time; jieba3 has
no part-of-speech tags and no licence; thulac's licence is not MIT-compatible. The HMM guesses
words the dictionary lacks and so glues unknown names to their neighbours; without it the edges of
names are better, so it is off.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from typing import NamedTuple

import rjieba


class Token(NamedTuple):
    start: int
    end: int
    word: str
    pos: str  # jieba's part-of-speech tag (n, ns, nt, v, vn, p, c, u, d, m, q, x …)


@lru_cache(maxsize=1)
def _segmenter() -> rjieba.Jieba:
    return rjieba.Jieba()


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[Token, ...]:
    """The words of ``text`` with their offsets and tags."""
    out: list[Token] = []
    pos = 0
    for word, tag in _segmenter().tag(text, False):
        out.append(Token(pos, pos + len(word), word, tag))
        pos += len(word)
    return tuple(out)


@lru_cache(maxsize=8192)
def boundaries(text: str) -> frozenset[int]:
    """Offsets where a word of ``text`` begins or ends."""
    return frozenset({0, *(t.end for t in tokens(text))})


def cuts_a_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` begins or ends inside a word of ``text`` (佛山 in 卧佛|山)."""
    edges = boundaries(text)
    return start not in edges or end not in edges


def inside_longer_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a proper part of one word of ``text`` (南京 in 南京理工大学)."""
    for token in tokens(text):
        if token.start <= start and end <= token.end:
            return token.end - token.start > end - start
        if token.start >= end:
            break
    return False


#: Tags of proper nouns: places, person names, organisations (not nz, "other proper nouns", which
#: holds terms such as 集成电路).
PROPER_NOUN_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nt"})


def word_at(text: str, offset: int) -> Token | None:
    """The word of ``text`` that holds the character at ``offset``."""
    words = tokens(text)
    i = bisect.bisect_right([t.start for t in words], offset) - 1
    return words[i] if 0 <= i < len(words) and offset < words[i].end else None


#: Tags of words that name one particular thing: proper nouns, other proper names (nz), Latin
#: words and numbers.
PROPER_WORD_TAGS = PROPER_NOUN_TAGS | {"nz", "eng", "m"}


def has_proper_word(text: str) -> bool:
    """Whether the segmenter reads a proper name, a Latin word or a number in ``text``."""
    return any(token.pos in PROPER_WORD_TAGS for token in tokens(text))


def reads_as_proper(core: str, left: str) -> bool:
    """Whether what is left of a name's core, once its generic words are out, is a proper name
    to the segmenter: a proper noun, or characters that no dictionary word of the core holds
    (茂业 of 茂业中心 is read as 茂|业; 残疾人 of 残疾人服务中心 is one word, a kind of people)."""
    if len(left) < 2:
        return False
    words = [w for w in tokens(core) if w.word in left]
    if any(w.pos in PROPER_WORD_TAGS or (w.pos == "f" and len(w.word) == 2) for w in words):
        return True  # a proper noun, or a side of town (北部污水处理厂)
    return sum(len(w.word) == 1 for w in words) >= 2


VERB_TAGS = frozenset({"v", "vd", "ad"})


def without_leading_verbs(name: str) -> str:
    """ "全面推进路" is no road, "补强平原新城" is 平原新城, "联动杭州钱塘新区" is 杭州钱塘新区: verbs
    (and idioms) of two or more characters at the start of a candidate are not part of the name."""
    words = tokens(name)
    i = 0
    while i < len(words) and len(words[i].word) >= 2:
        idiom_then_verb = words[i].pos == "i" and i + 1 < len(words) and words[i + 1].pos in VERB_TAGS
        if words[i].pos not in VERB_TAGS and not idiom_then_verb:
            break  # (an idiom alone may be a name's part: 国家火炬锦州…基地)
        i += 1  # 因地制宜|补齐|人行天桥: a leading idiom and verb
    return name[words[i].start :] if 0 < i < len(words) else name
