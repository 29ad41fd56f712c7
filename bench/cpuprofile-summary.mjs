// Self time of a V8 CPU profile (`node --cpu-prof`), by function and by area.
//
//   node bench/cpuprofile-summary.mjs <file.cpuprofile> [top] [requests]   (default top 15)
//
// Self time is the time a function was on top of the stack: where the CPU actually went.
// Percentages are of the busy time (everything but `(idle)`).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './common.mjs';

/** Self time in ms per node id: each sample is charged the time delta that follows it. */
function selfTimes(profile) {
  const self = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const delta = (timeDeltas[i + 1] ?? 0) / 1000;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + delta);
  }
  return self;
}

/** Where a function lives: this project's file, a package, node itself, or a V8 pseudo-frame. */
function areaOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = file.slice(modules + 'node_modules/'.length).split('/');
    return `npm ${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  return path.relative(ROOT, file);
}

function location(url, lineNumber) {
  if (!url) return '';
  if (url.startsWith('node:')) return `${url}:${lineNumber + 1}`;
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = file.lastIndexOf('node_modules/');
  const shown = modules >= 0 ? file.slice(modules + 'node_modules/'.length) : path.relative(ROOT, file);
  return `${shown}:${lineNumber + 1}`;
}

/** Aggregates a profile; returns the rows, ready to print. */
export function summarise(profile, top = 15) {
  const self = selfTimes(profile);
  const byFunction = new Map();
  const byArea = new Map();
  let idle = 0;
  let busy = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += ms;
      continue;
    }
    busy += ms;
    const name = functionName || '(anonymous)';
    const key = `${name} ${location(url, lineNumber)}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    const area = areaOf(url, name);
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
  }
  const rank = (map, limit) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([key, ms]) => ({ key, ms, share: ms / busy }));
  return { busyMs: busy, idleMs: idle, functions: rank(byFunction, top), areas: rank(byArea, 12) };
}

/** The summary as text; given the number of requests served, also CPU µs per request. */
export function formatSummary(summary, requests) {
  const perRequest = (ms) => (requests ? `${((ms * 1000) / requests).toFixed(1).padStart(6)} µs/req  ` : '');
  const row = ({ key, ms, share }) =>
    `  ${(share * 100).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(6)} ms  ${perRequest(ms)}${key}`;
  const total = requests ? `, ${perRequest(summary.busyMs).trim()} over ${requests} requests` : '';
  return [
    `busy ${summary.busyMs.toFixed(0)} ms${total}, idle ${summary.idleMs.toFixed(0)} ms`,
    '',
    'self time by function:',
    ...summary.functions.map(row),
    '',
    'self time by area:',
    ...summary.areas.map(row),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top = '15', requests] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/cpuprofile-summary.mjs <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(
    formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8')), Number(top)), Number(requests) || 0),
  );
}
