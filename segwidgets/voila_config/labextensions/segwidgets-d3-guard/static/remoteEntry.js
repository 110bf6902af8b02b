/*
 * segwidgets-d3-guard: a hand-written module-federation container with no modules.
 *
 * Why: bqplot's labextension shares d3 5.16.0 built against one d3-selection (also shared).
 * bqplot-gl's build registers its own d3 5.16.0 into the same "default" share scope, with a
 * private copy of d3-selection inside. The versions tie and webpack keeps the entry whose
 * container name sorts last ("bqplot-gl" > "bqplot"), so bqplot draws its brush with
 * bqplot-gl's d3 and reads the current mouse event from its own d3-selection, where it is
 * null: BrushSelector never reports a selection to Python, click-select throws.
 *
 * What: JupyterLab 4, Notebook 7 and Voila 0.5 load every federated extension's remoteEntry
 * and call its init(shareScope) before any shared module is loaded. Here init removes every
 * d3 entry registered by "bqplot-gl" and refuses later ones. bqplot then gets its own d3
 * (consistent with its d3-selection) and bqplot-gl gets the same one (it asks for ^5.7.0).
 * Nothing else is touched; there is no plugin.
 */
var _JUPYTERLAB;
(function () {
  "use strict";
  var NAME = "segwidgets-d3-guard";
  var PACKAGE = "d3";
  var INTRUDER = "bqplot-gl";

  function guard(scope) {
    if (!scope || typeof scope !== "object") return;
    var versions = Object.prototype.hasOwnProperty.call(scope, PACKAGE) ? scope[PACKAGE] : {};
    if (versions && versions.__segwidgetsGuard) return;
    Object.keys(versions).forEach(function (version) {
      var entry = versions[version];
      if (entry && entry.from === INTRUDER && !entry.loaded) delete versions[version];
    });
    scope[PACKAGE] = new Proxy(versions, {
      get: function (target, key) {
        return key === "__segwidgetsGuard" ? true : target[key];
      },
      set: function (target, key, entry) {
        if (entry && entry.from === INTRUDER) return true; /* refused, quietly */
        target[key] = entry;
        return true;
      },
    });
    if (window.console && console.debug) {
      console.debug(NAME + ": bqplot-gl's d3 kept out of the shared scope");
    }
  }

  _JUPYTERLAB = typeof _JUPYTERLAB === "undefined" ? {} : _JUPYTERLAB;
  _JUPYTERLAB[NAME] = {
    init: function (scope) {
      guard(scope);
      return Promise.resolve();
    },
    get: function (module) {
      return Promise.reject(new Error("Module \"" + module + "\" does not exist in container " + NAME + "."));
    },
  };
})();
