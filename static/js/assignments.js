// Who is on which article: reviewers assign from the review page and, several at once, from
// the list; an editor takes an unassigned article. Everything is saved through the REST API.

import { api } from "./desk.js";

// "2026-05-01T17:00" in the browser's own time zone, as <input type="datetime-local"> shows it.
function localInput(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

function userValue(select, body, name) {
  if (!select || select.value === "") return;
  body[name] = select.value === "null" ? null : Number(select.value);
}

// The fields of an assignment form as the API takes them; fields left alone are not sent.
function assignmentBody(form) {
  const body = {};
  userValue(form.querySelector(".assign-assignee"), body, "assignee");
  userValue(form.querySelector(".assign-reviewer"), body, "reviewer");
  const due = form.querySelector(".assign-due");
  const clear = form.querySelector('input[name="clear_due"]');
  if (clear && clear.checked) body.due_at = null;
  else if (due && due.value !== due.defaultValue) {
    body.due_at = due.value ? new Date(due.value).toISOString() : null;
  }
  return body;
}

for (const due of document.querySelectorAll(".assign-due[data-current]")) {
  if (due.dataset.current) {
    due.value = localInput(new Date(due.dataset.current));
    due.defaultValue = due.value;
  }
}

const box = document.querySelector(".assignment");
if (box) {
  const status = box.querySelector(".assignment-status");
  const save = async (body) => {
    status.textContent = "Saving…";
    try {
      await api("PATCH", box.dataset.url, body);
      window.location.reload();
    } catch (error) {
      status.textContent = `Not assigned: ${error.message}.`;
    }
  };
  box.querySelector(".take-article")?.addEventListener("click", () =>
    save({ assignee: Number(box.dataset.userId) }),
  );
  box.querySelector(".release-article")?.addEventListener("click", () => save({ assignee: null }));
  box.querySelector(".assign-form")?.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = assignmentBody(event.target);
    if (Object.keys(body).length) save(body);
    else status.textContent = "Nothing changed.";
  });
}

const bulk = document.querySelector(".bulk-assign");
if (bulk) {
  const form = bulk.querySelector(".assign-form");
  const button = bulk.querySelector(".assign-selected");
  const line = document.querySelector(".bulk-progress");
  const checked = () =>
    Array.from(document.querySelectorAll(".select-article:checked")).map((b) => Number(b.value));
  const sync = () => {
    const count = checked().length;
    button.disabled = count === 0;
    button.textContent = count ? `Assign ${count} selected` : "Assign selected";
  };
  document.addEventListener("change", (event) => {
    if (event.target.matches(".select-article, .select-page")) setTimeout(sync);
  });
  document.body.addEventListener("htmx:afterSwap", sync);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ids = checked();
    const body = assignmentBody(form);
    line.hidden = false;
    if (!Object.keys(body).length) {
      line.textContent = "Choose an assignee, a reviewer or a due time first.";
      return;
    }
    button.disabled = true;
    try {
      const result = await api("POST", bulk.dataset.url, { ids, ...body });
      line.textContent = `Assigned ${result.updated} article${result.updated === 1 ? "" : "s"}.`;
      bulk.open = false;
      await htmx.ajax("GET", window.location.href, { target: "#article-table", swap: "outerHTML" });
    } catch (error) {
      line.textContent = `Not assigned: ${error.message}.`;
    } finally {
      sync();
    }
  });
  sync();
}
