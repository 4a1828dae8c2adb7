/** Wire types of the admin monitoring and routing routes (snake_case). */

export type GatewayHealthStatus = 'healthy' | 'degraded' | 'down';
export type GatewayHealthWindow = '1h' | '24h' | '7d';
export type CircuitStateValue = 'closed' | 'half_open' | 'open';

export interface LatencyPercentilesResource {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** One connection's health over a window: `GET /admin/monitoring/gateways`. */
export interface GatewayHealthResource {
  object: 'gateway_health';
  connection_id: string;
  merchant_id: string;
  gateway: string;
  name: string;
  mode: 'test' | 'live';
  enabled: boolean;
  window: GatewayHealthWindow;
  status: GatewayHealthStatus;
  /** Why the status, in a few words. */
  status_reason: string;
  circuit: { state: CircuitStateValue; open_until: string | null };
  /** Live calls in the window. */
  calls: number;
  /** Share of calls the gateway answered (approvals and declines); null without calls. */
  success_rate: number | null;
  /** Share of calls that failed at the gateway, declines excluded; null without calls. */
  error_rate: number | null;
  declines: number;
  latency_ms: LatencyPercentilesResource;
  last_check: { healthy: boolean; latency_ms: number; checked_at: string } | null;
}

/** One bucket of a connection's calls (5 min over 1 h, 1 h over 24 h, 6 h over 7 d). */
export interface GatewayHealthBucketResource {
  start: string;
  calls: number;
  declines: number;
  success_rate: number | null;
  error_rate: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export interface GatewayHealthCheckResource {
  healthy: boolean;
  latency_ms: number;
  detail: string | null;
  checked_at: string;
}

/** `GET /admin/monitoring/gateways/{connection_id}?window=`: the summary, its series and recent checks. */
export interface GatewayHealthDetailResource extends GatewayHealthResource {
  series: GatewayHealthBucketResource[];
  health_checks: GatewayHealthCheckResource[];
}

/** What a payment must have for a routing rule to apply; an absent field matches everything. */
export interface RoutingConditionsResource {
  currency?: string[];
  amount_gte?: number;
  amount_lte?: number;
  card_brand?: string[];
  bin_country?: string[];
  /** A value to equal, or null for "present". */
  metadata?: Record<string, string | null>;
  mode?: 'test' | 'live';
}

export interface RoutingRuleResource {
  id: string;
  object: 'routing_rule';
  merchant_id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: RoutingConditionsResource;
  /** The connections to try, in order. */
  connection_ids: string[];
  created_at: string;
  updated_at: string;
}

export interface RoutingRuleRequest {
  merchant_id?: string;
  name?: string;
  position?: number;
  enabled?: boolean;
  conditions?: RoutingConditionsResource;
  connection_ids?: string[];
}

export interface RoutingSimulationRequest {
  merchant_id: string;
  amount: number;
  currency: string;
  mode?: 'test' | 'live';
  card_brand?: string;
  bin_country?: string;
  metadata?: Record<string, string>;
  payment_method?: 'card' | 'token';
}

export interface RoutingSimulationResource {
  object: 'routing_simulation';
  /** Null when no rule applies: the merchant's default connection for the mode takes the payment. */
  connection_id: string | null;
  gateway: string | null;
  rule_id: string | null;
  /** The next connections tried when the first definitely did not take the authorization. */
  failover: string[];
  skipped: Array<{ connection_id: string; reason: string }>;
  rules: Array<{ rule_id: string; matched: boolean; reason: string }>;
  reason: string;
}
