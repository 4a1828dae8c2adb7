import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { PluginResource } from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { SessionStore } from '../../core/session.store';
import { GatewaysPage } from './gateways.page';

const plugin = (overrides: Partial<PluginResource>): PluginResource => ({
  object: 'plugin',
  code: 'stripe',
  display_name: 'Stripe',
  version: '1.0.0',
  sdk: { package: 'stripe', version: '23.1.0' },
  api_version: { value: '2026-10-28.endive', header: 'Stripe-Version' },
  fields: [],
  capabilities: {
    partial_capture: true,
    multiple_captures: false,
    partial_refund: true,
    void: true,
    three_d_secure: true,
    tokenization: true,
    webhooks: true,
    settlement_reports: true,
    currencies: '*',
  },
  ...overrides,
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the gateways page', () => {
  beforeEach(() => {
    const plugins = [
      plugin({}),
      plugin({
        code: 'paypal',
        display_name: 'PayPal',
        sdk: { package: '@paypal/paypal-server-sdk', version: '2.5.0' },
        api_version: { value: 'v2', header: null },
      }),
      plugin({ code: 'memory', display_name: 'Memory', sdk: null, api_version: null }),
    ];
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        {
          provide: AdminApi,
          useValue: {
            plugins: async () => ({ object: 'list', data: plugins, has_more: false }),
            connections: async () => ({ object: 'list', data: [], has_more: false }),
            merchants: async () => ({ object: 'list', data: [], has_more: false }),
          },
        },
        { provide: SessionStore, useValue: { can: () => true, me: () => null } },
      ],
    });
  });

  it("shows each plugin's version, its SDK's and the gateway API version it speaks", async () => {
    const fixture = TestBed.createComponent(GatewaysPage);
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    const card = (name: string) =>
      (fixture.nativeElement as HTMLElement).querySelector(`section[aria-label="${name}"]`);
    expect(card('Stripe')?.textContent).toContain('v1.0.0');
    const versions = (name: string) =>
      card(name)?.querySelector('[data-testid="plugin-versions"]')?.textContent?.replace(/\s+/g, ' ').trim();
    expect(versions('Stripe')).toBe('SDK stripe 23.1.0 · API Stripe-Version: 2026-10-28.endive');
    expect(versions('PayPal')).toBe('SDK @paypal/paypal-server-sdk 2.5.0 · API v2');
    expect(versions('Memory')).toBeUndefined();
  });
});
