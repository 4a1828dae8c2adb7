import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { ApiKeyResource, CreateApiKeyResponse, MerchantResource } from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { SessionStore } from '../../core/session.store';
import { ProblemComponent } from '../../shared/problem.component';
import { SecretOnceComponent } from '../../shared/secret-once.component';

@Component({
  selector: 'pr-api-keys',
  imports: [
    FormsModule,
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ProblemComponent,
    SecretOnceComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './api-keys.page.scss',
  templateUrl: './api-keys.page.html',
})
export class ApiKeysPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(SessionStore);
  readonly keys = signal<ApiKeyResource[]>([]);
  readonly merchants = signal<MerchantResource[]>([]);
  readonly created = signal<CreateApiKeyResponse | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
  readonly canCreate = computed(() => (this.session.me(), this.session.can('create', 'ApiKey')));
  readonly canRevoke = computed(() => (this.session.me(), this.session.can('delete', 'ApiKey')));
  merchantId = '';
  name = '';
  mode: 'test' | 'live' = 'test';

  async ngOnInit(): Promise<void> {
    await this.load();
    if (this.canCreate()) {
      const merchants = (await this.api.merchants().catch(() => ({ data: [] as MerchantResource[] }))).data;
      this.merchants.set(merchants);
      this.merchantId = merchants.find((m) => m.is_default)?.id ?? merchants[0]?.id ?? '';
    }
  }

  async create(): Promise<void> {
    this.problem.set(null);
    try {
      this.created.set(
        await this.api.createApiKey({
          merchant_id: this.merchantId,
          name: this.name.trim() || undefined,
          mode: this.mode,
        }),
      );
      await this.load();
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  async revoke(key: ApiKeyResource): Promise<void> {
    if (!confirm(`Revoke ${key.name} (${key.prefix}…)? Apps using it stop working at once.`)) return;
    try {
      await this.api.revokeApiKey(key.id);
      await this.load();
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  private async load(): Promise<void> {
    try {
      this.keys.set((await this.api.apiKeys()).data);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
