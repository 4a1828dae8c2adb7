import { RequestMethod, type INestApplicationContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { ApiKeyScope } from './api-key.service';
import {
  API_KEY_ROUTE,
  AUTHENTICATED_ROUTE,
  BEFORE_MFA_ROUTE,
  POLICY_ROUTE,
  PUBLIC_ROUTE,
  type RoutePolicy,
} from './auth.decorators';

export type RouteAccessKind = 'public' | 'api_key' | 'policy' | 'authenticated' | 'none';

export interface RouteAccess {
  method: string;
  /** Express-style, with `:params`: `/admin/users/:id`. */
  path: string;
  controller: string;
  handler: string;
  access: RouteAccessKind;
  policy?: RoutePolicy;
  scopes?: ApiKeyScope[];
  beforeMfa: boolean;
}

const joinPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/**
 * Every route of a running app with how it is reached, read from the same metadata the global
 * guard reads. The route-policy spec fails on any `none`; the access matrix is generated from it.
 */
export function listRouteAccess(app: INestApplicationContext): RouteAccess[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: RouteAccess[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
    if (!instance || !type) continue;
    const base = (Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined) ?? '';
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = instance[name] as (...args: unknown[]) => unknown;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      const targets = [handler, type];
      const policy = reflector.getAllAndOverride<RoutePolicy | undefined>(POLICY_ROUTE, targets);
      const scopes = reflector.getAllAndOverride<ApiKeyScope[] | undefined>(API_KEY_ROUTE, targets);
      const access: RouteAccessKind = reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)
        ? 'public'
        : scopes
          ? 'api_key'
          : policy
            ? 'policy'
            : reflector.getAllAndOverride<boolean>(AUTHENTICATED_ROUTE, targets)
              ? 'authenticated'
              : 'none';
      for (const b of Array.isArray(base) ? base : [base]) {
        for (const p of Array.isArray(path) ? path : [path]) {
          routes.push({
            method: RequestMethod[method],
            path: joinPath(b, p),
            controller: type.name,
            handler: name,
            access,
            ...(policy ? { policy } : {}),
            ...(scopes ? { scopes } : {}),
            beforeMfa: !!reflector.getAllAndOverride<boolean>(BEFORE_MFA_ROUTE, targets),
          });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
