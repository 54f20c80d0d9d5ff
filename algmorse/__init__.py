"""algmorse: exact critical-point catalogs and Morse verdicts for polynomial network losses.

A network with a polynomial activation (or any polynomial function), a data set and a
regularizer define an exact polynomial loss; :func:`analyze` finds every isolated complex
critical point with the PHCpack backend, refines and classifies each one, says how completeness
was established, and returns a :class:`Catalog` that can be written to and reloaded from JSON.

Examples
--------
>>> import algmorse
>>> spec = algmorse.parse_spec({"function": {"variables": ["x"], "expression": "x^4 - 2*x^2"}})
>>> system = algmorse.build_system(spec.problem)
>>> [str(g) for g in system.gradient]
['4*x**3 - 4*x']
"""

from ._version import __version__
from .analysis.classify import CriticalPoint
from .analysis.verdict import Verdict
from .errors import (
    AlgmorseError,
    BackendCrashed,
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    CatalogError,
    SpecError,
)
from .model.network import (
    Activation,
    Dataset,
    FunctionProblem,
    Network,
    NetworkProblem,
    Regularizer,
    SystemProblem,
)
from .model.options import SolveOptions, Tolerances
from .model.spec import Spec, load_spec, parse_spec
from .model.system import PolynomialSystem, build_system
from .pipeline import analyze, solve_system
from .probes.discriminant import Discriminant, discriminant
from .probes.rotations import RotationAlgebra, rotation_algebra
from .relu.analyze import analyze_relu
from .relu.result import ReluAnalysis
from .results.catalog import Catalog, Summary, load_catalog, write_catalog

__all__ = [
    "__version__",
    "analyze",
    "solve_system",
    "SystemProblem",
    "Catalog",
    "Summary",
    "load_catalog",
    "write_catalog",
    "CriticalPoint",
    "AlgmorseError",
    "BackendCrashed",
    "BackendError",
    "BackendTimeout",
    "BackendUnavailable",
    "CatalogError",
    "SpecError",
    "Activation",
    "Dataset",
    "FunctionProblem",
    "Network",
    "NetworkProblem",
    "Regularizer",
    "SolveOptions",
    "Tolerances",
    "Spec",
    "load_spec",
    "parse_spec",
    "PolynomialSystem",
    "build_system",
    "Verdict",
    "Discriminant",
    "discriminant",
    "RotationAlgebra",
    "rotation_algebra",
    "analyze_relu",
    "ReluAnalysis",
]
