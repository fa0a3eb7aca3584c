"""Phrase matching: the fast path (no word-start lookbehind in the regex, the
word start checked after) finds exactly what the anchored regex finds."""

from __future__ import annotations

import dataclasses
import functools
import re
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from test_triage_families import FAMILIES

from followup.triage import load_rulebook
from followup.triage.bench import DEFAULT_FILES
from followup.triage.engine import _Clause, _prepare, _spans
from followup.triage.evaluate import load_cases
from followup.triage.patterns import (
    Phrase,
    PhraseCompiler,
    clause_string,
    needles_of,
    span_to_tokens,
)


def phrases_in(value: Any) -> Iterator[Phrase]:
    """Every phrase anywhere in a rulebook: findings, vetoes, cues, answers."""
    if isinstance(value, Phrase):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from phrases_in(getattr(value, f.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from phrases_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from phrases_in(item)


def anchored_spans(phrase: Phrase, clause: _Clause) -> list[tuple[int, int]]:
    """The reference: ``finditer`` with the lookbehind, empty matches dropped."""
    return [span_to_tokens(clause.starts, m.start(), m.end())
            for m in phrase.regex.finditer(clause.text) if m.end() > m.start()]


def clause_of(words: str) -> _Clause:
    tokens = words.split()
    clause = _Clause.__new__(_Clause)
    clause.text, clause.starts = clause_string(tokens)
    return clause


# The labelled messages the check below reads: one in SHARE, the same ones on every run
# (by a digest of the text, not by chance), and the families' probes. Every phrase on
# every clause of all of them (1,871 phrases, 144,211 clauses, 45th session) took 17
# minutes of a core, grew with each session's phrases times its messages, and with
# coverage took CI past its time.
SHARE = 8


def in_share(text: str) -> bool:
    return zlib.crc32(text.encode("utf-8")) % SHARE == 0


@functools.cache
def bundled_phrases_and_labelled_clauses() -> tuple[list[Phrase], list[_Clause]]:
    """Each distinct phrase of the bundled rulebook, and each distinct clause of the share of
    the labelled messages (once per process: the chunks below share them). A phrase's spans
    depend on the clause's text alone, so a clause told twice need not be checked twice."""
    book = load_rulebook()
    phrases = list({id(p): p for p in phrases_in(book)}.values())
    texts = [str(c["text"]) for f in DEFAULT_FILES if f.exists() for c in load_cases(f)
             if in_share(str(c["text"]))]
    # and every probe written for a mend, so that a new phrase meets the texts it was for
    texts += [text for family in FAMILIES.values() for text, _ in family]
    distinct = {c.text: c for text in texts for c in _prepare(text, book)}
    return phrases, list(distinct.values())


# The exhaustive check below (every phrase on every labelled clause) is split by phrase
# into this many tests, so that pytest-xdist's workers share it.
CHUNKS = 8


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_bundled_phrase_matches_alike_on_both_paths_and_within_its_prefilter(
        chunk: int) -> None:
    """On every clause of the share, each phrase's fast path (no word-start lookbehind) finds
    exactly what the anchored regex finds, and every match holds a word of the phrase's
    prefilter and of each of its required slots, and a raw regex's match one of its
    needles: the skip is only sound if no match is ever skipped."""
    phrases, clauses = bundled_phrases_and_labelled_clauses()
    if chunk == 0:
        fast = sum(p.unanchored is not None for p in phrases)
        assert fast > 0.9 * len(phrases)  # the fast path is the common one
    compared = prefiltered = 0
    for phrase in phrases[chunk::CHUNKS]:
        for clause in clauses:
            expected = anchored_spans(phrase, clause)
            if expected and phrase.needles:
                assert phrase.may_occur(clause.text), (phrase.source, clause.text)
            if phrase.unanchored is not None:
                assert list(_spans(phrase, clause)) == expected, (phrase.source, clause.text)
                compared += bool(expected)
            if expected and phrase.prefilter:
                assert not phrase.prefilter.isdisjoint(clause.words), (phrase.source, clause.text)
                assert phrase.may_match(clause.words), (phrase.source, clause.text)
                prefiltered += 1
    # each chunk saw real matches on both counts, not only misses
    assert compared > 100 and prefiltered > 100


@pytest.mark.parametrize(("phrase", "words"), [
    ("ache ~ leg", "my headache ache and leg"),  # a match inside "headache" must not hide this
    ("ache", "headache ache ache"),
    ("(ache|head) ~2 hurts", "headache head really hurts"),
    ("swollen? leg", "swollenleg swollen leg leg"),
    ("^ pain", "pain pain"),
    ("pain $", "painpain pain"),
])
def test_matches_inside_words_are_skipped_and_later_ones_found(phrase: str, words: str) -> None:
    compiled = PhraseCompiler({}, default_gap=3).compile(phrase)
    assert compiled.unanchored is not None
    clause = clause_of(words)
    expected = anchored_spans(compiled, clause)
    assert expected  # each case has a real match after the trap
    assert list(_spans(compiled, clause)) == expected


def test_a_phrase_that_can_match_empty_keeps_the_anchored_path() -> None:
    compiled = PhraseCompiler({}, default_gap=3).compile("swollen? ~2 $")
    assert compiled.unanchored is None
    clause = clause_of("legs swollen")
    assert list(_spans(compiled, clause)) == anchored_spans(compiled, clause)


def test_raw_regexes_are_never_skipped_by_words_nor_unanchored() -> None:
    """A raw regex may match anything, so neither word shortcut may apply to it,
    nor to a cue list that merges one in (the bundled resolution cues do): only its
    needles, literal text every match holds, let a clause skip it."""
    raw = PhraseCompiler({}, default_gap=3).compile("re:(?<= )broke (?!out )")
    assert (raw.needs_a_word, raw.prefilter, raw.unanchored) == (False, None, None)
    assert raw.needles == ("broke ",)
    assert not raw.may_occur(" it is broken ") and raw.may_occur(" fever broke today ")
    merged = load_rulebook().scope.resolution_after
    assert merged.needs_a_word is False and merged.unanchored is None


def test_every_bundled_raw_regex_has_needles() -> None:
    """Each raw regex in the bundled rulebook can be skipped by its needles: one without
    would be searched on every clause (fourteen such in the resolution cues once cost a
    tenth of the whole reading, `make bench`). Write a new one so that every match
    passes through some literal words, outside any lookaround."""
    raw = [p for p in phrases_in(load_rulebook()) if p.source.startswith("re:")]
    assert len(raw) > 40
    assert [p.source for p in raw if not p.needles] == []


@pytest.mark.parametrize(("regex", "needles"), [
    # a run of literal characters outside the lookarounds
    (r"(?<= )(?<!i )(?<!we )went down(?= |$)", ("went down",)),
    # one of each branch, or none when a branch has none
    (r"(?:going|gonna|nearly) (?:\S+ ){0,3}out", ("going", "gonna", "nearly")),
    (r"(?:going|\d+) faint", (" faint",)),
    # the longest of the required runs wins; optional parts and classes give none
    (r"(?:very )?ill(?:ness)? [a-z]+ since", (" since",)),
    (r"(?:ab)+cdef", ("cdef",)),
    (r"(?:\S+ ){2}", ()),
    (r"(?i)broke", ()),  # a case-blind regex: a literal says nothing of the text's case
    (r"(?i:broke) down", (" down",)),
])
def test_a_raw_regex_needles_are_literal_text_every_match_holds(
        regex: str, needles: tuple[str, ...]) -> None:
    assert needles_of(re.compile(regex)) == needles


@pytest.mark.parametrize(("phrase", "words", "found"), [
    ("cant ~2 breathe", "cant sleep , breathing is fine", False),  # the comma ends "can't"
    ("cant ~2 breathe", "cant really breathe", True),
    ("leg ~3 swollen", "leg , its swollen", True),  # right after the word: still about it
    ("leg ~3 swollen", "leg is , like swollen", False),
    ("leg ~2 swollen", "leg , is really swollen", False),  # the comma counts as one of the words
    ("leg ~0 swollen", "leg , swollen", False),
])
def test_a_gap_stays_within_its_soft_clause(phrase: str, words: str, found: bool) -> None:
    compiled = PhraseCompiler({}, default_gap=3).compile(phrase)
    clause = clause_of(words)
    assert bool(list(_spans(compiled, clause))) is found
    assert list(_spans(compiled, clause)) == anchored_spans(compiled, clause)


def test_a_phrase_is_skipped_by_its_least_everyday_required_slot() -> None:
    compiler = PhraseCompiler({"fine": ["fine", "ok"]}, default_gap=3,
                              frequent=frozenset({"im", "am", "is", "was"}))
    assert compiler.compile("im|am|is|was ill").prefilter == {"ill"}
    assert compiler.compile("feeling? @fine").prefilter == {"fine", "ok"}  # optional: not an anchor
    # each alternative counts by its own key: a match of "side effects" holds "side"
    assert compiler.compile("(side effects|bad) ~ is").prefilter == {"side", "bad"}
    assert compiler.compile("swollen? ~2 $").prefilter is None  # may match without a word


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def test_a_phrase_is_tried_only_where_every_required_slot_has_a_word() -> None:
    """A class item made of several words keys on one of its least everyday words, so
    "dolor de cabeza" is not tried on every clause that says "de"; and a clause must hold a word
    of every slot, not only of the anchor's."""
    compiler = PhraseCompiler({"head": ["dolor de cabeza", "jaqueca", "cabeza ~1 duele"]},
                              default_gap=3, frequent=frozenset({"de", "me", "la"}))
    phrase = compiler.compile("@head ~2 (muy|bien) fuerte")
    assert phrase.slots == (frozenset({"dolor", "jaqueca", "cabeza"}), frozenset({"muy", "bien"}),
                            frozenset({"fuerte"}))
    assert phrase.prefilter == {"fuerte"}
    assert phrase.may_match(_words("me duele la cabeza muy fuerte"))
    assert not phrase.may_match(_words("la fiebre muy fuerte"))  # no head
    assert not phrase.may_match(_words("dolor de cabeza fuerte"))  # no muy/bien
