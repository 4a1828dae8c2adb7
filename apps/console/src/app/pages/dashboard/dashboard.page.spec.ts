import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { DashboardResource } from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { DashboardPage } from './dashboard.page';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** What the API answers per mode: the two are never summed. */
const figures = (mode: 'test' | 'live'): DashboardResource => ({
  mode,
  since: '2026-01-01T00:00:00.000Z',
  gateways: [
    {
      gateway: 'stripe',
      volume: [{ currency: 'usd', amount: mode === 'test' ? 1000 : 250000 }],
      attempts: mode === 'test' ? 2 : 7,
      succeeded: mode === 'test' ? 1 : 7,
      failed: mode === 'test' ? 1 : 0,
      success_rate: mode === 'test' ? 0.5 : 1,
    },
  ],
  recent_failures: [],
});

describe("the dashboard shows one mode's figures at a time", () => {
  const asked: string[] = [];

  beforeEach(() => {
    asked.length = 0;
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        {
          provide: AdminApi,
          useValue: {
            dashboard: async (mode: 'test' | 'live') => {
              asked.push(mode);
              return figures(mode);
            },
          },
        },
      ],
    });
  });

  it('opens on test data, marked so, and switches to live without the mark', async () => {
    const fixture = TestBed.createComponent(DashboardPage);
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    const page = fixture.nativeElement as HTMLElement;
    const tile = () => page.querySelector('[data-testid="gateway-tile"]')?.textContent ?? '';
    expect(asked).toEqual(['test']);
    expect(tile()).toContain('1 of 2 payments');
    expect(page.querySelector('h1 [data-testid="test-data"]')).not.toBeNull();

    const live = [...page.querySelectorAll('.modes button')].find((b) => b.textContent?.trim() === 'Live');
    (live as HTMLButtonElement).click();
    await settle();
    fixture.detectChanges();
    expect(asked).toEqual(['test', 'live']);
    expect(tile()).toContain('7 of 7 payments');
    expect(page.querySelector('h1 [data-testid="test-data"]')).toBeNull();
    expect(live?.getAttribute('aria-pressed')).toBe('true');
  });
});
