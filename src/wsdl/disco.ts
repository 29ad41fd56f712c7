import { escapeAttribute } from '../xml/escape';
import type { ServiceModel } from '../contract/model';

/** The discovery document of `GET /srv.asmx?disco`, byte for byte as ASMX writes it. */
export function renderDisco(service: ServiceModel, serviceUrl: string): string {
  const url = escapeAttribute(serviceUrl);
  const ns = escapeAttribute(service.targetNamespace);
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<discovery xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.xmlsoap.org/disco/">\n' +
    `  <contractRef ref="${url}?wsdl" docRef="${url}" xmlns="http://schemas.xmlsoap.org/disco/scl/" />\n` +
    `  <soap address="${url}" xmlns:q1="${ns}" binding="q1:${service.soapBindingName}" xmlns="http://schemas.xmlsoap.org/disco/soap/" />\n` +
    `  <soap address="${url}" xmlns:q2="${ns}" binding="q2:${service.soap12BindingName}" xmlns="http://schemas.xmlsoap.org/disco/soap/" />\n` +
    '</discovery>'
  );
}
