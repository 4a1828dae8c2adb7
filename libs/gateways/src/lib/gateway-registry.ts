import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { isGatewayClass, type PaymentGateway } from '@payrail/plugin-sdk';

/** Finds every provider a plugin registered with `@RegisterGateway()`. */
@Injectable()
export class GatewayRegistry implements OnModuleInit {
  private readonly gateways = new Map<string, PaymentGateway>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as PaymentGateway | undefined;
      const type = (wrapper.metatype ?? instance?.constructor) as Parameters<typeof isGatewayClass>[0];
      if (!instance || !isGatewayClass(type)) continue;
      if (this.gateways.has(instance.code))
        throw new Error(`two plugins register the gateway code '${instance.code}'`);
      this.gateways.set(instance.code, instance);
    }
  }

  get(code: string): PaymentGateway | undefined {
    return this.gateways.get(code);
  }

  list(): PaymentGateway[] {
    return [...this.gateways.values()];
  }
}
