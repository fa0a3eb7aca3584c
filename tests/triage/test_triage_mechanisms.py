"""Mechanisms rebuilt on 2026-12-01 (second session), each with sentences written for this
test, in English and Spanish, and harmless near-misses that must stay low: severity,
texting shorthand, consciousness, instructions and jokes, the IV arm, Spanish diminutives,
symptoms told as over, acknowledgements to a numbered question, and the second reader's
lift of urgent to emergency (docs/triage-validation.md, "Mechanisms rebuilt")."""

from __future__ import annotations

from datetime import datetime

import pytest

from followup.triage import _default_rulebook, triage
from followup.triage.engine import PriorFinding
from followup.triage.lobo import HeldOut, choose_lift, lift_report, lifted, score
from followup.triage.reading import SECOND_READER_KEY
from followup.triage.second_reader import Reading, SecondReader, load_settings

# 1. Severity: a pain score of 7 or more out of 10, or an intensifier, makes a headache
# severe (urgent); sudden + worst, or a thunderclap, makes it an emergency.
SEVERITY = [
    ("headache, pain 8/10", "urgent"),
    ("my headache is like a 9 out of 10", "urgent"),
    ("the worst headache, been all day", "urgent"),
    ("this headache is unbearable", "urgent"),
    ("really bad headache since lunch", "urgent"),
    ("tengo dolor de cabeza, un 9 de 10", "urgent"),
    ("un dolor de cabeza insoportable", "urgent"),
    ("dolor de cabeza horrible desde anoche", "urgent"),
    ("sudden worst headache", "emergency"),
    ("worst headache, came on like a thunderclap", "emergency"),
    ("de repente el peor dolor de cabeza", "emergency"),
    ("de repente me dio el peor dolor de cabeza de mi vida", "emergency"),
    # near-misses: a low score, a score of something else, "the worst thing is ..."
    ("headache 3/10, drinking water", "mild"),
    ("i got 9 out of 10 on my quiz, slight headache", "mild"),
    ("slight headache, worst thing is the boredom lol", "mild"),
    ("dolor de cabeza como un 2 de 10", "mild"),
    ("me duele un poco la cabeza, lo peor es el aburrimiento", "mild"),
]

# 2. Texting shorthand: SOB, CP, HA where they fit; crying, a person, cerebral palsy and
# laughter do not. Spanish: "dlr" (dolor), "d" (de), "pued" (puedo).
SHORTHAND = [
    ("SOB since last night", "emergency"),
    ("feeling sob when i walk", "emergency"),
    ("sob and CP", "emergency"),
    ("CP since this morning", "emergency"),
    ("having CP again", "emergency"),
    ("HA all day, tired", "mild"),
    ("cant breath", "emergency"),
    ("tengo SOB desde anoche", "emergency"),
    ("tengo dlr de pecho", "emergency"),
    ("tngo dlr d pecho desde la mañana", "emergency"),
    ("no pued respirar", "emergency"),
    ("dlr d cabeza leve", "mild"),
    # near-misses
    ("i was sobbing at a movie, feel fine", "ok"),
    ("sob story from my sister, im fine", "ok"),
    ("made me sob lol, im fine", "ok"),
    ("ha ha im fine", "ok"),
    ("ha! all good", "ok"),
    ("no SOB no CP, all good", "ok"),
    ("my son has CP, he is doing great after the infusion", "ok"),
    ("my CPAP machine is fine", "ok"),
    ("me cambié de casa, mi CP es 06700, todo bien", "ok"),
    ("todo bien, gracias x preguntar", "ok"),
]

# 3. Consciousness lost, in everyday words (fainting: emergency); sleep is not.
CONSCIOUSNESS = [
    ("she blacked out for a minute", "emergency"),
    ("went out like a light", "emergency"),
    ("dad went out like a light at the table and we could not wake him", "emergency"),
    ("lost consciousness briefly in the shower", "emergency"),
    ("she didnt respond when i called her", "emergency"),
    ("my mom didn't respond when I called her name", "emergency"),
    ("mi mamá no respondía", "emergency"),
    ("se quedó ida unos segundos", "emergency"),
    ("se quedó ido mirando la pared", "emergency"),
    ("perdió el conocimiento en la cocina", "emergency"),
    # near-misses
    ("went out like a light at 9pm, slept great", "ok"),
    ("the baby went out like a light after her bottle", "unclear"),
    ("she didnt respond to my text yesterday", "unclear"),
    ("no me contestó el teléfono pero ya hablamos, todo bien", "ok"),
    ("se quedó dormida temprano, todo bien", "ok"),
]

# 4. Instructions said back report nothing; a joke marker after a red flag does not take
# it back (safety rule 1: a person reads it at the level it was told).
INSTRUCTIONS_AND_JOKES = [
    ("you told me to call if I get chest pain", "unclear"),
    ("the nurse said to call if i have trouble breathing. all good here", "ok"),
    ("me dijeron que si tengo dolor de pecho llame", "unclear"),
    ("me dijeron que si siento que me falta el aire vaya a urgencias, por ahora todo bien", "ok"),
    ("chest pain jk", "emergency"),
    ("i passed out lol jk im fine", "emergency"),
    ("me desmayé, es broma", "emergency"),
    ("me duele el pecho jaja es broma", "emergency"),
    # near-misses: the joke alone, and a real report after an "if"
    ("jk", "unclear"),
    ("es broma", "unclear"),
    ("if I have to walk upstairs I get chest pain", "emergency"),
    # "si tengo" is also "sí tengo" (yes, I have) without its accent: a report
    ("sí tengo dolor de pecho desde anoche", "emergency"),
    ("si tengo la pierna hinchada", "urgent"),
    ("si siento que me falta el aire", "emergency"),
]

# 5. The IV arm: a sign spreading up the arm, or worse days later, is a clot sign; a
# sore or bruised site alone stays mild.
IV_ARM = [
    ("the arm that had the IV is swollen up to the elbow", "urgent"),
    ("redness spreading up my arm from where the IV was", "urgent"),
    ("IV arm is red and warm and it's spreading", "urgent"),
    ("pain going up my arm from the IV site", "urgent"),
    ("the IV site is worse today, 3 days later, swollen and red", "urgent"),
    ("el brazo del suero está hinchado hasta el codo", "urgent"),
    ("lo rojo se está subiendo por el brazo desde donde me pusieron el suero", "urgent"),
    # near-misses
    ("sore where the IV was", "mild"),
    ("little bruise at the IV site", "mild"),
    ("me quedó un moretón donde me pusieron la aguja", "mild"),
    ("me duele un poco donde estuvo el suero", "mild"),
]

# 6. Spanish diminutive and superlative endings are read as the base word.
DIMINUTIVES = [
    ("tengo la pierna hinchadita", "urgent"),
    ("los tobillos hinchadísimos", "urgent"),
    ("la pierna hinchadísima y calientita", "urgent"),
    ("estoy mareadito", "urgent"),
    ("tengo los labios moraditos", "emergency"),
    ("tengo la garganta cerradita", "emergency"),
    ("la orina oscurita", "urgent"),
    ("tengo la carita hinchada", "urgent"),
    ("tengo un dolorcito de cabeza", "mild"),
    ("me duele la cabecita", "mild"),
    ("ando cansadita", "mild"),
    # near-misses: a few little spots are not hives, a plaster is no symptom
    ("me salieron unas ronchitas", "mild"),
    ("le quité la curita, todo bien", "ok"),
    ("estoy bien, un poquito cansada", "mild"),
    ("i feel great, had a burrito", "ok"),
]

# 7. A mild symptom told as over is resolved; a red flag told as over counts as the
# policy says: an event (a faint) always, other red flags not once gone.
OVER = [
    ("had a headache yesterday, gone now", "ok"),
    ("had a headache yesterday but it's gone now", "ok"),
    ("tuve dolor de cabeza ayer, ya se me quitó", "ok"),
    ("my leg was swollen yesterday, it's gone down now", "ok"),
    ("I fainted yesterday but im fine now", "emergency"),
    ("me desmayé ayer pero ya estoy bien", "emergency"),
    ("tosí sangre anoche, ya estoy bien", "emergency"),
    ("had chest pain last night, gone now", "ok"),
]

MECHANISMS = {
    "severity": SEVERITY, "shorthand": SHORTHAND, "consciousness": CONSCIOUSNESS,
    "instructions_and_jokes": INSTRUCTIONS_AND_JOKES, "iv_arm": IV_ARM,
    "diminutives": DIMINUTIVES, "over": OVER,
}


@pytest.mark.parametrize("text,level",
                         [case for cases in MECHANISMS.values() for case in cases])
def test_mechanism_reads_at_its_level_by_the_rules_alone(text: str, level: str) -> None:
    result = triage(text, second_reader=None)
    assert result.level == level, result


@pytest.mark.parametrize("text,level",
                         [case for cases in MECHANISMS.values() for case in cases])
def test_the_whole_reading_never_reads_lower(text: str, level: str) -> None:
    """With the shipped second reader, which may only raise."""
    order = ("ok", "unclear", "mild", "urgent", "emergency")
    assert order.index(triage(text).level) >= order.index(level)


@pytest.mark.parametrize("mechanism", MECHANISMS.values(), ids=MECHANISMS.keys())
def test_each_mechanism_has_english_and_spanish(mechanism: list[tuple[str, str]]) -> None:
    assert {triage(text).language for text, _ in mechanism} >= {"en", "es"}


@pytest.mark.parametrize("word", [
    "cooking", "acting", "leaving", "coin", "period", "deal", "diet", "hearts", "pulse",
    "infection", "filling", "faster", "waist", "skipped", "shopping", "block", "glob",
    "caldo", "cuido", "toco", "pedir", "bola", "silla", "camino", "comido", "contestar",
])
def test_an_everyday_word_is_never_corrected_into_another(word: str) -> None:
    """The fuzzy corrector had turned "cooking" into "choking" (a flatmate's cooking read
    as a closing throat), "contestar" into "contesta" ("perdón por no contestar" read as a
    faint), "caldo" into "caido", "glob" into "globo". An audit of every correction made
    in the labelled and blind messages put the real words among them in
    `common_words.toml`, which the corrector leaves alone."""
    assert _default_rulebook().lexicon.correct(word) == word


@pytest.mark.parametrize("word", [
    "dozed", "dozing", "weeping", "easing", "patch", "board", "inch", "moaning", "barking",
    "dios", "molestar", "alergia", "trabajado", "parado", "esperar",
])
def test_a_word_of_the_language_is_never_corrected_into_another(word: str) -> None:
    """Listing real words one by one only catches the ones a batch has shown: round 13
    read "I dozed off at my desk" as "dazed", a sudden confusion and an emergency. The
    languages' word lists (`[lexicon] word_lists`) keep every real word as typed."""
    assert _default_rulebook().lexicon.correct(word) == word


@pytest.mark.parametrize("word,form", [
    ("confuse", "confused"), ("pees", "peed"), ("revuelta", "revuelto"),
    ("disappear", "disappeared"), ("strongest", "stronger"),
])
def test_a_real_word_is_still_read_as_another_form_of_itself(word: str, form: str) -> None:
    """"mom is confuse" is confused: a real word may become another form of the same
    word (only the ending differs), which the rulebook lists."""
    assert _default_rulebook().lexicon.correct(word) == form


@pytest.mark.parametrize("word,base", [
    ("hinchadita", "hinchada"), ("hinchadisima", "hinchada"), ("mareadito", "mareado"),
    ("moradito", "morado"), ("rojita", "roja"), ("gotitas", "gotas"),
    ("cabecita", "cabeza"), ("hinchaditos", "hinchados"),
])
def test_a_diminutive_reads_as_its_base(word: str, base: str) -> None:
    assert _default_rulebook().lexicon.correct(word) == base


@pytest.mark.parametrize("word", ["ronchitas", "poquito", "quito", "grito", "bonito", "cita"])
def test_a_listed_or_short_word_keeps_its_own_reading(word: str) -> None:
    """A form the rulebook lists keeps its meaning; a stem under 3 letters is no base."""
    assert _default_rulebook().lexicon.correct(word) == word


# 9. "ok" and a thumbs-up: fine as a reply to a check-in (each opens with "how are you?")
# or to nothing; no answer to the ask-back question, which asks for numbers only.
@pytest.mark.parametrize("text,question,level", [
    ("ok", None, "ok"),
    ("👍", None, "ok"),
    ("ok", "checkin_early", "ok"),
    ("OK", "checkin_late", "ok"),  # it opens with "how are you?": "I'm OK"
    ("👍", "checkin_late", "ok"),
    ("ok", "askback", "unclear"),
    ("OK!", "askback", "unclear"),
    ("👍🏽", "askback", "unclear"),
    ("ok gracias", "askback", "unclear"),
    ("vale", "askback", "unclear"),
    ("0", "askback", "ok"),
    ("ok 0", "checkin_late", "ok"),
    ("0", "checkin_late", "ok"),
    ("ok 2", "checkin_late", "urgent"),
])
def test_an_acknowledgement_answers_no_numbered_question(text: str, question: str | None,
                                                          level: str) -> None:
    result = triage(text, question=question)
    assert result.level == level, result
    if level == "unclear":
        assert any("without answering it" in r for r in result.reasons)


# 8. The second reader's lift of urgent to emergency.

class Fixed(SecondReader):
    """Reads every message with the same probabilities."""

    def __init__(self, emergency: float) -> None:
        super().__init__({}, (0.0, 0.0), load_settings())
        self._emergency = emergency

    def read(self, text: str) -> Reading:
        return Reading(max(self._emergency, 0.9), self._emergency)


def test_the_lift_raises_urgent_to_emergency_and_says_so() -> None:
    text = "my left leg is swollen and hot"
    assert triage(text, second_reader=None).level == "urgent"
    lift = load_settings().lift
    result = triage(text, second_reader=Fixed(lift))
    assert result.level == "emergency"
    assert result.findings[0].key == SECOND_READER_KEY
    assert any("the second reader raised it to emergency" in r and r.endswith("please read")
               for r in result.reasons)


def test_the_lift_waits_for_its_threshold() -> None:
    lift = load_settings().lift
    assert triage("my left leg is swollen and hot",
                  second_reader=Fixed(lift - 0.01)).level == "urgent"


@pytest.mark.parametrize("text", [
    "no chest pain, but my left leg is swollen",  # a red flag denied: not the reader's
    "the chest pain is gone, my ankles are swollen",  # a red flag over
    "the dog is throwing up and I'm fine",  # someone else's
    "my lips are puffy and my face is swollen but i can breathe ok",  # said to be fine
    "threw up once",  # mild: the lift is for urgent readings only
    "feeling fine",
])
def test_the_lift_never_reads_what_the_rules_set_aside(text: str) -> None:
    assert triage(text, second_reader=Fixed(1.0)).level == triage(text, second_reader=None).level


def test_the_shipped_lift_is_a_probability() -> None:
    assert 0.5 <= load_settings().lift <= 1.0


def test_the_lift_reads_only_what_the_text_says_alone() -> None:
    """"worse" is urgent against an earlier headache; the reader never saw that history."""
    history = [PriorFinding("headache", "mild", datetime(2026, 12, 1, 9, 0))]
    rules = triage("me siento peor", history=history, second_reader=None)
    assert rules.level == "urgent"
    assert triage("me siento peor", history=history, second_reader=Fixed(1.0)).level == "urgent"


def _held(expected: str, emergency: float) -> HeldOut:
    return HeldOut("b", "en", expected, "urgent", False, Reading(0.9, emergency), False, True)


def test_leave_one_batch_out_chooses_the_lowest_lift_within_the_overcall_budget() -> None:
    """100 urgent messages: one over-call per 100 is the budget (1 point)."""
    held = [_held("urgent", 0.72), *[_held("urgent", 0.1)] * 98, _held("urgent", 0.62)]
    assert choose_lift(held, 0.65) == 0.65  # at 0.60 two over-calls, at 0.65 one
    assert lifted(held[0], 0.65, 0.65) == "emergency"
    assert lifted(held[1], 0.65, 0.65) == "urgent"
    assert lifted(held[0], 0.65, None) == "urgent"
    assert "| 0.65 |" in lift_report(held, 0.65, 0.65)


def test_leave_one_batch_out_applies_the_mild_threshold_to_placed_mild_readings() -> None:
    """A mild reading with every topic placed is raised only at the mild threshold in the
    combined figures, as in `reading.read`; any other reading at the threshold."""
    placed = HeldOut("b", "en", "mild", "mild", False, Reading(0.6, 0.0), False, False, True)
    other = HeldOut("b", "en", "urgent", "mild", False, Reading(0.6, 0.0), False, False, False)
    assert lifted(placed, 0.55, None, mild=0.65) == "mild"
    assert lifted(placed, 0.55, None) == "urgent"
    assert lifted(other, 0.55, None, mild=0.65) == "urgent"
    assert score([placed, other], 0.55, combined=True, mild=0.65).false_alarms == 0
    assert score([placed, other], 0.55, combined=True).false_alarms == 1


@pytest.mark.parametrize("text,level", [
    ("chest pain jk", "emergency"),
    ("me desmayé, es broma", "emergency"),
    ("my leg is swollen lol just kidding", "urgent"),
])
def test_a_red_flag_called_a_joke_stays_and_staff_are_told(text: str, level: str) -> None:
    result = triage(text, second_reader=None)
    assert result.level == level
    assert any("calls it a joke" in r for r in result.reasons)


@pytest.mark.parametrize("text", ["headache jk", "jk", "all good, es broma lo de ayer"])
def test_a_joke_without_a_red_flag_says_nothing_of_one(text: str) -> None:
    assert not any("joke" in r for r in triage(text, second_reader=None).reasons)
