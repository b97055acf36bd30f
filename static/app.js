// Small progressive enhancements for the dashboard; every page works without them.
(function () {
  "use strict";

  // "Copy" buttons: data-copy names the element whose text to copy.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.value !== undefined ? source.value : source.textContent;
    var status = button.parentElement.querySelector(".copy-status");
    // The page gives the words in its reader's language on the status element.
    function said(name, english) { return (status && status.getAttribute(name)) || english; }
    function done(message) {
      if (status) status.textContent = message;
      setTimeout(function () { if (status) status.textContent = ""; }, 4000);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(said("data-copied", "Copied to the clipboard.")); }, fallback);
    } else {
      fallback();
    }
    function fallback() {
      source.focus();
      source.select();
      try {
        done(document.execCommand("copy") ? said("data-copied", "Copied to the clipboard.") : said("data-copy-by-hand", "Press Ctrl+C (⌘C on a Mac) to copy."));
      } catch (e) {
        done(said("data-copy-by-hand", "Press Ctrl+C (⌘C on a Mac) to copy."));
      }
    }
  });

  // Menus (<details>) close on Escape and when clicking elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  // Forms that undo something ask first (data-confirm holds the question).
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // The widget page: the preview follows the form as the admin types.
  var widgetForm = document.getElementById("widget-form");
  var preview = document.querySelector(".preview-frame");
  if (widgetForm && preview) {
    var stage = document.querySelector(".preview-stage");
    var launcher = document.querySelector(".preview-launcher");
    // The texts of the language being edited; an empty one shows the default language's (its
    // placeholder), as visitors would see it.
    var textsForm = document.getElementById("texts-form");
    function text(name) {
      var field = textsForm && textsForm.elements[name];
      return field ? field.value.trim() || field.placeholder : "";
    }
    // WCAG relative luminance; the text color is whichever of white and near-black contrasts more.
    function luminance(hex) {
      var c = [1, 3, 5].map(function (i) {
        var v = parseInt(hex.substr(i, 2), 16) / 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
      });
      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }
    function textOn(hex) {
      var l = luminance(hex);
      return (1.05 / (l + 0.05)) >= ((l + 0.05) / (luminance("#000000") + 0.05)) ? "#ffffff" : "#000000";
    }
    function update() {
      var data = new FormData(widgetForm);
      var color = /^#[0-9a-f]{6}$/i.test(data.get("color")) ? data.get("color") : "#2563eb";
      var settings = {
        color: color, color_text: textOn(color), greeting: text("greeting"), reply_time: data.get("reply_time"),
        require_email: data.get("require_email") !== null, sound: data.get("sound") !== null
      };
      preview.contentWindow.postMessage({ parlor: "preview", settings: settings }, window.location.origin);
      launcher.style.background = color;
      launcher.style.color = settings.color_text;
      launcher.querySelector(".preview-launcher-text").textContent = text("launcher_text");
      stage.setAttribute("data-position", data.get("position") === "left" ? "left" : "right");
    }
    widgetForm.addEventListener("input", update);
    widgetForm.addEventListener("change", update);
    if (textsForm) textsForm.addEventListener("input", update);
    window.addEventListener("message", function (event) {
      if (event.source === preview.contentWindow && event.data && event.data.parlor === "ready") update();
    });
    update();
  }

  // Selects that apply at once; their "Show" buttons are for browsers without JavaScript.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });
  document.querySelectorAll("[data-without-js]").forEach(function (node) { node.hidden = true; });
  // Times typed into forms are in the person's own time zone.
  document.querySelectorAll("[data-timezone-offset]").forEach(function (input) {
    input.value = String(-new Date().getTimezoneOffset());
  });

  // Times show in the zone chosen on the account page; without a choice (or without this
  // script) they stay as the server wrote them.
  var zoneHolder = document.querySelector("[data-time-zone]");
  var timeFormat = null;
  if (zoneHolder && window.Intl) {
    try {
      timeFormat = new Intl.DateTimeFormat([], {
        month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
        timeZone: zoneHolder.getAttribute("data-time-zone"), timeZoneName: "short"
      });
    } catch (unknownZone) {
      timeFormat = null;
    }
  }
  function showTimesInZone(root) {
    var nodes = root.matches("time[datetime]") ? [root] : root.querySelectorAll("time[datetime]");
    Array.prototype.forEach.call(nodes, function (node) {
      var at = new Date(node.getAttribute("datetime"));
      if (!isNaN(at.getTime())) node.textContent = timeFormat.format(at);
    });
  }
  if (timeFormat) {
    showTimesInZone(document.body);
    // Messages and rows that arrive live are shown in the zone too.
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        record.addedNodes.forEach(function (node) { if (node.nodeType === 1) showTimesInZone(node); });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  // The notifications page: this browser's permission for desktop notifications, and a button
  // to ask for it while it has not been answered.
  var permission = document.getElementById("desktop-permission");
  var permissionStatus = document.getElementById("desktop-permission-status");
  function showPermission() {
    if (!permissionStatus) return;
    var state = window.Notification ? Notification.permission : "unsupported";
    permission.hidden = state !== "default";
    permissionStatus.textContent = permissionStatus.getAttribute("data-" + state) || {
      granted: "This browser shows desktop notifications.",
      denied: "This browser blocks desktop notifications from Parlor: allow them in its site settings.",
      unsupported: "This browser cannot show desktop notifications; sounds still play."
    }[state] || "";
  }
  if (permission) {
    showPermission();
    permission.addEventListener("click", function () {
      Notification.requestPermission().then(showPermission, showPermission);
    });
  }

  // The avatar form: the chosen picture with a circle to drag (or move with the arrow keys, and
  // size with the slider); the square under it goes with the form, in pixels of the picture.
  // Without this script Parlor keeps the centred square.
  var avatarForm = document.querySelector("[data-avatar-form]");
  if (avatarForm && window.FileReader) {
    var fileInput = avatarForm.querySelector("input[type=file]");
    var cropper = avatarForm.querySelector("[data-cropper]");
    var picture = cropper.querySelector(".crop-picture");
    var square = cropper.querySelector(".crop-square");
    var sizeInput = cropper.querySelector("input[type=range]");
    var fields = avatarForm.elements;
    var crop = null, drag = null, fileError = null;
    var showFileError = function (text) {
      if (!fileError) {
        fileError = document.createElement("p");
        fileError.className = "field-error";
        fileError.setAttribute("role", "alert");
        fileInput.parentElement.appendChild(fileError);
      }
      fileError.textContent = text;
      fileError.hidden = !text;
      if (text) fileInput.setAttribute("aria-invalid", "true"); else fileInput.removeAttribute("aria-invalid");
    };
    var setFields = function (x, y, side) {
      fields.crop_x.value = x;
      fields.crop_y.value = y;
      fields.crop_size.value = side;
    };
    // Keeps the square inside the picture, draws it, and fills the form's fields (whole
    // pixels, rounded down, so that the square never passes the picture's edge).
    var place = function () {
      var width = picture.naturalWidth, height = picture.naturalHeight, scale = picture.clientWidth / width;
      crop.side = Math.max(1, Math.min(crop.side, width, height));
      crop.x = Math.min(Math.max(0, crop.x), width - crop.side);
      crop.y = Math.min(Math.max(0, crop.y), height - crop.side);
      square.style.left = crop.x * scale + "px";
      square.style.top = crop.y * scale + "px";
      square.style.width = square.style.height = crop.side * scale + "px";
      setFields(Math.floor(crop.x), Math.floor(crop.y), Math.floor(crop.side));
    };
    var reset = function () {
      crop = null;
      cropper.hidden = true;
      setFields("", "", "");
    };
    fileInput.addEventListener("change", function () {
      reset();
      showFileError("");
      var file = fileInput.files[0];
      if (!file) return;
      if (file.size > +avatarForm.getAttribute("data-max-bytes")) {
        showFileError(avatarForm.getAttribute("data-too-large") || "This picture is larger than " + avatarForm.getAttribute("data-max-label") + ". Choose a smaller one.");
        fileInput.value = "";
        return;
      }
      var reader = new FileReader();
      reader.onload = function () { picture.src = reader.result; };
      reader.readAsDataURL(file);
    });
    picture.addEventListener("load", function () {
      var side = Math.min(picture.naturalWidth, picture.naturalHeight);
      crop = { x: (picture.naturalWidth - side) / 2, y: (picture.naturalHeight - side) / 2, side: side };
      sizeInput.value = 100;
      cropper.hidden = false;
      place();
    });
    // A file the browser cannot show goes as it is: Parlor's answer says what is wrong with it.
    picture.addEventListener("error", reset);
    sizeInput.addEventListener("input", function () {
      if (!crop) return;
      var side = Math.min(picture.naturalWidth, picture.naturalHeight) * sizeInput.value / 100;
      crop.x += (crop.side - side) / 2;
      crop.y += (crop.side - side) / 2;
      crop.side = side;
      place();
    });
    square.addEventListener("pointerdown", function (event) {
      drag = { x: event.clientX, y: event.clientY, fromX: crop.x, fromY: crop.y };
      square.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    square.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var scale = picture.clientWidth / picture.naturalWidth;
      crop.x = drag.fromX + (event.clientX - drag.x) / scale;
      crop.y = drag.fromY + (event.clientY - drag.y) / scale;
      place();
    });
    square.addEventListener("pointerup", function () { drag = null; });
    square.addEventListener("pointercancel", function () { drag = null; });
    square.addEventListener("keydown", function (event) {
      var move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
      if (!move || !crop) return;
      event.preventDefault();
      var step = Math.max(1, Math.min(picture.naturalWidth, picture.naturalHeight) * (event.shiftKey ? 0.1 : 0.02));
      crop.x += move[0] * step;
      crop.y += move[1] * step;
      place();
    });
    window.addEventListener("resize", function () { if (crop) place(); });
  }

  // A submitted form shows that it is working and cannot be sent twice.
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button[type=submit]");
    if (button) {
      button.setAttribute("aria-busy", "true");
      setTimeout(function () { button.disabled = true; }, 0);
    }
  });
})();
