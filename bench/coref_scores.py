"""Coreference scores of a clustering of mentions against a gold clustering: MUC, B-cubed, CEAF-e and their
mean, the CoNLL F1 (Pradhan et al. 2014, the reference scorer's definitions), for ``bench/eval_ecbplus.py``.

Both clusterings are dicts ``mention → cluster id`` over the same mentions (a mention alone in its cluster
is a singleton; singletons count in B-cubed and CEAF-e, not in MUC, as in the reference scorer).
"""

from __future__ import annotations

from collections import defaultdict


def _clusters(assign: dict) -> list[frozenset]:
    out = defaultdict(set)
    for m, c in assign.items():
        out[c].add(m)
    return [frozenset(v) for v in out.values()]


def _f(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def muc(key: dict, response: dict) -> tuple[float, float, float]:
    def side(a: dict, b: dict) -> float:
        num = den = 0
        for c in _clusters(a):
            parts = {b[m] for m in c}
            num += len(c) - len(parts)
            den += len(c) - 1
        return num / den if den else 0.0
    r, p = side(key, response), side(response, key)
    return p, r, _f(p, r)


def b_cubed(key: dict, response: dict) -> tuple[float, float, float]:
    kc = {m: c for c in _clusters(key) for m in c}
    rc = {m: c for c in _clusters(response) for m in c}
    ms = list(key)
    if not ms:
        return 0.0, 0.0, 0.0
    p = sum(len(kc[m] & rc[m]) / len(rc[m]) for m in ms) / len(ms)
    r = sum(len(kc[m] & rc[m]) / len(kc[m]) for m in ms) / len(ms)
    return p, r, _f(p, r)


def ceaf_e(key: dict, response: dict) -> tuple[float, float, float]:
    k, r = _clusters(key), _clusters(response)
    if not k or not r:
        return 0.0, 0.0, 0.0
    sim = [[2 * len(a & b) / (len(a) + len(b)) for b in r] for a in k]
    best = _max_assignment(sim)
    return best / len(r), best / len(k), _f(best / len(r), best / len(k))


def conll_f1(key: dict, response: dict) -> dict[str, float]:
    """MUC, B-cubed and CEAF-e F1, and their mean (CoNLL F1)."""
    scores = {"muc": muc(key, response)[2], "b3": b_cubed(key, response)[2], "ceafe": ceaf_e(key, response)[2]}
    scores["conll"] = sum(scores.values()) / 3
    return scores


def _max_assignment(weights: list[list[float]]) -> float:
    """Maximum total weight of a one-to-one assignment of rows to columns (Hungarian algorithm on the
    cost 1 - weight over a square matrix; zero-weight pairs only where nothing better exists). Only the
    pairs that share a mention have weight, so the matrix is solved per connected block."""
    n_rows, n_cols = len(weights), len(weights[0])
    # connected blocks of rows and columns linked by a non-zero weight
    parent = list(range(n_rows + n_cols))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for i in range(n_rows):
        for j in range(n_cols):
            if weights[i][j] > 0:
                parent[find(i)] = find(n_rows + j)
    blocks = defaultdict(lambda: ([], []))
    for i in range(n_rows):
        blocks[find(i)][0].append(i)
    for j in range(n_cols):
        blocks[find(n_rows + j)][1].append(j)
    total = 0.0
    for rows, cols in blocks.values():
        if rows and cols:
            total += _hungarian_max([[weights[i][j] for j in cols] for i in rows])
    return total


def _hungarian_max(w: list[list[float]]) -> float:
    n = max(len(w), len(w[0]))
    big = max(max(row) for row in w)
    cost = [[(big - w[i][j]) if i < len(w) and j < len(w[0]) else big for j in range(n)] for i in range(n)]
    inf = float("inf")
    u, v, p, way = [0.0] * (n + 1), [0.0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (n + 1), [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    return sum(w[p[j] - 1][j - 1] for j in range(1, n + 1) if p[j] and p[j] - 1 < len(w) and j - 1 < len(w[0]))
