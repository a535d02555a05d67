"""The HTML report: written atomically, self-contained, every page and section there, data escaped,
numbers equal to the run's (formatted by hand, and for a few checked against pandas), Dutch and
English."""

from __future__ import annotations

import dataclasses
import functools
import html
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from doelenboom import plots, report
from doelenboom.monitoring import MonitoringRun
from monitoring_fixture import (
    BASELINE,
    ODD_SIGNAL,
    PERIOD,
    STORY_TEXT,
    SUPPRESSED,
    UNITS,
    build_run,
    report_html,
)

SLUGS = {u: u for u in UNITS}  # unit codes are valid HTML ids as they are


def nl(x: float, digits: int = 1) -> str:
    """A number as the Dutch report writes it (decimal comma, point between thousands, real minus)."""
    text = f"{x:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.replace("-", "\u2212")


def rank_text(x: float) -> str:
    """A rank bound: rounded to one decimal, no decimals when whole."""
    r = round(x, 1)
    return str(int(r)) if r == int(r) else nl(r)


def en(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}".replace("-", "\u2212")


def page(document: str, unit: str) -> str:
    """The section of one gemeente (the page id of a unit not in the fixture is its code too)."""
    start = document.index(f'<section class="page unit-page" id="{SLUGS.get(unit, unit)}"')
    end = document.find('<section class="page', start + 10)
    return document[start : end if end > 0 else len(document)]


def row_cells(section: str, attribute: str, key: str) -> list[str]:
    """The cells (th and td, tags stripped) of the table row with data-<attribute>="key"."""
    match = re.search(rf'<tr data-{attribute}="{re.escape(key)}"[^>]*>(.*?)</tr>', section, flags=re.DOTALL)
    assert match, f"no row {attribute}={key}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), flags=re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]


def block(section: str, name: str) -> str:
    start = section.index(f'<section class="block {name}')
    return section[start : section.index("</section>", start)]


# ---- writing -------------------------------------------------------------------------------


def test_write_report_writes_one_file_and_returns_its_path(tmp_path: Path) -> None:
    target = tmp_path / "out" / "rapport.html"
    written = report.write_report(build_run(), target)
    assert written == target
    text = target.read_text(encoding="utf-8")
    assert text == report_html("nl")
    assert list(target.parent.iterdir()) == [target]


def test_a_failing_render_leaves_the_older_report_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "rapport.html"
    target.write_text("old report", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(plots, "tree_heatmap", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        report.write_report(build_run(), target)
    assert target.read_text(encoding="utf-8") == "old report"
    assert list(tmp_path.iterdir()) == [target]
    missing = tmp_path / "new.html"
    with pytest.raises(RuntimeError, match="drawing failed"):
        report.write_report(build_run(), missing)
    assert not missing.exists()


def test_a_failing_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "rapport.html"
    target.write_text("old report", encoding="utf-8")

    def no_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(report.os, "replace", no_replace)
    with pytest.raises(OSError, match="disk full"):
        report.write_report(build_run(), target)
    assert target.read_text(encoding="utf-8") == "old report"
    assert list(tmp_path.iterdir()) == [target]  # the temporary file is gone too


def test_unknown_language_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="language must be one of 'nl', 'en'"):
        report.write_report(build_run(), tmp_path / "r.html", language="de")
    assert not (tmp_path / "r.html").exists()


# ---- self-contained ------------------------------------------------------------------------


def test_the_report_is_self_contained() -> None:
    document = report_html("nl")
    assert document.startswith("<!DOCTYPE html>")
    # nothing is loaded from elsewhere: no src/href to another place, no external style or script
    for attribute in re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', document):
        assert attribute.startswith(("#", "data:")), attribute
    assert not re.search(r"<link\b", document)
    assert not re.search(r"<script[^>]*\bsrc=", document)
    assert not re.search(r"@import|url\((?!#)", document)
    # the only scripts are the report's own (the JSON configuration and the code)
    assert len(re.findall(r"<script\b", document)) == 2
    assert document.count("<svg") == 1 + 3 * len(UNITS)  # koplopers rank chart; tree, trends, ranks per page


# ---- pages and sections ----------------------------------------------------------------------


def test_each_gemeente_has_a_page_with_every_section() -> None:
    document = report_html("nl")
    run = build_run()
    assert '<section class="page koplopers-page" id="koplopers"' in document
    for unit in UNITS:
        name = run.units[unit].name
        section = page(document, unit)
        assert f'<a href="#{SLUGS[unit]}">{html.escape(name)}</a>' in document
        assert f"<h2>{html.escape(name)}</h2>" in section
        for name in ("tree-block", "pillars-block", "indicators-block", "change-block", "trends-block", "peers-block", "signals-block", "stories-block", "duiding-block"):
            assert f'<section class="block {name}' in section, (unit, name)
        tree = block(section, "tree-block")
        assert f'data-nodes="{len(run.tree)}"' in tree
        assert len(re.findall(rf'id="{SLUGS[unit]}-tree-node-', tree)) == len(run.tree)


def test_every_page_says_the_data_are_fictitious() -> None:
    document = report_html("nl")
    pages = document.split('<section class="page')[1:]
    assert len(pages) == 1 + len(UNITS)
    assert all('<p class="fictitious" role="note"><strong>Fictieve gegevens</strong>' in p for p in pages)
    run = build_run()
    real = type(run)(**{**run.__dict__, "fictitious": False})
    assert "Fictieve gegevens" not in report.render_report(real)


def test_the_three_pillars_list_their_indicators() -> None:
    run = build_run()
    section = page(report_html("nl"), "GM0668")
    pillars = block(section, "pillars-block")
    expected = {"reach": [], "satisfaction": [], "goal_attainment": []}
    for definition in run.tree.indicators:
        expected[definition.pillar].append(definition.id)
    titles = {"reach": "Bereik", "satisfaction": "Tevredenheid", "goal_attainment": "Doelrealisatie"}
    kinds = {"reach": "output", "satisfaction": "outcome", "goal_attainment": "outcome"}
    for pillar, members in expected.items():
        card = re.search(rf'<div class="pillar" data-pillar="{pillar}"><h4>(.*?)</h4><ul>(.*?)</ul></div>', pillars, re.DOTALL)
        assert card, pillar
        assert card.group(1) == f'{titles[pillar]} <span class="kind">{kinds[pillar]}</span>'
        assert re.findall(r'data-indicator="([^"]+)"', card.group(2)) == [i for i in run.tree.ids if i in members]


def test_indicator_table_numbers_equal_the_data_and_suppressed_cells_are_marked() -> None:
    run = build_run()
    document = report_html("nl")
    data = run.dataset.to_pandas().set_index(["unit", "period", "indicator"])
    definitions = {d.id: d for d in run.tree.indicators}
    for unit in UNITS:
        section = block(page(document, unit), "indicators-block")
        for indicator in run.tree.leaves():
            cells = row_cells(section, "indicator", indicator)
            row = data.loc[(unit, PERIOD, indicator)]
            if (unit, PERIOD, indicator) in SUPPRESSED:
                assert cells[2] == "onderdrukt (kleine aantallen)"
                assert f'<tr data-indicator="{indicator}" class="suppressed">' in section
                assert cells[3] == "geen score"
                continue
            value = row["value"]
            if definitions[indicator].measure == "proportion":
                assert cells[2] == nl(100 * value) + "%"
                assert cells[3] == nl(row["n"], 0)
                z = 1.959963984540054
                assert cells[4] == f"\u2248 {nl(100 * (value - z * row['se']))}% \u2013 {nl(100 * (value + z * row['se']))}%"
            else:
                digits = 0 if value == round(value) else (1 if abs(value) >= 10 else 2)
                assert cells[2].startswith(nl(value, digits) + " ")
            score = run.result.scores.loc[(unit, PERIOD), indicator]
            assert cells[5] == nl(score)
            change = run.result.scores.loc[(unit, PERIOD), indicator] - run.result.scores.loc[(unit, BASELINE), indicator]
            assert cells[8].startswith(("+" if change > 0 else "") + nl(change))


def test_indicator_scores_are_min_max_over_the_gemeenten() -> None:
    """Independently of the pipeline: min-max over the six gemeenten in the period, 0..100."""
    run = build_run()
    document = report_html("nl")
    data = run.dataset.to_pandas()
    now = data[(data["period"] == PERIOD) & (data["indicator"] == "ind_past_bij_hulpvraag")].set_index("unit")["value"]
    expected = (now - now.min()) / (now.max() - now.min()) * 100
    for unit in UNITS:
        cells = row_cells(block(page(document, unit), "indicators-block"), "indicator", "ind_past_bij_hulpvraag")
        assert cells[5] == nl(expected[unit])


def test_change_since_the_baseline_and_the_peers() -> None:
    run = build_run()
    document = report_html("nl")
    scores = run.result.scores
    koplopers = run.koplopers
    for unit in UNITS:
        section = page(document, unit)
        change = block(section, "change-block")
        for node in ("zelfregie", "kunnen_kiezen"):
            cells = row_cells(change, "node", node)
            before, after = scores.loc[(unit, BASELINE), node], scores.loc[(unit, PERIOD), node]
            assert cells[1:3] == [nl(before), nl(after)]
            k = koplopers.loc[(unit, node)]
            if math.isnan(k["change_since_baseline"]):  # the score rests on other indicators now
                assert "other indicators" in k["uncertainty_note"]
                assert not k["change_comparable"]
                assert cells[3] == "niet vergelijkbaar (andere indicatoren dan bij de nulmeting)"
                continue
            assert cells[3].startswith(("+" if after - before > 0 else "") + nl(after - before))
            assert cells[4] == ("ja" if k["change_beyond_noise"] else "nee")
        peers = block(section, "peers-block")
        # the peers are the other gemeenten of the same CBS size class, by name
        size = run.units[unit].size_class
        same = [run.units[u].name for u in UNITS if u != unit and run.units[u].size_class == size]
        cells = row_cells(peers, "node", "zelfregie")
        assert cells[5] == nl(scores.xs(PERIOD, level="period")["zelfregie"].mean())
        if not same:
            assert "Er zijn geen vergelijkbare gemeenten in deze monitoring." in peers
            assert cells[2] == ""
            continue
        assert f"Vergeleken met: {', '.join(same)}." in peers
        others = [u for u in UNITS if u != unit and run.units[u].size_class == size]
        mean = scores.loc[[(u, PERIOD) for u in others], "zelfregie"].mean()
        assert cells[2] == nl(mean)
        difference = scores.loc[(unit, PERIOD), "zelfregie"] - mean
        assert cells[4] == ("+" if difference > 0 else "") + nl(difference)


def test_koplopers_page_ranks_follow_the_scores_and_warn_about_case_mix() -> None:
    run = build_run()
    document = report_html("nl")
    start = document.index('id="koplopers"')
    section = document[start : document.index('<section class="page unit-page"')]
    assert "Let op: case mix" in section
    assert "Vergelijkbare gemeenten (peers): CBS-gemeentegrootteklasse." in section
    now = run.result.scores.xs(PERIOD, level="period")["zelfregie"].sort_values(ascending=False)
    shown = re.findall(r'<tr data-unit="([^"]+)">', section)
    assert shown == list(now.index)
    for rank, unit in enumerate(now.index, start=1):
        cells = row_cells(section, "unit", unit)
        assert cells[0] == run.units[unit].name
        # the size class with non-breaking spaces, so "20 000 - 50 000" does not wrap after "20"
        assert cells[1] == run.units[unit].size_class.replace(" ", "\u00a0")
        assert " " not in cells[1]
        assert cells[2].split()[0] == nl(now[unit])
        k = run.koplopers.loc[(unit, "zelfregie")]
        assert cells[3] == f"{rank} ({rank_text(k['rank_low'])}\u2013{rank_text(k['rank_high'])})"
    assert section.count("<svg") == 1


def test_signal_sentences_are_on_their_page_and_escaped() -> None:
    run = build_run()
    document = report_html("nl")
    for unit in UNITS:
        signals = block(page(document, unit), "signals-block")
        mine = run.signals[run.signals["unit"] == unit]
        assert len(mine) > 0
        for message in mine["message_nl"]:
            assert html.escape(message) in signals
        assert signals.count('<li class="signal') == len(mine)
    pekela = block(page(document, "GM0765"), "signals-block")
    assert html.escape(ODD_SIGNAL) in pekela
    assert "<tekens>" not in document


def test_stories_stand_next_to_their_numbers() -> None:
    run = build_run()
    document = report_html("nl")
    stories = block(page(document, "GM0765"), "stories-block")
    first, second = stories.split('<article class="story"')[1:3]
    assert 'data-node="zelfregie"' in first
    for paragraph in STORY_TEXT.split("\n\n"):
        assert f"<p>{html.escape(paragraph)}</p>" in first
    assert "<echt niet>" not in document
    assert f'<p class="big">{nl(run.result.scores.loc[("GM0765", PERIOD), "zelfregie"])}</p>' in first
    # a story of 2023 shows the 2023 score of its indicator
    assert f'<p class="big">{nl(run.result.scores.loc[("GM0765", "2023"), "ind_kwaliteit_goed"])}</p>' in second
    general = block(page(document, "GM0668"), "stories-block")
    assert '<p class="node">Algemeen</p>' in general
    assert "Nog geen verhalen" in block(page(document, "GM1740"), "stories-block")


def test_the_duiding_form_is_prefilled_and_keeps_other_periods() -> None:
    document = report_html("nl")
    form = block(page(document, "GM0765"), "duiding-block")
    assert '<form class="duiding" data-unit="GM0765" data-period="2024">' in form
    assert "<code>data</code>" in form  # the data folder by its name, never by its absolute path
    assert "/srv/monitoring" not in form
    area = re.search(r'<textarea id="GM0765-herkennen" name="herkennen" rows="3">(.*?)</textarea>', form, re.DOTALL)
    assert area
    assert html.unescape(area.group(1)) == 'Ja, dit "klopt" <grotendeels> & meer'
    verbeteren = re.search(r'name="verbeteren" rows="3">(.*?)</textarea>', form, re.DOTALL)
    assert verbeteren
    assert verbeteren.group(1) == "Meer\nhuisbezoeken"
    assert 'value="Team OCO"' in form
    assert 'value="Folder, vernieuwd"' in form
    assert 'value="2025-Q1"' in form
    for question in ("herkennen", "verklaren", "waarderen", "verbeteren"):
        assert f'name="{question}"' in form
    # the answer of 2023 is not on a form but travels with the saved file
    config = re.search(r'<script type="application/json" id="report-config">(.*?)</script>', document, re.DOTALL)
    assert config
    assert '"Oud antwoord"' in config.group(1)
    assert "<" not in config.group(1)


def test_english_report() -> None:
    run = build_run()
    document = report_html("en")
    assert '<html lang="en">' in document
    assert "Fictitious data" in document
    assert "Fictieve gegevens" not in document
    section = page(document, "GM0765")
    assert "<h3>Signals</h3>" in section
    assert "<h3>The three pillars</h3>" in section
    for message in run.signals[run.signals["unit"] == "GM0765"]["message_en"]:
        assert html.escape(message) in section
    cells = row_cells(block(section, "indicators-block"), "indicator", "ind_kwaliteit_goed")
    value = run.dataset.to_pandas().set_index(["unit", "period", "indicator"]).loc[("GM0765", PERIOD, "ind_kwaliteit_goed"), "value"]
    assert cells[2] == en(100 * value) + "%"
    suppressed = row_cells(block(section, "indicators-block"), "indicator", "ind_putten_aanbevelen")
    assert suppressed[2] == "suppressed (small numbers)"


def test_a_run_without_stories_duiding_or_data_folder() -> None:
    run = build_run()
    bare = type(run)(
        **{
            **run.__dict__,
            "stories": pd.DataFrame(columns=["unit", "period", "node", "title", "text"]),
            "duiding": pd.DataFrame(columns=list(report.DUIDING_COLUMNS)),
            "data_dir": None,
            "signals": run.signals.iloc[0:0],
        }
    )
    document = report.render_report(bare)
    assert "gegevensmap van de monitoring" in document
    assert "Geen signalen voor deze gemeente in 2024." in document
    assert "<textarea" in document
    assert re.search(r'rows="3"></textarea>', document)



def test_koplopers_page_states_the_peer_definition_per_size_class() -> None:
    import dataclasses

    run = dataclasses.replace(build_run(), peers="size_class")
    assert run.koplopers.attrs["peers"] == "size_class"
    expected = {
        "nl": "Vergelijkbare gemeenten (peers): per CBS-gemeentegrootteklasse. Elke gemeente wordt vergeleken met "
        "de andere gemeenten in haar eigen grootteklasse (kolom Grootteklasse).",
        "en": "Comparable municipalities (peers): per CBS size class. Each municipality is compared with the other "
        "municipalities in its own size class (column Size class).",
    }
    for language, text in expected.items():
        document = report.render_report(run, language)
        section = document[document.index('id="koplopers"') : document.index('<section class="page unit-page"')]
        assert text in section
        assert "size_class =" not in section
        # each gemeente's own group is in the table: the size classes of the units, as many as there are
        classes = {run.units[u].size_class.replace(" ", "\u00a0") for u in UNITS}
        assert len(classes) > 1
        for size in classes:
            assert f"<td>{html.escape(size)}</td>" in section


def test_trend_caption_names_the_band_that_is_shown() -> None:
    import dataclasses

    import numpy as np

    run = build_run()
    document = report_html("nl")
    assert "De band is het voorspelinterval (95%) van Holts methode." in document
    # Holt's interval undefined (as with 4 periods): the linear trend's band, and the caption says so.
    forecasts = run.forecasts.copy()
    forecasts[["low", "high"]] = np.nan
    forecasts["trend_forecast"] = forecasts["forecast"]
    forecasts["trend_low"] = forecasts["forecast"] - 1.0
    forecasts["trend_high"] = forecasts["forecast"] + 1.0
    trend_run = dataclasses.replace(run, forecasts=forecasts)
    nl_doc = report.render_report(trend_run, "nl")
    assert "de grijze band is het voorspelinterval (95%) van de lineaire trend." in nl_doc
    assert "De band is het voorspelinterval (95%) van Holts methode." not in nl_doc
    en_doc = report.render_report(trend_run, "en")
    assert "the grey band is the 95% prediction interval of the linear trend." in en_doc
    assert "prediction band of the linear trend" in en_doc  # the legend of the charts


# ---- reach by area and group -----------------------------------------------------------------

#: Areas and groups of two gemeenten, by hand: (unit, area, name, period, indicator, value, n, suppressed).
#: Ochten 2022 is suppressed but keeps its number here (run.areas leaves it blank), so the test can see that
#: the report never shows it; Opheusden 2024 is a true zero (no n); Pekela's wijk has two indicators, one
#: period missing (a cell without data), a count whose n differs from its value (questions of 12 clients),
#: and a name to escape.
PEKELA_WIJK = 'wijk=Oude Pekela <Noord> & "Zuid"'
AREA_ROWS = [
    ("GM1740", "kern=Opheusden", "Opheusden (Neder-Betuwe)", "2021", "ind_clienten_bereikt", 22.0, 22.0, False),
    ("GM1740", "kern=Opheusden", "Opheusden (Neder-Betuwe)", "2022", "ind_clienten_bereikt", 23.0, 23.0, False),
    ("GM1740", "kern=Opheusden", "Opheusden (Neder-Betuwe)", "2023", "ind_clienten_bereikt", 28.0, 28.0, False),
    ("GM1740", "kern=Opheusden", "Opheusden (Neder-Betuwe)", "2024", "ind_clienten_bereikt", 0.0, float("nan"), False),
    ("GM1740", "kern=Ochten", "Ochten (Neder-Betuwe)", "2021", "ind_clienten_bereikt", 17.0, 17.0, False),
    ("GM1740", "kern=Ochten", "Ochten (Neder-Betuwe)", "2022", "ind_clienten_bereikt", 9.0, 9.0, True),
    ("GM1740", "kern=Ochten", "Ochten (Neder-Betuwe)", "2023", "ind_clienten_bereikt", 21.0, 21.0, False),
    ("GM1740", "kern=Ochten", "Ochten (Neder-Betuwe)", "2024", "ind_clienten_bereikt", 14.0, 14.0, False),
    ("GM1740", "migratieachtergrond=nee", "Neder-Betuwe, migratieachtergrond nee", "2021", "ind_clienten_bereikt", 66.0, 66.0, False),
    ("GM1740", "migratieachtergrond=nee", "Neder-Betuwe, migratieachtergrond nee", "2022", "ind_clienten_bereikt", 1069.0, 1069.0, False),
    ("GM1740", "migratieachtergrond=nee", "Neder-Betuwe, migratieachtergrond nee", "2023", "ind_clienten_bereikt", 68.0, 68.0, False),
    ("GM1740", "migratieachtergrond=nee", "Neder-Betuwe, migratieachtergrond nee", "2024", "ind_clienten_bereikt", 47.0, 47.0, False),
    ("GM0765", PEKELA_WIJK, "Oude Pekela (Pekela)", "2023", "ind_clienten_bereikt", 31.0, 31.0, False),
    ("GM0765", PEKELA_WIJK, "Oude Pekela (Pekela)", "2024", "ind_clienten_bereikt", 35.0, 35.0, False),
    ("GM0765", PEKELA_WIJK, "Oude Pekela (Pekela)", "2024", "ind_telefonische_vragen", 15.0, 12.0, False),
]
AREA_UNITS = ("GM1740", "GM0765")
OPHEUSDEN_SIGNAL = "Bereik in Opheusden (Neder-Betuwe) is in 2024 weggevallen."


@functools.cache
def area_run() -> MonitoringRun:
    """The fixture's run with the areas above and signals of some of them: Opheusden (alert) and
    migratieachtergrond nee (warning) in the report period, Ochten in 2023 only, Pekela's wijk on no node."""
    run = build_run()
    columns = ["unit", "area", "name", "period", "indicator", "value", "n", "suppressed"]
    areas = pd.DataFrame(AREA_ROWS, columns=columns)
    signals = run.signals.assign(area="")
    extra = signals.iloc[[0, 0, 0, 0]].copy()
    extra[["unit", "area", "period", "node", "rule", "severity", "message_nl"]] = [
        ["GM1740", "kern=Opheusden", PERIOD, "ind_clienten_bereikt", "reach", "alert", OPHEUSDEN_SIGNAL],
        ["GM1740", "migratieachtergrond=nee", PERIOD, "ind_clienten_bereikt", "reach", "warning", "Minder bereik (nee)."],
        ["GM1740", "kern=Ochten", "2023", "ind_clienten_bereikt", "reach", "warning", "Minder bereik in Ochten in 2023."],
        ["GM0765", PEKELA_WIJK, PERIOD, "", "reach", "info", "Iets in de wijk."],
    ]
    extra["message_en"] = extra["message_nl"]
    return dataclasses.replace(run, areas=areas, signals=pd.concat([signals, extra], ignore_index=True))


@functools.cache
def area_html(language: str = "nl") -> str:
    return report.render_report(area_run(), language)


def area_table(section: str) -> tuple[list[str], dict[tuple[str, str], list[str]]]:
    """The periods in the head of the area table and its rows by (area, indicator): the texts of the
    cells (tags stripped, white space collapsed), the area's name first when the row has it."""
    table = block(section, "areas-block")
    head = re.search(r"<thead><tr>(.*?)</tr></thead>", table, re.DOTALL)
    assert head
    titles = [html.unescape(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1))]
    rows = {}
    for area, indicator, content in re.findall(r'<tr data-area="([^"]*)" data-indicator="([^"]*)">(.*?)</tr>', table, re.DOTALL):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", content, flags=re.DOTALL)
        rows[(html.unescape(area), indicator)] = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]
    return titles, rows


def expected_area_cell(row: pd.Series | None, suppressed: str, missing: str) -> str:
    """A cell as the report should write it, from a row of run.areas (counts are whole numbers)."""
    if row is None:
        return missing
    if row["suppressed"]:
        return suppressed
    text = nl(row["value"], 0)
    return text if pd.isna(row["n"]) else f"{text} n = {nl(row['n'], 0)}"


def check_area_numbers(run: MonitoringRun, document: str, unit: str, marks: dict[tuple[str, str], str]) -> None:
    """Every cell of the unit's area table equals run.areas filtered with pandas; ``marks`` maps
    (area, indicator) to the severity word the report-period cell carries."""
    mine = run.areas[run.areas["unit"] == unit]
    periods = sorted(mine["period"].unique())
    several = len(set(mine["indicator"])) > 1
    titles, rows = area_table(page(document, unit))
    assert titles == ["Gebied of groep", *(["Indicator"] if several else []), *periods]
    assert set(rows) == set(zip(mine["area"], mine["indicator"], strict=True))
    by_cell = mine.set_index(["area", "indicator", "period"])
    for (area, indicator), cells in rows.items():
        numbers = cells[-len(periods) :]
        for period, cell in zip(periods, numbers, strict=True):
            row = by_cell.loc[(area, indicator, period)] if (area, indicator, period) in by_cell.index else None
            expected = expected_area_cell(row, "onderdrukt (kleine aantallen)", "geen gegevens")
            if period == run.period and (area, indicator) in marks:
                expected += " " + marks[(area, indicator)]
            assert cell == expected, (unit, area, indicator, period)


def test_area_table_numbers_equal_run_areas() -> None:
    run = area_run()
    document = area_html("nl")
    check_area_numbers(run, document, "GM1740", {("kern=Opheusden", "ind_clienten_bereikt"): "alarm",
                                                 ("migratieachtergrond=nee", "ind_clienten_bereikt"): "waarschuwing"})
    check_area_numbers(run, document, "GM0765", {(PEKELA_WIJK, "ind_clienten_bereikt"): "info"})
    _, rows = area_table(page(document, "GM1740"))
    assert rows[("migratieachtergrond=nee", "ind_clienten_bereikt")][2] == "1.069 n = 1.069"  # Dutch thousands
    # the name and kind of each row: kern before the group, alphabetical within a kind
    assert [cells[0] for cells in rows.values()] == ["kern Ochten", "kern Opheusden", "migratieachtergrond nee"]


def test_a_suppressed_area_cell_shows_the_text_and_never_its_number() -> None:
    document = area_html("nl")
    table = block(page(document, "GM1740"), "areas-block")
    row = re.search(r'<tr data-area="kern=Ochten" data-indicator="ind_clienten_bereikt">(.*?)</tr>', table, re.DOTALL)
    assert row
    _, rows = area_table(page(document, "GM1740"))
    cells = rows[("kern=Ochten", "ind_clienten_bereikt")]
    assert cells[2] == "onderdrukt (kleine aantallen)"  # 2022
    assert '<td class="suppressed"><span class="suppressed">onderdrukt (kleine aantallen)</span></td>' in row.group(1)
    assert not re.search(r"(?<![\d.,])9(?![\d.,])", " ".join(cells))  # its value (and n) 9 is nowhere in the row
    english = area_table(page(area_html("en"), "GM1740"))[1][("kern=Ochten", "ind_clienten_bereikt")]
    assert english[2] == "suppressed (small numbers)"


def test_area_cells_with_a_signal_now_are_marked_and_link_to_it() -> None:
    run = area_run()
    document = area_html("nl")
    section = page(document, "GM1740")
    table = block(section, "areas-block")
    now = run.signals[(run.signals["unit"] == "GM1740") & (run.signals["area"] != "") & (run.signals["period"] == PERIOD)]
    marked = re.findall(r'<td class="num signal severity-(\w+)">(.*?)</td>', table, re.DOTALL)
    assert sorted(s for s, _ in marked) == sorted(now["severity"])
    links = dict(re.findall(r'<a class="badge severity-\w+" href="#([^"]+)">([^<]+)</a>', table))
    assert len(links) == len(now)
    # each link leads to the item of its signal in the signals block of the same page
    signals = block(section, "signals-block")
    for anchor in links:
        item = re.search(rf'<li class="signal severity-(\w+)" id="{anchor}"[^>]*>(.*?)</li>', signals, re.DOTALL)
        assert item, anchor
        message = html.unescape(re.sub(r"<[^>]+>", "", item.group(2)))
        expected = now[[m in message for m in now["message_nl"]]]
        assert len(expected) == 1
        assert item.group(1) == expected["severity"].iloc[0]
    opheusden = [anchor for anchor, word in links.items() if word == "alarm"]
    assert opheusden
    assert OPHEUSDEN_SIGNAL in signals.split(f'id="{opheusden[0]}"')[1].split("</li>")[0]
    # Ochten's signal is of 2023: no cell of Ochten is marked
    ochten = re.search(r'<tr data-area="kern=Ochten"[^>]*>(.*?)</tr>', table, re.DOTALL)
    assert ochten
    assert "signal" not in ochten.group(1)
    # the ids of the signal items are unique in the document
    ids = re.findall(r'<li class="signal[^"]*" id="([^"]+)"', document)
    assert len(ids) == len(set(ids)) == len(run.signals)


def test_area_table_with_two_indicators_and_an_escaped_name() -> None:
    document = area_html("nl")
    section = page(document, "GM0765")
    table = block(section, "areas-block")
    assert PEKELA_WIJK not in document
    assert "<Noord>" not in document
    escaped = html.escape(PEKELA_WIJK.partition("=")[2])
    assert f'<th scope="rowgroup" rowspan="2"><span class="kind">wijk</span> {escaped}</th>' in table
    _, rows = area_table(section)
    assert rows[(PEKELA_WIJK, "ind_clienten_bereikt")] == [
        'wijk Oude Pekela <Noord> & "Zuid"', "Aantal cliënten dat cliëntondersteuning kreeg", "31 n = 31", "35 n = 35 info"
    ]
    assert rows[(PEKELA_WIJK, "ind_telefonische_vragen")] == ["Aantal telefonische vragen", "geen gegevens", "15 n = 12"]
    assert "Aantal cliënten dat cliëntondersteuning kreeg (cliënten); Aantal telefonische vragen (vragen)" in table


def test_only_gemeenten_with_areas_have_the_area_section_in_both_languages() -> None:
    for language, title in (("nl", "Bereik per gebied en groep"), ("en", "Reach by area and group")):
        document = area_html(language)
        for unit in UNITS:
            section = page(document, unit)
            assert (f"<h3>{title}</h3>" in section) == (unit in AREA_UNITS), (language, unit)
            assert ('<section class="block areas-block">' in section) == (unit in AREA_UNITS)
        # the section stands after the signals
        section = page(document, "GM1740")
        assert section.index("signals-block") < section.index("areas-block") < section.index("stories-block")
    assert "areas-block" not in report_html("nl")  # a run without areas
    english = block(page(area_html("en"), "GM1740"), "areas-block")
    assert "<th scope=\"col\">Area or group</th>" in english
    assert re.search(r'href="#GM1740-signal-\d+">alert</a>', english)
    assert "Reach per village, district or group in the registrations, per period" in english


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> MonitoringRun:
    """The shipped example (doelenboom.run on example_data): the village Opheusden has vanished in 2024."""
    import doelenboom as db
    from doelenboom import example_data

    return db.run(example_data.generate(tmp_path_factory.mktemp("koplopers")))


def test_the_example_shows_the_kernen_next_to_the_vanished_village(example_run: MonitoringRun) -> None:
    document = report.render_report(example_run, "nl")
    areas = example_run.areas
    assert not areas.empty
    signals = example_run.signals
    for unit in example_run.result.units:
        now = signals[(signals["unit"] == unit) & (signals["area"] != "") & (signals["period"] == example_run.period)]
        has = bool((areas["unit"] == unit).any())
        assert ('<section class="block areas-block">' in page(document, unit)) == has
        if has:
            marks = {(a, n): {"alert": "alarm", "warning": "waarschuwing", "info": "info"}[s]
                     for a, n, s in zip(now["area"], now["node"], now["severity"], strict=True)}
            check_area_numbers(example_run, document, unit, marks)
    _, rows = area_table(page(document, "GM1740"))
    opheusden = rows[("kern=Opheusden", "ind_clienten_bereikt")]
    assert opheusden[0] == "kern Opheusden"
    assert opheusden[-1] == "0 alarm"  # vanished: a true zero, not suppressed, with its signal
