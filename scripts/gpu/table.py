# Turns the JSON lines of randla_bench_cuda_rsvd, torch_svd_lowrank.py and randla_bench_rsvd (the
# CPU backend) into the markdown table of docs/gpu.md: each time, its multiple of the HBM
# bandwidth bound ((2q + 2) reads of A at the measured device-to-device copy rate), and the
# issue's three ratios (randla f32 against torch.svd_lowrank, the bound and the CPU figure).
#   python3 table.py bench_cuda.jsonl bench_torch.jsonl bench_cpu.jsonl > results.md
# With --nystrom, the JSON lines of randla_bench_cuda_nystrom become the Nyström table of
# docs/gpu.md (device and CPU time per network, the speed-up, the agreement of the two):
#   python3 table.py --nystrom bench_nystrom.jsonl > results_nystrom.md
import json
import sys


def read(path):
    rows = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError:
                        pass
    except OSError:
        pass
    return rows


def main() -> None:
    cuda, torch_rows, cpu = (read(p) for p in sys.argv[1:4])
    rate = next((r["rate_GBs"] for r in cuda if r.get("what") == "d2d_copy"), None)
    device = next((r for r in cuda if r.get("what") == "device"), {})
    tinfo = next((r for r in torch_rows if r.get("what") == "torch"), {})
    rsvd = [r for r in cuda + torch_rows if r.get("what") == "rsvd" and "median_ms" in r]
    shape = next(((r["m"], r["n"], r["k"], r["p"], r["q"]) for r in rsvd), None)
    out = []
    out.append(f"Device: {device.get('name', '?')} ({device.get('memory_GiB', '?')} GiB, "
               f"{device.get('multiprocessors', '?')} SMs, driver {device.get('driver', '?')}, "
               f"runtime {device.get('runtime', '?')}); torch {tinfo.get('torch', '?')} "
               f"(CUDA {tinfo.get('cuda', '?')}, allow_tf32 {tinfo.get('allow_tf32', '?')}).")
    if rate:
        out.append(f"Device-to-device copy: {rate:.0f} GB/s (bytes read + written).")
    if shape:
        m, n, k, p, q = shape
        out.append(f"Matrix {m} x {n}, k = {k}, p = {p}, q = {q}: {2 * q + 2} passes over A.")
    out.append("")
    out.append("| contender | variant | dtype | median ms | bound ms | x bound | σ₁ |")
    out.append("|---|---|---|---|---|---|---|")

    def bound_ms(r):
        size = 4 if r["dtype"] == "f32" else 8
        return (2 * r["q"] + 2) * r["m"] * r["n"] * size / (rate * 1e9) * 1e3 if rate else float("nan")

    for r in rsvd:
        b = bound_ms(r)
        out.append(f"| {r['contender']} | {r.get('variant', '')} | {r['dtype']} | {r['median_ms']:.2f} | {b:.2f} | "
                   f"{r['median_ms'] / b:.2f} | {r.get('sigma1', float('nan')):.6g} |")
    cpu_ms = {}
    for r in cpu:
        if "median_s" in r:
            cpu_ms[r["dtype"]] = r["median_s"] * 1e3
            out.append(f"| randla CPU ({r.get('threads', '?')} threads) | row-major qr | {r['dtype']} | "
                       f"{r['median_s'] * 1e3:.1f} | | | |")
    out.append("")
    # The ratios: randla with qr (the algorithm of torch.svd_lowrank and of the CPU figure, which
    # runs randla's default normalizer, qr) and with the fastest normalizer measured.
    for dtype in ("f32", "f64"):
        mine = [r for r in rsvd if r["contender"] == "randla-cuda" and r["dtype"] == dtype
                and r.get("variant", "").startswith("row-major ") and "check_finite" not in r.get("variant", "")]
        torch_r = [r for r in rsvd if r["contender"] == "torch.svd_lowrank" and r["dtype"] == dtype]
        gesvdr = [r for r in rsvd if r["contender"] == "cusolverDnXgesvdr" and r["dtype"] == dtype]
        for label, pick in (("qr", [r for r in mine if r["variant"] == "row-major qr"]),
                            ("fastest", sorted(mine, key=lambda r: r["median_ms"])[:1])):
            if not pick:
                continue
            t = pick[0]["median_ms"]
            parts = [f"{dtype}, {label} ({pick[0]['variant']}): {t:.2f} ms = {t / bound_ms(pick[0]):.2f}x the "
                     "bandwidth bound"]
            if torch_r:
                parts.append(f"torch.svd_lowrank / randla = {torch_r[0]['median_ms'] / t:.2f}")
            if gesvdr:
                parts.append(f"cusolverDnXgesvdr / randla = {gesvdr[0]['median_ms'] / t:.2f}")
            if dtype in cpu_ms:
                parts.append(f"CPU backend / randla = {cpu_ms[dtype] / t:.1f}")
            out.append("- " + ", ".join(parts) + ".")
    print("\n".join(out))


def nystrom(path) -> None:
    rows = read(path)
    device = next((r for r in rows if r.get("what") == "device"), {})
    out = [f"Device: {device.get('name', '?')} ({device.get('memory_GiB', '?')} GiB, "
           f"{device.get('multiprocessors', '?')} SMs, driver {device.get('driver', '?')}, "
           f"runtime {device.get('runtime', '?')}).", "",
           "| network | nodes N | l | r | randla-cuda median ms | CPU median ms (threads) | CPU / cuda | "
           "max rel. eigenvalue diff | subspace distance |",
           "|---|---|---|---|---|---|---|---|---|"]
    for grid in sorted({r["grid"] for r in rows if r.get("what") == "nystrom"}):
        gpu = next((r for r in rows if r.get("what") == "nystrom" and r["grid"] == grid
                    and r["contender"] == "randla-cuda"), None)
        cpu = next((r for r in rows if r.get("what") == "nystrom" and r["grid"] == grid
                    and r["contender"] == "randla CPU"), None)
        agree = next((r for r in rows if r.get("what") == "nystrom_agreement" and r["grid"] == grid), {})
        if gpu is None:
            continue
        cpu_cell = f"{cpu['median_ms']:.1f} ({cpu.get('threads', '?')})" if cpu else "—"
        ratio = f"{cpu['median_ms'] / gpu['median_ms']:.1f}" if cpu else "—"
        out.append(f"| {grid}² | {gpu['n']} | {gpu['l']} | {gpu['r']} | {gpu['median_ms']:.1f} | {cpu_cell} | {ratio} | "
                   f"{agree.get('max_rel_eigenvalue_diff', float('nan')):.1e} | "
                   f"{agree.get('subspace_distance', float('nan')):.1e} |")
    host = next((r for r in rows if r.get("what") == "nystrom_host_steps"), None)
    if host:
        out.append("")
        out.append(f"Host l x l steps alone (l = {host['l']}, {host['threads']} threads): W's syevd "
                   f"{host['syevd_ms']:.1f} ms, the indefinite core on R {host['indefinite_core_ms']:.1f} ms.")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--nystrom":
        nystrom(sys.argv[2])
    else:
        main()
