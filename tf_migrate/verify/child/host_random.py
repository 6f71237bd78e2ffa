"""Python's and NumPy's randomness, pinned the same way on both sides before the program runs.

Scripts draw their data from ``np.random.randn`` without a seed; each side would draw other
numbers, and every result would differ. So both sides start from the same state:

- ``random.seed(HOST_SEED)`` and ``numpy.random.seed(HOST_SEED)``;
- a seed asked for from the operating system — ``random.seed()``, ``numpy.random.seed()`` (TF1's
  MNIST DataSet calls it), ``numpy.random.RandomState()`` and ``numpy.random.default_rng()``
  without a seed — becomes a fixed one: HOST_SEED for the global generators, and 1, 2, 3... for
  the generators a program creates, in creation order;
- ``PYTHONHASHSEED`` is set by the parent, before the interpreter starts.

NumPy keeps its legacy streams (the global generator, RandomState) identical across versions, so
TF 1.15's numpy 1.21 and TF 2.21's numpy 2 draw the same numbers. A program that seeds itself
keeps its seeds.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

HOST_SEED = 0


class HostRandom:
    def __init__(self) -> None:
        self.generators = 0  # RandomState() and default_rng() given a seed of ours
        self.reseeds = 0  # seed() calls without a value, pinned

    def pin(self) -> None:
        random.seed(HOST_SEED)
        np.random.seed(HOST_SEED)
        pinned = self
        random_seed, numpy_seed = random.seed, np.random.seed
        random_state, default_rng = np.random.RandomState, np.random.default_rng

        def seed_random(a: Any = None, *args: Any, **kwargs: Any) -> None:
            random_seed(pinned.reseed() if a is None else a, *args, **kwargs)

        def seed_numpy(seed: Any = None) -> None:
            numpy_seed(pinned.reseed() if seed is None else seed)

        class PinnedRandomState(random_state):  # type: ignore[misc, valid-type]
            __doc__ = random_state.__doc__

            def __init__(self, seed: Any = None) -> None:
                super().__init__(pinned.next_seed() if seed is None else seed)

        PinnedRandomState.__name__ = PinnedRandomState.__qualname__ = "RandomState"

        def pinned_default_rng(seed: Any = None) -> Any:
            return default_rng(pinned.next_seed() if seed is None else seed)

        random.seed = seed_random
        np.random.seed = seed_numpy
        np.random.RandomState = PinnedRandomState  # type: ignore[misc]
        np.random.default_rng = pinned_default_rng

    def reseed(self) -> int:
        self.reseeds += 1
        return HOST_SEED

    def next_seed(self) -> int:
        self.generators += 1
        return self.generators

    def report(self) -> dict[str, Any]:
        return {
            "random": HOST_SEED,
            "numpy": HOST_SEED,
            "unseeded generators": self.generators,
            "seed() without a value": self.reseeds,
        }
