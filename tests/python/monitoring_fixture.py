"""A small monitoring run for the report and plot tests, assembled from the public API.

Six real gemeenten (two pairs share a CBS size class, so they are each other's peers) over five
years (2020..2024) on the Movisie tree; the numbers are invented (``fictitious=True``). Proportions
have binomial standard errors, counts Poisson ones. Two cells have n below the suppression
threshold of 10, one of them in the report period. Stories and duiding answers carry characters
that must be escaped in HTML ("<", "&", quotes). Everything is built once per test session.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
import pandas as pd

import doelenboom as db
from doelenboom.monitoring import MonitoringRun

UNITS = ("GM0668", "GM0765", "GM1740", "GM0202", "GM0344", "GM0363")
PERIODS = ("2020", "2021", "2022", "2023", "2024")
BASELINE, PERIOD = "2020", "2024"
#: Suppressed cells: (unit, period, indicator) with n below 10.
SUPPRESSED = (("GM0765", "2024", "ind_putten_aanbevelen"), ("GM0668", "2022", "ind_zrm_verbeterd"))
HEADLINE = ("zelfregie", "kunnen_kiezen", "willen_kiezen", "mogen_kiezen")
#: A signal row added by hand, to check that its sentence is escaped.
ODD_SIGNAL = 'Signaal met <tekens> & "aanhalingstekens" voor Pekela'
STORY_TEXT = "Mevrouw B. (82) wist niet waar ze moest beginnen <echt niet> & kreeg hulp.\n\nNu regelt ze het zelf."


def _frame(unknown_se: tuple[str, str, str] | None = None) -> pd.DataFrame:
    tree = db.GoalTree.load(db.example_tree_path("movisie"))
    rng = np.random.default_rng(20240601)
    rows = []
    for u, unit in enumerate(UNITS):
        for p, period in enumerate(PERIODS):
            for definition in tree.indicators:
                if definition.measure == "count":
                    level = 25.0 if definition.direction < 0 else 120.0
                    value = round(level * (1.0 + 0.08 * u + 0.05 * p * (-1 if definition.direction < 0 else 1)) + rng.normal(0, 3), 1)
                    value = max(value, 1.0)
                    rows.append((unit, period, definition.id, value, math.nan, math.sqrt(value)))
                else:
                    n = 40.0 + 15 * u + 10 * p
                    share = min(0.95, 0.55 + 0.05 * u + 0.025 * p + rng.normal(0, 0.015))
                    share = round(share, 3)
                    rows.append((unit, period, definition.id, share, n, math.sqrt(share * (1 - share) / n)))
    frame = pd.DataFrame(rows, columns=["unit", "period", "indicator", "value", "n", "se"])
    for unit, period, indicator in SUPPRESSED:
        at = (frame["unit"] == unit) & (frame["period"] == period) & (frame["indicator"] == indicator)
        frame.loc[at, "n"] = 6.0
    if unknown_se is not None:
        unit, period, indicator = unknown_se
        at = (frame["unit"] == unit) & (frame["period"] == period) & (frame["indicator"] == indicator)
        frame.loc[at, "se"] = math.nan
    return frame


#: A cell delivered without a standard error (present, not suppressed), for unknown_se_run.
UNKNOWN_SE = ("GM0344", PERIOD, "ind_kwaliteit_goed")


@functools.cache
def build_run(data_dir: str | None = "/srv/monitoring/data", unknown_se: tuple[str, str, str] | None = None) -> MonitoringRun:
    """The run (cached: the tests only read it); with ``unknown_se``, that cell's se is missing."""
    tree = db.GoalTree.load(db.example_tree_path("movisie"))
    registry = db.gemeenten().subset(list(UNITS))
    dataset = db.Dataset.from_pandas(_frame(unknown_se), units=registry)
    result = db.Pipeline(normalise="minmax").run(tree, dataset, units=registry)
    koplopers = db.compare(result, units=registry, baseline=BASELINE, period=PERIOD)
    nl = db.signals(result, dataset, registry, language="nl")
    en = db.signals(result, dataset, registry, language="en")
    signals = nl.drop(columns="message").assign(message_nl=nl["message"], message_en=en["message"])
    odd = signals.iloc[[0]].copy()
    odd[["unit", "period", "node", "rule", "severity"]] = ["GM0765", PERIOD, "", "norm", "info"]
    odd["message_nl"] = ODD_SIGNAL
    odd["message_en"] = ODD_SIGNAL
    signals = pd.concat([signals, odd], ignore_index=True)
    trends, forecasts = [], []
    for unit in UNITS:
        for node in HEADLINE:
            t = db.trend(result, unit, node)
            trends.append({k: t.attrs[k] for k in ("slope", "slope_low", "slope_high", "n")} | {"unit": unit, "node": node})
            f = db.forecast(result, unit, node)
            ahead = f[f["forecast"].notna()]
            for period, row in ahead.iterrows():
                forecasts.append({"unit": unit, "node": node, "period": period, "forecast": row["forecast"], "low": row["low"], "high": row["high"]})
    stories = pd.DataFrame(
        [
            {"unit": "GM0765", "period": PERIOD, "node": "zelfregie", "title": "Weer zelf de regie", "text": STORY_TEXT},
            {"unit": "GM0765", "period": "2023", "node": "ind_kwaliteit_goed", "title": "Over de kwaliteit", "text": "Goed geholpen."},
            {"unit": "GM0668", "period": PERIOD, "node": "", "title": "Uit het wijkteam", "text": "Een algemeen verhaal."},
        ]
    )
    duiding = pd.DataFrame(
        [
            {"unit": "GM0765", "period": PERIOD, "question": "herkennen", "answer": 'Ja, dit "klopt" <grotendeels> & meer', "who": "", "what": "", "when": ""},
            {"unit": "GM0765", "period": PERIOD, "question": "verbeteren", "answer": "Meer\nhuisbezoeken", "who": "", "what": "", "when": ""},
            {"unit": "GM0765", "period": PERIOD, "question": "actie", "answer": "", "who": "Team OCO", "what": "Folder, vernieuwd", "when": "2025-Q1"},
            {"unit": "GM0668", "period": "2023", "question": "waarderen", "answer": "Oud antwoord", "who": "", "what": "", "when": ""},
        ]
    )
    return MonitoringRun(
        name="Koplopergemeenten cliëntondersteuning",
        tree=tree,
        dataset=dataset,
        result=result,
        units=registry,
        baseline=BASELINE,
        period=PERIOD,
        koplopers=koplopers,
        signals=signals,
        trends=pd.DataFrame(trends),
        forecasts=pd.DataFrame(forecasts),
        stories=stories,
        duiding=duiding,
        peers="CBS-gemeentegrootteklasse",
        fictitious=True,
        data_dir=Path(data_dir) if data_dir is not None else None,
    )


def unknown_se_run() -> MonitoringRun:
    """The run with the standard error of UNKNOWN_SE missing (issue 15: unknown is never certain)."""
    return build_run(unknown_se=UNKNOWN_SE)


@functools.cache
def report_html(language: str = "nl") -> str:
    """The rendered report of :func:`build_run` (cached)."""
    from doelenboom.report import render_report

    return render_report(build_run(), language)
