/**
 * The stub rules a recording writes (the stub file format of services/stubs): one rule per
 * operation and arguments, `when` naming every argument except the ticket (the user of the
 * ticket instead, as `$user`) and passwords (never written), merged so that a later answer for
 * the same arguments replaces an earlier one.
 */
import type { MemberModel, OperationModel, TypeModel } from '../contract/model';
import type { Arguments } from '../codec/values';
import { DotNetDateTime } from '../codec/values';
import { ticketParameter } from '../services/invoke';
import type { RecordedAnswer } from './resultJson';

export interface StubRule {
  readonly when: Readonly<Record<string, unknown>>;
  readonly result?: unknown;
  readonly fault?: string;
}

/** Parameters that carry a password: never written, not matched on (the answer is recorded under the user name only). */
export function isPasswordParameter(name: string): boolean {
  return /pwd|password|passwd|secret/i.test(name);
}

/** The `when` of a call: every argument by name (complex ones member by member), `$user` for the ticket. */
export function whenOf(
  operation: OperationModel,
  args: Arguments,
  user: string | undefined,
): Record<string, unknown> {
  const when: Record<string, unknown> = {};
  const ticket = ticketParameter(operation)?.name;
  for (const param of operation.params) {
    if (param.name === ticket || isPasswordParameter(param.name)) continue;
    addExpectation(when, param.name, param, args[param.name]);
  }
  if (ticket && user !== undefined) when.$user = user;
  return when;
}

function addExpectation(
  when: Record<string, unknown>,
  name: string,
  member: MemberModel,
  value: unknown,
): void {
  if (value === null || value === undefined) {
    when[name] = null;
    return;
  }
  const type = member.type;
  if (type.kind === 'complex') {
    for (const inner of type.members) {
      addExpectation(when, `${name}.${inner.name}`, inner, (value as Record<string, unknown>)[inner.name]);
    }
    return;
  }
  if (type.kind === 'xmlNode') return; // only null can be matched
  when[name] = expectation(type, value);
}

function expectation(type: TypeModel, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type.kind === 'array') return (value as unknown[]).map((item) => expectation(type.item.type, item));
  if (value instanceof DotNetDateTime) return value.sent ?? value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  return value;
}

/**
 * The recorded answers of one operation: per `when`, the latest answer per transport. Written as
 * one rule per `when` when every transport got the same answer, else one rule per transport
 * (`"$transport": "http-get"`): GET/POST and SOAP read some arguments differently (a DateTime with
 * an offset is Local over GET/POST, Utc over SOAP), so the same `when` may answer differently.
 */
export class OperationRecording {
  private readonly byWhen = new Map<
    string,
    { when: Record<string, unknown>; answers: Map<string, string> }
  >();

  add(when: Record<string, unknown>, transport: string, answer: RecordedAnswer): void {
    const key = JSON.stringify(when);
    let entry = this.byWhen.get(key);
    if (!entry) this.byWhen.set(key, (entry = { when, answers: new Map() }));
    entry.answers.set(transport, JSON.stringify(answer));
  }

  rules(): StubRule[] {
    const rules: StubRule[] = [];
    for (const { when, answers } of this.byWhen.values()) {
      const distinct = new Set(answers.values());
      if (distinct.size === 1) {
        rules.push({ when, ...(JSON.parse([...distinct][0] as string) as RecordedAnswer) });
        continue;
      }
      for (const [transport, answer] of answers) {
        rules.push({ when: { ...when, $transport: transport }, ...(JSON.parse(answer) as RecordedAnswer) });
      }
    }
    return rules;
  }
}
