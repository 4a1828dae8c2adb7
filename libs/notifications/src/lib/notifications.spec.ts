import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '@payrail/webhooks';
import { startSmtpCapture, type SmtpCapture } from '../testing';
import { EmailSender } from './email-sender';
import { NOTIFICATION_SIGNATURE_HEADER, sendSignedWebhook } from './signed-webhook';
import { sendSlack, slackPayload } from './slack';
import { maskSmtpUrl, parseSmtpUrl } from './smtp-settings';

describe('SMTP settings from PAYRAIL_SMTP_URL', () => {
  it('reads host, port, credentials and the sender, and insists on TLS off this machine', () => {
    expect(
      parseSmtpUrl(
        'smtp://alerts%40example.com:s3cret@mail.example.com:587?from=Payrail%20%3Calerts@example.com%3E',
      ),
    ).toEqual({
      host: 'mail.example.com',
      port: 587,
      secure: false,
      requireTls: true,
      user: 'alerts@example.com',
      password: 's3cret',
      from: 'Payrail <alerts@example.com>',
    });
    expect(parseSmtpUrl('smtps://mail.example.com')).toMatchObject({
      port: 465,
      secure: true,
      requireTls: false,
    });
    expect(parseSmtpUrl('smtp://127.0.0.1:2525')).toMatchObject({
      requireTls: false,
      from: 'Payrail <payrail@localhost>',
    });
  });

  it('refuses what it cannot use, naming why, never echoing the password', () => {
    expect(() => parseSmtpUrl('https://mail.example.com')).toThrow(/smtp:\/\/ or smtps:\/\//);
    expect(() => parseSmtpUrl('smtp://mail.example.com?from=nobody')).toThrow(
      /from= as an email address, not 'nobody'/,
    );
    expect(() => parseSmtpUrl('smtp://mail.example.com?tls=off')).toThrow(
      /no URL parameter but from= \(not 'tls'\)/,
    );
    expect(() => parseSmtpUrl('not a url')).toThrow(/smtp:\/\//);
    expect(maskSmtpUrl('smtp://user:hunter2hunter2@mail.example.com')).toBe(
      'smtp://user:****@mail.example.com',
    );
  });
});

describe('EmailSender', () => {
  let smtp: SmtpCapture;
  beforeAll(async () => (smtp = await startSmtpCapture()));
  afterAll(() => smtp.close());

  it('delivers a text and HTML email that the server receives', async () => {
    const sender = new EmailSender(parseSmtpUrl(`${smtp.url}?from=alerts@payrail.test`));
    const result = await sender.send({
      to: ['oncall@example.com', 'Finance <finance@example.com>'],
      subject: 'Gateway stripe is down',
      text: 'The health check failed three times.',
      html: '<p>The health check failed three times.</p>',
      headers: { 'X-Payrail-Alert': 'fp_123' },
    });
    sender.close();
    expect(result).toMatchObject({ ok: true, accepted: ['oncall@example.com', 'finance@example.com'] });
    const [mail] = await smtp.waitFor(1);
    expect(mail.from).toBe('alerts@payrail.test');
    expect(mail.to).toEqual(['oncall@example.com', 'finance@example.com']);
    expect(mail.raw).toMatch(/^Subject: Gateway stripe is down/m);
    expect(mail.raw).toMatch(/^X-Payrail-Alert: fp_123/m);
    expect(mail.raw).toContain('The health check failed three times.');
  });

  it('refuses header injection and bad addresses before connecting, and says when email is not configured', async () => {
    const sender = new EmailSender(parseSmtpUrl(smtp.url));
    const before = smtp.received.length;
    expect(
      await sender.send({ to: 'a@example.com', subject: 'x\r\nBcc: evil@example.com', text: 'hi' }),
    ).toMatchObject({
      ok: false,
      error: 'the subject must be one line',
    });
    expect(await sender.send({ to: 'not-an-address', subject: 'x', text: 'hi' })).toMatchObject({
      ok: false,
      error: "'not-an-address' is not an email address",
    });
    sender.close();
    expect(smtp.received.length).toBe(before);
    expect(await new EmailSender(null).send({ to: 'a@example.com', subject: 'x', text: 'y' })).toMatchObject({
      ok: false,
      error: 'email is not configured: set PAYRAIL_SMTP_URL',
    });
  });

  it('reports an SMTP server that does not answer as a failed result', async () => {
    const closed = await startSmtpCapture();
    await closed.close();
    const sender = new EmailSender(parseSmtpUrl(closed.url));
    const result = await sender.send({ to: 'a@example.com', subject: 'x', text: 'y' });
    sender.close();
    expect(result.ok).toBe(false);
  });
});

describe('signed webhooks and Slack', () => {
  let server: Server;
  let base: string;
  const hits: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hits.push({
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(req.url === '/fail' ? 500 : 200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const loopback = { allowHttpLoopback: true };

  it('signs exactly the bytes it sends, so the receiver can verify them', async () => {
    const secret = 'whsec_test_notifications';
    const result = await sendSignedWebhook(
      {
        url: `${base}/alerts`,
        secret,
        payload: { version: '4', status: 'firing' },
        headers: { 'X-Kind': 'alert' },
      },
      loopback,
    );
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    const hit = hits.at(-1)!;
    expect(JSON.parse(hit.body)).toEqual({ version: '4', status: 'firing' });
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['x-kind']).toBe('alert');
    const signature = String(hit.headers[NOTIFICATION_SIGNATURE_HEADER.toLowerCase()]);
    expect(verifySignature(secret, hit.body, signature)).toBe(true);
    expect(verifySignature('whsec_other', hit.body, signature)).toBe(false);
  });

  it('refuses private and plain-http targets through the SSRF guard, and reports non-2xx answers', async () => {
    const refused = await sendSignedWebhook(
      { url: `${base}/alerts`, secret: 's', payload: {} },
      { allowHttpLoopback: false },
    );
    expect(refused).toMatchObject({ ok: false, statusCode: null });
    expect(refused.error).toMatch(/^refused: /);
    const metadata = await sendSlack('https://169.254.169.254/hook', { title: 't', text: 'x' }, loopback);
    expect(metadata.error).toMatch(/cloud metadata/);
    expect(
      await sendSignedWebhook({ url: `${base}/fail`, secret: 's', payload: {} }, loopback),
    ).toMatchObject({
      ok: false,
      statusCode: 500,
    });
  });

  it('posts the Slack incoming-webhook format with escaped text', async () => {
    const notice = {
      title: 'Success rate below 80%',
      text: 'stripe <test> & co: 71% over 5 min',
      severity: 'critical' as const,
      fields: { connection: 'con_1', value: '71%' },
      link: { url: 'https://console.example.com/monitoring', label: 'Open monitoring' },
    };
    expect(await sendSlack(`${base}/slack`, notice, loopback)).toMatchObject({ ok: true });
    const body = JSON.parse(hits.at(-1)!.body);
    expect(body).toEqual(slackPayload(notice));
    expect(body.text).toBe(
      ':red_circle: Success rate below 80%: stripe &lt;test&gt; &amp; co: 71% over 5 min',
    );
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':red_circle: Success rate below 80%', emoji: true },
    });
    expect(body.blocks[2].fields).toEqual([
      { type: 'mrkdwn', text: '*connection*\ncon_1' },
      { type: 'mrkdwn', text: '*value*\n71%' },
    ]);
    expect(body.blocks[3].elements[0].url).toBe('https://console.example.com/monitoring');
  });
});
