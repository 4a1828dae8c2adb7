import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) dir = dirname(dir);
  return dir;
}

const root = workspaceRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('the compliance documents', () => {
  it('name only code and tests that exist in the PCI DSS table', () => {
    const table = read('docs/compliance/pci-dss.md')
      .split('\n')
      .filter((line) => /^\| \d/.test(line));
    expect(table.length).toBeGreaterThanOrEqual(11);
    const paths = table.flatMap((line) => [...line.matchAll(/`([\w./-]+\.(?:ts|mjs))`/g)].map((m) => m[1]));
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });

  it('cover the requirements Payrail claims', () => {
    const requirements = read('docs/compliance/pci-dss.md')
      .split('\n')
      .filter((line) => /^\| \d/.test(line))
      .map((line) => line.split('|')[1].trim());
    expect(requirements).toEqual([
      '3.3',
      '3.4.1',
      '3.5.1',
      '3.6–3.7',
      '4.2.1',
      '6.2.4',
      '8.2.8',
      '8.3.4',
      '8.3.6',
      '8.4',
      '10.2–10.5',
    ]);
  });

  it('link only documents that exist', () => {
    for (const doc of [
      'docs/compliance/pci-dss.md',
      'docs/compliance/gdpr-ccpa.md',
      'docs/compliance/README.md',
      'SECURITY.md',
    ]) {
      const links = [...read(doc).matchAll(/\]\(([^)#]+)\)/g)]
        .map((m) => m[1])
        .filter((l) => !/^https?:/.test(l));
      const missing = links.filter((link) => !existsSync(join(root, dirname(doc), link)));
      expect([doc, missing]).toEqual([doc, []]);
    }
  });

  it('describe the routes the API serves', () => {
    const gdpr = read('docs/compliance/gdpr-ccpa.md');
    for (const route of ['/admin/privacy/requests', '/admin/privacy/holds', '/admin/privacy/retention'])
      expect(gdpr).toContain(route);
    const controller = read('apps/api/src/privacy/privacy-requests.controller.ts');
    expect(controller).toContain("@Controller('admin/privacy')");
  });
});
