import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  ApiError,
  type AdminAbilityRule,
  type AdminMeResponse,
  type CsrfResponse,
  type MfaConfirmResponse,
  type MfaEnrollResponse,
} from '@payrail/api-contract';
import type { ConsoleRequest } from './access.guard';
import { needsMfa } from './access.guard';
import type { AdminPrincipal } from './admin-principal';
import { ChangePasswordDto, LoginDto, MfaCodeDto, MfaVerifyDto, PasswordResetDto } from './admin.dto';
import { AuthRateLimits } from './auth-rate-limits';
import { Authenticated, BeforeMfa, CurrentAdmin, Public } from './auth.decorators';
import { Clock } from './clock';
import type { ConsoleSession } from './console-session.entity';
import { ConsoleUsersService } from './console-users.service';
import { IdentityAudit, requestOrigin } from './identity-audit';
import { defineAbilityFor } from './policy';
import { presentUser } from './presenters';
import type { RoleAssignment } from './role-assignment.entity';
import { clearSessionCookies, sessionToken, setSessionCookies } from './session-cookie';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SessionService } from './session.service';
import type { User } from './user.entity';

/** Console sign-in, sign-out, CSRF token, MFA and own password. */
@ApiTags('admin: auth')
@Controller('admin')
export class AuthController {
  constructor(
    private readonly users: ConsoleUsersService,
    private readonly sessions: SessionService,
    private readonly audit: IdentityAudit,
    private readonly clock: Clock,
    private readonly limits: AuthRateLimits,
  ) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sign in with email and password (and a TOTP code when MFA is enrolled); sets the session cookie',
  })
  async login(
    @Body() body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AdminMeResponse> {
    const succeeded = await this.limits.signIn(req, body.email);
    const origin = requestOrigin(req);
    const user = await this.users.checkPassword(body.email, body.password, origin);
    let mfaVerified = false;
    if (user.mfaEnabledAt && (body.code || body.recovery_code)) {
      await this.users.verifyMfa(user, body.code, body.recovery_code, origin);
      mfaVerified = true;
    }
    await succeeded();
    // A fresh session id at every sign-in; whatever session the browser carried ends.
    const previous = await this.sessions.resolve(sessionToken(req));
    if ('session' in previous) await this.sessions.revoke(previous.session.id, 'replaced_by_login');
    const { session, token } = await this.sessions.start(user.id, {
      mfaVerified,
      ip: req.ip,
      userAgent: req.header('user-agent'),
    });
    setSessionCookies(res, req.secure, token, session.csrfToken, Math.floor(SESSION_ABSOLUTE_MS / 1000));
    await this.audit.record({
      actor: { type: 'user', id: user.id },
      action: 'auth.login',
      origin,
      resource: { type: 'user', id: user.id },
      reason: mfaVerified ? 'password and MFA' : 'password',
    });
    const roles = await this.users.rolesOf([user.id]);
    return this.me(await this.users.get(user.id), roles, session);
  }

  @Post('auth/logout')
  @BeforeMfa()
  @HttpCode(200)
  @ApiOperation({ summary: 'End the session server-side and clear the cookie' })
  async logout(
    @Req() req: ConsoleRequest,
    @CurrentAdmin() admin: AdminPrincipal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ signed_out: true }> {
    await this.sessions.revoke(admin.sessionId, 'logout');
    clearSessionCookies(res, req.secure);
    await this.audit.record({
      actor: { type: 'user', id: admin.userId },
      action: 'auth.logout',
      origin: requestOrigin(req),
      resource: { type: 'user', id: admin.userId },
    });
    return { signed_out: true };
  }

  @Get('auth/csrf')
  @BeforeMfa()
  @ApiOperation({ summary: "The session's CSRF token, to send as X-CSRF-Token on state-changing requests" })
  csrf(@Req() req: ConsoleRequest): CsrfResponse {
    return { csrf_token: (req.consoleSession as ConsoleSession).csrfToken };
  }

  @Get('me')
  @BeforeMfa()
  @ApiOperation({
    summary: 'The signed-in user, their roles, merchants, abilities (CASL rules), MFA state and CSRF token',
  })
  async getMe(@Req() req: ConsoleRequest): Promise<AdminMeResponse> {
    const user = req.consoleUser as User;
    return this.me(user, await this.users.rolesOf([user.id]), req.consoleSession as ConsoleSession);
  }

  @Post('auth/mfa/enroll')
  @BeforeMfa()
  @HttpCode(200)
  @ApiOperation({ summary: 'Start TOTP enrolment: a secret, its otpauth:// URI and a QR code' })
  async enroll(@Req() req: ConsoleRequest): Promise<MfaEnrollResponse> {
    await this.limits.mfa(req, (req.consoleSession as ConsoleSession).id);
    const started = await this.users.beginMfaEnrolment(req.consoleUser as User);
    return { secret: started.secret, otpauth_uri: started.otpauthUri, qr_data_url: started.qrDataUrl };
  }

  @Post('auth/mfa/enroll/confirm')
  @BeforeMfa()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Finish enrolment with a first code; returns one-time recovery codes and verifies this session',
  })
  async confirm(@Req() req: ConsoleRequest, @Body() body: MfaCodeDto): Promise<MfaConfirmResponse> {
    await this.limits.mfa(req, (req.consoleSession as ConsoleSession).id);
    const user = await this.users.get((req.consoleUser as User).id);
    const codes = await this.users.confirmMfaEnrolment(user, body.code, requestOrigin(req));
    await this.sessions.markMfaVerified((req.consoleSession as ConsoleSession).id);
    return { recovery_codes: codes };
  }

  @Post('auth/mfa/verify')
  @BeforeMfa()
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify a TOTP code (or a recovery code) for this session' })
  async verify(@Req() req: ConsoleRequest, @Body() body: MfaVerifyDto): Promise<AdminMeResponse> {
    await this.limits.mfa(req, (req.consoleSession as ConsoleSession).id);
    const user = await this.users.get((req.consoleUser as User).id);
    if (!!body.code === !!body.recovery_code) {
      throw ApiError.invalid('code', 'send exactly one of code or recovery_code');
    }
    const method = await this.users.verifyMfa(user, body.code, body.recovery_code, requestOrigin(req));
    const session = req.consoleSession as ConsoleSession;
    await this.sessions.markMfaVerified(session.id);
    await this.audit.record({
      actor: { type: 'user', id: user.id },
      action: 'auth.mfa_verified',
      origin: requestOrigin(req),
      resource: { type: 'user', id: user.id },
      reason: method,
    });
    return this.me(user, await this.users.rolesOf([user.id]), { ...session, mfaVerified: true });
  }

  @Post('auth/password')
  @Authenticated()
  @HttpCode(200)
  @ApiOperation({ summary: 'Change your own password; your other sessions end' })
  async changePassword(
    @Req() req: ConsoleRequest,
    @CurrentAdmin() admin: AdminPrincipal,
    @Body() body: ChangePasswordDto,
  ): Promise<{ changed: true }> {
    await this.users.changePassword(
      admin.userId,
      body.current_password,
      body.new_password,
      admin.sessionId,
      requestOrigin(req),
    );
    return { changed: true };
  }

  @Post('auth/password-reset')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password with a one-time reset token an admin issued' })
  async resetPassword(@Req() req: Request, @Body() body: PasswordResetDto): Promise<{ changed: true }> {
    await this.limits.passwordReset(req);
    await this.users.resetPassword(body.token, body.new_password, requestOrigin(req));
    return { changed: true };
  }

  private me(user: User, assignments: RoleAssignment[], session: ConsoleSession): AdminMeResponse {
    const roles = [...new Set(assignments.map((a) => a.role))];
    const ability = defineAbilityFor(assignments);
    const required = needsMfa(user, roles);
    const abilities: AdminAbilityRule[] = ability.rules.map((rule) => {
      const merchantId = (rule.conditions as { merchantId?: string } | undefined)?.merchantId;
      return {
        action: rule.action as AdminAbilityRule['action'],
        subject: rule.subject as AdminAbilityRule['subject'],
        ...(merchantId ? { conditions: { merchant_id: merchantId } } : {}),
      };
    });
    return {
      user: presentUser(user, assignments, this.clock.now()),
      roles,
      merchant_ids: assignments.some((a) => a.merchantId === null)
        ? 'all'
        : [...new Set(assignments.map((a) => a.merchantId as string))],
      abilities,
      mfa: {
        enrolled: !!user.mfaEnabledAt,
        required,
        verified: session.mfaVerified,
        next_step: !required || session.mfaVerified ? 'none' : user.mfaEnabledAt ? 'verify' : 'enroll',
      },
      session: {
        id: session.id,
        created_at: session.createdAt.toISOString(),
        expires_at: session.expiresAt.toISOString(),
        idle_timeout_seconds: SESSION_IDLE_MS / 1000,
        mfa_verified: session.mfaVerified,
      },
      csrf_token: session.csrfToken,
    };
  }
}
