import { Module, type DynamicModule } from '@nestjs/common';
import { SQUARE_PLUGIN_OPTIONS, SquareGateway, type SquarePluginOptions } from './square.gateway';

/** The Square gateway plugin: `SquarePlugin.forRoot()` provides a `SquareGateway` the API discovers. */
@Module({})
export class SquarePlugin {
  static forRoot(options: SquarePluginOptions = {}): DynamicModule {
    return {
      module: SquarePlugin,
      providers: [{ provide: SQUARE_PLUGIN_OPTIONS, useValue: options }, SquareGateway],
      exports: [SquareGateway],
    };
  }
}
