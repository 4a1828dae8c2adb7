import { Global, Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '@payrail/identity';
import { FAILURE_ARTICLES, PaymentsModule } from '@payrail/payments';
import { SlaPolicy, SupportCalendar, SupportCase, SupportCaseEvent } from './cases/case.entities';
import { CaseNotifier } from './cases/case-notifier';
import { CaseSlaService } from './cases/case-sla.service';
import { CasesController, SupportPoliciesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { SupportClock } from './cases/support-clock';
import { SupportPoliciesService } from './cases/support-policies.service';
import { Issue, IssueDay, IssuePayment } from './issues/issue.entity';
import { IssueFeed } from './issues/issue-feed';
import { IssueRecorder } from './issues/issue-recorder';
import { IssuesController } from './issues/issues.controller';
import { IssuesService } from './issues/issues.service';
import { KbArticle } from './kb/kb-article.entity';
import { KbArticleVersion } from './kb/kb-article-version.entity';
import { KbAdminController, KbMerchantController } from './kb/kb.controller';
import { KbLinks } from './kb/kb-links';
import { KbSearch } from './kb/kb-search';
import { readSeed } from './kb/kb-seed';
import { KbService } from './kb/kb.service';
import { SUPPORT_OPTIONS, type SupportOptions } from './support.options';

export const SUPPORT_ENTITIES = [
  KbArticle,
  KbArticleVersion,
  Issue,
  IssuePayment,
  IssueDay,
  SupportCalendar,
  SlaPolicy,
  SupportCase,
  SupportCaseEvent,
];

/**
 * Seeds the knowledge base and the default SLA policies on first start, and loads the code →
 * article map before traffic. The application calls `start()` once the schema is current (an
 * instance started before `payrail migrate` waits for it), not at bootstrap.
 */
@Injectable()
export class SupportStartup {
  constructor(
    @Inject(SUPPORT_OPTIONS) private readonly options: SupportOptions,
    private readonly kb: KbService,
    private readonly links: KbLinks,
    private readonly policies: SupportPoliciesService,
  ) {}

  async start(): Promise<void> {
    const dir = this.options.seedDir;
    if (dir) await this.kb.seedIfEmpty(() => readSeed(dir));
    await this.links.load();
    await this.policies.seedIfEmpty();
  }
}

/** The knowledge base, the issue log and support cases. Global: the API's error filter and the payments' detail read its links. */
@Global()
@Module({})
export class SupportModule {
  static forRoot(options: SupportOptions): DynamicModule {
    return {
      module: SupportModule,
      imports: [TypeOrmModule.forFeature(SUPPORT_ENTITIES), IdentityModule, PaymentsModule],
      controllers: [
        KbAdminController,
        KbMerchantController,
        IssuesController,
        CasesController,
        SupportPoliciesController,
      ],
      providers: [
        { provide: SUPPORT_OPTIONS, useValue: options },
        KbSearch,
        KbLinks,
        { provide: FAILURE_ARTICLES, useExisting: KbLinks },
        KbService,
        SupportStartup,
        IssueRecorder,
        IssueFeed,
        IssuesService,
        SupportClock,
        SupportPoliciesService,
        CaseNotifier,
        CasesService,
        CaseSlaService,
      ],
      exports: [
        SupportStartup,
        KbLinks,
        KbService,
        FAILURE_ARTICLES,
        IssueRecorder,
        SupportClock,
        CaseSlaService,
        CasesService,
      ],
    };
  }
}
