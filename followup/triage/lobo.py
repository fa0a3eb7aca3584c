"""Leave-one-batch-out validation of the second reader, and its training file.

`followup triage --lobo` trains the second reader on every labelled batch but one,
reads the held-out batch first-pass, and prints, per threshold, the figures of the
second reader alone and of the combined reading (rulebook, numbered answers, who and
when, the second reader, then asking back). The threshold in `second_reader.toml` is
the lowest at which the second reader alone stays within `MAX_FALSE_ALARMS` (see
`choose`). docs/triage-validation.md publishes these figures.

Batches. The labelled files mix batches, so a message's batch is its file and the
commit that added its line (`git blame`): each commit that added messages added one
batch written and scored together. `--export-training` writes that batch name into
`training.jsonl` (the copy shipped in the package), so the validation needs no git.

Note the rulebook was tuned on every batch, so only the second reader is held out:
the combined figures show what the second reader adds, not a blind first pass.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _default_rulebook, default_choices, triage
from .evaluate import RED_FLAGS, Scores, parse_history
from .reading import may_lift, placed_mild, second_may_read
from .second_reader import TRAINING_PATH, Reading, load_training, train, trainable

MAX_FALSE_ALARMS = 0.03  # the policy's target for ok/mild messages raised
# What an asked-back message counts as in the combined figures: a nurse's urgent flag
# (an alert) until the patient answers.
ASKED_BACK = "urgent"
THRESHOLDS = tuple(round(0.1 + 0.05 * i, 2) for i in range(18))  # 0.10 ... 0.95
# The lift of urgent to emergency may add at most this share of over-calls: messages
# that are not emergencies read as emergencies (an ambulance the patient did not need).
MAX_ADDED_OVERCALLS = 0.01
LIFTS = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))  # 0.50 ... 0.95


@dataclass(frozen=True)
class HeldOut:
    """One held-out message: its label, the rulebook's reading and the second reader's."""

    batch: str
    lang: str
    expected: str
    rules: str  # level of the reading without the second reader
    reads_nothing: bool  # the second reader may not read it (see reading.second_may_read)
    reading: Reading
    asked_back: bool  # unless raised, the patient is asked back and a nurse flagged urgent
    may_lift: bool = False  # read urgent by the rules, nothing set aside (reading.may_lift)
    # read mild by the rules with every red-flag topic placed: raised only at the mild
    # threshold (reading.placed_mild)
    placed_mild: bool = False


def labelled_files(repo: Path) -> list[Path]:
    return [repo / "tests" / "data" / "triage" / "dev_cases.jsonl",
            *sorted((repo / "tests" / "triage").glob("*.jsonl"))]


def export_training(repo: Path, out: Path = TRAINING_PATH) -> int:
    """Write every labelled message with its batch to `out`; returns how many."""
    rows = []
    for path in labelled_files(repo):
        commits = _line_commits(repo, path)
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if not line.strip():
                continue
            case = json.loads(line)
            batch = f"{path.stem}@{commits[number]}" if commits else path.stem
            rows.append({**case, "batch": batch})
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                   encoding="utf-8")
    return len(rows)


def _line_commits(repo: Path, path: Path) -> list[str]:
    """The short commit that added each line, or [] outside a git checkout."""
    try:
        blame = subprocess.run(["git", "blame", "--porcelain", str(path.relative_to(repo))],
                               cwd=repo, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    commits = []
    for line in blame.splitlines():
        head = line.split(" ")
        if (len(head) >= 3 and len(head[0]) == 40 and not line.startswith("\t")
                and head[2].isdigit()):
            commits.append(head[0][:7])
    return commits


def hold_out(cases: Sequence[Mapping[str, Any]]) -> list[HeldOut]:
    """Train on all batches but one, read that one; for every batch."""
    batches = sorted({str(c["batch"]) for c in cases})
    out: list[HeldOut] = []
    for batch in batches:
        reader = train(trainable([c for c in cases if c["batch"] != batch]),
                       temperature=_default_rulebook().temperature)
        for case in (c for c in cases if c["batch"] == batch):
            text, question = str(case["text"]), case.get("question")
            result = triage(text, lang=case.get("lang"), question=question or None,
                            history=parse_history(case.get("history")), second_reader=None)
            may = second_may_read(result, text, _default_rulebook(), default_choices(),
                                  reader.settings.min_words)
            out.append(HeldOut(batch, str(case.get("lang") or "en"), str(case["expect"]),
                               result.level, not may, reader.read(text),
                               bool(result.ask_back), may_lift(result),
                               placed_mild(result, text, _default_rulebook(),
                                           default_choices())))
    return out


def _says(h: HeldOut, threshold: float, mild: float, combined: bool) -> str:
    """The second reader's level at `threshold` (at `mild` too, in the combined reading
    of a placed mild one: `reading.placed_mild`), "ok" when below it."""
    bar = max(threshold, mild) if combined and h.placed_mild else threshold
    return h.reading.level() if h.reading.red_flag >= bar else "ok"


def score(held: Iterable[HeldOut], threshold: float, combined: bool,
          mild: float = 0.0) -> Scores:
    """Figures at one threshold: the second reader alone, or the combined reading (with
    `mild`, the mild threshold of `second_reader.toml`)."""
    scores = Scores()
    for h in held:
        says = _says(h, threshold, mild, combined)
        if combined and (h.rules in RED_FLAGS or h.reads_nothing or says == "ok"):
            says = ASKED_BACK if h.asked_back and h.rules not in RED_FLAGS else h.rules
        scores.add(h.expected, says)
    return scores


def lifted(h: HeldOut, threshold: float, lift: float | None, mild: float = 0.0) -> str:
    """The combined reading of one held-out message, with the urgent -> emergency lift
    at `lift` (None: no lift)."""
    says = _says(h, threshold, mild, combined=True)
    if h.rules in RED_FLAGS or h.reads_nothing or says == "ok":
        says = ASKED_BACK if h.asked_back and h.rules not in RED_FLAGS else h.rules
    if (lift is not None and says == "urgent" and h.rules == "urgent" and h.may_lift
            and h.reading.emergency >= lift):
        says = "emergency"
    return says


def overcalls(held: Iterable[HeldOut], threshold: float, lift: float | None) -> tuple[int, int]:
    """(messages read as emergency that are not, messages that are not emergencies)."""
    quiet = [h for h in held if h.expected != "emergency"]
    return sum(lifted(h, threshold, lift) == "emergency" for h in quiet), len(quiet)


def choose_lift(held: Sequence[HeldOut], threshold: float) -> float:
    """The lowest lift at which the held-out second reader adds no more than
    `MAX_ADDED_OVERCALLS` of over-calls (non-emergencies read as emergencies) to the
    combined reading without a lift; 1.0 (never) if none does."""
    before, quiet = overcalls(held, threshold, None)
    fits = [t for t in LIFTS
            if (overcalls(held, threshold, t)[0] - before) <= MAX_ADDED_OVERCALLS * quiet]
    return min(fits) if fits else 1.0


def lift_report(held: Sequence[HeldOut], threshold: float, current: float) -> str:
    """Per lift: emergencies caught and over-calls of the combined reading."""
    lines = ["| lift | emergency recall | over-calls (non-emergency read as emergency) "
             "| added by the lift |", "| --- | --- | --- | --- |"]
    before, quiet = overcalls(held, threshold, None)
    emergencies = [h for h in held if h.expected == "emergency"]
    for t in (None, *LIFTS):
        over, _ = overcalls(held, threshold, t)
        caught = sum(lifted(h, threshold, t) == "emergency" for h in emergencies)
        lines.append(f"| {'none' if t is None else f'{t:.2f}'} | "
                     f"{caught / max(len(emergencies), 1):.1%} ({caught}/{len(emergencies)}) | "
                     f"{over / max(quiet, 1):.1%} ({over}/{quiet}) | "
                     f"{(over - before) / max(quiet, 1):+.1%} |")
    lines.append("")
    lines.append(f"chosen lift {choose_lift(held, threshold):.2f} (the lowest that adds <= "
                 f"{MAX_ADDED_OVERCALLS:.0%} over-calls); second_reader.toml has "
                 f"{current:.2f}.")
    return "\n".join(lines)


def choose(held: Sequence[HeldOut]) -> float:
    """The lowest threshold at which the second reader alone, held out, raises no more
    false alarms than the policy allows any reading (`MAX_FALSE_ALARMS`).

    Why its own figures and not the combined ones: the rulebook was tuned on every
    batch, so here it misses nothing, and the combined figures would always ask for no
    second reader at all. The second reader is for what no phrase covers; below this
    threshold it is not sure enough to raise on its own word, and a message on a
    red-flag topic is asked back instead (the patient answers by number)."""
    fits = [t for t in THRESHOLDS
            if score(held, t, combined=False).false_alarm_rate <= MAX_FALSE_ALARMS]
    return min(fits) if fits else max(THRESHOLDS)


def report(held: Sequence[HeldOut], current: float, mild: float = 0.0) -> str:
    """The table published in docs/triage-validation.md (the combined reading with the
    mild threshold `mild`)."""
    lines = ["| threshold | reader | red-flag sensitivity | emergency recall | false alarms "
             "| exact |", "| --- | --- | --- | --- | --- | --- |"]
    rules = Scores()
    for h in held:
        rules.add(h.expected, h.rules)
    lines.append("| - | rulebook alone | " + _cells(rules))
    for t in THRESHOLDS:
        for name, combined in (("second alone", False), ("combined", True)):
            lines.append(f"| {t:.2f} | {name} | " + _cells(score(held, t, combined, mild)))
    best = choose(held)
    lines.append("")
    asked = Scores()
    for h in held:
        if h.asked_back:
            asked.add(h.expected, ASKED_BACK)
    lines.append(f"{len(held)} messages in {len({h.batch for h in held})} batches; "
                 f"chosen threshold {best:.2f} (the lowest at which the second reader alone "
                 f"raises <= {MAX_FALSE_ALARMS:.0%} of ok/mild messages); "
                 f"second_reader.toml has {current:.2f}. The combined reading counts a "
                 f"message asked back as an urgent flag: {asked.total} asked back by the "
                 f"rules' reading ({asked.red_flags} red flags, {asked.quiet} ok/mild).")
    lines.append("")
    lines.append("| batch | n | rulebook alone: red flags caught | combined at "
                 f"{current:.2f}: caught | false alarms (rulebook -> combined) |")
    lines.append("| --- | --- | --- | --- | --- |")
    for batch in sorted({h.batch for h in held}):
        part = [h for h in held if h.batch == batch]
        alone, both = Scores(), score(part, current, combined=True, mild=mild)
        for h in part:
            alone.add(h.expected, h.rules)
        lines.append(f"| {batch} | {len(part)} | {alone.red_flags_caught}/{alone.red_flags} | "
                     f"{both.red_flags_caught}/{both.red_flags} | "
                     f"{alone.false_alarms}/{alone.quiet} -> {both.false_alarms}/{both.quiet} |")
    return "\n".join(lines)


def _cells(s: Scores) -> str:
    return (f"{s.red_flag_sensitivity:.1%} ({s.red_flags_caught}/{s.red_flags}) | "
            f"{s.emergency_recall:.1%} ({s.emergencies_caught}/{s.emergencies}) | "
            f"{s.false_alarm_rate:.1%} ({s.false_alarms}/{s.quiet}) | "
            f"{s.accuracy:.1%} ({s.exact}/{s.total}) |")


def run(training: Path = TRAINING_PATH) -> str:
    from .second_reader import load_settings

    settings = load_settings()
    held = hold_out(load_training(training))
    return (report(held, settings.threshold, settings.mild_threshold) + "\n\n"
            + lift_report(held, settings.threshold, settings.lift))
