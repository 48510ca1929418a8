"""Files bundled with the package: the HTML export's template and the vendored Cytoscape.js."""
