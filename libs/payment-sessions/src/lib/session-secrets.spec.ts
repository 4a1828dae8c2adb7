import { customerMessage } from './customer-messages';
import { clientSecretMatches, newClientSecret, sha256Hex } from './session-secrets';

describe('client secrets', () => {
  it('open only their own session, and only the exact secret', () => {
    const secret = newClientSecret('ps_01ABC');
    expect(secret).toMatch(/^ps_01ABC_secret_[0-9a-f]{40}$/);
    const stored = sha256Hex(secret);
    expect(clientSecretMatches('ps_01ABC', secret, stored)).toBe(true);
    expect(clientSecretMatches('ps_01ABD', secret, stored)).toBe(false);
    expect(clientSecretMatches('ps_01ABC', `${secret}0`, stored)).toBe(false);
    expect(clientSecretMatches('ps_01ABC', newClientSecret('ps_01ABC'), stored)).toBe(false);
  });
});

describe("the customer's message for a failed payment", () => {
  it('says what the customer can do, and hides what the gateway says to hide', () => {
    expect(customerMessage('insufficient_funds')).toMatch(/^Your card has insufficient funds/);
    expect(customerMessage('card_declined', 'stolen_card')).toBe(customerMessage('card_declined'));
    expect(customerMessage('fraud_suspected')).toBe(customerMessage('card_declined'));
    expect(customerMessage('something_new')).toMatch(/did not go through/);
  });
});
