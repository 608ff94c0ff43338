// Review page: keyboard-first editing of the English column. Saving goes through htmx
// (hx-patch on each row's form, If-Match carrying the row's version); this module only opens
// and closes editors, moves between rows and guards unsaved text.

const review = document.querySelector(".review");

function rows() {
  return Array.from(document.querySelectorAll(".review .seg"));
}

function rowOf(element) {
  return element ? element.closest(".seg") : null;
}

function editorOf(row) {
  return row.querySelector("form.editor");
}

// The editor form is built on first use rather than sent with every row: pages stay small.
function buildEditor(row) {
  const shown = row.querySelector(".target-text[data-editable]");
  if (!shown) return null;
  const form = document.createElement("form");
  form.className = "editor";
  form.setAttribute("hx-patch", row.dataset.url);
  form.setAttribute("hx-headers", JSON.stringify({ "If-Match": `"${row.dataset.version}"` }));
  form.setAttribute("hx-target", "closest .seg");
  form.setAttribute("hx-swap", "outerHTML");
  const area = document.createElement("textarea");
  area.name = "target_text";
  area.lang = "en";
  area.dir = "ltr";
  area.rows = 3;
  area.setAttribute("aria-label", `English for segment ${row.querySelector(".seg-pos").firstChild.textContent.trim()}`);
  area.defaultValue = shown.classList.contains("is-empty") ? "" : shown.textContent;
  const seconds = document.createElement("input");
  seconds.type = "hidden";
  seconds.name = "edit_seconds";
  seconds.value = "0";
  const actions = document.createElement("div");
  actions.className = "editor-actions";
  actions.innerHTML =
    '<button type="submit">Save <kbd>Ctrl+Enter</kbd></button> ' +
    '<button type="button" data-cancel>Cancel <kbd>Esc</kbd></button>';
  form.append(area, seconds, actions);
  shown.after(form);
  htmx.process(form);
  return form;
}

function markCurrent(row) {
  for (const other of document.querySelectorAll(".seg.is-current")) {
    other.classList.remove("is-current");
  }
  row.classList.add("is-current");
}

function openEditor(row) {
  const form = editorOf(row) || buildEditor(row);
  if (!form) return;
  markCurrent(row);
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
  if (discard && area) area.value = area.defaultValue;
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

// After a save, htmx swaps in a new row element: remember where to go once it lands.
let advanceFrom = null;

function save(row, { advance }) {
  const form = editorOf(row);
  if (!form) return;
  const area = form.querySelector("textarea");
  const unchanged = area && area.value === area.defaultValue && !form.classList.contains("conflict-editor");
  if (unchanged) {
    closeEditor(row, { discard: false });
    if (advance) focusRow(neighbour(row, 1), { edit: true });
    return;
  }
  const seconds = form.querySelector('input[name="edit_seconds"]');
  if (seconds && form.dataset.openedAt) {
    seconds.value = ((Date.now() - Number(form.dataset.openedAt)) / 1000).toFixed(1);
  }
  advanceFrom = advance ? row.id : null;
  form.requestSubmit();
}

function isDirty() {
  return Array.from(document.querySelectorAll(".seg textarea")).some(
    (area) => area.dataset.dirty === "true" || area.value !== area.defaultValue,
  );
}

function onKeydown(event) {
  const row = rowOf(event.target);
  if (!row) return;
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
    openEditor(rowOf(editable));
    return;
  }
  const cancel = event.target.closest("[data-cancel]");
  if (cancel) closeEditor(rowOf(cancel), { discard: true });
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

async function approveVisible(button) {
  const wanted = rows()
    .filter((row) => row.offsetParent !== null && !row.classList.contains("status-approved"))
    .filter((row) => !row.querySelector(".target-text.is-empty"))
    .map((row) => ({ id: Number(row.dataset.segmentId), version: Number(row.dataset.version) }));
  if (!wanted.length) return;
  button.disabled = true;
  const response = await fetch(button.dataset.approveUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ segments: wanted }),
    credentials: "same-origin",
  });
  if (!response.ok) {
    button.disabled = false;
    button.textContent = `Approve failed (${response.status})`;
    return;
  }
  window.location.reload();
}

if (review && review.dataset.canEdit === "true") {
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("click", onClick);
  window.addEventListener("beforeunload", (event) => {
    if (isDirty()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  const approveAll = document.querySelector(".approve-all");
  if (approveAll) approveAll.addEventListener("click", () => approveVisible(approveAll));
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const row = event.target.closest ? event.target.closest(".seg") : null;
    if (!row) return;
    if (row.classList.contains("has-conflict")) {
      advanceFrom = null;
      const area = row.querySelector("textarea");
      if (area) area.focus();
      return;
    }
    if (advanceFrom && row.id === advanceFrom) {
      advanceFrom = null;
      focusRow(neighbour(row, 1) || row, { edit: Boolean(neighbour(row, 1)) });
    }
  });
  const first = rows()[0];
  if (first) markCurrent(first);
}
