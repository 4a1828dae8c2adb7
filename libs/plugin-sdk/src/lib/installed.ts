import type { GatewayDescriptor, SandboxDescriptor } from './descriptor';

/**
 * The workspace's list of installed gateways (`gateways.json`): gateway codes, each naming
 * `plugins/<code>` and its sandbox `apps/sandbox/src/<code>`. The API and the sandbox runner both
 * read it, each finding its side of a gateway by the code, so a new gateway is one entry here.
 */
export interface GatewayManifest {
  readonly installed: readonly string[];
}

export const GATEWAY_MANIFEST_FILE = 'gateways.json';

const CODE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The codes the manifest lists, checked: lower-case codes, each once. */
export function installedGatewayCodes(manifest: unknown): string[] {
  const installed = (manifest as Partial<GatewayManifest> | null)?.installed;
  if (!Array.isArray(installed))
    throw new Error(`${GATEWAY_MANIFEST_FILE} must hold { "installed": ["<gateway code>", ...] }`);
  const seen = new Set<string>();
  for (const code of installed) {
    if (typeof code !== 'string' || !CODE.test(code))
      throw new Error(
        `${GATEWAY_MANIFEST_FILE}: '${String(code)}' is not a gateway code (lower-case letters and digits, dash-separated)`,
      );
    if (seen.has(code)) throw new Error(`${GATEWAY_MANIFEST_FILE} lists '${code}' twice`);
    seen.add(code);
  }
  return [...seen];
}

function exported<T>(module: unknown, where: string, is: (value: unknown) => value is T, what: string): T {
  const found = Object.values((module ?? {}) as Record<string, unknown>).filter(is);
  if (found.length !== 1)
    throw new Error(`${where} must export exactly one ${what}; it exports ${found.length}`);
  return found[0];
}

/** The gateway descriptor a plugin's entry (`plugins/<code>/src/index.ts`) exports for `code`. */
export function gatewayDescriptorOf(module: unknown, code: string, where: string): GatewayDescriptor {
  return exported(
    module,
    where,
    (value): value is GatewayDescriptor =>
      typeof value === 'object' &&
      value !== null &&
      (value as GatewayDescriptor).code === code &&
      typeof (value as GatewayDescriptor).module === 'function' &&
      typeof (value as GatewayDescriptor).sandbox === 'object',
    `gateway descriptor (defineGateway) with code '${code}'`,
  );
}

/** The sandbox descriptor a sandbox folder (`apps/sandbox/src/<code>/sandbox.descriptor.ts`) exports for `code`. */
export function sandboxDescriptorOf(module: unknown, code: string, where: string): SandboxDescriptor {
  return exported(
    module,
    where,
    (value): value is SandboxDescriptor =>
      typeof value === 'object' &&
      value !== null &&
      (value as SandboxDescriptor).code === code &&
      typeof (value as SandboxDescriptor).start === 'function',
    `sandbox descriptor (defineSandbox) with code '${code}'`,
  );
}
