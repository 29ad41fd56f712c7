/**
 * Differential test of the request reader: readXmlDocument, which answers well-formed documents
 * without fast-xml-parser's validator, against the reader as it was (test/support/
 * xmlReaderReference.ts: DTD check, empty check, the validator, then the tree pass). Both must
 * give the same answer on every document: the same refusal (message, line, column) or the same
 * tree, positions included.
 *
 * Documents: the SOAP bodies of fixtures/ and a few hand-written envelopes, random documents from
 * a small grammar that leans on what the validator treats oddly, and mutations of both (byte
 * flips, deletions, insertions of markup, repeated attributes, undeclared prefixes, truncation,
 * deep nesting, other line breaks). Then every UTF-16 code unit in the places where the validator
 * looks at single characters.
 *
 * The random streams are seeded; a failure prints the seed, the document's index and the document
 * (JSON-escaped). XML_FUZZ_SEED=<n> runs another seed, XML_FUZZ_DOCUMENTS=<n> changes the number
 * of documents (8000 by default; `npm run bench:fuzz` runs 100,000 and every code unit).
 */
import fs from 'node:fs';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { readXmlDocument, type XmlElement } from '../src/xml/xmlReader';
import { readXmlDocument as referenceReadXmlDocument } from './support/xmlReaderReference';

const SEED = Number(process.env.XML_FUZZ_SEED ?? 20_250_611);
const DOCUMENTS = Number(process.env.XML_FUZZ_DOCUMENTS ?? 8000);
/** At full size every code unit is tried in each place; otherwise ASCII, the range edges and a sample. */
const EVERY_CODE_UNIT = DOCUMENTS >= 100_000;

jest.setTimeout(Math.max(60_000, DOCUMENTS * 5));

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

/** mulberry32: small, fast, and the same stream for the same seed everywhere. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

// ---------------------------------------------------------------------------------------------
// Real documents: the SOAP bodies under fixtures/ and hand-written envelopes.

function fixtureBodies(): string[] {
  const bodies: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.http')) {
        const raw = fs.readFileSync(file, 'utf8');
        const crlf = raw.indexOf('\r\n\r\n');
        const lf = raw.indexOf('\n\n');
        const at = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
        const body = at >= 0 ? raw.slice(at) : '';
        if (body.trimStart().startsWith('<')) bodies.push(body);
      }
    }
  };
  walk(path.join(__dirname, '..', 'fixtures'));
  return bodies.sort();
}

function envelope(body: string, namespace = SOAP11): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="${namespace}" xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

/** The 4 KB UpdateDocumentInfo bench/parse-bind.mjs times. */
function updateDocumentInfo4k(): string {
  return fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'update-document-info-4k.xml'), 'utf8');
}

const HAND_WRITTEN = [
  envelope(
    '<LogOut xmlns="http://tempuri.org/"><authenticationTicket>00000000-0000-0000-0000-000000000901</authenticationTicket></LogOut>',
  ),
  envelope('<LogOut xmlns="http://tempuri.org/" />', SOAP12),
  '\ufeff' + envelope('<GetDocuments xmlns="http://tempuri.org/"><pageSize xsi:nil="true" /></GetDocuments>'),
  '<?xml version="1.0" encoding="utf-8"?>\r\n' +
    `<soap:Envelope xmlns:soap="${SOAP11}" xmlns:xsi="${XSI}">\r\n` +
    '  <!-- a comment -->\r\n' +
    '  <soap:Header>\r\n    <h:Auth xmlns:h="urn:h" soap:mustUnderstand="0">x</h:Auth>\r\n  </soap:Header>\r\n' +
    '  <soap:Body>\r\n' +
    '    <op xmlns="urn:t">\n      <a>1 &lt; 2 &amp;&amp; &#x33; &#52; &quot;&apos;</a>\r' +
    '      <b><![CDATA[<raw> & ]]]]><![CDATA[>\r\n]]></b><?pi data?>\r\n' +
    '      <c attr=\'single "quoted"\' other="tab\there&#9;line\r\nbreak" />\r\n' +
    '    </op>\r\n  </soap:Body>\r\n</soap:Envelope>\r\n',
  updateDocumentInfo4k(),
];

// ---------------------------------------------------------------------------------------------
// Random documents from a small grammar, leaning on what the validator treats oddly.

/** Names the validator takes, odd ones included. */
const NAMES = [
  ...['a', 'b', 'r', 'soap:Envelope', 'soap:Body', 'xsi:nil', 'p:x', 'q:y', 'undeclared:z', 'x1'],
  ...['p:q:r', ':a', 'a:', '_x', 'x-y.z', 'xmlns', 'xmlns:p', 'xml:lang', 'é', 'aé', 'a\u00b7', 'a\u0300'],
  ...['a\u203f', '\u3001', '\uf900', '\ufffd', '__proto__', 'constructor', 'hasOwnProperty', 'toString'],
];
/** Names it refuses, or reads otherwise than the reader (`trim` drops U+1680 and U+FEFF). */
const ODD_NAMES = [
  ...['\u0300a', 'a\u1680', '\u1680a', '\ufeffa', 'a\ufeff', 'a\u00a0', 'a\u2028', 'a\u00d7', '\u00f7a'],
  ...['a\ud83d\ude00', '\ufdd0', '1a', '-a', '.a', 'a"b', "a'b", 'a=b', 'a<b', 'a&b', 'a!b', 'a?b'],
];
const NAME_CHARACTERS = 'abcxyzABCXYZ019_-.:é\u00b7\u0300\u1680\ufeff\u00a0"\'=<>&!?/;#';
const WHITESPACE = [' ', '  ', '\t', '\n', '\r\n', '\r', ' \r\n\t'];
const REFERENCES = [
  '&amp;',
  '&lt;',
  '&gt;',
  '&quot;',
  '&apos;',
  '&foo;',
  '&a_1;',
  '&#60;',
  '&#x3C;',
  '&#x3c;',
];
/** Forms the validator refuses, or takes though the reader does not know them, in text. */
const ODD_REFERENCES = [
  ...['&aaaaaaaaaaaaaaaaaaaa;', '&aaaaaaaaaaaaaaaaaaaaa;', '&#X3C;', '&#;', '&#x;', '&#X;', '&;', '& ', '&'],
  ...['&#60', '&#xZZ;', '&#1114112;', '&#0;', '&#xD800;', '&#128512;', '&é;', '&a-b;'],
];
const TEXT_PIECES = [
  'x',
  'hello',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '>',
  ']]>',
  '"',
  "'",
  '=',
  '/',
  '?',
  '!',
  'é',
  '€',
  '\ud83d\ude00',
  '\ud800',
  '\u00a0',
  '\ufeff',
  '\u0000',
];
const PI_TARGETS = ['pi', 'xml-stylesheet', 'xml', 'xmlfoo', 'XML', '', 'x y', 'xml\t'];
const ATTRIBUTE_VALUES = [
  '',
  '1',
  'true',
  'urn:a',
  XSI,
  SOAP11,
  'a<b',
  'a>b',
  '&amp;',
  '&#9;',
  'x&y',
  '&#X41;',
];

class DocumentGenerator {
  constructor(private readonly random: Random) {}

  document(): string {
    const r = this.random;
    let text = '';
    if (r.chance(0.1)) text += '\ufeff';
    if (r.chance(0.5))
      text += r.pick(['<?xml version="1.0" encoding="utf-8"?>', "<?xml version='1.0'?>", '<?xml?>']);
    text += this.misc(r.int(3));
    const depth = r.chance(0.05) ? 30 + r.int(6) : 1 + r.int(4);
    text += this.element(depth);
    text += this.misc(r.int(3));
    if (r.chance(0.08)) text += r.pick(['<b/>', '<b></b>', 'text', '&amp;', '<![CDATA[x]]>', ' ']);
    return text;
  }

  private misc(count: number): string {
    const r = this.random;
    let text = '';
    for (let k = 0; k < count; k++) {
      const choice = r.int(10);
      if (choice < 4) text += r.pick(WHITESPACE);
      else if (choice < 6) text += this.comment();
      else if (choice < 8) text += this.pi();
      else if (choice < 9) text += `<![CDATA[${this.text(1)}]]>`;
      else if (r.chance(0.3)) text += r.pick(['x', '&amp;', '\u00a0', '\ufeff']);
    }
    return text;
  }

  private name(): string {
    const r = this.random;
    if (r.chance(0.9)) return r.chance(0.7) ? r.pick(NAMES.slice(0, 10)) : r.pick(NAMES);
    if (r.chance(0.5)) return r.pick(ODD_NAMES);
    let name = '';
    for (let k = 1 + r.int(4); k > 0; k--) name += r.pick([...NAME_CHARACTERS]);
    return name;
  }

  private element(depth: number): string {
    const r = this.random;
    const name = this.name();
    let tag = `<${name}`;
    const attributes: string[] = [];
    for (let k = r.int(4); k > 0; k--) {
      const attribute =
        attributes.length > 0 && r.chance(0.1) ? r.pick(attributes) : this.attribute(r.chance(0.2));
      attributes.push(attribute);
      tag += (r.chance(0.05) ? '' : r.pick(WHITESPACE)) + attribute;
    }
    if (r.chance(0.2)) tag += r.pick(WHITESPACE);
    if (r.chance(0.2)) return `${tag}${r.pick(['/>', '/>', '/ >', ' />'])}`;
    tag += '>';
    let content = '';
    for (let k = r.int(depth > 3 ? 2 : 4); k >= 0; k--) {
      const choice = r.int(10);
      if (depth > 1 && (choice < 4 || depth > 6)) content += this.element(depth - 1);
      else if (choice < 7) content += this.text(1 + r.int(4));
      else if (choice < 8) content += `<![CDATA[${this.text(2)}]]>`;
      else if (choice < 9) content += this.comment();
      else content += this.pi();
    }
    const endName = r.chance(0.03) ? this.name() : name;
    return `${tag}${content}</${endName}${r.chance(0.2) ? r.pick(WHITESPACE) : ''}>`;
  }

  private attribute(namespaceDeclaration: boolean): string {
    const r = this.random;
    const name = namespaceDeclaration
      ? r.pick(['xmlns', 'xmlns:p', 'xmlns:q', 'xmlns:xsi', 'xmlns:'])
      : this.name();
    const quote = r.chance(0.7) ? '"' : "'";
    const other = quote === '"' ? "'" : '"';
    let value = r.pick(ATTRIBUTE_VALUES);
    if (r.chance(0.3)) value += r.pick([other, '\t', '\n', '\r\n', '<', '>', '/', r.pick(ODD_REFERENCES)]);
    const equals = r.chance(0.9) ? '=' : r.pick([' = ', '\t=\n', '']);
    return `${name}${equals}${quote}${value}${quote}`;
  }

  private text(pieces: number): string {
    const r = this.random;
    let text = '';
    for (let k = 0; k < pieces; k++) {
      if (r.chance(0.7)) text += r.pick(TEXT_PIECES);
      else text += r.chance(0.8) ? r.pick(REFERENCES) : r.pick(ODD_REFERENCES);
    }
    return text;
  }

  private comment(): string {
    return `<!--${this.random.pick(['', ' c ', '-', '<a>', '&', '\r\n', '--', '->'])}-->`;
  }

  private pi(): string {
    const r = this.random;
    // `<?>` ends there for the validator inside the root, at the next `?>` for the reader.
    return `<?${r.pick(PI_TARGETS)}${r.pick(['', ' data', ' a="?>"', '?', ' <x>', '><b>', '></r>', '>x'])}?>`;
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations.

const SNIPPETS = [
  '<',
  '>',
  '</',
  '/>',
  '/',
  '"',
  "'",
  '=',
  '&',
  '&amp;',
  '&#X41;',
  '&#x;',
  '&;',
  ']]>',
  '<!--',
  '-->',
  '<![CDATA[',
  '<!',
  '<!x',
  '<?',
  '?>',
  '<?xml ',
  '<?xml version="1.0"?>',
  '<?>',
  ' ',
  '\t',
  '\r',
  '\n',
  '\r\n',
  ':',
  'x',
  '\ufeff',
  '\u1680',
  '\u00a0',
  '\ud83d',
  '<a>',
  '</a>',
  '<a/>',
  ' a="1"',
  ' a="1" a="2"',
  ' xmlns:p="urn:p"',
  ' xsi:nil="true"',
  '<!DOCTYPE x>',
];
const FLIP_CHARACTERS = '<>/="\'&;:!?-[] \t\r\nax0é\ufeff\u1680';

function mutate(random: Random, text: string): string {
  let mutated = text;
  for (let k = 1 + random.int(3); k > 0; k--) mutated = mutateOnce(random, mutated);
  return mutated;
}

function mutateOnce(r: Random, text: string): string {
  const at = r.int(text.length + 1);
  switch (r.int(10)) {
    case 0:
    case 1:
      return text.slice(0, at) + r.pick([...FLIP_CHARACTERS]) + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + r.int(5));
    case 3:
    case 4:
      return text.slice(0, at) + r.pick(SNIPPETS) + text.slice(at);
    case 5:
      return text.slice(0, at);
    case 6:
      return repeatAnAttribute(r, text);
    case 7:
      return prefixAName(r, text);
    case 8:
      return nestDeeper(r, text);
    default:
      return text.replace(/></g, () => `>${r.pick(['', ' ', '\n', '\r\n', '\r', '\t'])}<`);
  }
}

/** The first attribute of a random start tag written once more (or another one next to it). */
function repeatAnAttribute(r: Random, text: string): string {
  const tags = [...text.matchAll(/<[^/!?\s>][^\s>/]*(\s+[^\s=>]+\s*=\s*("[^"]*"|'[^']*'))/g)];
  if (tags.length === 0) return text;
  const tag = r.pick(tags);
  const attribute = tag[1] as string;
  const end = (tag.index as number) + tag[0].length;
  const extra = r.chance(0.7) ? attribute : attribute.replace(/^(\s+)([^\s=]+)/, '$1$2x');
  return text.slice(0, end) + extra + text.slice(end);
}

/** One element name given a prefix nothing declares, in its start and end tags. */
function prefixAName(r: Random, text: string): string {
  const names = [...new Set([...text.matchAll(/<([A-Za-z_][\w.-]*)[\s/>]/g)].map((m) => m[1] as string))];
  if (names.length === 0) return text;
  const name = r.pick(names);
  const prefix = r.pick(['undeclared', 'p', 'xsi', 'xml', '']);
  return text.split(`<${name}`).join(`<${prefix}:${name}`).split(`</${name}`).join(`</${prefix}:${name}`);
}

/** The content of the first element wrapped in elements, around the depth cap. */
function nestDeeper(r: Random, text: string): string {
  const at = text.indexOf('>', text.search(/<[A-Za-z_]/)) + 1;
  if (at <= 0) return text;
  const close = text.lastIndexOf('</');
  if (close < at) return text;
  const levels = 28 + r.int(10);
  return (
    text.slice(0, at) +
    '<d>'.repeat(levels) +
    text.slice(at, close) +
    '</d>'.repeat(levels) +
    text.slice(close)
  );
}

// ---------------------------------------------------------------------------------------------
// Comparison.

/** Every member of an element, as plain data: attributes as ordered entries (own ones only). */
function plain(element: XmlElement): unknown {
  return {
    namespace: element.namespace,
    localName: element.localName,
    prefix: element.prefix,
    attributes: Object.entries(element.attributes),
    attributesPrototype: Object.getPrototypeOf(element.attributes) === Object.prototype,
    children: element.children.map(plain),
    text: element.text,
    nil: element.nil,
    isEmpty: element.isEmpty,
    hasChildNodes: element.hasChildNodes,
    position: { line: element.position.line, column: element.position.column },
    next: { line: element.next.line, column: element.next.column },
  };
}

function answer(read: (text: string) => ReturnType<typeof readXmlDocument>, text: string): string {
  const result = read(text);
  return JSON.stringify('error' in result ? { error: result.error } : { root: plain(result.root) });
}

interface Tally {
  documents: number;
  accepted: number;
  /** Accepted without the validator. */
  fast: number;
  refused: number;
}

/** Counts the validator's calls, so the test can tell the documents answered without it. */
const validate = jest.spyOn(XMLValidator, 'validate');

function compare(text: string, label: string, tally: Tally): void {
  const expected = answer(referenceReadXmlDocument, text);
  validate.mockClear();
  const actual = answer(readXmlDocument, text);
  const usedValidator = validate.mock.calls.length > 0;
  tally.documents++;
  if (expected.startsWith('{"root"')) {
    tally.accepted++;
    if (!usedValidator) tally.fast++;
  } else {
    tally.refused++;
  }
  if (actual !== expected) {
    throw new Error(
      `readXmlDocument differs from the reference (seed ${SEED}, ${label}) on the document\n` +
        `${JSON.stringify(text)}\nexpected ${expected.slice(0, 2000)}\nactual   ${actual.slice(0, 2000)}`,
    );
  }
}

function newTally(): Tally {
  return { documents: 0, accepted: 0, fast: 0, refused: 0 };
}

function report(name: string, tally: Tally): void {
  if (process.env.XML_FUZZ_DOCUMENTS === undefined) return;
  const fallback = tally.accepted - tally.fast;
  console.log(
    `${name}: ${tally.documents} documents, ${tally.refused} refused, ${tally.accepted} accepted ` +
      `(${tally.fast} without the validator, ${fallback} after it)`,
  );
}

afterAll(() => validate.mockRestore());

describe('readXmlDocument against the reader it replaces', () => {
  const seeds = [...fixtureBodies(), ...HAND_WRITTEN];

  test('the SOAP bodies of fixtures/ and the hand-written envelopes: the same answer, none needs the validator', () => {
    expect(seeds.length).toBeGreaterThan(200);
    const tally = newTally();
    seeds.forEach((text, k) => compare(text, `seed document ${k}`, tally));
    report('seed documents', tally);
    expect(tally.refused).toBe(0);
    expect(tally.fast).toBe(tally.documents);
  });

  test(`${DOCUMENTS} random and mutated documents: the same answer`, () => {
    const random = new Random(SEED);
    const generator = new DocumentGenerator(random);
    // A quarter each: seed documents mutated once, mutated more, random documents, mutated.
    const kinds = [
      { name: 'seed documents mutated', tally: newTally(), make: () => mutate(random, random.pick(seeds)) },
      {
        name: 'seed documents mutated more',
        tally: newTally(),
        make: () => mutate(random, mutate(random, random.pick(seeds))),
      },
      { name: 'random documents', tally: newTally(), make: () => generator.document() },
      {
        name: 'random documents mutated',
        tally: newTally(),
        make: () => mutate(random, generator.document()),
      },
    ];
    for (let k = 0; k < DOCUMENTS; k++) {
      const kind = kinds[k % kinds.length]!;
      compare(kind.make(), `document ${k}`, kind.tally);
    }
    const total = newTally();
    for (const { name, tally } of kinds) {
      report(name, tally);
      for (const key of Object.keys(total) as Array<keyof Tally>) total[key] += tally[key];
    }
    // The mix must leave both answers common enough to mean something.
    expect(total.accepted).toBeGreaterThan(DOCUMENTS / 5);
    expect(total.refused).toBeGreaterThan(DOCUMENTS / 5);
    expect(total.fast).toBeGreaterThan(total.accepted / 2);
  });

  test('every code unit where the validator looks at single characters: the same answer', () => {
    const templates = [
      (c: string) => `<${c}/>`,
      (c: string) => `<a${c}/>`,
      (c: string) => `<a${c}b></a${c}b>`,
      (c: string) => `<r ${c}="1"/>`,
      (c: string) => `<r a${c}="1"/>`,
      (c: string) => `<r>&${c};</r>`,
      (c: string) => `<r>&#${c};</r>`,
      (c: string) => `<r>&#x${c};</r>`,
      (c: string) => `${c}<r/>`,
      (c: string) => `<r/>${c}`,
      (c: string) => `<r></r>${c}`,
      (c: string) => `<r>${c}</r>`,
      (c: string) => `<r a="${c}"/>`,
      (c: string) => `<?${c}?><r/>`,
      (c: string) => `<r><?${c}?></r>`,
      (c: string) => `<r></r ${c}>`,
      (c: string) => `<r ${c}/>`,
    ];
    const tally = newTally();
    for (const code of codeUnits()) {
      const c = String.fromCharCode(code);
      templates.forEach((template, k) => compare(template(c), `code unit ${code} in template ${k}`, tally));
    }
    report('code units', tally);
  });
});

/** Every BMP code unit at full size; otherwise ASCII, both sides of each name range edge and a sample. */
function codeUnits(): number[] {
  if (EVERY_CODE_UNIT) return Array.from({ length: 0x10000 }, (_, k) => k);
  const edges = [
    0xb7, 0xc0, 0xd6, 0xd7, 0xd8, 0xf6, 0xf7, 0xf8, 0x2ff, 0x300, 0x36f, 0x370, 0x37d, 0x37e, 0x37f, 0x1680,
    0x1fff, 0x2000, 0x200b, 0x200c, 0x200d, 0x200e, 0x203e, 0x203f, 0x2040, 0x2041, 0x206f, 0x2070, 0x218f,
    0x2190, 0x2bff, 0x2c00, 0x2fef, 0x2ff0, 0x3000, 0x3001, 0xd7ff, 0xd800, 0xdfff, 0xe000, 0xf8ff, 0xf900,
    0xfdcf, 0xfdd0, 0xfdef, 0xfdf0, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x85, 0xa0, 0x2028, 0x2029, 0x202f,
    0x205f,
  ];
  const units = new Set<number>(Array.from({ length: 0x80 }, (_, k) => k));
  for (const edge of edges) for (const c of [edge - 1, edge, edge + 1]) units.add(c);
  for (let c = 0x80; c < 0x10000; c += 97) units.add(c);
  return [...units].sort((a, b) => a - b);
}
