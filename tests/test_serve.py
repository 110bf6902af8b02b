"""segwidgets.serve: the websocket framing Voila and jupyter_server are given to read (no server;
tests/e2e/test_server_guard.py sends the same messages to a real one)."""

from __future__ import annotations

import json

import pytest
from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
    serialize_binary_message,
    serialize_msg_to_ws_v1,
)

from segwidgets.serve import MAX_PARTS, checked_parts, v1_header

HEADER = {"msg_type": "comm_msg", "msg_id": "1", "session": "s", "username": "u", "version": "5.3",
          "date": "2026-01-01T00:00:00Z"}


def _v1(buffers: int = 2) -> bytes:
    parts = [json.dumps(part).encode() for part in (HEADER, {}, {}, {"data": {}})]
    return serialize_msg_to_ws_v1(parts + [b"\0" * 16] * buffers, "shell")


def _older(buffers: int = 2) -> bytes:
    return serialize_binary_message({"header": HEADER, "parent_header": {}, "metadata": {}, "content": {},
                                     "buffers": [b"\0" * 16] * buffers})


def test_a_v1_message_has_its_header_read_and_passes_the_check():
    message = _v1()
    assert v1_header(message)["msg_type"] == "comm_msg"
    checked_parts(message, v1=True)
    channel, parts = deserialize_msg_from_ws_v1(message)
    assert channel == "shell" and len(parts) == 6


def test_a_message_in_the_older_framing_is_not_read_as_v1_and_passes_its_own_check():
    message = _older()
    assert v1_header(message) is None  # Voila read a count of billions here
    checked_parts(message, v1=False)
    assert len(deserialize_binary_message(message)["buffers"]) == 2


@pytest.mark.parametrize("v1, message", [
    (True, (2 ** 60).to_bytes(8, "little") + b"x" * 24),
    (True, (MAX_PARTS + 1).to_bytes(8, "little") + b"x" * 8 * (MAX_PARTS + 2)),
    (True, b"\0" * 8),
    (True, b"abc"),
    (False, (2 ** 31 - 1).to_bytes(4, "big") + b"x" * 24),
    (False, (-1).to_bytes(4, "big", signed=True) + b"x" * 24),
], ids=["v1-2**60", "v1-past-the-limit", "v1-no-parts", "v1-too-short", "older-2**31", "older-negative"])
def test_a_message_claiming_parts_it_does_not_hold_is_refused_before_unpacking(v1, message):
    with pytest.raises(ValueError, match="more parts than it holds"):
        checked_parts(message, v1=v1)
    assert v1_header(message) is None
