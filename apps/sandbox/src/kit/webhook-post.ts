import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface WebhookPostResult {
  /** The endpoint's HTTP status; absent when it could not be reached. */
  status?: number;
  /** Why the endpoint could not be reached (refused, timed out, aborted, not a URL). */
  error?: string;
}

/** Whether the endpoint took the delivery: it answered 2xx. */
export const delivered = (result: WebhookPostResult): boolean =>
  result.status !== undefined && result.status >= 200 && result.status < 300;

// A gateway keeps its connections to an endpoint open between deliveries: a sandbox emits
// several events a payment, and a new connection for each costs both sides.
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/**
 * POSTs one webhook delivery and waits for the whole answer. Never rejects: a failure to reach
 * the endpoint is a result, so a dispatcher records it and retries as the gateway does.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<WebhookPostResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ error: `'${url}' is not a URL` });
      return;
    }
    const https = target.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        agent: https ? agents.https : agents.http,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        timeout: options.timeoutMs,
        signal: options.signal,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode }));
        res.on('error', (error) => resolve({ error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('delivery timed out')));
    req.on('error', (error) => resolve({ error: error.message }));
    req.end(body);
  });
}
