import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { toErrorResponse } from '@payrail/payments';
import { redactText } from '@payrail/plugin-sdk';

/** Turns every error into the API's envelope, with the request id; unexpected ones are logged. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Error');

  catch(error: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request & { requestId?: string }>();
    const res = host.switchToHttp().getResponse<Response>();
    const response = toErrorResponse(error);
    if (response.unexpected) this.logger.error(redactText((error as Error)?.stack ?? String(error)));
    if (res.headersSent) return;
    res.status(response.status).json({ error: { ...response.body.error, request_id: req.requestId } });
  }
}
