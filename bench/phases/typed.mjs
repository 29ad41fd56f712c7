// Phase: the typed example's GetDocumentInfo (a complex result, examples/inforouter-documents)
// over SOAP 1.1 and HTTP GET, answered by the handler module (the example's own config) and by
// stubs only (bench/typed-stubs/config.json: the same WSDL, a stub file for GetDocumentInfo).
// Each against a floor answering the same bytes: the emulator's answer is captured first (the
// handler's and the stubs' must be identical, and the body must be fixtures/typed's expected
// one), and bench/floor-server.mjs --answer serves it. Target: emulator >= 0.40 x that floor.
// As in the throughput phase, BENCH_ROUNDS rounds of floor then emulator per row, the floor up
// for the row's rounds, and the median of the rounds' own ratios judged: a floor measured once
// and compared with runs minutes later measured the machine's drift as much as the emulator.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  BENCH_DIR,
  ISSUE_PATH,
  ROOT,
  SERVER_CORE,
  TICKET_IN_BODY,
  request,
  scenarioByName,
  startEmulatorProcess,
  startServerProcess,
} from '../common.mjs';
import { log, measure, median, medianRun, report, roundSec, settings, workDir } from '../harness.mjs';

export const TYPED_SCENARIOS = ['soap11-docinfo', 'get-docinfo'];
export const TYPED_VARIANTS = {
  handler: path.join(ROOT, 'examples', 'inforouter-documents', 'config.json'),
  stubs: path.join(BENCH_DIR, 'typed-stubs', 'config.json'),
};
const EXPECTED = { 'soap11-docinfo': 'soap11-GetDocumentInfo-ok', 'get-docinfo': 'get-GetDocumentInfo-ok' };
/** Headers node:http writes itself (the floor's server writes its own). */
const SERVER_WRITTEN = new Set(['content-length', 'date', 'connection', 'keep-alive']);

/** Starts the emulator with a typed config; resolves with the server once it answers. */
export function startTypedEmulator(variant, extraArgs = []) {
  return startEmulatorProcess(`emulator (${variant})`, {
    args: [...extraArgs, path.join(ROOT, 'dist', 'main.js'), '--config', TYPED_VARIANTS[variant]],
  });
}

/** One live ticket of `origin`, in a file for the load generator (`cycle`: the same on every request). */
export async function liveTicketFile(origin, name) {
  const { body } = await request(origin, { path: ISSUE_PATH });
  const ticket = TICKET_IN_BODY.exec(body)?.[1];
  if (!ticket) throw new Error(`no ticket issued by ${origin}: ${body}`);
  const file = path.join(workDir, `ticket-${name}.txt`);
  writeFileSync(file, ticket);
  return { ticket, file };
}

/** The answer with its headers in the order sent, for the floor. */
function capture(origin, { method, path: urlPath, headers, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(urlPath, origin), { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const pairs = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (!SERVER_WRITTEN.has(res.rawHeaders[i].toLowerCase()))
            pairs.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
        }
        resolve({ status: res.statusCode, headers: pairs, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The body of fixtures/typed/expected/<name>.http (no Content-Length there: up to the end). */
function expectedBody(name) {
  const raw = readFileSync(path.join(ROOT, 'fixtures', 'typed', 'expected', `${name}.http`), 'utf8');
  const blank = /\r?\n\r?\n/.exec(raw);
  return raw.slice(blank.index + blank[0].length);
}

export async function typedPhase() {
  const results = {};
  const answers = {};
  for (const [variant] of Object.entries(TYPED_VARIANTS)) {
    const server = await startTypedEmulator(variant);
    try {
      const { ticket, file } = await liveTicketFile(server.origin, variant);
      for (const name of TYPED_SCENARIOS) {
        const scenario = scenarioByName(name);
        const answer = await capture(server.origin, scenario.request(ticket));
        const expected = expectedBody(EXPECTED[name]).replace(/\r?\n$/, '');
        if (answer.status !== 200 || answer.body.replace(/\r?\n$/, '') !== expected) {
          throw new Error(`${name} (${variant}): not the expected answer:\n${answer.status} ${answer.body}`);
        }
        if (answers[name] && JSON.stringify(answers[name]) !== JSON.stringify(answer)) {
          throw new Error(`${name}: the stubs and the handler answer differently`);
        }
        answers[name] = answer;
        const key = `${name}-${variant}`;
        const row = (results[key] = {
          label: `${scenario.label} (${variant})`,
          scenario: name,
          variant,
          rounds: [],
        });
        const job = {
          kind: 'throughput',
          scenario: name,
          connections: settings.connections,
          warmupSec: settings.warmupSec,
          durationSec: roundSec,
        };
        const answerFile = path.join(workDir, `answer-${name}.json`);
        writeFileSync(answerFile, JSON.stringify(answer));
        const floor = await startServerProcess(
          'floor',
          [path.join(BENCH_DIR, 'floor-server.mjs'), '--answer', answerFile],
          { core: SERVER_CORE },
        );
        try {
          for (let index = 0; index < settings.rounds; index++) {
            const floorRun = await measure({ ...job, origin: floor.origin, serverPid: floor.pid });
            report(key, 'floor', floorRun);
            const emulatorRun = await measure({
              ...job,
              origin: server.origin,
              serverPid: server.pid,
              ticketsFile: file,
            });
            report(key, 'emulator', emulatorRun);
            row.rounds.push({
              floor: floorRun,
              emulator: emulatorRun,
              floorRatio: emulatorRun.rps / floorRun.rps,
            });
          }
        } finally {
          await floor.stop();
        }
        row.floor = medianRun(row.rounds.map((round) => round.floor));
        row.emulator = medianRun(row.rounds.map((round) => round.emulator));
        const ratios = row.rounds.map((round) => round.floorRatio);
        row.floorRatio = median(ratios);
        log(
          `  ${key} x floor per round ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')} -> ${row.floorRatio.toFixed(2)}`,
        );
      }
    } finally {
      await server.stop();
    }
  }
  return results;
}
