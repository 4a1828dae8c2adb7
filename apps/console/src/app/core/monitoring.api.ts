import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  AcknowledgeAlertRequest,
  AdminList,
  AlertChannelCreatedResource,
  AlertChannelResource,
  AlertChannelTestResultResource,
  AlertListQuery,
  AlertListResource,
  AlertResource,
  AlertRuleResource,
  CreateAlertChannelRequest,
  CreateAlertRuleRequest,
  CreateSilenceRequest,
  SilenceResource,
  UpdateAlertChannelRequest,
  UpdateAlertRuleRequest,
  GatewayHealthDetailResource,
  GatewayHealthResource,
  GatewayHealthWindow,
  RoutingRuleRequest,
  RoutingRuleResource,
  RoutingSimulationRequest,
  RoutingSimulationResource,
} from '@payrail/api-contract';
import { firstValueFrom } from 'rxjs';

function params(query: Record<string, string | number | undefined>): HttpParams {
  let p = new HttpParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') p = p.set(key, String(value));
  return p;
}

/** Gateway health and payment routing: the monitoring page's part of the admin API. */
@Injectable({ providedIn: 'root' })
export class MonitoringApi {
  private readonly http = inject(HttpClient);

  gateways = (window: GatewayHealthWindow, merchantId?: string) =>
    firstValueFrom(
      this.http.get<AdminList<GatewayHealthResource>>('/admin/monitoring/gateways', {
        params: params({ window, merchant_id: merchantId }),
      }),
    );
  gateway = (connectionId: string, window: GatewayHealthWindow) =>
    firstValueFrom(
      this.http.get<GatewayHealthDetailResource>(
        `/admin/monitoring/gateways/${encodeURIComponent(connectionId)}`,
        { params: params({ window }) },
      ),
    );

  routingRules = (merchantId: string) =>
    firstValueFrom(
      this.http.get<AdminList<RoutingRuleResource>>('/admin/routing/rules', {
        params: params({ merchant_id: merchantId }),
      }),
    );
  createRoutingRule = (body: RoutingRuleRequest) =>
    firstValueFrom(this.http.post<RoutingRuleResource>('/admin/routing/rules', body));
  updateRoutingRule = (id: string, body: RoutingRuleRequest) =>
    firstValueFrom(
      this.http.patch<RoutingRuleResource>(`/admin/routing/rules/${encodeURIComponent(id)}`, body),
    );
  deleteRoutingRule = (id: string) =>
    firstValueFrom(
      this.http.delete<{ id: string; deleted: true }>(`/admin/routing/rules/${encodeURIComponent(id)}`),
    );
  simulate = (body: RoutingSimulationRequest) =>
    firstValueFrom(this.http.post<RoutingSimulationResource>('/admin/routing/simulate', body));

  alerts = (query: AlertListQuery = {}) =>
    firstValueFrom(
      this.http.get<AlertListResource<AlertResource>>('/admin/alerts', { params: params({ ...query }) }),
    );
  acknowledge = (id: string, body: AcknowledgeAlertRequest) =>
    firstValueFrom(
      this.http.post<AlertResource>(`/admin/alerts/${encodeURIComponent(id)}/acknowledge`, body),
    );
  silences = () =>
    firstValueFrom(this.http.get<AlertListResource<SilenceResource>>('/admin/alerts/silences'));
  createSilence = (body: CreateSilenceRequest) =>
    firstValueFrom(this.http.post<SilenceResource>('/admin/alerts/silences', body));
  expireSilence = (id: string) =>
    firstValueFrom(this.http.delete<SilenceResource>(`/admin/alerts/silences/${encodeURIComponent(id)}`));

  alertRules = () =>
    firstValueFrom(this.http.get<AlertListResource<AlertRuleResource>>('/admin/alerts/rules'));
  createAlertRule = (body: CreateAlertRuleRequest) =>
    firstValueFrom(this.http.post<AlertRuleResource>('/admin/alerts/rules', body));
  updateAlertRule = (id: string, body: UpdateAlertRuleRequest) =>
    firstValueFrom(this.http.patch<AlertRuleResource>(`/admin/alerts/rules/${encodeURIComponent(id)}`, body));

  channels = () =>
    firstValueFrom(this.http.get<AlertListResource<AlertChannelResource>>('/admin/alerts/channels'));
  createChannel = (body: CreateAlertChannelRequest) =>
    firstValueFrom(this.http.post<AlertChannelCreatedResource>('/admin/alerts/channels', body));
  updateChannel = (id: string, body: UpdateAlertChannelRequest) =>
    firstValueFrom(
      this.http.patch<AlertChannelResource>(`/admin/alerts/channels/${encodeURIComponent(id)}`, body),
    );
  testChannel = (id: string) =>
    firstValueFrom(
      this.http.post<AlertChannelTestResultResource>(
        `/admin/alerts/channels/${encodeURIComponent(id)}/test`,
        {},
      ),
    );
}
