import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { In, IsNull, Repository } from 'typeorm';
import {
  ApiError,
  type AdminList,
  type AdminUserResource,
  type CreateUserResponse,
  type PasswordResetIssueResponse,
  type RoleAssignmentResource,
  type RoleDefinition,
} from '@payrail/api-contract';
import { canSeeMerchant, type AdminPrincipal } from './admin-principal';
import { CreateUserDto, RoleGrantDto, UpdateUserDto } from './admin.dto';
import { CurrentAdmin, RequirePolicy } from './auth.decorators';
import { Clock } from './clock';
import { ConsoleUsersService } from './console-users.service';
import { requestOrigin } from './identity-audit';
import { Merchant } from './merchant.entity';
import { MFA_REQUIRED_ROLES, PERMISSION_MATRIX, policyObject, type PolicyAction } from './policy';
import { presentRole, presentUser } from './presenters';
import { RoleAssignment, ROLES, type Role } from './role-assignment.entity';
import type { User } from './user.entity';

const forbidden = (message: string) =>
  new ApiError(403, { type: 'permission_error', code: 'forbidden', message });

/** Console users and their role assignments. A merchant-scoped admin sees and changes only users of their merchants. */
@ApiTags('admin: users')
@Controller('admin')
export class UsersController {
  constructor(
    private readonly users: ConsoleUsersService,
    private readonly clock: Clock,
    @InjectRepository(RoleAssignment) private readonly assignments: Repository<RoleAssignment>,
    @InjectRepository(Merchant) private readonly merchants: Repository<Merchant>,
  ) {}

  @Get('roles')
  @RequirePolicy('read', 'RoleAssignment')
  @ApiOperation({ summary: 'The roles and the permission matrix' })
  roles(): { object: 'list'; data: RoleDefinition[] } {
    return {
      object: 'list',
      data: ROLES.map((role) => ({
        role,
        requires_mfa: MFA_REQUIRED_ROLES.includes(role),
        permissions: Object.fromEntries(
          Object.entries(PERMISSION_MATRIX[role]).map(([s, a]) => [s, [...(a ?? [])]]),
        ),
      })),
    };
  }

  @Get('users')
  @RequirePolicy('read', 'User')
  @ApiOperation({ summary: 'Users with a role on a merchant you can see' })
  async list(@CurrentAdmin() admin: AdminPrincipal): Promise<AdminList<AdminUserResource>> {
    const visible =
      admin.merchantIds === 'all'
        ? await this.assignments.find()
        : await this.assignments.findBy({ merchantId: In(admin.merchantIds) });
    const ids = admin.merchantIds === 'all' ? undefined : [...new Set(visible.map((a) => a.userId))];
    const all = await this.users.listUsers(ids);
    const roles = await this.users.rolesOf(all.map((u) => u.id));
    return {
      object: 'list',
      data: all.map((u) => presentUser(u, this.rolesVisible(admin, roles), this.clock.now())),
      has_more: false,
    };
  }

  @Post('users')
  @RequirePolicy('create', 'User')
  @ApiOperation({ summary: 'Create a user with role assignments; a generated password is shown once' })
  async create(
    @CurrentAdmin() admin: AdminPrincipal,
    @Body() body: CreateUserDto,
    @Req() req: Request,
  ): Promise<CreateUserResponse> {
    for (const [i, grant] of body.roles.entries()) await this.checkGrant(admin, grant, `roles[${i}]`);
    const { user, generatedPassword } = await this.users.create(
      {
        email: body.email,
        name: body.name,
        password: body.password,
        roles: body.roles.map((r) => ({ role: r.role, merchantId: r.merchant_id })),
      },
      admin.userId,
      requestOrigin(req),
    );
    const roles = await this.users.rolesOf([user.id]);
    return {
      ...presentUser(user, roles, this.clock.now()),
      ...(generatedPassword ? { generated_password: generatedPassword } : {}),
    };
  }

  @Get('users/:id')
  @RequirePolicy('read', 'User')
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<AdminUserResource> {
    const { user, roles } = await this.load(admin, id, 'read');
    return presentUser(user, this.rolesVisible(admin, roles), this.clock.now());
  }

  @Patch('users/:id')
  @RequirePolicy('update', 'User')
  @ApiOperation({
    summary:
      'Rename a user. Roles, status and merchants have their own routes; a PATCH setting them is refused',
  })
  async update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: UpdateUserDto,
    @Req() req: Request,
  ): Promise<AdminUserResource> {
    const { user, roles } = await this.load(admin, id, 'update');
    const updated =
      body.name === undefined
        ? user
        : await this.users.rename(user, body.name, admin.userId, requestOrigin(req));
    return presentUser(updated, this.rolesVisible(admin, roles), this.clock.now());
  }

  @Post('users/:id/disable')
  @RequirePolicy('update', 'User')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user; all their sessions end at once' })
  async disable(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<AdminUserResource & { sessions_ended: number }> {
    const { user, roles } = await this.load(admin, id, 'update');
    await this.protectOwners(admin, roles);
    const { user: disabled, sessionsEnded } = await this.users.disable(
      user,
      admin.userId,
      requestOrigin(req),
    );
    return {
      ...presentUser(disabled, this.rolesVisible(admin, roles), this.clock.now()),
      sessions_ended: sessionsEnded,
    };
  }

  @Post('users/:id/enable')
  @RequirePolicy('update', 'User')
  @HttpCode(200)
  async enable(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<AdminUserResource> {
    const { user, roles } = await this.load(admin, id, 'update');
    return presentUser(
      await this.users.enable(user, admin.userId, requestOrigin(req)),
      this.rolesVisible(admin, roles),
      this.clock.now(),
    );
  }

  @Post('users/:id/password-reset')
  @RequirePolicy('update', 'User')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a one-time password-reset token (1 hour) to hand to the user' })
  async issueReset(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<PasswordResetIssueResponse> {
    const { user, roles } = await this.load(admin, id, 'update');
    await this.protectOwners(admin, roles);
    const { token, expiresAt } = await this.users.issuePasswordReset(user, admin.userId, requestOrigin(req));
    return { reset_token: token, expires_at: expiresAt.toISOString() };
  }

  @Delete('users/:id/mfa')
  @RequirePolicy('update', 'User')
  @ApiOperation({ summary: "Reset a user's MFA (lost device): they enrol again at next sign-in" })
  async resetMfa(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<AdminUserResource> {
    const { user, roles } = await this.load(admin, id, 'update');
    await this.protectOwners(admin, roles);
    await this.users.resetMfa(user, admin.userId, requestOrigin(req));
    return presentUser(await this.users.get(user.id), this.rolesVisible(admin, roles), this.clock.now());
  }

  @Get('users/:id/roles')
  @RequirePolicy('read', 'RoleAssignment')
  async listRoles(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
  ): Promise<AdminList<RoleAssignmentResource>> {
    const { roles } = await this.load(admin, id, 'read');
    return { object: 'list', data: this.rolesVisible(admin, roles).map(presentRole), has_more: false };
  }

  @Post('users/:id/roles')
  @RequirePolicy('create', 'RoleAssignment')
  @ApiOperation({ summary: 'Grant a role on one merchant, or across all (merchant_id null)' })
  async grant(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: RoleGrantDto,
    @Req() req: Request,
  ): Promise<RoleAssignmentResource> {
    const { user } = await this.load(admin, id, 'read');
    await this.checkGrant(admin, body, 'role');
    return presentRole(
      await this.users.assignRole(user, body.role, body.merchant_id, admin.userId, requestOrigin(req)),
    );
  }

  @Delete('users/:id/roles/:assignmentId')
  @RequirePolicy('delete', 'RoleAssignment')
  async revoke(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Param('assignmentId') assignmentId: string,
    @Req() req: Request,
  ): Promise<RoleAssignmentResource> {
    const { roles } = await this.load(admin, id, 'read');
    const assignment = roles.find((r) => r.id === assignmentId);
    if (!assignment || !this.rolesVisible(admin, [assignment]).length)
      throw ApiError.notFound('role assignment', assignmentId);
    this.checkManage(admin, 'delete', assignment.role, assignment.merchantId);
    if (assignment.role === 'owner' && assignment.merchantId === null) {
      const owners = await this.assignments.countBy({ role: 'owner', merchantId: IsNull() });
      if (owners <= 1)
        throw new ApiError(409, {
          type: 'invalid_request_error',
          code: 'last_owner',
          message: 'this is the last owner across all merchants; grant another owner first',
        });
    }
    await this.users.revokeRole(assignment, admin.userId, requestOrigin(req));
    return presentRole(assignment);
  }

  /**
   * The user and their assignments, or 404 when the admin can see none of their merchants.
   * Changing a user needs every one of their merchants in the admin's reach (else 403).
   */
  private async load(
    admin: AdminPrincipal,
    id: string,
    action: PolicyAction,
  ): Promise<{ user: User; roles: RoleAssignment[] }> {
    const user = await this.users.find(id);
    const roles = user ? await this.users.rolesOf([user.id]) : [];
    const visible =
      !!user &&
      (admin.merchantIds === 'all' ||
        roles.some((r) => r.merchantId !== null && canSeeMerchant(admin, r.merchantId)));
    if (!user || !visible) throw ApiError.notFound('user', id);
    if (action !== 'read') {
      const reach = roles.every((r) =>
        r.merchantId === null
          ? admin.merchantIds === 'all' && admin.ability.can(action, 'User')
          : admin.ability.can(action, policyObject('User', r.merchantId)),
      );
      if (!reach)
        throw forbidden(
          'this user also works for merchants outside your reach; an admin across those merchants must change them',
        );
    }
    return { user, roles };
  }

  private rolesVisible(admin: AdminPrincipal, roles: RoleAssignment[]): RoleAssignment[] {
    return admin.merchantIds === 'all'
      ? roles
      : roles.filter((r) => r.merchantId !== null && canSeeMerchant(admin, r.merchantId));
  }

  /** Only owners touch owners: an admin cannot disable, reset or strip an owner. */
  private async protectOwners(admin: AdminPrincipal, roles: RoleAssignment[]): Promise<void> {
    if (roles.some((r) => r.role === 'owner') && !admin.roles.includes('owner'))
      throw forbidden('only an owner can change an owner');
  }

  private checkManage(
    admin: AdminPrincipal,
    action: 'create' | 'delete',
    role: Role,
    merchantId: string | null,
  ): void {
    if (merchantId === null) {
      if (admin.merchantIds !== 'all')
        throw forbidden('only an admin across all merchants can grant or revoke roles across all merchants');
    } else if (!canSeeMerchant(admin, merchantId)) {
      throw ApiError.notFound('merchant', merchantId);
    } else if (!admin.ability.can(action, policyObject('RoleAssignment', merchantId))) {
      throw forbidden(`your role does not allow ${action} on RoleAssignment for merchant ${merchantId}`);
    }
    if (
      role === 'owner' &&
      !admin.assignments.some(
        (a) => a.role === 'owner' && (a.merchantId === null || a.merchantId === merchantId),
      )
    ) {
      throw forbidden('only an owner can grant or revoke the owner role');
    }
  }

  private async checkGrant(admin: AdminPrincipal, grant: RoleGrantDto, param: string): Promise<void> {
    if (
      grant.merchant_id !== null &&
      (!canSeeMerchant(admin, grant.merchant_id) ||
        !(await this.merchants.existsBy({ id: grant.merchant_id })))
    ) {
      throw ApiError.invalid(`${param}.merchant_id`, `no merchant '${grant.merchant_id}'`);
    }
    this.checkManage(admin, 'create', grant.role, grant.merchant_id);
  }
}
