import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsInt,
  IsNotEmptyObject,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsStringMap } from '@payrail/gateways';
import { PaymentMethodDto } from '../payments.dto';
import { QueryInteger } from '../query-params';

/** The body of `POST` and `PATCH /v1/customers` (a payment's inline customer is `CustomerDto`). */
export class CustomerBodyDto {
  @ApiPropertyOptional({ example: 'ada@example.com' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ example: 'Ada Lovelace' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @ApiPropertyOptional({
    example: '+15555550100',
    description: 'E.164, or digits with spaces, dashes and brackets',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(/^\+?[0-9 ().-]{7,32}$/, { message: 'phone must be a phone number such as +15555550100' })
  phone?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap({ maxEntries: 50, maxKeyLength: 40, maxValueLength: 500 })
  metadata?: Record<string, string>;
}

export class SavePaymentMethodDto {
  @ApiPropertyOptional({
    example: 'stripe',
    description: 'Which gateway to save at (its default connection)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,39}$/, { message: 'gateway must be a gateway code such as stripe' })
  gateway?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  connection_id?: string;

  @ApiPropertyOptional({ type: PaymentMethodDto })
  @IsObject({ message: 'payment_method must be an object with a token or a card' })
  @IsNotEmptyObject({}, { message: 'payment_method must have a token or a card' })
  @ValidateNested()
  @Type(() => PaymentMethodDto)
  payment_method!: PaymentMethodDto;

  @ApiPropertyOptional({ description: 'Where an authentication the gateway asks for returns the customer' })
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'return_url must be an http(s) URL' },
  )
  return_url?: string;
}

export class ListCustomersQuery {
  @ApiPropertyOptional({ default: 10, maximum: 100 })
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'limit must be an integer from 1 to 100' })
  @Min(1, { message: 'limit must be an integer from 1 to 100' })
  @Max(100, { message: 'limit must be an integer from 1 to 100' })
  limit?: number;

  @ApiPropertyOptional({ description: 'A customer id: the page after it' })
  @IsOptional()
  @IsString()
  starting_after?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string;
}
