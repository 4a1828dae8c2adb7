import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { Request, Response } from 'express';
import { from, Observable, of, mergeMap, catchError } from 'rxjs';
import { ApiError } from '@payrail/api-contract';
import { toErrorResponse } from './error-response';
import { IdempotencyService, requestFingerprint } from './idempotency.service';

export interface MerchantRequest extends Request {
  merchantId?: string;
  requestId?: string;
  apiKey?: { mode: string };
}

/** Applies `Idempotency-Key` to every POST of an authenticated merchant. */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<MerchantRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = req.header('idempotency-key');
    if (req.method !== 'POST' || key === undefined || !req.merchantId) return next.handle();
    const successStatus =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? 201;
    // The key's mode is part of the request: a live key never replays what a test key was answered.
    const path = `${req.apiKey?.mode === 'live' ? 'live:' : ''}${req.originalUrl.split('?')[0]}`;
    const fingerprint = requestFingerprint(req.method, path, req.body ?? {});

    return from(this.idempotency.begin(req.merchantId, key, fingerprint)).pipe(
      mergeMap((begun) => {
        if (begun.kind === 'replay') {
          res.setHeader('Idempotent-Replayed', 'true');
          if (begun.status >= 400) {
            const body = begun.body as { error: ApiError['body'] };
            throw new ApiError(begun.status, body.error);
          }
          res.status(begun.status);
          return of(begun.body);
        }
        const record = begun.record;
        const handled = new Observable<unknown>((subscriber) =>
          this.idempotency.runInScope(record.id, () => next.handle().subscribe(subscriber)),
        );
        return handled.pipe(
          mergeMap(async (body) => {
            await this.idempotency.complete(record, successStatus, body);
            return body;
          }),
          catchError(async (error: unknown) => {
            const response = toErrorResponse(error);
            const acted = await this.idempotency.hasResource(record);
            // A request refused before it did anything is not remembered: the key may be used again.
            // A validation refusal never did anything, even on a payment the key already points at;
            // a gateway's own refusal names the payment it was made for.
            const refusedAsInvalid =
              response.status === 400 &&
              response.body.error.type === 'invalid_request_error' &&
              !response.body.error.payment_id;
            if (
              refusedAsInvalid ||
              (!acted &&
                (response.status === 400 ||
                  response.status === 404 ||
                  response.status === 409 ||
                  response.unexpected))
            )
              await this.idempotency.abandon(record);
            else await this.idempotency.complete(record, response.status, response.body);
            throw error;
          }),
        );
      }),
    );
  }
}
