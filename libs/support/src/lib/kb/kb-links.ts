import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ERROR_TAXONOMY, isGatewayErrorCode } from '@payrail/plugin-sdk';
import { SUPPORT_OPTIONS, type SupportOptions } from '../support.options';
import { KbArticle } from './kb-article.entity';

export interface KbArticleLink {
  slug: string;
  title: string;
  summary: string;
  resolution: string;
  customer_message: string;
  retryable: boolean;
  gateway: string;
  url: string;
}

/** How long an instance trusts its map before reading the articles again (others may have edited). */
const REFRESH_MS = 60_000;

/**
 * Which published article answers a code: the taxonomy code's general article, and the
 * gateway's own code's article. Held in memory and refreshed on every edit here and once a
 * minute, so the payment path and the error filter look it up without a query.
 */
@Injectable()
export class KbLinks {
  private readonly logger = new Logger('KbLinks');
  private byKey = new Map<string, KbArticleLink>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SUPPORT_OPTIONS) private readonly options: SupportOptions,
  ) {}

  url(slug: string): string {
    return `${this.options.publicUrl.replace(/\/+$/, '')}/kb/${slug}`;
  }

  /** The console URL of the article for an error: the gateway code's when there is one, else the taxonomy code's. */
  docUrl(code: string, gateway?: string | null, gatewayCode?: string | null): string | undefined {
    this.refreshIfStale();
    const specific = gateway && gatewayCode ? this.gatewayArticle(gateway, gatewayCode) : undefined;
    const general = this.byKey.get(`all:${code}`);
    if (specific) return specific.url;
    if (general) return general.url;
    // Before the first load the taxonomy's own article names are right for a seeded knowledge base.
    if (!this.loadedAt && isGatewayErrorCode(code))
      return this.url(ERROR_TAXONOMY[code].article.replace(/^kb\//, ''));
    return undefined;
  }

  /** The articles for a failure, the gateway's own first. */
  async forFailure(
    code: string | null,
    gateway: string | null,
    gatewayCode: string | null,
  ): Promise<KbArticleLink[]> {
    if (!this.loadedAt || Date.now() - this.loadedAt > REFRESH_MS) await this.load();
    const out: KbArticleLink[] = [];
    const specific = gateway && gatewayCode ? this.gatewayArticle(gateway, gatewayCode) : undefined;
    if (specific) out.push(specific);
    const general = code ? this.byKey.get(`all:${code}`) : undefined;
    if (general && general !== specific) out.push(general);
    return out;
  }

  invalidate(): void {
    this.loadedAt = 0;
    void this.load();
  }

  async load(): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = (async () => {
      try {
        const rows = await this.dataSource.getRepository(KbArticle).findBy({ status: 'published' });
        const next = new Map<string, KbArticleLink>();
        for (const a of rows) {
          const link: KbArticleLink = {
            slug: a.slug,
            title: a.title,
            summary: a.summary,
            resolution: a.resolution,
            customer_message: a.customerMessage,
            retryable: a.retryable,
            gateway: a.gateway,
            url: this.url(a.slug),
          };
          if (a.gateway === 'all')
            for (const c of a.taxonomyCodes) if (!next.has(`all:${c}`)) next.set(`all:${c}`, link);
          for (const c of a.gatewayCodes)
            if (!next.has(`${a.gateway}:${c}`)) next.set(`${a.gateway}:${c}`, link);
        }
        this.byKey = next;
        this.loadedAt = Date.now();
      } catch (error) {
        this.logger.warn(`could not read the knowledge base's links: ${(error as Error).message}`);
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  private gatewayArticle(gateway: string, gatewayCode: string): KbArticleLink | undefined {
    return (
      this.byKey.get(`${gateway}:${gatewayCode}`) ??
      // PayPal's declines carry the processor's response code behind a label.
      this.byKey.get(`${gateway}:${gatewayCode.replace(/^processor_response\s+/, '')}`)
    );
  }

  private refreshIfStale(): void {
    if (this.loadedAt && Date.now() - this.loadedAt > REFRESH_MS) void this.load();
  }
}
