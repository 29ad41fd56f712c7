/**
 * Builds a WSDL the way ASMX generates one (four bindings, the Soap/HttpGet/HttpPost messages,
 * `s:` for XML Schema), for tests that need services of their own: another namespace, other types.
 */
export interface WsdlParam {
  readonly name: string;
  /** A qualified XSD type as it appears in the schema: `s:int`, `tns:Order`, `s1:guid`. */
  readonly type: string;
  readonly minOccurs?: 0 | 1;
}

export interface WsdlOperation {
  readonly name: string;
  readonly documentation?: string;
  readonly params: readonly WsdlParam[];
  /** Absent for void; `xml` for an XmlNode result. */
  readonly result?: { readonly type: string; readonly minOccurs?: 0 | 1 } | 'xml';
  /** The global element of the HTTP output (`int`, `Order`, `ArrayOfInt`); omit for XmlNode and void. */
  readonly httpElement?: string;
  /** Bound over HTTP GET and POST too (ASMX leaves out operations with complex parameters). */
  readonly http?: boolean;
}

export interface WsdlSpec {
  readonly service: string;
  readonly namespace: string;
  /** Named types and global elements of the service's schema, as XSD text using `s:` and `tns:`. */
  readonly types: string;
  readonly operations: readonly WsdlOperation[];
  /** Where the ports point (rewritten by the server when serving). */
  readonly location?: string;
}

export function buildAsmxWsdl(spec: WsdlSpec): string {
  const ns = spec.namespace;
  const loc = spec.location ?? 'http://localhost/Service.asmx';
  const seq = (inner: string) => `<s:complexType><s:sequence>${inner}</s:sequence></s:complexType>`;
  const elements = spec.operations
    .map((op) => {
      const params = op.params
        .map(
          (p) =>
            `<s:element minOccurs="${p.minOccurs ?? 0}" maxOccurs="1" name="${p.name}" type="${p.type}" />`,
        )
        .join('');
      const result =
        op.result === undefined
          ? ''
          : op.result === 'xml'
            ? `<s:element minOccurs="0" maxOccurs="1" name="${op.name}Result"><s:complexType mixed="true"><s:sequence><s:any /></s:sequence></s:complexType></s:element>`
            : `<s:element minOccurs="${op.result.minOccurs ?? 0}" maxOccurs="1" name="${op.name}Result" type="${op.result.type}" />`;
      return (
        `<s:element name="${op.name}">${op.params.length ? seq(params) : '<s:complexType />'}</s:element>` +
        `<s:element name="${op.name}Response">${result ? seq(result) : '<s:complexType />'}</s:element>`
      );
    })
    .join('\n');
  const messages = spec.operations
    .map((op) => {
      const soap =
        `<wsdl:message name="${op.name}SoapIn"><wsdl:part name="parameters" element="tns:${op.name}" /></wsdl:message>` +
        `<wsdl:message name="${op.name}SoapOut"><wsdl:part name="parameters" element="tns:${op.name}Response" /></wsdl:message>`;
      if (!op.http) return soap;
      const http = (verb: string) =>
        `<wsdl:message name="${op.name}Http${verb}In">${op.params
          .map((p) => `<wsdl:part name="${p.name}" type="s:string" />`)
          .join('')}</wsdl:message>` +
        `<wsdl:message name="${op.name}Http${verb}Out">${
          op.result === undefined
            ? ''
            : op.httpElement
              ? `<wsdl:part name="Body" element="tns:${op.httpElement}" />`
              : '<wsdl:part name="Body" />'
        }</wsdl:message>`;
      return soap + http('Get') + http('Post');
    })
    .join('\n');
  const doc = (op: WsdlOperation) =>
    op.documentation
      ? `<wsdl:documentation xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">${op.documentation}</wsdl:documentation>`
      : '';
  const portType = (suffix: string, ops: readonly WsdlOperation[]) =>
    `<wsdl:portType name="${spec.service}${suffix}">${ops
      .map(
        (op) =>
          `<wsdl:operation name="${op.name}">${doc(op)}<wsdl:input message="tns:${op.name}${suffix}In" /><wsdl:output message="tns:${op.name}${suffix}Out" /></wsdl:operation>`,
      )
      .join('')}</wsdl:portType>`;
  const httpOps = spec.operations.filter((op) => op.http);
  const soapBinding = (prefix: string, suffix: string) =>
    `<wsdl:binding name="${spec.service}${suffix}" type="tns:${spec.service}Soap"><${prefix}:binding transport="http://schemas.xmlsoap.org/soap/http" />${spec.operations
      .map(
        (op) =>
          `<wsdl:operation name="${op.name}"><${prefix}:operation soapAction="${ns}${op.name}" style="document" /><wsdl:input><${prefix}:body use="literal" /></wsdl:input><wsdl:output><${prefix}:body use="literal" /></wsdl:output></wsdl:operation>`,
      )
      .join('')}</wsdl:binding>`;
  const httpBinding = (verb: 'GET' | 'POST', suffix: string) =>
    `<wsdl:binding name="${spec.service}${suffix}" type="tns:${spec.service}${suffix}"><http:binding verb="${verb}" />${httpOps
      .map((op) => {
        const input =
          verb === 'GET'
            ? '<http:urlEncoded />'
            : '<mime:content type="application/x-www-form-urlencoded" />';
        const output =
          op.result === undefined
            ? '<wsdl:output />'
            : op.httpElement
              ? '<wsdl:output><mime:mimeXml part="Body" /></wsdl:output>'
              : '<wsdl:output><mime:content part="Body" type="text/xml" /></wsdl:output>';
        return `<wsdl:operation name="${op.name}"><http:operation location="/${op.name}" /><wsdl:input>${input}</wsdl:input>${output}</wsdl:operation>`;
      })
      .join('')}</wsdl:binding>`;
  return `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/" xmlns:tns="${ns}" xmlns:s1="http://microsoft.com/wsdl/types/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tm="http://microsoft.com/wsdl/mime/textMatching/" xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:http="http://schemas.xmlsoap.org/wsdl/http/" targetNamespace="${ns}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">
<wsdl:types>
<s:schema elementFormDefault="qualified" targetNamespace="${ns}">
<s:import namespace="http://microsoft.com/wsdl/types/" />
${elements}
${spec.types}
</s:schema>
<s:schema elementFormDefault="qualified" targetNamespace="http://microsoft.com/wsdl/types/">
<s:simpleType name="guid"><s:restriction base="s:string"><s:pattern value="[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}" /></s:restriction></s:simpleType>
</s:schema>
</wsdl:types>
${messages}
${portType('Soap', spec.operations)}
${portType('HttpGet', httpOps)}
${portType('HttpPost', httpOps)}
${soapBinding('soap', 'Soap')}
${soapBinding('soap12', 'Soap12')}
${httpBinding('GET', 'HttpGet')}
${httpBinding('POST', 'HttpPost')}
<wsdl:service name="${spec.service}">
<wsdl:port name="${spec.service}Soap" binding="tns:${spec.service}Soap"><soap:address location="${loc}" /></wsdl:port>
<wsdl:port name="${spec.service}Soap12" binding="tns:${spec.service}Soap12"><soap12:address location="${loc}" /></wsdl:port>
<wsdl:port name="${spec.service}HttpGet" binding="tns:${spec.service}HttpGet"><http:address location="${loc}" /></wsdl:port>
<wsdl:port name="${spec.service}HttpPost" binding="tns:${spec.service}HttpPost"><http:address location="${loc}" /></wsdl:port>
</wsdl:service>
</wsdl:definitions>
`;
}
