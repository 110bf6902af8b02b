# (written into the kernels' IPython startup folder by benchmarks/k_step_browser.py)
import json as _json
import os as _os
import threading as _threading
import time as _time


def _segwidgets_trace() -> None:
    path = _os.environ.get("SEGWIDGETS_KSTEP_TRACE")
    ip = get_ipython()  # noqa: F821 - IPython's startup namespace
    if not path or ip is None or not hasattr(ip, "kernel"):
        return
    out = open(path, "a", buffering=1)
    lock = _threading.Lock()

    def log(**fields):
        fields["t"] = _time.time() * 1000
        fields["th"] = _threading.current_thread().name[:12]
        with lock:
            out.write(_json.dumps(fields, default=str) + "\n")

    session = ip.kernel.session
    send = session.send

    def traced_send(stream, msg_or_type, content=None, *args, **kwargs):
        started = _time.time() * 1000
        msg = send(stream, msg_or_type, content, *args, **kwargs)
        try:
            kind = msg["header"]["msg_type"]
            if kind.startswith("comm"):
                c = msg["content"]
                data = c.get("data") or {}
                state = data.get("state") or {}
                buffers = kwargs.get("buffers") or (args[2] if len(args) > 2 else None) or []  # (parent, ident, buffers)
                size = sum(memoryview(b).nbytes for b in buffers)
                text = len(_json.dumps(c, default=str)) if size < 10_000_000 else -1
                log(ev="send", id=msg["header"]["msg_id"], type=kind, method=data.get("method"),
                    model=state.get("_model_name"), keys=sorted(state)[:6], json=text, buf=size,
                    cost=_time.time() * 1000 - started)
        except Exception as exc:  # noqa: BLE001
            log(ev="trace-error", err=repr(exc))
        return msg

    session.send = traced_send

    import ipywidgets

    set_state = ipywidgets.Widget.set_state

    def traced_set_state(self, sync_data):
        log(ev="recv", keys=sorted(sync_data)[:4], model=type(self).__name__)
        return set_state(self, sync_data)

    ipywidgets.Widget.set_state = traced_set_state

    from segwidgets.session import model as _model

    set_result = _model.Segmentation._set_result

    def traced_set_result(self, result, **kwargs):
        log(ev="publish", k=result.k, preview=bool(result.preview), new=kwargs.get("new", True))
        try:
            return set_result(self, result, **kwargs)
        finally:
            log(ev="published", k=result.k, preview=bool(result.preview), new=kwargs.get("new", True))

    _model.Segmentation._set_result = traced_set_result

    def probe():  # how late a thread that wants the GIL every 2 ms wakes up
        while True:
            before = _time.perf_counter()
            _time.sleep(0.002)
            late = (_time.perf_counter() - before) * 1000 - 2
            if late > 30:
                log(ev="stall", ms=round(late))

    _threading.Thread(target=probe, name="gil-probe", daemon=True).start()
    log(ev="start")


_segwidgets_trace()
del _segwidgets_trace
