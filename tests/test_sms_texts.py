"""Tests for the patient-facing SMS wording and the SMS segment counter.

Why these matter: a text that silently grows past two segments costs money and
may arrive split; a missing variable or the word "None" in a text reaches a real
patient; and the check-ins carry the safety instruction (call the emergency
number), so its key words are checked in both languages.
"""

from __future__ import annotations

import jinja2
import pytest

from followup.messaging.texts import (
    LANGUAGES,
    TEMPLATE_DIR,
    render_sms,
    sms_segments,
    template_names,
)

FIRST_NAME = "Maximiliana-Josefina"  # 20 characters: the longest we plan for
CLINIC_NAME = "Riverside Community Infusion Center West"  # 40 characters
PRODUCT = "Privigen"
STAFF_BODY = (
    "Hi, this is Nurse Kim from the clinic. Your next visit is on Tuesday at 9:30 am. "
    "Please call us if you need to change it."
)

WORST_CASE: dict[str, object] = {
    "first_name": FIRST_NAME,
    "clinic_name": CLINIC_NAME,
    "clinic_phone": "(555) 010-2000",
    "emergency_number": "911",
    "kind": "day1",
    "body": STAFF_BODY,
    "names": [FIRST_NAME, "Maximiliano-Josefino"],
}

EXPECTED_NAMES = {
    "askback",
    "checkin_early",
    "checkin_late",
    "reply_emergency",
    "reply_urgent",
    "reply_mild",
    "reply_ok",
    "reply_unclear",
    "unknown_number",
    "unknown_emergency",
    "opted_out",
    "opted_in",
    "help",
    "staff_message",
    "which_patient",
}
ALL_NAMES = sorted(EXPECTED_NAMES)


def render(name: str, lang: str, **overrides: object) -> str:
    """Render with the worst-case context, overriding some values."""
    return render_sms(name, lang, **{**WORST_CASE, **overrides})


# --- template set -----------------------------------------------------------------


def test_every_language_has_the_same_templates() -> None:
    names = {lang: set(template_names(lang)) for lang in LANGUAGES}
    # Staff-facing texts (on-call pages, digests) and the reminder have their
    # own context and are checked in tests/test_followthrough.py.
    # "about" is the prefix naming the patient on a shared phone (checked below).
    assert names["en"] == EXPECTED_NAMES | {"reminder", "oncall_alert", "digest", "about"}
    for lang in LANGUAGES:
        assert names[lang] == names["en"], f"{lang} differs from en"


def test_template_dir_points_at_repo_templates() -> None:
    assert TEMPLATE_DIR.name == "sms"
    assert TEMPLATE_DIR.parent.name == "templates"
    for lang in LANGUAGES:
        assert (TEMPLATE_DIR / lang).is_dir()


# --- length -----------------------------------------------------------------------


@pytest.mark.parametrize("product", [None, PRODUCT], ids=["no-product", "product"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ALL_NAMES)
def test_worst_case_fits_two_segments(name: str, lang: str, product: str | None) -> None:
    text = render(name, lang, product=product)
    assert text, "rendered to nothing"
    assert sms_segments(text) <= 2, f"{lang}/{name} is {sms_segments(text)} segments:\n{text}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ALL_NAMES)
def test_clean_text(name: str, lang: str) -> None:
    """No template layout, leftover tags or "None" may reach the phone."""
    for clinic_name in (CLINIC_NAME, None):
        text = render(name, lang, product=None, clinic_name=clinic_name)
        assert text == text.strip()
        assert "  " not in text
        assert "\n\n" not in text
        assert " ." not in text and " ," not in text
        assert "None" not in text
        assert "{" not in text and "}" not in text
        if name != "staff_message":
            assert "Privigen" not in text


def test_product_is_optional() -> None:
    assert "product" not in WORST_CASE
    for lang in LANGUAGES:
        assert render_sms("checkin_early", lang, **WORST_CASE) == render(
            "checkin_early", lang, product=None
        )


# --- check-in content -------------------------------------------------------------

EARLY_WORDS = {
    "en": ["headache", "aches", "tired", "rash", "reply ok", "breathing", "face", "tongue"],
    "es": [
        "dolor de cabeza",
        "cuerpo",
        "cansancio",
        "sarpullido",
        "responda ok",
        "respirar",
        "cara",
        "lengua",
    ],
}
LATE_WORDS = {
    "en": ["leg", "chest", "pee", "swollen", "breathing", "fluids", "moving"],
    "es": ["pierna", "pecho", "orina", "hinchad", "aire", "agua", "moverse"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ["checkin_early", "checkin_late"])
def test_checkins_greet_by_first_name_and_give_emergency_number(name: str, lang: str) -> None:
    text = render(name, lang, product=None, emergency_number="112")
    assert FIRST_NAME in text
    assert "112" in text
    assert "911" not in text  # the number comes from the context, never hard-coded
    assert CLINIC_NAME not in text  # lock screen: first name only, nothing more


@pytest.mark.parametrize("lang", LANGUAGES)
def test_early_checkin_words(lang: str) -> None:
    text = render("checkin_early", lang, product=None).lower()
    for word in EARLY_WORDS[lang]:
        assert word in text, f"{word!r} missing from {lang} early check-in"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_late_checkin_words(lang: str) -> None:
    text = render("checkin_late", lang, product=None).lower()
    for word in LATE_WORDS[lang]:
        assert word in text, f"{word!r} missing from {lang} late check-in"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_product_only_when_given(lang: str) -> None:
    without = render("checkin_early", lang, product=None)
    with_product = render("checkin_early", lang, product=PRODUCT)
    assert PRODUCT not in without
    assert "IVIG" not in without and "inmuno" not in without.lower()
    assert PRODUCT in with_product


@pytest.mark.parametrize("lang", LANGUAGES)
def test_spanish_has_spanish_and_english_has_english(lang: str) -> None:
    text = render("checkin_early", lang).lower()
    if lang == "es":
        assert "hola" in text and "¿" in text
    else:
        assert text.startswith("hi ")


def test_spanish_texts_use_correct_accents() -> None:
    text = " ".join(render(n, "es") for n in ALL_NAMES if n != "staff_message")
    for word in ("después", "qué", "cuéntenos", "médico", "muévase", "teléfono"):
        assert word in text
    for wrong in ("despues", " que siente", "cuentenos", "medico", "telefono"):
        assert wrong not in text


# --- numbered red-flag questions -------------------------------------------------

NUMBERED = ["askback", "checkin_early", "checkin_late"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", NUMBERED)
def test_numbered_questions_list_exactly_the_numbers_the_triage_reads(name: str,
                                                                      lang: str) -> None:
    """A number the text shows but the reading does not know (or the reverse) would
    turn a patient's exact answer into a wrong one."""
    from followup.triage import default_choices

    question = default_choices().questions[name]
    lines = render(name, lang, product=None).splitlines()
    shown = sorted(int(line.split(" ", 1)[0]) for line in lines
                   if line[:1].isdigit() and line[1:2] == " ")
    assert shown == [0, *sorted(question.choices)], f"{lang}/{name}:\n" + "\n".join(lines)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_askback_tells_to_call_the_emergency_number_now(lang: str) -> None:
    text = render("askback", lang, emergency_number="112").lower()
    assert "112" in text and "911" not in text
    assert ("if any of these is happening now" in text if lang == "en"
            else "si algo de esto pasa ahora" in text)
    assert FIRST_NAME.lower() not in text  # an answer in a conversation: no greeting


# --- replies and service texts ----------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_replies_carry_the_right_numbers(lang: str) -> None:
    emergency = render("reply_emergency", lang)
    assert "911" in emergency and "(555) 010-2000" in emergency
    assert emergency.index("911") < emergency.index("(555) 010-2000")  # 911 first
    assert "911" in render("reply_urgent", lang)
    assert "(555) 010-2000" in render("reply_mild", lang)
    assert "911" in render("reply_unclear", lang)
    help_text = render("help", lang)
    for part in (CLINIC_NAME, "(555) 010-2000", "STOP", "911"):
        assert part in help_text
    assert "START" in render("opted_out", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unknown_number_names_nothing_but_the_clinic(lang: str) -> None:
    with_name = render("unknown_number", lang)
    assert CLINIC_NAME in with_name
    assert FIRST_NAME not in with_name
    assert "(555) 010-2000" not in with_name
    assert "911" in with_name
    anonymous = render("unknown_number", lang, clinic_name=None)
    assert "None" not in anonymous and "911" in anonymous


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unknown_number_in_an_emergency_is_told_to_call_first(lang: str) -> None:
    """A red-flag text from a number we do not know: the emergency number
    leads, and nothing about any patient (or the clinic's line) is in it."""
    text = render("unknown_emergency", lang, emergency_number="112")
    assert text.index("112") < 30
    assert FIRST_NAME not in text and "(555) 010-2000" not in text
    anonymous = render("unknown_emergency", lang, clinic_name=None)
    assert "None" not in anonymous and "911" in anonymous


def test_staff_message_is_only_the_body() -> None:
    for lang in LANGUAGES:
        assert render("staff_message", lang) == STAFF_BODY
        assert render("staff_message", lang, body="  Call us  \n\n\n back  ") == "Call us\nback"


# --- rendering behaviour ----------------------------------------------------------


def test_missing_variable_raises() -> None:
    context = dict(WORST_CASE)
    del context["first_name"]
    with pytest.raises(jinja2.UndefinedError):
        render_sms("checkin_early", "en", **context)
    with pytest.raises(jinja2.UndefinedError):
        render_sms("staff_message", "es")


def test_unknown_language_falls_back_to_english() -> None:
    english = render("reply_ok", "en")
    assert render("reply_ok", "fr") == english
    assert render("reply_ok", "") == english
    assert render("reply_ok", "es-MX") == render("reply_ok", "es")
    assert template_names("fr") == template_names("en")


def test_missing_template_raises() -> None:
    with pytest.raises(jinja2.TemplateNotFound):
        render_sms("no_such_template", "en")
    with pytest.raises(ValueError):
        render_sms("../en/help", "en")


def test_no_html_escaping() -> None:
    assert render("staff_message", "en", body="Tom & Jerry <3") == "Tom & Jerry <3"


# --- sms_segments -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "segments"),
    [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_boundaries(length: int, segments: int) -> None:
    assert sms_segments("a" * length) == segments


@pytest.mark.parametrize("char", ["€", "{", "}", "[", "]", "~", "^", "|", "\\"])
def test_gsm7_extension_chars_count_double(char: str) -> None:
    assert sms_segments("a" * 158 + char) == 1  # 160 septets
    assert sms_segments("a" * 159 + char) == 2  # 161 septets
    assert sms_segments(char * 80) == 1
    assert sms_segments(char * 81) == 2


def test_escape_sequence_is_not_split_between_segments() -> None:
    # 152 + 2 + 152 = 306 septets, but the € cannot straddle parts 1 and 2.
    assert sms_segments("a" * 152 + "€" + "a" * 152) == 3
    assert sms_segments("a" * 151 + "€" + "a" * 153) == 2


def test_spanish_letters_in_the_gsm7_basic_set() -> None:
    # é, ñ, ¿ and ¡ are GSM-7: still 160 per single SMS.
    assert sms_segments("é" * 160) == 1
    assert sms_segments("ñ¿¡É" * 40) == 1
    assert sms_segments("é" * 161) == 2


@pytest.mark.parametrize("char", ["á", "í", "ó", "ú", "Á", "ç", "’", "“"])
def test_other_accents_switch_to_ucs2(char: str) -> None:
    assert sms_segments(char) == 1
    assert sms_segments("a" * 69 + char) == 1  # 70 UCS-2 units
    assert sms_segments("a" * 70 + char) == 2  # 71


@pytest.mark.parametrize(
    ("length", "segments"),
    [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_boundaries(length: int, segments: int) -> None:
    assert sms_segments("á" * length) == segments


def test_emoji_counts_two_utf16_units() -> None:
    emoji = "\N{GRINNING FACE}"
    assert sms_segments(emoji * 35) == 1  # 70 units
    assert sms_segments(emoji * 35 + "a") == 2  # 71 units
    assert sms_segments("a" * 132 + emoji) == 2  # 134 units
    assert sms_segments("a" * 133 + emoji) == 3  # 135 units
    # 67 emoji are 134 units, but a part of 67 units holds only 33 whole emoji.
    assert sms_segments(emoji * 66) == 2
    assert sms_segments(emoji * 67) == 3
    # A surrogate pair stays in one part: 66 + 2 + 66 = 134 units, but 3 parts.
    assert sms_segments("á" * 66 + emoji + "á" * 66) == 3


def test_whole_text_switches_encoding() -> None:
    # One non-GSM character turns a 1-segment GSM text into 3 UCS-2 segments.
    assert sms_segments("a" * 150) == 1
    assert sms_segments("a" * 149 + "ó") == 3


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ["reply_emergency", "reply_urgent"])
def test_red_flag_replies_fit_one_segment(name: str, lang: str) -> None:
    """A single SMS cannot arrive half-delivered or out of order."""
    assert sms_segments(render(name, lang)) == 1


# --- a phone shared by a household -------------------------------------------------

SHARED_PHONE_TEXTS = ["reply_emergency", "reply_urgent", "reply_mild", "reply_ok",
                      "reply_unclear", "staff_message"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", SHARED_PHONE_TEXTS)
def test_texts_to_a_shared_phone_name_the_patient_and_still_fit(name: str, lang: str) -> None:
    text = render(name, lang, about=FIRST_NAME)
    prefix = {"en": "About", "es": "Sobre"}[lang]
    assert text.startswith(f"{prefix} {FIRST_NAME}: ")
    assert text.count(FIRST_NAME) == 1  # the first name, nothing more about them
    assert sms_segments(text) <= 2, f"{lang}/{name} is {sms_segments(text)} segments:\n{text}"
    assert render(name, lang) == text.split(": ", 1)[1]  # no prefix without a household


@pytest.mark.parametrize("lang", LANGUAGES)
def test_which_patient_names_everyone_on_the_phone_and_the_emergency_number(lang: str) -> None:
    text = render("which_patient", lang, names=["Cara", "Carlos"], emergency_number="112")
    assert ("Cara or Carlos" if lang == "en" else "Cara o Carlos") in text
    assert "112" in text


# --- quick replies (defaults in templates/sms/<lang>/quick_replies.toml) ----------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_default_quick_replies_fit_two_segments_with_a_long_name(lang: str) -> None:
    from followup.care import quick_replies

    replies = quick_replies.defaults(lang)
    assert len(replies) >= 3
    assert [r.key for r in replies] == [f"d{i}" for i in range(1, len(replies) + 1)]
    for reply in replies:
        assert quick_replies.problem(reply.title, reply.body) is None, reply.title
        text = quick_replies.fill(reply.body, {k: str(v) for k, v in WORST_CASE.items()})
        assert "{" not in text and FIRST_NAME in text
        assert sms_segments(text) <= 2, (reply.title, sms_segments(text))


def test_every_language_has_as_many_quick_replies() -> None:
    from followup.care import quick_replies

    counts = {lang: len(quick_replies.defaults(lang)) for lang in LANGUAGES}
    assert len(set(counts.values())) == 1, counts
