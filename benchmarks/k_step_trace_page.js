// (added to the page by benchmarks/k_step_browser.py before any of the page's scripts)
(() => {
  const T = window.__swTrace = { ws: [], dom: [], gl: [], long: [], handle: [] };
  const now = () => performance.timeOrigin + performance.now();
  const text = new TextDecoder();
  const idOf = (data) => {
    let head = '', size = 0;
    if (typeof data === 'string') { head = data.slice(0, 3000); size = data.length; }
    else if (data instanceof ArrayBuffer) {
      size = data.byteLength;
      head = text.decode(new Uint8Array(data, 0, Math.min(size, 3000)));
    } else if (data && data.size) { size = data.size; }
    const id = /"msg_id"\s*:\s*"([^"]+)"/.exec(head);
    const type = /"msg_type"\s*:\s*"([^"]+)"/.exec(head);
    return { id: id ? id[1] : null, type: type ? type[1] : null, size };
  };
  const Native = window.WebSocket;
  const onmessage = Object.getOwnPropertyDescriptor(Native.prototype, 'onmessage');
  function Traced(...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', (e) => { const m = idOf(e.data); m.t = now(); T.ws.push(m); });
    Object.defineProperty(ws, 'onmessage', {
      configurable: true,
      get() { return onmessage.get.call(ws); },
      set(fn) {
        onmessage.set.call(ws, fn && function (e) {
          const t0 = now(); const r = fn.call(this, e); T.handle.push([t0, now() - t0]); return r;
        });
      },
    });
    return ws;
  }
  Traced.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Traced[k] = Native[k];
  window.WebSocket = Traced;

  let last = { legend: -1, status: '', provisional: null };
  const look = () => {
    const legend = document.querySelectorAll('.sw-explorer .sw-segment-legend .sw-legend-row').length;
    const s = document.querySelector('.sw-status');
    const status = s ? s.innerText.slice(0, 120) : '';
    const provisional = !!document.querySelector('.sw-legend-provisional');
    if (legend !== last.legend || status !== last.status || provisional !== last.provisional) {
      last = { legend, status, provisional };
      const entry = { t: now(), legend, status, provisional };
      T.dom.push(entry);
      requestAnimationFrame(() => { entry.frame = now(); });
    }
  };
  const start = () => new MutationObserver(look).observe(document.body,
    { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['class'] });
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);

  for (const proto of [window.WebGLRenderingContext, window.WebGL2RenderingContext].filter(Boolean).map(c => c.prototype)) {
    for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced']) {
      const f = proto[name];
      if (!f) continue;
      proto[name] = function (...a) {
        const t0 = now(); const r = f.apply(this, a);
        T.gl.push({ t: t0, ms: now() - t0, what: 'draw' }); return r;
      };
    }
    const getExtension = proto.getExtension;
    proto.getExtension = function (name) {
      const ext = getExtension.call(this, name);
      if (ext && name === 'ANGLE_instanced_arrays' && !ext.__swTraced) {
        ext.__swTraced = true;
        for (const m of ['drawArraysInstancedANGLE', 'drawElementsInstancedANGLE']) {
          const f = ext[m].bind(ext);
          ext[m] = (...a) => { const t0 = now(); const r = f(...a); T.gl.push({ t: t0, ms: now() - t0, what: 'draw' }); return r; };
        }
      }
      return ext;
    };
    for (const name of ['bufferData', 'bufferSubData']) {
      const f = proto[name];
      if (!f) continue;
      proto[name] = function (...a) {
        const t0 = now(); const r = f.apply(this, a);
        const n = a[1] && a[1].byteLength; if (n > 50000) T.gl.push({ t: t0, ms: now() - t0, what: name, bytes: n });
        return r;
      };
    }
  }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) T.long.push({ t: performance.timeOrigin + e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { /* no long task timing */ }
})();
