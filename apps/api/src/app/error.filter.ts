import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PaymentFailedError, toErrorResponse } from '@payrail/payments';
import { GatewayError, redactText } from '@payrail/plugin-sdk';
import { KbLinks } from '@payrail/support';

/** Turns every error into the API's envelope, with the request id; unexpected ones are logged. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Error');

  constructor(private readonly links: KbLinks) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request & { requestId?: string }>();
    const res = host.switchToHttp().getResponse<Response>();
    const response = toErrorResponse(error);
    if (response.unexpected)
      this.logger.error(
        `request ${req.requestId ?? '(none)'}: ${redactText((error as Error)?.stack ?? String(error))}`,
      );
    if (res.headersSent) return;
    const body = response.body.error;
    // Gateway failures point at their article (from memory: no query on the error path).
    const gateway = error instanceof PaymentFailedError ? error.payment.gateway : null;
    const docUrl =
      error instanceof PaymentFailedError || error instanceof GatewayError
        ? this.links.docUrl(body.code, gateway, body.gateway_code)
        : undefined;
    res
      .status(response.status)
      .json({ error: { ...body, ...(docUrl ? { doc_url: docUrl } : {}), request_id: req.requestId } });
  }
}
