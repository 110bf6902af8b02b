/*
 * segwidgets-keys: a hand-written module-federation container with no modules (like
 * segwidgets-d3-guard; see docs/frontends.md).
 *
 * Why: ipywidgets cannot bind keys, and people expect Ctrl+Z to undo. JupyterLab 4, Notebook 7
 * and Voila 0.5 load every federated extension's remoteEntry and call its init(); here init
 * listens for keys on the window, before the page's own handlers.
 *
 * What: inside an element of class "sw-keys-scope" (the explorer), Ctrl+Z (Cmd+Z) clicks that
 * scope's enabled "sw-undo" button and Ctrl+Shift+Z or Ctrl+Y its "sw-redo" button. The scope
 * is the one holding the focus, else the one last clicked in (a click on the map focuses
 * nothing; in JupyterLab the notebook keeps the focus), else, with nothing focused, the page's
 * only scope. A plain key (no Ctrl, Cmd, Alt or Shift) presses the scope's visible, enabled
 * button of class "sw-key-NAME" (NAME: a letter, a digit, "space" or "arrowleft"…), if it has
 * one; Space on a focused button presses that button, as browsers do. Keys typed into a text
 * box, a number box, a list or an editor are left alone, so their own undo works; nothing else
 * is touched; there is no plugin.
 */
var _JUPYTERLAB;
(function () {
  "use strict";
  var NAME = "segwidgets-keys";
  var SCOPE = "sw-keys-scope";
  var FLAG = "__segwidgetsKeys";

  function typing(target) {
    if (!target || !target.closest) return false;
    if (target.isContentEditable) return true;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true'], .cm-editor");
  }

  var clicked = null; /* the scope of the last pointer press, or null: pressed elsewhere */

  function closestScope(target) {
    return target && target.closest ? target.closest("." + SCOPE) : null;
  }

  function scopeOf(target) {
    var scope = closestScope(target);
    if (scope) return scope;
    if (clicked && clicked.isConnected) return clicked; /* focus stayed outside (JupyterLab's notebook) */
    if (target && target !== document.body && target !== document.documentElement) return null;
    var all = document.querySelectorAll("." + SCOPE);
    return all.length === 1 ? all[0] : null;
  }

  function visible(element) {
    return !!(element.offsetWidth || element.offsetHeight || element.getClientRects().length);
  }

  function press(scope, name) {
    var buttons = scope.querySelectorAll("button.sw-" + name);
    for (var i = 0; i < buttons.length; i++) {
      if (visible(buttons[i]) && !buttons[i].disabled) {
        buttons[i].click();
        return true;
      }
    }
    return false;
  }

  /* A plain key (no Ctrl, Cmd or Alt) presses the scope's button of class "sw-key-NAME":
   * "sw-key-arrowright", "sw-key-space", "sw-key-n"… */
  function plainName(event) {
    var key = (event.key || "").toLowerCase();
    if (key === " ") return "space";
    return /^[a-z0-9]$|^arrow(left|right|up|down)$/.test(key) ? key : null;
  }

  function onKey(event) {
    if (event.altKey || typing(event.target)) return;
    var key = (event.key || "").toLowerCase();
    var name = null;
    if (event.ctrlKey || event.metaKey) {
      name = key === "z" ? (event.shiftKey ? "redo" : "undo") : key === "y" && !event.shiftKey ? "redo" : null;
    } else if (!event.shiftKey) {
      var plain = plainName(event);
      var onButton = event.target && event.target.closest && event.target.closest("button");
      if (plain && !(onButton && plain === "space")) name = "key-" + plain; /* Space on a button presses it */
    }
    if (!name) return;
    var scope = scopeOf(event.target);
    if (!scope) return;
    if (press(scope, name)) {
      event.preventDefault();
      event.stopPropagation();
    } else if (name === "undo" || name === "redo") {
      event.preventDefault(); /* nothing to undo here: not the browser's own undo either */
    }
  }

  function install() {
    if (window[FLAG]) return;
    window[FLAG] = true;
    window.addEventListener("keydown", onKey, true);
    window.addEventListener("pointerdown", function (event) { clicked = closestScope(event.target); }, true);
  }

  _JUPYTERLAB = typeof _JUPYTERLAB === "undefined" ? {} : _JUPYTERLAB;
  _JUPYTERLAB[NAME] = {
    init: function () {
      install();
      return Promise.resolve();
    },
    get: function (module) {
      return Promise.reject(new Error("Module \"" + module + "\" does not exist in container " + NAME + "."));
    },
  };
})();
