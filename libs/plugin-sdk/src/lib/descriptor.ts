import type { DynamicModule } from '@nestjs/common';
import { registerSecretPatterns } from './redact';

/** A card a gateway's sandbox answers in a documented way, offered by the virtual terminal. */
export interface SandboxTestCard {
  number: string;
  label: string;
  /** What the sandbox does with it: `succeeds`, `declines (card_declined)`… */
  outcome: string;
}

/**
 * What the core knows of a gateway's local sandbox: data only. Production code never imports
 * a sandbox, so the factory that starts one lives in its `SandboxDescriptor`, joined by `code`.
 */
export interface GatewaySandboxFacts {
  /** Where the sandbox listens unless `PAYRAIL_SANDBOX_<CODE>_PORT` says otherwise. */
  defaultPort: number;
  /** The test connection values the sandbox accepts out of the box (test credentials only). */
  connectionValues: Readonly<Record<string, string>>;
  testCards: readonly SandboxTestCard[];
}

/** The gateway API version a plugin speaks, and where it says so on the wire. */
export interface GatewayApiVersion {
  value: string;
  /** The request header that carries it (`Stripe-Version`); absent when the version is in the path. */
  header?: string;
}

/** Everything the core and the tooling need to know about one installed gateway plugin. */
export interface GatewayDescriptor {
  /** The gateway code: connections, payments and routes name the gateway by it. */
  readonly code: string;
  readonly displayName: string;
  /** The plugin's own version. */
  readonly version: string;
  /** The official SDK the plugin is built on; null while it speaks HTTP itself (a generated skeleton). */
  readonly sdk: { readonly package: string; readonly version: string } | null;
  readonly apiVersion: GatewayApiVersion;
  /** The plugin's Nest module, with this descriptor provided for discovery. */
  module(): DynamicModule;
  /** Shapes of the gateway's keys and tokens, masked wherever Payrail redacts. */
  readonly secretPatterns: readonly RegExp[];
  /** Lower-case names of the headers that carry the gateway's webhook signature (kept with inbox events). */
  readonly webhookSignatureHeaders: readonly string[];
  readonly sandbox: GatewaySandboxFacts;
}

export type GatewayDescriptorInput = Omit<GatewayDescriptor, 'module'> & {
  /** The plugin module as its `forRoot()` builds it. */
  plugin: () => DynamicModule;
};

/** The token a plugin module provides its descriptor under; the gateway registry discovers it. */
export const GATEWAY_DESCRIPTOR = Symbol.for('payrail.gateway-descriptor');

const CODE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The environment variable that moves a gateway's sandbox off its default port. */
export function sandboxPortVariable(code: string): string {
  return `PAYRAIL_SANDBOX_${code.toUpperCase().replace(/-/g, '_')}_PORT`;
}

function checkPort(code: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`gateway '${code}': sandbox defaultPort must be an integer from 1 to 65535, not ${port}`);
}

/**
 * Declares a gateway plugin. Its secret patterns join the redactor at once, so any process that
 * loads the plugin masks its keys; `module()` builds the plugin with the descriptor beside it.
 */
export function defineGateway(input: GatewayDescriptorInput): GatewayDescriptor {
  const { plugin, ...facts } = input;
  if (!CODE.test(facts.code))
    throw new Error(`gateway code '${facts.code}' must be lower-case letters and digits, dash-separated`);
  checkPort(facts.code, facts.sandbox.defaultPort);
  for (const header of facts.webhookSignatureHeaders)
    if (header !== header.toLowerCase())
      throw new Error(`gateway '${facts.code}': webhook header '${header}' must be lower case`);
  for (const pattern of facts.secretPatterns)
    if (!pattern.global)
      throw new Error(`gateway '${facts.code}': secret pattern ${pattern} needs the g flag`);
  registerSecretPatterns(facts.code, facts.secretPatterns);
  const descriptor: GatewayDescriptor = {
    ...facts,
    module: () => {
      const built = plugin();
      const providers = (built.providers ?? []).filter(
        (p) => !(typeof p === 'object' && 'provide' in p && p.provide === GATEWAY_DESCRIPTOR),
      );
      return { ...built, providers: [...providers, { provide: GATEWAY_DESCRIPTOR, useValue: descriptor }] };
    },
  };
  return Object.freeze(descriptor);
}

/** A running sandbox, as its factory returns it. */
export interface RunningSandbox {
  url: string;
  close(): Promise<void>;
}

/**
 * The development side of a gateway: how to start its wire-compatible sandbox. It lives with the
 * sandbox, never in the plugin's production entry, and names its gateway by `code`.
 */
export interface SandboxDescriptor {
  readonly code: string;
  readonly defaultPort: number;
  /** The test connection values this sandbox accepts out of the box; the plugin's descriptor must match. */
  readonly connectionValues: Readonly<Record<string, string>>;
  /** The gateway API version the sandbox implements; `node scripts/gateways-check.mjs` compares it with the SDK's. */
  readonly apiVersion?: string;
  start(options: { host?: string; port: number }): Promise<RunningSandbox>;
}

export function defineSandbox(input: SandboxDescriptor): SandboxDescriptor {
  if (!CODE.test(input.code))
    throw new Error(`sandbox code '${input.code}' must be lower-case letters and digits, dash-separated`);
  checkPort(input.code, input.defaultPort);
  return Object.freeze({ ...input });
}
