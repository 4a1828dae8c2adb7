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
  styles: `
    td,
    th {
      padding: 8px;
      text-align: left;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
  `,
  template: `
    <div class="page">
      <h1>API keys</h1>
      <pr-problem [problem]="problem()" />
      @if (canCreate()) {
        <section class="card">
          <form class="row" (ngSubmit)="create()" aria-label="New API key">
            <mat-form-field>
              <mat-label>Merchant</mat-label>
              <mat-select name="merchant" [(ngModel)]="merchantId" required>
                @for (m of merchants(); track m.id) {
                  <mat-option [value]="m.id">{{ m.name }}</mat-option>
                }
              </mat-select>
            </mat-form-field>
            <mat-form-field
              ><mat-label>Key name</mat-label><input matInput name="name" [(ngModel)]="name"
            /></mat-form-field>
            <mat-form-field>
              <mat-label>Mode</mat-label>
              <mat-select name="mode" [(ngModel)]="mode"
                ><mat-option value="test">Test</mat-option
                ><mat-option value="live">Live</mat-option></mat-select
              >
            </mat-form-field>
            <button mat-flat-button type="submit" [disabled]="!merchantId">Create key</button>
          </form>
          @if (created(); as k) {
            <pr-secret-once testId="new-secret" [secret]="k.secret" (done)="created.set(null)"
              >Copy this secret now: it is shown only once.</pr-secret-once
            >
          }
        </section>
      }
      <section class="card">
        <table class="data" aria-label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Mode</th>
              <th scope="col">Scopes</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            @for (k of keys(); track k.id) {
              <tr>
                <td>{{ k.name }}</td>
                <td class="mono">{{ k.prefix }}…</td>
                <td>{{ k.mode }}</td>
                <td>{{ k.scopes.join(', ') }}</td>
                <td>{{ k.last_used_at ? (k.last_used_at | date: 'short') : 'never' }}</td>
                <td>{{ k.revoked_at ? 'revoked' : 'active' }}</td>
                <td>
                  @if (!k.revoked_at && canRevoke()) {
                    <button mat-button type="button" (click)="revoke(k)">Revoke</button>
                  }
                </td>
              </tr>
            }
          </tbody>
        </table>
      </section>
    </div>
  `,
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
