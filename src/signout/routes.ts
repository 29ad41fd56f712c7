import type { IncomingMessage } from 'node:http';
import contentType from 'content-type';
import express, { type Request, type Response } from 'express';
import { markClosing } from '../http/connectionHygiene';
import { readBody } from '../http/readBody';
import { logOut } from '../operations/logOut';
import { isStoreOutage, runOperation } from '../operations/shared';
import type { OperationContext } from '../operations/types';
import { ticketCookie } from '../transports/cookies';
import type { Config } from '../config';
import { CSRF_REFUSAL } from './csrf';
import { safeRedirectTarget } from './redirect';
import type { SignOut } from './signout';

/** Largest /logout body read, and most fields in a form. */
const BODY_LIMIT_BYTES = 16 * 1024;
const FORM_FIELD_LIMIT = 20;
const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const TICKET_FIELDS = ['ticket', 'AuthenticationTicket'] as const;
const RETURN_URL_FIELDS = ['returnUrl', 'logoutSuccessUrl'] as const;

/**
 * A request refused before anything changed: its status and the short message the client gets.
 * `closeConnection` when the body was not read to its end.
 */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly closeConnection = false,
  ) {
    super(message);
  }
}

/** The fields of a query string or body: name to every value it was given. */
type Fields = ReadonlyMap<string, readonly unknown[]>;

const MALFORMED_QUERY = 'Malformed query string: invalid percent-encoding or UTF-8.';
const MALFORMED_FORM = 'Malformed form body: invalid percent-encoding or UTF-8.';

/**
 * `application/x-www-form-urlencoded` text, strictly: `+` is a space, every `%` must start a
 * two-digit escape and, in UTF-8, the escapes must spell UTF-8. Nothing is guessed or replaced.
 */
function parseUrlencoded(
  text: string,
  charset: 'utf-8' | 'iso-8859-1',
  malformed: string,
): Map<string, string[]> {
  const decode = (component: string): string => {
    const spaced = component.replace(/\+/g, ' ');
    if (/%(?![0-9A-Fa-f]{2})/.test(spaced)) throw new Refusal(400, malformed);
    if (charset === 'iso-8859-1')
      return spaced.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    try {
      return decodeURIComponent(spaced);
    } catch {
      throw new Refusal(400, malformed);
    }
  };
  const fields = new Map<string, string[]>();
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    const values = fields.get(name);
    if (values) values.push(value);
    else fields.set(name, [value]);
  }
  return fields;
}

/** The query string as the client sent it (whatever query parser the host app uses). */
function queryFields(req: IncomingMessage): Fields {
  const url = req.url ?? '';
  const start = url.indexOf('?');
  const query = start < 0 ? '' : url.slice(start + 1);
  // Browsers percent-encode everything else; raw bytes here would only be mis-decoded.
  if (/[^\x21-\x7e]/.test(query)) throw new Refusal(400, MALFORMED_QUERY);
  return parseUrlencoded(query, 'utf-8', MALFORMED_QUERY);
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
}

/**
 * The fields of a POST body: a form (UTF-8 or ISO-8859-1) or a JSON object (UTF-8), at most
 * {@link BODY_LIMIT_BYTES}, uncompressed. Bodies of other types are not read (as before: a
 * multipart FormData sign-out still works by its cookie); undefined when there is none.
 */
async function bodyFields(req: IncomingMessage): Promise<Fields | undefined> {
  const header = req.headers['content-type'];
  if (req.method !== 'POST' || !hasBody(req) || !header) return undefined;
  let type: string;
  let charset: string | undefined;
  try {
    const parsed = contentType.parse(header);
    type = parsed.type;
    charset = parsed.parameters.charset?.toLowerCase();
  } catch {
    const essence = header.split(';')[0]?.trim().toLowerCase();
    if (essence === FORM_TYPE || essence === JSON_TYPE)
      throw new Refusal(400, 'Malformed Content-Type header.', true);
    return undefined;
  }
  if (type !== FORM_TYPE && type !== JSON_TYPE) return undefined;

  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity')
    throw new Refusal(415, 'Unsupported Content-Encoding: send the body uncompressed.', true);
  if (type === FORM_TYPE && charset !== undefined && charset !== 'utf-8' && charset !== 'iso-8859-1')
    throw new Refusal(415, 'Unsupported charset: a form is read as UTF-8 or ISO-8859-1.', true);
  if (type === JSON_TYPE && charset !== undefined && charset !== 'utf-8')
    throw new Refusal(415, 'Unsupported charset: JSON is read as UTF-8.', true);

  let read: Awaited<ReturnType<typeof readBody>>;
  try {
    read = await readBody(req, BODY_LIMIT_BYTES);
  } catch {
    throw new Refusal(400, 'Incomplete request body.', true);
  }
  if ('tooLarge' in read) throw new Refusal(413, 'Request body too large (16 KiB at most).', true);

  if (type === FORM_TYPE) {
    const text =
      charset === 'iso-8859-1' ? read.body.toString('latin1') : decodeUtf8(read.body, MALFORMED_FORM);
    if (text.split('&').filter(Boolean).length > FORM_FIELD_LIMIT)
      throw new Refusal(413, `Too many form fields (${FORM_FIELD_LIMIT} at most).`);
    return parseUrlencoded(text, charset === 'iso-8859-1' ? 'iso-8859-1' : 'utf-8', MALFORMED_FORM);
  }
  // JSON: a byte-order mark is dropped; an empty body is an empty object, as body-parser had it.
  const text = decodeUtf8(read.body, 'Malformed JSON body: not UTF-8.');
  if (text.trim() === '') return new Map();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Refusal(400, 'Malformed JSON body.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new Refusal(400, 'The JSON body must be an object.');
  return new Map(Object.entries(value).map(([name, field]) => [name, [field]]));
}

function decodeUtf8(bytes: Buffer, malformed: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Refusal(400, malformed);
  }
}

/**
 * The first non-empty value of the named fields. Every one of them must be given at most once,
 * as text: a repeated field, an array or object (`returnUrl[]=a`, `returnUrl[x]=1`, JSON arrays,
 * objects, numbers) is refused, so nothing in front of the emulator can read another value than
 * it does. JSON null counts as absent.
 */
function pick(sources: ReadonlyArray<Fields | undefined>, names: readonly string[]): string | undefined {
  for (const fields of sources) {
    if (!fields) continue;
    for (const [key, values] of fields) {
      const name = names.find((n) => key === n || key.startsWith(`${n}[`));
      if (!name) continue;
      const value = values[0];
      if (key !== name || values.length > 1 || (value !== null && typeof value !== 'string'))
        throw new Refusal(400, `${name} must be given once, as text.`);
    }
  }
  for (const fields of sources) {
    for (const name of names) {
      const value = fields?.get(name)?.[0];
      if (typeof value === 'string' && value !== '') return value;
    }
  }
  return undefined;
}

function asksForJson(req: Request): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes('application/json');
}

function wantsJson(req: Request): boolean {
  return req.method === 'POST' && asksForJson(req);
}

/** A refusal: nothing changed, no cookie cleared; JSON when the client asked for JSON. */
function refuse(req: Request, res: Response, refusal: Refusal, json: boolean): void {
  res.set('Cache-Control', 'no-store');
  if (refusal.closeConnection) {
    // The rest of the body is not read: the connection closes once the answer is out.
    res.set('Connection', 'close');
    // The rest is drained (bounded) after the answer, not cut with a reset: the client reads it.
    markClosing(req.socket);
  }
  res.status(refusal.status);
  if (json) res.json({ logoutSuccess: false, error: refusal.message });
  else res.type('text/plain').send(refusal.message);
}

/**
 * Browser sign-out and sign-in flows around the ASMX service:
 * - `GET|POST /logout?returnUrl=...` (or `logoutSuccessUrl`) ends the session of the ticket
 *   parameter or cookie, clears the cookies and redirects (only to a path here or an allowed host);
 *   with `Accept: application/json` a POST answers `{"logoutSuccess": ...}` instead. A malformed,
 *   oversized or wrongly typed request is refused with a short 4xx and changes nothing.
 * - `GET /login?next=<path>` sends people to the configured external login page.
 */
export function signOutRoutes(config: Config, signOut: SignOut, context: OperationContext): express.Router {
  const router = express.Router();

  router.all('/logout', (req: Request, res: Response, next) => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.set('Allow', 'GET, POST').status(405).type('text/plain').send('Method not allowed.');
      return;
    }
    handleLogout(req, res).catch(next);
  });

  async function handleLogout(req: Request, res: Response): Promise<void> {
    let paramTicket: string | undefined;
    let returnUrl: string | undefined;
    try {
      const sources = [queryFields(req), await bodyFields(req)];
      paramTicket = pick(sources, TICKET_FIELDS);
      returnUrl = pick(sources, RETURN_URL_FIELDS);
    } catch (error) {
      if (error instanceof Refusal) return refuse(req, res, error, asksForJson(req));
      throw error;
    }
    const cookieTicket = ticketCookie(req.headers.cookie);
    res.set('Cache-Control', 'no-store');

    // Authenticated by the cookie alone: the CSRF guard decides first, and a refusal changes nothing.
    if (!paramTicket && cookieTicket && !signOut.csrf.allows(req, cookieTicket)) {
      if (wantsJson(req)) res.status(403).json({ logoutSuccess: false, error: CSRF_REFUSAL });
      else res.status(403).type('text/plain').send(CSRF_REFUSAL);
      return;
    }

    const outcome = await runOperation(
      logOut,
      { params: { AuthenticationTicket: paramTicket }, cookieTicket },
      context,
    );

    if (isStoreOutage(outcome) && !outcome.ok) {
      // The store did not (or may not have) ended the session: never a sign-out page, and the
      // cookie stays so that the browser can try again.
      if (wantsJson(req)) {
        res.status(503).set('Retry-After', '1').json({ logoutSuccess: false, error: outcome.error.text });
      } else if (config.logoutErrorUrl) {
        const code = outcome.error.code.replace(/^E/, '');
        res.redirect(302, config.logoutErrorUrl.replaceAll('%error_code%', encodeURIComponent(code)));
      } else {
        res.status(503).set('Retry-After', '1').type('text/plain').send(outcome.error.text);
      }
      return;
    }
    // The browser's cookies go whatever the outcome: a stale ticket cookie is no use to anyone.
    // Never throws: the LogOut may be done already, and its answer must say so.
    const cookies = signOut.clearingCookiesOrNone(req);
    if (cookies.length) res.append('Set-Cookie', cookies);
    if (wantsJson(req)) {
      res
        .status(isStoreOutage(outcome) ? 503 : 200)
        .json(outcome.ok ? { logoutSuccess: true } : { logoutSuccess: false, error: outcome.error.text });
      return;
    }
    const target = safeRedirectTarget(returnUrl, config.redirectAllowedHosts) ?? config.logoutLandingUrl;
    if (!outcome.ok && config.logoutErrorUrl) {
      const code = outcome.error.code.replace(/^E/, '');
      res.redirect(302, config.logoutErrorUrl.replaceAll('%error_code%', encodeURIComponent(code)));
      return;
    }
    res.redirect(302, target);
  }

  router.get('/login', (req: Request, res: Response) => {
    if (!config.externalLoginUrl) {
      res.status(404).type('text/plain').send('No external login page is configured (EXTERNAL_LOGIN_URL).');
      return;
    }
    let next: string | undefined;
    try {
      next = pick([queryFields(req)], ['next']);
    } catch (error) {
      if (error instanceof Refusal) return refuse(req, res, error, false);
      throw error;
    }
    // Only a path here is passed on, so the login page cannot be made to bounce people elsewhere.
    const path = safeRedirectTarget(next, []) ?? '/';
    res
      .set('Cache-Control', 'no-store')
      .redirect(302, config.externalLoginUrl.replaceAll('%next_page%', encodeURIComponent(path)));
  });

  return router;
}
