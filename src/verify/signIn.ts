/**
 * A live ticket on one side, for the cases that need one: the service's AuthenticateUser (over
 * HTTP GET, else form POST, else SOAP 1.1) with the credentials given to verify.
 */
import type { ServiceModel } from '../contract/model';
import { replayCase, type Credentials } from './replayCase';
import type { VerifyCase } from './verifyCase';

/** The ticket, or undefined when the service has no AuthenticateUser or it refused. */
export async function signIn(
  serviceUrl: string,
  model: ServiceModel,
  credentials: Credentials,
): Promise<string | undefined> {
  const operation = model.byName.get('AuthenticateUser');
  if (!operation || operation.params.length < 2) return undefined;
  const [userParam, passwordParam] = operation.params.map((p) => p.name) as [string, string];
  const form = `${userParam}=${encodeURIComponent(credentials.user)}&${passwordParam}=${encodeURIComponent(credentials.password)}`;
  let request: VerifyCase;
  if (operation.protocols.has('httpGet')) {
    request = {
      name: 'sign-in',
      method: 'GET',
      rest: `/${operation.name}?${form}`,
      headers: [],
      body: Buffer.alloc(0),
    };
  } else if (operation.protocols.has('httpPost')) {
    request = {
      name: 'sign-in',
      method: 'POST',
      rest: `/${operation.name}`,
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: Buffer.from(form, 'latin1'),
    };
  } else {
    const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const envelope =
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
      `<${operation.requestElement.name} xmlns="${operation.requestElement.namespace}">` +
      `<${userParam}>${xml(credentials.user)}</${userParam}><${passwordParam}>${xml(credentials.password)}</${passwordParam}>` +
      `</${operation.requestElement.name}></soap:Body></soap:Envelope>`;
    request = {
      name: 'sign-in',
      method: 'POST',
      rest: '',
      headers: [
        ['Content-Type', 'text/xml; charset=utf-8'],
        ['SOAPAction', `"${operation.soapAction}"`],
      ],
      body: Buffer.from(envelope, 'utf8'),
    };
  }
  const answer = await replayCase(serviceUrl, request, '', credentials);
  return /\bticket="([^"]+)"/.exec(answer.body)?.[1];
}
