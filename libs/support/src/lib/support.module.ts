import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '@payrail/identity';
import { KbArticle } from './kb/kb-article.entity';
import { KbArticleVersion } from './kb/kb-article-version.entity';
import { KbAdminController, KbMerchantController } from './kb/kb.controller';
import { KbLinks } from './kb/kb-links';
import { KbSearch } from './kb/kb-search';
import { readSeed } from './kb/kb-seed';
import { KbService } from './kb/kb.service';
import { SUPPORT_OPTIONS, type SupportOptions } from './support.options';

export const SUPPORT_ENTITIES = [KbArticle, KbArticleVersion];

/** Seeds the knowledge base on first start and loads the code → article map before traffic. */
@Injectable()
class SupportStartup implements OnApplicationBootstrap {
  constructor(
    @Inject(SUPPORT_OPTIONS) private readonly options: SupportOptions,
    private readonly kb: KbService,
    private readonly links: KbLinks,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dir = this.options.seedDir;
    if (dir) await this.kb.seedIfEmpty(() => readSeed(dir));
    await this.links.load();
  }
}

/** The knowledge base, the issue log and support cases. Global: the API's error filter and the payments' detail read its links. */
@Global()
@Module({})
export class SupportModule {
  static forRoot(options: SupportOptions): DynamicModule {
    return {
      module: SupportModule,
      imports: [TypeOrmModule.forFeature(SUPPORT_ENTITIES), IdentityModule],
      controllers: [KbAdminController, KbMerchantController],
      providers: [
        { provide: SUPPORT_OPTIONS, useValue: options },
        KbSearch,
        KbLinks,
        KbService,
        SupportStartup,
      ],
      exports: [KbLinks, KbService],
    };
  }
}
