import { issueError, PayPalHttpError } from './paypal-errors';
import { paypalId } from './paypal-store';
import { EVENT_TYPES, MAX_WEBHOOKS, type Context, type Reply } from './sandbox-types';
import type { PayPalWorld } from './world';

/** The webhooks API: registering endpoints and verifying signatures by postback. */
export function paypalWebhooksApi(w: PayPalWorld) {
  const { store, signer, certUrl, href } = w;

  function renderWebhook(webhook: { id: string; url: string; eventTypes: string[] }) {
    return {
      id: webhook.id,
      url: webhook.url,
      event_types: webhook.eventTypes.map((name) => ({
        name,
        description: EVENT_TYPES[name] ?? 'ALL',
        status: 'ENABLED',
      })),
      links: [
        href(`/v1/notifications/webhooks/${webhook.id}`, 'self'),
        href(`/v1/notifications/webhooks/${webhook.id}`, 'update', 'PATCH'),
        href(`/v1/notifications/webhooks/${webhook.id}`, 'delete', 'DELETE'),
      ],
    };
  }

  function createWebhook(ctx: Context): Reply {
    const url = ctx.body['url'];
    if (typeof url !== 'string' || !url)
      throw issueError('MISSING_REQUIRED_PARAMETER', { field: 'url', description: 'url is required.' });
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw issueError('INVALID_PARAMETER_SYNTAX', {
        field: 'url',
        value: url,
        description: 'url must be an absolute http(s) URL.',
      });
    }
    if (!/^https?:$/.test(parsed.protocol))
      throw issueError('INVALID_PARAMETER_SYNTAX', {
        field: 'url',
        value: url,
        description: 'url must be an absolute http(s) URL.',
      });
    const types = ctx.body['event_types'];
    if (!Array.isArray(types) || !types.length)
      throw issueError('MISSING_REQUIRED_PARAMETER', {
        field: 'event_types',
        description: 'event_types must list at least one event type or "*".',
      });
    const names = types.map((t) => (t && typeof t === 'object' ? (t as { name?: unknown }).name : undefined));
    for (const name of names) {
      if (typeof name !== 'string' || (name !== '*' && !EVENT_TYPES[name]))
        throw new PayPalHttpError(400, {
          name: 'WEBHOOK_EVENT_TYPE_INVALID',
          message: `Event type '${String(name)}' is not supported. Supported: *, ${Object.keys(EVENT_TYPES).join(', ')}.`,
          debug_id: paypalId().toLowerCase(),
        });
    }
    const mine = [...store.webhooks.values()].filter((w) => w.clientId === ctx.clientId);
    if (mine.some((w) => w.url === url))
      throw new PayPalHttpError(400, {
        name: 'WEBHOOK_URL_ALREADY_EXISTS',
        message: 'Webhook URL already exists.',
        debug_id: paypalId().toLowerCase(),
      });
    if (mine.length >= MAX_WEBHOOKS)
      throw new PayPalHttpError(400, {
        name: 'WEBHOOK_NUMBER_LIMIT_EXCEEDED',
        message: `An app can have at most ${MAX_WEBHOOKS} webhooks.`,
        debug_id: paypalId().toLowerCase(),
      });
    const webhook = { id: paypalId(), clientId: ctx.clientId, url, eventTypes: names as string[] };
    store.webhooks.set(webhook.id, webhook);
    return { status: 201, body: renderWebhook(webhook) };
  }

  function verifySignature(ctx: Context): Reply {
    const body = ctx.body;
    for (const field of [
      'auth_algo',
      'cert_url',
      'transmission_id',
      'transmission_sig',
      'transmission_time',
      'webhook_id',
      'webhook_event',
    ]) {
      if (body[field] === undefined || body[field] === '')
        throw issueError('MISSING_REQUIRED_PARAMETER', { field, description: `${field} is required.` });
    }
    const webhook = store.webhooks.get(String(body['webhook_id']));
    const ok =
      !!webhook &&
      webhook.clientId === ctx.clientId &&
      body['auth_algo'] === 'SHA256withRSA' &&
      body['cert_url'] === certUrl() &&
      signer.verify({
        transmissionId: String(body['transmission_id']),
        transmissionTime: String(body['transmission_time']),
        webhookId: String(body['webhook_id']),
        body: JSON.stringify(body['webhook_event']),
        signature: String(body['transmission_sig']),
      });
    return { status: 200, body: { verification_status: ok ? 'SUCCESS' : 'FAILURE' } };
  }

  return { renderWebhook, createWebhook, verifySignature };
}
