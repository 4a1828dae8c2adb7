import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';

/**
 * Renders a Helm chart without Helm, for the chart's spec: the part of Go's text/template and
 * Sprig the chart uses — `{{ .Values.a.b }}`, `.Release.*`, `.Chart.*`, `define`/`include`,
 * `if`/`else`/`end` with `not`, and the pipes `quote`, `toYaml`, `nindent N`, `indent N` — with
 * `{{-`/`-}}` trimming. Anything else throws, so a template the spec cannot read fails loudly
 * instead of rendering wrongly.
 */
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; expr: string }
  | { kind: 'if'; expr: string; then: Node[]; else: Node[] };

interface Scope {
  Values: unknown;
  Release: Record<string, string>;
  Chart: Record<string, string>;
}

function tokenize(source: string): Array<{ text: string } | { action: string }> {
  const tokens: Array<{ text: string } | { action: string }> = [];
  const pattern = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    let text = source.slice(last, match.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (match[1] === '-') text = text.replace(/\s+$/, '');
    tokens.push({ text });
    if (!match[2].startsWith('/*')) tokens.push({ action: match[2] });
    trimNext = match[3] === '-';
    last = pattern.lastIndex;
  }
  let tail = source.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  tokens.push({ text: tail });
  return tokens;
}

function parseNodes(
  tokens: Array<{ text: string } | { action: string }>,
  defines: Map<string, Node[]>,
  at = { i: 0 },
  stopAt: string[] = [],
): { nodes: Node[]; stop?: string } {
  const nodes: Node[] = [];
  while (at.i < tokens.length) {
    const token = tokens[at.i++];
    if ('text' in token) {
      if (token.text) nodes.push({ kind: 'text', text: token.text });
      continue;
    }
    const action = token.action;
    if (stopAt.includes(action)) return { nodes, stop: action };
    const define = /^define "([^"]+)"$/.exec(action);
    if (define) {
      defines.set(define[1], parseNodes(tokens, defines, at, ['end']).nodes);
      continue;
    }
    if (action.startsWith('if ')) {
      const then = parseNodes(tokens, defines, at, ['else', 'end']);
      const otherwise = then.stop === 'else' ? parseNodes(tokens, defines, at, ['end']).nodes : [];
      nodes.push({ kind: 'if', expr: action.slice(3), then: then.nodes, else: otherwise });
      continue;
    }
    if (/^(range|with|else|end)\b/.test(action)) throw new Error(`unsupported template action: ${action}`);
    nodes.push({ kind: 'action', expr: action });
  }
  return { nodes };
}

function lookup(scope: Scope, path: string): unknown {
  let value: unknown = scope;
  for (const key of path.split('.').filter(Boolean)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const truthy = (v: unknown) =>
  !(v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && !v.length));

function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? stringify(value).trimEnd() : String(value);
}

function evaluate(expr: string, scope: Scope, defines: Map<string, Node[]>): unknown {
  const stages = expr.split('|').map((s) => s.trim());
  let value: unknown = command(stages[0], scope, defines);
  for (const stage of stages.slice(1)) {
    const [fn, arg] = stage.split(/\s+/);
    if (fn === 'quote') value = JSON.stringify(toText(value));
    else if (fn === 'toYaml') value = toText(value);
    else if (fn === 'nindent' || fn === 'indent') {
      const pad = ' '.repeat(Number(arg));
      const indented = toText(value)
        .split('\n')
        .map((line) => (line ? pad + line : line))
        .join('\n');
      value = fn === 'nindent' ? `\n${indented}` : indented;
    } else throw new Error(`unsupported template function: ${fn}`);
  }
  return value;
}

function command(text: string, scope: Scope, defines: Map<string, Node[]>): unknown {
  const include = /^include "([^"]+)" \.$/.exec(text);
  if (include) {
    const body = defines.get(include[1]);
    if (!body) throw new Error(`no template named ${include[1]}`);
    return render(body, scope, defines);
  }
  const not = /^not (\S+)$/.exec(text);
  if (not) return !truthy(command(not[1], scope, defines));
  const toYaml = /^toYaml (\S+)$/.exec(text);
  if (toYaml) return toText(command(toYaml[1], scope, defines));
  if (/^"[^"]*"$/.test(text)) return JSON.parse(text);
  if (text.startsWith('.')) return lookup(scope, text);
  throw new Error(`unsupported template expression: ${text}`);
}

function render(nodes: Node[], scope: Scope, defines: Map<string, Node[]>): string {
  return nodes
    .map((node) => {
      if (node.kind === 'text') return node.text;
      if (node.kind === 'action') return toText(evaluate(node.expr, scope, defines));
      return render(truthy(evaluate(node.expr, scope, defines)) ? node.then : node.else, scope, defines);
    })
    .join('');
}

export interface RenderedChart {
  /** Every Kubernetes object the templates produce, with the template each came from. */
  objects: Array<{ template: string; object: any }>;
  values: any;
}

/** Renders `chartDir` with its values.yaml, overridden (deeply) by `overrides`. */
export function renderChart(chartDir: string, overrides: Record<string, unknown> = {}): RenderedChart {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
  const values = merge(parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')), overrides);
  const scope: Scope = {
    Values: values,
    Release: { Name: 'rel', Namespace: 'payments', Service: 'Helm' },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
  };
  const defines = new Map<string, Node[]>();
  const templates = readdirSync(join(chartDir, 'templates')).sort();
  const parsed = templates.map((file) => ({
    file,
    nodes: parseNodes(tokenize(readFileSync(join(chartDir, 'templates', file), 'utf8')), defines).nodes,
  }));
  const objects: RenderedChart['objects'] = [];
  for (const { file, nodes } of parsed) {
    if (!file.endsWith('.yaml')) continue;
    for (const document of parseAllDocuments(render(nodes, scope, defines))) {
      if (document.errors.length) throw new Error(`${file}: ${document.errors[0].message}`);
      const object = document.toJSON();
      if (object) objects.push({ template: file, object });
    }
  }
  return { objects, values };
}

function merge(base: any, extra: Record<string, unknown>): any {
  const out = { ...base };
  for (const [key, value] of Object.entries(extra))
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value)
        ? merge(base?.[key] ?? {}, value as never)
        : value;
  return out;
}
