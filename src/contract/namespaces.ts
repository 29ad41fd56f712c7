/** The namespaces a WSDL 1.1 document of an ASMX service is written in. */
export const NS = {
  wsdl: 'http://schemas.xmlsoap.org/wsdl/',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  soap11: 'http://schemas.xmlsoap.org/wsdl/soap/',
  soap12: 'http://schemas.xmlsoap.org/wsdl/soap12/',
  http: 'http://schemas.xmlsoap.org/wsdl/http/',
  /** Where ASMX declares the simple types XML Schema lacks (`s1:guid`, `s1:char`). */
  microsoftTypes: 'http://microsoft.com/wsdl/types/',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;
