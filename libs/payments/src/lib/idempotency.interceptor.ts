import {
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { Request, Response } from 'express';
import { defer, from, of, mergeMap, catchError, type Observable } from 'rxjs';
import { ApiError } from '@payrail/api-contract';
import { toErrorResponse } from './error-response';
import type { IdempotencyRecord } from './entities/idempotency-record.entity';
import {
  IdempotencyService,
  requestFingerprint,
  type IdempotencyBegin,
  type RequestKey,
  type RouteAnswer,
} from './idempotency.service';

const CLAIM_WITH_FIRST_ATTEMPT = 'payrail:idempotency-claim-with-first-attempt';

/**
 * For a route whose every effect starts with a gateway attempt (`AttemptRunner.begin`): its
 * `Idempotency-Key` is stored in that attempt's transaction instead of a commit of its own.
 * A duplicate that stored the key first makes that transaction fail, and the key then decides
 * (replay, wait, mismatch) as it would have before the handler ran; the handler only reads until then.
 */
export const ClaimKeyWithFirstAttempt = () => SetMetadata(CLAIM_WITH_FIRST_ATTEMPT, true);

const ANSWER_WITH = 'payrail:idempotency-answer-with';

/**
 * For a route that answers with `present(resource)` of the resource its last gateway outcome
 * leaves: the key's stored response is written in that outcome's transaction (the outcome says
 * it is the answer), so completing the key costs no commit of its own after it.
 */
export const AnswerWith = <R>(present: (resource: R) => unknown) => SetMetadata(ANSWER_WITH, present);

export interface MerchantRequest extends Request {
  merchantId?: string;
  requestId?: string;
  apiKey?: { mode: string };
  /** The request's `Idempotency-Key` while its handler runs. */
  requestKey?: RequestKey;
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

    const merchantId = req.merchantId;
    const present = Reflect.getMetadata(ANSWER_WITH, context.getHandler()) as
      RouteAnswer['present'] | undefined;
    const answer = present ? { status: successStatus, present } : undefined;
    const replay = (begun: Extract<IdempotencyBegin, { kind: 'replay' }>) => {
      res.setHeader('Idempotent-Replayed', 'true');
      if (begun.status >= 400) {
        const body = begun.body as { error: ApiError['body'] };
        throw new ApiError(begun.status, body.error);
      }
      res.status(begun.status);
      return begun.body;
    };
    const handle = (record: IdempotencyRecord, deferred: boolean) =>
      defer(() => {
        // The handler hands the key on in the request's context (`RequestContext.requestKey`).
        req.requestKey = this.idempotency.open(record, { deferred, answer });
        return next.handle();
      }).pipe(
        mergeMap(async (body) => {
          await this.idempotency.complete(record, successStatus, body);
          return body;
        }),
        catchError(async (error: unknown) => {
          if (!deferred || this.idempotency.claimStored(record)) return this.settle(record, error);
          // Nothing was stored under the key by this request (it was refused before its first
          // write, or a duplicate's claim won): the stored key decides, as if asked first.
          const begun = await this.idempotency
            .begin(merchantId, key, fingerprint)
            .catch((refusal: unknown) => {
              this.idempotency.forget(record);
              throw refusal;
            });
          if (begun.kind === 'replay') {
            this.idempotency.forget(record);
            return replay(begun);
          }
          this.idempotency.replace(record, begun.record);
          return this.settle(begun.record, error);
        }),
      );

    if (Reflect.getMetadata(CLAIM_WITH_FIRST_ATTEMPT, context.getHandler()))
      return handle(this.idempotency.reserve(merchantId, key, fingerprint), true);
    return from(this.idempotency.begin(merchantId, key, fingerprint)).pipe(
      mergeMap((begun) => (begun.kind === 'replay' ? of(replay(begun)) : handle(begun.record, false))),
    );
  }

  /** A request that failed: remembered with its error, or forgotten when it did nothing. */
  private async settle(record: IdempotencyRecord, error: unknown): Promise<never> {
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
  }
}
