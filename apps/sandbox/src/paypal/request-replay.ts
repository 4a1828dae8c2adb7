// Replays of a repeated `PayPal-Request-Id`, and PayPal's own wording of an operation's error details.
import { DESCRIPTION_OVERRIDES, type PayPalHttpError, type PayPalIssue } from './paypal-errors';
import type { paypalRenderers } from './render';
import { must, type Context, type Reply, type Route } from './sandbox-types';
import type { PayPalWorld } from './world';

export function paypalReplay(w: PayPalWorld, render: ReturnType<typeof paypalRenderers>) {
  const { store, replies } = w;
  const { renderAuthorization, renderCapture, renderRefund, renderOrder, minimal, wantsFull } = render;

  function replayKey(route: Route, ctx: Context): string | undefined {
    const requestId = ctx.headers['paypal-request-id'];
    if (!route.idempotent || typeof requestId !== 'string' || !requestId) return undefined;
    return `${ctx.clientId}|${route.operation}|${ctx.params.join('/')}|${requestId}`;
  }

  function replay(route: Route, ctx: Context, key: string): Reply | undefined {
    const known = replies.get(key);
    if (!known) return undefined;
    if (known.kind === 'error') return { status: known.status, body: known.body };
    const status = route.idempotent === 'replay-200' ? 200 : known.status;
    const full =
      known.kind === 'order'
        ? renderOrder(must(store.orders, known.id))
        : known.kind === 'authorization'
          ? renderAuthorization(must(store.authorizations, known.id), true)
          : known.kind === 'capture'
            ? renderCapture(must(store.captures, known.id), true)
            : renderRefund(must(store.refunds, known.id));
    if (known.status === 204) return { status: 204 };
    return { status, body: wantsFull(ctx) ? full : minimal(full) };
  }

  function remember(route: Route, key: string, reply: Reply, error: boolean): void {
    if (error) {
      if (reply.status === 422)
        replies.remember(key, { kind: 'error', id: '', status: reply.status, body: reply.body });
      return;
    }
    const body = reply.body as { id?: string } | undefined;
    const kind = route.operation.startsWith('orders.')
      ? 'order'
      : route.operation === 'captures.refund'
        ? 'refund'
        : route.operation === 'authorizations.capture'
          ? 'capture'
          : 'authorization';
    const resourceId = body?.id ?? (route.operation === 'authorizations.void' ? undefined : undefined);
    replies.remember(key, { kind, id: resourceId ?? '', status: reply.status });
  }

  return { replayKey, replay, remember };
}

export function officialDescriptions(error: PayPalHttpError, operation: string): void {
  const overrides = DESCRIPTION_OVERRIDES[operation];
  const details = (error.body as { details?: { issue: string; description?: string }[] }).details;
  if (!overrides || !details) return;
  for (const detail of details)
    detail.description = overrides[detail.issue as PayPalIssue] ?? detail.description;
}
