"""Quick start: the critical points of a small network's regularized loss, from Python
===================================================================================

Run with ``python examples/quickstart.py`` (needs the PHCpack backend: see the README).
"""

from fractions import Fraction

import algmorse
from algmorse.progress import show_progress

show_progress()  # the solve's progress on stderr: flushed lines in a log, lines and a bar on a terminal
network = algmorse.Network(widths=(1, 1, 1), activation=algmorse.Activation.from_coefficients([0, 1]), bias=False)
data = algmorse.Dataset(x=((Fraction(1),),), y=((Fraction(2),),))
problem = algmorse.NetworkProblem(
    network=network,
    data=data,
    scale=Fraction(1, 2),
    regularizer=algmorse.Regularizer("l2", Fraction(1, 10)),
)

catalog = algmorse.analyze(problem, options=algmorse.SolveOptions(seed=1))
print(catalog)
for point in catalog.real():
    print(point.kind, point.morse_index, round(point.loss.real, 6), [round(c.real, 6) for c in point.coordinates])
