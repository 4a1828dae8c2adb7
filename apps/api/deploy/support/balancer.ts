import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readyStatus } from './processes';

/**
 * A load balancer as a platform puts in front of the api instances: round robin over the
 * backends whose `/health/ready` answered 200 at the last check (every 250 ms), a fresh upstream
 * connection per request, and a retry on another backend when a connection cannot be made — what
 * nginx's `proxy_next_upstream error` and Caddy's `lb_try_duration` do.
 */
export interface Balancer {
  url: string;
  /** Replaces the backend at `index` (a restarted instance on a new port). */
  setBackend(index: number, url: string): void;
  /** `refused`: no connection could be made (retried elsewhere); `resets`: a request that reached an instance lost its connection. */
  stats: { requests: number; refused: number; resets: number; noBackend: number };
  close(): Promise<void>;
}

export async function startBalancer(backends: string[]): Promise<Balancer> {
  const urls = [...backends];
  const ready = new Map<string, boolean>();
  const stats = { requests: 0, refused: 0, resets: 0, noBackend: 0 };
  let next = 0;
  let checking = true;
  const check = async () => {
    while (checking) {
      await Promise.all(urls.map(async (url) => ready.set(url, (await readyStatus(url)) === 200)));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  void check();

  const forward = (target: string, req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const url = new URL(req.url ?? '/', target);
      const upstream = httpRequest(
        url,
        {
          method: req.method,
          headers: { ...req.headers, host: url.host, connection: 'close' },
          agent: false,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      stats.requests += 1;
      const body = Buffer.concat(chunks);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const candidates = urls.filter((u) => ready.get(u));
        if (!candidates.length) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        const target = candidates[next++ % candidates.length];
        try {
          const answer = await forward(target, req, body);
          const headers = { ...answer.headers };
          delete headers['connection'];
          delete headers['transfer-encoding'];
          res.writeHead(answer.status, headers).end(answer.body);
          return;
        } catch (error) {
          // No connection (the instance stopped listening): the request never reached it. A reset
          // of a request that did reach it is retried too; the Idempotency-Key keeps it once.
          if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') stats.refused += 1;
          else stats.resets += 1;
          ready.set(target, false);
        }
      }
      stats.noBackend += 1;
      res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"no backend answered"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setBackend: (index, url) => {
      urls[index] = url;
    },
    stats,
    close: async () => {
      checking = false;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
