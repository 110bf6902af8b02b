"""One visitor's websocket cannot stall the server for everybody (``segwidgets.serve``).

A real Voila server, started with ``segwidgets.cli.voila_command``; the pages here are
:mod:`tests.voila_client` (what ipywidgets' manager sends, without a browser). Before the repair:

* a page connecting without the v1 subprotocol and asking for the widgets' state (what every
  page asks first) made Voila read the older framing as v1: the server built a list of billions
  of offsets, stopped answering anybody and grew by about 20 MB a second;
* eight bytes claiming 2**60 parts did the same in jupyter_server's unpacking of a page's
  message (and 2**31 parts in the older framing).

Each test then checks that the server still answers another page at once.
"""

from __future__ import annotations

import asyncio

import pytest

from tests import voila_client
from tests.helpers import answers

READY = "4 segments of 7,050 rows"
#: A server that answers a static file within this many seconds is not stalled.
ANSWER_SECONDS = 5


@pytest.fixture(scope="module")
def server(voila_server):
    # A server of its own (the env differs from the other tests'), so a stalled one hangs nothing else.
    return voila_server("explorer", env={"SEGWIDGETS_UMAP_WARMUP": "0"}).rstrip("/")


def _still_answers(base: str) -> bool:
    return answers(f"{base}/voila/static/voila.js", timeout=ANSWER_SECONDS)


@pytest.mark.parametrize("v1", [True, False], ids=["v1-framing", "older-framing"])
def test_a_page_gets_every_widget_state_in_either_framing(server, v1):
    visit = asyncio.run(voila_client.visit(server, READY, v1=v1))

    assert visit["found"], "the status line's state did not reach the page"
    assert visit["widgets"] > 100
    assert _still_answers(server)


@pytest.mark.parametrize("v1, hostile", [
    (True, (2 ** 60).to_bytes(8, "little") + b"x" * 24),
    (False, (2 ** 31 - 1).to_bytes(4, "big") + b"x" * 24),
], ids=["v1-claims-2**60-parts", "older-claims-2**31-parts"])
def test_a_message_claiming_more_parts_than_it_holds_closes_only_its_own_connection(server, v1, hostile):
    async def attack() -> object:
        _, kernel = await voila_client.fetch_page(server)
        ws = await voila_client.connect(server, kernel, v1)
        await ws.write_message(hostile, binary=True)
        return await asyncio.wait_for(ws.read_message(), 30)  # None: the server closed it

    assert asyncio.run(attack()) is None
    assert _still_answers(server)
    assert asyncio.run(voila_client.visit(server, READY))["found"]  # the next visitor is served
