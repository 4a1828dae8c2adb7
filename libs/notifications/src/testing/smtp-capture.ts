import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message a capture server received: the envelope and the raw RFC 5322 text. */
export interface CapturedEmail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>`, ready for `PAYRAIL_SMTP_URL` (append `?from=…` if wanted). */
  url: string;
  received: CapturedEmail[];
  /** Resolves once `count` messages have arrived (default: one more than now), or rejects after `timeoutMs`. */
  waitFor(count?: number, timeoutMs?: number): Promise<CapturedEmail[]>;
  close(): Promise<void>;
}

/**
 * A local SMTP server on an ephemeral port that keeps what it receives, for specs that check the
 * email Payrail sends. No TLS and no AUTH: loopback only.
 */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const received: CapturedEmail[] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    // Mail goes out beside the request that caused it (a receipt): 15 s leaves a loaded machine room.
    waitFor(count = received.length + 1, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(
          () => reject(new Error(`expected ${count} emails within ${timeoutMs} ms, got ${received.length}`)),
          timeoutMs,
        );
        const check = () => {
          if (received.length >= count) {
            clearTimeout(deadline);
            resolve(received.slice());
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
