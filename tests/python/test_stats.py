"""doelenboom._core.stats against SciPy, NumPy and statsmodels on many seeded random inputs.

Tolerances: 1e-12 relative (p-values of the Wilcoxon normal approximation 1e-9); quantiles exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as scipy_stats
from statsmodels.stats import proportion

from doelenboom._core import DataError, stats

RTOL = 1e-12


def close(actual: float, expected: float, rtol: float = RTOL, atol: float = 0.0) -> bool:
    return abs(actual - expected) <= rtol * abs(expected) + atol


# ---------------------------------------------------------------------------------------------
# wilson == statsmodels proportion_confint(method="wilson")


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_wilson_matches_statsmodels(confidence: float) -> None:
    rng = np.random.default_rng(1)
    ns = [1, 2, 3, 5, 10, 37, 100, 250, 1000, 123457]
    for n in ns:
        counts = {0, n, *rng.integers(0, n + 1, size=5).tolist()}
        for count in sorted(counts):
            ci = stats.wilson(count, n, confidence)
            low, high = proportion.proportion_confint(count, n, alpha=1 - confidence, method="wilson")
            assert ci.estimate == count / n
            # atol: statsmodels leaves e.g. 0.9999999999999999 where the bound is exactly 1.
            assert close(ci.low, low, atol=1e-15), (count, n, ci.low, low)
            assert close(ci.high, high, atol=1e-15), (count, n, ci.high, high)
            assert ci.n == n
            assert ci.confidence == confidence


def test_wilson_weighted_count() -> None:
    ci = stats.wilson(12.5, 40, 0.8)
    low, high = proportion.proportion_confint(12.5, 40, alpha=0.2, method="wilson")
    assert close(ci.low, low)
    assert close(ci.high, high)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((0, 0), "n = 0"),
        ((11, 10), "successes = 11 > n = 10"),
        ((-1, 10), "successes = -1"),
        ((3, 10, 1.0), "confidence = 1"),
        ((3, 10, 95), "confidence = 95"),
    ],
)
def test_wilson_errors(args: tuple[float, ...], fragment: str) -> None:
    with pytest.raises(DataError, match=fragment):
        stats.wilson(*args)


# ---------------------------------------------------------------------------------------------
# mean_interval == numpy mean/std(ddof=1) + scipy.stats.t.interval


def test_mean_interval_matches_scipy_t() -> None:
    rng = np.random.default_rng(2)
    for n in [*range(2, 30), 50, 100, 500]:
        for confidence in (0.8, 0.95, 0.99):
            x = rng.normal(7.0, 2.5, size=n)
            m = stats.mean_interval(x, confidence)
            mean = x.mean()
            sd = x.std(ddof=1)
            se = sd / math.sqrt(n)
            low, high = scipy_stats.t.interval(confidence, n - 1, loc=mean, scale=se)
            assert m.n == n
            assert m.interval_defined
            assert close(m.mean, mean)
            assert close(m.sd, sd)
            assert close(m.se, se)
            assert close(m.low, low), (n, confidence, m.low, low)
            assert close(m.high, high), (n, confidence, m.high, high)


def test_mean_interval_single_value() -> None:
    m = stats.mean_interval([4.5])
    assert m.n == 1
    assert m.mean == 4.5
    assert not m.interval_defined
    assert all(math.isnan(v) for v in (m.sd, m.se, m.low, m.high))


def test_mean_interval_errors() -> None:
    with pytest.raises(DataError, match="n = 0"):
        stats.mean_interval(np.array([], dtype=float))
    with pytest.raises(DataError, match=r"x\[2\] = nan"):
        stats.mean_interval([1.0, 2.0, float("nan")])
    with pytest.raises(DataError, match="1-D"):
        stats.mean_interval(np.ones((2, 2)))


# ---------------------------------------------------------------------------------------------
# quantile == numpy.quantile (method="linear"), bit for bit


def test_quantile_matches_numpy_exactly() -> None:
    rng = np.random.default_rng(3)
    ps = np.concatenate([[0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1 / 3], rng.uniform(size=30)])
    for n in [1, 2, 3, 4, 5, 7, 10, 33, 100, 1001]:
        for data in (rng.normal(size=n), np.round(rng.normal(size=n) * 2) / 2):  # continuous, with ties
            s = np.sort(data)
            for p in ps:
                expected = float(np.quantile(data, p))
                assert stats.quantile(s, p) == expected, (n, p)
                assert stats.quantile_unsorted(data, p) == expected, (n, p)


def test_quantile_errors() -> None:
    with pytest.raises(DataError, match="ascending"):
        stats.quantile([1.0, 3.0, 2.0], 0.5)
    with pytest.raises(DataError, match=r"p = 1\.5"):
        stats.quantile_unsorted([1.0, 2.0], 1.5)
    with pytest.raises(DataError, match="no data"):
        stats.quantile_unsorted(np.array([], dtype=float), 0.5)


# ---------------------------------------------------------------------------------------------
# wilcoxon_signed_rank == scipy.stats.wilcoxon(d) (defaults)


def expected_method(d: np.ndarray) -> str:
    """scipy 1.17 method="auto" (scipy/stats/_wilcoxon.py), decided on len(d) including zeros."""
    nonzero = np.abs(d[d != 0])
    has_ties = len(np.unique(nonzero)) < len(nonzero)
    has_zeros = bool(np.any(d == 0))
    if len(d) > 50:
        return "normal"
    if not (has_ties or has_zeros):
        return "exact"
    return "permutation" if len(d) <= 13 else "normal"


def check_wilcoxon(d: np.ndarray) -> None:
    if not np.any(d != 0):
        with pytest.raises(DataError, match="all zero"):
            stats.wilcoxon_signed_rank(d)
        return
    ours = stats.wilcoxon_signed_rank(d)
    ref = scipy_stats.wilcoxon(d)
    assert ours.method == expected_method(d), d
    assert ours.n == len(d)
    assert ours.n_zero == int(np.sum(d == 0))
    assert ours.statistic == float(ref.statistic), d
    assert ours.statistic == min(ours.r_plus, ours.r_minus)
    if ours.method == "normal":
        assert close(ours.p_value, float(ref.pvalue), 1e-9), (d, ours.p_value, ref.pvalue)
        z = scipy_stats.wilcoxon(d, method="asymptotic").zstatistic
        assert close(ours.z, float(z)), (d, ours.z, z)
    else:
        assert close(ours.p_value, float(ref.pvalue)), (d, ours.p_value, ref.pvalue)
        assert math.isnan(ours.z)


@pytest.mark.parametrize("n", range(1, 61))
def test_wilcoxon_matches_scipy(n: int) -> None:
    rng = np.random.default_rng(1000 + n)
    samples = [
        rng.normal(0.3, 1.0, size=n),  # no ties, no zeros
        rng.normal(0.0, 1.0, size=n),
        rng.integers(-2, 3, size=n).astype(float),  # ZRM-like changes: ties and zeros
        rng.integers(-4, 6, size=n).astype(float),
        np.round(rng.normal(0.5, 1.0, size=n), 1),  # rounded scores: ties
        np.where(rng.uniform(size=n) < 0.2, 0.0, rng.normal(0.4, 1.0, size=n)),  # zeros, no other ties
    ]
    for d in samples:
        check_wilcoxon(d)


def test_wilcoxon_method_boundaries() -> None:
    rng = np.random.default_rng(5)
    # 13 vs 14 with one zero: permutation vs normal; 50 vs 51 without ties: exact vs normal.
    base = rng.permutation(np.arange(1, 60)) * np.where(rng.uniform(size=59) < 0.3, -1.0, 1.0)
    for d, method in [
        (np.concatenate([[0.0], base[:12]]), "permutation"),
        (np.concatenate([[0.0], base[:13]]), "normal"),
        (base[:50], "exact"),
        (base[:51], "normal"),
    ]:
        assert stats.wilcoxon_signed_rank(d).method == method
        check_wilcoxon(d)


def test_wilcoxon_all_zero_and_nan() -> None:
    with pytest.raises(DataError, match="all zero"):
        stats.wilcoxon_signed_rank([0.0, 0.0])
    with pytest.raises(DataError, match=r"differences\[1\] = nan"):
        stats.wilcoxon_signed_rank([1.0, float("nan")])


# ---------------------------------------------------------------------------------------------
# cronbach_alpha == the textbook formula in numpy


def alpha_numpy(items: np.ndarray) -> float:
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))


def test_cronbach_matches_numpy() -> None:
    rng = np.random.default_rng(6)
    for n in (2, 3, 10, 57, 400):
        for k in (2, 3, 5, 13):
            trait = rng.normal(size=(n, 1))
            items = np.clip(np.round(3 + trait + rng.normal(size=(n, k))), 1, 5)  # Likert 1..5
            if items.sum(axis=1).var() == 0:
                continue
            assert close(stats.cronbach_alpha(items), alpha_numpy(items), 1e-12, 1e-14), (n, k)
            # Fortran order and integer dtype are accepted too.
            assert close(
                stats.cronbach_alpha(np.asfortranarray(items).astype(int)), alpha_numpy(items), 1e-12, 1e-14
            )


def test_cronbach_hand_example_and_errors() -> None:
    items = np.array([[2, 3, 3], [4, 4, 5], [3, 3, 4], [5, 4, 4]], dtype=float)
    assert close(stats.cronbach_alpha(items), 5 / 6)
    items[2, 1] = np.nan
    with pytest.raises(DataError, match="row 2, column 1"):
        stats.cronbach_alpha(items)
    with pytest.raises(DataError, match="k = 1"):
        stats.cronbach_alpha(np.ones((3, 1)))


# ---------------------------------------------------------------------------------------------
# rci, paired_effect, shift_table


def test_rci() -> None:
    assert stats.reliable_change_threshold == pytest.approx(scipy_stats.norm.ppf(0.975), rel=1e-15)
    rng = np.random.default_rng(7)
    pre = rng.integers(5, 40, size=100).astype(float)
    post = pre + rng.normal(0, 6, size=100)
    for sd, rel in [(7.5, 0.88), (10.0, 0.82), (3.0, 0.0)]:
        expected = (post - pre) / (math.sqrt(2) * sd * math.sqrt(1 - rel))
        got = stats.rci(pre, post, sd, rel)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
        assert isinstance(stats.rci(pre[0], post[0], sd, rel), float)
        assert close(stats.rci(pre[0], post[0], sd, rel), float(got[0]))
    assert close(stats.rci(12, 24, 10, 0.82), 2.0)  # S_diff = 10 * sqrt(2 * 0.18) = 6
    with pytest.raises(DataError, match="reliability = 1"):
        stats.rci(1, 2, 1, 1.0)
    with pytest.raises(DataError, match=r"len\(pre\) = 2"):
        stats.rci([1, 2], [1, 2, 3], 1, 0.5)


def test_paired_effect_matches_numpy_and_ttest_rel() -> None:
    rng = np.random.default_rng(8)
    for n in (2, 3, 5, 20, 150):
        pre = rng.integers(1, 6, size=n).astype(float) + rng.normal(0, 0.1, size=n)
        post = pre + rng.normal(0.4, 1.0, size=n)
        e = stats.paired_effect(pre, post)
        d = post - pre
        sd_pre, sd_post, sd_diff = pre.std(ddof=1), post.std(ddof=1), d.std(ddof=1)
        j = 1 - 3 / (4 * (n - 1) - 1)
        assert e.n == n
        assert close(e.mean_difference, d.mean(), 1e-12, 1e-15)
        assert close(e.sd_pre, sd_pre)
        assert close(e.sd_post, sd_post)
        assert close(e.sd_diff, sd_diff)
        assert close(e.d_z, d.mean() / sd_diff, 1e-12, 1e-15)
        assert close(e.hedges_j, j, 1e-12, 1e-15)
        assert close(e.g_z, j * d.mean() / sd_diff, 1e-12, 1e-15)
        assert close(e.d_av, d.mean() / ((sd_pre + sd_post) / 2), 1e-12, 1e-15)
        # d_z = t / sqrt(n) for the paired t-test
        t = scipy_stats.ttest_rel(post, pre).statistic
        assert close(e.d_z, float(t) / math.sqrt(n), 1e-11, 1e-15)
        assert e.standardiser_z == "sd of the differences"
        assert e.standardiser_av == "average sd of pre and post"


def test_shift_table_matches_numpy() -> None:
    rng = np.random.default_rng(9)
    pre = rng.integers(1, 6, size=500)
    post = np.clip(pre + rng.integers(-1, 3, size=500), 1, 5)
    t = stats.shift_table(pre, post, 1, 5)
    expected = np.zeros((5, 5), dtype=np.int64)
    np.add.at(expected, (pre - 1, post - 1), 1)
    np.testing.assert_array_equal(t.counts, expected)
    assert t.counts.dtype == np.int64
    assert (t.n, t.improved, t.same, t.worse) == (
        500,
        int(np.sum(post > pre)),
        int(np.sum(post == pre)),
        int(np.sum(post < pre)),
    )
    # whole-number floats (as read from CSV) are accepted
    np.testing.assert_array_equal(
        stats.shift_table(pre.astype(float), post.astype(float), 1, 5).counts, expected
    )


def test_shift_table_errors() -> None:
    with pytest.raises(DataError, match=r"pre\[1\] = 6 is outside \[1, 5\]"):
        stats.shift_table([1, 6], [1, 2], 1, 5)
    with pytest.raises(DataError, match=r"post\[0\] = 2\.5 is not a whole number"):
        stats.shift_table([1, 2], [2.5, 2], 1, 5)
    with pytest.raises(DataError, match=r"post\[1\] = nan"):
        stats.shift_table([1, 2], [2, float("nan")], 1, 5)
    with pytest.raises(DataError, match=r"min = 5 > max = 1"):
        stats.shift_table([], [], 5, 1)
    with pytest.raises(DataError, match=r"len\(pre\) = 1"):
        stats.shift_table([1], [1, 2], 1, 5)
