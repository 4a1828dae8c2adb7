import { Injectable } from '@nestjs/common';

/** The time SLA clocks are judged at; injected so specs can move it. */
@Injectable()
export class SupportClock {
  now(): Date {
    return new Date();
  }
}
