"""Hostile feed documents too big (or too binary) to keep in the repository.

Each function returns the bytes of one document; tests write them into tmp_path or serve
them from a loopback server. `server` is the base URL of a recording loopback server, for
documents that name URLs which must never be fetched.
"""

from __future__ import annotations

MARKER = "XSS_SCRIPT_BODY"


def rss(
    items: str,
    prolog: str = "",
    title: str = "Hostile",
    declaration: str | None = None,
    channel_extra: str = "",
) -> str:
    """An RSS 2.0 document around `items`, with `prolog` between declaration and root."""
    head = '<?xml version="1.0" encoding="utf-8"?>\n' if declaration is None else declaration
    return (
        f"{head}{prolog}\n"
        '<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://partner.example/</link>{channel_extra}"
        f"{items}</channel></rss>\n"
    )


def item(title: str, body: str, n: int = 1, date: str = "Mon, 23 Nov 2026 10:00:00 +0000") -> str:
    return (
        f"<item><title>{title}</title><link>https://partner.example/{n}</link>"
        f'<guid isPermaLink="false">g{n}</guid><pubDate>{date}</pubDate>'
        f"<description>{body}</description></item>"
    )


# --- entity expansion (issue item 2) ---------------------------------------------------------


def billion_laughs(levels: int = 10) -> bytes:
    """10 levels of 10 references: 10**9 "lol"s, 3 GB, if anything expands them."""
    declarations = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    ]
    prolog = "<!DOCTYPE rss [\n" + "\n".join(declarations) + "\n]>"
    ref = f"&lol{levels - 1};"
    return rss(item(f"Laughs {ref}", f"Body {ref}"), prolog).encode()


def quadratic_blowup(size: int = 50_000, references: int = 50_000) -> bytes:
    """One 50 kB entity referenced 50,000 times: 2.5 GB once expanded."""
    prolog = f'<!DOCTYPE rss [\n<!ENTITY a "{"x" * size}">\n]>'
    return rss(item("Quadratic", "&a;" * references), prolog).encode()


def flat_entities(count: int = 1_000, length: int = 50, repeat: int = 20) -> bytes:
    """Many small "safe" entities (the shape feedparser keeps), each referenced many times."""
    prolog = (
        "<!DOCTYPE rss [\n"
        + "\n".join(f'<!ENTITY e{i} "{"y" * length}">' for i in range(count))
        + "\n]>"
    )
    refs = "".join(f"&e{i};" for i in range(count)) * repeat
    return rss(item("Flat", refs), prolog).encode()


def xxe(server: str) -> bytes:
    """External general entities: a local file, and a URL on the recording server."""
    prolog = (
        "<!DOCTYPE rss [\n"
        '<!ENTITY file SYSTEM "file:///etc/passwd">\n'
        f'<!ENTITY remote SYSTEM "{server}/xxe-entity">\n'
        f'<!ENTITY % param SYSTEM "{server}/xxe-parameter">\n'
        "%param;\n]>"
    )
    return rss(item("XXE &file; &remote;", "Leak: &file; &remote;"), prolog).encode()


def external_dtd(server: str) -> bytes:
    """A DOCTYPE naming an external DTD on the recording server (no internal subset)."""
    prolog = f'<!DOCTYPE rss SYSTEM "{server}/external.dtd">'
    return rss(item("External DTD &fromdtd;", "Body &fromdtd;"), prolog).encode()


def side_requests(server: str) -> bytes:
    """Everything a feed can name: stylesheet PI, DTD, entities, images, enclosures, hub, self."""
    prolog = (
        f'<?xml-stylesheet type="text/xsl" href="{server}/style.xsl"?>\n'
        f'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        f'"{server}/rss-0.91.dtd">'
    )
    channel_extra = (
        f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="{server}/hub"/>'
        f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="{server}/self"/>'
        f"<image><url>{server}/logo.png</url><title>x</title><link>{server}/</link></image>"
        '<cloud domain="127.0.0.1" port="1" path="/rpc" registerProcedure="x" '
        'protocol="xml-rpc"/>'
    )
    body = (
        f'&lt;p&gt;&lt;img src="{server}/img.png"&gt;&lt;iframe src="{server}/frame"&gt;'
        f'&lt;/iframe&gt;&lt;script src="{server}/script.js"&gt;&lt;/script&gt;'
        f'&lt;link rel="stylesheet" href="{server}/css"&gt;Text&lt;/p&gt;'
    )
    items = (
        f'<item xmlns:media="http://search.yahoo.com/mrss/"><title>Side</title>'
        f"<link>{server}/post</link><guid>side-1</guid><description>{body}</description>"
        f'<enclosure url="{server}/enclosure.mp3" type="audio/mpeg" length="1"/>'
        f'<enclosure url="{server}/enclosure.png" type="image/png" length="1"/>'
        f'<media:thumbnail url="{server}/thumb.png"/>'
        f'<source url="{server}/source.xml">src</source><comments>{server}/comments</comments>'
        "</item>"
    )
    return rss(items, prolog, channel_extra=channel_extra).encode()


def bypass_attempts() -> dict[str, bytes]:
    """Entity declarations hidden from a naive DOCTYPE regex, each a 2.5 GB quadratic blow-up."""
    big = "x" * 50_000
    refs = item("Bypass", "&a;" * 50_000)
    subset = f'<!DOCTYPE rss [\n<!ENTITY a "{big}">\n]>'
    return {
        "subset after 64 kB of comment": rss(refs, f"<!-- {'c' * 70_000} -->\n{subset}").encode(),
        "lower-case doctype, odd spacing": rss(
            refs, f'<!doctype\trss\n  [\n<!ENTITY a "{big}">\n]  >'
        ).encode(),
        "]> inside an entity value": rss(
            refs, f'<!DOCTYPE rss [\n<!ENTITY z "]>">\n<!DOCTYPE rss>\n<!ENTITY a "{big}">\n]>'
        ).encode(),
        "entity declared inside a comment": rss(
            refs, f'<!DOCTYPE rss>\n<!--\n<!ENTITY a "{big}">\n-->'
        ).encode(),
        "entity declared inside a PI": rss(
            refs, f'<!DOCTYPE rss>\n<?x\n<!ENTITY a "{big}">\n?>'
        ).encode(),
        "entity declared inside the external id": rss(
            refs, f"<!DOCTYPE rss SYSTEM '\n<!ENTITY a \"{big}\">\n'>"
        ).encode(),
        "stray text before the doctype": rss(
            refs, f'junk">\n<!DOCTYPE rss>\n<!ENTITY a "{big}">'
        ).encode(),
        "utf-16 with BOM": rss(
            refs, subset, declaration='<?xml version="1.0" encoding="utf-16"?>\n'
        ).encode("utf-16"),
        "utf-16-be without BOM": rss(
            refs, subset, declaration='<?xml version="1.0" encoding="utf-16"?>\n'
        ).encode("utf-16-be"),
        "utf-32 with BOM": rss(
            refs, subset, declaration='<?xml version="1.0" encoding="utf-32"?>\n'
        ).encode("utf-32"),
        "ebcdic": rss(refs, subset, declaration='<?xml version="1.0" encoding="cp037"?>\n').encode(
            "cp037"
        ),
        "nul bytes inside the keyword": rss(
            refs, f'<!DOC\0TYPE rss [\n<!EN\0TITY a "{big}">\n]>'
        ).encode(),
        "many unterminated subsets (regex blow-up)": rss(
            item("Many", "<!DOCTYPE x [" * 100_000), "<!DOCTYPE x [" * 100_000
        ).encode(),
    }


# --- size (issue item 3) ---------------------------------------------------------------------


def many_entries(count: int = 10_000) -> bytes:
    """`count` entries, oldest first, so that keeping "the first N" would keep the wrong ones."""
    items = "".join(
        item(
            f"Post {n}",
            f"Body of post {n}.",
            n,
            date=f"Mon, 23 Nov 2026 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d} +0000",
        )
        for n in range(count)
    )
    return rss(items, title="Many").encode()


def huge_entry(size: int = 5_000_000) -> bytes:
    paragraph = "<p>" + "word " * 40 + "</p>"
    body = paragraph * (size // len(paragraph) + 1)
    return rss(item("Huge", f"<![CDATA[{body}]]>"), title="Huge").encode()


def deep_nesting(levels: int = 100_000) -> bytes:
    """100,000 nested elements: in an entry's HTML, and in the XML of an entry itself."""
    html = "<div>" * levels + "deep text" + "</div>" * levels
    xml = "<x>" * levels + "deep xml" + "</x>" * levels
    items = item("Deep HTML", f"<![CDATA[{html}]]>", 1) + item("Deep XML", xml, 2)
    return rss(items, title="Deep").encode()


def deep_json(levels: int = 100_000) -> bytes:
    html = "<div>" * levels + "deep json text" + "</div>" * levels
    return (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Deep JSON", "items": ['
        f'{{"id": "1", "url": "https://partner.example/j1", "title": "Deep", '
        f'"content_html": "{html}"}}]}}'
    ).encode()
