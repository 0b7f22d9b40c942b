"""Benchmark of the embedded demo site (``make bench``).

Run it as ``.venv/bin/python bench/run.py`` from the course folder. It prints
a table of measurements with their targets and writes every number, with the
machine they were measured on, to ``bench/results.json``. It is a report: a
missed target is shown as FAIL but the exit status stays 0 (it is non-zero
only when the benchmark itself could not run).

The measurements run in a fresh Python process that imports
``course_helpers`` the way a notebook does, and calls the helpers from inside
a running asyncio event loop, as a Jupyter kernel's cell thread does.

After the notebooks it times the whole test suite as the README runs it
(``make test``, i.e. ``pytest --nbval``), once, as a subprocess; pass
``--skip-test-suite`` to leave that minute out.

Adding a measurement: write a function that takes a :class:`Bench` and
returns a list of :class:`Metric`, and append it to ``KERNEL_SECTIONS`` (it
runs in the kernel-like subprocess) or to ``HOST_SECTIONS`` (it runs in this
process, e.g. to time notebooks that start kernels of their own).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"

#: Boots measured after the first one (their median is compared with the target).
BOOTS = 20
#: Requests measured per latency metric, after WARMUP unmeasured ones.
REQUESTS = 400
WARMUP = 20
#: The kernel-like subprocess is stopped if it takes longer than this (seconds).
CHILD_TIMEOUT = 300


@dataclass
class Metric:
    """One measured quantity: its samples in milliseconds and, optionally, a target for the median."""

    key: str
    label: str
    samples_ms: list[float]
    target_ms: float | None = None
    note: str = ""
    #: What the samples measure: "ms" (the default), "s", "x" (a ratio) or "" (a count).
    unit: str = "ms"

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p90_ms(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]

    @property
    def passed(self) -> bool | None:
        return None if self.target_ms is None else self.median_ms <= self.target_ms

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "n": len(self.samples_ms),
            "median_ms": round(self.median_ms, 3),
            "p90_ms": round(self.p90_ms, 3),
            "min_ms": round(min(self.samples_ms), 3),
            "max_ms": round(max(self.samples_ms), 3),
            "target_ms": self.target_ms,
            "passed": self.passed,
            "note": self.note,
            "unit": self.unit,
        }


@dataclass
class Bench:
    """What sections share: facts gathered along the way (e.g. the import time)."""

    facts: dict = field(default_factory=dict)


def _ms(start_ns: int) -> float:
    return (time.perf_counter_ns() - start_ns) / 1e6


# -- sections that run in the kernel-like subprocess ------------------------------


def measure_boot(bench: Bench) -> list[Metric]:
    """First boot (Django setup, migration), then BOOTS more, each a site that answers."""
    import course_helpers

    def answers(site) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
        conn.request("GET", "/counter/")
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise RuntimeError(f"the new site answered {response.status}")

    start = time.perf_counter_ns()
    site = course_helpers.start_demo_site("bench-first")
    first = _ms(start)
    answers(site)
    site.stop()

    boots, boots_answered, stops, reruns = [], [], [], []
    for i in range(BOOTS):
        start = time.perf_counter_ns()
        site = course_helpers.start_demo_site(f"bench-boot-{i}")
        boots.append(_ms(start))
        answers(site)
        boots_answered.append(_ms(start))
        start = time.perf_counter_ns()
        site.stop()
        stops.append(_ms(start))
    course_helpers.start_demo_site("bench-rerun")
    for _ in range(BOOTS):
        start = time.perf_counter_ns()
        site = course_helpers.start_demo_site("bench-rerun")  # what re-running the cell costs
        reruns.append(_ms(start))
    site.stop()

    return [
        Metric("import_ms", "import course_helpers", [bench.facts["import_ms"]], note="once per kernel"),
        Metric(
            "first_boot_ms",
            "boot: first start_demo_site()",
            [first],
            note="includes django.setup() and migrating the template database",
        ),
        Metric(
            "boot_ms",
            f"boot: start_demo_site(), median of {BOOTS}",
            boots,
            target_ms=150,
            note="copy of the template database + listening server",
        ),
        Metric("boot_answered_ms", "boot + first answer (new connection)", boots_answered),
        Metric("stop_ms", "site.stop()", stops),
        Metric("rerun_ms", "re-run: same name (stop old + start new)", reruns),
    ]


def _latency_with_client(path: str) -> list[float]:
    """Keep-alive requests through site.client(), a requests.Session, as a lesson sends them."""
    from course_helpers import start_demo_site

    with start_demo_site("bench-client") as site:
        client = site.client()
        samples = []
        for i in range(WARMUP + REQUESTS):
            start = time.perf_counter_ns()
            response = client.get(path)
            elapsed = _ms(start)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            if i >= WARMUP:
                samples.append(elapsed)
        return samples


def _latency_raw(path: str) -> list[float]:
    """Keep-alive requests over one http.client connection: the server's answer time."""
    from course_helpers import start_demo_site

    with start_demo_site("bench-raw") as site:
        conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
        cookies: dict[str, str] = {}
        samples = []
        sock = None
        for i in range(WARMUP + REQUESTS):
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
            start = time.perf_counter_ns()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = _ms(start)
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                cookies[name] = rest.split(";", 1)[0]
            if sock is None:
                sock = conn.sock
            elif conn.sock is not sock:
                raise RuntimeError("the connection was not kept alive")
            if i >= WARMUP:
                samples.append(elapsed)
        conn.close()
        return samples


def measure_cookie_view(bench: Bench) -> list[Metric]:
    """The cookie counter: no database, one Set-Cookie."""
    return [
        Metric(
            "cookie_view_raw_ms",
            "GET /counter/ answered (keep-alive)",
            _latency_raw("/counter/"),
            target_ms=2,
            note="the target: the server's answer time, over one keep-alive http.client connection",
        ),
        Metric(
            "cookie_view_client_ms",
            "GET /counter/ via site.client()",
            _latency_with_client("/counter/"),
            note="as a lesson sees it: adds requests' own Python (about 1-1.5 ms a call here)",
        ),
    ]


def measure_session_write(bench: Bench) -> list[Metric]:
    """The session counter: every request writes the session row to SQLite."""
    return [
        Metric(
            "session_write_client_ms",
            "GET /session/counter/ via site.client()",
            _latency_with_client("/session/counter/"),
            note="requests.Session, keep-alive; one UPDATE per request",
        ),
        Metric(
            "session_write_raw_ms",
            "GET /session/counter/ answered (keep-alive)",
            _latency_raw("/session/counter/"),
            note="server answer time, keep-alive; one UPDATE per request",
        ),
    ]


#: Hostile requests sent by the long fuzzing run (the bounded run in make test sends a few hundred).
FUZZ_REQUESTS = 5000


def measure_fuzzing(bench: Bench) -> list[Metric]:
    """The long fuzzing run: FUZZ_REQUESTS hostile requests over every URL; failures must be 0."""
    sys.path.insert(0, str(ROOT))
    from hypothesis import HealthCheck, given, settings

    from course_helpers import start_demo_site
    from tests import fuzzing

    failures: list[str] = []
    sent = 0
    with start_demo_site("bench-fuzz") as site:
        paths = fuzzing.site_paths()

        @settings(
            max_examples=FUZZ_REQUESTS,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            path=fuzzing.st.sampled_from(paths),
            method=fuzzing.methods,
            cookies=fuzzing.cookie_headers,
            authorization=fuzzing.authorization_headers,
        )
        def one(path, method, cookies, authorization):
            nonlocal sent
            sent += 1
            failures.extend(
                fuzzing.problems(path, fuzzing.send(site.port, method, path, cookies, authorization))
            )

        start = time.perf_counter()
        one()
        seconds = time.perf_counter() - start
    return [
        Metric("fuzz_requests", "fuzzing: hostile requests sent", [sent], note=f"{len(paths)} URLs", unit=""),
        Metric(
            "fuzz_failures",
            "fuzzing: 5xx or traceback answers",
            [len(failures)],
            target_ms=0,
            note=f"{seconds:.1f} s; " + ("; ".join(failures[:3]) or "none"),
            unit="",
        ),
    ]


#: Sections run, in order, in the kernel-like subprocess.
KERNEL_SECTIONS: list[Callable[[Bench], list[Metric]]] = [
    measure_boot,
    measure_cookie_view,
    measure_session_write,
    measure_fuzzing,
]


#: Each notebook (and the floor) is executed this many times; the median counts.
NOTEBOOK_RUNS = 3


def _execute_notebook(path: Path | None) -> float:
    """Seconds to execute a notebook in a fresh kernel, kernel start included; ``None``: an empty one.

    The kernel is stopped at once afterwards, as nbval (and so ``make test``)
    stops it: the time measured is the time to run the lesson.
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4) if path else nbformat.v4.new_notebook()
    folder = path.parent if path else ROOT / "notebooks"
    start = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    return time.perf_counter() - start


def measure_notebooks(bench: Bench) -> list[Metric]:
    """Each lesson's execution time, and the whole course against the kernel-start floor."""
    from course_helpers import catalog

    notebooks = catalog.notebooks()
    lessons = [notebook.path for notebook in notebooks]
    keys = {notebook.path.name: notebook.key for notebook in notebooks}
    by_name = {notebook.path.name: notebook.lesson for notebook in notebooks}
    times: dict[str, list[float]] = {path.name: [] for path in lessons}
    floor: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-progress-") as folder:
        os.environ["COURSE_PROGRESS_FILE"] = str(Path(folder) / "progress.json")
        for _ in range(NOTEBOOK_RUNS):  # interleaved, so that a busy moment weighs on both sides
            for path in lessons:
                times[path.name].append(_execute_notebook(path))
                floor.append(_execute_notebook(None))
    metrics = [
        Metric(
            f"notebook_{keys[name]}_s",
            f"notebook {name}",
            samples,
            target_ms=by_name[name].budget_s,
            unit="s",
            note=f"drives {', '.join(by_name[name].drives)}" if by_name[name].drives else "",
        )
        for name, samples in times.items()
    ]
    # The floor is a kernel start: it says nothing of a browser's or a Redis server's own start-up, so the
    # ratio is taken over the lessons that start no program of their own; those have their own budget.
    own = [name for name in times if not by_name[name].drives]
    course = sum(statistics.median(times[name]) for name in own)
    everything = sum(statistics.median(samples) for samples in times.values())
    empty = len(own) * statistics.median(floor)
    metrics += [
        Metric("course_all_s", f"whole course ({len(times)} notebooks, medians)", [everything], unit="s"),
        Metric("course_s", f"the {len(own)} notebooks that start no program", [course], unit="s"),
        Metric(
            "floor_s",
            f"{len(own)} empty notebooks (kernel-start floor)",
            [empty],
            unit="s",
            note=f"median of {len(floor)} runs, times {len(own)}",
        ),
        Metric(
            "course_ratio", "those notebooks / kernel-start floor", [course / empty], target_ms=2.5, unit="x"
        ),
    ]
    return metrics


#: The README's test command (``make test``), timed by :func:`measure_test_suite`.
TEST_COMMAND = ["-m", "pytest", "--nbval", "-q"]
#: The test suite is stopped if it takes longer than this (seconds).
TEST_TIMEOUT = 900


def measure_test_suite(bench: Bench) -> list[Metric]:
    """Wall time of the whole test suite, run once as ``make test`` runs it (skip: ``--skip-test-suite``)."""
    if bench.facts.get("skip_test_suite"):
        return []
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "COURSE_PROGRESS_FILE")
    }
    start = time.perf_counter()
    try:
        run = subprocess.run(
            [sys.executable, *TEST_COMMAND],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TEST_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return [Metric("test_suite_s", "make test (wall time)", [TEST_TIMEOUT], unit="s", note="timed out")]
    seconds = time.perf_counter() - start
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    summary = lines[-1].strip("= ") if lines else "no output"
    status = "" if run.returncode == 0 else f"FAILED (exit {run.returncode}): "
    return [
        Metric(
            "test_suite_s",
            "make test (pytest --nbval, wall time)",
            [seconds],
            unit="s",
            note=f"{status}{summary}",
        )
    ]


#: Sections run in this process (for measurements that start processes of their own).
HOST_SECTIONS: list[Callable[[Bench], list[Metric]]] = [measure_notebooks, measure_test_suite]


def run_kernel_sections(out_path: str) -> None:
    """The subprocess: import the helpers, then measure from inside a running event loop."""
    sys.path.insert(0, str(ROOT))
    start = time.perf_counter_ns()
    import course_helpers  # noqa: F401  (timed: a notebook's first import)

    bench = Bench({"import_ms": _ms(start)})

    async def kernel_cell() -> dict:
        # A kernel's cell thread runs an event loop; the helpers must cope with it.
        asyncio.get_running_loop()
        sections = []
        for section in KERNEL_SECTIONS:
            sections.append({"section": section.__name__, "metrics": [m.as_json() for m in section(bench)]})
        return {"sections": sections}

    results = asyncio.run(kernel_cell())
    import django

    results["django_version"] = django.get_version()
    Path(out_path).write_text(json.dumps(results))


# -- the report ------------------------------------------------------------------------


def machine_info(django_version: str) -> dict:
    return {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "django": django_version,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def _result(metric: dict) -> str:
    if metric["passed"] is None:
        return "info"
    return "PASS" if metric["passed"] else "FAIL"


def _with_unit(value: float, unit: str) -> str:
    if unit == "":
        return f"{value:g}"
    if unit == "x":
        return f"{value:.2f} ×"
    return f"{value:.2f} {unit}"


def format_table(sections: list[dict]) -> str:
    header = ("metric", "median", "p90", "n", "target", "result")
    rows = []
    for section in sections:
        for m in section["metrics"]:
            unit = m.get("unit", "ms")
            target = f"≤ {_with_unit(m['target_ms'], unit)}" if m["target_ms"] is not None else "-"
            p90 = _with_unit(m["p90_ms"], unit) if m["n"] > 1 else "-"
            rows.append((m["label"], _with_unit(m["median_ms"], unit), p90, str(m["n"]), target, _result(m)))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    align = [str.ljust, str.rjust, str.rjust, str.rjust, str.rjust, str.ljust]

    def line(cells) -> str:
        return "  ".join(a(c, w) for a, c, w in zip(align, cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kernel-child", metavar="OUT", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON results")
    parser.add_argument(
        "--skip-test-suite",
        action="store_true",
        help="do not time the whole test suite (make test), which takes about a minute",
    )
    args = parser.parse_args(argv)
    if args.kernel_child:
        run_kernel_sections(args.kernel_child)
        return 0

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="demo-site-bench-") as tmp:
        out = Path(tmp) / "kernel.json"
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        child = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--kernel-child", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT,
        )
        if child.returncode != 0 or not out.exists():
            print("The benchmark's kernel process failed:", file=sys.stderr)
            print(child.stderr or child.stdout, file=sys.stderr)
            return 1
        kernel = json.loads(out.read_text())
    stray = (child.stdout + child.stderr).strip()

    bench = Bench({"skip_test_suite": args.skip_test_suite})
    sections = kernel["sections"] + [
        {"section": s.__name__, "metrics": [m.as_json() for m in s(bench)]} for s in HOST_SECTIONS
    ]
    results = {
        "machine": machine_info(kernel["django_version"]),
        "settings": {"boots": BOOTS, "requests": REQUESTS, "warmup": WARMUP},
        "sections": sections,
        "metrics": {m["key"]: m for s in sections for m in s["metrics"]},
        "wall_time_s": round(time.perf_counter() - started, 2),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")

    info = results["machine"]
    print(
        f"Demo site benchmark — Python {info['python']}, Django {info['django']}, "
        f"{info['cpu_count']} CPUs, {info['timestamp']}"
    )
    print()
    print(format_table(sections))
    print()
    failed = [m["label"] for s in sections for m in s["metrics"] if m["passed"] is False]
    if failed:
        print(f"MISSED TARGETS: {len(failed)} — " + "; ".join(failed))
    else:
        print("All targets met.")
    if stray:
        print(f"Note: the kernel process printed output (a helper is not quiet):\n{stray}")
    try:
        shown = args.output.resolve().relative_to(Path.cwd())
    except ValueError:
        shown = args.output
    print(f"Results written to {shown} ({results['wall_time_s']} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
