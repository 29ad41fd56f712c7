/**
 * The suite verify runs without recordings, generated from the WSDL: each operation on each
 * transport it binds, with sample arguments (the given user and `{{password}}` for credentials),
 * and, for operations that take a ticket, also with none and with an invalid one.
 */
import type { MemberModel, OperationModel, ServiceModel, TypeModel } from '../contract/model';
import { ticketParameter } from '../services/invoke';
import { isPasswordParameter } from '../record/stubRules';
import { PASSWORD, TICKET, USER, type VerifyCase } from './verifyCase';

/** A ticket no server issued. */
export const INVALID_TICKET = '00000000-0000-0000-0000-000000000000';

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

export function generatedCases(model: ServiceModel): VerifyCase[] {
  const cases: VerifyCase[] = [];
  for (const operation of model.operations) {
    const ticket = ticketParameter(operation)?.name;
    const variants: Array<[string, string | undefined]> = ticket
      ? [
          ['ticket', TICKET],
          ['no-ticket', ''],
          ['invalid-ticket', INVALID_TICKET],
        ]
      : [['sample', undefined]];
    for (const [variant, ticketValue] of variants) {
      const value = (param: MemberModel) => (param.name === ticket ? (ticketValue ?? '') : undefined);
      const name = (transport: string) => `${operation.name}-${transport}-${variant}`;
      if (operation.protocols.has('soap11')) cases.push(soapCase(name('soap11'), operation, 'soap11', value));
      if (operation.protocols.has('soap12')) cases.push(soapCase(name('soap12'), operation, 'soap12', value));
      const form = operation.params.map((p) => `${p.name}=${value(p) ?? formSample(p)}`).join('&');
      if (operation.protocols.has('httpGet'))
        cases.push({
          name: name('http-get'),
          method: 'GET',
          rest: `/${operation.name}${form ? `?${form}` : ''}`,
          headers: [],
          body: Buffer.alloc(0),
        });
      if (operation.protocols.has('httpPost'))
        cases.push({
          name: name('http-post'),
          method: 'POST',
          rest: `/${operation.name}`,
          headers: [['Content-Type', 'application/x-www-form-urlencoded']],
          body: Buffer.from(form, 'latin1'),
        });
    }
  }
  return cases;
}

function soapCase(
  name: string,
  operation: OperationModel,
  version: 'soap11' | 'soap12',
  value: (param: MemberModel) => string | undefined,
): VerifyCase {
  const { requestElement } = operation;
  const params = operation.params
    .map((p) => {
      const given = value(p);
      return given === undefined ? elementSample(p, 0) : `<${p.name}>${given}</${p.name}>`;
    })
    .join('');
  const prefix = version === 'soap11' ? 'soap' : 'soap12';
  const envelope =
    `<?xml version="1.0" encoding="utf-8"?>\n<${prefix}:Envelope xmlns:${prefix}="${version === 'soap11' ? SOAP11 : SOAP12}">` +
    `<${prefix}:Body><${requestElement.name} xmlns="${requestElement.namespace}">${params}</${requestElement.name}>` +
    `</${prefix}:Body></${prefix}:Envelope>`;
  const headers: Array<readonly [string, string]> =
    version === 'soap11'
      ? [
          ['Content-Type', 'text/xml; charset=utf-8'],
          ['SOAPAction', `"${operation.soapAction}"`],
        ]
      : [['Content-Type', `application/soap+xml; charset=utf-8; action="${operation.soap12Action}"`]];
  return { name, method: 'POST', rest: '', headers, body: Buffer.from(envelope, 'utf8') };
}

/** A member as a sample element (complex types member by member, one item per array). */
function elementSample(member: MemberModel, depth: number): string {
  const inner = typeSample(member, member.type, depth);
  return `<${member.name}>${inner}</${member.name}>`;
}

function typeSample(member: MemberModel, type: TypeModel, depth: number): string {
  switch (type.kind) {
    case 'complex':
      return depth > 4 ? '' : type.members.map((m) => elementSample(m, depth + 1)).join('');
    case 'array':
      return depth > 4 ? '' : elementSample(type.item, depth + 1);
    case 'xmlNode':
      return '<sample />';
    case 'enum':
      return type.members[0] ?? '';
    case 'primitive':
      return primitiveSample(member, type.name);
  }
}

function formSample(member: MemberModel): string {
  const type = member.type.kind === 'array' ? member.type.item.type : member.type;
  if (type.kind === 'enum') return encodeURIComponent(type.members[0] ?? '');
  if (type.kind !== 'primitive') return '';
  return primitiveSample(member, type.name);
}

function primitiveSample(member: MemberModel, name: string): string {
  if (name === 'string') {
    if (isPasswordParameter(member.name)) return PASSWORD;
    if (/^(uid|username|user|login)$/i.test(member.name)) return USER;
    return 'sample';
  }
  if (name === 'boolean') return 'true';
  if (['float', 'double', 'decimal'].includes(name)) return '1.5';
  if (name === 'dateTime') return '2024-01-02T03:04:05';
  if (name === 'guid') return INVALID_TICKET;
  if (name === 'base64Binary') return 'AQID';
  if (name === 'char') return '65';
  if (name === 'duration') return 'PT1M';
  if (name === 'QName' || name === 'anyURI') return 'sample';
  return '1';
}
