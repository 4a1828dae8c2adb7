import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNotEmptyObject,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { IsStringMap } from '@payrail/gateways';
import { luhnValid } from '@payrail/plugin-sdk';
import { PAYMENT_STATUSES } from './payment-status';
import { QueryInteger } from './query-params';

function IsCardNumber(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCardNumber',
      target: object.constructor,
      propertyName,
      options: {
        message: 'number must be a card number of 13 to 19 digits that passes the Luhn check',
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && /^\d{13,19}$/.test(value) && luhnValid(value),
      },
    });
}

export class CardDto {
  @ApiProperty({
    example: '4242424242424242',
    description: 'Held in memory for tokenization only; never stored or logged.',
  })
  @IsString()
  @IsCardNumber()
  number!: string;

  @ApiProperty({ example: 12 })
  @IsInt()
  @Min(1)
  @Max(12)
  exp_month!: number;

  @ApiProperty({ example: 2030 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  exp_year!: number;

  @ApiPropertyOptional({ example: '123' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{3,4}$/, { message: 'cvc must be 3 or 4 digits' })
  cvc?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class PaymentMethodDto {
  @ApiPropertyOptional({
    description: 'A gateway token: a Stripe PaymentMethod id, a Square nonce, …',
    example: 'pm_card_visa',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  // Every gateway's tokens are ids like pm_card_visa, cnon:card-nonce-ok or a vault id; refusing
  // anything else here keeps a malformed one from becoming a failed payment at the gateway.
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_:.-]*$/, {
    message: 'token must be a gateway token such as pm_card_visa or cnon:… (letters, digits, _ : . -)',
  })
  token?: string;

  @ApiPropertyOptional({ type: CardDto })
  @IsOptional()
  @IsObject({ message: 'card must be an object with number, exp_month and exp_year' })
  @ValidateNested()
  @Type(() => CardDto)
  card?: CardDto;
}

export class CustomerDto {
  @ApiPropertyOptional({ example: 'buyer@example.com' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class CreatePaymentDto {
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
    type: PaymentMethodDto,
    description: 'A token or a card; or customer_id and payment_method_id',
  })
  @IsOptional()
  @IsObject()
  @IsNotEmptyObject({}, { message: 'payment_method must have a token or a card' })
  @ValidateNested()
  @Type(() => PaymentMethodDto)
  payment_method?: PaymentMethodDto;

  @ApiPropertyOptional({ description: 'The customer a saved card (payment_method_id) belongs to' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  customer_id?: string;

  @ApiPropertyOptional({
    description: 'A card saved for customer_id (POST /v1/customers/{id}/payment_methods)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  payment_method_id?: string;

  @ApiPropertyOptional({
    description:
      'A merchant-initiated charge of the saved card, the customer absent (stored-credential flags)',
  })
  @IsOptional()
  @IsBoolean()
  off_session?: boolean;

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

  @ApiPropertyOptional({ type: CustomerDto })
  @IsOptional()
  @IsObject({ message: 'customer must be an object with email and/or name' })
  @ValidateNested()
  @Type(() => CustomerDto)
  customer?: CustomerDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap({ maxEntries: 50, maxKeyLength: 40, maxValueLength: 500 })
  metadata?: Record<string, string>;
}

export class CapturePaymentDto {
  @ApiPropertyOptional({ description: 'Minor units; defaults to everything capturable' })
  @IsOptional()
  @IsInt({ message: 'amount must be a positive integer in the currency minor unit' })
  @Min(1, { message: 'amount must be greater than zero' })
  amount?: number;

  @ApiPropertyOptional({
    default: true,
    description: 'false keeps the rest capturable, where the gateway allows several captures',
  })
  @IsOptional()
  @IsBoolean()
  final?: boolean;
}

export class RefundPaymentDto {
  @ApiPropertyOptional({ description: 'Minor units; defaults to everything left to refund' })
  @IsOptional()
  @IsInt({ message: 'amount must be a positive integer in the currency minor unit' })
  @Min(1, { message: 'amount must be greater than zero' })
  amount?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ListPaymentsQuery {
  @ApiPropertyOptional({ enum: PAYMENT_STATUSES })
  @IsOptional()
  @IsIn(PAYMENT_STATUSES)
  status?: (typeof PAYMENT_STATUSES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  gateway?: string;

  @ApiPropertyOptional({ description: 'ISO 8601' })
  @IsOptional()
  @IsISO8601({}, { message: 'created_gte must be an ISO 8601 date-time' })
  created_gte?: string;

  @ApiPropertyOptional({ description: 'ISO 8601' })
  @IsOptional()
  @IsISO8601({}, { message: 'created_lt must be an ISO 8601 date-time' })
  created_lt?: string;

  @ApiPropertyOptional({ default: 10, maximum: 100 })
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'limit must be an integer from 1 to 100' })
  @Min(1, { message: 'limit must be an integer from 1 to 100' })
  @Max(100, { message: 'limit must be an integer from 1 to 100' })
  limit?: number;

  @ApiPropertyOptional({ description: 'A payment id: the page after it' })
  @IsOptional()
  @IsString()
  starting_after?: string;
}
