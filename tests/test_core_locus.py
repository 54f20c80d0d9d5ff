"""Core locus strata of the multiplicative regularizer, against hand derivations."""

from __future__ import annotations

from fractions import Fraction

from algmorse.analysis.core_locus import core_locus
from algmorse.model.network import Activation, Dataset, Network, NetworkProblem, Regularizer
from algmorse.model.system import build_system

ONE = Dataset(((Fraction(1),),), ((Fraction(2),),))


def _strata(widths, coeffs=(0, 1), bias=False, kind="multiplicative"):
    problem = NetworkProblem(Network(tuple(widths), Activation.from_coefficients(list(coeffs)), bias), ONE,
                             Fraction(1, 2), Regularizer(kind, Fraction(1, 10)))
    return {s.zero_matrices: s for s in core_locus(problem, build_system(problem))}


def test_depth_two_chain_origin():
    # L = 1/2 (ab - 2)^2 + eps a^2 b^2: the origin is critical; R vanishes to order 4 there;
    # the Hessian at 0 is [[0, -2], [-2, 0]] != 0.
    (origin,) = _strata((1, 1, 1)).values()
    assert origin.zero_matrices == (1, 2) and origin.dimension == 0 and origin.vanishing_order == 4
    assert origin.critical and origin.critical_for_every_eps and not origin.hessian_vanishes


def test_strata_of_a_deeper_network_follow_the_derivation():
    strata = _strata((1, 2, 2, 1))  # W1: 2, W2: 4, W3: 2 parameters; no bias, s(0) = 0
    assert set(strata) == {(1, 2), (1, 3), (2, 3), (1, 2, 3)}
    assert [strata[k].dimension for k in [(1, 2), (1, 3), (2, 3), (1, 2, 3)]] == [2, 4, 2, 0]
    assert all(s.vanishing_order == 2 * len(k) for k, s in strata.items())
    assert all(s.critical for s in strata.values())
    # two zero matrices: a data-term Hessian entry survives; three: everything vanishes
    assert [strata[k].hessian_vanishes for k in [(1, 2), (1, 3), (2, 3), (1, 2, 3)]] == [False, False, False, True]


def test_biases_or_nonzero_activation_at_zero_break_criticality():
    # with biases, f = b2 on {W1 = W2 = 0} and dL/db2 = b2 - 2 does not vanish there
    assert not _strata((1, 1, 1), bias=True)[(1, 2)].critical
    # s(t) = 1 + t: on {W1 = W2 = 0}, f = W3 s(0) = w3 and dL/dw3 = w3 - 2 does not vanish
    assert not _strata((1, 1, 1, 1), coeffs=(1, 1))[(1, 2)].critical


def test_no_core_locus_for_other_regularizers():
    assert _strata((1, 1, 1), kind="l2") == {}
