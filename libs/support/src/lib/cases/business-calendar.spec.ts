import {
  addBusinessMinutes,
  businessMinutesBetween,
  clockStart,
  isTimeZone,
  zonedInstant,
  type BusinessCalendar,
} from './business-calendar';

const berlin: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  workingDays: [1, 2, 3, 4, 5],
  startMinute: 9 * 60,
  endMinute: 17 * 60,
  holidays: ['2026-12-25'],
};

describe('business calendar', () => {
  it('starts a clock set on Saturday on Monday at the opening, in the calendar’s zone', () => {
    const saturday = new Date('2026-11-28T14:00:00Z');
    expect(clockStart(saturday, berlin).toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(addBusinessMinutes(saturday, 15, berlin).toISOString()).toBe('2026-11-30T08:15:00.000Z');
  });

  it('runs a target across closing time into the next working day, skipping holidays', () => {
    const thursdayLate = new Date('2026-12-24T15:30:00Z'); // 16:30 in Berlin
    // 30 minutes on Thursday, Friday is a holiday, the rest on Monday.
    expect(addBusinessMinutes(thursdayLate, 60, berlin).toISOString()).toBe('2026-12-28T08:30:00.000Z');
    expect(businessMinutesBetween(thursdayLate, new Date('2026-12-28T08:30:00Z'), berlin)).toBe(60);
  });

  it('keeps local hours across a daylight-saving change', () => {
    expect(zonedInstant('2026-03-27', 9 * 60, 'Europe/Berlin').toISOString()).toBe(
      '2026-03-27T08:00:00.000Z',
    );
    expect(zonedInstant('2026-03-30', 9 * 60, 'Europe/Berlin').toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    const fridayClose = new Date('2026-03-27T15:00:00Z'); // 16:00 CET, an hour before closing
    expect(addBusinessMinutes(fridayClose, 120, berlin).toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });

  it('is round the clock without a calendar, and knows real zones only', () => {
    const at = new Date('2026-11-28T14:00:00Z');
    expect(addBusinessMinutes(at, 15, null).toISOString()).toBe('2026-11-28T14:15:00.000Z');
    expect(businessMinutesBetween(at, new Date('2026-11-28T13:00:00Z'), null)).toBe(-60);
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
