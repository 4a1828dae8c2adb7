import { GatewayError, type Outcome } from '@payrail/plugin-sdk';
import { judgeResend, judgeSync } from './recovery-verdict';

const refused = (error: GatewayError): Outcome<string> => ({ ok: false, error });

describe('judging a request recovery sent again', () => {
  it('settles with what the gateway answered under the same key', () => {
    expect(judgeResend({ ok: true, value: 'pi_1' }, false)).toEqual({
      kind: 'settle',
      outcome: { ok: true, value: 'pi_1' },
    });
  });

  it('never fails a payment on a refusal of the reused key: the first call reached the gateway', () => {
    const error = new GatewayError('invalid_request', { keyReused: true, detail: 'same parameters' });
    expect(judgeResend(refused(error), false).kind).toBe('review');
    // Even where sync had shown nothing, the refusal proves the first call arrived.
    expect(judgeResend(refused(error), true).kind).toBe('review');
  });

  it('tries again later while nothing is known', () => {
    expect(judgeResend(refused(new GatewayError('gateway_timeout')), false).kind).toBe('retry');
  });

  it('takes a definite refusal as the verdict only with evidence that the gateway holds nothing', () => {
    const invalid = new GatewayError('invalid_request', { detail: 'token expired' });
    expect(judgeResend(refused(invalid), false).kind).toBe('review');
    expect(judgeResend(refused(invalid), true).kind).toBe('settle');
    const absent = new GatewayError('invalid_request', { absent: true });
    expect(judgeResend(refused(absent), false).kind).toBe('settle');
  });

  it("asks for the gateway's object when a refusal names one", () => {
    const declined = new GatewayError('card_declined', { reference: 'pi_9' });
    expect(judgeResend(refused(declined), false)).toMatchObject({ kind: 'sync', reference: 'pi_9' });
  });
});

describe("judging the gateway's view", () => {
  it('settles on a view, retries an outage, and asks a person when the gateway cannot show the payment', () => {
    expect(judgeSync({ ok: true, value: 'view' }).kind).toBe('settle');
    expect(judgeSync(refused(new GatewayError('gateway_unavailable', { indeterminate: true }))).kind).toBe(
      'retry',
    );
    expect(judgeSync(refused(new GatewayError('invalid_request', { detail: 'no such intent' }))).kind).toBe(
      'review',
    );
  });
});
