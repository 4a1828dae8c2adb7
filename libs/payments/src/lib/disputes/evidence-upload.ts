// Reading an evidence file from a multipart/form-data request, and the limits every gateway's
// evidence upload shares: PDF, JPEG or PNG (judged by the file's first bytes), at most 5 MB.
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { ApiError } from '@payrail/api-contract';
import {
  DISPUTE_EVIDENCE_CATEGORIES,
  type DisputeEvidenceCategory,
  type DisputeEvidenceContentType,
} from '@payrail/plugin-sdk';

/** Stripe and Square take at most 5 MB a file (PayPal 10 MB): the smallest limit holds for all. */
export const EVIDENCE_FILE_MAX_BYTES = 5 * 1024 * 1024;
/** Stripe takes at most 4.5 MB of files for one dispute's evidence: the total Payrail allows per dispute. */
export const EVIDENCE_FILES_TOTAL_BYTES = 4.5 * 1024 * 1024;
/** Room for the form's boundaries, part headers and the small fields beside the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;
const MAX_NAME = 200;
const JPEG_ALIASES = new Set(['image/jpg', 'image/pjpeg']);

export interface EvidenceUpload {
  name: string;
  contentType: DisputeEvidenceContentType;
  category: DisputeEvidenceCategory;
  data: Buffer;
  size: number;
  sha256: string;
}

function refuse(status: number, code: string, param: string, message: string): ApiError {
  return new ApiError(status, { type: 'invalid_request_error', code, message, param });
}

const tooLarge = (bytes?: number) =>
  refuse(
    413,
    'evidence_file_too_large',
    'file',
    `the evidence file is ${bytes ? `${bytes} bytes, ` : ''}larger than 5 MB (${EVIDENCE_FILE_MAX_BYTES} bytes), the most the gateways take for one file`,
  );

/** What a file is by its signature: the gateways judge evidence by its content, so Payrail does first. */
export function sniffEvidenceType(data: Buffer): DisputeEvidenceContentType | undefined {
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  return undefined;
}

const EXTENSION: Record<DisputeEvidenceContentType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

/**
 * The name the gateways are sent: PayPal takes letters, digits, `-_ ,` and spaces before one
 * extension, Square at most 40 characters; the extension is the file's real type.
 */
export function gatewayFileName(name: string, type: DisputeEvidenceContentType): string {
  const dot = name.lastIndexOf('.');
  const stem =
    (dot > 0 ? name.slice(0, dot) : name)
      .replace(/[^A-Za-z0-9\-_, ]+/g, '_')
      .replace(/^[_ ]+|[_ ]+$/g, '')
      .slice(0, 35) || 'evidence';
  return `${stem}.${EXTENSION[type]}`;
}

function readCapped(req: Request, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      received += chunk.length;
      if (received > maxBytes) {
        done = true;
        req.resume();
        return reject(tooLarge());
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('aborted', () => {
      if (!done) reject(refuse(400, 'body_invalid', 'body', 'the request body was cut off'));
      done = true;
    });
    req.on('error', () => {
      if (!done) reject(refuse(400, 'body_invalid', 'body', 'the request body could not be read'));
      done = true;
    });
  });
}

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

function param(header: string, name: string): string | undefined {
  const quoted = new RegExp(`(?:^|;)\\s*${name}="([^"]*)"`, 'i').exec(header);
  return quoted ? quoted[1] : new RegExp(`(?:^|;)\\s*${name}=([^;\\s]+)`, 'i').exec(header)?.[1];
}

function parseParts(body: Buffer, boundary: string): Part[] {
  const malformed = () =>
    refuse(400, 'body_invalid', 'body', 'the multipart/form-data body does not follow its boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw malformed();
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return parts;
    if (body.subarray(at, at + 2).toString() === '\r\n') at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    const next = headerEnd < 0 ? -1 : body.indexOf(delimiter, headerEnd + 4);
    if (next < 0) throw malformed();
    const headers = body.subarray(at, headerEnd).toString('utf8').split('\r\n');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const type = headers.find((h) => /^content-type:/i.test(h));
    const name = param(disposition, 'name');
    if (name === undefined) throw malformed();
    const filename = param(disposition, 'filename');
    const end = body[next - 2] === 0x0d && body[next - 1] === 0x0a ? next - 2 : next;
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      ...(type
        ? {
            contentType: type
              .slice(type.indexOf(':') + 1)
              .trim()
              .toLowerCase(),
          }
        : {}),
      data: body.subarray(headerEnd + 4, end),
    });
    at = next;
  }
}

/**
 * The evidence file of a `multipart/form-data` request: the field `file` (one file) and an
 * optional `category`. Every refusal is a 4xx that names the problem.
 */
export async function readEvidenceUpload(req: Request): Promise<EvidenceUpload> {
  const contentType = String(req.headers['content-type'] ?? '');
  if (!/^multipart\/form-data/i.test(contentType))
    throw refuse(
      415,
      'multipart_required',
      'Content-Type',
      'send the evidence file as multipart/form-data, in the field `file`',
    );
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)?.slice(1).find(Boolean);
  if (!boundary)
    throw refuse(
      400,
      'body_invalid',
      'Content-Type',
      'the multipart/form-data Content-Type names no boundary',
    );
  const declared = Number(req.headers['content-length']);
  if (declared > EVIDENCE_FILE_MAX_BYTES + FORM_OVERHEAD_BYTES) {
    req.resume();
    throw tooLarge();
  }
  const parts = parseParts(await readCapped(req, EVIDENCE_FILE_MAX_BYTES + FORM_OVERHEAD_BYTES), boundary);
  const files = parts.filter((p) => p.filename !== undefined);
  if (files.length === 0 || files[0].name !== 'file')
    throw refuse(400, 'parameter_missing', 'file', 'the request has no file: send it in the field `file`');
  if (files.length > 1) throw refuse(400, 'parameter_invalid', 'file', 'send one evidence file per request');
  const [file] = files;
  if (file.data.length === 0) throw refuse(400, 'parameter_invalid', 'file', 'the evidence file is empty');
  if (file.data.length > EVIDENCE_FILE_MAX_BYTES) throw tooLarge(file.data.length);
  const sniffed = sniffEvidenceType(file.data);
  if (!sniffed)
    throw refuse(
      415,
      'evidence_file_type_unsupported',
      'file',
      `the evidence file ${JSON.stringify((file.filename ?? '').slice(0, 80))} is not a PDF, JPEG or PNG (judged by its content, as the gateways do)`,
    );
  const declaredType = JPEG_ALIASES.has(file.contentType ?? '') ? 'image/jpeg' : file.contentType;
  if (declaredType && declaredType !== 'application/octet-stream' && declaredType !== sniffed)
    throw refuse(
      415,
      'evidence_file_type_mismatch',
      'file',
      `the evidence file was sent as ${declaredType.slice(0, 60)} but its content is ${sniffed}`,
    );
  const rawCategory = parts.find((p) => p.name === 'category' && p.filename === undefined);
  const category = rawCategory ? rawCategory.data.toString('utf8').trim() : 'other';
  if (!(DISPUTE_EVIDENCE_CATEGORIES as readonly string[]).includes(category))
    throw refuse(
      400,
      'parameter_invalid',
      'category',
      `category must be one of ${DISPUTE_EVIDENCE_CATEGORIES.join(', ')}`,
    );
  const name =
    (file.filename ?? '')
      .replace(/[\\/]+/g, '_')
      .trim()
      .slice(0, MAX_NAME) || 'evidence';
  return {
    name,
    contentType: sniffed,
    category: category as DisputeEvidenceCategory,
    data: Buffer.from(file.data),
    size: file.data.length,
    sha256: createHash('sha256').update(file.data).digest('hex'),
  };
}
