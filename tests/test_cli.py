"""`segwidgets` command line: the Voila command it builds, and its help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from segwidgets import cli, config

ROOT = Path(__file__).resolve().parents[1]


def split_command(command):
    """(env assignments, voila argv after `-m segwidgets.serve`, Voila with our repairs) of a voila_command list."""
    assert Path(command[0]).name == "env"
    at = command.index(sys.executable)
    env = dict(item.split("=", 1) for item in command[1:at])
    assert command[at + 1: at + 3] == ["-m", "segwidgets.serve"]
    return env, command[at + 3:]


def test_voila_command_serves_the_notebook_with_our_settings():
    notebook = cli.app_path("explorer")
    env, argv = split_command(cli.voila_command(notebook, port=9123, ip="127.0.0.1"))

    assert argv[0] == str(notebook)
    assert "--no-browser" in argv
    for flag in ["--Voila.ip=127.0.0.1", "--Voila.port=9123", "--Voila.port_retries=0",
                 "--VoilaConfiguration.template=segwidgets",
                 "--VoilaConfiguration.allow_template_override=NO",
                 "--VoilaConfiguration.show_tracebacks=False",
                 f"--MappingKernelManager.cull_idle_timeout={config.KERNEL_CULL_IDLE_SECONDS}",
                 f"--MappingKernelManager.cull_interval={config.KERNEL_CULL_INTERVAL_SECONDS}",
                 "--MappingKernelManager.cull_connected=False",
                 f"--Voila.config_file_paths={cli.VOILA_CONFIG_DIR}"]:
        assert flag in argv
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(cli.VOILA_CONFIG_DIR)
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(cli.PACKAGE_DIR.parent)


def test_extra_env_reaches_the_command():
    command = cli.voila_command("apps/explorer.ipynb", port=9124,
                                extra_env={"SEGWIDGETS_DATA": "/data/x y.csv"})
    env, argv = split_command(command)
    assert env["SEGWIDGETS_DATA"] == "/data/x y.csv"
    assert Path(argv[0]).is_absolute()
    with pytest.raises(ValueError):
        cli.voila_command("apps/explorer.ipynb", port=1, extra_env={"A=B": "x"})


def test_voila_reads_the_settings_as_we_mean_them(monkeypatch):
    """Voila's own parser sees the typed values (tornado's limit is an int, not text)."""
    from voila.app import Voila

    env, argv = split_command(cli.voila_command(cli.app_path("explorer"), port=9125))
    monkeypatch.setenv("JUPYTER_PATH", env["JUPYTER_PATH"])
    monkeypatch.setattr("signal.signal", lambda *args: None)  # Voila.initialize installs one
    app = Voila()
    app.initialize(argv)

    assert (app.ip, app.port, app.port_retries, app.open_browser) == ("127.0.0.1", 9125, 0, False)
    assert app.tornado_settings["websocket_max_message_size"] == config.WEBSOCKET_MAX_MESSAGE_BYTES
    assert config.WEBSOCKET_MAX_MESSAGE_BYTES > config.UPLOAD_LIMIT_BYTES
    voila_conf = app.voila_configuration
    assert voila_conf.template == "segwidgets"
    assert voila_conf.allow_template_override == "NO"
    assert voila_conf.show_tracebacks is False
    assert voila_conf.preheat_kernel is True and voila_conf.default_pool_size == config.KERNEL_POOL_SIZE
    ours = str(cli.VOILA_CONFIG_DIR / "voila" / "templates" / "segwidgets")
    assert app.template_paths[0] == ours


def test_the_template_leaves_out_the_cdn_links():
    template = cli.VOILA_CONFIG_DIR / "voila" / "templates" / "segwidgets"
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    text = (template / "index.html.j2").read_text()
    assert "https://" not in text and "super.super()" in text


def test_app_path_finds_the_apps_and_names_what_is_missing():
    assert cli.app_path("explorer") == ROOT / "apps" / "explorer.ipynb"
    assert cli.app_path("explorer.ipynb") == ROOT / "apps" / "explorer.ipynb"
    with pytest.raises(FileNotFoundError, match="no app 'nope.ipynb'"):
        cli.app_path("nope")
    with pytest.raises(ValueError):
        cli.app_path("../secrets")


def test_help_works():
    result = subprocess.run([sys.executable, "-m", "segwidgets.cli", "--help"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0
    assert "app" in result.stdout and "report" in result.stdout


def test_app_help_and_print_command(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["app", "--help"])
    assert exit_.value.code == 0
    assert "FILE" in capsys.readouterr().out

    table = tmp_path / "t.csv"
    table.write_text("a\n1\n")
    assert cli.main(["app", str(table), "--port", "9126", "--print-command"]) == 0
    printed = capsys.readouterr().out
    assert f"SEGWIDGETS_DATA={table.resolve()}" in printed
    assert "--Voila.port=9126" in printed


def test_a_missing_file_is_a_plain_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["app", "/no/such/table.csv"])
    assert exit_.value.code == 2
    assert "there is no file '/no/such/table.csv'" in capsys.readouterr().err


def test_report_passes_the_spec(tmp_path, capsys, monkeypatch):
    spec = tmp_path / "spec.json"
    spec.write_text("{}")
    monkeypatch.setattr(cli, "app_path", lambda name: ROOT / "apps" / "explorer.ipynb")
    assert cli.main(["report", str(spec), "--print-command"]) == 0
    assert f"SEGWIDGETS_SPEC={spec.resolve()}" in capsys.readouterr().out


def test_pool_size_sets_or_turns_off_preheated_kernels(capsys):
    assert cli.main(["app", "--pool-size", "3", "--print-command"]) == 0
    line = capsys.readouterr().out
    assert "--VoilaConfiguration.preheat_kernel=True" in line
    assert "--VoilaConfiguration.default_pool_size=3" in line
    assert cli.main(["lesson", "--pool-size", "0", "--print-command"]) == 0
    assert "preheat_kernel" not in capsys.readouterr().out
    for bad in ("-1", "two", "99"):
        with pytest.raises(SystemExit):
            cli.main(["app", "--pool-size", bad])
        assert "pool size" in capsys.readouterr().err


def test_app_tells_the_explorer_where_to_publish_and_the_report_address(tmp_path, capsys):
    folder = tmp_path / "reports"  # created when missing
    assert cli.main(["app", "--specs-dir", str(folder), "--report-url", "http://127.0.0.1:8867/",
                     "--print-command"]) == 0
    out = capsys.readouterr().out
    assert f"SEGWIDGETS_SPECS_DIR={folder}" in out and "SEGWIDGETS_REPORT_URL=http://127.0.0.1:8867/" in out
    assert folder.is_dir()
    with pytest.raises(SystemExit):
        cli.main(["app", "--report-url", "javascript:alert(1)", "--print-command"])
    assert "must start with http" in capsys.readouterr().err


def test_report_html_writes_one_self_contained_file(tmp_path, capsys):
    from segwidgets import Segmentation

    model = Segmentation("facebook_live", k=3, background=False)
    model.title = "Posts, reviewed"
    model.recommend(model.segment_ids[0], "Post more of these.")
    published = model.publish("posts", tmp_path)
    out = tmp_path / "posts.html"
    assert cli.main(["report", str(published.spec_path), "--html", str(out)]) == 0
    assert "one self-contained file" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert page.count("<section class='sw-report-segment'") == 3
    assert "Posts, reviewed" in page and "Post more of these." in page and "<script" not in page
    import pandas as pd

    rows = pd.read_parquet(published.data_path)
    rows.loc[0, "num_likes"] = "1000000"
    rows.to_parquet(published.data_path, index=False)  # the data changed since it was published
    assert cli.main(["report", str(published.spec_path), "--html", str(tmp_path / "again.html")]) == 1
    assert "has changed" in capsys.readouterr().err and not (tmp_path / "again.html").exists()
    assert cli.main(["report", "--html", str(out)]) == 2


def test_the_kernels_share_one_numba_cache_so_umap_compiles_once_per_machine(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    env, _ = split_command(cli.voila_command("apps/explorer.ipynb", port=9125))
    assert env["NUMBA_CACHE_DIR"] == str(tmp_path / "segwidgets" / "numba") == str(cli.numba_cache_dir())
    monkeypatch.setenv("NUMBA_CACHE_DIR", "/srv/numba")  # an administrator's choice is kept
    env, _ = split_command(cli.voila_command("apps/explorer.ipynb", port=9125))
    assert env["NUMBA_CACHE_DIR"] == "/srv/numba"


def test_visitors_sizes_the_preheated_pool_as_pool_size_does(capsys):
    assert cli.main(["app", "--visitors", "8", "--print-command"]) == 0
    assert "--VoilaConfiguration.default_pool_size=8" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["app", "--visitors", "17"])
    assert "pool size" in capsys.readouterr().err


def test_a_taken_kernel_is_replaced_after_the_visitors_pages_not_during_them(capsys):
    """One preheated kernel: replaced after Voila's 1 s; several (people arriving together): later."""
    assert cli.main(["app", "--print-command"]) == 0
    assert "--VoilaKernelManager.fill_delay=1 " in capsys.readouterr().out + " "
    assert cli.main(["app", "--visitors", "8", "--print-command"]) == 0
    assert f"--VoilaKernelManager.fill_delay={config.KERNEL_REFILL_SECONDS:g}" in capsys.readouterr().out
    assert cli.main(["app", "--visitors", "8", "--refill-after", "2.5", "--print-command"]) == 0
    assert "--VoilaKernelManager.fill_delay=2.5" in capsys.readouterr().out
    assert cli.main(["app", "--visitors", "0", "--print-command"]) == 0
    assert "fill_delay" not in capsys.readouterr().out
    for bad in ("soon", "-1", "4000"):
        with pytest.raises(SystemExit):
            cli.main(["app", "--refill-after", bad])
        assert "seconds" in capsys.readouterr().err


def test_voila_builds_its_kernel_manager_with_our_refill_delay():
    """The flag names the class Voila builds at run time (voila_kernel_manager_factory)."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from traitlets.config import Config
    from traitlets.config.loader import KVArgParseConfigLoader
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    _, argv = split_command(cli.voila_command(cli.app_path("explorer"), pool_size=4, refill_after=7))
    flags = [a for a in argv if a.startswith("--VoilaKernelManager.")]
    loaded = KVArgParseConfigLoader(flags).load_config()
    manager_class = voila_kernel_manager_factory(AsyncMappingKernelManager, True, 4)
    assert manager_class.__name__ == "VoilaKernelManager"
    value = Config(loaded)[manager_class.__name__]["fill_delay"]  # what traitlets gives this class
    assert manager_class.class_traits()["fill_delay"].from_string(str(value)) == 7.0
    assert manager_class.class_traits()["fill_delay"].default_value == 1  # Voila's own, replaced
