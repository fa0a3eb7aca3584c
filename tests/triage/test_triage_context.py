"""Context (answers to the check-in question), trend (history), hypothetical questions,
reasons, and the `followup triage --eval` command end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from followup.triage import PriorFinding, TriageResult, triage
from followup.triage.evaluate import evaluate, format_report, load_cases, parse_history

HERE = Path(__file__).resolve().parent
CONTEXT_CASES = HERE / "cases_context.jsonl"
DEV_CASES = HERE.parent / "data" / "triage" / "dev_cases.jsonl"
DAY1 = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def prior(key: str, level: str = "mild", at: datetime = DAY1) -> PriorFinding:
    return PriorFinding(key, level, at)


# -- answers to the check-in question -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "question", "expected"),
    [
        ("yes", "checkin_late", "urgent"),
        ("Yes", "checkin_early", "mild"),
        ("1", "checkin_late", "urgent"),
        ("2", "checkin_late", "urgent"),  # numbered: 2 = much less or dark pee
        ("0", "checkin_late", "ok"),  # numbered: none of these
        ("1", "checkin_early", "emergency"),  # numbered: 1 = trouble breathing or chest pain
        ("no", "checkin_late", "ok"),
        ("sí", "checkin_late", "urgent"),
        ("si", "checkin_early", "mild"),
        ("no, nada", "checkin_late", "ok"),
        ("OK", "checkin_late", "ok"),
        ("yes my right leg is swollen", "checkin_late", "urgent"),
        ("no but i have a headache", "checkin_late", "mild"),
        ("no. but my chest hurts", "checkin_early", "emergency"),
        ("si me duele la pierna", "checkin_late", "urgent"),
        ("38.4", "checkin_early", "urgent"),  # a bare number is still a temperature
    ],
)
def test_answer_is_read_against_its_question(text: str, question: str, expected: str) -> None:
    assert triage(text, question=question).level == expected


@pytest.mark.parametrize("text", ["yes", "Yes!", "1", "2", "sí"])
def test_bare_answer_without_a_question_is_unclear(text: str) -> None:
    assert triage(text).level == "unclear"
    assert triage(text, question="no_such_template").level == "unclear"


def test_answer_finding_and_reason() -> None:
    result = triage("Yep.", question="checkin_late")
    assert [f.key for f in result.findings] == ["checkin_late_yes"]
    assert result.findings[0].matched == "Yep"
    assert any("YES to the checkin_late" in r for r in result.reasons)


def test_yes_with_fine_text_keeps_the_yes_but_says_it_is_contradictory() -> None:
    result = triage("yes all good", question="checkin_late")
    assert result.level == "urgent"
    assert any("contradictory" in r for r in result.reasons)


def test_leading_no_is_an_answer_not_a_negation() -> None:
    assert triage("no I have a headache").level == "mild"
    assert triage("no headache").level == "ok"


@pytest.mark.parametrize(("text", "question", "expected", "keys"), [
    ("None of those", None, "ok", ["denied_red_flags"]),
    ("No to all of the above", None, "ok", ["denied_red_flags"]),
    ("No a todo", None, "ok", ["denied_red_flags"]),
    ("ninguna de las anteriores", "checkin_late", "ok", ["denied_red_flags"]),
    ("1 no 2 no 3 no 4 no", "checkin_early", "ok", ["denied_red_flags"]),
    ("1 no, 2 no, 3 si", "checkin_early", "emergency", ["headache_thunderclap"]),
    ("2 yes 4 no", "checkin_late", "urgent", ["little_urine"]),
    # "no" here is the patient's sentence, not a denial of 2: the words are read.
    ("2 no puedo respirar", "checkin_early", "emergency", ["trouble_breathing"]),
    # no question pending: every number denied still reads as "0" (only our list is
    # numbered like that); a number not denied means nothing without its list
    ("1 no 2 no 3 no 4 no", None, "ok", ["denied_red_flags"]),
    ("1 no 2 no 3 si", None, "unclear", []),
])
def test_a_whole_denial_and_per_number_yes_or_no_are_read(
        text: str, question: str | None, expected: str, keys: list[str]) -> None:
    result = triage(text, question=question)
    assert result.level == expected
    assert [f.key for f in result.findings][:len(keys)] == keys


# -- hypothetical questions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what should I do if I get a fever?", "unclear"),
        ("que hago si me da fiebre?", "unclear"),
        ("si tengo fiebre puedo tomar paracetamol?", "unclear"),
        ("how do I prevent blood clots?", "unclear"),
        ("what do i do if my leg swells up?", "unclear"),
        # emergencies always count, even inside a question (safety rule 1)
        ("is it normal to have chest pain after the infusion?", "emergency"),
        ("what if I can't breathe tonight?", "emergency"),
        # not a question: "if" describes what happens
        ("if I stand up fast I get dizzy", "urgent"),
        # the report before the question counts
        ("I have a fever, what do I do if it goes higher?", "urgent"),
    ],
)
def test_questions_about_a_symptom_are_not_reports(text: str, expected: str) -> None:
    assert triage(text).level == expected


def test_hypothetical_reason() -> None:
    result = triage("what should I do if I get a fever?")
    assert result.findings == ()
    assert result.reasons == ("asks about fever (a question, not a report)",)


def test_echoed_question_stays_high_on_purpose() -> None:
    # "chest pain? no, just tired" echoes the question; when unsure, the higher level wins.
    assert triage("dolor de pecho? no, solo cansada").level == "emergency"


# -- trend ----------------------------------------------------------------------------------------


def test_mild_finding_reported_again_and_worse_escalates_with_a_reason() -> None:
    result = triage("still tired and getting worse", history=[prior("tiredness")])
    assert result.level == "urgent"
    assert "worsening" in {f.key for f in result.findings}
    assert result.reasons == (
        "tiredness reported again and worse than before (first reported 2026-11-10)",)


def test_worse_in_the_next_sentence_refers_back() -> None:
    result = triage("I have a headache. It's getting worse.", history=[prior("headache")])
    assert result.level == "urgent"


def test_worsening_headache_names_the_earlier_report() -> None:
    result = triage("headache is worse today", history=[
        prior("headache", at=datetime(2026, 11, 12, tzinfo=UTC)), prior("headache")])
    assert result.level == "urgent"
    assert result.reasons[0].startswith(
        "headache reported again and worse than before (first reported 2026-11-10)")


@pytest.mark.parametrize(
    ("text", "history", "expected"),
    [
        ("getting worse", [prior("aches")], "urgent"),
        ("getting worse", [], "unclear"),
        ("getting worse", [prior("chest_pain", "emergency")], "emergency"),
        ("me siento peor", [prior("aches")], "urgent"),
        ("still a bit tired", [prior("tiredness")], "mild"),
        ("the aches are not worse, about the same", [prior("aches")], "mild"),
        ("feeling stronger today", [prior("tiredness")], "unclear"),
        ("drinking more water, feel fine", [prior("headache")], "ok"),
        ("still the same", [prior("headache")], "mild"),
        ("still swollen", [prior("limb_clot_signs", "urgent")], "urgent"),
        ("headache gone, much better", [prior("headache")], "ok"),
        ("nausea worse today", [], "mild"),  # no earlier report: not escalated
        ("nausea worse today", [prior("headache")], "mild"),  # a different finding
        ("tired today", [prior("tiredness", "ok")], "mild"),  # only real findings count
    ],
)
def test_trend(text: str, history: list[PriorFinding], expected: str) -> None:
    assert triage(text, history=history).level == expected


def test_repeat_without_worsening_is_explained_not_escalated() -> None:
    result = triage("tired today", history=[prior("tiredness")])
    assert result.level == "mild"
    assert result.reasons == ("tiredness reported again (first reported 2026-11-10)",)


def test_result_is_backwards_compatible() -> None:
    result = triage("headache", "en", None)
    assert isinstance(result, TriageResult) and result.reasons == ()
    assert TriageResult("ok", (), "en").reasons == ()


# -- evaluation with context and the CLI ---------------------------------------------------------


def test_parse_history() -> None:
    assert parse_history(None) == ()
    (p,) = parse_history([{"key": "headache", "level": "mild",
                           "at": "2026-11-10T09:00:00+00:00"}])
    assert p == prior("headache")
    with pytest.raises(ValueError, match="history"):
        parse_history([{"key": "headache"}])


def test_context_cases_meet_the_thresholds() -> None:
    cases = load_cases(CONTEXT_CASES)
    assert len(cases) >= 100
    assert any(c.get("question") for c in cases) and any(c.get("history") for c in cases)
    report = evaluate(cases)
    detail = format_report(report)
    for scores in (report.overall, *report.by_language.values()):
        assert scores.red_flag_sensitivity == 1.0, detail
        assert scores.emergency_recall == 1.0, detail
        assert scores.false_alarm_rate <= 0.03, detail
    assert report.overall.accuracy >= 0.95, detail


def test_evaluate_passes_question_and_history() -> None:
    cases = [
        {"text": "yes", "expect": "urgent", "lang": "en", "question": "checkin_late"},
        {"text": "yes", "expect": "unclear", "lang": "en"},
        {"text": "getting worse", "expect": "urgent", "lang": "en",
         "history": [{"key": "aches", "level": "mild", "at": "2026-11-10T09:00:00+00:00"}]},
    ]
    assert evaluate(cases).overall.accuracy == 1.0


def _invoke_cli(path: Path) -> str:
    from followup.cli import cli

    result = CliRunner().invoke(cli, ["triage", "--eval", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_eval_prints_the_figures_for_the_dev_cases() -> None:
    output = _invoke_cli(DEV_CASES)
    overall = output.splitlines()[0]
    for figure in ("red-flag sensitivity 100.0%", "emergency recall 100.0%", "false alarms",
                   "exact"):
        assert figure in overall, output
    report = evaluate(load_cases(DEV_CASES))
    assert report.overall.false_alarm_rate <= 0.03 and report.overall.accuracy >= 0.95


def test_cli_eval_reads_question_and_history(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in [
        {"text": "1", "expect": "urgent", "lang": "en", "question": "checkin_late"},
        {"text": "still tired and worse", "expect": "urgent", "lang": "en",
         "history": [{"key": "tiredness", "level": "mild", "at": "2026-11-10T09:00:00+00:00"}]},
    ]), encoding="utf-8")
    output = _invoke_cli(path)
    assert "red-flag sensitivity 100.0% (2/2)" in output and "exact 100.0% (2/2)" in output
