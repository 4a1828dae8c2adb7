import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiError, type AdminList, type KbArticleResource, type KbDiffResource } from '@payrail/api-contract';
import { ApiKeyAuth, CurrentAdmin, RequirePolicy, type AdminPrincipal } from '@payrail/identity';
import { adminContext } from '../admin-context';
import {
  KbArticleCreateDto,
  KbArticlePatchDto,
  KbDiffQuery,
  KbImportDto,
  KbListQuery,
  KbPreviewDto,
} from './kb.dto';
import { fromMarkdownFile, KbFormatError, renderMarkdown, toMarkdownFile } from './kb-markdown';
import { KbLinks } from './kb-links';
import { fieldsFromWire, NEW_ARTICLE, presentArticle } from './kb.presenter';
import { fieldsOf, KbService } from './kb.service';

/** Editors (who may update articles) see drafts; everyone else reads what is published. */
const isEditor = (admin: AdminPrincipal) => admin.ability.can('update', 'KbArticle');

/** The console's knowledge base: search, read, write, history and diffs, import and export. */
@ApiTags('admin')
@Controller('admin/kb')
export class KbAdminController {
  constructor(
    private readonly kb: KbService,
    private readonly links: KbLinks,
  ) {}

  @Get('articles')
  @RequirePolicy('read', 'KbArticle')
  @ApiOperation({ summary: 'Articles; with q, a search best first, each hit with its highlighted snippet' })
  async list(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: KbListQuery,
  ): Promise<AdminList<KbArticleResource>> {
    const page = await this.kb.list({
      q: query.q,
      gateway: query.gateway,
      code: query.code,
      status: query.status,
      includeDrafts: isEditor(admin),
      limit: query.limit ?? 25,
    });
    return {
      object: 'list',
      data: page.data.map((r) =>
        presentArticle(r.article, this.links.url(r.article.slug), { snippet: r.snippet }),
      ),
      has_more: page.hasMore,
    };
  }

  @Post('articles')
  @RequirePolicy('create', 'KbArticle')
  @ApiOperation({ summary: 'Write a new article (a draft unless status says published)' })
  async create(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Body() body: KbArticleCreateDto,
  ): Promise<KbArticleResource> {
    const fields = { ...NEW_ARTICLE, ...fieldsFromWire(body), slug: body.slug, title: body.title };
    const article = await this.kb.create(fields, adminContext(admin, req), admin.userId);
    return presentArticle(article, this.links.url(article.slug), {
      versions: await this.kb.versions(article.id),
    });
  }

  @Get('articles/:slug')
  @RequirePolicy('read', 'KbArticle')
  @ApiOperation({ summary: 'One article with its versions' })
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('slug') slug: string): Promise<KbArticleResource> {
    const article = await this.kb.get(slug, { includeDrafts: isEditor(admin) });
    return presentArticle(article, this.links.url(article.slug), {
      versions: await this.kb.versions(article.id),
    });
  }

  @Patch('articles/:slug')
  @RequirePolicy('update', 'KbArticle')
  @ApiOperation({ summary: 'Edit an article: it moves to a new version, the previous one is kept' })
  async update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('slug') slug: string,
    @Body() body: KbArticlePatchDto,
  ): Promise<KbArticleResource> {
    const article = await this.kb.update(slug, fieldsFromWire(body), adminContext(admin, req), admin.userId);
    return presentArticle(article, this.links.url(article.slug), {
      versions: await this.kb.versions(article.id),
    });
  }

  @Get('articles/:slug/diff')
  @RequirePolicy('read', 'KbArticle')
  @ApiOperation({ summary: 'The changes between two versions of an article' })
  async diff(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('slug') slug: string,
    @Query() query: KbDiffQuery,
  ): Promise<KbDiffResource> {
    const article = await this.kb.get(slug, { includeDrafts: isEditor(admin) });
    return {
      object: 'kb_diff',
      slug,
      from: query.from,
      to: query.to,
      ...(await this.kb.diff(article, query.from, query.to)),
    };
  }

  @Get('articles/:slug/markdown')
  @RequirePolicy('read', 'KbArticle')
  @ApiOperation({ summary: 'An article as a Markdown file with front matter' })
  async markdown(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('slug') slug: string,
  ): Promise<{ slug: string; markdown: string }> {
    const article = await this.kb.get(slug, { includeDrafts: isEditor(admin) });
    return { slug, markdown: toMarkdownFile(fieldsOf(article)) };
  }

  @Post('preview')
  @HttpCode(200)
  @RequirePolicy('update', 'KbArticle')
  @ApiOperation({ summary: 'Markdown rendered as an article would be, sanitized' })
  preview(@Body() body: KbPreviewDto): { html: string } {
    return { html: renderMarkdown(body.markdown) };
  }

  @Get('export')
  @RequirePolicy('export', 'KbArticle')
  @ApiOperation({ summary: 'Every article as a Markdown file with front matter, to keep in git' })
  async export(
    @CurrentAdmin() admin: AdminPrincipal,
  ): Promise<AdminList<{ slug: string; filename: string; markdown: string }>> {
    const files = await this.kb.exportAll(isEditor(admin));
    return { object: 'list', data: files.map((f) => ({ ...f, filename: `${f.slug}.md` })), has_more: false };
  }

  @Post('import')
  @HttpCode(200)
  @RequirePolicy('update', 'KbArticle')
  @ApiOperation({ summary: 'Create or update articles from Markdown files with front matter, all or none' })
  async import(@CurrentAdmin() admin: AdminPrincipal, @Req() req: Request, @Body() body: KbImportDto) {
    const files = body.files.map((file, i) => {
      try {
        return fromMarkdownFile(file);
      } catch (error) {
        if (error instanceof KbFormatError) throw ApiError.invalid(`files[${i}]`, error.message);
        throw error;
      }
    });
    return { object: 'kb_import', ...(await this.kb.import(files, adminContext(admin, req), admin.userId)) };
  }
}

/** Merchant-audience articles, readable with a merchant's key: where an error's `doc_url` leads an integrator. */
@ApiTags('v1')
@Controller('v1/kb')
@ApiKeyAuth('payments:read')
export class KbMerchantController {
  constructor(
    private readonly kb: KbService,
    private readonly links: KbLinks,
  ) {}

  @Get('articles/:slug')
  @ApiOperation({ summary: 'A published merchant-audience article' })
  async get(@Param('slug') slug: string): Promise<KbArticleResource> {
    const article = await this.kb.get(slug, { includeDrafts: false, audience: 'merchant' });
    const { updated_by: _hidden, ...resource } = presentArticle(article, this.links.url(article.slug));
    return { ...resource, updated_by: null };
  }
}
