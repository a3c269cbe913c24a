#!/usr/bin/env python3
"""Python contenders of the randla rsvd benchmark (spawned by bench/run.mjs, one process per
library, thread count and test matrix).

    bench/.venv/bin/python bench/peers/rsvd_peers.py --plan PLAN.json

PLAN.json (written by run.mjs):
    {"contender": "sklearn" | "fbpca" | "torch", "threads": 2,
     "input": {"kind": "dense", "file": "A.npy"}
            | {"kind": "csr", "rows": m, "cols": n, "indptr": "indptr.npy", "indices": "indices.npy",
               "values": "values.npy"},
     "runs": [{"id": "...", "rank": 20, "oversamples": 10, "powerIters": 2, "normalizer": "lu",
               "sketch": "gaussian", "seed": 42, "iterations": 5, "warmup": 1, "out": "DIR"}, ...]}

Contenders (each makes 2q+2 passes over A, like randla):
  sklearn  sklearn.utils.extmath.randomized_svd(A, k, n_oversamples=p, n_iter=q,
           power_iteration_normalizer='LU'|'QR'|'none', random_state=seed); Gaussian sketch
  fbpca    fbpca.pca(A, k, raw=True, n_iter=q, l=k+p): uniform[-1, 1] sketch, LU between power
           iterations, QR at the end; its test matrix is float64, so numpy promotes float32 A
  torch    torch.svd_lowrank(A, q=k+p, niter=q) on the CPU (Halko et al. Alg. 4.4 + 5.1: Gaussian
           sketch, Householder QR after every product), truncated to rank k; torch.set_num_threads

A dense A is loaded once with np.load (C order); a CSR A becomes scipy.sparse.csr_matrix
((values, indices, indptr), shape) (torch: torch.sparse_csr_tensor over the same arrays). A run
whose options the library cannot express (e.g. normalizer cholqr2, sketch srht) is reported as
skipped with the reason. Each run: `warmup` untimed calls, then `iterations` calls timed with
time.perf_counter; the factors of the last call (U m x k, S, Vt k x n, C order) go to the run's
`out` directory. Prints ONE JSON line on stdout. BLAS threads follow OPENBLAS_NUM_THREADS /
OMP_NUM_THREADS / MKL_NUM_THREADS (set by run.mjs); the pools actually in use and their OpenBLAS
core type are read with threadpoolctl.
"""

import argparse
import json
import os
import re
import sys
import time


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def blas_info():
    """Every BLAS/OpenMP pool threadpoolctl sees: library, version, threads, OpenBLAS core type."""
    try:
        from threadpoolctl import threadpool_info

        return [
            {
                "user_api": p.get("user_api"),
                "internal_api": p.get("internal_api"),
                "version": p.get("version"),
                "num_threads": p.get("num_threads"),
                "architecture": p.get("architecture"),
                "threading_layer": p.get("threading_layer"),
                "library": os.path.basename(p.get("filepath") or ""),
            }
            for p in threadpool_info()
        ]
    except Exception as e:  # threadpoolctl is a scikit-learn dependency; report its absence
        return [{"error": "threadpoolctl unavailable: %s" % e}]


def load_input(spec, np):
    if spec["kind"] == "dense":
        return np.ascontiguousarray(np.load(spec["file"]))
    import scipy.sparse as sp

    return sp.csr_matrix(
        (np.load(spec["values"]), np.load(spec["indices"]), np.load(spec["indptr"])),
        shape=(spec["rows"], spec["cols"]),
    )


def make_sklearn(np, notes):
    import sklearn
    from sklearn.utils.extmath import randomized_svd

    names = {"lu": "LU", "qr": "QR", "none": "none"}

    def unsupported(run):
        if run["normalizer"] not in names:
            return "scikit-learn has no %s normalizer (LU, QR, none)" % run["normalizer"]
        if run["sketch"] != "gaussian":
            return "scikit-learn draws a Gaussian test matrix only"
        return None

    def call(A, run):
        return randomized_svd(
            A,
            run["rank"],
            n_oversamples=run["oversamples"],
            n_iter=run["powerIters"],
            power_iteration_normalizer=names[run["normalizer"]],
            transpose="auto",
            flip_sign=True,
            random_state=run["seed"],
        )

    return "scikit-learn %s" % sklearn.__version__, unsupported, call, lambda run: names.get(run["normalizer"])


def make_fbpca(np, notes):
    import fbpca

    def unsupported(run):
        return None  # fixed LU + uniform sketch: reported in the run's notes instead

    def call(A, run):
        np.random.seed(run["seed"])  # fbpca draws from numpy's global generator
        return fbpca.pca(A, k=run["rank"], raw=True, n_iter=run["powerIters"], l=run["rank"] + run["oversamples"])

    return "fbpca 1.0", unsupported, call, lambda run: "LU"


def make_torch(np, notes):
    import torch

    def unsupported(run):
        return None  # fixed QR + Gaussian sketch: reported in the run's notes instead

    def call(A, run):
        torch.manual_seed(run["seed"])
        U, S, V = torch.svd_lowrank(A, q=run["rank"] + run["oversamples"], niter=run["powerIters"])
        k = run["rank"]
        return U[:, :k], S[:k], V[:, :k].mT

    return "torch %s (CPU)" % torch.__version__, unsupported, call, lambda run: "QR"


def to_torch(A, np):
    import scipy.sparse as sp
    import torch

    if not sp.issparse(A):
        return torch.from_numpy(A)  # zero copy
    try:
        return torch.sparse_csr_tensor(
            torch.from_numpy(A.indptr), torch.from_numpy(A.indices), torch.from_numpy(A.data), A.shape
        )
    except Exception:  # int32 compressed indices not accepted by this torch build: widen
        return torch.sparse_csr_tensor(
            torch.from_numpy(A.indptr.astype(np.int64)),
            torch.from_numpy(A.indices.astype(np.int64)),
            torch.from_numpy(A.data),
            A.shape,
        )


def to_numpy(x, np):
    if hasattr(x, "detach"):  # torch tensor
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def warmup_input(A, np):
    """A small matrix of A's kind and dtype for the untimed first call (imports, thread pools)."""
    import scipy.sparse as sp

    rng = np.random.default_rng(7)
    if sp.issparse(A):
        return sp.random(512, 128, density=0.05, format="csr", random_state=7, dtype=A.dtype)
    return rng.standard_normal((256, 64)).astype(A.dtype)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plan", required=True)
    args = ap.parse_args()
    with open(args.plan) as f:
        plan = json.load(f)
    contender = plan["contender"]
    threads = plan.get("threads")
    base = {"contender": contender, "python": sys.version.split()[0]}

    try:
        import numpy as np
    except ImportError as e:
        return emit(dict(base, status="skipped", reason="numpy not importable: %s" % e))
    base["numpy"] = np.__version__

    notes = []
    try:
        maker = {"sklearn": make_sklearn, "fbpca": make_fbpca, "torch": make_torch}[contender]
    except KeyError:
        return emit(dict(base, status="failed", error="unknown contender %s" % contender))
    try:
        library, unsupported, call, normalizer_of = maker(np, notes)
    except ImportError as e:
        return emit(dict(base, status="skipped", reason="%s not importable: %s" % (contender, e)))

    if contender == "torch":
        import torch

        if threads:
            torch.set_num_threads(int(threads))
        base["torch_threads"] = torch.get_num_threads()
        found = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
        base["torch_blas"] = "BLAS_INFO=%s" % found.group(1) if found else None

    try:
        A = load_input(plan["input"], np)
    except Exception as e:
        return emit(dict(base, status="failed", error="cannot load the input: %s: %s" % (type(e).__name__, e)))
    dtype_in = str(A.dtype)
    X = to_torch(A, np) if contender == "torch" else A

    # untimed first call on a small matrix: imports, BLAS/OpenMP thread pools
    first = plan["runs"][0] if plan["runs"] else None
    if first is not None:
        W = warmup_input(A, np)
        try:
            call(to_torch(W, np) if contender == "torch" else W, dict(first, rank=5, oversamples=5))
        except Exception:
            pass  # the real runs report any error

    results = []
    for run in plan["runs"]:
        res = {"id": run["id"]}
        why = unsupported(run)
        if why:
            results.append(dict(res, status="skipped", reason=why))
            continue
        run_notes = []
        if contender == "fbpca":
            if run["normalizer"] != "lu" and run["powerIters"] > 0:
                run_notes.append("fbpca always normalizes with LU (asked for %s)" % run["normalizer"])
            if run["sketch"] != "uniform":
                run_notes.append("uniform[-1, 1] test matrix")
            if dtype_in == "float32":
                run_notes.append("float32 input is promoted to float64 (fbpca's test matrix is float64)")
        if contender == "torch":
            if run["normalizer"] != "qr" and run["powerIters"] > 0:
                run_notes.append("torch.svd_lowrank always normalizes with QR (asked for %s)" % run["normalizer"])
            if run["sketch"] != "gaussian":
                run_notes.append("torch.svd_lowrank's test matrix is Gaussian (asked for %s)" % run["sketch"])
        try:
            for _ in range(run["warmup"]):
                call(X, run)
            samples = []
            out = None
            for _ in range(run["iterations"]):
                t0 = time.perf_counter()
                out = call(X, run)
                samples.append((time.perf_counter() - t0) * 1000.0)
            U, S, Vt = (to_numpy(x, np) for x in out)
        except Exception as e:  # report, do not crash the other runs
            results.append(dict(res, status="failed", error="%s: %s" % (type(e).__name__, str(e)[:400])))
            continue
        os.makedirs(run["out"], exist_ok=True)
        files = {key: os.path.join(run["out"], key + ".npy") for key in ("U", "S", "Vt")}
        np.save(files["U"], np.ascontiguousarray(U))
        np.save(files["S"], np.ascontiguousarray(S, dtype=np.float64))
        np.save(files["Vt"], np.ascontiguousarray(Vt))
        results.append(
            dict(
                res,
                status="ok",
                normalizer=normalizer_of(run),
                samples_ms=samples,
                iterations=run["iterations"],
                warmup=run["warmup"],
                dtype_in=dtype_in,
                dtype_out=str(U.dtype),
                factors=files,
                notes=run_notes,
            )
        )

    emit(
        dict(
            base,
            status="ok",
            library=library,
            threads=threads,
            blas=blas_info(),
            openblas_coretype_env=os.environ.get("OPENBLAS_CORETYPE"),
            runs=results,
            notes=notes,
        )
    )


if __name__ == "__main__":
    main()
