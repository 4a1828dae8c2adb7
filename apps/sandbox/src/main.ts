import { sandboxPortVariable } from '@payrail/plugin-sdk';
import { SANDBOXES } from './sandboxes';

/** Starts every gateway sandbox for local development; the API's default test connections point at them. */
function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    process.stderr.write(`${name} is '${raw}': expected an integer from 1 to 65535\n`);
    process.exit(78);
  }
  return Number(raw);
}

async function main(): Promise<void> {
  const host = process.env['PAYRAIL_SANDBOX_HOST'] || '127.0.0.1';
  const sandboxes = await Promise.all(
    SANDBOXES.map((s) => s.start({ host, port: port(sandboxPortVariable(s.code), s.defaultPort) })),
  );
  const urls = Object.fromEntries(SANDBOXES.map((s, i) => [s.code, sandboxes[i].url]));
  process.stdout.write(
    `${JSON.stringify({ level: 'info', service: 'payrail-sandbox', msg: 'gateway sandboxes listening', ...urls })}\n`,
  );
  const stop = () => {
    void Promise.all(sandboxes.map((s) => s.close())).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`the gateway sandboxes failed to start: ${error.message}\n`);
  process.exit(1);
});
