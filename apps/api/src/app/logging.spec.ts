import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferedDestination, createRootLogger, LOG_FLUSH_MS } from './logging';

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
