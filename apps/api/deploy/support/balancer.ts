import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A load balancer as a platform puts in front of the api instances (a Kubernetes Service with
 * readiness probes, Caddy or nginx with active health checks):
 *
 * - active health checks: every `healthIntervalMs` each backend's `/health/ready` is read, and
 *   only backends that answered 200 take requests (round robin). A 503 or a refused connection
 *   takes a backend out at once (it says so, or is gone); a check that times out does after
 *   three in a row (HAProxy's `fall 3`, Kubernetes' `failureThreshold: 3`), so one slow answer
 *   on a busy machine does not empty the pool;
 * - passive ejection: a backend whose connection is refused is taken out until its next good check;
 * - keep-alive connections to the backends, pooled per backend, as every proxy keeps them, and
 *   no queue per backend: a request is sent when its backend is picked;
 * - a retry on another backend only when the request never reached one (no connection could be
 *   made). A connection reset after the request was sent is not retried — a POST is not
 *   idempotent to a balancer (nginx's `proxy_next_upstream` without `non_idempotent`) — and
 *   reaches the client as a 502, counted in `stats.resets`.
 */
export interface Balancer {
  url: string;
  /** Replaces the backend at `index` (a restarted instance on a new port). */
  setBackend(index: number, url: string): void;
  /** Whether the balancer currently routes to `url` (its last health check was 200). */
  isRouting(url: string): boolean;
  /**
   * `refused`: no connection could be made (retried elsewhere); `resets`: a request that reached
   * an instance lost its connection before the answer (a 502 to the client); `noBackend`: no
   * backend was ready for 10 s (a 502).
   */
  stats: { requests: number; refused: number; resets: number; noBackend: number };
  /** Each reset: when, on which backend, the error, and whether it came on a reused connection. */
  resets: Array<{ at: number; target: string; path: string; error: string; reused: boolean }>;
  /** Requests answered per backend URL. */
  answered: Map<string, number>;
  close(): Promise<void>;
}

export interface BalancerOptions {
  /** How often each backend's readiness is checked (250 ms unless told). */
  healthIntervalMs?: number;
  /** How long a check may take before it counts as failed (5 s unless told). */
  healthTimeoutMs?: number;
}

/** One readiness check: the status, `refused` when nothing listens, `timeout` for anything else. */
async function probe(url: string, timeoutMs: number): Promise<number | 'refused' | 'timeout'> {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED' ? 'refused' : 'timeout';
  }
}

export async function startBalancer(backends: string[], options: BalancerOptions = {}): Promise<Balancer> {
  const healthIntervalMs = options.healthIntervalMs ?? 250;
  const healthTimeoutMs = options.healthTimeoutMs ?? 5000;
  const urls = [...backends];
  const ready = new Map<string, boolean>();
  const agents = new Map<string, Agent>();
  const answered = new Map<string, number>();
  const stats = { requests: 0, refused: 0, resets: 0, noBackend: 0 };
  const resets: Balancer['resets'] = [];
  let next = 0;
  let checking = true;
  // Each backend on its own clock, so a slow answer from one never delays the verdict on another.
  const checked = new Set<string>();
  const check = async (url: string) => {
    let timeouts = 0;
    while (checking && urls.includes(url)) {
      const status = await probe(url, healthTimeoutMs);
      timeouts = status === 'timeout' ? timeouts + 1 : 0;
      if (status === 200) ready.set(url, true);
      else if (status !== 'timeout' || timeouts >= 3) ready.set(url, false);
      await new Promise((resolve) => setTimeout(resolve, healthIntervalMs));
    }
    checked.delete(url);
  };
  const watch = () => {
    for (const url of urls)
      if (url && !checked.has(url)) {
        checked.add(url);
        void check(url);
      }
  };
  watch();
  // Node's agent drops an idle connection a second before the backend's `Keep-Alive: timeout`.
  // No cap on connections: a request goes out the moment its backend is picked, as with nginx,
  // never queued behind others for a connection made later, when the backend may have stopped
  // listening.
  const agentFor = (target: string) => {
    let agent = agents.get(target);
    if (!agent) agents.set(target, (agent = new Agent({ keepAlive: true })));
    return agent;
  };

  const forward = (target: string, req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const url = new URL(req.url ?? '/', target);
      const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: url.host };
      delete headers['connection'];
      delete headers['keep-alive'];
      const upstream = httpRequest(
        url,
        { method: req.method, headers, agent: agentFor(target) },
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
          response.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
        },
      );
      upstream.on('error', (error) => reject(Object.assign(error, { reused: upstream.reusedSocket })));
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
          const headers: Record<string, string | string[] | undefined> = {
            ...answer.headers,
            'x-upstream': target,
          };
          delete headers['connection'];
          delete headers['keep-alive'];
          delete headers['transfer-encoding'];
          answered.set(target, (answered.get(target) ?? 0) + 1);
          res.writeHead(answer.status, headers).end(answer.body);
          return;
        } catch (error) {
          ready.set(target, false);
          // No connection could be made: the request never reached the instance, so another may take it.
          if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
            stats.refused += 1;
            continue;
          }
          stats.resets += 1;
          resets.push({
            at: Date.now(),
            target,
            path: req.url ?? '/',
            error: `${(error as NodeJS.ErrnoException).code ?? ''} ${(error as Error).message}`,
            reused: (error as { reused?: boolean }).reused === true,
          });
          res
            .writeHead(502, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: `the upstream connection failed: ${(error as Error).message}` }));
          return;
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
      watch();
    },
    isRouting: (url) => ready.get(url) === true,
    stats,
    resets,
    answered,
    close: async () => {
      checking = false;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const agent of agents.values()) agent.destroy();
    },
  };
}
