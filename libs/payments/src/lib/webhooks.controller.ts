import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@payrail/identity';
import type { Request } from 'express';
import { WebhookIntakeService } from './webhook-intake.service';

/** Where gateways deliver webhooks: `/webhooks/{connection_id}`, verified by the connection's plugin. */
@ApiExcludeController()
@Public()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Post(':connectionId')
  @HttpCode(200)
  async receive(@Param('connectionId') connectionId: string, @Req() req: Request & { rawBody?: Buffer }) {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers))
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    const url = `${req.protocol}://${req.get('host')}${req.originalUrl}`;
    const origin = {
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
      requestId: (req as Request & { requestId?: string }).requestId ?? null,
    };
    const result = await this.intake.receive(
      connectionId,
      req.rawBody ?? Buffer.from(''),
      headers,
      url,
      origin,
    );
    return { accepted: true, events: result.received, duplicates: result.duplicates };
  }
}
