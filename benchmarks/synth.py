"""A synthetic but realistic content tree of N claims, for scale benchmarks and tests.

``generate(dest, n)`` writes ``site.yml``, ``verdicts.yml``, ``topics.yml``, ``people/``,
``claimants/``, ``articles/``, ``claims/`` and the three hand-written pages the repository's
navigation names, all valid for ``factcheck check``:

* seven verdicts (the repository's scale), topics, claimants (outlets, organisations, persons),
  authors and reviewers, all growing with N;
* articles with their full text (about 500 words each, 1–5 checked claims per article); each
  claim's quote is a verbatim sentence of its article's text that occurs there exactly once, so
  the quotes of one article never overlap;
* claims with German (or English) claim text and its translation, a summary, an analysis in
  Markdown with headings, emphasis, links and lists, 2–6 pieces of evidence with notes, 1–3
  topics, related claims (so backlinks exist), corrections, a few drafts and records in review;
  a claim page comes to about 600 words;
* only ``https://example.org/...`` URLs.

Everything comes from one ``random.Random(seed)``: the same N and seed give the same bytes.
The YAML is written by hand (not ``yaml.dump``) so 10,000 claims take seconds, not minutes.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

DEFAULT_SEED = 20171011

# -- vocabulary ---------------------------------------------------------------------------------
# Words are drawn with a skew (frequent words first) and nouns are compounded, so the text has a
# realistic vocabulary size and compresses about like real prose (gzip ~ 35–40 %).

DE_NOUN_HEADS = (
    "Stadt Land Bund Kreis Gemeinde Schul Kranken Polizei Regierungs Verkehrs Miet Energie Strom Gas Wasser "
    "Bahn Flug Hafen Grenz Steuer Renten Arbeits Wohnungs Bau Umwelt Klima Wald Agrar Gesundheits Impf "
    "Medien Presse Wahl Partei Parlaments Justiz Gerichts Militär Armee Sicherheits Handels Export Import "
    "Industrie Auto Fahrrad Daten Internet Funk Kinder Jugend Familien Pflege Sozial Haushalts Finanz Bank "
    "Kredit Preis Lohn Ernte Fischerei Tourismus Kultur Sport Stadion Kirchen Migrations Flüchtlings Zoll"
).split()
DE_NOUN_TAILS = (
    "verwaltung behörde amt ministerium gesetz verordnung bericht statistik zahl anteil quote preis kosten "
    "ausgaben einnahmen haushalt plan projekt programm reform debatte entscheidung untersuchung studie "
    "umfrage messung prognose schätzung förderung versorgung leitung netz anlage station werk betrieb "
    "markt sektor branche verband rat ausschuss kommission sprecher leiterin vertreter gruppe initiative "
    "abkommen vertrag grenze region bezirk viertel zentrum gebiet fläche bestand zuwachs rückgang"
).split()
DE_SIMPLE_NOUNS = (
    "Jahr Monat Woche Zahl Angabe Quelle Bericht Studie Daten Fall Frage Antwort Stelle Seite Zeitpunkt "
    "Ergebnis Vergleich Entwicklung Behauptung Aussage Meldung Mitteilung Dokument Tabelle Grafik Foto "
    "Video Aufnahme Zitat Beleg Hinweis Zusammenhang Zeitraum Wert Prozent Einwohner Menschen Familien "
    "Unternehmen Behörden Experten Fachleute Anwohner Beschäftigte Schüler Patienten Fahrgäste Kunden"
).split()
DE_ADJ = (
    "neue alte offizielle aktuelle vorläufige endgültige regionale bundesweite lokale internationale "
    "deutliche leichte starke geringe hohe niedrige öffentliche interne frühere spätere erste zweite "
    "jährliche monatliche durchschnittliche gesamte zuständige unabhängige veröffentlichte zitierte"
).split()
DE_VERBS = (
    "stieg sank lag blieb wuchs fiel betrug erreichte überstieg verdoppelte halbierte zeigte meldete "
    "bestätigte widerlegte nannte schätzte berichtete verzeichnete registrierte dokumentierte belegte"
).split()
DE_ADV = (
    "deutlich leicht kaum erheblich spürbar nachweislich offenbar tatsächlich bereits inzwischen zuletzt "
    "damals seitdem jedoch allerdings dagegen ebenfalls zudem außerdem weiterhin insgesamt"
).split()
DE_OPENERS = (
    "Laut {org}", "Nach Angaben von {org}", "Im {month} {year}", "Wie {person} sagte,", "Den Unterlagen zufolge",
    "Nach unserer Recherche", "Zugleich", "Tatsächlich", "Dagegen", "Im Vergleich zum Vorjahr",
    "Zwischen {year} und {year2}", "In {place}", "Einer Studie von {org} zufolge", "Nach Daten von {org}",
)
DE_PREPS = (
    "im Jahr {year}", "in {place}", "seit {year}", "bis Ende {year}", "um {pct} Prozent", "auf {num} Fälle",
    "im Vergleich zu {year2}", "nach Angaben der Behörde", "im ganzen Bezirk", "in mehreren Gemeinden",
    "bis zum {day}", "für rund {num} Menschen", "in den vergangenen {small} Jahren", "im Landkreis {place}",
)
DE_CONNECT = ("und", "aber", "während", "weil", "obwohl", "sodass", "wobei", "zumal")
DE_FUNCTION = "der die das den dem des ein eine einen einem nicht auch nur noch schon sehr mehr als wie so".split()

EN_NOUNS = (
    "city council government ministry agency report survey study figure share rate price cost budget plan "
    "project programme reform debate decision inquiry estimate forecast supply network plant station market "
    "sector industry union committee commission spokesperson official group initiative agreement treaty "
    "border region district area population residents workers students patients passengers customers data "
    "statement claim source document table chart photo video quote evidence period value percent year month"
).split()
EN_ADJ = (
    "new old official current preliminary final regional national local international clear slight strong "
    "small high low public internal earlier later first annual monthly average entire independent published"
).split()
EN_VERBS = (
    "rose fell stayed grew dropped reached exceeded doubled halved showed reported confirmed contradicted "
    "named estimated recorded registered documented supported questioned"
).split()
EN_ADV = "clearly slightly barely considerably noticeably apparently actually already since however also still overall".split()
EN_OPENERS = (
    "According to {org}", "In {month_en} {year}", "As {person} said,", "The records show that", "Our research found that",
    "At the same time", "In fact", "By contrast", "Compared with the previous year", "Between {year} and {year2}",
    "In {place}", "A study by {org} found that", "Data from {org} show that",
)
EN_PREPS = (
    "in {year}", "in {place}", "since {year}", "by the end of {year}", "by {pct} percent", "to {num} cases",
    "compared with {year2}", "according to the authority", "across the district", "in several municipalities",
    "for around {num} people", "over the past {small} years", "in the {place} district",
)
EN_CONNECT = ("and", "but", "while", "because", "although", "so that", "whereas")

PLACE_A = "Lind Eich Buch Birk Erl Hasel Tann Rosen Falken Adler Wolf Fuchs Stein Sand Kalk Mühl Brunn Weid Ahorn Kirch".split()
PLACE_B = "berg burg dorf feld hausen heim bach au rode hagen brück stedt ingen furt tal see wald hof".split()
PLACE_PRE = ("", "", "", "Neu", "Alt", "Ober", "Nieder", "Groß", "Klein", "Bad ")
FIRST = ("Anna Ben Clara David Elif Felix Greta Hannes Ida Jonas Karla Lukas Mara Noah Olga Paul Rosa Samir "
         "Tara Uwe Vera Yusuf Zoe Milan Lea Jan Nina Tom Mia Erik").split()
LAST = ("Albrecht Bauer Cakir Demir Engel Fischer Graf Hartmann Iwanow Jansen Keller Lorenz Meyer Nowak Ott "
        "Peters Quast Richter Schulz Thiel Ulrich Vogel Weber Yilmaz Zimmer Brandt Krüger Wolff Sommer Winter").split()
MONTHS_DE = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
MONTHS_EN = "January February March April May June July August September October November December".split()
PUBLISHERS = ("Statistisches Landesamt", "Bundesagentur für Arbeit", "Deutscher Wetterdienst", "Umweltbundesamt",
              "Kreisverwaltung", "Landtag", "Bundestag", "Europäische Kommission", "Eurostat", "OECD",
              "Verbraucherzentrale", "Landesrechnungshof", "Polizeipräsidium", "Gesundheitsamt", "Stadtarchiv",
              "Nachrichtenagentur Nord", "Regionalzeitung Süd", "Wissenschaftsmagazin West", "Hochschule Ost",
              "Institut für Wirtschaftsforschung", "Open Data Portal", "Weather Service", "Reuters Example",
              "Associated Example", "Example Broadcasting")
TOPIC_WORDS = [("Wohnen", "Housing"), ("Energie", "Energy"), ("Verkehr", "Transport"), ("Gesundheit", "Health"),
               ("Migration", "Migration"), ("Klima", "Climate"), ("Wahlen", "Elections"), ("Bildung", "Education"),
               ("Arbeit", "Labour"), ("Renten", "Pensions"), ("Steuern", "Taxes"), ("Landwirtschaft", "Agriculture"),
               ("Sicherheit", "Security"), ("Justiz", "Justice"), ("Medien", "Media"), ("Wirtschaft", "Economy"),
               ("Umwelt", "Environment"), ("Digitales", "Digital"), ("Kultur", "Culture"), ("Sport", "Sport")]

VERDICTS_YML = """\
best_rating: 6
worst_rating: 1
verdicts:
  - key: richtig
    label: {de: Richtig, en: "True"}
    description: {de: "Die Behauptung stimmt und lässt nichts Wesentliches aus.", en: "The claim is accurate and leaves out nothing significant."}
    colour: "#1b5e20"
    icon: check
    rating: 6
  - key: groesstenteils-richtig
    label: {de: Größtenteils richtig, en: Mostly true}
    description: {de: "Die Behauptung stimmt im Kern, braucht aber Präzisierungen.", en: "The claim is accurate in its core but needs clarification."}
    colour: "#2e7d32"
    icon: check-minus
    rating: 5
  - key: teils-richtig
    label: {de: Teils richtig, en: Half true}
    description: {de: "Die Behauptung ist teilweise zutreffend, enthält aber auch Falsches.", en: "The claim is partly accurate but also contains errors."}
    colour: "#8a5a00"
    icon: half
    rating: 4
  - key: irrefuehrend
    label: {de: Irreführend, en: Misleading}
    description: {de: "Die Behauptung erweckt durch Auslassung einen falschen Eindruck.", en: "The claim creates a false impression through omission."}
    colour: "#a34700"
    icon: alert
    rating: 3
  - key: groesstenteils-falsch
    label: {de: Größtenteils falsch, en: Mostly false}
    description: {de: "Die Behauptung hat einen wahren Kern, ist aber im Wesentlichen falsch.", en: "The claim has a grain of truth but is essentially wrong."}
    colour: "#c62828"
    icon: cross-minus
    rating: 2
  - key: falsch
    label: {de: Falsch, en: "False"}
    description: {de: "Die Behauptung ist nach den verfügbaren Belegen nicht zutreffend.", en: "The claim is not accurate according to the evidence."}
    colour: "#8e1010"
    icon: cross
    rating: 1
  - key: unbelegt
    label: {de: Unbelegt, en: Unproven}
    description: {de: "Die Belege reichen nicht aus, um die Behauptung zu prüfen.", en: "The evidence is insufficient to confirm or refute the claim."}
    colour: "#455a64"
    icon: question
"""
VERDICT_KEYS = ("richtig", "groesstenteils-richtig", "teils-richtig", "irrefuehrend", "groesstenteils-falsch",
                "falsch", "unbelegt")
VERDICT_WEIGHTS = (8, 12, 18, 16, 14, 24, 8)

HAND_WRITTEN = {
    "about.md": "# Über uns\n\nEine synthetische Redaktion für Lasttests des Generators.\n",
    "methodology.md": "# Methodik\n\nWir prüfen Behauptungen anhand öffentlich zugänglicher Belege.\n",
    "corrections-policy.md": "# Korrekturrichtlinie\n\nFehler korrigieren wir sichtbar und mit Datum.\n",
}

_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slug(*words: str) -> str:
    text = "-".join(words).translate(_ASCII).lower()
    out = "".join(c if c.isascii() and c.isalnum() else "-" for c in text)
    return "-".join(part for part in out.split("-") if part)


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def block(key: str, text: str, indent: str = "") -> str:
    """``key: |-`` literal block; keeps line breaks and every character verbatim."""
    body = "\n".join(f"{indent}  {line}" if line else "" for line in text.split("\n"))
    return f"{indent}{key}: |-\n{body}\n"


@dataclass
class Tree:
    """What ``generate`` wrote."""

    root: Path
    seed: int
    claims: list[str] = field(default_factory=list)
    articles: int = 0
    claimants: int = 0
    people: int = 0
    topics: int = 0
    files: int = 0
    bytes: int = 0

    def summary(self) -> dict[str, int]:
        return {"claims": len(self.claims), "articles": self.articles, "claimants": self.claimants,
                "people": self.people, "topics": self.topics, "files": self.files, "bytes": self.bytes}


class _Prose:
    """Sentences in German or English from skewed word lists; one ``random.Random`` for everything."""

    def __init__(self, rng: random.Random, places: list[str], orgs: list[str], persons: list[str]) -> None:
        self.r = rng
        self.places, self.orgs, self.persons = places, orgs, persons

    def skew(self, seq: tuple[str, ...] | list[str]) -> str:
        # Roughly Zipf-like: low indexes are picked far more often than high ones.
        n = len(seq)
        return seq[min(n - 1, int(n * self.r.random() ** 2.2))]

    def noun_de(self) -> str:
        r = self.r.random()
        if r < 0.45:
            return self.skew(DE_SIMPLE_NOUNS)
        return self.skew(DE_NOUN_HEADS) + self.skew(DE_NOUN_TAILS)

    def fill(self, template: str) -> str:
        r = self.r
        year = r.randint(2005, 2025)
        values = {"org": self.skew(self.orgs), "person": self.skew(self.persons), "place": self.skew(self.places),
                  "month": r.choice(MONTHS_DE), "month_en": r.choice(MONTHS_EN), "year": year,
                  "year2": year + r.randint(1, 6), "pct": r.randint(2, 95), "num": f"{r.randint(12, 98000):,}".replace(",", "."),
                  "small": r.randint(2, 12), "day": f"{r.randint(1, 28)}. {r.choice(MONTHS_DE)}"}
        return template.format(**values)

    def sentence_de(self) -> str:
        r = self.r
        parts = [self.fill(r.choice(DE_OPENERS)), r.choice(DE_VERBS)]
        det = r.choice(("die", "der", "das"))
        parts += [det, self.skew(DE_ADJ), self.noun_de()]
        if r.random() < 0.6:
            parts += [r.choice(("der", "des")), self.noun_de()]
        parts.append(self.fill(r.choice(DE_PREPS)))
        if r.random() < 0.5:
            parts.append(self.skew(DE_ADV))
        if r.random() < 0.45:
            parts += [",", r.choice(DE_CONNECT), r.choice(DE_FUNCTION), self.noun_de(), self.skew(DE_ADV),
                      self.fill(r.choice(DE_PREPS)), r.choice(DE_VERBS)]
        text = " ".join(parts).replace(" ,", ",")
        return text[0].upper() + text[1:] + "."

    def sentence_en(self) -> str:
        r = self.r
        parts = [self.fill(r.choice(EN_OPENERS)), "the", self.skew(EN_ADJ), self.skew(EN_NOUNS), r.choice(EN_VERBS)]
        parts.append(self.fill(r.choice(EN_PREPS)))
        if r.random() < 0.5:
            parts.append(self.skew(EN_ADV))
        if r.random() < 0.45:
            parts += [",", r.choice(EN_CONNECT), "the", self.skew(EN_NOUNS), r.choice(EN_VERBS),
                      self.fill(r.choice(EN_PREPS))]
        text = " ".join(parts).replace(" ,", ",")
        return text[0].upper() + text[1:] + "."

    def sentence(self, lang: str) -> str:
        return self.sentence_de() if lang == "de" else self.sentence_en()

    def paragraph(self, lang: str, words: int) -> str:
        out: list[str] = []
        count = 0
        while count < words:
            s = self.sentence(lang)
            out.append(s)
            count += s.count(" ") + 1
        return " ".join(out)

    def line(self, lang: str, max_words: int) -> str:
        """A title-like line: one sentence cut to ``max_words`` words, no final full stop."""
        words = self.sentence(lang).rstrip(".").split()
        return " ".join(words[:max_words]).rstrip(",")


def _place(pre: str, a: str, b: str) -> str:
    return f"{pre}{a}{b}" if not pre or pre.endswith(" ") else f"{pre}{a.lower()}{b}"


def _date_between(rng: random.Random, start: date, end: date) -> date:
    # Later dates are more likely: a growing newsroom.
    span = (end - start).days
    return start + timedelta(days=int(span * rng.random() ** 0.7))


def generate(dest: Path, n_claims: int, *, seed: int = DEFAULT_SEED, page_size: int = 50) -> Tree:
    """Write a content tree of ``n_claims`` claims into ``dest`` (created; must be empty or absent)."""
    rng = random.Random(f"{seed}:{n_claims}")
    dest.mkdir(parents=True, exist_ok=True)
    for sub in ("claims", "claimants", "articles", "people"):
        (dest / sub).mkdir(exist_ok=True)
    tree = Tree(dest, seed)
    files: dict[str, str] = {}

    places = sorted({_place(rng.choice(PLACE_PRE), rng.choice(PLACE_A), rng.choice(PLACE_B)) for _ in range(400)})
    rng.shuffle(places)
    persons = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(300)]
    orgs = list(PUBLISHERS) + [f"{h}{t} {p}" for h, t, p in
                               ((rng.choice(DE_NOUN_HEADS), rng.choice(DE_NOUN_TAILS), rng.choice(places)) for _ in range(150))]
    prose = _Prose(rng, places, orgs, persons)

    # -- site, verdicts, topics, hand-written pages -------------------------------------------------
    files["site.yml"] = (f"name: Faktenchecks (synthetisch, {n_claims} Behauptungen)\nlanguage: de\n"
                         + block("intro", prose.paragraph("de", 40) + "\n" + prose.paragraph("de", 30))
                         + "publisher:\n  name: Synthetische Redaktion\n  url: https://example.org/\n"
                         + f"page_size: {page_size}\n")
    files["verdicts.yml"] = VERDICTS_YML
    files.update(HAND_WRITTEN)

    n_topics = max(8, min(60, round(0.5 * math.sqrt(n_claims))))
    topics: list[str] = []
    lines = ["topics:"]
    for i in range(n_topics):
        de, en = TOPIC_WORDS[i % len(TOPIC_WORDS)]
        if i >= len(TOPIC_WORDS):
            place = places[i]
            de, en = f"{de} in {place}", f"{en} in {place}"
        tid = slug(de)
        topics.append(tid)
        lines += [f"  - id: {tid}", f"    label: {{de: {q(de)}, en: {q(en)}}}"]
        if rng.random() < 0.7:
            lines.append(f"    description: {{de: {q(prose.sentence_de())}, en: {q(prose.sentence_en())}}}")
    files["topics.yml"] = "\n".join(lines) + "\n"
    tree.topics = n_topics

    # -- people ------------------------------------------------------------------------------------
    n_people = max(4, min(40, n_claims // 500))
    people = []
    for i in range(n_people):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
        pid = slug(name) + (f"-{i}" if i >= len(FIRST) else "")
        people.append(pid)
        role = rng.choice(("Redakteurin", "Redakteur", "Schlussredaktion", "Datenredaktion", "Volontärin"))
        files[f"people/{pid}.yml"] = (f"id: {pid}\nname: {q(name)}\nrole: {q(role)}\n"
                                      + (f"bio: {q(prose.sentence_de())}\n" if i % 2 == 0 else ""))
    tree.people = n_people

    # -- claimants ---------------------------------------------------------------------------------
    n_claimants = max(3, n_claims // 40)
    outlets: list[str] = []
    others: list[str] = []
    for i in range(n_claimants):
        kind = "outlet" if i % 8 < 5 or i == 0 else ("organisation" if i % 8 < 7 else "person")
        if kind == "person":
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        elif kind == "outlet":
            name = f"{rng.choice(('Kurier', 'Anzeiger', 'Rundschau', 'Bote', 'Blatt', 'Netzwerk', 'Portal', 'Report'))} {places[i % len(places)]}"
        else:
            name = f"{rng.choice(DE_NOUN_HEADS)}{rng.choice(('verband', 'initiative', 'bündnis', 'verein'))} {places[(i * 3) % len(places)]}"
        cid = f"{slug(name)}-{i}"
        (outlets if kind == "outlet" else others).append(cid)
        text = [f"id: {cid}", f"name: {q(name)}", f"kind: {kind}"]
        if kind != "person":
            text.append(f"url: https://example.org/claimants/{cid}")
        text.append(block("description", prose.paragraph("de", 60) + "\n\n" + prose.paragraph("de", 40)).rstrip("\n"))
        if rng.random() < 0.6:
            text.append("facts:")
            for _ in range(rng.randint(1, 2)):
                text.append(f"  - text: {q(prose.sentence_de())}")
                text.append("    sources:")
                for _ in range(rng.randint(1, 2)):
                    text += _source(rng, prose, indent="      ")
        files[f"claimants/{cid}.yml"] = "\n".join(text) + "\n"
    tree.claimants = n_claimants

    # -- articles and claims -----------------------------------------------------------------------
    start, end = date(2015, 6, 1), date(2026, 9, 30)
    claim_ids: list[str] = []
    by_topic: dict[str, list[int]] = {t: [] for t in topics}
    claims: list[dict] = []
    i = 0
    n_articles = 0
    while i < n_claims:
        k = min(n_claims - i, rng.choice((1, 1, 2, 2, 3, 3, 4, 5)))
        outlet = rng.choice(outlets)
        lang = "de" if rng.random() < 0.85 else "en"
        when = _date_between(rng, start, end)
        aid = f"{outlet.rsplit('-', 1)[0]}-{when.isoformat()}-{n_articles}"
        paragraphs = [prose.paragraph(lang, rng.randint(30, 70)) for _ in range(rng.randint(7, 11))]
        slots = rng.sample(range(len(paragraphs)), k)
        quotes = []
        for j, slot in enumerate(slots):
            # The checked sentence carries a number no other claim has: it occurs once in the text.
            unique = f"{1000 + 7 * (i + j):,}".replace(",", ".") if lang == "de" else f"{1000 + 7 * (i + j):,}"
            noun, place, when_text = prose.noun_de(), prose.skew(places), prose.fill(rng.choice(DE_PREPS[:4]))
            verb = rng.choice(("stieg", "sank", "wuchs", "fiel"))
            if lang == "de":
                quote = (f"{prose.fill(rng.choice(DE_OPENERS))} {verb} die Zahl der {noun} in {place} "
                         f"{when_text} auf {unique}")
            else:
                quote = (f"{prose.fill(rng.choice(EN_OPENERS))} the number of {prose.skew(EN_NOUNS)}s in "
                         f"{place} {rng.choice(EN_VERBS)} to {unique} {prose.fill(rng.choice(EN_PREPS))}")
            quote = quote[0].upper() + quote[1:]
            title = f"{verb.capitalize()} die Zahl der {noun} in {place} {when_text} wirklich auf {unique}?"
            sentences = paragraphs[slot].split(". ")
            at = rng.randint(0, len(sentences))
            sentences.insert(at, quote)
            paragraphs[slot] = ". ".join(sentences)
            if not paragraphs[slot].endswith("."):
                paragraphs[slot] += "."
            quotes.append((quote, (title, (noun, place))))
        text = "\n".join(paragraphs)
        for quote, _ in quotes:
            assert text.count(quote) == 1, quote
        title = prose.line(lang, 12)
        art = [f"id: {aid}", f"title: {q(title)}", f"outlet: {outlet}", f"url: https://example.org/{outlet}/{aid}",
               f"date: {when.isoformat()}"]
        if rng.random() < 0.1:
            art.append(f"date_note: {q('Erschlossen aus dem URL-Pfad.')}")
        art += [f"language: {lang}", block("text", text).rstrip("\n")]
        if rng.random() < 0.3:
            art.append(block("notes", prose.paragraph("de", 35)).rstrip("\n"))
        if rng.random() < 0.2:
            art.append("related_sources:")
            art += _source(rng, prose, indent="  ")
        files[f"articles/{aid}.yml"] = "\n".join(art) + "\n"
        for quote, claim_title in quotes:
            claims.append({"index": i, "article": aid, "outlet": outlet, "lang": lang, "date": when, "quote": quote,
                           "title": claim_title[0], "words": claim_title[1]})
            i += 1
        n_articles += 1
    tree.articles = n_articles

    for c in claims:
        cid = f"{slug(*c['words'])}-{c['index']}"
        c["id"] = cid
        claim_ids.append(cid)
        c["topics"] = rng.sample(topics, rng.choice((1, 1, 2, 2, 3)))
        for t in c["topics"]:
            by_topic[t].append(c["index"])

    for c in claims:
        files[f"claims/{c['id']}.yml"] = _claim(rng, prose, c, claims, by_topic, others, people, end)

    for rel, text in files.items():
        data = text.encode("utf-8")
        (dest / rel).write_bytes(data)
        tree.bytes += len(data)
    tree.files = len(files)
    tree.claims = claim_ids
    return tree


def _source(rng: random.Random, prose: _Prose, indent: str) -> list[str]:
    lang = "en" if rng.random() < 0.4 else "de"
    publisher = prose.skew(PUBLISHERS)
    year = rng.randint(2010, 2026)
    title = prose.line(lang, 10)
    out = [f"{indent}- title: {q(title)}", f"{indent}  publisher: {q(publisher)}",
           f"{indent}  url: https://example.org/{slug(publisher)}/{year}/{slug(*title.split()[:4])}-{rng.randint(1, 99999)}"]
    r = rng.random()
    if r < 0.8:
        out.append(f"{indent}  date: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    if r >= 0.7:
        out.append(f"{indent}  date_note: {q('Kein genaues Datum in der gespeicherten Fassung.')}")
    if rng.random() < 0.1:
        out.append(f"{indent}  repost_of: {q(prose.skew(PUBLISHERS))}")
    if rng.random() < 0.3:
        out.append(f"{indent}  archive_url: https://example.org/archive/{year}/{rng.randint(1, 10**9)}")
    out.append(f"{indent}  language: {lang}")
    note = f"{prose.sentence_de()} {prose.sentence_de()}" if rng.random() < 0.4 else prose.sentence_de()
    out.append(f"{indent}  note: {q(note)}")
    return out


def _claim(rng: random.Random, prose: _Prose, c: dict, claims: list[dict], by_topic: dict[str, list[int]],
           others: list[str], people: list[str], end: date) -> str:
    lang = c["lang"]
    other_lang = "en" if lang == "de" else "de"
    status = "published"
    r = rng.random()
    if r < 0.02:
        status = "draft"
    elif r < 0.03:
        status = "review"
    claimant = c["outlet"] if rng.random() < 0.8 or not others else rng.choice(others)
    verdict = rng.choices(VERDICT_KEYS, VERDICT_WEIGHTS)[0]
    published = min(end, c["date"] + timedelta(days=rng.randint(2, 60)))
    translation = prose.sentence(other_lang) + " " + prose.sentence(other_lang)
    out = [f"id: {c['id']}", f"status: {status}", f"title: {q(c['title'])}", "claim:",
           f"  text: {q(c['quote'])}", f"  language: {lang}", "  translation:", f"    {other_lang}: {q(translation)}",
           f"  claimant: {claimant}", f"  date: {c['date'].isoformat()}"]
    if rng.random() < 0.1:
        out.append(f"  date_note: {q('Datum des Artikels, erschlossen aus dem URL-Kürzel.')}")
    out += ["  appearances:", f"    - article: {c['article']}", f"      quote: {q(c['quote'])}"]
    if rng.random() < 0.1:
        out += [f"    - url: https://example.org/social/{c['id']}", f"      title: {q(prose.line('de', 8))}",
                f"      date: {c['date'].isoformat()}"]
    out.append(f"verdict: {verdict}")
    out.append(f"summary: {q(prose.paragraph('de', 35))}")
    analysis = ["### Was die Quellen zeigen", "", prose.paragraph("de", 85), "",
                prose.paragraph("de", 50) + f" Ein [Bericht von {prose.skew(PUBLISHERS)}](https://example.org/berichte/{c['id']}) "
                "hält **ausdrücklich** fest, dass die Angaben *vorläufig* waren.", "",
                "### Einschränkungen", "", prose.paragraph("de", 45), ""]
    if rng.random() < 0.4:
        analysis += [f"- {prose.sentence_de()}" for _ in range(rng.randint(2, 4))] + [""]
    analysis += ["### Bewertung", "", prose.paragraph("de", 30)]
    out.append(block("analysis", "\n".join(analysis)).rstrip("\n"))
    out.append("evidence:")
    for _ in range(rng.choice((2, 3, 3, 4, 4, 5, 6))):
        out += _source(rng, prose, indent="  ")
    out.append(f"topics: [{', '.join(c['topics'])}]")
    related: list[str] = []
    pool = by_topic[c["topics"][0]]
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        other = claims[pool[int(len(pool) * rng.random())]]["id"]
        if other != c["id"] and other not in related:
            related.append(other)
    if related:
        out.append(f"related: [{', '.join(related)}]")
    chosen = rng.sample(people, 3)
    authors = chosen[:rng.choice((1, 1, 2))]
    reviewers = chosen[2:]  # never one of the authors
    out.append(f"authors: [{', '.join(authors)}]")
    if reviewers:
        out.append(f"reviewers: [{', '.join(reviewers)}]")
    out.append(f"published: {published.isoformat()}")
    if rng.random() < 0.2:
        updated = published + timedelta(days=rng.randint(1, 90))
        out.append(f"updated: {updated.isoformat()}")
        if rng.random() < 0.3:
            out += ["corrections:", f"  - date: {updated.isoformat()}", f"    note: {q(prose.sentence_de())}"]
    return "\n".join(out) + "\n"


FLOOR_WORDS = 740
"""Words of text on a floor page: what a claim page's text comes to (``benchmarks/run.py`` measures
the mean over the generator's claim pages: 716 words at 100 claims, 740 at 1,000 and 10,000)."""


def generate_floor(dest: Path, n_pages: int, *, words: int = FLOOR_WORDS, seed: int = DEFAULT_SEED) -> int:
    """The engine floor's content: ``index.md`` and ``n_pages`` plain Markdown pages in ``pages/``
    of about ``words`` words each (German prose like a claim page's: a title, paragraphs under
    three subheadings, a list, emphasis, one external and two relative links), for a bare MkDocs +
    Material site to build beside the project's. Returns the bytes written.

    Sentences are drawn from a pool of 5,000 (writing each afresh took 5 s per 1,000 pages)."""
    rng = random.Random(f"floor:{seed}:{n_pages}")
    (dest / "pages").mkdir(parents=True, exist_ok=True)
    places = sorted({_place(rng.choice(PLACE_PRE), rng.choice(PLACE_A), rng.choice(PLACE_B)) for _ in range(400)})
    persons = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(300)]
    prose = _Prose(rng, places, list(PUBLISHERS), persons)
    pool = [prose.sentence_de() for _ in range(5000)]
    lines = [prose.line("de", 10) for _ in range(1000)]

    def paragraph(n_words: int) -> str:
        out, count = [], 0
        while count < n_words:
            sentence = pool[rng.randrange(len(pool))]
            out.append(sentence)
            count += sentence.count(" ") + 1
        return " ".join(out)

    names = [f"p{i:05d}" for i in range(n_pages)]
    index = "# Startseite\n\n" + paragraph(60) + "\n"
    (dest / "index.md").write_text(index, encoding="utf-8")
    total = len(index.encode())
    budget = max(40, words - 100) // 4  # the title, list, links and headings are the other ~100 words
    for i, name in enumerate(names):
        pick = [lines[rng.randrange(len(lines))] for _ in range(6)]
        parts = [f"# {pick[0]}", f"**{pick[1]}.** {paragraph(budget)}",
                 "## Was gesagt wurde", paragraph(budget), "\n".join(f"- {line}" for line in pick[2:5]),
                 "## Was die Belege zeigen", paragraph(budget), "## Fazit", paragraph(budget),
                 f"Siehe auch [{pick[5]}]({names[rng.randrange(n_pages)]}.md), "
                 f"[diese Prüfung]({names[rng.randrange(n_pages)]}.md) und die [Quelle](https://example.org/quelle/{i})."]
        text = "\n\n".join(parts) + "\n"
        (dest / "pages" / f"{name}.md").write_text(text, encoding="utf-8")
        total += len(text.encode())
    return total


def edit_claim(root: Path, claim_id: str, marker: str = "Nachtrag") -> None:
    """Change one claim's summary, as an editor would (for rebuild benchmarks)."""
    path = root / "claims" / f"{claim_id}.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    for n, line in enumerate(lines):
        if line.startswith("summary: "):
            text = json.loads(line.removeprefix("summary: "))
            lines[n] = "summary: " + q(f"{text} ({marker})")
            break
    else:  # pragma: no cover - every generated claim has a summary
        raise ValueError(f"no summary in {path}")
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Write a synthetic content tree of N claims.")
    parser.add_argument("dest", type=Path)
    parser.add_argument("-n", "--claims", type=int, default=100)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    tree = generate(args.dest, args.claims, seed=args.seed)
    print(json.dumps(tree.summary() | {"seconds": round(time.perf_counter() - t0, 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
