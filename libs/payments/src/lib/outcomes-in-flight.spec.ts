import { OutcomesInFlight } from './outcomes-in-flight';

describe('OutcomesInFlight', () => {
  it('holds a webhook for a reference until its outcome is committed, and forgets it after', async () => {
    const inFlight = new OutcomesInFlight();
    let commit!: () => void;
    const outcome = inFlight.track('conn_1', 'pi_1', new Promise<string>((r) => (commit = () => r('done'))));
    const order: string[] = [];
    const waited = inFlight.settled('conn_1', 'pi_1').then(() => order.push('webhook'));
    await new Promise((r) => setTimeout(r, 20));
    order.push('commit');
    commit();
    expect(await outcome).toBe('done');
    await waited;
    expect(order).toEqual(['commit', 'webhook']);
    await Promise.resolve();
    expect(inFlight.size).toBe(0);
  });

  it('does not hold a webhook for another reference or connection, nor past its bound, nor on a failed commit', async () => {
    const inFlight = new OutcomesInFlight();
    const never = inFlight.track('conn_1', 'pi_1', new Promise<void>(() => undefined));
    void never;
    const started = Date.now();
    await inFlight.settled('conn_1', 'pi_2');
    await inFlight.settled('conn_2', 'pi_1');
    await inFlight.settled('conn_1', undefined);
    expect(Date.now() - started).toBeLessThan(50);
    await inFlight.settled('conn_1', 'pi_1', 30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const failed = inFlight.track('conn_3', 'pi_3', Promise.reject(new Error('rolled back')));
    await expect(failed).rejects.toThrow('rolled back');
    await inFlight.settled('conn_3', 'pi_3');
    await expect(inFlight.track('conn_4', null, Promise.resolve(1))).resolves.toBe(1);
  });
});
