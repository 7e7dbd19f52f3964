# Excerpts on the shapes real posts have (issue 11, point 4), one entry per rule:
# - a body opening with the title and a byline and date glued to it (no space in the source)
#   or with a title heading then a byline block: that lead goes;
# - no body, or a body that is only WordPress's « L'article … est apparu en premier sur … »
#   or "The post … appeared first on …": no excerpt at all, never the title again;
# - "Vol.", "No.", "cf.", "M.", "Mme", "p.", "pp.", initials, list numbers and versions are
#   no sentence ends: the cut goes on to a word and "…";
# - code punctuation stays ("()", "[]", "{}"); only brackets the extractor emptied go;
# - inline elements shown apart by their markup (a title span, a date span) read apart.

FEEDS = [{"file": "feed.xml", "name": "Le Cahier du soir"}]

EXCERPTS = {
    "Five habits of calm team leads": "Our best cases this year had one thing in common: the "
    "lead said less than anyone else in the room, and wrote more down.",
    "Relier sans colle": "Une couture apparente suffit à tenir un cahier de quarante "
    "pages\u202f; la colle ne sert qu’au dos.",
    "Brève sans texte": "",
    "Le marché de Noël": "",
    "Winter reading list": "",
    "Les bulletins de quartier": "J’ai retrouvé au grenier une pile de bulletins des années "
    "80 : les horaires de l’atelier de reliure du mardi soir, cf. la photo, ceux de M. Durand "
    "et de Mme Lefèvre dans « Maisons Pour Tous Vol. II…",
    "asyncio in ten lines": "Call asyncio.run() to start the loop; main() returns [] or {} "
    "when nothing is due (see).",
    "Tolkien, version 3.12": "Three things I learnt rereading J. R. R. Tolkien on a phone "
    "running Python 3.12 for the notes: 1. maps matter more than names, 2. the songs are "
    "skippable, and 3. every chapter ends on a road that goes…",
    "Rencontre du jeudi": "Atelier ouvert jeudi 19 novembre Maison de quartier Venez avec un "
    "livre abîmé…",
}
FIRST = {
    "new": {"Le Cahier du soir": 9},
    "rows": {"Le Cahier du soir": 9},
    "excerpts": EXCERPTS,
}
SECOND = {
    "new": {"Le Cahier du soir": 0},
    "rows": {"Le Cahier du soir": 9},
    "excerpts": EXCERPTS,
    "digest": {"Le Cahier du soir": list(EXCERPTS)},
}
