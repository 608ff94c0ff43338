// Shared by the desk's pages: requests that always end in a sentence a person can act on, and
// the export menus.

export function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

// How long a request may take before the page gives up on it and says so (the body's
// data-timeout-seconds can shorten it).
export const TIMEOUT_SECONDS = 20;
const timeoutSeconds = () => Number(document.body.dataset.timeoutSeconds || TIMEOUT_SECONDS);

// What went wrong with an answer, in words: the server's own reason when it gave one (DRF's
// {"detail": ...} or {"field": ["..."]}), else what the status code means for the person.
export async function failureReason(response) {
  let detail = "";
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    const data = await response.json().catch(() => ({}));
    detail =
      typeof data.detail === "string"
        ? data.detail
        : Object.values(data)
            .flat()
            .filter((value) => typeof value === "string")
            .join(" ");
  }
  const known = {
    400: "the server refused the text",
    401: "you are logged out: log in again in another tab, then retry",
    403: "you may not do this (your role, or your session expired: reload the page)",
    404: "it no longer exists on the server",
    409: "the server cannot do this now",
    412: "someone else changed it meanwhile",
    413: "it is too large for the server",
    428: "the page sent no version: reload the page",
    429: "too many requests: wait a moment, then retry",
  };
  if (response.status === 429) {
    const wait = response.headers.get("Retry-After");
    if (wait) return `too many requests: retry in ${wait} seconds`;
  }
  if (detail && response.status < 500) return detail;
  if (known[response.status]) return known[response.status];
  if (response.status >= 500) {
    return `the server failed (error ${response.status}); retry in a moment`;
  }
  return `the server answered ${response.status} ${response.statusText}`.trim();
}

// fetch with the session's CSRF token and a time limit. Network failures and time-outs come
// back as an Error whose message says so; answers of any status are returned as they are.
export async function send(method, url, { body, headers = {}, json } = {}) {
  const controller = new AbortController();
  const seconds = timeoutSeconds();
  const timer = setTimeout(() => controller.abort(), seconds * 1000);
  const allHeaders = { "X-CSRFToken": csrfToken(), ...headers };
  let payload = body;
  if (json !== undefined) {
    allHeaders["Content-Type"] = "application/json";
    payload = JSON.stringify(json);
  }
  try {
    return await fetch(url, {
      method,
      headers: allHeaders,
      body: payload,
      credentials: "same-origin",
      signal: controller.signal,
    });
  } catch (error) {
    if (error.name === "AbortError") {
      throw new Error(`the server did not answer within ${seconds} seconds`);
    }
    throw new Error("the server could not be reached (network down or server stopped)");
  } finally {
    clearTimeout(timer);
  }
}

// A JSON API call: the parsed answer, or an Error carrying the reason in words.
export async function api(method, url, json) {
  const response = await send(method, url, { json, headers: { Accept: "application/json" } });
  if (!response.ok) {
    const error = new Error(await failureReason(response));
    error.status = response.status;
    throw error;
  }
  return response.status === 204 ? {} : response.json().catch(() => ({}));
}

// Export menus: the CoNLL side and the suggestions choice only apply to some formats.
function syncExportForm(form) {
  const format = (form.querySelector('input[name="format"]:checked') || {}).value;
  for (const input of form.querySelectorAll('.export-side input')) {
    input.disabled = format !== "conll";
  }
  const suggestions = form.querySelector('input[name="suggestions"]');
  if (suggestions) suggestions.disabled = !["jsonl", "conll"].includes(format);
}

for (const form of document.querySelectorAll("form.export-form")) {
  syncExportForm(form);
  form.addEventListener("change", () => syncExportForm(form));
}

// htmx actions (approve, restore, history, MT) that fail say why, next to where they started.
function htmxFailure(event, reason) {
  const origin = event.detail && event.detail.elt;
  const row = origin && origin.closest ? origin.closest(".seg") : null;
  const place = row ? row.querySelector(".row-message") : document.querySelector(".action-status");
  if (!place) return;
  place.textContent = `Not done: ${reason}.`;
  place.hidden = false;
}

document.body.addEventListener("htmx:responseError", async (event) => {
  const xhr = event.detail.xhr;
  const response = new Response(xhr.responseText, {
    status: xhr.status,
    statusText: xhr.statusText,
    headers: { "Content-Type": xhr.getResponseHeader("Content-Type") || "" },
  });
  htmxFailure(event, await failureReason(response));
});
document.body.addEventListener("htmx:sendError", (event) =>
  htmxFailure(event, "the server could not be reached (network down or server stopped)"),
);
document.body.addEventListener("htmx:timeout", (event) =>
  htmxFailure(event, `the server did not answer within ${TIMEOUT_SECONDS} seconds`),
);
