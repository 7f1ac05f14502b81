// micdoctor ui: the page. Every text from the system (device and application
// names can be anything) is set with textContent, never as markup.
"use strict";

(function () {
  const $ = (selector) => document.querySelector(selector);
  const testButton = $('[data-action="test"]');
  const undoButton = $('[data-action="undo"]');
  let busy = null;
  let working = false;  // a request of this page is on its way

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setButtons(state) {
    const blocked = working || busy !== null;
    testButton.disabled = blocked;
    undoButton.disabled = blocked || !(state && state.undo);
    document.querySelectorAll("[data-fix]").forEach((b) => { b.disabled = blocked; });
    testButton.textContent = busy === "test" ? "Listening…" : "Test my microphone";
  }

  // --- the walk-through --------------------------------------------------------
  let lastState = null;
  const rendered = new Map();  // finding key -> element (kept while unchanged, so focus stays)

  function findingKey(f) { return JSON.stringify(f); }

  function findingElement(f) {
    const item = el("li", "finding " + f.severity);
    item.dataset.id = f.id;
    const title = el("h3", null, f.title);
    item.appendChild(title);
    if (f.words) item.appendChild(el("p", null, f.words));
    if (f.problem && f.fixes.length > 0) {
      const actions = el("div", "actions");
      for (const fix of f.fixes) {
        const button = el("button", null, "Fix this");
        button.type = "button";
        button.dataset.fix = fix;
        button.setAttribute("aria-label", "Fix: " + f.title);
        button.addEventListener("click", () => applyFix(fix));
        actions.appendChild(button);
      }
      item.appendChild(actions);
    }
    const more = [];
    if (f.detail) more.push(el("p", null, f.detail));
    if (f.steps.length > 0) {
      const list = el("ul");
      for (const step of f.steps) list.appendChild(el("li", null, step));
      more.push(el("p", null, "What you can do yourself:"), list);
    }
    more.push(el("p", "quiet", f.step_title + (f.device ? " · " + f.device : "") + " · " + f.id));
    const details = el("details");
    details.appendChild(el("summary", null, "Details"));
    more.forEach((node) => details.appendChild(node));
    item.appendChild(details);
    return item;
  }

  function renderState(state) {
    lastState = state;
    busy = state.busy;
    $("#verdict").textContent = state.verdict;
    $("#microphone").textContent = (state.microphone ? "Microphone: " + state.microphone + " · " : "") +
      "Sound system: " + state.system;
    const problems = $("#problems");
    const fine = $("#fine");
    const keep = new Map();
    const problemNodes = [];
    const fineNodes = [];
    for (const f of state.findings) {
      const key = findingKey(f);
      let node = rendered.get(key);
      if (!node || keep.has(key)) node = findingElement(f);
      keep.set(key, node);
      (f.problem ? problemNodes : fineNodes).push(node);
    }
    problems.replaceChildren(...problemNodes);
    fine.replaceChildren(...fineNodes);
    rendered.clear();
    keep.forEach((node, key) => rendered.set(key, node));
    $("#fine-summary").textContent = "What is working (" + fineNodes.length + ")";
    $("#fine-box").hidden = fineNodes.length === 0;
    if (problemNodes.length === 0) problems.appendChild(el("li", "quiet", "Nothing is wrong that micdoctor can see."));
    setButtons(state);
  }

  // --- results -------------------------------------------------------------------
  function showResult(box, good, lines) {
    box.className = "result" + (good ? "" : " bad");
    box.replaceChildren(...lines.map((line) => el("p", null, line)));
  }

  function fixLines(result) {
    const lines = result.changes.map((c) => c.summary + ": " + c.words + ".");
    if (result.stopped) lines.push("Stopped: " + result.stopped + ".");
    if (result.run) lines.push("You can put it back with “Undo the last fix”.");
    return lines;
  }

  function undoLines(result) {
    const lines = result.entries.map((e) => e.summary + ": " + e.words + ".");
    if (result.stopped) lines.push("Undo stopped: " + result.stopped + ".");
    return lines;
  }

  async function post(path, body) {
    working = true;
    setButtons(lastState);
    try {
      const init = { method: "POST", credentials: "same-origin" };
      if (body !== undefined) {
        init.headers = { "Content-Type": "application/json" };
        init.body = JSON.stringify(body);
      }
      const response = await fetch(path, init);
      let answer = {};
      try { answer = await response.json(); } catch (e) { answer = {}; }
      if (answer.state) renderState(answer.state);
      return { ok: response.ok, status: response.status, answer };
    } catch (e) {
      return { ok: false, status: 0, answer: { error: "micdoctor does not answer: is it still running?" } };
    } finally {
      working = false;
      setButtons(lastState);
    }
  }

  async function applyFix(fix) {
    const box = $("#fix-result");
    showResult(box, true, ["Fixing…"]);
    const r = await post("/api/fix", { fix });
    if (r.ok) showResult(box, r.answer.done, fixLines(r.answer));
    else showResult(box, false, [r.answer.error || "The fix did not work."]);
  }

  undoButton.addEventListener("click", async () => {
    const box = $("#fix-result");
    showResult(box, true, ["Putting back the last fix…"]);
    const r = await post("/api/undo");
    if (r.ok) showResult(box, r.answer.done, ["Undone. "].concat(undoLines(r.answer)));
    else showResult(box, false, [r.answer.error || "Undo did not work."]);
  });

  // --- the microphone test ---------------------------------------------------
  function showLevel(dbfs) {
    const output = $("#level");
    const value = Math.max(-120, Math.min(0, Number(dbfs)));
    output.dataset.level = value.toFixed(1);
    output.textContent = value <= -90 ? "silent" : value.toFixed(0) + " dBFS";
    const bar = $("#meter-bar");
    bar.style.width = Math.max(0, (value + 60) / 60 * 100) + "%";
    bar.classList.toggle("loud", value > -3);
  }

  function renderTest(t) {
    const box = $("#test-result");
    if (t.phase === "listening") {
      showResult(box, true, ["Listening" + (t.microphone ? " to " + t.microphone : "") + ": speak now…"]);
      return;
    }
    if (t.phase === "failed") {
      showResult(box, false, ["The test could not record: " + (t.error || "unknown reason") + "."]);
      return;
    }
    box.className = "result";
    const nodes = [el("p", "verdict", t.verdict)];
    if (t.heard.length > 0) {
      const list = el("ul");
      for (const h of t.heard) list.appendChild(el("li", null, (h.problem ? "⚠ " : "✓ ") + h.title));
      nodes.push(list);
    }
    if (t.pictures.length > 0) {
      const details = el("details");
      details.appendChild(el("summary", null, "Pictures of what it heard"));
      for (const p of t.pictures) {
        const figure = el("figure");
        const img = el("img");
        img.src = "/api/picture/" + encodeURIComponent(p.name) + ".svg?test=" + encodeURIComponent(t.number);
        img.alt = p.caption;
        figure.appendChild(img);
        figure.appendChild(el("figcaption", null, p.caption));
        details.appendChild(figure);
      }
      nodes.push(details);
    }
    box.replaceChildren(...nodes);
  }

  testButton.addEventListener("click", async () => {
    const r = await post("/api/test");
    if (!r.ok) showResult($("#test-result"), false, [r.answer.error || "The test could not start."]);
  });

  // --- live updates ------------------------------------------------------------
  function parse(event) {
    try { return JSON.parse(event.data); } catch (e) { return null; }
  }

  function connect() {
    const source = new EventSource("/events");
    source.addEventListener("open", () => { $("#connection").textContent = ""; });
    source.addEventListener("error", () => {
      $("#connection").textContent = "Waiting for micdoctor… (if this stays, micdoctor has stopped: start it again)";
    });
    source.addEventListener("state", (e) => { const s = parse(e); if (s) renderState(s); });
    source.addEventListener("level", (e) => { const l = parse(e); if (l) showLevel(l.dbfs); });
    source.addEventListener("test", (e) => { const t = parse(e); if (t) renderTest(t); });
    source.addEventListener("fix", (e) => {
      const f = parse(e);
      if (f && !working) showResult($("#fix-result"), f.done, fixLines(f));
    });
    source.addEventListener("undo", (e) => {
      const u = parse(e);
      if (u && !working) showResult($("#fix-result"), u.done, ["Undone. "].concat(undoLines(u)));
    });
  }

  fetch("/api/state", { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : null))
    .then((s) => { if (s && !lastState) renderState(s); })
    .catch(() => {});
  connect();
})();
