import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');

// Logs through the emulator's own stdout destination (the built logger), and writes what pino
// itself serialised for the same calls, as UTF-8, to a file.
const script = `
const fs = require('node:fs');
const { createLogger, flushLogs } = require(${JSON.stringify(path.join(ROOT, 'dist/observability/logger.js'))});
Date.now = () => 1790000000123;
let seed = 20260723;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const units = ['a', 'é', '€', '\\ud83d\\ude00', '\\ud800', '\\udc00', '"', '\\\\', '\\n', '\\u2028', 'z'];
const text = (length) => Array.from({ length }, () => units[Math.floor(random() * units.length)]).join('');
const expected = [];
const reference = createLogger('info', { write: (line) => void expected.push(line) });
const logger = createLogger('info');
for (let i = 0; i < 3000; i++) {
  // Mostly request-sized lines; now and then one longer than a slab holds.
  const long = i % 500 === 499;
  const fields = { i, msg: text(long ? 30000 : Math.floor(random() * 120)), short: text(8) };
  logger.info(fields);
  reference.info(fields);
}
flushLogs(logger).then(() => fs.writeFileSync(process.argv[1], expected.join('')));
`;

test('the stdout destination writes the bytes pino serialised, in order, across chunks and slabs', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asmx-logdest-'));
  try {
    const expectedFile = path.join(dir, 'expected.txt');
    const run = spawnSync(process.execPath, ['-e', script, expectedFile], { maxBuffer: 64 * 1024 * 1024 });
    expect(run.stderr.toString()).toBe('');
    expect(run.status).toBe(0);
    const expected = readFileSync(expectedFile);
    expect(expected.length).toBeGreaterThan(500_000);
    expect(run.stdout.equals(expected)).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
