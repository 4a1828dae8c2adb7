import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable, Transform } from 'node:stream';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApiError } from '@payrail/api-contract';

export interface BodyLimits {
  /** Largest body, in bytes, before and after decompression. */
  maxBytes: number;
  /** Most fields in a form body. */
  maxFields: number;
  /** Deepest nesting of objects and arrays in a JSON body. */
  maxDepth: number;
}

export const BODY_LIMITS: BodyLimits = { maxBytes: 100 * 1024, maxFields: 1000, maxDepth: 32 };

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
// JSON is UTF-8 (RFC 8259), and so is every form Payrail reads; ASCII is a subset of it.
const CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);
const ENCODINGS = new Set(['identity', 'gzip', 'x-gzip', 'deflate', 'br']);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function refuse(status: number, code: string, param: string, message: string): ApiError {
  return new ApiError(status, { type: 'invalid_request_error', code, message, param });
}

function mediaType(header: string | undefined): { type: string; charset?: string } | null {
  if (!header) return null;
  const [type, ...params] = header.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq > 0 && param.slice(0, eq).trim().toLowerCase() === 'charset')
      charset = param
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

function decoder(encoding: string): Transform | null {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

/** Reads at most `maxBytes` from the request (decompressing it), or fails with the API error that says why. */
function readAll(req: Request, encoding: string, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const inflate = decoder(encoding);
    const source: Readable = inflate ?? req;
    const chunks: Buffer[] = [];
    let received = 0;
    let rawReceived = 0;
    let done = false;
    const fail = (error: ApiError) => {
      if (done) return;
      done = true;
      if (inflate) {
        req.unpipe(inflate);
        inflate.destroy();
      }
      // Drop the rest of the upload; the connection closes after the answer.
      req.resume();
      reject(error);
    };
    const tooLarge = () =>
      refuse(413, 'body_too_large', 'body', `the request body is larger than ${maxBytes / 1024} kB`);
    if (inflate) {
      req.on('data', (chunk: Buffer) => {
        rawReceived += chunk.length;
        if (rawReceived > maxBytes) fail(tooLarge());
      });
      inflate.on('error', () =>
        fail(refuse(400, 'body_invalid', 'body', `the request body is not valid ${encoding} data`)),
      );
      req.pipe(inflate);
    }
    source.on('data', (chunk: Buffer) => {
      if (done) return;
      received += chunk.length;
      if (received > maxBytes) return fail(tooLarge());
      chunks.push(chunk);
    });
    source.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('aborted', () => fail(refuse(400, 'body_invalid', 'body', 'the request body was cut off')));
    req.on('error', () => fail(refuse(400, 'body_invalid', 'body', 'the request body could not be read')));
  });
}

const ownName = (key: string) =>
  key === '__proto__' || Object.prototype.hasOwnProperty.call(Object.prototype, key);

/**
 * Walks a parsed body without recursion and refuses what no route accepts: nesting deeper
 * than `maxDepth`, strings that are not well-formed Unicode (a lone surrogate cannot reach a
 * gateway or a database intact), and keys that name what every JavaScript object already has
 * (`__proto__`, `constructor`, `toString`…), which validators and mappers skip or misread.
 */
export function assertSafeBody(body: unknown, maxDepth: number, vetContent = true): void {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [
    { value: body, path: '', depth: 0 },
  ];
  while (pending.length) {
    const { value, path, depth } = pending.pop() as { value: unknown; path: string; depth: number };
    if (typeof value === 'string') {
      if (vetContent && LONE_SURROGATE.test(value))
        throw ApiError.invalid(
          path || 'body',
          `${path || 'body'} must be well-formed Unicode text: it holds a lone UTF-16 surrogate`,
        );
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth >= maxDepth)
      throw refuse(400, 'body_too_deep', 'body', `the request body nests deeper than ${maxDepth} levels`);
    for (const key of Object.keys(value)) {
      const safeKey = key.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
      const child = path ? `${path}.${safeKey}` : safeKey;
      if (!vetContent) {
        pending.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
        continue;
      }
      if (safeKey !== key)
        throw ApiError.invalid(
          child,
          `the key ${child} must be well-formed Unicode text: it holds a lone UTF-16 surrogate`,
        );
      if (ownName(key))
        throw ApiError.invalid(
          child,
          `'${key}' cannot be used as ${path ? `a key of ${path}` : 'a parameter'}: every object already has it`,
        );
      pending.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
}

function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw refuse(
      400,
      'body_invalid',
      'body',
      `the request body is not valid JSON (${(error as Error).message})`,
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw refuse(400, 'body_invalid', 'body', 'the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function parseForm(text: string, maxFields: number): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  let fields = 0;
  for (const [key, value] of new URLSearchParams(text)) {
    if (++fields > maxFields)
      throw refuse(413, 'too_many_parameters', 'body', `a form body may have at most ${maxFields} fields`);
    if (ownName(key))
      throw ApiError.invalid(key, `'${key}' cannot be used as a parameter: every object already has it`);
    const seen = form[key];
    form[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return form;
}

const hasBody = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/**
 * The API's only body parser: JSON and forms in UTF-8, optionally compressed, within
 * `limits`; anything else a client sends gets a 4xx that names the problem. The bytes read
 * are kept as `rawBody` for webhook signatures; `checkStructure` decides per request whether
 * the parsed body's strings and keys are vetted too (gateway webhooks are judged by their
 * plugin from the raw bytes, so only their depth is bounded).
 */
export function bodyReader(
  limits: BodyLimits = BODY_LIMITS,
  checkStructure: (req: Request) => boolean = () => true,
): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!hasBody(req)) return next();
    const media = mediaType(req.headers['content-type']);
    if (!media || (media.type !== JSON_TYPE && media.type !== FORM_TYPE)) return next();
    if (media.charset !== undefined && !CHARSETS.has(media.charset))
      return next(
        refuse(
          415,
          'unsupported_charset',
          'Content-Type',
          `${media.type} bodies must be UTF-8; charset=${media.charset} is not supported`,
        ),
      );
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (!ENCODINGS.has(encoding))
      return next(
        refuse(
          415,
          'unsupported_content_encoding',
          'Content-Encoding',
          `Content-Encoding '${encoding.slice(0, 40)}' is not supported: send identity, gzip, deflate or br`,
        ),
      );
    const declared = Number(req.headers['content-length']);
    if (encoding === 'identity' && declared > limits.maxBytes) {
      req.resume();
      return next(
        refuse(413, 'body_too_large', 'body', `the request body is larger than ${limits.maxBytes / 1024} kB`),
      );
    }
    readAll(req, encoding, limits.maxBytes)
      .then((raw) => {
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
        } catch {
          throw refuse(400, 'body_invalid', 'body', 'the request body is not valid UTF-8');
        }
        const body = media.type === JSON_TYPE ? parseJson(text) : parseForm(text, limits.maxFields);
        assertSafeBody(body, limits.maxDepth, checkStructure(req));
        (req as Request & { rawBody?: Buffer }).rawBody = raw;
        req.body = body;
        next();
      })
      .catch(next);
  };
}
