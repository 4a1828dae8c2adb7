import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { GROUP_BY } from './report-filters';

export class SummaryQuery {
  @ApiPropertyOptional({ description: 'ISO 8601 instant, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601 instant, exclusive; a future one is fine' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;

  @IsOptional() @IsString() @MaxLength(40) merchant_id?: string;
  @IsOptional() @IsString() @MaxLength(40) gateway?: string;

  @IsOptional()
  @Matches(/^[A-Za-z]{3}$/, { message: 'currency must be a three-letter ISO 4217 code' })
  currency?: string;

  @ApiPropertyOptional({ enum: GROUP_BY, default: 'day' })
  @IsOptional()
  @IsIn(GROUP_BY, { message: `group_by must be one of ${GROUP_BY.join(', ')}` })
  group_by?: (typeof GROUP_BY)[number];

  @ApiPropertyOptional({ enum: ['test', 'live'], default: 'test' })
  @IsOptional()
  @IsIn(['test', 'live'], { message: "mode must be 'test' or 'live'" })
  mode?: 'test' | 'live';
}

/** The merchant's own summary: the key's merchant and mode decide, so neither is a parameter. */
export class MerchantSummaryQuery {
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;
  @IsOptional() @IsString() @MaxLength(40) gateway?: string;
  @IsOptional()
  @Matches(/^[A-Za-z]{3}$/, { message: 'currency must be a three-letter ISO 4217 code' })
  currency?: string;
  @IsOptional()
  @IsIn(GROUP_BY, { message: `group_by must be one of ${GROUP_BY.join(', ')}` })
  group_by?: (typeof GROUP_BY)[number];
}

export class TransactionsExportQuery {
  @ApiPropertyOptional({ enum: ['csv', 'jsonl'] })
  @IsIn(['csv', 'jsonl'], { message: 'format must be csv or jsonl' })
  format!: 'csv' | 'jsonl';

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;
  @IsOptional() @IsString() @MaxLength(40) merchant_id?: string;
  @IsOptional() @IsString() @MaxLength(40) gateway?: string;
  @IsOptional()
  @Matches(/^[A-Za-z]{3}$/, { message: 'currency must be a three-letter ISO 4217 code' })
  currency?: string;
  @IsOptional()
  @IsIn(['test', 'live'], { message: "mode must be 'test' or 'live'" })
  mode?: 'test' | 'live';
}
