/* Parlor chat window: runs in the iframe the loader adds, from Parlor's origin. Speaks the
 * WebSocket protocol of docs/protocol.md: resumes by seq after every reconnect, retries unacked
 * sends with the same client_id, so nothing is lost or shown twice. */
(function () {
  "use strict";
  var d = document, w = window, body = d.body, root = d.documentElement;
  var $ = function (selector) { return d.querySelector(selector); };
  var log = $(".log"), input = $("#composer-input"), composer = $(".composer"), banner = $(".banner");
  var typingLine = $(".typing"), gate = $(".email-gate"), avatars = $(".avatars");
  var listView = $(".list"), listButton = $(".to-list"), mailButton = $(".mail"), notice = $(".notice");
  var askMail = $(".transcript-form");
  var skippedEmail = false;
  // The window's texts in the visitor's language, inline in the page (see locales/*/widget.ftl);
  // t(key, {name: value}) fills its {name} slots.
  var texts = JSON.parse($("#t").textContent), lang = root.lang;
  // Read once: the page keeps only what a person sees.
  $("#t").remove();
  // A lazily loaded script brings the texts it uses.
  w.parlorTexts = function (more) { for (var key in more) texts[key] = more[key]; };
  function t(key, vars) {
    return (texts[key] || key).replace(/\{(\w+)\}/g, function (slot, name) { return vars && name in vars ? vars[name] : slot; });
  }
  var preview = body.getAttribute("data-preview") == "true";
  var settings = {
    color: root.getAttribute("data-color"), color_text: root.getAttribute("data-color-text"),
    sound: body.getAttribute("data-sound") == "true", require_email: body.getAttribute("data-require-email") == "true"
  };
  var host = null; // the embedding page's origin, learnt from its first message
  var session = null, socket = null, welcomed = false, retry = 0, retryTimer = null;
  var conversationId = null, lastSeq = 0, readByAgent = 0, isOpen = false;
  // The conversation being written in: its id once the server named it. "New conversation"
  // starts a fresh one, whose first send carries no conversation_id.
  var draft = { id: null };
  var shown = {}; // seq -> element, for this conversation
  var known = {}; // conversation id -> its status, csat (the team asks to rate it) and rating
  var outbox = []; // sends not acked yet, in order: {client_id, body, attachments, el, draft}
  var typingSent = 0, typingStop = null, agentTypingTimer = null;

  function paint(s) {
    root.style.setProperty("--brand", s.color);
    root.style.setProperty("--brand-text", s.color_text);
  }
  paint(settings);

  function toHost(message) {
    if (host) w.parent.postMessage(message, host);
  }
  function uuid() {
    if (w.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function initials(name) {
    return (name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map(function (p) { return p[0]; }).join("").toUpperCase();
  }
  // An agent's avatar: their initials, covered by their picture once it loads.
  function avatar(person) {
    var a = el("span", "avatar", initials(person.name)), img;
    a.setAttribute("aria-hidden", "true");
    if (person.avatar_url) {
      img = a.appendChild(el("img"));
      img.alt = "";
      img.onerror = function () { img.remove(); };
      img.src = person.avatar_url;
    }
    return a;
  }
  function el(tag, className, text) {
    var node = d.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }
  function time(iso) {
    try { return new Date(iso).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" }); } catch (e) { return ""; }
  }
  function scrollDown() { log.scrollTop = log.scrollHeight; }
  // A byte count as people read it, as the server states its limits: "820 KB", "3.4 MB"; the
  // number written the visitor's way ("3,4 MB").
  function size(n) {
    var k = 1024, m = n / k / k, num = function (x, digits) { return x.toLocaleString(lang, { maximumFractionDigits: digits }); };
    if (n < k) return num(n, 0) + " B";
    if (n < k * k) return num(Math.max(1, Math.round(n / k)), 0) + " KB";
    if (n < k * k * k) return num(m, m < 10 ? 1 : 0) + " MB";
    return num(m / k, 1) + " GB";
  }

  // ---- messages -------------------------------------------------------------------------
  // http, https and mailto URLs become links, split as the server's web/links.rs splits them;
  // the text goes in as text nodes.
  function linked(p, t) {
    var re = /(^|[\s([{<>"'*])((?:https?:\/\/|mailto:)[^\s<>"`\0-\x1f\x7f-\x9f]+)/gi, i = 0, m, u, s, a;
    while ((m = re.exec(t))) {
      for (u = m[2]; /[.,!?:;'"]$/.test(u) || (/\)$/.test(u) && u.split("(").length < u.split(")").length);) u = u.slice(0, -1);
      if (/^(https?:\/\/|mailto:)./i.test(u)) {
        s = m.index + m[1].length;
        if (s > i) p.append(t.slice(i, s));
        p.append(a = el("a", "", u));
        a.href = u; a.target = "_blank"; a.rel = "noopener noreferrer nofollow";
        i = s + u.length;
      }
    }
    if (i < t.length) p.append(t.slice(i));
    return p;
  }
  function bubble(mine, text, author) {
    var node = el("div", "msg " + (mine ? "mine" : "them"));
    if (!mine && author) {
      var who = el("div", "who");
      who.appendChild(avatar(author));
      who.appendChild(el("span", "name", author.name || (author.kind == "system" ? "" : t("support"))));
      node.appendChild(who);
    }
    // Any message may be in any language: each runs the way its own text does.
    var p = node.appendChild(linked(el("p", "body"), text || ""));
    p.dir = "auto";
    var meta = el("p", "meta");
    node.appendChild(meta);
    log.appendChild(node);
    // The rating question stays under the messages.
    var rate = $(".rate");
    if (rate) log.appendChild(rate);
    return node;
  }
  function setState(node, state, iso, why) {
    node.setAttribute("data-state", state);
    var meta = node.querySelector(".meta");
    var word = { sending: t("st-sending"), sent: t("st-sent"), read: t("st-read"), failed: t("st-failed") }[state] || "";
    meta.textContent = (iso ? time(iso) + (word ? " · " : "") : "") + word + (why ? ": " + why : "");
  }
  // The files a message carries: images as thumbnails linking to the whole picture, other
  // files as downloads. Files of a send not yet stored have no links: names and sizes only.
  function files(node, list) {
    var old = node.querySelector(".files");
    if (old) node.removeChild(old);
    if (!list || !list.length) return;
    var box = el("div", "files");
    list.forEach(function (f) {
      var item = box.appendChild(el(f.url ? "a" : "span", "file"));
      if (f.url) item.href = f.url;
      if (f.thumbnail_url) {
        item.className = "file image";
        item.target = "_blank";
        item.rel = "noopener noreferrer";
        var img = item.appendChild(el("img")), scale = Math.min(1, 240 / Math.max(f.width || 1, f.height || 1));
        img.alt = f.name;
        if (f.width && f.height) { img.width = Math.round(f.width * scale); img.height = Math.round(f.height * scale); }
        img.onload = scrollDown;
        img.src = f.thumbnail_url;
        return;
      }
      if (f.url) item.setAttribute("download", f.name);
      var icon = item.appendChild(d.createElementNS("http://www.w3.org/2000/svg", "svg"));
      icon.setAttribute("viewBox", "0 0 24 24");
      icon.setAttribute("aria-hidden", "true");
      icon.appendChild(d.createElementNS(icon.namespaceURI, "path")).setAttribute("d", "M6 2h8l5 5v15H6zM14 2v5h5");
      item.appendChild(el("span", "file-name", f.name));
      item.appendChild(el("span", "file-size", size(f.size)));
    });
    node.insertBefore(box, node.querySelector(".meta"));
  }
  function markRead() {
    Object.keys(shown).forEach(function (seq) {
      var node = shown[seq];
      if (+seq <= readByAgent && node.classList.contains("mine")) setState(node, "read", node.getAttribute("data-at"));
    });
  }
  function showMessage(m) {
    if (m.conversation_id != conversationId) {
      var ours = outbox.some(function (p) { return p.client_id == m.client_id && p.draft === draft; });
      if (conversationId || !ours) {
        // Another of the visitor's conversations: the list is marked, and a reply chimes.
        if (m.author.kind != "visitor") { listButton.classList.add("unread"); chime(); }
        return;
      }
      conversationId = draft.id = m.conversation_id;
      showChrome();
    }
    if (shown[m.seq]) {
      // Our own send, placed at its ack: its files get their links now.
      if (m.attachments) files(shown[m.seq], m.attachments);
      return;
    }
    var mine = m.author.kind == "visitor";
    var pending = null;
    outbox.forEach(function (p) { if (p.client_id == m.client_id) pending = p; });
    var node = pending ? pending.el : bubble(mine, m.body, m.author);
    if (pending) outbox.splice(outbox.indexOf(pending), 1);
    if (m.attachments) files(node, m.attachments);
    node.setAttribute("data-at", m.created_at);
    // Keep seq order even when a replay arrives after a live message.
    var later = Object.keys(shown).map(Number).filter(function (s) { return s > m.seq; }).sort(function (a, b) { return a - b; });
    if (later.length && !pending) log.insertBefore(node, shown[later[0]]);
    shown[m.seq] = node;
    lastSeq = Math.max(lastSeq, m.seq);
    if (mine) setState(node, m.seq <= readByAgent ? "read" : "sent", m.created_at);
    else {
      setState(node, "", m.created_at);
      typing(false);
      if (!isOpen || d.hidden) chime();
      var names = (m.attachments || []).map(function (f) { return f.name; }).join(", ");
      toHost({ parlor: "message", message: { body: m.body || names, author: m.author.name, created_at: m.created_at } });
    }
    updateUnread();
    scrollDown();
  }

  // ---- unread, read receipts, sound -------------------------------------------------------
  function seenKey() { return "parlor.seen." + conversationId; }
  function seen() {
    try { return +(localStorage.getItem(seenKey()) || 0); } catch (e) { return 0; }
  }
  function updateUnread() {
    if (!conversationId) return;
    if (isOpen && !d.hidden) {
      if (lastSeq > seen()) {
        try { localStorage.setItem(seenKey(), String(lastSeq)); } catch (e) {}
        frame({ type: "read", conversation_id: conversationId, seq: lastSeq });
      }
      toHost({ parlor: "unread", count: 0 });
      return;
    }
    var from = seen(), count = 0;
    Object.keys(shown).forEach(function (seq) {
      if (+seq > from && !shown[seq].classList.contains("mine")) count++;
    });
    toHost({ parlor: "unread", count: count });
  }
  var audio = null;
  function chime() {
    if (!settings.sound) return;
    try {
      audio = audio || new (w.AudioContext || w.webkitAudioContext)();
      var tone = audio.createOscillator(), gain = audio.createGain(), now = audio.currentTime;
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, now);
      gain.gain.exponentialRampToValueAtTime(0.15, now + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.3);
      tone.connect(gain).connect(audio.destination);
      tone.start(now);
      tone.stop(now + 0.3);
    } catch (e) {}
  }

  // ---- typing -----------------------------------------------------------------------------
  function typing(on, name) {
    clearTimeout(agentTypingTimer);
    typingLine.textContent = on ? t("typing", { name: name || t("someone") }) : "";
    if (on) agentTypingTimer = setTimeout(function () { typing(false); }, 6000);
  }
  function sendTyping(on) {
    if (!conversationId) return;
    var now = Date.now();
    if (on && now - typingSent < 3000) return;
    typingSent = on ? now : 0;
    frame({ type: "typing", conversation_id: conversationId, typing: on });
  }

  // ---- the socket -------------------------------------------------------------------------
  function frame(data) {
    if (socket && welcomed && socket.readyState == 1) { socket.send(JSON.stringify(data)); return true; }
    return false;
  }
  function offline(text) {
    banner.textContent = text;
    banner.hidden = !text;
  }
  function connect() {
    clearTimeout(retryTimer);
    if (!session || preview) return;
    if (socket) { socket.onclose = null; socket.close(); }
    welcomed = false;
    var url = location.origin.replace(/^http/, "ws") + "/ws";
    var ws = (socket = new WebSocket(url));
    ws.onopen = function () {
      var hello = { type: "hello", visitor_token: session.visitor_token, resume: {} };
      if (conversationId) hello.resume[conversationId] = lastSeq;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = function (event) {
      var m;
      try { m = JSON.parse(event.data); } catch (e) { return; }
      if (m.type == "welcome") {
        welcomed = true;
        retry = 0;
        offline("");
        flush();
        loadUploads();
      } else if (m.type == "message") showMessage(m);
      else if (m.type == "ack") acked(m);
      else if (m.type == "typing" && m.conversation_id == conversationId && m.author && m.author.kind != "visitor") typing(m.typing, m.author.name);
      else if (m.type == "read" && m.conversation_id == conversationId && m.reader && m.reader.kind != "visitor") {
        readByAgent = Math.max(readByAgent, m.seq);
        markRead();
      } else if (m.type == "conversation" || m.type == "conversation_status" || m.type == "rated") {
        var c = known[m.conversation_id] = known[m.conversation_id] || { id: m.conversation_id };
        if (m.status) c.status = m.status;
        if (m.csat != null) c.csat = m.csat;
        if (m.type == "rated") c.rating = m;
        if (m.conversation_id == conversationId) rate();
      } else if (m.type == "availability" && session) {
        session.agents_online = m.agents_online;
        session.availability = { within_hours: m.within_hours, offline_message: m.offline_message };
        showAvailability();
      } else if (m.type == "error") {
        failed(m);
        if (more) more.ratingError(m);
      }
    };
    ws.onclose = function (event) {
      welcomed = false;
      socket = null;
      // 4002 "contact merged": the team merged this visitor into another contact, whom the
      // same token now speaks for: come straight back, with all of their conversations.
      if (event.code == 4002) { retry = 0; return connect(); }
      // 1012 "service restart": this server is going away on purpose and another one is up:
      // reconnect now, no backoff; the outbox resends what was not acked, under its client ids.
      if (event.code == 1012 && !session.ended) { retry = 0; return connect(); }
      // 4001 "contact blocked": the team blocked this visitor, and the chat goes away.
      if (event.code == 4001 && event.reason == "contact blocked") {
        session.ended = true;
        toHost({ parlor: "blocked" });
        return;
      }
      // 4001: the token was revoked (shutdown, or the contact deleted): start afresh.
      if (event.code == 4001) failed({ code: "unauthorized" });
      if (session.ended) return;
      offline(t("reconnecting"));
      var delay = Math.min(15000, 500 * Math.pow(2, retry++)) * (0.5 + Math.random() / 2);
      retryTimer = setTimeout(connect, delay);
    };
  }
  w.addEventListener("online", function () { if (!welcomed) connect(); });

  function acked(ack) {
    var pending = null;
    outbox.forEach(function (p) { if (p.client_id == ack.client_id) pending = p; });
    if (!pending) return;
    pending.draft.id = ack.conversation_id;
    if (pending.draft !== draft) {
      // Sent from a conversation the visitor has since left: stored, nothing to show.
      outbox.splice(outbox.indexOf(pending), 1);
      return flush();
    }
    conversationId = ack.conversation_id;
    showChrome();
    // The message frame for our own send follows the ack; place it now in case it does not.
    showMessage({
      conversation_id: ack.conversation_id, seq: ack.seq, client_id: ack.client_id, body: pending.body,
      author: { kind: "visitor" }, created_at: new Date().toISOString()
    });
    flush();
  }
  function failed(error) {
    if (error.code == "unauthorized") {
      // The token was revoked (a sign-out in another tab): the loader starts a new session.
      session.ended = true;
      toHost({ parlor: "session-ended" });
      return;
    }
    outbox.forEach(function (p) {
      if (p.client_id == error.client_id) {
        setState(p.el, "failed", null, error.message);
        p.failed = true;
      }
    });
  }
  // Sends every unacked message, in order. A first message starts its conversation; the rest
  // of that conversation wait for its ack, which names the conversation they go into.
  function flush() {
    var starting = [];
    for (var i = 0; i < outbox.length; i++) {
      var p = outbox[i], c = p.draft;
      if (p.failed) continue;
      if (!c.id) {
        if (starting.indexOf(c) >= 0) continue;
        starting.push(c);
      }
      if (p.inFlight === socket) continue;
      var data = { type: "send", client_id: p.client_id, body: p.body };
      if (p.attachments.length) data.attachments = p.attachments;
      if (c.id) data.conversation_id = c.id;
      if (!frame(data)) return;
      p.inFlight = socket;
    }
  }
  // uploaded: the finished uploads to send with the text, as the upload route answered them.
  function send(text, uploaded) {
    var node = bubble(true, text);
    files(node, uploaded);
    setState(node, "sending");
    outbox.push({ client_id: uuid(), body: text, attachments: uploaded.map(function (u) { return u.upload_id; }), el: node, draft: draft });
    scrollDown();
    sendTyping(false);
    flush();
  }

  // ---- the composer and the email form ------------------------------------------------------
  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (preview) return;
    // The files attached, unless some are still uploading or failed: then nothing is sent yet.
    var taken = uploads && uploads.take();
    if (taken === false || (!text && !taken)) return;
    input.value = "";
    grow();
    send(text, taken || []);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key == "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  function grow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
    input.style.overflowY = input.scrollHeight > 120 ? "auto" : "hidden";
  }
  input.addEventListener("input", function () {
    grow();
    clearTimeout(typingStop);
    if (input.value.trim()) {
      sendTyping(true);
      typingStop = setTimeout(function () { sendTyping(false); }, 4000);
    } else sendTyping(false);
  });
  // ---- files: picked, dropped or pasted; the code that uploads them loads on first use -----
  var uploads = null, uploadsWaiting = [], uploadsLoading = false, note = $(".files-note");
  function withUploads(then) {
    if (uploads) return then(uploads);
    uploadsWaiting.push(then);
    loadUploads();
  }
  // Offline, the files wait for the socket to be back (see connect), then are added.
  function loadUploads() {
    if (uploadsLoading || !uploadsWaiting.length) return;
    uploadsLoading = true;
    moreStyle();
    var script = d.createElement("script");
    script.src = body.getAttribute("data-upload");
    script.onerror = function () {
      uploadsLoading = false;
      script.remove();
      note.textContent = t("files-offline");
    };
    w.parlorUploads = function (make) {
      uploads = make({
        el: el, t: t, size: size, note: note, list: $(".pending"), input: input,
        max: +body.getAttribute("data-upload-max") || 0,
        token: function () { return session && session.visitor_token; }
      });
      note.textContent = "";
      uploadsWaiting.splice(0).forEach(function (fn) { fn(uploads); });
    };
    d.head.appendChild(script);
  }
  function attach(list) {
    list = Array.prototype.slice.call(list || []);
    if (!list.length || preview || composer.hidden || !session) return false;
    withUploads(function (u) { u.add(list); });
    return true;
  }
  var picker = $("#file-input");
  $(".attach").addEventListener("click", function () { if (!preview) picker.click(); });
  picker.addEventListener("change", function () {
    attach(picker.files);
    picker.value = "";
  });
  // A pasted picture (a screenshot) becomes a file; pasted text, which may come with a picture
  // of itself (spreadsheets do that), stays text.
  input.addEventListener("paste", function (event) {
    var data = event.clipboardData;
    if (data && data.files.length && Array.prototype.indexOf.call(data.types, "text/plain") < 0 && attach(data.files)) event.preventDefault();
  });
  function dragsFiles(event) {
    return event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0;
  }
  // Anywhere in the window; a file dropped elsewhere would replace the window with itself.
  d.addEventListener("dragover", function (event) {
    if (!dragsFiles(event)) return;
    event.preventDefault();
    body.classList.add("dropping");
  });
  d.addEventListener("dragleave", function (event) {
    if (!event.relatedTarget) body.classList.remove("dropping");
  });
  d.addEventListener("drop", function (event) {
    body.classList.remove("dropping");
    if (!dragsFiles(event)) return;
    event.preventDefault();
    attach(event.dataTransfer.files);
  });

  // Away: outside business hours, or no agent online. The chat says so and asks for an email
  // beside the composer: the visitor may write at once, or dismiss the question.
  function away() {
    return !!session && !preview && (!session.agents_online || !(session.availability || {}).within_hours);
  }
  function needsEmail() {
    return settings.require_email && session && !session.visitor.email && !conversationId;
  }
  function applyGate() {
    if (!listView.hidden) return;
    var required = needsEmail(), ask = !required && away() && !session.visitor.email && !skippedEmail;
    gate.hidden = !(required || ask);
    composer.hidden = required;
    $(".gate-skip").hidden = !ask;
    $(".gate-label").textContent = ask ? t("gate-away") : t("gate");
  }
  $(".gate-skip").addEventListener("click", function () {
    skippedEmail = true;
    applyGate();
    input.focus();
  });
  var replyText = $(".reply-time").textContent;
  // The header's line and the away note, from the session or an availability frame.
  function showAvailability() {
    var line = $(".reply-time");
    line.textContent = away() ? t("away") : session.agents_online ? t("online") : replyText;
    line.classList.toggle("online", !away());
    showAway();
    applyGate();
  }
  function showAway() {
    var note = $(".away-note");
    if (away()) {
      if (!note) {
        note = el("div", "msg them away-note");
        note.appendChild(el("p", "body", "")).dir = "auto";
        log.insertBefore(note, $(".greeting").nextSibling);
      }
      note.firstChild.textContent = body.getAttribute("data-away") || session.availability.offline_message;
    } else if (note) note.parentNode.removeChild(note);
  }
  gate.addEventListener("submit", function (event) {
    event.preventDefault();
    var email = gate.email.value.trim(), error = $(".gate-error");
    error.textContent = "";
    fetch("/api/widget/v1/context", {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ visitor_token: session.visitor_token, email: email })
    }).then(function (r) {
      if (r.ok) {
        var asked = gate.hidden == false && composer.hidden == false;
        session.visitor.email = email;
        applyGate();
        if (asked) {
          var thanks = el("div", "msg them");
          thanks.appendChild(el("p", "body", t("thanks-email", { email: email })));
          log.appendChild(thanks);
        }
        input.focus();
      } else return r.json().then(function (j) { error.textContent = (j.error && j.error.message) || t("try-again"); });
    }, function () { error.textContent = t("offline"); });
  });

  // ---- the visitor's conversations: the list and the transcript load on first use -----------
  // A resolved conversation the team asks to rate: the question (in conversations.js) under it.
  function rate() {
    var c = known[conversationId];
    if (c && c.status == "resolved" && (c.csat || c.rating) && !preview) withMore(function (m) { m.rating(c); });
    else if (more) more.rating(null);
  }
  function showChrome() {
    listButton.hidden = preview || !session || (!conversationId && !session.conversations.length);
    mailButton.hidden = preview || !conversationId || !listView.hidden;
  }
  function chatVisible(on) {
    listView.hidden = on;
    log.hidden = typingLine.hidden = notice.hidden = !on;
    if (on) applyGate();
    else composer.hidden = gate.hidden = askMail.hidden = true;
    showChrome();
  }
  // Shows one conversation: the log empties, and the server replays it (history frame, or the
  // resume of the next hello). A null id starts a new one with its first message.
  function openConversation(id) {
    Array.prototype.slice.call(log.querySelectorAll(".msg:not(.greeting):not(.away-note)")).forEach(function (n) { log.removeChild(n); });
    shown = {};
    lastSeq = readByAgent = 0;
    conversationId = id;
    draft = { id: id };
    notice.textContent = "";
    typing(false);
    chatVisible(true);
    if (id) frame({ type: "history", conversation_id: id, after: 0 });
    rate();
    if (isOpen) (composer.hidden ? gate.email : input).focus();
  }
  var more = null, moreWaiting = [];
  // The styles of the parts the lazily loaded scripts draw (frame-more.css).
  function moreStyle() {
    if ($("link.more")) return;
    var link = d.head.appendChild(el("link", "more"));
    link.rel = "stylesheet";
    link.href = body.getAttribute("data-css");
  }
  function withMore(then) {
    if (more) return then(more);
    moreWaiting.push(then);
    if (moreWaiting.length > 1) return;
    moreStyle();
    var script = d.createElement("script");
    script.src = body.getAttribute("data-more");
    script.onerror = function () {
      moreWaiting = [];
      script.remove();
      $(".list-note").textContent = notice.textContent = t("offline");
    };
    w.parlorMore = function (make) {
      more = make({
        el: el, t: t, lang: lang, time: time, uuid: uuid, notice: notice, askMail: askMail, mailButton: mailButton, input: input, open: openConversation,
        log: log, frame: frame, scroll: scrollDown, known: function (c) { known[c.id] = c; },
        session: function () { return session; }, conversation: function () { return conversationId; }
      });
      moreWaiting.splice(0).forEach(function (fn) { fn(more); });
    };
    d.head.appendChild(script);
  }
  function showList() {
    chatVisible(false);
    listButton.classList.remove("unread");
    if (isOpen) $(".new-conversation").focus();
    withMore(function (m) { m.list(); });
  }
  listButton.addEventListener("click", function () { if (listView.hidden) showList(); else openConversation(conversationId); });
  $(".new-conversation").addEventListener("click", function () { openConversation(null); });
  mailButton.addEventListener("click", function () { withMore(function (m) { m.mail(); }); });

  // ---- the window: open, close, focus ------------------------------------------------------
  $(".close").addEventListener("click", function () { toHost({ parlor: "close" }); });
  d.addEventListener("keydown", function (event) {
    if (event.key == "Escape") { toHost({ parlor: "close" }); return; }
    if (event.key != "Tab") return;
    // Focus stays in the window while it is open.
    var items = Array.prototype.filter.call(
      d.querySelectorAll("button, textarea, input, [tabindex='0']"),
      function (node) { return !node.disabled && node.offsetParent !== null; }
    );
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1];
    if (event.shiftKey && d.activeElement == first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && d.activeElement == last) { event.preventDefault(); first.focus(); }
  });
  d.addEventListener("visibilitychange", updateUnread);

  function setAgents(agents) {
    avatars.textContent = "";
    (agents || []).forEach(function (agent) {
      avatars.appendChild(avatar(agent)).title = agent.name;
    });
  }

  w.addEventListener("message", function (event) {
    if (event.source !== w.parent) return;
    var m = event.data || {};
    if (!host) host = event.origin;
    if (event.origin !== host) return;
    if (m.parlor == "session" && m.session) {
      var changed = !session || session.visitor_token != m.session.visitor_token, first = !session;
      session = m.session;
      paint(session.settings);
      settings = session.settings;
      setAgents(session.agents);
      session.conversations.forEach(function (c) { known[c.id] = c; });
      if (!conversationId && session.conversations.length) conversationId = draft.id = session.conversations[0].id;
      rate();
      showAvailability();
      showChrome();
      // A returning visitor with several conversations starts on the list of them.
      if (first && session.conversations.length > 1) showList();
      if (changed) connect();
    } else if (m.parlor == "open") {
      isOpen = true;
      (!listView.hidden ? $(".new-conversation") : composer.hidden ? gate.email : input).focus();
      updateUnread();
    } else if (m.parlor == "close") {
      isOpen = false;
    } else if (m.parlor == "preview" && preview && m.settings) {
      paint(m.settings);
      $(".greeting .body").textContent = m.settings.greeting;
      $(".reply-time").textContent = { minutes: t("rt-minutes"), hours: t("rt-hours"), day: t("rt-day") }[m.settings.reply_time] || replyText;
      settings = m.settings;
      session = { visitor: {} };
      applyGate();
    }
  });

  if (preview) {
    var sample = bubble(true, t("sample-q"));
    setState(sample, "read");
    bubble(false, t("sample-a"), { name: "Alex" });
  }
  toHost.ready = true;
  // The launcher on the website speaks the window's language: the loader takes its labels from here.
  w.parent.postMessage({
    parlor: "ready", lang: lang, dir: root.dir, launcher: body.getAttribute("data-launcher"),
    labels: { chat: t("chat"), open: t("open-chat"), unread: t("open-unread"), close: t("close") }
  }, "*");
})();
