#!/usr/bin/env python3
"""Python contenders of the randla Nyström benchmark's RBF section (spawned by bench/nystrom.mjs,
one process per task).

    bench/.venv/bin/python bench/peers/nystrom_peers.py PLAN.json

PLAN.json: {"task": "exact" | "eigsh" | "nystrom", "points": "P.npy" (n x d, C order),
            "gamma": g, "rank": 10, "seed": s, "runs": r, "warmup": w, "columns": [100, 400]}

K_ij = exp(-gamma * ||p_i - p_j||^2), the kernel randla computes natively.
  exact    form K once (timed), scipy.linalg.eigh(K, subset_by_index=[n-rank, n-1]) (timed): the
           reference eigenvalues (K is positive definite, so the largest are the largest in |.|)
  eigsh    form K (timed, every run) and scipy.sparse.linalg.eigsh(K, k=rank) (timed separately,
           every run; ARPACK start vector from the seed, so runs repeat)
  nystrom  numpy column Nyström on `columns` uniform columns (numpy Generator from the seed; not
           randla's Philox indices), the columns computed from the points (K is never formed)
Prints ONE JSON line on stdout. BLAS threads follow OPENBLAS_NUM_THREADS / OMP_NUM_THREADS (set by
bench/nystrom.mjs); threadpoolctl reports the pools in use.
"""

import json
import sys
import time


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def blas_info():
    try:
        from threadpoolctl import threadpool_info

        return [
            {"internal_api": p.get("internal_api"), "version": p.get("version"),
             "num_threads": p.get("num_threads"), "architecture": p.get("architecture")}
            for p in threadpool_info()
        ]
    except Exception as e:  # reported, never fatal
        return [{"error": "threadpoolctl unavailable: %s" % e}]


def rbf_columns(np, P, Q, gamma):
    """exp(-gamma * squared distances) between the rows of P and of Q (|P| x |Q|)."""
    d2 = (P * P).sum(1)[:, None] + (Q * Q).sum(1)[None, :] - 2.0 * (P @ Q.T)
    np.maximum(d2, 0.0, out=d2)  # the expansion can round a zero distance slightly negative
    return np.exp(-gamma * d2, out=d2)


def column_nystrom(np, P, gamma, rank, columns, rng):
    """Top-`rank` eigenpairs of C W+ C^T from `columns` uniform columns (Williams & Seeger 2001).

    W+ is W's eigenvalue-truncated pseudo-inverse (eigenvalues below l*eps*max dropped). The thin
    eig: C = QR, so C W+ C^T = Q (R W+ R^T) Q^T and the l x l middle matrix gives the eigenpairs.
    (An SVD of C V L^(-1/2) gives the same pairs but is slow on its badly scaled columns.)
    """
    S = rng.choice(P.shape[0], size=columns, replace=False)
    C = rbf_columns(np, P, P[S], gamma)
    W = C[S]
    lam, V = np.linalg.eigh((W + W.T) / 2)
    keep = lam > columns * np.finfo(float).eps * lam.max()
    Q, R = np.linalg.qr(C)
    B = R @ V[:, keep]
    theta, Y = np.linalg.eigh((B / lam[keep]) @ B.T)
    top = np.argsort(theta)[::-1][:rank]
    return theta[top], Q @ Y[:, top]


def main():
    plan = json.load(open(sys.argv[1]))
    import numpy as np
    import scipy
    import scipy.linalg
    import scipy.sparse.linalg

    P = np.ascontiguousarray(np.load(plan["points"]), dtype=np.float64)
    n = P.shape[0]
    gamma, rank, seed = plan["gamma"], plan["rank"], plan["seed"]
    out = {"status": "ok", "task": plan["task"], "numpy": np.__version__, "scipy": scipy.__version__}
    if plan["task"] == "exact":
        t = time.perf_counter()
        K = rbf_columns(np, P, P, gamma)
        out["form_ms"] = (time.perf_counter() - t) * 1e3
        t = time.perf_counter()
        w = scipy.linalg.eigh(K, subset_by_index=[n - rank, n - 1], eigvals_only=True)
        out["eigh_ms"] = (time.perf_counter() - t) * 1e3
        out["values"] = [float(v) for v in w[::-1]]
        out["trace"] = float(np.trace(K))
    elif plan["task"] == "eigsh":
        v0 = np.random.default_rng(seed).standard_normal(n)
        form, solve = [], []
        for i in range(plan["warmup"] + plan["runs"]):
            t = time.perf_counter()
            K = rbf_columns(np, P, P, gamma)
            t1 = time.perf_counter()
            w = scipy.sparse.linalg.eigsh(K, k=rank, v0=v0, return_eigenvectors=True)[0]
            t2 = time.perf_counter()
            if i >= plan["warmup"]:
                form.append((t1 - t) * 1e3)
                solve.append((t2 - t1) * 1e3)
            del K
        out["form_samples_ms"], out["samples_ms"] = form, solve
        out["values"] = [float(v) for v in sorted(w, key=abs, reverse=True)]
    elif plan["task"] == "nystrom":
        cases = []
        for columns in plan["columns"]:
            samples = []
            for i in range(plan["warmup"] + plan["runs"]):
                rng = np.random.default_rng(seed)
                t = time.perf_counter()
                lam, _ = column_nystrom(np, P, gamma, rank, columns, rng)
                if i >= plan["warmup"]:
                    samples.append((time.perf_counter() - t) * 1e3)
            cases.append({"columns": columns, "samples_ms": samples, "values": [float(v) for v in lam]})
        out["cases"] = cases
    else:
        out = {"status": "failed", "reason": "unknown task %s" % plan["task"]}
    out["blas"] = blas_info()
    emit(out)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one JSON line even on failure
        emit({"status": "failed", "reason": "%s: %s" % (type(e).__name__, e)})
        sys.exit(1)
