"""The real words of the patients' languages, which the fuzzy corrector leaves as typed.

The corrector turns a word it does not know into the nearest rulebook word. A real word
it does not know is no misspelling: "dozed" is not "dazed", "cooking" is not "choking".
Listing such words one by one (`common_words.toml`) only ever catches the ones a batch
of messages has already shown; the word lists of pyspellchecker (word frequencies from
film subtitles, MIT-licensed package) hold tens of thousands of them per language.
Only words used at least `min_count` times there count: the rarest entries of a list
taken from subtitles include misspellings, which the corrector must still correct.
"""

from __future__ import annotations

from functools import lru_cache

from spellchecker import SpellChecker

from .text import normalise_phrase


@lru_cache(maxsize=8)  # one rulebook load per language and threshold, shared by all
def word_lists(lang: str, min_count: int) -> tuple[frozenset[str], frozenset[str]]:
    """The words of `lang` used at least `min_count` times, and the rarer ones, read in
    one pass, lower-cased and accent-free as message words are (ValueError for a
    language pyspellchecker lacks). The rarer ones may hold misspellings, so they never
    stop a correction; they only keep a real word whole that looks like two
    ("breaststroke" is no "breast stroke": `Lexicon.split`)."""
    counts = SpellChecker(language=lang, distance=1).word_frequency.dictionary
    frequent: set[str] = set()
    rare: set[str] = set()
    for word, count in counts.items():
        if word.isalpha():  # (most are already as messages are read: no work for them)
            plain = word if word.isascii() and word.islower() else normalise_phrase(word)
            (frequent if count >= min_count else rare).add(plain)
    return frozenset(frequent), frozenset(rare - frequent)
