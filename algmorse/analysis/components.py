"""Positive-dimensional components of the critical set, described for a reader.

A numerical irreducible decomposition (backend ``decompose``) gives, for each irreducible
component, a witness set: its dimension and degree (the number of witness points, where it
meets ``dimension`` random hyperplanes). This module turns each witness set into a
:class:`Component`:

* the loss on it (the loss is constant on an irreducible component of the critical set: its
  differential vanishes along it; the values at the witness points are compared as a check);
* the generic Hessian rank along it (the rank at its witness points, with the noise model of
  :mod:`algmorse.analysis.classify`);
* a few real points, found by real Newton iterations (minimum-norm steps) on the gradient from
  real starting points, and kept only if the backend's membership test puts them on this
  component; and at those points the signs of the nonzero Hessian eigenvalues, which say whether
  the real part of the component consists of local minima, maxima or saddles;
* a one-line description, e.g. ``"conic (dimension 1, degree 2) of local minima at loss
  1.11111, with real points"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.backends.base import WitnessSet
from ..engine.refine import newton
from ..model.numeric import NumericSystem
from ..model.options import Tolerances
from .classify import equilibrated_hessian, singular_values_with_noise

__all__ = ["Component", "describe_component", "real_point_candidates", "hessian_signature"]

_SHAPES = {1: "curve", 2: "surface"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """An irreducible positive-dimensional component of the critical set.

    Attributes
    ----------
    dimension, degree : int
    witness_points : tuple of tuple of complex
        Generic points of the component (its intersection with random hyperplanes).
    real_points : tuple of tuple of float
        A few real points on it (empty when none was found; that does not prove there are none).
    loss : complex or None
        The loss on the component (``None`` if the values at the witness points disagree, and
        for a square system, which has no loss).
    hessian_rank : int or None
        Generic Hessian rank along the component.
    kind : str
        ``"minima"``, ``"maxima"``, ``"saddles"`` (from the nonzero Hessian eigenvalues at its real
        points), ``"degenerate"`` (real points whose nonzero eigenvalues could not be signed), or
        ``"complex"`` (no real point found).
    description : str
        One line for humans.
    stratum : tuple of int or None
        For a multiplicative regularizer: the zero matrices of the smallest core-locus stratum
        containing the component.
    trace_error : float or None
        The backend's trace test error (small when the witness set is complete).
    witness : WitnessSet or None
        The backend's witness set (points on its slices, the slices, the embedded system), kept
        in the catalog so that membership tests (``backend.membership(component.witness, points)``)
        and new samples work after a reload; ``None`` in catalogs written before it was kept.
    real : bool or None
        Whether it has real points, when proven (:mod:`algmorse.engine.real_components`: True
        with a proven real point, False when it has none); None when not proven either way
        (real points found by Newton iterations are evidence, not proof).
    normal_index : int or None
        The number of negative Hessian eigenvalues at its real points, when it is the same at
        every one and the Hessian has rank equal to the codimension there (its Morse index in
        the normal directions: 0 for a set of minima).
    prime : tuple of str
        Generators of the minimal prime over QQ it lies in (exact algebra; several conjugate
        components share one prime), in the grammar of the spec's expressions; empty when the
        component came from the numerical decomposition.
    loss_polynomial : tuple of str
        The minimal polynomial over QQ of the loss on that prime, coefficients from degree 0
        up (``("-10/9", "1")``: the loss is 10/9); empty when not computed.
    """

    dimension: int
    degree: int
    witness_points: tuple[tuple[complex, ...], ...]
    real_points: tuple[tuple[float, ...], ...]
    loss: complex | None
    hessian_rank: int | None
    kind: str
    description: str
    stratum: tuple[int, ...] | None = None
    trace_error: float | None = None
    witness: WitnessSet | None = None
    real: bool | None = None
    normal_index: int | None = None
    prime: tuple[str, ...] = ()
    loss_polynomial: tuple[str, ...] = ()

    def __repr__(self) -> str:
        loss = "unknown" if self.loss is None else _fmt(complex(self.loss))
        return (f"<Component {self.kind}: dimension {self.dimension}, degree {self.degree}, loss {loss}, "
                f"{len(self.real_points)} real point{'' if len(self.real_points) == 1 else 's'} found>")

    def _repr_html_(self) -> str:
        import html

        return f"<code>{html.escape(repr(self))}</code><p>{html.escape(self.description)}</p>"


def _generic_rank(numeric: NumericSystem, points: list[np.ndarray], tolerances: Tolerances) -> int | None:
    ranks = []
    for point in points:
        scaled, noise = equilibrated_hessian(numeric, point)
        sigma, bounds = singular_values_with_noise(scaled, noise)
        ranks.append(int(np.sum(sigma > tolerances.noise_factor * bounds)))
    return max(ranks) if ranks else None


def hessian_signature(numeric: NumericSystem, point: np.ndarray, tolerances: Tolerances) -> tuple[int, int]:
    """Numbers of clearly positive and clearly negative Hessian eigenvalues at a real point.

    Eigenvalues of the equilibrated Hessian (same inertia as the Hessian) within
    ``noise_factor`` times the error bound of the matrix are not counted. The point lies on a
    component, where the Hessian is singular by nature: the position error is bounded in the
    directions the Hessian controls (singular values above ``1e-8`` of the largest) only, since
    a move along the component keeps the point on it.
    """
    scaled, noise = equilibrated_hessian(numeric, point, rcond=1e-8)
    symmetric = (scaled.real + scaled.real.T) / 2
    values = np.linalg.eigvalsh(symmetric)
    level = tolerances.noise_factor * float(np.linalg.norm(noise))
    return int(np.sum(values > level)), int(np.sum(values < -level))


def _constant_loss(numeric: NumericSystem, points: list[np.ndarray]) -> complex | None:
    values = np.array([complex(numeric.loss(p)) for p in points])
    if not len(values):
        return None
    spread = float(np.max(np.abs(values - values[0])))
    if spread > 1e-7 * max(1.0, float(np.max(np.abs(values)))):
        return None
    value = complex(np.mean(values))
    return complex(value.real) if abs(value.imag) <= 1e-9 * max(1.0, abs(value)) else value


def real_point_candidates(
    numeric: NumericSystem, witness: WitnessSet, *, rng: np.random.Generator, starts: int = 12
) -> list[np.ndarray]:
    """Real critical points near the component: real Newton from real starting points.

    Starts are the real parts of the witness points and random Gaussian points of the same
    scale. The results may lie on other components: the caller tests membership.
    """
    witness = [np.asarray(p, dtype=complex) for p in witness.points]
    scale = max(1.0, max((float(np.max(np.abs(p))) for p in witness), default=1.0))
    seeds = [p.real for p in witness] + [rng.normal(scale=scale, size=numeric.num_variables) for _ in range(starts)]
    found: list[np.ndarray] = []
    for seed in seeds:
        point, converged = newton(numeric, seed.astype(float))
        if converged and np.all(np.isfinite(point)):
            point = np.where(np.abs(point) < 1e-12 * max(1.0, float(np.max(np.abs(point)))), 0.0, point)
            if not any(np.max(np.abs(point - q)) <= 1e-8 * max(1.0, float(np.max(np.abs(q)))) for q in found):
                found.append(point)
    return found


def describe_component(
    numeric: NumericSystem,
    witness: WitnessSet,
    real_points: list[np.ndarray],
    tolerances: Tolerances,
    *,
    exact_loss: complex | None = None,
    remark: str = "",
) -> Component:
    """Build the :class:`Component` of a witness set, given real points known to lie on it.

    ``exact_loss``, when known (from exact algebra), replaces the loss computed at the witness
    points; ``remark`` is appended to the description.
    """
    generic = []
    for p in witness.points:
        refined, converged = newton(numeric, np.asarray(p, dtype=complex))
        generic.append(refined if converged else np.asarray(p, dtype=complex))
    loss = exact_loss if exact_loss is not None else _constant_loss(numeric, generic) if numeric.symmetric else None
    rank = _generic_rank(numeric, generic, tolerances)
    signatures = {hessian_signature(numeric, p, tolerances) for p in real_points}
    kind = _kind(signatures, rank, real_points, numeric.num_variables - witness.dimension)
    normal_index = next(iter(signatures))[1] if kind in ("minima", "maxima", "saddles") and len(signatures) == 1 \
        else None
    shape = "conic" if witness.dimension == 1 and witness.degree == 2 else (
        "line" if witness.dimension == 1 and witness.degree == 1 else
        _SHAPES.get(witness.dimension, f"{witness.dimension}-dimensional set"))
    words = {"minima": "of local minima", "maxima": "of local maxima", "saddles": "of saddle points",
             "degenerate": "of degenerate critical points", "complex": "of complex critical points"}[kind]
    if not numeric.symmetric:  # a square system: solutions, no loss or Hessian
        words = "of solutions" if real_points else "of complex solutions"
    at = f" at loss {_fmt(loss)}" if loss is not None else ""
    real = ", with real points" if real_points else ", no real point found"
    description = f"{shape} (dimension {witness.dimension}, degree {witness.degree}) {words}{at}{real}{remark}"
    return Component(
        dimension=witness.dimension,
        degree=witness.degree,
        witness_points=tuple(tuple(complex(c) for c in p) for p in generic),
        real_points=tuple(tuple(float(c) for c in p) for p in real_points),
        loss=loss,
        hessian_rank=rank,
        kind=kind,
        description=description,
        trace_error=witness.trace_error,
        witness=witness,
        normal_index=normal_index,
    )


def _kind(signatures: set[tuple[int, int]], rank: int | None, real_points: list[np.ndarray], codimension: int) -> str:
    """Minima, maxima or saddles only where the Hessian is nondegenerate across the component
    (generic rank = codimension, the same rank at every real point); degenerate otherwise."""
    if not real_points:
        return "complex"
    if rank is None or rank < codimension or any(pos + neg != rank for pos, neg in signatures):
        return "degenerate"
    if all(neg == 0 for _, neg in signatures):
        return "minima"
    if all(pos == 0 for pos, _ in signatures):
        return "maxima"
    return "saddles"


def _fmt(value: complex | None) -> str:
    if value is None:
        return "?"
    return f"{value.real:.6g}" if value.imag == 0 else f"{value.real:.6g}{value.imag:+.6g}i"
