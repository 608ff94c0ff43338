// Review page: fuzzy matches for the row being edited, and propagation of a saved correction.
//
// When a row's editor opens, up to 3 segments already edited or approved elsewhere whose
// Persian source is like this row's are listed under it (GET …/matches/), with their
// similarity and the Persian words that differ marked. Ctrl+M puts the best match's English in
// the editor (again: the next one); each match also has a button. After a save (the
// "segment-saved" event of review.js), rows elsewhere with the same Persian that are still
// machine output are offered the same correction (GET/POST …/propagate/).

import { api, failureReason, send } from "./desk.js";

const review = document.querySelector(".review");
// The matches listed in each editor's panel, by panel.
const listed = new WeakMap();

function matchesUrl(row, name) {
  return new URL(`${name}/`, new URL(row.dataset.url, window.location.href)).toString();
}

function editorOf(row) {
  return row.querySelector("form.editor:not(.conflict-editor)");
}

// The match's Persian, words it does not share with this row's marked.
function sourceLine(match) {
  const line = document.createElement("p");
  line.className = "match-source";
  line.lang = "fa";
  line.dir = "rtl";
  for (const chunk of match.source_diff) {
    if (chunk.op === "delete") continue;
    if (chunk.op === "insert") {
      const mark = document.createElement("mark");
      mark.className = "match-diff";
      mark.textContent = chunk.text;
      line.append(mark);
    } else {
      line.append(chunk.text);
    }
  }
  return line;
}

function matchItem(match, index) {
  const item = document.createElement("li");
  item.className = "match";
  item.dataset.segmentId = String(match.segment_id);
  const head = document.createElement("p");
  head.className = "match-head";
  const percent = document.createElement("span");
  percent.className = "match-percent";
  percent.textContent = `${match.percent}%`;
  const use = document.createElement("button");
  use.type = "button";
  use.dataset.useMatch = String(index);
  use.textContent = index === 0 ? "Use (Ctrl+M)" : "Use";
  head.append(percent, " ", use);
  const target = document.createElement("p");
  target.className = "match-target";
  target.lang = "en";
  target.dir = "ltr";
  target.textContent = match.target_text;
  item.append(head, sourceLine(match), target);
  return item;
}

async function showMatches(row, form) {
  form.dataset.matchesLoaded = "true";
  let found;
  try {
    found = await api("GET", matchesUrl(row, "matches"));
  } catch {
    return; // matches are a help, not the task: a failure leaves the editor as it was
  }
  if (!found.length || !form.isConnected) return;
  const panel = document.createElement("section");
  panel.className = "matches";
  panel.setAttribute("aria-label", "Similar segments already translated");
  const title = document.createElement("p");
  title.className = "label";
  title.textContent = "Similar, already translated";
  const list = document.createElement("ol");
  found.forEach((match, index) => list.append(matchItem(match, index)));
  panel.append(title, list);
  listed.set(panel, found);
  form.append(panel);
}

function useMatch(form, index) {
  const panel = form.querySelector(".matches");
  const area = form.querySelector("textarea");
  const found = panel && listed.get(panel);
  if (!found || !area || !found[index]) return;
  area.focus();
  area.setRangeText(found[index].target_text, 0, area.value.length, "end");
  // The editor's own listeners count the characters and keep the draft.
  area.dispatchEvent(new Event("input", { bubbles: true }));
  form.dataset.matchUsed = String(index);
  for (const item of panel.querySelectorAll(".match")) item.classList.remove("is-used");
  panel.querySelectorAll(".match")[index].classList.add("is-used");
}

function onFocusIn(event) {
  if (!event.target.matches(".seg form.editor textarea")) return;
  const row = event.target.closest(".seg");
  const form = editorOf(row);
  if (form && !form.dataset.matchesLoaded) showMatches(row, form);
}

function onKeydown(event) {
  if (!event.ctrlKey || event.altKey || event.key.toLowerCase() !== "m") return;
  const form = event.target.closest && event.target.closest(".seg form.editor");
  if (!form || !form.querySelector(".matches")) return;
  event.preventDefault();
  const count = listed.get(form.querySelector(".matches")).length;
  const used = form.dataset.matchUsed;
  useMatch(form, used === undefined ? 0 : (Number(used) + 1) % count);
}

// ---- Propagation -----------------------------------------------------------------------------

function offerNote(row) {
  let note = row.querySelector(".propagation");
  if (!note) {
    note = document.createElement("p");
    note.className = "propagation notice";
    note.setAttribute("role", "status");
    row.querySelector(".row-message").before(note);
  }
  note.replaceChildren();
  return note;
}

async function offer(row) {
  let found;
  try {
    found = await api("GET", matchesUrl(row, "propagate"));
  } catch {
    return;
  }
  if (!found.count || !row.isConnected) return;
  const note = offerNote(row);
  const button = document.createElement("button");
  button.type = "button";
  button.className = "propagate";
  button.textContent =
    found.count === 1 ? "Apply to 1 other segment" : `Apply to ${found.count} other segments`;
  const why = document.createElement("span");
  why.textContent = " with the same Persian, still machine translation.";
  note.append(button, why);
  button.addEventListener("click", () => propagate(row, note, button, found.segments));
}

async function propagate(row, note, button, segments) {
  button.disabled = true;
  let response;
  try {
    response = await send("POST", matchesUrl(row, "propagate"), {
      json: { segments: segments.map(({ id, version }) => ({ id, version })) },
      headers: { Accept: "application/json", "If-Match": `"${row.dataset.version}"` },
    });
  } catch (error) {
    button.disabled = false;
    note.lastChild.textContent = ` Not applied: ${error.message}.`;
    return;
  }
  if (!response.ok) {
    button.disabled = false;
    note.lastChild.textContent = ` Not applied: ${await failureReason(response)}.`;
    return;
  }
  const result = await response.json();
  const skipped = result.skipped.length
    ? ` ${result.skipped.length} had changed meanwhile and were left as they are.`
    : "";
  note.replaceChildren(
    `Applied to ${result.count} other ${result.count === 1 ? "segment" : "segments"}.${skipped}`,
  );
  // Rows of this article among them show their new text.
  const here = result.ids.filter((id) => document.getElementById(`seg-${id}`));
  if (here.length) {
    document.body.dispatchEvent(new CustomEvent("rows-stale", { detail: { ids: here } }));
  }
}

if (review) {
  document.addEventListener("focusin", onFocusIn);
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-use-match]");
    if (button) useMatch(button.closest("form.editor"), Number(button.dataset.useMatch));
  });
  document.body.addEventListener("segment-saved", (event) => {
    if (review.dataset.canEdit === "true") offer(event.detail.row);
  });
}
