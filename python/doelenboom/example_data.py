"""The shipped example: fictitious monitoring data for real koplopergemeenten.

:func:`generate` writes a complete, runnable monitoring folder: the run config
(``koplopers.yaml``), the Movisie tree, a pipeline and signal rules, the units (the real CBS codes,
names, provinces and populations of 15 koplopergemeenten from the shipped gemeenten list) and
**invented** client-level data over four years (2021 is the nulmeting): registrations, answers to
a short and a long questionnaire (the Putten items, the CEO questions), ZRM scores before and after
support, ready-made counts from providers, residents' stories and a few saved answers to the
duidingsvragen. Every file says the numbers are fictitious.

The data are drawn from :class:`random.Random` with a fixed seed, using only ``random()`` (whose
stream Python keeps stable), so the same seed gives byte-identical files on every platform. Some
effects are built in, so that the report has something true to find (docs/example.md):

- Neder-Betuwe (GM1740): no more registrations from the village Opheusden in 2024.
- Rheden (GM0275): 45% fewer clients in 2024.
- Pekela (GM0765): doelrealisatie improves strongly (ZRM, andere keuze, voldoende informatie).
- Veere (GM0717): the CEO quality question falls below the norm of 80% in 2024.
- Ommen (GM0175): very few questionnaire responses, so its survey cells are suppressed.
- Teylingen (GM1525): the median doorlooptijd exceeds the norm of 28 days in 2023 and 2024.
- Almere (GM0034): half the reach among residents with a migratieachtergrond in 2024.

``python -m doelenboom.example_data DIR [--seed N]`` writes the folder from the command line.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import random
import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .examples import example_tree_path
from .units import gemeenten_path

__all__ = ["CONFIG_NAME", "DEFAULT_SEED", "EFFECTS", "GEMEENTEN", "PERIODS", "generate"]

DEFAULT_SEED = 2024
CONFIG_NAME = "koplopers.yaml"
#: The years of the example; the first is the nulmeting.
PERIODS = ("2021", "2022", "2023", "2024")
#: The koplopergemeenten of the example (CBS codes; names and populations come from the shipped list).
GEMEENTEN = (
    "GM1740",  # Neder-Betuwe
    "GM1734",  # Overbetuwe
    "GM0275",  # Rheden
    "GM0765",  # Pekela
    "GM0717",  # Veere
    "GM0627",  # Waddinxveen
    "GM0034",  # Almere
    "GM0687",  # Middelburg (Z.)
    "GM0855",  # Tilburg
    "GM0273",  # Putten
    "GM0762",  # Deurne
    "GM1525",  # Teylingen
    "GM0175",  # Ommen
    "GM1731",  # Midden-Drenthe
    "GM0861",  # Veldhoven
)
#: The built-in effects: (unit, what), as docs/example.md lists them.
EFFECTS = (
    ("GM1740", "geen registraties meer uit de kern Opheusden in 2024"),
    ("GM0275", "45% minder cliënten in 2024"),
    ("GM0765", "doelrealisatie verbetert sterk (ZRM, andere keuze, voldoende informatie)"),
    ("GM0717", "kwaliteit van de ondersteuning (CEO) onder de norm van 80% in 2024"),
    ("GM0175", "zeer weinig respons op de vragenlijsten: cellen afgeschermd"),
    ("GM1525", "mediane doorlooptijd boven de norm van 28 dagen in 2023 en 2024"),
    ("GM0034", "half zo veel bereik onder inwoners met een migratieachtergrond in 2024"),
)

_FICTIEF = "FICTIEVE GEGEVENS (verzonnen voorbeeld)"
_KERNEN = {
    "GM1740": (("Kesteren", 0.22), ("Opheusden", 0.30), ("Dodewaard", 0.18), ("Ochten", 0.20), ("IJzendoorn", 0.05),
               ("Echteld", 0.05)),
    "GM1734": (("Elst", 0.45), ("Driel", 0.15), ("Heteren", 0.15), ("Zetten", 0.15), ("Herveld", 0.10)),
    "GM0717": (("Domburg", 0.2), ("Koudekerke", 0.25), ("Oostkapelle", 0.2), ("Westkapelle", 0.2), ("Veere", 0.15)),
    "GM1731": (("Beilen", 0.45), ("Smilde", 0.25), ("Westerbork", 0.2), ("Hooghalen", 0.1)),
}
_MIGRATION_SHARE = {"GM0034": 0.45, "GM0855": 0.3, "GM0627": 0.15}
_ZRM_UNITS = ("GM0765", "GM1734", "GM0275", "GM0762", "GM1731", "GM0855", "GM0034", "GM0627")
_ZRM_DOMAINS = (
    "financien",
    "werk_opleiding",
    "tijdsbesteding",
    "huisvesting",
    "huiselijke_relaties",
    "geestelijke_gezondheid",
    "lichamelijke_gezondheid",
    "middelengebruik",
    "basale_adl",
    "instrumentele_adl",
    "sociaal_netwerk",
    "maatschappelijke_participatie",
    "justitie",
)
_CHANNELS = (("telefoon", 0.35), ("huisbezoek", 0.35), ("spreekuur", 0.2), ("e-mail", 0.1))
_DOMAINS = (("zorg", 0.35), ("welzijn", 0.25), ("wonen", 0.15), ("werk en inkomen", 0.2), ("onderwijs", 0.05))

# (id, label, type, scale); the short instrument (kort, up to 3 contacts) asks the first ten, the
# long one (lang, more than 3 contacts) all of them (after Waddinxveen's HOEWijzer).
_ITEMS = (
    ("putten_helpend", "Ik heb de ondersteuning als helpend ervaren.", "likert5", "putten"),
    ("putten_zelfstandig", "Door cliëntondersteuning kan ik zelfstandig of met passende hulp verder.", "likert5", "putten"),
    ("putten_eigen_keuzes", "Ik heb met cliëntondersteuning mijn eigen keuzes kunnen maken.", "likert5", "putten"),
    ("putten_zelfde_ondersteuner",
     "Als ik weer ondersteuning nodig heb, zou ik met dezelfde cliëntondersteuner contact opnemen.", "likert5", "putten"),
    ("putten_aanbevelen", "Ik zou mensen om mij heen cliëntondersteuning aanraden.", "likert5", "putten"),
    ("putten_verbeterpunten", "Zijn er nog verbeterpunten in de ondersteuning?", "yes_no", ""),
    ("ceo_kwaliteit", "Vindt u de kwaliteit van de ondersteuning die u krijgt goed?", "likert5", ""),
    ("ceo_past", "Past de ondersteuning bij uw hulpvraag?", "likert5", ""),
    ("andere_keuze", "Ik ervaar dat ik nu een andere keuze kan maken.", "likert5", ""),
    ("voldoende_informatie", "Ik kreeg voldoende informatie om te kiezen.", "yes_no", ""),
    ("ceo_bekend", "Wist u dat u gebruik kunt maken van cliëntondersteuning?", "yes_no", ""),
    ("ceo_rapportcijfer", "Welk rapportcijfer geeft u de cliëntondersteuning?", "grade", ""),
)
_SHORT_ITEMS = 10


@dataclass(frozen=True)
class _Gemeente:
    code: str
    name: str
    province: str
    population: int
    land_area_km2: str


class _Draw:
    """Draws built on ``random.random()`` only, so the stream is the same on every Python."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self._rng.random()

    def chance(self, p: float) -> bool:
        return self._rng.random() < p

    def integer(self, low: int, high: int) -> int:
        """A whole number in [low, high]."""
        return low + min(int(self._rng.random() * (high - low + 1)), high - low)

    def normal(self) -> float:
        """Standard normal (Box-Muller)."""
        u = 1.0 - self._rng.random()
        return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * self._rng.random())

    def poisson(self, mean: float) -> int:
        """Knuth's method (small means only)."""
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= self._rng.random()
            if p <= limit:
                return k
            k += 1

    def pick(self, weighted: Sequence[tuple[str, float]]) -> str:
        x = self._rng.random() * sum(w for _, w in weighted)
        for value, weight in weighted:
            x -= weight
            if x < 0:
                return value
        return weighted[-1][0]


def _gemeenten(codes: Sequence[str] = GEMEENTEN) -> dict[str, _Gemeente]:
    out, wanted = {}, set(codes)
    with gemeenten_path().open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["gm_code"] in wanted:
                out[row["gm_code"]] = _Gemeente(row["gm_code"], row["name"], row["province"], int(row["population"]),
                                                row["land_area_km2"])
    if missing := sorted(wanted - set(out)):
        msg = f"the shipped gemeenten list lacks {', '.join(missing)}"
        raise RuntimeError(msg)
    return out


def _csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


def _likert(draw: _Draw, p_agree: float) -> int:
    """An answer 1..5 whose chance of 4 or 5 (mee eens) is ``p_agree``."""
    if draw.chance(p_agree):
        return 5 if draw.chance(0.45) else 4
    return int(draw.pick((("3", 0.6), ("2", 0.3), ("1", 0.1))))


def _clamp(x: float, low: float = 0.02, high: float = 0.98) -> float:
    return min(max(x, low), high)


class _Generator:
    codes: tuple[str, ...] = GEMEENTEN  # what is drawn; benchmarks/national_data.py draws all gemeenten
    periods: tuple[str, ...] = PERIODS
    zrm_units: Collection[str] = _ZRM_UNITS

    def __init__(self, seed: int) -> None:
        self.draw = _Draw(seed)
        self.units = _gemeenten(self.codes)
        self.client_counter = 0
        self.registrations: list[list[object]] = []
        self.answers: list[list[object]] = []
        self.zrm: list[list[object]] = []
        self.counts: list[list[object]] = []
        # Per gemeente: a base reach rate and satisfaction and outcome levels.
        d = self.draw
        self.rate = {c: d.uniform(0.0025, 0.0035) for c in self.codes}
        self.satisfaction = {c: d.uniform(0.88, 0.95) for c in self.codes}
        self.outcome = {c: d.uniform(0.74, 0.84) for c in self.codes}
        self.zrm_improve = {c: d.uniform(0.45, 0.6) for c in self.codes}
        self.lead_days = {c: d.uniform(12.0, 20.0) for c in self.codes}

    # -- the effects -------------------------------------------------------------------------------
    @staticmethod
    def clients_factor(code: str, year: int) -> float:
        return 0.55 if (code == "GM0275" and year == 2024) else 1.0

    def satisfaction_of(self, code: str, year: int) -> float:
        if code == "GM0717" and year == 2024:
            return 0.6
        return self.satisfaction[code]

    def outcome_of(self, code: str, year: int) -> float:
        if code == "GM0765":
            return (0.6, 0.72, 0.85, 0.95)[year - 2021]
        return self.outcome[code] + 0.01 * (year - 2021)

    def zrm_of(self, code: str, year: int) -> float:
        if code == "GM0765":
            return (0.45, 0.65, 0.8, 0.95)[year - 2021]
        return self.zrm_improve[code]

    def lead_of(self, code: str, year: int) -> float:
        return 42.0 if (code == "GM1525" and year >= 2023) else self.lead_days[code]

    @staticmethod
    def response_rate(code: str) -> float:
        return 0.04 if code == "GM0175" else 0.35

    @staticmethod
    def kern_weights(code: str, year: int) -> tuple[tuple[str, float], ...]:
        kernen = _KERNEN.get(code, ())
        if code == "GM1740" and year == 2024:
            return tuple((k, w) for k, w in kernen if k != "Opheusden")
        return kernen

    # -- the data ----------------------------------------------------------------------------------
    def run(self) -> None:
        for code in self.codes:
            g = self.units[code]
            for period in self.periods:
                self.year(g, int(period))

    def year(self, g: _Gemeente, year: int) -> None:
        d = self.draw
        code = g.code
        usual = g.population * self.rate[code] * (1.0 + 0.03 * (year - 2021))
        kernen = self.kern_weights(code, year)
        lost = 0.0
        if code == "GM1740" and year == 2024:
            lost = sum(w for k, w in _KERNEN[code] if k == "Opheusden")
        clients = round(usual * (1.0 - lost) * self.clients_factor(code, year) * d.uniform(0.93, 1.07))
        migration = _MIGRATION_SHARE.get(code, 0.08)
        for _ in range(clients):
            background = "" if d.chance(0.05) else ("ja" if d.chance(migration) else "nee")
            if code == "GM0034" and year == 2024 and background == "ja" and d.chance(0.5):
                continue  # half of these residents no longer find their way (the Almere effect)
            self.client(g, year, kernen, background)
        network = round(clients * d.uniform(0.25, 0.35))
        plans = round(clients * d.uniform(0.12, 0.18))
        complaints = round(clients * d.uniform(0.02, 0.05))
        source = f"jaarverslag aanbieder ({_FICTIEF})"
        for indicator, value in (
            ("aanbieder.netwerk_in_kaart", network),
            ("aanbieder.persoonlijke_plannen", plans),
            ("aanbieder.klachtprocedures", complaints),
        ):
            self.counts.append([code, year, indicator, value, value, source, "opgave van de aanbieder"])

    def client(self, g: _Gemeente, year: int, kernen: Sequence[tuple[str, float]], background: str) -> None:
        d = self.draw
        code = g.code
        self.client_counter += 1
        client = f"k{self.client_counter:06d}"
        contacts = min(1 + d.poisson(1.3), 7)
        start = dt.date(year, 1, 1) + dt.timedelta(days=d.integer(0, 300))
        lead = max(1, round(self.lead_of(code, year) * -math.log(1.0 - d.uniform(0.0, 0.97)) / math.log(2.0)))
        closed = d.chance(0.9)
        end = start + dt.timedelta(days=min(lead, 60)) if closed else None
        kern = d.pick(kernen) if kernen else ""
        channel = d.pick(_CHANNELS)
        domain = d.pick(_DOMAINS)
        for k in range(contacts):
            hours = round(d.uniform(0.5, 3.0) * 4) / 4
            referral = "ja" if (k == contacts - 1 and d.chance(0.4)) else "nee"
            referrer = "ja" if d.chance(0.2) else "nee"
            self.registrations.append(
                [code, year, client, start.isoformat(), end.isoformat() if end else "", hours, referral, referrer,
                 channel if k == 0 else d.pick(_CHANNELS), domain, kern, background]
            )
        if d.chance(self.response_rate(code)):
            self.respond(code, year, client, contacts)
        if code in self.zrm_units and d.chance(0.9 if code == "GM0765" else 0.3):
            self.score_zrm(code, year, client)

    def respond(self, code: str, year: int, client: str, contacts: int) -> None:
        d = self.draw
        instrument = "kort" if contacts <= 3 else "lang"
        items = _ITEMS[:_SHORT_ITEMS] if instrument == "kort" else _ITEMS
        mood = 0.08 * d.normal()  # a respondent's general satisfaction: the Putten items hang together
        for item_id, _label, kind, _scale in items:
            if d.chance(0.03):
                self.answers.append([code, year, instrument, client, item_id, ""])
                continue
            if item_id in ("andere_keuze", "voldoende_informatie"):
                p = _clamp(self.outcome_of(code, year) + mood)
            elif item_id == "putten_verbeterpunten":
                p = _clamp(0.25 - mood)
            else:
                p = _clamp(self.satisfaction_of(code, year) + mood)
            if kind == "likert5":
                value: object = _likert(self.draw, p)
            elif kind == "yes_no":
                value = "ja" if d.chance(p) else "nee"
            else:
                value = min(10, max(1, round(5.5 + 3.5 * p + d.normal())))
            self.answers.append([code, year, instrument, client, item_id, value])

    def score_zrm(self, code: str, year: int, client: str) -> None:
        d = self.draw
        level = 2.6 + 0.6 * d.normal()
        improves = d.chance(self.zrm_of(code, year))
        better: set[int] = set()
        if improves:
            while len(better) < 3:
                better.add(d.integer(0, len(_ZRM_DOMAINS) - 1))
        worse = -1 if improves or not d.chance(0.3) else d.integer(0, len(_ZRM_DOMAINS) - 1)
        for i, domain in enumerate(_ZRM_DOMAINS):
            if d.chance(0.1):
                self.zrm.append([code, year, client, domain, "", ""])
                continue
            pre = min(5, max(1, round(level + 0.6 * d.normal())))
            post = pre + (1 if i in better else 0) - (1 if i == worse else 0)
            self.zrm.append([code, year, client, domain, pre, min(5, max(1, post))])


# -- stories (verhalen) and duiding ---------------------------------------------------------------
_STORY_TEMPLATES = (
    ("toegang_informatie", "Eindelijk wist ik waar ik moest zijn",
     ("Een inwoner van {name} zocht al maanden hulp bij de administratie na het overlijden van haar man. De "
     "cliëntondersteuner zette samen met haar op een rij welke instanties er waren en wat die deden.")),
    ("gehoord_worden", "Iemand die naast me stond",
     ("Bij het keukentafelgesprek in {name} ging de cliëntondersteuner mee. 'Ik durfde eindelijk te zeggen wat ik "
     "echt nodig had,' vertelt een mantelzorger.")),
    ("zicht_hulpvraag", "Van tien problemen naar één plan",
     ("Een jonge vader in {name} had schulden, een zieke moeder en werk dat wegviel. Samen ordenden ze wat eerst "
     "moest; daarna kon hij zelf verder.")),
    ("netwerk_betrokken", "De buren doen weer mee",
     ("De cliëntondersteuner in {name} bracht het netwerk van een oudere man in kaart. Zijn buurvrouw en zijn neef "
     "helpen nu om de beurt met boodschappen.")),
    ("overzicht_aanbod", "Zelf gekozen",
     "Een inwoner van {name} kreeg uitleg over drie aanbieders van dagbesteding en koos zelf, na een proefdag."),
)
_SPECIAL_STORIES = (
    ("GM1740", "2024", "toegang_informatie", "Het spreekuur in het dorpshuis is weg",
     ("Sinds het spreekuur in het dorpshuis van Opheusden stopte en de buurtbus niet meer rijdt, weten inwoners "
     "niet meer waar ze terechtkunnen. 'Naar Kesteren ga ik niet voor een formulier,' zegt een oudere inwoner.")),
    ("GM0765", "2024", "zicht_hulpvraag", "Het plan werkt",
     ("In Pekela maken cliëntondersteuner en inwoner nu samen een persoonlijk plan en kijken ze na drie maanden "
     "samen terug. 'Ik zie zelf dat het beter gaat,' zegt een inwoner die eerder vastliep.")),
    ("GM0717", "2024", "gehoord_worden", "Steeds een ander gezicht",
     ("Een inwoner van Veere kreeg dit jaar met drie verschillende ondersteuners te maken. 'Elke keer moest ik mijn "
     "verhaal opnieuw doen.'")),
)
_DUIDING = (
    ("GM1740", "2024", "herkennen", ("Ja: de buurtbus rijdt sinds januari niet meer en het spreekuur in Opheusden is "
     "gestopt."), "", "", ""),
    ("GM1740", "2024", "actie", "Spreekuur in het dorpshuis van Opheusden opnieuw starten.", "aanbieder OCO",
     "wekelijks spreekuur en informatie via de dorpskrant", "2025-Q1"),
)


def _stories(draw: _Draw, units: dict[str, _Gemeente]) -> list[list[object]]:
    rows: list[list[object]] = []
    for code in GEMEENTEN:
        for _ in range(2):
            node, title, text = _STORY_TEMPLATES[draw.integer(0, len(_STORY_TEMPLATES) - 1)]
            period = PERIODS[draw.integer(1, len(PERIODS) - 1)]
            rows.append([code, period, node, f"{title} ({_FICTIEF})", text.format(name=units[code].name)])
    rows.extend([code, period, node, f"{title} ({_FICTIEF})", text] for code, period, node, title, text in _SPECIAL_STORIES)
    rows.sort(key=lambda r: (str(r[0]), str(r[1])))
    return rows


# -- the static files ---------------------------------------------------------------------------------
def _items_yaml() -> str:
    lines = [
        f"# Vragenlijsten van het voorbeeld ({_FICTIEF}).",
        "# De korte vragenlijst (kort, tot en met 3 contacten) stelt de eerste tien vragen, de lange (lang,",
        "# meer dan 3 contacten) alle vragen; naar de HOEWijzer van Waddinxveen. De vijf Putten-vragen",
        "# vormen samen de schaal 'putten'; de CEO-vragen komen uit het Wmo-cliëntervaringsonderzoek.",
        "doelenboom_items: 1",
        "items:",
    ]
    for item_id, label, kind, scale in _ITEMS:
        lines.append(f"  - id: {item_id}")
        lines.append(f'    label: "{label}"')
        lines.append(f"    type: {kind}")
        if scale:
            lines.append(f"    scale: {scale}")
    return "\n".join(lines) + "\n"


_PIPELINE = f"""# Pipeline van het voorbeeld ({_FICTIEF}; docs/pipeline.md).
doelenboom_pipeline: 1
normalise:
  method: minmax
  low: 0
  high: 100
  scope: reference          # the scale of the nulmeting (baseline) for every year: changes are the gemeente's own
aggregate:
  method: arithmetic
  min_coverage: 0.5
nodes:                      # counts per 1,000 inhabitants, so that large and small gemeenten compare
""" + "".join(
    f"  {node}: {{treatment: {{denominator: population, denominator_scale: 1000}}}}\n"
    for node in (
        "ind_clienten_bereikt",
        "ind_telefonische_vragen",
        "ind_uren",
        "ind_netwerk_in_kaart",
        "ind_persoonlijke_plannen",
        "ind_doorverwijzingen",
        "ind_klachtprocedures",
    )
)

_SIGNALS = f"""# Signaalregels van het voorbeeld ({_FICTIEF}; docs/signals.md).
doelenboom_signals: 1
outlier:
  peer_group: all           # 15 gemeenten: too few per size class for a robust z
  min_peers: 5
"""

_LINKS = (
    ("ind_clienten_bereikt", "reach.clients"),
    ("ind_telefonische_vragen", "reach.phone_questions"),
    ("ind_uren", "reach.hours"),
    ("ind_netwerk_in_kaart", "aanbieder.netwerk_in_kaart"),
    ("ind_persoonlijke_plannen", "aanbieder.persoonlijke_plannen"),
    ("ind_doorverwijzingen", "reach.referrals"),
    ("ind_doorlooptijd", "reach.lead_time_median_days"),
    ("ind_klachtprocedures", "aanbieder.klachtprocedures"),
    ("ind_kwaliteit_goed", "ceo_kwaliteit.agree"),
    ("ind_past_bij_hulpvraag", "ceo_past.agree"),
    ("ind_putten_eigen_keuzes", "putten_eigen_keuzes.agree"),
    ("ind_putten_aanbevelen", "putten_aanbevelen.agree"),
    ("ind_andere_keuze", "andere_keuze.agree"),
    ("ind_voldoende_informatie", "voldoende_informatie.yes"),
    ("ind_zrm_verbeterd", "zrm.score.improved"),
)


def _config(seed: int) -> str:
    links = "".join(f"  {node}: {estimate}\n" for node, estimate in _LINKS)
    return f"""# Monitoring van cliëntondersteuning in 15 koplopergemeenten: {_FICTIEF}.
# Written by doelenboom.example_data.generate(seed={seed}); the gemeenten, their CBS codes and
# populations are real, every number in data/ is invented. Format: docs/run-config.md.
doelenboom_run: 1
name: Koplopergemeenten cliëntondersteuning (fictieve gegevens)
fictitious: true
tree: doelenboom.yaml
pipeline: pipeline.yaml
signals: signalen.yaml
units: eenheden.csv
suppression_threshold: 10
# Example only: real data take the key from an environment variable (pseudonym_key_env: NAME).
pseudonym_key: voorbeeldsleutel-alleen-voor-fictieve-gegevens
baseline: "{PERIODS[0]}"
period: "{PERIODS[-1]}"
data:
  registrations:
    files: [data/registraties.csv]
    columns:
      unit: gemeente
      period: jaar
      client: client
      start_date: startdatum
      end_date: einddatum
      hours: uren
      referral: verwijzing
      referrer_contact: contact_verwijzer
      channel: kanaal
      life_domain: leefgebied
    areas: [kern]
    groups: [migratieachtergrond]
  questionnaire:
    items: data/vragen.yaml
    files: [data/antwoorden.csv]
    columns: {{unit: gemeente, period: jaar, instrument: vragenlijst, respondent: respondent, item: vraag, value: antwoord}}
  prepost:
    files: [data/zrm.csv]
    columns: {{unit: gemeente, period: jaar, client: client, domain: domein, pre: voor, post: na}}
    reliability: 0.85       # of the ZRM client score (an assumption of the example)
  estimates: [data/kengetallen.csv]
  stories: [data/verhalen.csv]
  duiding: [data/duiding.csv]
indicators:
{links}compare:
  peers: size_class
  seed: {seed}
output: uitvoer
"""


def _units_csv(units: dict[str, _Gemeente]) -> str:
    header = ("id", "name", "type", "cbs_code", "province", "population", "land_area_km2", "koploper")
    rows = [(g.code, g.name, "gemeente", g.code, g.province, g.population, g.land_area_km2, "ja") for g in (units[c] for c in GEMEENTEN)]
    return _csv_text(header, rows)


_README = f"""# Voorbeeld: koplopergemeenten ({_FICTIEF})

Alle cijfers in deze map zijn verzonnen door `doelenboom.example_data.generate`; alleen de
gemeenten, hun CBS-codes, provincies en inwonertallen zijn echt. All numbers in this folder are
invented; only the municipalities, their codes, provinces and populations are real.

    python -m doelenboom.example_data MAP   # schrijft deze map, met de verzonnen gegevens in data/
    doelenboom run MAP/koplopers.yaml       # of in één keer: doelenboom demo --out UIT

In de repository (examples/koplopers) staan alleen de instellingen; de verzonnen gegevens (data/*.csv)
maakt de generator. De ingebouwde effecten en de generator staan in docs/example.md.
"""


def generate(directory: str | Path, seed: int = DEFAULT_SEED) -> Path:
    """Write the example into ``directory`` (created when missing) and return the config's path.

    The same seed gives byte-identical files. Existing files of the example are overwritten; other
    files in the folder are left alone.
    """
    root = Path(directory)
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    gen = _Generator(seed)
    gen.run()
    files = {
        "README.md": _README,
        CONFIG_NAME: _config(seed),
        "doelenboom.yaml": example_tree_path("movisie").read_text(encoding="utf-8"),
        "pipeline.yaml": _PIPELINE,
        "signalen.yaml": _SIGNALS,
        "eenheden.csv": _units_csv(gen.units),
        "data/vragen.yaml": _items_yaml(),
        "data/registraties.csv": _csv_text(
            ("gemeente", "jaar", "client", "startdatum", "einddatum", "uren", "verwijzing", "contact_verwijzer",
             "kanaal", "leefgebied", "kern", "migratieachtergrond"),
            gen.registrations,
        ),
        "data/antwoorden.csv": _csv_text(("gemeente", "jaar", "vragenlijst", "respondent", "vraag", "antwoord"),
                                         gen.answers),
        "data/zrm.csv": _csv_text(("gemeente", "jaar", "client", "domein", "voor", "na"), gen.zrm),
        "data/kengetallen.csv": _csv_text(("unit", "period", "indicator", "value", "n", "source", "method"), gen.counts),
        "data/verhalen.csv": _csv_text(("unit", "period", "node", "title", "text"), _stories(gen.draw, gen.units)),
        "data/duiding.csv": _csv_text(("unit", "period", "question", "answer", "who", "what", "when"), _DUIDING),
    }
    for name, text in files.items():
        path = root / name
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(path)
    return root / CONFIG_NAME


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m doelenboom.example_data DIR [--seed N]``."""
    parser = argparse.ArgumentParser(prog="python -m doelenboom.example_data", description=generate.__doc__)
    parser.add_argument("directory", metavar="DIR")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    print(generate(args.directory, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
