// Comments beside a review row (opened, posted, resolved through the REST API, which answers
// htmx with the thread as HTML), and the mentions page: mark one or all read.

import { api } from "./desk.js";

const countLabel = () => document.querySelector(".mentions-link");

// The header's unread count, asked again after something may have read a mention.
async function refreshUnread() {
  const link = countLabel();
  if (!link) return;
  try {
    const data = await api("GET", "/api/v1/notifications/?unread=true");
    showUnread(data.count);
  } catch {
    // The count stays as it was; the next page shows the right one.
  }
}

function showUnread(count) {
  const link = countLabel();
  if (!link) return;
  let badge = link.querySelector(".unread-count");
  if (!count) {
    if (badge) badge.remove();
    link.removeAttribute("aria-label");
    return;
  }
  if (!badge) {
    badge = document.createElement("span");
    badge.className = "unread-count";
    link.append(" ", badge);
  }
  badge.textContent = String(count);
  link.setAttribute("aria-label", `Mentions: ${count} unread`);
}

function rowOf(element) {
  return element.closest(".seg");
}

async function openThread(row, { focus = "heading" } = {}) {
  const toggle = row.querySelector(".comments-toggle");
  const thread = row.querySelector(".thread");
  if (!toggle || !thread) return;
  await htmx.ajax("GET", toggle.dataset.threadUrl, { target: thread, swap: "innerHTML" });
  toggle.setAttribute("aria-expanded", "true");
  row.classList.add("thread-open");
  const place = thread.querySelector(focus === "text" ? "textarea" : "h3");
  if (place) place.focus({ preventScroll: focus !== "text" });
}

function closeThread(row) {
  const toggle = row.querySelector(".comments-toggle");
  row.querySelector(".thread").replaceChildren();
  row.classList.remove("thread-open");
  if (toggle) {
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  }
}

if (document.querySelector(".review")) {
  document.addEventListener("click", (event) => {
    const toggle = event.target.closest(".comments-toggle");
    if (toggle) {
      const row = rowOf(toggle);
      if (toggle.getAttribute("aria-expanded") === "true") closeThread(row);
      else openThread(row, { focus: "text" });
      return;
    }
    const close = event.target.closest(".thread-close");
    if (close) closeThread(rowOf(close));
  });
  document.addEventListener("keydown", (event) => {
    if (!event.target.matches(".thread textarea")) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.target.form.requestSubmit();
    } else if (event.key === "Escape") {
      event.preventDefault();
      closeThread(rowOf(event.target));
    }
  });
  // After posting, the new thread keeps the focus where the person was writing.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const thread = event.detail.target;
    if (!thread || !thread.classList || !thread.classList.contains("thread")) return;
    const toggle = rowOf(thread)?.querySelector(".comments-toggle");
    toggle?.classList.toggle("has-open", !!thread.querySelector(".comment:not(.is-resolved)"));
    const verb = (event.detail.requestConfig || {}).verb;
    if (verb === "post") thread.querySelector("textarea")?.focus();
    if (verb === "patch") thread.querySelector(".thread-resolve")?.focus();
    if (verb !== "get") refreshUnread();
  });
  // A mention's link opens the review page at its thread, once htmx has read its settings
  // (its DOMContentLoaded listener comes first: this module runs before that event).
  document.addEventListener("DOMContentLoaded", () => {
    const wanted = new URLSearchParams(window.location.search).get("thread");
    const row = wanted && /^\d+$/.test(wanted) && document.getElementById(`seg-${wanted}`);
    if (row) openThread(row).then(() => row.scrollIntoView({ block: "center" }));
  });
}

const list = document.querySelector("ol.notifications");
const status = document.querySelector(".mentions-status");

function markShownRead(item) {
  item.classList.replace("is-unread", "is-read");
  item.querySelector(".mark-read")?.remove();
}

if (list) {
  list.addEventListener("click", async (event) => {
    const button = event.target.closest(".mark-read");
    if (!button) return;
    button.disabled = true;
    try {
      await api("PATCH", button.dataset.url, { read: true });
      markShownRead(button.closest(".notification"));
      status.textContent = "Marked read.";
      refreshUnread();
    } catch (error) {
      button.disabled = false;
      status.textContent = `Not marked read: ${error.message}.`;
    }
  });
  const all = document.querySelector(".mark-all-read");
  all?.addEventListener("click", async () => {
    all.disabled = true;
    try {
      const result = await api("POST", all.dataset.url);
      list.querySelectorAll(".notification.is-unread").forEach(markShownRead);
      status.textContent = `${result.marked} marked read.`;
      showUnread(0);
    } catch (error) {
      status.textContent = `Not marked read: ${error.message}.`;
    } finally {
      all.disabled = false;
    }
  });
}
