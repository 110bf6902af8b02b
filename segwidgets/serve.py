"""Voila as ``segwidgets app`` and ``segwidgets report`` run it: ``python -m segwidgets.serve NOTEBOOK ...``.

The same command line as ``python -m voila`` (see :func:`segwidgets.cli.voila_command`), with
two repairs made before the server starts:

* **A page that speaks the older websocket protocol cannot stall the server.** Voila (0.5.13)
  reads the header of every binary message it sends to a page as if the page had asked for
  the ``v1.kernel.websocket.jupyter.org`` framing. A page connecting without that subprotocol
  gets the older framing, whose first bytes then read as a count of billions of offsets: the
  server's only thread builds that list until memory runs out, and every other visitor waits.
  One request for the widgets' state (what any page sends first) was enough. Here the header
  is read only when the message has the v1 shape (:func:`v1_header`); other messages pass
  unread, as they did before Voila added the check.
* **A page cannot stall the server with the message it sends.** jupyter_server unpacks a
  binary message from a page by first reading how many parts it claims to have and building
  that many offsets; eight bytes claiming 2**60 parts kept the server busy until memory ran
  out. Here a message claiming more parts than it has bytes for, or more than
  :data:`MAX_PARTS`, is refused before it is unpacked (:func:`checked_parts`), and the page's
  connection closes; the kernel and every other visitor carry on.

``tests/e2e/test_server_guard.py`` sends each of these to a served app and checks that the
server still answers.
"""

from __future__ import annotations

import json
import sys
from typing import Any

#: Bytes of one offset in the v1 framing: a little-endian unsigned 64-bit integer.
OFFSET_BYTES = 8
#: Most parts a page's message may have: a header, parent header, metadata, content and the
#: binary buffers of one widget update (a handful; an upload is one buffer).
MAX_PARTS = 1024


def v1_header(message: bytes) -> dict[str, Any] | None:
    """The header of a message in the v1 websocket framing, or None when ``message`` does not
    have that shape (the older framing, or damage). Reads at most three offsets, whatever the
    message claims."""
    if len(message) < 4 * OFFSET_BYTES:
        return None
    count = int.from_bytes(message[:OFFSET_BYTES], "little")
    if count < 3 or OFFSET_BYTES * (count + 1) > len(message):
        return None
    start = int.from_bytes(message[2 * OFFSET_BYTES:3 * OFFSET_BYTES], "little")
    end = int.from_bytes(message[3 * OFFSET_BYTES:4 * OFFSET_BYTES], "little")
    if not OFFSET_BYTES * (count + 1) <= start <= end <= len(message):
        return None
    try:
        header = json.loads(message[start:end].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return header if isinstance(header, dict) else None


def checked_parts(message: bytes, *, v1: bool) -> None:
    """Refuse (ValueError) a binary message from a page that claims more parts than it has
    bytes for, or more than :data:`MAX_PARTS`, before anything is built from that claim.
    ``v1``: the v1 framing (a 64-bit little-endian count); else the older one (a 32-bit
    big-endian signed count)."""
    width, order, signed = (OFFSET_BYTES, "little", False) if v1 else (4, "big", True)
    count = int.from_bytes(message[:width], order, signed=signed) if len(message) >= width else -1
    if not 1 <= count <= MAX_PARTS or width * (count + 1) > len(message):
        raise ValueError("a websocket message claiming more parts than it holds")


def repair_voila() -> None:
    """Make the repairs described above in the running process (before Voila serves)."""
    from jupyter_server.services.kernels.connection import channels
    from voila.tornado import kernel_websocket_handler

    kernel_websocket_handler.read_header_from_binary_message = v1_header
    unpack_v1, unpack_older = channels.deserialize_msg_from_ws_v1, channels.deserialize_binary_message

    def deserialize_msg_from_ws_v1(message: bytes) -> Any:
        checked_parts(message, v1=True)
        return unpack_v1(message)

    def deserialize_binary_message(message: bytes) -> Any:
        checked_parts(message, v1=False)
        return unpack_older(message)

    channels.deserialize_msg_from_ws_v1 = deserialize_msg_from_ws_v1
    channels.deserialize_binary_message = deserialize_binary_message


def main(argv: list[str] | None = None) -> None:
    """Run Voila with ``argv`` (default: this process's arguments) after :func:`repair_voila`."""
    repair_voila()
    from voila.app import main as voila_main

    sys.argv = [sys.argv[0], *(sys.argv[1:] if argv is None else argv)]
    voila_main()


if __name__ == "__main__":
    main()
