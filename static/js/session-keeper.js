// What is typed in a form of the page is not lost to the idle limit of the login
// (SESSION_IDLE_SECONDS, 30 minutes by default; one long phone call is enough):
// - while someone types, the session is kept alive by a light request at most every few minutes
//   (/accounts/session/, which pushes the idle clock); a browser nobody types in asks nothing and
//   times out, as the limit intends;
// - shortly before an idle session with unsaved input ends, a dialog says so, with
//   「ログインを続ける」 (WCAG 2.2.1: warned, and extended by one simple action);
// - a form is sent only after the session is known to be alive: once the login has ended the form
//   stays on the screen as it is, and the dialog tells how to log in again in another tab; back at
//   this tab, the page takes the new CSRF token, so the same form can then be sent.
// Without this script the server still says, on the login page, that what was sent was not saved
// (coordination.access.signed_out_response).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !window.HTMLDialogElement) return;
  var statusUrl = script.getAttribute("data-session-url");
  var loginUrl = script.getAttribute("data-login-url");
  var userId = script.getAttribute("data-user");
  // At most one keep-alive request per 4 minutes of typing, a warning 2 minutes before the end
  // (less for a short idle limit); both known from the first answer, asked at the first keystroke.
  var pingEvery = 0;
  var warnBefore = 0;
  var idleMs = null;
  var refreshMs = 60 * 1000;
  var lastContact = Date.now(); // the page's own request pushed the idle clock
  var lastPing = 0;
  var signedOut = false;
  var pending = null;
  var dirty = new Set(); // forms with unsaved input
  var checked = new WeakSet(); // forms whose next submit is the one let through
  var dialog = null;
  var said = { warn: 0, late: 0 };

  // The attribute, not form.method: the consultation form has a field named "method" (受付方法),
  // which the form's property would give instead.
  function watched(form) {
    return !!form && (form.getAttribute("method") || "").toLowerCase() === "post" && !!form.closest("main");
  }

  function hasUnsavedInput() {
    dirty.forEach(function (form) { if (!form.isConnected) dirty.delete(form); });
    return dirty.size > 0;
  }

  // Asks the server; answers "alive", "out" (signed out), "other" (another user signed in since)
  // or "unknown" (no answer: the server decides when the form arrives).
  function ask() {
    if (pending) return pending;
    lastPing = Date.now();
    pending = fetch(statusUrl, {
      credentials: "same-origin",
      redirect: "manual", // the absolute lifetime answers a redirect to the login page
      cache: "no-store",
      headers: { Accept: "application/json" }
    })
      .then(function (r) {
        if (r.type === "opaqueredirect" || !r.ok) return { signed_in: false };
        return r.json();
      })
      .then(function (s) {
        pending = null;
        if (s.signed_in && String(s.user) === userId) {
          alive(s);
          return "alive";
        }
        var result = s.signed_in ? "other" : "out";
        ended(result);
        return result;
      }, function () {
        pending = null;
        return "unknown";
      });
    return pending;
  }

  function alive(s) {
    lastContact = Date.now();
    idleMs = s.idle_seconds * 1000;
    refreshMs = (s.refresh_seconds || 60) * 1000;
    pingEvery = Math.min(4 * 60 * 1000, idleMs / 3);
    warnBefore = Math.min(2 * 60 * 1000, idleMs / 4);
    if (timer === null) watch();
    document.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (input) {
      input.value = s.csrf_token;
    });
    if (signedOut) {
      signedOut = false;
      document.querySelectorAll("[data-signed-out]").forEach(function (note) { note.remove(); });
      show("back");
    } else if (dialog && dialog.open && dialog.getAttribute("data-state") !== "back") {
      dialog.close();
    }
  }

  function ended(result) {
    signedOut = true;
    show(result);
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }

  function minutesLeft() {
    var left = lastContact + idleMs - refreshMs - Date.now();
    return Math.max(1, Math.round(left / 60000));
  }

  var TEXTS = {
    warn: function () {
      return ["まもなくログインの有効期限が切れます", [
        "しばらく操作がないため、あと約" + minutesLeft() + "分でログインの有効期限が切れます。入力中の内容はまだ保存されていません。",
        "続ける場合は「ログインを続ける」を押してください。"
      ]];
    },
    late: function () {
      return ["ログインの有効期限が切れた可能性があります", [
        "操作がないまま時間が過ぎました。入力した内容はまだ保存されていませんが、この画面に残っています。",
        "「ログインを続ける」を押すと、ログインが続いているかを確かめます。"
      ]];
    },
    out: function () {
      return ["ログインの有効期限が切れました", [
        "入力した内容はまだ保存されていませんが、この画面に残っています。この画面を閉じたり再読み込みしたりしないでください。",
        "「ログイン画面を開く」で新しいタブにログイン画面を開いてログインし直し、この画面に戻ってから保存してください。"
      ]];
    },
    other: function () {
      return ["別のユーザーでログインしています", [
        "この画面を開いたときとは別のユーザーでログインしているため、保存しません。入力した内容はこの画面に残っています。",
        "この画面を開いたユーザーでログインし直してから、この画面に戻って保存してください。"
      ]];
    },
    back: function () {
      return ["ログインし直しました", [
        "入力した内容はそのまま残っています。保存するには、もう一度保存のボタンを押してください。"
      ]];
    }
  };

  function show(state) {
    if (!dialog) {
      dialog = el("dialog", "", { "data-session-dialog": "", "aria-labelledby": "session-dialog-title" });
      document.body.appendChild(dialog);
    }
    var text = TEXTS[state]();
    dialog.setAttribute("data-state", state);
    dialog.replaceChildren(el("h2", text[0], { id: "session-dialog-title" }));
    text[1].forEach(function (line) { dialog.appendChild(el("p", line)); });
    var actions = el("div", "", { class: "form-actions" });
    var first;
    if (state === "warn" || state === "late") {
      first = el("button", "ログインを続ける", { type: "button", class: "button button--primary" });
      first.addEventListener("click", function () { ask(); });
      actions.appendChild(first);
    } else if (state === "out" || state === "other") {
      var here = window.location.pathname + window.location.search;
      first = el("a", "ログイン画面を開く（新しいタブ）", {
        href: loginUrl + "?next=" + encodeURIComponent(here),
        target: "_blank",
        rel: "noopener",
        class: "button button--primary"
      });
      actions.appendChild(first);
    }
    var close = el("button", "閉じる", { type: "button", class: "button" });
    close.addEventListener("click", function () { dialog.close(); });
    actions.appendChild(close);
    dialog.appendChild(actions);
    if (!dialog.open) dialog.showModal();
    (first || close).focus();
  }

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (!watched(form)) return;
    dirty.add(form);
    if (Date.now() - lastPing >= pingEvery) ask();
  });

  // Capture, on the document: seen before htmx's own listener on the form, which then sees only
  // the submit let through.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!watched(form)) return;
    if (checked.has(form)) {
      checked.delete(form);
      dirty.delete(form);
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (form.hasAttribute("data-session-waiting")) return; // pressed twice
    var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
    form.setAttribute("data-session-waiting", "");
    ask().then(function (result) {
      form.removeAttribute("data-session-waiting");
      if (result !== "alive" && result !== "unknown") return;
      checked.add(form);
      if (form.requestSubmit) {
        if (submitter) form.requestSubmit(submitter); else form.requestSubmit();
      } else {
        form.submit();
      }
    });
  }, true);

  // An htmx answer is a request too: the idle clock moved. The server's own message of a login
  // that ended (data-signed-out) is said once, and the page waits for the login to come back.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) lastContact = Date.now();
  });
  document.addEventListener("htmx:afterSwap", function () {
    var notes = document.querySelectorAll("[data-signed-out]");
    if (!notes.length) return;
    for (var i = 0; i < notes.length - 1; i++) notes[i].remove();
    if (!signedOut) ended("out");
  });

  function cameBack() {
    if (signedOut && document.visibilityState === "visible") ask();
  }
  window.addEventListener("focus", cameBack);
  document.addEventListener("visibilitychange", cameBack);

  var timer = null;
  function watch() {
    // Every 10 s (a short idle limit: more often); nothing to watch before the first answer.
    window.clearTimeout(timer);
    if (idleMs === null) return;
    timer = window.setTimeout(watch, Math.min(10 * 1000, idleMs / 8));
    if (signedOut || idleMs === null || !hasUnsavedInput()) return;
    var deadline = lastContact + idleMs - refreshMs; // the session ends at most this much later
    var now = Date.now();
    // Each said once for the same last contact (closed with Esc, it does not come back).
    if (now >= deadline && said.late !== lastContact) {
      said.late = lastContact;
      show("late");
    } else if (now < deadline && now >= deadline - warnBefore && said.warn !== lastContact) {
      said.warn = lastContact;
      show("warn");
    }
  }
})();
