"""The estimators against independent pandas / numpy / SciPy / statsmodels computations on
generated data (numpy seeded), the pseudonyms against Python's hmac, and bad input."""

from __future__ import annotations

import hmac
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

import doelenboom as db
from doelenboom import _estimate_columns as est_columns
from doelenboom import estimates as est
from doelenboom.units import Unit, UnitRegistry

KEY = b"a key of at least sixteen bytes"
OTHER_KEY = b"another key, also long enough"
UNITS = ["GM0001", "GM0002", "GM0003", "GM0004", "GM0005"]
PERIODS = ["2023-Q1", "2023-Q2", "2023-Q3"]


def hmac_pseudonym(key: bytes, client_id: str) -> int:
    return int.from_bytes(hmac.new(key, client_id.encode(), "sha256").digest()[:8], "big")


def estimates_frame(dataset: db.Dataset) -> pd.DataFrame:
    return dataset.to_pandas().set_index(["unit", "period", "indicator"])


def close(actual: float, expected: float, rel: float = 1e-12) -> bool:
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=1e-14)


# ---- reach ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registrations() -> pd.DataFrame:
    """~20k contacts: 5 units, 3 quarters, clients with several contacts, hours missing in ~10%,
    channel missing in ~10%, dates missing in ~5%, ~15% of the trajectories still open."""
    rng = np.random.default_rng(20240611)
    n = 20_000
    unit = rng.choice(UNITS, n)
    period = rng.choice(PERIODS, n)
    client = np.array([f"client-{i}" for i in rng.integers(0, 3000, n)])
    hours = rng.gamma(2.0, 0.75, n).round(2)
    hours[rng.random(n) < 0.1] = np.nan
    channel = rng.choice(["telefoon", "balie", "huisbezoek", "e-mail"], n).astype(object)
    channel[rng.random(n) < 0.1] = None
    domain = rng.choice(["zorg", "welzijn", "wonen", "werk en inkomen", "onderwijs"], n).astype(object)
    domain[rng.random(n) < 0.05] = None
    referral = rng.choice(np.array(["ja", "nee", None], dtype=object), n, p=[0.3, 0.6, 0.1])
    referrer = rng.random(n) < 0.2
    start = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 270, n), unit="D")
    end = start + pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    start = pd.Series(start)
    end = pd.Series(end)
    end[rng.random(n) < 0.15] = pd.NaT  # open
    no_dates = rng.random(n) < 0.05
    start[no_dates] = pd.NaT
    end[no_dates] = pd.NaT
    return pd.DataFrame(
        {
            "unit": unit,
            "period": period,
            "client": client,
            "hours": hours,
            "referral": referral,
            "referrer_contact": referrer,
            "channel": channel,
            "life_domain": domain,
            "start_date": start,
            "end_date": end,
        }
    )


@pytest.fixture(scope="module")
def reach(registrations: pd.DataFrame) -> pd.DataFrame:
    units = UnitRegistry(
        [Unit(u, f"Gemeente {i}", population=10_000.0 * (i + 1)) for i, u in enumerate(UNITS)]
    )
    dataset = est.estimate_reach(registrations, KEY, units, suppression_threshold=0, small_count_threshold=0)
    assert isinstance(dataset, db.Dataset)
    return estimates_frame(dataset)


def test_reach_counts_equal_pandas(registrations: pd.DataFrame, reach: pd.DataFrame) -> None:
    g = registrations.groupby(["unit", "period"])
    expected = pd.DataFrame(
        {
            "clients": g["client"].nunique(),
            "contacts": g.size(),
            "hours": g["hours"].sum(),
            "referrals": g["referral"].apply(lambda s: (s == "ja").sum()),
            "referrer_contacts": g["referrer_contact"].sum(),
            "phone_questions": g["channel"].apply(lambda s: (s == "telefoon").sum()),
        }
    )
    assert len(expected) == 15
    for (unit, period), row in expected.iterrows():
        for name, value in row.items():
            got = reach.loc[(unit, period, f"reach.{name}")]
            assert close(got["value"], float(value), 1e-12), (unit, period, name, got["value"], value)
            assert got["n"] == row["clients"]
            assert not got["suppressed"]


def test_reach_conversations_per_client_equal_pandas(
    registrations: pd.DataFrame, reach: pd.DataFrame
) -> None:
    per_client = registrations.groupby(["unit", "period", "client"]).size()
    for (unit, period), counts in per_client.groupby(level=["unit", "period"]):
        x = counts.to_numpy(dtype=float)
        got = reach.loc[(unit, period, "reach.conversations_per_client")]
        assert close(got["value"], x.mean())
        low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        assert close(got["ci_low"], low, 1e-9)
        assert close(got["ci_high"], high, 1e-9)


def test_reach_lead_time_equals_numpy_quantiles(registrations: pd.DataFrame, reach: pd.DataFrame) -> None:
    # Per client: last end - first start; a client with a started but unended contact is open and
    # left out, as is a client without a start or an end.
    r = registrations.assign(open=registrations["start_date"].notna() & registrations["end_date"].isna())
    per_client = r.groupby(["unit", "period", "client"]).agg(
        first=("start_date", "min"), last=("end_date", "max"), open=("open", "any")
    )
    closed = per_client[~per_client["open"] & per_client["first"].notna() & per_client["last"].notna()]
    days = (closed["last"] - closed["first"]).dt.days.astype(float)
    for (unit, period), d in days.groupby(level=["unit", "period"]):
        x = d.to_numpy()
        median = reach.loc[(unit, period, "reach.lead_time_median_days")]
        p90 = reach.loc[(unit, period, "reach.lead_time_p90_days")]
        assert median["value"] == np.quantile(x, 0.5)
        assert p90["value"] == np.quantile(x, 0.9)
        assert median["n"] == len(x)


def test_reach_life_domain_shares_with_wilson(registrations: pd.DataFrame, reach: pd.DataFrame) -> None:
    for (unit, period), group in registrations.groupby(["unit", "period"]):
        clients = group["client"].nunique()
        for domain in ["zorg", "welzijn", "wonen", "werk en inkomen", "onderwijs"]:
            with_domain = group.loc[group["life_domain"] == domain, "client"].nunique()
            got = reach.loc[(unit, period, f"reach.share_life_domain.{domain}")]
            assert close(got["value"], with_domain / clients)
            low, high = proportion_confint(with_domain, clients, alpha=0.05, method="wilson")
            assert close(got["ci_low"], low, 1e-12)
            assert close(got["ci_high"], high, 1e-12)


def test_reach_clients_per_1000_inhabitants(registrations: pd.DataFrame, reach: pd.DataFrame) -> None:
    clients = registrations.groupby(["unit", "period"])["client"].nunique()
    for (unit, period), count in clients.items():
        population = 10_000.0 * (UNITS.index(unit) + 1)
        assert close(reach.loc[(unit, period, "reach.clients_per_1000")]["value"], count / population * 1000)


def test_reach_suppresses_small_cells_by_default(registrations: pd.DataFrame) -> None:
    small = registrations[registrations["client"].isin(["client-1", "client-2", "client-3"])]
    frame = est.estimate_reach(small, KEY).to_pandas()
    assert frame["suppressed"].all()
    assert frame["value"].isna().all()


def test_reach_accepts_renamed_columns_and_period_objects(registrations: pd.DataFrame) -> None:
    frame = registrations[["unit", "period", "client"]].rename(columns={"client": "cliëntnummer"})
    frame = frame.assign(period=pd.PeriodIndex(frame["period"].str.replace("-", ""), freq="Q"))
    got = estimates_frame(
        est.estimate_reach(frame, KEY, columns={"client": "cliëntnummer"}, suppression_threshold=0, small_count_threshold=0)
    )
    expected = registrations.groupby(["unit", "period"])["client"].nunique()
    for (unit, period), count in expected.items():
        assert got.loc[(unit, period, "reach.clients")]["value"] == count


# ---- pseudonyms -----------------------------------------------------------------------------


def test_pseudonyms_equal_python_hmac_and_depend_on_the_key() -> None:
    ids = ["client-1", "client-2", "Ëlse", "client-1", 123, 123.0]
    first = est.pseudonymise(ids, KEY)
    again = est.pseudonymise(pd.Series(ids, dtype=object), KEY)
    other = est.pseudonymise(ids, OTHER_KEY)
    assert first.dtype == np.uint64
    assert [int(v) for v in first] == [
        hmac_pseudonym(KEY, str(i) if not isinstance(i, float) else "123") for i in ids
    ]
    assert (first == again).all()
    assert first[0] == first[3]
    assert first[4] == first[5]  # 123 and 123.0 are the id '123', as in a CSV file
    assert (first != other).all()
    p = est.Pseudonymiser(KEY)
    assert p("client-1") == hmac_pseudonym(KEY, "client-1")
    assert p.hex("client-1") == f"{hmac_pseudonym(KEY, 'client-1'):016x}"
    assert "sixteen" not in repr(p)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint16", "uint64"])
def test_pseudonyms_of_integer_columns_equal_python_hmac_of_their_text(dtype: str) -> None:
    info = np.iinfo(dtype)
    ids = pd.Series(np.array([info.min, info.max, 0, 7, info.max, 7], dtype=dtype))
    got = est.pseudonymise(ids, KEY)
    assert [int(v) for v in got] == [hmac_pseudonym(KEY, str(int(i))) for i in ids]


def test_pseudonymiser_rejects_a_short_key() -> None:
    with pytest.raises(db.DataError, match="at least 16 bytes"):
        est.Pseudonymiser(b"short")


def test_csv_reader_pseudonyms_equal_python_hmac(tmp_path) -> None:
    path = tmp_path / "zrm.csv"
    path.write_text(
        "unit,period,client,domain,pre,post\nA,2023,c-1,financien,2,3\nA,2023,c-2,financien,3,3\n"
    )
    table = db._core.estimate.read_prepost_csv(str(path), est.Pseudonymiser(KEY))
    assert [int(v) for v in table["client"]] == [hmac_pseudonym(KEY, "c-1"), hmac_pseudonym(KEY, "c-2")]


def test_pseudonymising_a_missing_id_is_an_error() -> None:
    with pytest.raises(db.DataError, match=r"row 2, field 'id': empty id"):
        est.pseudonymise(["a", None, "b"], KEY)


# ---- survey ---------------------------------------------------------------------------------

ITEMS_YAML = """doelenboom_items: 1
items:
  - {id: geholpen, label: De ondersteuning heeft mij geholpen, type: likert5}
  - {id: zelf_verder, label: Ik kan zelf verder, type: likert5, scale: regie}
  - {id: keuzes, label: Ik kon zelf keuzes maken, type: likert5, scale: regie}
  - {id: niet_gehoord, label: Ik voelde me niet gehoord, type: likert5, scale: regie, reversed: true}
  - {id: bekend, label: "Wist u dat u gebruik kunt maken van clientondersteuning?", type: yes_no}
  - {id: cijfer, label: Rapportcijfer, type: grade}
"""
LIKERT = ["geholpen", "zelf_verder", "keuzes", "niet_gehoord"]
SCALE = ["zelf_verder", "keuzes", "niet_gehoord"]


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for unit in UNITS[:3]:
        for period in ["2023", "2024"]:
            for r in range(int(rng.integers(40, 80))):
                respondent = f"{unit}-{period}-{r}"
                level = rng.integers(1, 6)
                for item in LIKERT:
                    base = 6 - level if item == "niet_gehoord" else level
                    value = float(np.clip(base + rng.integers(-1, 2), 1, 5))
                    rows.append((unit, period, respondent, item, np.nan if rng.random() < 0.08 else value))
                rows.append(
                    (unit, period, respondent, "bekend", rng.choice(["ja", "nee", "Ja", "1", "0", ""]))
                )
                rows.append((unit, period, respondent, "cijfer", float(rng.integers(10, 21)) / 2))
    return pd.DataFrame(rows, columns=["unit", "period", "respondent", "item", "value"])


def test_survey_equals_statsmodels_and_scipy(answers: pd.DataFrame) -> None:
    got = estimates_frame(est.estimate_survey(answers, ITEMS_YAML, KEY, suppression_threshold=0, small_count_threshold=0))
    for (unit, period), group in answers.groupby(["unit", "period"]):
        for item in LIKERT:
            x = pd.to_numeric(group.loc[group["item"] == item, "value"]).dropna().to_numpy()
            agree = int((x >= 4).sum())
            row = got.loc[(unit, period, f"{item}.agree")]
            assert row["n"] == len(x)
            assert close(row["value"], agree / len(x))
            low, high = proportion_confint(agree, len(x), alpha=0.05, method="wilson")
            assert close(row["ci_low"], low, 1e-12)
            assert close(row["ci_high"], high, 1e-12)
            mean = got.loc[(unit, period, f"{item}.mean")]
            low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
            assert close(mean["value"], x.mean())
            assert close(mean["ci_low"], low, 1e-9)
            assert close(mean["ci_high"], high, 1e-9)
        yes = group.loc[group["item"] == "bekend", "value"].str.lower()
        yes = yes[yes != ""]
        count = int(yes.isin(["ja", "1"]).sum())
        row = got.loc[(unit, period, "bekend.yes")]
        assert row["n"] == len(yes)
        low, high = proportion_confint(count, len(yes), alpha=0.05, method="wilson")
        assert close(row["value"], count / len(yes))
        assert close(row["ci_low"], low, 1e-12)
        grades = pd.to_numeric(group.loc[group["item"] == "cijfer", "value"]).to_numpy()
        assert close(got.loc[(unit, period, "cijfer.mean")]["value"], grades.mean())


def test_survey_scale_alpha_and_score_equal_numpy(answers: pd.DataFrame) -> None:
    got = estimates_frame(est.estimate_survey(answers, ITEMS_YAML, KEY, suppression_threshold=0, small_count_threshold=0))
    scale = answers[answers["item"].isin(SCALE)].copy()
    scale["value"] = pd.to_numeric(scale["value"])
    scale.loc[scale["item"] == "niet_gehoord", "value"] = (
        6 - scale.loc[scale["item"] == "niet_gehoord", "value"]
    )
    # pivot, not pivot_table: the missing answers must stay as NaN rows, not be aggregated away.
    wide = scale.pivot(index=["unit", "period", "respondent"], columns="item", values="value")  # noqa: PD010
    for (unit, period), m in wide.groupby(level=["unit", "period"]):
        x = m[SCALE].dropna().to_numpy()
        k = x.shape[1]
        alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
        row = got.loc[(unit, period, "regie.alpha")]
        assert row["n"] == len(x)
        assert close(row["value"], alpha, 1e-10)
        scores = x.mean(axis=1)
        mean = got.loc[(unit, period, "regie.mean")]
        assert close(mean["value"], scores.mean(), 1e-12)
        low, high = stats.t.interval(0.95, len(scores) - 1, loc=scores.mean(), scale=stats.sem(scores))
        assert close(mean["ci_low"], low, 1e-9)
        assert close(mean["ci_high"], high, 1e-9)


def test_survey_items_from_dicts_and_per_instrument() -> None:
    frame = pd.DataFrame(
        {
            "unit": ["A"] * 4,
            "period": [2023] * 4,
            "instrument": ["kort", "kort", "lang", "lang"],
            "respondent": [1, 2, 1, 3],
            "item": ["q"] * 4,
            "value": [5, 2, 4, 4],
        }
    )
    items = [{"id": "q", "label": "Geholpen", "type": "likert5"}]
    got = estimates_frame(
        est.estimate_survey(frame, items, KEY, per_instrument=True, suppression_threshold=0, small_count_threshold=0)
    )
    assert got.loc[("A", "2023", "q.agree")]["value"] == 0.75
    assert got.loc[("A", "2023", "q@kort.agree")]["value"] == 0.5
    assert got.loc[("A", "2023", "q@lang.mean")]["value"] == 4.0


def test_survey_bad_input_names_rows() -> None:
    frame = pd.DataFrame(
        {
            "unit": ["A", "A", "A", "A"],
            "period": ["2023"] * 4,
            "respondent": ["r1", "r2", "r3", "r1"],
            "item": ["geholpen", "geholpen", "onbekend", "geholpen"],
            "value": [6, 3.5, 4, 4],
        }
    )
    with pytest.raises(db.DataError) as info:
        est.estimate_survey(frame, ITEMS_YAML, KEY)
    message = str(info.value)
    assert "row 3, field 'item': unknown item 'onbekend'" in message
    frame.loc[2, "item"] = "keuzes"
    with pytest.raises(db.DataError) as info:
        est.estimate_survey(frame, ITEMS_YAML, KEY)
    message = str(info.value)
    assert "row 1, field 'value': value 6 for likert5 item 'geholpen' is outside 1..5" in message
    assert "row 2, field 'value': value 3.5 for likert5 item 'geholpen' is not a whole number" in message
    assert "row 4 repeats the answer of the same respondent to item 'geholpen'" in message
    assert "given on row 1" in message
    assert {p["code"] for p in info.value.problems} == {"bad_value", "duplicate_answer"}
    with pytest.raises(db.DataError, match="missing required column 'value'"):
        est.estimate_survey(frame.drop(columns="value"), ITEMS_YAML, KEY)
    with pytest.raises(db.DataError, match="unknown column 'opmerking'"):
        est.estimate_survey(frame.assign(opmerking="x"), ITEMS_YAML, KEY)
    with pytest.raises(db.ParseError, match="unknown key 'colour'"):
        est.load_items("doelenboom_items: 1\nitems:\n  - {id: a, label: A, type: likert5, colour: red}\n")


# ---- pre/post -------------------------------------------------------------------------------

DOMAINS = ["financien", "wonen", "huiselijke_relaties", "geestelijke_gezondheid", "dagbesteding"]


@pytest.fixture(scope="module")
def zrm() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    rows = []
    for unit in UNITS[:4]:
        for period in ["2023", "2024"]:
            for c in range(int(rng.integers(20, 70))):
                client = f"{unit}-{c}"  # the same client may return in the next period
                level = rng.integers(1, 5)
                gain = rng.choice([-1, 0, 0, 1, 1, 2])
                for domain in DOMAINS:
                    pre = float(np.clip(level + rng.integers(-1, 2), 1, 5))
                    post = float(np.clip(pre + gain + rng.integers(-1, 2), 1, 5))
                    if rng.random() < 0.07:
                        pre = np.nan
                    if rng.random() < 0.07:
                        post = np.nan
                    rows.append((unit, period, client, domain, pre, post))
    return pd.DataFrame(rows, columns=["unit", "period", "client", "domain", "pre", "post"])


def client_scores(frame: pd.DataFrame) -> pd.DataFrame:
    both = frame.dropna(subset=["pre", "post"])
    sums = both.groupby(["unit", "period", "client"]).agg(
        pre=("pre", "sum"), post=("post", "sum"), k=("pre", "size")
    )
    return pd.DataFrame(
        {
            "pre": sums["pre"] / sums["k"],
            "post": sums["post"] / sums["k"],
            "change": (sums["post"] - sums["pre"]) / sums["k"],
        }
    )


def test_prepost_equals_scipy_and_statsmodels(zrm: pd.DataFrame) -> None:
    result = est.estimate_prepost(zrm, KEY, reliability=0.85, suppression_threshold=0, small_count_threshold=0)
    got = estimates_frame(result.estimates)
    scores = client_scores(zrm)
    for (unit, period), s in scores.groupby(level=["unit", "period"]):
        change = s["change"].to_numpy()
        n = len(change)
        for name, count in [
            ("improved", (change > 0).sum()),
            ("same", (change == 0).sum()),
            ("worse", (change < 0).sum()),
        ]:
            row = got.loc[(unit, period, f"zrm.score.{name}")]
            low, high = proportion_confint(int(count), n, alpha=0.05, method="wilson")
            assert close(row["value"], count / n)
            assert close(row["ci_low"], low, 1e-12)
            assert close(row["ci_high"], high, 1e-12)
        mean = got.loc[(unit, period, "zrm.score.mean_change")]
        low, high = stats.t.interval(0.95, n - 1, loc=change.mean(), scale=stats.sem(change))
        assert close(mean["value"], change.mean(), 1e-12)
        assert close(mean["ci_low"], low, 1e-9)
        assert close(mean["ci_high"], high, 1e-9)
        # Wilcoxon signed-rank on the client score changes, n = nonzero changes.
        w = got.loc[(unit, period, "zrm.score.wilcoxon_p")]
        assert close(w["value"], stats.wilcoxon(change).pvalue, 1e-9)
        assert w["n"] == (change != 0).sum()
        # Effect sizes with the standardiser named.
        d_z = change.mean() / change.std(ddof=1)
        assert close(got.loc[(unit, period, "zrm.score.effect_dz")]["value"], d_z, 1e-12)
        d_av = change.mean() / ((s["pre"].std(ddof=1) + s["post"].std(ddof=1)) / 2)
        assert close(got.loc[(unit, period, "zrm.score.effect_dav")]["value"], d_av, 1e-12)
        # RCI with the given reliability and the sd of this unit's pre scores.
        s_diff = math.sqrt(2) * s["pre"].std(ddof=1) * math.sqrt(1 - 0.85)
        rci = (s["post"] - s["pre"]).to_numpy() / s_diff
        up = got.loc[(unit, period, "zrm.score.reliably_improved")]
        assert close(up["value"], (rci > 1.959963984540054).mean(), 1e-12)
        assert close(
            got.loc[(unit, period, "zrm.score.reliably_worse")]["value"], (rci < -1.959963984540054).mean()
        )
    # Per domain shares and the shift tables equal pandas' crosstab.
    both = zrm.dropna(subset=["pre", "post"])
    for (unit, period, domain), d in both.groupby(["unit", "period", "domain"]):
        row = got.loc[(unit, period, f"zrm.{domain}.improved")]
        assert close(row["value"], (d["post"] > d["pre"]).mean())
        assert row["n"] == len(d)
        table = result.shifts[
            (result.shifts["unit"] == unit)
            & (result.shifts["period"] == period)
            & (result.shifts["domain"] == domain)
        ]
        expected = pd.crosstab(d["pre"].astype(int), d["post"].astype(int)).reindex(
            index=range(1, 6), columns=range(1, 6), fill_value=0
        )
        counts = table.pivot(index="pre", columns="post", values="count").astype(int)  # noqa: PD010
        assert (counts.to_numpy() == expected.to_numpy()).all()


def test_prepost_reliability_from_cronbachs_alpha(zrm: pd.DataFrame) -> None:
    result = est.estimate_prepost(zrm, KEY, suppression_threshold=0, small_count_threshold=0)
    got = estimates_frame(result.estimates)
    wide = zrm.pivot(index=["unit", "period", "client"], columns="domain", values="pre")  # noqa: PD010
    x = wide[DOMAINS].dropna().to_numpy()
    k = x.shape[1]
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    scores = client_scores(zrm)
    for (unit, period), s in scores.groupby(level=["unit", "period"]):
        s_diff = math.sqrt(2) * s["pre"].std(ddof=1) * math.sqrt(1 - alpha)
        rci = (s["post"] - s["pre"]).to_numpy() / s_diff
        row = got.loc[(unit, period, "zrm.score.reliably_improved")]
        assert close(row["value"], (rci > 1.959963984540054).mean(), 1e-12)
        assert f"reliability {alpha:.4g} = Cronbach's alpha" in row["method"]
        assert f"of the {len(x)} clients with all {k} domains scored" in row["method"]


def test_prepost_shift_tables_are_blanked_when_small(zrm: pd.DataFrame) -> None:
    result = est.estimate_prepost(zrm[zrm["client"].str.endswith("-1")], KEY, reliability=0.8)
    assert result.shifts["suppressed"].all()
    assert result.shifts["count"].isna().all()
    assert result.estimates.to_pandas()["value"].isna().all()


def test_prepost_bad_input_names_rows() -> None:
    frame = pd.DataFrame(
        {
            "unit": ["A", "A", "A"],
            "period": ["2023", "2023", "2023"],
            "client": ["c1", "c2", "c1"],
            "domain": ["financien", "financien", "financien"],
            "pre": [6, 2.5, 3],
            "post": ["3", "abc", 3],
        }
    )
    with pytest.raises(db.DataError) as info:
        est.estimate_prepost(frame, KEY, reliability=0.8)
    assert "row 2, field 'post': score 'abc' is not a number" in str(info.value)
    frame.loc[1, "post"] = 3
    with pytest.raises(db.DataError) as info:
        est.estimate_prepost(frame, KEY, reliability=0.8)
    message = str(info.value)
    assert "row 1, field 'pre': score 6 is outside 1..5" in message
    assert "row 2, field 'pre': score 2.5 is not a whole number" in message
    assert (
        "row 3 repeats domain 'financien' of the same client in unit 'A', period 2023 given on row 1"
        in message
    )
    assert "c1" not in message


def test_reach_reads_text_cells_and_names_bad_ones() -> None:
    frame = pd.DataFrame(
        {
            "unit": ["A", "A", "A", "A"],
            "period": ["2023", "2023", "2023", "2023"],
            "client": ["1", "2", "3", "4"],
            "hours": ["1.5", "", "2", None],
            "referral": ["Ja", "nee", "", "YES"],
            "start_date": ["2023-01-02", "2023-01-05", "", "2023-02-01"],
            "end_date": ["2023-01-12", "", "", "2023-02-03"],
        }
    )
    got = estimates_frame(est.estimate_reach(frame, KEY, suppression_threshold=0, small_count_threshold=0))
    assert got.loc[("A", "2023", "reach.hours")]["value"] == 3.5
    assert got.loc[("A", "2023", "reach.referrals")]["value"] == 2
    # Clients 1 (10 days) and 4 (2 days) are closed; 2 is open, 3 has no dates.
    assert got.loc[("A", "2023", "reach.lead_time_median_days")]["value"] == 6.0
    assert got.loc[("A", "2023", "reach.lead_time_median_days")]["n"] == 2
    bad = frame.assign(referral=["ja", "misschien", "", "nee"], end_date=["2023-13-01", "", "", "2023-01-01"])
    with pytest.raises(db.DataError) as info:
        est.estimate_reach(bad, KEY)
    message = str(info.value)
    assert "row 2, field 'referral': 'misschien' (expected ja/nee, yes/no, true/false, 1/0 or empty)" in message
    assert "row 1, field 'end_date': date '2023-13-01' (expected an ISO date YYYY-MM-DD)" in message
    with pytest.raises(db.DataError) as info:
        est.estimate_reach(frame.assign(end_date=["2023-01-12", "", "", "2023-01-01"]), KEY)
    assert "end date 2023-01-01 is before start date 2023-02-01" in str(info.value)
    with pytest.raises(db.DataError, match="row 3, field 'client': empty client"):
        est.estimate_reach(frame.assign(client=["1", "2", None, "4"]), KEY)
    with pytest.raises(db.DataError, match="only one of the columns 'start_date' and 'end_date'"):
        est.estimate_reach(frame.drop(columns="end_date"), KEY)


def test_a_frame_is_read_as_its_csv_file_is(tmp_path) -> None:
    # One reader for both: the same codes, pseudonyms and values, and the same messages, naming
    # the frame's rows where the file's name its lines.
    frame = pd.DataFrame(
        {
            "unit": ["A", "B", "A"],
            "period": ["2023", "2023", "2024"],
            "client": ["c1", "c2", "c1"],
            "hours": [1.5, np.nan, 2.0],
            "referral": ["ja", None, "NEE"],
            "channel": ["telefoon", None, "balie"],
            "start_date": pd.to_datetime(["2023-01-02", None, "2024-03-01"]),
            "end_date": pd.to_datetime(["2023-01-09", None, None]),
        }
    )
    path = tmp_path / "r.csv"
    frame.to_csv(path, index=False, date_format="%Y-%m-%d")
    key = est.Pseudonymiser(KEY)
    from_csv = db._core.estimate.read_registrations_csv(str(path), key)
    args, kwargs = est_columns.read_reach(frame, KEY, None, "DataFrame")
    from_frame = dict(zip(("unit", "period", "client"), args, strict=True)) | kwargs
    for name in ("unit", "period", "client", "hours", "referral", "channel", "start_day", "end_day"):
        np.testing.assert_array_equal(from_frame[name], from_csv[name], err_msg=name)
    for name in ("unit_names", "periods", "channel_names"):
        assert from_frame[name] == from_csv[name], name
    bad = frame.assign(referral=["ja", "misschien", None])
    bad.to_csv(path, index=False, date_format="%Y-%m-%d")
    with pytest.raises(db.DataError) as in_file:
        db._core.estimate.read_registrations_csv(str(path), key)
    with pytest.raises(db.DataError) as in_frame:
        est.estimate_reach(bad, KEY)
    assert (
        str(in_file.value)
        == f"{path}:3, row 2, field 'referral': 'misschien' (expected ja/nee, yes/no, true/false, 1/0 or empty)"
    )
    assert (
        str(in_frame.value)
        == "DataFrame, row 2, field 'referral': 'misschien' (expected ja/nee, yes/no, true/false, 1/0 or empty)"
    )


def test_items_from_dicts_are_checked_by_the_compiled_module() -> None:
    items = est.load_items([{"id": "a", "type": "likert5"}, est.Item("b", type="yes_no")])
    assert [(i.id, i.type) for i in items] == [("a", "likert5"), ("b", "yes_no")]
    with pytest.raises(db.DataError) as info:
        est.load_items([{"id": "a"}, {"id": "b", "colour": "red", "size": 2}])
    assert str(info.value) == (
        "2 problems:\n  row 2: unknown key 'colour' (expected id, label, type, scale, reversed)"
        "\n  row 2: unknown key 'size' (expected id, label, type, scale, reversed)"
    )
    with pytest.raises(db.DataError, match="row 2: duplicate item id 'a'"):
        est.load_items([{"id": "a"}, {"id": "a"}])


def test_all_or_none_agreeing_get_the_se_of_the_wilson_interval() -> None:
    """Issue 15, "17/17": a share of 17/17 (and 0/17) gets the half-width of its 95% Wilson interval
    over z as its se, not sqrt(p(1-p)/n) = 0; 12/17 keeps the binomial se. Its node's interval in
    the pipeline then has that width instead of "100,0 [100,0 - 100,0]"."""
    agree = {"GM0001": 17, "GM0002": 0, "GM0003": 12}
    rows = [(unit, 2023, f"{unit}-{r}", "geholpen", 5 if r < k else 1) for unit, k in agree.items() for r in range(17)]
    frame = pd.DataFrame(rows, columns=["unit", "period", "respondent", "item", "value"])
    got = estimates_frame(est.estimate_survey(frame, ITEMS_YAML, KEY, suppression_threshold=0, small_count_threshold=0))
    z = stats.norm.ppf(0.975)
    low, high = proportion_confint(17, 17, alpha=0.05, method="wilson")
    assert low == pytest.approx(0.8156818649911481, abs=1e-12)  # "81,6%-100%"
    assert high == 1.0
    full = got.loc[("GM0001", "2023", "geholpen.agree")]
    assert full["value"] == 1.0
    assert close(full["se"], (1.0 - low) / (2 * z), 1e-12)
    none = got.loc[("GM0002", "2023", "geholpen.agree")]
    low0, high0 = proportion_confint(0, 17, alpha=0.05, method="wilson")
    assert low0 == 0.0
    assert close(none["se"], high0 / (2 * z), 1e-12)
    assert close(none["se"], full["se"], 1e-12)
    some = got.loc[("GM0003", "2023", "geholpen.agree")]
    assert close(some["se"], math.sqrt(12 / 17 * 5 / 17 / 17), 1e-12)

    tree = db.GoalTree.from_yaml(
        "doelenboom: 1\nlevels: [doel, indicator]\nnodes:\n  - {id: top, label: Top, level: doel}\n"
        "  - {id: geholpen.agree, label: Geholpen, level: indicator, kind: indicator, parents: [top]}\n"
    )
    result = db.Pipeline(normalise="minmax").run(tree, got.reset_index()[lambda f: f["indicator"] == "geholpen.agree"])
    bounds = result.intervals.loc[("GM0001", "2023"), "top"]
    assert result.scores.loc[("GM0001", "2023"), "top"] == 100.0
    assert bounds["high"] - bounds["low"] == pytest.approx(2 * z * 100 * full["se"], rel=1e-12)
