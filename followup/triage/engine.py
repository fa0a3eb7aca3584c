"""The triage engine: message text -> level and findings.

Pipeline (each step small and separately testable):

1. tokenise and fuzzy-correct words (`text`, `Lexicon`);
2. split into clauses at hard boundaries (". ? !", "but", "pero") and number
   soft clauses (",", "and", "y") inside them;
3. turn numbers into temperature / pain-score tokens using the rulebook thresholds;
4. match every finding's phrases per clause and keep the longest non-overlapping
   matches (so "sore arm where the IV was" beats "sore arm");
5. drop findings that are negated ("no chest pain") or resolved ("headache is gone"),
   each cue only reaching as far as its own soft clause;
6. drop findings that a question only asks about ("what should I do if I get a fever?"),
   except emergencies;
7. add combination findings and the answer to the check-in question, if any;
8. read the findings against the patient's recent ones (trend) and take the highest level.

Every step that changes the reading of a message adds a plain-English reason for staff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache

from .patterns import Phrase, clause_string, span_to_tokens
from .rulebook import (
    LEVEL_RANK,
    FindingRule,
    HypotheticalRules,
    Lexicon,
    Rulebook,
    ScopeRules,
    TemperatureRules,
    WeightRules,
)
from .spelled import amount, half_at, point_dropped, spelled_temperatures, told_as_the_reading
from .text import SOFT, Token, tokenize

_SPANISH_MARKS = frozenset("áéíóúñ¿¡ÁÉÍÓÚÑ")


@dataclass(frozen=True)
class Finding:
    """One counted finding, with the patient's own words for the nurse."""

    key: str
    level: str
    label: str
    matched: str

    def to_dict(self) -> dict[str, str]:
        """Plain dict for JSON and the database."""
        return {"key": self.key, "level": self.level, "label": self.label, "matched": self.matched}


@dataclass(frozen=True)
class PriorFinding:
    """A finding from one of the patient's earlier messages (the caller picks the window)."""

    key: str
    level: str
    at: datetime


@dataclass(frozen=True)
class TriageResult:
    """The outcome for one message.

    `reasons` explains, in English for staff, how context, trend or a hypothetical
    question changed the reading (empty when the findings speak for themselves).
    """

    level: str
    findings: tuple[Finding, ...]
    language: str
    reasons: tuple[str, ...] = ()
    # Red-flag topics the message touches although no reader could place it: the
    # patient is asked the numbered red-flag question and a nurse gets an urgent flag.
    ask_back: tuple[str, ...] = ()
    # Symptoms the rulebook read and set aside (negated, over, asked about, or turned
    # down by an `unless` phrase: "my hair is going grey"): a reader of word counts
    # cannot read "not", "gone" or "hair", so it may not overrule these.
    set_aside: tuple[str, ...] = ()

    @property
    def is_red_flag(self) -> bool:
        """Red flags (emergency or urgent) alert staff; everything else does not."""
        return self.level in ("emergency", "urgent")


@dataclass
class _Clause:
    tokens: list[Token]
    soft_ids: list[int]
    question: bool
    text: str = ""
    starts: list[int] = field(default_factory=list)
    raw: list[Token] = field(default_factory=list)  # before numbers became _temp_ etc.
    words: frozenset[str] = frozenset()  # its token texts, to skip phrases fast
    bounds: frozenset[str] = frozenset()  # the boundary words before and after it
    # the spans of the cue lists searched in it so far, by the list's identity: the
    # negation, pseudo-negation and history lists are asked for more than once a message
    cues: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)  # identity hashing: matches are used in sets
class _Match:
    rule: FindingRule
    phrase: Phrase
    clause: int
    first: int
    last: int
    # a red flag past the reach of the denial before it (`_reach_broken`): never denied
    beyond_denial: bool = False
    # the words of this finding's other readings that overlap it (`_longest_first`): a
    # resolution cue among them is part of the symptom ("so swollen my ankles have
    # disappeared"), not news that it is over
    reach: tuple[int, int] | None = None

    @property
    def size(self) -> int:
        return self.last - self.first


# -- steps 1-3: tokens and clauses --------------------------------------------------------------


def _prepare(text: str, book: Rulebook) -> list[_Clause]:
    temperature = book.temperature
    raw = point_dropped(spelled_temperatures(tokenize(text), temperature),
                        temperature.words, temperature.window)
    raw = _split_run_together(_join_split_words(_soften_labels(raw, text), book.lexicon),
                              book.lexicon)
    raw = _answers_carry_their_question(_drop_names(raw, text, book.lexicon.names), text, book)
    tokens = _drop_fillers([_correct(t, book) for t in raw], book.scope.fillers)
    if any(t.text == "e" for t in tokens):
        tokens = _he_by_ear(tokens)
    clauses = _split_clauses(tokens, book)
    for index, clause in enumerate(clauses):
        # asked: a "?" between this clause's last word and the next clause
        after = clauses[index + 1].tokens if index + 1 < len(clauses) else []
        end = after[0].start if after else len(text)
        clause.question = "?" in text[clause.tokens[-1].end:end]
    for clause in clauses:
        clause.raw = clause.tokens
        clause.tokens = _interpret_numbers(clause.tokens, book)
        _set_text(clause)
    for clause in _latest_reading_only(clauses, book):
        _set_text(clause)
    return clauses


def _drop_names(tokens: list[Token], text: str, names: frozenset[str]) -> list[Token]:
    """Leave out the given names that are also words of a finding (`[lexicon] names`)
    where the patient capitalised them and they do not open a sentence: "Un abrazo muy
    fuerte, Dolores Ibáñez" signs a letter; "Dolores de cabeza desde ayer" tells pains."""
    if not names:
        return tokens
    out: list[Token] = []
    for token in tokens:
        if token.text in names and text[token.start].isupper() \
                and text[:token.start].rstrip()[-1:] not in ("", ".", "!", "?", "\n"):
            continue
        out.append(token)
    return out


def _set_text(clause: _Clause) -> None:
    clause.text, clause.starts = clause_string([t.text for t in clause.tokens])
    clause.words = frozenset(t.text for t in clause.tokens)
    clause.cues = {}  # searched in the old text


def _latest_reading_only(clauses: Sequence[_Clause], book: Rulebook) -> list[_Clause]:
    """"38.3 last night, 36.8 this morning": the last reading given is the one that
    counts; earlier ones become `_temp_before_`, which no phrase names. Returns the
    clauses changed.

    Two readings do not count as the latest: one right after a denial, which is the one
    taken back ("la temperatura es 38.2 no 37.2", "it's 37.4 not 38.4, typo"), and one
    a history cue dates in its stretch of the sentence or the next, which is from before
    ("38 justo ... la otra vez tuve 37,8", "39 now; at my first infusion I only got to
    37.5"), or a word of `[temperature] earlier` in its own stretch ("38 exacto, ayer
    tenía 37.5").
    The last of the others counts."""
    readings = [(clause, i) for clause in clauses for i, t in enumerate(clause.tokens)
                if t.text.startswith("_temp_")]
    if len(readings) < 2:
        return []
    denials = book.scope.negation_words
    cues = {id(c): _history_cues(c, book) for c, _ in readings}

    earlier = book.temperature.earlier

    def dated(clause: _Clause, i: int) -> bool:
        if any(last < i and clause.soft_ids[i] - clause.soft_ids[first] <= 1
               for first, last in cues[id(clause)]):
            return True
        said = [t.text for j, t in enumerate(clause.tokens[:i])
                if clause.soft_ids[j] == clause.soft_ids[i]]
        return any(said[j:j + len(seq)] == list(seq)
                   for seq in earlier for j in range(len(said) - len(seq) + 1))

    kept = [(c, i) for c, i in readings
            if (i == 0 or c.tokens[i - 1].text not in denials) and not dated(c, i)]
    current = (kept or readings)[-1]
    current = _fever_brought_down(clauses, kept, current, book) or current
    changed: dict[int, _Clause] = {}
    for clause, i in readings:
        if (clause, i) != current:
            clause.tokens[i] = replace(clause.tokens[i], text="_temp_before_")
            changed[id(clause)] = clause
    return list(changed.values())


def _history_cues(clause: _Clause, book: Rulebook,
                  recent: bool = True) -> list[tuple[int, int]]:
    """Where a time before now is told: long past (`cues`) and, unless `recent` is
    False, the first days after this infusion (`recent`)."""
    rules = book.history
    spans = _cue_spans(rules.cues, clause) if rules.cues is not None else []
    if recent and rules.recent is not None:
        spans = sorted([*spans, *_cue_spans(rules.recent, clause)])
    return spans


# "does not know" is "doesn't know": the rulebook writes the contraction, as most
# texters do, so the long form is read as it. Only where the contraction is itself a
# negation cue ("couldnt" is none, and `@cant` already spells out "could not" and
# "can not").
_CONTRACTED = {"do": "dont", "does": "doesnt", "did": "didnt", "is": "isnt", "was": "wasnt",
               "were": "werent", "are": "arent", "has": "hasnt", "have": "havent",
               "had": "hadnt", "will": "wont"}


def _join_split_words(tokens: list[Token], lexicon: Lexicon) -> list[Token]:
    """Voice-to-text splits a word it does not know ("no puedo res pirar", "me a hogo",
    "pi pi"): two words one space apart become the rulebook word they spell together.
    An auxiliary and "not" become the contraction ("does not" -> "doesnt")."""
    out: list[Token] = []
    for token in tokens:
        before = out[-1] if out else None
        if (before is not None and token.kind == "word" and before.kind == "word"
                and token.text == "not" and before.text in _CONTRACTED):
            out[-1] = Token(_CONTRACTED[before.text], before.start, token.end, "word")
            continue
        if (before is not None and token.kind == "word" and before.kind == "word"
                and token.start == before.end + 1):
            word = lexicon.joined(before.text, token.text)
            if word is not None:
                out[-1] = Token(word, before.start, token.end, "word")
                continue
        out.append(token)
    return out


# The most words a label before a colon has: "Urine: dark brown", "Chest pain: none".
_LABEL_WORDS = 3


def _soften_labels(tokens: list[Token], text: str) -> list[Token]:
    """A colon after a short label starts its answer, not another sentence: "Urine:
    dark brown, like cola" is read as one clause, "urine, dark brown, like cola", so the
    colour is the urine's and a "none" answers its label ("fever: none")."""
    if ":" not in text:
        return tokens
    out: list[Token] = []
    words = 0
    for i, token in enumerate(tokens):
        if token.kind == "hard" and 0 < words <= _LABEL_WORDS and i + 1 < len(tokens) \
                and text[token.start:token.end].strip() == ":":
            token = Token(SOFT, token.start, token.end, "soft")
        if token.kind in ("hard", "soft"):
            words = 0  # the label is what follows the last boundary: "none, chest pain:"
        elif token.kind == "word":
            words += 1
        out.append(token)
    return out


# The most words of a question whose answer carries its topic, and how many of its last
# words are the topic: "el pecho? sí, me duele", "what counts as dark urine? mine is brown".
_QUESTION_WORDS = 6
_TOPIC_WORDS = 2
# "mine" names the topic it answers, so its question may be longer: "what does the
# leaflet mean by dark pee? mine is like cola today".
_MINE_QUESTION_WORDS = 10


def _answers_carry_their_question(tokens: list[Token], text: str,
                                  book: Rulebook) -> list[Token]:
    """A short question answered yes ("el pecho? sí, me duele y me aprieta") or with
    "mine" ("what counts as dark urine? mine is sort of brownish orange") is read with
    its topic, the question's last words, in the place of that word: "el pecho, me
    duele y me aprieta", "dark urine is sort of brownish orange"; "any swelling? mine is
    fine" carries nothing."""
    scope = book.scope
    if "?" not in text or not (scope.answers_yes or scope.answers_mine):
        return tokens
    out: list[Token] = []
    words: list[Token] = []  # the words since the last boundary
    i = 0
    while i < len(tokens):
        token = tokens[i]
        out.append(token)
        i += 1
        if token.kind != "hard" or "?" not in text[token.start:token.end]:
            if token.kind == "word":
                words.append(token)
            elif token.kind == "hard":
                words = []
            continue
        asked, words = len(words), words[-_TOPIC_WORDS:]
        said = [t.text for t in tokens[i:i + 2] if t.kind == "word"]
        well = any(t.text in scope.answers_well or t.text in scope.answers_no
                   for t in tokens[i:i + 6])  # "any swelling? mine is fine"
        mine = next((n for n in (2, 1) if len(said) >= n
                     and " ".join(said[:n]) in scope.answers_mine and not well), 0)
        yes = 1 if said and said[0] in scope.answers_yes else 0
        taken = mine if mine and asked <= _MINE_QUESTION_WORDS else (
            mine or yes if asked <= _QUESTION_WORDS else 0)
        if words and taken:
            out.extend(words)
            i += taken
        words = []
    return out


_RUN_TOGETHER = 7  # the fewest letters of two words typed as one (`Lexicon.split`)


def _split_run_together(tokens: list[Token], lexicon: Lexicon) -> list[Token]:
    """Words typed without spaces ("cantbreatheproperly chesthurtsss") become the words
    they are, each spanning the typed word; a word the lexicon knows or can correct
    stays as it is (`Lexicon.split`)."""
    if all(len(token.text) < _RUN_TOGETHER and token.text[:1] != "i" for token in tokens):
        return tokens  # the hot path: no word long enough to be two, none "i..."
    out: list[Token] = []
    for token in tokens:
        parts = (lexicon.split(token.text) if token.kind == "word" and (
            len(token.text) >= _RUN_TOGETHER or token.text[:1] == "i") else None)
        if parts is None or lexicon.correct(token.text) != token.text:
            out.append(token)
            continue
        out.extend(replace(token, text=part) for part in parts)
    return out


def scores_told(text: str, book: Rulebook) -> list[float]:
    """The pain scores the rules read in the message, in order, bare ones too ("el dolor
    de cabeza está en 3": `_told_after`), where the raw tokens see only "3/10"."""
    return [t.value for clause in _prepare(text, book) for t in clause.tokens
            if t.kind == "score" and t.value is not None]


def read_words(text: str, book: Rulebook) -> list[str]:
    """The message's words as the rules read them: split words joined, pairs that stand
    for one word read as it, spelling corrected."""
    tokens = _split_run_together(_join_split_words(tokenize(text), book.lexicon), book.lexicon)
    return [_correct(t, book).text for t in tokens if t.kind == "word"]


def _correct(token: Token, book: Rulebook) -> Token:
    if token.kind != "word":
        return token
    fixed = book.lexicon.correct(token.text)
    return token if fixed == token.text else replace(token, text=fixed)


_PARTICIPLE_ENDINGS = ("ado", "ido", "ada", "ida")


def _he_by_ear(tokens: list[Token]) -> list[Token]:
    """Spanish "he" typed as it sounds, before a participle: "no e bomitado", "no e tenido
    fiebre". The "e" that means "and" stands only before a word that starts with an i
    sound ("rojo e hinchado"), so any other participle after it tells the verb, and a
    denial before it reaches on."""
    out = list(tokens)
    for i, token in enumerate(tokens[:-1]):
        after = tokens[i + 1].text
        if token.text == "e" and after.endswith(_PARTICIPLE_ENDINGS) \
                and not after.startswith(("i", "hi", "y")):
            out[i] = replace(token, text="he")
    return out


def _drop_fillers(tokens: list[Token], fillers: frozenset[str]) -> list[Token]:
    """", like," and ", um," go with their commas, so that a gap (which stops at a
    comma) still joins "pee is, like, dark" the way the patient meant it."""
    if not fillers:
        return tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        if (tokens[i].kind == "soft" and i + 2 < len(tokens)
                and tokens[i + 1].text in fillers and tokens[i + 2].kind == "soft"):
            i += 3
            continue
        out.append(tokens[i])
        i += 1
    return out


def _split_clauses(tokens: Sequence[Token], book: Rulebook) -> list[_Clause]:
    """Hard boundaries end a clause; soft ones only start a new negation/resolution scope."""
    scope = book.scope
    clauses: list[_Clause] = []
    current: list[Token] = []
    soft_ids: list[int] = []
    soft_id = 0
    opened = ""  # the boundary word that opened the current clause, if any
    for i, token in enumerate(tokens):
        if (token.text in scope.adverbs and i + 1 < len(tokens)
                and tokens[i + 1].text in scope.adverb_verbs):
            continue  # "urine though is like strong tea": an adverb, no boundary
        if token.kind == "hard" or token.text in scope.hard_words:
            if current:
                clauses.append(_Clause(current, soft_ids, False,
                                       bounds=frozenset({opened, token.text}) - {""}))
            current, soft_ids, soft_id = [], [], soft_id + 1
            opened = token.text if token.kind == "word" else ""
            continue
        if token.kind == "soft" or token.text in scope.soft_words:
            soft_id += 1
        current.append(token)
        soft_ids.append(soft_id)
    if current:
        clauses.append(_Clause(current, soft_ids, False, bounds=frozenset({opened}) - {""}))
    return clauses


def _interpret_numbers(tokens: list[Token], book: Rulebook) -> list[Token]:
    """Replace numbers by `_temp_high_`, `_temp_raised_`, `_temp_normal_`, `_score_*_`, `_num_`."""
    out = list(tokens)
    scored = False  # a score told before in the clause
    diastolic = -1  # the second number of a blood pressure read just before
    for i, token in enumerate(tokens):
        if i == diastolic:
            out[i] = replace(token, text="_num_")
            continue
        if token.kind == "num" and token.unit is None and not token.decimal \
                and token.value is not None and 0 <= token.value <= 10 and (
                    (scored and not (i and tokens[i - 1].text in book.pain_score_at_a_time))
                    or _rated(tokens, i, book) or _told_after(tokens, i, book)):
            # the same scale told on: "4 out of 10 yesterday, today 8"; or a rating in
            # words: "like a 3 on monday"
            token = replace(token, kind="score")
        if token.kind == "score":
            scored = True
            high = token.value is not None and book.pain_score_severe <= token.value <= 10
            none = token.value == 0  # "pain 0/10": no pain at all
            out[i] = replace(token, text="_score_high_" if high else
                             "_score_zero_" if none else "_score_low_")
        elif token.kind == "num" and (pair := _blood_pressure(tokens, i, book.temperature)):
            out[i], diastolic = replace(token, text=pair[0]), pair[1]
        elif token.kind == "num":
            out[i] = replace(token, text=_temperature_token(tokens, i, book.temperature))
            if out[i].text.startswith("_temp_") and _a_weight(tokens, i, book):
                out[i] = replace(token, text="_num_")
    return out


def _rated(tokens: Sequence[Token], i: int, book: Rulebook) -> bool:
    """Whether the whole number at `i` follows one of `[pain_score] rated` ("like a 3")
    and no unit follows it ("like a 5 minute walk" is no rating)."""
    said = [t.text for t in tokens[max(0, i - 3):i]]
    if not any(tuple(said[len(said) - len(seq):]) == seq for seq in book.pain_score_rated):
        return False
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if any(t.text in _SCALE for t in tokens[i + 1:i + 4]):
        return False  # "like a 3 on a scale of 1 to 10": the scale's numbers follow
    units = book.temperature.other_units | book.temperature.words | _SCALE
    return after is None or after.kind != "word" or (
        after.text not in units and after.text.rstrip("s") + "s" not in units)


# How many words may stand between the pain named and its bare score ("head is a dull 4").
_TOLD_AFTER_WITHIN = 4


def _told_after(tokens: Sequence[Token], i: int, book: Rulebook) -> bool:
    """Whether the whole number at `i` is the score of the pain named just before it
    (`[pain_score] told_after`): it ends its stretch (nothing or a comma after it), no
    number or comma stands between, and no word of a time comes right before it.

    Patients answer "headache 0-10?" with the pain and a bare number: "headache 0. no
    rash. pee ok." (no headache: round 108's first pass read it as a headache), "Head is a
    dull 4, mostly behind my eyes" (a headache: read as nothing), "dolor de cabeza 0,
    orino normal". "headache since 4", "dolor de cabeza desde las 3" tell a time; "head
    hurts 2 days" a unit."""
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if after is not None and after.text != SOFT:
        return False
    if i and tokens[i - 1].text in book.pain_score_at_a_time:
        return False
    for k in range(i - 1, max(-1, i - 2 - _TOLD_AFTER_WITHIN), -1):
        if tokens[k].text == SOFT or tokens[k].kind != "word" \
                or tokens[k].text in book.pain_score_at_a_time:
            return False  # ("the headache went after day 2": a time)
        if tokens[k].text in book.pain_score_told_after:
            return True
    return False


# After a rated number, these start its scale ("like a 3 over 10", "on a scale of 1 to
# 10"): the numbers after them are the scale's, not scores told on.
_SCALE = frozenset({"over", "out", "outta", "of", "de", "sobre", "scale", "escala"})


def _blood_pressure(tokens: Sequence[Token], i: int,
                    rules: TemperatureRules) -> tuple[str, int] | None:
    """The systolic's token text and the diastolic's place, when the number at `i` opens
    a blood pressure: two whole numbers, the first higher, written "78/40" or "78 over
    40", with a pressure word near ("BP 78/40", "the cuff says 85/50", "presión 85
    sobre 50"). None for any other number: a pressure word names a chest pressure too."""
    if not rules.pressure_words:
        return None
    first = tokens[i]
    j = i + 2 if i + 2 < len(tokens) and tokens[i + 1].text in rules.pressure_over else i + 1
    if j >= len(tokens):
        return None
    second = tokens[j]
    if second.kind != "num" or first.unit is not None or second.unit is not None \
            or first.decimal or second.decimal or first.value is None \
            or second.value is None or not 20 <= second.value < first.value <= 250 \
            or (j == i + 1 and second.start - first.end > 3):
        return None
    near = [*tokens[max(0, i - rules.window):i], *tokens[j + 1:j + 1 + rules.window]]
    if all(t.text not in rules.pressure_words for t in near):
        return None
    if first.value < rules.pressure_very_low:
        return "_bp_very_low_", j
    return ("_bp_low_" if first.value < rules.pressure_low else "_num_"), j


def _a_weight(tokens: Sequence[Token], i: int, book: Rulebook) -> bool:
    """The number is the one a weight word names, with no temperature word near it:
    "weighed 101.4 this morning", "peso 100.5 hoy" are pounds, not degrees."""
    window = book.temperature.window
    if book.weight is None or all(t.text not in book.weight.words
                                  for t in tokens[max(0, i - window):i]):
        return False
    return not _temperature_word_near(tokens, i, book)


def _temperature_word_near(tokens: Sequence[Token], i: int, book: Rulebook) -> bool:
    """A temperature word within the rulebook's window of the number ("temp 37.0",
    "36,5 de temperatura"), or further back with the number told as what it reads ("the
    temperature of my son is 39")."""
    window, words = book.temperature.window, book.temperature.words
    return any(t.text in words for t in tokens[max(0, i - window):i + window + 1]) \
        or told_as_the_reading(tokens, i, book.temperature)


def _weight_gain(clauses: Sequence[_Clause], book: Rulebook, text: str) -> Finding | None:
    """Two weights told in one message ("weighed 162 Friday, 168.5 today", "78.2 kg hoy,
    75.6 el lunes"), the one of now higher by the rulebook's gain: sudden weight gain.
    The reading of now is the one with a word for now after it (or just before it);
    with none or both so marked, the later one told."""
    rules = book.weight
    if rules is None or all(rules.words.isdisjoint(c.words) for c in clauses):
        return None  # most messages speak of no weight: no token list is built for them
    tokens = [t for clause in clauses for t in clause.raw]
    rule = book.by_key[rules.finding]
    told = _gain_told(tokens, rules)
    if told is not None:
        return Finding(rule.key, rule.level, rule.label, text[told[0]:told[1]])
    # a number no weight can be is no reading: "day 1 I was 58.2, today day 8 I'm 61.5"
    # tells two weights, not four; nor is a temperature ("temp 37.0. weight same as
    # before, 55 kg", "cansancio, 37,2. peso igual, 65 kilos")
    lowest = min(rules.kg_range[0], rules.lb_range[0])
    highest = max(rules.kg_range[1], rules.lb_range[1])
    others = set(_temperatures(clauses, book)) | _not_weights(clauses, book)
    readings = [(i, t) for i, t in enumerate(tokens)
                if t.kind == "num" and t.value is not None and t.unit is None
                and lowest <= t.value <= highest and i not in others]
    if len(readings) > 2:
        readings = _a_series(readings, tokens, rules)
    if len(readings) != 2:
        return None  # one weight says nothing of a gain; of many, no one knows which
    units = {_weight_unit(tokens, i, rules) for i, _ in readings} - {None}
    if len(units) > 1:
        return None
    values = [t.value for _, t in readings if t.value is not None]
    unit = units.pop() if units else ("lb" if min(values) > rules.lb_range[0] * 2.5 else "kg")
    low, high = rules.kg_range if unit == "kg" else rules.lb_range
    if not all(low <= v <= high for v in values):
        return None
    marked = [_told_with(tokens, i, rules.now) for i, _ in readings]
    before = [_told_with(tokens, i, rules.before) for i, _ in readings]
    if marked.count(True) == 1:
        now_at = marked.index(True)
    else:  # "peso 70 kilos, ayer 67": the one not told as before is now
        now_at = 1 - before.index(True) if before.count(True) == 1 else 1
    gain = values[now_at] - values[1 - now_at]
    if gain < (rules.gain_kg if unit == "kg" else rules.gain_lb):
        return None
    said = text[readings[0][1].start:readings[1][1].end]
    return Finding(rule.key, rule.level, rule.label, said)


def _gain_told(tokens: Sequence[Token], rules: WeightRules) -> tuple[int, int] | None:
    """Where a gain is told as a difference, by the rulebook's gain or more: an amount,
    its unit and a word for more within two words ("2 kilos y medio más que el lunes",
    "five pounds heavier than Friday", "3 kg de más"); the text's span, or None. A
    smaller difference ("1 kilo más") is left to a person, and an amount that weighs
    something else ("carried 10 kg up the stairs": `not_weights` just before it) is none."""
    for i in range(len(tokens) - 2):
        told = amount(tokens, i)
        if told is None or any(t.text in rules.not_weights for t in tokens[max(0, i - 3):i]):
            continue
        value, at = told
        unit = _weight_unit(tokens, at - 1, rules)
        if unit is None:
            continue
        half = half_at(tokens, at + 1)  # "2 kilos y medio más"
        value += 0.5 if half else 0.0
        for token in tokens[at + 1 + half:at + 3 + half]:
            if token.kind != "word":
                break
            if token.text in rules.more:
                if value >= (rules.gain_kg if unit == "kg" else rules.gain_lb):
                    return tokens[i].start, token.end
                break
    return None


def _not_weights(clauses: Sequence[_Clause], book: Rulebook) -> set[int]:
    """Where, in the message's tokens, a number lies that is no body weight: one of a
    blood pressure ("BP 128/80"), or one told after a word that weighs or counts
    something else, with no number between ("grip strength is a bit better, 24 kg",
    "pulse 76, weight 84.2 kg": the 84.2 is a weight)."""
    rules, at, out = book.weight, 0, set()
    assert rules is not None
    for clause in clauses:
        raw = clause.raw
        other = False  # a word of something else told since the last number
        for i, token in enumerate(raw):
            if token.kind != "num":
                other = other or token.text in rules.not_weights
                continue
            if other:
                out.add(at + i)
            other = False
            if pair := _blood_pressure(raw, i, book.temperature):
                out |= {at + i, at + pair[1]}
        at += len(raw)
    return out


# Weights told as a series ("Saturday 82.1 kg, Sunday 82.3, Monday 83.4, today 84.6") lie
# within this share of each other; a number further off is something else.
_SERIES_SPREAD = 1.15


def _a_series(readings: list[tuple[int, Token]], tokens: Sequence[Token],
              rules: WeightRules) -> list[tuple[int, Token]]:
    """Of three or more numbers, a series of weights told day by day: the reading of now
    (told with a word for now, or else the last) and the lowest of the others, in the
    order told; none when they are too far apart to be one body's weights. A gain from
    the lowest fails toward a person (safety rule 1)."""
    values = [t.value for _, t in readings if t.value is not None]
    if len(values) != len(readings) or max(values) > min(values) * _SERIES_SPREAD:
        return []
    marked = [k for k, (i, _) in enumerate(readings) if _told_with(tokens, i, rules.now)]
    now = marked[0] if len(marked) == 1 else len(readings) - 1
    lowest = min((k for k in range(len(readings)) if k != now), key=lambda k: values[k])
    return [readings[k] for k in sorted((lowest, now))]


def _temperatures(clauses: Sequence[_Clause], book: Rulebook) -> Iterator[int]:
    """Where, in the message's tokens, a number read as a temperature lies that is no
    weight: a temperature word near it, or no weight word in its sentence ("temp 37.0.
    weight same as before, 55 kg" tells one weight). A number a weight word names is
    no temperature to begin with (`_a_weight`)."""
    at = 0
    weights = book.weight.words if book.weight is not None else frozenset()
    for clause in clauses:
        told_weight = not weights.isdisjoint(clause.words)
        for i, token in enumerate(clause.tokens):
            if token.text.startswith(("_temp_", "_sats_")) and (
                    not told_weight or _temperature_word_near(clause.raw, i, book)):
                yield at + i
        at += len(clause.tokens)


def _weight_unit(tokens: Sequence[Token], i: int, rules: WeightRules) -> str | None:
    after = tokens[i + 1].text if i + 1 < len(tokens) else ""
    return "kg" if after in rules.kg_units else "lb" if after in rules.lb_units else None


def _told_with(tokens: Sequence[Token], i: int, words: frozenset[str]) -> bool:
    """One of `words` (for now, or for before) right before the reading, or within
    three words after it in the same stretch of the sentence: "168.5 today", "hoy 78",
    "ayer 67"; not "today vs 79.8"."""
    if i > 0 and tokens[i - 1].text in words:
        return True
    for token in tokens[i + 1:i + 4]:
        if token.kind in ("soft", "hard"):
            return False
        if token.text in words:
            return True
    return False


# How far before a percentage an oxygen word still names it: a sentence's length.
_PERCENT_REACH = 8


def _a_saturation(tokens: Sequence[Token], i: int, rules: TemperatureRules) -> bool:
    """The number is the one an oxygen word names: that word within three tokens before
    it with no other number between ("oximeter 89%", "o2 at 88", "el oxígeno me marca
    90"), or, with a percent sign, within eight before it ("oximeter on my finger says
    87%") or the window after it ("89% on the oximeter"). "O2 99%, HR 72" gives the
    oxygen 99 and the heart 72."""
    percent = tokens[i].unit == "%"
    for token in reversed(tokens[max(0, i - (_PERCENT_REACH if percent else 3)):i]):
        if token.kind in ("num", "score", "hard"):
            return False
        if token.text in rules.oxygen_words:
            return True
    if not percent:
        return False
    for token in tokens[i + 1:i + rules.window + 1]:
        if token.kind in ("num", "score", "hard"):
            return False
        if token.text in rules.oxygen_words:
            return True
    return False


# Before a baseline word, these make it the patient's own usual: "my usual", "mi normal".
_OWN = frozenset({"my", "his", "her", "their", "mi", "su"})


def _named_baseline(tokens: Sequence[Token], i: int, rules: TemperatureRules) -> bool:
    """Whether the stretch before reading `i` names the patient's usual ("my usual with
    a lupus flare is about 37.5"), with no comma, other number or word of now between
    ("my normal is fine but today 38.9" is a reading)."""
    j = i - 1
    while j > 0 and tokens[j].kind not in ("soft", "hard", "num") \
            and tokens[j].text not in rules.usual_until:
        if tokens[j].text in rules.usual_words and tokens[j - 1].text in _OWN:
            return True
        j -= 1
    return False


def _told_as_usual(tokens: Sequence[Token], i: int, rules: TemperatureRules) -> bool:
    """Whether the oxygen saturation at `i` is told right after as the patient's usual
    (`usual_after`, two words between at most: "que es"): "saturo 92 que es lo mío" from a
    patient with COPD is how they always are (round 73, first pass: read as an
    emergency). Not a temperature: a fever "normal for me" after each infusion is still a
    fever (safety rule 1)."""
    if not rules.usual_after:
        return False
    after = [t.text for t in tokens[i + 1:i + 8] if t.kind == "word"]
    return any(tuple(after[k:k + len(words)]) == words
               for k in (0, 1, 2) for words in rules.usual_after)


def _quotes_the_line(tokens: Sequence[Token], i: int, rules: TemperatureRules) -> bool:
    """Whether the fever line at `i` is told as the line ("under 38 isn't a fever"), by
    a word of `line_before` up to two words before it or of `line_after` right after."""
    for token in reversed(tokens[max(0, i - 2):i]):
        if token.kind != "word":
            break
        if token.text in rules.line_before:
            return True
    after = tuple(t.text for t in tokens[i + 1:i + 4])
    return any(after[:len(words)] == words for words in rules.line_after)


def _temperature_token(tokens: Sequence[Token], i: int, rules: TemperatureRules) -> str:
    token = tokens[i]
    assert token.value is not None
    around = tokens[max(0, i - rules.window): i + rules.window + 1]
    if rules.oxygen_words and 50 <= token.value <= 100 and token.unit in (None, "%") \
            and _a_saturation(tokens, i, rules):
        # "sats on my home oximeter 89%": an oxygen saturation, low at or below the line
        low = token.value <= rules.oxygen_low and not _told_as_usual(tokens, i, rules)
        return "_sats_low_" if low else "_num_"
    if any(t.text in rules.baseline_words for t in tokens[max(0, i - rules.window):i]) \
            or _named_baseline(tokens, i, rules):
        return "_num_"  # "my baseline runs low, around 36.2": usual, not a reading
    if token.unit == "%":  # "feeling 100%", "al 100%": a share, never a temperature
        return "_full_" if token.value == 100 else "_num_"
    if i + 1 < len(tokens) and tokens[i + 1].text in rules.other_units:
        return "_num_"
    if not rules.weather.isdisjoint(t.text for t in around) \
            and rules.weather_unless.isdisjoint(t.text for t in around):
        return "_num_"  # "40 grados en San Pedro Sula con este calor": the weather's
    # A reply that is only a number ("38.4") is a temperature reading too, and so is a
    # number written like a thermometer reads ("tengo 37.5"): nobody texts ages or
    # counts with decimals, and a reading in range is what a check-in asks for.
    near_word = len(tokens) == 1 or token.decimal or any(t.text in rules.words for t in around) \
        or _alone_but_for(tokens, i, rules.alone_with) \
        or told_as_the_reading(tokens, i, rules) \
        or any(tuple(t.text for t in tokens[i + 1:i + 1 + len(w)]) == w for w in rules.read_after)
    if token.unit is None and not near_word:
        return "_num_"
    celsius = rules.celsius(token.value, token.unit)
    if celsius is None or (rules.is_the_line(celsius) and _quotes_the_line(tokens, i, rules)):
        return "_num_"
    if celsius >= rules.fever_c:
        return "_temp_high_"
    return "_temp_raised_" if celsius >= rules.raised_c else "_temp_normal_"


def _alone_but_for(tokens: Sequence[Token], i: int, words: frozenset[str]) -> bool:
    """The reply is the number at `i` with only `words` (and marks) around it: "still
    101", "its 101 now" are a number alone, the reading a check-in asks for."""
    return bool(words) and all(
        j == i or t.kind in ("soft", "hard", "sym") or (t.kind == "word" and t.text in words)
        for j, t in enumerate(tokens))


# -- step 4: matching ---------------------------------------------------------------------------


def _find_matches(clauses: Sequence[_Clause], book: Rulebook,
                  negation: Sequence[_Negation],
                  vetoed: set[str] | None = None) -> list[_Match]:
    """Every finding's readings, the most specific kept per stretch of words.

    A negated reading says nothing, so it must not crowd out the readings it
    overlaps: "sore where they put the needle, no redness" is still a sore IV
    site, and in "arm, not the one with the IV, is swollen" the arm is swollen.
    It is kept, to be discounted, only where nothing else was read ("leg not red").
    `vetoed` collects the red flags an `unless` phrase turned down, and those denied
    where another reading was kept.
    """
    plain: list[_Match] = []
    negated: list[_Match] = []
    # in the order of the rulebook, then of the clauses, then of the phrases: matches
    # of equal length and level keep that order (`_longest_first`)
    found = [match for rule_at, clause_at, phrases in _candidates(clauses, book)
             for match in _rule_matches(book.findings[rule_at], clause_at, clauses[clause_at],
                                        phrases, vetoed)]
    if book.scope.negation_bridge is not None and any(cues for cues, _, _ in negation):
        found = _beyond_denials(found, clauses, negation, book)  # only where a denial is
    for match in found:
        (negated if _is_negated(match, *negation[match.clause], book) else plain).append(match)
    # a denial after the words denies all of them: in "dolor de pecho no" the "dolor" is
    # no ache of its own (it had crowded out the chest pain, which a correction after it,
    # "... bueno, sí, un poco", could then not take back)
    after = [m for m in negated if m.last in negation[m.clause][2]]
    if after:
        plain = [p for p in plain if not any(
            m.clause == p.clause and m.first <= p.first and p.last <= m.last
            and LEVEL_RANK[p.rule.level] <= LEVEL_RANK[m.rule.level] for m in after)]
    if _has_reading(clauses):
        # the words a measured temperature supersedes (`_apply_readings`) must not crowd
        # out the number they hold: "running a 102 fever" read as "running a ... fever"
        # had swallowed the 102, then was dropped for it (round 100, batch QG)
        plain = [m for m in plain if m.rule.key not in book.temperature.superseded]
    kept = _longest_first(plain, clauses, book.scope.soft_words)
    taken = {(m.clause, i) for m in kept for i in range(m.first, m.last + 1)}
    for match in sorted(negated, key=lambda m: -m.size):
        cells = {(match.clause, i) for i in range(match.first, match.last + 1)}
        if taken.isdisjoint(cells):
            taken |= cells
            kept.append(match)
        elif vetoed is not None and match.rule.level in ("emergency", "urgent"):
            # a red flag denied where a milder reading stands ("Headache is NOT the
            # worst ever" leaves a headache): set aside all the same, so that no second
            # reader raises what the patient denied
            vetoed.add(match.rule.key)
    return sorted(kept, key=lambda m: (m.clause, m.first))


def _candidates(clauses: Sequence[_Clause],
                book: Rulebook) -> list[tuple[int, int, list[int]]]:
    """(finding, clause, its phrases) that may match, from the rulebook's word index:
    a phrase made of words cannot match a clause that lacks every word of one of its
    slots (the index holds it under one slot, its prefilter; the others are checked)."""
    found: set[tuple[int, int, int]] = set()
    index = book.phrase_index
    for at, clause in enumerate(clauses):
        words = clause.words
        found.update((rule, at, phrase) for rule, phrase in book.unindexed
                     if book.findings[rule].phrases[phrase].may_occur(clause.text))
        for word in words:
            for rule, phrase, others in index.get(word, ()):
                for slot in others:  # a plain loop: this runs a million times a minute
                    if slot.isdisjoint(words):
                        break
                else:
                    found.add((rule, at, phrase))
    grouped: dict[tuple[int, int], list[int]] = {}
    for rule, at, phrase in sorted(found):
        grouped.setdefault((rule, at), []).append(phrase)
    return [(rule, at, phrases) for (rule, at), phrases in grouped.items()]


def _rule_matches(rule: FindingRule, index: int, clause: _Clause,
                  phrases: Sequence[int], vetoed: set[str] | None = None) -> Iterator[_Match]:
    """The matches of the given phrases of one finding in one clause, less those its
    `unless` phrases veto (a vetoed red flag's key goes into `vetoed`)."""
    vetoes: list[tuple[int, int]] | None = None
    for at in phrases:
        phrase = rule.phrases[at]
        for first, last in _spans(phrase, clause):
            if vetoes is None:
                vetoes = [span for p in rule.unless for span in _cue_spans(p, clause)]
            if not any(a <= last and first <= b for a, b in vetoes):
                yield _Match(rule, phrase, index, first, last)
            elif vetoed is not None and rule.level in ("emergency", "urgent"):
                vetoed.add(rule.key)


def _spans(phrase: Phrase, clause: _Clause) -> Iterator[tuple[int, int]]:
    """Where the phrase matches, as ``finditer`` with the word-start lookbehind would say."""
    text, fast = clause.text, phrase.unanchored
    if fast is None:
        for hit in phrase.regex.finditer(text):
            if hit.end() > hit.start():
                yield span_to_tokens(clause.starts, hit.start(), hit.end())
        return
    pos = 0
    while (found := fast.search(text, pos)) is not None:
        start = found.start()
        if start and text[start - 1] == " ":  # a word starts here: as the lookbehind asks
            yield span_to_tokens(clause.starts, start, found.end())
            pos = found.end()
        else:  # inside a word: a match may still start at a later word
            pos = start + 1


def _beyond_denials(found: list[_Match], clauses: Sequence[_Clause],
                    negation: Sequence[_Negation], book: Rulebook) -> list[_Match]:
    """The matches, those past the reach of the denial before them marked so."""
    held = {(m.clause, i) for m in found for i in range(m.first, m.last + 1)}
    # symptoms whose own words hold the denial ("not sleeping well", "no appetite"): it
    # is theirs, and reaches no further ("no problems breathing" is no symptom)
    denials = book.scope.negation_words
    own = {(m.clause, i) for m in found
           if m.rule.level != "ok" and not m.phrase.words.isdisjoint(denials)
           for i in range(m.first, m.last + 1)}
    return [replace(m, beyond_denial=True)
            if _reach_broken(m, clauses[m.clause], negation[m.clause], held, own, book) else m
            for m in found]


def _reach_broken(match: _Match, clause: _Clause, negation: _Negation,
                  held: set[tuple[int, int]], own: set[tuple[int, int]],
                  book: Rulebook) -> bool:
    """Whether a red flag denied only by a cue's forward reach lies past a word the
    denial cannot reach over: not a bridge word ("don't have any", "no he tenido"), a
    list joiner, a comma, a word of another finding ("no fever chills or rash") or an
    item of the list ("no throat or breathing problems"); or
    whether the cue is part of a finding of its own ("no appetite lips are swelling").
    In a run-on ("not able to sleep chest hurts", "no tengo hambre se me hinchan los
    labios") the cue denies what it stands beside, and a red flag after that counts:
    when unsure, the higher level (safety rule 1)."""
    bridge = book.scope.negation_bridge
    cues, covered, ends = negation
    if bridge is None or match.rule.level not in ("emergency", "urgent") \
            or match.first not in covered or match.last in ends \
            or any(match.first < a <= match.last for a, _ in cues):
        return False
    before = [cue for cue in cues if cue[1] < match.first]
    if not before:
        return False
    first, last = max(before, key=lambda cue: cue[1])
    if (match.clause, first) in own:
        return True
    tokens, joiners = clause.tokens, book.scope.list_joiners
    if _lists_what_is_absent(tokens, first, last, book):
        return False  # a clinician's list: its reach ends only at a stop (`covered`)
    # a word right before a joiner is an item of the denied list, finding or not: "no
    # throat or breathing problems"
    return any(tokens[j].text not in bridge and tokens[j].text not in joiners
               and tokens[j].text != SOFT and (match.clause, j) not in held
               and tokens[j + 1].text not in joiners
               for j in range(last + 1, match.first))


def _longest_first(matches: list[_Match], clauses: Sequence[_Clause],
                   soft: frozenset[str]) -> list[_Match]:
    """Keep the most specific reading of each stretch of words (longest, then highest level).

    Safety rule 1: an emergency reading is never swallowed by a longer, milder one
    ("lips and tongue swelling", "chest pain after the infusion"); nor is an urgent one
    that ends where a longer mild one ends, its subject lost in the mild one's gap: in
    "bad head and the light hurts my eyes" the headache read as "head and the light
    hurts" holds the light that hurts (round 98, batch PY). (A red flag at the start of
    a longer mild reading stays in it: "arm is sore where the drip was" is the IV site.)

    Two readings of one finding that overlap are one stretch: in "arm is sore where the
    drip was, bit tender", the IV site read as "where the drip was, bit tender" also
    holds "arm is sore where the drip", so "arm is sore" is no second, limb reading.
    """
    taken: dict[tuple[int, int], int] = {}
    held_by: dict[tuple[int, int], set[str]] = {}
    kept: list[_Match] = []
    for match in sorted(matches, key=lambda m: (-m.size, -LEVEL_RANK[m.rule.level],
                                                m.clause, m.first)):
        rank = LEVEL_RANK[match.rule.level]
        cells = [(match.clause, i) for i in range(match.first, match.last + 1)]
        owners = [taken[c] for c in cells if c in taken]
        if not owners or (match.rule.level == "emergency" and max(owners) < rank) \
                or (match.rule.level == "urgent"
                    and (_ends_a_milder(kept, match, clauses, soft)
                         or _lends_its_tail(kept, match))):
            kept.append(match)
        elif not any(match.rule.key in held_by.get(c, ()) for c in cells):
            continue
        else:
            _widen_reach(kept, match)
        for c in cells:
            taken[c] = max(rank, taken.get(c, -1))
            held_by.setdefault(c, set()).add(match.rule.key)
    return sorted(kept, key=lambda m: (m.clause, m.first))


def _ends_a_milder(kept: Sequence[_Match], match: _Match, clauses: Sequence[_Clause],
                   soft: frozenset[str]) -> bool:
    """Whether `match` starts in the gap of a longer mild (or ok) reading already kept,
    after a soft boundary in that gap ("and", "y"), on a word that reading's phrase does
    not name, and ends where it ends, overlapping nothing else kept. ("a few hives"
    stays the mild rash: "hives" is its own; "el piquete del brazo está adolorido"
    stays the IV site: no boundary between.)"""
    overlapping = _overlapping(kept, match)
    tokens = clauses[match.clause].tokens
    first = tokens[match.first].text
    return bool(overlapping) and all(
        LEVEL_RANK[k.rule.level] <= LEVEL_RANK["mild"] and k.last == match.last
        and k.first < match.first and first not in k.phrase.words
        and any(t.text in soft for t in tokens[k.first + 1:match.first]) for k in overlapping)


def _overlapping(kept: Sequence[_Match], match: _Match) -> list[_Match]:
    """The kept readings that share a word with `match`."""
    return [k for k in kept if k.clause == match.clause
            and k.first <= match.last and match.first <= k.last]


def _lends_its_tail(kept: Sequence[_Match], match: _Match) -> bool:
    """Whether every longer mild (or ok) reading `match` overlaps starts inside it, after
    its first word, and goes on past its end: the mild reading took the red flag's last
    word for its own start. In "headache, stiff neck, light hurts my eyes" the aches read
    as "neck, light hurts" must not swallow the stiff neck (rounds 116 and 117). (A red
    flag a mild reading starts with stays in it: "arm is sore where the drip was".)"""
    overlapping = _overlapping(kept, match)
    return bool(overlapping) and all(
        LEVEL_RANK[k.rule.level] <= LEVEL_RANK["mild"]
        and match.first < k.first and match.last < k.last for k in overlapping)


def _widen_reach(kept: list[_Match], match: _Match) -> None:
    """Fold a second reading of a kept finding into that finding's reach."""
    for at, other in enumerate(kept):
        first, last = _reach(other)
        if other.rule.key == match.rule.key and other.clause == match.clause \
                and first <= match.last and match.first <= last:
            kept[at] = replace(other, reach=(min(first, match.first), max(last, match.last)))
            return


# -- step 5: negation and resolution ------------------------------------------------------------


def _cue_spans(phrase: Phrase, clause: _Clause) -> list[tuple[int, int]]:
    """A cue list's matches; none without running it when the clause has none of its
    words, and only its cues that may match when it has some. Most clauses hold no
    word of most lists: that test comes first, before anything is looked up or built."""
    prefilter = phrase.prefilter
    if prefilter is not None and prefilter.isdisjoint(clause.words):
        return []
    if not phrase.parts:  # one phrase (a finding's `unless`): the word test alone
        return (list(_spans(phrase, clause))
                if phrase.may_match(clause.words) and phrase.may_occur(clause.text) else [])
    known = clause.cues.get(id(phrase))
    if known is None:
        narrowed = phrase.for_clause(clause.words, clause.text)
        known = clause.cues[id(phrase)] = ([] if narrowed is None
                                           else list(_spans(narrowed, clause)))
    return list(known)


# A clause's negation: its cues, the token positions they govern forward, and the positions
# a finding may end at to be denied by the words after it ("fiebre no tengo").
_Negation = tuple[list[tuple[int, int]], set[int], set[int]]


def _negation(clause: _Clause, book: Rulebook) -> _Negation:
    """The clause's negation cues and the token positions they govern."""
    cues = _negation_cues(clause, book)
    return cues, _negated_positions(clause, cues, book), _denied_before(clause, book)


def _denied_before(clause: _Clause, book: Rulebook) -> set[int]:
    """Where a finding ends that the words right after it deny (past one of
    `after_objects`), when those words end their stretch of the clause: "me duelen los
    huesos, pero fiebre no tengo", "fever: none", "light bothering me no". Only then:
    in "me duele el pecho no tengo fiebre" the "no" is fever's."""
    after = book.scope.negation_after
    if after is None:
        return set()
    ends: set[int] = set()
    soft = clause.soft_ids
    pseudo: list[tuple[int, int]] | None = None
    for first, last in _cue_spans(after, clause):
        if first == 0 or soft[first - 1] != soft[first]:
            continue
        # "confundido de la nada" is confused out of nowhere: a pseudo-negation denies nothing
        if pseudo is None:
            pseudo = _cue_spans(book.scope.pseudo_negation, clause)
        if any(p <= first <= q for p, q in pseudo):
            continue
        if first == last and len(clause.tokens[first].text) == 1 \
                and last + 1 < len(clause.tokens) and clause.tokens[last + 1].kind != "soft":
            continue  # a letter answers only before a comma or the end: "hives n still spreading"
        if last + 1 == len(clause.tokens) or soft[last + 1] != soft[last]:
            ends.add(first - 1)
            # "light bothering me no": the finding's object between it and the denial
            if first >= 2 and clause.tokens[first - 1].text in book.scope.after_objects:
                ends.add(first - 2)
    return ends


def _negation_cues(clause: _Clause, book: Rulebook) -> list[tuple[int, int]]:
    pseudo = _cue_spans(book.scope.pseudo_negation, clause)
    return [(a, b) for a, b in _cue_spans(book.scope.negation, clause)
            if not any(p <= a <= q for p, q in pseudo)]


def _negated_positions(clause: _Clause, cues: Sequence[tuple[int, int]],
                       book: Rulebook) -> set[int]:
    """Token positions governed by a negation cue: forward, within the soft clause or a list."""
    scope = book.scope
    covered: set[int] = set()
    tokens = clause.tokens
    for cue_first, cue_last in cues:
        if _lists_what_is_absent(tokens, cue_first, cue_last, book):
            # a clinician's list of what is absent: to the end of the sentence
            for j in range(cue_last + 1, len(tokens)):
                if tokens[j].text in scope.whole_list_stops:
                    break
                covered.add(j)
            continue
        degree = _denied_degree(tokens, cue_last, scope)
        if degree is not None:
            # "not the worst headache": the degree denied, the headache told
            covered.update(range(cue_last + 1, degree + 1))
            continue
        distance = 0
        allowed = clause.soft_ids[cue_last]
        for j in range(cue_last + 1, len(tokens)):
            if clause.soft_ids[j] != allowed:
                if not _continues_list(tokens, j, scope.list_joiners, scope.soft_words,
                                       scope.window):
                    break
                allowed = clause.soft_ids[j]
            if tokens[j].text in scope.list_joiners:
                distance = 0
                continue
            distance += 1
            if distance > scope.window:
                break
            covered.add(j)
    return covered


def _denied_degree(tokens: Sequence[Token], cue_last: int, scope: ScopeRules) -> int | None:
    """Where a word of `degree` stands after a denial (past one or two words of
    `degree_bridge`): the denial is of how bad, not of what. Round 110 read "Its not the
    worst headache ever or anything, just a normal one" and "No es el peor dolor de
    cabeza de mi vida" as ok: the "not" reached the headache too."""
    if not scope.degree:
        return None
    j = cue_last + 1
    while j < len(tokens) and j <= cue_last + 2 and tokens[j].text in scope.degree_bridge:
        j += 1
    # (past one bridge word at least: "no 'worst headache' no nothing" denies them both)
    if cue_last + 1 < j < len(tokens) - 1 and tokens[j].text in scope.degree:
        return j
    return None


def _lists_what_is_absent(tokens: Sequence[Token], first: int, last: int,
                          book: Rulebook) -> bool:
    """The denial cue at `first`..`last` is one of `whole_list` ("denies", "niega")."""
    whole = book.scope.whole_list
    return bool(whole) and " ".join(t.text for t in tokens[first:last + 1]) in whole


def _continues_list(tokens: Sequence[Token], j: int, joiners: frozenset[str],
                    soft_words: frozenset[str], longest: int) -> bool:
    """"no fever, chills or rash": a comma inside a list keeps the negation going.

    Only a list of short items (`longest` words each, the negation's window): in "dolor
    leve pero no, es un dolor de cabeza severo, no me deja ni abrir los ojos" the "ni"
    far on ends no list of "no", and the severe headache told after the comma is not
    denied by it (round 98, batch PX)."""
    if tokens[j].text != SOFT:
        return False
    item = 0  # words since the last comma
    for token in tokens[j + 1:]:
        if token.text in joiners:
            return True
        if token.text in soft_words:
            return False
        item = 0 if token.text == SOFT else item + 1
        if item > longest:
            return False
    return False


def _is_negated(match: _Match, cues: Sequence[tuple[int, int]], covered: set[int],
                ends: set[int], book: Rulebook) -> bool:
    if match.beyond_denial or not match.phrase.words.isdisjoint(book.scope.negation_words):
        return False  # the negation is part of the symptom: "can't breathe", "no he orinado"
    if match.first in covered or match.last in ends:
        return True
    return any(match.first < a <= match.last for a, _ in cues)  # "leg is not swollen"


def _the_rest(clause: _Clause, book: Rulebook) -> list[tuple[int, int]]:
    """Where the clause names the rest ("otherwise", "everything else", "lo demás")."""
    phrase = book.scope.resolution_the_rest
    return _cue_spans(phrase, clause) if phrase is not None else []


def _returns_told(clause: _Clause, book: Rulebook) -> list[int]:
    """Where the clause says a symptom came back: its return cues, less a return to
    everyday life ("back to work") and a denied one ("the dizzy spell never came back",
    "nunca volvieron")."""
    returns = book.scope.resolution_returns
    if returns is None:
        return []
    spans = _cue_spans(returns, clause)
    denials = _cue_spans(book.scope.negation, clause) if spans else []
    return [first for first, last in spans
            if not _returns_to_life(clause, first, last, book)
            and not any(first - 2 <= b < first for _, b in denials)]


def _resolved(matches: Sequence[_Match], clauses: Sequence[_Clause],
              book: Rulebook) -> set[_Match]:
    """Findings that a resolution cue ("is gone", "se me quitó") says are over.
    An event (a faint, a seizure) happened whatever the patient feels now."""
    resolved: set[_Match] = set()
    if all(m.rule.event or m.rule.level == "ok" for m in matches):
        return resolved  # nothing that could be over: skip the cue searches (the hot path)
    # where the message says it came back: a resolution told before that is undone
    back = [(index, first) for index, clause in enumerate(clauses)
            for first in _returns_told(clause, book)]
    for index, clause in enumerate(clauses):
        neg = _cue_spans(book.scope.negation, clause)  # incl. "hasn't gone": a negated resolution
        # "mostly gone", "a bit better now", "went down a bit": not over either
        partial = ([] if book.scope.resolution_partial is None
                   else _cue_spans(book.scope.resolution_partial, clause))
        usual = ([] if book.scope.resolution_usual is None
                 else _cue_spans(book.scope.resolution_usual, clause))
        relief = ([] if book.scope.resolution_relief_ended is None
                  else _cue_spans(book.scope.resolution_relief_ended, clause))
        rested = ([] if book.scope.resolution_by_rest is None
                  else [a for a, _ in _cue_spans(book.scope.resolution_by_rest, clause)])
        # (looked for only where a partial or a resolution cue is: the hot path)
        rest_spans: list[tuple[int, int]] | None = None
        the_rest: set[int] = set()
        if partial:
            rest_spans = _the_rest(clause, book)
            the_rest = {a for a, _ in rest_spans}
        for either, phrase, mild_only in ((False, book.scope.resolution_after, False),
                                          (True, book.scope.resolution_either, False),
                                          (False, book.scope.resolution_after_mild, True)):
            for first, last in (_cue_spans(phrase, clause) if phrase is not None else []):
                # (told in the past, "went away when they slowed the drip" says what
                # ended it: that "when" makes it no partial, as "better when I sit" is)
                when = _past_with_when(clause, first, last, book)
                if any(last < a <= last + 2 and not when and not (
                        a in the_rest and clause.soft_ids[a] != clause.soft_ids[last])
                        for a, _ in partial) \
                        or any(first - 2 <= a <= last for a, _ in usual):
                    continue  # "fine now I think"; "it's usually pale yellow"
                if rest_spans is None:
                    rest_spans = _the_rest(clause, book)
                if any(first - 3 <= b < first for _, b in rest_spans):
                    # the rest is over, not what came before: "the iv spot is bruised
                    # and sore, everything else is back to normal"
                    continue
                if any(a <= last and first <= b for a, b in relief):
                    continue  # "came back when the tylenol wore off": the relief is over
                if any((index, first) < spot for spot in back):
                    continue  # "stopped and it eased, but it's back now"
                if back and min(back) < (index, first) and _told_as_before(clause, first,
                                                                     book.scope):
                    continue  # "it came back this evening, it had gone yesterday"
                # "stopped when I rested": a red flag that comes with effort stays
                only_mild = mild_only or any(last < a <= last + 3 for a in rested)
                # "no orino, desde anoche nada": a denial after an absence tells it goes on
                denies = any(t.text in book.scope.negation_words
                             for t in clause.tokens[first:last + 1])
                if _cue_is_live(first, index, neg, matches, partial):
                    resolved |= {m for m in _resolution_targets(matches, clauses, index, first,
                                                                last, either, book)
                                 if (not only_mild or m.rule.level == "mild")
                                 and not (denies and m.rule.absence)}
    # only symptoms are over: "breathing fine now" is no resolution of "breathing fine"
    return {m for m in resolved if not m.rule.event and m.rule.level != "ok"}


def _told_as_before(clause: _Clause, first: int, scope: ScopeRules) -> bool:
    """Whether the resolution cue at `first` is told in the pluperfect ("had gone") or
    as what came before, its `had_after` words ending at the cue or on its first word
    ("after it stopped", "después de que se quitó"; not "the headache he had right
    after is gone", where "after" ends another thought)."""
    before = [t.text for t in clause.tokens[max(0, first - 2):first]]
    return bool(before) and (before[-1] in scope.had or (
        len(before) == 2 and before[0] in scope.had and before[1] in scope.had_already)
        or (scope.had_after is not None
            and any(a < first <= b + 1 for a, b in _cue_spans(scope.had_after, clause))))


def _returns_to_life(clause: _Clause, first: int, last: int, book: Rulebook) -> bool:
    """Whether a return cue at `first`..`last` goes on to everyday life ("hoy volví al
    trabajo", "she is back to normal") or follows it ("tengo energía otra vez", "está
    jugando otra vez"): the patient, or the patient's life, is back, not the symptom."""
    to, again = book.scope.resolution_returns_to, book.scope.resolution_life_again
    return (to is not None and any(a == last + 1 for a, _ in _cue_spans(to, clause))) or (
        again is not None and any(first - 2 <= b < first for _, b in _cue_spans(again, clause)))


# How many words after a finding told as past a word of `still` or a return may come and
# keep it news: "had chest pain last week and I still have it", "... and now it's back"
# (the dating words between count).
_STILL_REACH = 6


def _history(matches: Sequence[_Match], clauses: Sequence[_Clause], book: Rulebook,
             well: bool) -> dict[_Match, str]:
    """Findings told with a time long past ("had a stroke back in 2015", "de niña me
    daban convulsiones"), each with the words that date it, when the message says the
    patient is well now (`well`) and nothing says it is back or still there.

    A cue dates the findings of its own soft clause; with none there, those of the
    soft clause just before it ("seizures, when I was a kid") or after it ("in 2015,
    I had a clot").

    A contrast after a cue ("last time I ended up in the ER with hives and my throat
    closing. This time only a small itchy patch", "la vez pasada vomité, pero esta vez
    no") says how the patient is now, as being well does, and dates everything told
    between the cue and it; what follows it is news."""
    rules = book.history
    if rules.cues is None:
        return {}
    cued = [(index, spans) for index, clause in enumerate(clauses)
            if (spans := _history_cues(clause, book))]
    if not cued:
        return {}  # most messages tell no time long past: no contrast is looked for
    # the first contrast that ends at or after the first cue: one told before any time
    # long past ("just wanted to say ... last time I got a terrible headache") sets
    # nothing against it
    start = (cued[0][0], min(first for first, _ in cued[0][1]))
    contrast = _first_cue(clauses, rules.contrast, start)
    if not well and contrast is None:
        return {}
    ongoing: dict[int, set[int]] = {}

    def ongoing_in(index: int) -> set[int]:
        if index not in ongoing:
            ongoing[index] = ({clauses[index].soft_ids[a]
                               for a, _ in _cue_spans(rules.ongoing, clauses[index])}
                              if rules.ongoing is not None else set())
        return ongoing[index]

    def goes_on(m: _Match) -> bool:
        """Told as still there: an `ongoing` cue in the finding's soft clause, or a word
        of `still` or a return cue in the few words after it, before anything else is
        told (on into the next sentence where the finding ends its own), in a stretch
        that tells nothing else ("slight headache the first night, still hanging around
        a bit today"; "chest pain last week and I still have it", "... and now it's
        back"; not "tired the first day, since then bouncing off the walls", nor "still
        on blood thinners", nor "still a bit tired")."""
        clause = clauses[m.clause]
        if clause.soft_ids[m.first] in ongoing_in(m.clause):
            return True
        after = [(m.clause, j) for j in range(m.last + 1, len(clause.tokens))]
        if m.clause + 1 < len(clauses):
            after += [(m.clause + 1, j) for j in range(len(clauses[m.clause + 1].tokens))]
        starts = {(o.clause, o.first) for o in matches}
        told = {(o.clause, clauses[o.clause].soft_ids[o.first]) for o in matches}
        # or told as come back there: "chest pain last week and now it's back"
        back = {(at, first) for at in {a for a, _ in after}
                for first in _returns_told(clauses[at], book)}
        seen = 0
        for at, j in after:
            tokens = clauses[at].tokens
            if (at, j) in starts or seen >= _STILL_REACH:
                return False
            if tokens[j].text == SOFT:
                continue
            seen += 1
            if (at, clauses[at].soft_ids[j]) in told:
                continue
            if (at, j) in back or tokens[j].text in rules.still and not (
                    j + 1 < len(tokens) and tokens[j + 1].text in rules.still_on):
                return True
        return False

    dated: dict[_Match, str] = {}
    for index, cues in cued:
        clause = clauses[index]
        mine = [m for m in matches if m.clause == index and m.rule.level != "ok"]
        # the cue inside a contrast: "nothing like last time when the hives were all
        # over me and my lips swelled, just a headache" dates what it goes on to tell,
        # up to the next comma
        within = (_cue_spans(rules.contrast, clause)
                  if contrast is not None and rules.contrast is not None else [])
        for first, last in cues:
            soft = clause.soft_ids[first]
            if any(a <= first and last <= b for a, b in within):
                said = " ".join(t.text for t in clause.tokens[first:last + 1])
                end = next((j for j in range(last + 1, len(clause.tokens))
                            if clause.tokens[j].kind == "soft"), len(clause.tokens))
                dated.update((m, said) for m in mine if last < m.first < end
                             and not goes_on(m))
                continue
            before_contrast = contrast is not None and (index, first) < contrast
            if soft in ongoing_in(index) or not (well or before_contrast):
                continue
            # (a clause of its own that tells anything, even that something was fine,
            # dates nothing before it: "short of breath on 3 stairs, I could do a whole
            # flight fine last week" dates the flight, not the breath; "much better than
            # the first infusion, when I had a bad headache" still dates what follows)
            told = {clause.soft_ids[m.first] for m in matches if m.clause == index}
            for scope in ((soft, soft + 1) if soft in told else (soft, soft - 1, soft + 1)):
                targets = [m for m in mine if clause.soft_ids[m.first] == scope]
                if targets:
                    break
            if before_contrast and contrast is not None:
                targets += [m for m in matches if m.rule.level != "ok"
                            and (index, first) <= (m.clause, m.first) < contrast]
            said = " ".join(t.text for t in clause.tokens[first:last + 1])
            dated.update((m, said) for m in targets if not goes_on(m))
    return dated


def _fever_brought_down(clauses: Sequence[_Clause], kept: Sequence[tuple[_Clause, int]],
                        current: tuple[_Clause, int],
                        book: Rulebook) -> tuple[_Clause, int] | None:
    """The last fever among `kept` readings when a medicine that brings a fever down is
    named after it and the latest reading is lower: "Temp 38.2 at 6am, 37.9 now after
    Tylenol" is a fever kept down, not one that is over (rule 1: an unsure reading goes
    up). None where no such fever was told."""
    reducers = book.temperature.reducers
    if not reducers or current[0].tokens[current[1]].text == "_temp_high_":
        return None
    order = {id(clause): index for index, clause in enumerate(clauses)}
    fevers = [(c, i) for c, i in kept if c.tokens[i].text == "_temp_high_"]
    if not fevers:
        return None
    clause, i = fevers[-1]
    start = (order[id(clause)], i)
    named = any(token.text in reducers and (index, j) > start
                for index, c in enumerate(clauses) for j, token in enumerate(c.tokens))
    return (clause, i) if named else None


def _first_cue(clauses: Sequence[_Clause], cues: Phrase | None,
               not_before: tuple[int, int] = (0, 0)) -> tuple[int, int] | None:
    """Where the first of `cues` is told: (clause, word), of those ending at or after
    `not_before`."""
    if cues is None:
        return None
    for index, clause in enumerate(clauses[not_before[0]:], start=not_before[0]):
        spans = [first for first, last in _cue_spans(cues, clause)
                 if (index, last) >= not_before]
        if spans:
            return index, min(spans)
    return None


def _ends_its_thought(clause: _Clause, first: int, last: int, book: Rulebook) -> bool:
    """"headache went away (now)" ends there; "went away for the weekend", "went down
    the stairs" or "gone to urgent care" go on to say where, and resolve nothing. Told
    in the past, it may go on to say what ended it ("went away when they slowed the
    drip"); told in the present ("goes away when I sit") it comes back."""
    followers = book.scope.resolution_followers
    if followers is None or last + 1 >= len(clause.tokens):
        return True
    following = clause.tokens[last + 1]
    return (clause.soft_ids[last + 1] != clause.soft_ids[last] or following.kind != "word"
            or following.text in followers or _past_with_when(clause, first, last, book))


def _past_with_when(clause: _Clause, first: int, last: int, book: Rulebook) -> bool:
    """A resolution cue told in the past with "when" / "cuando" within two words after it
    ("went away when they slowed the drip", "went away right when I lay down")."""
    scope = book.scope
    return any(t.text in scope.resolution_followers_past
               for t in clause.tokens[last + 1:last + 3]) and any(
        t.text in scope.resolution_past for t in clause.tokens[first:last + 2])


def _cue_is_live(first: int, index: int, neg: Sequence[tuple[int, int]],
                 matches: Sequence[_Match],
                 partial: Sequence[tuple[int, int]] = ()) -> bool:
    """"hasn't gone away" is not a resolution; neither is "a bit better" nor a cue
    inside a finding. A partial word says so of the cue only when no finding stands
    between them: "little rash went away overnight" is over."""
    if any(first - 2 <= b < first for _, b in neg):
        return False
    if any(first - 2 <= b < first and not any(
            m.clause == index and b < m.first and m.last < first for m in matches)
            for _, b in partial):
        return False
    return not any(m.clause == index and m.rule.level != "ok"
                   and _reach(m)[0] <= first <= _reach(m)[1] for m in matches)


def _reach(match: _Match) -> tuple[int, int]:
    """The words of a finding, with those of its other readings that overlap it."""
    return match.reach or (match.first, match.last)


# The words a resolution cue's own scope may hold and still refer back to the finding
# before it: "it's gone", "they all went away", "everything cleared up", "ya se me quitó".
_REFERS_BACK = frozenset({
    "it", "its", "they", "theyre", "them", "that", "thats", "this", "those", "these", "which",
    "long",  # "those are long gone"
    "all", "both", "everything", "symptoms", "symptom", "side", "effects", "stuff", "thing",
    "things", "whole", "the", "and", "but", "has", "have", "had", "was", "were", "are", "been",
    "now", "finally", "completely", "totally", "mostly", "pretty", "much", "already", "since",
    "then", "today", "tonight", "morning", "night", "yesterday", "just", "also", "too", "one",
    "ones", "lol", "thankfully", "luckily", "seems", "think", "guess", "eso", "esto", "ella",
    "ello", "todo", "todos", "ya", "hoy", "ayer", "anoche", "ahora", "los", "las", "del",
    "sintomas", "efectos", "completamente", "totalmente", "gracias", "dios", "bueno", "pues"})
# Boundary words that set a clause against the one before: "headache but otherwise ok now",
# "fine now otherwise", "todo bien excepto la cabeza" (a resolution there is not of it).
_EXCEPT = frozenset({"otherwise", "except", "excepto", "salvo"})
# "the one on my back has gone", "la otra ya se quitó": another of the same is over, not
# the one told before.
_THE = frozenset({"the", "el", "la", "los", "las"})
_ANOTHER = frozenset({"one", "ones", "other", "others", "otro", "otra", "otros", "otras"})
# Said just before a resolution cue, these make it resolve the list before it as well.
_WHOLE_LIST = frozenset({"all", "both", "todos", "todas", "ambos", "ambas"})
# A plural subject of a cue that refers back ("they cleared up", "se fueron ambos").
_THEY = frozenset({"they", "theyre", "them", "both", "those", "these", "ambos", "ambas"})
# Said with a cue that refers back, these make it resolve every mild finding before it.
_EVERYTHING = _WHOLE_LIST | {"everything", "todo"}
# Said just before a resolution cue, these tell that more than one thing is over ("are
# gone", "both went"); a Spanish cue's verb says so by its ending ("se fueron").
_PLURAL = _WHOLE_LIST | {"are", "were", "have"}
# How far after an `either` cue its finding may start: "se me quitó (el) dolor de cabeza".
_EITHER_REACH = 3


def _resolution_targets(matches: Sequence[_Match], clauses: Sequence[_Clause], index: int,
                        first: int, last: int, either: bool, book: Rulebook) -> set[_Match]:
    """What a cue resolves: the finding it introduces ("se me quitó el dolor"), else,
    if the cue ends its thought, the findings before it in its scope or the scope
    before ("had a headache, it's gone now"). "Mi esposo se fue a trabajar" resolves
    nothing: it introduces no finding and goes on to say something else. A cue whose
    own first words the rules read as a topic being well ("pee is normal colour") ends
    only what came before of that topic, as the leaflet's advice groups them (the
    finding's `advice`): "my eyes look yellow today. pee is normal colour" leaves the
    eyes yellow."""
    clause = clauses[index]
    soft = clause.soft_ids[first]
    mine = [m for m in matches if m.clause == index and clause.soft_ids[m.first] == soft]
    if either:
        # (a word of being well after it is no finding it introduces: "se me quitó 👍")
        introduced = {m for m in mine if last < m.first <= last + _EITHER_REACH
                      and m.rule.level != "ok"}
        if introduced:
            # "se me quitó el dolor de cabeza y la fiebre": the list it introduces, in
            # its scope or in the next one
            end = max(m.last for m in introduced)
            listed = [m for m in matches if m.clause == index
                      and clause.soft_ids[m.first] in (soft, soft + 1)]
            for m in sorted(listed, key=lambda m: m.first):
                if m.first > end and all(t.text in _LIST_WORDS or t.kind != "word"
                                         for t in clause.tokens[end + 1:m.first]):
                    introduced.add(m)
                    end = max(end, m.last)
            return introduced
    if not (_ends_its_thought(clause, first, last, book) or any(
            m.clause == index and m.rule.level == "ok" and last < m.first <= last + 2
            for m in matches)):
        return set()  # (a word of being well right after ends it: "went away all good")
    own = {m for m in mine if m.last < first}
    if own:
        # "chills and aches ... are all gone now": "all"/"both" takes in the list
        near = {t.text for t in clause.tokens[max(0, first - 2):first]}
        before = [m for m in matches
                  if m.clause == index and clause.soft_ids[m.first] == soft - 1]
        # only mild ones: a red flag is not taken back by a list's ending (rule 1),
        # unless the cue says it is over for more than one: "the stiff neck and
        # headache are gone", "el dolor y la fiebre ya se fueron"
        # (a plural verb that agrees with the cue's own plural subject takes in nothing
        # before it: "la orina me sale oscura, los escalofríos ya se fueron")
        plural = bool(near & _PLURAL) or (any(
            t.text.endswith("ron") for t in clause.tokens[first:last + 1]) and not any(
            t.text.endswith("s") for m in own for t in clause.tokens[m.first:m.last + 1]))
        if before and (plural or all(m.rule.level == "mild" for m in before)) \
                and (near & _WHOLE_LIST or _only_findings(clause, soft - 1, before)):
            own |= set(before)
        return own
    # "I had a headache yesterday but it's gone": the cue refers back to the previous scope;
    # a sentence of its own that names something else ("the parking machine at the clinic
    # is broke") resolves no chest pain told before it.
    previous = [m for m in matches if _soft_id(m, clauses) < soft]
    if not previous or not clause.bounds.isdisjoint(_EXCEPT):
        return set()  # "headache, otherwise fine now": fine but for it, not over
    last_scope = max(_soft_id(m, clauses) for m in previous)
    targets = {m for m in previous if _soft_id(m, clauses) == last_scope}
    if _past_told_between(clauses, last_scope, (index, first), book):
        return set()  # "chest tight since an hour, I had the same in 2021 and it passed"
    told = [t.text for i, t in enumerate(clause.tokens[:first])
            if clause.soft_ids[i] == soft and t.kind == "word"]
    after = {t.text for t in clause.tokens[last + 1:last + 2]}  # ("se quitó del todo": wholly)
    if not _THEY.isdisjoint(told[-2:]):
        # "a killer headache and chills the first night, but they cleared up": a plural
        # subject takes in the list the last scope ends ("and chills"), red flags too
        targets |= _listed_before(previous, clauses, last_scope)
    if not _EVERYTHING.isdisjoint(told[-2:]) or not _EVERYTHING.isdisjoint(after):
        # "had a headache and tiredness but it's all gone now", "ya se me pasó todo": the
        # mild ones told before are over too (a red flag only from the scope just before)
        targets |= {m for m in previous if m.rule.level == "mild"}
    if any(a in _THE and b in _ANOTHER for a, b in zip(told, told[1:], strict=False)):
        return set()  # "the rash on my wrist itches, the one on my back has gone"
    if any(m.clause != index for m in targets) \
            and any(w not in _REFERS_BACK and len(w) > 2 for w in told):
        return set()  # a new sentence about something else
    named = next((m.rule.advice for m in matches if m.clause == index and m.first == first
                  and m.rule.level == "ok" and m.rule.advice != "general"), None)
    if named is not None:  # the cue names its own topic: only that is over
        targets = {m for m in targets if m.rule.advice == named}
    if any(m.clause == index and m.rule.level == "ok" and m.first < first <= m.last
           and any(t.text not in _REFERS_BACK for t in clause.tokens[m.first:first])
           for m in matches):
        # the cue ends a report that something else is well: "my lips swelled up,
        # breathing fine now" says the breathing is fine, not that the lips went down
        # (but "pero ya se me pasó todo", well in the cue's own words, is over)
        return set()
    return targets


def _listed_before(previous: Sequence[_Match], clauses: Sequence[_Clause],
                   scope: int) -> set[_Match]:
    """The findings of the scope before `scope` when `scope` goes on a list of them in
    the same clause ("a killer headache | and chills"): the items of one list."""
    last = [m for m in previous if _soft_id(m, clauses) == scope]
    index = last[0].clause
    clause = clauses[index]
    start = clause.soft_ids.index(scope)
    # (a list item, "and chills", not a clause of its own: "and I had a headache")
    if clause.tokens[start].text not in ("and", "y", "e") or any(
            t.text not in _LIST_WORDS for t in clause.tokens[start + 1:min(m.first for m in last)]):
        return set()
    return {m for m in previous if m.clause == index and _soft_id(m, clauses) == scope - 1}


def _past_told_between(clauses: Sequence[_Clause], scope: int, cue: tuple[int, int],
                       book: Rulebook) -> bool:
    """Whether a time long past is told after the soft scope `scope` (that of the
    findings a resolution would refer back to) and before the resolution cue: then the
    cue tells how that past episode ended ("I had the same during my 2nd infusion back
    in 2021 and it passed"), not that the finding told first is over."""
    for index, clause in enumerate(clauses[:cue[0] + 1]):
        for first, _ in _history_cues(clause, book, recent=False):
            if (index, first) < cue and clause.soft_ids[first] > scope:
                return True
    return False


# Words a bare list of symptoms may hold besides the symptoms: "the headache and my chills".
_LIST_WORDS = frozenset({"the", "my", "a", "some", "el", "la", "los", "las", "mi", "mis", "un",
                         "una", "and", "y", "e"})


def _only_findings(clause: _Clause, soft: int, found: Sequence[_Match]) -> bool:
    """Whether soft scope `soft` is nothing but findings ("headache" in "headache and
    chills went away"): then a cue after the list resolves the whole list."""
    covered = {i for m in found for i in range(m.first, m.last + 1)}
    return all(i in covered or t.text in _LIST_WORDS or t.kind != "word"
               for i, t in enumerate(clause.tokens) if clause.soft_ids[i] == soft)


def _soft_id(match: _Match, clauses: Sequence[_Clause]) -> int:
    return clauses[match.clause].soft_ids[match.first]


# -- step 6: result -----------------------------------------------------------------------------


def _to_finding(match: _Match, clauses: Sequence[_Clause], text: str) -> Finding:
    tokens = clauses[match.clause].tokens
    matched = text[tokens[match.first].start: tokens[match.last].end]
    rule = match.rule
    return Finding(rule.key, rule.level, rule.label, matched)


def _combinations(found: list[Finding], book: Rulebook) -> list[Finding]:
    keys = {f.key for f in found}
    extra = []
    for rule in book.findings:
        if rule.requires and all(group & keys for group in rule.requires):
            parts = [f.matched for f in found if any(f.key in g for g in rule.requires)]
            extra.append(Finding(rule.key, rule.level, rule.label, " + ".join(parts)))
    return extra


def _dedupe_sorted(found: Sequence[Finding]) -> tuple[Finding, ...]:
    unique: dict[str, Finding] = {}
    for f in found:
        unique.setdefault(f.key, f)
    return tuple(sorted(unique.values(), key=lambda f: -LEVEL_RANK[f.level]))


def detect_language(text: str, clauses: Sequence[_Clause], book: Rulebook,
                    fallback: str | None) -> str:
    """Count language-specific words (and Spanish accents/¿¡); ties use the caller's hint."""
    words = [t.text for c in clauses for t in c.tokens]
    en = sum(w in book.language_hints["en"] for w in words)
    es = sum(w in book.language_hints["es"] for w in words)
    es += 2 * any(ch in _SPANISH_MARKS for ch in text)
    if es != en:
        return "es" if es > en else "en"
    return fallback if fallback in ("en", "es") else "en"


def analyse(text: str, lang: str | None, book: Rulebook, question: str | None = None,
            history: Sequence[PriorFinding] = ()) -> TriageResult:
    """Triage one message with an explicit rulebook (see `triage` for the cached default)."""
    clauses = _prepare(text, book)
    negation = [_negation(clause, book) for clause in clauses]
    vetoed: set[str] = set()
    matches = _find_matches(clauses, book, negation, vetoed)
    resolved = _resolved(matches, clauses, book)
    said = _said_yes_or_no(clauses, book)
    asking = _is_question(text, clauses, book)
    answering = said if question in book.context.questions else None
    # an instruction said back counts in any message, question or not
    instructed = _instruction_positions(clauses, book, answering)
    if instructed and (_confirmed(clauses, book, max(instructed))
                       or _course_told(clauses, book, matches, instructed) is not None
                       or _had_since(clauses, book, min(instructed)[0])):
        # "said to text if the headache got worse - it has"; "read the leaflet about
        # headaches. I have one now"
        instructed = set()
    # a sentence after a question that says the patient has it ("...? I have it now"),
    # or tells how it goes ("...? Been going on since Friday, getting worse"): the
    # questions before it report
    had = _first_of(_had_after(clauses, book.hypothetical),
                    _course_told(clauses, book, matches)) if asking else None
    hypothetical = _hypothetical_positions(clauses, book, asking, answering, had) | instructed \
        | _only_asking_positions(clauses, book, asking, had)
    before_first = had is None and _before_the_first(clauses, book, asking)
    cue_words = _instruction_words(clauses, book) if instructed else set()
    conditional = _conditional_positions(clauses, book, answering)
    risk = _risk_positions(clauses, book, asking, had)
    # "if my leg swells I call you ... all good", "had a stroke in 2015, nothing new":
    # set aside only when the patient also says they are well now
    plan = _plan_positions(clauses, book, answering)
    well = any(m.rule.level == "ok" and (m.clause, m.first) not in plan
               and not _is_negated(m, *negation[m.clause], book) for m in matches)
    if well:
        hypothetical |= plan
    # Named in an instruction said back, or in what was read or watched, and the patient
    # says they are well: set aside at any level ("watched a programme about strokes and
    # heart attacks, but I feel perfectly well"). Without a word of being well, an
    # emergency named there still counts (safety rule 1).
    named = instructed if well else set()
    # what was dreamt is no report at any level ("soñé que me daba un derrame")
    dreamt = _dream_positions(clauses, book, answering)
    hypothetical |= dreamt
    named |= dreamt
    past = _history(matches, clauses, book, well)
    answered_no = _answered_no(clauses, book, matches)
    ticked_no = _ticked_no(clauses, book, text)
    denied_back = _denied_back(matches, clauses, book) \
        | _taken_back(matches, clauses, negation, book)
    affirmed = _denial_taken_back(matches, clauses, book) \
        | _one_told_again(matches, clauses, negation, book) \
        | _said_untrue(matches, clauses, negation, book) \
        | _told_instead(matches, clauses, negation, book)
    denied_back |= _asked_then_denied(matches, clauses, negation, book) \
        | _normal_said_untrue(matches, clauses, book) | _asked_by_another(matches, clauses, book)
    counted: list[Finding] = []
    where: dict[str, int] = {}  # finding key -> clause it was found in (first occurrence)
    at: dict[str, int] = {}  # finding key -> its first word there
    reasons: list[str] = []
    discounted = False
    set_aside: list[str] = []
    for index in range(len(clauses)):
        for match in (m for m in matches if m.clause == index):
            if match in resolved or match in past or index in answered_no \
                    or (index, match.first) in ticked_no or match in denied_back \
                    or (_is_negated(match, *negation[index], book) and match not in affirmed):
                discounted |= match.rule.level != "ok"
                if match.rule.level != "ok":
                    set_aside.append(match.rule.key)
                if match in past:
                    reasons.append(f"{match.rule.label} told as past history "
                                   f"('{past[match]}'), not as how the patient is now")
            elif (index, match.first) in conditional or (index, match.first) in risk or (
                    (index, match.first) in named and (index, match.last) in named) or (
                    ((index, match.first) in hypothetical
                     # or from the cue's own words into its reach ("checked my eyes ...
                     # for yellow")
                     or ((index, match.first) in cue_words and (index, match.last) in instructed))
                    # wholly inside the cue's reach: "watch for dark pee and my pee is dark"
                    # (an emergency too, asked in a question before the first infusion)
                    and (index, match.last) in hypothetical and (
                        LEVEL_RANK[match.rule.level] <= LEVEL_RANK[book.hypothetical.max_level]
                        or (before_first and clauses[index].question))):
                # "you said to watch for dark pee, none so far" says all is well; a plan
                # ("if I get chest pain, who do I call") is for a person to answer
                discounted |= not asking and (index, match.first) not in conditional
                set_aside.append(match.rule.key)
                if match.rule.level != "ok" and (index, match.first) in dreamt:
                    reasons.append(f"{match.rule.label} dreamt (a dream, not a report)")
                elif match.rule.level != "ok":
                    why = "a question" if asking else "a plan or an instruction"
                    reasons.append(f"asks about {match.rule.label} ({why}, not a report)")
            else:
                eased = _eased(match, clauses, matches, book)
                if eased is not None:
                    # (set aside as read: a reader of word counts cannot read "today
                    # mild", so it may not raise the headache again)
                    set_aside.append(match.rule.key)
                    reasons.append(f"{match.rule.label} told as earlier or taken back, and "
                                   f"as mild now: {eased.label}")
                    match = replace(match, rule=eased)
                counted.append(_to_finding(match, clauses, text))
                where.setdefault(match.rule.key, index)
                at.setdefault(match.rule.key, match.first)
    counted = _apply_readings(counted, clauses, book)
    counted += _scored_alone(counted, where, at, clauses, book)
    gained = _weight_gain(clauses, book, text)
    if gained is not None and all(f.key != gained.key for f in counted):
        counted.append(gained)
        reasons.append(f"weights told, the one of now higher than before: {gained.matched}")
    counted += _combinations(counted, book)
    answer = _answer(text, clauses, said, question, book, counted, reasons)
    if answer is not None:
        counted.append(answer)
    counted += _trend(counted, where, clauses, text, book, history, asking, reasons,
                      (at, set(set_aside)), hypothetical | conditional | risk)
    findings = _dedupe_sorted(counted)
    level = _level(findings, discounted)
    if level == "ok" and _asks_a_person(text, clauses, book):
        # "did my x-ray come back ok?": nothing wrong, but a person has to answer it
        level = "unclear"
        reasons.append("asks a question that a person should answer")
    return TriageResult(level, findings, detect_language(text, clauses, book, lang),
                        tuple(dict.fromkeys(reasons)),
                        set_aside=tuple(dict.fromkeys([*set_aside, *sorted(vetoed)])))


def _eased(match: _Match, clauses: Sequence[_Clause], matches: Sequence[_Match],
           book: Rulebook) -> FindingRule | None:
    """The mild finding `match` eased to (`[trend] eased_to`): dated earlier in its own
    stretch ("tremendo dolor de cabeza tenía ayer"), then told mild now by an `eased` cue
    in a later stretch that names no other symptom, with no worsening told after it ("hoy
    ya es leve, como un 2 de 10"). How bad it was is over; how it is now counts.

    Not dated, its degree may be taken back the same way by a `taken_back` cue, which
    says how mild it really is ("this headache is killing me... jk its about a 3/10"): a
    joke marker alone takes nothing back (`jokes`), the patient's own low grade does."""
    rules = book.trend
    mild = rules.eased_to.get(match.rule.key)
    if mild is None or rules.eased is None:
        return None
    clause = clauses[match.clause]
    soft = clause.soft_ids[match.first]
    said = [t.text for j, t in enumerate(clause.tokens) if clause.soft_ids[j] == soft]
    dated = any(said[j:j + len(seq)] == list(seq) for seq in book.temperature.earlier
                for j in range(len(said) - len(seq) + 1))
    cues = rules.eased if dated else rules.taken_back
    if cues is None:
        return None
    worse = [(i, f) for i, f, _ in _live_cues(rules.worse, clauses, book, rules.milder)]
    for index in range(match.clause, len(clauses)):
        later = clauses[index]
        for first, _ in _cue_spans(cues, later):
            scope = later.soft_ids[first]
            # (nor mild now and worse after it: "today mild but getting worse")
            if (index, scope) <= (match.clause, soft) or any(
                    w >= (index, first) for w in worse) or any(
                    m.clause == index and later.soft_ids[m.first] == scope
                    and m.rule.level != "ok" and m.rule.key != mild for m in matches):
                continue
            return book.by_key[mild]
    return None


# -- step 6: questions about a symptom ----------------------------------------------------------


def asks_a_person(text: str, book: Rulebook) -> bool:
    """Whether a message asks something of a person, with or without a question mark."""
    return _asks_a_person(text, _prepare(text, book), book)


def _confirmed(clauses: Sequence[_Clause], book: Rulebook, after: tuple[int, int]) -> bool:
    """Whether the message says, after the instruction it repeated back (`after`: its
    last position), that what it named came true ("- it has"); said before it ("it has
    been a good week, you said to call if ...") it confirms nothing."""
    confirms = book.hypothetical.confirms
    return confirms is not None and any(
        (index, first) > after for index, clause in enumerate(clauses)
        for first, _ in _cue_spans(confirms, clause))


# The most words a topic the patient asks and answers in one breath may have: "Chest
# pain? nope", "Pee? plenty and pale yellow", "¿Fiebre? nada".
_CHECKLIST_WORDS = 3


def _checklist(clauses: Sequence[_Clause], book: Rulebook) -> bool:
    """Whether every question in the message is a topic the patient names and answers
    right after ("Breathing? fine. Pee? plenty."): a list run down, asking nobody. A
    question word ("is this normal? my pee is pale") or a word asking if all is well
    ("Normal? my pee is pale": `asks_if_well`) keeps it a question."""
    asked = [i for i, c in enumerate(clauses) if c.question]
    return bool(asked) and all(
        i + 1 < len(clauses) and not clauses[i + 1].question
        and 0 < sum(t.kind == "word" for t in clauses[i].tokens) <= _CHECKLIST_WORDS
        and clauses[i].tokens[0].text not in book.hypothetical.question_words
        and clauses[i].words.isdisjoint(book.hypothetical.asks_if_well)
        for i in asked)


def _answered_no(clauses: Sequence[_Clause], book: Rulebook,
                 matches: Sequence[_Match]) -> set[int]:
    """Questions answered no by the sentence right after: "chest pain? nope. breathing
    fine." The patient runs down the list of red flags, echoing each one. A filler
    beside the answer changes nothing: "fainted? no lol". Nor does what follows an answer
    of three words or more up to the first comma, when it tells no symptom: "Leg
    swelling? I have nothing like that, just asking" (but "chest pain? no, it's getting
    worse" answers nothing)."""
    answers = book.scope.answers_no
    out: set[int] = set()
    for index in range(len(clauses) - 1):
        if not clauses[index].question:
            continue
        after = clauses[index + 1]
        said = [t.text for t in after.tokens if t.kind == "word"]
        # ("like" is a filler, and a word of "nothing like that" too)
        if _an_answer(said, answers, book):
            out.add(index)
            continue
        # an answer told in pieces, each an answer: "blood in my pee? no, nothing like
        # that"; "¿sangre en la orina? no, nada de eso"
        pieces = _soft_pieces(after)
        if len(pieces) >= 2 and all(_an_answer(piece, answers, book) for piece in pieces):
            out.add(index)
            continue
        first = [t.text for t, soft in zip(after.tokens, after.soft_ids, strict=True)
                 if soft == after.soft_ids[0] and t.kind == "word"]
        # (an answer of a few words: a bare "no" may go on, "no, it's getting worse")
        if 3 <= len(first) < len(said) and (" ".join(first) in answers or " ".join(
                w for w in first if w not in book.scope.fillers) in answers) and not any(
                m.clause == index + 1 and m.rule.level != "ok" for m in matches):
            out.add(index)
    return out


def _soft_pieces(clause: _Clause) -> list[list[str]]:
    """The words of `clause` in its stretches between commas."""
    pieces: dict[int, list[str]] = {}
    for token, soft in zip(clause.tokens, clause.soft_ids, strict=True):
        if token.kind == "word":
            pieces.setdefault(soft, []).append(token.text)
    return list(pieces.values())


def _an_answer(said: Sequence[str], answers: frozenset[str], book: Rulebook) -> bool:
    """Whether `said` is an answer of `answers` and nothing else, fillers aside."""
    words = [w for w in said if w not in book.scope.fillers]
    return bool(words) and (" ".join(said) in answers or " ".join(words) in answers
                            or all(w in answers for w in words))


def _asked_then_denied(matches: Sequence[_Match], clauses: Sequence[_Clause],
                       negation: Sequence[_Negation], book: Rulebook) -> set[_Match]:
    """A finding the patient asks about and answers no in the next sentence, naming it
    again denied: "bit dizzy? no, not dizzy really, more just tired". Named again, so
    the "no" is its answer, not another's ("chest pain? no, but my leg hurts")."""
    answers = book.scope.answers_no
    out: set[_Match] = set()
    for index in range(len(clauses) - 1):
        after = clauses[index + 1]
        if not clauses[index].question or not after.tokens \
                or after.tokens[0].text not in answers:
            continue
        denied = {m.rule.key for m in matches if m.clause == index + 1
                  and _is_negated(m, *negation[index + 1], book)}
        out.update(m for m in matches if m.clause == index and m.rule.key in denied)
    # "Chest pain? Shortness of breath? Nope and nope": a run of two or more questions,
    # then one answer no for each, told together and alone in the stretch after them
    index = 0
    while index < len(clauses):
        start = index
        while index < len(clauses) and clauses[index].question:
            index += 1
        if index - start >= 2 and index < len(clauses) \
                and _answers_alone(clauses[index], answers, book) >= index - start:
            out.update(m for m in matches if start <= m.clause < index)
        index += 1
    return out


def _asked_by_another(matches: Sequence[_Match], clauses: Sequence[_Clause],
                      book: Rulebook) -> set[_Match]:
    """What someone else asked the patient about, answered no after it: "my kid asked
    if I was gonna pass out from the needle. Nope", "mi prima me preguntó si tenía
    dificultad para respirar, le dije que no". The findings the question asks about (in
    its clause, up to a new report) are denied; what is told after the answer is news
    ("she asked if I had chest pain, I said no, and now my leg is swollen"). No answer,
    or one taken back after it ("No, but I have it now"), and nothing is denied (safety
    rule 1)."""
    rules = book.hypothetical
    if rules.asked_by is None or rules.asked_no is None:
        return set()
    out: set[_Match] = set()
    for index, clause in enumerate(clauses):
        asked = _cue_spans(rules.asked_by, clause)
        if not asked:
            continue
        start = (index, min(last for _, last in asked))
        answer = _first_cue(clauses, rules.asked_no, start)
        if answer is None or _answer_taken_back(clauses, answer, rules.asked_but):
            continue
        # the question asks up to a new report in its own clause ("she asked if I had
        # chest pain and my leg is swollen. No" denies the chest pain only)
        ends = [first for first, _ in _cue_spans(rules.reach_ends, clause)
                if first > start[1]] if rules.reach_ends is not None else []
        end = (index, min(ends)) if ends else (index + 1, -1)
        out.update(m for m in matches if start < (m.clause, m.first)
                   and (m.clause, m.last) < min(answer, end))
    return out


def _answer_taken_back(clauses: Sequence[_Clause], answer: tuple[int, int],
                       words: frozenset[str]) -> bool:
    """Whether a word of `words` follows the answer in its clause, or ends that clause
    ("No, but I have it now": "but" is the boundary the next clause shares)."""
    index, at = answer
    here = clauses[index]
    if not words.isdisjoint(t.text for t in here.tokens[at + 1:]):
        return True
    return index + 1 < len(clauses) and not words.isdisjoint(
        here.bounds & clauses[index + 1].bounds)


def _answers_alone(clause: _Clause, answers: frozenset[str], book: Rulebook) -> int:
    """How many answers make up `clause` up to its first comma ("nope and nope, I
    checked the list": 2); 0 when any other word is there but a joiner ("and")."""
    count = 0
    for token in clause.tokens:
        if token.text == SOFT:
            break
        if token.text in answers:
            count += 1
        elif token.text not in book.scope.soft_words:
            return 0
    return count


def _ticked_no(clauses: Sequence[_Clause], book: Rulebook,
               text: str) -> set[tuple[int, int]]:
    """(clause, word) positions a list the patient fills in answers no: a topic before
    an answer that stands alone after a colon, dash or comma ("1. headache - no", "fever:
    none, chest pain: none", "Fever: never had one."), and the words before a mark that
    says no ("Fever ✘ Rash ✘"). A topic is the first stretch of its clause or follows an
    answer, and holds no answer itself: "I have a headache, no fever" denies nothing of
    the headache, nor does "no, no, yes (fever 38.0), no" the fever; a number before the
    answer makes it another item's ("1) yes, wheezing 2) no"). Only in a list: two
    answers no, two labels, lines, or a mark ("my chest hurts, no" is none: safety rule 1).
    """
    scope = book.scope
    answers, yes, marks = scope.answers_no, scope.answers_yes, scope.answer_marks_no
    out: set[tuple[int, int]] = set()
    if not answers and not marks:
        return out
    firsts = _first_words(answers)
    if "\n" not in text.strip() and not any(mark in text for mark in marks) \
            and sum(t.text in firsts for clause in clauses if not clause.words.isdisjoint(firsts)
                    for t in clause.tokens) < 2 and len(_LABELS.findall(text)) < 2:
        return out  # no list: two answers, lines, labels or a mark (the hot path)
    items = 0

    def alone(words: Sequence[str]) -> bool:
        return bool(words) and (" ".join(words) in answers or all(w in answers for w in words))

    for index, clause in enumerate(clauses):
        tokens = clause.tokens
        positions = [at for _, at in _stretches(clause)]
        said = [[tokens[i].text for i in at if tokens[i].kind == "word"] for at in positions]
        for k in range(1, len(said)):
            topic = said[k - 1]
            if not alone(said[k]) or not topic or tokens[positions[k - 1][-1]].kind == "num" \
                    or any(w in answers or w in yes for w in topic):
                continue
            # a topic: labelled ("fever: no"), first, or after an answer or an item's number
            boundary = tokens[positions[k][0] - 1]
            labelled = boundary.kind == "soft" and ":" in text[boundary.start:boundary.end]
            if k >= 2 and not labelled and not (
                    alone(said[k - 2]) or not said[k - 2]
                    or any(w in yes for w in said[k - 2])):
                continue
            out.update((index, i) for i in positions[k - 1])
            items += 1
        start = 0
        for i, token in enumerate(tokens):
            if token.kind == "sym" and token.text in marks:
                out.update((index, j) for j in range(start, i))
                items += 2  # a mark is a list of itself
            if token.kind in ("sym", "soft"):
                start = i + 1
    listed = items >= 2 or len(_LABELS.findall(text)) >= 2 or "\n" in text.strip()
    return out if listed else set()


@lru_cache(maxsize=4)
def _first_words(answers: frozenset[str]) -> frozenset[str]:
    """The words an answer may start with: a list holds two of them at least."""
    return frozenset(answer.split(" ")[0] for answer in answers)


# A topic labelled with a colon: "Fever: none" (not a time: "10:30").
_LABELS = re.compile(r"[^\W\d_]\s*:")


def _denied_back(matches: Sequence[_Match], clauses: Sequence[_Clause],
                 book: Rulebook) -> set[_Match]:
    """The signs of a list a patient denies in one breath after it ("watch for chest pain,
    trouble breathing, dark pee and swollen legs. Checked, none of those"): an answer of
    `answers_none_of` standing alone denies the signs told before it in its sentence, or
    with none there, those of the sentence before. Only a list of two signs or more: "my
    chest hurts. nothing" stays (safety rule 1)."""
    phrases = book.scope.answers_none_of
    out: set[_Match] = set()
    if not phrases or len({m.rule.key for m in matches if m.rule.level != "ok"}) < 2:
        return out  # no list of signs to deny (the hot path)
    for index, clause in enumerate(clauses):
        for _, at in _stretches(clause):
            said = [clause.tokens[i].text for i in at if clause.tokens[i].kind == "word"]
            if " ".join(said) not in phrases and not _ends_with_none_of(said, phrases):
                continue
            if any(m.clause == index and at[0] <= m.first <= at[-1] and m.rule.level != "ok"
                   for m in matches):
                continue  # "chest pain and trouble breathing, neither getting better"
            told = [m for m in matches if m.clause == index and m.last < at[0]
                    and m.rule.level != "ok"]
            if not told and index > 0:
                told = [m for m in matches if m.clause == index - 1 and m.rule.level != "ok"]
            told = _the_list_named(told, clauses, book)
            if len({m.rule.key for m in told}) >= 2:
                out.update(told)
    return out


def _the_list_named(told: list[_Match], clauses: Sequence[_Clause],
                    book: Rulebook) -> list[_Match]:
    """Where the sentence names where its list came from ("the nurse said watch for",
    "my daughter googled it"), only the signs after that are the list: "headache and
    rash today, the nurse said watch for chest pain and trouble breathing. none of
    those" still has its headache and rash."""
    if not told:
        return told
    index = told[0].clause
    starts = [first for cues in (book.hypothetical.instructions, book.hypothetical.cues)
              if cues is not None for first, _ in _cue_spans(cues, clauses[index])]
    if not starts:
        return told
    return [m for m in told if m.first > min(starts)]


def _ends_with_none_of(said: Sequence[str], phrases: frozenset[str]) -> bool:
    """A stretch closing with an answer of several words after a short lead-in: "just
    want to say I have neither" (a one-word answer must stand alone: "and nothing helps"
    denies nothing)."""
    for lead in range(1, min(5, len(said))):
        tail = said[lead:]
        if len(tail) >= 2 and " ".join(tail) in phrases:
            return True
    return False


def _corrected(symptoms: Sequence[_Match], clauses: Sequence[_Clause], book: Rulebook,
               cues: Phrase | None) -> Iterator[tuple[int, _Clause, _Match, list[int]]]:
    """Each correction cue of `cues` ("scratch that", "digo") with a finding told just
    before it and words after it: (clause index, clause, that finding, the words'
    positions)."""
    if cues is None:
        return
    for index, clause in enumerate(clauses):
        for first, last in _cue_spans(cues, clause):
            told = _told_just_before(symptoms, clauses, index, first)
            after = _words_after(clause, last + 1)
            if told is not None and after:
                yield index, clause, told, after


def _denial_taken_back(matches: Sequence[_Match], clauses: Sequence[_Clause],
                       book: Rulebook) -> set[_Match]:
    """Findings denied, then taken back as soon as typed: "Not having trouble breathing.
    Scratch that, I am", "no tengo fiebre, digo, sí tengo". The finding told just before
    a correction cue counts, denied or not, when the words right after the cue open with
    one of `corrections_affirm` and tell no other finding (safety rule 1: the later word
    is the patient's)."""
    affirm = book.scope.corrections_affirm
    symptoms = [m for m in matches if m.rule.level != "ok"]
    if affirm is None or not symptoms:
        return set()  # nothing denied to take back (the hot path)
    # ("no chest pain, I mean I have a headache" tells another finding instead; "scratch
    # that, I do not" keeps the denial)
    return {told for cues in (book.scope.corrections, book.scope.corrections_denial)
            for index, clause, told, after in _corrected(symptoms, clauses, book, cues)
            if any(a == after[0] for a, _ in _cue_spans(affirm, clause))
            and not any(m.clause == index and m.first in after for m in symptoms)
            and not any(a in after for a, _ in _cue_spans(book.scope.negation, clause))}


def _said_untrue(matches: Sequence[_Match], clauses: Sequence[_Clause],
                 negation: Sequence[_Negation], book: Rulebook) -> set[_Match]:
    """Findings denied in what the patient says they said before (`mistaken`: "i said no
    chest pain on the call this morning") that a cue later in that clause or the two
    after calls untrue (`untrue`: "but that wasn't true"): they count (safety rule 1)."""
    return _called_untrue([m for m in matches if m.rule.level != "ok"
                           and _is_negated(m, *negation[m.clause], book)], clauses, book,
                          (book.scope.untrue,))


def _normal_said_untrue(matches: Sequence[_Match], clauses: Sequence[_Clause],
                        book: Rulebook) -> set[_Match]:
    """Normal findings in what the patient says they said before (`mistaken`: "I said I
    was weeing fine") that a cue later calls untrue (`untrue`, or `normal_untrue`: "but
    actually", "but tbh"): set aside, so the topic is left to the second reader and to
    asking back, as if the normal had not been told."""
    return _called_untrue([m for m in matches if m.rule.level == "ok"], clauses, book,
                          (book.scope.untrue, book.scope.normal_untrue))


def _called_untrue(told: Sequence[_Match], clauses: Sequence[_Clause], book: Rulebook,
                   untrue: Sequence[Phrase | None]) -> set[_Match]:
    """Of `told`, those after a `mistaken` cue in their clause that a cue of `untrue`
    later in that clause or the two after it calls untrue."""
    mistaken = book.scope.mistaken
    if mistaken is None:
        return set()
    # (the mistaken cue first: an ok finding is in most messages, a cue before it is not)
    said = [m for m in told
            if any(first < m.first for first, _ in _cue_spans(mistaken, clauses[m.clause]))]
    if not said:
        return set()  # nothing told as said before (the hot path)
    spots = [(index, first) for phrase in untrue if phrase is not None
             for index, clause in enumerate(clauses) for first, _ in _cue_spans(phrase, clause)]
    return {m for m in said
            if any((m.clause, m.last) < spot and spot[0] <= m.clause + 2 for spot in spots)}


def _told_instead(matches: Sequence[_Match], clauses: Sequence[_Clause],
                  negation: Sequence[_Negation], book: Rulebook) -> set[_Match]:
    """Emergencies denied by one word, then told by another (`told_instead`: a pressure,
    a tightness) after the denial, in that sentence or the three after it: "no chest pain but
    some pressure", "no tengo dolor de pecho... bueno, una presión aquí en el medio",
    "chest doesn't hurt, it's more of a squeeze". The patient corrected the word, not the
    finding: it counts (safety rule 1). Not when that word is denied too ("no pain, no
    pressure"), belongs to another finding, or is placed somewhere the denied finding's
    words are not ("no chest pain, just pressure in my sinuses")."""
    cues = book.scope.told_instead
    if cues is None:
        return set()
    denied = [m for m in matches if m.rule.level == "emergency"
              and _is_negated(m, *negation[m.clause], book)]
    out: set[_Match] = set()
    for m in denied:  # none in most messages (the hot path)
        own = {t.text for t in clauses[m.clause].tokens[m.first:m.last + 1]}
        # ("No chest pain. well. not pain exactly. more like a squeezing")
        for index in range(m.clause, min(m.clause + 4, len(clauses))):
            clause = clauses[index]
            for first, last in _cue_spans(cues, clause):
                if (index == m.clause and first <= m.last) or first in negation[index][1] \
                        or _placed_elsewhere(clause, first, last, own, book) or any(
                            o.clause == index and o.first <= last and first <= o.last
                            and o.rule.level != "ok" and o is not m for o in matches):
                    continue
                out.add(m)
    return out


def _placed_elsewhere(clause: _Clause, first: int, last: int, own: set[str],
                      book: Rulebook) -> bool:
    """Whether a number, or a place or sense (`instead_elsewhere`: "sinuses", "blood")
    that none of `own`'s words name, is told within three words before the span or four
    after it."""
    near = clause.tokens[max(first - 3, 0):first] + clause.tokens[last + 1:last + 5]
    return any(t.kind in ("num", "score") or (t.text in book.scope.instead_elsewhere
                                      and t.text not in own) for t in near)


def _one_told_again(matches: Sequence[_Match], clauses: Sequence[_Clause],
                    negation: Sequence[_Negation], book: Rulebook) -> set[_Match]:
    """The last finding denied in a sentence, told again as "one" in the sentence after
    it (`one_again`): "I haven't had a seizure in six years but had one this morning",
    "no había tenido fiebre en meses pero ayer tuve una". It counts (safety rule 1)."""
    cues = book.scope.one_again
    out: set[_Match] = set()
    if cues is None or len(clauses) < 2:
        return out
    for index in range(1, len(clauses)):
        if not _cue_spans(cues, clauses[index]):
            continue
        denied = [m for m in matches if m.clause == index - 1 and m.rule.level != "ok"
                  and _is_negated(m, *negation[index - 1], book)]
        if denied:
            out.add(max(denied, key=lambda m: m.last))
    return out


def _taken_back(matches: Sequence[_Match], clauses: Sequence[_Clause],
                negation: Sequence[_Negation], book: Rulebook) -> set[_Match]:
    """Findings the patient takes back: corrected as soon as typed ("I had chest pain..
    sorry I mean chest COLD", "dolor de pecho, digo, dolor de espalda": the words after
    the cue open with a word of the finding and read nothing as high themselves, or
    deny it by name: "medyo dizzy po. No sorry I mean sleepy, not dizzy"), or
    told as what they thought they saw before finding what it was ("I thought my pee
    looked red but it was the beets")."""
    scope = book.scope
    out: set[_Match] = set()
    if scope.corrections is None and scope.mistaken is None:
        return out
    symptoms = [m for m in matches if m.rule.level != "ok"]
    if not symptoms:
        return out  # nothing to take back (the hot path)
    for index, clause, told, after in _corrected(symptoms, clauses, book,
                                                 scope.corrections):
        words = {t.text for t in clauses[told.clause].tokens[told.first:told.last + 1]}
        denied_by_name = any(
            m.clause == index and m.first >= after[0] and m.rule.key == told.rule.key
            and _is_negated(m, *negation[index], book) for m in symptoms)
        if denied_by_name or (any(clause.tokens[j].text in words for j in after[:2]) and not any(
                m.clause == index and m.first in after
                and LEVEL_RANK[m.rule.level] >= LEVEL_RANK[told.rule.level]
                for m in symptoms)):
            out.update(m for m in symptoms if m.clause == told.clause
                       and m.first <= told.last and told.first <= m.last)
    for index, clause in enumerate(clauses):
        thoughts = (_cue_spans(scope.mistaken, clause)
                    if scope.mistaken is not None and scope.mistaken_then is not None
                    and any(m.clause == index for m in symptoms) else [])
        # what was thought over is not what was thought seen: "I thought my chest pain
        # was gone but it was just the painkillers"
        # (a cue inside a finding's own words is none: "I thought I'd passed out")
        over = [a for phrase in (scope.resolution_after, scope.resolution_either)
                for a, _ in _cue_spans(phrase, clause)
                if not any(m.clause == index and m.first <= a <= m.last for m in symptoms)
                ] if thoughts else []
        for _, last in thoughts:
            if any(a > last for a in over) or scope.mistaken_then is None:
                continue
            thought = [m for m in symptoms if m.clause == index and m.first > last]
            then = [a for a, _ in _cue_spans(scope.mistaken_then, clause) if a > last]
            if then:  # "thought my ankles were puffy, it was just sock marks"
                found = [m for m in symptoms if m.clause == index and m.first >= min(then)]
                thought = [m for m in thought if m.last < min(then)]
            elif index + 1 < len(clauses) and _cue_spans(scope.mistaken_then,
                                                         clauses[index + 1]):
                found = [m for m in symptoms if m.clause == index + 1]
            else:
                continue
            # what it turned out to be is no less: "I thought I had a fever, it was 38.5"
            out.update(m for m in thought if not any(
                LEVEL_RANK[f.rule.level] >= LEVEL_RANK[m.rule.level] for f in found))
    return out


def _told_just_before(symptoms: Sequence[_Match], clauses: Sequence[_Clause], index: int,
                      at: int) -> _Match | None:
    """The finding that ends within three words before position `at` of clause `index`,
    or, with `at` opening its clause (at most two words before it: "bueno no, miento"),
    at the end of the clause before."""
    opening = sum(t.kind == "word" for t in clauses[index].tokens[:at]) <= 2
    near = [m for m in symptoms if (m.clause == index and m.last < at <= m.last + 3) or (
        opening and index > 0 and m.clause == index - 1
        and m.last >= len(clauses[index - 1].tokens) - 3)]
    return max(near, key=lambda m: (m.clause, m.last)) if near else None


def _words_after(clause: _Clause, start: int) -> list[int]:
    """The positions of the stretch that follows `start` (commas right there skipped)."""
    out: list[int] = []
    for j in range(start, len(clause.tokens)):
        if clause.tokens[j].kind == "soft":
            if out:
                break
            continue
        out.append(j)
    return out


def _stretches(clause: _Clause) -> list[tuple[int, list[int]]]:
    """The clause's soft stretches in order: (soft id, positions of their words, numbers
    and marks), the commas and dashes between them left out."""
    out: list[tuple[int, list[int]]] = []
    for i, token in enumerate(clause.tokens):
        if token.kind == "soft":
            continue
        soft = clause.soft_ids[i]
        if not out or out[-1][0] != soft:
            out.append((soft, []))
        out[-1][1].append(i)
    return out


def is_question(text: str, book: Rulebook) -> bool:
    """A question mark, or a first word that opens a question ("can my husband pick up
    the paperwork for me"), or a request said without a mark (`asks_a_person`)."""
    clauses = _prepare(text, book)
    return _is_question(text, clauses, book) or _asks_a_person(text, clauses, book)


def _asks_a_person(text: str, clauses: Sequence[_Clause], book: Rulebook) -> bool:
    """A question mark, or a request said without one ("do you know a good vet",
    "me puede llamar"): texters often leave the mark out. The patient's own checklist
    asks nobody ("Breathing? fine. Pee? plenty and pale yellow.")."""
    if "?" in text or "\u00bf" in text:
        return not _checklist(clauses, book)
    requests = book.hypothetical.requests
    return requests is not None and any(_cue_spans(requests, c) for c in clauses)


def _is_question(text: str, clauses: Sequence[_Clause], book: Rulebook) -> bool:
    if "?" in text or "\u00bf" in text:
        return not _checklist(clauses, book)
    first = clauses[0].tokens[0].text if clauses and clauses[0].tokens else ""
    return first in book.hypothetical.question_words


def _hypothetical_positions(clauses: Sequence[_Clause], book: Rulebook, asking: bool,
                            said: tuple[str, int, int] | None,
                            had: int | None) -> set[tuple[int, int]]:
    """(clause, token) positions governed by a cue such as "if" in a message that asks,
    up to the next comma ("what if I get a fever and chills?"), in the clauses before
    `had` (`_had_after`); an instruction repeated back counts in any message
    (`_instruction_positions`)."""
    rules = book.hypothetical
    cue_lists = [p for p in (rules.cues if asking else None,
                             rules.risk if asking else None) if p is not None]
    return {(index, j) for index, j in _reach_of(cue_lists, clauses, book, asking, said)
            if had is None or had <= index}


def _only_asking_positions(clauses: Sequence[_Clause], book: Rulebook, asking: bool,
                           had: int | None) -> set[tuple[int, int]]:
    """(clause, token) positions of the questions that a sentence right after them says
    only ask ("is dark pee something to worry about? I don't have it, just asking"): the
    run of questions just before it, and its own words before it when it is a question
    itself ("is it normal to get swollen ankles, just asking?"). Not where a reason
    follows in its clause ("only asking cos I go woozy when I stand"), it is taken back
    ("just asking, but I have it now") or a sentence says the patient has it (`had`)."""
    rules = book.hypothetical
    if not asking or rules.only_asking is None or had is not None:
        return set()
    positions: set[tuple[int, int]] = set()
    for index, clause in enumerate(clauses):
        for first, last in _cue_spans(rules.only_asking, clause):
            if not rules.only_asking_why.isdisjoint(t.text for t in clause.tokens[last + 1:]) \
                    or _answer_taken_back(clauses, (index, last), rules.asked_but):
                continue
            start = index
            while start > 0 and clauses[start - 1].question:
                start -= 1
            positions.update((i, j) for i in range(start, index)
                             for j in range(len(clauses[i].tokens)))
            if clause.question:
                positions.update((index, j) for j in range(first))
    return positions


def _first_of(a: int | None, b: int | None) -> int | None:
    """The earlier of two clause indexes, either of which may be missing."""
    return b if a is None else (a if b is None else min(a, b))


def _course_told(clauses: Sequence[_Clause], book: Rulebook, matches: Sequence[_Match],
                 instructed: set[tuple[int, int]] | None = None) -> int | None:
    """The clause where a symptom named in a question or in an instruction said back is
    then told as worse, with no symptom of its own: the patient has it ("is it normal to
    feel like you can't get a full breath in? ... getting worse"; "I know the leaflet
    says headaches are common but this one is severe"). Only after the first question
    (`instructed` None) or after the instruction's reach, never inside either."""
    rules = book.trend
    asked = [i for i, c in enumerate(clauses) if c.question]
    if (instructed is None and not asked) or rules.worse is None:
        return None
    for index, first, _ in _live_cues(rules.worse, clauses, book, rules.milder):
        if instructed is not None:
            told = (index, first) > max(instructed) and (index, first) not in instructed
        else:
            told = index > asked[0] and not clauses[index].question
        if told and not any(m.clause == index and m.rule.level != "ok" and
                            (instructed is None or (index, m.first) not in instructed)
                            for m in matches):
            return index
    return None


def _had_since(clauses: Sequence[_Clause], book: Rulebook, first: int) -> bool:
    """Whether a clause from `first` on says the patient has what was named (`risk_had`):
    what was read or heard about is then a report after all. Not one that asks ("how
    would I know if that's happening to me?"), nor one that denies ("I don't have
    that")."""
    rules = book.hypothetical.risk_had
    if rules is None:
        return False
    for clause in clauses[first:]:
        if clause.question:
            continue
        denials = _negation_cues(clause, book)
        if any(not any(a <= q <= b for q, _ in denials) for a, b in _cue_spans(rules, clause)):
            return True
    return False


def _had_after(clauses: Sequence[_Clause], rules: HypotheticalRules) -> int | None:
    """The first clause that says the patient has what a question asked about ("what
    are the signs of a clot? I have that now"): the questions before it report."""
    if rules.risk_had is None:
        return None
    return next((index for index, clause in enumerate(clauses)
                 if _cue_spans(rules.risk_had, clause)), None)


def _instruction_positions(clauses: Sequence[_Clause], book: Rulebook,
                           said: tuple[str, int, int] | None) -> set[tuple[int, int]]:
    """The reach of an instruction said back or of what was read or watched ("the
    leaflet about clots", "watched a programme about strokes"): named, not felt."""
    rules = book.hypothetical
    if rules.instructions is None:
        return set()
    return _reach_of([rules.instructions], clauses, book, False, said, lists=True)


def _dream_positions(clauses: Sequence[_Clause], book: Rulebook,
                     said: tuple[str, int, int] | None) -> set[tuple[int, int]]:
    """The reach of what was dreamt (`[hypothetical] dreams`): dreamt, not felt."""
    dreams = book.hypothetical.dreams
    if dreams is None:
        return set()
    return _reach_of([dreams], clauses, book, False, said)


def _instruction_words(clauses: Sequence[_Clause], book: Rulebook) -> set[tuple[int, int]]:
    """The words of the instruction cues themselves: a finding that starts there and
    ends in their reach is named, not felt ("checked my eyes in the mirror for yellow":
    the eyes are in the cue, the yellow after it). One wholly inside a cue is not ("the
    thermometer read 38.0 on the dot" holds "read ... on")."""
    rules = book.hypothetical
    if rules.instructions is None:
        return set()
    return {(index, j) for index, clause in enumerate(clauses)
            for first, last in _cue_spans(rules.instructions, clause)
            for j in range(first, last + 1)}


def _reach_of(cue_lists: Sequence[Phrase], clauses: Sequence[_Clause], book: Rulebook,
              asking: bool, said: tuple[str, int, int] | None,
              lists: bool = False) -> set[tuple[int, int]]:
    rules = book.hypothetical
    positions: set[tuple[int, int]] = set()
    if _before_the_first(clauses, book, asking):
        # asked before the first infusion: the whole message is a question
        return {(index, j) for index, clause in enumerate(clauses)
                for j in range(len(clause.tokens))}
    for index, clause in enumerate(clauses):
        for phrase in cue_lists:
            for first, last in _cue_spans(phrase, clause):
                if index == 0 and said is not None and said[1] <= first <= said[2]:
                    continue  # answering a check-in, "si me duele la pierna" starts with "sí"
                # a cue that ends on its comma ("the list of side effects,") reaches
                # over that comma only into a list: "..., strokes and clots" is read,
                # "..., my leg is swollen and red" is told
                start = last if clause.tokens[last].text == SOFT else last + 1
                positions.update((index, j)
                                 for j in _up_to_comma(clause, start, rules, lists))
    return positions


def _before_the_first(clauses: Sequence[_Clause], book: Rulebook, asking: bool) -> bool:
    """Whether a question is asked before the first infusion (`not_yet`): "is it normal
    to get chest pain after IVIG? my first one is next week" reports nothing."""
    not_yet = book.hypothetical.not_yet
    return asking and not_yet is not None and any(_cue_spans(not_yet, c) for c in clauses)


def _risk_positions(clauses: Sequence[_Clause], book: Rulebook, asking: bool,
                    had: int | None) -> set[tuple[int, int]]:
    """In a question, what follows "cause", "risk of", "causar" up to the next comma, and
    what the cue holds ("how would I tell a stroke apart from a migraine"): asked about,
    at any level ("can IVIG cause a stroke?"), unless the same sentence says the patient
    has it ("can it cause chest pain like I have now?") or a later one says so of what
    was asked ("can IVIG cause chest pain? I have it now": `had`, see `_had_after`)."""
    rules = book.hypothetical
    if not asking or rules.risk is None:
        return set()
    return {(index, j) for index, clause in enumerate(clauses)
            if had is None or had <= index
            if rules.risk_unless is None or not _cue_spans(rules.risk_unless, clause)
            for first, _ in _cue_spans(rules.risk, clause)
            # (a cue asked after its comma, "rash on my wrist, will it spread?", reaches
            # from the word after it)
            for j in _up_to_comma(clause, first + (clause.tokens[first].text == SOFT), rules)}


def _conditional_positions(clauses: Sequence[_Clause], book: Rulebook,
                           said: tuple[str, int, int] | None) -> set[tuple[int, int]]:
    """Where a finding would start right after "if I get" / "si me da": planned for,
    not happening. Only right after: "if I get up I get chest pain" still reports one."""
    rules = book.hypothetical
    if rules.conditionals is None:
        return set()
    positions: set[tuple[int, int]] = set()
    for index, clause in enumerate(clauses):
        # "she asked if I had chest pain" is another's question (`_asked_by_another`),
        # no plan: without the patient's answer no, what it names is told
        asked = _cue_spans(rules.asked_by, clause) if rules.asked_by is not None else []
        for first, last in _cue_spans(rules.conditionals, clause):
            if index == 0 and said is not None and said[1] <= first <= said[2]:
                continue
            if any(a <= first <= b for a, b in asked):
                continue
            reach = range(last + 1, min(last + 2 + rules.conditional_reach, len(clause.tokens)))
            positions.update((index, j) for j in reach if clause.tokens[j].text != SOFT)
            # a list goes on: "what do I do if I get chest pain or trouble breathing"
            # (each item short; "if I get up I get chest pain or I can't breathe" is none)
            item_end, j = last + 2 + rules.conditional_reach, last + 1
            while j <= item_end and j < len(clause.tokens) \
                    and clause.soft_ids[j] == clause.soft_ids[last]:
                if clause.tokens[j].text in book.scope.list_joiners:
                    after = range(j + 1, min(j + 2 + rules.conditional_reach, len(clause.tokens)))
                    positions.update((index, k) for k in after if clause.tokens[k].text != SOFT)
                    item_end = j + 2 + rules.conditional_reach
                j += 1
    return positions


def _plan_positions(clauses: Sequence[_Clause], book: Rulebook,
                    said: tuple[str, int, int] | None) -> set[tuple[int, int]]:
    """(clause, token) positions between an "if"/"si" and the plan that follows it in
    the same sentence: "if my leg swells or my pee goes dark I call you", "si se me
    hincha la pierna llamo". A "sí," with a comma after it is a yes, not an if."""
    rules = book.hypothetical
    if rules.plan_if is None or rules.plan_then is None:
        return set()
    positions: set[tuple[int, int]] = set()
    for index, clause in enumerate(clauses):
        ifs = _cue_spans(rules.plan_if, clause)
        if not ifs:
            continue
        thens = [a for a, _ in _cue_spans(rules.plan_then, clause)]
        for first, last in ifs:
            if index == 0 and said is not None and said[1] <= first <= said[2]:
                continue
            if last + 1 >= len(clause.tokens) or clause.tokens[last + 1].text == SOFT:
                continue
            then = next((a for a in thens if a > last + 1), None)
            if then is not None:
                positions.update((index, j) for j in range(last + 1, then))
    return positions


def _up_to_comma(clause: _Clause, start: int, rules: HypotheticalRules,
                 lists: bool = False) -> Iterator[int]:
    """The words a cue governs: up to the next comma, or to where a new report starts
    ("you said to watch for dark pee [and my pee is dark now]": `reach_ends`). After
    what was read (`lists`), a list of short items goes on over its commas ("it lists
    kidney failure, blood clots, stroke..."): an item of at most `_LIST_ITEM` words with
    another comma after it, or the last one of such a list. A longer stretch after a
    comma is a report of its own ("watch for chest pain, my leg is swollen now"); and a
    likeness goes no further than its comma ("como si tuviera gripe, cuerpo cortado").
    An example after the comma (`examples`: "what should I look out for, like with
    clots?") is still what the cue asks about."""
    ends = ({first for first, _ in _cue_spans(rules.reach_ends, clause)}
            if rules.reach_ends is not None else set())
    examples = ({first for first, _ in _cue_spans(rules.examples, clause)}
                if rules.examples is not None else set())
    tokens = clause.tokens
    listed = False  # an item of a list was read over its comma
    j = start
    while j < len(tokens):
        if j in ends:
            return
        if tokens[j].text == SOFT and j + 1 in examples:
            j += 1
            continue
        if tokens[j].text == SOFT:
            found = _list_item(tokens, j + 1, ends, rules.list_joiners) if lists else None
            if found is None:
                return
            item, joined = found
            if not (listed or joined or (item < len(tokens) and tokens[item].text == SOFT)):
                return
            listed = True
            j += 1
            continue
        yield j
        j += 1


# At most this many words make an item of a list read over its commas.
_LIST_ITEM = 2


def _list_item(tokens: Sequence[Token], start: int, ends: set[int],
               joiners: frozenset[str] = frozenset()) -> tuple[int, bool] | None:
    """Where the short list item opening at `start` ends (a comma or the clause's end),
    and whether it is itself a list ("kidney failure and clots": short pieces joined by
    a word of `joiners`); None when a piece is longer than `_LIST_ITEM` words or a new
    report starts in it."""
    words = 0
    joined = False
    for k in range(start, len(tokens)):
        if k in ends:
            return None
        if tokens[k].text == SOFT:
            return (k, joined) if k > start else None
        if tokens[k].text in joiners and words:
            joined, words = True, 0
            continue
        words += 1
        if words > _LIST_ITEM:
            return None
    return (len(tokens), joined) if start < len(tokens) else None


# -- step 7: the answer to the check-in question ------------------------------------------------


def _said_yes_or_no(clauses: Sequence[_Clause], book: Rulebook) -> tuple[str, int, int] | None:
    """("yes" | "no", first, last token) when the reply starts with an answer word."""
    context = book.context
    if context.yes is None or context.no is None or not clauses:
        return None
    first = clauses[0].raw
    if not first or (first[0].kind == "word" and first[0].text not in context.yes.words
                     and first[0].text not in context.no.words):
        return None  # cheap exit: answers always start with one of their own words
    words = [_answer_word(t) for t in first]
    clause_text, starts = clause_string(words)
    for value, phrase in (("yes", context.yes), ("no", context.no)):
        m = phrase.regex.search(clause_text)
        if m:
            a, b = span_to_tokens(starts, m.start(), m.end())
            while b > a and first[b].kind == "soft":
                b -= 1
            return value, a, b
    return None


def _answer(text: str, clauses: Sequence[_Clause], said: tuple[str, int, int] | None,
            question: str | None, book: Rulebook, found: Sequence[Finding],
            reasons: list[str]) -> Finding | None:
    """A yes/no at the start of the reply, read against the question it answers."""
    if said is None:
        return None
    value, a, b = said
    tokens = clauses[0].raw
    matched = text[tokens[a].start: tokens[b].end]
    rules = book.context.questions.get(question) if question else None
    if rules is None:
        if value == "yes":
            reasons.append(f"'{matched}' reads as a yes, but there is no check-in question "
                           "it answers")
        return None
    outcome = rules.yes if value == "yes" else rules.no
    reasons.append(f"'{matched}' read as {value.upper()} to the {question} check-in question: "
                   f"{outcome.label}")
    if value == "yes" and found and all(f.level == "ok" for f in found):
        reasons.append("the rest of the reply sounds fine: contradictory, please check")
    return Finding(outcome.key, outcome.level, outcome.label, matched)


def _answer_word(token: Token) -> str:
    """Numbers stay digits here: "1" / "2" may be the answer to a numbered question."""
    if token.kind == "num" and token.unit is None and token.value is not None \
            and token.value.is_integer():
        return str(int(token.value))
    return token.text


# -- step 8: trend against the patient's recent findings ----------------------------------------


def _trend(found: Sequence[Finding], where: dict[str, int], clauses: Sequence[_Clause],
           text: str, book: Rulebook, history: Sequence[PriorFinding], asking: bool,
           reasons: list[str],
           placed: tuple[dict[str, int], set[str]] = ({}, set()),
           supposed: set[tuple[int, int]] | None = None) -> list[Finding]:
    """Escalate mild findings reported again and worse; explain repeats in `reasons`.

    `supposed` holds the words asked about, planned for or feared ("worried it'll
    spread but it hasn't"): a worse or spreading cue there tells nothing of now."""
    rules = book.trend
    at, set_aside = placed  # where each finding's first reading starts; those set aside
    supposed = supposed or set()
    symptoms = [f for f in found if f.level != "ok"]
    normals = [f for f in found if f.key in rules.normal_told_worse]
    if not history and not any(f.level == "mild" for f in symptoms) and (symptoms or found) \
            and not normals:
        return []  # nothing to compare with and nothing to explain
    worse = [c for c in _live_cues(rules.worse, clauses, book, rules.milder)
             if c[:2] not in supposed]
    taken_back = _normal_told_worse(normals, found, (where, at), worse, clauses, text, book,
                                    reasons)
    if taken_back:
        return taken_back + _trend([*(f for f in found if f not in normals), *taken_back],
                                   where, clauses, text, book, history, asking, reasons,
                                   placed, supposed)
    prior: dict[str, PriorFinding] = {}
    for p in sorted(history, key=lambda p: p.at):
        if p.level in ("emergency", "urgent", "mild"):
            prior.setdefault(p.key, p)  # the first report of each finding
    if not symptoms:
        return _trend_without_symptom(found, clauses, text, book, prior, worse, asking,
                                      reasons)
    escalated: list[str] = []
    words: list[str] = []
    told_as: list[Finding] = []
    for f in symptoms:
        rule = book.by_key.get(f.key)
        earlier = prior.get(f.key) or (prior.get(rule.trend_of) if rule and rule.trend_of
                                       else None)
        cue = _worse_for(where.get(f.key), where, worse)
        if cue is not None and _cue_of_another(f, cue, symptoms, (where, at), clauses):
            cue = None
        if earlier is None:
            told = rules.told_worse.get(f.key)
            spread = rules.told_spreading.get(f.key)
            if spread is not None and f.level == "mild" and spread not in set_aside:
                # told after the rash ("couple of hives. now on my back too"), not of an
                # earlier one ("the rash from last time, the one that spread all over,
                # hasn't come back, just a couple of itchy spots": that spreading is set
                # aside as over)
                start = (where.get(f.key, -1), at.get(f.key, -1))
                spreading = _worse_for(where.get(f.key), where, [
                    c for c in _live_cues(rules.spreading, clauses, book)
                    if c[:2] > start and c[:2] not in supposed])
                if spreading is not None:  # "now on my back and legs too, more every hour"
                    told, cue = spread, spreading
            if told is not None and cue is not None and f.level == "mild":
                # "headache was easing off Tuesday but it's come back worse": the policy
                # names the worsening itself, and the message tells the before
                successor = book.by_key[told]
                reasons.append(f"{f.label} told as {'spreading' if told == spread else 'worse'}"
                               f" in the message: {successor.label}")
                told_as.append(Finding(successor.key, successor.level, successor.label,
                                       _cue_text(clauses, cue, text)))
            elif cue is not None and f.level == "mild":
                reasons.append(f"{f.label} reported as worse, with no earlier report on record: "
                               f"kept {f.level}")
            continue
        since = f"(first reported {earlier.at.date().isoformat()})"
        name = _label(book, earlier.key)
        if cue is None and not (rule and rule.trend_of == earlier.key):
            reasons.append(f"{name} reported again {since}")
            continue
        now = "" if earlier.key == f.key else f"; now: {f.label}"
        reasons.append(f"{name} reported again and worse than before {since}{now}")
        if f.level == "mild":
            escalated.append(f.label)
            if cue is not None:
                words.append(_cue_text(clauses, cue, text))
    if not escalated:
        return told_as
    return [*told_as, Finding("worsening", rules.escalate_to,
                    "mild symptom reported again and worse: " + ", ".join(escalated),
                    " / ".join(dict.fromkeys(words)))]


def _normal_told_worse(normals: Sequence[Finding], found: Sequence[Finding],
                       placed: tuple[dict[str, int], dict[str, int]],
                       worse: Sequence[tuple[int, int, int]], clauses: Sequence[_Clause],
                       text: str, book: Rulebook, reasons: list[str]) -> list[Finding]:
    """The red flags of normal findings told as worse after them (`normal_told_worse`):
    "I said earlier my breathing was fine but tbh it's got harder since I lay down". The
    worse cue comes after the normal finding, with no other finding told between them,
    in its sentence or in one after it that names nothing else (safety rule 1: the later
    word is the patient's)."""
    where, at = placed
    out: list[Finding] = []
    for f in normals:
        if f.key not in where or f.key not in at:
            continue  # not read from the words (a finding added after the reading)
        start = (where[f.key], at[f.key])
        # (a finding added after the reading, "weight_gain", has no place to be between)
        between = {(where[o.key], at[o.key]) for o in found
                   if o.key != f.key and o.key in where and o.key in at}
        for cue in worse:
            spot = (cue[0], cue[1])
            if spot <= start or any(start < b < spot for b in between) or (
                    cue[0] > start[0] and any(c in set(where.values())
                                              for c in range(start[0] + 1, cue[0] + 1))):
                continue
            red = book.by_key[book.trend.normal_told_worse[f.key]]
            reasons.append(f"{f.label}, then told as worse: {red.label}")
            out.append(Finding(red.key, red.level, red.label, _cue_text(clauses, cue, text)))
            break
    return out


def _trend_without_symptom(found: Sequence[Finding], clauses: Sequence[_Clause], text: str,
                           book: Rulebook, prior: dict[str, PriorFinding],
                           worse: list[tuple[int, int, int]], asking: bool,
                           reasons: list[str]) -> list[Finding]:
    """"getting worse" / "still the same" with no symptom named: read the earlier ones."""
    rules = book.trend
    again = [] if found or asking or not prior else _live_cues(rules.again, clauses, book)
    cue = worse[0] if worse else (again[0] if again else None)
    if cue is None:
        return []
    said = _cue_text(clauses, cue, text)
    if not prior:
        if worse:
            reasons.append(f"'{said}' but no symptom named and no earlier finding on record")
        return []
    earlier = ", ".join(f"{_label(book, p.key)} (first reported {p.at.date().isoformat()})"
                        for p in prior.values())
    top = max((p.level for p in prior.values()), key=LEVEL_RANK.__getitem__)
    if worse:
        level = top if LEVEL_RANK[top] > LEVEL_RANK[rules.escalate_to] else rules.escalate_to
        reasons.append(f"'{said}' read against earlier findings, now worse: {earlier}")
        return [Finding("worsening", level, "earlier symptoms reported as worse: "
                        + ", ".join(_label(book, k) for k in prior), said)]
    reasons.append(f"'{said}' read as earlier findings continuing: {earlier}")
    return [Finding("continuing", top, "earlier symptoms continuing: "
                    + ", ".join(_label(book, k) for k in prior), said)]


def _label(book: Rulebook, key: str) -> str:
    rule = book.by_key.get(key)
    if rule is not None:
        return rule.label
    for q in book.context.questions.values():
        for outcome in (q.yes, q.no):
            if outcome.key == key:
                return outcome.label
    return key.replace("_", " ")


def _live_cues(phrase: Phrase | None, clauses: Sequence[_Clause], book: Rulebook,
               milder: Phrase | None = None) -> list[tuple[int, int, int]]:
    """(clause, first, last) of trend cues that are not negated ("not worse", "no peor")
    nor part of a comparison with a worse time before (`milder`: "I've had worse")."""
    if phrase is None:
        return []
    out = []
    for index, clause in enumerate(clauses):
        spans = _cue_spans(phrase, clause)  # (skipped on a clause without its words)
        if not spans:
            continue
        neg = _negation_cues(clause, book)
        covered = _negated_positions(clause, neg, book)  # "no es el peor de mi vida"
        compared = _cue_spans(milder, clause) if milder is not None else []
        for first, last in spans:
            if first not in covered and not any(first - 2 <= b < first for _, b in neg) \
                    and not any(a <= last and first <= b for a, b in compared):
                out.append((index, first, last))
    return out


_OWN_TOLD = 3  # the fewest words of a symptom told with its own time or story


def _cue_of_another(f: Finding, cue: tuple[int, int, int], symptoms: Sequence[Finding],
                    placed: tuple[dict[str, int], dict[str, int]],
                    clauses: Sequence[_Clause]) -> bool:
    """Whether a worse cue in the finding's sentence is another symptom's: that one is
    told after it, after a comma, with the cue in its own part, and the finding's part
    tells a story of its own ("headache since we stopped for gas, tiredness getting
    worse by evening"). A bare list stays everyone's ("headache, tiredness getting
    worse": both may be, safety rule 1)."""
    where, at = placed
    index, start = where.get(f.key), at.get(f.key)
    if index is None or start is None or cue[0] != index or start >= cue[1]:
        return False
    tokens = clauses[index].tokens
    for g in symptoms:
        other = at.get(g.key)
        if g is f or where.get(g.key) != index or other is None \
                or not start < other < cue[1] \
                or any(t.kind == "soft" for t in tokens[other:cue[1]]):
            continue
        commas = [i for i in range(start, other) if tokens[i].kind == "soft"]
        if commas and sum(t.kind == "word" for t in tokens[start:commas[-1]]) >= _OWN_TOLD:
            return True
    return False


def _worse_for(clause: int | None, where: dict[str, int],
               worse: Sequence[tuple[int, int, int]]) -> tuple[int, int, int] | None:
    """A worse cue in the finding's sentence, or in a following sentence naming nothing else
    ("I have a headache. It's getting worse.")."""
    if clause is None:
        return None
    used = set(where.values())
    for cue in worse:
        if cue[0] == clause:
            return cue
        if cue[0] > clause and cue[0] not in used and not any(clause < c < cue[0] for c in used):
            return cue
    return None


def _cue_text(clauses: Sequence[_Clause], cue: tuple[int, int, int], text: str) -> str:
    tokens = clauses[cue[0]].tokens
    return text[tokens[cue[1]].start: tokens[cue[2]].end]


def _apply_readings(found: list[Finding], clauses: Sequence[_Clause],
                    book: Rulebook) -> list[Finding]:
    """A measured temperature is more precise than the word "fever"."""
    if not _has_reading(clauses):
        return found
    return [f for f in found if f.key not in book.temperature.superseded]


def _has_reading(clauses: Sequence[_Clause]) -> bool:
    """Whether the message gives a temperature reading (`_temp_..._` tokens)."""
    return any(t.text.startswith("_temp_") for c in clauses for t in c.tokens)


def _scored_alone(found: Sequence[Finding], where: dict[str, int], at: dict[str, int],
                  clauses: Sequence[_Clause], book: Rulebook) -> list[Finding]:
    """A high score told after a finding the rulebook scores (`scored`), in its sentence,
    with no other finding of a symptom there: the score is that finding's, however many
    words and commas lie between ("headache started at 6, was a 4, now it's 8/10"). A
    score told before it may be anything's ("got 9 out of 10 on my quiz, slight
    headache")."""
    if not book.scored or not any(f.key in book.scored for f in found):
        return []
    keys = {f.key for f in found}
    extra = []
    for f in found:
        becomes = book.scored.get(f.key)
        index = where.get(f.key)
        if becomes is None or becomes in keys or index is None or not any(
                t.text == "_score_high_" for t in clauses[index].tokens[at[f.key]:]):
            continue
        if any(where.get(g.key) == index and g.key != f.key and g.level != "ok" for g in found):
            continue  # "headache 3/10, back 8/10": the score may be the other's
        rule = book.by_key[becomes]
        extra.append(Finding(rule.key, rule.level, rule.label, f.matched))
    return extra


def _level(findings: Sequence[Finding], discounted: bool) -> str:
    if findings:
        return max((f.level for f in findings), key=LEVEL_RANK.__getitem__)
    return "ok" if discounted else "unclear"
