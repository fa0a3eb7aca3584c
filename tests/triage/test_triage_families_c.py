"""Families of message blind batch C (2026-12-01) showed the reading missed, each with
sentences written for this test (not the batch's own): a change that catches a family
is what generalises to messages nobody has seen."""

from __future__ import annotations

import pytest

from followup.triage import triage

# Going to the toilet told with "gone"/"been" ("barely gone today"), which is no symptom
# gone; how little said as "a tiny bit"; the colour told of "it" after the urine
# ("peed and it's a browny colour", "oriné y salió oscura").
URINE_TOLD_LOOSELY = [
    ("wee looks reddish and I've hardly been today", 'urgent'),
    ("I've barely gone since yesterday", 'urgent'),
    ("he has only been once since breakfast", 'urgent'),
    ("only did a tiny bit of pee this afternoon", 'urgent'),
    ("went for a pee earlier and it was a rusty sort of colour", 'urgent'),
    ("la pipí está rosita y casi no he ido al baño", 'urgent'),
    ("apenas he ido al baño en todo el día", 'urgent'),
    ("oriné hace rato y salió bien oscura", 'urgent'),
    ("headache was bad last night, it's gone today", 'ok'),
]

# Being exhausted said as an idiom: tiredness (mild), never unreadable.
TIRED_IDIOMS = [
    ("I'm totally shattered after yesterday", 'mild'),
    ("feeling pooped today", 'mild'),
    ("dead on my feet this afternoon", 'mild'),
    ('ando molido desde la infusión', 'mild'),
    ('estoy hecha pedazos hoy', 'mild'),
    ('me siento rendido y sin pilas', 'mild'),
]

# Being well said as a share ("100%"); a headache that daily life "gives" is a figure of
# speech, while one the treatment gives is a headache.
WELL_AND_FIGURES = [
    ('back to 100% this morning', 'ok'),
    ("feeling 100 % thank you", 'ok'),
    ('me siento al 100%', 'ok'),
    ('feeling 100 degrees and shivery', 'mild'),
    ("these insurance bills are giving me a headache, otherwise I'm good", 'ok'),
    ('the drip gave me a headache last night', 'mild'),
    ('mis hijos me dan dolor de cabeza jaja, yo estoy bien', 'ok'),
    ('la infusión me dio dolor de cabeza', 'mild'),
]

# A request made without a question mark, with nothing wrong in it, needs a person.
REQUESTS_WITHOUT_A_MARK = [
    ('my dog has been unwell all week, can you recommend someone', 'unclear'),
    ("I'm fine, could you call me about the next appointment", 'unclear'),
    ('please call me back when you can', 'unclear'),
    ('estoy bien, me puede llamar para cambiar la cita', 'unclear'),
    ('mi gato está enfermo, conoce algún veterinario', 'unclear'),
    ("I'm fine, thank you", 'ok'),
]

# Numbness on one side said with a verb ("no siento", "se me duerme"), read by the rules
# alone (batch C's one was caught only by the second reader); a foot asleep while
# sleeping, on no side, is not a stroke sign.
ONE_SIDE_NUMB_BY_VERB = [
    ('no siento la mano izquierda desde hace un rato', 'emergency'),
    ('se me durmió la pierna derecha y no se me quita', 'emergency'),
    ('se me adormece medio lado de la cara', 'emergency'),
    ("can't feel my left hand since lunch", 'emergency'),
    ('my right leg went numb and so did my face on that side', 'emergency'),
    ('se me duerme la mano cuando duermo de lado', 'unclear'),
]

FAMILIES = {
    "one_side_numb_by_verb": ONE_SIDE_NUMB_BY_VERB,
    "urine_told_loosely": URINE_TOLD_LOOSELY,
    "tired_idioms": TIRED_IDIOMS,
    "well_and_figures": WELL_AND_FIGURES,
    "requests_without_a_mark": REQUESTS_WITHOUT_A_MARK,
}


@pytest.mark.parametrize("text,level", [case for family in FAMILIES.values() for case in family])
def test_family_reads_at_its_level_by_the_rules_alone(text: str, level: str) -> None:
    """The rules read each one: the second reader (which learnt the batch) is not asked."""
    result = triage(text, second_reader=None)
    assert result.level == level, result


@pytest.mark.parametrize("family", FAMILIES.values(), ids=FAMILIES.keys())
def test_each_family_has_english_and_spanish(family: list[tuple[str, str]]) -> None:
    assert {triage(text).language for text, _ in family} >= {"en", "es"}
