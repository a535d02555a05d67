"""A national-size, client-level, FICTITIOUS monitoring folder: every gemeente of the shipped list.

:func:`generate` writes what ``doelenboom.example_data`` writes for the 15 koplopergemeenten of the
demo (the same file formats, the same drawing code: it subclasses the demo's generator), for all
344 gemeenten over 2017-2024:

- clients per gemeente and year proportional to the population, at ``scale`` times the demo's
  reach (so with the default scale most gemeenten have 5-40 clients a year and the smallest fewer
  than 5: the disclosure rules have real work);
- kernen (areas) for ``kern_units`` gemeenten, 3-6 each (the demo's four keep their real kernen,
  the others get invented ones: Noord, Zuid, ...); migratieachtergrond for every client;
- questionnaire answers at a response rate of 15-35% per gemeente, ZRM scores in ``zrm_share``
  of the gemeenten (and the demo's), ready-made provider counts everywhere.

The demo's built-in effects stay where its code puts them (2021-2024); before 2021 Pekela's
doelrealisatie stays at its 2021 level. The run config ``landelijk.yaml`` uses the Movisie tree and
the demo's pipeline and default signal rules. A small version (a few gemeenten, two years) suits
a test: ``generate(dir, codes=[...], periods=("2023", "2024"))``.

``python benchmarks/national_data.py DIR`` writes the folder from the command line.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from doelenboom.example_data import (
    _FICTIEF,
    _KERNEN,
    _LINKS,
    _PIPELINE,
    _ZRM_UNITS,
    GEMEENTEN,
    _csv_text,
    _Generator,
    _items_yaml,
)
from doelenboom.examples import example_tree_path
from doelenboom.units import gemeenten_path

DEFAULT_SEED = 14
CONFIG_NAME = "landelijk.yaml"
PERIODS = tuple(str(year) for year in range(2017, 2025))
#: Reach per inhabitant relative to the demo's (0.25-0.35%): keeps a national run near 300,000 rows.
DEFAULT_SCALE = 0.11
_KERN_NAMES = ("Noord", "Zuid", "Oost", "West", "Centrum", "Buitengebied")


def all_gemeenten() -> tuple[str, ...]:
    """The CBS codes of the shipped gemeenten list, in its order."""
    with gemeenten_path().open(encoding="utf-8", newline="") as handle:
        return tuple(row["gm_code"] for row in csv.DictReader(handle))


class NationalGenerator(_Generator):
    """The demo's generator over other gemeenten, years, kernen, ZRM users and response rates."""

    def __init__(
        self,
        seed: int,
        codes: Sequence[str],
        periods: Sequence[str],
        scale: float,
        kernen: dict[str, tuple[tuple[str, float], ...]],
        zrm_units: frozenset[str],
        response: dict[str, float],
    ) -> None:
        # Set before the base class draws its per-gemeente levels over self.codes.
        self.codes, self.periods, self.zrm_units = tuple(codes), tuple(periods), zrm_units
        super().__init__(seed)
        self.rate = {c: r * scale for c, r in self.rate.items()}
        self.kernen, self.response = kernen, response

    def kern_weights(self, code: str, year: int) -> tuple[tuple[str, float], ...]:
        return self.kernen[code] if code in self.kernen else super().kern_weights(code, year)

    def response_rate(self, code: str) -> float:  # type: ignore[override]  # per gemeente here
        return self.response[code]

    # Pekela's built-in improvement starts in 2021 (the demo's tables index from there).
    def outcome_of(self, code: str, year: int) -> float:
        return super().outcome_of(code, max(year, 2021) if code == "GM0765" else year)

    def zrm_of(self, code: str, year: int) -> float:
        return super().zrm_of(code, max(year, 2021) if code == "GM0765" else year)


@dataclass(frozen=True)
class NationalData:
    """What :func:`generate` wrote: the run config and the data rows per file."""

    config: Path
    rows: dict[str, int]
    kern_units: int
    zrm_units: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _plan(
    seed: int, codes: Sequence[str], kern_units: int, zrm_share: float
) -> tuple[dict[str, tuple[tuple[str, float], ...]], frozenset[str], dict[str, float]]:
    """Which gemeenten have (invented) kernen and ZRM, and each gemeente's response rate."""
    rng = random.Random(seed)
    candidates = [c for c in codes if c not in _KERNEN]
    chosen = rng.sample(candidates, max(0, min(len(candidates), kern_units - len(set(codes) & set(_KERNEN)))))
    kernen = {
        code: tuple((name, round(rng.uniform(0.5, 2.0), 3)) for name in _KERN_NAMES[: rng.randint(3, 6)])
        for code in sorted(chosen)
    }
    zrm = set(rng.sample(list(codes), round(zrm_share * len(codes)))) | (set(_ZRM_UNITS) & set(codes))
    response = {code: rng.uniform(0.15, 0.35) for code in codes}
    return kernen, frozenset(zrm), response


def _config(seed: int, periods: Sequence[str], count: int) -> str:
    links = "".join(f"  {node}: {estimate}\n" for node, estimate in _LINKS)
    return f"""# Monitoring van cliëntondersteuning in {count} gemeenten: {_FICTIEF}.
# Written by benchmarks/national_data.py (seed={seed}); the gemeenten, their CBS codes and
# populations are real, every number in data/ is invented. Format: docs/run-config.md.
doelenboom_run: 1
name: Alle gemeenten cliëntondersteuning (fictieve gegevens, benchmark)
fictitious: true
tree: doelenboom.yaml
pipeline: pipeline.yaml
units: eenheden.csv
suppression_threshold: 10
pseudonym_key: benchmarksleutel-alleen-voor-fictieve-gegevens
baseline: "{periods[0]}"
period: "{periods[-1]}"
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
    reliability: 0.85
  estimates: [data/kengetallen.csv]
indicators:
{links}compare:
  peers: size_class
  seed: {seed}
output: uitvoer
"""


def generate(
    directory: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    scale: float = DEFAULT_SCALE,
    codes: Sequence[str] | None = None,
    periods: Sequence[str] = PERIODS,
    kern_units: int = 100,
    zrm_share: float = 1 / 3,
) -> NationalData:
    """Write the folder into ``directory`` (created when missing); the same arguments give the same
    files. ``codes`` defaults to every gemeente of the shipped list."""
    codes = all_gemeenten() if codes is None else tuple(codes)
    root = Path(directory)
    (root / "data").mkdir(parents=True, exist_ok=True)
    kernen, zrm, response = _plan(seed, codes, kern_units, zrm_share)
    gen = NationalGenerator(seed, codes, periods, scale, kernen, zrm, response)
    gen.run()
    units = [gen.units[c] for c in codes]
    tables = {
        "data/registraties.csv": (
            ("gemeente", "jaar", "client", "startdatum", "einddatum", "uren", "verwijzing", "contact_verwijzer",
             "kanaal", "leefgebied", "kern", "migratieachtergrond"),
            gen.registrations,
        ),
        "data/antwoorden.csv": (("gemeente", "jaar", "vragenlijst", "respondent", "vraag", "antwoord"), gen.answers),
        "data/zrm.csv": (("gemeente", "jaar", "client", "domein", "voor", "na"), gen.zrm),
        "data/kengetallen.csv": (("unit", "period", "indicator", "value", "n", "source", "method"), gen.counts),
    }
    files = {
        CONFIG_NAME: _config(seed, periods, len(codes)),
        "doelenboom.yaml": example_tree_path("movisie").read_text(encoding="utf-8"),
        "pipeline.yaml": _PIPELINE,
        "eenheden.csv": _csv_text(
            ("id", "name", "type", "cbs_code", "province", "population", "land_area_km2", "koploper"),
            [(g.code, g.name, "gemeente", g.code, g.province, g.population, g.land_area_km2,
              "ja" if g.code in GEMEENTEN else "nee") for g in units],
        ),
        "data/vragen.yaml": _items_yaml(),
        **{name: _csv_text(header, rows) for name, (header, rows) in tables.items()},
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8", newline="\n")
    kern_units = len(kernen) + len(set(codes) & set(_KERNEN))  # invented kernen and the demo's
    return NationalData(root / CONFIG_NAME, {name: len(rows) for name, (_, rows) in tables.items()}, kern_units, len(zrm))


def main(argv: Sequence[str] | None = None) -> int:
    """``python benchmarks/national_data.py DIR [--seed N] [--scale X]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", metavar="DIR")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE)
    args = parser.parse_args(argv)
    data = generate(args.directory, seed=args.seed, scale=args.scale)
    print(f"{data.config}: {data.total_rows:,} rows ({', '.join(f'{k} {v:,}' for k, v in data.rows.items())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
