import type { Routes } from '@angular/router';
import { navigationGuard, signedInGuard } from './core/guards';
import { NAVIGATION } from './core/navigation';

const policy = (path: string) => {
  const item = NAVIGATION.find((n) => n.path === `/${path}`);
  if (!item) throw new Error(`no navigation entry for ${path}`);
  return navigationGuard(item);
};

export const routes: Routes = [
  {
    path: 'login',
    loadComponent: () => import('./pages/login/login.page').then((m) => m.LoginPage),
    title: 'Sign in · Payrail',
  },
  {
    path: 'login/mfa',
    loadComponent: () => import('./pages/login/mfa-verify.page').then((m) => m.MfaVerifyPage),
    title: 'Two-step verification · Payrail',
  },
  {
    path: 'login/mfa/enrol',
    loadComponent: () => import('./pages/login/mfa-enrol.page').then((m) => m.MfaEnrolPage),
    title: 'Set up two-step verification · Payrail',
  },
  {
    path: '',
    canActivate: [signedInGuard],
    loadComponent: () => import('./shell/shell.component').then((m) => m.ShellComponent),
    children: [
      {
        path: '',
        pathMatch: 'full',
        loadComponent: () => import('./pages/home.page').then((m) => m.HomePage),
      },
      {
        path: 'dashboard',
        canActivate: [policy('dashboard')],
        loadComponent: () => import('./pages/dashboard/dashboard.page').then((m) => m.DashboardPage),
        title: 'Dashboard · Payrail',
      },
      {
        path: 'payments',
        canActivate: [policy('payments')],
        loadComponent: () => import('./pages/payments/payments.page').then((m) => m.PaymentsPage),
        title: 'Payments · Payrail',
      },
      {
        path: 'payments/:id',
        canActivate: [policy('payments')],
        loadComponent: () => import('./pages/payments/payment-detail.page').then((m) => m.PaymentDetailPage),
        title: 'Payment · Payrail',
      },
      {
        path: 'customers',
        canActivate: [policy('customers')],
        loadComponent: () => import('./pages/customers/customers.page').then((m) => m.CustomersPage),
        title: 'Customers · Payrail',
      },
      {
        path: 'customers/:id',
        canActivate: [policy('customers')],
        loadComponent: () =>
          import('./pages/customers/customer-detail.page').then((m) => m.CustomerDetailPage),
        title: 'Customer · Payrail',
      },
      {
        path: 'disputes',
        canActivate: [policy('disputes')],
        loadComponent: () => import('./pages/disputes/disputes.page').then((m) => m.DisputesPage),
        title: 'Disputes · Payrail',
      },
      {
        path: 'disputes/:id',
        canActivate: [policy('disputes')],
        loadComponent: () => import('./pages/disputes/dispute-detail.page').then((m) => m.DisputeDetailPage),
        title: 'Dispute · Payrail',
      },
      {
        path: 'reports',
        canActivate: [policy('reports')],
        loadComponent: () => import('./pages/reports/reports.page').then((m) => m.ReportsPage),
        title: 'Reports · Payrail',
      },
      {
        path: 'reconciliation',
        canActivate: [policy('reconciliation')],
        loadComponent: () =>
          import('./pages/reconciliation/reconciliation.page').then((m) => m.ReconciliationPage),
        title: 'Reconciliation · Payrail',
      },
      {
        path: 'terminal',
        canActivate: [policy('terminal')],
        loadComponent: () => import('./pages/terminal/terminal.page').then((m) => m.TerminalPage),
        title: 'Virtual terminal · Payrail',
      },
      {
        path: 'gateways',
        canActivate: [policy('gateways')],
        loadComponent: () => import('./pages/gateways/gateways.page').then((m) => m.GatewaysPage),
        title: 'Gateways · Payrail',
      },
      {
        path: 'users',
        canActivate: [policy('users')],
        loadComponent: () => import('./pages/users/users.page').then((m) => m.UsersPage),
        title: 'Users and roles · Payrail',
      },
      {
        path: 'api-keys',
        canActivate: [policy('api-keys')],
        loadComponent: () => import('./pages/api-keys/api-keys.page').then((m) => m.ApiKeysPage),
        title: 'API keys · Payrail',
      },
      {
        path: 'audit',
        canActivate: [policy('audit')],
        loadComponent: () => import('./pages/audit/audit.page').then((m) => m.AuditPage),
        title: 'Audit log · Payrail',
      },
      {
        path: 'kb',
        canActivate: [policy('kb')],
        loadComponent: () => import('./pages/kb/kb.page').then((m) => m.KnowledgeBasePage),
        title: 'Knowledge base · Payrail',
      },
      {
        path: 'kb/:slug',
        canActivate: [policy('kb')],
        loadComponent: () => import('./pages/kb/article.page').then((m) => m.ArticlePage),
        title: 'Article · Payrail',
      },
      {
        path: 'issues',
        canActivate: [policy('issues')],
        loadComponent: () => import('./pages/issues/issues.page').then((m) => m.IssuesPage),
        title: 'Issue log · Payrail',
      },
      {
        path: 'issues/:id',
        canActivate: [policy('issues')],
        loadComponent: () => import('./pages/issues/issue-detail.page').then((m) => m.IssueDetailPage),
        title: 'Issue · Payrail',
      },
      {
        path: 'cases',
        canActivate: [policy('cases')],
        loadComponent: () => import('./pages/cases/cases.page').then((m) => m.CasesPage),
        title: 'Cases · Payrail',
      },
      {
        path: 'cases/:id',
        canActivate: [policy('cases')],
        loadComponent: () => import('./pages/cases/case-detail.page').then((m) => m.CaseDetailPage),
        title: 'Case · Payrail',
      },
      {
        path: 'webhooks',
        canActivate: [policy('webhooks')],
        loadComponent: () => import('./pages/webhooks/webhooks.page').then((m) => m.WebhooksPage),
        title: 'Webhooks · Payrail',
      },
      {
        path: 'monitoring',
        canActivate: [policy('monitoring')],
        loadComponent: () => import('./pages/monitoring/monitoring.page').then((m) => m.MonitoringPage),
        title: 'Monitoring · Payrail',
      },
      {
        path: 'privacy',
        canActivate: [policy('privacy')],
        loadComponent: () => import('./pages/privacy/privacy.page').then((m) => m.PrivacyPage),
        title: 'Privacy · Payrail',
      },
    ],
  },
  {
    path: '**',
    loadComponent: () => import('./pages/not-found.page').then((m) => m.NotFoundPage),
    title: 'Not found · Payrail',
  },
];
