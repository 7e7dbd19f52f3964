"""A "real-world shapes" corpus: the feeds partner blogs actually serve, generated.

One shape per engine or service, each with the elements and namespaces its feeds carry
(studied from feed projects' public test data, written here with our own posts):

    wordpress-fr  RSS 2.0, content:encoded, wfw/slash/sy, Jetpack's post-id, media:content,
                  Yoast's atom:link rel=hub, « L'article … est apparu en premier sur … »
    blogger       Atom, openSearch/thr/georss/gd extensions, media:thumbnail
    medium        RSS 2.0 with atom:link, dc:creator, content:encoded, cdn tracking pixel
    substack      RSS 2.0 with enclosure image, itunes:image, dc:creator, content:encoded
    ghost         RSS 2.0, xml:base-free, media:content image, dc:creator, content:encoded
    hugo          RSS 2.0, minimal: description with the whole post, atom:link self
    typepad       Atom with xml:base on the feed and entries, relative links
    feedburner    RSS 2.0 through FeedBurner: feedburner:origLink, feedburner:info
    youtube       Atom with yt:*, media:group (title, content, thumbnail, description)
    podcast       RSS 2.0 with itunes:* and an audio enclosure
    rss1          RSS 1.0 (RDF): items outside the channel, dc:date, content:encoded

Deterministic: the same N and seed give the same bytes.

    python -m bench.shapes 110 /tmp/aggregator-bench/shapes-110
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from email.utils import format_datetime
from html import escape
from pathlib import Path

from bench.corpus import entries

Post = dict[str, object]
SIZE = 4_000
"""HTML per post: real feeds mix whole posts and teasers; the shapes matter more here."""
NS = {
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "atom": "http://www.w3.org/2005/Atom",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "media": "http://search.yahoo.com/mrss/",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "georss": "http://www.georss.org/georss",
    "feedburner": "http://rssnamespace.org/feedburner/ext/1.0",
    "cc": "http://cyber.law.harvard.edu/rss/creativeCommonsRssModule.html",
}


def _xmlns(*names: str) -> str:
    return " ".join(f'xmlns:{n}="{NS[n]}"' for n in names)


def _date(post: Post) -> str:
    return format_datetime(post["date"], usegmt=True)  # type: ignore[arg-type]


def _iso(post: Post) -> str:
    return post["date"].isoformat()  # type: ignore[attr-defined]


def _rss(namespaces: str, channel: str, items: list[str]) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" {namespaces}>\n<channel>\n'
        f"{channel}\n" + "\n".join(items) + "\n</channel>\n</rss>\n"
    )


def wordpress_fr(title: str, site: str, posts: list[Post]) -> str:
    items = [
        f"<item>\n\t<title>{escape(str(p['title']))}</title>\n\t<link>{p['link']}</link>\n"
        f"\t<comments>{p['link']}#respond</comments>\n"
        f"\t<dc:creator><![CDATA[{p['author']}]]></dc:creator>\n\t<pubDate>{_date(p)}</pubDate>\n"
        f"\t<category><![CDATA[Non classé]]></category>\n"
        f'\t<guid isPermaLink="false">{site}/?p={1000 + i}</guid>\n'
        f"\t<description><![CDATA[{p['summary']} [&#8230;]]]></description>\n"
        f'\t<content:encoded><![CDATA[{p["html"]}<p>L’article <a href="{p["link"]}">'
        f'{escape(str(p["title"]))}</a> est apparu en premier sur <a href="{site}">'
        f"{escape(title)}</a>.</p>]]></content:encoded>\n"
        f"\t<wfw:commentRss>{p['link']}feed/</wfw:commentRss>\n\t<slash:comments>{i % 4}"
        f'</slash:comments>\n\t<post-id xmlns="com-wordpress:feed-additions:1">{1000 + i}'
        f'</post-id>\n\t<media:content url="{site}/wp-content/uploads/{i}.jpg" medium="image">'
        f'<media:title type="html">{p["author"]}</media:title></media:content>\n</item>'
        for i, p in enumerate(posts)
    ]
    channel = (
        f"<title>{escape(title)}</title>\n"
        f'<atom:link href="{site}/feed/" rel="self" type="application/rss+xml" />\n'
        f"<link>{site}</link>\n<description>Un blog WordPress</description>\n"
        f"<lastBuildDate>{_date(posts[0])}</lastBuildDate>\n<language>fr-FR</language>\n"
        "<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n<sy:updateFrequency>\n\t1\t"
        "</sy:updateFrequency>\n<generator>https://wordpress.org/?v=6.7</generator>\n"
        f"<image>\n\t<url>{site}/wp-content/uploads/icon.png</url>\n\t<title>{escape(title)}"
        f"</title>\n\t<link>{site}</link>\n\t<width>32</width>\n\t<height>32</height>\n</image>\n"
        '<site xmlns="com-wordpress:feed-additions:1">123456789</site>\n'
        '<atom:link rel="hub" href="https://pubsubhubbub.appspot.com"/>'
    )
    return _rss(
        _xmlns("content", "wfw", "dc", "atom", "sy", "slash", "media", "georss"), channel, items
    )


def blogger(title: str, site: str, posts: list[Post]) -> str:
    blog = "tag:blogger.com,1999:blog-4417266373119271150"
    items = [
        f"<entry><id>{blog}.post-{880000 + i}</id><published>{_iso(p)}</published>"
        f"<updated>{_iso(p)}</updated>"
        '<category scheme="http://www.blogger.com/atom/ns#" term="balade"/>'
        f"<title type='text'>{escape(str(p['title']))}</title>"
        f"<content type='html'>{escape(str(p['html']))}</content>"
        f"<link rel='replies' type='application/atom+xml' href='{site}/feeds/{i}/comments/default'"
        " title='Publier les commentaires'/>"
        f"<link rel='edit' type='application/atom+xml' href='{site}/feeds/posts/default/{i}'/>"
        f"<link rel='self' type='application/atom+xml' href='{site}/feeds/posts/default/{i}'/>"
        f"<link rel='alternate' type='text/html' href='{p['link']}' title='{escape(str(p['title']))}'/>"
        f"<author><name>{p['author']}</name><uri>https://www.blogger.com/profile/{i}</uri>"
        "<email>noreply@blogger.com</email><gd:image rel='http://schemas.google.com/g/2005#thumbnail'"
        " width='16' height='16' src='https://img1.blogblog.com/img/b16-rounded.gif'/></author>"
        f'<media:thumbnail xmlns:media="http://search.yahoo.com/mrss/" url="{site}/s72-c/{i}.jpg"'
        f' height="72" width="72"/><thr:total>{i % 3}</thr:total></entry>'
        for i, p in enumerate(posts)
    ]
    return (
        "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
        "xmlns:blogger='http://schemas.google.com/blogger/2008' "
        "xmlns:georss='http://www.georss.org/georss' xmlns:gd=\"http://schemas.google.com/g/2005\" "
        "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
        f'<id>{blog}</id><updated>{_iso(posts[0])}</updated><category term="balade"/>'
        f"<title type='text'>{escape(title)}</title><subtitle type='html'>Un blog Blogger</subtitle>"
        f"<link rel='http://schemas.google.com/g/2005#feed' type='application/atom+xml' "
        f"href='{site}/feeds/posts/default'/><link rel='self' type='application/atom+xml' "
        f"href='{site}/feeds/posts/default'/><link rel='alternate' type='text/html' href='{site}/'/>"
        "<author><name>Paul</name><email>noreply@blogger.com</email></author>"
        "<generator version='7.00' uri='http://www.blogger.com'>Blogger</generator>"
        "<openSearch:totalResults>28</openSearch:totalResults>"
        "<openSearch:startIndex>1</openSearch:startIndex>" + "".join(items) + "</feed>"
    )


def medium(title: str, site: str, posts: list[Post]) -> str:
    items = [
        f"<item><title><![CDATA[{p['title']}]]></title><link>{p['link']}?source=rss----{i}</link>"
        f'<guid isPermaLink="false">https://medium.com/p/{i:012x}</guid>'
        f"<category><![CDATA[writing]]></category><dc:creator><![CDATA[{p['author']}]]></dc:creator>"
        f"<pubDate>{_date(p)}</pubDate><atom:updated>{_iso(p)}</atom:updated>"
        f'<content:encoded><![CDATA[{p["html"]}<img src="https://medium.com/_/stat?event=post.'
        f'clientViewed&amp;referrerSource=full_rss&amp;postId={i}" width="1" height="1" '
        'alt="">]]></content:encoded></item>'
        for i, p in enumerate(posts)
    ]
    channel = (
        f"<title><![CDATA[{title} - Medium]]></title><description><![CDATA[Stories - Medium]]>"
        f"</description><link>{site}?source=rss----</link><image><url>https://cdn-images-1.medium"
        f".com/proxy/1.png</url><title>{escape(title)} - Medium</title><link>{site}</link></image>"
        f"<generator>Medium</generator><lastBuildDate>{_date(posts[0])}</lastBuildDate>"
        f'<atom:link href="{site}/feed" rel="self" type="application/rss+xml"/>'
        f"<webMaster><![CDATA[yourfriends@medium.com]]></webMaster>"
        '<atom:link href="http://medium.superfeedr.com" rel="hub"/>'
    )
    return _rss(_xmlns("dc", "content", "atom"), channel, items)


def substack(title: str, site: str, posts: list[Post]) -> str:
    items = [
        f"<item><title><![CDATA[{p['title']}]]></title><description><![CDATA[{p['summary']}]]>"
        f"</description><link>{p['link']}</link>"
        f'<guid isPermaLink="false">{p["link"]}</guid><dc:creator><![CDATA[{p["author"]}]]>'
        f"</dc:creator><pubDate>{_date(p)}</pubDate>"
        f'<enclosure url="https://substackcdn.com/image/fetch/{i}.jpeg" length="0" '
        f'type="image/jpeg"/><content:encoded><![CDATA[{p["html"]}]]></content:encoded></item>'
        for i, p in enumerate(posts)
    ]
    channel = (
        f"<title><![CDATA[{title}]]></title><description><![CDATA[Une lettre]]></description>"
        f"<link>{site}</link><image><url>https://substackcdn.com/image/fetch/logo.png</url>"
        f"<title>{escape(title)}</title><link>{site}</link></image><generator>Substack"
        f"</generator><lastBuildDate>{_date(posts[0])}</lastBuildDate>"
        f'<atom:link href="{site}/feed" rel="self" type="application/rss+xml"/>'
        f"<copyright><![CDATA[Claire]]></copyright><language><![CDATA[fr]]></language>"
        f"<webMaster><![CDATA[lettre@substack.com]]></webMaster>"
        f"<itunes:owner><itunes:email><![CDATA[lettre@substack.com]]></itunes:email>"
        f"<itunes:name><![CDATA[Claire]]></itunes:name></itunes:owner>"
        f"<itunes:author><![CDATA[Claire]]></itunes:author>"
        f'<googleplay:owner xmlns:googleplay="http://www.google.com/schemas/play-podcasts/1.0">'
        f"<![CDATA[lettre@substack.com]]></googleplay:owner>"
    )
    return _rss(_xmlns("dc", "content", "atom", "itunes"), channel, items)


def ghost(title: str, site: str, posts: list[Post]) -> str:
    items = [
        f"<item><title><![CDATA[{p['title']}]]></title><description><![CDATA[{p['summary']}]]>"
        f'</description><link>{p["link"]}</link><guid isPermaLink="false">{i:024x}</guid>'
        f"<category><![CDATA[Notes]]></category><dc:creator><![CDATA[{p['author']}]]>"
        f"</dc:creator><pubDate>{_date(p)}</pubDate>"
        f'<media:content url="{site}/content/images/{i}.jpg" medium="image"/>'
        f'<content:encoded><![CDATA[<img src="{site}/content/images/{i}.jpg" alt="">'
        f"{p['html']}]]></content:encoded></item>"
        for i, p in enumerate(posts)
    ]
    channel = (
        f"<title><![CDATA[{title}]]></title><description><![CDATA[Un blog Ghost]]></description>"
        f"<link>{site}/</link><image><url>{site}/favicon.png</url><title>{escape(title)}</title>"
        f"<link>{site}/</link></image><generator>Ghost 5.96</generator>"
        f"<lastBuildDate>{_date(posts[0])}</lastBuildDate>"
        f'<atom:link href="{site}/rss/" rel="self" type="application/rss+xml"/><ttl>60</ttl>'
    )
    return _rss(_xmlns("dc", "content", "atom", "media"), channel, items)


def hugo(title: str, site: str, posts: list[Post]) -> str:
    items = [
        f"<item>\n  <title>{escape(str(p['title']))}</title>\n  <link>{p['link']}</link>\n"
        f"  <pubDate>{_date(p)}</pubDate>\n  <guid>{p['link']}</guid>\n"
        f"  <description>{escape(str(p['html']))}</description>\n</item>"
        for p in posts
    ]
    channel = (
        f"<title>{escape(title)}</title>\n<link>{site}/</link>\n<description>Recent content on "
        f"{escape(title)}</description>\n<generator>Hugo</generator>\n<language>fr</language>\n"
        f"<lastBuildDate>{_date(posts[0])}</lastBuildDate>\n"
        f'<atom:link href="{site}/index.xml" rel="self" type="application/rss+xml" />'
    )
    return _rss(_xmlns("atom"), channel, items)


def typepad(title: str, site: str, posts: list[Post]) -> str:
    items = [
        f'<entry><title>{escape(str(p["title"]))}</title><link rel="alternate" type="text/html"'
        f' href="{p["link"]}"/><link rel="replies" type="text/html" href="{p["link"]}#comments"'
        f' thr:count="{i % 3}"/><id>tag:typepad.com,2003:post-6a00{i:04d}</id>'
        f"<published>{_iso(p)}</published><updated>{_iso(p)}</updated>"
        f"<summary>{escape(str(p['summary']))}</summary><author><name>{p['author']}</name></author>"
        f'<category scheme="http://www.sixapart.com/ns/types#category" term="Voyages"/>'
        f'<content type="html" xml:lang="fr-FR" xml:base="{site}/">'
        f"{escape(str(p['html']))}</content></entry>"
        for i, p in enumerate(posts)
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        f'xmlns:thr="http://purl.org/syndication/thread/1.0" xml:lang="fr-FR" xml:base="{site}/">'
        f'<title>{escape(title)}</title><link rel="self" type="application/atom+xml" '
        f'href="{site}/atom.xml"/><link rel="alternate" type="text/html" href="{site}/"/>'
        f"<id>tag:typepad.com,2003:weblog-1</id><updated>{_iso(posts[0])}</updated>"
        f'<subtitle>Un carnet Typepad</subtitle><generator uri="http://www.typepad.com/">'
        "TypePad</generator>" + "".join(items) + "</feed>"
    )


def feedburner(title: str, site: str, posts: list[Post]) -> str:
    items = [
        f"<item><title>{escape(str(p['title']))}</title>"
        f"<link>https://feedproxy.google.com/~r/partner/~3/{i}/</link>"
        f'<guid isPermaLink="false">{p["link"]}</guid><pubDate>{_date(p)}</pubDate>'
        f"<dc:creator>{p['author']}</dc:creator>"
        f'<description>{escape(str(p["html"]))}&lt;img src="https://feeds.feedburner.com/~r/'
        f'partner/~4/{i}" height="1" width="1" alt=""/&gt;</description>'
        f"<feedburner:origLink>{p['link']}</feedburner:origLink></item>"
        for i, p in enumerate(posts)
    ]
    channel = (
        f"<title>{escape(title)}</title><link>{site}/</link><description>Un blog</description>"
        f'<atom10:link xmlns:atom10="http://www.w3.org/2005/Atom" rel="self" '
        f'type="application/rss+xml" href="https://feeds.feedburner.com/partner"/>'
        f'<feedburner:info uri="partner"/><atom10:link xmlns:atom10="http://www.w3.org/2005/Atom"'
        f' rel="hub" href="http://pubsubhubbub.appspot.com/"/>'
    )
    return _rss(_xmlns("dc", "feedburner"), channel, items)


def youtube(title: str, site: str, posts: list[Post]) -> str:
    items = [
        f"<entry><id>yt:video:{i:011d}</id><yt:videoId>{i:011d}</yt:videoId>"
        f"<yt:channelId>UC{i:022d}</yt:channelId><title>{escape(str(p['title']))}</title>"
        f'<link rel="alternate" href="https://www.youtube.com/watch?v={i:011d}"/>'
        f"<author><name>{escape(title)}</name><uri>https://www.youtube.com/channel/UC1</uri>"
        f"</author><published>{_iso(p)}</published><updated>{_iso(p)}</updated>"
        f"<media:group><media:title>{escape(str(p['title']))}</media:title>"
        f'<media:content url="https://www.youtube.com/v/{i:011d}?version=3" '
        f'type="application/x-shockwave-flash" width="640" height="390"/>'
        f'<media:thumbnail url="https://i{i % 4}.ytimg.com/vi/{i:011d}/hqdefault.jpg" '
        f'width="480" height="360"/><media:description>{p["summary"]}</media:description>'
        f'<media:community><media:starRating count="{i}" average="5.00" min="1" max="5"/>'
        f'<media:statistics views="{i * 100}"/></media:community></media:group></entry>'
        for i, p in enumerate(posts)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns:yt="http://www.youtube.com/xml/'
        'schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns="http://www.w3.org/2005/Atom">'
        '<link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UC1"/>'
        "<id>yt:channel:UC1</id><yt:channelId>UC1</yt:channelId>"
        f'<title>{escape(title)}</title><link rel="alternate" href="{site}/"/>'
        f"<author><name>{escape(title)}</name><uri>{site}/</uri></author>"
        f"<published>{_iso(posts[-1])}</published>" + "".join(items) + "</feed>"
    )


def podcast(title: str, site: str, posts: list[Post]) -> str:
    items = [
        f"<item><title>{escape(str(p['title']))}</title><link>{p['link']}</link>"
        f'<guid isPermaLink="false">episode-{i}</guid><pubDate>{_date(p)}</pubDate>'
        f"<description>{escape(str(p['html']))}</description>"
        f'<enclosure url="{site}/audio/{i}.mp3" length="{1000000 + i}" type="audio/mpeg"/>'
        f"<itunes:duration>00:{10 + i % 50}:00</itunes:duration><itunes:episode>{i + 1}"
        "</itunes:episode><itunes:episodeType>full</itunes:episodeType>"
        "<itunes:explicit>false</itunes:explicit>"
        f'<itunes:image href="{site}/covers/{i}.jpg"/></item>'
        for i, p in enumerate(posts)
    ]
    channel = (
        f"<title>{escape(title)}</title><link>{site}/</link><language>fr</language>"
        f"<description>Un podcast</description><itunes:author>Inès</itunes:author>"
        f'<itunes:image href="{site}/cover.jpg"/><itunes:category text="Arts">'
        '<itunes:category text="Books"/></itunes:category><itunes:explicit>false'
        "</itunes:explicit><itunes:type>episodic</itunes:type>"
        f"<itunes:owner><itunes:name>Inès</itunes:name><itunes:email>ines@example.org"
        "</itunes:email></itunes:owner>"
    )
    return _rss(_xmlns("itunes", "atom"), channel, items)


def rss1(title: str, site: str, posts: list[Post]) -> str:
    refs = "".join(f'<rdf:li rdf:resource="{p["link"]}"/>' for p in posts)
    items = [
        f'<item rdf:about="{p["link"]}"><title>{escape(str(p["title"]))}</title>'
        f"<link>{p['link']}</link><description>{p['summary']}</description>"
        f"<content:encoded>{escape(str(p['html']))}</content:encoded>"
        f"<dc:creator>{p['author']}</dc:creator><dc:date>{_iso(p)}</dc:date>"
        f"<dc:subject>carnet</dc:subject></item>"
        for p in posts
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" ' + _xmlns("content", "dc") + ">"
        f'<channel rdf:about="{site}/"><title>{escape(title)}</title><link>{site}/</link>'
        f"<description>Un vieux blog</description><dc:language>fr</dc:language>"
        f"<dc:date>{_iso(posts[0])}</dc:date><items><rdf:Seq>{refs}</rdf:Seq></items>"
        "</channel>" + "".join(items) + "</rdf:RDF>\n"
    )


SHAPES: dict[str, Callable[[str, str, list[Post]], str]] = {
    "wordpress-fr": wordpress_fr,
    "blogger": blogger,
    "medium": medium,
    "substack": substack,
    "ghost": ghost,
    "hugo": hugo,
    "typepad": typepad,
    "feedburner": feedburner,
    "youtube": youtube,
    "podcast": podcast,
    "rss1": rss1,
}


def write_shapes(count: int, folder: Path, seed: int = 11) -> list[Path]:
    """`count` feeds, the shapes in turn; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    names = list(SHAPES)
    for index in range(count):
        shape = names[index % len(names)]
        site = f"https://{shape}-{index}.example"
        posts: list[Post] = list(entries(rng, index, site, SIZE))  # type: ignore[arg-type]
        path = folder / f"{index:04d}-{shape}.xml"
        path.write_text(SHAPES[shape](f"Blog {index}", site, posts), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    arguments = parser.parse_args()
    print(len(write_shapes(arguments.count, arguments.folder)), "feeds written")


if __name__ == "__main__":
    main()
