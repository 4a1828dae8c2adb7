import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type {
  AdminList,
  SlaPolicyResource,
  SupportCalendarResource,
  SupportCaseEventResource,
  SupportCaseResource,
} from '@payrail/api-contract';
import { CurrentAdmin, merchantFilter, RequirePolicy, type AdminPrincipal } from '@payrail/identity';
import { adminContext } from '../admin-context';
import { presentCalendar, presentCase, presentCaseEvent, presentPolicy } from './case.presenter';
import {
  CalendarDto,
  CalendarPatchDto,
  CaseCommentDto,
  CaseEscalateDto,
  CaseListQuery,
  CasePatchDto,
  minuteOfDay,
  OpenCaseDto,
  SlaPolicyDto,
  SlaPolicyPatchDto,
} from './cases.dto';
import { CasesService, type CaseActor } from './cases.service';
import { SupportClock } from './support-clock';
import { SupportPoliciesService } from './support-policies.service';

const actorOf = (admin: AdminPrincipal, req: Request): CaseActor => ({
  userId: admin.userId,
  merchantIds: admin.merchantIds,
  context: adminContext(admin, req),
});

/** Support cases: the queue by SLA urgency, a case with its timeline, comments and escalation. */
@ApiTags('admin')
@Controller('admin/cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly clock: SupportClock,
  ) {}

  @Get()
  @RequirePolicy('read', 'SupportCase')
  @ApiOperation({ summary: 'The case queue: open cases first, the least SLA time left at the top' })
  async list(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: CaseListQuery,
  ): Promise<AdminList<SupportCaseResource>> {
    const limit = query.limit ?? 50;
    const rows = await this.cases.queue(merchantFilter(admin, query.merchant_id), {
      status: query.status,
      limit: limit + 1,
    });
    const now = this.clock.now();
    return {
      object: 'list',
      data: rows.slice(0, limit).map((c) => presentCase(c, now)),
      has_more: rows.length > limit,
    };
  }

  @Post()
  @RequirePolicy('create', 'SupportCase')
  @ApiOperation({ summary: 'Open a case, by hand or from payments and issues; its SLA clock starts' })
  async open(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Body() body: OpenCaseDto,
  ): Promise<SupportCaseResource> {
    const c = await this.cases.open(
      {
        subject: body.subject,
        description: body.description ?? null,
        priority: body.priority,
        paymentIds: [...new Set(body.payment_ids ?? [])],
        issueIds: [...new Set(body.issue_ids ?? [])],
        merchantId: body.merchant_id ?? null,
        assigneeId: body.assignee_id ?? null,
      },
      actorOf(admin, req),
    );
    return presentCase(c, this.clock.now(), await this.cases.timeline(c.id));
  }

  @Get(':id')
  @RequirePolicy('read', 'SupportCase')
  @ApiOperation({ summary: 'A case with its SLA targets and its timeline' })
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<SupportCaseResource> {
    const c = await this.cases.get(admin.merchantIds, id);
    return presentCase(c, this.clock.now(), await this.cases.timeline(id));
  }

  @Patch(':id')
  @RequirePolicy('update', 'SupportCase')
  @ApiOperation({ summary: 'Change status, priority, assignee, subject or description' })
  async update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: CasePatchDto,
  ): Promise<SupportCaseResource> {
    const c = await this.cases.update(
      id,
      {
        subject: body.subject,
        description: body.description,
        priority: body.priority,
        status: body.status,
        assigneeId: body.assignee_id,
      },
      actorOf(admin, req),
    );
    return presentCase(c, this.clock.now(), await this.cases.timeline(id));
  }

  @Post(':id/comments')
  @RequirePolicy('update', 'SupportCase')
  @ApiOperation({ summary: 'Add an internal comment (the first is the first response)' })
  async comment(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: CaseCommentDto,
  ): Promise<SupportCaseEventResource> {
    return presentCaseEvent(await this.cases.comment(id, body.body, actorOf(admin, req)));
  }

  @Post(':id/escalate')
  @HttpCode(200)
  @RequirePolicy('update', 'SupportCase')
  @ApiOperation({ summary: 'Escalate to the next tier, with the reason; the escalation channels are told' })
  async escalate(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: CaseEscalateDto,
  ): Promise<SupportCaseResource> {
    const c = await this.cases.escalate(id, body.reason, actorOf(admin, req));
    return presentCase(c, this.clock.now(), await this.cases.timeline(id));
  }
}

/** SLA policies per priority and the business-hours calendars they count on; admins manage them. */
@ApiTags('admin')
@Controller('admin/support')
export class SupportPoliciesController {
  constructor(private readonly policies: SupportPoliciesService) {}

  @Get('sla-policies')
  @RequirePolicy('read', 'SupportPolicy')
  async listPolicies(): Promise<AdminList<SlaPolicyResource>> {
    return { object: 'list', data: (await this.policies.policies()).map(presentPolicy), has_more: false };
  }

  @Post('sla-policies')
  @RequirePolicy('manage', 'SupportPolicy')
  async createPolicy(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Body() body: SlaPolicyDto,
  ): Promise<SlaPolicyResource> {
    return presentPolicy(
      await this.policies.createPolicy(
        {
          priority: body.priority,
          firstResponseMinutes: body.first_response_minutes,
          resolutionMinutes: body.resolution_minutes,
          atRiskMinutes: body.at_risk_minutes ?? Math.floor(body.first_response_minutes / 5),
          calendarId: body.calendar_id ?? null,
        },
        adminContext(admin, req),
      ),
    );
  }

  @Patch('sla-policies/:id')
  @RequirePolicy('manage', 'SupportPolicy')
  async updatePolicy(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: SlaPolicyPatchDto,
  ): Promise<SlaPolicyResource> {
    const change = {
      ...(body.first_response_minutes !== undefined
        ? { firstResponseMinutes: body.first_response_minutes }
        : {}),
      ...(body.resolution_minutes !== undefined ? { resolutionMinutes: body.resolution_minutes } : {}),
      ...(body.at_risk_minutes !== undefined ? { atRiskMinutes: body.at_risk_minutes } : {}),
      ...(body.calendar_id !== undefined ? { calendarId: body.calendar_id || null } : {}),
    };
    return presentPolicy(await this.policies.updatePolicy(id, change, adminContext(admin, req)));
  }

  @Get('calendars')
  @RequirePolicy('read', 'SupportPolicy')
  async listCalendars(): Promise<AdminList<SupportCalendarResource>> {
    return { object: 'list', data: (await this.policies.calendars()).map(presentCalendar), has_more: false };
  }

  @Post('calendars')
  @RequirePolicy('manage', 'SupportPolicy')
  async createCalendar(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Body() body: CalendarDto,
  ): Promise<SupportCalendarResource> {
    return presentCalendar(
      await this.policies.createCalendar(
        {
          name: body.name,
          timeZone: body.time_zone,
          workingDays: body.working_days,
          startMinute: minuteOfDay(body.opens),
          endMinute: minuteOfDay(body.closes),
          holidays: body.holidays ?? [],
        },
        adminContext(admin, req),
      ),
    );
  }

  @Patch('calendars/:id')
  @RequirePolicy('manage', 'SupportPolicy')
  async updateCalendar(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: CalendarPatchDto,
  ): Promise<SupportCalendarResource> {
    const change = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.time_zone !== undefined ? { timeZone: body.time_zone } : {}),
      ...(body.working_days !== undefined ? { workingDays: body.working_days } : {}),
      ...(body.opens !== undefined ? { startMinute: minuteOfDay(body.opens) } : {}),
      ...(body.closes !== undefined ? { endMinute: minuteOfDay(body.closes) } : {}),
      ...(body.holidays !== undefined ? { holidays: body.holidays } : {}),
    };
    return presentCalendar(await this.policies.updateCalendar(id, change, adminContext(admin, req)));
  }
}
