// Classifies every change between two versions of the spec with api-smart-diff.
// Usage: node scripts/spec_diff.cjs BASE.yaml NEW.yaml [--json]
// Exit code: 0 no breaking change, 2 at least one breaking change, 1 on a usage error.
"use strict";
const fs = require("fs");
const yaml = require("js-yaml");
const { apiCompare } = require("api-smart-diff");

const args = process.argv.slice(2);
const json = args.includes("--json");
const files = args.filter((a) => a !== "--json");
if (files.length !== 2) {
  console.error("usage: node scripts/spec_diff.cjs BASE.yaml NEW.yaml [--json]");
  process.exit(1);
}
const [before, after] = files.map((f) => yaml.load(fs.readFileSync(f, "utf8")));
const { diffs } = apiCompare(before, after);
const changes = diffs
  .filter((d) => d.type !== "annotation")
  .map((d) => ({
    type: d.type,
    action: d.action,
    path: (d.path || []).join("."),
    pathArray: (d.path || []).map(String),
    description: d.description || "",
  }));
if (json) {
  console.log(JSON.stringify(changes, null, 2));
} else {
  for (const c of changes) console.log(`${c.type.padEnd(13)} ${c.action.padEnd(7)} ${c.path}`);
  const breaking = changes.filter((c) => c.type === "breaking").length;
  console.log(`${changes.length} changes, ${breaking} breaking`);
}
process.exit(changes.some((c) => c.type === "breaking") ? 2 : 0);
