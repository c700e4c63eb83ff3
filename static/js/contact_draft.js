// Keep a contact typed on a phone: the draft lives in localStorage while typing, and a form
// submitted without network is queued there and sent as soon as the browser is back online.
(function () {
  "use strict";
  const QUEUE = "talentliaison-contact-queue";
  const status = document.getElementById("draft-status");
  const form = document.getElementById("contact-form");

  function say(text) {
    if (!status || !text) return;
    status.textContent = text;
    status.classList.remove("d-none");
  }
  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(items) { localStorage.setItem(QUEUE, JSON.stringify(items)); }

  function fieldsOf(formEl) {
    const data = [];
    new FormData(formEl).forEach((value, key) => {
      if (typeof value === "string" && key !== "csrfmiddlewaretoken") data.push([key, value]);
    });
    return data;
  }
  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    return input ? input.value : (cookie ? cookie.split("=")[1] : "");
  }

  async function flush() {
    const items = readQueue();
    if (!items.length || !navigator.onLine) return;
    const left = [];
    for (const item of items) {
      const body = new FormData();
      item.fields.forEach(([k, v]) => body.append(k, v));
      try {
        const response = await fetch(item.url, {
          method: "POST", body, credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken() },
        });
        // A redirect means the server accepted it; a page with form errors stays queued for the leader.
        if (!(response.ok && response.redirected)) left.push(item);
      } catch (e) {
        left.push(item);
      }
    }
    writeQueue(left);
    if (left.length < items.length) say(document.body.dataset.sentText || (form && form.dataset.sentText));
  }

  if (form) {
    const key = "draft-" + form.dataset.draftKey;
    const saved = localStorage.getItem(key);
    if (saved && !form.querySelector(".is-invalid")) {
      try {
        JSON.parse(saved).forEach(([name, value]) => {
          form.querySelectorAll(`[name="${name}"]`).forEach((el) => {
            if (el.type === "radio" || el.type === "checkbox") { if (el.value === value) el.checked = true; }
            else if (el.type !== "file") el.value = value;
          });
        });
        say(form.dataset.restoredText);
      } catch (e) { localStorage.removeItem(key); }
    }
    form.addEventListener("input", () => localStorage.setItem(key, JSON.stringify(fieldsOf(form))));
    function queue() {
      const items = readQueue();
      items.push({ url: form.action || window.location.href, fields: fieldsOf(form) });
      writeQueue(items);
      localStorage.removeItem(key);
      say(form.dataset.offlineText);
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!navigator.onLine) { queue(); return; }
      let response;
      try {
        response = await fetch(form.action || window.location.href, {
          method: "POST", body: new FormData(form), credentials: "same-origin",
        });
      } catch (e) {
        queue();  // the network dropped between the phone and the server: keep it here
        return;
      }
      if (response.redirected) {
        localStorage.removeItem(key);
        window.location.assign(response.url);
      } else {
        // The server answered with the form and its errors: show them; the draft stays kept.
        document.open();
        document.write(await response.text());
        document.close();
      }
    });
  }
  window.addEventListener("online", flush);
  flush();
})();
