import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  signal,
  type OnInit,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import type { KbArticleResource, KbArticleWrite, KbDiffResource } from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { SessionStore } from '../../core/session.store';
import { SupportApi } from '../../core/support.api';
import { ProblemComponent } from '../../shared/problem.component';

interface Draft {
  slug: string;
  title: string;
  summary: string;
  symptoms: string;
  cause: string;
  resolution: string;
  audience: 'internal' | 'merchant';
  gateway: string;
  codes: string;
  gatewayCodes: string;
  customerMessage: string;
  tags: string;
  retryable: boolean;
  status: 'draft' | 'published';
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** One article: rendered (sanitized by the API), its history and diffs, and the editor with a preview for editors. */
@Component({
  selector: 'pr-kb-article',
  imports: [
    FormsModule,
    RouterLink,
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './article.page.scss',
  templateUrl: './article.page.html',
})
export class ArticlePage implements OnInit {
  private readonly api = inject(SupportApi);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  readonly slug = input.required<string>();
  readonly article = signal<KbArticleResource | null>(null);
  readonly editing = signal(false);
  readonly preview = signal<string | null>(null);
  readonly diff = signal<KbDiffResource | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
  readonly saving = signal(false);
  readonly canEdit = computed(() => (this.session.me(), this.session.can('update', 'KbArticle')));
  draft: Draft = this.blank();

  async ngOnInit(): Promise<void> {
    if (this.slug() === 'new') {
      this.editing.set(true);
      return;
    }
    await this.load();
  }

  edit(): void {
    const a = this.article();
    if (!a) return;
    this.draft = {
      slug: a.slug,
      title: a.title,
      summary: a.summary,
      symptoms: a.symptoms,
      cause: a.cause,
      resolution: a.resolution,
      audience: a.audience,
      gateway: a.gateway,
      codes: a.taxonomy_codes.join(', '),
      gatewayCodes: a.gateway_codes.join(', '),
      customerMessage: a.customer_message,
      tags: a.tags.join(', '),
      retryable: a.retryable,
      status: a.status,
    };
    this.preview.set(null);
    this.editing.set(true);
  }

  async showPreview(): Promise<void> {
    const d = this.draft;
    try {
      const { html } = await this.api.preview(
        `## Symptoms\n\n${d.symptoms}\n\n## Cause\n\n${d.cause}\n\n## Resolution\n\n${d.resolution}\n`,
      );
      this.preview.set(html);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  async save(): Promise<void> {
    const d = this.draft;
    const body: KbArticleWrite = {
      slug: d.slug,
      title: d.title,
      summary: d.summary,
      symptoms: d.symptoms,
      cause: d.cause,
      resolution: d.resolution,
      audience: d.audience,
      gateway: d.gateway || 'all',
      taxonomy_codes: list(d.codes),
      gateway_codes: list(d.gatewayCodes),
      customer_message: d.customerMessage,
      tags: list(d.tags),
      retryable: d.retryable,
      status: d.status,
    };
    this.saving.set(true);
    this.problem.set(null);
    try {
      const saved =
        this.slug() === 'new'
          ? await this.api.createArticle(body)
          : await this.api.updateArticle(this.slug(), body);
      this.article.set(saved);
      this.editing.set(false);
      if (saved.slug !== this.slug()) await this.router.navigate(['/kb', saved.slug]);
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.saving.set(false);
    }
  }

  async showDiff(version: number): Promise<void> {
    const a = this.article();
    if (!a || version < 2) return;
    try {
      this.diff.set(await this.api.diff(a.slug, version - 1, version));
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  diffLines(d: KbDiffResource): Array<{ kind: 'add' | 'del' | 'same'; text: string }> {
    return d.changes.flatMap((c) =>
      c.value
        .replace(/\n$/, '')
        .split('\n')
        .map((text) => ({
          kind: c.added ? ('add' as const) : c.removed ? ('del' as const) : ('same' as const),
          text,
        })),
    );
  }

  private async load(): Promise<void> {
    try {
      this.article.set(await this.api.article(this.slug()));
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  private blank(): Draft {
    return {
      slug: '',
      title: '',
      summary: '',
      symptoms: '',
      cause: '',
      resolution: '',
      audience: 'internal',
      gateway: 'all',
      codes: '',
      gatewayCodes: '',
      customerMessage: '',
      tags: '',
      retryable: false,
      status: 'draft',
    };
  }
}
