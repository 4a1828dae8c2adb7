import { Injectable } from '@nestjs/common';

/**
 * The time identity decisions are made at (lockout, idle and absolute session expiry, TOTP
 * steps). Injected so specs can move it; production uses the system clock.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
