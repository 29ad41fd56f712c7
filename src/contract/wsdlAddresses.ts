import { UnsupportedWsdlError } from './model';

/**
 * Splits the WSDL text around the `location="..."` attributes of the service ports once, so
 * serving it is a join: ASMX serves its WSDL with only the port addresses changed (to the URL the
 * client called), everything else byte for byte. The split is on the exact attribute text, not a
 * pattern; it is refused when that text also occurs elsewhere, or is written otherwise, so that
 * exactly the port addresses are rewritten.
 */
export function addressRewriter(
  wsdlText: string,
  addresses: readonly string[],
  source: string,
): (serviceUrl: string) => string {
  const marker = 'location="\u0000"';
  let marked = wsdlText;
  for (const address of new Set(addresses)) {
    const attribute = `location="${escapeAttribute(address)}"`;
    const expected = addresses.filter((a) => a === address).length;
    const pieces = marked.split(attribute);
    if (pieces.length - 1 !== expected) {
      throw new UnsupportedWsdlError(
        `${source}: wsdl:service: the text ${attribute} occurs ${pieces.length - 1} times, ` +
          `expected once per port using it (${expected}); cannot rewrite the port addresses exactly`,
      );
    }
    marked = pieces.join(marker);
  }
  const pieces = marked.split(marker);
  return (serviceUrl) => pieces.join(`location="${escapeAttribute(serviceUrl)}"`);
}

/** The attribute text of a value as XML writers (ASMX's included) write it. */
function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
