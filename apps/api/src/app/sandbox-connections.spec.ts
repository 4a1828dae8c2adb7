import { PAYPAL_SANDBOX_DEFAULTS } from '@payrail/sandbox/paypal';
import { SQUARE_SANDBOX_DEFAULTS } from '@payrail/sandbox/square';
import { STRIPE_SANDBOX_DEFAULTS } from '@payrail/sandbox/stripe';
import { loadConfig } from './config';
import { sandboxConnections } from './sandbox-connections';

describe('default sandbox connections', () => {
  const seeded = sandboxConnections(loadConfig({}));

  it('use the credentials and ports the sandboxes accept out of the box', () => {
    expect(seeded['stripe'].values['secretKey']).toBe(STRIPE_SANDBOX_DEFAULTS.secretKey);
    expect(seeded['paypal'].values).toMatchObject({
      clientId: PAYPAL_SANDBOX_DEFAULTS.clientId,
      clientSecret: PAYPAL_SANDBOX_DEFAULTS.clientSecret,
    });
    expect(seeded['square'].values).toMatchObject({
      accessToken: SQUARE_SANDBOX_DEFAULTS.accessToken,
      locationId: SQUARE_SANDBOX_DEFAULTS.locationId,
    });
    expect(seeded['paypal'].baseUrl).toBe(`http://127.0.0.1:${PAYPAL_SANDBOX_DEFAULTS.port}`);
    expect(seeded['square'].baseUrl).toBe(`http://127.0.0.1:${SQUARE_SANDBOX_DEFAULTS.port}`);
  });

  it('are test values only', () => {
    for (const { values } of Object.values(seeded))
      for (const value of Object.values(values)) expect(value).not.toMatch(/_live_/);
  });
});
