import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { IsStringMap } from './string-map.validator';

/** Field values by key: strings only, a bounded number of them. */
const IsValues = () => IsStringMap({ maxEntries: 30, maxKeyLength: 60, maxValueLength: 2000 });

export class CreateConnectionDto {
  @ApiProperty({ example: 'mer_…' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'merchant_id must be a merchant id' })
  merchant_id!: string;

  @ApiProperty({ example: 'stripe' })
  @IsString()
  @Matches(/^[a-z0-9_-]{1,40}$/, { message: 'gateway must be an installed plugin code' })
  gateway!: string;

  @ApiProperty({ enum: ['test', 'live'] })
  @IsIn(['test', 'live'], { message: "mode must be 'test' or 'live'" })
  mode!: 'test' | 'live';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({
    description: 'Every field of the plugin by key; a value may be env:NAME',
    example: { secretKey: 'env:STRIPE_SECRET_KEY' },
  })
  @IsValues()
  values!: Record<string, string>;

  @ApiPropertyOptional({ nullable: true, description: 'Test connections only: the sandbox URL' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(500)
  base_url?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_default?: boolean;
}

export class UpdateConnectionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    description: 'Merged into the stored values; secret fields not sent keep their value',
  })
  @IsOptional()
  @IsValues()
  values?: Record<string, string>;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(500)
  base_url?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_default?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ListConnectionsQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'merchant_id must be a merchant id' })
  merchant_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_-]{1,40}$/, { message: 'gateway must be a plugin code' })
  gateway?: string;

  @ApiPropertyOptional({ enum: ['test', 'live'] })
  @IsOptional()
  @IsIn(['test', 'live'], { message: "mode must be 'test' or 'live'" })
  mode?: 'test' | 'live';
}
