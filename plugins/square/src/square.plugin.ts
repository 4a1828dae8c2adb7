import { Module, type DynamicModule } from '@nestjs/common';
import { SQUARE_PLUGIN_OPTIONS, SquareGateway, type SquarePluginOptions } from './square.gateway';

/** The Square gateway plugin: `SquarePlugin.forRoot()` provides a `SquareGateway` the API discovers. */
@Module({})
export class SquarePlugin {
  static forRoot(options: SquarePluginOptions = {}): DynamicModule {
    const delay = options.authorizationDelay;
    if (delay !== undefined && !/^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/.test(delay))
      throw new Error(
        `SquarePlugin authorizationDelay '${delay}' is not an RFC 3339 duration such as PT12H or P7D (PT1M to P7D)`,
      );
    return {
      module: SquarePlugin,
      providers: [{ provide: SQUARE_PLUGIN_OPTIONS, useValue: options }, SquareGateway],
      exports: [SquareGateway],
    };
  }
}
