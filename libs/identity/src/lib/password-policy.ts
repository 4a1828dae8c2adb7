/**
 * Passwords: at least 12 characters, at most 128, not a well-known password, not the email,
 * and none of the user's last 4 (checked by the caller against the stored hashes).
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
export const PASSWORD_HISTORY_DEPTH = 4;

/** Well-known passwords long enough to pass the length rule, as they appear in breach lists (lower case). */
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789012345',
  '1234567890qwerty',
  '1q2w3e4r5t6y',
  '1q2w3e4r5t6y7u',
  '1qaz2wsx3edc',
  '1qaz2wsx3edc4rfv',
  'aaaaaaaaaaaa',
  'abc123abc123',
  'abcdefghijkl',
  'abcd1234abcd1234',
  'administrator',
  'administrator1',
  'changeme1234',
  'changemenow!',
  'football1234',
  'iloveyou1234',
  'letmein12345',
  'letmeinplease',
  'passw0rd1234',
  'password1234',
  'password12345',
  'password123456',
  'password1!password1!',
  'passwordpassword',
  'p@ssw0rd1234',
  'p@ssword1234',
  'qwerty123456',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwertyuiopasdfgh',
  'qwerty1234567',
  'q1w2e3r4t5y6',
  'trustno1trustno1',
  'welcome12345',
  'welcome123456',
  'welcometopayrail',
  'payrail12345',
  'payrailadmin1',
  'superman1234',
  'sunshine1234',
  'monkey123456',
  'dragon123456',
  'baseball1234',
  'starwars1234',
  'master123456',
  'zaq12wsxcde3',
  'zxcvbnm12345',
  'asdfghjkl123',
  'correcthorsebatterystaple',
  'iloveyouiloveyou',
  'princess1234',
  'whatever1234',
  'secret123456',
  'summer2024!!',
  'winter2024!!',
  'spring2025!!',
  'autumn2025!!',
  '000000000000',
  '111111111111',
  '121212121212',
  '987654321098',
]);

export interface PasswordProblem {
  code: 'password_too_short' | 'password_too_long' | 'password_too_common' | 'password_contains_email';
  message: string;
}

/** The first rule a new password breaks, or null. Reuse is checked separately against the history. */
export function passwordProblem(password: string, email?: string): PasswordProblem | null {
  if (typeof password !== 'string' || [...password].length < PASSWORD_MIN_LENGTH) {
    return {
      code: 'password_too_short',
      message: `the password must have at least ${PASSWORD_MIN_LENGTH} characters`,
    };
  }
  if ([...password].length > PASSWORD_MAX_LENGTH)
    return {
      code: 'password_too_long',
      message: `the password must have at most ${PASSWORD_MAX_LENGTH} characters`,
    };
  const normalized = password.toLowerCase();
  if (COMMON_PASSWORDS.has(normalized) || /^(.)\1+$/.test(password) || /^(.{1,4})\1{2,}$/.test(normalized)) {
    return {
      code: 'password_too_common',
      message: 'this password is on a list of commonly used passwords; choose another',
    };
  }
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && normalized.includes(local)) {
    return { code: 'password_contains_email', message: 'the password must not contain your email name' };
  }
  return null;
}
