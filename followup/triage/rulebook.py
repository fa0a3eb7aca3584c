"""Load and validate the triage rulebook (a TOML file a clinician can read and edit).

The clinical knowledge lives in `rulebook.toml`; this module only checks it and
compiles it. Validation is strict and every error names the file, the entry and
the problem, because a silently ignored typo in a safety rule is worse than a
service that refuses to start.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .patterns import PatternError, Phrase, PhraseCompiler, combine
from .text import normalise_phrase, sound_alike_variants, squeeze_variants
from .words import word_lists

LEVELS = ("emergency", "urgent", "mild", "ok")
LEVEL_RANK = {"unclear": -1, "ok": 0, "mild": 1, "urgent": 2, "emergency": 3}
LANGUAGES = ("en", "es")
DEFAULT_PATH = Path(__file__).with_name("rulebook.toml")
_FINDING_KEYS = {"id", "level", "label", "advice", "phrases", "unless", "requires", "trend_of",
                 "event", "absence"}
_OUTCOME_KEYS = {"id", "level", "label", "advice"}


class RulebookError(ValueError):
    """The rulebook is unusable; the message names the file, the entry and what is wrong."""


@dataclass(frozen=True)
class FindingRule:
    """One clinical finding: how to recognise it and what it means."""

    key: str
    level: str
    label: str
    advice: str
    phrases: tuple[Phrase, ...]
    unless: tuple[Phrase, ...] = ()
    requires: tuple[frozenset[str], ...] = ()  # combination findings: one key from each group
    words: frozenset[str] = frozenset()
    always_check: bool = False  # has raw-regex phrases, so the word prefilter cannot skip it
    trend_of: str | None = None  # the milder finding this one is a worse form of (for trends)
    # Something that happened (a faint, a seizure): "I'm fine now" does not undo it.
    event: bool = False
    # A sign that is itself an absence (no urine): a word of denial after it ("no orino,
    # desde anoche nada", "not peeing, none since lunch") tells it goes on, not that it
    # is over.
    absence: bool = False


@dataclass(frozen=True)
class AnswerOutcome:
    """What a bare yes or no to one check-in question means (a finding of its own)."""

    key: str
    level: str
    label: str
    advice: str


@dataclass(frozen=True)
class QuestionRules:
    """How replies to one check-in template (e.g. ``checkin_late``) are read."""

    name: str
    yes: AnswerOutcome
    no: AnswerOutcome


@dataclass(frozen=True)
class ContextRules:
    """Yes/no answer phrases (matched at the start of a reply) and the questions they answer."""

    yes: Phrase | None = None
    no: Phrase | None = None
    questions: Mapping[str, QuestionRules] = field(default_factory=dict)


@dataclass(frozen=True)
class HypotheticalRules:
    """"what should I do if I get a fever?": a question about a symptom, not a report.

    In a message that is a question, findings after a cue (up to the next comma) up to
    `max_level` are not counted; higher ones always are (safety rule 1). Instructions
    repeated back ("you said to watch for dark pee") count the same way in any message.
    A conditional ("if I get", "si me da") right before a finding makes it hypothetical
    at any level: the patient is planning, not reporting.
    """

    cues: Phrase | None = None
    question_words: frozenset[str] = frozenset()
    # A short question with one of these asks a person whether all is well ("Normal? my
    # pee is pale"); without, it may be the patient's own checklist ("Pee? plenty").
    asks_if_well: frozenset[str] = frozenset()
    # Said after an instruction repeated back, these say it came true ("nurse said to
    # text if the headache got worse - it has"): what the instruction names counts.
    confirms: Phrase | None = None
    max_level: str = "urgent"
    instructions: Phrase | None = None
    conditionals: Phrase | None = None
    conditional_reach: int = 2  # "if I get [any] chest pain": words allowed in between
    # "can this medicine cause a stroke?": a question about a risk reports nothing, at
    # any level (the patient asks whether it can happen, not that it did).
    risk: Phrase | None = None
    risk_unless: Phrase | None = None  # "... like I have now": a report after all
    risk_had: Phrase | None = None  # "...? I have it now": a report in a later sentence
    # "my cat is sick, do you know a good vet": a request to a person made without a
    # question mark; a message with nothing wrong in it then needs a human (unclear).
    requests: Phrase | None = None
    # An instruction said back as a plan: "if my leg swells [...] I call you", "si se me
    # hincha la pierna llamo". What lies between `plan_if` and a later `plan_then` in
    # the same sentence is planned for, up to `max_level`, when the message also says
    # the patient is well now.
    plan_if: Phrase | None = None
    plan_then: Phrase | None = None
    # "chest pain jk", "me desmayé, es broma": a joke marker takes no red flag back (a
    # joke and a cover-up read the same in a text: safety rule 1); it only tells staff.
    jokes: Phrase | None = None
    # "is dark pee normal? asking for when I have my first one next week": said anywhere
    # in a question, nothing in it is a report yet
    # (up to `max_level`; an emergency always counts).
    not_yet: Phrase | None = None
    # Where a cue's reach ends before the comma: a new report ("watch for dark pee [and
    # my pee is dark now]"), so a red flag told after an instruction is never hidden.
    reach_ends: Phrase | None = None
    # What was dreamt ("dreamt I had a stroke", "soñé que me daba un derrame"): no report
    # at any level, up to the next comma or waking (`reach_ends`).
    dreams: Phrase | None = None
    # A question someone else put to the patient about the patient ("my husband asked if
    # I'd passed out", "mi madre me preguntó si tenía la orina oscura") and the patient's
    # answer no after it ("No.", "le dije que no"): what it asks about is no report, at
    # any level. Without the answer it stays (safety rule 1).
    asked_by: Phrase | None = None
    asked_no: Phrase | None = None
    # Words after the answer that take it back: "No, but I have it now".
    asked_but: frozenset[str] = frozenset()
    # Said right after a question, that it only asks ("I don't have it, just asking", "es
    # para saber"): the questions just before it report nothing (up to `max_level`),
    # unless a reason follows in its clause ("just asking cos I go woozy").
    only_asking: Phrase | None = None
    only_asking_why: frozenset[str] = frozenset()
    # Words that join the items of a list read after what was read ("the list of side
    # effects, kidney failure and clots"): each item between them is short.
    list_joiners: frozenset[str] = frozenset()
    # An example opening the stretch after a cue's comma ("what signs should I look out
    # for, like with clots?", "¿qué vigilo, por ejemplo los coágulos?"): the cue reaches
    # over that comma into it, as it does into a list.
    examples: Phrase | None = None


@dataclass(frozen=True)
class HistoryRules:
    """"I had a stroke back in 2015 but nothing new": a finding told with a time long
    past is history, not news, when the message also says the patient is well now and
    nothing says it is back or still there (`ongoing`: "again", "since", "todavía")."""

    cues: Phrase | None = None
    # The first days after this infusion ("tired the first day but fine now"): dated
    # like `cues`, but no time long past, so a resolution cue after one still ends the
    # finding told before it ("headache and chills were only the first day, all gone").
    recent: Phrase | None = None
    ongoing: Phrase | None = None
    # Opening the stretch right after a dated finding, one that tells nothing else, these
    # say it is still there ("slight headache the first night, still hanging around a
    # bit today"). One word each.
    still: frozenset[str] = frozenset()
    # Right after such a word, these make it a treatment that goes on, not the finding:
    # "had a stroke back in 2015, still on blood thinners". One word each.
    still_on: frozenset[str] = frozenset()
    # "last time I ended up in the ER with my throat closing, this time only a small
    # itchy patch": what is told between a cue and one of these is of that time, and the
    # contrast says how the patient is now
    contrast: Phrase | None = None


@dataclass(frozen=True)
class TrendRules:
    """Reading a message against the patient's earlier findings."""

    worse: Phrase | None = None
    again: Phrase | None = None
    escalate_to: str = "urgent"  # level of a mild finding reported again and worse
    # A mild finding told as worse within one message, with nothing on record, becomes
    # this finding where the policy names the worsening itself ("worsening headache").
    told_worse: Mapping[str, str] = field(default_factory=dict)
    # "I've had worse": a `worse` cue inside one of these compares, it tells no worsening
    milder: Phrase | None = None
    # A mild finding told as spreading within one message ("hives on my stomach. now on
    # my back and legs too, more every hour") becomes this finding: `spreading` cues are
    # read like `worse` ones, in the finding's sentence or one after naming nothing else.
    spreading: Phrase | None = None
    told_spreading: Mapping[str, str] = field(default_factory=dict)
    # A normal finding told, then told as worse after it ("my breathing was fine but now
    # it's worse"): the patient takes the normal back, and the topic's red flag counts.
    normal_told_worse: Mapping[str, str] = field(default_factory=dict)
    # An urgent finding dated earlier ("yesterday", "ayer"), then told as mild now in a
    # stretch after it naming nothing else ("tremendo dolor de cabeza ayer, hoy ya es
    # leve"): read as this mild finding. Never an emergency (a sudden worst headache
    # that eased is still one).
    eased_to: Mapping[str, str] = field(default_factory=dict)
    eased: Phrase | None = None
    # Or, not dated, its degree taken back in a stretch after it, with how mild it really
    # is: "this headache is killing me... jk its about a 3/10", "la cabeza me va a
    # explotar, bueno no tanto, es un dolor normalito".
    taken_back: Phrase | None = None


@dataclass(frozen=True)
class TemperatureRules:
    """How numbers become temperature readings (thresholds stay in the data file)."""

    words: frozenset[str]
    fever_c: float
    raised_c: float
    celsius_range: tuple[float, float]
    fahrenheit_range: tuple[float, float]
    window: int
    superseded: frozenset[str]  # word-only findings dropped once a reading is present
    # Units that make a number something else ("98.5 kg", "36 hours"): never a reading.
    other_units: frozenset[str] = frozenset()
    # A number near one of these ("sats 89%", "oxygen at 90") is an oxygen saturation, not
    # a temperature: `_sats_low_` at or below `oxygen_low`, a plain number above it.
    oxygen_words: frozenset[str] = frozenset()
    oxygen_low: float = 92.0
    # Said before a number, these make it the patient's usual temperature, not a reading
    # ("38.1, shivery; my baseline runs low, around 36.2").
    baseline_words: frozenset[str] = frozenset()
    # Right after "my"/"mi", these name the patient's usual ("my usual ... is about 37.5"),
    # as far back as a word of `usual_until` ("but today 38.9") or a comma.
    usual_words: frozenset[str] = frozenset()
    usual_until: frozenset[str] = frozenset()
    # The fever line itself told beside one of these is the policy quoted back, not a
    # reading: "Google says under 38 isn't a fever", "de 100.4 para arriba tengo que
    # llamar". Before it: single words; after it: word sequences.
    line_before: frozenset[str] = frozenset()
    line_after: tuple[tuple[str, ...], ...] = ()
    # Right after an oxygen saturation (two words between at most), these make it the
    # patient's usual, not news: "saturo 92 que es lo mío", "sats 91, which is normal for
    # me". Word sequences. Never a temperature.
    usual_after: tuple[tuple[str, ...], ...] = ()
    # Before a reading in its stretch of the sentence, these date it before the others:
    # "Temperatura 38 exacto, ayer tenía 37.5" (the 38 is today's). Word sequences.
    earlier: tuple[tuple[str, ...], ...] = ()
    # Two numbers told as a blood pressure ("BP 78/40", "presión 85 sobre 50") near one
    # of these: a systolic below `pressure_very_low` is `_bp_very_low_`, below
    # `pressure_low` `_bp_low_`; higher, a plain number.
    pressure_words: frozenset[str] = frozenset()
    # A number near one of `weather` is the weather's ("40 grados en San Pedro Sula con
    # este calor"), unless one of `weather_unless` is near it too ("fiebre de 39 con
    # este calor").
    weather: frozenset[str] = frozenset()
    weather_unless: frozenset[str] = frozenset()
    pressure_very_low: float = 80.0
    pressure_low: float = 90.0
    # Between the two numbers of a blood pressure told in words: "85 over 50".
    pressure_over: frozenset[str] = frozenset()
    # Right before a number, one of `reads` makes it what a temperature word at most
    # `reads_reach` words further back reads: "la temperatura de mi hijo es de 39".
    reads: frozenset[str] = frozenset()
    reads_reach: int = 8
    # Right after a number, these make it a thermometer's reading: "38 on the dot".
    read_after: tuple[tuple[str, ...], ...] = ()
    # A reply of one number and only these words around it is a reading, as a number
    # alone is: "still 101", "its 101 now", "sigue en 39".
    alone_with: frozenset[str] = frozenset()
    # Medicines that bring a fever down: named after a fever, a lower reading later does
    # not take the fever back ("38.2 at 6am, 37.9 now after Tylenol"). Single words.
    reducers: frozenset[str] = frozenset()

    def is_the_line(self, celsius: float) -> bool:
        """Whether a reading is the fever line itself (38.0 °C or 100.4 °F)."""
        return abs(celsius - self.fever_c) < 0.05

    def celsius(self, value: float, unit: str | None = None) -> float | None:
        """A reading in degrees Celsius, None for a number that is none: an explicit
        unit wins; otherwise the Celsius range, then the Fahrenheit range."""
        c_low, c_high = self.celsius_range
        f_low, f_high = self.fahrenheit_range
        if unit == "c" or (unit != "f" and c_low <= value <= c_high):
            return value if c_low <= value <= c_high else None
        if f_low <= value <= f_high:
            return round((value - 32) * 5 / 9, 2)
        return None


@dataclass(frozen=True)
class WeightRules:
    """Two weights told in one message, the one of now higher than the other by at least
    `gain_kg` (or `gain_lb`): the policy's sudden weight gain ("162 Friday, 168.5 today")."""

    finding: str  # the finding it reports
    gain_kg: float
    gain_lb: float
    words: frozenset[str]  # a weight is spoken of: "weighed", "scale", "peso"
    kg_units: frozenset[str]
    lb_units: frozenset[str]
    now: frozenset[str]  # the reading of now: "today", "hoy"
    before: frozenset[str]  # the reading of before: "yesterday", "ayer"
    kg_range: tuple[float, float]
    lb_range: tuple[float, float]
    # In a sentence with one of these, a number is no body weight: "grip strength 24 kg
    # on the gadget vs 20 before", "levanté 25 kilos".
    not_weights: frozenset[str] = frozenset()
    # Told after an amount and its unit, these make it a gain told as a difference: "2
    # kilos y medio más que el lunes", "5 lbs heavier than Friday".
    more: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ScopeRules:
    """Negation, resolution and clause-boundary vocabulary."""

    negation: Phrase
    pseudo_negation: Phrase
    resolution_after: Phrase
    resolution_either: Phrase
    hard_words: frozenset[str]
    soft_words: frozenset[str]
    list_joiners: frozenset[str]
    window: int
    negation_words: frozenset[str]  # one-word cues; a phrase containing one negates itself
    # Set off by commas, these say nothing: "pee is, like, dark" reads "pee is dark".
    fillers: frozenset[str] = frozenset()
    # A hard word of `adverbs` right before a word of `adverb_verbs` is an adverb, not a
    # boundary: "urine though is like strong tea" tells one thing, not two.
    adverbs: frozenset[str] = frozenset()
    adverb_verbs: frozenset[str] = frozenset()
    # Like `resolution_after`, for mild findings only: "sick once, nothing since".
    resolution_after_mild: Phrase | None = None
    # Just before a resolution cue, these make it partial: "mostly gone" is not gone.
    resolution_partial: Phrase | None = None
    # Inside a resolution cue or just before it, these tell the usual, not what is over:
    # "pee is dark brown today, it's usually light yellow".
    resolution_usual: Phrase | None = None
    # A resolution cue inside one of these ends a medicine's relief, not the symptom:
    # "the tylenol wore off", "ya se me pasó el efecto".
    resolution_relief_ended: Phrase | None = None
    # Right after a resolution cue, these say rest ended it: the sign comes with effort
    # and is not over ("my chest hurt going up the hill, stopped when I rested"); a red
    # flag stays, a mild finding is over.
    resolution_by_rest: Phrase | None = None
    # Opening the next stretch after a cue, these tell of the rest, and do not hedge the
    # cue: "hoy ya está clarita, lo demás bien" (they are partial before a cue, too).
    resolution_the_rest: Phrase | None = None
    # A finding taken back right after it is typed ("sorry I mean chest cold"), or told as
    # what the patient thought before finding it was something else.
    corrections: Phrase | None = None
    mistaken: Phrase | None = None
    mistaken_then: Phrase | None = None
    # Right after a correction cue, these take back the denial before it: "not having
    # trouble breathing. Scratch that, I am".
    corrections_affirm: Phrase | None = None
    # Cues that take back a denial only, never a word ("chest pain no... well, a bit").
    corrections_denial: Phrase | None = None
    # Opening the sentence after a denial, these tell the denied finding again as "one":
    # "haven't had a seizure in six years, but had one this morning".
    one_again: Phrase | None = None
    # Later in the message, these take back a denial told as said before (`mistaken`):
    # "i said no chest pain on the call but that wasn't true".
    untrue: Phrase | None = None
    # These also take back a normal told as said before, not a denial: "I said I was
    # weeing fine but actually it's only been a tiny bit" ("I said no chest pain.
    # Honestly I'm fine" says the denial was true).
    normal_untrue: Phrase | None = None
    # Just before a resolution cue told after a return, `had` (or `had` then one of
    # `had_already`) tells of the gap before it came back, not of now: "the tightness came
    # back this evening, it had gone yesterday", "volvió el dolor, se había quitado".
    had: frozenset[str] = frozenset()
    had_already: frozenset[str] = frozenset()
    # ... or told as what came before it: "after it stopped", "después de que se quitó"
    had_after: Phrase | None = None
    # The words an `after` cue may be followed by and still end its thought ("gone now");
    # None: any. Any other word means another sense: "went away for the weekend".
    resolution_followers: frozenset[str] | None = None
    # These end a cue's thought only when the cue holds a word of `resolution_past`: "went
    # away when they slowed the drip" is over; "goes away when I sit" comes back.
    resolution_followers_past: frozenset[str] = frozenset()
    resolution_past: frozenset[str] = frozenset()
    # Said after a resolution cue, these undo it: "it eased a bit but it's back now".
    resolution_returns: Phrase | None = None
    # Right after a return cue, these tell of a return to everyday life, not of the
    # symptom: "volví al trabajo", "back to normal".
    resolution_returns_to: Phrase | None = None
    # Right before a return cue, these tell that everyday life is back, not the symptom:
    # "tengo energía otra vez", "está jugando otra vez", "eating again".
    resolution_life_again: Phrase | None = None
    # A sentence of only these, right after a question that names a finding, answers it
    # no: the patient runs down the list ("chest pain? nope. fever? no").
    answers_no: frozenset[str] = frozenset()
    # Marks of a list ticked off that say no ("Fever ✘"), as typed: no word to normalise.
    answer_marks_no: frozenset[str] = frozenset()
    answers_yes: frozenset[str] = frozenset()
    # "mine is ...": an answer whose subject is what the question before it named.
    answers_mine: frozenset[str] = frozenset()
    answers_well: frozenset[str] = frozenset()
    # Said alone after a list of signs, these deny the list ("... none of those").
    answers_none_of: frozenset[str] = frozenset()
    # Said right after a finding, at the end of its stretch of the clause, these deny it:
    # "fiebre no tengo", "vómitos tampoco", "fever: none".
    negation_after: Phrase | None = None
    # Told after a denied emergency, with no other place, these are its sensation told
    # by another word: "no chest pain but some pressure" (the denial counts no more).
    told_instead: Phrase | None = None
    # Between a finding and a denial after it (`negation_after`), one of these is the
    # finding's object: "light bothering me no".
    after_objects: frozenset[str] = frozenset()
    # ... unless one of these places it elsewhere: "no chest pain, just pressure in my ears".
    instead_elsewhere: frozenset[str] = frozenset()
    # The words a denial reaches a red flag over ("don't have any chest pain", "no he
    # tenido fiebre"). Any other word between them ends the reach: in the run-on "not
    # able to sleep chest hurts" the "not" is the sleep's, and the chest pain counts.
    # None: the reach is the window alone.
    negation_bridge: frozenset[str] | None = None
    # A denial said as a clinician lists what is absent ("Denies SOB, CP, calf pain and
    # hematuria", "Niega disnea, dolor torácico y hematuria") reaches every item of its
    # sentence, commas and "and" included, up to a word of `whole_list_stops`.
    whole_list: frozenset[str] = frozenset()
    whole_list_stops: frozenset[str] = frozenset()
    # A denial before one of `degree` (past one or two words of `degree_bridge`) denies
    # the degree, not the thing: "not the worst headache ever, just a normal one" and
    # "no es el peor dolor de cabeza de mi vida" still tell a headache.
    degree: frozenset[str] = frozenset()
    degree_bridge: frozenset[str] = frozenset()


class Lexicon:
    """Known words plus guarded fuzzy correction of unknown ones.

    Only words that are NOT known (rulebook vocabulary or common words) are
    corrected, only towards rulebook vocabulary, only when they share the first
    letter and are at least 4 letters long, within 1 edit (2 from 9 letters).
    These guards stop short everyday words from turning into symptoms. Before
    that, one by-ear Spanish slip is undone ("toci" -> "tosi", "horinado" ->
    "orinado"): it changes the first letter or a short word, which the guards
    would refuse, and it is how many patients spell.
    """

    def __init__(self, vocabulary: Iterable[str], common: Iterable[str],
                 negations: Iterable[str] = (),
                 endings: Sequence[tuple[str, tuple[str, ...]]] = (),
                 abbreviations: Mapping[str, str] | None = None,
                 words: Iterable[str] = (), rare_words: Iterable[str] = (),
                 signs: Iterable[str] = (), names: Iterable[str] = ()) -> None:
        self.vocabulary = frozenset(vocabulary)
        # The real words of the patients' languages (`words.word_lists`): a word
        # the rulebook does not know but the language does is what the patient meant.
        self.words = frozenset(words)
        # Rarer words of those lists: they may be misspellings, so they stop no
        # correction, but a word in them is no two words run together (`split`).
        self.rare_words = frozenset(rare_words)
        # The words a finding is told by (each phrase's anchor): a run-together word is
        # split only into one of them and its neighbours (`split`).
        self.signs = frozenset(signs)
        # Given names that are also words of a finding ("Dolores": pains), read as names
        # where capitalised after a sentence's first word ("Un abrazo, Dolores Ibáñez").
        self.names = frozenset(names)
        # Texting shorthand that always means one word ("dlr" -> "dolor", "d" -> "de");
        # shorthand whose sense depends on the words around it ("SOB", "CP", "HA") is
        # written as phrases in the findings instead.
        self.abbreviations = {k: v for k, v in (abbreviations or {}).items() if " " not in k}
        # Two words that always stand for one ("wee bit" -> "bit": Scottish "a little",
        # never urine): read as that word wherever they stand side by side.
        self.pairs = {tuple(k.split(" ", 1)): v for k, v in (abbreviations or {}).items()
                      if " " in k}
        # Spanish diminutive and superlative endings ("hinchadita", "hinchadísima",
        # "dolorcito"): (ending, the endings of the base word to try), longest first.
        self.endings = tuple(sorted(endings, key=lambda e: -len(e[0])))
        self.known = self.vocabulary | frozenset(common)
        self.negations = frozenset(negations)
        buckets: dict[str, list[str]] = {}
        anagrams: dict[str, str] = {}
        for word in sorted(self.vocabulary):
            if len(word) >= 4 and word.isalpha():
                buckets.setdefault(word[0], []).append(word)
                anagrams.setdefault(_letters(word), word)
        self._buckets = buckets
        self._anagrams = anagrams
        self._cache: dict[str, str] = {}
        self._splits: dict[str, tuple[str, ...] | None] = {}

    def joined(self, first: str, second: str) -> str | None:
        """The one word voice-to-text split in two ("res pirar", "a hogo", "des mayé"):
        the two together must be a rulebook word, and one of them not a word at all; or
        two words listed as standing for one ("wee bit")."""
        pair = self.pairs.get((first, second))
        if pair is not None:
            return pair
        if first in self.known and second in self.known:
            return None
        word = first + second
        return word if len(word) >= 4 and word in self.vocabulary else None

    def split(self, word: str) -> tuple[str, ...] | None:
        """The words typed without spaces ("cantbreatheproperly", "chesthurtsss",
        "nopuedorespirar"), or None. Only a long word that is no word (not even a rare
        one) and no slip of one is split, into at most five words the rules know (four
        letters or more, or a short word of `_SHORT_PARTS`), one of them a word a finding
        is told by: a name, a compound ("breaststroke") or a verb form the word lists
        lack ("tomando", not "to mando") stays whole. Fewest words first, then the
        longest. The pronoun "I" typed onto the next word ("icant breathe", "idont feel
        right") is split off whatever the length, when the rest is a word the rules
        know; so is "no" ("nopuedo respirar"), from six letters. A "2" or "4" typed for
        "to" or "for" between words ("hard2breathe") is read as the word."""
        if not word.isalpha():  # (most words are: the number test only where it can hit)
            if _NUMBER_FOR_WORD.fullmatch(word) is None:
                return None
            parts = tuple(_NUMBER_WORDS.get(p, p) for p in _NUMBER_SPLIT.split(word) if p)
            return parts if all(p in self.known for p in parts) else None
        if word in self.known or word in self.words or word in self.rare_words:
            return None
        if word[0] == "i" and len(word) >= _GLUED_I and word[1:] in self.known:
            return ("i", word[1:])
        # the denial typed onto its verb: "nopuedo respirar bien" (not a slip of a word:
        # "nothin" is "nothing", not "no thin")
        if word.startswith("no") and len(word) >= _GLUED_NO and word[2:] in self.known \
                and self.correct(word) == word:
            return ("no", word[2:])
        if len(word) < 7 \
                or any(v in self.known or v in self.words for v in squeeze_variants(word)):
            return None
        cached = self._splits.get(word)
        if cached is None and word not in self._splits:
            cached = None
            for candidate in (word, *squeeze_variants(word)):
                cached = self._segment(candidate)
                if cached is not None:
                    break
            if len(self._splits) > 50_000:
                self._splits.clear()
            self._splits[word] = cached
        return cached

    def _segment(self, word: str) -> tuple[str, ...] | None:
        # best[i]: (words, -sum of squared lengths, the words) for word[:i]
        best: list[tuple[int, int, tuple[str, ...]] | None] = [None] * (len(word) + 1)
        best[0] = (0, 0, ())
        for end in range(1, len(word) + 1):
            for start in range(max(0, end - 20), end):
                before, part = best[start], word[start:end]
                if before is None or before[0] >= _MOST_PARTS or not self._a_part(part):
                    continue
                score = (before[0] + 1, before[1] - len(part) ** 2, (*before[2], part))
                current = best[end]
                if current is None or score[:2] < current[:2]:
                    best[end] = score
        found = best[len(word)]
        if found is None or len(found[2]) < 2 or found[2][-1] in _GERUND_ENDINGS \
                or not any(len(p) >= 4 and p in self.signs for p in found[2]):
            return None
        return found[2]

    def _a_part(self, part: str) -> bool:
        # only words the rules know (rulebook and common words): the long word lists of
        # the languages cut real words into pieces ("sospecho" is no "sos pecho")
        # (or a word written by ear whose sound the rules know: "chesttite")
        return (part in self.known and (len(part) >= 4 or part in _SHORT_PARTS)) or (
            len(part) >= 4 and any(v in self.known for v in sound_alike_variants(part)))

    def correct(self, word: str) -> str:
        """Return the vocabulary spelling of `word` (or `word` itself)."""
        spelled = self.abbreviations.get(word)
        if spelled is not None:
            return spelled
        if word in self.known:
            return word
        cached = self._cache.get(word)
        if cached is None:
            if len(self._cache) > 50_000:
                self._cache.clear()
            cached = self._cache[word] = self._lookup(word)
        return cached

    def base(self, word: str) -> str | None:
        """The rulebook word a diminutive or superlative is made from ("mareadito" ->
        "mareado", "hinchadísima" -> "hinchada", "dolorcito" -> "dolor", "poquito" ->
        "poco"), or None. A form the rulebook lists itself keeps its own meaning
        ("ronchitas" are a few spots, not hives), and so does an everyday word
        ("visita" is no "vise"): `correct` asks only about unknown words.
        The stem must keep 3 letters, so "quitó" or "grito" are never read as a base."""
        for ending, replacements in self.endings:
            stem = word[:-len(ending)]
            if not word.endswith(ending) or len(stem) < 3:
                continue
            for replacement in replacements:
                if stem + replacement in self.vocabulary:
                    return stem + replacement
        return None

    def _lookup(self, word: str) -> str:
        base = self.base(word)
        if base is not None:
            return base
        fixed = self._nearest(word)
        if fixed != word and word in self.words and not _inflection(word, fixed):
            return word  # "dozed" is a word of its own, not a slip for "dazed"
        if fixed in self.negations and not _typed_as_negation(word, fixed):
            return word
        return fixed

    def _nearest(self, word: str) -> str:
        variants = squeeze_variants(word)
        for variant in variants:
            if variant in self.known:
                return variant
        if len(word) >= 4:
            for variant in sound_alike_variants(word):
                if variant in self.vocabulary:
                    return variant
        for candidate in (*variants, word):
            fixed = self._fuzzy(candidate)
            if fixed:
                return fixed
        return word

    def _fuzzy(self, word: str) -> str | None:
        if len(word) < 4 or not word.isalpha():
            return None
        bucket = self._buckets.get(word[0])
        if not bucket:
            return None
        limit = 1 if len(word) <= 8 else 2
        best = process.extractOne(word, bucket, scorer=OSA.distance, score_cutoff=limit)
        if best:
            return best[0]
        # A letter typed one place too far ("tounge") is two edits but the same letters.
        swapped = self._anagrams.get(_letters(word)) if len(word) >= 5 else None
        return swapped if swapped and swapped[0] == word[0] else None


# The short words a run-together word may hold: "imfine", "nopuedorespirar", "mipecho".
_SHORT_PARTS = frozenset({"i", "im", "my", "no", "me", "mi", "yo", "el", "la", "se", "ya",
                          "its", "not", "cant", "dont", "and", "y",
                          # "sobadshortofbreath" (round 50)
                          "so", "of", "bad"})


# "2" and "4" typed for "to" and "for" between words: "hard2breathe", "hard4me".
_NUMBER_FOR_WORD = re.compile(r"[a-z]+(?:[24][a-z]+)+")
_NUMBER_SPLIT = re.compile(r"([24])")
_NUMBER_WORDS = {"2": "to", "4": "for"}

# The fewest letters of "I" typed onto a word the rules know: "icant", "idont", "ifeel"
# ("im" and "ive" are words of their own).
_GLUED_I = 4
# The shortest word read as "no" typed onto a known word ("nopuedo", not "nose": a nose).
_GLUED_NO = 6

# The most words one typed word is split into: "so bad short of breath" is five.
_MOST_PARTS = 5


# Spanish verb endings the word lists lack as words of their own ("reportando").
_GERUND_ENDINGS = frozenset({"ando", "iendo", "endo"})


def _inflection(word: str, other: str) -> bool:
    """Whether two words differ only in their endings, as forms of one word do
    ("confuse" and "confused", "pees" and "peed", "revuelta" and "revuelto"): a real
    word is corrected only into another form of itself, never into another word.
    A letter dropped inside a short stem is no ending: "sports" is not a form of "spots"
    (the rest of one, "ts", is the end of the other's, "rts", after only "spo"); after
    a longer stem it may be ("weights" and "weighs")."""
    shared = len(os.path.commonprefix((word, other)))
    short, long = sorted((word[shared:], other[shared:]), key=len)
    return shared >= max(3, max(len(word), len(other)) - 3) \
        and not (shared < 4 and short and long.endswith(short))


def _typed_as_negation(word: str, negation: str) -> bool:
    """Whether a misspelling visibly is the negation it is nearest to: cut short
    ("nothin", "withou") or a contraction's "nt" kept ("dosnt", "doesent", "havnt").

    A correction that invents a negation hides whatever follows it, so a word that
    is merely near one ("nene", a child, is one letter from "none"; "doña" from
    "dont") stays as typed: failing toward the higher level (safety rule 1)."""
    return negation.startswith(word) or (word.endswith("nt") and negation.endswith("nt"))


# A finding phrase in the word index: (finding, phrase, the phrase's other word slots, a
# word of each of which the clause must also hold).
IndexedPhrase = tuple[int, int, tuple[frozenset[str], ...]]


@dataclass(frozen=True)
class Rulebook:
    """A validated, compiled rulebook. Build it with `load_rulebook`."""

    path: Path
    findings: tuple[FindingRule, ...]
    scope: ScopeRules
    temperature: TemperatureRules
    pain_score_severe: float
    language_hints: Mapping[str, frozenset[str]]
    lexicon: Lexicon = field(repr=False)
    context: ContextRules = field(default_factory=ContextRules)
    hypothetical: HypotheticalRules = field(default_factory=HypotheticalRules)
    trend: TrendRules = field(default_factory=TrendRules)
    history: HistoryRules = field(default_factory=HistoryRules)
    # finding -> what a high pain score makes it when the score is told in its sentence
    # and no other finding is there to own the score ("headache ... now it's 8/10")
    scored: Mapping[str, str] = field(default_factory=dict)
    # Before a whole number told after a score, these make it a time, not the scale told
    # on: "headache 3/10, had 2 panadol at 10".
    pain_score_at_a_time: frozenset[str] = frozenset()
    # Right before a whole number from 0 to 10 with no unit after it, these make it a
    # score: "the headache was like a 3 on monday, a 5 yesterday and today its an 8".
    # Word sequences.
    pain_score_rated: tuple[tuple[str, ...], ...] = ()
    # A bare whole number from 0 to 10 that ends its stretch a few words after one of
    # these is that pain's score: "headache 0.", "head is a dull 4, mostly behind my
    # eyes", "el dolor de cabeza está en 3". One word each.
    pain_score_told_after: frozenset[str] = frozenset()
    weight: WeightRules | None = None
    by_key: Mapping[str, FindingRule] = field(init=False, repr=False)
    # word -> the (finding, phrase, other slots) that a clause holding the word may match
    phrase_index: Mapping[str, tuple[IndexedPhrase, ...]] = field(init=False, repr=False)
    # (finding, phrase) positions to try on every clause: no word is sure to be in them
    unindexed: tuple[tuple[int, int], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {f.key: f for f in self.findings})
        index, unindexed = _phrase_index(self.findings)
        object.__setattr__(self, "phrase_index", index)
        object.__setattr__(self, "unindexed", unindexed)


def _phrase_index(findings: Sequence[FindingRule]) -> tuple[
        dict[str, tuple[IndexedPhrase, ...]], tuple[tuple[int, int], ...]]:
    """Each finding phrase under the words one of which a clause must hold for it to
    match (its prefilter), worked out once per rulebook: a clause then tries only the
    phrases its own words point to, not every phrase of every finding, and of those
    only the ones whose other slots it also fills."""
    index: dict[str, list[IndexedPhrase]] = {}
    unindexed: list[tuple[int, int]] = []
    for i, rule in enumerate(findings):
        if rule.requires:
            continue
        for j, phrase in enumerate(rule.phrases):
            if phrase.prefilter is None:
                unindexed.append((i, j))
                continue
            others = tuple(slot for slot in phrase.slots if slot != phrase.prefilter)
            for word in phrase.prefilter:
                index.setdefault(word, []).append((i, j, others))
    return {w: tuple(at) for w, at in index.items()}, tuple(unindexed)


class _Loader:
    """Reads one TOML file and turns it into a Rulebook, collecting context for errors."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vocabulary: set[str] = set()

    def fail(self, entry: str, problem: str) -> RulebookError:
        return RulebookError(f"{self.path}: {entry}: {problem}")

    def load(self) -> Rulebook:
        data = self._read()
        meta = self._table(data, "meta", "meta")
        classes = self._classes(data)
        # Everyday words make poor phrase anchors, so the compiler wants them first; a
        # problem reading them is still reported after the findings' own problems.
        common_error: RulebookError | None = None
        try:
            common = self._common_words(data)
        except RulebookError as exc:
            common, common_error = set(), exc
        compiler = PhraseCompiler(classes, self._int(meta, "gap", "meta", default=3),
                                  frozenset(common))
        self._collect_class_words(classes)
        findings = self._findings(data, compiler)
        if common_error is not None:
            raise common_error
        scope = self._scope(data, compiler)
        temperature = self._temperature(data, {f.key for f in findings})
        hints = self._language_hints(data)
        context = self._context(data, compiler, {f.key for f in findings})
        hypothetical = self._hypothetical(data, compiler)
        trend = self._trend(data, compiler, findings)
        history = self._history(data, compiler)
        weight = self._weight(data, {f.key for f in findings})
        return Rulebook(
            path=self.path,
            findings=findings,
            scope=scope,
            temperature=temperature,
            pain_score_severe=float(self._table(data, "pain_score", "pain_score").get(
                "severe_from", 7)),
            scored=self._scored(data, {f.key for f in findings}),
            pain_score_at_a_time=self._single_words(
                self._table(data, "pain_score", "pain_score"), "at_a_time", "pain_score"),
            pain_score_rated=tuple(sorted(tuple(normalise_phrase(w).split()) for w in
                                          self._per_language(
                                              self._table(data, "pain_score", "pain_score"),
                                              "rated", "pain_score", required=False))),
            pain_score_told_after=self._single_words(
                self._table(data, "pain_score", "pain_score"), "told_after", "pain_score"),
            language_hints=hints,
            lexicon=Lexicon(self.vocabulary | set().union(*hints.values()), common,
                            scope.negation_words, self._endings(data),
                            self._abbreviations(data), *self._language_words(data),
                            signs=frozenset().union(*(p.anchor or () for f in findings
                                                      for p in f.phrases)),
                            names=self._single_words(self._table(data, "lexicon", "lexicon"),
                                                     "names", "lexicon")),
            context=context,
            hypothetical=hypothetical,
            trend=trend,
            history=history,
            weight=weight,
        )

    # -- reading helpers -------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        try:
            with self.path.open("rb") as fh:
                return tomllib.load(fh)
        except FileNotFoundError as exc:
            raise RulebookError(f"{self.path}: file not found") from exc
        except tomllib.TOMLDecodeError as exc:
            raise RulebookError(f"{self.path}: not valid TOML: {exc}") from exc

    def _table(self, data: Mapping[str, Any], key: str, entry: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            raise self.fail(entry, f"'{key}' must be a table")
        return value

    def _int(self, table: Mapping[str, Any], key: str, entry: str, default: int) -> int:
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(entry, f"'{key}' must be a non-negative integer, got {value!r}")
        return value

    def _float(self, table: Mapping[str, Any], key: str, entry: str) -> float:
        value = table.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail(entry, f"'{key}' must be a number, got {value!r}")
        return float(value)

    def _strings(self, value: Any, entry: str, what: str, allow_empty: bool = False) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(entry, f"{what} must be a list of non-empty strings")
        if not value and not allow_empty:
            raise self.fail(entry, f"{what} is empty")
        return value

    def _single_words(self, table: Mapping[str, Any], key: str,
                      entry: str) -> frozenset[str]:
        """An optional per-language list read word by word, next to a token: an entry of
        several words would never match, and is refused by name rather than ignored."""
        found = frozenset(normalise_phrase(w) for w in
                          self._per_language(table, key, entry, required=False))
        if any(not w or " " in w for w in found):
            raise self.fail(entry, f"'{key}': one word each")
        return found

    def _per_language(self, table: Mapping[str, Any], key: str, entry: str,
                      required: bool = True) -> list[str]:
        """All strings of `table[key].en` and `.es`; both languages are mandatory if required."""
        per_lang = table.get(key)
        if per_lang is None and not required:
            return []
        if not isinstance(per_lang, Mapping):
            raise self.fail(entry, f"'{key}' must have 'en' and 'es' lists")
        unknown = set(per_lang) - set(LANGUAGES)
        if unknown:
            raise self.fail(entry, f"'{key}' has unknown language(s) {sorted(unknown)}")
        items: list[str] = []
        for lang in LANGUAGES:
            if lang not in per_lang and required:
                raise self.fail(entry, f"'{key}.{lang}' is missing")
            items += self._strings(per_lang.get(lang, []), entry, f"'{key}.{lang}'",
                                   allow_empty=not required)
        return items

    def _compile(self, compiler: PhraseCompiler, sources: Sequence[str],
                 entry: str) -> list[Phrase]:
        phrases = []
        for source in sources:
            try:
                phrase = compiler.compile(source)
            except PatternError as exc:
                raise self.fail(entry, str(exc)) from exc
            self.vocabulary |= phrase.words
            phrases.append(phrase)
        return phrases

    def _compile_one(self, compiler: PhraseCompiler, sources: Sequence[str], entry: str) -> Phrase:
        """Compile a list of cue phrases into a single alternation (cues are matched
        together), the longest first; it keeps its members to be narrowed per clause."""
        phrases = sorted(self._compile(compiler, sources, entry),
                         key=lambda p: len(p.regex.pattern), reverse=True)
        try:
            whole = combine(entry, phrases)
        except Exception as exc:  # pragma: no cover - parts compiled individually above
            raise self.fail(entry, f"cannot combine phrases: {exc}") from exc
        return replace(whole, parts=tuple(phrases))

    # -- sections ---------------------------------------------------------------------------

    def _classes(self, data: Mapping[str, Any]) -> dict[str, list[str]]:
        classes: dict[str, list[str]] = {}
        for name, table in self._table(data, "classes", "classes").items():
            entry = f"class @{name}"
            if not isinstance(table, Mapping):
                raise self.fail(entry, "must be a table with 'en' and 'es' lists")
            classes[name] = self._per_language({"items": table}, "items", entry)
        return classes

    def _collect_class_words(self, classes: Mapping[str, list[str]]) -> None:
        for items in classes.values():
            for item in items:
                self.vocabulary |= {normalise_phrase(w) for w in item.replace("|", " ").split()
                                    if not w.startswith(("@", "~")) and w not in "^$"}
        self.vocabulary = {w.rstrip("?") for w in self.vocabulary if w.rstrip("?")}

    def _findings(self, data: Mapping[str, Any], compiler: PhraseCompiler) -> tuple[
            FindingRule, ...]:
        raw = data.get("finding")
        if not isinstance(raw, list) or not raw:
            raise self.fail("finding", "the rulebook needs at least one [[finding]]")
        findings: list[FindingRule] = []
        seen: set[str] = set()
        for index, table in enumerate(raw):
            rule = self._finding(table, index, compiler)
            if rule.key in seen:
                raise self.fail(f"finding '{rule.key}'", "duplicate id")
            seen.add(rule.key)
            findings.append(rule)
        for rule in findings:
            if rule.trend_of is not None and rule.trend_of not in seen:
                raise self.fail(f"finding '{rule.key}'",
                                f"'trend_of' names unknown finding {rule.trend_of!r}")
            for group in rule.requires:
                missing = group - seen
                if missing:
                    raise self.fail(f"finding '{rule.key}'",
                                    f"'requires' names unknown finding(s) {sorted(missing)}")
        return tuple(findings)

    def _finding(self, table: Any, index: int, compiler: PhraseCompiler) -> FindingRule:
        if not isinstance(table, Mapping):
            raise self.fail(f"finding #{index + 1}", "must be a table")
        key = table.get("id")
        if not isinstance(key, str) or not key.strip():
            raise self.fail(f"finding #{index + 1}", "missing 'id'")
        entry = f"finding '{key}'"
        unknown = set(table) - _FINDING_KEYS
        if unknown:
            raise self.fail(entry, f"unknown key(s) {sorted(unknown)}")
        level = table.get("level")
        if level not in LEVELS:
            raise self.fail(entry, f"unknown level {level!r} (expected one of {', '.join(LEVELS)})")
        label, advice = (self._text(table, k, entry) for k in ("label", "advice"))
        requires = self._requires(table, entry)
        phrases = self._compile(compiler, self._per_language(
            table, "phrases", entry, required=not requires), entry)
        unless = self._compile(compiler, self._per_language(table, "unless", entry, False), entry)
        trend_of = table.get("trend_of")
        if trend_of is not None and (not isinstance(trend_of, str) or not trend_of.strip()):
            raise self.fail(entry, "'trend_of' must be the id of another finding")
        event, absence = (self._flag(table, key, entry) for key in ("event", "absence"))
        return FindingRule(
            key=key, level=level, label=label, advice=advice,
            phrases=tuple(phrases), unless=tuple(unless), requires=requires,
            words=frozenset().union(*(p.prefilter or p.words for p in phrases)),
            always_check=any(p.prefilter is None for p in phrases), trend_of=trend_of,
            event=event, absence=absence,
        )

    def _flag(self, table: Mapping[str, Any], key: str, entry: str) -> bool:
        """A finding's true-or-false setting, false when left out."""
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(entry, f"'{key}' must be true or false")
        return value

    def _text(self, table: Mapping[str, Any], key: str, entry: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(entry, f"missing '{key}'")
        return value

    def _requires(self, table: Mapping[str, Any], entry: str) -> tuple[frozenset[str], ...]:
        raw = table.get("requires")
        if raw is None:
            return ()
        if not isinstance(raw, list) or len(raw) < 2:
            raise self.fail(entry, "'requires' must list at least two groups of finding ids")
        return tuple(frozenset(self._strings(g, entry, "'requires' group")) for g in raw)

    def _scope(self, data: Mapping[str, Any], compiler: PhraseCompiler) -> ScopeRules:
        neg = self._table(data, "negation", "negation")
        res = self._table(data, "resolution", "resolution")
        bounds = self._table(data, "boundaries", "boundaries")

        def words(table: Mapping[str, Any], key: str, entry: str) -> frozenset[str]:
            found = {normalise_phrase(w) for w in self._per_language(table, key, entry)}
            self.vocabulary |= found
            return frozenset(found)

        cues = self._per_language(neg, "cues", "negation")
        degree = self._single_words(neg, "degree", "negation")
        degree_bridge = self._single_words(neg, "degree_bridge", "negation")
        if degree and not degree_bridge:
            # a degree is read only past a bridge word: without one it would never be
            raise self.fail("negation", "'degree' needs 'degree_bridge' (the words between "
                            "a denial and the degree, as \"the\" in \"not the worst\")")
        hard = words(bounds, "hard", "boundaries")
        adverbs = self._single_words(bounds, "adverbs", "boundaries")
        if not adverbs <= hard:
            raise self.fail("boundaries", "'adverbs' must be words of 'hard', not "
                            f"{sorted(adverbs - hard)}")
        return ScopeRules(
            negation=self._compile_one(compiler, cues, "negation.cues"),
            negation_words=frozenset(normalise_phrase(c) for c in cues if " " not in c.strip()),
            pseudo_negation=self._compile_one(
                compiler, self._per_language(neg, "pseudo", "negation"), "negation.pseudo"),
            resolution_after=self._compile_one(
                compiler, self._per_language(res, "after", "resolution"), "resolution.after"),
            resolution_either=self._compile_one(
                compiler, self._per_language(res, "either", "resolution"), "resolution.either"),
            # the rest's words are partial too, before a cue ("headache, otherwise fine")
            resolution_partial=self._compile_one(
                compiler, [*self._per_language(res, "partial", "resolution"),
                           *self._per_language(res, "the_rest", "resolution", required=False)],
                "resolution.partial") if "partial" in res else None,
            resolution_the_rest=self._optional_cues(compiler, res, "the_rest", "resolution"),
            resolution_after_mild=self._optional_cues(compiler, res, "after_mild", "resolution"),
            resolution_usual=self._optional_cues(compiler, res, "usual", "resolution"),
            resolution_relief_ended=self._optional_cues(compiler, res, "relief_ended",
                                                        "resolution"),
            resolution_by_rest=self._optional_cues(compiler, res, "by_rest", "resolution"),
            corrections=self._optional_cues(compiler, res, "corrections", "resolution"),
            mistaken=self._optional_cues(compiler, res, "mistaken", "resolution"),
            mistaken_then=self._optional_cues(compiler, res, "mistaken_then", "resolution"),
            corrections_affirm=self._optional_cues(compiler, res, "corrections_affirm",
                                                   "resolution"),
            corrections_denial=self._optional_cues(compiler, res, "corrections_denial",
                                                   "resolution"),
            one_again=self._optional_cues(compiler, res, "one_again", "resolution"),
            untrue=self._optional_cues(compiler, res, "untrue", "resolution"),
            normal_untrue=self._optional_cues(compiler, res, "normal_untrue", "resolution"),
            had=self._single_words(res, "had", "resolution"),
            had_already=self._single_words(res, "had_already", "resolution"),
            had_after=self._optional_cues(compiler, res, "had_after", "resolution"),
            resolution_returns=self._optional_cues(compiler, res, "returns", "resolution"),
            resolution_returns_to=self._optional_cues(compiler, res, "returns_to",
                                                      "resolution"),
            resolution_life_again=self._optional_cues(compiler, res, "life_again",
                                                      "resolution"),
            resolution_followers=(frozenset(normalise_phrase(w) for w in self._per_language(
                res, "followers", "resolution")) if "followers" in res else None),
            resolution_followers_past=self._single_words(res, "followers_past", "resolution"),
            resolution_past=self._single_words(res, "past", "resolution"),
            hard_words=hard,
            soft_words=words(bounds, "soft", "boundaries"),
            fillers=frozenset(normalise_phrase(w) for w in self._per_language(
                bounds, "fillers", "boundaries", required=False)),
            adverbs=adverbs,
            adverb_verbs=self._single_words(bounds, "adverb_verbs", "boundaries"),
            list_joiners=words(neg, "list_joiners", "negation"),
            answers_no=frozenset(normalise_phrase(w) for w in self._per_language(
                neg, "answers_no", "negation", required=False)),
            answer_marks_no=frozenset(self._strings(neg.get("answer_marks_no", []), "negation",
                                                    "'answer_marks_no'", allow_empty=True)),
            answers_yes=frozenset(normalise_phrase(w) for w in self._per_language(
                neg, "answers_yes", "negation", required=False)),
            answers_mine=frozenset(normalise_phrase(w) for w in self._per_language(
                neg, "answers_mine", "negation", required=False)),
            answers_well=frozenset(normalise_phrase(w) for w in self._per_language(
                neg, "answers_well", "negation", required=False)),
            answers_none_of=frozenset(normalise_phrase(w) for w in self._per_language(
                neg, "answers_none_of", "negation", required=False)),
            window=self._int(neg, "window", "negation", default=4),
            negation_after=self._optional_cues(compiler, neg, "after", "negation"),
            told_instead=self._optional_cues(compiler, neg, "instead", "negation"),
            after_objects=self._single_words(neg, "after_objects", "negation"),
            instead_elsewhere=self._single_words(neg, "instead_elsewhere", "negation"),
            negation_bridge=self._bridge(neg),
            whole_list=frozenset(normalise_phrase(w) for w in self._per_language(
                neg, "whole_list", "negation", required=False)),
            whole_list_stops=self._single_words(neg, "whole_list_stops", "negation"),
            degree=degree,
            degree_bridge=degree_bridge,
        )

    def _bridge(self, neg: Mapping[str, Any]) -> frozenset[str] | None:
        """`[negation] bridge`: single words, since the reach is read token by token (a
        phrase in it would never match, and the denial would stop short in silence)."""
        if "bridge" not in neg:
            return None
        found = {normalise_phrase(w) for w in self._per_language(neg, "bridge", "negation")}
        phrases = sorted(w for w in found if not w or " " in w)
        if phrases:
            raise self.fail("negation", f"bridge: one word each, not {phrases}")
        self.vocabulary |= found
        return frozenset(found)

    def _temperature(self, data: Mapping[str, Any], keys: set[str]) -> TemperatureRules:
        entry = "temperature"
        table = self._table(data, "temperature", entry)
        words = {normalise_phrase(w) for w in self._per_language(table, "words", entry)}
        other_units = {normalise_phrase(w) for w in
                       self._per_language(table, "other_units", entry, required=False)}
        oxygen = {normalise_phrase(w) for w in
                  self._per_language(table, "oxygen_words", entry, required=False)}
        baseline = {normalise_phrase(w) for w in
                    self._per_language(table, "baseline_words", entry, required=False)}
        usual, until, line_after, earlier, usual_after = (
            {normalise_phrase(w) for w in self._per_language(table, key, entry, required=False)}
            for key in ("usual_words", "usual_until", "line_after", "earlier", "usual_after"))
        line_before, pressure, weather, weather_unless, pressure_over, reads, reducers, \
            alone_with = (self._single_words(table, key, entry)
                          for key in ("line_before", "pressure_words", "weather",
                                      "weather_unless", "pressure_over", "reads", "reducers",
                                      "alone_with"))
        read_after = {normalise_phrase(w) for w in
                      self._per_language(table, "read_after", entry, required=False)}
        # the weather's words are words too: "40 grados en la calle" is not "la call"
        self.vocabulary |= words | other_units | oxygen | baseline | usual | line_before \
            | pressure | weather | weather_unless
        very_low, low = (self._float(table, key, entry) if key in table else default
                         for key, default in (("pressure_very_low", 80.0),
                                              ("pressure_low", 90.0)))
        if not 50 <= very_low <= low <= 120:
            raise self.fail(entry, "'pressure_very_low' and 'pressure_low' must be systolic "
                                   "pressures, 50 <= very low <= low <= 120")
        oxygen_low = self._float(table, "oxygen_low", entry) if "oxygen_low" in table else 92.0
        if not 50 <= oxygen_low < 100:
            raise self.fail(entry, "'oxygen_low' must be a saturation between 50 and 100")
        superseded = frozenset(self._strings(table.get("superseded", []), entry,
                                             "'superseded'", allow_empty=True))
        if superseded - keys:
            raise self.fail(entry, f"'superseded' names unknown finding(s) "
                                   f"{sorted(superseded - keys)}")
        fever, raised = self._float(table, "fever_c", entry), self._float(table, "raised_c", entry)
        if not raised < fever:
            raise self.fail(entry, "'raised_c' must be below 'fever_c'")
        return TemperatureRules(
            words=frozenset(words), fever_c=fever, raised_c=raised,
            celsius_range=self._range(table, "celsius_range", entry),
            fahrenheit_range=self._range(table, "fahrenheit_range", entry),
            window=self._int(table, "window", entry, default=4), superseded=superseded,
            other_units=frozenset(other_units), oxygen_words=frozenset(oxygen),
            oxygen_low=oxygen_low, baseline_words=frozenset(baseline),
            usual_words=frozenset(usual), usual_until=frozenset(until),
            line_before=frozenset(line_before),
            line_after=tuple(sorted(tuple(w.split()) for w in line_after)),
            usual_after=tuple(sorted(tuple(w.split()) for w in usual_after)),
            earlier=tuple(sorted(tuple(w.split()) for w in earlier)),
            pressure_words=frozenset(pressure), pressure_very_low=very_low,
            weather=frozenset(weather), weather_unless=frozenset(weather_unless),
            pressure_low=low, pressure_over=pressure_over, reads=reads,
            reads_reach=self._int(table, "reads_reach", entry, default=8),
            read_after=tuple(sorted(tuple(w.split()) for w in read_after)),
            reducers=reducers, alone_with=alone_with,
        )

    def _weight(self, data: Mapping[str, Any], keys: set[str]) -> WeightRules | None:
        """`[weight]` (optional): weights read as numbers, and the gain that is sudden."""
        if "weight" not in data:
            return None
        entry = "weight"
        table = self._table(data, "weight", entry)
        finding = table.get("finding")
        if finding not in keys:
            raise self.fail(entry, f"'finding' must name a finding, not {finding!r}")

        def words(key: str, required: bool = True) -> frozenset[str]:
            found = frozenset(normalise_phrase(w) for w in
                              self._per_language(table, key, entry, required=required))
            return words_too(found)

        def words_too(found: frozenset[str]) -> frozenset[str]:
            self.vocabulary |= found  # spelled toward, like every word the rules read
            return found

        gain_kg = self._float(table, "gain_kg", entry)
        gain_lb = self._float(table, "gain_lb", entry)
        if gain_kg <= 0 or gain_lb <= 0:
            raise self.fail(entry, "'gain_kg' and 'gain_lb' must be above 0")
        return WeightRules(
            finding=str(finding), gain_kg=gain_kg, gain_lb=gain_lb, words=words("words"),
            kg_units=words("kg_units"), lb_units=words("lb_units"), now=words("now"),
            before=words("before"), not_weights=words("not_weights", required=False),
            more=words_too(self._single_words(table, "more", entry)),
            kg_range=self._range(table, "kg_range", entry),
            lb_range=self._range(table, "lb_range", entry))

    def _range(self, table: Mapping[str, Any], key: str, entry: str) -> tuple[float, float]:
        value = table.get(key)
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(v, int | float) for v in value) or value[0] >= value[1]):
            raise self.fail(entry, f"'{key}' must be [low, high] with low < high")
        return float(value[0]), float(value[1])

    def _language_hints(self, data: Mapping[str, Any]) -> dict[str, frozenset[str]]:
        table = self._table(data, "languages", "languages")
        hints = {}
        for lang in LANGUAGES:
            entry = f"languages.{lang}"
            words = self._strings(self._table(table, lang, entry).get("hints"), entry, "'hints'")
            hints[lang] = frozenset(normalise_phrase(w) for w in words)
        shared = hints["en"] & hints["es"]
        return {lang: words - shared for lang, words in hints.items()}

    def _endings(self, data: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
        """`[lexicon] endings`: each item is an ending followed by the endings of the
        base word to try in its place (["itas", "as", "es"])."""
        raw = self._table(data, "lexicon", "lexicon").get("endings", [])
        if not isinstance(raw, list):
            raise self.fail("lexicon", "'endings' must be a list of lists of strings")
        out: list[tuple[str, tuple[str, ...]]] = []
        for item in raw:
            if (not isinstance(item, list) or len(item) < 2
                    or not all(isinstance(w, str) for w in item) or not item[0]):
                raise self.fail("lexicon", f"'endings' item {item!r} must be an ending "
                                "followed by at least one replacement")
            out.append((normalise_phrase(item[0]), tuple(normalise_phrase(w) for w in item[1:])))
        return out

    def _abbreviations(self, data: Mapping[str, Any]) -> dict[str, str]:
        """`[lexicon.abbreviations]`: one shorthand word, or two words side by side, ->
        the one word it stands for."""
        raw = self._table(data, "lexicon", "lexicon").get("abbreviations", {})
        if not isinstance(raw, Mapping):
            raise self.fail("lexicon", "'abbreviations' must be a table of word = word")
        out: dict[str, str] = {}
        for short, word in raw.items():
            full = normalise_phrase(str(word))
            if not isinstance(word, str) or not full or " " in full:
                raise self.fail("lexicon", f"abbreviation {short!r} must stand for one word")
            key = " ".join(normalise_phrase(str(short)).split())
            if not key or key.count(" ") > 1:
                raise self.fail("lexicon", f"abbreviation {short!r} must be one or two words")
            out[key] = full
        return out

    def _language_words(self, data: Mapping[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
        """`[lexicon.word_lists]`: the real words of each listed language used at least
        `min_count` times, and the rarer ones (optional; none without the table)."""
        table = self._table(data, "lexicon", "lexicon").get("word_lists")
        if table is None:
            return frozenset(), frozenset()
        entry = "lexicon.word_lists"
        if not isinstance(table, Mapping):
            raise self.fail(entry, "must be a table with 'languages' and 'min_count'")
        languages = self._strings(table.get("languages"), entry, "'languages'")
        min_count = table.get("min_count")
        if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
            raise self.fail(entry, f"'min_count' must be a whole number of at least 1, "
                                   f"not {min_count!r}")
        words: frozenset[str] = frozenset()
        rare: frozenset[str] = frozenset()
        for lang in languages:
            try:
                frequent, rarer = word_lists(lang, min_count)
            except ValueError as exc:
                raise self.fail(entry, f"no word list for language {lang!r}") from exc
            words, rare = words | frequent, rare | rarer
        return words, rare - words

    def _common_words(self, data: Mapping[str, Any]) -> set[str]:
        """Everyday words that must never be 'corrected' into symptoms (optional side file)."""
        name = self._table(data, "lexicon", "lexicon").get("common_words_file")
        if name is None:
            return set()
        path = self.path.parent / str(name)
        try:
            with path.open("rb") as fh:
                table = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise self.fail("lexicon", f"cannot read common words file {path}: {exc}") from exc
        words: set[str] = set()
        for lang in LANGUAGES:
            for item in table.get(lang, []):
                words.update(normalise_phrase(w) for w in str(item).split())
        return words


    # -- context, hypothetical questions, trends (all optional sections) -------------------

    def _scored(self, data: Mapping[str, Any], keys: set[str]) -> dict[str, str]:
        """`[pain_score] scored`: {finding = finding it becomes when scored high}."""
        raw = self._table(data, "pain_score", "pain_score").get("scored", {})
        if not isinstance(raw, Mapping) or not all(
                isinstance(v, str) for v in raw.values()):
            raise self.fail("pain_score", "'scored' must map a finding to a finding")
        unknown = sorted({*raw, *raw.values()} - keys)
        if unknown:
            raise self.fail("pain_score", f"'scored' names unknown finding(s) {unknown}")
        return dict(raw)

    def _optional_cues(self, compiler: PhraseCompiler, table: Mapping[str, Any], key: str,
                       entry: str) -> Phrase | None:
        if key not in table:
            return None
        return self._compile_one(compiler, self._per_language(table, key, entry),
                                 f"{entry}.{key}")

    def _level_name(self, value: Any, entry: str, allowed: Sequence[str] = LEVELS) -> str:
        if value not in allowed:
            raise self.fail(entry, f"unknown level {value!r} (expected one of "
                                   f"{', '.join(allowed)})")
        return str(value)

    def _context(self, data: Mapping[str, Any], compiler: PhraseCompiler,
                 keys: set[str]) -> ContextRules:
        answers = self._table(data, "answers", "answers")
        questions = self._table(data, "questions", "questions")
        if not answers and not questions:
            return ContextRules()
        yes = self._optional_cues(compiler, answers, "yes", "answers")
        no = self._optional_cues(compiler, answers, "no", "answers")
        if questions and (yes is None or no is None):
            raise self.fail("answers", "[questions] need [answers] with 'yes' and 'no' lists")
        seen = set(keys)
        rules: dict[str, QuestionRules] = {}
        for name, table in questions.items():
            entry = f"questions.{name}"
            if not isinstance(table, Mapping):
                raise self.fail(entry, "must be a table with 'yes' and 'no' outcomes")
            unknown = set(table) - {"yes", "no"}
            if unknown:
                raise self.fail(entry, f"unknown key(s) {sorted(unknown)}")
            outcomes = [self._outcome(table.get(k), f"{entry}.{k}", seen) for k in ("yes", "no")]
            rules[name] = QuestionRules(name, *outcomes)
        return ContextRules(yes, no, rules)

    def _outcome(self, table: Any, entry: str, seen: set[str]) -> AnswerOutcome:
        if not isinstance(table, Mapping):
            raise self.fail(entry, "missing (a table with id, level, label, advice)")
        unknown = set(table) - _OUTCOME_KEYS
        if unknown:
            raise self.fail(entry, f"unknown key(s) {sorted(unknown)}")
        key = self._text(table, "id", entry)
        if key in seen:
            raise self.fail(entry, f"duplicate id {key!r}")
        seen.add(key)
        return AnswerOutcome(key, self._level_name(table.get("level"), entry),
                             self._text(table, "label", entry), self._text(table, "advice", entry))

    def _hypothetical(self, data: Mapping[str, Any], compiler: PhraseCompiler
                      ) -> HypotheticalRules:
        table = self._table(data, "hypothetical", "hypothetical")
        if not table:
            return HypotheticalRules()
        entry = "hypothetical"
        unknown = set(table) - {"cues", "question_words", "max_level", "instructions",
                                "conditionals", "conditional_reach", "risk", "risk_unless",
                                "risk_had", "requests", "plan_if", "plan_then", "jokes", "not_yet",
                                "reach_ends", "asks_if_well", "confirms", "asked_by",
                                "asked_no", "asked_but", "only_asking", "only_asking_why",
                                "list_joiners", "dreams", "examples"}
        if unknown:
            raise self.fail(entry, f"unknown key(s) {sorted(unknown)}")
        words = frozenset(normalise_phrase(w) for w in
                          self._per_language(table, "question_words", entry))
        self.vocabulary |= words
        return HypotheticalRules(
            cues=self._optional_cues(compiler, table, "cues", entry) or None,
            question_words=words,
            asks_if_well=frozenset(normalise_phrase(w) for w in self._per_language(
                table, "asks_if_well", entry, required=False)),
            max_level=self._level_name(table.get("max_level", "urgent"), f"{entry}.max_level",
                                       ("urgent", "mild", "ok")),
            instructions=self._optional_cues(compiler, table, "instructions", entry),
            confirms=self._optional_cues(compiler, table, "confirms", entry),
            conditionals=self._optional_cues(compiler, table, "conditionals", entry),
            conditional_reach=self._int(table, "conditional_reach", entry, default=2),
            risk=self._optional_cues(compiler, table, "risk", entry),
            risk_unless=self._optional_cues(compiler, table, "risk_unless", entry),
            risk_had=self._optional_cues(compiler, table, "risk_had", entry),
            requests=self._optional_cues(compiler, table, "requests", entry),
            plan_if=self._optional_cues(compiler, table, "plan_if", entry),
            plan_then=self._optional_cues(compiler, table, "plan_then", entry),
            jokes=self._optional_cues(compiler, table, "jokes", entry),
            not_yet=self._optional_cues(compiler, table, "not_yet", entry),
            reach_ends=self._optional_cues(compiler, table, "reach_ends", entry),
            dreams=self._optional_cues(compiler, table, "dreams", entry),
            asked_by=self._optional_cues(compiler, table, "asked_by", entry),
            asked_no=self._optional_cues(compiler, table, "asked_no", entry),
            asked_but=frozenset(normalise_phrase(w) for w in self._per_language(
                table, "asked_but", entry, required=False)),
            only_asking=self._optional_cues(compiler, table, "only_asking", entry),
            only_asking_why=frozenset(normalise_phrase(w) for w in self._per_language(
                table, "only_asking_why", entry, required=False)),
            list_joiners=self._single_words(table, "list_joiners", entry),
            examples=self._optional_cues(compiler, table, "examples", entry),
        )

    def _history(self, data: Mapping[str, Any], compiler: PhraseCompiler) -> HistoryRules:
        table = self._table(data, "history", "history")
        if not table:
            return HistoryRules()
        unknown = set(table) - {"cues", "recent", "ongoing", "contrast", "still",
                                "still_on"}
        if unknown:
            raise self.fail("history", f"unknown key(s) {sorted(unknown)}")
        if "cues" not in table:
            raise self.fail("history", "missing 'cues'")
        return HistoryRules(cues=self._optional_cues(compiler, table, "cues", "history"),
                            recent=self._optional_cues(compiler, table, "recent", "history"),
                            ongoing=self._optional_cues(compiler, table, "ongoing", "history"),
                            contrast=self._optional_cues(compiler, table, "contrast", "history"),
                            still=self._single_words(table, "still", "history"),
                            still_on=self._single_words(table, "still_on", "history"))

    def _urgent_to_mild(self, table: Mapping[str, Any],
                        keys: Mapping[str, FindingRule]) -> dict[str, str]:
        """`[trend] eased_to`: a map from an urgent finding to the mild one it eases to."""
        value = table.get("eased_to", {})
        if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise self.fail("trend", "eased_to must map finding ids to finding ids")
        for red, mild in value.items():
            if keys.get(red) is None or keys[red].level != "urgent" \
                    or keys.get(mild) is None or keys[mild].level != "mild":
                raise self.fail("trend", f"eased_to: {red} -> {mild} must lead from an "
                                         "urgent finding to a mild one")
        return dict(value)

    def _mild_to_red(self, table: Mapping[str, Any], name: str,
                     keys: Mapping[str, FindingRule], start: str = "mild") -> dict[str, str]:
        """`[trend] name`: a map from a `start` (mild or ok) finding to the red flag it
        becomes."""
        value = table.get(name, {})
        if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise self.fail("trend", f"{name} must map finding ids to finding ids")
        for before, red in value.items():
            if keys.get(before) is None or keys[before].level != start \
                    or keys.get(red) is None or keys[red].level in ("mild", "ok"):
                raise self.fail("trend", f"{name}: {before} -> {red} must lead from a "
                                         f"{start} finding to a red flag")
        return dict(value)

    def _trend(self, data: Mapping[str, Any], compiler: PhraseCompiler,
               findings: Sequence[FindingRule]) -> TrendRules:
        table = self._table(data, "trend", "trend")
        if not table:
            return TrendRules()
        entry = "trend"
        unknown = set(table) - {"worse", "again", "escalate_to", "told_worse", "milder",
                                "spreading", "told_spreading", "normal_told_worse",
                                "eased_to", "eased", "taken_back"}
        if unknown:
            raise self.fail(entry, f"unknown key(s) {sorted(unknown)}")
        keys = {f.key: f for f in findings}
        return TrendRules(
            told_worse=self._mild_to_red(table, "told_worse", keys),
            told_spreading=self._mild_to_red(table, "told_spreading", keys),
            normal_told_worse=self._mild_to_red(table, "normal_told_worse", keys, "ok"),
            eased_to=self._urgent_to_mild(table, keys),
            eased=self._optional_cues(compiler, table, "eased", entry),
            taken_back=self._optional_cues(compiler, table, "taken_back", entry),
            spreading=self._optional_cues(compiler, table, "spreading", entry),
            worse=self._optional_cues(compiler, table, "worse", entry),
            again=self._optional_cues(compiler, table, "again", entry),
            milder=self._optional_cues(compiler, table, "milder", entry),
            escalate_to=self._level_name(table.get("escalate_to", "urgent"),
                                         f"{entry}.escalate_to", ("emergency", "urgent")),
        )


def _letters(word: str) -> str:
    return "".join(sorted(word))


def load_rulebook(path: str | Path | None = None) -> Rulebook:
    """Load, validate and compile a rulebook (default: the bundled rulebook.toml)."""
    return _Loader(Path(path) if path is not None else DEFAULT_PATH).load()
