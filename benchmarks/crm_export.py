"""``callmate export --format hubspot|pipedrive|salesforce|vcard`` at scale: time and peak memory.

    python -m benchmarks.crm_export [--big DIR] [--sizes 10000,100000] [--runs 3]
                                    [--formats hubspot,pipedrive,salesforce,vcard]

For each size a data dir is seeded (ten notes a call), or for 100,000 calls
``--big DIR`` is copied (the original is never written to; the copy is
deleted at the end). Each round runs, as whole processes one after the other
(the order alternating round by round), ``callmate export --format json
--out FILE`` (the baseline: the streamed export the CRM formats are built
on) and ``callmate export --format F --out FILE`` for each format F.
Wall time is taken around each process and its peak RSS from ``os.wait4``
(:func:`benchmarks.data_commands.run`). Figures: median and p95 over the
rounds, each format's time as a ratio of the JSON export's in the same
round, and its peak memory at the largest size against the smallest (the
export streams, so that ratio stays near 1 whatever the history's size).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.data_commands import p95, run
from benchmarks.pty_harness import median

FORMATS = ("hubspot", "pipedrive", "salesforce", "vcard")


CHECKOUT = str(Path(__file__).resolve().parent.parent)


def measure(
    home: Path, work: Path, runs: int, formats: list[str], code: str = CHECKOUT
) -> dict[str, float]:
    python = sys.executable
    names = ["json", *formats]
    times: dict[str, list[float]] = {name: [] for name in names}
    peaks: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(runs):
        order = names if round_ % 2 == 0 else names[::-1]
        for name in order:
            out = work / f"export.{name}"
            args = [python, "-m", "callmate", "--data-dir", str(home), "export"]
            args += ["--format", name, "--out", str(out)]
            os.sync()
            elapsed, peak = run(args, {"PYTHONPATH": code})
            times[name].append(elapsed)
            peaks[name].append(peak / 1024)
            out.unlink()
        print(
            f"  round {round_ + 1}: "
            + ", ".join(f"{n} {times[n][-1]:.1f} s {peaks[n][-1]:.0f} MiB" for n in names),
            flush=True,
        )
    figures: dict[str, float] = {}
    for name in names:
        figures[f"{name}_median"] = median(times[name])
        figures[f"{name}_p95"] = p95(times[name])
        figures[f"{name}_rss_mib"] = median(peaks[name])
        figures[f"{name}_rss_mib_p95"] = p95(peaks[name])
        ratios = [a / b for a, b in zip(times[name], times["json"], strict=True)]
        figures[f"{name}_ratio"] = median(ratios)
        figures[f"{name}_ratio_p95"] = p95(ratios)
    return figures


def upgrade(home: Path) -> None:
    from callmate.locations import database_path
    from callmate.store import bulk

    bulk.connect(database_path(home)).close()
    for backup in home.glob("**/*.bak*"):
        backup.unlink()  # the upgrade's backup: disk is limited


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=Path, help="a dir seeded with 100,000 calls (copied)")
    parser.add_argument("--sizes", default="10000,100000", help="calls, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--code", default=CHECKOUT, help="run callmate from this checkout")
    args = parser.parse_args(argv)
    from benchmarks.seed import seed

    formats = [f for f in args.formats.split(",") if f]
    sizes = [int(s) for s in args.sizes.split(",")]
    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            home = Path(tmp) / f"home-{size}"
            if size == 100_000 and args.big is not None:
                shutil.copytree(args.big, home)
                upgrade(home)  # an older schema is upgraded (and backed up) before timing
            else:
                seed(home, calls=size, notes=size * 10)
            work = Path(tmp) / f"work-{size}"
            work.mkdir()
            print(f"{size:,} calls, {size * 10:,} notes:", flush=True)
            figures = measure(home, work, args.runs, formats, args.code)
            for key, value in figures.items():
                result[f"{key}_{size}"] = value
            for name in ["json", *formats]:
                print(
                    f"  {name}: median {figures[f'{name}_median']:.1f} s"
                    f" (p95 {figures[f'{name}_p95']:.1f}), peak"
                    f" {figures[f'{name}_rss_mib']:.0f} MiB"
                    f" (p95 {figures[f'{name}_rss_mib_p95']:.0f})"
                    f" | vs json x{figures[f'{name}_ratio']:.2f}"
                    f" (p95 x{figures[f'{name}_ratio_p95']:.2f})",
                    flush=True,
                )
            shutil.rmtree(home)
            shutil.rmtree(work)
    small, large = min(sizes), max(sizes)
    for name in ["json", *formats]:
        result[f"{name}_rss_growth"] = (
            result[f"{name}_rss_mib_{large}"] / result[f"{name}_rss_mib_{small}"]
        )
    result["peak_rss_mib"] = max(result[f"{n}_rss_mib_{large}"] for n in formats)
    if len(sizes) > 1:
        print(
            f"peak memory {large:,} vs {small:,} calls: "
            + ", ".join(f"{n} x{result[f'{n}_rss_growth']:.2f}" for n in ["json", *formats]),
            flush=True,
        )
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
