"""The monitoring job end to end: :func:`run` reads a run config (docs/run-config.md) and returns a
:class:`~doelenboom.monitoring.MonitoringRun`; :func:`write_tables` writes its CSV tables.

The work is done by the compiled core (``run_monitoring``): reading and estimating every source,
linking the estimates to the tree's indicators, the pipeline, the koploper table, trends,
forecasts and the signals (also per area and group). This module only converts the result to the
package's classes and DataFrames.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from ._core import monitoring as _monitoring
from .compare import CASE_MIX_WARNING, PeerGroups, _koploper_frame
from .dataset import Dataset
from .goal_tree import GoalTree
from .monitoring import MonitoringRun, estimate_intervals
from .pipeline import PipelineResult
from .signals import RUN_SIGNAL_COLUMNS, _signal_frame
from .units import UnitRegistry, gemeenten_path

if TYPE_CHECKING:
    import pandas as pd

PathLike: TypeAlias = "str | os.PathLike[str]"
#: progress(step, number, steps): called at the start of each step of a run.
Progress: TypeAlias = Callable[[str, int, int], None]

__all__ = ["load_config", "run", "write_tables"]


def load_config(path: PathLike) -> _monitoring.MonitoringConfig:
    """Read a run config; without ``units:`` or ``gemeenten:`` it uses the shipped gemeenten list.

    :class:`~doelenboom.ParseError` lists every problem of the file with its line.
    """
    return _monitoring.MonitoringConfig.load_yaml(os.fspath(path), os.fspath(gemeenten_path()))


def _koplopers(cols: dict[str, Any], seed: object) -> pd.DataFrame:
    """The koploper table as :func:`doelenboom.compare` gives it."""
    frame = _koploper_frame(cols)
    frame.attrs.update({"seed": seed, "warning": CASE_MIX_WARNING})
    return frame


def _frame(cols: dict[str, Any], numeric: tuple[str, ...] = ()) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(cols)
    for name in numeric:
        frame[name] = frame[name].astype("float64")
    return frame


def _areas(core: _monitoring.MonitoringResult) -> pd.DataFrame:
    import pandas as pd

    data = Dataset(core.area_data).to_pandas()
    registry = UnitRegistry._wrap(core.area_units)
    parents, areas, names = [], [], []
    for unit in data["unit"]:
        sub = registry[unit]
        parents.append(sub.parent)
        areas.append(unit[len(sub.parent) + 1 :])
        names.append(sub.name)
    return pd.DataFrame(
        {
            "unit": pd.array(parents, dtype=object),
            "area": pd.array(areas, dtype=object),
            "name": pd.array(names, dtype=object),
            "period": data["period"],
            "indicator": data["indicator"],
            "value": data["value"],
            "n": data["n"],
            "suppressed": data["suppressed"],
        }
    )


def run(config: PathLike, progress: Progress | None = None) -> MonitoringRun:
    """Run the monitoring job of a run config (docs/run-config.md) and return everything it made.

    ``progress(step, number, steps)`` is called at the start of each step (``"registrations"``,
    ``"pipeline"``, ...). Problems of the config (unknown files, columns, nodes, keys) raise
    :class:`~doelenboom.ParseError` listing them all with the config's file and line, before any
    data is read; bad data raise :class:`~doelenboom.DataError`. Nothing is written.
    """
    cfg = load_config(config)
    core = _monitoring.run_monitoring(cfg, progress)
    data_dir = Path(core.data_dir) if str(core.data_dir) else None
    koplopers = _koplopers(core.koplopers, None)
    dataset = Dataset(core.indicator_data)
    result = PipelineResult(core.result)
    units = UnitRegistry._wrap(core.units)
    groups = PeerGroups._from_core(core.peer_groups)
    if not groups.attribute:
        # Peers given as a list of units (or an empty attribute): the report of a run has always
        # shown each unit's group as the koploper table describes it ("list of 12 units (11
        # peers)"), not by name; groups without members keep it so.
        groups = PeerGroups(None, {})
    else:
        # The unit attribute the peers share, as doelenboom.compare(peers=...) records it.
        koplopers.attrs["peers"] = groups.attribute
    return MonitoringRun(
        name=core.name,
        tree=GoalTree._wrap(core.tree),
        dataset=dataset,
        result=result,
        units=units,
        baseline=core.baseline,
        period=core.period,
        koplopers=koplopers,
        signals=_signal_frame(core.signals, RUN_SIGNAL_COLUMNS),
        trends=_frame(core.trends, ("slope", "slope_low", "slope_high", "intercept")),
        forecasts=_frame(
            core.forecasts,
            ("forecast", "low", "high", "se", "trend_forecast", "trend_se", "trend_low", "trend_high"),
        ),
        stories=_frame(core.stories),
        duiding=_frame(core.duiding),
        peers=core.peers,
        fictitious=core.fictitious,
        data_dir=data_dir,
        estimates=Dataset(core.estimates),
        areas=_areas(core),
        indicators_without_data=list(core.indicators_without_data),
        config=Path(os.fspath(config)),
        output_dir=Path(core.output),
        peer_groups=groups,
        estimate_intervals=estimate_intervals(dataset, result.confidence),
        _core=core,
    )


def write_tables(run: MonitoringRun, directory: PathLike | None = None) -> list[Path]:
    """Write the run's CSV tables (docs/run-config.md) into ``directory`` (default: the config's
    ``output`` folder), each file atomically; returns the paths written."""
    core = run._core
    if core is None:
        msg = "write_tables needs a MonitoringRun made by doelenboom.run()"
        raise ValueError(msg)
    target = Path(os.fspath(directory)) if directory is not None else run.output_dir
    if target is None:
        msg = "no output folder: give one"
        raise ValueError(msg)
    return [Path(p) for p in core.write_tables(os.fspath(target))]
