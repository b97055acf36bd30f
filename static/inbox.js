// The live inbox: the agent's WebSocket (docs/protocol.md) keeps the list and the open
// conversation current, sends replies with retry-safe client ids, and shows typing, viewing,
// presence and read state; it plays a sound and shows desktop notifications for the events
// the agent chose. Files (picked, dropped or pasted) upload at once and go with the next reply
// or note. The page works without it: every action is also a plain form.
(function () {
  "use strict";
  var d = document, w = window;
  var root = d.querySelector(".inbox");
  if (!root) return;
  var workspace = root.getAttribute("data-workspace"), me = root.getAttribute("data-me");
  var view = root.getAttribute("data-view"), statusFilter = root.getAttribute("data-status");
  var labelFilter = root.getAttribute("data-label") || "";
  var list = d.getElementById("conv-list"), empty = d.getElementById("conv-empty");
  var pane = d.querySelector(".inbox-conversation[data-conversation]");
  var conversation = pane && pane.getAttribute("data-conversation");
  var contact = pane && pane.getAttribute("data-contact");
  var visitorName = pane && pane.getAttribute("data-visitor-name");
  var lastSeq = pane ? +pane.getAttribute("data-last-seq") : 0;
  var messages = d.getElementById("messages"), reply = d.getElementById("reply"), composer = d.getElementById("composer");
  var typingHint = d.getElementById("typing-hint"), viewingHint = d.getElementById("viewing-hint");
  var composerStatus = d.getElementById("composer-status");
  var canned = [];
  try { canned = JSON.parse(root.getAttribute("data-canned") || "[]"); } catch (e) {}
  var texts = {};
  try { texts = JSON.parse(root.getAttribute("data-texts") || "{}"); } catch (e) {}
  // A text in the member's language (the page gives them in data-texts), its {slots} filled in;
  // the English one when the page has none.
  function tx(key, english, slots) {
    var text = texts[key] || english;
    return text.replace(/\{(\w+)\}/g, function (all, name) { return slots && slots[name] != null ? String(slots[name]) : all; });
  }
  var socket = null, welcomed = false, retry = 0, everConnected = false;
  var outbox = []; // {client_id, body, private, attachments, el}
  var viewers = {}, typers = {}, hiddenCount = 0, baseTitle = d.title;

  function el(tag, className, text) {
    var node = d.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }
  function uuid() {
    if (w.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function frame(data) {
    if (socket && welcomed && socket.readyState === 1) { socket.send(JSON.stringify(data)); return true; }
    return false;
  }

  // ---- the list -----------------------------------------------------------------------
  function matchesFilter(row) {
    if (row.getAttribute("data-status") !== statusFilter) return false;
    if (labelFilter && (" " + row.getAttribute("data-labels") + " ").indexOf(" " + labelFilter + " ") < 0) return false;
    var assignee = row.getAttribute("data-assignee");
    if (view === "mine") return assignee === me;
    if (view === "unassigned") return assignee === "";
    return true;
  }
  // Fetches the row as the server renders it and puts it where it belongs, or removes it when
  // it no longer belongs to this view. `then`, if given, is handed the row (or null) first,
  // whatever the view: it says who the conversation is assigned to now.
  function refreshRow(id, then) {
    if (!list && !then) return;
    var query = "?view=" + view + "&status=" + statusFilter + (labelFilter ? "&label=" + labelFilter : "");
    fetch("/app/" + workspace + "/inbox/rows/" + id + query, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var holder = d.createElement("ul");
        holder.innerHTML = html === null ? "" : html.trim();
        var row = holder.firstElementChild;
        if (then) then(row);
        if (html === null || !list) return;
        var old = list.querySelector('[data-id="' + id + '"]');
        if (old) old.remove();
        if (!row || !matchesFilter(row)) { updateEmpty(); return; }
        if (id === conversation) {
          row.classList.add("selected");
          row.querySelector("a").setAttribute("aria-current", "true");
        }
        var at = row.getAttribute("data-at"), before = null;
        Array.prototype.some.call(list.children, function (other) {
          if (other.getAttribute("data-at") <= at) { before = other; return true; }
          return false;
        });
        list.insertBefore(row, before);
        updateEmpty();
      });
  }
  function updateEmpty() {
    if (empty) empty.hidden = list.children.length > 0;
  }

  // ---- the open conversation -------------------------------------------------------------
  function messageItem(m) {
    var kind = m.author.kind;
    var li = el("li", "msg msg-" + kind + (m.private ? " msg-note" : ""));
    li.setAttribute("data-seq", m.seq);
    var meta = el("p", "msg-meta");
    var name = kind === "visitor" ? visitorName : (m.author.name || "Parlor");
    if (kind === "agent") {
      // As inbox_message.html draws it: the avatar, from this origin (frames carry PUBLIC_URL's),
      // or the initial.
      var avatar = el(m.author.avatar_url ? "img" : "span", "avatar avatar-small", m.author.avatar_url ? null : name.charAt(0));
      if (m.author.avatar_url) {
        avatar.src = new URL(m.author.avatar_url).pathname;
        avatar.alt = "";
        avatar.width = avatar.height = 20;
      } else avatar.setAttribute("aria-hidden", "true");
      meta.appendChild(avatar);
      meta.appendChild(d.createTextNode(" "));
    }
    meta.appendChild(el("span", "msg-author", name));
    if (m.private) { meta.appendChild(d.createTextNode(" ")); meta.appendChild(el("span", "note-tag", tx("inbox-note-tag", "Internal note"))); }
    var at = new Date(m.created_at || Date.now());
    var time = el("time", "", at.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }));
    time.setAttribute("datetime", at.toISOString());
    meta.appendChild(d.createTextNode(" "));
    meta.appendChild(time);
    li.appendChild(meta);
    var files = m.attachments || [];
    if (m.body || !files.length) li.appendChild(linked(el("p", "msg-body"), m.body || ""));
    if (files.length) {
      var ul = el("ul", "msg-files");
      ul.setAttribute("aria-label", tx("inbox-files", "Files"));
      files.forEach(function (a) { ul.appendChild(fileItem(a)); });
      li.appendChild(ul);
    }
    return li;
  }
  // Message text with its http, https and mailto URLs as links, split as web/links.rs splits
  // it (inbox_message.html): a URL starts after white space or an opening bracket or quote, and
  // sentence punctuation at its end is left out. Everything goes in as text nodes.
  function linked(node, text) {
    var re = /(^|[\s([{<>"'*])((?:https?:\/\/|mailto:)[^\s<>"`\0-\x1f\x7f-\x9f]+)/gi, at = 0, m, url, start, a;
    while ((m = re.exec(text))) {
      url = m[2];
      while (/[.,!?:;'"]$/.test(url) || (/\)$/.test(url) && url.split("(").length < url.split(")").length)) url = url.slice(0, -1);
      if (!/^(https?:\/\/|mailto:)./i.test(url)) continue;
      start = m.index + m[1].length;
      if (start > at) node.appendChild(d.createTextNode(text.slice(at, start)));
      a = node.appendChild(el("a", "", url));
      a.setAttribute("href", url);
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer nofollow");
      at = start + url.length;
    }
    if (at < text.length) node.appendChild(d.createTextNode(text.slice(at)));
    return node;
  }
  // An attachment as inbox_message.html renders it: an image as its thumbnail, linked to the
  // file; anything else as a download link with its size. A file of a reply still on its way
  // has no link yet.
  function fileItem(a) {
    var image = a.url && (a.thumbnail_url || /^image\/(png|jpeg|gif|webp)$/.test(a.content_type || ""));
    var li = el("li", "msg-file" + (image ? " msg-image" : ""));
    if (image) {
      var link = el("a");
      link.setAttribute("href", a.url);
      link.setAttribute("target", "_blank");
      link.setAttribute("rel", "noopener noreferrer");
      var img = el("img");
      img.setAttribute("src", a.thumbnail_url || a.url);
      img.setAttribute("alt", a.name);
      var size = shownSize(a.width, a.height);
      if (size) { img.setAttribute("width", size[0]); img.setAttribute("height", size[1]); }
      link.appendChild(img);
      li.appendChild(link);
      return li;
    }
    var label = el(a.url ? "a" : "span", "file-link");
    if (a.url) { label.setAttribute("href", a.url); label.setAttribute("download", ""); }
    var icon = el("span", "file-icon");
    icon.setAttribute("aria-hidden", "true");
    label.appendChild(icon);
    label.appendChild(el("span", "file-name", a.name));
    li.appendChild(label);
    li.appendChild(d.createTextNode(" "));
    li.appendChild(el("span", "file-size", humanSize(a.size)));
    return li;
  }
  // As conversation::shown_size: the image's own size, or scaled to fit 240 pixels.
  function shownSize(width, height) {
    if (!(width >= 1 && height >= 1)) return null;
    var longer = Math.max(width, height);
    if (longer <= 240) return [width, height];
    return [Math.max(1, Math.round(width * 240 / longer)), Math.max(1, Math.round(height * 240 / longer))];
  }
  // As files::human_size: units of 1,024, the way the limits are stated.
  function humanSize(bytes) {
    var kb = 1024;
    bytes = Math.max(0, bytes || 0);
    if (bytes < kb) return bytes + " B";
    if (bytes < kb * kb) return Math.max(1, Math.round(bytes / kb)) + " KB";
    if (bytes < kb * kb * kb) { var mb = bytes / kb / kb; return (mb < 10 ? mb.toFixed(1) : Math.round(mb)) + " MB"; }
    return (bytes / kb / kb / kb).toFixed(1) + " GB";
  }
  // The contact panel lists every file of the conversation: new ones join it live.
  function listFiles(files) {
    var panel = d.getElementById("contact-files"), none = d.getElementById("files-empty");
    if (!panel || !files || !files.length) return;
    files.forEach(function (a) {
      var li = el("li");
      if (a.thumbnail_url) {
        var img = el("img", "file-thumb");
        img.setAttribute("src", a.thumbnail_url);
        img.setAttribute("alt", "");
        img.setAttribute("width", "40");
        img.setAttribute("height", "40");
        li.appendChild(img);
      } else {
        var icon = el("span", "file-icon");
        icon.setAttribute("aria-hidden", "true");
        li.appendChild(icon);
      }
      var text = el("span", "file-text"), link = el("a", "", a.name);
      link.setAttribute("href", a.url);
      if (a.thumbnail_url) { link.setAttribute("target", "_blank"); link.setAttribute("rel", "noopener noreferrer"); }
      else link.setAttribute("download", "");
      text.appendChild(link);
      text.appendChild(d.createTextNode(" "));
      text.appendChild(el("span", "file-size", humanSize(a.size)));
      li.appendChild(text);
      panel.appendChild(li);
    });
    panel.hidden = false;
    if (none) none.hidden = true;
  }
  function nearBottom() { return messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80; }
  function scrollDown() { messages.scrollTop = messages.scrollHeight; }
  function showMessage(m) {
    if (!messages || m.conversation_id !== conversation || m.seq <= lastSeq) return;
    var stick = nearBottom() || m.author.kind === "agent";
    var pending = null;
    outbox.forEach(function (p) { if (p.client_id === m.client_id) pending = p; });
    var li = messageItem(m);
    if (pending) { pending.el.replaceWith(li); outbox.splice(outbox.indexOf(pending), 1); }
    else messages.appendChild(li);
    var placeholder = messages.querySelector("li.empty");
    if (placeholder) placeholder.remove();
    lastSeq = m.seq;
    listFiles(m.attachments);
    if (stick) scrollDown();
    if (m.author.kind === "visitor") {
      typers[m.author.id] = null;
      showTyping();
      markRead();
    }
  }
  function markRead() {
    if (conversation && !d.hidden && lastSeq) frame({ type: "read", conversation_id: conversation, seq: lastSeq });
  }
  function showTyping() {
    var names = Object.keys(typers).filter(function (k) { return typers[k]; }).map(function (k) { return typers[k]; });
    if (typingHint) typingHint.textContent = names.length ? (names.length > 1 ? tx("inbox-js-typing-many", "{names} are typing…", { names: names.join(", ") }) : tx("inbox-js-typing-one", "{name} is typing…", { name: names[0] })) : "";
  }
  function showViewers() {
    var names = Object.keys(viewers).map(function (k) { return viewers[k]; });
    if (viewingHint) viewingHint.textContent = names.length ? (names.length > 1 ? tx("inbox-js-viewing-many", "{names} are also viewing this conversation.", { names: names.join(", ") }) : tx("inbox-js-viewing-one", "{name} is also viewing this conversation.", { name: names[0] })) : "";
  }

  // ---- notifications ------------------------------------------------------------------------
  // The events this agent wants a desktop notification and a sound for (Settings →
  // Notifications): "new_conversation", "assigned" (to me) and "new_message" (a visitor wrote
  // in a conversation assigned to me).
  var wanted = {
    desktop: (root.getAttribute("data-notify-desktop") || "").split(" "),
    sound: (root.getAttribute("data-notify-sound") || "").split(" ")
  };
  function wants(channel, event) { return wanted[channel].indexOf(event) >= 0; }
  var audio = null;
  function chime() {
    try {
      audio = audio || new (w.AudioContext || w.webkitAudioContext)();
      var tone = audio.createOscillator(), gain = audio.createGain(), now = audio.currentTime;
      tone.frequency.value = 660;
      gain.gain.setValueAtTime(0.0001, now);
      gain.gain.exponentialRampToValueAtTime(0.12, now + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.35);
      tone.connect(gain).connect(audio.destination);
      tone.start(now);
      tone.stop(now + 0.35);
    } catch (e) {}
  }
  // Tells the agent about `event` in conversation `id` by the channels they chose for it, except
  // about the conversation they are looking at.
  function notify(event, id, title, text) {
    if (!d.hidden && id === conversation) return;
    if (wants("sound", event)) chime();
    if (wants("desktop", event) && w.Notification && Notification.permission === "granted") {
      try { new Notification(title, { body: text, tag: id }); } catch (e) {}
    }
  }
  // A visitor's message: the first of a conversation is a new conversation; a later one is news
  // when the conversation is assigned to this agent, as its row says now. In a hidden tab the
  // title counts them all.
  function visitorWrote(m) {
    if (d.hidden) {
      hiddenCount++;
      d.title = "(" + hiddenCount + ") " + baseTitle;
    }
    var who = m.author.name || "A visitor";
    var text = m.body ? m.body.slice(0, 140) : (m.attachments || []).map(function (a) { return a.name; }).join(", ");
    if (m.seq === 1) {
      notify("new_conversation", m.conversation_id, tx("inbox-js-new-conversation", "New conversation: {name}", { name: who }), text);
      refreshRow(m.conversation_id);
      return;
    }
    refreshRow(m.conversation_id, function (row) {
      if (row && row.getAttribute("data-assignee") === me) notify("new_message", m.conversation_id, who + " wrote", text);
    });
  }
  // A conversation given to this agent by someone else (a teammate, or auto-assignment).
  function assignedToMe(m) {
    if (!m.assigned_by || m.assignee_id !== me || m.assigned_by.id === me) return;
    var by = m.assigned_by.kind === "system" ? tx("inbox-js-by-auto", "By auto-assignment") : tx("inbox-js-by", "By {name}", { name: m.assigned_by.name });
    notify("assigned", m.conversation_id, tx("inbox-js-assigned", "A conversation is assigned to you"), by);
  }
  d.addEventListener("visibilitychange", function () {
    if (d.hidden) return;
    hiddenCount = 0;
    d.title = baseTitle;
    markRead();
  });
  var notifyButton = d.getElementById("notify-button");
  if (notifyButton) {
    if (!w.Notification) notifyButton.hidden = true;
    notifyButton.addEventListener("click", function () {
      Notification.requestPermission().then(function (answer) {
        notifyButton.textContent = answer === "granted" ? tx("inbox-js-notify-on", "Desktop notifications are on") : tx("inbox-js-notify-blocked", "Notifications are blocked in this browser");
      });
    });
  }

  // ---- the visitor's rating, in the contact panel, as the page renders it ----------------------
  function showRating(m) {
    var box = d.getElementById("conv-rating");
    if (!box) return;
    box.textContent = "";
    var line = box.appendChild(el("p"));
    line.appendChild(el("span", "rating-score", m.score + "/5")).setAttribute("aria-hidden", "true");
    line.appendChild(el("span", "visually-hidden", tx("inbox-rated", "Rated {score} out of 5", { score: m.score })));
    line.append(" ");
    var at = line.appendChild(el("time", "hint", new Date(m.rated_at).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })));
    at.setAttribute("datetime", m.rated_at);
    if (m.comment) box.appendChild(el("blockquote", "rating-comment", m.comment));
  }

  // ---- the socket -----------------------------------------------------------------------
  function connect() {
    var ws = (socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws"));
    welcomed = false;
    ws.onopen = function () {
      var hello = { type: "hello", workspace_id: workspace };
      if (conversation) { hello.resume = {}; hello.resume[conversation] = lastSeq; }
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = function (event) {
      var m;
      try { m = JSON.parse(event.data); } catch (e) { return; }
      if (m.type === "welcome") {
        welcomed = true;
        retry = 0;
        if (composerStatus) composerStatus.textContent = "";
        if (everConnected) Array.prototype.forEach.call(list ? list.children : [], function (row) { refreshRow(row.getAttribute("data-id")); });
        everConnected = true;
        var status = d.getElementById("my-status");
        if (status) frame({ type: "presence", status: status.value });
        if (conversation) { frame({ type: "viewing", conversation_id: conversation, viewing: true }); markRead(); }
        flush();
      } else if (m.type === "message") {
        showMessage(m);
        if (m.author.kind === "visitor") visitorWrote(m);
        else refreshRow(m.conversation_id);
      } else if (m.type === "ack") {
        if (m.conversation_id === conversation) {
          outbox.forEach(function (p) {
            if (p.client_id === m.client_id) {
              p.el.setAttribute("data-seq", m.seq);
              p.el.querySelector(".msg-state").textContent = "";
            }
          });
        }
      } else if (m.type === "typing" && m.conversation_id === conversation) {
        var who = m.author.kind === "visitor" ? visitorName : m.author.name;
        typers[m.author.id] = m.typing ? who : null;
        showTyping();
      } else if (m.type === "viewing" && m.conversation_id === conversation) {
        if (m.viewing) viewers[m.agent.id] = m.agent.name; else delete viewers[m.agent.id];
        showViewers();
      } else if (m.type === "presence") {
        if (m.kind === "agent" && m.status === "offline") { delete viewers[m.id]; showViewers(); }
      } else if (m.type === "visitor_presence") {
        m.online.forEach(function (id) { setOnline(id, true); });
        m.offline.forEach(function (id) { setOnline(id, false); });
      } else if (m.type === "conversation") {
        refreshRow(m.conversation_id);
        assignedToMe(m);
        if (m.conversation_id === conversation) {
          refreshLabels(false);
          var pill = d.getElementById("conv-status");
          if (pill) pill.textContent = m.status.charAt(0).toUpperCase() + m.status.slice(1);
        }
      } else if (m.type === "rating" && m.conversation_id === conversation) {
        showRating(m);
      } else if (m.type === "read" && m.conversation_id === conversation && m.reader.kind === "visitor") {
        Array.prototype.forEach.call(messages.querySelectorAll(".msg-agent"), function (li) {
          if (+li.getAttribute("data-seq") <= m.seq) li.classList.add("seen");
        });
      } else if (m.type === "error" && m.client_id) {
        outbox.forEach(function (p) {
          if (p.client_id === m.client_id) { p.failed = true; p.el.querySelector(".msg-state").textContent = tx("inbox-js-not-sent", "Not sent: {reason}", { reason: m.message }); }
        });
      }
    };
    ws.onclose = function (event) {
      welcomed = false;
      // 4001: signed out, or no longer a member: the page itself says where to go now.
      if (event.code === 4001) { w.location.reload(); return; }
      // 1012 "service restart": this server is going away on purpose: reconnect now, no backoff.
      if (event.code === 1012) { retry = 0; connect(); return; }
      if (composerStatus && outbox.length) composerStatus.textContent = tx("inbox-js-offline", "Offline: your reply goes out when the connection is back.");
      setTimeout(connect, Math.min(15000, 500 * Math.pow(2, retry++)) * (0.5 + Math.random() / 2));
    };
  }
  function setOnline(contactId, online) {
    Array.prototype.forEach.call(d.querySelectorAll('.conv-row[data-contact="' + contactId + '"] .presence-dot'), function (dot) {
      dot.classList.toggle("online", online);
    });
    if (contactId === contact) {
      d.getElementById("contact-dot").classList.toggle("online", online);
      d.getElementById("contact-online").textContent = online ? tx("inbox-online-now", "Online now") : tx("inbox-offline", "Offline");
    }
  }
  w.addEventListener("pagehide", function () {
    if (conversation) frame({ type: "viewing", conversation_id: conversation, viewing: false });
  });

  // ---- the composer -------------------------------------------------------------------------
  function flush() {
    outbox.forEach(function (p) {
      if (p.failed || p.sentOn === socket) return;
      var send = { type: "send", client_id: p.client_id, conversation_id: conversation, body: p.body, private: p.private };
      if (p.attachments.length) send.attachments = p.attachments;
      if (frame(send)) p.sentOn = socket;
    });
  }
  var typingSent = 0, typingStop = null, ownAvatar = d.querySelector(".account-menu img.avatar");
  function sendTyping(on) {
    var note = d.getElementById("private");
    if (!conversation || (note && note.checked && on)) return;
    if (on && Date.now() - typingSent < 3000) return;
    typingSent = on ? Date.now() : 0;
    frame({ type: "typing", conversation_id: conversation, typing: on });
  }
  if (composer) {
    composer.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = reply.value.trim();
      if (pending.some(function (f) { return f.xhr; })) { say(tx("inbox-js-still-uploading", "Your files are still uploading: send when they are ready.")); return; }
      if (pending.some(function (f) { return f.error; })) { say(tx("inbox-js-upload-failed-some", "Some files did not upload: retry or remove them first.")); return; }
      var files = pending.slice();
      if (!body && !files.length) return;
      var note = d.getElementById("private");
      var p = { client_id: uuid(), body: body, private: !!(note && note.checked), attachments: files.map(function (f) { return f.upload_id; }) };
      p.el = messageItem({
        author: { kind: "agent", name: "You", avatar_url: ownAvatar ? ownAvatar.src : null }, body: body, private: p.private, seq: 0,
        attachments: files.map(function (f) { return { name: f.name, size: f.size }; })
      });
      pending = [];
      showPending();
      say("");
      p.el.appendChild(el("p", "msg-state", tx("inbox-js-sending", "Sending…")));
      messages.appendChild(p.el);
      scrollDown();
      outbox.push(p);
      reply.value = "";
      if (note) note.checked = false;
      sendTyping(false);
      flush();
      if (!welcomed && composerStatus) composerStatus.textContent = tx("inbox-js-offline", "Offline: your reply goes out when the connection is back.");
    });
    reply.addEventListener("keydown", function (event) {
      if (menuOpen() && handleMenuKey(event)) return;
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        composer.requestSubmit();
      }
    });
    reply.addEventListener("input", function () {
      clearTimeout(typingStop);
      if (reply.value.trim()) { sendTyping(true); typingStop = setTimeout(function () { sendTyping(false); }, 4000); }
      else sendTyping(false);
      updateMenu();
    });
  }

  // ---- files: picked, dropped or pasted; each uploads at once, then goes with the next send ----
  var pending = []; // {file, name, size, xhr, upload_id, error, el}
  var pendingList = d.getElementById("pending-files"), picker = d.getElementById("attach-input");
  var attachButton = d.getElementById("attach-button");
  var uploadMax = +root.getAttribute("data-upload-max") || 0;
  var csrf = composer ? composer.querySelector("input[name=csrf_token]").value : "";
  function say(text) { if (composerStatus) composerStatus.textContent = text; }
  function addFiles(files) {
    var refused = 0;
    Array.prototype.forEach.call(files || [], function (file) {
      if (pending.length >= 10) { refused++; return; }
      var f = { file: file, name: file.name || "file", size: file.size };
      pending.push(f);
      upload(f);
    });
    showPending();
    say(refused ? (refused > 1 ? tx("inbox-js-too-many-files-many", "At most 10 files go with one message: {count} were left out.", { count: refused }) : tx("inbox-js-too-many-files-one", "At most 10 files go with one message: {count} was left out.", { count: refused })) : "");
  }
  function upload(f) {
    f.error = null;
    f.upload_id = null;
    f.progress = 0;
    if (!f.size) f.error = tx("inbox-js-file-empty", "This file is empty.");
    else if (uploadMax && f.size > uploadMax) f.error = tx("inbox-js-file-too-large", "This file is larger than {max}.", { max: humanSize(uploadMax) });
    if (f.error) { f.final = true; return; }
    var xhr = (f.xhr = new XMLHttpRequest());
    xhr.open("POST", "/app/" + workspace + "/uploads");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (event) {
      if (!event.lengthComputable) return;
      f.progress = event.loaded / event.total;
      showPending();
    };
    xhr.onload = function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) {}
      f.xhr = null;
      if (xhr.status === 201 && answer && answer.upload_id) {
        f.upload_id = answer.upload_id;
        f.name = answer.name || f.name;
      } else {
        f.error = (answer && answer.error && answer.error.message) || tx("inbox-js-upload-failed-status", "The upload failed ({status}).", { status: xhr.statusText || xhr.status });
        if (xhr.status === 413) f.final = true;
      }
      showPending();
    };
    xhr.onerror = function () {
      f.xhr = null;
      f.error = tx("inbox-js-upload-failed-connection", "The upload failed: the connection was lost.");
      showPending();
    };
    var form = new FormData();
    form.append("file", f.file, f.name);
    xhr.send(form);
  }
  function remove(f) {
    if (f.xhr) f.xhr.abort();
    pending.splice(pending.indexOf(f), 1);
    showPending();
    reply.focus();
  }
  function button(text, name, className, onClick) {
    var b = el("button", "button small " + className, text);
    b.type = "button";
    b.appendChild(el("span", "visually-hidden", " " + name));
    b.addEventListener("click", onClick);
    return b;
  }
  // Draws the pending files: each item is made once and then only updated, so that a focused
  // button keeps its focus while progress comes in.
  function showPending() {
    if (!pendingList) return;
    pending.forEach(function (f) {
      if (!f.el) {
        f.el = el("li", "pending-file");
        f.el.appendChild(el("span", "pending-name", f.name));
        f.el.appendChild(el("span", "file-size", humanSize(f.size)));
        f.bar = el("progress");
        f.bar.max = 1;
        f.bar.setAttribute("aria-label", tx("inbox-js-upload-of", "Upload of {name}", { name: f.name }));
        f.el.appendChild(f.bar);
        f.state = el("span", "pending-state");
        f.el.appendChild(f.state);
        f.retry = button(tx("inbox-js-retry", "Retry"), f.name, "retry", function () { upload(f); showPending(); reply.focus(); });
        f.el.appendChild(f.retry);
        f.el.appendChild(button(tx("team-remove", "Remove"), f.name, "remove", function () { remove(f); }));
      }
      f.el.querySelector(".pending-name").textContent = f.name;
      f.bar.value = f.upload_id ? 1 : f.progress || 0;
      f.bar.hidden = !!f.error;
      f.el.classList.toggle("failed", !!f.error);
      f.el.classList.toggle("ready", !!f.upload_id);
      f.state.textContent = f.error ? f.error : f.upload_id ? tx("inbox-js-ready", "Ready") : tx("inbox-js-uploading", "Uploading… {percent}%", { percent: Math.round((f.progress || 0) * 100) });
      if (f.error) f.state.setAttribute("role", "alert");
      else f.state.removeAttribute("role");
      f.retry.hidden = !f.error || !!f.final;
    });
    Array.prototype.slice.call(pendingList.children).forEach(function (li) {
      if (!pending.some(function (f) { return f.el === li; })) li.remove();
    });
    pending.forEach(function (f) { if (f.el.parentNode !== pendingList) pendingList.appendChild(f.el); });
    pendingList.hidden = !pending.length;
    // A reply may be files alone.
    if (reply) reply.required = !pending.length;
  }
  if (composer && attachButton && picker) {
    attachButton.hidden = false;
    var attachHint = d.getElementById("attach-hint");
    if (attachHint) attachHint.hidden = false;
    attachButton.addEventListener("click", function () { picker.click(); });
    picker.addEventListener("change", function () {
      addFiles(picker.files);
      picker.value = "";
      reply.focus();
    });
    // An image pasted into the reply box (a screenshot) is attached; pasted text stays text.
    reply.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data || data.getData("text/plain")) return;
      var files = Array.prototype.filter.call(data.items || [], function (item) { return item.kind === "file"; })
        .map(function (item) { return item.getAsFile(); })
        .filter(Boolean)
        .map(function (file) {
          if (file.name && file.name !== "image.png") return file;
          var stamp = new Date().toISOString().slice(0, 19).replace("T", " ").replace(/:/g, ".");
          var ext = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
          return new File([file], "Pasted image " + stamp + "." + ext, { type: file.type });
        });
      if (!files.length) return;
      event.preventDefault();
      addFiles(files);
    });
    // Files dragged onto the conversation are attached; dropped anywhere else on the page they
    // do nothing, rather than open in place of the inbox.
    var hasFiles = function (event) {
      return event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types || [], "Files") >= 0;
    };
    var depth = 0;
    pane.addEventListener("dragenter", function (event) {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth++;
      pane.classList.add("dropping");
    });
    pane.addEventListener("dragover", function (event) {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.stopPropagation();
      event.dataTransfer.dropEffect = "copy";
    });
    pane.addEventListener("dragleave", function (event) {
      if (!hasFiles(event)) return;
      if (--depth <= 0) { depth = 0; pane.classList.remove("dropping"); }
    });
    pane.addEventListener("drop", function (event) {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.stopPropagation();
      depth = 0;
      pane.classList.remove("dropping");
      addFiles(event.dataTransfer.files);
      reply.focus();
    });
    w.addEventListener("dragover", function (event) {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "none";
    });
    w.addEventListener("drop", function (event) { if (hasFiles(event)) event.preventDefault(); });
  }

  // ---- canned responses: "/" then the shortcut ------------------------------------------------
  var menu = d.getElementById("canned-menu"), choices = [], active = 0;
  function slashQuery() {
    var before = reply.value.slice(0, reply.selectionStart);
    var match = /(^|\s)\/([\w-]*)$/.exec(before);
    return match ? match[2].toLowerCase() : null;
  }
  function menuOpen() { return menu && !menu.hidden; }
  function updateMenu() {
    if (!menu) return;
    var q = slashQuery();
    choices = q === null ? [] : canned.filter(function (c) { return c.shortcut.indexOf(q) === 0 || c.body.toLowerCase().indexOf(q) >= 0; }).slice(0, 8);
    menu.textContent = "";
    if (q !== null && !choices.length) {
      menu.appendChild(el("p", "hint", canned.length ? tx("inbox-js-canned-no-match", "No canned response matches /{query}.", { query: q }) : tx("inbox-js-canned-none", "No canned responses yet: add them in Settings.")));
    }
    active = 0;
    choices.forEach(function (c, i) {
      var option = el("div", "canned-option");
      option.id = "canned-" + i;
      option.setAttribute("role", "option");
      option.appendChild(el("code", "", "/" + c.shortcut));
      option.appendChild(el("span", "", " " + c.body.slice(0, 80)));
      option.addEventListener("mousedown", function (event) { event.preventDefault(); insert(i); });
      menu.appendChild(option);
    });
    menu.hidden = q === null;
    highlight();
  }
  function highlight() {
    Array.prototype.forEach.call(menu.querySelectorAll("[role=option]"), function (option, i) {
      option.setAttribute("aria-selected", String(i === active));
    });
    if (choices.length) reply.setAttribute("aria-activedescendant", "canned-" + active);
    else reply.removeAttribute("aria-activedescendant");
  }
  // The placeholders the canned responses page lists, filled from the open conversation's
  // contact (the name the inbox shows when they gave none; no email is an empty string) and the
  // signed-in agent. Others stay as written.
  function fillPlaceholders(body) {
    var values = {
      "contact.name": visitorName || "",
      "contact.email": (pane && pane.getAttribute("data-contact-email")) || "",
      "agent.name": root.getAttribute("data-me-name") || ""
    };
    return body.replace(/\{\{\s*(contact\.name|contact\.email|agent\.name)\s*\}\}/g, function (_, key) { return values[key]; });
  }
  function insert(i) {
    var c = choices[i];
    if (!c) return;
    var caret = reply.selectionStart, before = reply.value.slice(0, caret), after = reply.value.slice(caret);
    // A function, so that "$&" and the like in a reply are inserted as written.
    before = before.replace(/\/[\w-]*$/, function () { return fillPlaceholders(c.body); });
    reply.value = before + after;
    reply.selectionStart = reply.selectionEnd = before.length;
    menu.hidden = true;
    reply.removeAttribute("aria-activedescendant");
  }
  function handleMenuKey(event) {
    if (event.key === "Escape") { menu.hidden = true; event.preventDefault(); return true; }
    if (!choices.length) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      active = (active + (event.key === "ArrowDown" ? 1 : choices.length - 1)) % choices.length;
      highlight();
      event.preventDefault();
      return true;
    }
    if (event.key === "Enter" || event.key === "Tab") { insert(active); event.preventDefault(); return true; }
    return false;
  }

  // ---- history: older pages on demand ---------------------------------------------------------
  if (messages) {
    messages.addEventListener("click", function (event) {
      var button = event.target.closest("[data-older]");
      if (!button) return;
      button.disabled = true;
      var item = button.closest("li"), height = messages.scrollHeight;
      fetch("/app/" + workspace + "/inbox/" + conversation + "/history?before=" + button.getAttribute("data-older"), { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var holder = d.createElement("ol");
          holder.innerHTML = html;
          while (holder.firstChild) messages.insertBefore(holder.firstChild, item);
          item.remove();
          messages.scrollTop += messages.scrollHeight - height;
        });
    });
    // Scrolling back to the top loads the page before.
    messages.addEventListener("scroll", function () {
      if (messages.scrollTop > 40) return;
      var older = messages.querySelector("[data-older]:not(:disabled)");
      if (older) older.click();
    });
    scrollDown();
  }

  // ---- labels ------------------------------------------------------------------------------------
  // The label control is a server-rendered fragment: after a change here, or a frame saying the
  // conversation changed elsewhere, it is fetched again and replaces the old one.
  function refreshLabels(focusAdd) {
    var control = d.getElementById("conv-labels");
    if (!control) return;
    var keep = control.querySelector("input[name=keep]");
    var url = control.getAttribute("data-labels-url") + (keep ? "?keep=" + encodeURIComponent(keep.value) : "");
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var current = d.getElementById("conv-labels");
        if (html === null || !current) return;
        var holder = el("div");
        holder.innerHTML = html.trim();
        var fresh = holder.firstElementChild;
        if (!fresh) return;
        var hadFocus = current.contains(d.activeElement);
        current.replaceWith(fresh);
        if (focusAdd || hadFocus) {
          var next = d.getElementById("label-add") || fresh.querySelector("button");
          if (next) next.focus();
        }
      });
  }
  d.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("label-form")) return;
    var select = form.querySelector("select[name=label_id]");
    event.preventDefault();
    if (select && !select.value) { select.focus(); return; }
    // The handler answers a form with a redirect to the page; here only its status matters.
    fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin", redirect: "manual" })
      .then(function (r) {
        if (r.type !== "opaqueredirect" && !r.ok) { form.submit(); return; }
        refreshLabels(true);
      }, function () { form.submit(); });
  });

  // ---- keyboard shortcuts -----------------------------------------------------------------------
  var help = d.getElementById("shortcuts");
  d.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "j" || event.key === "k") {
      var rows = Array.prototype.slice.call(list.querySelectorAll(".conv-row a"));
      var at = rows.findIndex(function (a) { return a.getAttribute("aria-current") === "true"; });
      var next = rows[event.key === "j" ? at + 1 : Math.max(at - 1, 0)];
      if (next) { event.preventDefault(); location.href = next.href; }
    } else if (event.key === "r" && reply) {
      event.preventDefault();
      reply.focus();
    } else if (event.key === "e") {
      var resolve = d.getElementById("resolve-form");
      if (resolve) { event.preventDefault(); resolve.requestSubmit(); }
    } else if (event.key === "l" && d.getElementById("label-add")) {
      event.preventDefault();
      d.getElementById("label-add").focus();
    } else if (event.key === "?" && help) {
      event.preventDefault();
      help.showModal();
    }
  });

  var myStatus = d.getElementById("my-status");
  if (myStatus) {
    myStatus.closest(".my-status").hidden = false;
    myStatus.addEventListener("change", function () { frame({ type: "presence", status: myStatus.value }); });
  }
  connect();
})();
