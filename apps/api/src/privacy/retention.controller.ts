import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import type { Request } from 'express';
import { CurrentAdmin, RequirePolicy, type AdminPrincipal } from '@payrail/identity';
import { adminContext } from './admin-context';
import { RetentionService, type RetentionReport } from './retention.service';

export class RetentionPurgeDto {
  @IsOptional()
  @IsBoolean({ message: 'dry_run must be true or false' })
  dry_run?: boolean;
}

/** Retention: the period per data class with what a purge would take now, and a purge on demand. */
@ApiTags('admin')
@Controller('admin/privacy/retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Get()
  @RequirePolicy('read', 'Retention')
  @ApiOperation({
    summary: 'Retention classes, their periods, and the rows a purge would remove now (dry run)',
  })
  async settings(): Promise<RetentionReport> {
    return this.retention.dryRun();
  }

  @Post('purge')
  @HttpCode(200)
  @RequirePolicy('update', 'Retention')
  @ApiOperation({ summary: 'Run the retention purge now (the daily job does the same); dry_run only counts' })
  async purge(
    @CurrentAdmin() admin: AdminPrincipal,
    @Body() body: RetentionPurgeDto,
    @Req() req: Request,
  ): Promise<RetentionReport> {
    if (body.dry_run) return this.retention.dryRun();
    return this.retention.purge(new Date(), adminContext(admin, req));
  }
}
