import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { newId } from '@payrail/database';
import {
  CSRF_HEADER,
  PLAIN_SESSION_COOKIE,
  RoleAssignment,
  SessionService,
  User,
  type Role,
} from '@payrail/identity';
import type { TestApi } from './harness';

export type AdminRequest = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: any; text: string; headers: Headers }>;

/**
 * A signed-in console session (MFA already verified) for a user with the given roles, created
 * straight through the identity services so these specs do not depend on the login flow.
 */
export async function adminSession(
  api: TestApi,
  assignments: Array<{ role: Role; merchantId: string | null }>,
  email = `${newId('u')}@example.com`,
): Promise<{ userId: string; request: AdminRequest }> {
  const dataSource = api.app.get<DataSource>(getDataSourceToken());
  const user = await dataSource.getRepository(User).save(
    dataSource.getRepository(User).create({
      id: newId('usr'),
      email,
      name: 'Spec admin',
      passwordHash: 'not-a-login',
      status: 'active',
    }),
  );
  for (const a of assignments) {
    await dataSource
      .getRepository(RoleAssignment)
      .save(
        dataSource
          .getRepository(RoleAssignment)
          .create({ id: newId('ra'), userId: user.id, role: a.role, merchantId: a.merchantId }),
      );
  }
  const { session, token } = await api.app.get(SessionService).start(user.id, { mfaVerified: true });
  const request: AdminRequest = async (method, path, body) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        cookie: `${PLAIN_SESSION_COOKIE}=${token}`,
        [CSRF_HEADER]: session.csrfToken,
        'user-agent': 'payrail-spec/1.0',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (an export): keep the text
    }
    return { status: response.status, body: parsed, text, headers: response.headers };
  };
  return { userId: user.id, request };
}
