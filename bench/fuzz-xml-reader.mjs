// The request reader's differential fuzz at full size: test/xmlReader.differential.test.ts (the
// reader against the copy of the one it replaced, which ran fast-xml-parser's validator on every
// document) on 100,000 random and mutated documents and every UTF-16 code unit, instead of the
// few thousand `npm test` runs.
//
//   node bench/fuzz-xml-reader.mjs [documents] [seed]     prints a tally per part and the time taken
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const documents = process.argv[2] ?? '100000';
const env = { ...process.env, XML_FUZZ_DOCUMENTS: documents };
if (process.argv[3] !== undefined) env.XML_FUZZ_SEED = process.argv[3];

const started = Date.now();
const run = spawnSync(
  process.execPath,
  [require.resolve('jest/bin/jest'), '--runTestsByPath', 'test/xmlReader.differential.test.ts'],
  { cwd: root, env, stdio: 'inherit' },
);
console.log(
  `${documents} documents: ${run.status === 0 ? 'no difference' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s`,
);
process.exit(run.status ?? 1);
