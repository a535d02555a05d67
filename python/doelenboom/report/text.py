"""Every fixed text of the HTML report, in Dutch (the default) and English, in one place.

Texts that come from the data (node labels, unit names, stories, signal sentences, answers) are
not translated; the report escapes them. ``{name}`` fields are filled with ``str.format`` after
the values are escaped (:meth:`Texts.fill`).
"""

from __future__ import annotations

import html

from markupsafe import Markup

__all__ = ["ACTION", "DUIDING_QUESTIONS", "PILLARS", "TEXT", "Texts", "text"]

#: The four duidingsvragen in the order of the cycle, as stored in ``MonitoringRun.duiding``.
DUIDING_QUESTIONS = ("herkennen", "verklaren", "waarderen", "verbeteren")
#: The question name of an improvement action (who, what, when) in ``MonitoringRun.duiding``.
ACTION = "actie"
#: The pillars as the indicator definitions name them (English), in the report's order.
PILLARS = ("reach", "satisfaction", "goal_attainment")

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "fictitious": "Fictieve gegevens",
        "fictitious_note": "De cijfers in dit rapport zijn verzonnen (een voorbeeld); de gemeenten bestaan wel.",
        "period": "Periode",
        "baseline": "Nulmeting",
        "made_by": "Gemaakt met doelenboom {version}.",
        "contents": "Inhoud",
        "koplopers": "Koplopers",
        "gemeenten": "Gemeenten",
        "no_js": "Zonder JavaScript staan alle pagina's onder elkaar en werkt opslaan niet.",
        # koplopers page
        "koplopers_title": "Koplopers: vergelijking van gemeenten in {period}",
        "koplopers_intro": "Scores per gemeente met hun interval ({level}%), de rang met het interval van de rang "
        "(1 = hoogste score) en de verandering sinds de nulmeting.",
        "case_mix_title": "Let op: case mix",
        "case_mix": "Een rang zegt waar een gemeente staat, niet waarom. Een lage score (bijvoorbeeld voor "
        "tevredenheid) kan komen door cliënten met complexe vragen en niet door slechte ondersteuning. Lees "
        "elke rang met het interval en de context erbij, en rangschik aanbieders nooit zonder meer.",
        "peers_used": "Vergelijkbare gemeenten (peers): {peers}.",
        "peers_size_class": "Vergelijkbare gemeenten (peers): per CBS-gemeentegrootteklasse. Elke gemeente wordt "
        "vergeleken met de andere gemeenten in haar eigen grootteklasse (kolom Grootteklasse).",
        "peers_attribute": "Vergelijkbare gemeenten (peers): per {attribute}. Elke gemeente wordt vergeleken met de "
        "andere gemeenten met dezelfde {attribute}.",
        "rank_chart": "Rang met interval: {node}",
        "unknown_se_note": "Standaardfout onbekend bij: {units}. De intervallen van hun score, rang en "
        "verandering zijn daarom onbekend (niet nul); de rangintervallen van de andere gemeenten houden er "
        "rekening mee dat zij overal kunnen staan.",
        "gemeente": "Gemeente",
        "size_class": "Grootteklasse",
        "rank": "Rang",
        "of": "van",
        "change": "Verandering",
        # gemeente page
        "province": "Provincie",
        "population": "Inwoners",
        "summary": "{node}: score {score} (interval {interval}) in {period}.",
        "summary_rank": "Rang {rank} van {count} (interval {rank_interval}).",
        "summary_change": "Verandering sinds de nulmeting ({baseline}): {change}.",
        "tree_title": "De doelenboom in {period}",
        "tree_caption": "Elk doel en elke indicator gekleurd naar de score (donkerder is hoger), met het "
        "interval ({level}%) en de dekking: het deel van het gewicht met gegevens. Grijs gearceerd: "
        "geen score (onderdrukt of te weinig gegevens).",
        "pillars_title": "De drie pijlers",
        "pillar_reach": "Bereik",
        "pillar_satisfaction": "Tevredenheid",
        "pillar_goal_attainment": "Doelrealisatie",
        "pillar_other": "Overige indicatoren",
        "output": "output",
        "outcome": "outcome",
        "indicators_title": "Indicatoren in {period}",
        "indicator": "Indicator",
        "pillar": "Pijler",
        "value": "Waarde",
        "n": "n",
        "interval": "Interval",
        "interval_note": "Een interval met ≈ is berekend als waarde ± {z} \u00d7 standaardfout (de gegevens gaven alleen "
        "een standaardfout). Scores zijn genormaliseerd (0 tot 100 bij min-max).",
        "score": "Score",
        "score_interval": "Interval score",
        "at_baseline": "Nulmeting ({baseline})",
        "change_score": "Verandering score",
        "suppressed": "onderdrukt",
        "suppressed_n": "onderdrukt (kleine aantallen)",
        "no_score": "geen score",
        "no_data": "geen gegevens",
        "change_title": "Verandering sinds de nulmeting ({baseline})",
        "change_intro": "Verschil in score tussen {period} en de nulmeting, met interval ({level}%). "
        "'Meer dan ruis' betekent dat het verschil groter is dan de meetonzekerheid.",
        "goal": "Doel",
        "beyond_noise": "Meer dan ruis",
        "yes": "ja",
        "no": "nee",
        "unknown": "onbekend",
        "not_comparable": "niet vergelijkbaar (andere indicatoren dan bij de nulmeting)",
        "trends_title": "Trends en voorspelling",
        "trends_caption": "Scores per periode met interval, de lineaire trend (stippellijn) en de "
        "voorspelling met Holts methode (gestreept).",
        "band_holt": "De band is het voorspelinterval ({level}%) van Holts methode.",
        "band_trend": "Met zo weinig perioden is het voorspelinterval van Holts methode niet te schatten (de "
        "methode schat vier parameters uit de reeks); de grijze band is het voorspelinterval ({level}%) van de "
        "lineaire trend.",
        "band_mixed": "Waar Holts voorspelinterval ({level}%) te schatten is, is dat de rode band; anders toont de "
        "grijze band het voorspelinterval van de lineaire trend.",
        "trend_slope": "{node}: trend {slope} per periode (interval {interval}, {n} perioden).",
        "trend_none": "{node}: te weinig perioden voor een trend.",
        "peers_title": "Vergelijking met vergelijkbare gemeenten",
        "peers_which": "Vergeleken met: {peers}.",
        "peers_none": "Er zijn geen vergelijkbare gemeenten in deze monitoring.",
        "peer_mean": "Gemiddelde peers",
        "peer_median": "Mediaan peers",
        "difference_peers": "Verschil met peers",
        "national": "Alle gemeenten",
        "signals_title": "Signalen",
        "signals_none": "Geen signalen voor deze gemeente in {period}.",
        "signals_earlier": "Signalen uit eerdere perioden ({count})",
        "severity_info": "info",
        "severity_warning": "waarschuwing",
        "severity_alert": "alarm",
        "areas_title": "Bereik per gebied en groep",
        "areas_intro": "Het bereik per kern, wijk of groep uit de registraties, per periode: {indicators}. Een "
        "gemarkeerde cel heeft een signaal in {period}; het label verwijst naar dat signaal.",
        "area": "Gebied of groep",
        "stories_title": "Tellen en vertellen",
        "stories_intro": "Verhalen van inwoners naast de cijfers waar ze bij horen.",
        "stories_none": "Nog geen verhalen voor deze gemeente.",
        "stories_general": "Algemeen",
        "duiding_title": "Duiding: vier vragen",
        "duiding_intro": "Bespreek de cijfers en verhalen met de vier duidingsvragen en leg "
        "verbeteracties vast (wie, wat, wanneer). 'Opslaan' downloadt het bestand duiding.csv met de "
        "antwoorden van alle gemeenten in dit rapport; zet het in de gegevensmap {data_dir}, dan leest de "
        "volgende run het in.",
        "duiding_intro_nodir": "Bespreek de cijfers en verhalen met de vier duidingsvragen en leg "
        "verbeteracties vast (wie, wat, wanneer). 'Opslaan' downloadt het bestand duiding.csv met de "
        "antwoorden van alle gemeenten in dit rapport; zet het in de gegevensmap van de monitoring, dan "
        "leest de volgende run het in.",
        "q_herkennen": "Herkennen",
        "q_herkennen_help": "Herkennen we dit beeld? Klopt het met wat we zien en horen?",
        "q_verklaren": "Verklaren",
        "q_verklaren_help": "Kunnen we het verklaren? Wat zit erachter?",
        "q_waarderen": "Waarderen",
        "q_waarderen_help": "Wat vinden we ervan? Is het goed genoeg?",
        "q_verbeteren": "Verbeteren",
        "q_verbeteren_help": "Wat gaan we verbeteren?",
        "actions": "Verbeteracties",
        "who": "Wie",
        "what": "Wat",
        "when": "Wanneer",
        "add_action": "Actie toevoegen",
        "remove_action": "Verwijderen",
        "save": "Opslaan (duiding.csv)",
        "saved": "duiding.csv is gedownload: zet het in de gegevensmap.",
        "node": "Onderdeel",
    },
    "en": {
        "fictitious": "Fictitious data",
        "fictitious_note": "The numbers in this report are invented (an example); the municipalities are real.",
        "period": "Period",
        "baseline": "Baseline",
        "made_by": "Made with doelenboom {version}.",
        "contents": "Contents",
        "koplopers": "Koplopers",
        "gemeenten": "Municipalities",
        "no_js": "Without JavaScript all pages are shown one after another and saving does not work.",
        "koplopers_title": "Koplopers: comparing municipalities in {period}",
        "koplopers_intro": "Scores per municipality with their interval ({level}%), the rank with the interval "
        "of the rank (1 = highest score) and the change since the baseline.",
        "case_mix_title": "Mind the case mix",
        "case_mix": "A rank says where a municipality stands, not why. A low score (for satisfaction, say) can "
        "come from clients with complex questions rather than from poor support. Read every rank with its "
        "interval and the context, and never rank providers naively.",
        "peers_used": "Comparable municipalities (peers): {peers}.",
        "peers_size_class": "Comparable municipalities (peers): per CBS size class. Each municipality is compared "
        "with the other municipalities in its own size class (column Size class).",
        "peers_attribute": "Comparable municipalities (peers): per {attribute}. Each municipality is compared with "
        "the other municipalities with the same {attribute}.",
        "rank_chart": "Rank with interval: {node}",
        "unknown_se_note": "Standard error unknown for: {units}. The intervals of their score, rank and change "
        "are therefore unknown (not zero); the rank intervals of the other municipalities allow for them to "
        "stand anywhere.",
        "gemeente": "Municipality",
        "size_class": "Size class",
        "rank": "Rank",
        "of": "of",
        "change": "Change",
        "province": "Province",
        "population": "Inhabitants",
        "summary": "{node}: score {score} (interval {interval}) in {period}.",
        "summary_rank": "Rank {rank} of {count} (interval {rank_interval}).",
        "summary_change": "Change since the baseline ({baseline}): {change}.",
        "tree_title": "The goal tree in {period}",
        "tree_caption": "Every goal and indicator coloured by its score (darker is higher), with its "
        "interval ({level}%) and coverage: the share of its weight that has data. Grey hatched: no score "
        "(suppressed or too little data).",
        "pillars_title": "The three pillars",
        "pillar_reach": "Reach (bereik)",
        "pillar_satisfaction": "Satisfaction (tevredenheid)",
        "pillar_goal_attainment": "Goal attainment (doelrealisatie)",
        "pillar_other": "Other indicators",
        "output": "output",
        "outcome": "outcome",
        "indicators_title": "Indicators in {period}",
        "indicator": "Indicator",
        "pillar": "Pillar",
        "value": "Value",
        "n": "n",
        "interval": "Interval",
        "interval_note": "An interval marked ≈ is value ± {z} \u00d7 standard error (the data gave only a standard "
        "error). Scores are normalised (0 to 100 for min-max).",
        "score": "Score",
        "score_interval": "Score interval",
        "at_baseline": "Baseline ({baseline})",
        "change_score": "Change in score",
        "suppressed": "suppressed",
        "suppressed_n": "suppressed (small numbers)",
        "no_score": "no score",
        "no_data": "no data",
        "change_title": "Change since the baseline ({baseline})",
        "change_intro": "Difference in score between {period} and the baseline, with its interval ({level}%). "
        "'Beyond noise' means the change is larger than the measurement uncertainty.",
        "goal": "Goal",
        "beyond_noise": "Beyond noise",
        "yes": "yes",
        "no": "no",
        "unknown": "unknown",
        "not_comparable": "not comparable (other indicators than at the baseline)",
        "trends_title": "Trends and forecast",
        "trends_caption": "Scores per period with their interval, the linear trend (dotted) and the forecast "
        "by Holt's method (dashed).",
        "band_holt": "The band is the {level}% prediction interval of Holt's method.",
        "band_trend": "With so few periods the prediction interval of Holt's method cannot be estimated (the "
        "method estimates four parameters from the series); the grey band is the {level}% prediction interval of "
        "the linear trend.",
        "band_mixed": "Where Holt's {level}% prediction interval can be estimated it is the red band; otherwise the "
        "grey band shows the prediction interval of the linear trend.",
        "trend_slope": "{node}: trend {slope} per period (interval {interval}, {n} periods).",
        "trend_none": "{node}: too few periods for a trend.",
        "peers_title": "Comparison with comparable municipalities",
        "peers_which": "Compared with: {peers}.",
        "peers_none": "There are no comparable municipalities in this monitoring.",
        "peer_mean": "Peer mean",
        "peer_median": "Peer median",
        "difference_peers": "Difference from peers",
        "national": "All municipalities",
        "signals_title": "Signals",
        "signals_none": "No signals for this municipality in {period}.",
        "signals_earlier": "Signals of earlier periods ({count})",
        "severity_info": "info",
        "severity_warning": "warning",
        "severity_alert": "alert",
        "areas_title": "Reach by area and group",
        "areas_intro": "Reach per village, district or group in the registrations, per period: {indicators}. A "
        "marked cell has a signal in {period}; its label links to that signal.",
        "area": "Area or group",
        "stories_title": "Counting and telling (tellen en vertellen)",
        "stories_intro": "Residents' stories next to the numbers they belong to.",
        "stories_none": "No stories for this municipality yet.",
        "stories_general": "General",
        "duiding_title": "Interpretation: four questions (duidingsvragen)",
        "duiding_intro": "Discuss the numbers and stories with the four questions and record improvement "
        "actions (who, what, when). 'Save' downloads the file duiding.csv with the answers of every "
        "municipality in this report; put it into the data folder {data_dir} and the next run reads it.",
        "duiding_intro_nodir": "Discuss the numbers and stories with the four questions and record improvement "
        "actions (who, what, when). 'Save' downloads the file duiding.csv with the answers of every "
        "municipality in this report; put it into the monitoring's data folder and the next run reads it.",
        "q_herkennen": "Recognise (herkennen)",
        "q_herkennen_help": "Do we recognise this picture? Does it match what we see and hear?",
        "q_verklaren": "Explain (verklaren)",
        "q_verklaren_help": "Can we explain it? What lies behind it?",
        "q_waarderen": "Value (waarderen)",
        "q_waarderen_help": "What do we think of it? Is it good enough?",
        "q_verbeteren": "Improve (verbeteren)",
        "q_verbeteren_help": "What are we going to improve?",
        "actions": "Improvement actions",
        "who": "Who",
        "what": "What",
        "when": "When",
        "add_action": "Add action",
        "remove_action": "Remove",
        "save": "Save (duiding.csv)",
        "saved": "duiding.csv was downloaded: put it into the data folder.",
        "node": "Part",
    },
}


def text(language: str, key: str) -> str:
    """The text ``key`` in ``language``."""
    return TEXT[language][key]


class Texts:
    """The fixed texts of one language as the templates use them: ``t.key`` and ``t["key"]`` are
    trusted HTML (written here, never escaped); :meth:`fill` puts escaped values into a text's
    fields; :meth:`get` gives a text as plain text, to be escaped like data."""

    def __init__(self, language: str) -> None:
        self._texts = TEXT[language]

    def __getattr__(self, key: str) -> Markup:
        if key.startswith("_"):  # not a text (copy and pickle ask for __deepcopy__, ...)
            raise AttributeError(key)
        try:
            return Markup(self._texts[key])
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> Markup:
        return Markup(self._texts[key])

    def __contains__(self, key: str) -> bool:
        return key in self._texts

    def fill(self, key: str, **fields: object) -> Markup:
        """The text ``key`` with its ``{name}`` fields filled: values escaped unless they are markup."""
        escaped = {
            name: value if hasattr(value, "__html__") else html.escape(str(value), quote=True)
            for name, value in fields.items()
        }
        return Markup(self._texts[key].format(**escaped))

    def get(self, key: str, default: str) -> str:
        """The text ``key`` as plain text, or ``default`` when there is none."""
        return self._texts.get(key, default)
