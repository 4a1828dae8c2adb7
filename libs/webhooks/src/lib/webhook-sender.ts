import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { redactText } from '@payrail/plugin-sdk';
import { checkUrl, OutboundRefused, resolveTarget, type Lookup, type OutboundPolicy } from './ssrf-guard';

export const DELIVERY_TIMEOUT_MS = 10_000;
export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface SendResult {
  /** The endpoint's HTTP status, or null when it was never reached or did not answer. */
  statusCode: number | null;
  ok: boolean;
  latencyMs: number;
  error: string | null;
  /** The first bytes of the answer, redacted. */
  excerpt: string | null;
}

export interface SendOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
  lookup?: Lookup;
}

/**
 * POSTs one webhook under the SSRF guard: the URL is checked, its host resolved and every
 * address judged, and the connection goes to the vetted address. Redirects are not followed
 * (a 3xx counts as a failure), the whole exchange is bounded by a timeout, and at most
 * `maxResponseBytes` of the answer are read.
 */
export async function sendWebhook(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  policy: OutboundPolicy,
  options: SendOptions = {},
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target: { address: string; family: 4 | 6 };
  let url: URL;
  try {
    url = checkUrl(rawUrl, policy);
    target = await resolveTarget(url, policy, options.lookup);
  } catch (error) {
    if (error instanceof OutboundRefused)
      return {
        statusCode: null,
        ok: false,
        latencyMs: elapsed(),
        error: `refused: ${error.reason}`,
        excerpt: null,
      };
    throw error;
  }
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsed() });
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        agent: false,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        // Connect to the address that was checked, whatever a second lookup would say.
        lookup: ((_host: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
          if (opts?.all) callback(null, [{ address: target.address, family: target.family }]);
          else callback(null, target.address, target.family);
        }) as never,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const status = res.statusCode ?? 0;
          const excerpt = redactText(Buffer.concat(chunks).toString('utf8').slice(0, 500)) || null;
          if (status >= 300 && status < 400) {
            finish({
              statusCode: status,
              ok: false,
              error: `redirect to ${res.headers.location ?? '(no location)'} not followed`,
              excerpt,
            });
          } else {
            finish({
              statusCode: status,
              ok: status >= 200 && status < 300,
              error: status >= 200 && status < 300 ? null : `the endpoint answered ${status}`,
              excerpt,
            });
          }
        };
        res.on('data', (chunk: Buffer) => {
          if (size >= maxBytes) return;
          chunks.push(chunk.subarray(0, maxBytes - size));
          size += chunk.length;
          // Enough read: the rest of a large answer is never buffered.
          if (size >= maxBytes) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', (error) =>
          finish({ statusCode: res.statusCode ?? null, ok: false, error: error.message, excerpt: null }),
        );
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => finish({ statusCode: null, ok: false, error: error.message, excerpt: null }));
    req.end(body);
  });
}
