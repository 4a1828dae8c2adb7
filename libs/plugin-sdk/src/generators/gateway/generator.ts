import { join } from 'node:path';
import {
  addProjectConfiguration,
  formatFiles,
  generateFiles,
  getProjects,
  updateJson,
  type Tree,
} from '@nx/devkit';
import type { GatewayGeneratorSchema } from './schema';

const PLUGINS_LIST = 'apps/api/src/app/plugins.ts';
const SANDBOXES_LIST = 'apps/sandbox/src/sandboxes.ts';
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

/** Adds `import { <symbol> } from '<from>';` after the last import and `<symbol>` to the array `<list>`. */
function register(tree: Tree, file: string, list: string, symbol: string, from: string): void {
  const source = tree.read(file, 'utf8');
  if (source === null) throw new Error(`${file} is missing: it lists the installed gateways`);
  const imports = [...source.matchAll(/^import [^;]+;$/gm)];
  // Beside its siblings (the other plugins' or sandboxes' imports), else after the last import.
  const prefix = from.startsWith('./') ? "from './" : `from '${from.replace(/-[^-/]*$/, '-')}`;
  const siblings = imports.filter((m) => m[0].includes(prefix));
  const last = siblings[siblings.length - 1] ?? imports[imports.length - 1];
  const at = last ? (last.index ?? 0) + last[0].length : 0;
  let next = `${source.slice(0, at)}\nimport { ${symbol} } from '${from}';${source.slice(at)}`;
  const array = new RegExp(`(export const ${list}\\b[^=]*=\\s*\\[)([^\\]]*)\\]`);
  if (!array.test(next)) throw new Error(`${file} has no '${list}' array to add ${symbol} to`);
  next = next.replace(array, (_, head: string, items: string) => {
    const entries = items
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return `${head}${[...entries, symbol].join(', ')}]`;
  });
  tree.write(file, next);
}

/**
 * `nx g @payrail/plugin-sdk:gateway <name>`: a gateway plugin, its wire-compatible sandbox and
 * the conformance spec between them, registered with the API and the sandbox runner, green from
 * the start. The platform team then replaces the wire details with the real gateway's.
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
  updateJson(tree, 'tsconfig.base.json', (json) => {
    const paths: Record<string, string[]> = json.compilerOptions.paths ?? {};
    paths[`@payrail/plugin-${names.name}`] = [`${pluginRoot}/src/index.ts`];
    paths[`@payrail/sandbox/${names.name}`] = [`${sandboxRoot}/index.ts`];
    json.compilerOptions.paths = Object.fromEntries(
      Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)),
    );
    return json;
  });
  register(
    tree,
    PLUGINS_LIST,
    'INSTALLED',
    `${names.constantName}_DESCRIPTOR`,
    `@payrail/plugin-${names.name}`,
  );
  register(tree, SANDBOXES_LIST, 'SANDBOXES', `${names.constantName}_SANDBOX`, `./${names.name}`);
  await formatFiles(tree);
}

export default gatewayGenerator;
