import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { bufferedDestination, createRootLogger, LOG_FLUSH_MS, requestContext } from './logging';

const lines = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

async function waitForLines(file: string, count: number, withinMs: number): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  while (lines(file).length < count && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return lines(file);
}

describe('the buffered log destination', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'payrail-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a lone line within a few flush periods, redacted', async () => {
    const file = join(dir, 'api.log');
    const destination = bufferedDestination(file);
    const logger = createRootLogger('info', destination);
    logger.info({ key: ['sk', 'test', 'PayrailLogSpec000000000000'].join('_') }, 'one line');
    const written = await waitForLines(file, 1, LOG_FLUSH_MS * 10);
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0])).toMatchObject({ level: 'info', msg: 'one line' });
    expect(written[0]).not.toContain('PayrailLogSpec000000000000');
    (destination as unknown as { end: () => void }).end();
  });

  it('writes every line of a burst, in order', async () => {
    const file = join(dir, 'burst.log');
    const destination = bufferedDestination(file);
    const logger = createRootLogger('info', destination);
    for (let i = 0; i < 500; i++) logger.info({ i }, 'burst');
    const written = await waitForLines(file, 500, LOG_FLUSH_MS * 20);
    expect(written.map((line) => (JSON.parse(line) as { i: number }).i)).toEqual(
      Array.from({ length: 500 }, (_, i) => i),
    );
    (destination as unknown as { end: () => void }).end();
  });
});

describe('request ids in the log', () => {
  /** A server with the request context in front of a route that logs after an await. */
  async function logged(
    everyLine: boolean,
  ): Promise<{ requestId: string | null; lines: Record<string, unknown>[] }> {
    const lines: Record<string, unknown>[] = [];
    const logger = createRootLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const app = express();
    app.use(requestContext(logger, { everyLine }));
    app.get('/work', async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.warn('inside the request');
      res.json({ ok: true });
    });
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/work`);
      await response.json();
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { requestId: response.headers.get('request-id'), lines };
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it("puts the request's id on its own line by default, and not on the lines written meanwhile", async () => {
    const { requestId, lines } = await logged(false);
    expect(requestId).toMatch(/^req_/);
    expect(lines.find((l) => l['msg'] === 'request')).toMatchObject({
      request_id: requestId,
      method: 'GET',
      path: '/work',
      status: 200,
    });
    expect(lines.find((l) => l['msg'] === 'inside the request')).not.toHaveProperty('request_id');
  });

  it('puts it on every line written while the request runs with LOG_REQUEST_IDS=all', async () => {
    const { requestId, lines } = await logged(true);
    expect(lines.find((l) => l['msg'] === 'inside the request')).toMatchObject({ request_id: requestId });
    expect(lines.find((l) => l['msg'] === 'request')).toMatchObject({ request_id: requestId });
  });
});
