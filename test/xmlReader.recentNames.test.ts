/**
 * The reader keeps the names and namespace URIs it read lately, internalized, so a request like
 * the last one costs no internalizing. Two names of one request that hash to the same pair of
 * slots (`xmlns:xsi` and `xmlns:soap12` of every SOAP 1.2 envelope do) must both stay kept: a
 * one-way cache evicted one with the other on every request.
 */
import * as internalizing from '../src/xml/internalize';
import { readXmlDocument } from '../src/xml/xmlReader';

const SOAP12_LOGOUT =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<soap12:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap12="http://www.w3.org/2003/05/soap-envelope">' +
  '<soap12:Body><LogOut xmlns="http://tempuri.org/"><ticket>t</ticket></LogOut></soap12:Body></soap12:Envelope>';

const SOAP11_LOGOUT =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
  '<soap:Body><LogOut xmlns="http://tempuri.org/"><ticket>t</ticket></LogOut></soap:Body></soap:Envelope>';

/** How many strings the reader internalized while reading `text`. */
function internalizedWhileReading(text: string): number {
  const spy = jest.spyOn(internalizing, 'internalize');
  try {
    const read = readXmlDocument(text);
    expect('root' in read).toBe(true);
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

test.each([
  ['SOAP 1.2', SOAP12_LOGOUT],
  ['SOAP 1.1', SOAP11_LOGOUT],
])('a %s envelope read again internalizes nothing', (_name, envelope) => {
  // The first read fills the slots (whatever earlier tests left in them).
  internalizedWhileReading(envelope);
  expect(internalizedWhileReading(envelope)).toBe(0);
});

test('alternating SOAP 1.1 and SOAP 1.2 envelopes stay kept too', () => {
  internalizedWhileReading(SOAP11_LOGOUT);
  internalizedWhileReading(SOAP12_LOGOUT);
  expect(internalizedWhileReading(SOAP11_LOGOUT) + internalizedWhileReading(SOAP12_LOGOUT)).toBe(0);
});

test('the first read of new names does internalize them (the spy sees the calls)', () => {
  const fresh = `<a${Date.now().toString(36)}:r xmlns:a${Date.now().toString(36)}="urn:fresh-${Math.random()}"/>`;
  expect(internalizedWhileReading(fresh)).toBeGreaterThan(0);
});
