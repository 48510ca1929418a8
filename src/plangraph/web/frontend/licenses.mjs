// Writes ../static/vendor/sparql-editor.LICENSES.txt: the licence of every package in the bundle
// (run after `npm run build` with `node licenses.mjs`; the list comes from esbuild's metafile).
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { build } from "esbuild";

const result = await build({
  entryPoints: ["sparql-editor.mjs"],
  bundle: true,
  write: false,
  metafile: true,
  format: "iife",
  logLevel: "silent",
});
const packages = new Set();
for (const file of Object.keys(result.metafile.inputs)) {
  const match = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (match) packages.add(match[1]);
}
const parts = ["Third-party code bundled in sparql-editor.min.js (built from src/plangraph/web/frontend).\n"];
for (const name of [...packages].sort()) {
  const meta = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8"));
  const licenceFile = ["LICENSE", "LICENSE.md", "LICENSE.txt"].map((f) => `node_modules/${name}/${f}`).find(existsSync);
  const text = licenceFile ? readFileSync(licenceFile, "utf8").trim() : `License: ${meta.license}`;
  parts.push(`=== ${name} ${meta.version} (${meta.license}) ===\n${text}\n`);
}
writeFileSync("../static/vendor/sparql-editor.LICENSES.txt", parts.join("\n"));
console.log(`${packages.size} packages`);
