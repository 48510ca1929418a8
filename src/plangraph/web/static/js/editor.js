// The SPARQL editor page: edit, run (POST /sparql), show results as a table, download them.
// Results are data from untrusted documents: they are only ever inserted as text nodes.
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const PAGE_SIZE = 100;
  const STORAGE_KEY = "plangraph.editor.query";
  const EXAMPLE = [
    "# 项目及其支撑的产业 Projects and the industries they support",
    "SELECT ?project ?name ?industry ?industryName WHERE {",
    "  ?project a pg:Project ;",
    "           rdfs:label ?name ;",
    "           pg:supportsIndustry ?industry .",
    "  ?industry skos:prefLabel ?industryName .",
    "}",
    "LIMIT 100",
  ].join("\n");
  // File name extension of each media type the endpoint answers with.
  const EXTENSIONS = {
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/sparql-results+json": "srj",
    "application/sparql-results+xml": "srx",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdf",
  };

  const $ = (id) => document.getElementById(id);
  const statusBox = $("status");
  const resultsBox = $("results");
  let editor = null;
  let running = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  // --- the editor ------------------------------------------------------------------------

  function initialQuery() {
    if (config.query) return config.query;
    try {
      return window.localStorage.getItem(STORAGE_KEY) || EXAMPLE;
    } catch (err) {
      return EXAMPLE;
    }
  }

  function makeEditor() {
    const textarea = $("query-text");
    const host = $("editor");
    const text = initialQuery();
    if (window.SparqlEditor && window.SparqlEditor.create) {
      textarea.hidden = true;
      host.hidden = false;
      return window.SparqlEditor.create(host, {
        doc: text,
        onRun: run,
        prefixes: config.prefixes,
        terms: config.terms,
        label: "SPARQL 查询 query",
      });
    }
    // Without the editor bundle a plain text area still does everything.
    textarea.value = text;
    textarea.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        run();
      }
    });
    return { getValue: () => textarea.value, setValue: (v) => (textarea.value = v), focus: () => textarea.focus() };
  }

  function remember(text) {
    try {
      window.localStorage.setItem(STORAGE_KEY, text);
    } catch (err) {
      /* private mode: nothing to remember */
    }
    $("share").href = "/editor?query=" + encodeURIComponent(text);
  }

  // --- saved queries -------------------------------------------------------------------------

  function renderSaved() {
    const list = $("saved-list");
    if (!config.saved.length) {
      list.append(el("li", { class: "muted small", text: "No saved queries." }));
      return;
    }
    for (const saved of config.saved) {
      const button = el(
        "button",
        { type: "button", class: "saved-item", "data-name": saved.name, "aria-current": saved.name === config.savedName ? "true" : null },
        el("span", { class: "saved-title", text: saved.title }),
        saved.description ? el("span", { class: "saved-desc", text: saved.description }) : ""
      );
      button.addEventListener("click", () => {
        for (const other of list.querySelectorAll("[aria-current]")) other.removeAttribute("aria-current");
        button.setAttribute("aria-current", "true");
        editor.setValue(saved.query);
        history.replaceState(null, "", "/editor?saved=" + encodeURIComponent(saved.name));
        run();
      });
      list.append(el("li", {}, button));
    }
  }

  // --- running ---------------------------------------------------------------------------------

  function setStatus(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "status" + (kind ? " " + kind : "");
  }

  async function post(query, extra, accept) {
    const body = new URLSearchParams({ query, ...extra });
    return fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
      body,
    });
  }

  async function run() {
    const query = editor.getValue();
    if (!query.trim()) return;
    remember(query);
    if (running) running.abort = true;
    const ticket = { abort: false };
    running = ticket;
    const started = performance.now();
    setStatus("运行中… Running…", "busy");
    $("run").disabled = true;
    resultsBox.replaceChildren();
    try {
      // One Accept list for every query form: the server answers SELECT/ASK with JSON results and
      // CONSTRUCT/DESCRIBE with Turtle.
      const response = await post(query, {}, "application/sparql-results+json, text/turtle;q=0.9");
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (ticket.abort) return;
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        const message = await response.text();
        setStatus(`错误 Error ${response.status} (${seconds} s)`, "error");
        resultsBox.append(el("pre", { class: "error-text", role: "alert", text: message }));
        return;
      }
      if (type.startsWith("application/sparql-results+json")) {
        const data = await response.json();
        showResults(data, response, seconds);
      } else {
        const text = await response.text();
        setStatus(`图 Graph · ${response.headers.get("X-Plangraph-Rows") || "?"} triples · ${seconds} s`, "ok");
        resultsBox.append(el("pre", { class: "graph-text", text }));
      }
    } catch (err) {
      setStatus("网络错误 Network error: " + err.message, "error");
    } finally {
      if (running === ticket) {
        running = null;
        $("run").disabled = false;
      }
    }
  }

  function showResults(data, response, seconds) {
    if (typeof data.boolean === "boolean") {
      setStatus(`ASK · ${seconds} s`, "ok");
      resultsBox.append(el("p", { class: "boolean " + (data.boolean ? "yes" : "no"), text: data.boolean ? "true 是" : "false 否" }));
      return;
    }
    const vars = data.head.vars || [];
    const rows = data.results.bindings || [];
    const truncated = response.headers.get("X-Plangraph-Truncated");
    let text = `${rows.length} 行 rows · ${seconds} s`;
    if (truncated) text += ` · 结果已截断为 ${rows.length} 行 (max_result_rows) — results were cut`;
    setStatus(text, truncated ? "warn" : "ok");
    renderTable(vars, rows, 0);
  }

  function compact(iri) {
    let best = "";
    let name = "";
    for (const [prefix, ns] of Object.entries(config.prefixes)) {
      if (iri.startsWith(ns) && ns.length > best.length) {
        best = ns;
        name = prefix + ":" + iri.slice(ns.length);
      }
    }
    return best ? name : iri;
  }

  function cell(binding) {
    if (!binding) return "";
    if (binding.type === "uri") {
      return el("a", { href: "/entity?iri=" + encodeURIComponent(binding.value), title: binding.value, class: "iri", text: compact(binding.value) });
    }
    if (binding.type === "bnode") return el("span", { class: "bnode", text: "_:" + binding.value });
    if (binding.type === "triple") {
      const t = binding.value;
      return el("span", { class: "triple" }, "<< ", cell(t.subject), " ", cell(t.predicate), " ", cell(t.object), " >>");
    }
    const span = el("span", { class: "literal", lang: binding["xml:lang"] || null, text: binding.value });
    const wrap = el("span", {}, span);
    if (binding["xml:lang"]) wrap.append(" ", el("span", { class: "tag", text: "@" + binding["xml:lang"] }));
    else if (binding.datatype) wrap.append(" ", el("span", { class: "tag", title: binding.datatype, text: compact(binding.datatype) }));
    return wrap;
  }

  function renderTable(vars, rows, page) {
    resultsBox.replaceChildren();
    if (!rows.length) {
      resultsBox.append(el("p", { class: "muted", text: "没有结果 No results." }));
      return;
    }
    const pages = Math.ceil(rows.length / PAGE_SIZE);
    const first = page * PAGE_SIZE;
    const table = el("table", { class: "data results-table" });
    const headRow = el("tr", {}, el("th", { scope: "col", class: "rownum", text: "#" }));
    for (const v of vars) headRow.append(el("th", { scope: "col", text: "?" + v }));
    table.append(el("thead", {}, headRow));
    const body = el("tbody");
    rows.slice(first, first + PAGE_SIZE).forEach((row, i) => {
      const tr = el("tr", {}, el("td", { class: "rownum", text: String(first + i + 1) }));
      for (const v of vars) tr.append(el("td", {}, cell(row[v])));
      body.append(tr);
    });
    table.append(body);
    resultsBox.append(el("div", { class: "table-wrap" }, table));
    if (pages > 1) {
      const nav = el("nav", { class: "pager", "aria-label": "结果分页 Result pages" });
      const prev = el("button", { type: "button", class: "button", text: "← 上一页", disabled: page === 0 ? "disabled" : null });
      const next = el("button", { type: "button", class: "button", text: "下一页 →", disabled: page >= pages - 1 ? "disabled" : null });
      prev.addEventListener("click", () => renderTable(vars, rows, page - 1));
      next.addEventListener("click", () => renderTable(vars, rows, page + 1));
      nav.append(prev, el("span", { text: ` ${page + 1} / ${pages} ` }), next);
      resultsBox.append(nav);
    }
  }

  async function download() {
    const query = editor.getValue();
    const format = $("download-format").value;
    setStatus("准备下载… Preparing the download…", "busy");
    try {
      const response = await post(query, { format }, "*/*");
      if (!response.ok) {
        setStatus(`错误 Error ${response.status}: ${await response.text()}`, "error");
        return;
      }
      const blob = await response.blob();
      const contentType = (response.headers.get("Content-Type") || "").split(";")[0].trim();
      const link = el("a", { href: URL.createObjectURL(blob), download: "plangraph-results." + (EXTENSIONS[contentType] || "txt") });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      setStatus(`已下载 Downloaded (${contentType})`, "ok");
    } catch (err) {
      setStatus("网络错误 Network error: " + err.message, "error");
    }
  }

  function start() {
    editor = makeEditor();
    renderSaved();
    $("run").addEventListener("click", run);
    $("download").addEventListener("click", download);
    $("share").href = "/editor?query=" + encodeURIComponent(editor.getValue());
    if (config.autorun) run();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
