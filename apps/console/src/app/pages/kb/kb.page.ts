import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';
import type { KbArticleResource } from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { SessionStore } from '../../core/session.store';
import { SupportApi } from '../../core/support.api';
import { ProblemComponent } from '../../shared/problem.component';

/** The knowledge base: search with highlighted passages, or browse by gateway and code. */
@Component({
  selector: 'pr-kb',
  imports: [FormsModule, RouterLink, MatButtonModule, MatFormFieldModule, MatInputModule, ProblemComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './kb.page.scss',
  templateUrl: './kb.page.html',
})
export class KnowledgeBasePage implements OnInit {
  private readonly api = inject(SupportApi);
  private readonly session = inject(SessionStore);
  readonly articles = signal<KbArticleResource[]>([]);
  readonly searched = signal('');
  readonly problem = signal<ApiProblem | null>(null);
  readonly canEdit = computed(() => (this.session.me(), this.session.can('update', 'KbArticle')));
  q = '';
  gateway = '';
  code = '';

  ngOnInit(): void {
    void this.search();
  }

  async search(): Promise<void> {
    this.problem.set(null);
    try {
      const page = await this.api.articles({ q: this.q, gateway: this.gateway, code: this.code, limit: 100 });
      this.articles.set(page.data);
      this.searched.set(this.q.trim());
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
