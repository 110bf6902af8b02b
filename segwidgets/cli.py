"""The ``segwidgets`` command: serve the apps with Voila.

``segwidgets app [FILE]``
    the segment explorer, on FILE or on the bundled demo data;
``segwidgets report SPEC``
    the read-only report of a saved segmentation spec;
``segwidgets report SPEC --html OUT``
    the same report written as one self-contained HTML file (no server);
``segwidgets label SPEC INPUT OUTPUT``
    every row of a table of any size (CSV or Parquet files or folders) labelled with the saved
    segmentation, on Dask (:mod:`segwidgets.labelling`).

:func:`voila_command` builds the exact command line; the end-to-end tests use
it too, so they run the server exactly as people do.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import site
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from pathlib import Path

from segwidgets import config

PACKAGE_DIR = Path(__file__).resolve().parent
VOILA_CONFIG_DIR = PACKAGE_DIR / "voila_config"


def app_path(name: str) -> Path:
    """Path of the app notebook ``name`` (``"explorer"`` or ``"explorer.ipynb"``).

    Looks in ``apps/`` next to the package (a checkout or an editable
    install), then in ``<prefix>/share/segwidgets/apps`` (a wheel install).
    Raises :class:`FileNotFoundError` naming the places looked in.
    """
    filename = name if name.endswith(".ipynb") else f"{name}.ipynb"
    if Path(filename).name != filename:
        raise ValueError(f"An app name is a plain file name, not a path: {name!r}")
    places = [PACKAGE_DIR.parent / "apps"]
    for prefix in (sysconfig.get_path("data"), sys.prefix, site.getuserbase()):
        place = Path(prefix) / "share" / "segwidgets" / "apps"
        if place not in places:
            places.append(place)
    for place in places:
        candidate = place / filename
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(p) for p in places)
    raise FileNotFoundError(f"There is no app {filename!r} (looked in {looked}).")


def voila_env(extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment variables :func:`voila_command` sets for the server and its kernels.

    ``JUPYTER_PATH`` gets our configuration folder first (so Voila finds the
    ``segwidgets`` template); unless segwidgets is installed in site-packages,
    ``PYTHONPATH`` gets the folder holding it (so the kernels import the same
    segwidgets as this process); ``NUMBA_CACHE_DIR`` (unless set) is
    :func:`numba_cache_dir`, where every kernel finds the UMAP code the first one
    compiled; ``SEGWIDGETS_TABLE_CACHE`` is the table cache's folder
    (:func:`segwidgets.config.table_cache_dir`, or "off"), so every kernel maps the table the
    first one read; then ``extra_env`` (e.g. ``SEGWIDGETS_DATA``).
    """
    env = {"JUPYTER_PATH": _prepend(str(VOILA_CONFIG_DIR), os.environ.get("JUPYTER_PATH"))}
    # UMAP's numba code compiled once per machine, not once per kernel (core.embedding.import_umap)
    env["NUMBA_CACHE_DIR"] = os.environ.get("NUMBA_CACHE_DIR") or str(numba_cache_dir())
    # a table read once per machine and mapped by every kernel (core.table_cache); "off" stays off
    tables = config.table_cache_dir()
    env[config.ENV_TABLE_CACHE] = str(tables.absolute()) if tables is not None else "off"
    if not _installed_in_site_packages():
        env["PYTHONPATH"] = _prepend(str(PACKAGE_DIR.parent), os.environ.get("PYTHONPATH"))
    for key, value in (extra_env or {}).items():
        if not key or "=" in key:
            raise ValueError(f"Not an environment variable name: {key!r}")
        env[key] = str(value)
    return env


def numba_cache_dir() -> Path:
    """Where the apps' kernels keep numba's compiled code: ``$XDG_CACHE_HOME/segwidgets/numba``
    (``~/.cache/segwidgets/numba``), shared by every kernel and server of this user."""
    return config.cache_dir("numba")


def voila_args(*, port: int = config.DEFAULT_PORT, ip: str = config.DEFAULT_IP,
               open_browser: bool = False, pool_size: int = config.KERNEL_POOL_SIZE,
               refill_after: float | None = None) -> list[str]:
    """Voila options for a server that several people share (see DESIGN.md).

    ``refill_after``: seconds between a visitor taking a preheated kernel and Voila starting
    its replacement (default :func:`segwidgets.config.refill_seconds` of ``pool_size``)."""
    if refill_after is None:
        refill_after = config.refill_seconds(pool_size)
    preheat = [
        # Kernels started ahead of visitors run the notebook up to the app's
        # wait for the visitor's request (segwidgets.dashboards.apps.request_query).
        "--VoilaConfiguration.preheat_kernel=True",
        f"--VoilaConfiguration.default_pool_size={int(pool_size)}",
        # A replacement started while visitors' pages are being served takes the cores they
        # need (config.KERNEL_REFILL_SECONDS); the class Voila builds is called VoilaKernelManager.
        f"--VoilaKernelManager.fill_delay={float(refill_after):g}",
    ] if pool_size > 0 else []
    return [*preheat,
        "--no-browser" if not open_browser else "--Voila.open_browser=True",
        f"--Voila.ip={ip}",
        f"--Voila.port={int(port)}",
        # Fail rather than quietly serve on another port than the one asked.
        "--Voila.port_retries=0",
        # Our template: "lab" without outside requests; visitors cannot switch it.
        f"--VoilaConfiguration.template={config.VOILA_TEMPLATE}",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.show_tracebacks=False",
        # Every visit starts a kernel. Closing or leaving the page ends it at
        # once (our template gives Voila's shutdown-on-close request the _xsrf
        # cookie it needs, see voila_config/README.md); for pages that never
        # say goodbye (a crashed browser, a lost network), cull kernels idle
        # with no page connected. Not connected ones: with cull_connected=True a page left
        # open while its reader thinks is killed under them, and then ignores
        # every click without a word (tried in Chromium).
        f"--MappingKernelManager.cull_idle_timeout={config.KERNEL_CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={config.KERNEL_CULL_INTERVAL_SECONDS}",
        "--MappingKernelManager.cull_connected=False",
        # Settings that flags cannot carry typed: tornado_settings (raises
        # websocket_max_message_size, see config.WEBSOCKET_MAX_MESSAGE_BYTES).
        # On the command line the size would arrive as a string, or only as a
        # deprecated dict literal. This also keeps out any voila.json of the
        # user's or of the current directory.
        f"--Voila.config_file_paths={VOILA_CONFIG_DIR}",
    ]


def voila_command(notebook: str | os.PathLike, *, port: int = config.DEFAULT_PORT,
                  ip: str = config.DEFAULT_IP, extra_env: Mapping[str, str] | None = None,
                  open_browser: bool = False, pool_size: int = config.KERNEL_POOL_SIZE,
                  refill_after: float | None = None) -> list[str]:
    """The full command line that serves ``notebook`` with Voila.

    It starts with ``env NAME=VALUE ...`` (see :func:`voila_env`), so the list
    alone says everything the server and its kernels get; run it with
    :func:`subprocess.Popen` or :func:`os.execv`.
    """
    notebook = Path(notebook).resolve()
    env_prefix = [f"{key}={value}" for key, value in voila_env(extra_env).items()]
    return [
        shutil.which("env") or "/usr/bin/env",
        *env_prefix,
        sys.executable, "-m", "segwidgets.serve", str(notebook),
        *voila_args(port=port, ip=ip, open_browser=open_browser, pool_size=pool_size,
                    refill_after=refill_after),
    ]


def _installed_in_site_packages() -> bool:
    places = [*site.getsitepackages(), site.getusersitepackages(), sysconfig.get_path("purelib")]
    return any(PACKAGE_DIR.parent == Path(place).resolve() for place in places if place)


def _prepend(first: str, rest: str | None) -> str:
    return os.pathsep.join([first, *([rest] if rest else [])])


def _existing_file(text: str) -> Path:
    path = Path(text).expanduser()
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"there is no file {text!r}")
    return path.resolve()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segwidgets",
        description="Serve the segwidgets apps with Voila; label tables of any size with a saved segmentation.",
    )
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def server_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--port", type=int, default=config.DEFAULT_PORT,
                         help="port to serve on (default: %(default)s)")
        sub.add_argument("--ip", default=config.DEFAULT_IP,
                         help="address to listen on (default: %(default)s, this machine only)")
        sub.add_argument("--browser", dest="open_browser", action="store_true",
                         help="open a web browser on the app")
        sub.add_argument("--no-browser", dest="open_browser", action="store_false",
                         help="do not open a web browser (the default)")
        sub.add_argument("--visitors", "--pool-size", dest="pool_size", type=_pool_size,
                         default=config.KERNEL_POOL_SIZE, metavar="N",
                         help="people expected to open the app at the same time: as many kernels are "
                              "kept started ahead of them, so their pages open without waiting "
                              "(default: %(default)s; 0 turns it off; each kernel holds the app's "
                              "memory, about 330 MB on the demo)")
        sub.add_argument("--refill-after", type=_seconds, default=None, metavar="S",
                         help="seconds between a visitor taking a preheated kernel and the start of its "
                              "replacement, so the replacement does not take the cores the visitors' pages "
                              "need (default: 1 with one preheated kernel, "
                              f"{config.KERNEL_REFILL_SECONDS:g} with more)")
        sub.add_argument("--print-command", action="store_true",
                         help="print the Voila command line and exit")

    app = commands.add_parser(
        "app", help="the segment explorer",
        description="Serve the segment explorer on FILE (CSV, Excel or Parquet), "
                    "or on the bundled demo data when no FILE is given.")
    app.add_argument("file", nargs="?", type=_existing_file, metavar="FILE",
                     help="table to open (default: the bundled demo data)")
    app.add_argument("--upload-limit", type=float, metavar="MB",
                     help=f"largest upload in MB (default: {config.UPLOAD_LIMIT_BYTES // 2**20}; "
                          f"at most {config.WEBSOCKET_MAX_MESSAGE_BYTES // 2**20 - 1})")
    app.add_argument("--specs-dir", type=_folder, metavar="DIR",
                     help="folder the explorer publishes reports into (the report server's --specs-dir; "
                          "default: $SEGWIDGETS_SPECS_DIR, else ~/.local/share/segwidgets/reports)")
    app.add_argument("--report-url", metavar="URL", type=_http_url,
                     help="address of the report server, for the links of published reports "
                          "(e.g. http://127.0.0.1:8867/)")
    server_options(app)

    report = commands.add_parser(
        "report", help="a read-only report of a saved segmentation",
        description="Serve the report of the segmentation saved in SPEC (JSON).")
    report.add_argument("spec", nargs="?", type=_existing_file, metavar="SPEC",
                        help="saved segmentation spec (JSON) shown when the link names none")
    report.add_argument("--specs-dir", type=_existing_dir, metavar="DIR",
                        help="folder of saved specs that links may open as ?spec=NAME")
    report.add_argument("--data-dir", type=_existing_dir, metavar="DIR",
                        help="folder the reports read their data from: a spec's source is a file "
                             "name inside it (default: the specs folder, or the folder of SPEC)")
    report.add_argument("--html", metavar="OUT",
                        help="write the report of SPEC as one self-contained HTML file OUT and exit "
                             "(no server; open it from disk, print it, send it)")
    server_options(report)

    labeller = commands.add_parser(
        "label", help="label a table of any size with a saved segmentation, on Dask",
        description="Label every row of INPUT (a CSV or Parquet file, or a folder of them) with the "
                    "segmentation saved as SPEC (NAME.json, with NAME.model.skops beside it: "
                    "Segmentation.save_artefact) and write Parquet files into the folder OUTPUT: the id "
                    "columns, segment, segment_name, and unplaced (why a row has no segment). Runs on a "
                    "local Dask cluster, or on a running one with --scheduler.")
    labeller.add_argument("spec", type=_existing_file, metavar="SPEC", help="the saved segmentation (JSON)")
    labeller.add_argument("input", metavar="INPUT", help="a CSV or Parquet file, or a folder of them")
    labeller.add_argument("output", metavar="OUTPUT", help="a new (or empty) folder for the labelled Parquet files")
    labeller.add_argument("--id-columns", metavar="A,B", type=_column_list,
                          help="input columns written beside the segment (default: the identifier "
                               "columns of the table the segmentation was fitted on)")
    labeller.add_argument("--scheduler", metavar="ADDRESS",
                          help="a running Dask scheduler, such as tcp://10.0.0.5:8786 (default: a local "
                               "cluster on this machine, stopped at the end)")
    labeller.add_argument("--workers", type=int, metavar="N",
                          help="worker processes of the local cluster (default: one per core, at most 8)")
    labeller.add_argument("--drift", action="store_true",
                          help="also report how far each feature and the segment shares moved from the "
                               "table the segmentation was fitted on")
    labeller.add_argument("--model", metavar="FILE", type=_existing_file,
                          help="the model file (default: NAME.model.skops beside SPEC)")
    labeller.add_argument("--fit", action="store_true",
                          help="when there is no model file yet: fit SPEC on its own data and save "
                               "NAME.model.skops beside it first")
    labeller.add_argument("--overwrite", action="store_true", help="replace what OUTPUT holds")
    labeller.add_argument("--no-progress", dest="progress", action="store_false",
                          help="print no progress bar")

    lesson = commands.add_parser(
        "lesson", help="the k-means lesson for instructors",
        description="Serve the step-by-step k-means lesson.")
    server_options(lesson)
    return parser


def _column_list(text: str) -> list[str]:
    columns = [c.strip() for c in text.split(",") if c.strip()]
    if not columns:
        raise argparse.ArgumentTypeError("name at least one column, as in --id-columns customer_id")
    return columns


def _ranged(convert: type, low: float, high: float, what: str):
    """An argparse type: ``convert(text)`` (int or float) within ``low``..``high``, refused in words."""
    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            kind = "a whole number" if convert is int else "a number"
            raise argparse.ArgumentTypeError(f"{what} must be {kind}, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low:g} to {high:g}, not {value:g}")
        return value

    return parse


_pool_size = _ranged(int, 0, 16, "the pool size")
_seconds = _ranged(float, 0, 3600, "the seconds")


def _folder(text: str) -> Path:
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder")
    return path.resolve()


def _http_url(text: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"the report server's address must start with http:// or https://, "
                                         f"not {text!r}")
    return text


def _existing_dir(text: str) -> Path:
    path = Path(text).expanduser()
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"there is no folder {text!r}")
    return path.resolve()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "label":
        return _label(args)
    if args.command == "app":
        notebook_name = "explorer"
        extra_env = {config.ENV_DATA: str(args.file)} if args.file else {}
        if args.upload_limit is not None:
            extra_env[config.ENV_UPLOAD_LIMIT_MB] = str(args.upload_limit)

        if args.specs_dir is not None:
            args.specs_dir.mkdir(parents=True, exist_ok=True)
            extra_env[config.ENV_SPECS_DIR] = str(args.specs_dir)
        if args.report_url:
            extra_env[config.ENV_REPORT_URL] = args.report_url
    elif args.command == "report":
        notebook_name = "report"
        if args.html is not None:
            return _write_html(args)
        if args.spec is None and args.specs_dir is None:
            print("segwidgets: name a saved spec, or a folder of them with --specs-dir", file=sys.stderr)
            return 2
        extra_env = {}
        if args.spec is not None:
            extra_env[config.ENV_SPEC] = str(args.spec)
        if args.specs_dir is not None:
            extra_env[config.ENV_SPECS_DIR] = str(args.specs_dir)
        if args.data_dir is not None:
            extra_env[config.ENV_DATA_DIR] = str(args.data_dir)
    else:
        notebook_name = "kmeans_lesson"
        extra_env = {}
    try:
        notebook = app_path(notebook_name)
    except FileNotFoundError as exc:
        print(f"segwidgets: {exc}", file=sys.stderr)
        return 1
    command = voila_command(notebook, port=args.port, ip=args.ip, extra_env=extra_env,
                            open_browser=args.open_browser, pool_size=args.pool_size,
                            refill_after=args.refill_after)
    if args.print_command:
        print(shlex.join(command))
        return 0
    print(f"segwidgets: serving {notebook.name} at http://{args.ip}:{args.port}/ "
          "(Ctrl-C to stop)", flush=True)
    sys.stderr.flush()
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return


def _write_html(args: argparse.Namespace) -> int:
    """``segwidgets report SPEC --html OUT``: the report as one file, or the reason in words."""
    if args.spec is None:
        print("segwidgets: name the saved spec to write, as in: segwidgets report q3.json --html q3.html",
              file=sys.stderr)
        return 2
    from segwidgets.dashboards.apps import export_report
    from segwidgets.errors import SegwidgetsError

    try:
        size = export_report(args.spec, args.html, data_dir=args.data_dir)
    except SegwidgetsError as exc:
        print(f"segwidgets: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"segwidgets: {args.html} could not be written ({exc.strerror or exc})", file=sys.stderr)
        return 1
    print(f"segwidgets: wrote {args.html} ({size / 1024:,.0f} KB, one self-contained file)")
    return 0


def _label(args: argparse.Namespace) -> int:
    """``segwidgets label SPEC INPUT OUTPUT``: progress, then the summary, or the reason in words."""
    from segwidgets.core.artefact import artefact_path
    from segwidgets.errors import SegwidgetsError
    from segwidgets.labelling import label

    try:
        model_file = args.model or artefact_path(args.spec)
        if args.fit and not Path(model_file).exists():
            from segwidgets.session import Segmentation

            print(f"segwidgets: fitting {args.spec.name} on its data to save {Path(model_file).name} ...", flush=True)
            model = Segmentation.load(args.spec)
            model.wait()
            if model.result is None:
                print(f"segwidgets: {model.status}", file=sys.stderr)
                return 1
            model.save_artefact(model_file)
        summary = label(args.spec, args.input, args.output, id_columns=args.id_columns, drift=args.drift,
                        scheduler=args.scheduler, workers=args.workers, artefact_file=model_file,
                        overwrite=args.overwrite, progress=args.progress)
    except SegwidgetsError as exc:
        print(f"segwidgets: {exc}", file=sys.stderr)
        return 1
    print()
    print(summary.text())
    return 0


def _version() -> str:
    from segwidgets import __version__

    return __version__


if __name__ == "__main__":
    sys.exit(main())
