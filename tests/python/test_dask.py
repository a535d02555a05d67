"""doelenboom.dask on a dask.distributed LocalCluster with two worker processes: the estimates of
a dask DataFrame in several partitions equal the single-process estimates of the same rows
exactly (every number bit for bit), for registrations, answers and pre/post scores, and so does a
pipeline run on them. The hours, also of non-dyadic registrations, are the correctly rounded sum
(math.fsum) on both paths."""

from __future__ import annotations

import math
import pickle
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import doelenboom as db
from doelenboom._core.estimate import ReachPartial

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
import doelenboom.dask as dbd

KEY = b"0123456789abcdef-dask-test"
ITEMS = [
    {"id": "geholpen", "type": "likert5", "scale": "putten"},
    {"id": "serieus", "type": "likert5", "scale": "putten"},
    {"id": "onduidelijk", "type": "likert5", "scale": "putten", "reversed": True},
    {"id": "tevreden", "type": "yes_no"},
    {"id": "cijfer", "type": "grade"},
]


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, silence_logs=40
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def _registrations(n: int, rng: np.random.Generator, *, quarters: bool = True) -> pd.DataFrame:
    start = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    end = start + pd.to_timedelta(rng.integers(0, 90, n), unit="D")
    end = end.where(rng.random(n) > 0.2)  # open trajectories
    hours = rng.integers(1, 16, n) * 0.25 if quarters else rng.random(n) * 3
    return pd.DataFrame(
        {
            "unit": rng.choice(["GM0363", "GM0344", "GM0202"], n),
            "period": rng.choice(["2023", "2024"], n),
            "client": rng.integers(0, 120, n).astype(str),
            "hours": np.where(rng.random(n) < 0.1, np.nan, hours),
            "referral": rng.choice(["ja", "nee", None], n),
            "channel": rng.choice(["telefoon", "balie", "mail", None], n),
            "life_domain": rng.choice(["wonen", "geld", "zorg", "werk", None], n),
            "start_date": start,
            "end_date": end,
        }
    )


def _answers(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for respondent in range(300):
        unit = str(rng.choice(["GM0363", "GM0344"]))
        period = str(rng.choice(["2024-Q1", "2024-Q2"]))
        instrument = str(rng.choice(["kort", "lang"]))
        level = int(rng.integers(1, 6))
        for item in ITEMS:
            if rng.random() < 0.1:
                continue
            if item["type"] == "likert5":
                value: float = float(np.clip(level + rng.integers(-1, 2), 1, 5))
            elif item["type"] == "yes_no":
                value = float(rng.integers(0, 2))
            else:
                value = float(rng.integers(2, 21)) / 2
            if rng.random() < 0.05:
                value = math.nan
            rows.append((unit, period, instrument, f"r{respondent}", item["id"], value))
    frame = pd.DataFrame(rows, columns=["unit", "period", "instrument", "respondent", "item", "value"])
    return frame.sample(frac=1.0, random_state=3).reset_index(drop=True)


def _prepost(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for client in range(200):
        unit = str(rng.choice(["GM0363", "GM0344"]))
        level = int(rng.integers(1, 6))
        for domain in ("financien", "huisvesting", "werk", "sociaal"):
            pre = float(np.clip(level + rng.integers(-1, 2), 1, 5))
            post = float(np.clip(pre + rng.integers(-1, 3), 1, 5))
            rows.append((unit, "2024", f"c{client}", domain, pre, post if rng.random() > 0.1 else math.nan))
    frame = pd.DataFrame(rows, columns=["unit", "period", "client", "domain", "pre", "post"])
    return frame.sample(frac=1.0, random_state=5).reset_index(drop=True)


def _exactly_equal(a: db.Dataset, b: db.Dataset) -> None:
    pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas(), check_exact=True)


@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_reach_equals_the_single_process_estimate(client: distributed.Client, npartitions: int) -> None:
    frame = _registrations(2500, np.random.default_rng(npartitions))
    single = db.estimate_reach(frame, KEY, suppression_threshold=0)
    ddf = dd.from_pandas(frame, npartitions=npartitions, sort=False)
    assert ddf.npartitions == npartitions
    merged = dbd.estimate_reach(ddf, KEY, suppression_threshold=0, split_every=2)
    _exactly_equal(merged, single)
    assert len(single.to_pandas()) > 50


def test_reach_hours_are_the_correctly_rounded_sum(client: distributed.Client) -> None:
    frame = _registrations(3000, np.random.default_rng(9), quarters=False)
    ddf = dd.from_pandas(frame, npartitions=5, sort=False)
    merged = dbd.estimate_reach(ddf, KEY, suppression_threshold=0)
    # The single process sums hours exactly as well, so even 20-minute hours agree bit for bit.
    _exactly_equal(merged, db.estimate_reach(frame, KEY, suppression_threshold=0))
    out = merged.to_pandas()
    hours = out[out["indicator"] == "reach.hours"].set_index(["unit", "period"])["value"]
    expected = frame.groupby(["unit", "period"])["hours"].apply(lambda h: math.fsum(h.dropna()))
    assert len(hours) == len(expected) == 6
    for (unit, period), value in expected.items():
        assert hours[(unit, str(period))] == value


def test_survey_equals_the_single_process_estimate(client: distributed.Client) -> None:
    frame = _answers(np.random.default_rng(1))
    for per_instrument in (False, True):
        single = db.estimate_survey(frame, ITEMS, KEY, per_instrument=per_instrument)
        ddf = dd.from_pandas(frame, npartitions=4, sort=False)
        merged = dbd.estimate_survey(ddf, ITEMS, KEY, per_instrument=per_instrument, split_every=3)
        _exactly_equal(merged, single)
        assert {"putten.alpha", "putten.mean", "cijfer.mean", "tevreden.yes"} <= set(single.to_pandas()["indicator"])


def test_survey_item_mean_and_sd_match_numpy(client: distributed.Client) -> None:
    frame = _answers(np.random.default_rng(2))
    ddf = dd.from_pandas(frame, npartitions=3, sort=False)
    out = dbd.estimate_survey(ddf, ITEMS, KEY).to_pandas().set_index(["unit", "period", "indicator"])
    answered = frame[(frame["item"] == "cijfer") & frame["value"].notna()]
    for (unit, period), values in answered.groupby(["unit", "period"])["value"]:
        row = out.loc[(unit, pd.Period(period, "Q").strftime("%Y-Q%q"), "cijfer.mean")]
        assert row["value"] == pytest.approx(values.mean(), rel=1e-15)
        assert row["se"] == pytest.approx(values.std(ddof=1) / math.sqrt(len(values)), rel=1e-13)


def test_prepost_equals_the_single_process_estimate(client: distributed.Client) -> None:
    frame = _prepost(np.random.default_rng(4))
    single = db.estimate_prepost(frame, KEY)
    ddf = dd.from_pandas(frame, npartitions=5, sort=False)
    merged = dbd.estimate_prepost(ddf, KEY, split_every=2)
    _exactly_equal(merged.estimates, single.estimates)
    pd.testing.assert_frame_equal(merged.shifts, single.shifts, check_exact=True)
    assert "zrm.score.reliably_improved" in set(single.estimates.to_pandas()["indicator"])


def test_pipeline_on_the_merged_estimates_equals_the_single_process_run(
    client: distributed.Client, tmp_path: Path
) -> None:
    tree_file = tmp_path / "boom.yaml"
    tree_file.write_text(
        "doelenboom: 1\n"
        "name: test\n"
        "levels: [doel, indicator]\n"
        "nodes:\n"
        "  - {id: resultaat, label: Resultaat, level: doel}\n"
        "  - {id: reach.clients, label: Clienten, kind: indicator, level: indicator, parents: [resultaat]}\n"
        "  - {id: reach.conversations_per_client, label: Gesprekken, kind: indicator, level: indicator, parents: [resultaat]}\n"
        "  - {id: putten.mean, label: Putten, kind: indicator, level: indicator, parents: [resultaat]}\n"
        "  - {id: zrm.score.improved, label: Verbeterd, kind: indicator, level: indicator, parents: [resultaat]}\n",
        encoding="utf-8",
    )
    tree = db.GoalTree.load(tree_file)
    pipeline = db.Pipeline(normalise="minmax", unused_data="ignore")
    rng = np.random.default_rng(6)
    registrations = _registrations(2000, rng)
    registrations["period"] = "2024"
    answers = _answers(rng).assign(period="2024")
    prepost = _prepost(rng)
    single_data = (
        db.estimate_reach(registrations, KEY)
        .concat(db.estimate_survey(answers, ITEMS, KEY))
        .concat(db.estimate_prepost(prepost, KEY).estimates)
    )
    single = pipeline.run(tree, single_data)
    merged = dbd.run(
        tree,
        pipeline,
        KEY,
        registrations=dd.from_pandas(registrations, npartitions=3, sort=False),
        answers=dd.from_pandas(answers, npartitions=2, sort=False),
        items=ITEMS,
        prepost=dd.from_pandas(prepost, npartitions=4, sort=False),
    )
    pd.testing.assert_frame_equal(merged.scores, single.scores, check_exact=True)
    assert merged.scores.notna().to_numpy().any()


def test_partials_pickle_and_merge_with_the_empty_partial() -> None:
    frame = _registrations(300, np.random.default_rng(8))
    parts = [p.compute(scheduler="sync") for p in dbd.reach_partials(dd.from_pandas(frame, npartitions=2), KEY)]
    merged = ReachPartial.merge(*parts)
    assert merged.rows == 300
    assert pickle.loads(pickle.dumps(merged)) == merged
    assert ReachPartial.merge(ReachPartial(), merged) == merged
    assert ReachPartial.merge(parts[1], parts[0]) == merged
    with pytest.raises(db.DataError, match="not a serialised ReachPartial"):
        ReachPartial.from_bytes(merged.to_bytes()[:-1])


def test_bad_input_in_a_partition_is_reported_and_a_pseudonymiser_is_refused() -> None:
    frame = _registrations(100, np.random.default_rng(10))
    frame.loc[60, "hours"] = -2.0
    ddf = dd.from_pandas(frame, npartitions=2, sort=False)
    with pytest.raises(db.DataError, match="hours"):
        dbd.estimate_reach(ddf, KEY)
    with pytest.raises(TypeError, match="key itself"):
        dbd.estimate_reach(ddf, db.Pseudonymiser(KEY))
    with pytest.raises(ValueError, match="split_every"):
        dbd.merge_tree([], split_every=1)


def test_the_options_are_those_of_the_single_process_estimators() -> None:
    frame = _registrations(50, np.random.default_rng(12))
    ddf = dd.from_pandas(frame.rename(columns={"client": "klant"}), npartitions=2, sort=False)
    merged = dbd.estimate_reach(ddf, KEY, columns={"client": "klant"}, prefix="bereik.", suppression_threshold=0)
    single = db.estimate_reach(frame, KEY, prefix="bereik.", suppression_threshold=0)
    _exactly_equal(merged, single)
    with pytest.raises(TypeError, match="unexpected keyword arguments: colour"):
        dbd.estimate_reach(ddf, KEY, colour="red")
