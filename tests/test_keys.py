"""The keys that tell the same article travel with the parsed entry (issue 14): made where
the entry is made, in the parser's process, and made again by a `replace`."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator._keys import _opening_words, _words, entry_link_key, fingerprint, link_hash
from aggregator._urls import id_key, link_key
from aggregator.models import ParsedEntry
from aggregator.parsing._parse import ParseOptions, parse_feed


def test_parsed_entries_carry_their_link_key_hash_and_fingerprint(data: Path) -> None:
    feed = parse_feed((data / "rss2-fr.xml").read_bytes(), {}, ParseOptions())
    first = feed.entries[0]
    assert first.id_key == id_key(first.entry_id)
    assert first.link_key == link_key("https://essai.example/2026/11/ete-mode/")
    assert first.link_key is not None and first.link_hash == link_hash(first.link_key)
    assert first.dup_key is not None and first.dup_key == fingerprint(first.title, first.excerpt)
    # what crosses to the main process is what was made in the parser's
    assert pickle.loads(pickle.dumps(feed)) == feed


def test_keys_follow_a_changed_entry() -> None:
    assert ParsedEntry("HTTP://A.example/p?x", "t", None, "").id_key == "a.example/p?x"
    entry = ParsedEntry("1", "Un titre", None, "")
    assert (entry.link_key, entry.link_hash, entry.dup_key) == (None, None, None)
    summarised = replace(  # what page_summary does to an entry without text
        entry, link="https://a.example/p?utm_source=x", excerpt="Le texte de la page, enfin lu."
    )
    assert summarised.link_key == "a.example/p"
    assert summarised.dup_key == fingerprint("Un titre", "Le texte de la page, enfin lu.")


def test_a_link_that_does_not_parse_has_no_key() -> None:
    assert entry_link_key("http://[::1") is None
    assert ParsedEntry("1", "t", "http://[::1", "x").link_hash is None


@settings(max_examples=300)
@given(st.text(st.characters(max_codepoint=127)))
def test_ascii_text_has_the_words_the_unicode_path_finds(text: str) -> None:
    # "é " sends the text down the decomposing path, and adds the word "e" before it
    assert _words(text) == _words("é " + text)[1:]


WORDS = st.builds(  # a word: a letter or digit first, then any of these (marks included)
    str.__add__,
    st.sampled_from("aeéçœßİﬁ0"),
    st.text(alphabet="abcdeéèçœßİﬁ0\u0301", min_size=8, max_size=20),
)
SEPARATORS = st.sampled_from([" ", ", ", " — ", "\u00a0: ", "'", "… "])


@settings(max_examples=300)
@given(st.lists(WORDS, min_size=1, max_size=40), st.lists(SEPARATORS, min_size=40, max_size=40))
def test_a_fingerprint_reads_its_opening_words_whole(
    words: list[str], separators: list[str]
) -> None:
    # read from the text's start only: the eighth word is never cut where the start ends
    text = "".join(w + s for w, s in zip(words, separators, strict=False))
    assert _opening_words(text, 8) == _words(text)[:8]
