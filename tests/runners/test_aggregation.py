"""How windows become documents, on numbers alone: every token covered by exactly the window
farthest from its edges, aggregates that reduce to the plain mean, votes and their ties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from seqfit.plan import plan_single, select
from seqfit.runners.aggregation import (
    aggregate_logits,
    aggregate_vectors,
    best_window_tokens,
    edge_distance,
    scores_from,
)


@st.composite
def sliding_windows(draw: st.DrawFn) -> tuple[int, list[np.ndarray]]:
    budget = draw(st.integers(1, 40))
    overlap = draw(st.integers(0, budget - 1))
    n_tokens = draw(st.integers(0, 400))
    plan = plan_single(n_tokens, budget=budget, strategy="window", overlap=overlap)
    positions = list(range(n_tokens))
    return n_tokens, [np.array(select(positions, w.first), dtype=np.int64) for w in plan.windows]


@given(sliding_windows())
def test_every_token_takes_the_window_where_it_lies_farthest_from_an_edge(
        case: tuple[int, list[np.ndarray]]) -> None:
    n_tokens, indices = case
    # each window's output for a token encodes (window, token), to see which one was kept
    outputs = [np.array([[w, t] for t in idx], dtype=np.float32).reshape(-1, 2)
               for w, idx in enumerate(indices)]
    values, chosen = best_window_tokens(n_tokens, indices, outputs)
    assert (chosen >= 0).all()  # every token is covered
    assert values[:, 1].tolist() == list(range(n_tokens))  # ... by its own output
    for token in range(n_tokens):
        distances = [(int(edge_distance(len(idx))[np.searchsorted(idx, token)]), w)
                     for w, idx in enumerate(indices) if token in set(idx.tolist())]
        best = max(d for d, _ in distances)
        first_best = min(w for d, w in distances if d == best)
        assert chosen[token] == first_best
        assert values[token, 0] == first_best


def test_tokens_no_window_holds_are_marked() -> None:
    values, chosen = best_window_tokens(5, [np.array([0, 1])], [np.ones((2, 3))])
    assert chosen.tolist() == [0, 0, -1, -1, -1]
    assert values[2:].sum() == 0


@given(st.lists(st.integers(1, 30), min_size=1, max_size=8), st.integers(0, 2**32 - 1))
def test_weighted_mean_of_window_means_is_the_mean_of_their_tokens(sizes: list[int],
                                                                    seed: int) -> None:
    rng = np.random.default_rng(seed)
    tokens = [rng.normal(size=(n, 4)) for n in sizes]
    window_means = np.stack([t.mean(0) for t in tokens])
    got = aggregate_vectors(window_means, np.array(sizes), "weighted-mean")
    np.testing.assert_allclose(got, np.concatenate(tokens).mean(0), rtol=1e-10, atol=1e-12)


def test_each_vector_aggregate() -> None:
    vectors = np.array([[1.0, 5.0], [3.0, 1.0]])
    weights = np.array([1, 3])
    assert aggregate_vectors(vectors, weights, "mean").tolist() == [2.0, 3.0]
    assert aggregate_vectors(vectors, weights, "max").tolist() == [3.0, 5.0]
    assert aggregate_vectors(vectors, weights, "first").tolist() == [1.0, 5.0]
    assert aggregate_vectors(vectors, weights, "weighted-mean").tolist() == [2.5, 2.0]
    one = np.array([[0.5, 0.25]])
    for how in ("weighted-mean", "mean", "max", "first"):
        assert aggregate_vectors(one, np.array([7]), how).tolist() == [0.5, 0.25]


def test_logits_mean_max_and_vote() -> None:
    logits = np.array([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 3.0, 0.0]])
    values, label = aggregate_logits(logits, "mean")
    assert label == 1 and np.allclose(values, [2 / 3, 4 / 3, 0])
    values, label = aggregate_logits(logits, "max")
    assert label == 1 and values.tolist() == [2.0, 3.0, 0.0]
    values, label = aggregate_logits(logits, "vote")
    assert label == 1 and np.allclose(values, [1 / 3, 2 / 3, 0])


def test_a_tied_vote_goes_to_the_higher_mean_logit() -> None:
    logits = np.array([[1.0, 0.0], [0.0, 5.0]])  # one vote each; label 1's mean logit is higher
    values, label = aggregate_logits(logits, "vote")
    assert label == 1 and values.tolist() == [0.5, 0.5]
    values, label = aggregate_logits(np.array([[5.0, 0.0], [0.0, 1.0]]), "vote")
    assert label == 0


def test_a_single_logit_votes_on_its_sign() -> None:
    values, label = aggregate_logits(np.array([[2.0], [-1.0], [0.5]]), "vote")
    assert label == 0 and np.isclose(values[0], 2 / 3)


@pytest.mark.parametrize(("function", "expected"), [
    ("softmax", [0.26894142, 0.73105858]), ("sigmoid", [0.5, 0.73105858]), ("none", [0.0, 1.0])])
def test_scores_follow_the_pipeline_functions(function: str, expected: list[float]) -> None:
    assert np.allclose(scores_from(np.array([0.0, 1.0]), function), expected)
