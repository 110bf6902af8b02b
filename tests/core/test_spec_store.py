"""Report links may only read saved specs inside the configured folder."""

from __future__ import annotations

import os

import pytest

from segwidgets.core.spec_store import list_specs, resolve_spec
from segwidgets.errors import SegwidgetsValueError


@pytest.fixture()
def folders(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "q3-launch.json").write_text("{}")
    outside = tmp_path / "secret.json"
    outside.write_text("{}")
    (specs / "escape.json").symlink_to(outside)
    (specs / "inner.json").symlink_to(specs / "q3-launch.json")
    return specs, outside


def test_a_saved_name_resolves_inside_the_folder(folders):
    specs, _ = folders
    assert resolve_spec("q3-launch", specs) == (specs / "q3-launch.json").resolve()
    assert resolve_spec("q3-launch.json", specs) == (specs / "q3-launch.json").resolve()


@pytest.mark.parametrize(
    "name",
    ["../secret", "..%2Fsecret", "/etc/passwd", "specs/../../secret", "http://example.com/x",
     "file:///etc/passwd", "C:\\x", "", ".hidden", "a" * 80, "q3 launch", "q3-launch\x00", "escape",
     "missing"],
)
def test_anything_else_is_refused_in_words(folders, name):
    specs, _ = folders
    with pytest.raises(SegwidgetsValueError) as info:
        resolve_spec(name, specs)
    message = str(info.value)
    assert "report" in message
    assert str(specs) not in message  # never reveal server paths


def test_symlink_inside_the_folder_is_allowed_out_of_it_refused(folders):
    specs, outside = folders
    assert resolve_spec("inner", specs).parent == specs.resolve()
    with pytest.raises(SegwidgetsValueError):
        resolve_spec("escape", specs)
    assert os.path.exists(outside)


def test_list_specs_names_only_resolvable_ones(folders):
    specs, _ = folders
    assert list_specs(specs) == ["inner", "q3-launch"]
