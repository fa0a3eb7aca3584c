"""Numbered red-flag questions: reading "2", "2 and 4", "0", "#3", "dos y cuatro".

A red flag told in the patient's own words can be missed by any reader; a red flag
ticked by number cannot. The check-ins that ask about red flags (and the ask-back
question) list them as numbered choices, and this module reads the numbers at the
start of a reply exactly, whatever the language, leaving the rest of the text to the
rulebook. What each number means is data (`choices.toml`), pointing at rulebook
findings so that both files agree on the level.

A bare number is a choice only when the reply answers a numbered question: with no
such question pending, "38.5" stays a temperature and "2" means nothing.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .rulebook import Rulebook, RulebookError
from .text import Token, folded, normalise_phrase, tokenize

DEFAULT_PATH = Path(__file__).with_name("choices.toml")
NONE_KEY = "denied_red_flags"


@dataclass(frozen=True)
class Choice:
    """One numbered answer: the rulebook finding it reports, in the question's words."""

    number: int
    finding: str
    label: str


@dataclass(frozen=True)
class NumberedQuestion:
    name: str
    choices: Mapping[int, Choice]

    @property
    def highest(self) -> int:
        return max(self.choices)


@dataclass(frozen=True)
class Picked:
    """The numbers a reply gave, where they were, and the text left for the rulebook."""

    numbers: tuple[int, ...]
    matched: str  # the patient's own characters for the numbers ("2 y 4")
    rest: str  # the reply with the numbers blanked out (same length: spans stay valid)
    language: str | None  # "es" when a Spanish number word was used


@dataclass(frozen=True)
class Others:
    """Who is plainly not the patient: pets, and relatives when the patient says so."""

    pets: frozenset[str]
    relatives: frozenset[str]
    possessives: frozenset[str]
    first_person: frozenset[str]
    not_me: tuple[str, ...]  # "im fine", "not me", "yo estoy bien"
    mentions: re.Pattern[str]  # any pet or relative word: most messages name none
    # Words that tie a relative to the treatment ("mi hija se desmayó después de la
    # infusión, yo estoy bien"): the relative is then the patient, told by a carer.
    treatment: frozenset[str] = frozenset()
    # Of the relatives, those a carer does not text for: the treatment named in their
    # clause is theirs, not the patient's ("my neighbour had a clot with that treatment").
    acquaintances: frozenset[str] = frozenset()
    # The writer says they are well: a word for well in a clause of the writer's own,
    # with none of `negations`; or the message's first clause opens with a word of
    # `well_openers` ("feeling fine").
    well: frozenset[str] = frozenset()
    well_openers: frozenset[str] = frozenset()
    negations: frozenset[str] = frozenset()
    # Said only as the message's last words, these set the writer apart from the one
    # before: "kids are sick but im not", "mi marido anda con gripe pero yo no" ("but
    # I'm not sure" goes on, and says nothing of the writer).
    not_me_at_end: tuple[str, ...] = ()
    # Before a relative, these name another one than the patient: "my other son".
    other_words: frozenset[str] = frozenset()
    # Between the possessive and the relative: "my little brother".
    describers: frozenset[str] = frozenset()
    # A clause that opens with one of these goes on with someone else's before it.
    third_person: frozenset[str] = frozenset()
    # Children: the patient's, whatever the writer says, unless named as another one.
    children: frozenset[str] = frozenset()
    # The writer set against the one before in so many words: "no symptoms myself".
    contrast: tuple[str, ...] = ()
    # Alone as the first clause, these acknowledge or open a story ("OK so my brother
    # dropped out cold"): they say nothing of how the writer is.
    says_little: frozenset[str] = frozenset()
    # Words that say someone died: whoever they are, they are not the patient writing
    # ("mi padre murió de una embolia, yo me encuentro perfectamente").
    died: tuple[str, ...] = ()
    # Parents and grandparents are the patients carers text for, so they are the
    # patient's unless the writer names themself the patient in so many words
    # (`writer_is_patient`: "Dad (not the patient, that's me) is in hospital").
    parents: frozenset[str] = frozenset()
    writer_is_patient: tuple[str, ...] = ()
    # Just before a relative, these make them the one who sees, not the one who has it:
    # "my skin looks yellowish to my wife", "según mi esposa estoy pálido".
    observers: frozenset[str] = frozenset()
    # Opening a clause, these make it a likeness, not a person: "a tight pressing feeling
    # in my chest, like someone is sitting on it" tells of the writer's chest.
    likened: tuple[str, ...] = ()
    # Before "my" and a child, these make the child the one picked out as having it, so
    # not the writer: "it's my daughter that has the fever", "la que tiene fiebre es mi
    # hija" (a child is otherwise the patient, told by a parent).
    cleft: tuple[str, ...] = ()
    # Just before a pet, these make it what the writer tends, not who is ill: "came back
    # walking the dog", "sacando al perro".
    errands: frozenset[str] = frozenset()
    # Beside the treatment named in a relative's clause, these say the writer has it too,
    # so it ties no one: "my sister gets IVIG too and she gets terrible headaches".
    also: frozenset[str] = frozenset()
    # Said of the one named last, these deny in so many words that they are the patient,
    # whoever else the treatment is tied to: "Jayden (patient) is tired. His brother is
    # the one with a fever, he's not on IVIG"; "la hermanita tiene fiebre pero ella no es
    # la paciente".
    not_them: tuple[str, ...] = ()
    # Before a relative opening a clause, these make them the patient's kin, so not the
    # patient: "su hermanita tiene fiebre pero él está perfecto", "his brother has a fever".
    kin_possessives: frozenset[str] = frozenset()
    # After the kin, these make them the one who tells or sees, not the one who has it:
    # "her husband says she is confused", "su hija dice que no habla bien".
    kin_reports: frozenset[str] = frozenset()
    # After "my", these are the writer's things, not body: what someone else did on them
    # is theirs ("the cat threw up on my bed"; but "swelling in my leg" is the writer's).
    things: frozenset[str] = frozenset()
    # The writer naming the one they write about as the patient: then no relative is
    # set aside, however plainly the writer says it is not them ("My husband's face is
    # puffy this morning. Patient is him not me").
    they_are_patient: tuple[str, ...] = ()
    # Figures of speech that hold a word of `died` and tell no death: "muerta del
    # cansancio" is dead tired, the writer's own.
    died_figures: tuple[str, ...] = ()
    # Just after the one named, these make them the one who wrote or sent a message, not
    # the one who has what it says: "la paciente soy yo, mi hijo escribió que tenía dolor
    # leve pero no, es un dolor de cabeza severo" (the headache is the writer's).
    messengers: frozenset[str] = frozenset()
    # Opening a clause of the writer's, these make it a question to a person, not news of
    # the writer: "my friend is having a stroke, what do I do" (`_writer_speaks`).
    asking_openers: frozenset[str] = frozenset()
    # In a friend's or neighbour's clause beside the writer's own, these tell a story of
    # theirs: "my friend had a blood clot after hers", "mi vecina acabó con trombos".
    story: frozenset[str] = frozenset()
    # Of the acquaintances, the writer's peers, whose story that is (not "la señora", "the
    # lad": the ones carers, nurses and coaches write about).
    peers: frozenset[str] = frozenset()
    # A word for well beside one of these was so once, and says nothing of now: "hace
    # rato estaba bien" (of a husband who calls his wife by another name), "he was fine
    # an hour ago".
    was: frozenset[str] = frozenset()

    @property
    def writer(self) -> frozenset[str]:
        """The words that put the writer in a clause ("I", "yo", "estoy"; not "my")."""
        return self.first_person - self.possessives

    def named_in(self, text: str) -> bool:
        """Cheap test before tokenising: does the text name a pet or a relative?"""
        return self.mentions.search(folded(text)) is not None


@dataclass(frozen=True)
class ChoiceBook:
    """Validated `choices.toml`: numbered questions, number words, ask-back topics."""

    questions: Mapping[str, NumberedQuestion]
    lead: frozenset[str]
    joiners: frozenset[str]
    number_words: Mapping[str, tuple[int, str]]  # word -> (value, language)
    none_phrases: frozenset[str]
    none_label: str
    topics: Mapping[str, tuple[frozenset[str], tuple[str, ...]]]  # topic -> (words, prefixes)
    others: Others | None = None
    placed_by: Mapping[str, frozenset[str]] = field(default_factory=dict)  # topic -> finding ids
    denied: frozenset[str] = frozenset()  # "1 no 2 no": words after a number that deny it
    affirmed: frozenset[str] = frozenset()  # "2 yes"
    # Bare acknowledgements ("ok", a thumbs-up) that answer no numbered question, and the
    # questions that ask for numbers only (there "ok" is no answer; see `acknowledges`).
    acknowledgements: frozenset[str] = frozenset()
    numbers_only: frozenset[str] = frozenset()
    # What a count is of: "0 days", "0 veces" are no answer to the list.
    counted: frozenset[str] = frozenset()
    # "none of 1 through 7", "ninguna de las 7": the list named by its numbers after a
    # "none" reply (`none_of_numbers`, phrases) and the words of a range (`ranges`).
    none_of_numbers: tuple[str, ...] = ()
    ranges: frozenset[str] = frozenset()
    # The patient's own grading of what they report as mild ("not bad", "leve"): see
    # `reading.second_may_read`. Phrases of words, matched whole.
    graded_mild: tuple[str, ...] = ()
    # Figures of speech whose words would touch a red-flag topic ("the result took my
    # breath away"): their words touch none (see `topics_in`). Phrases, matched whole.
    figures: tuple[str, ...] = ()
    # Where a mark on the skin is ("rash on my chest", "ronchas en el pecho"): see
    # `unlocated`. One word each.
    site_marks: frozenset[str] = frozenset()
    site_joiners: frozenset[str] = frozenset()
    site_parts: frozenset[str] = frozenset()

    def unlocated(self, text: str) -> str:
        """`text` without the body part that only says where a mark on the skin is:
        "lil rash on my chest" -> "lil rash on my".

        The second reader counts words, and "chest" weighs as an emergency wherever it
        stands: on round 48's first pass it raised "lil rash on my chest not spreadin"
        (mild), and it reads "rash on my chest" as an emergency. Where the part is the
        place of a rash named just before it, it tells nothing of the chest, and the
        ask-back topics are read from the same text. The part is dropped, not replaced:
        "skin" in its place weighs as a red flag too (yellow, blue or clammy skin). A part
        told on its own ("rash, and my chest is tight") is left as it is."""
        if not self.site_parts or not any(m in folded(text) for m in self.site_marks):
            return text
        tokens = [t for t in tokenize(text) if t.kind == "word"]
        out = text
        for k in reversed(range(len(tokens))):
            if tokens[k].text not in self.site_parts or not self._placed(tokens, k):
                continue
            out = out[:tokens[k].start] + out[tokens[k].end:]
        return out

    def _placed(self, tokens: Sequence[Token], k: int) -> bool:
        """A joiner ("on", "en") at most two words before the part ("on my upper chest"),
        and a mark at most three words before the joiner ("rash all over my chest")."""
        for j in range(k - 1, max(-1, k - 4), -1):
            if tokens[j].text in self.site_joiners:
                return any(t.text in self.site_marks for t in tokens[max(0, j - 3):j])
        return False

    def acknowledges(self, text: str, question: str | None) -> bool:
        """Whether `text` is only an acknowledgement sent to a question that asks for
        numbers: "ok" or 👍 there says the patient read it, not that none applies."""
        if question not in self.numbers_only:
            return False
        bare = " ".join(re.sub(r"[^\w\s\U0001F300-\U0001FAFF\u2600-\u27BF]", " ",
                               normalise_phrase(text)).split())
        return bool(bare) and bare in self.acknowledgements

    @cached_property
    def longest_none(self) -> int:
        """Characters a whole "none of these" reply can take, with room for the spaces,
        accents and punctuation that normalising drops."""
        return 2 * max((len(p) for p in self.none_phrases), default=0) + 10

    def places_a_topic(self, key: str) -> bool:
        """Whether the finding `key` places one of the red-flag topics."""
        return any(key in ids for ids in self.placed_by.values())

    def unplaced(self, topics: Sequence[str], finding_keys: Iterable[str]) -> tuple[str, ...]:
        """The topics that none of these findings places."""
        keys = set(finding_keys)
        return tuple(t for t in topics if self.placed_by.get(t, frozenset()).isdisjoint(keys))

    def topics_in(self, words: Sequence[str]) -> tuple[str, ...]:
        """The red-flag topics ("breathing", "urine"...) that these words touch.

        Not the words of a figure of speech (`figures`): "Mate, never better. The footy
        result took my breath away though" touched breathing, left it unplaced, and so
        let the second reader raise it to an emergency (round 74, first pass)."""
        if self.figures:
            said = f" {' '.join(words)} "
            if any(f" {figure} " in said for figure in self.figures):
                for figure in self.figures:
                    said = said.replace(f" {figure} ", " ")
                words = said.split()
        found = []
        for topic, (exact, prefixes) in self.topics.items():
            if any(w in exact or w.startswith(prefixes) for w in words):
                found.append(topic)
        return tuple(found)


def load_choices(path: str | Path | None = None, rulebook: Rulebook | None = None) -> ChoiceBook:
    """Load and check `choices.toml`; with a rulebook, every finding id must exist in it."""
    file = Path(path) if path is not None else DEFAULT_PATH
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulebookError(f"{file.name}: {exc}") from exc
    reading = data.get("reading", {})

    def word_list(key: str) -> frozenset[str]:
        """`[reading] key`: a list of words; a mistake names itself and loads nothing."""
        value = reading.get(key, [])
        if not isinstance(value, list) or not all(isinstance(w, str) and w.strip()
                                                   for w in value):
            raise RulebookError(f"{file.name}: reading.{key} must be a list of words")
        return frozenset(normalise_phrase(w) for w in value)

    def single_words(key: str) -> frozenset[str]:
        return _one_word_each(word_list(key), f"{file.name}: reading.{key}")

    questions: dict[str, NumberedQuestion] = {}
    for name, raw in data.get("questions", {}).items():
        choices: dict[int, Choice] = {}
        for key, entry in raw.items():
            where = f"{file.name}: questions.{name}.{key}"
            if not key.isdigit() or int(key) == 0:
                raise RulebookError(f"{where}: choices are numbered from 1 (0 is 'none')")
            if not isinstance(entry, dict) or set(entry) != {"finding", "label"}:
                raise RulebookError(f"{where}: needs exactly 'finding' and 'label'")
            if rulebook is not None and entry["finding"] not in rulebook.by_key:
                raise RulebookError(f"{where}: unknown finding {entry['finding']!r}")
            choices[int(key)] = Choice(int(key), str(entry["finding"]), str(entry["label"]))
        if sorted(choices) != list(range(1, len(choices) + 1)):
            raise RulebookError(f"{file.name}: questions.{name}: numbers must run 1, 2, 3...")
        questions[name] = NumberedQuestion(name, choices)
    words: dict[str, tuple[int, str]] = {}
    for lang, listed in reading.get("words", {}).items():
        for value, word in enumerate(listed):
            words[normalise_phrase(word)] = (value, lang)
    topics = {}
    for topic, listed in data.get("askback", {}).get("topics", {}).items():
        items = [normalise_phrase(w) for w in listed]
        topics[topic] = (frozenset(w for w in items if not w.endswith("*")),
                         tuple(w[:-1] for w in items if w.endswith("*")))
    placed_by: dict[str, frozenset[str]] = {}
    for topic, ids in data.get("askback", {}).get("placed_by", {}).items():
        if topic not in topics:
            raise RulebookError(f"{file.name}: askback.placed_by.{topic}: no such topic")
        unknown = [i for i in ids if rulebook is not None and i not in rulebook.by_key]
        if unknown:
            raise RulebookError(f"{file.name}: askback.placed_by.{topic}: unknown finding(s) "
                                f"{unknown}")
        placed_by[topic] = frozenset(ids)
    raw_others = data.get("others")
    others = None
    if raw_others is not None:
        def phrases_of(name: str) -> tuple[str, ...]:
            """`[others] name`: a list of words or phrases; a mistake names itself."""
            value = raw_others.get(name, [])
            if not isinstance(value, list) or not all(isinstance(w, str) and w.strip()
                                                       for w in value):
                raise RulebookError(f"{file.name}: others.{name} must be a list of words")
            return tuple(normalise_phrase(w) for w in value)

        def words_of(name: str) -> frozenset[str]:
            return frozenset(phrases_of(name))

        def single_words_of(name: str) -> frozenset[str]:
            return _one_word_each(words_of(name), f"{file.name}: others.{name}")
        pets, relatives = words_of("pets"), words_of("relatives")
        children = words_of("children")
        died = phrases_of("died")
        parents = words_of("parents")
        mentions = re.compile(r"\b(?:" + "|".join(
            re.escape(w) for w in sorted(pets | relatives | children | parents | set(died)))
            + r")s?\b")
        acquaintances = words_of("acquaintances")
        if not acquaintances <= relatives:
            raise RulebookError(f"{file.name}: others.acquaintances: not among relatives: "
                                f"{sorted(acquaintances - relatives)}")
        peers = single_words_of("peers")
        if not peers <= acquaintances:
            raise RulebookError(f"{file.name}: others.peers: not among acquaintances: "
                                f"{sorted(peers - acquaintances)}")
        others = Others(pets, relatives, words_of("possessives"), words_of("first_person"),
                        phrases_of("not_me"), mentions, words_of("treatment"), acquaintances,
                        words_of("well"), words_of("well_openers"), words_of("negations"),
                        phrases_of("not_me_at_end"), words_of("other_words"),
                        words_of("describers"), words_of("third_person"), children,
                        phrases_of("contrast"), words_of("says_little"), died, parents,
                        phrases_of("writer_is_patient"), words_of("observers"),
                        phrases_of("likened"), phrases_of("cleft"), single_words_of("errands"),
                        single_words_of("also"), phrases_of("not_them"),
                        single_words_of("kin_possessives"), single_words_of("kin_reports"),
                        single_words_of("things"), phrases_of("they_are_patient"),
                        phrases_of("died_figures"), single_words_of("messengers"),
                        single_words_of("asking_openers"), single_words_of("story"),
                        peers, was=words_of("was"))
    unknown_questions = set(reading.get("numbers_only", [])) - set(questions)
    if unknown_questions:
        raise RulebookError(f"{file.name}: reading.numbers_only: no such question(s) "
                            f"{sorted(unknown_questions)}")
    return ChoiceBook(
        acknowledgements=frozenset(" ".join(normalise_phrase(w).split())
                                   for w in reading.get("acknowledgements", [])),
        numbers_only=frozenset(reading.get("numbers_only", [])),
        placed_by=placed_by,
        others=others,
        questions=questions,
        lead=word_list("lead"),
        joiners=word_list("joiners"),
        number_words=words,
        none_phrases=frozenset(normalise_phrase(p) for p in reading.get("none", [])),
        none_label=str(reading.get("none_label", "answered 0: none of the listed red flags")),
        denied=word_list("denied"),
        affirmed=word_list("affirmed"),
        counted=word_list("counted"),
        none_of_numbers=tuple(sorted(word_list("none_of_numbers"), key=len, reverse=True)),
        ranges=single_words("ranges"),
        graded_mild=tuple(sorted(word_list("graded_mild"))),
        figures=tuple(sorted(word_list("figures"))),
        topics=topics,
        site_marks=single_words("site_marks"),
        site_joiners=single_words("site_joiners"),
        site_parts=single_words("site_parts"),
    )


def _one_word_each(found: frozenset[str], where: str) -> frozenset[str]:
    """A list read word by word beside another word ("errands" before a pet, a rash's
    "site_parts"): an entry of several words would never match, so it is refused by
    name rather than ignored."""
    if any(" " in w for w in found):
        raise RulebookError(f"{where}: one word each")
    return found


def read_none(text: str, book: ChoiceBook) -> Picked | None:
    """A whole reply that means "none of these" ("none of the above", "no a todo"),
    read as "0" whether or not a numbered question is pending: every check-in lists
    the red flags, so it can only be an answer to that list."""
    stripped = text.lstrip()
    if len(stripped) > book.longest_none and not stripped[:1].isdigit():
        return None  # most messages: longer than any "none" reply, not a list of numbers
    tokens = tokenize(text)
    return (_whole_none(text, tokens, book) or _all_denied(text, tokens, book)
            or _zero_first(text, tokens, book))


def _zero_first(text: str, tokens: Sequence[Token], book: ChoiceBook) -> Picked | None:
    """A reply that opens with a bare 0 ("0", "0 thanks", "0 but I'm whacked"): the
    "none of these" of the list every check-in sends, with or without a question
    pending; what follows is left to the rulebook. "0.5", "0 days" are not it."""
    first = tokens[0] if tokens else None
    if first is None or first.kind != "num" or first.value != 0 or first.unit is not None \
            or first.decimal:
        return None
    after = tokens[1] if len(tokens) > 1 else None
    if after is not None and after.kind == "word" and after.text in book.counted:
        return None  # "0 days", "0 veces": a count
    if after is not None and after.kind != "word" and not _ends_a_choice(tokens, 1, book):
        return None
    return Picked((0,), text[first.start:first.end], " " * first.end + text[first.end:], None)


def _whole_none(text: str, tokens: Sequence[Token], book: ChoiceBook) -> Picked | None:
    whole = " ".join(t.text for t in tokens if t.kind == "word")
    if whole in book.none_phrases or _none_of_numbered(tokens, book):
        return Picked((0,), text.strip(), " " * len(text), None)
    return None


def _none_of_numbered(tokens: Sequence[Token], book: ChoiceBook) -> bool:
    """"none of 1 through 7", "none of the 7", "ninguna de las 7": a "none" reply that
    names our list by its numbers. Only bare numbers after the words ("none of the 7
    days" is a count, and no answer)."""
    numbers = [i for i, t in enumerate(tokens) if t.kind == "num"]
    words = [i for i, t in enumerate(tokens) if t.kind == "word" and t.text not in book.ranges]
    if not numbers or not words or numbers[0] < words[-1] \
            or any(tokens[i].unit is not None or tokens[i].decimal for i in numbers) \
            or any(t.kind == "word" and t.text not in book.ranges
                   for t in tokens[numbers[0]:]):
        return False
    said = " ".join(tokens[i].text for i in words)
    for lead in book.none_of_numbers:
        if said.endswith(" " + lead) and said[:-len(lead) - 1] in book.none_phrases:
            return True
    return False


def _all_denied(text: str, tokens: Sequence[Token], book: ChoiceBook) -> Picked | None:
    """"1 no 2 no 3 no 4 no - none of those": two or more numbers, each denied, read as
    "0" even with no numbered question pending (only our list is numbered like that);
    what follows is left to the rulebook ("1 no 2 no 3 no 4 un poco de dolor de cabeza").
    A number not denied leaves the whole reply to the rulebook."""
    pairs, i, end = 0, 0, 0
    while i + 1 < len(tokens):
        number, word = tokens[i], tokens[i + 1]
        if number.kind in ("soft", "sym") or number.text in book.joiners:
            i += 1
            continue
        if number.kind != "num" or number.unit is not None or word.text not in book.denied:
            break
        pairs, end, i = pairs + 1, word.end, i + 2
    if pairs < 2 or (i < len(tokens) and tokens[i].kind == "num" and tokens[i].unit is None):
        return None  # "1 no 2 no 3 si": a number not denied, without its list
    rest = text[end:]
    left = " ".join(t.text for t in tokenize(rest) if t.kind == "word")
    blank = " " * end + (" " * len(rest) if left in book.none_phrases else rest)
    return Picked((0,), text[:end].strip(), blank, None)


def unnumbered(text: str, book: ChoiceBook) -> str:
    """A list the patient numbered themself ("1. headache yes mild 2. fever no 3. chest
    pain no") answers item by item; it picks none of our numbered choices, and "2.
    fever no" must not be read as "mild 2" and a fever. Its item numbers (1, 2, ... in
    order, at least two, each followed by a word naming the item) become sentence ends;
    the text keeps its length, so that matched words still point into it. "1 no 2 no",
    "1 and 3", "2 days" have no items, nor has a diary's "day 1. aches ... day 2.
    headache ... day 3 now super bad" (a number after a word of `counted` is the day's);
    a lone "1. chest pain" may still be a choice. Numbers set off by "." or ")" are
    preferred ("1. headache for 2 days 2. fever no")."""
    if not any(ch.isdigit() for ch in text):
        return text  # most messages
    tokens = tokenize(text)
    no_item = (book.denied | book.affirmed | book.joiners | book.counted | book.lead
               | frozenset(book.number_words))
    marked: list[tuple[int, Token]] = []
    bare: list[tuple[int, Token]] = []
    for i, token in enumerate(tokens):
        if token.kind != "num" or token.unit is not None or token.decimal \
                or token.value is None or not 1 <= token.value <= 20 \
                or (i > 0 and tokens[i - 1].kind == "word" and tokens[i - 1].text in book.counted):
            continue
        j = i + 1
        set_off = j < len(tokens) and tokens[j].kind in ("soft", "hard")
        j += set_off
        if j < len(tokens) and tokens[j].kind == "word" and tokens[j].text not in no_item:
            (marked if set_off else bare).append((int(token.value), token))
    items = _in_order(marked) or _in_order(sorted(marked + bare, key=lambda m: m[1].start))
    for token in items:
        text = text[:token.start] + "." * (token.end - token.start) + text[token.end:]
    return text


def _in_order(numbers: Sequence[tuple[int, Token]]) -> list[Token]:
    """The numbers 1, 2, 3, ... taken in the order they come; none unless 1 and 2 are."""
    items: list[Token] = []
    for value, token in numbers:
        if value == len(items) + 1:
            items.append(token)
    return items if len(items) >= 2 else []


def read_choices(text: str, question: NumberedQuestion, book: ChoiceBook) -> Picked | None:
    """The numbers at the start of a reply to `question`, or None if it starts otherwise.

    A number counts only if what follows it is another number, a joiner, a comma or
    the end of a sentence: "2 days ago" and "one of my legs" are not choices, and
    neither is any number above the list (a temperature, a count). A number may be
    followed by a word that denies or affirms it ("1 no 2 no 3 no", "2 yes"), but only
    where a choice could end after that word: "2 no puedo respirar" is not "2 denied"."""
    tokens = tokenize(text)
    if (whole := _whole_none(text, tokens, book)) is not None:
        return whole
    i, skipped = 0, 0
    while i < len(tokens) and skipped < 2 and tokens[i].kind == "word" \
            and tokens[i].text in book.lead:
        i, skipped = i + 1, skipped + 1
    numbers: list[int] = []
    said_no: set[int] = set()
    first_start = last_end = None
    language = None
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "soft" or token.text in book.joiners:
            i += 1
            continue
        values = _values(token, question, book)
        if values is None:
            break
        after = i + 1
        marked = after < len(tokens) and tokens[after].text in book.denied | book.affirmed \
            and _ends_a_choice(tokens, after + 1, book)
        if not marked and not _ends_a_choice(tokens, after, book):
            break
        numbers += values
        if marked and tokens[after].text in book.denied:
            said_no.update(values)
        if token.kind == "word" and book.number_words[token.text][1] == "es":
            language = "es"
        first_start = token.start if first_start is None else first_start
        last_end = tokens[after].end if marked else token.end
        i = after + 1 if marked else after
    if not numbers or first_start is None or last_end is None:
        return None
    picked = [n for n in dict.fromkeys(numbers) if n not in said_no] or [0]
    rest = " " * last_end + text[last_end:]
    return Picked(tuple(picked), text[first_start:last_end], rest, language)


def _values(token: Token, question: NumberedQuestion, book: ChoiceBook) -> list[int] | None:
    """The choice number(s) a token stands for; "2,4" (read as a decimal) is two."""
    if token.kind == "word":
        entry = book.number_words.get(token.text)
        values = [entry[0]] if entry else None
    elif token.kind == "num" and token.unit is None and token.value is not None:
        if token.decimal:  # "2,4" / "2.4": two choices only if both are on the list
            whole, _, frac = f"{token.value:.2f}".rstrip("0").partition(".")
            values = [int(whole), int(frac)] if frac.isdigit() and len(frac) == 1 else None
        else:
            values = [int(token.value)]
    else:
        return None
    if values is None or any(v > question.highest for v in values):
        return None
    return values


def _ends_a_choice(tokens: Sequence[Token], j: int, book: ChoiceBook) -> bool:
    if j >= len(tokens):
        return True
    following = tokens[j]
    return (following.kind in ("soft", "hard", "num") or following.text in book.joiners
            or following.text in book.number_words)
