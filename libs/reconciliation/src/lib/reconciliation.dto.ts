import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { QueryInteger } from '@payrail/payments';
import { EXCEPTION_KINDS, RESULT_KINDS } from './matching';

export class StartRunDto {
  @ApiProperty()
  @IsString({ message: 'connection_id must be the id of a connection' })
  @MaxLength(40)
  connection_id!: string;

  @ApiProperty({ description: 'ISO 8601 instant, inclusive' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from!: string;

  @ApiProperty({ description: 'ISO 8601 instant, exclusive' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to!: string;
}

export class RunListQuery {
  @IsOptional() @IsString() @MaxLength(40) connection_id?: string;
  @IsOptional() @IsString() @MaxLength(40) merchant_id?: string;
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'limit must be a whole number from 1 to 100' })
  @Min(1, { message: 'limit must be a whole number from 1 to 100' })
  @Max(100, { message: 'limit must be a whole number from 1 to 100' })
  limit?: number;
}

export class ExceptionListQuery {
  @IsOptional() @IsString() @MaxLength(40) run_id?: string;
  @IsOptional() @IsString() @MaxLength(40) connection_id?: string;
  @IsOptional() @IsString() @MaxLength(40) merchant_id?: string;
  @ApiPropertyOptional({ enum: EXCEPTION_KINDS })
  @IsOptional()
  @IsIn(RESULT_KINDS, { message: `kind must be one of ${EXCEPTION_KINDS.join(', ')}` })
  kind?: string;
  @ApiPropertyOptional({ enum: ['open', 'acknowledged', 'resolved'] })
  @IsOptional()
  @IsIn(['open', 'acknowledged', 'resolved'], { message: 'status must be open, acknowledged or resolved' })
  status?: 'open' | 'acknowledged' | 'resolved';
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'limit must be a whole number from 1 to 200' })
  @Min(1, { message: 'limit must be a whole number from 1 to 200' })
  @Max(200, { message: 'limit must be a whole number from 1 to 200' })
  limit?: number;
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'page must be a whole number from 1' })
  @Min(1, { message: 'page must be a whole number from 1' })
  page?: number;
}

const NOTE = 'note is required: say why (1 to 1000 characters)';

export class ResolveExceptionDto {
  @ApiProperty({ enum: ['accept_gateway', 'write_off', 'linked'] })
  @IsIn(['accept_gateway', 'write_off', 'linked'], {
    message: 'resolution must be accept_gateway, write_off or linked',
  })
  resolution!: 'accept_gateway' | 'write_off' | 'linked';

  @ApiProperty()
  @IsString({ message: NOTE })
  @Length(1, 1000, { message: NOTE })
  note!: string;

  @ApiPropertyOptional({ description: 'With `linked`: the refund or dispute id the difference belongs to' })
  @IsOptional()
  @IsString()
  @Length(1, 200, { message: 'linked_reference must be 1 to 200 characters' })
  linked_reference?: string;
}

export class ExceptionNoteDto {
  @ApiProperty()
  @IsString({ message: NOTE })
  @Length(1, 1000, { message: NOTE })
  note!: string;
}
