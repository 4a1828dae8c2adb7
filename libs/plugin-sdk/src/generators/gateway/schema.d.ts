export interface GatewayGeneratorSchema {
  name: string;
  displayName?: string;
  port?: number;
}
