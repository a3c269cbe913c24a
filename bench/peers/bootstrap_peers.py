#!/usr/bin/env python3
"""Python side of the randla bootstrap benchmark (spawned by bench/bootstrap.mjs, one process
per task).

    bench/.venv/bin/python bench/peers/bootstrap_peers.py PLAN.json

PLAN.json: {"task": "estimate" | "truth", "matrix": "A.npy" (m x n, C order, f64), ...}

  estimate  the bootstrap error estimate of Lopes, Erichson & Mahoney (ICML 2020, Algorithm 1) in
            numpy, with the definitions of docs/algorithms/bootstrap.md: a uniform sketch
            Y = A[idx] * sqrt(m/t) (rows with replacement), its top-k singular values and right
            vectors, then B resamples Y[rng.integers(0, t, t)], each factorized, and the
            nearest-rank (1 - alpha) quantiles of the max over j < k of the errors. "variant":
              "svd"  np.linalg.svd(Y*, full_matrices=False) per replicate (as the authors' code
                     factorizes each resample);
              "qr"   R = np.linalg.qr(Y*, mode="r"), then np.linalg.svd(R) (Y* = QR has R's singular
                     values and right vectors; the t x n SVD becomes an n x n one).
            Plan: rank, sketch_rows, replicates, alpha, seed, runs, warmup. Every run starts a
            fresh numpy Generator from the seed, so every run does the same work. The draws are
            numpy's, not randla's Philox draws: the estimates agree in magnitude only.
  truth     np.linalg.svd(A) (LAPACK gesdd) against the construction's exact factors ("sigma":
            the n singular values, .npy; "vt": the top rows of V^T, .npy): max |sigma_np - sigma|
            over all n values and the sin-angle of each of the top rank right vectors.
Prints ONE JSON line on stdout. BLAS threads: OPENBLAS_NUM_THREADS / OMP_NUM_THREADS (set by
bench/bootstrap.mjs) and threadpoolctl's limit to plan["threads"]; the pools in use are reported.
"""

import json
import math
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


def nearest_rank_quantile(np, x, alpha):
    """The ceil((1 - alpha) * B)-th smallest of the B samples: docs/algorithms/bootstrap.md, step 3."""
    B = len(x)
    r = min(B, max(1, math.ceil((1 - alpha) * B)))
    return float(np.sort(x)[r - 1])


def top_k(np, Y, k, variant):
    """Top-k singular values and right vectors (n x k) of Y."""
    if variant == "qr":
        # Y = QR with R n x n (t >= n) or t x n: same singular values and right vectors as Y
        Y = np.linalg.qr(Y, mode="r")
    _, s, Vt = np.linalg.svd(Y, full_matrices=False)
    return s[:k], Vt[:k].T


def bootstrap_estimate(np, A, k, t, B, alpha, rng, variant):
    """One full estimate: sketch, its top-k SVD, B resamples. Returns the three quantiles."""
    m = A.shape[0]
    Y = A[rng.integers(0, m, t)] * math.sqrt(m / t)
    s, V = top_k(np, Y, k, variant)
    e_value = np.empty(B)
    e_vector = np.empty(B)
    e_subspace = np.empty(B)
    for b in range(B):
        s_b, V_b = top_k(np, Y[rng.integers(0, t, t)], k, variant)
        e_value[b] = np.abs(s_b - s).max()
        C = V.T @ V_b  # C[i, j] = v~_i . v*_j
        # sin-angle by projection, ||v*_j - v~_j (v~_j . v*_j)||: sign-free and accurate near 0
        e_vector[b] = np.linalg.norm(V_b - V * np.diag(C), axis=0).max()
        # distance of v*_j from span(V~): ||v*_j - V~ (V~^T v*_j)||
        e_subspace[b] = np.linalg.norm(V_b - V @ C, axis=0).max()
    return {
        "valueError": nearest_rank_quantile(np, e_value, alpha),
        "vectorError": nearest_rank_quantile(np, e_vector, alpha),
        "subspaceError": nearest_rank_quantile(np, e_subspace, alpha),
    }


def main():
    plan = json.load(open(sys.argv[1]))
    import numpy as np
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=plan.get("threads", 2))
    A = np.load(plan["matrix"])
    if A.dtype != np.float64 or not A.flags.c_contiguous:
        A = np.ascontiguousarray(A, dtype=np.float64)
    out = {"status": "ok", "task": plan["task"], "numpy": np.__version__}
    if plan["task"] == "estimate":
        k, t, B, alpha = plan["rank"], plan["sketch_rows"], plan["replicates"], plan["alpha"]
        if plan["variant"] not in ("svd", "qr"):
            raise ValueError("unknown variant %r (svd or qr)" % plan["variant"])
        samples = []
        est = None
        for i in range(plan["warmup"] + plan["runs"]):
            rng = np.random.default_rng(plan["seed"])
            t0 = time.perf_counter()
            est = bootstrap_estimate(np, A, k, t, B, alpha, rng, plan["variant"])
            ms = (time.perf_counter() - t0) * 1e3
            if i >= plan["warmup"]:
                samples.append(ms)
        out.update({"variant": plan["variant"], "samples_ms": samples, **est})
    elif plan["task"] == "truth":
        k = plan["rank"]
        sigma = np.load(plan["sigma"])
        Vt_true = np.load(plan["vt"])[:k]
        t0 = time.perf_counter()
        _, s, Vt = np.linalg.svd(A, full_matrices=False)
        out["svd_ms"] = (time.perf_counter() - t0) * 1e3
        out["max_abs_sigma_error"] = float(np.abs(s - sigma[: len(s)]).max())
        c = np.sum(Vt[:k] * Vt_true, axis=1)  # v_np,j . v_j
        out["sin_angle_top_k"] = [float(x) for x in np.linalg.norm(Vt[:k] - Vt_true * c[:, None], axis=1)]
        out["sigma_top_k"] = [float(x) for x in s[:k]]
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
