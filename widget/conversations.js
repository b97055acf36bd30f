/* Parlor chat window, the visitor's conversations: loaded by frame.js the first time the list,
 * "Email me this conversation" or the rating of a resolved conversation is needed. Lists the
 * conversations (GET /api/widget/v1/conversations, the visitor token as a bearer), asks for
 * transcripts (POST .../{id}/transcript), and asks "How was this conversation?" under a
 * resolved one (the rate frame of docs/protocol.md); frame.js opens the one chosen. */
parlorMore(function (ui) {
  "use strict";
  var el = ui.el, t = ui.t, notice = ui.notice, askMail = ui.askMail, mailButton = ui.mailButton;
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
    return at.toDateString() == new Date().toDateString() ? ui.time(iso) : at.toLocaleDateString(ui.lang, { month: "short", day: "numeric" });
  }

  function list() {
    var items = $(".conversations"), note = $(".list-note");
    note.textContent = t("loading");
    api("").then(function (r) {
      if (!r.ok) { note.textContent = (r.body.error && r.body.error.message) || t("list-error"); return; }
      items.textContent = "";
      note.textContent = r.body.conversations.length ? "" : t("list-empty");
      r.body.conversations.forEach(function (c) {
        var item = items.appendChild(el("li")).appendChild(el("button", "conv" + (c.unread ? " unread" : "")));
        item.type = "button";
        var top = item.appendChild(el("span", "conv-top"));
        var text = c.preview || (c.preview_files ? (c.preview_files > 1 ? t("files", { n: c.preview_files }) : t("file1")) : t("new"));
        if (c.preview_author == "visitor") text = t("you", { text: text });
        top.appendChild(el("span", "conv-text", text));
        top.appendChild(el("span", "conv-time", when(c.last_message_at))).id = "t-" + c.id;
        // Named by its last message, what is new and where it stands; described by its time.
        var label = [text];
        if (c.unread) label.push(t("unread", { n: c.unread }));
        if (c.status == "resolved") label.push(t("resolved"));
        item.setAttribute("aria-label", label.join(t("sep")));
        item.setAttribute("aria-describedby", "t-" + c.id);
        var meta = item.appendChild(el("span", "conv-meta"));
        meta.appendChild(el("span", "conv-status", c.status == "resolved" ? t("resolved") : t("open")));
        if (c.unread) meta.appendChild(el("span", "badge", t("unread", { n: c.unread })));
        ui.known(c);
        item.addEventListener("click", function () { ui.open(c.id); });
      });
    }, function () { note.textContent = t("offline"); });
  }

  // "Email me this conversation": one email per click; the server limits how many an hour.
  function emailTranscript(address) {
    var session = ui.session();
    mailButton.disabled = true;
    notice.textContent = t("st-sending");
    var body = { request_id: ui.uuid() };
    if (address) body.email = address;
    api("/" + ui.conversation() + "/transcript", { method: "POST", body: JSON.stringify(body) }).then(function (r) {
      mailButton.disabled = false;
      if (r.ok) {
        session.visitor.email = session.visitor.email || r.body.email;
        askMail.hidden = true;
        notice.textContent = t("mail-sent", { email: r.body.email });
      } else if (r.status == 400 && !address && !session.visitor.email) {
        notice.textContent = "";
        askMail.hidden = false;
        askMail.email.focus();
      } else notice.textContent = (r.body.error && r.body.error.message) || t("mail-failed");
    }, function () {
      mailButton.disabled = false;
      notice.textContent = t("offline");
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

  // ---- "How was this conversation?": under a resolved one, while the team asks -------------
  // c: what the window knows of the conversation (status, csat, rating, and here: asked, the
  // score just sent; commenting, the comment box is open; changing, the visitor changes it).
  var box = null, faces = ["\ud83d\ude1e", "\ud83d\ude41", "\ud83d\ude10", "\ud83d\ude42", "\ud83d\ude0d"];
  function rating(c) {
    if (!c || (!c.csat && !c.rating)) {
      if (box) box.remove();
      box = null;
      return;
    }
    box = box || el("div", "rate");
    box.textContent = "";
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", "rate-title");
    ui.log.appendChild(box);
    var given = c.rating;
    if (given && !c.changing) {
      box.appendChild(el("p", "rate-title", t("thanks"))).id = "rate-title";
      var said = box.appendChild(el("p", "rate-given", t("rated", { n: given.score })));
      // The visitor's own words, set apart as a quotation in their language's marks.
      if (given.comment) said.appendChild(d.createTextNode(" ")).after(el("q", "", given.comment));
      if (c.csat && c.commenting) comment(c, given);
      else if (c.csat) button(t("change"), function () { c.changing = true; rating(c); });
    } else if (c.csat) {
      // The workspace's question in the visitor's language, else Parlor's.
      box.appendChild(el("p", "rate-title", d.body.getAttribute("data-csat") || t("csat"))).id = "rate-title";
      var row = box.appendChild(el("div", "rate-scores"));
      faces.forEach(function (face, i) {
        var b = row.appendChild(el("button", "rate-score", face));
        b.type = "button";
        b.setAttribute("aria-label", t("rate", { n: i + 1 }));
        b.setAttribute("aria-pressed", String(!!given && given.score == i + 1));
        b.addEventListener("click", function () {
          c.changing = false;
          c.commenting = true;
          send(c, i + 1, given && given.comment);
        });
      });
    }
    box.appendChild(el("p", "rate-note")).setAttribute("role", "status");
    ui.scroll();
  }
  function button(text, then) {
    var b = box.appendChild(el("button", "rate-change", text));
    b.type = "button";
    b.addEventListener("click", then);
    return b;
  }
  function comment(c, given) {
    var form = box.appendChild(el("form", "rate-comment"));
    form.appendChild(el("label", "", t("comment"))).htmlFor = "rate-text";
    var text = form.appendChild(el("textarea"));
    text.id = "rate-text";
    text.maxLength = 1000;
    text.rows = 2;
    text.value = given.comment || "";
    form.appendChild(el("button", "rate-send", t("send-comment"))).type = "submit";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      c.commenting = false;
      send(c, given.score, text.value.trim());
    });
  }
  function send(c, score, text) {
    var frame = { type: "rate", conversation_id: c.id, score: score };
    if (text) frame.comment = text;
    if (!ui.frame(frame)) box.lastChild.textContent = t("offline");
  }

  return {
    rating: rating,
    ratingError: function (error) {
      if (box && error.conversation_id == ui.conversation()) box.lastChild.textContent = error.message;
    },
    list: list,
    mail: function () {
      if (ui.session().visitor.email) return emailTranscript();
      askMail.hidden = false;
      askMail.email.focus();
    }
  };
});
