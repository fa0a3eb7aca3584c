"""Compile the rulebook's phrase mini-language into regular expressions.

Clinicians write phrases, not regexes. A phrase is a space-separated list of slots
matched against the normalised words of one clause:

* ``leg|legs|calf``  one word out of several (accents and apostrophes optional);
* ``@swollen``       any item of the class ``swollen`` (items are phrases too);
* ``my?``            an optional slot (suffix ``?``);
* ``(side effects|bad)``  alternatives of several words;
* ``~`` / ``~4``     up to 3 (or 4) arbitrary words in between, within the soft
  clause: never across a comma, except one right after the word before the gap;
* ``^`` / ``$``      start / end of the clause (e.g. a bare "no" as the whole answer);
* ``re:<regex>``     escape hatch, a raw regex over the clause text (skipped on a
                     clause that holds none of its `needles`: see `needles_of`).

A clause is matched as `` tok1 tok2 tok3 `` (every token followed by one space),
so every slot compiles to "alternatives followed by a space" and spans map back
to tokens exactly.
"""

from __future__ import annotations

import bisect
import importlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .text import normalise_phrase

_GAP_RE = re.compile(r"~(\d*)")
# Every compiled phrase starts where a word does: clause strings are " w1 w2 ".
WORD_START = r"(?<= )"
_WORD_RE = re.compile(r"[a-z0-9_]+|[^\w\s]")


def _gap_regex(most: int) -> str:
    """Up to ``most`` words that stay within the soft clause: a gap never swallows a
    comma, except one right after the word before it, which still speaks of that
    word ("my left leg, it's swollen"). So "I can't sleep, breathing is fine" is
    not "can't ~2 breathe", while "left arm, it's weak" is one-sided weakness."""
    if most == 0:
        return ""
    words = r"(?:[^,\s]\S* )"  # any token but the comma (no other token starts with one)
    return rf"(?:, {words}{{0,{most - 1}}}|{words}{{0,{most}}})"


class PatternError(ValueError):
    """A phrase could not be compiled; the caller adds file and entry to the message."""


@dataclass(frozen=True)
class Phrase:
    """A compiled phrase and the words it mentions (used to skip hopeless findings fast)."""

    source: str
    regex: re.Pattern[str]
    words: frozenset[str]
    # Every match contains one of ``words``: only then may a clause without
    # any of them skip this phrase ("pain? ~" could match through its gap).
    needs_a_word: bool = True
    # The same phrase without its word-start lookbehind, where every match holds
    # a word (so none is empty). Without the lookbehind in front, the regex
    # engine skips straight to the letters a match can begin with instead of
    # trying every position; the caller checks that a word starts there.
    unanchored: re.Pattern[str] | None = None
    # The words of one slot every match must fill, the least common such slot:
    # "im|am|is|was ... ill" is tried only on clauses that say "ill".
    anchor: frozenset[str] | None = None
    # The words of every slot every match must fill (the anchor among them): a clause
    # must hold a word of each, so "can't ~2 breathe" is not tried on a clause that
    # says "can't" but nothing of breathing. Much cheaper than the regex search.
    slots: tuple[frozenset[str], ...] = ()

    # A list of cues compiled as one alternation (`Rulebook._compile_one`): its members,
    # in the alternation's order. A clause is searched with only the members that may
    # match it (`for_clause`), since the whole list is long and few of its cues can.
    parts: tuple[Phrase, ...] = ()
    # For a raw regex (no words to key on): literal strings one of which every match
    # holds (`needles`); a clause whose text holds none is not searched. Empty: unknown.
    needles: tuple[str, ...] = ()
    _narrowed: dict[tuple[int, ...], Phrase] = field(default_factory=dict, compare=False,
                                                     repr=False)

    def for_clause(self, words: frozenset[str], text: str) -> Phrase | None:
        """The phrase to search a clause of these words (and this text) with: this one,
        or for a cue list the alternation of only its members that may match there, in
        the same order (None: none may). A member left out cannot match anywhere in the
        clause, so the search finds what the whole alternation would, at the same places:
        at each position the first member that matches still wins."""
        if not self.may_match(words):
            return None
        if not self.parts:
            return self
        always, index = self._part_index
        candidates = {i for i in always if self.parts[i].may_occur(text)}
        for word in index.keys() & words:
            candidates.update(index[word])
        kept = tuple(sorted(i for i in candidates if self.parts[i].may_match(words)))
        if not kept:
            return None
        if len(kept) == len(self.parts):
            return self
        narrowed = self._narrowed.get(kept)
        if narrowed is None:
            narrowed = combine(self.source, [self.parts[i] for i in kept])
            if len(self._narrowed) < 4096:  # the subsets clauses ask for are few
                self._narrowed[kept] = narrowed
        return narrowed

    @cached_property
    def _part_index(self) -> tuple[tuple[int, ...], dict[str, tuple[int, ...]]]:
        """The members always tried (no word to key them on), and the others by the words
        of their prefilter: a clause looks up its own few words, not every member."""
        always: list[int] = []
        index: dict[str, list[int]] = {}
        for i, part in enumerate(self.parts):
            if part.prefilter is None:
                always.append(i)
            else:
                for word in part.prefilter:
                    index.setdefault(word, []).append(i)
        return tuple(always), {w: tuple(ids) for w, ids in index.items()}

    def may_match(self, words: frozenset[str]) -> bool:
        """Whether a clause of these words could match (a necessary test, not enough):
        it holds a word of the prefilter and of every slot."""
        prefilter = self.prefilter
        if prefilter is None:
            return True
        if prefilter.isdisjoint(words):
            return False
        for slot in self.slots:  # noqa: SIM110 - a plain loop: this runs a million times a minute
            if slot.isdisjoint(words):
                return False
        return True

    def may_occur(self, text: str) -> bool:
        """Whether a clause of this text could match, by the raw regex's `needles` (a
        necessary test; True where none are known)."""
        needles = self.needles
        return not needles or any(n in text for n in needles)

    @cached_property  # read for every phrase of every clause: worked out once
    def prefilter(self) -> frozenset[str] | None:
        """The words one of which a clause must hold to match, or None: always try it."""
        if not self.words or not self.needs_a_word:
            return None
        return self.anchor or self.words


def combine(source: str, phrases: Sequence[Phrase]) -> Phrase:
    """One alternation of `phrases`, in their order (a cue list is matched together)."""
    fast = [p.unanchored for p in phrases]
    regex = re.compile("|".join(f"(?:{p.regex.pattern})" for p in phrases))
    unanchored = (re.compile("|".join(f"(?:{f.pattern})" for f in fast if f))
                  if all(fast) else None)  # one raw or empty-capable cue: anchored
    anchors = [p.prefilter for p in phrases if p.prefilter is not None]
    anchor = (frozenset[str]().union(*anchors)
              if len(anchors) == len(phrases) and all(anchors) else None)
    return Phrase(source, regex, frozenset().union(*(p.words for p in phrases)),
                  needs_a_word=all(p.needs_a_word for p in phrases), unanchored=unanchored,
                  anchor=anchor, slots=(anchor,) if anchor is not None else ())


class PhraseCompiler:
    """Turns phrase strings into regex fragments, expanding ``@classes`` once each."""

    def __init__(self, classes: Mapping[str, Sequence[str]], default_gap: int = 3,
                 frequent: frozenset[str] = frozenset()) -> None:
        self._classes = classes
        self._gap = default_gap
        self._frequent = frequent  # everyday words: a poor anchor
        self._class_cache: dict[str, tuple[str, frozenset[str]]] = {}
        self._class_keys: dict[str, frozenset[str] | None] = {}
        self._expanding: set[str] = set()

    def compile(self, source: str) -> Phrase:
        """Compile one phrase; raises PatternError with a readable reason."""
        if source.startswith("re:"):
            # A raw regex may match anything: never skipped by words, never unanchored;
            # only a clause without its needles (literal text) skips it.
            raw = _compile_raw(source[3:])
            return Phrase(source, raw, frozenset(), needs_a_word=False, needles=needles_of(raw))
        body, words = self._sequence(source)
        try:
            regex = re.compile(WORD_START + body)
        except re.error as exc:  # pragma: no cover - generated regexes are well formed
            raise PatternError(f"phrase {source!r} does not compile: {exc}") from exc
        slots = tuple(self._word_slots(source))
        anchor = self._anchor(slots)
        needs_a_word = anchor is not None
        return Phrase(source, regex, words, needs_a_word,
                      re.compile(body) if needs_a_word else None, anchor, slots)

    def _anchor(self, slots: Sequence[frozenset[str]]) -> frozenset[str] | None:
        """Of the slots every match fills with a word, the one whose words are least
        everyday (then fewest): the cheapest sound test that a clause may match.
        None when no slot always holds a word (the phrase may match without one)."""
        scored = [(self._everyday(words), len(words), words) for words in slots]
        return min(scored, key=lambda t: t[:2])[2] if scored else None

    def _word_slots(self, source: str) -> Iterator[frozenset[str]]:
        """For each slot that cannot be skipped and always holds a word, the words one of
        which every match of it holds: each alternative's own best key, not all its
        words ("dolor de cabeza" keys on "dolor", never on "de")."""
        for slot in split_slots(source):
            keys = self._slot_keys(slot)
            if keys is not None:
                yield keys

    def _key(self, source: str) -> frozenset[str] | None:
        """The least everyday of a sequence's word slots, or None if none always holds one."""
        return self._anchor(tuple(self._word_slots(source)))

    def _everyday(self, words: frozenset[str]) -> int:
        """How many of the words are everyday ones (or punctuation): a poor key."""
        return sum(1 for w in words if w in self._frequent or not w[0].isalnum())

    def _slot_keys(self, slot: str) -> frozenset[str] | None:
        optional = len(slot) > 1 and slot.endswith("?")
        if optional or _GAP_RE.fullmatch(slot) or slot in ("^", "$"):
            return None
        grouped = slot.startswith("(") and slot.endswith(")")
        keys: set[str] = set()
        for alt in (slot[1:-1] if grouped else slot).split("|"):
            if grouped:
                key = self._key(alt)
            elif alt.startswith("@"):
                key = self._class_key(alt[1:])
            else:
                key = frozenset({normalise_phrase(alt)})
            if key is None:
                return None  # this alternative may match without a word
            keys |= key
        return frozenset(keys)

    def _class_key(self, name: str) -> frozenset[str] | None:
        if name not in self._class_keys:
            keys: set[str] = set()
            for item in self._classes[name]:
                key = self._key(item)
                if key is None:
                    self._class_keys[name] = None
                    break
                keys |= key
            else:
                self._class_keys[name] = frozenset(keys)
        return self._class_keys[name]

    def _sequence(self, source: str) -> tuple[str, frozenset[str]]:
        slots = split_slots(source)
        if not slots:
            raise PatternError("empty phrase")
        if all(_GAP_RE.fullmatch(s) or s in "^$" for s in slots):
            raise PatternError(f"phrase {source!r} has no words")
        parts: list[str] = []
        words: set[str] = set()
        for slot in slots:
            fragment, slot_words = self._slot(slot, source)
            parts.append(fragment)
            words |= slot_words
        return "".join(parts), frozenset(words)

    def _slot(self, slot: str, source: str) -> tuple[str, set[str]]:
        gap = _GAP_RE.fullmatch(slot)
        if gap:
            return _gap_regex(int(gap.group(1) or self._gap)), set()
        if slot == "^":
            return r"(?<=^ )", set()
        if slot == "$":
            return r"$", set()
        optional = len(slot) > 1 and slot.endswith("?")
        alternatives = slot[:-1] if optional else slot
        grouped = alternatives.startswith("(") and alternatives.endswith(")")
        fragments: list[str] = []
        words: set[str] = set()
        for alt in (alternatives[1:-1] if grouped else alternatives).split("|"):
            fragment, alt_words = (self._sequence(alt) if grouped
                                   else self._alternative(alt, source))
            fragments.append(fragment)
            words |= alt_words
        body = "(?:" + "|".join(fragments) + ")"
        return (body + "?" if optional else body), words

    def _alternative(self, alt: str, source: str) -> tuple[str, set[str]]:
        if alt.startswith("@"):
            fragment, words = self._class(alt[1:], source)
            return fragment, set(words)
        word = normalise_phrase(alt)
        if not word or not _WORD_RE.fullmatch(word):
            raise PatternError(
                f"phrase {source!r}: {alt!r} is not a single word "
                "(use spaces between words and @classes for multi-word alternatives)"
            )
        return re.escape(word) + " ", {word}

    def _class(self, name: str, source: str) -> tuple[str, frozenset[str]]:
        if name in self._class_cache:
            return self._class_cache[name]
        if name not in self._classes:
            raise PatternError(f"phrase {source!r} uses unknown class @{name}")
        if name in self._expanding:
            raise PatternError(f"class @{name} refers to itself")
        self._expanding.add(name)
        try:
            items = [self._sequence(item) for item in self._classes[name]]
        finally:
            self._expanding.discard(name)
        # Longest alternatives first, so "head ache" wins over "head".
        items.sort(key=lambda item: -len(item[0]))
        result = (
            "(?:" + "|".join(f for f, _ in items) + ")",
            frozenset().union(*(w for _, w in items)),
        )
        self._class_cache[name] = result
        return result


def split_slots(source: str) -> list[str]:
    """Split a phrase on spaces, keeping "(side effects|too bad)" groups in one slot."""
    slots: list[str] = []
    depth = 0
    current = ""
    for ch in source:
        if ch.isspace() and depth == 0:
            if current:
                slots.append(current)
            current = ""
            continue
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            raise PatternError(f"phrase {source!r} has an unbalanced ')'")
        current += ch
    if depth:
        raise PatternError(f"phrase {source!r} has an unbalanced '('")
    if current:
        slots.append(current)
    return slots


def _compile_raw(body: str) -> re.Pattern[str]:
    try:
        return re.compile(body)
    except re.error as exc:
        raise PatternError(f"bad regex {body!r}: {exc}") from exc


def needles_of(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Literal strings one of which every match of a raw regex holds, or () when none
    can be told: a clause whose text holds none of them need not be searched.

    Raw regexes have no words to index (they keep the rulebook's lookbehinds, "not after
    'i'"), so before this every clause ran every one of them: the fourteen in the
    resolution cues cost about a tenth of the whole reading. The literals come from
    the regex's parse tree, from the parts every match passes through (never a
    lookaround, an optional part or a class): a run of literal characters; of a group,
    its own; of an alternation, one from each branch (or none at all). Of several, the
    one whose shortest needle is longest."""
    if pattern.flags & re.IGNORECASE:
        return ()
    try:  # the re module's own parser: private, so if it moves, no needles (searched)
        parser = importlib.import_module("re._parser")
        tree = parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - only a speed-up: a regex without needles is searched
        return ()
    found = _sequence_needles(list(tree), importlib.import_module("re._constants"))
    return tuple(sorted(found)) if found else ()


def _sequence_needles(items: Sequence[Any], op: Any) -> frozenset[str] | None:
    """The needles of one sequence of parse items (`op`: the parser's opcodes; see
    `needles_of`)."""
    found: list[frozenset[str]] = []
    run: list[str] = []
    repeats = (op.MAX_REPEAT, op.MIN_REPEAT, getattr(op, "POSSESSIVE_REPEAT", None))
    for code, value in [*items, (None, None)]:  # a last item closes the last run
        if code is op.LITERAL:
            run.append(chr(value))
            continue
        if len(run) >= 2:
            found.append(frozenset({"".join(run)}))
        run = []
        inner: frozenset[str] | None = None
        if code is op.SUBPATTERN and not value[1] & re.IGNORECASE:
            inner = _sequence_needles(list(value[3]), op)
        elif code is op.BRANCH:
            branches = [_sequence_needles(list(b), op) for b in value[1]]
            if all(branches):
                inner = frozenset(n for b in branches if b for n in b)
        elif code in repeats and value[0] >= 1:
            inner = _sequence_needles(list(value[2]), op)
        elif code is getattr(op, "ATOMIC_GROUP", None):
            inner = _sequence_needles(list(value), op)
        if inner:
            found.append(inner)
    return max(found, key=lambda n: min(len(s) for s in n)) if found else None


def clause_string(words: Sequence[str]) -> tuple[str, list[int]]:
    """Join clause words for matching; return the text and the offset where each word starts."""
    starts: list[int] = []
    pos = 1
    for word in words:
        starts.append(pos)
        pos += len(word) + 1
    return " " + " ".join(words) + " ", starts


def span_to_tokens(starts: list[int], begin: int, end: int) -> tuple[int, int]:
    """Map a match's character span to (first, last) token indices, inclusive."""
    first = max(bisect.bisect_right(starts, begin) - 1, 0)
    last = max(bisect.bisect_left(starts, end) - 1, first)
    return first, last
