import { Inject, Injectable, Logger } from '@nestjs/common';
import { SYSTEM_ACTOR } from '@payrail/audit';
import { ConnectionService, GatewayRegistry } from '@payrail/gateways';
import { MerchantService, OwnerBootstrapService } from '@payrail/identity';
import { RecoveryService } from '@payrail/payments';
import { canLoadSdkAhead, canRegisterWebhooks } from '@payrail/plugin-sdk';
import { SupportStartup } from '@payrail/support';
import { AlertConfigService } from '../alerts/alert-config.service';
import { PAYRAIL_CONFIG, type PayrailConfig } from './config';
import { sandboxConnections } from './sandbox-connections';

export const SEED_OPTIONS = Symbol.for('payrail.seed-options');
export interface SeedOptions {
  /** Create the default merchant's sandbox connections (the API does; the CLI doesn't). */
  sandboxConnections: boolean;
  /** Print a generated owner password (the API does once, on first start). */
  announce: (message: string) => void;
}

/** What a fresh database needs: the default merchant, the first owner, and (with the sandboxes on) test connections to them. */
@Injectable()
export class BootstrapService {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(PAYRAIL_CONFIG) private readonly config: PayrailConfig,
    @Inject(SEED_OPTIONS) private readonly options: SeedOptions,
    private readonly merchants: MerchantService,
    private readonly owners: OwnerBootstrapService,
    private readonly connections: ConnectionService,
    private readonly registry: GatewayRegistry,
    private readonly recovery: RecoveryService,
    private readonly support: SupportStartup,
    private readonly alerts: AlertConfigService,
  ) {}

  /**
   * What every role loads once the schema is current, before it reports ready: the knowledge
   * base (seeded when empty) and its links, the shipped alert rules on first start, and the SDK of
   * each gateway that has a connection.
   */
  async prepare(): Promise<void> {
    await this.support.start();
    await this.alerts.seedDefaults();
    await this.loadGatewaySdks();
  }

  /**
   * The plugins load their SDKs on first use, so an instance spares the heap of gateways it never
   * calls. A gateway with a connection will be called: loading its SDK here (over a second for
   * Square's on a busy machine) keeps that wait off the first payment after a start or a restart.
   */
  private async loadGatewaySdks(): Promise<void> {
    for (const code of await this.connections.gatewaysInUse()) {
      const gateway = this.registry.get(code);
      if (gateway && canLoadSdkAhead(gateway)) gateway.loadSdk();
    }
  }

  async seed(): Promise<void> {
    const merchant = await this.merchants.ensureDefault();
    const owner = await this.owners.ensureFirstOwner(this.config.adminEmail, this.config.adminPassword);
    if (owner?.generatedPassword) {
      this.options.announce(
        `First owner created: ${owner.email} with password ${owner.generatedPassword} (shown once; change it after signing in)`,
      );
    } else if (owner) {
      this.logger.log(`first owner created: ${owner.email}`);
    }
    if (this.options.sandboxConnections && this.config.sandbox)
      await this.seedSandboxConnections(merchant.id);
  }

  /** A sweep at start-up settles calls a crash left in doubt; it runs in the background. */
  startRecovery(): void {
    void this.recovery
      .sweep()
      .catch((error: Error) => this.logger.error(`start-up recovery failed: ${error.message}`));
  }

  private async seedSandboxConnections(merchantId: string): Promise<void> {
    const defaults = sandboxConnections(this.config);
    const existing = await this.connections.findForMerchant(merchantId);
    let hasDefault = existing.some((c) => c.isDefault);
    for (const code of this.config.plugins) {
      const gateway = this.registry.get(code);
      const sandbox = defaults[code];
      if (!gateway || !sandbox || existing.some((c) => c.gateway === code && c.mode === 'test')) continue;
      // Checked once its webhook is registered, below.
      let record = await this.connections.create(
        {
          merchantId,
          gateway: code,
          mode: 'test',
          name: `${gateway.displayName} sandbox`,
          values: sandbox.values,
          baseUrl: sandbox.baseUrl,
          isDefault: !hasDefault,
        },
        SYSTEM_ACTOR,
        { check: false },
      );
      hasDefault = true;
      try {
        if (canRegisterWebhooks(gateway)) {
          const registered = await gateway.registerWebhook(
            await this.connections.toGatewayConnection(record),
            { url: `${this.config.publicUrl}/webhooks/${record.id}` },
          );
          if (registered.ok) record = await this.connections.updateValues(record, registered.value.values);
          else
            this.logger.warn(`could not register the ${code} sandbox webhook: ${registered.error.message}`);
        }
        record = await this.connections.recheck(record.id);
      } catch (error) {
        this.logger.warn(
          `the ${code} sandbox did not answer (${(error as Error).message}); its connection was created without a check`,
        );
      }
      this.logger.log(
        `default merchant: test connection ${record.id} to the ${code} sandbox at ${sandbox.baseUrl}`,
      );
    }
  }
}
