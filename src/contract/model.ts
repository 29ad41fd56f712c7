/**
 * The service model: what a WSDL (and its XSD schemas) says about a service, and nothing of
 * HTTP, XML parsing or handlers. Read once at start by `readWsdl`; every other layer (codec,
 * transports, help pages, handlers) works from this model.
 */

/** The XSD primitives ASMX's XmlSerializer maps to .NET types (`s:` is XML Schema, `s1:guid` Microsoft's). */
export type PrimitiveName =
  | 'string'
  | 'boolean'
  | 'byte' // .NET SByte
  | 'unsignedByte' // .NET Byte
  | 'short'
  | 'unsignedShort'
  | 'int'
  | 'unsignedInt'
  | 'long'
  | 'unsignedLong'
  | 'float'
  | 'double'
  | 'decimal'
  | 'dateTime'
  | 'guid'
  | 'char' // s1:char: a UTF-16 code unit written as its number
  | 'base64Binary';

/** A qualified XML name. */
export interface QName {
  readonly namespace: string;
  readonly name: string;
}

export type TypeModel = PrimitiveType | EnumType | ArrayType | ComplexType | XmlNodeType;

export interface PrimitiveType {
  readonly kind: 'primitive';
  readonly name: PrimitiveName;
}

/** `s:simpleType` restricting `s:string` by enumerations: a .NET enum. */
export interface EnumType {
  readonly kind: 'enum';
  /** The XSD type name (`DocumentStatus`), also the .NET type name ASMX's messages use. */
  readonly name: string;
  readonly namespace: string;
  /** Member names in declaration order; the .NET value of each is its index. */
  readonly members: readonly string[];
}

/** `ArrayOfX`: a complex type whose sequence is one element with maxOccurs="unbounded". */
export interface ArrayType {
  readonly kind: 'array';
  /** The XSD type name (`ArrayOfString`), the root element name of an array result over GET/POST. */
  readonly name: string;
  readonly namespace: string;
  /** The repeated element: its name (`string`, `DocumentInfo`), namespace, type and nillable. */
  readonly item: MemberModel;
}

/** A complex type with a sequence of members (a .NET class or struct). */
export interface ComplexType {
  readonly kind: 'complex';
  readonly name: string;
  readonly namespace: string;
  /** Members in schema order: the order XmlSerializer writes them in. Resolved after all types are read (types may refer to each other). */
  readonly members: readonly MemberModel[];
}

/** `<s:complexType mixed="true"><s:sequence><s:any/></s:sequence>`: a .NET XmlNode / XmlElement. */
export interface XmlNodeType {
  readonly kind: 'xmlNode';
}

/** A parameter, a result or a member of a complex type: an element of a sequence. */
export interface MemberModel {
  /** The element name, exactly (case-sensitive). */
  readonly name: string;
  /** The element's namespace: the schema's target namespace when elementFormDefault="qualified", else "". */
  readonly namespace: string;
  readonly type: TypeModel;
  readonly minOccurs: number;
  /** 1, or Infinity for maxOccurs="unbounded" (only seen on array items). */
  readonly maxOccurs: number;
  readonly nillable: boolean;
}

export type Protocol = 'soap11' | 'soap12' | 'httpGet' | 'httpPost';

export interface OperationModel {
  readonly name: string;
  /** The portType operation's wsdl:documentation text ('' when none). */
  readonly documentation: string;
  /** The bindings that carry the operation: absent from HttpGet/HttpPost means not callable there. */
  readonly protocols: ReadonlySet<Protocol>;
  /** soapAction of the SOAP 1.1 binding ('' when the operation is not in it). */
  readonly soapAction: string;
  /** soapAction of the SOAP 1.2 binding ('' when the operation is not in it). */
  readonly soap12Action: string;
  /** The request wrapper element (`<LogOut xmlns="http://tempuri.org/">`). */
  readonly requestElement: QName;
  /** The response wrapper element (`LogOutResponse`). */
  readonly responseElement: QName;
  /** Parameters in declaration order (the request element's sequence). */
  readonly params: readonly MemberModel[];
  /** The result (`LogOutResult`), undefined for a void method (an empty response sequence). */
  readonly result: MemberModel | undefined;
  /**
   * The root element of a typed result over HTTP GET/POST (the HttpGet output part's element:
   * `int`, `DocumentInfo`, `ArrayOfString`), undefined for XmlNode and void results.
   */
  readonly httpResultElement: (QName & { readonly nillable: boolean }) | undefined;
}

export interface ServiceModel {
  /** wsdl:service name (`Srv`). */
  readonly name: string;
  readonly targetNamespace: string;
  /** The binding names ASMX's disco document names (`SrvSoap`, `SrvSoap12`). */
  readonly soapBindingName: string;
  readonly soap12BindingName: string;
  readonly operations: readonly OperationModel[];
  readonly byName: ReadonlyMap<string, OperationModel>;
  /** Lower-cased name → operation, to tell a wrong-case name from an unknown one as ASMX does. */
  readonly byLowerCaseName: ReadonlyMap<string, OperationModel>;
  readonly bySoapAction: ReadonlyMap<string, OperationModel>;
  readonly bySoap12Action: ReadonlyMap<string, OperationModel>;
  /**
   * The WSDL text with every port address pointing at `serviceUrl` (the plain URL; it is escaped
   * as an attribute value here), and every other byte as in the file.
   */
  renderWsdl(serviceUrl: string): string;
}

/** A WSDL the emulator cannot serve; the message names the construct and where it is. */
export class UnsupportedWsdlError extends Error {
  override readonly name = 'UnsupportedWsdlError';
}
