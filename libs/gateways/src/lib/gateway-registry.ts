import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  GATEWAY_DESCRIPTOR,
  isGatewayClass,
  type GatewayDescriptor,
  type PaymentGateway,
} from '@payrail/plugin-sdk';

/**
 * Finds every provider a plugin registered with `@RegisterGateway()`, and the descriptor each
 * plugin module composed through its descriptor provides beside it.
 */
@Injectable()
export class GatewayRegistry implements OnModuleInit {
  private readonly gateways = new Map<string, PaymentGateway>();
  private readonly descriptors = new Map<string, GatewayDescriptor>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (wrapper.token === GATEWAY_DESCRIPTOR) {
        const descriptor = wrapper.instance as GatewayDescriptor;
        this.descriptors.set(descriptor.code, descriptor);
        continue;
      }
      const instance = wrapper.instance as PaymentGateway | undefined;
      const type = (wrapper.metatype ?? instance?.constructor) as Parameters<typeof isGatewayClass>[0];
      if (!instance || !isGatewayClass(type)) continue;
      if (this.gateways.has(instance.code))
        throw new Error(`two plugins register the gateway code '${instance.code}'`);
      this.gateways.set(instance.code, instance);
    }
    for (const descriptor of this.descriptors.values()) {
      const gateway = this.gateways.get(descriptor.code);
      if (!gateway)
        throw new Error(`the '${descriptor.code}' plugin module provides no gateway of that code`);
      if (gateway.displayName !== descriptor.displayName || gateway.version !== descriptor.version)
        throw new Error(
          `the '${descriptor.code}' gateway says ${gateway.displayName} ${gateway.version}, its descriptor ${descriptor.displayName} ${descriptor.version}`,
        );
    }
  }

  get(code: string): PaymentGateway | undefined {
    return this.gateways.get(code);
  }

  list(): PaymentGateway[] {
    return [...this.gateways.values()];
  }

  /** The plugin's descriptor; absent for a gateway module composed without one (test doubles). */
  descriptor(code: string): GatewayDescriptor | undefined {
    return this.descriptors.get(code);
  }
}
