// The floor: the fastest a node:http server on this machine can answer a scenario.
//
//   node bench/floor-server.mjs <golden> [port]
//   node bench/floor-server.mjs --answer <file.json> [port]   (status, headers [[name, value]], body)
//
// It reads every request body to its end (as the emulator must) and answers the exact bytes the
// emulator answers for that scenario, taken from fixtures/exchanges/<golden>.http: same status,
// same headers in the same order, same body. It parses nothing and decides nothing, so the
// emulator's throughput divided by this one is the share of the budget the emulator keeps for
// everything that makes it an emulator (routing, XML, the store).
// With --answer, the bytes are an answer the emulator gave, captured by the typed phase (its
// scenarios have no golden file).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { readGolden } from './common.mjs';

const argv = process.argv.slice(2);
const captured = argv[0] === '--answer' ? argv.splice(0, 2)[1] : undefined;
const [golden = captured, port = '0'] = argv;
if (!golden) {
  console.error('usage: node bench/floor-server.mjs <fixtures/exchanges name> | --answer <file.json> [port]');
  process.exit(2);
}

const answer = captured ? readCaptured(captured) : readGolden(golden);

function readCaptured(file) {
  const { status, headers, body } = JSON.parse(readFileSync(file, 'utf8'));
  return { status, headers, body: Buffer.from(body, 'utf8') };
}
// Content-Length is set by the server below, as the emulator does; the rest come from the capture.
const headers = Object.fromEntries(
  answer.headers.filter(([name]) => name.toLowerCase() !== 'content-length'),
);
headers['Content-Length'] = answer.body.length;

const server = http.createServer((req, res) => {
  req.on('data', ignore);
  req.on('end', () => {
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  });
});

function ignore() {}

server.listen(Number(port), '127.0.0.1', () => {
  const { address, port: actual } = server.address();
  console.log(`floor (${golden}) listening http://${address}:${actual}`);
});
// Nothing to flush: stop at once.
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
