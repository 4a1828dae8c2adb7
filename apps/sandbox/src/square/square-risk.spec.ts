import type { SquareClient } from 'square';
import { sdkClient, usd } from './sdk-spec-helpers';
import { startSquareSandbox, type SquareSandbox } from './index';

let sandbox: SquareSandbox;
let square: SquareClient;
let n = 0;
const key = () => `sbx-risk-${process.pid}-${++n}`;

beforeAll(async () => {
  sandbox = await startSquareSandbox({ port: 0, record: true });
  square = sdkClient(sandbox.url);
});

afterAll(async () => {
  await sandbox.close();
});

describe('Square sandbox: risk evaluation is not claimed', () => {
  it('answers payments without risk_evaluation, whatever the amount, as for a seller not opted in', async () => {
    // Amounts a reader might take for risk test values: none of them chooses a risk level here.
    for (const amount of [100, 4000, 5000, 9900, 12345, 999_999]) {
      const { payment } = await square.payments.create({
        sourceId: 'cnon:card-nonce-ok',
        idempotencyKey: key(),
        amountMoney: usd(amount),
        autocomplete: false,
      });
      expect(payment?.riskEvaluation).toBeUndefined();
      const read = await square.payments.get({ paymentId: String(payment?.id) });
      expect(read.payment?.riskEvaluation).toBeUndefined();
    }
    const bodies = sandbox.exchanges.filter((e) => e.path.startsWith('/v2/payments'));
    expect(bodies.length).toBeGreaterThan(0);
    expect(JSON.stringify(bodies.map((e) => e.responseBody))).not.toContain('risk_evaluation');
  });
});
