import { CONTENT_TYPES, asmxAnswer, type HttpAnswer } from '../transports/answer';
import type { ServiceModel } from '../contract/model';
import { renderOperationPage, renderUnknownOperationPage } from './operationPage';
import { renderServicePage } from './servicePage';

/**
 * The help pages load nothing and run no script, so the browser is told to allow nothing else:
 * should a value ever slip through unescaped, it still cannot run or load anything. Forms may
 * only post back to this origin.
 */
const HELP_PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'",
  'X-Content-Type-Options': 'nosniff',
} as const;

function helpAnswer(status: number, html: string): HttpAnswer {
  const answer = asmxAnswer(status, CONTENT_TYPES.html, html);
  return { ...answer, headers: { ...answer.headers, ...HELP_PAGE_HEADERS } };
}

/**
 * The operation a help request asks for: the value of the `op` query parameter, or undefined when
 * there is none. The key matches case-insensitively and the first of repeated keys wins, as for
 * every query parameter of the service (ASP.NET's QueryString is case-insensitive).
 */
export function requestedOperation(query: string): string | undefined {
  for (const [key, value] of new URLSearchParams(query)) {
    if (key.toLowerCase() === 'op') return value;
  }
  return undefined;
}

/** `GET /srv.asmx`: the list of operations. */
export function serviceHelp(service: ServiceModel, serviceUrl: string): HttpAnswer {
  return helpAnswer(200, renderServicePage(service, serviceUrl));
}

/**
 * `GET /srv.asmx?op=<Operation>`: the operation's page (the name matches case-sensitively, as on
 * ASMX), or 404 with a page naming what was asked for when the service has no such operation.
 */
export function operationHelp(service: ServiceModel, name: string, serviceUrl: string): HttpAnswer {
  const operation = service.byName.get(name);
  return operation
    ? helpAnswer(200, renderOperationPage(service, operation, serviceUrl))
    : helpAnswer(404, renderUnknownOperationPage(service, name, serviceUrl));
}
