"""The spaCy models' matrix products through numpy's BLAS on one thread, instead of thinc's bundled BLIS.

thinc, spaCy's neural-network library, multiplies float32 matrices (the token-to-vector layers, the
tagger, the parser's and the entity recognizer's hidden layers) with the BLIS library bundled in the
``blis`` wheel. On the project's machines (AMD EPYC, AVX-512) numpy's OpenBLAS computes the same
products about three times faster on one thread, and they are about a third of a parse (BENCHMARKS.md,
Events, Speed). ``MatmulOps`` are thinc's ``NumpyOps`` with ``gemm`` done by ``numpy.matmul``; a model
loaded under them (``load_with_matmul``) uses them in every layer. ``one_blas_thread`` keeps the BLAS
library on one thread while a model runs: the run's parallelism is its processes (two processes each
starting BLAS threads on two cores only contend), and small products lose to thread start-up anyway.

The products differ from BLIS's in the last bits of a float (another summation order), so a parse could
in principle differ where two scores tie; on the 2,416 AEB sentences extraction parses, every tag, lemma,
dependency and entity was the same, and the event evaluations gave the same figures.

What it is not: a different model or a change of what is computed; a pipeline loaded while thinc uses
other operations than its CPU default (a GPU, Apple's) keeps them.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

import numpy
from thinc.api import NumpyOps, get_current_ops, set_current_ops
from threadpoolctl import threadpool_limits


class MatmulOps(NumpyOps):
    """thinc's CPU operations with matrix products by ``numpy.matmul`` (numpy's BLAS)."""

    name = "wiredesk-numpy-matmul"

    def gemm(self, x, y, out=None, trans1: bool = False, trans2: bool = False):
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.ascontiguousarray(numpy.matmul(a, b))
        numpy.matmul(a, b, out=out)
        return out


def load_with_matmul(load: Callable[[], Any]) -> tuple[Any, bool]:
    """``load()`` (e.g. ``spacy.load(name)``) with ``MatmulOps`` as thinc's current operations, so the
    model's layers are built on them; ``(model, whether it got them)``. Operations other than thinc's
    plain CPU default (a GPU, an accelerated back-end a user installed) are left in place."""
    current = get_current_ops()
    if type(current) is not NumpyOps:
        return load(), False
    set_current_ops(MatmulOps())
    try:
        return load(), True
    finally:
        set_current_ops(current)


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """The BLAS libraries loaded in this process (OpenBLAS, MKL, ...) on one thread inside the block, as
    they were after it."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield
