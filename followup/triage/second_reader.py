"""The second reader: a statistical classifier beside the rulebook that can only raise.

The rulebook reads what its phrases name; a message worded in a way nobody wrote
down slips past it. The second reader is a linear model over character and word
n-grams, learned from the project's own labelled messages (`training.jsonl`, shipped
in the package), that gives each message a probability of being a red flag. When
that probability reaches the threshold and the rulebook found no red flag, the
message is raised (see `followup.triage.triage`); it never lowers anything.

Reproducible: the features are computed here, the model is fitted by scikit-learn's
deterministic liblinear solver on the shipped file, and nothing is downloaded or
unpickled. It is fitted once per version of its inputs and kept as plain JSON in a cache
folder that later processes read back (`fitted`; half a minute on 125,884 messages; the
server fits or reads it in the background at start, see `warm_up`); reading a message
is a few dictionary look-ups (no scikit-learn at read time), so the whole reading stays
fast.

A number in a temperature range is read as the rulebook reads it, one word for each
side of the fever line (`temperature_words`): digits carry no fever line, and on blind
first passes the reader raised readings under it as red flags. Held out (leave one
batch out, 5,884 messages), this took the combined reading's false alarms from 33 to 30
at the threshold in use, with the same sensitivity.

Two models share the features: one says "red flag or not", the other "emergency or
not". A raised message becomes an emergency when the second model finds that more
likely than not among red flags (see `Reading.level`), else urgent: the policy's
safer choice between the two is the one the evidence leans to, ties going up.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import math
import os
import re
import tempfile
import threading
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .rulebook import TemperatureRules
from .text import folded

TRAINING_PATH = Path(__file__).with_name("training.jsonl")
SETTINGS_PATH = Path(__file__).with_name("second_reader.toml")
RED_FLAGS = frozenset({"emergency", "urgent"})
_WORD_RE = re.compile(r"[a-z0-9]+")
# A reading as written: "37.7", "100,4", "38"; read against the rulebook's fever line.
_NUMBER_RE = re.compile(r"(?<![\d.,])(\d{2,3}(?:[.,]\d{1,2})?)(?![\d])")
# What a temperature reading becomes for the reader: the rules' reading of the number,
# not its digits. Digits told the reader nothing of the fever line: "temp 100.1 this
# evening" and "woke up sweaty then freezing, temp was 37.7" read as red flags at 0.70
# and 0.90 on first passes, though both are under it.
FEVER_WORD, UNDER_WORD = "tempfever", "tempunder"


@dataclass(frozen=True)
class Settings:
    """`second_reader.toml`: the threshold (chosen by leave-one-batch-out) and the fit."""

    threshold: float
    c: float
    char_min: int
    char_max: int
    # Probability of an emergency at which the second reader lifts an urgent reading of
    # the rules to emergency (1.0: never). Chosen by `followup triage --lobo` too.
    lift: float = 1.0
    # Shorter messages are read only where they touch a red-flag topic the rules left
    # unplaced (see reading.second_may_read).
    min_words: int = 5
    # The probability needed to raise a message the rules read as mild with every
    # red-flag topic it touches placed by their findings (`second_reader.toml`:
    # `mild_threshold`; 0: the same as `threshold`).
    mild_threshold: float = 0.0

    def threshold_for(self, placed_mild: bool) -> float:
        """The threshold for a mild reading with no topic left unplaced, or any other."""
        return max(self.threshold, self.mild_threshold) if placed_mild else self.threshold


def load_settings(path: Path = SETTINGS_PATH) -> Settings:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    settings = Settings(float(data["threshold"]), float(data["c"]), int(data["char_min"]),
                        int(data["char_max"]), float(data.get("lift", 1.0)),
                        int(data.get("min_words", 5)), float(data.get("mild_threshold", 0.0)))
    if not 0 < settings.threshold < 1 or settings.c <= 0 \
            or not 1 <= settings.char_min <= settings.char_max \
            or not 0 < settings.lift <= 1 or settings.min_words < 1 \
            or not 0 <= settings.mild_threshold < 1:
        raise ValueError(f"{path.name}: threshold must be in (0, 1), c > 0, "
                         "1 <= char_min <= char_max, lift in (0, 1], min_words >= 1, "
                         "mild_threshold in [0, 1)")
    return settings


def word_count(text: str) -> int:
    """How many words the reader sees in a message (its own tokenising)."""
    return len(_words(text))


@lru_cache(maxsize=8)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD_RE.findall(folded(text)))


def features(text: str, char_min: int = 3, char_max: int = 5,
             temperature: TemperatureRules | None = None) -> set[str]:
    """Word unigrams and bigrams, and character n-grams inside each word (with its edges).

    Character n-grams carry misspellings and inflections ("breth", "respirando");
    word pairs carry what single words cannot ("not breathing", "my dog"). With
    `temperature`, a number in a temperature range is one word for where it lies
    against the fever line (`temperature_words`)."""
    return _features_of(_reader_words(text, temperature), char_min, char_max)


def _reader_words(text: str, temperature: TemperatureRules | None) -> tuple[str, ...]:
    """The words the reader sees: readings in a temperature range as fever-line words."""
    return _words(temperature_words(text, temperature) if temperature else text)


def _features_of(words: Sequence[str], char_min: int, char_max: int) -> set[str]:
    out: set[str] = set()
    for i, word in enumerate(words):
        out |= _word_features(word, char_min, char_max)
        if i:
            out.add("b " + words[i - 1] + " " + word)
    return out


def temperature_words(text: str, rules: TemperatureRules) -> str:
    """Each number in the Celsius or Fahrenheit range of the rulebook as FEVER_WORD (at
    or over the fever line) or UNDER_WORD; any other number as written."""
    def word(m: re.Match[str]) -> str:
        celsius = rules.celsius(float(m.group(1).replace(",", ".")))
        if celsius is None:
            return m.group(0)
        return f" {FEVER_WORD if celsius >= rules.fever_c else UNDER_WORD} "
    return _NUMBER_RE.sub(word, text)


@lru_cache(maxsize=16_384)
def _word_features(word: str, char_min: int, char_max: int) -> frozenset[str]:
    """One word's own features (the word, its character n-grams): the same words come
    back in message after message, so each is cut up once."""
    padded = f"<{word}>"
    return frozenset({"w " + word, *(padded[j:j + n] for n in range(char_min, char_max + 1)
                                     for j in range(len(padded) - n + 1))})


@dataclass(frozen=True)
class Reading:
    """The second reader's view of one message."""

    red_flag: float  # probability that it is a red flag (urgent or emergency)
    emergency: float  # probability that it is an emergency

    def level(self) -> str:
        """Emergency when an emergency is at least as likely as an urgent red flag."""
        return "emergency" if self.emergency >= self.red_flag - self.emergency else "urgent"


class SecondReader:
    """Weights per feature for both models; `read` is pure Python and fast."""

    def __init__(self, weights: Mapping[str, tuple[float, float]], bias: tuple[float, float],
                 settings: Settings, temperature: TemperatureRules | None = None) -> None:
        self._weights = dict(weights)
        self._bias = bias
        self.settings = settings
        self.temperature = temperature

    @property
    def threshold(self) -> float:
        return self.settings.threshold

    def read(self, text: str) -> Reading:
        """Nothing to say (0, 0) about a message without a word it has seen ("2", "👍"):
        its reading would be its prior alone."""
        weights = self._weights
        words = _reader_words(text, self.temperature)
        if not any(word.isalpha() and "w " + word in weights for word in words):
            return Reading(0.0, 0.0)
        found = _features_of(words, self.settings.char_min, self.settings.char_max)
        known = [w for f in found if (w := weights.get(f)) is not None]
        scale = 1 / math.sqrt(len(known)) if known else 0.0  # L2-normalised binary features
        reds, emergencies = zip(*known, strict=True) if known else ((), ())
        # fsum: the exact sum, whatever order the set of features comes in
        red = self._bias[0] + scale * math.fsum(reds)
        emergency = self._bias[1] + scale * math.fsum(emergencies)
        return Reading(_sigmoid(red), _sigmoid(emergency))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x > -50 else 0.0


def train(cases: Iterable[Mapping[str, Any]], settings: Settings | None = None,
          temperature: TemperatureRules | None = None) -> SecondReader:
    """Fit both models on labelled messages ({"text", "expect"}); deterministic. With
    `temperature` (the rulebook's), readings are words for the fever line."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    settings = settings or load_settings()
    rows = [(str(c["text"]), str(c["expect"])) for c in cases]
    vocabulary: dict[str, int] = {}
    indices: list[int] = []
    indptr = [0]
    data: list[float] = []
    for text, _ in rows:
        # in sorted order: a set's order changes with each process's string hashing,
        # and the columns' order with it, which moved the fitted weights in the fifth
        # decimal from one run to the next
        cols = sorted({vocabulary.setdefault(f, len(vocabulary))
                       for f in sorted(features(text, settings.char_min, settings.char_max,
                                                temperature))})
        indices += cols
        data += [1 / math.sqrt(len(cols))] * len(cols) if cols else []
        indptr.append(len(indices))
    matrix = csr_matrix((data, indices, indptr), shape=(len(rows), len(vocabulary)))
    coefs, biases = [], []
    for positive in (RED_FLAGS, frozenset({"emergency"})):
        labels = [int(expect in positive) for _, expect in rows]
        model = LogisticRegression(C=settings.c, solver="liblinear", class_weight="balanced",
                                   random_state=0)
        model.fit(matrix, labels)
        coefs.append(model.coef_[0])
        biases.append(float(model.intercept_[0]))
    weights = {f: (float(coefs[0][i]), float(coefs[1][i])) for f, i in vocabulary.items()
               if coefs[0][i] or coefs[1][i]}
    return SecondReader(weights, (biases[0], biases[1]), settings, temperature)


def load_training(path: Path = TRAINING_PATH) -> list[dict[str, Any]]:
    """The shipped labelled messages ({"text", "expect", "lang", "batch"})."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def trainable(cases: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Messages whose label is the text's alone: a "yes" is urgent only as an answer to
    the day-3 question, and "worse" only against earlier findings."""
    return [c for c in cases if not c.get("question") and not c.get("history")]


_FITTING = threading.Lock()
log = logging.getLogger(__name__)
# What the fitted weights depend on besides the training file, the settings and the
# fever line: this module and the text folding (the features), and the fitting libraries.
_FIT_SOURCES = (Path(__file__), Path(__file__).with_name("text.py"))
_FIT_LIBRARIES = ("numpy", "scipy", "scikit-learn")
_CACHE_PREFIX = "second-reader-"
_CACHE_KEEP = 3  # the newest fits kept: a few checkouts of different ages side by side


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where a fitted reader is kept between processes: `FOLLOWUP_CACHE_DIR`, else the
    user's cache folder (`XDG_CACHE_HOME`, else ~/.cache) under `followup`; a service
    user with no home keeps it in the system's temporary folder."""
    env = os.environ if environ is None else environ
    if env.get("FOLLOWUP_CACHE_DIR"):
        return Path(env["FOLLOWUP_CACHE_DIR"])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "followup"
    try:
        return Path.home() / ".cache" / "followup"
    except RuntimeError:  # no HOME and no entry in the password database
        return Path(tempfile.gettempdir()) / "followup-cache"


def fit_key(training: Path, settings: Settings, temperature: TemperatureRules | None) -> str:
    """A digest of everything the fitted weights follow from, so that a kept fit is used
    only where a fresh one would come out the same: a changed message, setting, fever
    line, feature or library version gives another key, and a fresh fit."""
    digest = hashlib.sha256()
    for source in (training, *_FIT_SOURCES):
        digest.update(source.read_bytes())
    described = {"settings": dataclasses.asdict(settings),
                 "temperature": dataclasses.asdict(temperature) if temperature else None,
                 "libraries": {name: metadata.version(name) for name in _FIT_LIBRARIES}}
    # sets sorted: their order changes with each process's string hashing
    digest.update(json.dumps(described, sort_keys=True, default=sorted).encode())
    return digest.hexdigest()


def fitted(training: Path = TRAINING_PATH, temperature: TemperatureRules | None = None,
           cache: Path | None = None) -> SecondReader:
    """The reader fitted on `training`, from the cache when a process has fitted it
    before (`cache_dir`).

    The fit on 125,884 messages takes about half a minute of one core (28 s, 46th
    session); every process that read a message paid it: each test worker, each server
    start, each CLI run. Kept as plain JSON (floats written exactly, nothing unpickled)
    under a key of all it follows from (`fit_key`), the fit is done once per version and
    read back in about a second. A cache that cannot be read or written is said so in the
    log and the reader fitted as before: a cache never stops a reading."""
    settings = load_settings()
    try:
        key = fit_key(training, settings, temperature)
    except (OSError, metadata.PackageNotFoundError) as exc:
        # an install without the sources or the libraries' metadata: nothing to key on
        log.warning("second reader: no key for its fit (%s); fitting without the cache",
                    type(exc).__name__)
        return train(trainable(load_training(training)), settings, temperature)
    path = (cache_dir() if cache is None else cache) / f"{_CACHE_PREFIX}{key[:32]}.json"
    reader = _read_fit(path, key, settings, temperature)
    if reader is None:
        reader = train(trainable(load_training(training)), settings, temperature)
        _keep_fit(path, key, reader)
    return reader


def _read_fit(path: Path, key: str, settings: Settings,
              temperature: TemperatureRules | None) -> SecondReader | None:
    try:
        with path.open(encoding="utf-8") as fh:
            kept = json.load(fh)
        if kept["key"] != key:
            raise ValueError("made from other inputs")
        red, emergency = (float(b) for b in kept["bias"])
        weights = {str(f): (float(w[0]), float(w[1])) for f, w in kept["weights"].items()}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        log.warning("second reader: the kept fit %s is unusable (%s); fitting again",
                    path, type(exc).__name__ if not isinstance(exc, ValueError) else exc)
        return None
    return SecondReader(weights, (red, emergency), settings, temperature)


def _keep_fit(path: Path, key: str, reader: SecondReader) -> None:
    """Written whole or not at all (a temporary file renamed over), so that a process
    reading it beside this one never sees half of it; the oldest other fits go."""
    kept = {"key": key, "bias": list(reader._bias),
            "weights": {f: list(w) for f, w in reader._weights.items()}}
    written: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent,
                                         prefix=".fit-", suffix=".tmp", delete=False) as fh:
            written = Path(fh.name)
            json.dump(kept, fh, separators=(",", ":"))
        os.replace(written, path)
    except OSError as exc:
        if written is not None:
            written.unlink(missing_ok=True)  # no half-written file left behind (a full disk)
        log.warning("second reader: the fit could not be kept in %s (%s); each process "
                    "will fit it again", path.parent, exc.strerror or type(exc).__name__)
        return
    _prune(path)


def _prune(kept: Path) -> None:
    """The newest fits stay; a file another process removed first is no matter."""
    def age(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0
    others = sorted((p for p in kept.parent.glob(f"{_CACHE_PREFIX}*.json") if p != kept),
                    key=age, reverse=True)
    for old in others[_CACHE_KEEP - 1:]:
        with contextlib.suppress(OSError):  # another user's file, say: it is kept longer
            old.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def _fitted() -> SecondReader:
    from . import _default_rulebook  # the package imports this module: import on use
    return fitted(temperature=_default_rulebook().temperature)


def default_reader() -> SecondReader:
    """Fitted once per process on the shipped messages (a lock: a warm-up thread and
    the first request must not fit it twice)."""
    with _FITTING:
        return _fitted()


def warm_up() -> threading.Thread:
    """Fit the default reader in the background, so the first patient's reply does not
    wait for the fit (a few seconds).

    scikit-learn and SciPy are imported here, in the caller's thread, before the fit
    starts: importing them compiles many modules, and CPython 3.11 can fail a compile
    ("SystemError: AST constructor recursion depth mismatch") when two threads compile
    at once, as a background import beside the app's own start-up once did in CI."""
    import scipy.sparse  # noqa: F401
    import sklearn.linear_model  # noqa: F401

    thread = threading.Thread(target=default_reader, name="second-reader-fit", daemon=True)
    thread.start()
    return thread
