import type { Outcome } from './errors';
import type { Money } from './money';
import type { SettlementPage, SettlementRequest } from './settlements';

export type ConnectionMode = 'test' | 'live';

/** One field of a connection's configuration, as the console draws it. */
export interface ConnectionField {
  key: string;
  label: string;
  /** Secret fields are write-only: stored encrypted, never returned, shown as a masked hint. */
  secret: boolean;
  /**
   * Public values the gateway's own browser SDK needs (a publishable key, an application or
   * client id): a payment session hands them to the customer's browser. Never set on a secret.
   */
  browser?: boolean;
  required: boolean;
  description?: string;
  /** A regular expression (source) the value must match, checked before the connection is saved. */
  pattern?: string;
  placeholder?: string;
}

export interface GatewayCapabilities {
  partialCapture: boolean;
  multipleCaptures: boolean;
  partialRefund: boolean;
  void: boolean;
  threeDSecure: boolean;
  /** Whether the gateway accepts raw card numbers from a server (`tokenize`). */
  tokenization: boolean;
  webhooks: boolean;
  settlementReports: boolean;
  /** ISO 4217 codes the gateway accepts; `'*'` for "every code the money module knows". */
  currencies: readonly string[] | '*';
  /** The largest amount, in minor units, the gateway takes in one payment; more is refused before any call. */
  maxAmount?: number;
}

/**
 * A configured connection to a gateway, as handed to each operation: decrypted values in
 * memory only. `baseUrl` points a test connection at a local sandbox; a live connection
 * must refuse any base URL but the gateway's own HTTPS host (`resolveEndpoint` enforces it).
 */
export interface GatewayConnection {
  id: string;
  mode: ConnectionMode;
  /** Field values by `ConnectionField.key`, secret and public alike. */
  values: Readonly<Record<string, string>>;
  baseUrl?: string;
  /** How long one gateway call may take before it counts as `gateway_timeout`. */
  timeoutMs: number;
}

/** Raw card details: held in memory for the length of one `tokenize` call, never stored or logged. */
export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  cvc?: string;
  name?: string;
}

export interface CardSummary {
  brand?: string;
  last4?: string;
  expMonth?: number;
  expYear?: number;
}

export interface Customer {
  email?: string;
  name?: string;
}

export interface TokenizeRequest {
  card: CardDetails;
  customer?: Customer;
  idempotencyKey: string;
}

export interface TokenizeResult {
  /** A gateway token the other operations accept (a PaymentMethod id, a nonce, a card id…). */
  token: string;
  card?: CardSummary;
}

/** Where the gateway says a payment stands, mapped onto the core's vocabulary. */
export type GatewayPaymentStatus =
  | 'requires_action'
  | 'pending'
  | 'authorized'
  | 'partially_captured'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'voided'
  | 'failed';

export interface NextAction {
  type: 'redirect_to_url' | 'approve';
  url?: string;
}

export interface GatewayCaptureRecord {
  reference: string;
  amount: number;
  /** Payrail's attempt id, when the plugin tagged the gateway object with it. */
  attemptId?: string;
}

export interface GatewayRefundRecord {
  reference: string;
  amount: number;
  status: 'pending' | 'succeeded' | 'failed';
  attemptId?: string;
  captureReference?: string;
}

/** The gateway's view of one payment. Amounts are minor units of `currency`. */
export interface GatewayPaymentSnapshot {
  /** The gateway's id for the payment: what capture, void, refund and sync take. */
  reference: string;
  status: GatewayPaymentStatus;
  currency: string;
  amountAuthorized: number;
  amountCapturable: number;
  amountCaptured: number;
  amountRefunded: number;
  captures: GatewayCaptureRecord[];
  refunds: GatewayRefundRecord[];
  nextAction?: NextAction;
  card?: CardSummary;
  /** Set when `status` is `failed`: why, in the taxonomy. */
  failure?: { code: import('./errors').GatewayErrorCode; message: string; gatewayCode?: string };
}

export interface AuthorizeRequest {
  /** Payrail's payment id, for the gateway's reference field. */
  paymentId: string;
  /** Payrail's attempt id; plugins tag the gateway object with it where the gateway allows. */
  attemptId: string;
  idempotencyKey: string;
  amount: Money;
  /** A token from `tokenize`, or one the gateway issued to the merchant's front end. */
  token: string;
  customer?: Customer;
  description?: string;
  metadata?: Record<string, string>;
  /** Where a 3-D Secure or approval flow returns the customer. */
  returnUrl?: string;
  /**
   * Set when `token` is a method saved with `CustomerVault.saveMethod`: the gateway's customer
   * it belongs to, and whether the customer is absent (a merchant-initiated charge, sent with
   * the gateway's stored-credential flags).
   */
  savedMethod?: { customerReference: string; offSession: boolean };
}

export interface CaptureRequest {
  reference: string;
  attemptId: string;
  idempotencyKey: string;
  amount: Money;
  /** False keeps the rest of the authorization capturable (gateways with multiple captures only). */
  final: boolean;
}

export interface VoidRequest {
  reference: string;
  attemptId: string;
  idempotencyKey: string;
}

export interface RefundRequest {
  reference: string;
  attemptId: string;
  idempotencyKey: string;
  amount: Money;
  reason?: string;
  /** What has been captured so far, for gateways that refund per capture. */
  captures: GatewayCaptureRecord[];
  /**
   * Where the core reserved this refund, for gateways that refund per capture: the amount to
   * take from each capture (they add up to `amount`). Absent: the plugin chooses.
   */
  parts?: RefundPart[];
}

export interface RefundPart {
  captureReference: string;
  amount: number;
}

export interface CaptureResult {
  snapshot: GatewayPaymentSnapshot;
  capture: GatewayCaptureRecord;
}

export interface RefundResult {
  snapshot?: GatewayPaymentSnapshot;
  refund: GatewayRefundRecord;
}

export interface SyncRequest {
  reference: string;
}

export interface WebhookRequest {
  rawBody: Buffer;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The full URL the webhook was delivered to (Square signs it). */
  url: string;
}

export type WebhookEventType =
  | 'payment.requires_action'
  | 'payment.authorized'
  | 'payment.captured'
  | 'payment.voided'
  | 'payment.failed'
  | 'refund.succeeded'
  | 'refund.failed'
  | 'other';

/** Where a dispute (chargeback) stands, in the core's words. */
export type GatewayDisputeStatus = 'needs_response' | 'under_review' | 'won' | 'lost';

/** A cardholder's dispute of a payment, as the gateway reports it. Amounts are minor units. */
export interface GatewayDispute {
  /** The gateway's id for the dispute. */
  reference: string;
  amount: number;
  currency: string;
  /** The gateway's reason code (`fraudulent`, `NOT_RECEIVED`, `MERCHANDISE_OR_SERVICE_NOT_RECEIVED`…). */
  reason: string;
  status: GatewayDisputeStatus;
  /** The gateway's own status (`needs_response`, `EVIDENCE_REQUIRED`, `WAITING_FOR_SELLER_RESPONSE`…). */
  gatewayStatus: string;
  evidenceDueBy?: Date;
  /** An inquiry or retrieval request: no money has moved yet. */
  inquiry?: boolean;
}

export interface GatewayWebhookEvent {
  /** The gateway's event id: the inbox is unique on (connection, id). */
  id: string;
  type: WebhookEventType;
  /** The gateway's own event type (`payment_intent.succeeded`, `PAYMENT.CAPTURE.COMPLETED`…). */
  gatewayType: string;
  /** The payment's gateway reference the event is about, if any. */
  reference?: string;
  occurredAt: Date;
  /** The payment's state as the event tells it, when the event carries enough to say. */
  snapshot?: GatewayPaymentSnapshot;
  /** Set when the event is about a dispute of the payment (`reference`). */
  dispute?: GatewayDispute;
  /**
   * Set when the event says a saved card finished its set-up (Stripe's `setup_intent.succeeded`
   * after 3-D Secure): the card is ready for off-session charges. Such an event names no payment.
   */
  savedMethod?: { methodReference: string; customerReference?: string; status: 'ready' };
}

export interface CredentialCheck {
  valid: boolean;
  mode: ConnectionMode;
  account?: { id: string; name?: string };
  permissions?: string[];
  /** Each problem names what is wrong ("key is a live key on a test connection", "lacks charges:write"). */
  problems: string[];
}

export interface HealthReport {
  healthy: boolean;
  latencyMs: number;
  detail?: string;
}

/**
 * The contract every gateway plugin implements. Operations take the connection and a request
 * in minor units and resolve to an `Outcome`; a decline is a value, not an exception.
 */
export interface PaymentGateway {
  readonly code: string;
  readonly displayName: string;
  readonly version: string;
  readonly fields: readonly ConnectionField[];
  readonly capabilities: GatewayCapabilities;

  tokenize(connection: GatewayConnection, request: TokenizeRequest): Promise<Outcome<TokenizeResult>>;
  authorize(
    connection: GatewayConnection,
    request: AuthorizeRequest,
  ): Promise<Outcome<GatewayPaymentSnapshot>>;
  capture(connection: GatewayConnection, request: CaptureRequest): Promise<Outcome<CaptureResult>>;
  void(connection: GatewayConnection, request: VoidRequest): Promise<Outcome<GatewayPaymentSnapshot>>;
  refund(connection: GatewayConnection, request: RefundRequest): Promise<Outcome<RefundResult>>;
  sync(connection: GatewayConnection, request: SyncRequest): Promise<Outcome<GatewayPaymentSnapshot>>;
  verifyWebhook(
    connection: GatewayConnection,
    request: WebhookRequest,
  ): Promise<Outcome<GatewayWebhookEvent[]>>;
  /**
   * One page of the gateway's settlement data for a window (see `settlements.ts`): the rows with
   * their fees and payouts, and a cursor to the next page. Walk them with `settlementPages`.
   */
  listSettlements(
    connection: GatewayConnection,
    request: SettlementRequest,
  ): Promise<Outcome<SettlementPage>>;
  checkCredentials(connection: GatewayConnection): Promise<Outcome<CredentialCheck>>;
  healthCheck(connection: GatewayConnection): Promise<HealthReport>;
}

export interface WebhookRegistrationRequest {
  /** Where the gateway should deliver: Payrail's `/webhooks/{connection_id}` URL. */
  url: string;
}

export interface WebhookRegistration {
  /** The gateway's id for the endpoint or subscription. */
  endpointId: string;
  /** Connection values the registration produced (a signing secret, a webhook id…), to store with the connection. */
  values: Record<string, string>;
}

/** Optional operations a gateway may offer; the core checks for them before calling. */
export interface WebhookRegistrar {
  registerWebhook(
    connection: GatewayConnection,
    request: WebhookRegistrationRequest,
  ): Promise<Outcome<WebhookRegistration>>;
}

/** A customer as the vault keeps it at the gateway. */
export interface VaultCustomerRequest {
  /** Payrail's customer id, for the gateway's reference field. */
  customerId: string;
  idempotencyKey: string;
  email?: string;
  name?: string;
  phone?: string;
}

export interface VaultCustomer {
  /** The gateway's id for the customer (a Stripe `cus_…`, a Square customer id, a PayPal vault customer id). */
  reference: string;
}

export interface SaveMethodRequest {
  customerReference: string;
  idempotencyKey: string;
  /** A gateway token (PaymentMethod, nonce, setup token) or raw card details (held for this call only). */
  method: { token: string } | { card: CardDetails };
  /** Where an authentication the gateway asks for returns the customer. */
  returnUrl?: string;
}

export interface SavedMethod {
  /** What `authorize` takes as `token` with `savedMethod`, and `deleteMethod` removes. */
  reference: string;
  /** `requires_action` while the customer still has to authenticate the card (a SetupIntent's 3-D Secure). */
  status: 'ready' | 'requires_action';
  card?: CardSummary & { fingerprint?: string };
  nextAction?: NextAction;
}

export interface VaultMethodRequest {
  customerReference: string;
  methodReference: string;
}

/**
 * Optional: saving payment methods for a customer at the gateway. `eraseCustomer` deletes the
 * gateway's customer and every method saved for it (for deletion and erasure requests).
 */
export interface CustomerVault {
  createCustomer(
    connection: GatewayConnection,
    request: VaultCustomerRequest,
  ): Promise<Outcome<VaultCustomer>>;
  eraseCustomer(
    connection: GatewayConnection,
    request: { customerReference: string },
  ): Promise<Outcome<void>>;
  saveMethod(connection: GatewayConnection, request: SaveMethodRequest): Promise<Outcome<SavedMethod>>;
  listMethods(
    connection: GatewayConnection,
    request: { customerReference: string },
  ): Promise<Outcome<SavedMethod[]>>;
  deleteMethod(connection: GatewayConnection, request: VaultMethodRequest): Promise<Outcome<void>>;
}

export function canVault(gateway: PaymentGateway): gateway is PaymentGateway & CustomerVault {
  const vault = gateway as Partial<CustomerVault>;
  return (
    typeof vault.createCustomer === 'function' &&
    typeof vault.eraseCustomer === 'function' &&
    typeof vault.saveMethod === 'function' &&
    typeof vault.listMethods === 'function' &&
    typeof vault.deleteMethod === 'function'
  );
}

/** Optional: answering a dispute with evidence through the gateway's API. */
export interface DisputeResponder {
  submitDisputeEvidence(
    connection: GatewayConnection,
    request: { reference: string; text: string; idempotencyKey: string },
  ): Promise<Outcome<GatewayDispute>>;
}

/** The file types every gateway's evidence upload takes. */
export const DISPUTE_EVIDENCE_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DisputeEvidenceContentType = (typeof DISPUTE_EVIDENCE_CONTENT_TYPES)[number];

/** What an evidence file shows; each gateway files it under its own evidence type or field. */
export const DISPUTE_EVIDENCE_CATEGORIES = [
  'receipt',
  'shipping',
  'customer_communication',
  'refund_policy',
  'other',
] as const;
export type DisputeEvidenceCategory = (typeof DISPUTE_EVIDENCE_CATEGORIES)[number];

export interface DisputeEvidenceFile {
  /** The file's name as the merchant gave it (letters, digits, `-_ ,` and one extension). */
  name: string;
  contentType: DisputeEvidenceContentType;
  category: DisputeEvidenceCategory;
  data: Buffer;
}

/**
 * Optional: evidence files, uploaded to the gateway and attached to the dispute there. Stripe and
 * Square attach them for the next evidence submission; PayPal takes a file as evidence at once.
 * `fileReference` is the gateway's id for the upload; `dispute` the dispute as it now stands.
 */
export interface DisputeFileUploader {
  uploadDisputeEvidenceFile(
    connection: GatewayConnection,
    request: { reference: string; file: DisputeEvidenceFile; idempotencyKey: string },
  ): Promise<Outcome<{ fileReference: string; dispute: GatewayDispute }>>;
}

export function canUploadDisputeFiles(
  gateway: PaymentGateway,
): gateway is PaymentGateway & DisputeFileUploader {
  return typeof (gateway as Partial<DisputeFileUploader>).uploadDisputeEvidenceFile === 'function';
}

export function canAnswerDisputes(gateway: PaymentGateway): gateway is PaymentGateway & DisputeResponder {
  return typeof (gateway as Partial<DisputeResponder>).submitDisputeEvidence === 'function';
}

/**
 * The metadata key under which Payrail sends a browser order's `reference` (the payment
 * session's id) to `authorize` with the order as token, so a plugin can check that the order was
 * made for this payment.
 */
export const BROWSER_ORDER_REFERENCE = 'payrail_session_id';

/** An order at the gateway for the customer's browser to attach a card to; it holds no money. */
export interface BrowserOrderRequest {
  amount: Money;
  /** Payrail's reference on the order (the payment session's id). */
  reference: string;
  idempotencyKey: string;
  description?: string;
}

export interface BrowserOrder {
  /** What the browser's SDK confirms, and `authorize` then takes as its token. */
  reference: string;
  /** The order's own browser credential, where the gateway's SDK needs one (a PaymentIntent's client secret). */
  clientSecret?: string;
}

/**
 * Optional: an order made by the server for the gateway's own browser SDK to confirm (PayPal's
 * `CardFields` attach the card to an order the merchant's side created; Stripe's
 * `confirmPayment` confirms a PaymentIntent). It holds no money until the browser confirms it,
 * and Payrail records it when `authorize` is called with its `reference` as the token.
 */
export interface BrowserOrders {
  createBrowserOrder(
    connection: GatewayConnection,
    request: BrowserOrderRequest,
  ): Promise<Outcome<BrowserOrder>>;
}

export function canCreateBrowserOrders(gateway: PaymentGateway): gateway is PaymentGateway & BrowserOrders {
  return typeof (gateway as Partial<BrowserOrders>).createBrowserOrder === 'function';
}

export function canRegisterWebhooks(gateway: PaymentGateway): gateway is PaymentGateway & WebhookRegistrar {
  return typeof (gateway as Partial<WebhookRegistrar>).registerWebhook === 'function';
}

/**
 * A gateway whose SDK is loaded on its first use (to spare the heap of an instance that never
 * calls it) can load it ahead: the API does at start, before it reports ready, for each gateway
 * that has a connection, so the first payment after a start or a restart does not wait for it.
 */
export interface SdkPreloader {
  /** Loads the SDK now, synchronously; a second call costs nothing. */
  loadSdk(): void;
}

export function canLoadSdkAhead(gateway: PaymentGateway): gateway is PaymentGateway & SdkPreloader {
  return typeof (gateway as Partial<SdkPreloader>).loadSdk === 'function';
}
