/* Parlor chat window, the visitor's conversations: loaded by frame.js the first time the list
 * or "Email me this conversation" is asked for. Lists the conversations
 * (GET /api/widget/v1/conversations, the visitor token as a bearer) and asks for transcripts
 * (POST .../{id}/transcript); frame.js opens the one chosen. */
parlorMore(function (ui) {
  "use strict";
  var el = ui.el, notice = ui.notice, askMail = ui.askMail, mailButton = ui.mailButton;
  var d = document, $ = function (selector) { return d.querySelector(selector); };

  function api(path, options) {
    options = options || {};
    options.headers = { authorization: "Bearer " + ui.session().visitor_token, "content-type": "application/json" };
    return fetch("/api/widget/v1/conversations" + path, options).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; }, function () { return { ok: r.ok, body: {} }; });
    });
  }
  function when(iso) {
    var at = new Date(iso);
    return at.toDateString() == new Date().toDateString() ? ui.time(iso) : at.toLocaleDateString([], { month: "short", day: "numeric" });
  }

  function list() {
    var items = $(".conversations"), note = $(".list-note");
    note.textContent = "Loading…";
    api("").then(function (r) {
      if (!r.ok) { note.textContent = (r.body.error && r.body.error.message) || "Your conversations could not be loaded. Try again."; return; }
      items.textContent = "";
      note.textContent = r.body.conversations.length ? "" : "No conversations yet. Start one with New conversation.";
      r.body.conversations.forEach(function (c) {
        var item = items.appendChild(el("li")).appendChild(el("button", "conv" + (c.unread ? " unread" : "")));
        item.type = "button";
        var top = item.appendChild(el("span", "conv-top"));
        var text = c.preview || (c.preview_files ? c.preview_files + (c.preview_files > 1 ? " files" : " file") : "New conversation");
        text = (c.preview_author == "visitor" ? "You: " : "") + text;
        top.appendChild(el("span", "conv-text", text));
        top.appendChild(el("span", "conv-time", when(c.last_message_at))).id = "t-" + c.id;
        // Named by its last message, what is new and where it stands; described by its time.
        item.setAttribute("aria-label", text + (c.unread ? ", " + c.unread + " unread" : "") + (c.status == "resolved" ? ", resolved" : ""));
        item.setAttribute("aria-describedby", "t-" + c.id);
        var meta = item.appendChild(el("span", "conv-meta"));
        meta.appendChild(el("span", "conv-status", c.status == "resolved" ? "Resolved" : "Open"));
        if (c.unread) meta.appendChild(el("span", "badge", c.unread + " unread"));
        item.addEventListener("click", function () { ui.open(c.id); });
      });
    }, function () { note.textContent = "You seem to be offline. Try again in a moment."; });
  }

  // "Email me this conversation": one email per click; the server limits how many an hour.
  function emailTranscript(address) {
    var session = ui.session();
    mailButton.disabled = true;
    notice.textContent = "Sending…";
    var body = { request_id: ui.uuid() };
    if (address) body.email = address;
    api("/" + ui.conversation() + "/transcript", { method: "POST", body: JSON.stringify(body) }).then(function (r) {
      mailButton.disabled = false;
      if (r.ok) {
        session.visitor.email = session.visitor.email || r.body.email;
        askMail.hidden = true;
        notice.textContent = "We sent this conversation to " + r.body.email + ".";
      } else if (r.status == 400 && !address && !session.visitor.email) {
        notice.textContent = "";
        askMail.hidden = false;
        askMail.email.focus();
      } else notice.textContent = (r.body.error && r.body.error.message) || "It could not be sent. Try again.";
    }, function () {
      mailButton.disabled = false;
      notice.textContent = "You seem to be offline. Try again in a moment.";
    });
  }
  askMail.addEventListener("submit", function (event) {
    event.preventDefault();
    emailTranscript(askMail.email.value.trim());
  });
  $(".transcript-cancel").addEventListener("click", function () {
    askMail.hidden = true;
    ui.input.focus();
  });

  return {
    list: list,
    mail: function () {
      if (ui.session().visitor.email) return emailTranscript();
      askMail.hidden = false;
      askMail.email.focus();
    }
  };
});
