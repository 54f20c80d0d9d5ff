"""ReLU networks, solved cone by cone (seeds 002 and 003).

Owns the hyperplane arrangement of the data (:mod:`.arrangement`), the per-cone analysis that
reuses the polynomial pipeline (:mod:`.analyze`), activation-cone fractions and neuron patterns
(:mod:`.cones`), and the relu analysis file (:mod:`.result`, schema ``algmorse.relu/1``).

May import: everything below it, :mod:`algmorse.pipeline` included; only the commands and
:mod:`algmorse.testing` import it.
"""
