// Documents beside the `input` part of PayPal's provide-evidence (multipart/form-data): the file
// types and sizes PayPal's disputes integration guide gives, judged by the files' content.
import type { IncomingMessage } from 'node:http';
import { multipartBoundary, parseMultipart, sniffFileType, type MultipartPart } from '../kit';
import { issueError } from './paypal-errors';

/** JPG, GIF, PNG or PDF; at most 10 MB a document and 50 MB together. */
export const EVIDENCE_DOCUMENT_TYPES = ['jpg', 'gif', 'png', 'pdf'] as const;
export const EVIDENCE_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;
export const EVIDENCE_DOCUMENTS_TOTAL_BYTES = 50 * 1024 * 1024;
/** The spec's `document.name`: letters, digits, `-_,` and spaces, then one extension. */
const DOCUMENT_NAME = /^[A-Za-z0-9-_,\s]+[.]{1}[A-Za-z]+$/;

const bodies = new WeakMap<IncomingMessage, Buffer>();

/** Keeps a request's bytes as read, for the multipart handlers that need the files in them. */
export function rememberBytes(req: IncomingMessage, bytes: Buffer): Buffer {
  bodies.set(req, bytes);
  return bytes;
}

/** The file parts of a multipart request read earlier (not `input`, even when sent as a file); empty for any other body. */
export function multipartFiles(req: IncomingMessage, contentType: string): MultipartPart[] {
  const boundary = multipartBoundary(contentType);
  const bytes = bodies.get(req);
  if (!boundary || !bytes) return [];
  return (parseMultipart(bytes, boundary) ?? []).filter(
    (p) => p.filename !== undefined && p.name !== 'input',
  );
}

/** The documents of one provide-evidence call, checked as PayPal checks them. */
export function evidenceDocuments(files: MultipartPart[]): { name: string; size: number }[] {
  let total = 0;
  return files.map((file) => {
    if (file.name !== 'evidence-file')
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: file.name,
        description: 'Evidence documents go in parts named evidence-file.',
      });
    const name = file.filename ?? '';
    if (!DOCUMENT_NAME.test(name) || name.length > 2000)
      throw issueError('INVALID_PARAMETER_SYNTAX', {
        field: 'evidence-file',
        value: name.slice(0, 100),
        description:
          'A document name has letters, digits, hyphens, underscores, commas and spaces, then one extension.',
      });
    const type = sniffFileType(file.data);
    if (!type || !(EVIDENCE_DOCUMENT_TYPES as readonly string[]).includes(type))
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'evidence-file',
        value: name,
        description: 'The document is not a JPG, GIF, PNG or PDF file.',
      });
    if (file.data.length > EVIDENCE_DOCUMENT_MAX_BYTES)
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'evidence-file',
        value: name,
        description: `The document is ${file.data.length} bytes; a document can be at most 10 MB.`,
      });
    total += file.data.length;
    if (total > EVIDENCE_DOCUMENTS_TOTAL_BYTES)
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'evidence-file',
        description: 'The documents add up to more than 50 MB.',
      });
    return { name, size: file.data.length };
  });
}
