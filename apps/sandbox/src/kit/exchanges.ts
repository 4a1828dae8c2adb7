/**
 * The requests and responses a sandbox answered, kept only when a spec asks (`record: true`) so
 * they can be checked against the gateway's OpenAPI document. Off, it costs nothing per request:
 * the entry is only built when it will be kept.
 */
export class ExchangeRecorder<E> {
  readonly list: E[] = [];

  constructor(readonly enabled: boolean) {}

  record(entry: () => E): void {
    if (this.enabled) this.list.push(entry());
  }

  clear(): void {
    this.list.length = 0;
  }
}
