#!/usr/bin/env node
// `npm run docs:settings`: rewrites the README's settings section (between <!-- settings:start -->
// and <!-- settings:end -->) from the schema and SETTING_DOCS in src/config.ts, through the build.
// `--check` only reports whether it is up to date (exit 1 when not).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { replaceSettingsSection } = require('../dist/settingsDocs.js');

const readme = new URL('../README.md', import.meta.url);
const before = readFileSync(readme, 'utf8');
const after = replaceSettingsSection(before);
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('README.md: the settings section is out of date; run npm run docs:settings');
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(readme, after);
  console.log('README.md: settings section rewritten');
} else {
  console.log('README.md: settings section already up to date');
}
