import time

import pytest

from aggregator.parsing._excerpt import cut, excerpt_of, extract, plain_text
from aggregator.store._matching import fingerprint


def test_text_without_markup_entities_or_scripts() -> None:
    text = extract(
        "<p>Tom&nbsp;&amp;&#8239;Jerry<br>ligne<script>x()</script>"
        "<style>p{}</style> <b>gr</b>as</p><div>bloc</div>"
    ).text
    assert text == "Tom\u00a0&\u202fJerry ligne gras bloc"


def test_cut_on_a_word_boundary_with_ellipsis() -> None:
    assert cut("Oui oui chaque image est cliquable", 20) == "Oui oui chaque image…"
    assert cut("court", 20) == "court"


def test_cut_never_splits_a_long_word_inside_a_grapheme() -> None:
    word = "e\u0301" * 30  # e + combining acute, 60 code points
    result = cut(word, 11)
    assert result.endswith("…")
    assert not result[:-1].endswith("e")  # the accent stays with its letter


def test_cut_never_parts_a_prepend_character_from_what_follows_it() -> None:
    # U+0600 (Arabic number sign) joins the cluster after it, space included: no cut there
    assert cut("abc def ghi jkl\u0600 mnopqrstuvwxyz and more", 20) == "abc def ghi…"
    assert cut("abc def ghi jkl mnopqrstuvwxyz and more", 20) == "abc def ghi jkl…"


def test_cut_prefers_a_sentence_end_near_the_limit() -> None:
    text = "Première phrase assez longue pour compter. Et la suite qui dépasse la limite."
    assert cut(text, 50) == "Première phrase assez longue pour compter."


def test_boilerplate_removed_and_no_title_fallback() -> None:
    excerpt, _ = excerpt_of(
        "<p>Le texte.</p><p>The post <a>X</a> appeared first on <a>Blog</a>.</p>", 200
    )
    assert excerpt == "Le texte."
    empty, _ = excerpt_of("<p><img src='a.png'></p>", 200, title="Le titre")
    assert empty == ""  # the title is shown already: never twice


@pytest.mark.parametrize(
    ("value", "expected"), [("Tom &amp; <b>Jerry</b>", "Tom & Jerry"), ("  a \n b ", "a b")]
)
def test_plain_text(value: str, expected: str) -> None:
    assert plain_text(value) == expected


# --- issue 4: the rules of the "Excerpts" section -------------------------------------------


def test_the_body_with_more_text_wins_not_the_longer_markup() -> None:
    embed = (
        "<figure><iframe src='https://video.example/1'></iframe></figure>"
        "<div class='sharedaddy'>" + "<a href='#'>Partager</a>" * 40 + "</div><p>Vidéo.</p>"
    )
    teaser = "<p>Un résumé qui dit vraiment de quoi parle la vidéo.</p>"
    assert len(embed) > len(teaser)
    assert (
        excerpt_of([embed, teaser], 200)[0] == "Un résumé qui dit vraiment de quoi parle la vidéo."
    )
    full = "<p>" + "Le billet complet, phrase après phrase. " * 20 + "</p>"
    assert (
        excerpt_of([full, "<p>Le billet complet [&hellip;]</p>"], 50)[0]
        == "Le billet complet, phrase après phrase."
    )


def test_images_are_nothing_or_their_alt_when_nothing_else() -> None:
    assert excerpt_of("<p><img src='a.jpg' alt='Un chat'>Le texte.</p>", 200)[0] == "Le texte."
    assert (
        excerpt_of("<p><img src='a.jpg' alt='Un chat'><img src='b.jpg' alt='Un chien'></p>", 200)[0]
        == "Un chat Un chien"
    )
    excerpt, extracted = excerpt_of(
        "<img src='https://feeds.feedburner.com/~r/x/~4/y' width='1' height='1' alt='pixel'>",
        200,
        title="Titre",
    )
    assert (excerpt, extracted.first_image) == ("", None)  # a tracking pixel is nothing


def test_emoji_images_become_their_emoji() -> None:
    html = (
        "<p>Merci <img draggable='false' role='img' class='emoji' alt='🙏🏽' "
        "src='https://s.w.org/images/core/emoji/15.0.3/svg/1f64f-1f3fd.svg'>&nbsp;!</p>"
    )
    assert excerpt_of(html, 200)[0] == "Merci 🙏🏽\u00a0!"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Un\u200bmot\ufeff in\u00advisible", "Unmot invisible"),
        ("gauche\u200e\u202edroite\u202c", "gauchedroite"),
        ("\u200dseul\u200d et\u200d\u200c là", "seul et là"),
        ("Famille 👨\u200d👩\u200d👧 ok", "Famille 👨\u200d👩\u200d👧 ok"),
        ("क्\u200dष", "क्\u200dष"),  # Devanagari needs its joiner
        ("a\x00b\x07c\x1bd", "abcd"),
        ("  espaces \t\n multiples  ", "espaces multiples"),
        (
            "«\u00a0Bonjour\u00a0» dit-il\u202f; fin\u00a0!",
            "«\u00a0Bonjour\u00a0» dit-il\u202f; fin\u00a0!",
        ),
        ("<p>&nbsp;</p> avant \u00a0 \u00a0 après", "avant après"),
    ],
)
def test_text_normalization(raw: str, expected: str) -> None:
    assert extract(raw).text == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # WordPress, English and French (Yoast)
        (
            "<p>Texte.</p><p>The post <a href='x'>T</a> appeared first on <a href='y'>B</a>.</p>",
            "Texte.",
        ),
        (
            "<p>Texte.</p><p>L’article <a href='x'>T</a> est apparu en premier sur <a>B</a>.</p>",
            "Texte.",
        ),
        # a teaser cut by its source: the mark goes, "…" says there is more
        ("<p>Le début du billet [&hellip;]</p>", "Le début du billet…"),
        ("<p>Le début du billet [...]</p>", "Le début du billet…"),
        (
            "<p>Salt early <a class='more-link' href='x'>Continue reading<span "
            "class='screen-reader-text'> “Salt”</span> <span class='meta-nav'>&rarr;</span></a></p>",
            "Salt early…",
        ),
        ("<p>Un billet court. <a href='x'>Lire la suite</a></p>", "Un billet court."),
        ("<p>Un billet court, Lire la suite →</p>", "Un billet court…"),
        ("<p>Short one (<a href='x'>Read more…</a>)</p>", "Short one…"),
        ("<p>Voilà. <a href='x#more-3' class='more-link'>(more…)</a></p>", "Voilà."),
        # "read more" in a sentence is prose
        (
            "<p>You can <a href='x'>read more about it</a> here.</p>",
            "You can read more about it here.",
        ),
        # an editorial […] inside a quote stays
        (
            "<p>Il a dit «&nbsp;je […] reviendrai&nbsp;». Fin.</p>",
            "Il a dit «\u00a0je […] reviendrai\u00a0». Fin.",
        ),
        # share buttons, by markup and as text
        (
            "<p>Texte.</p><div class='sharedaddy sd-sharing-enabled'><h3 class='sd-title'>Share this:"
            "</h3><a>Twitter</a></div>",
            "Texte.",
        ),
        (
            "<p>Texte.</p><p>Partager&nbsp;: Facebook Twitter J’aime ceci&nbsp;: J’aime chargement…</p>",
            "Texte.",
        ),
        ("<p>Texte.</p><div class='addtoany_share_save_container'><a>Share</a></div>", "Texte."),
        # a leading caption or photo credit
        (
            "<p><img src='a.jpg'></p><p>Crédit photo&nbsp;: Jean Dupont</p><p>Le texte.</p>",
            "Le texte.",
        ),
        ("<p>Photo by Jane Doe on Unsplash</p><p>Body.</p>", "Body."),
        (
            "<div class='wp-caption'><img src='a.jpg'><p class='wp-caption-text'>Légende</p></div>"
            "<p>Le texte.</p>",
            "Le texte.",
        ),
        (
            "[caption id='attachment_5' align='alignnone' width='300']<img src='a.jpg'> La légende"
            "[/caption]<p>Le texte.</p>",
            "Le texte.",
        ),
        # but a credit that is the whole post stays
        ("<p>Photo : Jean Dupont</p>", "Photo : Jean Dupont"),
        # Ghost's bookmark card is another page's summary
        (
            "<p>Le texte.</p><figure class='kg-card kg-bookmark-card'><div class='kg-bookmark-title'>"
            "Autre page</div></figure>",
            "Le texte.",
        ),
        # entities escaped twice are decoded once more, never shown as "&amp;" or "&nbsp;"
        ("<p>Caf&amp;eacute; &amp;amp; th&amp;#233;&amp;nbsp;!</p>", "Café & thé\u00a0!"),
        # raw-text elements never become text
        (
            "<p>a</p><noscript><img src=x></noscript><template><p>t</p></template><xmp><b>x</b></xmp>"
            "<p>b</p>",
            "a b",
        ),
    ],
)
def test_boilerplate(html: str, expected: str) -> None:
    assert excerpt_of(html, 200)[0] == expected


def test_no_text_at_all_is_no_excerpt() -> None:
    assert excerpt_of(["", "<p> </p><br>"], 200, title="Le titre")[0] == ""
    assert excerpt_of("", 5, title="Un titre bien trop long")[0] == ""


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        # a sentence ends in the last 30%: the cut ends there, with its own punctuation, no "…"
        (
            "Une phrase entière ici. Et une autre bien plus longue encore.",
            30,
            "Une phrase entière ici.",
        ),
        ("Vraiment\u00a0? Oui, vraiment, et la suite est longue.", 12, "Vraiment\u00a0?"),
        (
            "«\u00a0Une citation.\u00a0» Et la suite qui ne tient pas.",
            20,
            "«\u00a0Une citation.\u00a0»",
        ),
        # earlier than 70%: a word cut; trailing punctuation and spaces go before "…"
        (
            "Court. Puis une phrase qui ne finit pas avant la limite du tout",
            40,
            "Court. Puis une phrase qui ne finit pas…",
        ),
        ("Liste : pommes, poires, et beaucoup d’autres fruits", 23, "Liste : pommes, poires…"),
        ("Il dit — et c’est vrai — que tout va bien", 9, "Il dit…"),
        # an abbreviation or an initial is no sentence end
        ("Voici ce que dit M. Dupont sur le sujet", 20, "Voici ce que dit M…"),
        # no break at a no-break space: "prix\u00a0:" is one unit
        ("Le prix\u00a0: dix euros", 8, "Le…"),
        ("Le prix\u00a0: dix euros", 9, "Le prix…"),
        # one word longer than the limit: cut between grapheme clusters
        ("Anticonstitutionnellement", 10, "Anticonsti…"),
        ("e\u0301" * 10, 5, "e\u0301e\u0301…"),
        ("🇫🇷🇨🇦🇧🇪", 5, "🇫🇷🇨🇦…"),
    ],
)
def test_cut_rules(text: str, limit: int, expected: str) -> None:
    assert cut(text, limit) == expected
    assert len(cut(text, limit)) <= limit + 1


@pytest.mark.parametrize(
    ("value", "is_html", "expected"),
    [
        ("L&#8217;été &amp; la <em>mode</em>", True, "L’été & la mode"),
        ("Tom &amp;amp; Jerry", True, "Tom & Jerry"),
        ("Pailler avant l'hiver&nbsp;: pourquoi", False, "Pailler avant l'hiver\u00a0: pourquoi"),
        ("Hello <world>", False, "Hello <world>"),
        ("  Un\n titre\t sur  deux lignes ", False, "Un titre sur deux lignes"),
        ("<h1>Titre</h1><script>alert(1)</script>", True, "Titre"),
    ],
)
def test_titles(value: str, is_html: bool, expected: str) -> None:
    assert plain_text(value, 300, is_html=is_html) == expected


def test_titles_are_capped() -> None:
    title = plain_text("Un titre " * 50, 300, is_html=False)
    assert len(title) <= 301 and title.endswith(" Un…")


def test_fingerprint_ignores_case_accents_and_punctuation() -> None:
    one = fingerprint("Les Açores hors saison", "En novembre, São Miguel appartient aux vaches.")
    two = fingerprint(
        "LES AÇORES, HORS SAISON !", "En novembre : Sao Miguel appartient aux vaches…"
    )
    assert one is not None and one == two
    assert fingerprint("Les Açores", "Un tout autre début de billet ici.") != one
    assert fingerprint("Titre", "Trop court") is None  # too little to tell articles apart
    assert fingerprint("", "Un texte assez long pour compter ici.") is None


def test_long_posts_are_read_from_a_prefix_that_has_enough_text() -> None:
    paragraph = "<p>Une phrase du billet, assez longue pour compter vraiment.</p>"
    long_post = paragraph * 3000  # 190 KB
    assert excerpt_of(long_post, 100)[0].startswith("Une phrase du billet")
    # 20 KB of script before any text: a larger prefix is read, the text is still found
    scripted = "<script>" + "x = 1;" * 3500 + "</script>" + "<p>Enfin du texte.</p>" * 3000
    assert excerpt_of(scripted, 100)[0].startswith("Enfin du texte.")
    # a prefix never ends inside a tag: no "<" leaks
    assert "<" not in excerpt_of("<p>mot</p>" * 700 + "<a href='" + "x" * 9000 + "'>", 100)[0]


def test_a_short_prefix_with_enough_text_still_finds_the_first_image() -> None:
    # the text of the first 2 KB would do, but the post's photo comes later: it is the thumbnail
    text = "<p>Une phrase du billet, assez longue pour compter vraiment.</p>" * 40
    post = text + "<figure><img src='https://example.org/photo.jpg'></figure>" + text
    excerpt, found = excerpt_of(post, 200)
    assert excerpt.startswith("Une phrase du billet")
    assert found.first_image == "https://example.org/photo.jpg"
    # beyond the image window (8 KB) the first image is not looked for, as before
    far = text * 4 + "<img src='https://example.org/far.jpg'>"
    assert excerpt_of(far, 200)[1].first_image is None


def test_a_read_more_link_is_told_by_its_own_text() -> None:
    # text in a script or a ruby annotation is not the link's text; a link inside one is
    assert extract("<p>Un texte.</p><a><script>Read more</script></a>").truncated is False
    assert extract("<p>Un texte.</p><a><noscript>Read more</noscript></a>").truncated is True
    assert extract("<ruby>漢<rt><a>Read more</a></rt></ruby>").truncated is False
    # a "Read more" link inside another link goes, with its image; the outer link stays
    inner = extract("<a>Le texte <a><img src='more.png'>Read more</a></a>")
    assert (inner.text, inner.first_image, inner.truncated) == ("Le texte", None, True)


def test_nested_links_and_elements_are_read_in_one_pass() -> None:
    started = time.monotonic()
    deep = extract("<span><a>x" * 100_000)  # each link open until the end of the document
    assert deep.text == "x" * 100_000 and deep.truncated is False
    assert extract("<div>" * 100_000 + "deep text").text == "deep text"
    assert time.monotonic() - started < 20  # generous: reading each link's text again took minutes


def test_documents_that_make_the_parser_give_up_do_not_spoil_the_next_one() -> None:
    for nothing in ("<!-- seul -->", " ", "<?php ?>", "\x00"):
        assert extract(nothing).text == ""
        assert extract("<p>Un <b>texte</b></p>").text == "Un texte"
