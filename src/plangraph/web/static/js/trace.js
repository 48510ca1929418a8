// Trace page: draw the trace's graph with the bundled Cytoscape.js (no network access), coloured by
// node type, with a legend that hides and shows types. A click on a node shows it in the side panel
// and, for a project, highlights its row in the ranked list. Every label is document text: it is
// drawn on the canvas or inserted with textContent, never as HTML.
(function () {
  "use strict";
  const holder = document.getElementById("cy");
  const dataElement = document.getElementById("trace-graph");
  if (!holder || !dataElement || typeof cytoscape !== "function") return;
  const data = JSON.parse(dataElement.textContent);
  const status = { ready: false, nodes: data.elements.nodes.length, edges: data.elements.edges.length };
  window.plangraphTrace = status;

  const css = getComputedStyle(document.documentElement);
  const text = css.getPropertyValue("--text").trim() || "#1c2329";
  const surface = css.getPropertyValue("--surface").trim() || "#ffffff";
  const muted = css.getPropertyValue("--muted").trim() || "#5d6873";

  const cy = cytoscape({
    container: holder,
    elements: data.elements,
    layout: { name: "preset", fit: false },
    minZoom: 0.1,
    maxZoom: 3,
    wheelSensitivity: 0.25,
    style: [
      { selector: "node", style: {
          "background-color": "data(colour)", "label": "data(label)", "width": 16, "height": 16,
          "border-width": 2, "border-color": surface, "font-size": 10, "color": text,
          "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": 150,
          "text-outline-color": surface, "text-outline-width": 2, "min-zoomed-font-size": 6 } },
      { selector: "node.Box, node.Division, node.Park, node.Region, node.Document", style: {
          "width": 24, "height": 24, "shape": "round-rectangle", "font-size": 11 } },
      { selector: "node.Industry", style: { "width": 30, "height": 30, "font-size": 12, "font-weight": 600 } },
      { selector: "node.asked", style: {
          "width": 46, "height": 46, "font-size": 14, "border-width": 4, "border-color": "#fbe3e4" } },
      { selector: "edge", style: {
          "width": 1.4, "line-color": "#b9c2c9", "target-arrow-color": "#b9c2c9", "target-arrow-shape": "triangle",
          "arrow-scale": 0.8, "curve-style": "bezier", "opacity": 0.85 } },
      { selector: "edge.show-label", style: {
          "label": "data(label)", "font-size": 9, "color": muted, "text-rotation": "autorotate",
          "text-background-color": surface, "text-background-opacity": 0.9, "text-background-padding": 1 } },
      { selector: "node:selected, node.row-hover", style: { "border-color": text, "border-width": 3 } },
      { selector: "edge.show-label, edge:selected", style: { "line-color": muted, "target-arrow-color": muted, "width": 2 } },
      { selector: ".faded", style: { "opacity": 0.18 } },
      { selector: ".hidden", style: { "display": "none" } }
    ]
  });
  status.cy = cy;

  // Positions come with the data (a layered drawing made by the server): no layout runs here.
  cy.fit(undefined, 30);
  status.ready = true;
  document.body.setAttribute("data-graph-nodes", String(cy.nodes().length));

  // --- the side panel ---------------------------------------------------------------------------
  const info = document.getElementById("graph-info");
  function show(node) {
    const d = node.data();
    info.replaceChildren();
    const title = document.createElement("h3");
    title.textContent = d.label;
    title.lang = "zh";
    const kind = document.createElement("p");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = d.colour;
    kind.append(swatch, " " + d.type + " · " + node.degree(false) + " relations");
    const links = document.createElement("p");
    const entity = document.createElement("a");
    entity.href = d.url;
    entity.textContent = "实体页 entity page →";
    links.append(entity);
    if (d.anchor) {
      const row = document.createElement("a");
      row.href = "#" + d.anchor;
      row.textContent = "列表中 in the list ↓";
      links.append(" · ", row);
    }
    info.append(title, kind, links);
  }
  function highlightRow(anchor) {
    document.querySelectorAll(".trace-item.selected").forEach(function (el) { el.classList.remove("selected"); });
    if (!anchor) return;
    const row = document.getElementById(anchor);
    if (row) row.classList.add("selected");
  }
  cy.on("tap", "node", function (event) {
    const node = event.target;
    const near = node.closedNeighborhood();
    cy.elements().addClass("faded");
    near.removeClass("faded");
    cy.edges().removeClass("show-label");
    node.connectedEdges().addClass("show-label");
    show(node);
    highlightRow(node.data("anchor"));
  });
  cy.on("tap", function (event) {
    if (event.target !== cy) return;
    cy.elements().removeClass("faded show-label");
    highlightRow(null);
  });

  // --- legend: hide or show a type --------------------------------------------------------------
  document.querySelectorAll(".legend-item").forEach(function (button) {
    button.addEventListener("click", function () {
      const on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", on ? "true" : "false");
      const nodes = cy.nodes().filter(function (n) { return n.data("type") === button.dataset.type; });
      if (on) nodes.removeClass("hidden"); else nodes.addClass("hidden");
    });
  });

  // --- the list points at the graph --------------------------------------------------------------
  document.querySelectorAll(".trace-item[data-iri]").forEach(function (row) {
    const node = cy.getElementById(row.dataset.iri);
    if (node.empty()) return;
    row.addEventListener("mouseenter", function () { node.addClass("row-hover"); });
    row.addEventListener("mouseleave", function () { node.removeClass("row-hover"); });
  });
})();
