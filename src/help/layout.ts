import { escapeHtml } from './escapeHtml';

/**
 * The stylesheet of every help page, inline: the pages load nothing else (no scripts, images,
 * fonts or external stylesheets) and work without JavaScript. Narrow screens get a single column;
 * sample requests scroll sideways inside their own box instead of widening the page.
 */
const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #000; font-family: Verdana, Tahoma, "Segoe UI", Arial, sans-serif;
  font-size: 0.875rem; line-height: 1.45; }
.heading1 { display: block; margin: 0; padding: 0.6rem 1rem; background: #003366; color: #fff;
  font-family: Tahoma, Verdana, sans-serif; font-size: 1.6rem; font-weight: normal; }
#content { max-width: 60rem; padding: 0.5rem 1rem 2rem; }
h2 { font-size: 1.3rem; margin: 1.2rem 0 0.4rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 0.3rem; padding-top: 0.8rem; border-top: 1px solid #ccc; }
p { margin: 0.4rem 0; }
a { color: #336699; }
a:visited { color: #6699cc; }
a:hover { color: #cc3300; }
ul.operations { padding-left: 1.2rem; }
ul.operations li { margin: 0.7rem 0; }
ul.operations a { font-weight: bold; }
.doc { display: block; color: #333; }
code, pre { font-family: Consolas, "Courier New", monospace; }
pre { margin: 0.4rem 0; padding: 0.6rem 0.75rem; background: #e5e5cc; border: 1px solid #d6d6b3;
  overflow-x: auto; white-space: pre; font-size: 0.8rem; max-width: 100%; }
.value { color: #0000cc; font-weight: bold; }
form.test { margin: 0.5rem 0; }
.field { margin: 0.5rem 0; }
.field label { display: block; font-weight: bold; }
.field input { width: 100%; max-width: 30rem; padding: 0.4rem; font: inherit; border: 1px solid #888; }
.note { color: #555; font-size: 0.8rem; }
.invoke { margin-top: 0.4rem; padding: 0.45rem 1.4rem; font: inherit; font-weight: bold;
  min-height: 2.5rem; border: 1px solid #003366; background: #e5e5cc; color: #000; cursor: pointer; }
.error { padding: 0.6rem 0.75rem; border: 1px solid #cc3300; background: #fff3ee; }
@media (max-width: 30rem) {
  .heading1 { font-size: 1.3rem; }
  #content { padding: 0.4rem 0.6rem 1.5rem; }
}
`;

/** A complete help page: the service name as banner, then `content` (already HTML). */
export function renderPage(serviceName: string, title: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1 class="heading1">${escapeHtml(serviceName)}</h1></header>
<main id="content">
${content}
</main>
</body>
</html>
`;
}

/**
 * The link target of the service file relative to the page itself (`srv.asmx`): relative links
 * keep working behind a proxy that serves the service under a path prefix.
 */
export function serviceFileName(serviceUrl: string): string {
  const path = new URL(serviceUrl).pathname;
  return path.slice(path.lastIndexOf('/') + 1);
}
