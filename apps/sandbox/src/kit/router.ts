/** Every sandbox routes the same way: the first route whose method and path pattern match. */
export interface SandboxRoute {
  method: string;
  pattern: RegExp;
}

export type RouteMatch<R extends SandboxRoute> =
  | { route: R; params: string[] }
  /** No route: `pathKnown` when another method serves this path (a 405, not a 404). */
  | { route: undefined; pathKnown: boolean };

const TEMPLATE_PARAM = /\{([a-z_]+)\}/g;

/** An OpenAPI path template (`/v1/payment_intents/{intent}`) as a pattern and its parameter names. */
export function templatePattern(template: string): { pattern: RegExp; names: string[] } {
  const names = [...template.matchAll(TEMPLATE_PARAM)].map((m) => m[1]);
  return { pattern: new RegExp(`^${template.replace(TEMPLATE_PARAM, '([^/]+)')}$`), names };
}

/** A path segment decoded; one with a broken escape stays as sent (and then matches no record). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Finds the route for a request; path parameters come back decoded, in order. */
export function matchRoute<R extends SandboxRoute>(
  routes: readonly R[],
  method: string,
  path: string,
): RouteMatch<R> {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1).map(decodeSegment) };
  }
  return { route: undefined, pathKnown: routes.some((r) => r.pattern.test(path)) };
}
