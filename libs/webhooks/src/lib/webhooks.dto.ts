import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { QueryInteger } from '@payrail/payments';

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://shop.example.com/payrail/webhooks' })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({
    example: ['payment.captured', 'refund.succeeded'],
    description: 'Event types, or ["*"] for all',
  })
  @IsString({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  event_types!: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class AdminCreateWebhookEndpointDto extends CreateWebhookEndpointDto {
  @ApiPropertyOptional({
    description: "The merchant the endpoint is for; default: the admin's only merchant",
  })
  @IsOptional()
  @IsString()
  merchant_id?: string;

  @ApiPropertyOptional({
    enum: ['test', 'live'],
    description: 'Which events the endpoint receives: test or live (default test)',
  })
  @IsOptional()
  @IsIn(['test', 'live'], { message: "mode must be 'test' or 'live'" })
  mode?: 'test' | 'live';
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  event_types?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class InboxQueryDto {
  @IsOptional()
  @IsString()
  merchant_id?: string;

  @IsOptional()
  @IsString()
  connection_id?: string;

  @IsOptional()
  @IsIn(['received', 'applied', 'ignored', 'failed'])
  state?: 'received' | 'applied' | 'ignored' | 'failed';

  @IsOptional()
  @IsString()
  payment_reference?: string;

  @IsOptional()
  @IsString()
  gateway_event_id?: string;

  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @IsString()
  starting_after?: string;
}

export class DeliveryQueryDto {
  @IsOptional()
  @IsString()
  merchant_id?: string;

  @IsOptional()
  @IsString()
  endpoint_id?: string;

  @IsOptional()
  @IsString()
  event_id?: string;

  @IsOptional()
  @IsIn(['pending', 'sending', 'succeeded', 'retrying', 'dead'])
  state?: 'pending' | 'sending' | 'succeeded' | 'retrying' | 'dead';

  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
