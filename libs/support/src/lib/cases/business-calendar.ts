/**
 * Business-hours arithmetic for SLA clocks, pure: a calendar is a time zone, the working days
 * (ISO weekdays, 1 = Monday), the working hours of each (minutes after local midnight) and
 * holidays (local dates). A null calendar is round the clock.
 */
export interface BusinessCalendar {
  timeZone: string;
  workingDays: number[];
  startMinute: number;
  endMinute: number;
  holidays: string[];
}

const MINUTE = 60_000;
/** How many days a walk may take: a target beyond two years of business time is a bad policy, not a loop. */
const MAX_DAYS = 750;

interface LocalDay {
  date: string;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Whether the name is a time zone this runtime knows (IANA, e.g. Europe/Berlin). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

function localParts(at: Date, timeZone: string) {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    weekday: WEEKDAYS[parts['weekday']],
    minutes: Number(parts['hour']) * 60 + Number(parts['minute']),
    offsetMs:
      Date.UTC(
        Number(parts['year']),
        Number(parts['month']) - 1,
        Number(parts['day']),
        Number(parts['hour']),
        Number(parts['minute']),
        Number(parts['second']),
      ) -
      Math.floor(at.getTime() / 1000) * 1000,
  };
}

/** The instant a local date and time of day stand for in the zone (the later one across a DST fold). */
export function zonedInstant(date: string, minuteOfDay: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const naive = Date.UTC(y, m - 1, d, 0, minuteOfDay);
  let guess = naive - localParts(new Date(naive), timeZone).offsetMs;
  guess = naive - localParts(new Date(guess), timeZone).offsetMs;
  return new Date(guess);
}

function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

function weekdayOf(date: string): number {
  const day = new Date(`${date}T12:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

function* localDays(from: Date, timeZone: string): Generator<LocalDay> {
  let date = localParts(from, timeZone).date;
  for (let i = 0; i < MAX_DAYS; i++) {
    yield { date, weekday: weekdayOf(date) };
    date = nextDate(date);
  }
}

function workingWindow(c: BusinessCalendar, day: LocalDay): { start: Date; end: Date } | null {
  if (!c.workingDays.includes(day.weekday) || c.holidays.includes(day.date)) return null;
  return {
    start: zonedInstant(day.date, c.startMinute, c.timeZone),
    end: zonedInstant(day.date, c.endMinute, c.timeZone),
  };
}

/** When the clock starts running for something that begins at `at`: at once in hours, else at the next opening. */
export function clockStart(at: Date, c: BusinessCalendar | null): Date {
  if (!c) return at;
  for (const day of localDays(at, c.timeZone)) {
    const w = workingWindow(c, day);
    if (!w || at >= w.end) continue;
    return at > w.start ? at : w.start;
  }
  throw new RangeError('the calendar has no working time in the next two years');
}

/** The instant `minutes` of business time after `at`. */
export function addBusinessMinutes(at: Date, minutes: number, c: BusinessCalendar | null): Date {
  if (!c) return new Date(at.getTime() + minutes * MINUTE);
  let remaining = minutes * MINUTE;
  for (const day of localDays(at, c.timeZone)) {
    const w = workingWindow(c, day);
    if (!w || at >= w.end) continue;
    const from = at > w.start ? at : w.start;
    const available = w.end.getTime() - from.getTime();
    if (remaining <= available) return new Date(from.getTime() + remaining);
    remaining -= available;
  }
  throw new RangeError('the target does not fit in two years of the calendar’s working time');
}

/** Business minutes from `a` to `b` (negative when `b` is before `a`). */
export function businessMinutesBetween(a: Date, b: Date, c: BusinessCalendar | null): number {
  if (b < a) return -businessMinutesBetween(b, a, c);
  if (!c) return (b.getTime() - a.getTime()) / MINUTE;
  let total = 0;
  for (const day of localDays(a, c.timeZone)) {
    const w = workingWindow(c, day);
    if (w) {
      const from = Math.max(a.getTime(), w.start.getTime());
      const to = Math.min(b.getTime(), w.end.getTime());
      if (to > from) total += to - from;
    }
    if (zonedInstant(nextDate(day.date), 0, c.timeZone) > b) break;
  }
  return total / MINUTE;
}
