/**
 * The journal's redaction plan (src/admin/redactionPlan.ts) against the generic walk it splits in
 * two (redactArguments, kept as the reference): what the ring keeps of a call's arguments, shown
 * when the journal is read, is exactly what redactArguments shows of them, and it never holds a
 * password or one of the secrets. Random arguments on a fixed seed (PLAN_SEED=<n> runs another);
 * a failure names the seed and the counterexample.
 */
import fc from 'fast-check';
import { DotNetDateTime } from '../src/codec/values';
import { redactArguments, isSecretName } from '../src/admin/redactArguments';
import { ownCopy } from '../src/admin/ownCopy';
import { RedactionPlan, type KeptArguments } from '../src/admin/redactionPlan';
import { ticketHash } from '../src/admin/ticketHash';

const SEED = Number(process.env.PLAN_SEED ?? 20261121);
const RUNS = 3000;

const TRUSTED = 'MyServerSecret';
const TICKET = '3f2a9c1b-0d4e-4b8a-9c1d-2e3f4a5b6c7d';

const NAMES = [
  'PWD',
  'TrustedUserPwd',
  'password',
  'apiToken',
  'clientSecret',
  'AuthenticationTicket',
  'OldTicket',
  'ticketId',
  'TicketToken',
  'UID',
  'UserName',
  'Lang',
  'DocumentId',
  'note',
];

/** A name from the list (secret, ticket and plain ones) or any other. */
const nameArb = fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 12 }));

/** Strings that meet the rules' edges: empty, short, substrings of a longer text, long, the secrets. */
const stringArb = fc.oneof(
  fc.constantFrom('', '***', TRUSTED, TICKET, 'jsmith', 'Secret123!', 'x'.repeat(500), 'y'.repeat(501)),
  fc.string({ maxLength: 20 }),
  fc.string({ minLength: 13, maxLength: 40 }).map((text) => `<body>${text}</body>`.slice(6, -7)),
  fc.string({ minLength: 490, maxLength: 520 }),
  fc.string({ maxLength: 8 }).map((text) => `${text} `),
);

const scalarArb = fc.oneof(
  stringArb,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
);

const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    scalarArb,
    scalarArb,
    fc.uint8Array({ maxLength: 4 }).map((bytes) => Buffer.from(bytes)),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(nameArb, tie('value'), { maxKeys: 3, noNullPrototype: true }),
    fc.bigInt({ min: 0n, max: 3155378975999999999n }).map((ticks) => new DotNetDateTime(ticks, 'Utc')),
  ),
})).value;

/** Arguments, mostly flat (as most operations' are), now and then with a complex value. */
const argsArb = fc.oneof(
  fc.dictionary(nameArb, scalarArb, { maxKeys: 5, noNullPrototype: true }),
  fc.dictionary(nameArb, valueArb, { maxKeys: 4, noNullPrototype: true }),
);

interface Case {
  readonly args: Record<string, unknown>;
  readonly planNames: string[];
  readonly carriedParameter: string | undefined;
  readonly secrets: ReadonlySet<string>;
  readonly carried: string;
}

/**
 * A call: its arguments; the plan's parameter names (the argument names, in another order at
 * times as SOAP's document order may be, some missing or extra); the carried ticket, often one
 * of the argument values (as it is when read from the ticket parameter); the secrets.
 */
const generalCaseArb: fc.Arbitrary<Case> = argsArb.chain((args) => {
  const keys = Object.keys(args);
  const strings = Object.values(args).filter((value): value is string => typeof value === 'string');
  return fc.record({
    args: fc.constant(args),
    planNames: fc.oneof(
      fc.constant(keys),
      fc.shuffledSubarray(keys),
      fc.array(nameArb, { maxLength: 4 }).map((extra) => [...keys, ...extra]),
    ),
    carriedParameter: fc.option(fc.constantFrom(...keys, 'AuthenticationTicket'), { nil: undefined }),
    secrets: fc
      .subarray([TRUSTED, ...strings.filter((text) => text !== '' && text !== '***')])
      .map((list) => new Set(list)),
    carried: fc.oneof(
      fc.constantFrom('', TICKET, TRUSTED, ...strings.filter((text) => text.length <= 64)),
      fc.string({ maxLength: 64 }),
    ),
  });
});

/**
 * A call of an operation whose one parameter is its ticket (LogOut, isValidTicket): the ticket
 * given, empty (a cookie carries it), or another value; now and then an argument the operation
 * does not declare.
 */
const ticketOnlyCaseArb: fc.Arbitrary<Case> = fc
  .record({
    name: fc.oneof(fc.constantFrom('AuthenticationTicket', 'OldTicket', 'PWD', 'note'), nameArb),
    carried: fc.oneof(fc.constantFrom(TICKET, TRUSTED, ''), fc.string({ maxLength: 64 })),
    other: stringArb,
    given: fc.constantFrom('carried', 'empty', 'other', 'null'),
    extra: fc.option(fc.dictionary(nameArb, scalarArb, { maxKeys: 2, noNullPrototype: true }), {
      freq: 3,
      nil: undefined,
    }),
    secretTicket: fc.boolean(),
    declared: fc.boolean(),
  })
  .map(({ name, carried, other, given, extra, secretTicket, declared }) => {
    const value = { carried, empty: '', other, null: null }[given];
    return {
      args: { ...extra, [name]: value },
      planNames: declared ? [name] : [name, 'Lang'],
      carriedParameter: name,
      secrets: new Set(secretTicket && carried !== '' ? [TRUSTED, carried] : [TRUSTED]),
      carried,
    };
  });

const caseArb = fc.oneof(generalCaseArb, ticketOnlyCaseArb);

/** The carried ticket as the journal keeps it: a ticket equal to a secret is kept as its hash only. */
const keptTicket = (c: Case) => (c.secrets.has(c.carried) ? '' : c.carried);

function planOf(c: Case): RedactionPlan {
  return new RedactionPlan(c.planNames, c.carriedParameter);
}

/** Every leaf of what the ring keeps, with the name redactArguments would judge it by. */
function leaves(value: unknown, name: string, out: { name: string; value: unknown }[]): void {
  if (Array.isArray(value)) {
    for (const item of value) leaves(item, name, out);
  } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [member, inner] of Object.entries(value))
      leaves(inner, isSecretName(name) ? name : member, out);
  } else {
    out.push({ name, value });
  }
}

function keptLeaves(kept: KeptArguments): { name: string; value: unknown }[] {
  const out: { name: string; value: unknown }[] = [];
  for (const [name, value] of Object.entries(kept)) leaves(value, name, out);
  return out;
}

describe(`the redaction plan equals redactArguments (fast-check seed ${SEED})`, () => {
  test('shown when read, the kept arguments are what redactArguments shows of the call', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const kept = planOf(c).keep(c.args, c.secrets, c.carried);
        expect(RedactionPlan.show(kept, c.secrets, keptTicket(c))).toStrictEqual(
          redactArguments(c.args, c.secrets, c.carried),
        );
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('the ring keeps no secret and no password', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const kept = planOf(c).keep(c.args, c.secrets, c.carried);
        for (const leaf of keptLeaves(kept)) {
          if (typeof leaf.value === 'string') {
            expect(c.secrets.has(leaf.value)).toBe(false);
            // No more than the journal shows (a long text is cut to 500 characters and `…`).
            expect(leaf.value.length).toBeLessThanOrEqual(501);
          }
          if (isSecretName(leaf.name) && leaf.value !== null && leaf.value !== undefined) {
            // Shown by length only, or nothing to hide.
            expect(
              ['***', '', '…'].includes(leaf.value as string) || /^<\d+ bytes>$/.test(String(leaf.value)),
            ).toBe(true);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('what the ring keeps', () => {
  const secrets = new Set([TRUSTED]);

  test('a call carrying only its ticket keeps nothing but the ticket', () => {
    const plan = new RedactionPlan(['AuthenticationTicket'], 'AuthenticationTicket');
    const body = `<AuthenticationTicket>${TICKET}</AuthenticationTicket>`;
    const ticket = body.slice(22, 22 + TICKET.length);
    const kept = plan.keep({ AuthenticationTicket: ticket }, secrets, ticket);
    expect(Object.values(kept)).toEqual(['AuthenticationTicket']);
    expect(RedactionPlan.show(kept, secrets, TICKET)).toEqual({
      AuthenticationTicket: `#${ticketHash(TICKET)}`,
    });
    // The ticket from a cookie, the parameter empty: kept as the call had it.
    const cookie = { AuthenticationTicket: '' };
    expect(plan.keep(cookie, secrets, TICKET)).toBe(cookie);
  });

  test('plain values are kept as they are; a password becomes *** at once', () => {
    const plan = new RedactionPlan(['UID', 'PWD']);
    const plain = { UID: 'jsmith', PWD: '' };
    expect(plan.keep(plain, secrets, '')).toBe(plain);
    const signIn = { UID: 'jsmith', PWD: 'Secret123!' };
    const kept = plan.keep(signIn, secrets, '');
    expect(kept).toEqual({ UID: 'jsmith', PWD: '***' });
    expect(signIn.PWD).toBe('Secret123!');
    // The trusted password under any name.
    expect(new RedactionPlan(['note']).keep({ note: TRUSTED }, secrets, '')).toEqual({ note: '***' });
  });

  test('arguments in another order than the parameters keep their order', () => {
    const plan = new RedactionPlan(['OldTicket', 'PWD', 'UID']);
    const kept = plan.keep({ UID: 'jsmith', PWD: 'Secret123!', OldTicket: TICKET }, secrets, TICKET);
    expect(Object.keys(RedactionPlan.show(kept, secrets, TICKET))).toEqual(['UID', 'PWD', 'OldTicket']);
  });

  test('a copy holds its own characters, the same ones', () => {
    for (const text of ['', 'short', TICKET, `${TICKET} `, `${TICKET}\u00a0`, 'é'.repeat(20)]) {
      expect(ownCopy(`[${text}]`.slice(1, -1))).toBe(text);
    }
  });
});
