import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { isGatewayClass } from '@payrail/plugin-sdk';
import { SquareGateway } from './square.gateway';
import { SquarePlugin } from './square.plugin';

describe('SquarePlugin', () => {
  it('provides a SquareGateway the API can discover, with the options given to forRoot', async () => {
    const module = await Test.createTestingModule({
      imports: [SquarePlugin.forRoot({ authorizationDelay: 'PT12H' })],
    }).compile();
    const gateway = module.get(SquareGateway);
    expect(gateway.code).toBe('square');
    expect(isGatewayClass(SquareGateway)).toBe(true);
    expect(gateway.fields.filter((f) => f.required).map((f) => f.key)).toEqual(['accessToken', 'locationId']);
    expect(gateway.fields.find((f) => f.key === 'webhookSignatureKey')?.secret).toBe(true);
    await module.close();
  });

  it('refuses an authorizationDelay that is not a duration, naming the option', () => {
    expect(() => SquarePlugin.forRoot({ authorizationDelay: '12 hours' })).toThrow(
      /authorizationDelay '12 hours'/,
    );
  });
});
