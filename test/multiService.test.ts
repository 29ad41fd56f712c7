/**
 * A second service beside /srv.asmx: its own WSDL in another namespace, mounted from the
 * configuration with stubs only, answering its typed operations over all four transports; its
 * documents (WSDL, disco, help) from its own WSDL; one ticket store for both services.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildAsmxWsdl } from './support/asmxWsdl';
import { httpRequest, login } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

process.env.TZ = 'UTC';

const NS = 'http://example.com/orders/';
const ENVELOPE_11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const ENVELOPE_12 = 'http://www.w3.org/2003/05/soap-envelope';
const DECL = '<?xml version="1.0" encoding="utf-8"?>';
const XSI_XSD =
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';

const wsdl = buildAsmxWsdl({
  service: 'Orders',
  namespace: NS,
  types: `<s:complexType name="Order"><s:sequence>
<s:element minOccurs="1" maxOccurs="1" name="OrderId" type="s:int" />
<s:element minOccurs="0" maxOccurs="1" name="Customer" type="s:string" />
<s:element minOccurs="1" maxOccurs="1" name="Total" type="s:decimal" />
<s:element minOccurs="1" maxOccurs="1" name="Placed" type="s:dateTime" />
<s:element minOccurs="1" maxOccurs="1" name="State" type="tns:OrderState" />
<s:element minOccurs="0" maxOccurs="1" name="Lines" type="tns:ArrayOfString" />
<s:element minOccurs="0" maxOccurs="1" name="Note" type="s:string" />
</s:sequence></s:complexType>
<s:simpleType name="OrderState"><s:restriction base="s:string"><s:enumeration value="Open" /><s:enumeration value="Shipped" /></s:restriction></s:simpleType>
<s:complexType name="ArrayOfString"><s:sequence><s:element minOccurs="0" maxOccurs="unbounded" name="string" nillable="true" type="s:string" /></s:sequence></s:complexType>
<s:complexType name="ArrayOfInt"><s:sequence><s:element minOccurs="0" maxOccurs="unbounded" name="int" type="s:int" /></s:sequence></s:complexType>
<s:element name="Order" nillable="true" type="tns:Order" />
<s:element name="ArrayOfInt" nillable="true" type="tns:ArrayOfInt" />
<s:element name="long" type="s:long" />`,
  operations: [
    {
      name: 'GetOrder',
      documentation: 'Returns one order.',
      params: [
        { name: 'authenticationTicket', type: 's:string' },
        { name: 'orderId', type: 's:int', minOccurs: 1 },
      ],
      result: { type: 'tns:Order' },
      httpElement: 'Order',
      http: true,
    },
    {
      name: 'ListOrderIds',
      params: [{ name: 'customer', type: 's:string' }],
      result: { type: 'tns:ArrayOfInt' },
      httpElement: 'ArrayOfInt',
      http: true,
    },
    {
      name: 'CountOrders',
      params: [],
      result: { type: 's:long', minOccurs: 1 },
      httpElement: 'long',
      http: true,
    },
    { name: 'Cancel', params: [{ name: 'orderId', type: 's:int', minOccurs: 1 }], result: 'xml', http: true },
  ],
});

const ORDER = {
  OrderId: 7,
  Customer: 'ACME & Sons <GmbH>',
  Total: '99.90',
  Placed: '2026-03-01T10:00:00Z',
  State: 'Shipped',
  Lines: ['bolts', null, ''],
};

let server: TestServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'asmx-orders-'));
  writeFileSync(path.join(dir, 'orders.wsdl'), wsdl);
  mkdirSync(path.join(dir, 'stubs'));
  const stub = (name: string, rules: unknown) =>
    writeFileSync(path.join(dir, 'stubs', `${name}.json`), JSON.stringify(rules));
  stub('GetOrder', [{ when: { orderId: 7 }, result: ORDER }, { fault: 'Order {{orderId}} not found' }]);
  stub('ListOrderIds', [{ when: { customer: 'ACME' }, result: [7, 9] }, { result: [] }]);
  stub('CountOrders', [{ result: '9007199254740993' }]);
  stub('Cancel', [{ result: '<root success="true" order="{{orderId}}" />' }]);
  server = await startTestServer({
    services: [{ path: '/Orders.asmx', wsdl: path.join(dir, 'orders.wsdl'), stubs: path.join(dir, 'stubs') }],
  });
});
afterAll(() => server.close());

const soapBody = (version: '1.1' | '1.2', inner: string) =>
  `${DECL}<soap:Envelope xmlns:soap="${version === '1.1' ? ENVELOPE_11 : ENVELOPE_12}"><soap:Body>${inner}</soap:Body></soap:Envelope>`;

function soapCall(version: '1.1' | '1.2', operation: string, inner: string) {
  const headers: Record<string, string> =
    version === '1.1'
      ? { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${NS}${operation}"` }
      : { 'Content-Type': `application/soap+xml; charset=utf-8; action="${NS}${operation}"` };
  return httpRequest(server.origin, '/Orders.asmx', {
    method: 'POST',
    headers,
    body: soapBody(version, `<${operation} xmlns="${NS}">${inner}</${operation}>`),
  });
}

const ORDER_MEMBERS =
  '<OrderId>7</OrderId><Customer>ACME &amp; Sons &lt;GmbH&gt;</Customer><Total>99.90</Total>' +
  '<Placed>2026-03-01T10:00:00Z</Placed><State>Shipped</State>' +
  '<Lines><string>bolts</string><string xsi:nil="true" /><string /></Lines>';

const ORDER_DOCUMENT = [
  DECL,
  `<Order xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${NS}">`,
  '  <OrderId>7</OrderId>',
  '  <Customer>ACME &amp; Sons &lt;GmbH&gt;</Customer>',
  '  <Total>99.90</Total>',
  '  <Placed>2026-03-01T10:00:00Z</Placed>',
  '  <State>Shipped</State>',
  '  <Lines>',
  '    <string>bolts</string>',
  '    <string xsi:nil="true" />',
  '    <string />',
  '  </Lines>',
  '</Order>',
].join('\n');

describe('a typed operation of the second service, guarded by the one ticket store', () => {
  test.each(['1.1', '1.2'] as const)('SOAP %s', async (version) => {
    const ticket = await login(server.origin);
    const answer = await soapCall(
      version,
      'GetOrder',
      `<authenticationTicket>${ticket}</authenticationTicket><orderId>7</orderId>`,
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(
      version === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8',
    );
    expect(answer.body).toBe(
      `${DECL}<soap:Envelope xmlns:soap="${version === '1.1' ? ENVELOPE_11 : ENVELOPE_12}" ${XSI_XSD}><soap:Body>` +
        `<GetOrderResponse xmlns="${NS}"><GetOrderResult>${ORDER_MEMBERS}</GetOrderResult></GetOrderResponse></soap:Body></soap:Envelope>`,
    );
  });

  test('HTTP GET and form POST', async () => {
    const ticket = await login(server.origin);
    const get = await httpRequest(
      server.origin,
      `/Orders.asmx/GetOrder?authenticationTicket=${ticket}&orderId=7`,
    );
    expect(get.status).toBe(200);
    expect(get.body).toBe(ORDER_DOCUMENT);
    const post = await httpRequest(server.origin, '/orders.ASMX/GetOrder', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `AUTHENTICATIONTICKET=${ticket}&ORDERID=%207`,
    });
    expect(post.status).toBe(200);
    expect(post.body).toBe(ORDER_DOCUMENT);
  });

  test('a dead ticket is the [901] SoapException on every transport; a LogOut on /srv.asmx ends it here', async () => {
    const ticket = await login(server.origin);
    await httpRequest(server.origin, `/srv.asmx/LogOut?AuthenticationTicket=${ticket}`);
    const get = await httpRequest(
      server.origin,
      `/Orders.asmx/GetOrder?authenticationTicket=${ticket}&orderId=7`,
    );
    expect(get.status).toBe(500);
    expect(get.body).toBe(
      'System.Web.Services.Protocols.SoapException: [901] Session expired or Invalid ticket',
    );
    const soap = await soapCall(
      '1.1',
      'GetOrder',
      `<authenticationTicket>${ticket}</authenticationTicket><orderId>7</orderId>`,
    );
    expect(soap.status).toBe(500);
    expect(soap.body).toContain(
      '<faultcode>soap:Client</faultcode><faultstring>System.Web.Services.Protocols.SoapException: [901] Session expired or Invalid ticket</faultstring>',
    );
  });

  test('a stub fault with a template, and the ticket cookie fallback', async () => {
    const ticket = await login(server.origin);
    const answer = await httpRequest(server.origin, '/Orders.asmx/GetOrder?authenticationTicket=&orderId=8', {
      headers: { Cookie: `ticket=${ticket}` },
    });
    expect(answer.status).toBe(500);
    expect(answer.body).toBe('System.Web.Services.Protocols.SoapException: Order 8 not found');
  });
});

describe('unguarded operations of the second service', () => {
  test('an array of int over SOAP 1.2 and GET', async () => {
    const soap = await soapCall('1.2', 'ListOrderIds', '<customer>ACME</customer>');
    expect(soap.body).toContain(
      `<ListOrderIdsResponse xmlns="${NS}"><ListOrderIdsResult><int>7</int><int>9</int></ListOrderIdsResult></ListOrderIdsResponse>`,
    );
    const get = await httpRequest(server.origin, '/Orders.asmx/ListOrderIds?customer=nobody');
    expect(get.body).toBe(
      `${DECL}\n<ArrayOfInt xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${NS}" />`,
    );
  });

  test('a long beyond 2^53 over POST, an XmlNode with a template over SOAP 1.1', async () => {
    const post = await httpRequest(server.origin, '/Orders.asmx/CountOrders', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(post.body).toBe(`${DECL}\n<long xmlns="${NS}">9007199254740993</long>`);
    const soap = await soapCall('1.1', 'Cancel', '<orderId>12</orderId>');
    expect(soap.body).toContain(
      `<CancelResponse xmlns="${NS}"><CancelResult><root success="true" order="12" xmlns="" /></CancelResult></CancelResponse>`,
    );
  });

  test('GET parameters are required as ASMX requires them, and converted as .NET converts them', async () => {
    const missing = await httpRequest(server.origin, '/Orders.asmx/Cancel');
    expect(missing.status).toBe(500);
    expect(missing.body).toBe('System.InvalidOperationException: Missing parameter: orderId.');
    const bad = await httpRequest(server.origin, '/Orders.asmx/Cancel?orderId=x1');
    expect(bad.body).toBe(
      'System.ArgumentException: Cannot convert x1 to System.Int32.\r\nParameter name: type ---> System.FormatException: Input string was not in a correct format.',
    );
  });
});

describe("the second service's documents", () => {
  test('its WSDL with this server as the address, its disco and its help pages', async () => {
    const served = await httpRequest(server.origin, '/Orders.asmx?wsdl');
    expect(served.body).toBe(
      wsdl.split('http://localhost/Service.asmx').join(`${server.origin}/Orders.asmx`),
    );
    const disco = await httpRequest(server.origin, '/Orders.asmx?disco');
    expect(disco.body).toContain(`binding="q1:OrdersSoap"`);
    expect(disco.body).toContain(`xmlns:q1="${NS}"`);
    const help = await httpRequest(server.origin, '/Orders.asmx');
    expect(help.body).toContain('Returns one order.');
    const page = await httpRequest(server.origin, '/Orders.asmx?op=GetOrder');
    expect(page.status).toBe(200);
    expect(page.body).toContain('&lt;orderId&gt;<span class="value">int</span>&lt;/orderId&gt;');
    expect(page.body).toContain('<span class="value">Open or Shipped</span>');
  });

  test('/srv.asmx keeps serving the session service', async () => {
    const ticket = await login(server.origin);
    const answer = await httpRequest(server.origin, `/srv.asmx/LogOut?AuthenticationTicket=${ticket}`);
    expect(answer.body).toBe(`${DECL}\n<root success="true" />`);
  });
});
