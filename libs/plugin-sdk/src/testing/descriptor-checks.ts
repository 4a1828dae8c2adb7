import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_DESCRIPTOR, type GatewayDescriptor } from '../lib/descriptor';
import { redactText } from '../lib/redact';
import { workspaceRoot } from './workspace-root';

function matchesImport(pattern: string, name: string): boolean {
  return pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

export interface DescriptorCheckOptions {
  /** The plugin's folder (its project.json is there): pass `join(__dirname, '..')` from `src`. */
  pluginDir: string;
  /** A key or token of each shape the gateway issues, built at run time, that the redactor must mask. */
  secretSamples: string[];
}

/**
 * Checks a plugin's descriptor against what it describes: the installed SDK, the project's
 * tags and lint metadata, the module it builds, and the redactor. An SDK upgrade that forgets
 * the descriptor fails here.
 */
export function describeGatewayDescriptor(
  descriptor: GatewayDescriptor,
  options: DescriptorCheckOptions,
): void {
  describe(`${descriptor.displayName} descriptor`, () => {
    const project = JSON.parse(readFileSync(join(options.pluginDir, 'project.json'), 'utf8')) as {
      tags?: string[];
      metadata?: { gatewaySdk?: string[] };
    };

    it('names the SDK version installed in the workspace', () => {
      const sdk = descriptor.sdk;
      if (!sdk) {
        // No SDK yet: lint must then allow the plugin no gateway SDK at all.
        expect(project.metadata?.gatewaySdk ?? []).toEqual([]);
        return;
      }
      const manifest = join(workspaceRoot(options.pluginDir), 'node_modules', sdk.package, 'package.json');
      const installed = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
      expect(sdk.version).toBe(installed.version);
    });

    it("agrees with the project's gateway tag and the SDK imports lint allows it", () => {
      expect(project.tags).toContain(`gateway:${descriptor.code}`);
      expect(project.tags).toContain('type:plugin');
      const sdk = descriptor.sdk;
      if (sdk) {
        const allowed = project.metadata?.gatewaySdk ?? [];
        expect(allowed.some((pattern) => matchesImport(pattern, sdk.package))).toBe(true);
      }
    });

    it('builds its plugin module with the descriptor beside the gateway', () => {
      const module = descriptor.module();
      const provided = (module.providers ?? []).find(
        (p) => typeof p === 'object' && 'provide' in p && p.provide === GATEWAY_DESCRIPTOR,
      );
      expect(provided).toMatchObject({ useValue: descriptor });
    });

    it('has its keys and tokens masked by the redactor', () => {
      for (const sample of options.secretSamples)
        expect(redactText(`key ${sample} used`)).not.toContain(sample);
    });

    it('offers sandbox test cards that are well-formed and unique', () => {
      const numbers = descriptor.sandbox.testCards.map((c) => c.number);
      expect(new Set(numbers).size).toBe(numbers.length);
      for (const card of descriptor.sandbox.testCards) expect(card.number).toMatch(/^\d{13,19}$/);
      expect(descriptor.webhookSignatureHeaders.length).toBeGreaterThan(0);
    });
  });
}
