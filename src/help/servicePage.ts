import type { ServiceDescription } from '../wsdl/serviceDescription';
import { escapeText } from '../xml/escape';

/** The service help page of `GET /srv.asmx`: each operation with its documentation. */
export function renderServicePage(service: ServiceDescription): string {
  const items = service.operations
    .map(
      (op) =>
        `<li><a href="srv.asmx?op=${encodeURIComponent(op.name)}">${escapeText(op.name)}</a>` +
        (op.documentation ? `<br><span>${escapeText(op.documentation)}</span>` : '') +
        '</li>',
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(service.serviceName)} Web Service</title></head>
<body><h1>${escapeText(service.serviceName)}</h1>
<p>The following operations are supported. For a formal definition, please review the <a href="srv.asmx?WSDL">Service Description</a>.</p>
<ul>
${items}
</ul></body></html>`;
}
