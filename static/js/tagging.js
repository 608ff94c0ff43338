// Entity tagging on the review page: select words in either pane, pick a knowledge-base entity
// (or create one), or click a highlight to accept, change or remove it. The REST API counts
// offsets in code points; the browser counts UTF-16 units, so selections are converted here.

import { api } from "./desk.js";

const tagger = document.getElementById("tagger");
// The click that ends a drag-selection or a double click must not also open the editor.
let openedFromSelectionAt = -Infinity;

export function codePoints(text, utf16Offset) {
  return Array.from(text.slice(0, utf16Offset)).length;
}

// The selection inside a pane, as code-point offsets into the pane's text.
function selectionIn(pane) {
  const selection = window.getSelection();
  if (!selection || !selection.rangeCount || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!pane.contains(range.startContainer) || !pane.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(pane);
  before.setEnd(range.startContainer, range.startOffset);
  const text = pane.textContent;
  let start = before.toString().length;
  let end = start + range.toString().length;
  while (start < end && /\s/.test(text[start])) start += 1;
  while (end > start && /\s/.test(text[end - 1])) end -= 1;
  if (start >= end) return null;
  return {
    start: codePoints(text, start),
    end: codePoints(text, end),
    text: text.slice(start, end),
  };
}

let state = null; // {segmentId, side, start, end, text} or {mentionId, ...}
let results = [];
let active = -1;

function field(name) {
  return tagger.querySelector(name);
}

function showError(message) {
  const error = field(".tagger-error");
  error.textContent = message;
  error.hidden = !message;
}

function place(rect) {
  tagger.hidden = false;
  const top = window.scrollY + rect.bottom + 6;
  const left = Math.max(8, Math.min(window.scrollX + rect.left, window.innerWidth - tagger.offsetWidth - 16));
  tagger.style.top = `${top}px`;
  tagger.style.left = `${left}px`;
}

function open(next, rect) {
  state = next;
  results = [];
  active = -1;
  field(".tagger-text").textContent = next.text;
  field(".tagger-mention").hidden = !next.mentionId;
  field(".tagger-current").textContent = next.current || "";
  field(".tagger-all").hidden = Boolean(next.mentionId);
  field(".tagger-all-box").checked = false;
  field(".tagger-new").hidden = Boolean(next.mentionId);
  const search = field("#tagger-search");
  search.value = next.side === "target" && !next.mentionId ? next.text : "";
  showError("");
  renderResults();
  place(rect);
  search.focus();
  if (search.value) lookUp(search.value);
}

function close() {
  openedFromSelectionAt = -Infinity;
  tagger.hidden = true;
  state = null;
}

function renderResults() {
  const list = field("#tagger-results");
  list.replaceChildren(
    ...results.map((entity, index) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.id = `tagger-option-${index}`;
      item.dataset.index = String(index);
      item.setAttribute("aria-selected", index === active ? "true" : "false");
      const swatch = document.createElement("span");
      swatch.className = `swatch t-${entity.type}`;
      const persian = document.createElement("bdi");
      persian.lang = "fa";
      persian.textContent = entity.name_fa;
      item.append(swatch, `${entity.name_en} `, persian, ` · ${entity.type}`);
      return item;
    }),
  );
  field("#tagger-search").setAttribute("aria-expanded", results.length ? "true" : "false");
  if (active >= 0) field("#tagger-search").setAttribute("aria-activedescendant", `tagger-option-${active}`);
}

let lookUpTimer = null;
function lookUp(query) {
  clearTimeout(lookUpTimer);
  lookUpTimer = setTimeout(async () => {
    const url = `${tagger.dataset.entitiesUrl}?q=${encodeURIComponent(query.trim())}`;
    const data = await api("GET", url).catch(() => ({ results: [] }));
    results = (data.results || []).slice(0, 8);
    active = results.length ? 0 : -1;
    renderResults();
  }, 120);
}

async function refreshRows(segmentIds) {
  for (const id of segmentIds) {
    const row = document.getElementById(`seg-${id}`);
    if (!row) continue;
    await htmx.ajax("GET", row.dataset.rowUrl, { target: row, swap: "outerHTML" });
  }
  htmx.trigger(document.body, "mentions-changed");
}

// Many rows changed (tag all, accept all): review.js fetches them again, keeping open editors.
function rowsStale() {
  document.body.dispatchEvent(new CustomEvent("rows-stale", { detail: { ids: null } }));
  htmx.trigger(document.body, "mentions-changed");
}

async function tagWith(entity) {
  if (!state) return;
  const current = state;
  try {
    if (current.mentionId) {
      await api("PATCH", `${tagger.dataset.mentionsUrl}${current.mentionId}/`, { entity: entity.id });
      await refreshRows([current.segmentId]);
    } else if (field(".tagger-all-box").checked) {
      await api("POST", tagger.dataset.tagAllUrl, {
        side: current.side,
        text: current.text,
        entity: entity.id,
      });
      close();
      rowsStale();
      return;
    } else {
      await api("POST", tagger.dataset.mentionsUrl, {
        segment: Number(current.segmentId),
        side: current.side,
        start: current.start,
        end: current.end,
        text: current.text,
        entity: entity.id,
      });
      await refreshRows([current.segmentId]);
    }
    close();
  } catch (error) {
    showError(error.message);
  }
}

async function createAndTag() {
  const typed = field("#tagger-search").value.trim();
  const persian = state.side === "source";
  const nameEn = persian ? typed : typed || state.text;
  if (!nameEn) {
    showError("Type the entity's English name in the search box first.");
    return;
  }
  try {
    const entity = await api("POST", tagger.dataset.entitiesUrl, {
      name_en: nameEn,
      name_fa: persian ? state.text : "",
      type: field(".tagger-type").value,
    });
    await tagWith(entity);
  } catch (error) {
    showError(error.message);
  }
}

async function mentionAction(action) {
  const current = state;
  try {
    if (action === "accept") {
      await api("PATCH", `${tagger.dataset.mentionsUrl}${current.mentionId}/`, { origin: "accepted" });
      await refreshRows([current.segmentId]);
    } else if (action === "remove") {
      await api("DELETE", `${tagger.dataset.mentionsUrl}${current.mentionId}/`);
      await refreshRows([current.segmentId]);
    } else if (action === "accept-entity") {
      await api("POST", tagger.dataset.acceptUrl, { entity: Number(current.entityId) });
      close();
      rowsStale();
      return;
    }
    close();
  } catch (error) {
    showError(error.message);
  }
}

function openFromSelection(target) {
  if (!tagger || tagger.contains(target) || !target.closest) return;
  const pane = target.closest(".seg-source, .target-text");
  if (!pane || pane.hidden) return;
  const row = pane.closest(".seg");
  const editor = row.querySelector("form.editor");
  if (editor && !editor.hidden) return;
  const picked = selectionIn(pane);
  if (!picked) return;
  const rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
  open({ ...picked, segmentId: row.dataset.segmentId, side: pane.dataset.side }, rect);
  return true;
}

function onMouseUp(event) {
  if (openFromSelection(event.target)) openedFromSelectionAt = event.timeStamp;
}

// A selection made with the keyboard (Shift+arrows with caret browsing) opens the popup too.
function onKeyUp(event) {
  if (event.key !== "Shift" || !tagger.hidden) return;
  const selection = window.getSelection();
  if (!selection.rangeCount || selection.isCollapsed) return;
  const node = selection.getRangeAt(0).commonAncestorContainer;
  openFromSelection(node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
}

function openMention(mark) {
  const row = mark.closest(".seg");
  const pane = mark.closest(".seg-source, .target-text");
  open(
    {
      mentionId: mark.dataset.mentionId,
      entityId: mark.dataset.entityId,
      segmentId: row.dataset.segmentId,
      side: pane.dataset.side,
      text: mark.textContent,
      current: mark.title,
    },
    mark.getBoundingClientRect(),
  );
}

if (tagger) {
  document.addEventListener("mouseup", onMouseUp);
  document.addEventListener("keyup", onKeyUp);
  // A highlight opens its own popup instead of the editor; capture runs before review.js.
  document.addEventListener(
    "click",
    (event) => {
      if (tagger.contains(event.target)) return;
      if (!tagger.hidden && event.timeStamp - openedFromSelectionAt < 200) {
        event.stopPropagation(); // the click that ended the selection: not an edit
        return;
      }
      const mark = event.target.closest("mark.ent");
      if (!mark || !window.getSelection().isCollapsed) {
        if (event.target.closest(".target-text") && !window.getSelection().isCollapsed) {
          event.stopPropagation();
        }
        return;
      }
      event.stopPropagation();
      openMention(mark);
    },
    true,
  );
  document.addEventListener(
    "keydown",
    (event) => {
      const mark = event.target.closest ? event.target.closest("mark.ent") : null;
      if (mark && event.key === "Enter") {
        event.preventDefault();
        event.stopPropagation();
        openMention(mark);
      }
    },
    true,
  );
  field("#tagger-search").addEventListener("input", (event) => lookUp(event.target.value));
  tagger.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!results.length) return;
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + results.length) % results.length;
      renderResults();
    } else if (event.key === "Enter" && event.target.id === "tagger-search") {
      event.preventDefault();
      if (active >= 0) tagWith(results[active]);
    }
  });
  tagger.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) {
      tagWith(results[Number(option.dataset.index)]);
      return;
    }
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "close") close();
    else if (action === "create") createAndTag();
    else mentionAction(action);
  });
}
