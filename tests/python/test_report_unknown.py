"""Issue 15, "unknown is never certain": in the fixture's run one indicator of Utrecht is delivered
without a standard error (present, not suppressed). Every interval derived from it (the score,
rank and change of the indicator and its ancestors, the estimate itself) reads "onbekend" /
"unknown" in the report, never a zero-width "2 (2-2)" or "[74,5 - 74,5]"; the others keep theirs."""

from __future__ import annotations

import functools
import re

from doelenboom import report
from monitoring_fixture import BASELINE, HEADLINE, PERIOD, UNITS, UNKNOWN_SE, report_html, unknown_se_run
from test_report import block, nl, page, rank_text, row_cells

UNIT, _, INDICATOR = UNKNOWN_SE


@functools.cache
def document(language: str = "nl") -> str:
    return report.render_report(unknown_se_run(), language)


def koplopers(language: str = "nl") -> str:
    text = document(language)
    start = text.index('id="koplopers"')
    return text[start : text.index('<section class="page unit-page"')]


def test_the_run_has_unknown_intervals_where_the_se_is_missing() -> None:
    run = unknown_se_run()
    affected = {INDICATOR, *run.tree.ancestors(INDICATOR)}
    assert affected == {INDICATOR, "gehoord_worden", "mogen_kiezen", "zelfregie"}
    se = run.result.standard_errors.loc[(UNIT, PERIOD)]
    assert set(se[se.isna()].index) == affected
    for node in affected:
        k = run.koplopers.loc[(UNIT, node)]
        assert k[["low", "high", "rank_low", "rank_high", "change_low"]].isna().all()
        assert k["uncertainty_note"] == "standard error unknown: no score, rank or change interval"


def test_koplopers_page_says_unknown_and_widens_the_others() -> None:
    run = unknown_se_run()
    section = koplopers()
    # columns: name, size class, then score and rank of each headline node, then the change of the first
    cells = row_cells(section, "unit", UNIT)
    for i, node in enumerate(HEADLINE):
        k = run.koplopers.loc[(UNIT, node)]
        score, rank = cells[2 + 2 * i].split(), cells[3 + 2 * i]
        if node in ("zelfregie", "mogen_kiezen"):
            assert score == [nl(k["score"]), "onbekend"]
            assert rank == f"{int(k['rank'])} (onbekend)"
        else:  # kunnen and willen kiezen do not depend on the indicator
            assert score == [nl(k["score"]), nl(k["low"]), "\u2013", nl(k["high"])]
            assert rank == f"{int(k['rank'])} ({rank_text(k['rank_low'])}\u2013{rank_text(k['rank_high'])})"
    change = run.koplopers.loc[(UNIT, "zelfregie"), "change_since_baseline"]
    assert cells[-1] == f"{nl(change)} [onbekend]"
    assert f"Standaardfout onbekend bij: {run.units[UNIT].name}." in section
    # Everyone else has a rank interval of at least two places on zelfregie: Utrecht may be on either side.
    for unit in (u for u in UNITS if u != UNIT):
        k = run.koplopers.loc[(unit, "zelfregie")]
        assert k["rank_high"] >= k["rank_low"] + 1
        assert row_cells(section, "unit", unit)[3] == f"{int(k['rank'])} ({rank_text(k['rank_low'])}\u2013{rank_text(k['rank_high'])})"
    # The report of the run with every se known has no such note, and no "onbekend" interval.
    assert "Standaardfout onbekend" not in report_html("nl")
    assert "(onbekend)" not in report_html("nl")
    assert "[onbekend]" not in report_html("nl")


def test_the_gemeente_page_says_unknown_in_every_section() -> None:
    run = unknown_se_run()
    section = page(document(), UNIT)
    k = run.koplopers.loc[(UNIT, "zelfregie")]
    change = nl(k["change_since_baseline"])
    assert (
        f"Zelfregie: score {nl(k['score'])} (interval onbekend) in {PERIOD}. Rang {int(k['rank'])} van {len(UNITS)} "
        f"(interval onbekend). Verandering sinds de nulmeting ({BASELINE}): {change} [onbekend]."
    ) in section
    # the indicator: its estimate has no interval, nor has its score
    cells = row_cells(block(section, "indicators-block"), "indicator", INDICATOR)
    assert cells[4] == "onbekend"
    assert cells[5] == nl(run.result.scores.loc[(UNIT, PERIOD), INDICATOR])
    assert cells[6] == "onbekend"
    # change since the baseline: a change, its interval and whether it is beyond noise unknown
    for node in ("zelfregie", "mogen_kiezen", "gehoord_worden"):
        cells = row_cells(block(section, "change-block"), "node", node)
        assert cells[3].endswith(" [onbekend]")
        assert cells[4] == "onbekend"
        cells = row_cells(block(section, "peers-block"), "node", node)
        kn = run.koplopers.loc[(UNIT, node)]
        assert cells[1] == f"{nl(kn['score'])} [onbekend]"
        assert cells[6] == f"{int(kn['rank'])} (onbekend)"
    # a node that does not depend on it keeps its interval
    cells = row_cells(block(section, "peers-block"), "node", "kunnen_kiezen")
    assert "onbekend" not in cells[1]
    assert "onbekend" not in cells[6]
    # the tree drawing writes the score with "[onbekend]" on the affected nodes
    tree = block(section, "tree-block")
    assert len(re.findall(r"\d+,\d \[onbekend\]", tree)) == 4


def test_english_report_says_unknown() -> None:
    run = unknown_se_run()
    cells = row_cells(koplopers("en"), "unit", UNIT)
    assert cells[3] == f"{int(run.koplopers.loc[(UNIT, 'zelfregie'), 'rank'])} (unknown)"
    assert cells[2].split()[1] == "unknown"
    assert "Standard error unknown for: Utrecht." in koplopers("en")
