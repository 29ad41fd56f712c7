import type { ServiceModel } from '../contract/model';
import { escapeHtml } from './escapeHtml';
import { renderPage, serviceFileName } from './layout';

/** The link to an operation's page, relative to the service page (`srv.asmx?op=LogOut`). */
export function operationHref(serviceUrl: string, operationName: string): string {
  return `${serviceFileName(serviceUrl)}?op=${encodeURIComponent(operationName)}`;
}

/**
 * The service help page of `GET /srv.asmx`, as the classic ASMX page has it: the service name,
 * the sentence pointing at the service description (`?WSDL`), and every operation (in WSDL order)
 * linking to its own page, with its WSDL documentation under it.
 */
export function renderServicePage(service: ServiceModel, serviceUrl: string): string {
  const file = serviceFileName(serviceUrl);
  const items = service.operations
    .map(
      (op) =>
        `<li><a href="${escapeHtml(operationHref(serviceUrl, op.name))}">${escapeHtml(op.name)}</a>` +
        (op.documentation ? `<span class="doc">${escapeHtml(op.documentation)}</span>` : '') +
        '</li>',
    )
    .join('\n');
  const content = `<p class="intro">The following operations are supported. For a formal definition, please review the <a href="${escapeHtml(file)}?WSDL">Service Description</a>.</p>
<ul class="operations">
${items}
</ul>`;
  return renderPage(service.name, `${service.name} Web Service`, content);
}
