"""Dense reference eigenpairs of a vortical network for the sampling study (bench/flow-study.mjs).

Builds the N × N adjacency from the node coordinates and circulations alone, in numpy, by the
definition of docs/flow-networks.md (an implementation independent of randla's column kernel),
then takes the k eigenpairs of largest |λ| from LAPACK's dsyevr on both ends of the spectrum
(scipy.linalg.eigh with subset_by_index: the k most negative and the k most positive, merged).
Also reports how far the sampled columns randla computed are from this matrix.

usage: flow_reference.py PLAN.json   (prints one JSON line; writes the vectors to PLAN's out_vectors)
plan: { coords: N×2 .npy, circulation: N .npy, alpha, k, out_vectors: .npy path,
        check_columns: .npy (N × c, col-major as Fortran order) | null, check_indices: [..] }
"""
import json
import sys
import time

import numpy as np
import scipy.linalg


def adjacency(coords, circulation, alpha):
    x, y = coords[:, 0], coords[:, 1]
    magnitude = np.abs(circulation)
    n = x.shape[0]
    A = np.empty((n, n))
    # row blocks keep the temporaries small
    step = 2048
    for start in range(0, n, step):
        stop = min(n, start + step)
        dx = x[start:stop, None] - x[None, :]
        dy = y[start:stop, None] - y[None, :]
        r = np.sqrt(dx * dx + dy * dy)
        with np.errstate(divide="ignore", invalid="ignore"):
            block = (alpha * magnitude[start:stop, None] + (1 - alpha) * magnitude[None, :]) / (2 * np.pi * r)
        rows = np.arange(start, stop)
        block[rows - start, rows] = 0.0
        A[start:stop] = block
    return A


def main():
    plan = json.load(open(sys.argv[1]))
    coords = np.load(plan["coords"])
    circulation = np.load(plan["circulation"])
    k = int(plan["k"])
    t0 = time.perf_counter()
    A = adjacency(coords, circulation, float(plan["alpha"]))
    n = A.shape[0]
    column_error = None
    if plan.get("check_columns"):
        C = np.load(plan["check_columns"])
        idx = np.asarray(plan["check_indices"], dtype=np.int64)
        ref = A[:, idx]
        scale = np.where(ref != 0, np.abs(ref), 1.0)
        column_error = float(np.max(np.abs(C - ref) / scale))
    t1 = time.perf_counter()
    k_end = min(k, n)
    lo_w, lo_v = scipy.linalg.eigh(A, subset_by_index=[0, k_end - 1], driver="evr", overwrite_a=False)
    hi_w, hi_v = scipy.linalg.eigh(A, subset_by_index=[n - k_end, n - 1], driver="evr", overwrite_a=True)
    t2 = time.perf_counter()
    w = np.concatenate([lo_w, hi_w])
    v = np.concatenate([lo_v, hi_v], axis=1)
    # both ends may overlap when n < 2k: keep distinct indices only
    if n < 2 * k_end:
        keep = np.unique(np.concatenate([np.arange(k_end), np.arange(n - k_end, n)]), return_index=True)[1]
        w, v = w[keep], v[:, keep]
    order = np.lexsort((-w, -np.abs(w)))[:k]
    w, v = w[order], v[:, order]
    for j in range(v.shape[1]):
        if v[np.argmax(np.abs(v[:, j])), j] < 0:
            v[:, j] = -v[:, j]
    np.save(plan["out_vectors"], np.ascontiguousarray(v))
    print(json.dumps({"n": n, "values": w.tolist(), "column_error": column_error,
                      "form_s": t1 - t0, "eigh_s": t2 - t1}))


if __name__ == "__main__":
    main()
