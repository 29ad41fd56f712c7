/**
 * Whether two sides answered a call the same: status line, the headers that matter and the body,
 * each side normalised (normalise.ts) with its own live ticket and its own address.
 */
import { withoutLiveValues, withoutStackTraces } from './normalise';
import { COMPARED_HEADERS, type SideAnswer } from './replayCase';

export interface CaseResult {
  readonly name: string;
  readonly same: boolean;
  /** The upstream's answer, normalised (kit form: status line, headers, blank line, body). */
  readonly upstream: string;
  /** The target's answer, normalised. */
  readonly target: string;
  readonly durationMs: number;
  /** A side that could not be reached, instead of its answer. */
  readonly error?: string;
}

/** An answer in the kit's reduced form, with live values, addresses and stack traces taken out. */
export function normalisedAnswer(
  answer: SideAnswer,
  tickets: readonly string[],
  origins: readonly string[] = [],
): string {
  let head = `HTTP/1.1 ${answer.status} ${answer.statusMessage}\r\n`;
  for (const name of COMPARED_HEADERS) {
    const value = answer.headers[name];
    if (value !== undefined) head += `${name}: ${value}\r\n`;
  }
  const plain = /^text\/plain/i.test(answer.headers['Content-Type'] ?? '');
  let body = withoutStackTraces(answer.body, plain);
  for (const origin of origins) if (origin) body = body.split(origin).join('{{origin}}');
  return withoutLiveValues(`${head}\r\n${body}`, tickets);
}

export function compareAnswers(
  name: string,
  upstream: string,
  target: string,
  durationMs: number,
): CaseResult {
  return { name, same: upstream === target, upstream, target, durationMs };
}
