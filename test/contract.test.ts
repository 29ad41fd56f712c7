/** The contract layer: a WSDL and its XSD schemas read into the service model, or refused at start. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  UnsupportedWsdlError,
  type MemberModel,
  type OperationModel,
  type ServiceModel,
  type TypeModel,
} from '../src/contract/model';
import { loadWsdl, readWsdl } from '../src/contract/readWsdl';

/** The WSDL of the real 26-operation ASMX reference (see its README.md). */
const SRV_FULL_WSDL = path.join(__dirname, '..', 'examples', 'inforouter-documents', 'srv-full.wsdl');
const SRV_WSDL = path.join(__dirname, '..', 'wsdl', 'srv.wsdl');
const TEMPURI = 'http://tempuri.org/';

function operation(model: ServiceModel, name: string): OperationModel {
  const found = model.byName.get(name);
  if (!found) throw new Error(`no operation ${name}`);
  return found;
}

function param(op: OperationModel, name: string): MemberModel {
  const found = op.params.find((p) => p.name === name);
  if (!found) throw new Error(`no parameter ${name} in ${op.name}`);
  return found;
}

function typeOf(op: OperationModel, name: string): TypeModel {
  return param(op, name).type;
}

describe('srv-full.wsdl (26 operations of the real ASMX reference)', () => {
  const model = loadWsdl(SRV_FULL_WSDL);

  test('service, namespace and binding names', () => {
    expect(model.name).toBe('Srv');
    expect(model.targetNamespace).toBe(TEMPURI);
    expect(model.soapBindingName).toBe('SrvSoap');
    expect(model.soap12BindingName).toBe('SrvSoap12');
  });

  test('operations in portType order, with their lookup maps', () => {
    expect(model.operations.map((o) => o.name)).toEqual([
      'LogOut',
      'AuthenticateUser',
      'CreateTicketforUser',
      'isValidTicket',
      'RenewTicket',
      'GetFolderContents',
      'CreateFolder',
      'DeleteDocument',
      'UploadDocument',
      'SearchDocuments',
      'SetDocumentTags',
      'SetDocumentExpirationDate',
      'SetDocumentStatus',
      'UpdateDocumentInfo',
      'GetDocumentVersionCount',
      'IsCheckedOut',
      'GetStorageUsed',
      'GetQuotaFraction',
      'GetStorageCost',
      'GetServerVersion',
      'GetServerTime',
      'Ping',
      'GetDocumentGuid',
      'GetDocumentNames',
      'GetDocumentInfo',
      'GetDocumentInfos',
    ]);
    expect(model.byName.size).toBe(26);
    expect(model.byLowerCaseName.get('isvalidticket')).toBe(operation(model, 'isValidTicket'));
    expect(model.bySoapAction.size).toBe(26);
    expect(model.bySoap12Action.size).toBe(26);
    for (const op of model.operations) {
      expect(op.soapAction).toBe(`${TEMPURI}${op.name}`);
      expect(op.soap12Action).toBe(`${TEMPURI}${op.name}`);
      expect(model.bySoapAction.get(op.soapAction)).toBe(op);
      expect(model.bySoap12Action.get(op.soap12Action)).toBe(op);
      expect(op.requestElement).toEqual({ namespace: TEMPURI, name: op.name });
      expect(op.responseElement).toEqual({ namespace: TEMPURI, name: `${op.name}Response` });
    }
  });

  test('documentation texts', () => {
    expect(operation(model, 'LogOut').documentation).toBe(
      "Logs out a user and clears user's session variables.",
    );
    expect(operation(model, 'Ping').documentation).toBe('Does nothing; needs no ticket.');
    expect(operation(model, 'GetStorageUsed').documentation).toBe(
      'Returns the bytes of storage used (a value above 2^53).',
    );
    expect(operation(model, 'AuthenticateUser').documentation).toBe('');
  });

  test('LogOut: an XmlNode result and an optional string parameter', () => {
    const op = operation(model, 'LogOut');
    expect(op.params).toEqual([
      {
        name: 'AuthenticationTicket',
        namespace: TEMPURI,
        type: { kind: 'primitive', name: 'string' },
        minOccurs: 0,
        maxOccurs: 1,
        nillable: false,
      },
    ]);
    expect(op.result).toEqual({
      name: 'LogOutResult',
      namespace: TEMPURI,
      type: { kind: 'xmlNode' },
      minOccurs: 0,
      maxOccurs: 1,
      nillable: false,
    });
    expect([...op.protocols]).toEqual(['soap11', 'soap12', 'httpGet', 'httpPost']);
    // `<mime:content part="Body" type="text/xml" />` over an untyped part.
    expect(op.httpResultElement).toBeUndefined();
  });

  test('SearchDocuments: int parameters are required (minOccurs 1)', () => {
    const op = operation(model, 'SearchDocuments');
    expect(op.params.map((p) => [p.name, p.type, p.minOccurs])).toEqual([
      ['authenticationTicket', { kind: 'primitive', name: 'string' }, 0],
      ['query', { kind: 'primitive', name: 'string' }, 0],
      ['pageSize', { kind: 'primitive', name: 'int' }, 1],
      ['pageNumber', { kind: 'primitive', name: 'int' }, 1],
    ]);
  });

  test('SetDocumentTags: ArrayOfString of nillable string items', () => {
    expect(typeOf(operation(model, 'SetDocumentTags'), 'tags')).toEqual({
      kind: 'array',
      name: 'ArrayOfString',
      namespace: TEMPURI,
      item: {
        name: 'string',
        namespace: TEMPURI,
        type: { kind: 'primitive', name: 'string' },
        minOccurs: 0,
        maxOccurs: Infinity,
        nillable: true,
      },
    });
  });

  test('SetDocumentStatus: the DocumentStatus enum', () => {
    const status = param(operation(model, 'SetDocumentStatus'), 'status');
    expect(status.minOccurs).toBe(1);
    expect(status.type).toEqual({
      kind: 'enum',
      name: 'DocumentStatus',
      namespace: TEMPURI,
      members: ['Draft', 'Published', 'Archived'],
    });
  });

  test('UpdateDocumentInfo: the DocumentInfo complex type, SOAP only', () => {
    const op = operation(model, 'UpdateDocumentInfo');
    const info = typeOf(op, 'info');
    if (info.kind !== 'complex') throw new Error('DocumentInfo is not complex');
    expect(info.name).toBe('DocumentInfo');
    expect(info.namespace).toBe(TEMPURI);
    const kindOf = (t: TypeModel) => (t.kind === 'primitive' ? t.name : `${t.kind}`);
    expect(info.members.map((m) => [m.name, kindOf(m.type), m.minOccurs, m.namespace])).toEqual([
      ['Id', 'int', 1, TEMPURI],
      ['Name', 'string', 0, TEMPURI],
      ['Path', 'string', 0, TEMPURI],
      ['Size', 'long', 1, TEMPURI],
      ['Modified', 'dateTime', 1, TEMPURI],
      ['CheckedOut', 'boolean', 1, TEMPURI],
      ['Tags', 'array', 0, TEMPURI],
      ['Status', 'enum', 1, TEMPURI],
      ['Description', 'string', 0, TEMPURI],
    ]);
    // One model object per XSD type, wherever it is used.
    expect(info.members[6]?.type).toBe(typeOf(operation(model, 'SetDocumentTags'), 'tags'));
    expect(info.members[7]?.type).toBe(typeOf(operation(model, 'SetDocumentStatus'), 'status'));
    expect([...op.protocols]).toEqual(['soap11', 'soap12']);
    expect(op.httpResultElement).toBeUndefined();
    expect(op.result?.type).toEqual({ kind: 'xmlNode' });
  });

  test('typed scalar results and their HTTP root elements', () => {
    const cases: [string, string, boolean][] = [
      ['GetDocumentVersionCount', 'int', false],
      ['IsCheckedOut', 'boolean', false],
      ['GetStorageUsed', 'long', false],
      ['GetQuotaFraction', 'double', false],
      ['GetStorageCost', 'decimal', false],
      ['GetServerVersion', 'string', true],
      ['GetServerTime', 'dateTime', false],
      ['GetDocumentGuid', 'guid', false],
    ];
    for (const [name, primitive, nillable] of cases) {
      const op = operation(model, name);
      expect(op.result).toEqual({
        name: `${name}Result`,
        namespace: TEMPURI,
        type: { kind: 'primitive', name: primitive },
        minOccurs: primitive === 'string' ? 0 : 1,
        maxOccurs: 1,
        nillable: false,
      });
      expect(op.httpResultElement).toEqual({ namespace: TEMPURI, name: primitive, nillable });
    }
  });

  test('Ping: void, on every protocol', () => {
    const op = operation(model, 'Ping');
    expect(op.params).toEqual([]);
    expect(op.result).toBeUndefined();
    expect(op.httpResultElement).toBeUndefined();
    expect([...op.protocols]).toEqual(['soap11', 'soap12', 'httpGet', 'httpPost']);
  });

  test('GetDocumentInfos: ArrayOfDocumentInfo of nillable DocumentInfo items', () => {
    const op = operation(model, 'GetDocumentInfos');
    const documentInfo = typeOf(operation(model, 'UpdateDocumentInfo'), 'info');
    const result = op.result?.type;
    if (result?.kind !== 'array') throw new Error('not an array');
    expect(result.name).toBe('ArrayOfDocumentInfo');
    expect(result.item).toMatchObject({ name: 'DocumentInfo', namespace: TEMPURI, nillable: true });
    expect(result.item.type).toBe(documentInfo);
    expect(op.httpResultElement).toEqual({ namespace: TEMPURI, name: 'ArrayOfDocumentInfo', nillable: true });
    expect(operation(model, 'GetDocumentInfo').result?.type).toBe(documentInfo);
    expect(operation(model, 'GetDocumentInfo').httpResultElement).toEqual({
      namespace: TEMPURI,
      name: 'DocumentInfo',
      nillable: true,
    });
    expect(operation(model, 'GetDocumentNames').httpResultElement).toEqual({
      namespace: TEMPURI,
      name: 'ArrayOfString',
      nillable: true,
    });
  });

  test('UploadDocument: base64Binary content; SetDocumentExpirationDate: dateTime', () => {
    expect(param(operation(model, 'UploadDocument'), 'content')).toMatchObject({
      type: { kind: 'primitive', name: 'base64Binary' },
      minOccurs: 0,
    });
    expect(param(operation(model, 'SetDocumentExpirationDate'), 'expirationDate')).toMatchObject({
      type: { kind: 'primitive', name: 'dateTime' },
      minOccurs: 1,
    });
  });

  test('renderWsdl replaces exactly the 4 port locations', () => {
    const original = readFileSync(SRV_FULL_WSDL, 'utf8');
    const reference = 'http://127.0.0.1:8090/srv.asmx';
    expect(original.split(reference).length - 1).toBe(4);
    const url = 'https://emulator.example:8443/legacy/srv.asmx';
    expect(model.renderWsdl(url)).toBe(original.split(reference).join(url));
    expect(model.renderWsdl(reference)).toBe(original);
    expect(model.renderWsdl('http://h/srv.asmx?a=1&b=2')).toContain(
      'location="http://h/srv.asmx?a=1&amp;b=2"',
    );
  });
});

describe('wsdl/srv.wsdl (the 5-operation session service)', () => {
  const model = loadWsdl(SRV_WSDL);

  test('5 operations returning XmlNode on all four protocols', () => {
    expect(model.operations.map((o) => o.name)).toEqual([
      'LogOut',
      'AuthenticateUser',
      'CreateTicketforUser',
      'isValidTicket',
      'RenewTicket',
    ]);
    for (const op of model.operations) {
      expect(op.result?.type).toEqual({ kind: 'xmlNode' });
      expect(op.httpResultElement).toBeUndefined();
      expect(op.protocols.size).toBe(4);
    }
    expect(param(operation(model, 'RenewTicket'), 'OldTicket').minOccurs).toBe(0);
    expect(operation(model, 'AuthenticateUser').documentation).toMatch(/^Authenticates a user/);
    const original = readFileSync(SRV_WSDL, 'utf8');
    expect(original.split('http://localhost/srv.asmx').length - 1).toBe(4);
    expect(model.renderWsdl('http://x/srv.asmx')).toBe(
      original.split('http://localhost/srv.asmx').join('http://x/srv.asmx'),
    );
  });
});

/** Another namespace, other prefixes (WSDL as the default namespace), two schemas with an import, recursion. */
const ORDERS_WSDL = `<?xml version="1.0" encoding="utf-8"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:o="urn:example:orders" xmlns:sp="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:sp12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:h="http://schemas.xmlsoap.org/wsdl/http/" xmlns:m="http://schemas.xmlsoap.org/wsdl/mime/" targetNamespace="urn:example:orders">
  <types>
    <xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:example:orders:types" elementFormDefault="qualified" targetNamespace="urn:example:orders">
      <xsd:import namespace="urn:example:orders:types" />
      <xsd:element name="GetCategory">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element minOccurs="1" maxOccurs="1" name="id" type="xsd:int" />
            <xsd:element xmlns:ms="http://microsoft.com/wsdl/types/" minOccurs="1" maxOccurs="1" name="code" type="ms:char" />
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="GetCategoryResponse">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element minOccurs="0" maxOccurs="1" name="GetCategoryResult" type="t:Category" />
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="PlaceOrder">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element minOccurs="0" maxOccurs="1" name="lines" type="t:ArrayOfLine" />
            <xsd:element minOccurs="0" ref="t:Priority" />
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="PlaceOrderResponse">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element minOccurs="1" maxOccurs="1" name="PlaceOrderResult" type="xsd:unsignedLong" />
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="Category" nillable="true" type="t:Category" />
    </xsd:schema>
    <schema xmlns="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:example:orders:types" xmlns:ms="http://microsoft.com/wsdl/types/" targetNamespace="urn:example:orders:types">
      <import namespace="http://microsoft.com/wsdl/types/" />
      <complexType name="ArrayOfCategory">
        <sequence>
          <element minOccurs="0" maxOccurs="unbounded" name="Category" nillable="true" type="t:Category" />
        </sequence>
      </complexType>
      <complexType name="Category">
        <sequence>
          <element minOccurs="0" maxOccurs="1" name="Name" type="string" />
          <element minOccurs="0" maxOccurs="1" name="Children" type="t:ArrayOfCategory" />
          <element minOccurs="0" maxOccurs="1" name="Parent" type="t:Category" />
        </sequence>
      </complexType>
      <element name="Priority" type="t:Priority" />
      <simpleType name="Priority">
        <restriction base="string">
          <enumeration value="Low" />
          <enumeration value="High" />
        </restriction>
      </simpleType>
      <complexType name="ArrayOfLine">
        <sequence>
          <element minOccurs="0" maxOccurs="unbounded" name="Line" nillable="true" type="t:Line" />
        </sequence>
      </complexType>
      <complexType name="Line">
        <sequence>
          <element minOccurs="1" maxOccurs="1" name="Product" type="ms:guid" />
          <element minOccurs="1" maxOccurs="1" name="Quantity" type="decimal" />
          <element minOccurs="1" maxOccurs="1" name="Weight" type="float" />
        </sequence>
      </complexType>
      <complexType name="Unused">
        <choice><element name="a" type="duration" /></choice>
        <attribute name="b" type="QName" />
      </complexType>
    </schema>
  </types>
  <message name="GetCategoryIn"><part name="parameters" element="o:GetCategory" /></message>
  <message name="GetCategoryOut"><part name="parameters" element="o:GetCategoryResponse" /></message>
  <message name="PlaceOrderIn"><part name="parameters" element="o:PlaceOrder" /></message>
  <message name="PlaceOrderOut"><part name="parameters" element="o:PlaceOrderResponse" /></message>
  <message name="GetCategoryPostIn"><part name="id" type="xsd:string" xmlns:xsd="http://www.w3.org/2001/XMLSchema" /></message>
  <message name="GetCategoryPostOut"><part name="Body" element="o:Category" /></message>
  <portType name="OrdersPort">
    <operation name="GetCategory">
      <documentation>A category &amp; its <b xmlns="">children</b>.</documentation>
      <input message="o:GetCategoryIn" />
      <output message="o:GetCategoryOut" />
    </operation>
    <operation name="PlaceOrder">
      <input message="o:PlaceOrderIn" />
      <output message="o:PlaceOrderOut" />
    </operation>
  </portType>
  <portType name="OrdersPost">
    <operation name="GetCategory">
      <input message="o:GetCategoryPostIn" />
      <output message="o:GetCategoryPostOut" />
    </operation>
  </portType>
  <binding name="OrdersSoap" type="o:OrdersPort">
    <sp:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <operation name="GetCategory">
      <sp:operation soapAction="urn:example:orders#GetCategory" style="document" />
      <input><sp:body use="literal" /></input>
      <output><sp:body use="literal" /></output>
    </operation>
    <operation name="PlaceOrder">
      <sp:operation soapAction="urn:example:orders#PlaceOrder" />
      <input><sp:body use="literal" /></input>
      <output><sp:body use="literal" /></output>
    </operation>
  </binding>
  <binding name="OrdersSoap12" type="o:OrdersPort">
    <sp12:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <operation name="GetCategory">
      <sp12:operation soapAction="urn:example:orders#GetCategory12" style="document" />
      <input><sp12:body use="literal" /></input>
      <output><sp12:body use="literal" /></output>
    </operation>
  </binding>
  <binding name="OrdersHttpPost" type="o:OrdersPost">
    <h:binding verb="POST" />
    <operation name="GetCategory">
      <h:operation location="/GetCategory" />
      <input><m:content type="application/x-www-form-urlencoded" /></input>
      <output><m:mimeXml part="Body" /></output>
    </operation>
  </binding>
  <service name="Orders">
    <port name="OrdersSoap" binding="o:OrdersSoap"><sp:address location="http://old.example/orders.asmx" /></port>
    <port name="OrdersSoap12" binding="o:OrdersSoap12"><sp12:address location="http://old.example/orders.asmx" /></port>
    <port name="OrdersHttpPost" binding="o:OrdersHttpPost"><h:address location="http://old.example/orders.asmx" /></port>
  </service>
</definitions>
`;

describe('a hand-written WSDL with other prefixes and namespaces', () => {
  const model = readWsdl(ORDERS_WSDL, 'orders.wsdl');
  const TYPES = 'urn:example:orders:types';

  test('service, bindings and operations', () => {
    expect(model.name).toBe('Orders');
    expect(model.targetNamespace).toBe('urn:example:orders');
    expect(model.soapBindingName).toBe('OrdersSoap');
    expect(model.soap12BindingName).toBe('OrdersSoap12');
    expect(model.operations.map((o) => o.name)).toEqual(['GetCategory', 'PlaceOrder']);
    const get = operation(model, 'GetCategory');
    expect(get.documentation).toBe('A category & its children.');
    expect([...get.protocols]).toEqual(['soap11', 'soap12', 'httpPost']);
    expect(get.soapAction).toBe('urn:example:orders#GetCategory');
    expect(get.soap12Action).toBe('urn:example:orders#GetCategory12');
    expect(get.requestElement).toEqual({ namespace: 'urn:example:orders', name: 'GetCategory' });
    expect(get.httpResultElement).toEqual({
      namespace: 'urn:example:orders',
      name: 'Category',
      nillable: true,
    });
    const place = operation(model, 'PlaceOrder');
    expect([...place.protocols]).toEqual(['soap11']);
    expect(place.soap12Action).toBe('');
    expect(place.httpResultElement).toBeUndefined();
    expect(model.bySoapAction.get('urn:example:orders#PlaceOrder')).toBe(place);
    expect([...model.bySoap12Action.keys()]).toEqual(['urn:example:orders#GetCategory12']);
  });

  test('parameters: Microsoft char, imported types, ref= to a global element of another schema', () => {
    const get = operation(model, 'GetCategory');
    expect(get.params.map((p) => [p.name, p.namespace, p.type])).toEqual([
      ['id', 'urn:example:orders', { kind: 'primitive', name: 'int' }],
      ['code', 'urn:example:orders', { kind: 'primitive', name: 'char' }],
    ]);
    const place = operation(model, 'PlaceOrder');
    expect(param(place, 'Priority')).toEqual({
      name: 'Priority',
      namespace: TYPES,
      type: { kind: 'enum', name: 'Priority', namespace: TYPES, members: ['Low', 'High'] },
      minOccurs: 0,
      maxOccurs: 1,
      nillable: false,
    });
    const lines = typeOf(place, 'lines');
    if (lines.kind !== 'array' || lines.item.type.kind !== 'complex') throw new Error('not an array of Line');
    expect(lines.item.namespace).toBe(''); // the types schema is unqualified
    expect(lines.item.type.members.map((m) => [m.name, m.namespace, m.type])).toEqual([
      ['Product', '', { kind: 'primitive', name: 'guid' }],
      ['Quantity', '', { kind: 'primitive', name: 'decimal' }],
      ['Weight', '', { kind: 'primitive', name: 'float' }],
    ]);
    expect(place.result?.type).toEqual({ kind: 'primitive', name: 'unsignedLong' });
  });

  test('a recursive type resolves to one object, declared after its array', () => {
    const category = operation(model, 'GetCategory').result?.type;
    if (category?.kind !== 'complex') throw new Error('Category is not complex');
    expect(category).toMatchObject({ name: 'Category', namespace: TYPES });
    const [name, children, parent] = category.members;
    expect(name).toMatchObject({ name: 'Name', namespace: '', type: { kind: 'primitive', name: 'string' } });
    expect(parent?.type).toBe(category);
    const array = children?.type;
    if (array?.kind !== 'array') throw new Error('Children is not an array');
    expect(array.name).toBe('ArrayOfCategory');
    expect(array.item.type).toBe(category);
  });

  test('renderWsdl rewrites the three port addresses', () => {
    expect(model.renderWsdl('http://new/orders.asmx')).toBe(
      ORDERS_WSDL.split('http://old.example/orders.asmx').join('http://new/orders.asmx'),
    );
  });
});

/** A minimal ASMX-like WSDL with one operation `Foo(x: string): int`; the refusal tests edit it. */
const BASE_WSDL = `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:http="http://schemas.xmlsoap.org/wsdl/http/" xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/" xmlns:tns="http://tempuri.org/" targetNamespace="http://tempuri.org/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">
  <wsdl:types>
    <s:schema elementFormDefault="qualified" targetNamespace="http://tempuri.org/">
      <s:element name="Foo"><s:complexType><s:sequence><s:element minOccurs="0" maxOccurs="1" name="x" type="s:string" /></s:sequence></s:complexType></s:element>
      <s:element name="FooResponse"><s:complexType><s:sequence><s:element minOccurs="1" maxOccurs="1" name="FooResult" type="s:int" /></s:sequence></s:complexType></s:element>
      <s:complexType name="Info"><s:sequence><s:element minOccurs="0" maxOccurs="1" name="Name" type="s:string" /></s:sequence></s:complexType>
      <s:element name="int" type="s:int" />
    </s:schema>
  </wsdl:types>
  <wsdl:message name="FooSoapIn"><wsdl:part name="parameters" element="tns:Foo" /></wsdl:message>
  <wsdl:message name="FooSoapOut"><wsdl:part name="parameters" element="tns:FooResponse" /></wsdl:message>
  <wsdl:message name="FooHttpGetIn"><wsdl:part name="x" type="s:string" /></wsdl:message>
  <wsdl:message name="FooHttpGetOut"><wsdl:part name="Body" element="tns:int" /></wsdl:message>
  <wsdl:portType name="TestSoap">
    <wsdl:operation name="Foo"><wsdl:input message="tns:FooSoapIn" /><wsdl:output message="tns:FooSoapOut" /></wsdl:operation>
  </wsdl:portType>
  <wsdl:portType name="TestHttpGet">
    <wsdl:operation name="Foo"><wsdl:input message="tns:FooHttpGetIn" /><wsdl:output message="tns:FooHttpGetOut" /></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="TestSoap" type="tns:TestSoap">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <wsdl:operation name="Foo">
      <soap:operation soapAction="http://tempuri.org/Foo" style="document" />
      <wsdl:input><soap:body use="literal" /></wsdl:input>
      <wsdl:output><soap:body use="literal" /></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:binding name="TestHttpGet" type="tns:TestHttpGet">
    <http:binding verb="GET" />
    <wsdl:operation name="Foo">
      <http:operation location="/Foo" />
      <wsdl:input><http:urlEncoded /></wsdl:input>
      <wsdl:output><mime:mimeXml part="Body" /></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="Test">
    <wsdl:port name="TestSoap" binding="tns:TestSoap"><soap:address location="http://localhost/test.asmx" /></wsdl:port>
    <wsdl:port name="TestHttpGet" binding="tns:TestHttpGet"><http:address location="http://localhost/test.asmx" /></wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;

const X_STRING = 'maxOccurs="1" name="x" type="s:string"';
const X_INFO = 'maxOccurs="1" name="x" type="tns:Info"';
const INFO_SEQUENCE =
  '<s:sequence><s:element minOccurs="0" maxOccurs="1" name="Name" type="s:string" /></s:sequence></s:complexType>';
const PORT_TYPE_FOO =
  '<wsdl:operation name="Foo"><wsdl:input message="tns:FooSoapIn" /><wsdl:output message="tns:FooSoapOut" /></wsdl:operation>';
const SCHEMA_START = '<s:schema elementFormDefault="qualified" targetNamespace="http://tempuri.org/">';
const SOAP_BINDING = '<soap:binding transport="http://schemas.xmlsoap.org/soap/http" />';

/** BASE_WSDL with each `[from, to]` applied; `from` must occur exactly once, so no edit silently misses. */
function edit(...replacements: [from: string, to: string][]): string {
  return replacements.reduce((text, [from, to]) => {
    if (text.split(from).length !== 2) throw new Error(`"${from}" does not occur exactly once`);
    return text.replace(from, () => to);
  }, BASE_WSDL);
}

/** The message of the UnsupportedWsdlError the WSDL is refused with. */
function refusal(wsdl: string): string {
  try {
    readWsdl(wsdl, 'test.wsdl');
  } catch (error) {
    expect(error).toBeInstanceOf(UnsupportedWsdlError);
    const message = (error as Error).message;
    expect(message.startsWith('test.wsdl: ')).toBe(true);
    return message;
  }
  throw new Error('the WSDL was accepted');
}

describe('refusals at start', () => {
  test('the base WSDL is accepted', () => {
    const model = readWsdl(BASE_WSDL, 'test.wsdl');
    const foo = operation(model, 'Foo');
    expect([...foo.protocols]).toEqual(['soap11', 'httpGet']);
    expect(foo.httpResultElement).toEqual({ namespace: TEMPURI, name: 'int', nillable: false });
    expect(model.soap12BindingName).toBe('');
    expect(model.bySoap12Action.size).toBe(0);
  });

  test('a SOAP 1.2 binding alone', () => {
    const model = readWsdl(
      edit([
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"',
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap12/"',
      ]),
      'test.wsdl',
    );
    expect(model.soapBindingName).toBe('');
    expect(model.soap12BindingName).toBe('TestSoap');
    expect([...operation(model, 'Foo').protocols]).toEqual(['soap12', 'httpGet']);
    expect(model.bySoap12Action.get('http://tempuri.org/Foo')).toBe(operation(model, 'Foo'));
    expect(model.bySoapAction.size).toBe(0);
  });

  test('a ref= cycle through the anonymous type of a global element', () => {
    const model = readWsdl(
      edit(
        [X_STRING, 'ref="tns:Node"'],
        [
          '<s:element name="int" type="s:int" />',
          '<s:element name="int" type="s:int" /><s:element name="Node"><s:complexType><s:sequence><s:element minOccurs="0" maxOccurs="unbounded" ref="tns:Node" /></s:sequence></s:complexType></s:element>',
        ],
      ),
      'test.wsdl',
    );
    const node = param(operation(model, 'Foo'), 'Node');
    if (node.type.kind !== 'complex') throw new Error('Node is not complex');
    expect(node).toMatchObject({ namespace: TEMPURI, minOccurs: 0, maxOccurs: 1 });
    expect(node.type.members[0]).toMatchObject({ name: 'Node', maxOccurs: Infinity });
    expect(node.type.members[0]?.type).toBe(node.type);
  });

  test('no SOAP binding at all', () => {
    expect(refusal(edit([SOAP_BINDING, '<other:binding xmlns:other="urn:other" />']))).toBe(
      'test.wsdl: wsdl:binding: no SOAP binding (a binding with soap:binding or soap12:binding)',
    );
  });

  test('style="rpc" on the binding or on an operation', () => {
    expect(refusal(edit([SOAP_BINDING, '<soap:binding style="rpc" />']))).toBe(
      'test.wsdl: binding "TestSoap": style="rpc" is not supported (only document/literal)',
    );
    expect(refusal(edit(['style="document"', 'style="rpc"']))).toBe(
      'test.wsdl: operation "Foo": style="rpc" is not supported (only document/literal)',
    );
  });

  test('use="encoded"', () => {
    expect(
      refusal(
        edit([
          '<wsdl:input><soap:body use="literal" /></wsdl:input>',
          '<wsdl:input><soap:body use="encoded" encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" /></wsdl:input>',
        ]),
      ),
    ).toBe('test.wsdl: operation "Foo" input: use="encoded" is not supported (only document/literal)');
  });

  test('a SOAP message part with type= instead of element=', () => {
    expect(
      refusal(
        edit(['<wsdl:part name="parameters" element="tns:Foo" />', '<wsdl:part name="x" type="s:string" />']),
      ),
    ).toBe(
      'test.wsdl: operation "Foo" input message "FooSoapIn" part "x": type="s:string" is not supported in a SOAP message (rpc style); a part needs element=',
    );
  });

  test('references that do not resolve', () => {
    expect(refusal(edit([X_STRING, 'name="x" type="tns:Missing"']))).toBe(
      'test.wsdl: operation "Foo" parameter "x": type tns:Missing is not declared in the WSDL\'s schemas',
    );
    expect(refusal(edit([X_STRING, 'name="x" type="q:Thing"']))).toBe(
      'test.wsdl: operation "Foo" parameter "x": the prefix of q:Thing is not declared',
    );
    expect(refusal(edit(['element="tns:FooResponse"', 'element="tns:Nope"']))).toBe(
      'test.wsdl: operation "Foo" response: element tns:Nope is not declared in the WSDL\'s schemas',
    );
    expect(refusal(edit(['message="tns:FooSoapIn"', 'message="tns:Gone"']))).toBe(
      'test.wsdl: operation "Foo" input: message tns:Gone is not declared',
    );
    expect(
      refusal(
        edit([
          '<wsdl:binding name="TestSoap" type="tns:TestSoap">',
          '<wsdl:binding name="TestSoap" type="tns:Lost">',
        ]),
      ),
    ).toBe('test.wsdl: binding "TestSoap": portType tns:Lost is not declared');
    expect(
      refusal(
        edit(
          [X_STRING, 'name="x" type="tns:Info"'],
          [
            'type="s:string" /></s:sequence></s:complexType>\n',
            'type="tns:Void" /></s:sequence></s:complexType>\n',
          ],
        ),
      ),
    ).toBe(
      'test.wsdl: operation "Foo" parameter "x", type tns:Info, member "Name": type tns:Void is not declared in the WSDL\'s schemas',
    );
  });

  test('elements of XSD types XmlSerializer does not map', () => {
    expect(refusal(edit([X_STRING, 'name="x" type="s:duration"']))).toMatch(
      /^test\.wsdl: operation "Foo" parameter "x": type s:duration is not supported \(supported: string, boolean, byte, .*base64Binary, s1:guid, s1:char/,
    );
    expect(refusal(edit(['name="FooResult" type="s:int"', 'name="FooResult" type="s:QName"']))).toMatch(
      /^test\.wsdl: operation "Foo" result "FooResult": type s:QName is not supported \(supported: /,
    );
    expect(refusal(edit([X_STRING, 'name="x"']))).toBe(
      'test.wsdl: operation "Foo" parameter "x": an element without a type (s:anyType) is not supported',
    );
  });

  test('content models other than a sequence, in a type an operation uses', () => {
    const infoWith = (content: string) =>
      edit([X_STRING, X_INFO], [INFO_SEQUENCE, `${content}</s:complexType>`]);
    const where = 'test.wsdl: operation "Foo" parameter "x", type tns:Info: ';
    expect(refusal(infoWith('<s:choice><s:element name="a" type="s:string" /></s:choice>'))).toBe(
      `${where}s:choice is not supported (only s:sequence)`,
    );
    expect(refusal(infoWith('<s:all><s:element name="a" type="s:string" /></s:all>'))).toBe(
      `${where}s:all is not supported (only s:sequence)`,
    );
    expect(refusal(infoWith('<s:sequence /><s:attribute name="lang" type="s:string" />'))).toBe(
      `${where}s:attribute "lang" is not supported (XML attributes)`,
    );
    expect(
      refusal(
        infoWith(
          '<s:complexContent mixed="false"><s:extension base="tns:Base"><s:sequence /></s:extension></s:complexContent>',
        ),
      ),
    ).toBe(`${where}s:complexContent extension of tns:Base (inheritance) is not supported`);
    expect(refusal(infoWith('<s:simpleContent><s:extension base="s:string" /></s:simpleContent>'))).toBe(
      `${where}s:simpleContent extension of s:string (inheritance) is not supported`,
    );
    expect(
      refusal(infoWith('<s:sequence><s:element name="a" type="s:string" /><s:any /></s:sequence>')),
    ).toBe(`${where}<s:any> in a sequence is not supported (only s:element members)`);
  });

  test('unused types may contain anything', () => {
    const model = readWsdl(
      edit([
        INFO_SEQUENCE,
        '<s:complexContent><s:extension base="tns:Base"><s:choice><s:element name="d" type="s:duration" /></s:choice></s:extension></s:complexContent><s:attribute name="a" type="s:QName" /></s:complexType>',
      ]),
      'test.wsdl',
    );
    expect(model.operations).toHaveLength(1);
  });

  test('external files: wsdl:import, s:include, s:import with a schemaLocation', () => {
    expect(
      refusal(edit(['<wsdl:types>', '<wsdl:import namespace="urn:x" location="other.wsdl" /><wsdl:types>'])),
    ).toBe('test.wsdl: wsdl:import: importing other.wsdl is not supported (external files)');
    expect(refusal(edit([SCHEMA_START, `${SCHEMA_START}<s:include schemaLocation="types.xsd" />`]))).toBe(
      'test.wsdl: schema http://tempuri.org/: s:include of schemaLocation="types.xsd" is not supported (external schema files)',
    );
    expect(
      refusal(edit([SCHEMA_START, `${SCHEMA_START}<s:import namespace="urn:t" schemaLocation="t.xsd" />`])),
    ).toBe(
      'test.wsdl: schema http://tempuri.org/: s:import of namespace urn:t with schemaLocation="t.xsd" is not supported (external schema files)',
    );
  });

  test('two operations with the same name; overloads with a MessageName are distinct', () => {
    expect(refusal(edit([PORT_TYPE_FOO, PORT_TYPE_FOO + PORT_TYPE_FOO]))).toBe(
      'test.wsdl: portType "TestSoap": two operations named "Foo" (overloads need distinct MessageNames)',
    );
    const overload = edit(
      [
        PORT_TYPE_FOO,
        PORT_TYPE_FOO +
          '<wsdl:operation name="Foo"><wsdl:input name="Foo2" message="tns:FooSoapIn" /><wsdl:output name="Foo2" message="tns:FooSoapOut" /></wsdl:operation>',
      ],
      [
        '</wsdl:operation>\n  </wsdl:binding>\n  <wsdl:binding name="TestHttpGet"',
        '</wsdl:operation><wsdl:operation name="Foo"><soap:operation soapAction="http://tempuri.org/Foo2" /><wsdl:input name="Foo2"><soap:body use="literal" /></wsdl:input><wsdl:output name="Foo2"><soap:body use="literal" /></wsdl:output></wsdl:operation>\n  </wsdl:binding>\n  <wsdl:binding name="TestHttpGet"',
      ],
    );
    const model = readWsdl(overload, 'test.wsdl');
    expect(model.operations.map((o) => [o.name, o.soapAction, [...o.protocols]])).toEqual([
      ['Foo', 'http://tempuri.org/Foo', ['soap11', 'httpGet']],
      ['Foo2', 'http://tempuri.org/Foo2', ['soap11']],
    ]);
  });

  test('other constructs the emulator cannot serve', () => {
    expect(
      refusal(
        edit([
          'name="FooResult" type="s:int" />',
          'name="FooResult" type="s:int" /><s:element name="y" type="s:int" />',
        ]),
      ),
    ).toBe(
      'test.wsdl: operation "Foo" response element tns:FooResponse: 2 members (out or ref parameters) are not supported; a result is one member or none',
    );
    expect(refusal(edit(['<wsdl:output message="tns:FooSoapOut" />', '']))).toBe(
      'test.wsdl: operation "Foo": a one-way operation (no output) is not supported',
    );
    expect(
      refusal(
        edit([
          '<wsdl:input><soap:body use="literal" /></wsdl:input>',
          '<wsdl:input><soap:body use="literal" /><soap:header message="tns:FooSoapIn" part="parameters" use="literal" /></wsdl:input>',
        ]),
      ),
    ).toBe('test.wsdl: operation "Foo" input: soap:header (SOAP headers) is not supported');
    expect(refusal(edit([X_STRING, `${X_STRING} default="a"`]))).toBe(
      'test.wsdl: operation "Foo" parameter "x": default="a" on an element is not supported',
    );
    expect(
      refusal(
        edit(
          [PORT_TYPE_FOO, PORT_TYPE_FOO + PORT_TYPE_FOO.replace('"Foo"', '"Bar"')],
          [
            '</wsdl:operation>\n  </wsdl:binding>\n  <wsdl:binding name="TestHttpGet"',
            '</wsdl:operation><wsdl:operation name="Bar"><soap:operation soapAction="http://tempuri.org/Foo" /><wsdl:input><soap:body use="literal" /></wsdl:input><wsdl:output><soap:body use="literal" /></wsdl:output></wsdl:operation>\n  </wsdl:binding>\n  <wsdl:binding name="TestHttpGet"',
          ],
        ),
      ),
    ).toBe(
      'test.wsdl: operation "Bar": soapAction "http://tempuri.org/Foo" is also operation "Foo"\'s (soap11); routing needs distinct actions',
    );
    expect(
      refusal(
        edit([
          '<wsdl:types>',
          '<wsdl:documentation>see location="http://localhost/test.asmx"</wsdl:documentation><wsdl:types>',
        ]),
      ),
    ).toBe(
      'test.wsdl: wsdl:service: the text location="http://localhost/test.asmx" occurs 3 times, expected once per port using it (2); cannot rewrite the port addresses exactly',
    );
    expect(refusal(edit(['<wsdl:types>', '<wsdl:types><broken>']))).toMatch(
      /^test\.wsdl: not well-formed XML \(line 10, column 3\): Expected closing tag .broken./,
    );
    expect(refusal(edit(['<wsdl:types>', '<wsdl:types>&nbsp;']))).toBe(
      'test.wsdl: entity reference &nbsp; is not supported (no DTDs)',
    );
  });
});
