"""Rulebook loading: the bundled file is valid and every mistake is reported precisely."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from followup.triage import Rulebook, RulebookError, load_rulebook, triage
from followup.triage.rulebook import DEFAULT_PATH, LEVELS

MINIMAL = """
[languages.en]
hints = ["the"]
[languages.es]
hints = ["el"]

[negation]
cues.en = ["no"]
cues.es = ["no"]
pseudo.en = ["not sure"]
pseudo.es = ["no se"]
list_joiners.en = ["or"]
list_joiners.es = ["o"]

[resolution]
after.en = ["gone"]
after.es = ["ya paso"]
either.en = ["got rid of"]
either.es = ["se fue"]

[boundaries]
hard.en = ["but"]
hard.es = ["pero"]
soft.en = ["and"]
soft.es = ["y"]

[temperature]
fever_c = 38.0
raised_c = 37.2
celsius_range = [35.0, 45.0]
fahrenheit_range = [95.0, 110.0]
words.en = ["fever"]
words.es = ["fiebre"]

[classes.leg]
en = ["leg", "calf"]
es = ["pierna"]
"""

FINDING = """
[[finding]]
id = "{id}"
level = "{level}"
label = "swollen leg"
advice = "clot"
phrases.en = {en}
phrases.es = ["@leg ~ hinchada"]
"""


def write(tmp_path: Path, *findings: str, extra: str = "") -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(MINIMAL + extra + "".join(findings), encoding="utf-8")
    return path


def finding(id: str = "leg_swelling", level: str = "urgent",
            en: str = '["@leg ~ swollen"]') -> str:
    return FINDING.format(id=id, level=level, en=en)


def test_minimal_rulebook_loads_and_triages(tmp_path: Path) -> None:
    book = load_rulebook(write(tmp_path, finding()))
    assert triage("my calf is swollen", rulebook=book).level == "urgent"
    assert triage("la pierna esta hinchada", rulebook=book).level == "urgent"
    assert triage("no leg swollen", rulebook=book).level == "ok"
    assert triage("hello", rulebook=book).level == "unclear"


@pytest.mark.parametrize("phrase", ['"swollen? ~2 $"', '"(legs?|swollen?) ~2 $"',
                                    '"@maybe_leg ~2 $"'])
def test_a_phrase_that_can_match_without_its_words_is_never_skipped(
        tmp_path: Path, phrase: str) -> None:
    """Messages skip phrases none of whose words they contain; a phrase whose
    every word is optional matches other words too and must still be tried."""
    classes = '[classes.maybe_leg]\nen = ["leg?"]\nes = ["pierna?"]\n'
    book = load_rulebook(write(tmp_path, finding(en=f'["@leg ~ swollen", {phrase}]'),
                               extra=classes if "@maybe_leg" in phrase else ""))
    assert triage("it hurts a lot", rulebook=book).level == "urgent"


@pytest.mark.parametrize(
    ("findings", "problem"),
    [
        ((finding(level="severe"),), "unknown level 'severe'"),
        ((finding(en="[]"),), "'phrases.en' is empty"),
        ((finding(), finding()), "duplicate id"),
        ((finding(en='["re:(unclosed"]'),), "bad regex"),
        ((finding(en='["@arm ~ swollen"]'),), "unknown class @arm"),
        ((finding(en='["flu-like"]'),), "is not a single word"),
        ((finding(en='["(leg swollen"]'),), "unbalanced"),
        ((finding().replace('label = "swollen leg"\n', ""),), "missing 'label'"),
        ((finding().replace('phrases.es = ["@leg ~ hinchada"]\n', ""),), "'phrases.es' is missing"),
        ((finding().replace('advice = "clot"', 'advice = "clot"\nsevirity = 2'),), "unknown key"),
        ((finding().replace('advice = "clot"', 'advice = "clot"\nevent = "yes"'),),
         "'event' must be true or false"),
        ((finding().replace('advice = "clot"', 'advice = "clot"\nabsence = 1'),),
         "'absence' must be true or false"),
    ],
)
def test_broken_finding_is_rejected_with_file_entry_and_problem(
        tmp_path: Path, findings: tuple[str, ...], problem: str) -> None:
    path = write(tmp_path, *findings)
    with pytest.raises(RulebookError) as excinfo:
        load_rulebook(path)
    message = str(excinfo.value)
    assert str(path) in message
    assert "finding 'leg_swelling'" in message
    assert problem in message


def test_combination_must_name_known_findings(tmp_path: Path) -> None:
    combo = ('\n[[finding]]\nid = "combo"\nlevel = "urgent"\nlabel = "x"\nadvice = "general"\n'
             'requires = [["leg_swelling"], ["nope"]]\n')
    with pytest.raises(RulebookError, match=r"finding 'combo'.*unknown finding\(s\) \['nope'\]"):
        load_rulebook(write(tmp_path, finding(), combo))


def test_bad_thresholds_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, finding())
    path.write_text(path.read_text().replace("raised_c = 37.2", "raised_c = 38.5"))
    with pytest.raises(RulebookError, match=r"temperature: 'raised_c' must be below 'fever_c'"):
        load_rulebook(path)


def test_an_oxygen_line_that_is_no_saturation_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, finding())
    path.write_text(path.read_text().replace('words.es = ["fiebre"]\n',
                                             'words.es = ["fiebre"]\noxygen_low = 38\n'))
    with pytest.raises(RulebookError, match=r"temperature: 'oxygen_low' must be a saturation"):
        load_rulebook(path)


def test_fillers_and_other_units_are_optional_and_checked(tmp_path: Path) -> None:
    reading = finding("normal_reading", "ok", '["_temp_normal_"]')
    plain = load_rulebook(write(tmp_path, finding(), reading))
    assert triage("leg is, like, swollen", rulebook=plain).level == "unclear"
    assert triage("weigh 98.5 kg", rulebook=plain).level == "ok"  # read as 98.5 °F
    path = write(tmp_path, finding(), reading)
    text = path.read_text()
    text = text.replace('soft.es = ["y"]\n',
                        'soft.es = ["y"]\nfillers.en = ["like"]\nfillers.es = ["este"]\n')
    text = text.replace('words.es = ["fiebre"]\n',
                        'words.es = ["fiebre"]\nother_units.en = ["kg"]\nother_units.es = ["kg"]\n')
    path.write_text(text)
    book = load_rulebook(path)
    assert triage("leg is, like, swollen", rulebook=book).level == "urgent"
    assert triage("weigh 98.5 kg", rulebook=book).level == "unclear"
    path.write_text(text.replace('fillers.en = ["like"]', 'fillers.fr = ["genre"]'))
    with pytest.raises(RulebookError, match=r"boundaries: 'fillers' has unknown language"):
        load_rulebook(path)
    path.write_text(text.replace('other_units.en = ["kg"]', 'other_units.en = "kg"'))
    with pytest.raises(RulebookError, match=r"temperature: 'other_units.en'"):
        load_rulebook(path)


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[[finding]\n")
    with pytest.raises(RulebookError, match=re.escape(str(broken)) + ": not valid TOML"):
        load_rulebook(broken)
    with pytest.raises(RulebookError, match="file not found"):
        load_rulebook(tmp_path / "absent.toml")


def test_no_findings_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match="at least one"):
        load_rulebook(write(tmp_path))


def test_rulebook_error_is_a_value_error() -> None:
    assert issubclass(RulebookError, ValueError)


def test_bundled_rulebook_covers_every_level_in_both_languages() -> None:
    data = tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    book = load_rulebook()
    assert {f.level for f in book.findings} == set(LEVELS)
    for entry in data["finding"]:
        if "requires" in entry:
            continue
        assert entry["phrases"]["en"] and entry["phrases"]["es"], entry["id"]
        assert entry["advice"] in {"breathing", "clot", "kidney", "headache", "fever",
                                   "allergy", "general"}


@pytest.mark.parametrize(
    ("key", "en", "es"),
    [
        ("trouble_breathing", "trouble breathing", "me falta el aire"),
        ("wheezing", "wheezing", "tengo silbidos en el pecho"),
        ("throat_closing", "throat is tight", "se me cierra la garganta"),
        ("tongue_swelling", "swollen tongue", "lengua hinchada"),
        ("chest_pain", "chest pressure", "opresion en el pecho"),
        ("coughing_blood", "coughing blood", "toso sangre"),
        ("stroke_signs", "face drooping", "boca torcida"),
        ("fainting", "passed out", "me desmaye"),
        ("seizure", "seizure", "convulsiones"),
        ("confusion", "disoriented", "desorientado"),
        ("headache_thunderclap", "worst headache of my life", "el peor dolor de cabeza de mi vida"),
        ("limb_clot_signs", "calf is red", "pantorrilla roja"),
        ("little_urine", "barely peeing", "orino muy poco"),
        ("urine_dark", "brown urine", "orina oscura"),
        ("edema", "swollen ankles", "tobillos hinchados"),
        ("weight_gain", "gained 3 kg", "subi 3 kilos"),
        ("headache_severe", "severe headache", "dolor de cabeza muy fuerte"),
        ("meningism", "stiff neck", "cuello rigido"),
        ("fever_reported", "fever", "fiebre"),
        ("fever_high", "temp 39", "temperatura 39"),
        ("vomiting", "vomiting", "vomitando"),
        ("jaundice", "yellow eyes", "ojos amarillos"),
        ("hives_spreading", "hives", "ronchas"),
        ("face_lip_swelling", "lips swollen", "labios hinchados"),
        ("blistering_rash", "blisters", "ampollas"),
        ("dizziness", "dizzy when I stand", "mareado"),
        ("headache", "headache", "dolor de cabeza"),
        ("aches", "body aches", "dolor muscular"),
        ("flu_like", "flu", "gripa"),
        ("tiredness", "tired", "cansado"),
        ("chills", "chills", "escalofrios"),
        ("temperature_raised", "temp 37.5", "temperatura 37.5"),
        ("rash_mild", "itchy rash", "sarpullido"),
        ("nausea", "nauseous", "nauseas"),
        ("iv_site", "bruise at the IV site", "moreton donde me pusieron la aguja"),
        ("feeling_fine", "all good", "todo bien"),
    ],
)
def test_policy_findings_recognised_in_both_languages(key: str, en: str, es: str) -> None:
    for text in (en, es):
        keys = [f.key for f in triage(text).findings]
        assert key in keys, (text, keys)


CONTEXT = """
[answers]
yes.en = ["^ yes"]
yes.es = ["^ si"]
no.en = ["^ no $"]
no.es = ["^ no $"]

[questions.checkin_late.yes]
id = "late_yes"
level = "{level}"
label = "answered yes"
advice = "kidney"
[questions.checkin_late.no]
id = "{no_id}"
level = "ok"
label = "answered no"
advice = "kidney"

[trend]
escalate_to = "{escalate}"
worse.en = ["worse"]
worse.es = ["peor"]
"""


def context(level: str = "urgent", no_id: str = "late_no", escalate: str = "urgent") -> str:
    return CONTEXT.format(level=level, no_id=no_id, escalate=escalate)


def test_context_sections_load_and_drive_answers(tmp_path: Path) -> None:
    book = load_rulebook(write(tmp_path, finding(), extra=context()))
    assert triage("yes", rulebook=book, question="checkin_late").level == "urgent"
    assert triage("yes", rulebook=book).level == "unclear"
    assert triage("no", rulebook=book, question="checkin_late").level == "ok"


@pytest.mark.parametrize(
    ("extra", "entry", "problem"),
    [
        (context(level="panic"), "questions.checkin_late.yes", "unknown level 'panic'"),
        (context(no_id="leg_swelling"), "questions.checkin_late.no", "duplicate id"),
        (context(escalate="mild"), "trend.escalate_to", "unknown level 'mild'"),
        (context().replace('worse.en = ["worse"]',
                           'told_worse = { nope = "leg_swelling" }\nworse.en = ["worse"]'),
         "trend", "told_worse: nope -> leg_swelling must lead from a mild finding"),
        (context().replace('worse.en = ["worse"]', 'told_worse = ["x"]\nworse.en = ["worse"]'),
         "trend", "told_worse must map finding ids to finding ids"),
        (context().replace('no.es = ["^ no $"]\n', ""), "answers", "'no.es' is missing"),
        (context().replace("[answers]", "[answerz]"), "answers", "need [answers]"),
        (context().replace('advice = "kidney"\n[questions', 'advise = "x"\n[questions'),
         "questions.checkin_late.yes", "unknown key(s) ['advise']"),
        ('\n[hypothetical]\ncues.en = ["if"]\ncues.es = ["si"]\n', "hypothetical",
         "'question_words' must have 'en' and 'es' lists"),
    ],
)
def test_broken_context_sections_are_rejected(tmp_path: Path, extra: str, entry: str,
                                              problem: str) -> None:
    path = write(tmp_path, finding(), extra=extra)
    with pytest.raises(RulebookError) as excinfo:
        load_rulebook(path)
    message = str(excinfo.value)
    assert str(path) in message and entry in message and problem in message, message


def test_trend_of_must_name_a_known_finding(tmp_path: Path) -> None:
    bad = finding().replace('advice = "clot"', 'advice = "clot"\ntrend_of = "nope"')
    with pytest.raises(RulebookError, match=r"finding 'leg_swelling'.*'trend_of'.*'nope'"):
        load_rulebook(write(tmp_path, bad))


def test_bundled_rulebook_has_both_check_in_questions() -> None:
    book = load_rulebook()
    assert set(book.context.questions) == {"checkin_early", "checkin_late"}
    late = book.context.questions["checkin_late"]
    assert late.yes.level == "urgent" and late.no.level == "ok"
    assert book.context.questions["checkin_early"].yes.level == "mild"


def test_an_event_finding_is_not_undone_by_a_resolution(tmp_path: Path) -> None:
    plain = load_rulebook(write(tmp_path, finding()))
    assert triage("leg swollen, gone now", rulebook=plain).level == "ok"
    event = finding().replace('advice = "clot"', 'advice = "clot"\nevent = true')
    book = load_rulebook(write(tmp_path, event))
    assert triage("leg swollen, gone now", rulebook=book).level == "urgent"


HISTORY = """
[history]
cues.en = ["years ago"]
cues.es = ["hace anos"]
ongoing.en = ["again"]
ongoing.es = ["otra vez"]
"""
WELL = """
[[finding]]
id = "well"
level = "ok"
label = "well"
advice = "general"
phrases.en = ["fine"]
phrases.es = ["bien"]
"""


def test_history_sets_a_dated_finding_aside_only_when_the_patient_is_well(
        tmp_path: Path) -> None:
    book = load_rulebook(write(tmp_path, finding(), WELL, extra=HISTORY))
    dated = triage("leg swollen years ago, fine now", rulebook=book)
    assert dated.level == "ok" and "leg_swelling" in dated.set_aside
    assert any("past history" in r for r in dated.reasons)
    assert triage("leg swollen years ago", rulebook=book).level == "urgent"
    assert triage("leg swollen again years ago, fine", rulebook=book).level == "urgent"


def test_history_section_is_checked(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match=r"history.*unknown key\(s\) \['cue'\]"):
        load_rulebook(write(tmp_path, finding(), extra='\n[history]\ncue.en = ["x"]\n'))
    with pytest.raises(RulebookError, match=r"history.*missing 'cues'"):
        load_rulebook(write(tmp_path, finding(), extra='\n[history]\nongoing.en = ["x"]\n'
                                                      'ongoing.es = ["x"]\n'))


@pytest.mark.parametrize("typed,read", [
    ("nene", "nene"),      # a child is not "none": no negation is invented
    ("dona", "dona"),      # nor is "doña" a "dont"
    ("nothin", "nothing"),  # a negation cut short is still one
    ("dosnt", "doesnt"),   # and so is a contraction that kept its "nt"
])
def test_fuzzy_correction_invents_no_negation(typed: str, read: str) -> None:
    assert load_rulebook().lexicon.correct(typed) == read


def test_a_word_split_by_voice_to_text_is_joined_only_into_a_rulebook_word() -> None:
    lexicon = load_rulebook().lexicon
    assert lexicon.joined("res", "pirar") == "respirar"
    assert lexicon.joined("my", "leg") is None  # two words stay two words
    assert lexicon.joined("zz", "qq") is None


@pytest.mark.parametrize("typed,split", [
    ("cantbreatheproperly", ("cant", "breathe", "properly")),
    ("chesthurtsss", ("chest", "hurts")),  # a stretched word is squeezed first
    ("nopuedorespirar", ("no", "puedo", "respirar")),
    ("breaststroke", None),   # a word of the language, however rare, stays whole
    ("reportando", None),     # a verb form the lists lack: no "report" + "ando"
    ("tomando", None),        # nor "to" + "mando": pieces of three letters or fewer
    ("grandbabies", None),    # a compound listed as an everyday word
    ("hinchadisima", None),   # a form of a rulebook word, corrected, not split
    ("headacheee", None),     # a stretched rulebook word
    ("zzqqxxyy", None),       # no words at all
    ("nopuedo", ("no", "puedo")),  # "no" typed onto a known word, from six letters
    ("nothin", None),         # a slip of "nothing", not "no" + "thin"
    ("nose", None),           # a word, and too short
])
def test_words_typed_without_spaces_are_split_only_into_words_a_finding_is_told_by(
        typed: str, split: tuple[str, ...] | None) -> None:
    assert load_rulebook().lexicon.split(typed) == split


def test_a_list_filled_in_is_read_with_the_rulebooks_own_answers(tmp_path: Path) -> None:
    """`[negation] answers_no`, `answer_marks_no`, `answers_none_of` are data: a list
    answered no, a mark that says no, a list of signs denied in one breath."""
    extra = MINIMAL.replace('list_joiners.en = ["or"]', 'list_joiners.en = ["or"]\n'
                            'answers_no.en = ["nope"]\nanswers_no.es = ["nel"]\n'
                            'answer_marks_no = ["☒"]\n'
                            'answers_none_of.en = ["none of those"]\n'
                            'answers_none_of.es = ["nada de eso"]')
    path = tmp_path / "rules.toml"
    path.write_text(extra + finding() + finding("sore_leg", "mild", '["@leg ~ sore"]'),
                    encoding="utf-8")
    book = load_rulebook(path)
    assert triage("leg swollen - nah\nleg sore - nah", rulebook=book).level == "urgent"
    assert not triage("leg swollen: nope\nleg sore: nope", rulebook=book).is_red_flag
    assert triage("leg swollen ☒ my leg is sore", rulebook=book).level == "mild"
    assert not triage("my leg is swollen, my leg is sore. none of those",
                      rulebook=book).is_red_flag
    path.write_text(MINIMAL.replace('list_joiners.en = ["or"]',
                                    'list_joiners.en = ["or"]\nanswer_marks_no = "X"')
                    + finding(), encoding="utf-8")
    with pytest.raises(RulebookError, match="answer_marks_no"):
        load_rulebook(path)


def test_two_words_that_stand_for_one(tmp_path: Path) -> None:
    """`[lexicon.abbreviations]` may read two words side by side as one ("wee bit"):
    Scottish "a wee bit swollen" is a little swollen, and the pair is no other word."""
    extra = '[lexicon.abbreviations]\n"wee bit" = "bit"\nswolen = "swollen"\n'
    book = load_rulebook(write(tmp_path, finding(en='["@leg ~ swollen", "wee ~1 dark"]'),
                               extra=extra))
    assert triage("leg a wee bit swolen", rulebook=book).level == "urgent"
    assert triage("a wee bit dark in here", rulebook=book).level == "unclear"
    assert triage("the wee is dark", rulebook=book).level == "urgent"
    for bad in ('"wee bit more" = "bit"', '"wee bit" = "a bit"'):
        with pytest.raises(RulebookError, match="abbreviation 'wee bit"):
            load_rulebook(write(tmp_path, finding(),
                                extra=f"[lexicon.abbreviations]\n{bad}\n"))


def test_word_lists_keep_real_words_as_typed(tmp_path: Path) -> None:
    """`[lexicon] word_lists`: a real word of a listed language is never corrected into
    another rulebook word ("dozed" is no "dazed"), only into another form of itself
    ("confuse" -> "confused"); without the lists the corrector knows no such word."""
    rules = finding(en='["@leg ~ swollen", "dazed", "confused"]')
    plain = load_rulebook(write(tmp_path, rules))
    assert triage("dozed off on the couch", rulebook=plain).level == "urgent"
    listed = load_rulebook(write(tmp_path, rules, extra=(
        '[lexicon]\nword_lists = { languages = ["en", "es"], min_count = 100 }\n')))
    assert triage("dozed off on the couch", rulebook=listed).level == "unclear"
    assert triage("mom is confuse today", rulebook=listed).level == "urgent"
    assert triage("the leg is swolen", rulebook=listed).level == "urgent"


@pytest.mark.parametrize("bad,problem", [
    ('word_lists = "en"', "must be a table"),
    ('word_lists = { languages = ["xx"], min_count = 100 }', "no word list for language 'xx'"),
    ('word_lists = { languages = [], min_count = 100 }', "'languages' is empty"),
    ('word_lists = { languages = ["en"], min_count = 0 }', "'min_count' must be a whole number"),
    ('word_lists = { languages = ["en"], min_count = "many" }', "'min_count' must be a whole"),
])
def test_word_lists_mistakes_are_named(tmp_path: Path, bad: str, problem: str) -> None:
    with pytest.raises(RulebookError, match=re.escape(problem)):
        load_rulebook(write(tmp_path, finding(), extra=f"[lexicon]\n{bad}\n"))

WEIGHT = """
[weight]
finding = "leg_swelling"
gain_kg = 2.0
gain_lb = 4.0
kg_range = [20.0, 300.0]
lb_range = [45.0, 660.0]
words.en = ["weighed"]
words.es = ["peso"]
kg_units.en = ["kg"]
kg_units.es = ["kg"]
lb_units.en = ["lbs"]
lb_units.es = ["libras"]
now.en = ["today"]
now.es = ["hoy"]
before.en = ["yesterday"]
before.es = ["ayer"]
"""


def test_two_weights_read_as_a_gain(tmp_path: Path) -> None:
    """`[weight]`: two weights, the one of now higher by the gain, report its finding;
    a loss, a small gain or a single weight do not; a mistake names itself."""
    book = load_rulebook(write(tmp_path, finding(), extra=WEIGHT))
    assert triage("weighed 70 kg yesterday, 73 kg today", rulebook=book).level == "urgent"
    assert triage("weighed 73 kg today, 70 yesterday", rulebook=book).level == "urgent"
    assert triage("weighed 73 kg yesterday, 70 kg today", rulebook=book).level == "unclear"
    assert triage("weighed 150 lbs yesterday, 153 today", rulebook=book).level == "unclear"
    assert triage("weighed 150 lbs yesterday, 155 today", rulebook=book).level == "urgent"
    assert triage("weighed 73 kg today", rulebook=book).level == "unclear"
    assert triage("70 yesterday, 75 today", rulebook=book).level == "unclear"  # no weight word
    with pytest.raises(RulebookError, match=r"weight: 'finding' must name a finding"):
        load_rulebook(write(tmp_path, finding(), extra=WEIGHT.replace('"leg_swelling"', '"x"')))
    with pytest.raises(RulebookError, match=r"weight: 'gain_kg' and 'gain_lb' must be above 0"):
        load_rulebook(write(tmp_path, finding(), extra=WEIGHT.replace("gain_kg = 2.0",
                                                                      "gain_kg = 0")))


def _with_bridge(tmp_path: Path, en: str) -> Path:
    path = write(tmp_path, finding())
    text = path.read_text(encoding="utf-8").replace(
        'list_joiners.en = ["or"]', f'bridge.en = {en}\nbridge.es = ["tengo"]\n'
                                    'list_joiners.en = ["or"]')
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bridge_stops_a_denial_at_a_word_it_lacks(tmp_path: Path) -> None:
    """Without `[negation] bridge` a denial reaches its window; with one, only over
    its words: "no sleep my calf is swollen" is the sleep denied, and a swollen calf."""
    without = load_rulebook(write(tmp_path, finding()))
    assert triage("no sleep my calf is swollen", rulebook=without).level == "ok"
    book = load_rulebook(_with_bridge(tmp_path, '["my", "any"]'))
    assert triage("no sleep my calf is swollen", rulebook=book).level == "urgent"
    assert triage("no leg swollen", rulebook=book).level == "ok"
    assert triage("no any calf swollen", rulebook=book).level == "ok"  # over its words


def test_a_bridge_of_several_words_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match=r"negation.*bridge: one word each, not \['at all'\]"):
        load_rulebook(_with_bridge(tmp_path, '["my", "at all"]'))


def test_no_choice_of_several_words_is_written_without_its_parentheses() -> None:
    """"fiaca|hecha pelota|hecho pelota" reads as three slots in a row ("fiaca|hecha",
    then "pelota|hecho", then "pelota"): "fiaca" alone never matched, in silence. A word
    in two bare choices of one phrase is that mistake; a choice that holds a phrase of
    several words is written in parentheses."""
    book = load_rulebook()
    wrong = []
    for rule in book.findings:
        for phrase in (*rule.phrases, *rule.unless):
            bare = [set(token.split("|")) for token in _outside_parentheses(phrase.source)
                    if not any(c in token for c in "@~") and not token.startswith("re:")
                    and token.strip("?,$^")]
            seen: set[str] = set()
            chosen: set[str] = set()  # words of a choice ("a|b"): "nada de nada" is fine
            for words in bare:
                if words & chosen or (len(words) > 1 and words & seen):
                    wrong.append(f"{rule.key}: {phrase.source}")
                    break
                seen |= words
                if len(words) > 1:
                    chosen |= words
    assert wrong == []


def _outside_parentheses(source: str) -> list[str]:
    """The phrase's space-separated tokens outside any parentheses."""
    tokens, current, depth = [], "", 0
    for ch in source:
        depth += (ch == "(") - (ch == ")")
        if depth or ch in "() ":
            if current:
                tokens.append(current)
            current = ""
        else:
            current += ch
    return [*tokens, current] if current else tokens


@pytest.mark.parametrize(("old", "new", "problem"), [
    ('usual_words.en = ["usual", "normal", "baseline", "regular"]', 'usual_words.en = "usual"',
     "temperature: 'usual_words.en' must be a list of non-empty strings"),
    ('usual_until.es = ["hoy"', 'usual_until.es = [""',
     "temperature: 'usual_until.es' must be a list of non-empty strings"),
    ('returns_to.en = ["to work"', 'returns_to.en = [3, "to work"',
     "resolution: 'returns_to.en' must be a list of non-empty strings"),
    # the ninth session's keys
    ('life_again.es = ["energia"', 'life_again.es = ["", "energia"',
     "resolution: 'life_again.es' must be a list of non-empty strings"),
    ('asks_if_well.en = ["normal", "ok"', 'asks_if_well.en = [3, "ok"',
     "hypothetical: 'asks_if_well.en' must be a list of non-empty strings"),
    ('confirms.es = ["^ (y)?', 'confirms.es = [2, "^ (y)?',
     "hypothetical: 'confirms.es' must be a list of non-empty strings"),
    # the twenty-sixth session's key
    ('risk_had.en = ["(i|ive', 'risk_had.en = ["", "(i|ive',
     "hypothetical: 'risk_had.en' must be a list of non-empty strings"),
])
def test_the_eighth_sessions_keys_are_checked(tmp_path: Path, old: str, new: str,
                                              problem: str) -> None:
    """The bundled rulebook with one of this session's keys written wrong is refused, by
    name, as every key is."""
    with pytest.raises(RulebookError, match=re.escape(problem)):
        load_rulebook(_bundled_with(tmp_path, old, new))


def test_the_fever_line_quoted_back_and_a_score_owned_are_rulebook_data(tmp_path: Path) -> None:
    """`[temperature] line_before` / `line_after` name the fever line quoted back ("the
    nurse said under 38 is no fever"), and `[pain_score] scored` names what a high score
    makes a finding when the score is told in its sentence, however far from it."""
    fever = finding("fever", "urgent", '["_temp_high_"]')
    headache = finding("headache", "mild", '["headache"]')
    severe = finding("headache_severe", "urgent", '["headache ~1 _score_high_"]')
    path = write(tmp_path, finding(), fever, headache, severe)
    plain = path.read_text()
    book = load_rulebook(path)
    quoted, scored = "she said under 38 is no fever", "headache at 6, was a 4, now 8/10"
    assert triage(quoted, rulebook=book).level == "urgent"
    assert triage(scored, rulebook=book).level == "mild"
    path.write_text(plain.replace('words.es = ["fiebre"]\n', 'words.es = ["fiebre"]\n'
                                  'line_before.en = ["under"]\nline_before.es = ["debajo"]\n'
                                  'line_after.en = ["is the line"]\nline_after.es = ["cuenta"]\n'
                                  '[pain_score]\nscored = { headache = "headache_severe" }\n'))
    book = load_rulebook(path)
    assert triage(quoted, rulebook=book).level != "urgent"
    assert triage("fever 38 is the line", rulebook=book).level != "urgent"
    assert triage("fever 39, under 38 is fine", rulebook=book).level == "urgent"  # not the line
    assert triage(scored, rulebook=book).level == "urgent"
    path.write_text(plain + '[pain_score]\nscored = { headache = "migraine" }\n')
    with pytest.raises(RulebookError, match=r"pain_score.*unknown finding\(s\) \['migraine'\]"):
        load_rulebook(path)
    path.write_text(plain + '[pain_score]\nscored = ["headache"]\n')
    with pytest.raises(RulebookError, match="'scored' must map a finding to a finding"):
        load_rulebook(path)
    path.write_text(plain.replace('words.es = ["fiebre"]\n', 'words.es = ["fiebre"]\n'
                                  'line_before.en = ["cut off"]\nline_before.es = ["x"]\n'))
    with pytest.raises(RulebookError, match="line_before"):
        load_rulebook(path)


def test_a_denial_taken_back_is_rulebook_data(tmp_path: Path) -> None:
    """`[resolution] corrections_affirm`, opening the words right after a correction cue,
    revive the denial told just before it ("no swollen leg. scratch that, I do"); without
    the key, or with another finding told after the cue, the denial stands."""
    path = write(tmp_path, finding())
    plain = path.read_text()
    told = "no leg swollen. scratch that, i do"
    path.write_text(plain.replace('either.es = ["se fue"]\n', 'either.es = ["se fue"]\n'
                                  'corrections.en = ["scratch that"]\n'
                                  'corrections.es = ["digo"]\n'))
    assert triage(told, rulebook=load_rulebook(path)).level == "ok"
    path.write_text(plain.replace('either.es = ["se fue"]\n', 'either.es = ["se fue"]\n'
                                  'corrections.en = ["scratch that"]\n'
                                  'corrections.es = ["digo"]\n'
                                  'corrections_affirm.en = ["i do"]\n'
                                  'corrections_affirm.es = ["si tengo"]\n'))
    book = load_rulebook(path)
    assert triage(told, rulebook=book).level == "urgent"
    assert triage("no pierna hinchada, digo, si tengo", rulebook=book).level == "urgent"
    assert triage("no leg swollen. scratch that, i do no", rulebook=book).level == "ok"
    assert triage("no leg swollen, scratch that, i do, leg swollen", rulebook=book).level \
        == "urgent"


def _keys_after(path: Path, plain: str, anchor: str, *lines: str) -> Path:
    """The rulebook `plain` with `lines` written after `anchor`, saved at `path`."""
    path.write_text(plain.replace(anchor, anchor + "".join(f"{line}\n" for line in lines)))
    return path


def test_a_reading_dated_earlier_is_rulebook_data(tmp_path: Path) -> None:
    """`[temperature] earlier`, before a reading in its own stretch of the sentence, date
    it before the others: "38.5 now, yesterday 37.2" is today's 38.5. Without the key the
    last reading told counts."""
    path = write(tmp_path, finding(), finding("fever", "urgent", '["_temp_high_"]'))
    plain = path.read_text()
    told = "38.5 now, yesterday 37.2"
    assert triage(told, rulebook=load_rulebook(path)).level != "urgent"
    book = load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n',
                                     'earlier.en = ["yesterday"]', 'earlier.es = ["ayer"]'))
    assert triage(told, rulebook=book).level == "urgent"
    assert triage("38,5 ahora, ayer 37,2", rulebook=book).level == "urgent"
    # the word after the reading dates none of the others: the later 37.2 is the latest
    assert triage("38.5 yesterday, today 37.2", rulebook=book).level != "urgent"


def test_an_end_for_mild_findings_only_is_rulebook_data(tmp_path: Path) -> None:
    """`[resolution] after_mild` ends only a mild finding: "headache, nothing since" is
    over; "leg swollen, nothing since" is not (said of little pee, "nothing since" is
    the red flag itself)."""
    path = write(tmp_path, finding(), finding("headache", "mild", '["headache"]'))
    plain = path.read_text()
    book = load_rulebook(_keys_after(path, plain, 'either.es = ["se fue"]\n',
                                     'after_mild.en = ["nothing since"]',
                                     'after_mild.es = ["nada desde entonces"]'))
    assert triage("headache, nothing since", rulebook=book).level == "ok"
    assert triage("leg swollen, nothing since", rulebook=book).level == "urgent"
    path.write_text(plain)
    assert triage("headache, nothing since", rulebook=load_rulebook(path)).level == "mild"


def _weight_book(tmp_path: Path, *lines: str) -> Rulebook:
    """The minimal rulebook with `[weight]` and `lines` added to that table."""
    return load_rulebook(write(tmp_path, finding(),
                               extra=WEIGHT + "".join(f"{line}\n" for line in lines)))


def test_a_series_of_weights_and_what_is_no_weight_are_rulebook_data(tmp_path: Path) -> None:
    """Three or more weights told day by day are read from the lowest to now; a number
    told after a word of `[weight] not_weights` weighs something else ("grip 30 kg today,
    26 before")."""
    book = _weight_book(tmp_path)
    assert triage("weighed 70.1 kg, 70.4, 71.0 and 72.9 today", rulebook=book).level == "urgent"
    assert triage("weighed 72.9 today, 70.1 kg, 70.4, 71.0", rulebook=book).level == "urgent"
    assert triage("weighed 70.1 kg, 70.4, 71.0 and 70.9 today", rulebook=book).level == "unclear"
    # numbers too far apart to be one body's weights are no series
    assert triage("weighed 70 kg, 95, 120 and 140 today", rulebook=book).level == "unclear"
    told = "weighed grip 30 kg today, 26 yesterday"
    assert triage(told, rulebook=book).level == "urgent"
    book = _weight_book(tmp_path, 'not_weights.en = ["grip"]', 'not_weights.es = ["agarre"]')
    assert triage(told, rulebook=book).level == "unclear"


def test_a_blood_pressure_is_rulebook_data(tmp_path: Path) -> None:
    """`[temperature] pressure_words` name two numbers a blood pressure: a systolic under
    `pressure_very_low` is `_bp_very_low_`, under `pressure_low` `_bp_low_`. Without the
    words, "BP 78/40" is two numbers."""
    path = write(tmp_path, finding(), finding("shock", "emergency", '["_bp_very_low_"]'),
                 finding("low_bp", "urgent", '["_bp_low_"]'))
    plain = path.read_text()
    assert triage("bp 78/40", rulebook=load_rulebook(path)).level == "unclear"
    book = load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n',
                                     'pressure_words.en = ["bp"]',
                                     'pressure_words.es = ["presion"]'))
    assert triage("bp 78/40", rulebook=book).level == "emergency"
    # told in words, the pair needs `pressure_over` between its numbers
    assert triage("presion 78 sobre 40", rulebook=book).level == "unclear"
    book = load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n',
                                     'pressure_words.en = ["bp"]',
                                     'pressure_words.es = ["presion"]',
                                     'pressure_over.en = ["over"]',
                                     'pressure_over.es = ["sobre"]'))
    assert triage("presion 78 sobre 40", rulebook=book).level == "emergency"
    assert triage("bp 86/50", rulebook=book).level == "urgent"
    assert triage("bp 118/76", rulebook=book).level == "unclear"
    assert triage("78/40", rulebook=book).level == "unclear"  # no pressure word near
    with pytest.raises(RulebookError, match="'pressure_very_low' and 'pressure_low'"):
        load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n',
                                  'pressure_words.en = ["bp"]', 'pressure_words.es = ["ta"]',
                                  'pressure_very_low = 70', 'pressure_low = 60'))


def test_a_mild_finding_told_as_spreading_is_rulebook_data(tmp_path: Path) -> None:
    """`[trend] told_spreading` makes a mild finding told as spreading after it (its
    `spreading` cues) the red flag it names; a cue before the finding is of another."""
    hives = finding("hives", "mild", '["hives"]') + finding("hives_spreading", "urgent",
                                                           '["hives everywhere"]')
    spreading = context().replace('worse.en = ["worse"]', (
        'told_spreading = { hives = "hives_spreading" }\n'
        'spreading.en = ["on my back too"]\nspreading.es = ["en la espalda tambien"]\n'
        'worse.en = ["worse"]'))
    book = load_rulebook(write(tmp_path, finding(), hives, extra=context()))
    told = "a couple of hives on my arm. now on my back too"
    assert triage(told, rulebook=book).level == "mild"
    book = load_rulebook(write(tmp_path, finding(), hives, extra=spreading))
    assert triage(told, rulebook=book).level == "urgent"
    assert triage("on my back too. a couple of hives on my arm", rulebook=book).level == "mild"
    with pytest.raises(RulebookError, match="told_spreading: hives_spreading -> hives"):
        load_rulebook(write(tmp_path, finding(), hives, extra=spreading.replace(
            'hives = "hives_spreading"', 'hives_spreading = "hives"')))


def test_a_normal_told_worse_after_it_is_rulebook_data(tmp_path: Path) -> None:
    """`[trend] normal_told_worse` makes a normal finding told as worse after it ("my
    breathing was fine but now it's worse") the red flag it names; a worse cue before it,
    or one that follows another finding, is not its. Only an ok finding may lead there."""
    breathing = finding("breathing_normal", "ok", '["breathing fine"]') + finding(
        "trouble_breathing", "emergency", '["cant breathe"]') + finding(
        "headache", "mild", '["headache"]')
    told = context().replace('worse.en = ["worse"]', (
        'normal_told_worse = { breathing_normal = "trouble_breathing" }\n'
        'worse.en = ["worse"]'))
    said = "my breathing fine yesterday but now its worse"
    book = load_rulebook(write(tmp_path, finding(), breathing, extra=context()))
    assert triage(said, rulebook=book).level == "ok"
    book = load_rulebook(write(tmp_path, finding(), breathing, extra=told))
    assert triage(said, rulebook=book).level == "emergency"
    assert triage("worse day at work. breathing fine", rulebook=book).level == "ok"
    assert triage("breathing fine, headache worse", rulebook=book).level != "emergency"
    with pytest.raises(RulebookError, match="normal_told_worse: headache -> trouble_breathing"
                                            " must lead from a ok finding"):
        load_rulebook(write(tmp_path, finding(), breathing, extra=told.replace(
            "breathing_normal = ", "headache = ")))


def test_names_that_are_words_are_rulebook_data(tmp_path: Path) -> None:
    """`[lexicon] names`: capitalised after a sentence's first word, a name is no word of
    a finding ("Saludos, Ache"); opening a sentence, or in lower case, it still is. A
    name of two words is refused by name."""
    path = write(tmp_path, finding("headache", "mild", '["ache"]'))
    plain = path.read_text()
    lexicon = "[lexicon]\nnames.en = [{}]\nnames.es = [\"ache\"]\n\n[negation]\n"
    path.write_text(plain.replace("[negation]\n", lexicon.format('"ache"'), 1))
    book = load_rulebook(path)
    assert triage("all good today. Regards, Ache", rulebook=book).level != "mild"
    assert triage("Ache in my head", rulebook=book).level == "mild"
    assert triage("all good, ache in my head", rulebook=book).level == "mild"
    with pytest.raises(RulebookError, match="'names': one word each"):
        path.write_text(plain.replace("[negation]\n", lexicon.format('"ache pain"'), 1))
        load_rulebook(path)


def test_an_ease_to_mild_is_rulebook_data(tmp_path: Path) -> None:
    """`[trend] eased_to` reads an urgent finding dated earlier (`[temperature] earlier`)
    and then told mild now (`eased`) as its mild finding: "terrible headache yesterday,
    today mild". Not when the later stretch names worse, nor when the urgent one is the
    one of now. Only an urgent finding may lead to a mild one."""
    heads = finding("headache_severe", "urgent", '["terrible headache"]') + finding(
        "headache", "mild", '["headache"]')
    eased = context().replace('worse.en = ["worse"]', (
        'eased_to = { headache_severe = "headache" }\n'
        'eased.en = ["today ~2 mild"]\neased.es = ["hoy ~2 leve"]\nworse.en = ["worse"]'))
    said = "terrible headache yesterday, today its mild"
    path = write(tmp_path, finding(), heads, extra=context())
    assert triage(said, rulebook=load_rulebook(_keys_after(
        path, path.read_text(), 'words.es = ["fiebre"]\n', 'earlier.en = ["yesterday"]',
        'earlier.es = ["ayer"]'))).level == "urgent"
    path = write(tmp_path, finding(), heads, extra=eased)
    book = load_rulebook(_keys_after(path, path.read_text(), 'words.es = ["fiebre"]\n',
                                     'earlier.en = ["yesterday"]', 'earlier.es = ["ayer"]'))
    assert triage(said, rulebook=book).level == "mild"
    assert triage("terrible headache yesterday, today mild and worse", rulebook=book
                  ).level == "urgent"
    assert triage("terrible headache today, yesterday mild", rulebook=book).level == "urgent"
    with pytest.raises(RulebookError, match="eased_to: headache -> headache_severe must "
                                            "lead from an urgent finding to a mild one"):
        load_rulebook(write(tmp_path, finding(), heads, extra=eased.replace(
            'headache_severe = "headache"', 'headache = "headache_severe"')))


def test_a_normal_said_before_and_called_untrue_is_set_aside(tmp_path: Path) -> None:
    """A normal finding in what the patient says they said (`mistaken`: "I said"), then
    called untrue (`normal_untrue`: "actually"), places nothing: without its words the
    message is read as if the normal had not been told. Without the keys it stands; and
    `normal_untrue` takes back no denial ("I said no leg swollen. Actually fine")."""
    path = write(tmp_path, finding(), finding("urine_normal", "ok", '["peeing fine"]'),
                 finding("well", "ok", '["fine"]'))
    plain = path.read_text()
    said = "i said i was peeing fine but actually only drops today"
    assert triage(said, rulebook=load_rulebook(path), second_reader=None).level == "ok"
    book = load_rulebook(_keys_after(
        path, plain, 'either.es = ["se fue"]\n', 'mistaken.en = ["i said"]',
        'mistaken.es = ["dije"]', 'untrue.en = ["i lied"]', 'untrue.es = ["menti"]',
        'normal_untrue.en = ["^ actually"]', 'normal_untrue.es = ["^ la verdad"]'))
    assert triage(said, rulebook=book, second_reader=None).level == "unclear"
    assert triage("i said i was peeing fine and i am", rulebook=book,
                  second_reader=None).level == "ok"
    denied = "i said no leg swollen. actually fine"
    assert triage(denied, rulebook=book, second_reader=None).level == "ok"
    assert triage("i said no leg swollen. i lied", rulebook=book,
                  second_reader=None).level == "urgent"


def test_a_fever_brought_down_is_rulebook_data(tmp_path: Path) -> None:
    """`[temperature] reducers` name the medicines that bring a fever down: named after a
    fever, a lower reading later does not take the fever back. Without the key, or with
    the medicine named before the fever, the latest reading counts."""
    path = write(tmp_path, finding(), finding("fever", "urgent", '["_temp_high_"]'))
    plain = path.read_text()
    told = "temp 38.4 at 7am, 37.6 now after tylenol"
    assert triage(told, rulebook=load_rulebook(path)).level == "unclear"
    keys = ('reducers.en = ["tylenol"]', 'reducers.es = ["paracetamol"]')
    book = load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n', *keys))
    assert triage(told, rulebook=book).level == "urgent"
    assert triage("took tylenol, temp 38.4 at 7am, 37.6 now", rulebook=book).level == "unclear"
    with pytest.raises(RulebookError, match="'reducers': one word each"):
        load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n',
                                  'reducers.en = ["fever reducer"]', 'reducers.es = ["x"]'))


def test_a_sensation_told_instead_of_a_denied_emergency_is_rulebook_data(tmp_path: Path) -> None:
    """`[negation] instead` words, told after an emergency denied by another word (in that
    sentence or the three after it), take the denial back; one of `instead_elsewhere`, or a
    number, near them places them elsewhere. Without the keys the denial stands; an
    emergency denied alone stays denied, and an entry of two words is refused by name."""
    path = write(tmp_path, finding(), finding("chest_pain", "emergency", '["chest pain"]'))
    plain = path.read_text()
    told = "no chest pain. but some pressure"
    assert triage(told, rulebook=load_rulebook(path)).level == "ok"
    keys = ('instead.en = ["pressure"]', 'instead.es = ["presion"]',
            'instead_elsewhere.en = ["sinuses"]', 'instead_elsewhere.es = ["oidos"]')
    book = load_rulebook(_keys_after(path, plain, 'pseudo.es = ["no se"]\n', *keys))
    assert triage(told, rulebook=book).level == "emergency"
    assert triage("no chest pain, no pressure", rulebook=book).level == "ok"
    assert triage("no chest pain. pressure in my sinuses", rulebook=book).level == "ok"
    assert triage("no chest pain. pressure was 120 over 80", rulebook=book).level == "ok"
    assert triage("some pressure. no chest pain", rulebook=book).level == "ok"
    with pytest.raises(RulebookError, match="'instead_elsewhere': one word each"):
        load_rulebook(_keys_after(path, plain, 'pseudo.es = ["no se"]\n', *keys[:2],
                                  'instead_elsewhere.en = ["my ears"]',
                                  'instead_elsewhere.es = ["x"]'))


def test_a_relief_ended_and_a_denial_past_an_object_are_rulebook_data(tmp_path: Path) -> None:
    """`[resolution] relief_ended` holds the resolution cues that end a medicine's relief,
    not the symptom ("came back when the tylenol wore off"); `[negation] after_objects`
    lets a denial after a finding skip its object ("light bothering me no"). Without the
    keys the cue resolves and the denial does not reach."""
    path = write(tmp_path, finding(), finding("headache", "mild", '["headache"]'),
                 finding("photophobia", "urgent", '["light bothering"]'))
    plain = path.read_text()
    plain_book = load_rulebook(path)
    wore, light = "headache back, the tylenol wore off", "light bothering me no"
    path.write_text(plain.replace('after.en = ["gone"]', 'after.en = ["gone", "wore off"]'))
    assert triage(wore, rulebook=load_rulebook(path)).level == "ok"
    relief = path.read_text().replace('after.es = ["ya paso"]', 'after.es = ["ya paso"]\n'
                                      'relief_ended.en = ["tylenol wore off"]\n'
                                      'relief_ended.es = ["efecto ya paso"]')
    path.write_text(relief)
    assert triage(wore, rulebook=load_rulebook(path)).level == "mild"
    assert triage(light, rulebook=plain_book).level == "urgent"
    denial = plain.replace('list_joiners.en = ["or"]', 'list_joiners.en = ["or"]\n'
                           'after.en = ["no"]\nafter.es = ["no"]')
    path.write_text(denial)
    assert triage(light, rulebook=load_rulebook(path)).level == "urgent"
    path.write_text(denial.replace('after.es = ["no"]', 'after.es = ["no"]\n'
                                   'after_objects.en = ["me"]\nafter_objects.es = []'))
    assert triage(light, rulebook=load_rulebook(path)).level == "ok"


def test_what_a_number_is_told_as_is_rulebook_data(tmp_path: Path) -> None:
    """`[temperature] reads` (a temperature word at most `reads_reach` words back) and
    `read_after` make a number a reading; `[pain_score] at_a_time` makes a number after a
    score a time. Without the keys the numbers read plainly."""
    path = write(tmp_path, finding(), finding("fever", "urgent", '["_temp_high_"]'),
                 finding("bad_pain", "urgent", '["_score_high_"]'))
    plain = path.read_text()
    told = "the fever of my little son is 39"
    book = load_rulebook(path)
    assert triage(told, rulebook=book).level == "unclear"
    assert triage("39 on the dot", rulebook=book).level == "unclear"
    # the scale told on: "3/10 ... at 10" reads as 10/10 without `at_a_time`
    assert triage("pain 3/10, took 2 pills at 10", rulebook=book).level == "urgent"
    keys = ('reads.en = ["is"]', 'reads.es = ["es"]', 'read_after.en = ["on the dot"]',
            'read_after.es = ["justito"]')
    book = load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n', *keys))
    assert triage(told, rulebook=book).level == "urgent"
    assert triage("39 on the dot", rulebook=book).level == "urgent"
    book = load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n', *keys,
                                     "reads_reach = 4"))
    assert triage(told, rulebook=book).level == "unclear"  # "fever" is 6 words back
    with pytest.raises(RulebookError, match="'reads': one word each"):
        load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n',
                                  'reads.en = ["it is"]', 'reads.es = ["es"]'))
    # a number with only `alone_with` words around it is a reply of a number alone
    assert triage("still 39", rulebook=book).level == "unclear"
    book = load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n',
                                     'alone_with.en = ["still"]', 'alone_with.es = ["sigue"]'))
    assert triage("still 39", rulebook=book).level == "urgent"
    assert triage("still 39 days", rulebook=book).level == "unclear"
    timed = write(tmp_path, finding(), finding("bad_pain", "urgent", '["_score_high_"]'),
                  extra='\n[pain_score]\nat_a_time.en = ["at"]\nat_a_time.es = ["las"]\n')
    assert triage("pain 3/10, took 2 pills at 10",
                  rulebook=load_rulebook(timed)).level == "unclear"


def test_a_gap_told_before_a_return_is_rulebook_data(tmp_path: Path) -> None:
    """`[resolution] had` (or `had` then one of `had_already`) just before a resolution
    cue told after a return: the gap before it came back, not now."""
    path = write(tmp_path, finding())
    plain = path.read_text()
    told = "my calf is swollen, it came back tonight, it had gone yesterday"
    keys = ('returns.en = ["came back"]', 'returns.es = ["volvio"]')
    book = load_rulebook(_keys_after(path, plain, 'either.es = ["se fue"]\n', *keys))
    assert triage(told, rulebook=book).level == "ok"
    book = load_rulebook(_keys_after(path, plain, 'either.es = ["se fue"]\n', *keys,
                                     'had.en = ["had"]', 'had.es = ["habia"]',
                                     'had_already.en = ["completely"]',
                                     'had_already.es = ["ya"]'))
    assert triage(told, rulebook=book).level == "urgent"
    assert triage(told.replace("had gone", "had completely gone"),
                  rulebook=book).level == "urgent"


def test_degrees_of_the_weather_are_rulebook_data(tmp_path: Path) -> None:
    """`[temperature] weather` near a number makes it the weather's, unless a word of
    `weather_unless` is near it too; a list entry of several words names itself."""
    path = write(tmp_path, finding(), finding("fever", "urgent", '["_temp_high_"]'))
    plain = path.read_text()
    assert triage("39 degrees outside", rulebook=load_rulebook(path)).level == "urgent"
    book = load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n',
                                     'weather.en = ["outside"]', 'weather.es = ["afuera"]',
                                     'weather_unless.en = ["fever"]',
                                     'weather_unless.es = ["fiebre"]'))
    assert triage("39 degrees outside", rulebook=book).level == "unclear"
    assert triage("fever 39 outside", rulebook=book).level == "urgent"
    with pytest.raises(RulebookError, match="'weather': one word each"):
        load_rulebook(_keys_after(path, plain, 'words.es = ["fiebre"]\n',
                                  'weather.en = ["out side"]', 'weather.es = ["afuera"]'))


def test_a_gain_told_as_a_difference_is_rulebook_data(tmp_path: Path) -> None:
    """`[weight] more`, within two words after an amount and its unit, make the amount a
    gain told as a difference, read against `gain_kg` / `gain_lb` (a half said after the
    unit counts); without the key one amount says nothing."""
    told = "weighed today, 2 kg y medio more than monday"
    assert triage(told, rulebook=_weight_book(tmp_path)).level == "unclear"
    more = ('more.en = ["more"]', 'more.es = ["mas"]')
    book = _weight_book(tmp_path, *more)
    assert triage(told, rulebook=book).level == "urgent"
    assert triage("peso: 5 libras mas que el lunes", rulebook=book).level == "urgent"
    assert triage("weighed: 1 kg more than monday", rulebook=book).level == "unclear"
    assert triage("weighed: 3 lbs more than monday", rulebook=book).level == "unclear"
    # a word between the unit and "more" that is no word ends it: "2 kg, more or less"
    assert triage("weighed 2 kg, more or less", rulebook=book).level == "unclear"
    # an amount that weighs something else (`not_weights` just before it) is no gain
    told = "weighed the bags: carried 10 kg more than yesterday"
    assert triage(told, rulebook=book).level == "urgent"
    book = _weight_book(tmp_path, *more, 'not_weights.en = ["carried"]',
                        'not_weights.es = ["cargue"]')
    assert triage(told, rulebook=book).level == "unclear"
    # read word by word, an entry of several words is refused by name
    with pytest.raises(RulebookError, match="'more': one word each"):
        _weight_book(tmp_path, 'more.en = ["more than"]', 'more.es = ["mas"]')


def test_an_end_told_with_what_ended_it_is_rulebook_data(tmp_path: Path) -> None:
    """`[resolution] followers_past` end a cue's thought only when the cue holds a word of
    `past`: "went away when they slowed it" is over, "goes away when I sit" is not."""
    path = write(tmp_path, finding())
    plain = path.read_text().replace(
        'after.en = ["gone"]', 'after.en = ["went away", "goes away"]').replace(
        'either.es = ["se fue"]\n', 'either.es = ["se fue"]\nfollowers.en = ["now"]\n'
        'followers.es = ["ya"]\n')
    path.write_text(plain)
    told = "leg swollen, went away when they raised it"
    assert triage(told, rulebook=load_rulebook(path)).level == "urgent"
    book = load_rulebook(_keys_after(path, plain, 'either.es = ["se fue"]\n',
                                     'followers_past.en = ["when"]',
                                     'followers_past.es = ["cuando"]',
                                     'past.en = ["went"]', 'past.es = ["fue"]'))
    assert triage(told, rulebook=book).level == "ok"
    assert triage("leg swollen, goes away when I raise it", rulebook=book).level == "urgent"
    with pytest.raises(RulebookError, match="'past': one word each"):
        load_rulebook(_keys_after(path, plain, 'either.es = ["se fue"]\n',
                                  'past.en = ["went away"]', 'past.es = ["fue"]'))


def test_an_end_by_rest_is_rulebook_data(tmp_path: Path) -> None:
    """`[resolution] by_rest`, right after a resolution cue, says rest ended it: a red
    flag comes with effort and stays ("leg swollen, went down when I rested"); a mild
    finding is over. Without the key rest ends both."""
    path = write(tmp_path, finding(), finding("headache", "mild", '["headache"]'))
    plain = path.read_text().replace(
        'after.en = ["gone"]', 'after.en = ["went down", "went away"]').replace(
        'either.es = ["se fue"]\n', 'either.es = ["se fue"]\nfollowers_past.en = ["when"]\n'
        'followers_past.es = ["cuando"]\npast.en = ["went"]\npast.es = ["fue"]\n')
    path.write_text(plain)
    swollen, ache = "leg swollen, went down when I rested", "headache, went away when I rested"
    assert triage(swollen, rulebook=load_rulebook(path)).level == "ok"
    book = load_rulebook(_keys_after(path, plain, 'either.es = ["se fue"]\n',
                                     'by_rest.en = ["when ~1 rested"]',
                                     'by_rest.es = ["cuando descanse"]'))
    assert triage(swollen, rulebook=book).level == "urgent"
    assert triage(ache, rulebook=book).level == "ok"


def test_a_clinicians_list_denied_and_a_denial_told_again_are_rulebook_data(
        tmp_path: Path) -> None:
    """`[negation] whole_list` reaches every item of its sentence, "and" and commas
    included, up to a word of `whole_list_stops`; `[resolution] one_again`, opening the
    sentence after a denial, tells the denied finding again."""
    path = write(tmp_path, finding(), finding("fever", "urgent", '["fever"]'))
    plain = path.read_text().replace('cues.en = ["no"]', 'cues.en = ["no", "denies"]')
    path.write_text(plain)
    told = "denies fever, cough and leg swollen"
    assert triage(told, rulebook=load_rulebook(path)).level == "urgent"
    book = load_rulebook(_keys_after(path, plain, 'list_joiners.es = ["o"]\n',
                                     'whole_list.en = ["denies"]', 'whole_list.es = ["niega"]',
                                     'whole_list_stops.en = ["reports"]',
                                     'whole_list_stops.es = ["refiere"]'))
    assert triage(told, rulebook=book).level == "ok"
    assert triage("denies fever, cough, reports leg swollen", rulebook=book).level == "urgent"
    told = "no leg swollen for years but had one today"
    assert triage(told, rulebook=load_rulebook(path)).level == "ok"
    book = load_rulebook(_keys_after(path, plain, 'either.es = ["se fue"]\n',
                                     'one_again.en = ["^ ~2 had one today"]',
                                     'one_again.es = ["^ ~2 tuve una hoy"]'))
    assert triage(told, rulebook=book).level == "urgent"
    with pytest.raises(RulebookError, match="'whole_list_stops': one word each"):
        load_rulebook(_keys_after(path, plain, 'list_joiners.es = ["o"]\n',
                                  'whole_list_stops.en = ["c o"]',
                                  'whole_list_stops.es = ["refiere"]'))


def _bundled_with(tmp_path: Path, old: str, new: str) -> Path:
    """The bundled rulebook (and its common words) with one edit, written to tmp_path."""
    source = DEFAULT_PATH.read_text(encoding="utf-8")
    assert old in source
    (tmp_path / "common_words.toml").write_text(
        (DEFAULT_PATH.parent / "common_words.toml").read_text(encoding="utf-8"),
        encoding="utf-8")
    path = tmp_path / "rules.toml"
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_question_asked_by_another_and_answered_no_is_rulebook_data(tmp_path: Path) -> None:
    """`[hypothetical] asked_by` / `asked_no` / `asked_but`: another's question about the
    patient, answered no, denies what it asks; without the answers listed it stands, and
    a list of the wrong kind is refused by name."""
    said = "my son asked if I'd fainted at the clinic. Nope, just tired"
    assert triage(said, second_reader=None).level == "mild"
    unanswered = _bundled_with(tmp_path, "asked_no.en = [", 'asked_no.en = ["zzz", ')
    source = unanswered.read_text(encoding="utf-8")
    start = source.index('asked_no.en = ["zzz", ')
    end = source.index("\nasked_no.es", start)
    unanswered.write_text(source[:start] + 'asked_no.en = ["zzz"]' + source[end:],
                          encoding="utf-8")
    assert triage(said, rulebook=load_rulebook(unanswered),
                  second_reader=None).level == "emergency"
    bad = _bundled_with(tmp_path, 'asked_but.en = ["but",', 'asked_but.en = [3, "but",')
    with pytest.raises(RulebookError, match="asked_but"):
        load_rulebook(bad)


def test_an_adverbial_though_is_rulebook_data(tmp_path: Path) -> None:
    """`[boundaries] adverbs` / `adverb_verbs`: "though" before a verb joins its clause
    ("the wee though is like strong tea"); emptied, the colour is cut off from the urine
    again. An adverb that is no hard boundary is refused by name."""
    said = "all fine. my pee though is looking like cola"
    assert triage(said, second_reader=None).level == "urgent"
    plain = _bundled_with(tmp_path, 'adverbs.en = ["though"]', "adverbs.en = []")
    assert triage(said, rulebook=load_rulebook(plain), second_reader=None).level == "ok"
    bad = _bundled_with(tmp_path, 'adverbs.en = ["though"]', 'adverbs.en = ["though", "tho"]')
    with pytest.raises(RulebookError, match="'adverbs' must be words of 'hard'.*tho"):
        load_rulebook(bad)
    several = _bundled_with(tmp_path, 'adverb_verbs.es = []', 'adverb_verbs.es = ["es que"]')
    with pytest.raises(RulebookError, match="adverb_verbs"):
        load_rulebook(several)


@pytest.mark.parametrize(("old", "new", "key"), [
    ('list_joiners.en = ["and",', 'list_joiners.en = ["and then",', "list_joiners"),
    ('told_after.en = ["headache",', 'told_after.en = ["sore head",', "told_after"),
    ('still.en = ["still"]', 'still.en = ["still there"]', "still"),
    ('still_on.en = ["on",', 'still_on.en = ["on the",', "still_on"),
])
def test_the_thirty_sixth_sessions_word_lists_refuse_several_words(
        tmp_path: Path, old: str, new: str, key: str) -> None:
    """Each is read one token at a time (a list's joiner, the pain a bare score follows,
    the word that keeps a dated symptom going): an entry of several words would never
    match, so it is refused by name rather than ignored."""
    with pytest.raises(RulebookError, match=f"'{key}': one word each"):
        load_rulebook(_bundled_with(tmp_path, old, new))


def test_a_dream_is_rulebook_data(tmp_path: Path) -> None:
    """`[hypothetical] dreams`: without it, a stroke dreamt of is read as one."""
    dreamt = "tuve una pesadilla de que me daba un derrame, solo estoy cansada"
    assert triage(dreamt, second_reader=None).level == "mild"
    source = DEFAULT_PATH.read_text(encoding="utf-8")
    start = source.index("dreams.en = [")
    end = source.index("\n", source.index("dreams.es = [")) + 1
    book = load_rulebook(_bundled_with(tmp_path, source[start:end], ""))
    assert triage(dreamt, rulebook=book).level == "emergency"


def _with_degree(tmp_path: Path, en: str | None) -> Path:
    path = write(tmp_path, finding("headache", "mild", '["headache"]'))
    text = path.read_text(encoding="utf-8").replace('cues.en = ["no"]', 'cues.en = ["no", "not"]')
    if en is not None:
        text = text.replace('list_joiners.en = ["or"]',
                            f'degree.en = {en}\ndegree_bridge.en = ["the", "a"]\n'
                            'list_joiners.en = ["or"]')
    path.write_text(text, encoding="utf-8")
    return path


def test_a_denied_degree_leaves_the_thing_it_grades(tmp_path: Path) -> None:
    """Without `[negation] degree` "not the worst headache" denies the headache; with it,
    only how bad: the headache is told. A bare denial before the degree still denies
    all ("no worst headache"), and so does one with no degree ("not a headache")."""
    without = load_rulebook(_with_degree(tmp_path, None))
    assert triage("not the worst headache, just there", rulebook=without).level == "ok"
    book = load_rulebook(_with_degree(tmp_path, '["worst", "bad"]'))
    assert triage("not the worst headache, just there", rulebook=book).level == "mild"
    assert triage("its not a bad headache", rulebook=book).level == "mild"
    assert triage("no worst headache", rulebook=book).level == "ok"
    assert triage("not a headache at all", rulebook=book).level == "ok"


def test_a_degree_of_several_words_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match="'degree': one word each"):
        load_rulebook(_with_degree(tmp_path, '["worst", "really bad"]'))


def test_a_degree_without_its_bridge_is_refused_by_name(tmp_path: Path) -> None:
    """A degree is read only past a bridge word, so one without them would do nothing."""
    path = _with_degree(tmp_path, '["worst"]')
    text = path.read_text(encoding="utf-8").replace('degree_bridge.en = ["the", "a"]\n', "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError, match="'degree' needs 'degree_bridge'"):
        load_rulebook(path)
