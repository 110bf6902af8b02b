#!/usr/bin/env python
"""Plant known bugs, one at a time, in a copy of the repository; check that a named test catches each.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python tests/mutations.py               # every mutation: CAUGHT / MISSED table
    .venv/bin/python tests/mutations.py --check       # only check that every pattern is found once
    .venv/bin/python tests/mutations.py --list        # the table of mutations and their tests
    .venv/bin/python tests/mutations.py --only session-seed-not-in-cache-key matching-min-overlap
    .venv/bin/python tests/mutations.py --e2e         # also run the browser tests named (slow)
    .venv/bin/python tests/mutations.py --code-ref HEAD  # code from a commit, tests from the tree

For each mutation the script copies ``segwidgets/``, ``tests/``, ``apps/``,
``notebooks/`` and ``pyproject.toml`` into a temporary folder (never touching
the working tree), replaces the mutation's exact old text by its new text (an
old text found other than exactly once is a loud error: the mutation needs
retargeting), and runs pytest on the mutation's named tests in the copy, with
``PYTHONPATH=<copy>`` so that the copy's code is imported, not the editable
install; a small plugin checks that in every pytest run. A mutation is
CAUGHT when at least one named test fails, MISSED when they all pass. Before
the mutations, the named tests run once on the unmutated copy: a test that
fails there would "catch" anything. Exit status: 0 when every mutation was
caught, 1 when one was missed or could not be planted, 2 when the baseline
fails.

Retargeting: ``file`` is a glob (or a tuple of globs) relative to the
repository; the old text must occur exactly once over all the files it
matches. The ``Segmentation`` mutations search ``SESSION`` (``session.py`` or
any module of a ``session/`` package), so they keep working after the split
as long as their (small) pattern survives it; ``old`` can also be a tuple of
alternatives (exactly one of them must be present), which keeps a mutation
working across a rename such as ``html.escape`` -> ``escape``.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("segwidgets", "tests", "apps", "notebooks", "pyproject.toml")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache", "artifacts")
#: Where ``Segmentation`` lives: today one module, soon a package.
SESSION = ("segwidgets/session.py", "segwidgets/session/**/*.py")

S = "tests/session/test_model.py::"
M = "tests/core/test_matching.py::"
R = "tests/dashboards/test_report.py::"
L = "tests/widgets/test_segment_legend.py::"
B = "tests/stories/test_bad_inputs.py::"
H = "tests/stories/test_hostile_and_races.py::test_hostile_messages_are_refused_and_the_model_stays_valid"
E2E = "tests/e2e/"


@dataclass(frozen=True)
class Mutation:
    """One planted bug.

    Attributes:
        name: short id (``--only`` takes it).
        file: glob or globs, relative to the repository, of the files holding ``old``.
        old: the exact text replaced, or a tuple of alternatives (exactly one must be present).
        new: what replaces it (one text, or one per alternative of ``old``).
        description: the behaviour that breaks, in words.
        tests: pytest node ids expected to catch it (one failing is enough).
        also: further (old, new) replacements in the same files, for a bug that takes two edits.
    """

    name: str
    file: str | tuple[str, ...]
    old: str | tuple[str, ...]
    new: str | tuple[str, ...]
    description: str
    tests: tuple[str, ...]
    also: tuple[tuple[str, str], ...] = field(default=())


MUTATIONS: tuple[Mutation, ...] = (
    # ---------------------------------------------------------------- Segmentation (session)
    # Keep these patterns small: they search every module of ``SESSION``, so a module moving
    # within the package needs no change; only a pattern whose text a rewrite changes does.
    Mutation(
        "session-generation-check", SESSION,
        "if not self._current(request.generation):",
        "if preview and not self._current(request.generation):",
        "a seeded fit overtaken by a newer change (a cache hit while it ran) is shown after it",
        (S + "test_a_fit_overtaken_by_a_cache_hit_is_dropped[kmeans-False]",
         S + "test_a_fit_overtaken_by_a_cache_hit_is_dropped[ward-True]"),
    ),
    Mutation(
        "session-preview-generation-check", SESSION,
        "if not self._current(request.generation):",
        "if not preview and not self._current(request.generation):",
        "a warm-start preview overtaken by a newer change is shown after it",
        (S + "test_a_warm_start_preview_overtaken_by_a_cache_hit_is_dropped",),
    ),
    Mutation(
        "session-seed-not-in-cache-key", SESSION,
        "return (self.prep_key, self.algorithm, k, self.seed, self.params)",
        "return (self.prep_key, self.algorithm, k, 0, self.params)",
        "the fit cache ignores the seed: a new seed is served the old seed's fit",
        (S + "test_a_seed_change_gives_the_fit_of_that_seed[inline]",
         S + "test_a_seed_change_gives_the_fit_of_that_seed[background]",
         S + "test_every_cache_hit_equals_a_fresh_fit_of_the_same_spec"),
    ),
    Mutation(
        "session-cache-hit-mislabels", SESSION,
        "self._show(request, prepared, fitted, cached=True)",
        "self._show(request, prepared, dataclasses.replace(fitted, labels=np.where("
        "np.arange(len(fitted.labels)) % 20 == 0, (fitted.labels + 1) % fitted.fit.n_segments, "
        "fitted.labels)), cached=True)",
        "a cache hit shows 5% of the rows in the wrong segment",
        (S + "test_returning_to_a_k_already_seen_comes_from_the_cache",
         S + "test_every_cache_hit_equals_a_fresh_fit_of_the_same_spec",
         S + "test_a_swept_k_comes_from_the_cache_and_equals_a_fresh_fit"),
    ),
    Mutation(
        "session-stale-metrics", SESSION,
        "shown.fit_key == request.fit_key and not shown.preview",
        "True or shown.fit_key == request.fit_key and not shown.preview",
        "metrics measured for an overtaken fit replace those of the result on screen",
        (S + "test_metrics_of_an_overtaken_fit_are_not_shown",),
    ),
    Mutation(
        "session-saved-ids-ignored", SESSION,
        "if previous is None and len(initial_ids) == n_new:",
        "if False:",
        "a reloaded spec numbers its segments afresh: names and colours land on other rows",
        (S + "test_a_spec_saved_after_k_changes_reloads_with_its_ids_names_and_rows",
         R + "test_a_report_from_a_saved_spec_shows_the_saved_segments"),
    ),
    # ---------------------------------------------------------------- matching
    Mutation(
        "matching-min-overlap", "segwidgets/core/matching.py",
        "if jaccard[r, c] >= MIN_OVERLAP:",
        "if True:",
        "a new segment inherits an old id whatever the overlap: a 1-row segment takes a name",
        (M + "test_a_one_row_segment_never_takes_a_named_segments_id",
         M + "test_a_segment_with_little_overlap_gets_a_fresh_id",
         M + "test_an_id_is_inherited_only_with_the_minimum_overlap"),
    ),
    Mutation(
        "matching-reserved-ignored", "segwidgets/core/matching.py",
        "taken = {int(i) for i in ids if i >= 0} | {int(i) for i in reserved}",
        "taken = {int(i) for i in ids if i >= 0}",
        "a named segment's id is handed out fresh to an unrelated segment (control)",
        (M + "test_reserved_ids_are_never_handed_out_fresh",
         M + "test_an_id_is_inherited_only_with_the_minimum_overlap"),
    ),
    # ---------------------------------------------------------------- escaping
    Mutation(
        "legend-escape", "segwidgets/widgets/segment_legend.py",
        ("name = escape(model.segment_names.get(segment,", "name = escape(result.names.get(segment,"),
        ("name = str(model.segment_names.get(segment,", "name = str(result.names.get(segment,"),
        "the legend writes segment names (from a link, a spec, a person) into HTML unescaped",
        (L + "test_a_name_is_shown_escaped",
         L + "test_a_name_from_a_shared_link_is_shown_escaped",
         L + "test_a_name_from_a_saved_spec_is_shown_escaped"),
    ),
    Mutation(
        "report-name-escape", "segwidgets/core/report.py",
        "f\"<h2 class='sw-report-name'>{escape(section.name)}</h2>\"",
        "f\"<h2 class='sw-report-name'>{section.name}</h2>\"",
        "the report writes segment names into HTML unescaped",
        (R + "test_hostile_names_titles_and_notes_are_escaped_everywhere",
         R + "test_a_hostile_name_from_a_shared_link_is_escaped"),
    ),
    Mutation(
        "report-note-escape", "segwidgets/core/report.py",
        "{escape(section.recommendation)}</div>",
        "{section.recommendation}</div>",
        "the report writes the analyst's recommendation into HTML unescaped",
        (R + "test_hostile_names_titles_and_notes_are_escaped_everywhere",
         "tests/core/test_report_content.py::test_everything_a_person_wrote_is_escaped_in_the_file"),
    ),
    Mutation(
        "report-title-escape", "segwidgets/core/report.py",
        "f\"<h1 class='sw-report-title'>{escape(content.title)}</h1>\"",
        "f\"<h1 class='sw-report-title'>{content.title}</h1>\"",
        "the report writes its title into HTML unescaped",
        (R + "test_hostile_column_names_and_title_are_escaped",
         "tests/core/test_report_content.py::test_everything_a_person_wrote_is_escaped_in_the_file"),
    ),
    # ---------------------------------------------------------------- diagnostics
    Mutation(
        "compare-ari-diagonal-everywhere", "segwidgets/widgets/comparison_panel.py",
        "value = float(ari.loc[a, b])",
        "value = float(ari.loc[a, a])",
        "the agreement matrix shows each row's diagonal (1.00) in every cell",
        ("tests/widgets/test_comparison_panel.py::test_every_cell_of_the_agreement_matrix_shows_its_pair",
         E2E + "test_explorer_diagnostics.py::test_every_diagnostic_tab_renders_and_runs"),
    ),
    # ---------------------------------------------------------------- report links
    Mutation(
        "spec-store-symlink-escape", "segwidgets/core/spec_store.py",
        "if real.parent != root or not real.is_file():",
        "if not real.is_file():",
        "a report link reads a spec that a symlink in the folder points to outside it",
        (R + "test_the_report_app_refuses_anything_outside_its_folder[escape]",
         "tests/core/test_spec_store.py::test_symlink_inside_the_folder_is_allowed_out_of_it_refused",
         E2E + "test_report_app.py::test_a_spec_outside_the_folder_is_refused_in_words[escape]"),
    ),
    Mutation(
        "spec-store-traversal", "segwidgets/core/spec_store.py",
        'if not isinstance(name, str) or not NAME_PATTERN.match(name.removesuffix(".json")):',
        "if not isinstance(name, str):",
        "a report link with ../ reads any spec on the server (both checks removed)",
        (R + "test_the_report_app_refuses_anything_outside_its_folder[<outside>]",
         R + "test_the_report_app_refuses_anything_outside_its_folder[<outside>.json]",
         "tests/core/test_spec_store.py::test_anything_else_is_refused_in_words[../secret]",
         E2E + "test_report_app.py::test_a_spec_outside_the_folder_is_refused_in_words[<outside>]"),
        also=(("if real.parent != root or not real.is_file():", "if not real.is_file():"),),
    ),
    # ---------------------------------------------------------------- reading files
    Mutation(
        "io-pipe-separator", "segwidgets/core/io.py",
        'SEPARATORS = ",;\\t|"',
        'SEPARATORS = ",;\\t"',
        "a |-separated file is read as one text column",
        (B + "test_python_api[pipe_separated.csv]",
         B + "test_upload_path_keeps_what_was_loaded[pipe_separated.csv]"),
    ),
    Mutation(
        "io-header-spaces", "segwidgets/core/io.py",
        'str(raw).strip().lstrip("\\ufeff")',
        'str(raw).lstrip("\\ufeff")',
        "column names keep the spaces around them (' spend ')",
        (B + "test_python_api[whitespace_headers.csv]",
         B + "test_upload_path_keeps_what_was_loaded[whitespace_headers.csv]"),
    ),
    Mutation(
        "io-one-row-refused", "segwidgets/core/io.py",
        'if len(frame) == 0:\n        raise SegwidgetsDataError("The file has a header but no rows.")',
        'if len(frame) <= 1:\n        raise SegwidgetsDataError("The file has a header but no rows.")',
        "a table of one row is refused as having no rows",
        ("tests/core/test_io.py::test_any_frame_gets_a_role_for_every_column_and_is_not_changed",
         B + "test_python_api[one_row.csv]"),
    ),
    # ---------------------------------------------------------------- controls from the browser
    Mutation(
        "k-slider-bounds-not-restored", "segwidgets/widgets/k_slider.py",
        'if change["new"] != expected:',
        "if False:",
        "the browser can move the k slider's ends (max 10,000, min -10) and they stay moved",
        (H + "[k-max=10000]", H + "[k-min=-10]"),
    ),
    Mutation(
        "seed-box-not-restored", "segwidgets/widgets/algorithm_picker.py",
        "            self._set_quietly(self.seed, self.model.seed)",
        "            pass",
        "a refused seed stays in the seed box while the model keeps the old one",
        (H + "[seed-value=-1]", H + "[seed-value=1180591620]"),
    ),
    Mutation(
        "spec-k-upper-bound", "segwidgets/core/schema.py",
        'Field("k", lambda: 4, Whole(K_MIN, K_MAX)',
        'Field("k", lambda: 4, Whole(K_MIN, 10**6)',
        "a spec, a link or the model accepts k above 50 (control: was already caught)",
        ("tests/core/test_spec.py::test_bad_links_are_refused_in_words[k=51]",
         S + "test_invalid_settings_are_refused_by_validation"),
    ),
)

#: A pytest plugin written into each copy: every run checks it imports the copy's code.
GUARD = '''
import os
from pathlib import Path

def pytest_sessionstart(session):
    import segwidgets
    root = Path(os.environ["SEGWIDGETS_MUTATION_COPY"]).resolve()
    where = Path(segwidgets.__file__).resolve()
    if not where.is_relative_to(root):
        raise RuntimeError(f"segwidgets was imported from {where}, not from the copy {root}")
'''


class TargetError(Exception):
    """A mutation's old text is not found exactly once: it needs retargeting."""


def _files(copy: Path, patterns: str | tuple[str, ...]) -> list[Path]:
    found: dict[Path, None] = {}
    for pattern in (patterns,) if isinstance(patterns, str) else patterns:
        for name in sorted(glob.glob(str(copy / pattern), recursive=True)):
            found[Path(name)] = None
    return list(found)


def _replace_once(copy: Path, mutation: Mutation, old: str | tuple[str, ...],
                  new: str | tuple[str, ...]) -> str:
    """Replace ``old`` (or the one alternative present) in the mutation's files; return where."""
    files = _files(copy, mutation.file)
    if not files:
        raise TargetError(f"no file matches {mutation.file!r}")
    olds = (old,) if isinstance(old, str) else old
    news = (new,) * len(olds) if isinstance(new, str) else new
    if len(news) != len(olds):
        raise TargetError("old and new alternatives differ in number")
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    present = [(o, n, [(p, t.count(o)) for p, t in texts.items() if o in t]) for o, n in zip(olds, news)]
    present = [(o, n, hits) for o, n, hits in present if hits]
    if len(present) != 1:
        raise TargetError(f"{len(present)} of the alternatives {olds!r} are present in {mutation.file!r}")
    o, n, hits = present[0]
    total = sum(count for _, count in hits)
    if total != 1:
        raise TargetError(f"{o!r} is found {total} times in {', '.join(str(p.relative_to(copy)) for p, _ in hits)}")
    path = hits[0][0]
    path.write_text(texts[path].replace(o, n), encoding="utf-8")
    return str(path.relative_to(copy))


def plant(copy: Path, mutation: Mutation) -> list[str]:
    """Apply the mutation's replacements in ``copy``; the files changed."""
    changed = [_replace_once(copy, mutation, mutation.old, mutation.new)]
    for old, new in mutation.also:
        changed.append(_replace_once(copy, mutation, old, new))
    return changed


def make_copy(target: Path, code_ref: str | None) -> Path:
    """The repository's code and tests under ``target`` (code from ``code_ref`` if given)."""
    target = target.resolve()
    if target.is_relative_to(ROOT):
        raise SystemExit(f"refusing to plant mutations inside the working tree: {target}")
    target.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if code_ref is not None and name != "tests":
            continue
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=IGNORED, symlinks=True)
        elif source.exists():
            shutil.copy2(source, target / name)
    if code_ref is not None:
        listed = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", code_ref],
                                check=True, capture_output=True, text=True).stdout.split()
        paths = [name for name in COPIED if name != "tests" and name in listed]
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", code_ref, "--", *paths],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    (target / "_mutation_guard.py").write_text(GUARD, encoding="utf-8")
    return target


def _env(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(copy) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["SEGWIDGETS_MUTATION_COPY"] = str(copy)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def imported_from(copy: Path) -> str:
    """Where ``import segwidgets`` finds the package when run as the tests run."""
    out = subprocess.run([sys.executable, "-c", "import segwidgets; print(segwidgets.__file__)"],
                         cwd=copy, env=_env(copy), check=True, capture_output=True, text=True)
    return out.stdout.strip()


def _node_id(copy: Path, case: ET.Element) -> str:
    """The node id of a junit test case (classname "tests.test_x" or "tests.test_x.TestClass")."""
    module = case.get("classname", "")
    parts = module.split(".")
    for cut in range(len(parts), 0, -1):
        path = "/".join(parts[:cut]) + ".py"
        if (copy / path).is_file():
            return "::".join([path, *parts[cut:], case.get("name", "")])
    return f"{module}::{case.get('name', '')}"


def run_tests(copy: Path, tests: list[str], log: Path, timeout: float) -> tuple[int, list[str], str]:
    """Run ``tests`` in ``copy``; (pytest exit code, failed node ids, output tail)."""
    report = log.with_suffix(".xml")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "_mutation_guard",
               "--timeout=300", f"--junitxml={report}", *tests]
    try:
        done = subprocess.run(command, cwd=copy, env=_env(copy), capture_output=True, text=True,
                              timeout=timeout)
        code, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        code = -1
        output = f"timed out after {timeout:.0f} s\n{(exc.stdout or b'')[-3000:]!r}"
    log.write_text(output, encoding="utf-8")
    failed = []
    if report.exists():
        for case in ET.parse(report).getroot().iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failed.append(_node_id(copy, case))
    return code, failed, output[-2500:]


def _short(node: str) -> str:
    return node.removeprefix("tests/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these mutations")
    parser.add_argument("--list", action="store_true", help="print the mutations and their tests")
    parser.add_argument("--check", action="store_true", help="only check every pattern is found once")
    parser.add_argument("--e2e", action="store_true", help="also run the named browser tests")
    parser.add_argument("--code-ref", help="take segwidgets/, apps/ ... from this git commit")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per pytest run")
    args = parser.parse_args(argv)

    chosen = list(MUTATIONS)
    if args.only:
        unknown = set(args.only) - {m.name for m in MUTATIONS}
        if unknown:
            parser.error(f"unknown mutations: {', '.join(sorted(unknown))}")
        chosen = [m for m in MUTATIONS if m.name in args.only]
    names = [m.name for m in MUTATIONS]
    assert len(set(names)) == len(names), "mutation names must be unique"

    def tests_of(mutation: Mutation) -> list[str]:
        return [t for t in mutation.tests if args.e2e or not t.startswith(E2E)]

    if args.list:
        for m in chosen:
            files = m.file if isinstance(m.file, str) else ", ".join(m.file)
            print(f"{m.name}  [{files}]\n    {m.description}")
            for test in m.tests:
                print(f"    - {test}")
        return 0

    work = Path(tempfile.mkdtemp(prefix="segwidgets-mutations-"))
    print(f"copies under {work}" + (f" (code from {args.code_ref})" if args.code_ref else ""))
    try:
        pristine = make_copy(work / "pristine", args.code_ref)
        where = imported_from(pristine)
        print(f"segwidgets.__file__ in the copy: {where}")
        if not Path(where).resolve().is_relative_to(pristine):
            print("the copy's code is not what gets imported: stopping", file=sys.stderr)
            return 2

        problems = []
        for m in chosen:  # every pattern first: a mutation that cannot be planted is loud, and early
            trial = work / f"check-{m.name}"
            shutil.copytree(pristine, trial, symlinks=True)
            try:
                plant(trial, m)
            except TargetError as exc:
                problems.append(m.name)
                print(f"!! {m.name}: CANNOT PLANT — {exc}. Retarget this mutation.", file=sys.stderr)
            finally:
                shutil.rmtree(trial, ignore_errors=True)
        if args.check:
            print("every pattern is found exactly once" if not problems else f"{len(problems)} to retarget")
            return 1 if problems else 0

        if not args.no_baseline:
            union = list(dict.fromkeys(t for m in chosen if m.name not in problems for t in tests_of(m)))
            print(f"baseline: {len(union)} named tests on the unmutated copy ...", flush=True)
            started = time.monotonic()
            code, failed, tail = run_tests(pristine, union, work / "baseline.log", args.timeout)
            print(f"baseline: exit {code} in {time.monotonic() - started:.0f} s")
            if code != 0:
                print(tail, file=sys.stderr)
                print("the named tests must pass before any mutation: fix them first"
                      + (f" ({', '.join(map(_short, failed))})" if failed else ""), file=sys.stderr)
                return 2

        results = []
        for number, m in enumerate(chosen, 1):
            if m.name in problems:
                results.append((m, "CANNOT PLANT", 0.0, [], "pattern not found exactly once"))
                continue
            copy = work / f"{number:02d}-{m.name}"
            shutil.copytree(pristine, copy, symlinks=True)
            changed = plant(copy, m)
            tests = tests_of(m)
            print(f"[{number}/{len(chosen)}] {m.name}: {', '.join(changed)} — {len(tests)} tests ...",
                  flush=True)
            started = time.monotonic()
            code, failed, tail = run_tests(copy, tests, work / f"{number:02d}-{m.name}.log", args.timeout)
            seconds = time.monotonic() - started
            caught = [t for t in tests if t in failed]
            if code == 1 and failed:
                verdict, note = "CAUGHT", ""
            elif code == 0:
                verdict, note = "MISSED", ""
            else:
                verdict, note = "ERROR", f"pytest exit {code}: {tail.strip().splitlines()[-1] if tail.strip() else ''}"
            results.append((m, verdict, seconds, caught or failed, note))
            print(f"    {verdict} in {seconds:.0f} s" + (f": {', '.join(map(_short, caught or failed))}"
                                                        if caught or failed else "") + (f" {note}" if note else ""))
            if not args.keep:
                shutil.rmtree(copy, ignore_errors=True)

        width = max(len(m.name) for m, *_ in results)
        print("\n" + "mutation".ljust(width) + "  result          s  caught by")
        print("-" * width + "  ------------  ---  ---------")
        for m, verdict, seconds, caught, note in results:
            first, *rest = [_short(t) for t in caught] or [note or "-"]
            print(f"{m.name.ljust(width)}  {verdict:<12}  {seconds:>3.0f}  {first}")
            for more in rest:
                print(" " * (width + 21) + more)
        missed = [m.name for m, verdict, *_ in results if verdict != "CAUGHT"]
        print(f"\n{len(results) - len(missed)} of {len(results)} mutations caught"
              + (f"; not caught: {', '.join(missed)}" if missed else ""))
        return 1 if missed else 0
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
