// planmark serve: live updates, dragging cards, forms that answer in place.
// The pages read without this script; it only adds to them.
"use strict";
(function () {
  const token = document.querySelector('meta[name="planmark-token"]').content;
  const live = document.getElementById("live");
  const notice = document.getElementById("notice");
  let version = Number(document.getElementById("main").dataset.version);
  let stamp = document.getElementById("main").dataset.stamp;
  let loading = null;

  function say(text) {
    if (!text) {
      notice.hidden = true;
      notice.textContent = "";
      return;
    }
    notice.textContent = text;
    notice.hidden = false;
  }

  // What on the page the user is in the middle of: a field being typed
  // in, or a form changed and not sent. A live update waits for it.
  function busy() {
    const a = document.activeElement;
    if (a && a.matches("input, textarea, select") && a.closest("#main")) return true;
    return [...document.querySelectorAll("#main input, #main textarea")].some(
      (i) => i.type !== "hidden" && i.value !== i.defaultValue
    );
  }

  // Replaces the page's main part with the server's current one, keeping
  // the scroll position, the focus (and an open card menu) and open
  // sections.
  async function reload() {
    if (loading) return loading;
    loading = (async () => {
      const res = await fetch(location.href, { headers: { "X-Planmark-Live": "1" } });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const fresh = doc.getElementById("main");
      const main = document.getElementById("main");
      if (!fresh) return;
      const x = window.scrollX, y = window.scrollY;
      const active = document.activeElement;
      const card = active && active.closest(".card");
      const key = card ? card.dataset.plan + "#" + card.dataset.id : null;
      const focusables = (c) => [...c.querySelectorAll("a, summary, button, select, input:not([type=hidden])")];
      const at = card ? focusables(card).indexOf(active) : -1;
      const menuOpen = card ? !!card.querySelector("details[open]") : false;
      const open = [...main.querySelectorAll("details[open]:not(.menu)")].map((d) => d.className);
      main.replaceWith(fresh);
      version = Number(fresh.dataset.version);
      stamp = fresh.dataset.stamp;
      for (const c of open) {
        const d = fresh.querySelector("details." + c);
        if (d) d.open = true;
      }
      if (key) {
        const again = [...fresh.querySelectorAll(".card")].find(
          (c) => c.dataset.plan + "#" + c.dataset.id === key
        );
        if (again) {
          const menu = again.querySelector("details.menu");
          if (menu && menuOpen) menu.open = true;
          const target = at >= 0 ? focusables(again)[at] : again;
          (target || again).focus({ preventScroll: true });
        }
      }
      window.scrollTo(x, y);
      wire(fresh);
      live.textContent = "updated " + new Date().toLocaleTimeString();
    })();
    try {
      await loading;
    } finally {
      loading = null;
    }
  }

  // A live update for this page: now, or once the user is done typing.
  let pending = false;
  function update() {
    if (busy()) {
      pending = true;
      live.textContent = "changed on disk; updates when you leave the form";
      return;
    }
    pending = false;
    reload();
  }
  document.addEventListener("focusout", () => {
    setTimeout(() => {
      if (pending && !busy()) update();
    }, 0);
  });

  // Posts a change; answers with the JSON reply, and says what went wrong.
  async function change(url, body) {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Planmark-Token": token },
      body: JSON.stringify(body),
    });
    let reply = {};
    try {
      reply = await res.json();
    } catch (e) {
      reply = { error: "the server answered " + res.status };
    }
    if (!res.ok) {
      say(reply.error || "not changed");
      await reload();
      return null;
    }
    say("");
    if (reply.version > version) await reload();
    return reply;
  }

  // The form's fields and the button that sent it; the server reads the
  // task named in the form's address too.
  function fields(form, submitter) {
    const body = {};
    for (const [k, v] of new FormData(form, submitter || null)) body[k] = v;
    return body;
  }

  function move(card, to) {
    return change("/api/status", {
      plan: card.dataset.plan,
      id: card.dataset.id,
      base: card.dataset.base,
      to: to,
    });
  }

  function wire(root) {
    for (const form of root.querySelectorAll("form[method=post]")) {
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        change(form.action, fields(form, e.submitter));
      });
    }
    for (const card of root.querySelectorAll(".card")) {
      card.addEventListener("dragstart", (e) => {
        e.dataTransfer.setData("text/plain", card.dataset.plan + "#" + card.dataset.id);
        e.dataTransfer.effectAllowed = "move";
        card.classList.add("dragging");
      });
      card.addEventListener("dragend", () => card.classList.remove("dragging"));
    }
    for (const col of root.querySelectorAll(".column")) {
      col.addEventListener("dragover", (e) => {
        e.preventDefault();
        col.classList.add("over");
      });
      col.addEventListener("dragleave", () => col.classList.remove("over"));
      col.addEventListener("drop", (e) => {
        e.preventDefault();
        col.classList.remove("over");
        const card = root.querySelector(".card.dragging");
        if (card && card.dataset.status !== col.dataset.status) {
          col.querySelector(".cards").appendChild(card);
          move(card, col.dataset.status);
        }
      });
    }
  }

  wire(document);

  // Live: the server says when the workspace changed.
  if (window.EventSource) {
    const events = new EventSource("/events");
    // The overview and the timeline show the forecast; other pages only
    // follow the workspace's version (the stamp's first part).
    const forecast = location.pathname === "/" || location.pathname === "/timeline";
    const part = (s) => (forecast ? s : String(s).split(".")[0]);
    events.addEventListener("change", (e) => {
      if (live.textContent === "" || live.textContent === "reconnecting…") live.textContent = "live";
      if (part(e.data) !== part(stamp)) update();
    });
    events.addEventListener("error", () => {
      live.textContent = "reconnecting…";
    });
  }
})();
