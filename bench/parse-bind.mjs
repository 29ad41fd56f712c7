// Parse + bind of one SOAP request in-process: decodeSoap (charset, XML reader, envelope checks,
// routing, typed binding) of dist/, the same call the hot path makes, timed over many rounds.
//
//   node bench/parse-bind.mjs [rounds]     prints one JSON line: µs per call, per request
//
// Requests: a 4 KB UpdateDocumentInfo with a full DocumentInfo (the typed example's WSDL) and the
// SOAP 1.1 LogOut envelope of bench/common.mjs (the session WSDL).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DIST, ROOT, SCENARIOS } from './common.mjs';

const require = createRequire(import.meta.url);
const { decodeSoap } = require(path.join(DIST, 'transports', 'soap', 'soapAdapter.js'));
const { soap11 } = require(path.join(DIST, 'transports', 'soap11.js'));
const { loadWsdl } = require(path.join(DIST, 'contract', 'readWsdl.js'));

const rounds = Number(process.argv[2] ?? 50_000);

/** UpdateDocumentInfo with every DocumentInfo member, tags and description grown to 4 KB (shared with the reader's differential test). */
const UPDATE_DOCUMENT_INFO_4K = readFileSync(
  path.join(ROOT, 'fixtures', 'update-document-info-4k.xml'),
  'utf8',
);

function time(label, service, body, action) {
  const request = {
    body: Buffer.from(body),
    charset: 'utf-8',
    soapActionHeader: action,
    cookieTicket: undefined,
  };
  const first = decodeSoap(soap11, request, service);
  if (!('args' in first)) throw new Error(`${label}: not bound: ${JSON.stringify(first)}`);
  for (let i = 0; i < rounds / 5; i++) decodeSoap(soap11, request, service);
  const started = performance.now();
  for (let i = 0; i < rounds; i++) decodeSoap(soap11, request, service);
  const us = ((performance.now() - started) * 1000) / rounds;
  return { request: label, bytes: request.body.length, usPerCall: Math.round(us * 100) / 100 };
}

const typed = loadWsdl(path.join(ROOT, 'examples', 'inforouter-documents', 'srv-full.wsdl'));
const session = loadWsdl(path.join(ROOT, 'wsdl', 'srv.wsdl'));
const logOut = SCENARIOS.find((s) => s.name === 'soap11-logout-901').request();
const results = [
  time('UpdateDocumentInfo 4 KB', typed, UPDATE_DOCUMENT_INFO_4K, '"http://tempuri.org/UpdateDocumentInfo"'),
  time('LogOut', session, logOut.body, logOut.headers.SOAPAction),
];
console.log(JSON.stringify({ rounds, results }));
