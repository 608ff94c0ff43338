// The article list: select articles (or take all matching the filters) and queue their machine
// translation, then follow the run's overall progress without reloading the page.

import { api } from "./desk.js";

const selected = document.querySelector("button.translate-selected");
const matching = document.querySelector("button.translate-matching");
const line = document.querySelector(".bulk-progress");
const RUN_KEY = "newsroom:translation-run";
const POLL_MS = 2000;

function checkedIds() {
  return Array.from(document.querySelectorAll(".select-article:checked")).map((box) =>
    Number(box.value),
  );
}

function syncButtons() {
  if (!selected) return;
  const count = checkedIds().length;
  selected.disabled = count === 0 || selected.dataset.blocked === "true";
  selected.textContent = count ? `Translate ${count} selected` : "Translate selected";
}

const number = (value) => Number(value).toLocaleString("en");

function describe(run) {
  const parts = [
    run.waiting
      ? `translating ${number(run.waiting)} of ${number(run.total)} articles`
      : `translated ${number(run.translated)} of ${number(run.total)} articles`,
  ];
  if (run.waiting && run.translated) parts.push(`${number(run.translated)} done`);
  if (run.failed) parts.push(`${number(run.failed)} failed (see each article)`);
  if (run.skipped) parts.push(`${number(run.skipped)} already translated, left as they are`);
  return `Machine translation: ${parts.join(" · ")}.`;
}

function show(run) {
  line.hidden = false;
  line.textContent = describe(run);
  const bar = document.createElement("progress");
  bar.max = Math.max(run.total, 1);
  bar.value = run.translated + run.failed;
  bar.setAttribute("aria-label", "articles translated");
  line.append(" ", bar);
}

let timer = null;

async function follow(url) {
  clearTimeout(timer);
  try {
    const run = await api("GET", url);
    show(run);
    if (run.waiting) {
      timer = setTimeout(() => follow(url), POLL_MS);
    } else {
      sessionStorage.removeItem(RUN_KEY);
      htmx.ajax("GET", window.location.href, { target: "#article-table", swap: "outerHTML" });
    }
  } catch (error) {
    line.textContent = `Progress unavailable: ${error.message}.`;
    timer = setTimeout(() => follow(url), POLL_MS * 3);
  }
}

async function start(button, body) {
  button.disabled = true;
  line.hidden = false;
  line.textContent = "Queuing machine translation…";
  try {
    const run = await api("POST", button.dataset.url, body);
    show(run);
    const url = `${button.dataset.url}${run.id}/`;
    sessionStorage.setItem(RUN_KEY, url);
    for (const box of document.querySelectorAll(".select-article:checked, .select-page:checked")) {
      box.checked = false;
    }
    follow(url);
  } catch (error) {
    line.textContent = `Not queued: ${error.message}.`;
  } finally {
    button.disabled = button === selected ? checkedIds().length === 0 : false;
    syncButtons();
  }
}

if (selected && matching && line) {
  document.addEventListener("change", (event) => {
    if (event.target.matches(".select-page")) {
      for (const box of document.querySelectorAll(".select-article")) {
        box.checked = event.target.checked;
      }
    }
    if (event.target.matches(".select-article, .select-page")) syncButtons();
  });
  selected.addEventListener("click", () => start(selected, { ids: checkedIds() }));
  matching.addEventListener("click", () =>
    start(matching, { filters: JSON.parse(matching.dataset.filters || "{}") }),
  );
  // The table is polled while articles translate: keep what the user ticked across swaps.
  let ticked = [];
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "article-table") ticked = checkedIds();
  });
  document.body.addEventListener("htmx:afterSwap", () => {
    for (const box of document.querySelectorAll(".select-article")) {
      if (ticked.includes(Number(box.value))) box.checked = true;
    }
    syncButtons();
  });
  const running = sessionStorage.getItem(RUN_KEY);
  if (running) follow(running);
  syncButtons();
}
