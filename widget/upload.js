/* Parlor chat window, sending files: loaded by frame.js the first time a visitor attaches one.
 * Each file uploads at once (POST /api/widget/v1/uploads, the visitor token as a bearer) and
 * shows its progress; a failed one says why and can be tried again. Sending takes the finished
 * uploads' ids into the message's `attachments`. */
parlorUploads(function (api) {
  "use strict";
  var el = api.el, t = api.t, list = api.list, note = api.note;
  var items = []; // in the order attached: {file, node, xhr, reply, error}
  var MAX_FILES = 10;
  var percent = new Intl.NumberFormat(document.documentElement.lang, { style: "percent" });

  function say(text) { note.textContent = text; }

  function render(item) {
    var node = item.node, state = item.reply ? "done" : item.error ? "failed" : "uploading";
    node.setAttribute("data-state", state);
    // The status is a live region: it changes three times at most, never with every percent.
    var status = state == "done" ? t("up-ready") : state == "failed" ? item.error : t("up-busy");
    var line = node.querySelector(".up-status");
    if (line.textContent != status) line.textContent = status;
    node.querySelector(".up-pct").textContent = state == "uploading" ? percent.format(item.progress) : "";
    var bar = node.querySelector("progress");
    bar.value = item.progress;
    bar.hidden = state != "uploading";
    node.querySelector(".retry").hidden = state != "failed" || item.final;
  }

  function start(item) {
    item.error = null;
    item.final = false;
    item.progress = 0;
    render(item);
    if (api.max && item.file.size > api.max) return fail(item, t("up-large", { size: api.size(api.max) }), true);
    var xhr = (item.xhr = new XMLHttpRequest()), form = new FormData();
    form.append("file", item.file, item.file.name || "file");
    xhr.open("POST", "/api/widget/v1/uploads");
    xhr.setRequestHeader("Authorization", "Bearer " + api.token());
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        item.progress = event.loaded / event.total;
        render(item);
      }
    };
    xhr.onload = function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) {}
      if (xhr.status == 201 && answer) {
        item.reply = answer;
        item.progress = 1;
        return render(item);
      }
      // The visitor is told what they can do; the workspace's own limits are its team's business.
      if (xhr.status == 402) return fail(item, t("up-full"));
      if (xhr.status == 429) return fail(item, t("up-quick"));
      // Too large or empty: sending it again cannot help, so there is no Retry.
      fail(item, (answer && answer.error && answer.error.message) || t("up-failed"), xhr.status == 413 || xhr.status == 400);
    };
    xhr.onerror = function () { fail(item, t("up-offline")); };
    xhr.send(form);
  }

  function fail(item, why, final) {
    item.xhr = null;
    item.error = why;
    item.final = final;
    render(item);
  }

  function remove(item) {
    if (item.xhr) item.xhr.abort();
    var at = items.indexOf(item);
    items.splice(at, 1);
    list.removeChild(item.node);
    shown();
    // Focus goes to the next file's remove button, or back to the message.
    var next = items[Math.min(at, items.length - 1)];
    (next ? next.node.querySelector(".remove") : api.input).focus();
  }

  function shown() {
    list.hidden = !items.length;
    if (!items.length) say("");
  }

  function add(files) {
    say("");
    files.forEach(function (file) {
      if (items.length >= MAX_FILES) return say(t("up-max", { n: MAX_FILES }));
      var item = { file: file, progress: 0 };
      var node = (item.node = el("li", "upload"));
      var text = node.appendChild(el("div", "up-text"));
      text.appendChild(el("span", "up-name", file.name || t("file")));
      text.appendChild(el("span", "up-size", api.size(file.size)));
      var bar = node.appendChild(el("progress"));
      bar.max = 1;
      bar.setAttribute("aria-label", t("up-name", { name: file.name }));
      text.appendChild(el("span", "up-pct")).setAttribute("aria-hidden", "true");
      node.appendChild(el("p", "up-status")).setAttribute("role", "status");
      var retry = node.appendChild(el("button", "retry", t("retry")));
      retry.type = "button";
      retry.setAttribute("aria-label", t("retry-name", { name: file.name }));
      retry.addEventListener("click", function () { start(item); });
      var gone = node.appendChild(el("button", "remove", "×"));
      gone.type = "button";
      gone.setAttribute("aria-label", t("remove", { name: file.name }));
      gone.addEventListener("click", function () { remove(item); });
      items.push(item);
      list.appendChild(node);
      shown();
      start(item);
    });
  }

  return {
    add: add,
    // What to send with the message: null when no file is attached, the finished uploads (and
    // the list is emptied), or false while some are uploading or failed, saying so.
    take: function () {
      if (!items.length) return null;
      var busy = items.some(function (i) { return !i.reply && !i.error; });
      var failed = items.some(function (i) { return i.error; });
      if (busy || failed) {
        say(busy ? t("up-wait") : t("up-fix"));
        return false;
      }
      var replies = items.map(function (i) { return i.reply; });
      items = [];
      list.textContent = "";
      shown();
      return replies;
    }
  };
});
