import { join } from 'node:path';
import {
  addProjectConfiguration,
  formatFiles,
  generateFiles,
  getProjects,
  updateJson,
  type Tree,
} from '@nx/devkit';
import { GATEWAY_MANIFEST_FILE, installedGatewayCodes } from '../../lib/installed';
import type { GatewayGeneratorSchema } from './schema';

const FIRST_PORT = 12111;

export interface GatewayNames {
  name: string;
  className: string;
  constantName: string;
  displayName: string;
  port: number;
}

/** The sandbox ports the installed gateways' descriptors declare. */
function takenPorts(tree: Tree): number[] {
  const ports: number[] = [];
  if (!tree.exists('plugins')) return ports;
  for (const dir of tree.children('plugins'))
    for (const file of tree.exists(`plugins/${dir}/src`) ? tree.children(`plugins/${dir}/src`) : [])
      if (file.endsWith('.descriptor.ts')) {
        const match = /defaultPort:\s*(\d+)/.exec(tree.read(`plugins/${dir}/src/${file}`, 'utf8') ?? '');
        if (match) ports.push(Number(match[1]));
      }
  return ports;
}

export function gatewayNames(tree: Tree, options: GatewayGeneratorSchema): GatewayNames {
  const name = options.name?.trim() ?? '';
  if (!/^[a-z][a-z0-9]*$/.test(name))
    throw new Error(
      `the gateway name '${name}' must be lower-case letters and digits, starting with a letter`,
    );
  const displayName = options.displayName?.trim() || name[0].toUpperCase() + name.slice(1);
  if (!/^[\p{L}\p{N} .&-]+$/u.test(displayName))
    throw new Error(`the display name '${displayName}' may hold letters, digits, spaces and . & - only`);
  const ports = takenPorts(tree);
  const port = options.port ?? Math.max(FIRST_PORT - 1, ...ports) + 1;
  if (!Number.isInteger(port) || port < 1024 || port > 65535)
    throw new Error(`the sandbox port ${port} must be an integer from 1024 to 65535`);
  if (ports.includes(port)) throw new Error(`another gateway's sandbox already uses port ${port}`);
  return {
    name,
    className: name[0].toUpperCase() + name.slice(1),
    constantName: name.toUpperCase(),
    displayName,
    port,
  };
}

/**
 * Adds the gateway to the `installed` list of `gateways.json`, the one line a gateway joins: the
 * list is edited in place, so the rest of the file (and every other line) stays as it was.
 */
function install(tree: Tree, code: string): void {
  const source = tree.read(GATEWAY_MANIFEST_FILE, 'utf8');
  if (source === null)
    throw new Error(`${GATEWAY_MANIFEST_FILE} is missing: it lists the installed gateways`);
  const codes = installedGatewayCodes(JSON.parse(source));
  if (codes.includes(code)) throw new Error(`${GATEWAY_MANIFEST_FILE} already installs a gateway '${code}'`);
  const list = /("installed"\s*:\s*\[)([^\]]*)\]/;
  if (!list.test(source))
    throw new Error(`${GATEWAY_MANIFEST_FILE} has no "installed" list to add '${code}' to`);
  const next = source.replace(list, (_, head: string, items: string) =>
    items.trim()
      ? `${head}${items.replace(/\s*$/, '')}, ${JSON.stringify(code)}]`
      : `${head}${JSON.stringify(code)}]`,
  );
  if (installedGatewayCodes(JSON.parse(next)).at(-1) !== code)
    throw new Error(`could not add '${code}' to ${GATEWAY_MANIFEST_FILE}`);
  tree.write(GATEWAY_MANIFEST_FILE, next);
}

/**
 * `nx g @payrail/plugin-sdk:gateway <name>`: a gateway plugin, its wire-compatible sandbox and
 * the conformance spec between them, green from the start. Outside the gateway's own folders it
 * writes one line: the gateway's code in `gateways.json`, which the API and the sandbox runner
 * read (the `@payrail/plugin-*` and `@payrail/sandbox/*` path aliases already cover the new
 * folders). The platform team then replaces the wire details with the real gateway's.
 */
export async function gatewayGenerator(tree: Tree, options: GatewayGeneratorSchema): Promise<void> {
  const names = gatewayNames(tree, options);
  const pluginRoot = `plugins/${names.name}`;
  const sandboxRoot = `apps/sandbox/src/${names.name}`;
  const project = `plugin-${names.name}`;
  if (
    tree.exists(pluginRoot) ||
    tree.exists(sandboxRoot) ||
    tree.exists(`apps/sandbox/specs/${names.name}`) ||
    getProjects(tree).has(project)
  )
    throw new Error(`a gateway '${names.name}' already exists (${pluginRoot} or ${sandboxRoot})`);

  const substitutions = { ...names, tmpl: '' };
  generateFiles(tree, join(__dirname, 'files', 'plugin'), pluginRoot, substitutions);
  generateFiles(tree, join(__dirname, 'files', 'sandbox'), sandboxRoot, substitutions);
  // Where the gateway's OpenAPI document will be vendored; `gateways:check` reads its version.
  generateFiles(tree, join(__dirname, 'files', 'specs'), `apps/sandbox/specs/${names.name}`, substitutions);
  addProjectConfiguration(tree, project, {
    root: pluginRoot,
    sourceRoot: `${pluginRoot}/src`,
    projectType: 'library',
    tags: ['type:plugin', `gateway:${names.name}`],
    targets: {},
    // Lint reads this: the SDK imports this plugin alone may use (none until it adopts the official SDK).
    metadata: { description: `The ${names.displayName} gateway plugin`, gatewaySdk: [] } as never,
  });
  // Nx leaves a hint key in a new project.json; the workspace's project files carry none.
  updateJson(tree, `${pluginRoot}/project.json`, (json) => {
    delete json['// targets'];
    return json;
  });
  install(tree, names.name);
  await formatFiles(tree);
}

export default gatewayGenerator;
