import type { OperationModel, ServiceModel } from '../contract/model';
import { escapeHtml } from './escapeHtml';
import { renderPage, serviceFileName } from './layout';
import { operationSamples, sampleHtml } from './samples';
import { operationHref } from './servicePage';

const PLACEHOLDER_NOTE = 'The placeholders shown need to be replaced with actual values.';

function backToList(serviceUrl: string): string {
  return `<p class="intro">Click <a href="${escapeHtml(serviceFileName(serviceUrl))}">here</a> for a complete list of operations.</p>`;
}

/**
 * The test form: one labelled text box per WSDL parameter and an Invoke button that form-POSTs
 * to `srv.asmx/<Operation>` (relative to the page, so `/srv.asmx/<Operation>`). As on ASMX, the
 * form has `target="_blank"`: the XML answer opens in a new window and the form stays put, ready
 * for the next call.
 */
function testForm(operation: OperationModel, serviceUrl: string): string {
  const action = `${serviceFileName(serviceUrl)}/${encodeURIComponent(operation.name)}`;
  // ASMX offers the form only where HTTP POST can carry the parameters.
  if (!operation.protocols.has('httpPost')) {
    return `<h3 id="test">Test</h3>
<p>The test form is only available for methods with primitive types or arrays of primitive types as parameters.</p>`;
  }
  const fields = operation.params
    .map(({ name: param }) => {
      const id = escapeHtml(`param-${param}`);
      return (
        `<div class="field"><label for="${id}">${escapeHtml(param)}:</label>` +
        `<input type="text" id="${id}" name="${escapeHtml(param)}" autocomplete="off" autocapitalize="off" spellcheck="false"></div>`
      );
    })
    .join('\n');
  return `<h3 id="test">Test</h3>
<p>To test the operation using the HTTP POST protocol, click the 'Invoke' button.</p>
<form class="test" method="post" action="${escapeHtml(action)}" target="_blank">
${fields}
<input type="submit" class="invoke" value="Invoke">
<p class="note">The XML answer opens in a new window.</p>
</form>`;
}

/**
 * The page of `GET /srv.asmx?op=<Operation>`: the operation's documentation, the test form and
 * sample SOAP 1.1, SOAP 1.2, HTTP GET and HTTP POST exchanges for the host the request came to.
 */
export function renderOperationPage(
  service: ServiceModel,
  operation: OperationModel,
  serviceUrl: string,
): string {
  const { host, pathname } = new URL(serviceUrl);
  const samples = operationSamples(operation, {
    host,
    path: pathname,
    targetNamespace: service.targetNamespace,
  })
    .map(
      (sample) => `<h3 id="${sample.id}">${escapeHtml(sample.title)}</h3>
<p>The following is a sample ${escapeHtml(sample.title)} request and response. ${PLACEHOLDER_NOTE}</p>
<pre class="request">${sampleHtml(sample.request)}</pre>
<pre class="response">${sampleHtml(sample.response)}</pre>`,
    )
    .join('\n');
  const content = `${backToList(serviceUrl)}
<h2>${escapeHtml(operation.name)}</h2>
${operation.documentation ? `<p class="intro">${escapeHtml(operation.documentation)}</p>\n` : ''}${testForm(operation, serviceUrl)}
${samples}`;
  return renderPage(service.name, `${service.name} Web Service: ${operation.name}`, content);
}

/**
 * The page of `?op=` naming no operation of the service: the name asked for (escaped), a hint when
 * only the case is wrong (operation names are case-sensitive, as on ASMX) and the way back.
 */
export function renderUnknownOperationPage(service: ServiceModel, name: string, serviceUrl: string): string {
  const sameButCase = service.byLowerCaseName.get(name.toLowerCase());
  const hint = sameButCase
    ? `<p>Operation names are case-sensitive. Did you mean <a href="${escapeHtml(operationHref(serviceUrl, sameButCase.name))}">${escapeHtml(sameButCase.name)}</a>?</p>\n`
    : '';
  const content = `<h2>Operation not found</h2>
<p class="error">The ${escapeHtml(service.name)} service has no operation named <code>${escapeHtml(name)}</code>.</p>
${hint}${backToList(serviceUrl)}`;
  return renderPage(service.name, `${service.name} Web Service: operation not found`, content);
}
