"""Stubs of doelenboom._core, the compiled part of doelenboom (hand-written; `make lint` checks them
against the module with mypy.stubtest). The module holds the error classes; everything else is in
one submodule per stage of the data flow, as python/src: graph, data, estimate, pipeline,
sensitivity, compare, stats, signals, monitoring."""

from collections.abc import Sequence
from typing import NoReturn, type_check_only

from doelenboom._typing import Problem

from . import compare as compare
from . import data as data
from . import estimate as estimate
from . import graph as graph
from . import monitoring as monitoring
from . import pipeline as pipeline
from . import sensitivity as sensitivity
from . import signals as signals
from . import stats as stats

__version__: str

@type_check_only
class _pybind11_type(type):
    """The metaclass of every compiled class (pybind11_builtins.pybind11_type)."""

class Error(ValueError):
    """Base of every doelenboom error; ``problems`` lists what was found."""

    problems: Sequence[Problem]

class ParseError(Error):
    """A file or table could not be read."""

class TreeError(Error):
    """The goal graph breaks a structural rule."""

class DataError(Error):
    """Measurement data is wrong."""

class PipelineError(Error):
    """A pipeline specification or run is wrong."""

def raise_problems(error: type[Error], problems: Sequence[Problem]) -> NoReturn: ...
