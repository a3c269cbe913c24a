#!/usr/bin/env python3
"""Python contenders of the randla rsvd benchmark (spawned by bench/run.mjs, one process each).

    bench/.venv/bin/python bench/peers/rsvd_peers.py --contender sklearn --input A.npy --out DIR \
        --rank 20 --oversamples 10 --power-iters 2 --normalizer lu --seed 42 --iterations 5 --warmup 1

Contenders:
  sklearn  sklearn.utils.extmath.randomized_svd(A, k, n_oversamples=p, n_iter=q,
           power_iteration_normalizer='LU'|'QR'|'none', random_state=seed)
  fbpca    fbpca.pca(A, k, raw=True, n_iter=q, l=k+p)  (always normalizes with LU; its test
           matrix is float64, so numpy promotes a float32 A and it computes in float64)

Both make 2q+2 passes over A, like randla. Times each call with time.perf_counter (warm-up
calls untimed), saves the factors of the last call (U.npy, S.npy, Vt.npy, C order) into --out
and prints ONE JSON line on stdout. BLAS threads follow OPENBLAS_NUM_THREADS / OMP_NUM_THREADS
(set by run.mjs); the count actually in use is read with threadpoolctl.
"""

import argparse
import json
import os
import sys
import time


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def blas_threads():
    try:
        from threadpoolctl import threadpool_info

        info = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if info:
            return {
                "threads": info[0].get("num_threads"),
                "blas": "%s %s" % (info[0].get("internal_api"), info[0].get("version")),
            }
    except Exception:  # threadpoolctl is a scikit-learn dependency; tolerate its absence
        pass
    return {"threads": None, "blas": None}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--contender", required=True, choices=["sklearn", "fbpca"])
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rank", type=int, default=20)
    ap.add_argument("--oversamples", type=int, default=10)
    ap.add_argument("--power-iters", type=int, default=2)
    ap.add_argument("--normalizer", choices=["lu", "qr", "none"], default="lu")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    args = ap.parse_args()
    base = {"contender": args.contender, "python": sys.version.split()[0]}

    try:
        import numpy as np
    except ImportError as e:
        return emit(dict(base, status="skipped", reason="numpy not importable: %s" % e))

    base["numpy"] = np.__version__
    k, p, q = args.rank, args.oversamples, args.power_iters
    notes = []

    if args.contender == "sklearn":
        try:
            import sklearn
            from sklearn.utils.extmath import randomized_svd
        except ImportError as e:
            return emit(dict(base, status="skipped", reason="scikit-learn not importable: %s" % e))
        normalizer = {"lu": "LU", "qr": "QR", "none": "none"}[args.normalizer]
        library = "scikit-learn %s" % sklearn.__version__

        def call(A):
            return randomized_svd(
                A,
                k,
                n_oversamples=p,
                n_iter=q,
                power_iteration_normalizer=normalizer,
                transpose="auto",
                flip_sign=True,
                random_state=args.seed,
            )

    else:
        try:
            import fbpca
        except ImportError as e:
            return emit(dict(base, status="skipped", reason="fbpca not importable: %s" % e))
        normalizer = "LU"
        library = "fbpca 1.0"
        if args.normalizer != "lu":
            notes.append("fbpca always normalizes with LU (asked for %s)" % args.normalizer)

        def call(A):
            np.random.seed(args.seed)  # fbpca draws from numpy's global generator
            return fbpca.pca(A, k=k, raw=True, n_iter=q, l=k + p)

    A = np.load(args.input)
    A = np.ascontiguousarray(A)
    if args.contender == "fbpca" and A.dtype == np.float32:
        notes.append("float32 input is promoted to float64 (fbpca's test matrix is float64)")

    try:
        # untimed warm-up on a small matrix (imports, BLAS thread pool), then on A
        rng = np.random.default_rng(7)
        call(rng.standard_normal((256, 64)).astype(A.dtype))
        for _ in range(args.warmup):
            call(A)
        samples = []
        out = None
        for _ in range(args.iterations):
            t0 = time.perf_counter()
            out = call(A)
            samples.append((time.perf_counter() - t0) * 1000.0)
        U, S, Vt = out
    except Exception as e:  # report, do not crash the whole bench
        return emit(dict(base, status="failed", error="%s: %s" % (type(e).__name__, e)))

    os.makedirs(args.out, exist_ok=True)
    files = {
        "U": os.path.join(args.out, "U.npy"),
        "S": os.path.join(args.out, "S.npy"),
        "Vt": os.path.join(args.out, "Vt.npy"),
    }
    np.save(files["U"], np.ascontiguousarray(U))
    np.save(files["S"], np.ascontiguousarray(S, dtype=np.float64))
    np.save(files["Vt"], np.ascontiguousarray(Vt))

    bt = blas_threads()
    emit(
        dict(
            base,
            status="ok",
            library=library,
            normalizer=normalizer,
            samples_ms=samples,
            iterations=args.iterations,
            warmup=args.warmup,
            threads=bt["threads"],
            blas=bt["blas"],
            dtype_in=str(A.dtype),
            dtype_out=str(U.dtype),
            factors=files,
            notes=notes,
        )
    )


if __name__ == "__main__":
    main()
