// Review page: keyboard-first editing of the English column, and the article's actions.
//
// Saves are PATCH requests to the segment's API address with If-Match carrying the version the
// editor started from; the answer is the row's new HTML (HX-Request), or the conflict view (412).
// Any other answer, a time-out or a lost connection leaves the editor open with the text in it
// and says why in the row. What the editor types is also kept in the browser's storage (a draft
// per segment and version, within a second of typing) until the server has it, so a reload or a
// crashed tab loses nothing.

import { api, failureReason, send } from "./desk.js";

const review = document.querySelector(".review");
// The server's limit, as the page states it (articles.editing.MAX_TARGET_LENGTH).
const maxLength = () => Number((review && review.dataset.maxLength) || 20000);
const DRAFT_PREFIX = "newsroom:draft:";
const DRAFT_DELAY_MS = 300;
const CLICK_DELAY_MS = 300;

function rows() {
  return Array.from(document.querySelectorAll(".review .seg"));
}

function rowOf(element) {
  return element && element.closest ? element.closest(".seg") : null;
}

function editorOf(row) {
  return row.querySelector("form.editor");
}

function rowNumber(row) {
  return row.querySelector(".seg-pos").firstChild.textContent.trim();
}

function taggerOpen() {
  const tagger = document.getElementById("tagger");
  return Boolean(tagger && !tagger.hidden);
}

// ---- Drafts: the editor's text in localStorage, per segment and version -------------------

function draftKey(segmentId, version) {
  return `${DRAFT_PREFIX}${segmentId}:${version}`;
}

function storedDrafts(segmentId) {
  const prefix = `${DRAFT_PREFIX}${segmentId}:`;
  const found = [];
  try {
    for (let index = 0; index < localStorage.length; index += 1) {
      const key = localStorage.key(index);
      if (!key || !key.startsWith(prefix)) continue;
      const draft = JSON.parse(localStorage.getItem(key) || "null");
      if (draft && typeof draft.text === "string") found.push({ ...draft, key });
    }
  } catch {
    return [];
  }
  return found.sort((a, b) => b.at - a.at);
}

function findDraft(segmentId) {
  return storedDrafts(segmentId)[0] || null;
}

function dropDrafts(segmentId) {
  try {
    for (const draft of storedDrafts(segmentId)) localStorage.removeItem(draft.key);
  } catch {
    /* storage unavailable: nothing was kept */
  }
}

function writeDraft(row, area) {
  const segmentId = row.dataset.segmentId;
  const form = editorOf(row);
  const version = (form && form.dataset.baseVersion) || row.dataset.version;
  if (area.value === area.defaultValue && !area.dataset.dirty) {
    dropDrafts(segmentId);
    return;
  }
  try {
    for (const draft of storedDrafts(segmentId)) {
      if (draft.key !== draftKey(segmentId, version)) localStorage.removeItem(draft.key);
    }
    localStorage.setItem(
      draftKey(segmentId, version),
      JSON.stringify({ text: area.value, version: Number(version), at: Date.now() }),
    );
  } catch {
    /* storage full or disabled: the text stays in the editor */
  }
}

const draftTimers = new Map();

function scheduleDraft(row, area) {
  if (draftTimers.has(area)) return;
  draftTimers.set(
    area,
    setTimeout(() => {
      draftTimers.delete(area);
      if (area.isConnected) writeDraft(row, area);
    }, DRAFT_DELAY_MS),
  );
}

function flushDrafts() {
  for (const [area, timer] of draftTimers) {
    clearTimeout(timer);
    const row = rowOf(area);
    if (row && area.isConnected) writeDraft(row, area);
  }
  draftTimers.clear();
}

function timeOf(at) {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function restoreDraft(row, form) {
  const area = form.querySelector("textarea");
  const draft = findDraft(row.dataset.segmentId);
  if (!area || !draft) return;
  if (draft.text === area.defaultValue) {
    dropDrafts(row.dataset.segmentId);
    return;
  }
  area.value = draft.text;
  form.dataset.baseVersion = String(draft.version);
  const note = form.querySelector(".draft-note");
  let text = `Your unsaved text from ${timeOf(draft.at)} is back in the editor; it is not saved yet.`;
  if (String(draft.version) !== row.dataset.version) {
    text += " The segment has been saved by someone since: saving shows both texts.";
  }
  note.querySelector(".draft-text").textContent = text;
  note.hidden = false;
  updateCounter(form);
}

function discardDraft(row) {
  const form = editorOf(row);
  const area = form.querySelector("textarea");
  dropDrafts(row.dataset.segmentId);
  area.value = area.defaultValue;
  form.dataset.baseVersion = row.dataset.version;
  form.querySelector(".draft-note").hidden = true;
  row.classList.remove("has-draft");
  updateCounter(form);
  area.focus();
  announceDrafts();
}

// The page says which rows hold unsaved text from an earlier visit.
function announceDrafts() {
  const note = document.querySelector(".drafts-note");
  if (!note) return;
  const waiting = rows().filter((row) => {
    const draft = findDraft(row.dataset.segmentId);
    const shown = row.querySelector(".target-text");
    const current = shown && !shown.classList.contains("is-empty") ? shown.textContent : "";
    const open = editorOf(row) && !editorOf(row).hidden;
    const pending = Boolean(draft && draft.text !== current && !open);
    row.classList.toggle("has-draft", pending);
    return pending;
  });
  note.hidden = waiting.length === 0;
  if (!waiting.length) return;
  const numbers = waiting.map(rowNumber).join(", ");
  note.querySelector(".drafts-text").textContent =
    waiting.length === 1
      ? `Segment ${numbers} has unsaved text from this browser: it comes back when you open it.`
      : `Segments ${numbers} have unsaved text from this browser: it comes back when you open them.`;
  note.querySelector(".drafts-open").onclick = () => openEditor(waiting[0]);
}

// ---- The editor ------------------------------------------------------------------------------

function length(text) {
  return Array.from(text).length; // code points, as the server counts
}

function updateCounter(form) {
  const area = form.querySelector("textarea");
  const counter = form.querySelector(".counter");
  if (!area || !counter) return;
  const used = length(area.value);
  const over = used - maxLength();
  counter.textContent =
    over > 0
      ? `${used.toLocaleString("en")} / ${maxLength().toLocaleString("en")} characters: ${over.toLocaleString("en")} too many`
      : `${used.toLocaleString("en")} / ${maxLength().toLocaleString("en")} characters`;
  counter.classList.toggle("over", over > 0);
}

function editorParts(form, row) {
  const meta = document.createElement("p");
  meta.className = "editor-meta";
  const counter = document.createElement("span");
  counter.className = "counter";
  counter.id = `counter-${row.dataset.segmentId}`;
  meta.append(counter);
  const note = document.createElement("p");
  note.className = "draft-note";
  note.hidden = true;
  note.innerHTML = '<span class="draft-text"></span> <button type="button" data-discard-draft>Discard it</button>';
  const failure = document.createElement("div");
  failure.className = "save-error";
  failure.setAttribute("role", "alert");
  failure.hidden = true;
  failure.innerHTML = '<p class="save-reason"></p><button type="button" data-retry>Retry saving</button>';
  form.append(meta, note, failure);
}

// The editor form is built on first use rather than sent with every row: pages stay small.
function buildEditor(row) {
  const shown = row.querySelector(".target-text[data-editable]");
  if (!shown) return null;
  const form = document.createElement("form");
  form.className = "editor";
  form.dataset.baseVersion = row.dataset.version;
  const area = document.createElement("textarea");
  area.name = "target_text";
  area.lang = "en";
  area.dir = "auto";
  area.rows = 3;
  area.setAttribute("aria-label", `English for segment ${rowNumber(row)}`);
  area.setAttribute("aria-describedby", `counter-${row.dataset.segmentId}`);
  area.defaultValue = shown.classList.contains("is-empty") ? "" : shown.textContent;
  const seconds = document.createElement("input");
  seconds.type = "hidden";
  seconds.name = "edit_seconds";
  seconds.value = "0";
  const actions = document.createElement("div");
  actions.className = "editor-actions";
  actions.innerHTML =
    '<button type="submit" class="save">Save <kbd>Ctrl+Enter</kbd></button> ' +
    '<button type="button" data-cancel>Cancel <kbd>Esc</kbd></button>';
  form.append(area, seconds, actions);
  editorParts(form, row);
  shown.after(form);
  updateCounter(form);
  return form;
}

function markCurrent(row) {
  for (const other of document.querySelectorAll(".seg.is-current")) {
    other.classList.remove("is-current");
  }
  row.classList.add("is-current");
}

function openEditor(row) {
  cancelPendingOpen();
  const form = editorOf(row) || buildEditor(row);
  if (!form) return;
  markCurrent(row);
  if (!form.dataset.draftChecked) {
    form.dataset.draftChecked = "true";
    restoreDraft(row, form);
  }
  row.classList.remove("has-draft");
  form.hidden = false;
  const shown = row.querySelector(".target-text");
  if (shown) shown.hidden = true;
  if (!form.dataset.openedAt) form.dataset.openedAt = String(Date.now());
  const area = form.querySelector("textarea");
  if (area) {
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }
  row.scrollIntoView({ block: "nearest" });
}

function closeEditor(row, { discard }) {
  const form = editorOf(row);
  if (!form || form.classList.contains("conflict-editor")) return;
  const area = form.querySelector("textarea");
  if (discard && area) {
    area.value = area.defaultValue;
    dropDrafts(row.dataset.segmentId);
    form.dataset.baseVersion = row.dataset.version;
    form.querySelector(".draft-note").hidden = true;
    form.querySelector(".save-error").hidden = true;
    updateCounter(form);
  }
  form.hidden = true;
  delete form.dataset.openedAt;
  const shown = row.querySelector(".target-text");
  if (shown) {
    shown.hidden = false;
    shown.focus();
  }
}

function focusRow(row, { edit }) {
  if (!row) return;
  markCurrent(row);
  const editor = editorOf(row);
  if (edit || (editor && !editor.hidden)) {
    openEditor(row);
    return;
  }
  (row.querySelector("[data-editable]") || row).focus();
  row.scrollIntoView({ block: "nearest" });
}

function neighbour(row, step) {
  const all = rows();
  return all[all.indexOf(row) + step] || null;
}

// ---- Saving ----------------------------------------------------------------------------------

function showFailure(row, reason) {
  const form = editorOf(row);
  if (!form) return;
  const area = form.querySelector("textarea");
  if (area) writeDraft(row, area);
  const failure = form.querySelector(".save-error");
  failure.querySelector(".save-reason").textContent =
    `Not saved: ${reason}. Your text is still here, and kept in this browser.`;
  failure.querySelector("[data-retry]").hidden = false;
  failure.hidden = false;
  row.classList.add("save-failed");
}

function refuse(row, reason) {
  showFailure(row, reason);
  editorOf(row).querySelector("[data-retry]").hidden = true;
}

function setBusy(form, busy) {
  form.setAttribute("aria-busy", busy ? "true" : "false");
  if (busy) form.querySelector(".save-error").hidden = true;
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = busy;
  if (busy) form.dataset.busy = "true";
  else delete form.dataset.busy;
}

function rowFrom(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.querySelector(".seg");
}

function swapRow(row, fresh) {
  row.replaceWith(fresh);
  htmx.process(fresh);
  return fresh;
}

function articleChanged() {
  htmx.trigger(document.body, "article-changed");
}

async function save(row, { advance }) {
  const form = editorOf(row);
  if (!form || form.dataset.busy) return;
  if (!form.querySelector(".save-error")) editorParts(form, row); // the conflict view's form
  const area = form.querySelector("textarea");
  const conflict = form.classList.contains("conflict-editor");
  if (area && area.value === area.defaultValue && !conflict) {
    dropDrafts(row.dataset.segmentId);
    closeEditor(row, { discard: false });
    if (advance) focusRow(neighbour(row, 1), { edit: true });
    return;
  }
  if (area && length(area.value) > maxLength()) {
    const over = length(area.value) - maxLength();
    refuse(
      row,
      `the translation is longer than ${maxLength().toLocaleString("en")} characters ` +
        `(${over.toLocaleString("en")} too many): shorten it or split the text`,
    );
    return;
  }
  const seconds = form.querySelector('input[name="edit_seconds"]');
  if (seconds && form.dataset.openedAt) {
    seconds.value = ((Date.now() - Number(form.dataset.openedAt)) / 1000).toFixed(1);
  }
  const version = conflict ? row.dataset.version : form.dataset.baseVersion || row.dataset.version;
  const body = new URLSearchParams(new FormData(form));
  setBusy(form, true);
  let response;
  try {
    response = await send("PATCH", row.dataset.url, {
      body,
      // Success and conflicts come back as the row's HTML; refusals as JSON, whatever DEBUG is
      // (asking for HTML would get DRF's browsable error page instead of the reason).
      headers: { "If-Match": `"${version}"`, "HX-Request": "true", Accept: "application/json" },
    });
  } catch (error) {
    setBusy(form, false);
    showFailure(row, error.message);
    return;
  }
  const isRow = (response.headers.get("Content-Type") || "").includes("text/html");
  if ((response.ok || response.status === 412) && isRow) {
    const fresh = rowFrom(await response.text());
    if (fresh) {
      const segmentId = row.dataset.segmentId;
      swapRow(row, fresh);
      if (response.ok) {
        dropDrafts(segmentId);
        articleChanged();
        // matches.js offers the correction to other rows with the same Persian.
        document.body.dispatchEvent(new CustomEvent("segment-saved", { detail: { row: fresh } }));
        if (advance) focusRow(neighbour(fresh, 1) || fresh, { edit: Boolean(neighbour(fresh, 1)) });
        else focusRow(fresh, { edit: false });
      } else {
        // The conflict view: the editor's text stays in its textarea, and in storage under the
        // version it is now compared against.
        const mine = fresh.querySelector("textarea");
        if (mine) {
          writeDraft(fresh, mine);
          mine.focus();
        }
      }
      return;
    }
  }
  setBusy(form, false);
  showFailure(row, await failureReason(response));
}

// ---- Rows and header kept current without a reload -------------------------------------------

function keepsWork(row) {
  const form = editorOf(row);
  if (!form || form.hidden) return row.classList.contains("has-conflict");
  const area = form.querySelector("textarea");
  return Boolean(area && area.value !== area.defaultValue) || row.classList.contains("has-conflict");
}

// Fetch the rows again (all, or these ids) and put them in, except rows holding unsaved work.
export async function refreshRows(ids) {
  const url = new URL(review.dataset.rowsUrl, window.location.href);
  if (ids && ids.length) url.searchParams.set("ids", ids.join(","));
  const response = await send("GET", url.toString(), { headers: { "HX-Request": "true" } });
  if (!response.ok) throw new Error(await failureReason(response));
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();
  for (const fresh of template.content.querySelectorAll(".seg")) {
    const current = document.getElementById(fresh.id);
    if (current && !keepsWork(current)) swapRow(current, fresh);
  }
  announceDrafts();
}

function say(message) {
  const status = document.querySelector(".action-status");
  if (status) status.textContent = message;
}

async function approveVisible(button) {
  const wanted = rows()
    .filter((row) => row.offsetParent !== null && !row.classList.contains("status-approved"))
    .filter((row) => !row.querySelector(".target-text.is-empty") && !keepsWork(row))
    .map((row) => ({ id: Number(row.dataset.segmentId), version: Number(row.dataset.version) }));
  if (!wanted.length) {
    say("Every visible row with a translation is already approved.");
    return;
  }
  button.disabled = true;
  try {
    const result = await api("POST", button.dataset.approveUrl, { segments: wanted });
    const conflicts = result.conflicts || [];
    await refreshRows([...result.approved, ...conflicts.map((segment) => segment.id)]);
    say(
      `Approved ${result.approved.length} rows` +
        (conflicts.length ? `; ${conflicts.length} had changed meanwhile and are shown as they are now.` : "."),
    );
    articleChanged();
  } catch (error) {
    say(`Not approved: ${error.message}.`);
  } finally {
    button.disabled = false;
  }
}

async function translate(button) {
  button.disabled = true;
  say("Queuing machine translation…");
  try {
    const state = await api("POST", button.dataset.url);
    if (state.status === "translating") {
      say("");
      await htmx.ajax("GET", button.dataset.progressUrl, {
        target: "#translation-progress",
        swap: "innerHTML",
      });
    } else {
      await translated();
    }
  } catch (error) {
    say(`Not queued: ${error.message}.`);
  } finally {
    button.disabled = false;
  }
}

async function translated() {
  await refreshRows(null);
  articleChanged();
  htmx.trigger(document.body, "mentions-changed");
  say("Machine translation finished.");
}

async function suggest(button) {
  button.disabled = true;
  say("Looking for knowledge-base names…");
  try {
    const result = await api("POST", button.dataset.url);
    await refreshRows(null);
    htmx.trigger(document.body, "mentions-changed");
    say(`${result.suggested} suggestions on this article (dashed underlines).`);
  } catch (error) {
    say(`No suggestions: ${error.message}.`);
  } finally {
    button.disabled = false;
  }
}

// ---- Events ----------------------------------------------------------------------------------

let pendingOpen = null;

function cancelPendingOpen() {
  if (pendingOpen) clearTimeout(pendingOpen.timer);
  pendingOpen = null;
}

function onKeydown(event) {
  if (pendingOpen && !event.target.closest("#tagger")) {
    // Typing right after a click goes into the editor the click was about to open.
    const { row } = pendingOpen;
    openEditor(row);
  }
  const row = rowOf(event.target);
  if (!row) return;
  // A comment box is not the row's editor (comments.js handles its keys).
  if (event.target.closest(".thread")) return;
  const inEditor = event.target.matches("textarea");
  if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
    event.preventDefault();
    focusRow(neighbour(row, event.key === "ArrowDown" ? 1 : -1), { edit: false });
    return;
  }
  if (inEditor && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    save(row, { advance: true });
    return;
  }
  if (inEditor && event.key === "Escape") {
    event.preventDefault();
    closeEditor(row, { discard: true });
    return;
  }
  if (!inEditor && event.key === "Enter" && event.target.matches("[data-editable]")) {
    event.preventDefault();
    openEditor(row);
  }
}

function onClick(event) {
  const editable = event.target.closest("[data-editable]");
  if (editable) {
    // A double click selects a word to tag: wait a moment before taking a click as "edit".
    if (event.detail > 1 || !window.getSelection().isCollapsed) {
      cancelPendingOpen();
      return;
    }
    const row = rowOf(editable);
    cancelPendingOpen();
    pendingOpen = {
      row,
      timer: setTimeout(() => {
        pendingOpen = null;
        if (window.getSelection().isCollapsed && !taggerOpen()) openEditor(row);
      }, CLICK_DELAY_MS),
    };
    return;
  }
  const target = event.target.closest("button");
  if (!target) return;
  const row = rowOf(target);
  if (target.matches("[data-cancel]")) closeEditor(row, { discard: true });
  else if (target.matches("[data-retry]")) save(row, { advance: false });
  else if (target.matches("[data-discard-draft]")) discardDraft(row);
  else if (target.matches("[data-keep-theirs]")) dropDrafts(row.dataset.segmentId);
  else if (target.matches(".dismiss-check")) dismissCheck(target, row);
}

// A reviewer's "this is fine" on one failing check of a row: kept on the server with who and
// when, then the row is fetched again without it.
async function dismissCheck(button, row) {
  const check = button.dataset.check;
  button.disabled = true;
  try {
    await api("POST", button.dataset.url, { check });
    await refreshRows([row.dataset.segmentId]);
    say(`The ${check} check is dismissed on row ${rowNumber(row)}.`);
  } catch (error) {
    button.disabled = false;
    const message = row.querySelector(".row-message");
    message.textContent = `The ${check} check was not dismissed: ${error.message}.`;
    message.hidden = false;
  }
}

if (review) {
  // Approvals and restores made through htmx, and translation finishing, update the header
  // and rows for everyone looking at the page.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const config = event.detail.requestConfig || {};
    if (event.detail.successful && config.verb === "patch") articleChanged();
  });
  document.body.addEventListener("article-translated", () => {
    translated().catch((error) => say(`The rows could not be refreshed: ${error.message}.`));
  });
  document.body.addEventListener("rows-stale", (event) => {
    refreshRows(event.detail && event.detail.ids).catch((error) =>
      say(`The rows could not be refreshed: ${error.message}.`),
    );
  });
}

if (review && review.dataset.canEdit === "true") {
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("click", onClick);
  document.addEventListener("submit", (event) => {
    if (!event.target.matches(".seg form.editor")) return;
    event.preventDefault();
    save(rowOf(event.target), { advance: false });
  });
  document.addEventListener("input", (event) => {
    if (!event.target.matches(".seg form.editor textarea")) return;
    const row = rowOf(event.target);
    const form = editorOf(row);
    updateCounter(form);
    scheduleDraft(row, event.target);
  });
  window.addEventListener("pagehide", flushDrafts);
  document.addEventListener("visibilitychange", flushDrafts);
  window.addEventListener("beforeunload", (event) => {
    flushDrafts();
    const dirty = Array.from(document.querySelectorAll(".seg textarea")).some(
      (area) => area.dataset.dirty === "true" || area.value !== area.defaultValue,
    );
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  const buttons = {
    ".approve-all": approveVisible,
    "button.translate": translate,
    "button.suggest": suggest,
  };
  for (const [selector, handler] of Object.entries(buttons)) {
    const button = document.querySelector(selector);
    if (button) button.addEventListener("click", () => handler(button));
  }
  const first = rows()[0];
  if (first) markCurrent(first);
  announceDrafts();
}
