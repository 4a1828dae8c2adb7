import type { KbArticleLinkResource } from '@payrail/api-contract';

/** Which knowledge-base articles explain a failure; provided by the knowledge base when it is composed. */
export const FAILURE_ARTICLES = Symbol.for('payrail.failure-articles');

export interface FailureArticles {
  forFailure(
    code: string | null,
    gateway: string | null,
    gatewayCode: string | null,
  ): Promise<KbArticleLinkResource[]>;
}
