#!/usr/bin/env python3
"""Benchmark (issue 3): client-level records -> estimates per (unit, period, indicator).

10 million registration rows and 10 million questionnaire answers, given as numpy columns, are
turned into the bereik and survey estimates twice in the same run:

* doelenboom: ``doelenboom._core.estimate.estimate_reach`` / ``estimate_survey`` on the columns (validation,
  grouping, distinct clients, lead-time quantiles, Wilson and t intervals, suppression);
* pandas: the same statistics the way an analyst would compute them with ``groupby`` (single
  threaded, as pandas is), Wilson intervals with statsmodels' vectorised ``proportion_confint``.

Each path runs in its own process, so that its peak memory can be read: the extra memory is the
peak resident size during the estimation (VmHWM after resetting it) minus the resident size just
before, and is reported against the bytes of the input columns. The results are written into
docs/performance.md between the markers of the section ``estimates``.

Usage: benchmarks/bench_estimates.py [--rows 10000000] [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from perfdoc import write_section

UNITS = 344
PERIODS = ["2021", "2022", "2023", "2024"]
CHANNELS = ["telefoon", "balie", "email", "huisbezoek", "chat"]
DOMAINS = ["wonen", "zorg", "werk", "inkomen", "onderwijs", "welzijn", "vervoer", "opvoeding"]
ITEMS = [(f"l{i}", "likert5") for i in range(8)] + [("yn0", "yes_no"), ("yn1", "yes_no")] + [
    ("g0", "grade"),
    ("g1", "grade"),
]


def registrations(n: int, seed: int = 1) -> dict[str, np.ndarray]:
    """Deterministic registrations: about 5 contacts per client, each client in one unit and period."""
    rng = np.random.default_rng(seed)
    clients = max(1, n // 5)
    client_unit = rng.integers(0, UNITS, clients, dtype=np.int32)
    client_period = rng.integers(0, len(PERIODS), clients, dtype=np.int32)
    who = rng.integers(0, clients, n)
    start = rng.integers(18_000, 20_000, n).astype(np.int32)
    end = start + rng.integers(0, 200, n).astype(np.int32)
    end[rng.random(n) < 0.1] = np.iinfo(np.int32).min  # open trajectories
    hours = rng.gamma(2.0, 0.75, n)
    hours[rng.random(n) < 0.05] = np.nan
    channel = rng.integers(0, len(CHANNELS), n, dtype=np.int32)
    channel[rng.random(n) < 0.02] = -1
    return {
        "unit": client_unit[who],
        "period": client_period[who],
        "client": (who.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)),  # stands in for pseudonyms
        "hours": hours,
        "referral": rng.integers(-1, 2, n, dtype=np.int8),
        "referrer_contact": rng.integers(-1, 2, n, dtype=np.int8),
        "channel": channel,
        "life_domain": rng.integers(-1, len(DOMAINS), n, dtype=np.int32),
        "start_day": start,
        "end_day": end,
    }


def answers(n: int, seed: int = 2) -> dict[str, np.ndarray]:
    """Deterministic answers: every respondent answers every item once; a few answers missing."""
    rng = np.random.default_rng(seed)
    k = len(ITEMS)
    respondents = max(1, n // k)
    r_unit = rng.integers(0, UNITS, respondents, dtype=np.int32)
    r_period = rng.integers(0, len(PERIODS), respondents, dtype=np.int32)
    who = np.repeat(np.arange(respondents), k)
    item = np.tile(np.arange(k, dtype=np.int32), respondents)
    value = np.empty(who.size)
    kinds = np.array([t for _, t in ITEMS])[item]
    value[kinds == "likert5"] = rng.integers(1, 6, int((kinds == "likert5").sum()))
    value[kinds == "yes_no"] = rng.integers(0, 2, int((kinds == "yes_no").sum()))
    value[kinds == "grade"] = rng.integers(1, 11, int((kinds == "grade").sum()))
    value[rng.random(who.size) < 0.03] = np.nan
    return {
        "unit": r_unit[who],
        "period": r_period[who],
        "respondent": who.astype(np.uint64) * np.uint64(0xD6E8FEB86659FD93),
        "item": item,
        "value": value,
    }


# ------------------------------------------------------------------------------------------------
# The two implementations


def doelenboom_reach(c: dict[str, np.ndarray]) -> int:
    from doelenboom._core import estimate

    data = estimate.estimate_reach(
        c["unit"], c["period"], c["client"],
        hours=c["hours"], referral=c["referral"], referrer_contact=c["referrer_contact"],
        channel=c["channel"], life_domain=c["life_domain"], start_day=c["start_day"], end_day=c["end_day"],
        unit_names=[f"GM{u:04d}" for u in range(UNITS)], periods=PERIODS,
        channel_names=CHANNELS, life_domain_names=DOMAINS, rate_per=0.0,
    )
    return len(data)


def doelenboom_survey(c: dict[str, np.ndarray]) -> int:
    from doelenboom._core import estimate

    items = [estimate.Item(i, i, t) for i, t in ITEMS]
    data = estimate.estimate_survey(
        c["unit"], c["period"], c["respondent"], c["item"], c["value"],
        unit_names=[f"GM{u:04d}" for u in range(UNITS)], periods=PERIODS, items=items,
    )
    return len(data)


def pandas_reach(c: dict[str, np.ndarray]) -> int:
    import pandas as pd
    from scipy import stats
    from statsmodels.stats.proportion import proportion_confint

    df = pd.DataFrame(c)
    # Vectorised flags first (no Python lambdas in the groupby): what a careful analyst writes.
    df["end_day"] = df["end_day"].where(df["end_day"] != np.iinfo(np.int32).min)
    df["is_referral"] = df["referral"] == 1
    df["is_referrer"] = df["referrer_contact"] == 1
    df["is_phone"] = df["channel"] == 0
    df["is_open"] = df["end_day"].isna()
    keys = ["unit", "period"]
    g = df.groupby(keys)
    out = g.agg(
        contacts=("client", "size"),
        clients=("client", "nunique"),
        hours=("hours", "sum"),
        referrals=("is_referral", "sum"),
        referrer_contacts=("is_referrer", "sum"),
        phone_questions=("is_phone", "sum"),
    )
    per_client = df.groupby([*keys, "client"]).agg(
        contacts=("client", "size"), first=("start_day", "min"), last=("end_day", "max"), open=("is_open", "max")
    )
    cg = per_client.groupby(level=keys)["contacts"]
    mean, sd, n = cg.mean(), cg.std(), cg.size()
    half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)
    out["cpc"], out["cpc_low"], out["cpc_high"] = mean, mean - half, mean + half
    closed = per_client[~per_client["open"]]
    lead = (closed["last"] - closed["first"]).groupby(level=keys)
    out["lead_median"] = lead.quantile(0.5)
    out["lead_p90"] = lead.quantile(0.9)
    dom = df[df["life_domain"] >= 0].drop_duplicates([*keys, "client", "life_domain"])
    counts = dom.pivot_table(index=keys, columns="life_domain", values="client", aggfunc="size", fill_value=0)
    counts = counts.reindex(out.index, fill_value=0)
    shares = counts.div(out["clients"], axis=0)
    lo, hi = proportion_confint(counts.to_numpy(), out["clients"].to_numpy()[:, None], method="wilson")
    return int(out.size + shares.size + lo.size + hi.size)


def pandas_survey(c: dict[str, np.ndarray]) -> int:
    import pandas as pd
    from scipy import stats
    from statsmodels.stats.proportion import proportion_confint

    kinds = np.array([t for _, t in ITEMS])
    df = pd.DataFrame(c).dropna(subset=["value"])
    df["kind"] = kinds[df["item"].to_numpy()]
    g = df.groupby(["unit", "period", "item"])["value"]
    out = g.agg(["size", "mean", "std"])
    half = stats.t.ppf(0.975, out["size"] - 1) * out["std"] / np.sqrt(out["size"])
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    lik = df[df["kind"] == "likert5"]
    agree = (lik["value"] >= 4).groupby([lik["unit"], lik["period"], lik["item"]]).agg(["sum", "size"])
    a_lo, _ = proportion_confint(agree["sum"], agree["size"], method="wilson")
    yn = df[df["kind"] == "yes_no"]
    yes = yn.groupby(["unit", "period", "item"])["value"].agg(["sum", "size"])
    y_lo, _ = proportion_confint(yes["sum"], yes["size"], method="wilson")
    return int(out.size + a_lo.size + y_lo.size)


PATHS = {
    "doelenboom_reach": (registrations, doelenboom_reach),
    "pandas_reach": (registrations, pandas_reach),
    "doelenboom_survey": (answers, doelenboom_survey),
    "pandas_survey": (answers, pandas_survey),
}


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(key)


def child(path: str, rows: int) -> None:
    """Run one path in this process and print time and memory as JSON."""
    make, run = PATHS[path]
    columns = make(rows)
    input_bytes = sum(a.nbytes for a in columns.values())
    run({k: v[:1000] for k, v in columns.items()})  # imports and first-call costs outside the timing
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak resident size
    before = _status("VmRSS")
    start = time.perf_counter()
    size = run(columns)
    seconds = time.perf_counter() - start
    peak = _status("VmHWM")
    print(json.dumps({"seconds": seconds, "input_bytes": input_bytes, "extra_bytes": peak - before, "size": size}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--out", type=Path, default=Path("docs/performance.md"))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.rows)
        return 0
    results = {}
    for path in PATHS:
        out = subprocess.run(
            [sys.executable, __file__, "--child", path, "--rows", str(args.rows)],
            check=True, capture_output=True, text=True,
        ).stdout
        results[path] = json.loads(out.strip().splitlines()[-1])
        print(path, results[path], flush=True)

    def mb(b: float) -> str:
        return f"{b / 2**20:,.0f} MiB"

    lines = [
        "### Estimates from client-level records (issue 3)",
        "",
        (
            f"{args.rows:,} registration rows and {args.rows:,} questionnaire answers (numpy columns; "
            f"{UNITS} units x {len(PERIODS)} periods; generator in `benchmarks/bench_estimates.py`), each path "
            "in its own process, single-threaded."
        ),
        "",
        "| records | doelenboom | pandas groupby | speed-up | doelenboom extra memory / input | pandas extra memory / input |",
        "|---|---|---|---|---|---|",
    ]
    for what, key in (("registrations -> bereik", "reach"), ("answers -> survey", "survey")):
        d, p = results[f"doelenboom_{key}"], results[f"pandas_{key}"]
        lines.append(
            f"| {what} | {d['seconds']:.2f} s | {p['seconds']:.2f} s | {p['seconds'] / d['seconds']:.1f}x | "
            f"{mb(d['extra_bytes'])} / {mb(d['input_bytes'])} = {d['extra_bytes'] / d['input_bytes']:.2f} | "
            f"{mb(p['extra_bytes'])} / {mb(p['input_bytes'])} = {p['extra_bytes'] / p['input_bytes']:.2f} |"
        )
    lines += ["", "Goal: at least 3x faster than pandas, extra memory at most twice the input columns.", ""]
    body = "\n".join(lines)
    write_section(args.out, "estimates", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
