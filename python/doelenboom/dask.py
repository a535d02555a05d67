"""The estimators on dask.dataframe partitions: the same estimates as
:func:`doelenboom.estimate_reach`, :func:`~doelenboom.estimate_survey` and
:func:`~doelenboom.estimate_prepost`, bit for bit, from data too large for one machine.

Each partition becomes a mergeable partial statistic on a worker (its columns coded and its ids
pseudonymised there), the partials are merged in a tree (``split_every`` at a time; the merge is
associative and commutative), and the merged partial is finalised into a
:class:`~doelenboom.Dataset` in the calling process. docs/dask.md says what each partial holds and
why the result is exact; it also names what is shipped to the workers (the pseudonymisation key).

Without a ``dask.distributed`` client the default dask scheduler runs the graph; with one (e.g.
``Client("tcp://scheduler:8786")``) it runs on that cluster.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from . import estimates
from ._core import estimate as _estimate
from ._core import graph as _graph
from ._estimate_columns import (
    Key,
    PrePostOptions,
    ReachOptions,
    SurveyOptions,
    Units,
    core_options,
    read_prepost,
    read_reach,
    read_survey,
    with_defaults,
)
from .dataset import Dataset
from .estimates import Item, PathLike, PrePostResult, load_items

if TYPE_CHECKING:
    import dask.dataframe as dd
    from dask.delayed import Delayed
    from typing_extensions import Unpack

    from .goal_tree import GoalTree
    from .pipeline import Pipeline, PipelineResult

__all__ = [
    "estimate_prepost",
    "estimate_reach",
    "estimate_survey",
    "merge_tree",
    "prepost_partials",
    "reach_partials",
    "run",
    "survey_partials",
]

P = TypeVar("P", _estimate.ReachPartial, _estimate.SurveyPartial, _estimate.PrePostPartial)


def _position(index: int) -> int:
    """The position of the first row of partition ``index``: its rows sort after all earlier ones."""
    return index << _estimate.partition_position_bits


def _key_for_workers(key: Key) -> bytes | str:
    if isinstance(key, (bytes, str)):
        return key
    msg = (
        "doelenboom.dask needs the pseudonymisation key itself (bytes or str), not a Pseudonymiser: "
        "the key is shipped to the workers, which pseudonymise their partitions (docs/dask.md)"
    )
    raise TypeError(msg)


def _partials(ddf: dd.DataFrame, build: Callable[[Any, int], Any]) -> list[Delayed]:
    from dask.delayed import delayed

    parts = ddf.to_delayed()  # type: ignore[no-untyped-call]
    return [delayed(build)(part, _position(i)) for i, part in enumerate(parts)]


def _merge_all(*partials: P) -> P:
    return functools.reduce(type(partials[0]).merge, partials)


def merge_tree(partials: Sequence[Delayed], split_every: int = 8) -> Delayed:
    """The partials merged in a tree, ``split_every`` at a time, as one delayed partial."""
    from dask.delayed import delayed

    if split_every < 2:
        msg = f"split_every = {split_every} (expected at least 2)"
        raise ValueError(msg)
    level = list(partials)
    if not level:
        msg = "no partials to merge (expected at least one partition)"
        raise ValueError(msg)
    while len(level) > 1:
        level = [delayed(_merge_all)(*level[i : i + split_every]) for i in range(0, len(level), split_every)]
    return level[0]


def _compute(partial: Delayed) -> Any:
    from dask.base import compute

    (result,) = compute(partial)  # type: ignore[no-untyped-call]
    return result


def _options(
    estimator: Callable[..., Any], names: type[Any], options: Mapping[str, Any], units: Units
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The columns and source of the frame, and the options of the compiled finaliser: those of
    the single-process ``estimator``, with its defaults."""
    full = with_defaults(estimator, names, options)
    frame = {"columns": full.pop("columns"), "source": full.pop("source")}
    return frame, core_options(units, **full)


# ---- reach ----------------------------------------------------------------------------------


def _reach_partition(
    df: Any, position: int, key: bytes | str, columns: Mapping[str, str] | None, source: str
) -> _estimate.ReachPartial:
    args, kwargs = read_reach(df, key, columns, source)
    return _estimate.reach_partial(*args, position=position, **kwargs)


def reach_partials(
    ddf: dd.DataFrame, key: Key, *, columns: Mapping[str, str] | None = None, source: str = "DataFrame"
) -> list[Delayed]:
    """One delayed :class:`ReachPartial` per partition (for :func:`merge_tree`)."""
    build = functools.partial(_reach_partition, key=_key_for_workers(key), columns=columns, source=source)
    return _partials(ddf, build)


def estimate_reach(
    ddf: dd.DataFrame,
    key: Key,
    units: Units = None,
    *,
    split_every: int = 8,
    **options: Unpack[ReachOptions],
) -> Dataset:
    """:func:`doelenboom.estimate_reach` of a dask DataFrame of registrations: the same keyword
    arguments (``options``: columns, prefix, phone_channel, rate_per, suppression_threshold,
    source) and the same result (the hours as the correctly rounded sum: docs/dask.md)."""
    frame, finalise = _options(estimates.estimate_reach, ReachOptions, options, units)
    merged = _compute(merge_tree(reach_partials(ddf, key, **frame), split_every))
    return Dataset(_estimate.estimate_reach_partial(merged, **finalise))


# ---- survey ---------------------------------------------------------------------------------


def _survey_partition(
    df: Any,
    position: int,
    items: list[dict[str, Any]],
    key: bytes | str,
    columns: Mapping[str, str] | None,
    source: str,
) -> _estimate.SurveyPartial:
    args, kwargs = read_survey(df, load_items(items), key, columns, source)
    return _estimate.survey_partial(*args, position=position, **kwargs)


def survey_partials(
    ddf: dd.DataFrame,
    items: PathLike | Sequence[Item | Mapping[str, Any]],
    key: Key,
    *,
    columns: Mapping[str, str] | None = None,
    source: str = "DataFrame",
) -> list[Delayed]:
    """One delayed :class:`SurveyPartial` per partition (for :func:`merge_tree`)."""
    # Items travel as plain dicts (the compiled Item does not pickle).
    shipped = [
        {"id": i.id, "label": i.label, "type": i.type, "scale": i.scale, "reversed": i.reversed}
        for i in load_items(items)
    ]
    build = functools.partial(
        _survey_partition, items=shipped, key=_key_for_workers(key), columns=columns, source=source
    )
    return _partials(ddf, build)


def estimate_survey(
    ddf: dd.DataFrame,
    items: PathLike | Sequence[Item | Mapping[str, Any]],
    key: Key,
    units: Units = None,
    *,
    split_every: int = 8,
    **options: Unpack[SurveyOptions],
) -> Dataset:
    """:func:`doelenboom.estimate_survey` of a dask DataFrame of answers: the same keyword
    arguments (``options``: columns, per_instrument, confidence, suppression_threshold, source)
    and the same result."""
    frame, finalise = _options(estimates.estimate_survey, SurveyOptions, options, units)
    merged = _compute(merge_tree(survey_partials(ddf, items, key, **frame), split_every))
    return Dataset(_estimate.estimate_survey_partial(merged, **finalise))


# ---- pre/post -------------------------------------------------------------------------------


def _prepost_partition(
    df: Any,
    position: int,
    key: bytes | str,
    columns: Mapping[str, str] | None,
    source: str,
    min_score: int,
    max_score: int,
) -> _estimate.PrePostPartial:
    args, kwargs = read_prepost(df, key, columns, source, {"min_score": min_score, "max_score": max_score})
    return _estimate.prepost_partial(*args, min_score=min_score, max_score=max_score, position=position, **kwargs)


def prepost_partials(
    ddf: dd.DataFrame,
    key: Key,
    *,
    columns: Mapping[str, str] | None = None,
    min_score: int = 1,
    max_score: int = 5,
    source: str = "DataFrame",
) -> list[Delayed]:
    """One delayed :class:`PrePostPartial` per partition (for :func:`merge_tree`)."""
    build = functools.partial(
        _prepost_partition,
        key=_key_for_workers(key),
        columns=columns,
        source=source,
        min_score=int(min_score),
        max_score=int(max_score),
    )
    return _partials(ddf, build)


def estimate_prepost(
    ddf: dd.DataFrame,
    key: Key,
    units: Units = None,
    *,
    split_every: int = 8,
    **options: Unpack[PrePostOptions],
) -> PrePostResult:
    """:func:`doelenboom.estimate_prepost` of a dask DataFrame of pre/post scores: the same keyword
    arguments (``options``: columns, prefix, min_score, max_score, reliability, confidence,
    suppression_threshold, source) and the same result."""
    frame, finalise = _options(estimates.estimate_prepost, PrePostOptions, options, units)
    scale = {"min_score": finalise["min_score"], "max_score": finalise["max_score"]}
    merged = _compute(merge_tree(prepost_partials(ddf, key, **scale, **frame), split_every))
    return PrePostResult.of(_estimate.estimate_prepost_partial(merged, **finalise))


# ---- the pipeline on the merged estimates ---------------------------------------------------


def run(
    tree: GoalTree | _graph.GoalTree,
    pipeline: Pipeline,
    key: Key,
    *,
    registrations: dd.DataFrame | None = None,
    answers: dd.DataFrame | None = None,
    items: PathLike | Sequence[Item | Mapping[str, Any]] | None = None,
    prepost: dd.DataFrame | None = None,
    units: Units = None,
    suppression_threshold: float = 10,
    split_every: int = 8,
) -> PipelineResult:
    """The estimates of the dask DataFrames given (registrations, answers with their ``items``,
    pre/post scores; default options), concatenated in that order, aggregated by ``pipeline`` over
    ``tree``: what ``pipeline.run(tree, reach.concat(survey).concat(prepost.estimates), units)``
    gives on the single-process estimates."""
    parts: list[Dataset] = []
    common: dict[str, Any] = {"suppression_threshold": suppression_threshold, "split_every": split_every}
    if registrations is not None:
        parts.append(estimate_reach(registrations, key, units, **common))
    if answers is not None:
        if items is None:
            msg = "answers need their items (an items file or a list of Item)"
            raise ValueError(msg)
        parts.append(estimate_survey(answers, items, key, units, **common))
    if prepost is not None:
        parts.append(estimate_prepost(prepost, key, units, **common).estimates)
    if not parts:
        msg = "nothing to estimate (expected registrations, answers or prepost)"
        raise ValueError(msg)
    data = functools.reduce(Dataset.concat, parts)
    return pipeline.run(tree, data, units)
