// The SPARQL editor of the plangraph web UI: CodeMirror 6 with the SPARQL mode, completion of
// keywords, prefixes and the graph's own terms, and Ctrl/Cmd-Enter to run. Built by `npm run build`
// into ../static/vendor/sparql-editor.min.js (a global `SparqlEditor`), committed so the UI works
// offline without Node.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  StreamLanguage,
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { EditorState } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder,
} from "@codemirror/view";

const KEYWORDS = (
  "SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE DISTINCT REDUCED OPTIONAL UNION MINUS " +
  "GRAPH SERVICE FILTER BIND VALUES GROUP BY ORDER ASC DESC HAVING LIMIT OFFSET AS NOT EXISTS IN " +
  "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE " +
  "RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS " +
  "STRBEFORE STRAFTER YEAR MONTH DAY NOW UUID STRUUID MD5 SHA1 SHA256 COALESCE IF STRLANG STRDT " +
  "sameTerm isIRI isURI isBLANK isLITERAL isNUMERIC REGEX SUBSTR REPLACE a"
).split(" ");

function completions(prefixes, terms) {
  const options = [
    ...KEYWORDS.map((k) => ({ label: k, type: "keyword" })),
    ...Object.entries(prefixes).map(([p, ns]) => ({
      label: `PREFIX ${p}: <${ns}>`,
      type: "namespace",
      detail: "prefix",
    })),
    ...terms.map((t) => ({ label: t.label, type: t.kind === "class" ? "class" : "property", detail: t.detail || "" })),
  ];
  return (context) => {
    const word = context.matchBefore(/[\w:]+/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return { from: word.from, options, validFor: /^[\w:]*$/ };
  };
}

export function create(parent, { doc = "", onRun = () => {}, prefixes = {}, terms = [], label = "SPARQL" } = {}) {
  const run = () => {
    onRun();
    return true;
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        StreamLanguage.define(sparql),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        autocompletion({ override: [completions(prefixes, terms)] }),
        placeholder("SELECT * WHERE { ?s ?p ?o } LIMIT 10"),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": label }),
        keymap.of([
          { key: "Mod-Enter", run },
          { key: "Shift-Enter", run },
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...searchKeymap,
          ...historyKeymap,
          ...completionKeymap,
          indentWithTab,
        ]),
      ],
    }),
  });
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    focus: () => view.focus(),
  };
}
