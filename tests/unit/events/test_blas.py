"""The spaCy model's matrix products through numpy's BLAS on one thread: the same products, the same parses."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
from threadpoolctl import threadpool_info

from wiredesk.events.blas import MatmulOps, load_with_matmul, one_blas_thread
from wiredesk.events.nlp import ModelNotAvailableError, SpacyBackend, choose_model
from wiredesk.events.segment import split_sentences

thinc_api = pytest.importorskip("thinc.api")
SEEDS = Path(__file__).resolve().parents[3] / "seeds"


@pytest.mark.parametrize("trans1, trans2", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_products_equal_thincs_own_within_float_rounding(trans1, trans2):
    rng = numpy.random.default_rng(7)
    x = rng.standard_normal((96, 40) if trans1 else (40, 96)).astype("float32")
    y = rng.standard_normal((64, 96) if trans2 else (96, 64)).astype("float32")
    expected = thinc_api.NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    got = MatmulOps().gemm(x, y, trans1=trans1, trans2=trans2)
    assert got.dtype == numpy.float32 and got.shape == (40, 64) and got.flags.c_contiguous
    numpy.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)
    out = numpy.zeros((40, 64), dtype="float32")
    assert MatmulOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    numpy.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-4)


def test_a_model_loaded_under_matmul_uses_it_in_its_layers_and_the_default_comes_back():
    before = thinc_api.get_current_ops()
    model, used = load_with_matmul(lambda: thinc_api.chain(thinc_api.Relu(8, 4), thinc_api.Softmax(3, 8)))
    assert used and all(isinstance(layer.ops, MatmulOps) for layer in model.walk())
    assert thinc_api.get_current_ops() is before
    model.initialize()
    assert model.predict(numpy.ones((2, 4), dtype="float32")).shape == (2, 3)


def test_operations_other_than_thincs_cpu_default_are_left_in_place():
    class OtherOps(thinc_api.NumpyOps):
        name = "other"

    before = thinc_api.get_current_ops()
    thinc_api.set_current_ops(OtherOps())
    try:
        model, used = load_with_matmul(lambda: thinc_api.Relu(8, 4))
    finally:
        thinc_api.set_current_ops(before)
    assert not used and isinstance(model.ops, OtherOps) and not isinstance(model.ops, MatmulOps)


def test_blas_runs_on_one_thread_inside_the_block_only():
    def threads():
        return {i["internal_api"]: i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    outside = threads()
    if not outside:
        pytest.skip("numpy loaded no BLAS library threadpoolctl knows")
    with one_blas_thread():
        assert set(threads().values()) == {1}
    assert threads() == outside


def test_the_spacy_back_end_parses_the_seeds_as_a_model_on_thincs_own_products_does():
    try:
        package = choose_model()
    except ModelNotAvailableError as exc:
        pytest.skip(f"no spaCy model installed: {exc}")
    spacy = pytest.importorskip("spacy")
    backend = SpacyBackend(n_process=1)
    assert backend.matmul and isinstance(backend.nlp.get_pipe("ner").model.ops, MatmulOps)
    plain = spacy.load(package)
    texts = []
    for path in sorted(SEEDS.glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        texts.extend(body[a:b] for a, b in split_sentences(body))
    ours = backend.parse_many(texts)
    for text, theirs, mine in zip(texts, plain.pipe(texts), ours):
        assert [(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in theirs] == [
            (t.text, t.tag, t.dep, t.head, t.ent) for t in mine.tokens], text
