"""A Voila page without a browser: what the page's script asks of the server, over the kernel's
websocket, as ipywidgets' manager does it (fetch the page, connect, ask for every widget's state).

Used by ``tests/e2e/test_server_guard.py`` (a page speaking the older websocket protocol, and
messages no page should send) and ``benchmarks/load.py --client protocol`` (many visitors at once,
timed on the server's side: no browser drawing on the same cores).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)
from tornado.httpclient import AsyncHTTPClient
from tornado.websocket import WebSocketClientConnection, websocket_connect

V1 = "v1.kernel.websocket.jupyter.org"
#: ipywidgets' control protocol (``Widget.handle_control_comm_opened`` checks the major version).
CONTROL_VERSION = "1.0.0"


async def fetch_page(base: str, query: str = "", timeout: float = 300) -> tuple[str, str]:
    """The page's HTML (Voila has run the notebook when it ends) and its kernel's id."""
    response = await AsyncHTTPClient().fetch(f"{base.rstrip('/')}/{query}", request_timeout=timeout)
    html = response.body.decode()
    found = re.search(r'"kernelId": "([0-9a-f-]+)"', html)
    if not found:
        raise RuntimeError("the page names no kernel")
    return html, found.group(1)


async def connect(base: str, kernel: str, v1: bool = True) -> WebSocketClientConnection:
    """The kernel's websocket, in the v1 framing (what browsers ask for) or the older one."""
    url = f"{base.rstrip('/').replace('http', 'ws', 1)}/api/kernels/{kernel}/channels?session_id={uuid.uuid4().hex}"
    return await websocket_connect(url, subprotocols=[V1] if v1 else None, max_message_size=1 << 30)


def message(msg_type: str, content: dict, *, metadata: dict | None = None, v1: bool = True) -> str | bytes:
    """A shell message as a page sends it."""
    header = {"msg_id": uuid.uuid4().hex, "username": "page", "session": uuid.uuid4().hex,
              "msg_type": msg_type, "version": "5.3", "date": "2026-01-01T00:00:00Z"}
    if v1:
        parts = [json.dumps(part).encode() for part in (header, {}, metadata or {}, content)]
        return serialize_msg_to_ws_v1(parts, "shell")
    return json.dumps({"header": header, "parent_header": {}, "metadata": metadata or {},
                       "content": content, "channel": "shell", "buffers": []})


def decode(raw: str | bytes, v1: bool = True) -> dict[str, Any]:
    """A message from the server as a dict (header, content, ...); buffers left out."""
    if isinstance(raw, str):
        return json.loads(raw)
    if v1:
        channel, parts = deserialize_msg_from_ws_v1(raw)
        header, parent, metadata, content = (json.loads(p) for p in parts[:4])
        return {"channel": channel, "header": header, "parent_header": parent, "metadata": metadata,
                "content": content, "msg_type": header.get("msg_type")}
    return deserialize_binary_message(raw)


async def widget_states(ws: WebSocketClientConnection, v1: bool = True, timeout: float = 120) -> dict:
    """Every widget's state, asked for as ipywidgets' manager asks (``request_states`` on the
    ``jupyter.widget.control`` comm). Raises TimeoutError if no answer comes in ``timeout`` s."""
    comm = uuid.uuid4().hex
    await ws.write_message(message("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control",
                                                 "data": {}}, metadata={"version": CONTROL_VERSION}, v1=v1),
                           binary=v1)
    await ws.write_message(message("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}, v1=v1),
                           binary=v1)
    def answer(msg: dict) -> bool:
        return msg.get("header", {}).get("msg_type") == "comm_msg" and msg["content"].get("comm_id") == comm

    msg = await read_until(ws, answer, v1, timeout, "no widget state came back")
    return msg["content"].get("data", {}).get("states", {})


async def read_until(ws: WebSocketClientConnection, wanted: Callable[[dict], bool], v1: bool, timeout: float,
                     missing: str) -> dict:
    """The first message from the server that is ``wanted`` (others are read past). Raises
    TimeoutError(``missing``) if none comes in ``timeout`` s, ConnectionError if the server closes."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(missing)
        raw = await asyncio.wait_for(ws.read_message(), left)
        if raw is None:
            raise ConnectionError("the server closed the websocket")
        msg = decode(raw, v1)
        msg.setdefault("content", {})
        if wanted(msg):
            return msg


def shows(states: dict, text: str) -> bool:
    """Whether any widget's value holds ``text`` (e.g. the status line's "4 segments of ...")."""
    return any(text in str(s.get("state", {}).get("value", "")) for s in states.values())


def k_slider(states: dict) -> str:
    """The model id of the explorer's k slider (css class ``sw-k-slider-input``)."""
    for model_id, s in states.items():
        if "sw-k-slider-input" in s.get("state", {}).get("_dom_classes", ()):
            return model_id
    raise LookupError("no k slider among the widgets")


async def set_value(ws: WebSocketClientConnection, model_id: str, value: Any, v1: bool = True) -> None:
    """Set a widget's value as a page does when a person moves it (an ``update`` on its comm)."""
    await ws.write_message(message("comm_msg", {"comm_id": model_id, "data": {
        "method": "update", "state": {"value": value}, "buffer_paths": []}}, v1=v1), binary=v1)


async def wait_for_text(ws: WebSocketClientConnection, text: str, v1: bool = True, timeout: float = 120) -> None:
    """Wait until an update from the server sets some widget's value to hold ``text``."""
    def shown(msg: dict) -> bool:
        data = msg["content"].get("data", {})
        return data.get("method") == "update" and text in str(data.get("state", {}).get("value", ""))

    await read_until(ws, shown, v1, timeout, f"no widget showed {text!r}")


async def visit(base: str, ready_text: str, *, query: str = "", v1: bool = True,
                next_text: str | None = None) -> dict[str, Any]:
    """One visit as a page makes it: seconds to the HTML and to every widget's state, and
    whether ``ready_text`` is among the states. With ``next_text``: then one step of the k
    slider, and the seconds until a widget shows ``next_text`` ("5 segments of ...")."""
    started = time.perf_counter()
    _, kernel = await fetch_page(base, query)
    html = time.perf_counter() - started
    ws = await connect(base, kernel, v1)
    try:
        states = await widget_states(ws, v1)
        ready = time.perf_counter() - started
        result = {"html": html, "ready": ready, "widgets": len(states), "found": shows(states, ready_text),
                  "kernel": kernel}
        if next_text is not None:
            slider = k_slider(states)
            pressed = time.perf_counter()
            await set_value(ws, slider, states[slider]["state"]["value"] + 1, v1)
            await wait_for_text(ws, next_text, v1)
            result["slider"] = time.perf_counter() - pressed
    finally:
        ws.close()
    return result
