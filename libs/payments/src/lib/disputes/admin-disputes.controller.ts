import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type {
  AdminDisputeDetailResource,
  AdminDisputeResource,
  DisputeEvidenceFileResource,
} from '@payrail/api-contract';
import type { AuditActorContext } from '@payrail/audit';
import { assertMerchantAccess, CurrentAdmin, RequirePolicy, type AdminPrincipal } from '@payrail/identity';
import { presentDispute, presentEvidenceFile } from '../payment.presenter';
import type { Dispute } from './dispute.entity';
import { DisputeEvidenceDto, EVIDENCE_UPLOAD_BODY } from './disputes.controller';
import { DisputesService } from './disputes.service';
import { readEvidenceUpload } from './evidence-upload';

function adminContext(admin: AdminPrincipal, req: Request & { requestId?: string }): AuditActorContext {
  return {
    actor: { type: 'user', id: admin.userId },
    origin: {
      ip: req.ip ?? null,
      userAgent: req.header('user-agent') ?? null,
      requestId: req.requestId ?? null,
    },
  };
}

function present(d: Dispute): AdminDisputeResource {
  return { ...presentDispute(d), merchant_id: d.merchantId, mode: d.mode };
}

/**
 * One dispute in the console, and finance answering it: evidence files and text, sent to the
 * gateway as the merchant API sends them, each upload audited under the user who made it.
 */
@ApiTags('admin')
@Controller('admin/disputes')
export class AdminDisputesController {
  constructor(private readonly disputes: DisputesService) {}

  /** The dispute, when the admin may see its merchant and do `action` there; else 404 or 403. */
  private async reach(admin: AdminPrincipal, id: string, action: 'read' | 'update'): Promise<Dispute> {
    const dispute = await this.disputes.getScoped(admin.merchantIds, id);
    assertMerchantAccess(admin, action, 'Dispute', dispute.merchantId, { what: 'dispute', id });
    return dispute;
  }

  @Get(':id')
  @RequirePolicy('read', 'Dispute')
  @ApiOperation({ summary: 'A dispute with the evidence files sent for it' })
  async detail(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
  ): Promise<AdminDisputeDetailResource> {
    const dispute = await this.reach(admin, id, 'read');
    const [files, acceptsFiles] = await Promise.all([
      this.disputes.listEvidenceFiles(dispute.merchantId, dispute.id),
      this.disputes.acceptsFiles(dispute),
    ]);
    return { dispute: present(dispute), files: files.map(presentEvidenceFile), accepts_files: acceptsFiles };
  }

  @Post(':id/files')
  @RequirePolicy('update', 'Dispute')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody(EVIDENCE_UPLOAD_BODY)
  @ApiOperation({ summary: "Upload an evidence file to the dispute's gateway (finance)" })
  async upload(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request & { requestId?: string },
    @Param('id') id: string,
  ): Promise<{ file: DisputeEvidenceFileResource; dispute: AdminDisputeResource }> {
    const dispute = await this.reach(admin, id, 'update');
    await this.disputes.answerable(dispute.merchantId, dispute.id);
    const upload = await readEvidenceUpload(req);
    const done = await this.disputes.uploadEvidenceFile(
      dispute.merchantId,
      dispute.id,
      upload,
      adminContext(admin, req),
    );
    return { file: presentEvidenceFile(done.file), dispute: present(done.dispute) };
  }

  @Post(':id/evidence')
  @RequirePolicy('update', 'Dispute')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit evidence text, with the files sent before it (finance)' })
  async evidence(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request & { requestId?: string },
    @Param('id') id: string,
    @Body() body: DisputeEvidenceDto,
  ): Promise<AdminDisputeResource> {
    const dispute = await this.reach(admin, id, 'update');
    return present(
      await this.disputes.submitEvidence(dispute.merchantId, dispute.id, body.text, adminContext(admin, req)),
    );
  }
}
