"""The one way plangraph reads its graph: for the CLI, the web pages, traces, comparisons and exports.

Every reader goes through these modules, so an entity has the same label, the same short IRI, the
same suggestions and the same width in a terminal table wherever it is shown:

- :mod:`.terms`: terms as readers see them (:class:`~.terms.Term`), compact IRIs, query text;
- :mod:`.sparql`: running SELECTs on a store and slicing IRIs into VALUES blocks;
- :mod:`.labels`: the label rule (one for every node, every page, every trace);
- :mod:`.nodes`: the node types of the network view, their colours, typed nodes, ``describe``;
- :mod:`.names`: resolving a name a person typed to a node, suggestions and search;
- :mod:`.display`: display width of CJK text and aligned text tables.

The query texts and the interpretation of their rows are plain functions, shared by the
synchronous library (a pyoxigraph store) and the asynchronous web pages (the query workers), which
only differ in how a query is sent.
"""
