import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PAYMENT_STATUSES } from './payment-status';
import { QueryInteger } from './query-params';

const AMOUNT = 'must be a non-negative integer in the currency minor unit';

/** `GET /admin/dashboard`: one mode at a time, test unless asked, so test and live are never summed. */
export class AdminDashboardQuery {
  @ApiPropertyOptional({ enum: ['test', 'live'], default: 'test' })
  @IsOptional()
  @IsIn(['test', 'live'], { message: "mode must be 'test' or 'live'" })
  mode?: 'test' | 'live';
}

export class AdminPaymentListQuery {
  @IsOptional() @IsString() merchant_id?: string;
  @ApiPropertyOptional({ enum: PAYMENT_STATUSES })
  @IsOptional()
  @IsIn(PAYMENT_STATUSES, { message: `status must be one of ${PAYMENT_STATUSES.join(', ')}` })
  status?: (typeof PAYMENT_STATUSES)[number];
  @IsOptional() @IsString() gateway?: string;
  @ApiPropertyOptional({ enum: ['test', 'live'], description: 'Only test or only live payments' })
  @IsOptional()
  @IsIn(['test', 'live'], { message: "mode must be 'test' or 'live'" })
  mode?: 'test' | 'live';
  @IsOptional() @IsISO8601({}, { message: 'from must be an ISO 8601 date or date-time' }) from?: string;
  @IsOptional() @IsISO8601({}, { message: 'to must be an ISO 8601 date or date-time' }) to?: string;
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: `amount_min ${AMOUNT}` })
  @Min(0, { message: `amount_min ${AMOUNT}` })
  amount_min?: number;
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: `amount_max ${AMOUNT}` })
  @Min(0, { message: `amount_max ${AMOUNT}` })
  amount_max?: number;
  @IsOptional() @IsString() @MaxLength(320) customer_email?: string;
  @IsOptional() @IsString() @MaxLength(200) q?: string;
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'page must be an integer from 1' })
  @Min(1, { message: 'page must be an integer from 1' })
  page?: number;
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'page_size must be an integer from 1 to 100' })
  @Min(1, { message: 'page_size must be an integer from 1 to 100' })
  @Max(100, { message: 'page_size must be an integer from 1 to 100' })
  page_size?: number;
}

export class AdminCaptureDto {
  @IsOptional()
  @IsInt({ message: 'amount must be a positive integer in the currency minor unit' })
  @Min(1, { message: 'amount must be greater than zero' })
  amount?: number;
}

export class AdminRefundDto {
  @IsOptional()
  @IsInt({ message: 'amount must be a positive integer in the currency minor unit' })
  @Min(1, { message: 'amount must be greater than zero' })
  amount?: number;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class TerminalCardDto {
  @IsString() @Length(12, 19, { message: 'card.number must have 12 to 19 digits' }) number!: string;
  @IsInt({ message: 'card.exp_month must be 1 to 12' })
  @Min(1, { message: 'card.exp_month must be 1 to 12' })
  @Max(12, { message: 'card.exp_month must be 1 to 12' })
  exp_month!: number;
  @IsInt({ message: 'card.exp_year must be a four-digit year' })
  @Min(2000, { message: 'card.exp_year must be a four-digit year' })
  exp_year!: number;
  @IsString() @Length(3, 4, { message: 'card.cvc must have 3 or 4 digits' }) cvc!: string;
}

export class TerminalPaymentDto {
  @IsString() connection_id!: string;
  @IsInt({ message: 'amount must be a positive integer in the currency minor unit' })
  @Min(1, { message: 'amount must be greater than zero' })
  amount!: number;
  @IsString() @Length(3, 3, { message: 'currency must be a three-letter ISO 4217 code' }) currency!: string;
  @IsIn(['automatic', 'manual'], { message: 'capture_method must be automatic or manual' }) capture_method!:
    'automatic' | 'manual';
  @IsObject({ message: 'card must be an object with number, exp_month, exp_year and cvc' })
  @ValidateNested()
  @Type(() => TerminalCardDto)
  card!: TerminalCardDto;
  @IsOptional() @IsEmail({}, { message: 'customer_email must be an email address' }) customer_email?: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
}
