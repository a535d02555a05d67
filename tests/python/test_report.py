"""The HTML report: written atomically, self-contained, every page and section there, data escaped,
numbers equal to the run's (formatted by hand, and for a few checked against pandas), Dutch and
English."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from doelenboom import plots, report
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
    """The section of one gemeente."""
    start = document.index(f'<section class="page unit-page" id="{SLUGS[unit]}"')
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
                assert cells[2] == "onderdrukt (n < 10)"
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
            assert cells[3].startswith(("+" if after - before > 0 else "") + nl(after - before))
            k = koplopers.loc[(unit, node)]
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
    assert "/srv/monitoring/data" in form
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
    assert suppressed[2] == "suppressed (n < 10)"


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
