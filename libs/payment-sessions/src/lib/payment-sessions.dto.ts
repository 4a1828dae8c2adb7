import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsStringMap } from '@payrail/gateways';
import { CustomerDto } from '@payrail/payments';

export class CreatePaymentSessionDto {
  @ApiProperty({ description: 'Positive integer in the currency minor unit', example: 1000 })
  @IsInt({ message: 'amount must be a positive integer in the currency minor unit' })
  @Min(1, { message: 'amount must be greater than zero' })
  amount!: number;

  @ApiProperty({ example: 'usd', description: 'ISO 4217 code' })
  @IsString()
  @Length(3, 3, { message: 'currency must be a three-letter ISO 4217 code' })
  currency!: string;

  @ApiPropertyOptional({ enum: ['automatic', 'manual'], default: 'automatic' })
  @IsOptional()
  @IsIn(['automatic', 'manual'])
  capture_method?: 'automatic' | 'manual';

  @ApiPropertyOptional({
    type: CustomerDto,
    description: 'The customer, as on a payment; the email is where the receipt goes, if receipts are on',
  })
  @IsOptional()
  @IsObject({ message: 'customer must be an object with email and/or name' })
  @ValidateNested()
  @Type(() => CustomerDto)
  customer?: CustomerDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap({ maxEntries: 50, maxKeyLength: 40, maxValueLength: 500 })
  metadata?: Record<string, string>;

  @ApiPropertyOptional({
    description: 'Where the hosted page sends the customer afterwards, with ?session_id=…',
    example: 'https://shop.example/orders/1001/paid',
  })
  @IsOptional()
  @IsUrl(
    { protocols: ['https', 'http'], require_protocol: true, require_tld: false },
    { message: 'return_url must be an absolute http(s) URL' },
  )
  @MaxLength(2048)
  return_url?: string;

  @ApiPropertyOptional({ example: 'stripe' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,39}$/, { message: 'gateway must be a gateway code such as stripe' })
  gateway?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  connection_id?: string;

  @ApiPropertyOptional({ description: 'Seconds until the session expires (1 to 86400)', default: 1800 })
  @IsOptional()
  @IsInt({ message: 'expires_in must be a whole number of seconds from 1 to 86400' })
  @Min(1, { message: 'expires_in must be a whole number of seconds from 1 to 86400' })
  @Max(86400, { message: 'expires_in must be a whole number of seconds from 1 to 86400' })
  expires_in?: number;
}

export class ClientSecretQuery {
  @ApiProperty({ description: "The session's client secret" })
  @IsString({ message: 'client_secret is required' })
  @MaxLength(200)
  client_secret!: string;
}

/** The body of `POST …/gateway_order`: the client secret only; amount and currency are the session's. */
export class GatewayOrderDto {
  @ApiProperty({ description: "The session's client secret" })
  @IsString({ message: 'client_secret is required' })
  @MaxLength(200)
  client_secret!: string;
}

export class ConfirmPaymentSessionDto {
  @ApiProperty({ description: "The session's client secret" })
  @IsString({ message: 'client_secret is required' })
  @MaxLength(200)
  client_secret!: string;

  @ApiPropertyOptional({
    description:
      "What the gateway's browser SDK produced (a PaymentMethod id, a nonce, an approved order id); omit it to go on after a 3-D Secure challenge or approval",
    example: 'pm_1Nx…',
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_:.-]*$/, {
    message: 'token must be a gateway token such as pm_… or cnon:… (letters, digits, _ : . -)',
  })
  token?: string;
}

export class CheckoutOriginsDto {
  @ApiProperty({
    example: ['https://shop.example'],
    description: 'Origins (scheme, host, port) of the pages that mount the checkout',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, {
    each: true,
    message: 'each origin must be scheme://host[:port] with nothing after it, such as https://shop.example',
  })
  origins!: string[];
}
