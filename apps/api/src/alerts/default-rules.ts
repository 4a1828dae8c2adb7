import type { CreateAlertRuleRequest } from '@payrail/api-contract';

/** The rules Payrail ships, seeded on first start (keyed, so two instances starting at once seed them once). */
export function defaultAlertRules(slo: number): Array<CreateAlertRuleRequest & { key: string }> {
  return [
    {
      key: 'success_rate_baseline',
      name: 'SuccessRateBelowBaseline',
      description:
        "A gateway's success rate over the last hour fell 10 points below the same hour of the previous 7 days.",
      severity: 'warning',
      condition: {
        kind: 'success_rate_baseline',
        max_drop: 0.1,
        window_seconds: 3600,
        baseline_days: 7,
        min_calls: 20,
      },
      for_seconds: 600,
    },
    {
      key: 'error_budget_burn',
      name: 'ErrorBudgetBurn',
      description: `Gateway errors burn the ${slo * 100} % SLO's budget 14.4x over 1 h and 5 min, or 6x over 6 h and 30 min.`,
      severity: 'critical',
      condition: {
        kind: 'burn_rate',
        slo,
        windows: [
          { long_seconds: 3600, short_seconds: 300, factor: 14.4 },
          { long_seconds: 21_600, short_seconds: 1800, factor: 6 },
        ],
      },
      for_seconds: 0,
    },
    {
      key: 'gateway_down',
      name: 'GatewayDown',
      description: "A connection's circuit is open or its last three health checks failed.",
      severity: 'critical',
      condition: { kind: 'gateway_down', failed_checks: 3 },
      for_seconds: 60,
    },
    {
      key: 'webhook_deliveries_dead',
      name: 'WebhookDeliveriesDead',
      description: 'Merchant webhook deliveries ran out of tries.',
      severity: 'warning',
      condition: { kind: 'threshold', metric: 'webhook_deliveries_dead', above: 0 },
      for_seconds: 300,
    },
    {
      key: 'outbox_lag',
      name: 'OutboxLag',
      description: 'Payment events wait more than 5 minutes to become webhook deliveries.',
      severity: 'warning',
      condition: { kind: 'threshold', metric: 'outbox_lag_seconds', above: 300 },
      for_seconds: 300,
    },
    {
      key: 'inbox_backlog',
      name: 'InboxBacklog',
      description: 'Verified gateway webhooks wait more than 5 minutes to be applied.',
      severity: 'warning',
      condition: { kind: 'threshold', metric: 'inbox_lag_seconds', above: 300 },
      for_seconds: 300,
    },
    {
      key: 'payments_need_review',
      name: 'PaymentsNeedReview',
      description: 'Recovery could not settle payments left in doubt; they are flagged for review.',
      severity: 'warning',
      condition: { kind: 'threshold', metric: 'payments_needing_review', above: 0 },
      for_seconds: 0,
    },
    {
      key: 'reconciliation_exceptions',
      name: 'ReconciliationExceptions',
      description: 'More than 10 reconciliation exceptions are open.',
      severity: 'warning',
      condition: { kind: 'threshold', metric: 'reconciliation_exceptions_open', above: 10 },
      for_seconds: 900,
    },
    {
      key: 'dead_jobs',
      name: 'DeadJobs',
      description: 'Background jobs ran out of tries.',
      severity: 'warning',
      condition: { kind: 'threshold', metric: 'jobs_dead', above: 0 },
      for_seconds: 300,
    },
  ];
}
