import { allocateRefund } from './refund-allocation';

const tenCaptures = Array.from({ length: 10 }, (_, i) => ({ reference: `cap_${i}`, amount: 100 }));

describe('allocating a refund to captures', () => {
  it('takes the newest capture with room, so racing refunds each get their own capture', () => {
    const first = allocateRefund(tenCaptures, [], 100);
    expect(first).toEqual([{ captureReference: 'cap_9', amount: 100 }]);
    const second = allocateRefund(tenCaptures, [{ amount: 100, parts: first }], 100);
    expect(second).toEqual([{ captureReference: 'cap_8', amount: 100 }]);
  });

  it('splits a refund across captures when one has too little left', () => {
    const held = [{ amount: 50, parts: [{ captureReference: 'cap_9', amount: 50 }] }];
    expect(allocateRefund(tenCaptures, held, 120)).toEqual([
      { captureReference: 'cap_9', amount: 50 },
      { captureReference: 'cap_8', amount: 70 },
    ]);
  });

  it('counts refunds kept without an allocation from the newest capture back', () => {
    expect(allocateRefund(tenCaptures, [{ amount: 250, parts: null }], 100)).toEqual([
      { captureReference: 'cap_7', amount: 50 },
      { captureReference: 'cap_6', amount: 50 },
    ]);
  });

  it('refuses more than the captures have left, and exactly ten refunds of 100 fit ten captures of 100', () => {
    const held: { amount: number; parts: ReturnType<typeof allocateRefund> }[] = [];
    for (let i = 0; i < 40; i++) {
      const parts = allocateRefund(tenCaptures, held, 100);
      if (parts) held.push({ amount: 100, parts });
    }
    expect(held).toHaveLength(10);
    expect(allocateRefund(tenCaptures, held, 1)).toBeNull();
    expect(allocateRefund(tenCaptures, [], 1001)).toBeNull();
  });
});
