/* Parlor chat widget loader: <script src=".../widget.js" data-site-key="pk_..." async></script>
 *
 * Adds a launcher button (in a closed shadow root, so the page's CSS cannot reach it) and the
 * chat window (an iframe from Parlor's origin). Touches nothing else on the page. The API is
 * window.Parlor; calls made before this script ran can be queued in an array:
 *   window.Parlor = window.Parlor || []; Parlor.push(["identify", {id: "42", user_hash: "..."}]);
 * The window speaks the visitor's language (their browser's, or Parlor.setLocale's), and so
 * does the launcher: the window sends its labels when it is ready.
 */
(function () {
  "use strict";
  var w = window, d = document, P = w.Parlor;
  if (P && P.version) return;
  var script = d.currentScript || d.querySelector("script[data-site-key]");
  var siteKey = script && script.getAttribute("data-site-key");
  if (!siteKey) return;
  var base = new URL(script.src, location.href).origin;
  var storeKey = "parlor." + siteKey;
  var queued = Array.isArray(P) ? P.slice() : [];
  var handlers = {}, opened = false, frameReady = false, session = null, unread = 0;
  var host, launcher, launcherText, badge, frame, lastPage = "";
  // The launcher's labels until the window sends them in the visitor's language; locale: the
  // tag Parlor.setLocale chose, asked for before the browser's own languages.
  var labels = { chat: "Chat", open: "Open chat", unread: "Open chat, {n} unread", close: "Close chat" }, locale = "";
  function frameSrc() {
    var wanted = [locale].concat(navigator.languages || [navigator.language]).filter(Boolean).join(",");
    return base + "/widget/v1/frame?site_key=" + encodeURIComponent(siteKey) + "&lang=" + encodeURIComponent(wanted);
  }

  function emit(name, data) {
    (handlers[name] || []).slice().forEach(function (fn) {
      try { fn(data); } catch (e) { setTimeout(function () { throw e; }); }
    });
  }
  function stored(value) {
    try {
      if (value === undefined) return localStorage.getItem(storeKey);
      if (value) localStorage.setItem(storeKey, value); else localStorage.removeItem(storeKey);
    } catch (e) { return null; }
  }
  function context() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) {}
    return { url: location.href, title: d.title.slice(0, 300), referrer: d.referrer, language: navigator.language, time_zone: zone };
  }
  function call(path, body) {
    // text/plain: a "simple" request, so no CORS preflight before the chat can start.
    return fetch(base + "/api/widget/v1/" + path, {
      method: "POST", body: JSON.stringify(body), credentials: "omit", keepalive: path != "sessions",
      headers: { "content-type": "text/plain" }
    }).then(function (r) {
      if (r.status == 204) return null;
      return r.json().then(function (j) {
        if (!r.ok) throw new Error((j.error && j.error.message) || "HTTP " + r.status);
        return j;
      });
    });
  }
  function tell(message) {
    if (frame && frameReady) frame.contentWindow.postMessage(message, base);
  }

  function start(user) {
    var body = { site_key: siteKey, context: context() }, token = stored();
    if (token) body.visitor_token = token;
    if (user) body.user = user;
    return call("sessions", body).then(function (s) {
      session = s;
      stored(s.visitor_token);
      lastPage = location.href + d.title;
      if (!host) build(s.settings);
      tell({ parlor: "session", session: s });
      return s;
    });
  }

  var css =
    ":host{all:initial}" +
    ".launcher{position:fixed;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;box-sizing:border-box;height:56px;min-width:56px;padding:0 15px;margin:0;border:0;border-radius:28px;box-shadow:0 4px 16px rgba(0,0,0,.25);cursor:pointer;font:600 15px/1 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;justify-content:center}" +
    ".launcher:focus-visible{outline:3px solid #111;outline-offset:3px;box-shadow:0 0 0 6px #fff}" +
    ".launcher svg{width:26px;height:26px;flex:none}" +
    ".badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#b91c1c;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}" +
    "[hidden]{display:none}" +
    ".frame{position:fixed;bottom:88px;z-index:2147483000;width:380px;height:min(640px,calc(100vh - 108px));border:0;border-radius:12px;box-shadow:0 8px 32px rgba(0,0,0,.25);background:#fff;visibility:hidden;opacity:0;transform:translateY(8px);transition:opacity .15s,transform .15s,visibility 0s .15s;color-scheme:normal}" +
    ".frame.open{visibility:visible;opacity:1;transform:none;transition:opacity .15s,transform .15s}" +
    "@media (max-width:480px){.frame{inset:0;width:100%;height:100%;border-radius:0}.frame.open+.launcher{display:none}}" +
    "@media (prefers-reduced-motion:reduce){.frame,.frame.open{transition:none}}";

  function build(settings) {
    host = d.createElement("div");
    host.setAttribute("data-parlor-widget", "");
    // Whatever the page's CSS says about divs, this one takes no room.
    host.style.setProperty("all", "initial", "important");
    var root = host.attachShadow({ mode: "closed" });
    if (root.adoptedStyleSheets && w.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } else {
      var style = d.createElement("style");
      style.textContent = css;
      root.appendChild(style);
    }
    var side = settings.position == "left" ? "left" : "right";
    frame = d.createElement("iframe");
    frame.className = "frame";
    frame.title = labels.chat;
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.src = frameSrc();
    frame.style[side] = "20px";
    launcher = d.createElement("button");
    launcher.type = "button";
    launcher.className = "launcher";
    launcher.style[side] = "20px";
    launcher.style.background = settings.color;
    launcher.style.color = settings.color_text;
    launcher.innerHTML =
      '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M12 3C6.5 3 2 6.9 2 11.7c0 2.5 1.2 4.7 3.2 6.3L4.5 22l4.3-2.2c1 .3 2.1.4 3.2.4 5.5 0 10-3.9 10-8.6S17.5 3 12 3z"/></svg>';
    launcherText = launcher.appendChild(d.createElement("span"));
    launcherText.textContent = settings.launcher_text || "";
    launcherText.hidden = !settings.launcher_text;
    badge = d.createElement("span");
    badge.className = "badge";
    badge.hidden = true;
    badge.setAttribute("aria-hidden", "true");
    launcher.appendChild(badge);
    launcher.addEventListener("click", function () { api.toggle(); });
    root.appendChild(frame);
    root.appendChild(launcher);
    label();
    d.body.appendChild(host);
    if (w.visualViewport) w.visualViewport.addEventListener("resize", fit);
  }

  // On a phone the window fills the visual viewport, so the on-screen keyboard never covers it.
  function fit() {
    if (!frame) return;
    var v = w.visualViewport, narrow = w.innerWidth <= 480;
    frame.style.height = narrow && v ? v.height + "px" : "";
    frame.style.top = narrow && v ? v.offsetTop + "px" : "";
  }

  function label() {
    var name = opened ? labels.close : unread ? labels.unread.replace("{n}", unread) : labels.open;
    launcher.setAttribute("aria-label", name);
    launcher.setAttribute("aria-expanded", String(opened));
    badge.textContent = unread > 9 ? "9+" : String(unread);
    badge.hidden = opened || !unread;
  }

  function show(open, fromFrame) {
    if (!frame || open == opened) return;
    opened = open;
    frame.classList.toggle("open", open);
    frame.setAttribute("aria-hidden", String(!open));
    frame.tabIndex = open ? 0 : -1;
    label();
    fit();
    tell({ parlor: open ? "open" : "close" });
    if (open) frame.focus();
    else if (fromFrame) launcher.focus();
    emit(open ? "open" : "close");
  }

  w.addEventListener("message", function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== base) return;
    var m = event.data || {};
    if (m.parlor == "ready") {
      frameReady = true;
      if (m.labels) {
        labels = m.labels;
        frame.title = labels.chat;
        // The launcher's text, in the window's language, beside the icon.
        launcherText.textContent = m.launcher || "";
        launcherText.hidden = !m.launcher;
        launcher.lang = m.lang;
        launcher.dir = m.dir;
        label();
      }
      tell({ parlor: "session", session: session });
      if (opened) tell({ parlor: "open" });
      emit("ready");
    } else if (m.parlor == "close") show(false, true);
    else if (m.parlor == "unread") { unread = m.count | 0; label(); }
    else if (m.parlor == "message") emit("message", m.message);
    else if (m.parlor == "blocked") {
      // The stored token stays: the next page's session is refused too, until unblocked.
      session = frame = null;
      if (host) host.remove();
    } else if (m.parlor == "session-ended") {
      stored(null);
      booted = booted.then(function () { return start(); });
    }
  });

  // The inbox shows the page the visitor is on; single-page sites change it without a load.
  setInterval(function () {
    var page = location.href + d.title;
    if (!session || page == lastPage || d.hidden) return;
    lastPage = page;
    call("context", { visitor_token: session.visitor_token, context: context() }).catch(function () {});
  }, 2000);

  var booted;
  var api = {
    version: 1,
    open: function () { booted.then(function () { show(true); }); },
    close: function () { show(false); },
    toggle: function () { booted.then(function () { show(!opened); }); },
    identify: function (user) {
      booted = booted.then(function () { return start(user); });
      return booted;
    },
    setAttributes: function (attributes) {
      booted.then(function () { return call("context", { visitor_token: session.visitor_token, attributes: attributes }); })
        .catch(function (e) { console.warn("Parlor: " + e.message); });
    },
    on: function (name, fn) {
      (handlers[name] = handlers[name] || []).push(fn);
      if (name == "ready" && frameReady) fn();
    },
    // At sign-out: the visitor is forgotten on this browser and their token stops working.
    shutdown: function () {
      var token = stored();
      if (token) call("sessions/end", { visitor_token: token }).catch(function () {});
      stored(null);
      if (host) host.remove();
      host = frame = launcher = session = null;
      opened = frameReady = false;
      unread = 0;
      booted = Promise.resolve();
    },
    // The window's language: a BCP 47 tag ("de", "pt-BR"). The window reloads in it and keeps
    // the visitor's conversation; a tag Parlor does not ship falls back to the browser's
    // languages, then the workspace's default. Anything else is ignored with a warning.
    setLocale: function (tag) {
      if (typeof tag != "string" || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/.test(tag)) {
        console.warn("Parlor: setLocale takes a language tag such as \"de\" or \"pt-BR\"");
        return;
      }
      if (tag == locale) return;
      locale = tag;
      // Before the window is built, it is built in this language.
      if (!frame) return;
      // A fresh session first: it names the conversations started since the page loaded,
      // which the reloaded window opens again.
      booted = booted.then(function () { return start(); }).then(function (s) {
        if (!frame) return s;
        frameReady = false;
        frame.src = frameSrc();
        return s;
      });
    },
    push: function (entry) {
      if (entry && typeof api[entry[0]] == "function") api[entry[0]].apply(api, entry.slice(1));
    }
  };
  // An identity queued before load goes with the first request, so no anonymous visitor is
  // created only to be replaced.
  var firstUser = null;
  queued = queued.filter(function (entry) {
    if (entry && entry[0] == "identify") { firstUser = entry[1]; return false; }
    return true;
  });
  booted = start(firstUser).catch(function (e) {
    console.warn("Parlor: the chat is off on this page: " + e.message);
    emit("error", e);
    throw e;
  });
  booted.catch(function () {});
  w.Parlor = api;
  queued.forEach(api.push);
})();
