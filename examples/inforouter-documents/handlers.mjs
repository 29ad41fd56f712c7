/**
 * Handlers of the infoRouter-style document service (srv-full.wsdl), written against the emulator's
 * handler API: each export is one operation, called with the typed arguments decoded from SOAP, GET
 * or POST and a HandlerContext; what it returns is serialized as .NET's XmlSerializer would.
 *
 * It shows every kind of answer: XmlNode results built as XmlNodeValue objects (the emulator escapes
 * the values), `context.rootError` for the `<root success="false" error="…" />` failures of XmlNode
 * operations, `context.fault` for the SoapExceptions of typed operations, and typed results (a
 * complex type, arrays of it, string[]).
 *
 * The data is the static, read-only fixture of the reference service (see README.md): operations
 * that create, delete, upload or update validate their input against it and echo what they received,
 * but change nothing. Tickets are not checked here: the emulator answers a dead ticket ([901]) before
 * any handler runs.
 */
import { createHash } from 'node:crypto';

/** @typedef {import('../../src/services/handlerApi.js').HandlerContext} HandlerContext */
/** @typedef {import('../../src/codec/values.js').XmlNodeValue} XmlNodeValue */
/** @typedef {import('../../src/codec/values.js').DotNetDateTime} DotNetDateTime */
/** @typedef {'Draft' | 'Published' | 'Archived'} DocumentStatus */

/**
 * A DocumentInfo as a handler receives it (every member present, defaults for absent ones).
 * @typedef {object} DocumentInfo
 * @property {number} Id
 * @property {string | null} Name
 * @property {string | null} Path
 * @property {bigint} Size
 * @property {DotNetDateTime} Modified
 * @property {boolean} CheckedOut
 * @property {Array<string | null> | null} Tags
 * @property {DocumentStatus} Status
 * @property {string | null} Description
 */

// ---------------------------------------------------------------------------------------------
// The fixture
// ---------------------------------------------------------------------------------------------

const FOLDER_NOT_FOUND = '[120] Folder not found';
const FOLDER_EXISTS = '[121] Folder already exists';
const INVALID_PATH = '[122] Invalid path';
const DOCUMENT_NOT_FOUND = '[130] Document not found';
const DOCUMENT_CHECKED_OUT = '[131] Document is checked out';
const INVALID_PAGING = '[140] Invalid paging parameters';
const NO_CONTENT = '[150] No content';
const NO_DOCUMENT_INFO = '[151] No document info';

/** The folders, in listing order. Paths are compared exactly (case-sensitive, no normalisation). */
const FOLDERS = ['/', '/Finance', '/Finance/Reports'];

/**
 * A document of the fixture (its version count and Guid are served by stubs/).
 * @typedef {object} Document
 * @property {number} id
 * @property {string} name
 * @property {string} folder
 * @property {string} path `folder` + `/` + `name`
 * @property {number} size
 * @property {string} modified The text .NET writes for the value (see DOCUMENTS).
 * @property {boolean} checkedOut
 * @property {string[]} tags
 * @property {DocumentStatus} status
 * @property {string | null} description
 */

/**
 * The documents, in id order. `modified` is the text .NET writes for the value: Q1's is Utc, Q2's
 * Unspecified, Budget's Local as written by the reference server, which runs in UTC (a verbatim
 * string keeps the answers identical on any host).
 * @type {Document[]}
 */
const DOCUMENTS = [
  {
    id: 101,
    name: 'Q1.pdf',
    folder: '/Finance/Reports',
    path: '/Finance/Reports/Q1.pdf',
    size: 48213,
    modified: '2026-01-15T09:30:00Z',
    checkedOut: false,
    tags: ['finance', 'q1'],
    status: 'Published',
    description: null,
  },
  {
    id: 102,
    name: 'Q2.pdf',
    folder: '/Finance/Reports',
    path: '/Finance/Reports/Q2.pdf',
    size: 51877,
    modified: '2026-04-15T17:05:30.25',
    checkedOut: false,
    tags: ['finance', 'q2'],
    status: 'Draft',
    description: 'Q2 report \u2013 R&D <draft> "v2"',
  },
  {
    id: 103,
    name: 'Budget.xlsx',
    folder: '/Finance',
    path: '/Finance/Budget.xlsx',
    size: 20480,
    modified: '2025-12-31T23:59:59+00:00',
    checkedOut: true,
    tags: [],
    status: 'Archived',
    description: '',
  },
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/**
 * @param {string | null} path
 * @returns {path is string}
 */
function isFolder(path) {
  return path !== null && FOLDERS.includes(path);
}

/** @param {string | null} path */
function findDocument(path) {
  return DOCUMENTS.find((document) => document.path === path);
}

/** @param {string} folder */
function documentsIn(folder) {
  return DOCUMENTS.filter((document) => document.folder === folder);
}

/** The text before the last `/`, or `/` when that is the first character. @param {string} path */
function parent(path) {
  const slash = path.lastIndexOf('/');
  return slash === 0 ? '/' : path.slice(0, slash);
}

/**
 * @param {string | null} path
 * @returns {path is string}
 */
function isWellFormed(path) {
  return (
    path !== null && path.length > 1 && path.startsWith('/') && !path.endsWith('/') && !path.includes('//')
  );
}

/**
 * The form .NET's OrdinalIgnoreCase compares: each UTF-16 unit upper-cased on its own (so `ß`
 * stays `ß`, where JavaScript's toUpperCase would make it `SS`).
 * @param {string} text
 */
function ordinalUpper(text) {
  let upper = '';
  for (const unit of text.split('')) {
    const mapped = unit.toUpperCase();
    upper += mapped.length === 1 ? mapped : unit;
  }
  return upper;
}

/**
 * An element of an XmlNode answer: attributes in writing order, then the children (none: `<name … />`).
 * Values are plain text; the emulator escapes them.
 * @param {string} name
 * @param {Array<[string, string]>} [attributes]
 * @param {Array<XmlNodeValue | string>} [children]
 * @returns {XmlNodeValue}
 */
function element(name, attributes = [], children = []) {
  return children.length > 0 ? { name, attributes, children } : { name, attributes };
}

/**
 * `<root success="true" …>`, the answer of a successful XmlNode operation.
 * @param {Array<[string, string]>} [attributes] the attributes after `success`
 * @param {XmlNodeValue[]} [children]
 */
function success(attributes = [], children = []) {
  return element('root', [['success', 'true'], ...attributes], children);
}

/**
 * `<document id="…" name="…" [path="…"] size="…" />`, a document in a listing.
 * @param {Document} document
 * @param {boolean} withPath
 */
function documentElement(document, withPath) {
  /** @type {Array<[string, string]>} */
  const attributes = [
    ['id', String(document.id)],
    ['name', document.name],
  ];
  if (withPath) attributes.push(['path', document.path]);
  attributes.push(['size', String(document.size)]);
  return element('document', attributes);
}

/**
 * The echo of a string[]: the `count` attribute (`null` for a null array) and one `<tag>` per item
 * (`<tag nil="true" />` for a null item, `<tag />` for an empty string).
 * @param {Array<string | null> | null} tags
 * @returns {{ count: [string, string], children: XmlNodeValue[] }}
 */
function echoTags(tags) {
  if (tags === null) return { count: ['count', 'null'], children: [] };
  const children = tags.map((tag) => {
    if (tag === null) return element('tag', [['nil', 'true']]);
    return element('tag', [], tag === '' ? [] : [tag]);
  });
  return { count: ['count', String(tags.length)], children };
}

/**
 * The DocumentInfo of a fixture document (a copy: the caller may not change the fixture).
 * @param {Document} document
 */
function documentInfo(document) {
  return {
    Id: document.id,
    Name: document.name,
    Path: document.path,
    Size: document.size,
    Modified: document.modified,
    CheckedOut: document.checkedOut,
    Tags: [...document.tags],
    Status: document.status,
    Description: document.description,
  };
}

// ---------------------------------------------------------------------------------------------
// XmlNode operations: failures are a normal answer, `<root success="false" error="…" />`
// ---------------------------------------------------------------------------------------------

/**
 * The subfolders (`<folder name path />`) and documents (`<document id name size />`) of a folder.
 * @param {{ path: string | null }} args
 * @param {HandlerContext} context
 */
export async function GetFolderContents({ path }, context) {
  if (!isFolder(path)) return context.rootError(FOLDER_NOT_FOUND);
  const folders = FOLDERS.filter((folder) => folder !== '/' && parent(folder) === path).map((folder) =>
    element('folder', [
      ['name', folder.slice(folder.lastIndexOf('/') + 1)],
      ['path', folder],
    ]),
  );
  const documents = documentsIn(path).map((document) => documentElement(document, false));
  return success([], [...folders, ...documents]);
}

/**
 * Validates a new folder; `description` is left out of the answer when null (SOAP: element absent).
 * @param {{ path: string | null, description: string | null }} args
 * @param {HandlerContext} context
 */
export async function CreateFolder({ path, description }, context) {
  if (!isWellFormed(path)) return context.rootError(INVALID_PATH);
  if (isFolder(path) || findDocument(path)) return context.rootError(FOLDER_EXISTS);
  if (!isFolder(parent(path))) return context.rootError(FOLDER_NOT_FOUND);
  /** @type {Array<[string, string]>} */
  const attributes = [['path', path]];
  if (description !== null) attributes.push(['description', description]);
  return success(attributes);
}

/**
 * @param {{ path: string | null }} args
 * @param {HandlerContext} context
 */
export async function DeleteDocument({ path }, context) {
  const document = findDocument(path);
  if (!document) return context.rootError(DOCUMENT_NOT_FOUND);
  if (document.checkedOut) return context.rootError(DOCUMENT_CHECKED_OUT);
  return success([['path', document.path]]);
}

/**
 * Echoes the size and MD5 of the bytes received, and whether a document would be replaced.
 * @param {{ path: string | null, content: Buffer | null }} args
 * @param {HandlerContext} context
 */
export async function UploadDocument({ path, content }, context) {
  if (!isWellFormed(path)) return context.rootError(INVALID_PATH);
  if (!isFolder(parent(path))) return context.rootError(FOLDER_NOT_FOUND);
  if (isFolder(path)) return context.rootError(FOLDER_EXISTS);
  const existing = findDocument(path);
  if (existing?.checkedOut) return context.rootError(DOCUMENT_CHECKED_OUT);
  if (content === null) return context.rootError(NO_CONTENT);
  return success([
    ['path', path],
    ['size', String(content.length)],
    ['md5', createHash('md5').update(content).digest('hex')],
    ['replaced', existing ? 'true' : 'false'],
  ]);
}

/**
 * Documents whose name contains the query or with a tag equal to it (ordinal, ignoring case); all of
 * them for a null or empty query. Pages are 1-based; the first hit of a page is at index
 * (pageNumber − 1) · pageSize, which can exceed 2^53 (two int arguments), hence BigInt.
 * @param {{ query: string | null, pageSize: number, pageNumber: number }} args
 * @param {HandlerContext} context
 */
export async function SearchDocuments({ query, pageSize, pageNumber }, context) {
  if (pageSize < 1 || pageNumber < 1) return context.rootError(INVALID_PAGING);
  const wanted = query ? ordinalUpper(query) : '';
  const hits = DOCUMENTS.filter(
    (document) =>
      wanted === '' ||
      ordinalUpper(document.name).includes(wanted) ||
      document.tags.some((tag) => ordinalUpper(tag) === wanted),
  );
  const skip = BigInt(pageNumber - 1) * BigInt(pageSize);
  const page = skip < BigInt(hits.length) ? hits.slice(Number(skip), Number(skip) + pageSize) : [];
  return success(
    [
      ['total', String(hits.length)],
      ['pageSize', String(pageSize)],
      ['pageNumber', String(pageNumber)],
    ],
    page.map((document) => documentElement(document, true)),
  );
}

/**
 * Echoes the tags received (a null array, null items and empty strings each have their form).
 * @param {{ path: string | null, tags: Array<string | null> | null }} args
 * @param {HandlerContext} context
 */
export async function SetDocumentTags({ path, tags }, context) {
  const document = findDocument(path);
  if (!document) return context.rootError(DOCUMENT_NOT_FOUND);
  const { count, children } = echoTags(tags);
  return success([['path', document.path], count], children);
}

/**
 * Echoes the date received in round-trip form, and its kind.
 * @param {{ path: string | null, expirationDate: DotNetDateTime }} args
 * @param {HandlerContext} context
 */
export async function SetDocumentExpirationDate({ path, expirationDate }, context) {
  const document = findDocument(path);
  if (!document) return context.rootError(DOCUMENT_NOT_FOUND);
  return success([
    ['path', document.path],
    ['expirationDate', String(expirationDate)],
    ['kind', expirationDate.kind],
  ]);
}

/**
 * @param {{ path: string | null, status: DocumentStatus }} args
 * @param {HandlerContext} context
 */
export async function SetDocumentStatus({ path, status }, context) {
  const document = findDocument(path);
  if (!document) return context.rootError(DOCUMENT_NOT_FOUND);
  return success([
    ['path', document.path],
    ['previous', document.status],
    ['status', status],
  ]);
}

/**
 * Echoes every member received (not the fixture's values); `name` and `description` are left out
 * when null. SOAP only: the WSDL binds no GET/POST form for a complex parameter.
 * @param {{ info: DocumentInfo | null }} args
 * @param {HandlerContext} context
 */
export async function UpdateDocumentInfo({ info }, context) {
  if (info === null) return context.rootError(NO_DOCUMENT_INFO);
  const document = findDocument(info.Path);
  if (!document) return context.rootError(DOCUMENT_NOT_FOUND);
  /** @type {Array<[string, string]>} */
  const attributes = [['id', String(info.Id)]];
  if (info.Name !== null) attributes.push(['name', info.Name]);
  attributes.push(
    ['path', document.path], // the text of info.Path
    ['size', String(info.Size)],
    ['modified', String(info.Modified)],
    ['checkedOut', String(info.CheckedOut)],
    ['status', info.Status],
  );
  if (info.Description !== null) attributes.push(['description', info.Description]);
  const { count, children } = echoTags(info.Tags);
  return success([...attributes, count], children);
}

// ---------------------------------------------------------------------------------------------
// Typed operations: failures are SoapExceptions (`context.fault` throws)
// ---------------------------------------------------------------------------------------------

/**
 * @param {{ path: string | null }} args
 * @param {HandlerContext} context
 */
export async function GetDocumentInfo({ path }, context) {
  const document = findDocument(path);
  if (!document) return context.fault(DOCUMENT_NOT_FOUND);
  return documentInfo(document);
}

/**
 * The DocumentInfo of each document of a folder (an empty array for `/`).
 * @param {{ path: string | null }} args
 * @param {HandlerContext} context
 */
export async function GetDocumentInfos({ path }, context) {
  if (!isFolder(path)) return context.fault(FOLDER_NOT_FOUND);
  return documentsIn(path).map(documentInfo);
}

/**
 * The names of the documents of a folder (an empty array for `/`).
 * @param {{ path: string | null }} args
 * @param {HandlerContext} context
 */
export async function GetDocumentNames({ path }, context) {
  if (!isFolder(path)) return context.fault(FOLDER_NOT_FOUND);
  return documentsIn(path).map((document) => document.name);
}
