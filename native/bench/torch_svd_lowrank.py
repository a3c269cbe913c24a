# torch.svd_lowrank (PyTorch's randomized SVD: Halko, Martinsson, Tropp 2011, Alg. 4.4 with a QR
# after every product, then Alg. 5.1) on the GPU, timed like randla_bench_cuda_rsvd: CUDA events
# around each call after two warm-up calls, median of `reps`, one JSON line per dtype.
#   python3 torch_svd_lowrank.py [m n k p q reps]
# Its matrix is torch.randn of the same shape (the same distribution as randla's Philox gaussian;
# dense products take the same time on any such data). TF32 stays off, as PyTorch's default.
import json
import statistics
import sys

import torch


def main() -> None:
    args = [int(a) for a in sys.argv[1:]]
    m, n, k, p, q, reps = (args + [100000, 10000, 50, 10, 2, 9][len(args):])[:6]
    info = {
        "what": "torch",
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "device": torch.cuda.get_device_name(0),
        "allow_tf32": torch.backends.cuda.matmul.allow_tf32,
    }
    print(json.dumps(info), flush=True)
    for dtype, name in ((torch.float32, "f32"), (torch.float64, "f64")):
        gen = torch.Generator(device="cuda").manual_seed(77)
        A = torch.randn(m, n, device="cuda", dtype=dtype, generator=gen)
        times = []
        s1 = 0.0
        for r in range(reps + 2):
            torch.cuda.synchronize()
            start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            # q columns = k + p: the basis size, as randla's l; niter = power iterations.
            U, S, V = torch.svd_lowrank(A, q=k + p, niter=q)
            stop.record()
            stop.synchronize()
            if r >= 2:
                times.append(start.elapsed_time(stop))
            s1 = float(S[0])
        print(json.dumps({
            "what": "rsvd", "contender": "torch.svd_lowrank", "variant": "row-major", "dtype": name,
            "m": m, "n": n, "k": k, "p": p, "q": q, "median_ms": statistics.median(times), "sigma1": s1,
        }), flush=True)
        del A, U, S, V
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
