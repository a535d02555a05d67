"""doelenboom.run on the shipped example: every field filled, numbers checked against pandas and
scipy on the raw CSV files, the built-in effects found as signals, and config errors reported with
the config's file and line before anything is written."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

import doelenboom as db
from doelenboom import example_data
from doelenboom.compare import PeerGroups
from doelenboom.monitoring import MonitoringRun
from doelenboom.run import run, write_tables


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_data.generate(tmp_path_factory.mktemp("koplopers"))


@pytest.fixture(scope="module")
def result(config: Path) -> MonitoringRun:
    return run(config)


def registrations(config: Path) -> pd.DataFrame:
    return pd.read_csv(config.parent / "data" / "registraties.csv", dtype={"jaar": str}, keep_default_na=False)


def test_every_field_is_filled(result: MonitoringRun, config: Path) -> None:
    assert result.name == "Koplopergemeenten cliëntondersteuning (fictieve gegevens)"
    assert result.fictitious
    assert (result.baseline, result.period) == ("2021", "2024")
    assert result.result.units == list(example_data.GEMEENTEN)
    assert result.result.periods == list(example_data.PERIODS)
    assert len(result.tree) == len(db.GoalTree.load(config.parent / "doelenboom.yaml"))
    assert result.units["GM1740"].name == "Neder-Betuwe"
    assert set(result.koplopers.index.get_level_values("unit")) == set(example_data.GEMEENTEN)
    assert set(result.koplopers["period"]) == {"2024"}
    assert list(result.signals.columns[:6]) == ["unit", "area", "period", "node", "rule", "severity"]
    assert {"slope", "slope_low", "slope_high", "n"} <= set(result.trends.columns)
    assert {"unit", "node", "period", "forecast", "low", "high"} <= set(result.forecasts.columns)
    holt = result.forecasts[result.forecasts["forecast"].notna()]
    assert set(holt["period"]) == {"2025", "2026"}
    # A series whose last score is earlier (suppressed in 2024) has only the trend's forecast, on
    # from its own last score.
    for _, row in result.forecasts[result.forecasts["forecast"].isna()].iterrows():
        scores = result.result.scores.xs(row["unit"], level="unit")[row["node"]].dropna()
        assert row["period"] > scores.index[-1]
        assert len(scores) == 3
    stories = pd.read_csv(config.parent / "data" / "verhalen.csv", dtype=str, keep_default_na=False)
    assert result.stories.to_dict("list") == stories.to_dict("list")
    assert list(result.duiding["question"]) == ["herkennen", "actie"]
    # The definition, not one unit's group: each gemeente is compared within its own size class.
    assert result.peers == "size_class"
    assert result.koplopers.attrs["peers"] == "size_class"
    assert result.data_dir == config.parent
    assert result.estimates is not None
    assert "reach.clients" in result.estimates.indicators
    assert result.indicators_without_data == []
    assert len(result.dataset) > 0
    assert result.dataset.suppressed_count > 0


def test_peer_groups_and_estimate_intervals_come_from_the_run(result: MonitoringRun) -> None:
    groups = result.peer_groups
    assert groups is not None
    assert groups.attribute == "size_class"
    size = {u: result.units[u].size_class for u in result.result.units}
    for unit in result.result.units:
        assert groups.members[unit] == tuple(u for u in result.result.units if u != unit and size[u] == size[unit])
    intervals = result.estimate_intervals
    assert intervals is not None
    data = result.dataset.to_pandas()
    assert list(intervals[["unit", "period", "indicator"]].itertuples(index=False)) == list(
        data[["unit", "period", "indicator"]].itertuples(index=False)
    )
    z = stats.norm.ppf(0.5 + result.result.confidence / 2)
    approximate = intervals["approximate"].to_numpy()
    assert approximate.any()
    own = data[~approximate]
    pd.testing.assert_series_equal(intervals.loc[~approximate, "low"], own["ci_low"], check_names=False)
    normal = data[approximate]
    assert intervals.loc[approximate, "low"].to_numpy() == pytest.approx((normal["value"] - z * normal["se"]).to_numpy(), rel=1e-14)
    assert intervals.loc[approximate, "high"].to_numpy() == pytest.approx((normal["value"] + z * normal["se"]).to_numpy(), rel=1e-14)
    # suppressed estimates have no interval at all
    assert intervals.loc[data["suppressed"].to_numpy(), ["low", "high"]].isna().all().all()


def test_a_peer_list_keeps_the_description_in_the_report(config: Path, tmp_path: Path) -> None:
    from doelenboom.report import render_report

    listed = run(broken(config, tmp_path, "peers: size_class", "peers: [GM1740, GM1734, GM0275]"))
    assert listed.peers == "list of 3 units"
    # The report of a run has always shown the koploper table's description of a list, not names.
    assert listed.peer_groups == PeerGroups(None, {})
    assert "peers" not in listed.koplopers.attrs
    document = render_report(listed, "nl")
    assert "Vergeleken met: list of 3 units (2 peers)." in document


def test_reach_is_the_number_of_distinct_clients(result: MonitoringRun, config: Path) -> None:
    reg = registrations(config)
    expected = reg.groupby(["gemeente", "jaar"])["client"].nunique()
    data = result.dataset.to_pandas().set_index(["unit", "period", "indicator"])
    for (unit, year), count in expected.items():
        row = data.loc[(unit, year, "ind_clienten_bereikt")]
        assert row["value"] == count
        assert row["se"] == pytest.approx(math.sqrt(count))  # the Poisson error of a count


def test_survey_share_is_the_share_agreeing(result: MonitoringRun, config: Path) -> None:
    answers = pd.read_csv(config.parent / "data" / "antwoorden.csv", dtype={"jaar": str})
    quality = answers[(answers["vraag"] == "ceo_kwaliteit") & answers["antwoord"].notna()]
    share = (quality["antwoord"].astype(float) >= 4).groupby([quality["gemeente"], quality["jaar"]]).mean()
    data = result.dataset.to_pandas().set_index(["unit", "period", "indicator"])
    assert data.loc[("GM0717", "2024", "ind_kwaliteit_goed"), "value"] == pytest.approx(share[("GM0717", "2024")])
    # Ommen's few answers are suppressed: blank, flagged.
    ommen = data.loc[("GM0175", "2023", "ind_kwaliteit_goed")]
    assert ommen["suppressed"]
    assert math.isnan(ommen["value"])


def signal(result: MonitoringRun, unit: str, node: str, rule: str, period: str = "2024", area: str = "") -> pd.Series:
    s = result.signals
    found = s[(s["unit"] == unit) & (s["node"] == node) & (s["rule"] == rule) & (s["period"] == period) & (s["area"] == area)]
    assert len(found) == 1, f"no single {rule} signal for {unit} {area} {node} {period}:\n{s[s['unit'] == unit]}"
    return found.iloc[0]


def test_the_village_without_requests_is_a_reach_alert(result: MonitoringRun, config: Path) -> None:
    reg = registrations(config)
    opheusden = reg[(reg["gemeente"] == "GM1740") & (reg["kern"] == "Opheusden")]
    earlier = opheusden.groupby("jaar")["client"].nunique()
    s = signal(result, "GM1740", "ind_clienten_bereikt", "reach", area="kern=Opheusden")
    assert s["severity"] == "alert"
    assert s["value"] == 0
    assert s["reference"] == pytest.approx(earlier.mean())
    assert s["p_value"] == pytest.approx(stats.poisson.cdf(0, earlier.mean()), rel=1e-9)
    assert "Opheusden (Neder-Betuwe)" in s["message_nl"]
    assert "Opheusden" in s["message_en"]
    # Only Opheusden among Neder-Betuwe's villages.
    villages = result.signals[(result.signals["unit"] == "GM1740") & result.signals["area"].str.startswith("kern=")]
    assert set(villages["area"]) == {"kern=Opheusden"}
    areas = result.areas
    zero = areas[(areas["area"] == "kern=Opheusden") & (areas["period"] == "2024")]
    assert list(zero["value"]) == [0.0]


def test_the_built_in_effects_are_signals(result: MonitoringRun) -> None:
    # Rheden: 45% fewer clients, beyond noise against the baseline and the previous year.
    assert signal(result, "GM0275", "ind_clienten_bereikt", "drop_baseline")["p_value"] < 0.001
    assert signal(result, "GM0275", "ind_clienten_bereikt", "drop_previous")["severity"] == "alert"
    # Veere: the CEO quality question below the norm of 80%, more than 10% of the norm.
    veere = signal(result, "GM0717", "ind_kwaliteit_goed", "norm")
    assert veere["severity"] == "alert"
    assert veere["reference"] == 0.8
    assert veere["value"] < 0.72
    # Teylingen: the median lead time above 28 days (lower is better).
    for year in ("2023", "2024"):
        assert signal(result, "GM1525", "ind_doorlooptijd", "norm", year)["value"] > 28
    # Ommen: too few answers, so much of it suppressed.
    ommen = signal(result, "GM0175", "", "suppressed")
    assert ommen["value"] > 0.25
    # Pekela: its ZRM improvement shows until so many clients improved that fewer than 5 did not
    # (the small-count rule, docs/privacy.md): then the share is suppressed, and no signal, score
    # or change speaks of it.
    zrm = result.dataset.to_pandas().set_index(["unit", "period", "indicator"]).loc["GM0765"]
    assert zrm.loc[("2022", "ind_zrm_verbeterd"), "value"] > zrm.loc[("2021", "ind_zrm_verbeterd"), "value"]
    assert zrm.loc[("2024", "ind_zrm_verbeterd"), "suppressed"]
    s = result.signals
    assert s[(s["unit"] == "GM0765") & (s["node"] == "ind_zrm_verbeterd") & (s["period"] == "2024")].empty
    assert math.isnan(result.koplopers.loc[("GM0765", "ind_zrm_verbeterd"), "change_since_baseline"])
    # Almere: half the reach among residents with a migratieachtergrond.
    almere = signal(result, "GM0034", "ind_clienten_bereikt", "reach", area="migratieachtergrond=ja")
    assert almere["value"] < 0.7 * almere["reference"]


def test_progress_reports_each_step(config: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    run(config, progress=lambda step, number, steps: seen.append((step, number, steps)))
    assert [s for s, _, _ in seen] == [
        "check", "registrations", "questionnaire", "prepost", "estimates", "pipeline", "compare", "trends",
        "signals", "areas",
    ]
    assert [n for _, n, _ in seen] == list(range(1, 11))
    assert {t for _, _, t in seen} == {10}


def test_tables_have_suppressed_cells_blank(result: MonitoringRun, tmp_path: Path) -> None:
    written = write_tables(result, tmp_path / "out")
    assert [p.name for p in written] == [
        "estimates.csv", "indicators.csv", "scores.csv", "koplopers.csv", "signals.csv", "trends.csv",
        "forecasts.csv", "areas.csv", "audit.csv", "about.txt",
    ]
    indicators = pd.read_csv(tmp_path / "out" / "indicators.csv", dtype={"period": str})
    hidden = indicators[indicators["suppressed"] == 1]
    assert len(hidden) == result.dataset.suppressed_count
    assert hidden[["value", "n", "se", "ci_low", "ci_high"]].isna().all().all()
    assert "FICTIEVE GEGEVENS" in (tmp_path / "out" / "about.txt").read_text(encoding="utf-8")
    signals = pd.read_csv(tmp_path / "out" / "signals.csv", dtype={"period": str}, keep_default_na=False)
    assert len(signals) == len(result.signals)


def broken(config: Path, tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(config.parent, folder)
    path = folder / config.name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("files: [data/zrm.csv]", "files: [data/zrm-2024.csv]", ":37: the data file {folder}/data/zrm-2024.csv does not exist"),
        ("      client: client\n", "      client: clientnummer\n", ":22: 'clientnummer' (column 'client') is not a column of"),
        ("  ind_uren: reach.hours", "  ind_urne: reach.hours", ":46: indicators: 'ind_urne' is not a node of the tree"),
        ("suppression_threshold: 10", "suppresion_threshold: 10", ":11: unknown key 'suppresion_threshold'"),
        ("baseline: \"2021\"", "baseline: \"2020\"", ":14: baseline 2020 is not a period of the data"),
    ],
)
def test_config_errors_name_the_line(config: Path, tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = broken(config, tmp_path, old, new)
    with pytest.raises(db.Error) as info:
        run(path)
    assert str(path) + expected.format(folder=path.parent) in str(info.value)


def test_unknown_node_in_a_rule(config: Path, tmp_path: Path) -> None:
    path = broken(config, tmp_path, "signals: signalen.yaml", "signals: signalen.yaml")
    rules = path.with_name("signalen.yaml")
    text = rules.read_text(encoding="utf-8")
    assert len(text.splitlines()) == 5
    rules.write_text(text + "nodes:\n  ind_bestaat_niet:\n    disabled: [reach]\n", encoding="utf-8")
    with pytest.raises(db.ParseError) as info:
        run(path)
    assert f"{rules}:7: node 'ind_bestaat_niet': there is no node 'ind_bestaat_niet' in the tree" in str(info.value)


def test_forecasts_carry_the_linear_trend_prediction_band(result: MonitoringRun) -> None:
    # Four periods: Holt estimates four parameters, so its interval is undefined, and the linear
    # trend's OLS prediction interval (statsmodels, obs_ci) is the band the report draws.
    sm = pytest.importorskip("statsmodels.api")
    import numpy as np

    f = result.forecasts
    assert {"trend_forecast", "trend_se", "trend_low", "trend_high"} <= set(f.columns)
    assert len(result.result.periods) == 4
    assert f["forecast"].notna().sum() > len(f) // 2
    assert f[["se", "low", "high"]].isna().all().all()
    assert f[["trend_forecast", "trend_se", "trend_low", "trend_high"]].notna().all().all()
    checked = 0
    for (unit, node), rows in f.groupby(["unit", "node"]):
        y = result.result.scores.xs(unit, level="unit")[node].dropna()
        # years counted from 2020: the same line, but statsmodels keeps full precision (with x near
        # 2021 its design matrix is ill-conditioned and its intervals are off by up to 1e-8)
        x = np.array([float(p) for p in y.index]) - 2020
        fit = sm.OLS(y.to_numpy(), sm.add_constant(x)).fit()
        at = np.array([float(p) for p in rows["period"]]) - 2020
        expected = fit.get_prediction(sm.add_constant(at, has_constant="add")).summary_frame(alpha=0.05)
        assert np.allclose(rows["trend_forecast"].to_numpy(), expected["mean"].to_numpy(), rtol=1e-9, atol=1e-9)
        assert np.allclose(rows["trend_low"].to_numpy(), expected["obs_ci_lower"].to_numpy(), rtol=1e-9, atol=1e-9)
        assert np.allclose(rows["trend_high"].to_numpy(), expected["obs_ci_upper"].to_numpy(), rtol=1e-9, atol=1e-9)
        checked += 1
    # one pair for every trend (3 or more scores), none for the others
    assert checked == int(result.trends["slope"].notna().sum()) > 350


def test_a_lead_time_is_no_reach_count(result: MonitoringRun) -> None:
    # ind_doorlooptijd is a bereik count with direction -1: the reach rule skips it without a
    # switch in signalen.yaml, while its norm signals stay.
    assert "ind_doorlooptijd" not in (Path(result.config).parent / "signalen.yaml").read_text(encoding="utf-8")
    s = result.signals
    assert s[(s["node"] == "ind_doorlooptijd") & (s["rule"] == "reach")].empty
    assert not s[(s["node"] == "ind_doorlooptijd") & (s["rule"] == "norm")].empty


def test_reach_tests_the_raw_counts_and_rates_say_per_1000(result: MonitoringRun, config: Path) -> None:
    # The pipeline divides ind_clienten_bereikt by population / 1000; the reach rule tests the
    # distinct clients themselves (pandas on the registrations), and the other rules' sentences
    # name the rate's unit.
    reg = registrations(config)
    clients = reg[reg["gemeente"] == "GM0275"].groupby("jaar")["client"].nunique()
    expected = clients[["2021", "2022", "2023"]].mean()
    s = signal(result, "GM0275", "ind_clienten_bereikt", "reach")
    assert s["value"] == clients["2024"]
    assert s["reference"] == pytest.approx(expected, rel=1e-12)
    assert s["p_value"] == pytest.approx(stats.poisson.cdf(clients["2024"], expected), rel=1e-9)
    assert f"gedaald naar {clients['2024']} cliënten, tegen {round(expected)} cliënten verwacht" in s["message_nl"]
    drop = signal(result, "GM0275", "ind_clienten_bereikt", "drop_baseline")
    assert "cliënten per 1.000 inwoners" in drop["message_nl"]
    assert "cliënten per 1,000 inhabitants" in drop["message_en"]
