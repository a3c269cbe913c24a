#!/usr/bin/env python3
"""Python side of the randla DMD benchmark (spawned by bench/dmd.mjs, one process per contender)
and of the optional PyDMD cross-check (test/pydmd.test.ts).

    bench/.venv/bin/python bench/peers/dmd_peers.py PLAN.json

PLAN.json: {"task": "dmd" | "batch" | "online" | "crosscheck", ...}

  dmd         one contender on the snapshots "matrix" (.npy, n x m, C order, f64), "runs" timed
              fits after "warmup" untimed ones; the eigenvalues of the last. "contender":
                numpy         exact DMD (Tu et al. 2014) in plain numpy: np.linalg.svd of X[:, :-1]
                              (full_matrices=False), truncation to "rank", A~ = U^H X2 V S^-1,
                              np.linalg.eig, modes X2 V S^-1 W, amplitudes by np.linalg.lstsq on
                              the first snapshot: the algorithm randla's 'exact' runs
                pydmd-dmd     pydmd.DMD(svd_rank=rank, exact=True).fit(X)
                pydmd-fbdmd   pydmd.FbDMD(svd_rank=rank, exact=True).fit(X)
                pydmd-rdmd    pydmd.RDMD(svd_rank=rank, oversampling=..., power_iters=..., seed=...)
  batch       exact DMD of every group of "groups" (.npy, G x n x m) in a Python loop, the numpy
              contender's algorithm; "rank" 0 is the optimal hard threshold of Gavish & Donoho with
              the exact omega(beta) (the Marchenko-Pastur median found once, outside the clock, as
              docs/algorithms/dmd.md defines it), an integer >= 1 a fixed rank. The last run's
              eigenvalues to "out" (eigs_re.npy, eigs_im.npy: G x width, NaN-padded; ranks.npy)
  online      the rank-one recursions of Zhang et al. 2019 (docs/algorithms/dmd.md, "Online and
              windowed DMD") in numpy on the pairs "x", "y" (.npy, count x n, pair k in row k):
              "kind" "online" (weighting 1) or "window" ("window" pairs); the operator is formed
              from the first n pairs, the pairs up to "init" are added untimed, the next "updates"
              timed; the last run's operator to out/operator.npy
  crosscheck  PyDMD on the inputs of test/pydmd.test.ts: "inputs" {name: {"x": .npy (real)} or
              {"x_re", "x_im"} (complex)}; for each of "cases" ({"id", "input": name, "cls": DMD |
              FbDMD | HankelDMD | RDMD, "kwargs"}) the eigenvalues, modes (row-major, with rows and
              cols) and amplitudes as re/im lists, or the error

Prints ONE JSON line on stdout. BLAS threads: OPENBLAS_NUM_THREADS / OMP_NUM_THREADS (set by the
caller) and threadpoolctl's limit to plan["threads"]; the pools in use are reported.
"""

import json
import math
import os
import sys
import time
import warnings


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


def pydmd_version():
    try:
        import importlib.metadata as md

        return md.version("pydmd")
    except Exception:
        return None


def cplx(z):
    """A complex array as {"re": [...], "im": [...]} (JSON)."""
    import numpy as np

    z = np.asarray(z, dtype=complex)
    return {"re": [float(v) for v in z.real.ravel()], "im": [float(v) for v in z.imag.ravel()]}


# ---------------------------------------------------------------- exact DMD in numpy

def mp_median(beta):
    """Median of the Marchenko-Pastur law of ratio beta in (0, 1] (docs/algorithms/dmd.md)."""
    from scipy.integrate import quad
    from scipy.optimize import brentq

    a, b = (1 - math.sqrt(beta)) ** 2, (1 + math.sqrt(beta)) ** 2

    def cdf(mu):
        # x = a + (b - a) sin^2(t): dx = (b - a) sin(2t) dt, sqrt((b - x)(x - a)) = (b - a) sin t cos t
        hi = math.asin(math.sqrt(max(0.0, min(1.0, (mu - a) / (b - a)))))

        def f(t):
            x = a + (b - a) * math.sin(t) ** 2
            return ((b - a) * math.sin(t) * math.cos(t)) ** 2 * 2 / (2 * math.pi * beta * x)

        return quad(f, 0, hi, epsabs=1e-15, epsrel=1e-13, limit=200)[0]

    return brentq(lambda mu: cdf(mu) - 0.5, a, b, xtol=1e-14)


def omega_exact(beta):
    """Gavish & Donoho's omega(beta) for an unknown noise level: lambda*(beta) / sqrt(mu_beta)."""
    lam = math.sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + math.sqrt(beta * beta + 14 * beta + 1)))
    return lam / math.sqrt(mp_median(beta))


def truncation(np, s, rank, omega):
    """The rank rule of docs/algorithms/dmd.md for an integer rank >= 1 or 0 (omega given)."""
    if rank >= 1:
        return min(int(rank), len(s))
    r = int(np.sum(s > omega * np.median(s)))
    return max(r, 1)


def exact_dmd(np, X, rank, omega=None):
    """Exact DMD: eigenvalues, modes, amplitudes (least squares on the first snapshot)."""
    X1, X2 = X[:, :-1], X[:, 1:]
    U, s, Vh = np.linalg.svd(X1, full_matrices=False)
    r = truncation(np, s, rank, omega)
    U, s, V = U[:, :r], s[:r], Vh[:r].conj().T
    B = X2 @ (V / s)  # X2 V S^-1
    lam, W = np.linalg.eig(U.conj().T @ B)
    Phi = B @ W
    b = np.linalg.lstsq(Phi, X[:, 0], rcond=None)[0]
    return lam, Phi, b


# ---------------------------------------------------------------- tasks

def task_dmd(np, plan):
    X = np.load(plan["matrix"])
    if X.dtype != np.float64 or not X.flags.c_contiguous:
        X = np.ascontiguousarray(X, dtype=np.float64)
    c = plan["contender"]
    rank = plan["rank"]
    if c == "numpy":
        fit = lambda: exact_dmd(np, X, rank)[0]  # noqa: E731
    else:
        import pydmd

        if c == "pydmd-dmd":
            make = lambda: pydmd.DMD(svd_rank=rank, exact=True)  # noqa: E731
        elif c == "pydmd-fbdmd":
            make = lambda: pydmd.FbDMD(svd_rank=rank, exact=True)  # noqa: E731
        elif c == "pydmd-rdmd":
            make = lambda: pydmd.RDMD(svd_rank=rank, oversampling=plan["oversamples"],  # noqa: E731
                                      power_iters=plan["power_iters"], seed=plan["seed"])
        else:
            raise ValueError("unknown contender %r" % c)
        fit = lambda: make().fit(X).eigs  # noqa: E731
    samples = []
    lam = None
    for i in range(plan["warmup"] + plan["runs"]):
        t0 = time.perf_counter()
        lam = fit()
        ms = (time.perf_counter() - t0) * 1e3
        if i >= plan["warmup"]:
            samples.append(ms)
    return {"contender": c, "samples_ms": samples, "rank": int(len(lam)), "eigs": cplx(lam)}


def task_batch(np, plan):
    G = np.load(plan["groups"])
    if G.dtype != np.float64 or not G.flags.c_contiguous:
        G = np.ascontiguousarray(G, dtype=np.float64)
    ng, n, m = G.shape
    rank = plan["rank"]
    omega = None
    if rank == 0:
        beta = min(n, m - 1) / max(n, m - 1)
        omega = omega_exact(beta)  # once, outside the clock: every group has the same shape
    samples = []
    eigs = None
    for i in range(plan["warmup"] + plan["runs"]):
        out = [None] * ng
        t0 = time.perf_counter()
        for g in range(ng):
            out[g] = exact_dmd(np, G[g], rank, omega)[0]
        ms = (time.perf_counter() - t0) * 1e3
        if i >= plan["warmup"]:
            samples.append(ms)
        eigs = out
    W = plan["width"]
    re = np.full((ng, W), np.nan)
    im = np.full((ng, W), np.nan)
    ranks = np.zeros(ng, dtype=np.int32)
    for g, lam in enumerate(eigs):
        k = min(W, len(lam))
        re[g, :k] = lam.real[:k]
        im[g, :k] = lam.imag[:k]
        ranks[g] = len(lam)
    os.makedirs(plan["out"], exist_ok=True)
    np.save(os.path.join(plan["out"], "eigs_re.npy"), re)
    np.save(os.path.join(plan["out"], "eigs_im.npy"), im)
    np.save(os.path.join(plan["out"], "ranks.npy"), ranks)
    return {"groups": ng, "shape": [n, m], "samples_ms": samples, "omega": omega}


def task_online(np, plan):
    X = np.ascontiguousarray(np.load(plan["x"]), dtype=np.float64)
    Y = np.ascontiguousarray(np.load(plan["y"]), dtype=np.float64)
    count, n = X.shape
    init, updates, kind = plan["init"], plan["updates"], plan["kind"]
    window = plan.get("window")
    if init + updates > count or init < n:
        raise ValueError("online: need n <= init and init + updates <= count")

    def add(A, P, x, y):
        # P <- P - P x x^T P / (1 + x^T P x), A <- A + (y - A x) x^T P (new P), P symmetrised
        Px = P @ x
        P -= np.outer(Px, Px / (1.0 + x @ Px))
        Px = P @ x
        A += np.outer(y - A @ x, Px)
        P += P.T
        P *= 0.5

    def remove(A, P, x, y):
        # P <- P + P x x^T P / (1 - x^T P x), A <- A - (y - A x) x^T P (new P)
        Px = P @ x
        P += np.outer(Px, Px / (1.0 - x @ Px))
        Px = P @ x
        A -= np.outer(y - A @ x, Px)
        P += P.T
        P *= 0.5

    def step(A, P, k):
        add(A, P, X[k], Y[k])
        if kind == "window" and k >= window:
            remove(A, P, X[k - window], Y[k - window])

    samples = []
    A = None
    for i in range(plan["warmup"] + plan["runs"]):
        X0, Y0 = X[:n].T, Y[:n].T  # columns are pairs
        P = np.linalg.inv(X0 @ X0.T)
        A = (Y0 @ X0.T) @ P
        for k in range(n, init):
            step(A, P, k)
        t0 = time.perf_counter()
        for k in range(init, init + updates):
            step(A, P, k)
        ms = (time.perf_counter() - t0) * 1e3
        if i >= plan["warmup"]:
            samples.append(ms)
    os.makedirs(plan["out"], exist_ok=True)
    np.save(os.path.join(plan["out"], "operator.npy"), np.ascontiguousarray(A))
    return {"kind": kind, "n": n, "samples_ms": samples}


def task_crosscheck(np, plan):
    import pydmd

    data = {}
    for name, spec in plan["inputs"].items():
        data[name] = np.load(spec["x"]) if "x" in spec else np.load(spec["x_re"]) + 1j * np.load(spec["x_im"])
    results = []
    for case in plan["cases"]:
        try:
            cls = getattr(pydmd, case["cls"])
            d = cls(**case.get("kwargs", {})).fit(data[case["input"]])
            results.append({"id": case["id"], "status": "ok", "eigs": cplx(d.eigs),
                            "modes": {**cplx(d.modes), "rows": int(d.modes.shape[0]), "cols": int(d.modes.shape[1])},
                            "amplitudes": cplx(d.amplitudes)})
        except Exception as e:  # one case's failure is reported, the others still run
            results.append({"id": case["id"], "status": "failed", "reason": "%s: %s" % (type(e).__name__, e)})
    return {"results": results}


def main():
    plan = json.load(open(sys.argv[1]))
    import numpy as np
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=plan.get("threads", 2))
    # PyDMD warns about the conditioning of the snapshots (np.linalg.cond) and about complex
    # casts; the warnings are not results
    warnings.simplefilter("ignore")
    tasks = {"dmd": task_dmd, "batch": task_batch, "online": task_online, "crosscheck": task_crosscheck}
    if plan["task"] not in tasks:
        emit({"status": "failed", "reason": "unknown task %s" % plan["task"]})
        return
    out = {"status": "ok", "task": plan["task"], "numpy": np.__version__, "pydmd": pydmd_version()}
    out.update(tasks[plan["task"]](np, plan))
    out["blas"] = blas_info()
    emit(out)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one JSON line even on failure
        emit({"status": "failed", "reason": "%s: %s" % (type(e).__name__, e)})
        sys.exit(1)
