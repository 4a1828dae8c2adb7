import type { Socket } from 'node:net';
import type { ReplayStore } from '../kit';
import type { PayPalStore } from './paypal-store';
import type { DeliveryRecord, PayPalWebhookSigner } from './paypal-webhooks';
import type { PayPalSandboxOptions, RecordedExchange } from './sandbox-types';

/** A remembered answer to a `PayPal-Request-Id`: the record it produced, re-rendered on replay. */
export interface RememberedReply {
  kind: 'order' | 'authorization' | 'capture' | 'refund' | 'error';
  id: string;
  status: number;
  body?: unknown;
}

/**
 * One running PayPal sandbox: its state and the few facts every part of it shares. The API
 * handlers, renderers and webhook delivery each take it instead of closing over one function.
 */
export interface PayPalWorld {
  readonly options: PayPalSandboxOptions;
  readonly store: PayPalStore;
  readonly signer: PayPalWebhookSigner;
  /** REST apps: client id to secret. */
  readonly clients: Map<string, string>;
  readonly tokens: Map<string, { clientId: string; expiresAt: number }>;
  /** Delay per client id (`*` for every client). */
  readonly latency: Map<string, number>;
  readonly replies: ReplayStore<RememberedReply>;
  readonly exchanges: RecordedExchange[];
  readonly deliveries: DeliveryRecord[];
  readonly sockets: Set<Socket>;
  readonly timers: Set<NodeJS.Timeout>;
  readonly inFlight: Set<Promise<void>>;
  /** Seconds an access token lives. */
  readonly ttl: number;
  readonly retryDelays: number[];
  readonly merchantIds: Map<string, string>;
  merchantId(clientId: string): string;
  /** `http://host:port`, known once the server listens. */
  baseUrl: string;
  closed: boolean;
  certUrl(): string;
  href(path: string, rel: string, method?: string): { href: string; rel: string; method: string };
}
