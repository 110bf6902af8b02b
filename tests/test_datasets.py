"""The bundled demo and the generated tables: an instructor loads them by
name, changes them freely, and gets the same clean table next time."""

from __future__ import annotations

import pandas as pd
import pytest

from segwidgets import datasets
from segwidgets.core.io import LoadedTable, read_table
from segwidgets.core.roles import Role
from segwidgets.errors import SegwidgetsValueError


def test_the_demo_is_listed_and_its_file_ships_with_the_package():
    assert datasets.list_datasets() == ["facebook_live"]
    path = datasets.path("facebook_live")
    assert path == datasets.path()  # the demo is the default
    assert path.is_file() and path.name == "facebook_live_sellers_thailand.csv"
    assert path.read_bytes().count(b"\n") >= 7050


def test_load_gives_the_cleaned_demo_frame():
    frame = datasets.load("facebook_live")
    assert isinstance(frame, pd.DataFrame) and frame.shape == (7050, 16)
    assert list(frame.columns[:3]) == ["status_id", "status_type", "status_published"]
    assert frame.attrs["source"] == "facebook_live"  # a spec saved from it can reload it by name
    assert read_table(frame).source == "facebook_live"


def test_load_table_gives_roles_notes_and_the_name_as_source():
    table = datasets.load_table("facebook_live")
    assert isinstance(table, LoadedTable)
    assert table.source == "facebook_live"
    assert table.roles["status_id"] == Role.IDENTIFIER
    assert any("empty columns" in note for note in table.notes)
    pd.testing.assert_frame_equal(table.frame, datasets.load())


def test_changing_a_loaded_table_does_not_change_the_next_load():
    first = datasets.load_table("facebook_live")
    likes = first.frame.loc[0, "num_likes"]
    first.frame.loc[0, "num_likes"] = -1
    first.frame["extra"] = 1
    del first.frame["status_type"]
    first.frame.attrs["source"] = "edited"
    first.notes.append("edited")
    first.columns.pop("status_id")
    first.source = "edited"
    again = datasets.load_table("facebook_live")
    assert again.frame.loc[0, "num_likes"] == likes
    assert "extra" not in again.frame and "status_type" in again.frame
    assert again.frame.attrs["source"] == "facebook_live"
    assert "edited" not in again.notes and "status_id" in again.columns and again.source == "facebook_live"


def test_changing_a_loaded_frame_does_not_change_the_next_load():
    frame = datasets.load()
    frame.iloc[:, 3] = 0
    assert datasets.load().iloc[:, 3].sum() > 0


@pytest.mark.parametrize("function", [datasets.load, datasets.load_table, datasets.path])
def test_an_unknown_name_is_refused_with_the_names_there_are(function):
    with pytest.raises(SegwidgetsValueError) as info:
        function("facebook")
    assert str(info.value) == "There is no dataset called 'facebook'; available: facebook_live."


def test_loading_gives_a_fresh_copy():
    first = datasets.load("facebook_live")
    first.loc[0, "num_likes"] = -1
    assert datasets.load("facebook_live").loc[0, "num_likes"] != -1


def test_unknown_dataset_lists_the_names():
    with pytest.raises(SegwidgetsValueError, match="facebook_live"):
        datasets.load("nope")


def test_generated_customers_have_an_id_numbers_and_categories():
    frame = datasets.make_customers()
    table = read_table(frame)
    assert len(frame) == 2000 and frame["customer_id"].is_unique
    assert table.roles == {
        "customer_id": Role.IDENTIFIER, "age": Role.NUMERIC, "income": Role.NUMERIC,
        "monthly_spend": Role.NUMERIC, "visits": Role.NUMERIC, "region": Role.CATEGORICAL,
        "channel": Role.CATEGORICAL, "plan": Role.CATEGORICAL,
    }
    assert set(frame["plan"]) == {"basic", "plus", "premium"}
    assert frame["income"].isna().sum() == 2000 // 25 and frame["channel"].isna().sum() == 2000 // 50
    assert table.default_features() == ["age", "income", "monthly_spend", "visits"]


def test_generated_users_have_an_id_yes_no_columns_and_a_signup_date():
    frame = datasets.make_users()
    table = read_table(frame)
    assert len(frame) == 5000 and frame["user_id"].is_unique
    assert table.roles == {
        "user_id": Role.IDENTIFIER, "sessions_per_week": Role.NUMERIC, "minutes_per_session": Role.NUMERIC,
        "items_saved": Role.NUMERIC, "is_premium": Role.BOOLEAN, "newsletter": Role.BOOLEAN,
        "signup_date": Role.DATETIME,
    }
    assert str(table.frame["is_premium"].dtype) == "boolean"  # written "True"/"False"
    assert str(table.frame["newsletter"].dtype) == "boolean"  # written 0/1
    assert table.frame["signup_date"].min() >= pd.Timestamp("2023-01-01")
    assert table.default_features() == ["sessions_per_week", "minutes_per_session", "items_saved",
                                        "is_premium", "newsletter"]


@pytest.mark.parametrize("make", [datasets.make_customers, datasets.make_users])
def test_generated_tables_repeat_by_seed_and_take_a_size(make):
    pd.testing.assert_frame_equal(make(300, seed=4), make(300, seed=4))
    assert not make(300, seed=4).equals(make(300, seed=5))
    assert len(make(123)) == 123
